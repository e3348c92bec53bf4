//! `binding-to-missing-serviceaccount`: a binding naming a ServiceAccount the input lacks.

use std::collections::BTreeMap;

use crate::lint::rules::closest;
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};

declare_rule! {
    /// ## What it finds
    /// A ServiceAccount subject whose namespace has ServiceAccounts in the input, but not this
    /// one. Namespaces with no ServiceAccount in the input are not judged (their accounts are
    /// managed elsewhere), and neither is `default`, which every namespace has.
    ///
    /// ## Why it matters
    /// The binding grants to an account that does not exist: usually a typo in the name or
    /// namespace, so the workload that needed the permission lacks it. Anyone who later creates
    /// an account of that name gets it.
    ///
    /// ## Example
    /// ServiceAccount `ci/deployer` in the input and a RoleBinding naming `ci/deploy`.
    ///
    /// ## Instead
    /// Name the ServiceAccount exactly, with its namespace.
    BindingToMissingServiceaccount {
        id: "binding-to-missing-serviceaccount",
        category: Correctness,
        level: Warning,
        summary: "a ServiceAccount subject the input does not define",
    }
}

impl Rule for BindingToMissingServiceaccount {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let mut by_ns: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for sa in &cx.policy.service_accounts {
            by_ns
                .entry(sa.namespace.as_str())
                .or_default()
                .push(sa.name.as_str());
        }
        // ServiceAccounts the built-in policy binds (kube-system's controllers) exist.
        for b in cx
            .policy
            .cluster_role_bindings
            .iter()
            .chain(cx.policy.role_bindings.iter())
        {
            if b.meta.origin.is_builtin() {
                for s in b.subjects.iter().filter(|s| s.kind == "ServiceAccount") {
                    let ns = if s.namespace.is_empty() {
                        b.meta.namespace.as_str()
                    } else {
                        s.namespace.as_str()
                    };
                    if let Some(list) = by_ns.get_mut(ns) {
                        list.push(s.name.as_str());
                    }
                }
            }
        }
        if by_ns.is_empty() {
            return;
        }
        for b in cx.user_bindings() {
            for (i, s) in b.subjects.iter().enumerate() {
                if s.kind != "ServiceAccount" || s.name == "default" {
                    continue;
                }
                let ns = if s.namespace.is_empty() {
                    // Only a namespace written on the binding is judged: one the loader
                    // defaulted (`default`) is usually filled in later (kustomize, `-n`).
                    if cx.field_origin(&b.meta.origin, &["metadata", "namespace"]) == b.meta.origin
                    {
                        continue;
                    }
                    b.meta.namespace.as_str()
                } else {
                    s.namespace.as_str()
                };
                let Some(names) = by_ns.get(ns) else { continue };
                if names.contains(&s.name.as_str()) {
                    continue;
                }
                let at = b.subject_origins.get(i).copied().unwrap_or(b.meta.origin);
                let mut f = Finding::new(
                    &Self::INFO,
                    cx.field_origin(&at, &["name"]),
                    format!(
                        "{} names ServiceAccount `{ns}/{}`, which is not in the input (it defines {} other ServiceAccounts in `{ns}`)",
                        describe(b.kind.as_str(), &b.meta),
                        s.name,
                        names.len()
                    ),
                )
                .label("no such ServiceAccount");
                f = match closest(&s.name, names.iter().copied()) {
                    Some(n) => {
                        if let Some(sa) = cx
                            .policy
                            .service_accounts
                            .iter()
                            .find(|x| x.namespace == ns && x.name == n)
                        {
                            f = f.related(sa.origin, format!("did you mean `{n}`?"));
                        }
                        f.help(format!("did you mean `{n}`?"))
                    }
                    None => f.help("add the ServiceAccount, or name an existing one"),
                };
                out.push(Some(&b.meta), f);
            }
        }
    }
}
