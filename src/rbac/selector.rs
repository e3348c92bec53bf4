//! Label selectors as `metav1.LabelSelectorAsSelector` and `labels.Selector.Matches` read them.

use std::collections::BTreeMap;

use crate::model::LabelSelector;

/// Why a selector cannot be used; the aggregation controller then leaves the role unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectorError(pub String);

/// Whether `selector` selects an object with `labels`. An empty selector selects everything.
pub fn selector_matches(
    selector: &LabelSelector,
    labels: &BTreeMap<String, String>,
) -> Result<bool, SelectorError> {
    validate(selector)?;
    for (k, v) in &selector.match_labels {
        if labels.get(k) != Some(v) {
            return Ok(false);
        }
    }
    for req in &selector.match_expressions {
        let value = labels.get(&req.key);
        let ok = match req.operator.as_str() {
            "In" => value.is_some_and(|v| req.values.contains(v)),
            "NotIn" => value.is_none_or(|v| !req.values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The checks `LabelSelectorAsSelector` makes before a selector can match anything.
pub fn validate(selector: &LabelSelector) -> Result<(), SelectorError> {
    for req in &selector.match_expressions {
        match req.operator.as_str() {
            "In" | "NotIn" => {
                if req.values.is_empty() {
                    return Err(SelectorError(format!(
                        "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty (key `{}`)",
                        req.key
                    )));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !req.values.is_empty() {
                    return Err(SelectorError(format!(
                        "values: Invalid value: for 'exists', 'doesnotexist' operators, values set must be empty (key `{}`)",
                        req.key
                    )));
                }
            }
            op => {
                return Err(SelectorError(format!(
                    "\"{op}\" is not a valid label selector operator"
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelector {
        LabelSelector {
            match_labels: BTreeMap::new(),
            match_expressions: vec![LabelSelectorRequirement {
                key: key.into(),
                operator: op.into(),
                values: values.iter().map(|s| s.to_string()).collect(),
            }],
        }
    }

    #[test]
    fn empty_selector_selects_everything() {
        assert_eq!(
            selector_matches(&LabelSelector::default(), &labels(&[])),
            Ok(true)
        );
    }

    #[test]
    fn operators() {
        let l = labels(&[("a", "1")]);
        assert_eq!(
            selector_matches(&expr("a", "In", &["1", "2"]), &l),
            Ok(true)
        );
        assert_eq!(selector_matches(&expr("a", "NotIn", &["1"]), &l), Ok(false));
        assert_eq!(selector_matches(&expr("b", "NotIn", &["1"]), &l), Ok(true));
        assert_eq!(selector_matches(&expr("a", "Exists", &[]), &l), Ok(true));
        assert_eq!(
            selector_matches(&expr("a", "DoesNotExist", &[]), &l),
            Ok(false)
        );
        assert!(selector_matches(&expr("a", "In", &[]), &l).is_err());
        assert!(selector_matches(&expr("a", "Exists", &["1"]), &l).is_err());
        assert_eq!(
            selector_matches(&expr("a", "Equals", &["1"]), &l),
            Err(SelectorError(
                "\"Equals\" is not a valid label selector operator".into()
            ))
        );
    }

    #[test]
    fn match_labels_are_anded() {
        let mut s = LabelSelector::default();
        s.match_labels.insert("a".into(), "1".into());
        s.match_labels.insert("b".into(), "2".into());
        assert_eq!(selector_matches(&s, &labels(&[("a", "1")])), Ok(false));
        assert_eq!(
            selector_matches(&s, &labels(&[("a", "1"), ("b", "2")])),
            Ok(true)
        );
    }
}
