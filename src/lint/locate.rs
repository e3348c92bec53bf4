//! Finer positions than the model keeps: the YAML node at an origin is parsed again from the
//! source text, so a finding can point at one verb or one resource string of a rule.
//!
//! Only findings pay for this (a few small parses), so the loader keeps its memory per object.

use crate::diagnostics::line_column;
use crate::loader::yaml::{Node, Value, parse_document};
use crate::model::Origin;

/// The node at `origin` (a mapping the loader recorded), with offsets in `text`.
///
/// The node's text is parsed alone, indented as in the file: everything on its first line
/// before it (a `- ` or a key) becomes spaces, so block mappings keep their columns.
pub fn node_at(text: &str, origin: &Origin) -> Option<Node<'static>> {
    let start = origin.offset as usize;
    let end = start.checked_add(origin.len as usize)?;
    let slice = text.get(start..end)?;
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let mut doc = " ".repeat(start - line_start);
    doc.push_str(slice);
    parse_document(&doc, line_start).ok().map(Node::into_owned)
}

/// The origin of `node`, a node inside the one at `base`: line and column are counted from
/// `base`'s (known) position, so the cost is the node's distance from it, not from the file start.
fn origin_of(text: &str, base: &Origin, node: &Node) -> Origin {
    let from = base.offset as usize;
    let to = (node.offset as usize).max(from);
    let (line, column) = match text.get(from..to) {
        Some(between) => match between.rfind('\n') {
            Some(last) => {
                let lines = between.bytes().filter(|&b| b == b'\n').count() as u32;
                (
                    base.line + lines,
                    between[last + 1..].chars().count() as u32 + 1,
                )
            }
            None => (base.line, base.column + between.chars().count() as u32),
        },
        None => line_column(text, node.offset as usize),
    };
    Origin {
        source: base.source,
        offset: node.offset,
        len: node.len,
        line,
        column,
    }
}

/// The string `value` in the list under `key` of the mapping at `origin`.
pub fn list_item(text: &str, origin: &Origin, key: &str, value: &str) -> Option<Origin> {
    list_item_in(text, origin, &node_at(text, origin)?, key, value)
}

/// As [`list_item`], with the node at `origin` already parsed.
pub fn list_item_in(
    text: &str,
    origin: &Origin,
    node: &Node,
    key: &str,
    value: &str,
) -> Option<Origin> {
    let list = node.get(key)?;
    match &list.value {
        Value::Seq(items) => items
            .iter()
            .find(|n| n.as_str() == Some(value))
            .map(|n| origin_of(text, origin, n)),
        _ => None,
    }
}

/// The node reached by `path` (mapping keys) from the mapping at `origin`.
pub fn field(text: &str, origin: &Origin, path: &[&str]) -> Option<Origin> {
    field_in(text, origin, &node_at(text, origin)?, path)
}

/// As [`field`], with the node at `origin` already parsed.
pub fn field_in(text: &str, origin: &Origin, node: &Node, path: &[&str]) -> Option<Origin> {
    let mut at = node;
    for key in path {
        at = at.get(key)?;
    }
    Some(origin_of(text, origin, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_an_item_of_an_indented_block_rule() {
        let text = "rules:\n- apiGroups: [\"\"]\n  resources:\n  - pods/*\n  verbs: [get]\n";
        let off = text.find("apiGroups").unwrap_or(0);
        let origin = Origin {
            source: 0,
            offset: off as u32,
            len: (text.len() - off - 1) as u32,
            line: 2,
            column: 3,
        };
        let o = list_item(text, &origin, "resources", "pods/*");
        assert_eq!(o.map(|o| (o.line, o.column)), Some((4, 5)));
        let v = list_item(text, &origin, "verbs", "get");
        assert_eq!(v.map(|o| (o.line, o.column)), Some((5, 11)));
    }
}
