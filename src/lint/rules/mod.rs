//! The rule registry: one rule per file, each declared with [`declare_rule!`] so that its doc
//! comment (what it finds, why it matters, an example, what to write instead) is both rustdoc
//! and the text `kauthz rules ID` prints.

use crate::lint::probe::RuleCheck;
use crate::lint::{Rule, RuleInfo};
use crate::model::{PolicyRule, RoleObject};

/// Declares a rule struct and its [`RuleInfo`]; the doc comment becomes [`RuleInfo::docs`].
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $name:ident { id: $id:literal, category: $cat:ident, level: $level:ident, summary: $summary:literal $(,)? }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const INFO: $crate::lint::RuleInfo = $crate::lint::RuleInfo {
                id: $id,
                category: $crate::lint::Category::$cat,
                level: $crate::lint::Level::$level,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// A security rule decided per role rule by probes: the struct, its [`Rule`] impl and `check`.
macro_rules! security_rule {
    (
        $(#[doc = $doc:literal])*
        $name:ident { id: $id:literal, level: $level:ident, summary: $summary:literal,
            what: $what:literal, help: $help:literal, probes: $probes:expr $(,)? }
    ) => {
        declare_rule! {
            $(#[doc = $doc])*
            $name { id: $id, category: Security, level: $level, summary: $summary }
        }

        /// The requests that show the risk.
        pub const PROBES: &[$crate::lint::probe::Probe] = $probes;

        /// How much of the risk one rule grants.
        pub fn check(rule: &$crate::model::PolicyRule, cluster_wide: bool) -> $crate::lint::probe::Grant {
            // The probes' requests are built once, not per rule checked.
            static REQUESTS: std::sync::OnceLock<Vec<$crate::request::Attributes>> =
                std::sync::OnceLock::new();
            let requests = REQUESTS.get_or_init(|| {
                PROBES.iter().map(|p| $crate::lint::probe::request(p, "")).collect()
            });
            $crate::lint::probe::grant_prepared(rule, PROBES, requests, cluster_wide)
        }

        impl $crate::lint::Rule for $name {
            fn info(&self) -> &'static $crate::lint::RuleInfo {
                &Self::INFO
            }
            fn check(&self, cx: &$crate::lint::Context<'_>, out: &mut $crate::lint::Findings) {
                $crate::lint::probe::report_roles(cx, out, &Self::INFO, check, $what, $help, $crate::lint::probe::Focus::Probes(PROBES));
            }
        }
    };
}

pub mod abac_grants_everything;
pub mod abac_no_subject;
pub mod abac_unparsable_line;
pub mod admission_webhook_write;
pub mod aggregated_role_rules_overwritten;
pub mod aggregation_order_dependent;
pub mod aggregation_selects_nothing;
pub mod all_authenticated_write;
pub mod anonymous_access;
pub mod bind_verb;
pub mod binding_to_missing_serviceaccount;
pub mod cluster_admin_binding;
pub mod create_workloads;
pub mod csr_approve;
pub mod dangling_role_ref;
pub mod duplicate_object;
pub mod empty_rule;
pub mod ephemeral_containers;
pub mod escalate_verb;
pub mod impersonate;
pub mod invalid_subject;
pub mod missing_api_groups;
pub mod mixed_resource_and_url_rule;
pub mod nodes_proxy;
pub mod non_resource_urls_in_role;
pub mod persistentvolume_create;
pub mod pod_exec_attach_portforward;
pub mod pod_or_node_status_write;
pub mod rbac_write;
pub mod resource_in_wrong_group;
pub mod resource_names_with_collection_verb;
pub mod role_ref_kind_mismatch;
pub mod secrets_read;
pub mod serviceaccount_token_create;
pub mod shadowed_rule;
pub mod subresource_wildcard_is_literal;
pub mod unknown_resource;
pub mod unknown_verb;
pub mod unused_role;
pub mod wildcard_api_groups;
pub mod wildcard_resources;
pub mod wildcard_verbs;

static REGISTRY: &[&dyn Rule] = &[
    // correctness
    &dangling_role_ref::DanglingRoleRef,
    &role_ref_kind_mismatch::RoleRefKindMismatch,
    &invalid_subject::InvalidSubject,
    &unknown_verb::UnknownVerb,
    &unknown_resource::UnknownResource,
    &resource_in_wrong_group::ResourceInWrongGroup,
    &subresource_wildcard_is_literal::SubresourceWildcardIsLiteral,
    &resource_names_with_collection_verb::ResourceNamesWithCollectionVerb,
    &non_resource_urls_in_role::NonResourceUrlsInRole,
    &mixed_resource_and_url_rule::MixedResourceAndUrlRule,
    &empty_rule::EmptyRule,
    &missing_api_groups::MissingApiGroups,
    &duplicate_object::DuplicateObject,
    &shadowed_rule::ShadowedRule,
    &aggregation_selects_nothing::AggregationSelectsNothing,
    &aggregated_role_rules_overwritten::AggregatedRoleRulesOverwritten,
    &aggregation_order_dependent::AggregationOrderDependent,
    &unused_role::UnusedRole,
    &binding_to_missing_serviceaccount::BindingToMissingServiceaccount,
    // security
    &wildcard_verbs::WildcardVerbs,
    &wildcard_resources::WildcardResources,
    &wildcard_api_groups::WildcardApiGroups,
    &cluster_admin_binding::ClusterAdminBinding,
    &secrets_read::SecretsRead,
    &pod_exec_attach_portforward::PodExecAttachPortforward,
    &create_workloads::CreateWorkloads,
    &serviceaccount_token_create::ServiceaccountTokenCreate,
    &impersonate::Impersonate,
    &escalate_verb::EscalateVerb,
    &bind_verb::BindVerb,
    &rbac_write::RbacWrite,
    &nodes_proxy::NodesProxy,
    &csr_approve::CsrApprove,
    &admission_webhook_write::AdmissionWebhookWrite,
    &persistentvolume_create::PersistentvolumeCreate,
    &ephemeral_containers::EphemeralContainers,
    &pod_or_node_status_write::PodOrNodeStatusWrite,
    &anonymous_access::AnonymousAccess,
    &all_authenticated_write::AllAuthenticatedWrite,
    // abac
    &abac_unparsable_line::AbacUnparsableLine,
    &abac_no_subject::AbacNoSubject,
    &abac_grants_everything::AbacGrantsEverything,
];

/// Every rule, in the order `kauthz rules` lists them (category, then as declared).
pub fn registry() -> &'static [&'static dyn Rule] {
    REGISTRY
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    REGISTRY.iter().copied().find(|r| r.info().id == id)
}

/// Rule ids closest to `id`, for "did you mean".
pub fn closest_id(id: &str) -> Option<&'static str> {
    closest(id, REGISTRY.iter().map(|r| r.info().id))
}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = (len / 3).max(2);
    let lower = word.to_lowercase();
    candidates
        // The distance is at least the difference in length: skip those early.
        .filter(|c| {
            c.len().abs_diff(word.len()) <= limit * 4 && c.chars().count().abs_diff(len) <= limit
        })
        .map(|c| {
            let d = if c.bytes().any(|b| b.is_ascii_uppercase()) || !c.is_ascii() {
                strsim::damerau_levenshtein(&lower, &c.to_lowercase())
            } else {
                strsim::damerau_levenshtein(&lower, c)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// The security rules decided on one rule of a role, with their checks (for
/// [`crate::lint::security_findings_for_rule`]).
pub fn rule_level_security() -> &'static [(&'static RuleInfo, RuleCheck)] {
    static LIST: &[(&RuleInfo, RuleCheck)] = &[
        (&wildcard_verbs::WildcardVerbs::INFO, wildcard_verbs::check),
        (
            &wildcard_resources::WildcardResources::INFO,
            wildcard_resources::check,
        ),
        (
            &wildcard_api_groups::WildcardApiGroups::INFO,
            wildcard_api_groups::check,
        ),
        (&secrets_read::SecretsRead::INFO, secrets_read::check),
        (
            &pod_exec_attach_portforward::PodExecAttachPortforward::INFO,
            pod_exec_attach_portforward::check,
        ),
        (
            &create_workloads::CreateWorkloads::INFO,
            create_workloads::check,
        ),
        (
            &serviceaccount_token_create::ServiceaccountTokenCreate::INFO,
            serviceaccount_token_create::check,
        ),
        (&impersonate::Impersonate::INFO, impersonate::check),
        (&escalate_verb::EscalateVerb::INFO, escalate_verb::check),
        (&bind_verb::BindVerb::INFO, bind_verb::check),
        (&rbac_write::RbacWrite::INFO, rbac_write::check),
        (&nodes_proxy::NodesProxy::INFO, nodes_proxy::check),
        (&csr_approve::CsrApprove::INFO, csr_approve::check),
        (
            &admission_webhook_write::AdmissionWebhookWrite::INFO,
            admission_webhook_write::check,
        ),
        (
            &persistentvolume_create::PersistentvolumeCreate::INFO,
            persistentvolume_create::check,
        ),
        (
            &ephemeral_containers::EphemeralContainers::INFO,
            ephemeral_containers::check,
        ),
        (
            &pod_or_node_status_write::PodOrNodeStatusWrite::INFO,
            pod_or_node_status_write::check,
        ),
    ];
    LIST
}

/// The rules of a user role that are its own (not an aggregated role's borrowed rules), with
/// their origins.
pub fn own_rules(
    role: &RoleObject,
) -> impl Iterator<Item = (usize, &PolicyRule, crate::model::Origin)> {
    let aggregated = role.aggregation_rule.is_some();
    role.rules
        .iter()
        .enumerate()
        .filter(move |_| !aggregated)
        .map(|(i, r)| {
            (
                i,
                r,
                role.rule_origins
                    .get(i)
                    .copied()
                    .unwrap_or(role.meta.origin),
            )
        })
}
