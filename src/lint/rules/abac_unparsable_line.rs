//! `abac-unparsable-line`: an ABAC policy line the API server cannot load.

use crate::lint::{Context, Finding, Findings, Rule, RuleInfo};
use crate::model::Origin;

declare_rule! {
    /// ## What it finds
    /// A line of the `--abac` policy file that does not decode as a policy: broken JSON, an
    /// unknown `apiVersion` or `kind`, a field of the wrong type, a line longer than 64 KiB.
    ///
    /// ## Why it matters
    /// The kube-apiserver refuses to start with such a file (`--authorization-policy-file`).
    ///
    /// ## Example
    /// ```json
    /// {"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "alice", "readonly": "yes"}}
    /// ```
    ///
    /// ## Instead
    /// ```json
    /// {"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "alice", "readonly": true}}
    /// ```
    AbacUnparsableLine {
        id: "abac-unparsable-line",
        category: Abac,
        level: Error,
        summary: "an ABAC policy line that does not decode (the API server will not start)",
    }
}

impl Rule for AbacUnparsableLine {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(abac) = &cx.abac else { return };
        for p in abac.problems {
            let (offset, len) = p.span.unwrap_or((0, 0));
            let at = Origin {
                source: abac.source,
                offset: offset as u32,
                len: len as u32,
                line: p.line,
                column: p.column,
            };
            let mut f = Finding::new(&Self::INFO, at, p.message.clone())
                .label(p.label.clone().unwrap_or_else(|| "here".into()));
            if let Some(h) = &p.help {
                f = f.help(h.clone());
            }
            out.push(None, f);
        }
    }
}
