//! Which gained permissions are risky: lint's security rules, asked about one atomic grant.
//!
//! A gain is risky when the rule that grants exactly it would trip one of `kauthz lint`'s
//! security rules ([`security_findings_for_rule`]), so `diff --fail-on risky` and `lint`
//! always agree. A cluster-wide `*` on `*/*` is also reported as `cluster-admin-binding`,
//! which lint decides per binding.

use crate::diff::permissions::Atom;
use crate::lint::security_findings_for_rule;

#[cfg(test)]
const RBAC: &str = "rbac.authorization.k8s.io";

/// The security rule ids a grant of `atom` (cluster-wide or in one namespace) matches, sorted.
pub fn risk_of(atom: &Atom, cluster_wide: bool) -> Vec<&'static str> {
    let mut out = security_findings_for_rule(&atom.to_rule(), cluster_wide);
    if let Atom::Resource {
        verb,
        api_group,
        resource,
        name,
    } = atom
        && cluster_wide
        && verb == "*"
        && api_group == "*"
        && resource == "*"
        && name.is_empty()
    {
        out.push("cluster-admin-binding");
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(verb: &str, group: &str, resource: &str) -> Atom {
        Atom::Resource {
            verb: verb.into(),
            api_group: group.into(),
            resource: resource.into(),
            name: String::new(),
        }
    }

    #[test]
    fn flags_the_usual_suspects() {
        assert_eq!(risk_of(&res("get", "", "secrets"), false), ["secrets-read"]);
        assert_eq!(
            risk_of(&res("get", "", "configmaps"), true),
            Vec::<&str>::new()
        );
        assert_eq!(
            risk_of(&res("escalate", RBAC, "clusterroles"), true),
            ["escalate-verb"]
        );
        assert_eq!(
            risk_of(&res("create", "", "pods/exec"), false),
            ["pod-exec-attach-portforward"]
        );
        assert_eq!(
            risk_of(&res("create", "", "*/exec"), false),
            ["pod-exec-attach-portforward"]
        );
        let all = risk_of(&res("*", "*", "*"), true);
        for id in [
            "cluster-admin-binding",
            "wildcard-verbs",
            "secrets-read",
            "escalate-verb",
            "bind-verb",
            "impersonate",
            "rbac-write",
            "pod-exec-attach-portforward",
            "serviceaccount-token-create",
            "create-workloads",
            "nodes-proxy",
        ] {
            assert!(all.contains(&id), "{id} missing from {all:?}");
        }
        assert!(!risk_of(&res("*", "*", "*"), false).contains(&"cluster-admin-binding"));
        let url = Atom::Url {
            verb: "*".into(),
            path: "*".into(),
        };
        // Every verb on every URL is lint's wildcard-verbs, and nothing resource-specific.
        assert_eq!(risk_of(&url, true), ["wildcard-verbs"]);
        let healthz = Atom::Url {
            verb: "get".into(),
            path: "/healthz".into(),
        };
        assert!(risk_of(&healthz, true).is_empty());
    }
}
