//! Which gained permissions are risky: lint-style rule ids for one atomic grant.
//!
//! A stand-in for lint's `security_findings_for_rule(rule, cluster_wide)`: the rule ids are the
//! lint rules' ids, so `--fail-on risky` and the annotations keep their meaning when the
//! integrator swaps this function for lint's (give it [`Atom::to_rule`]).

use crate::diff::permissions::{Atom, resource_covers};

const RBAC: &str = "rbac.authorization.k8s.io";
const CORE: &str = "";

/// The security rule ids a grant of `atom` (cluster-wide or in one namespace) matches, sorted.
pub fn risk_of(atom: &Atom, cluster_wide: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    let Atom::Resource {
        verb,
        api_group,
        resource,
        name,
    } = atom
    else {
        return out;
    };
    let verb_in = |verbs: &[&str]| verb == "*" || verbs.contains(&verb.as_str());
    let group_in = |groups: &[&str]| api_group == "*" || groups.contains(&api_group.as_str());
    let resource_in = |resources: &[&str]| resources.iter().any(|r| resource_covers(resource, r));
    let rbac_objects = ["roles", "clusterroles"];
    let rbac_all = [
        "roles",
        "rolebindings",
        "clusterroles",
        "clusterrolebindings",
    ];

    if cluster_wide && verb == "*" && api_group == "*" && resource == "*" && name.is_empty() {
        out.push("cluster-admin-binding");
    }
    if verb == "*" {
        out.push("wildcard-verbs");
    }
    if verb_in(&["get", "list", "watch"]) && group_in(&[CORE]) && resource_in(&["secrets"]) {
        out.push("secrets-read");
    }
    if verb_in(&["escalate"]) && group_in(&[RBAC]) && resource_in(&rbac_objects) {
        out.push("escalate-verb");
    }
    if verb_in(&["bind"]) && group_in(&[RBAC]) && resource_in(&rbac_objects) {
        out.push("bind-verb");
    }
    if verb_in(&["impersonate"])
        && group_in(&[CORE, "authentication.k8s.io"])
        && resource_in(&["users", "groups", "serviceaccounts", "userextras", "uids"])
    {
        out.push("impersonate");
    }
    if verb_in(&["create", "update", "patch", "delete", "deletecollection"])
        && group_in(&[RBAC])
        && resource_in(&rbac_all)
    {
        out.push("rbac-write");
    }
    if verb_in(&["create", "get"])
        && group_in(&[CORE])
        && resource_in(&["pods/exec", "pods/attach", "pods/portforward"])
    {
        out.push("pod-exec-attach-portforward");
    }
    if verb_in(&["create"]) && group_in(&[CORE]) && resource_in(&["serviceaccounts/token"]) {
        out.push("serviceaccount-token-create");
    }
    if verb_in(&["create"])
        && ((group_in(&[CORE]) && resource_in(&["pods", "replicationcontrollers"]))
            || (group_in(&["apps"])
                && resource_in(&["deployments", "daemonsets", "statefulsets", "replicasets"]))
            || (group_in(&["batch"]) && resource_in(&["jobs", "cronjobs"])))
    {
        out.push("create-workloads");
    }
    if group_in(&[CORE]) && resource_in(&["nodes/proxy"]) {
        out.push("nodes-proxy");
    }
    out.sort_unstable();
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
        assert!(risk_of(&url, true).is_empty());
    }
}
