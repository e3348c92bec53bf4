//! Questions about the whole policy rather than one request: who may do something
//! (`who_can`), where a user may do it (`where_can`), an access matrix (`matrix`) and the
//! subject → binding → role → rule graph as data (`graph_export`).
//!
//! Everything here is pure: it reads a [`crate::engine::Workspace`] and returns serialisable
//! values; the CLI prints them. Each answer is defined by the chain's own evaluator (the
//! property tests in `tests/queries.rs` check that), and computed from the policy index so
//! that it stays fast on large clusters.

pub mod graph_export;
pub mod matrix;
pub mod where_can;
pub mod who_can;

use serde::Serialize;

use crate::identity::{AUTHENTICATED, SERVICE_ACCOUNTS, UNAUTHENTICATED};
use crate::model::Subject;
use crate::rbac::service_account_user;
use crate::request::Attributes;

/// The user name kauthz gives a request made "as a member of group G and nothing else" when
/// it checks a Group subject. No real identity has it (`:` and spaces are not used by
/// authenticators), so no User binding applies to it.
pub const GROUP_MEMBER_PLACEHOLDER: &str = "kauthz: a member of the group";

/// The user name kauthz gives a request made by "anyone": a user no binding or ABAC line
/// names, in no group. Only grants to everyone (an ABAC line for user or group `*`) allow it.
pub const ANYONE_PLACEHOLDER: &str = "kauthz: anyone";

/// The kind of [`SubjectRef::everyone`].
pub const EVERYONE: &str = "Everyone";

/// A subject as a binding (or an ABAC line) names it: `User`, `Group` or `ServiceAccount`
/// (with its namespace filled in from the RoleBinding when the subject states none). ABAC adds
/// two shapes: a User that must also be in a group (`in_group`, a line naming both: neither
/// alone is allowed by it), and `Everyone` (a line for user or group `*`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectRef {
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
    /// Set on a conjunctive subject: the user, only when the request also carries this group.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub in_group: String,
}

impl SubjectRef {
    pub fn user(name: &str) -> Self {
        SubjectRef {
            kind: "User".into(),
            namespace: String::new(),
            name: name.into(),
            in_group: String::new(),
        }
    }

    /// A user that is allowed only together with a group (an ABAC line naming both).
    pub fn user_in_group(name: &str, group: &str) -> Self {
        SubjectRef {
            in_group: group.into(),
            ..SubjectRef::user(name)
        }
    }

    /// Whoever makes the request (an ABAC line for user or group `*`).
    pub fn everyone() -> Self {
        SubjectRef {
            kind: EVERYONE.into(),
            namespace: String::new(),
            name: "*".into(),
            in_group: String::new(),
        }
    }

    /// A conjunctive subject: the user with the group it needs.
    pub fn is_conjunctive(&self) -> bool {
        !self.in_group.is_empty()
    }

    pub fn group(name: &str) -> Self {
        SubjectRef {
            kind: "Group".into(),
            namespace: String::new(),
            name: name.into(),
            in_group: String::new(),
        }
    }

    pub fn service_account(namespace: &str, name: &str) -> Self {
        SubjectRef {
            kind: "ServiceAccount".into(),
            namespace: namespace.into(),
            name: name.into(),
            in_group: String::new(),
        }
    }

    /// From a binding's subject; `binding_namespace` is empty for a ClusterRoleBinding.
    /// `None` for subjects that never apply to anyone: unknown kinds, and ServiceAccounts
    /// without a namespace in a ClusterRoleBinding.
    pub fn from_binding_subject(s: &Subject, binding_namespace: &str) -> Option<Self> {
        match s.kind.as_str() {
            "User" => Some(SubjectRef::user(&s.name)),
            "Group" => Some(SubjectRef::group(&s.name)),
            "ServiceAccount" => {
                let ns = if s.namespace.is_empty() {
                    binding_namespace
                } else {
                    &s.namespace
                };
                (!ns.is_empty()).then(|| SubjectRef::service_account(ns, &s.name))
            }
            _ => None,
        }
    }

    /// The identity key the authorizers match this subject by.
    pub fn key(&self) -> IdentityKey {
        if self.is_conjunctive() {
            return IdentityKey::UserInGroup(self.name.clone(), self.in_group.clone());
        }
        match self.kind.as_str() {
            "Group" => IdentityKey::Group(self.name.clone()),
            EVERYONE => IdentityKey::User(ANYONE_PLACEHOLDER.into()),
            "ServiceAccount" => {
                IdentityKey::User(service_account_user(&self.namespace, &self.name))
            }
            _ => IdentityKey::User(self.name.clone()),
        }
    }

    /// A request made by exactly this subject: a User with no groups, a placeholder user
    /// that is in this group only, the service account's user with no groups, the user with
    /// exactly its one group (conjunctive), or a placeholder user nobody names (Everyone). The
    /// invariant of who-can is stated on these identities.
    pub fn identity(&self) -> (String, Vec<String>) {
        match self.key() {
            IdentityKey::User(u) => (u, Vec::new()),
            IdentityKey::Group(g) => (GROUP_MEMBER_PLACEHOLDER.to_string(), vec![g]),
            IdentityKey::UserInGroup(u, g) => (u, vec![g]),
        }
    }

    /// `attrs` made by this subject's identity.
    pub fn request(&self, attrs: &Attributes) -> Attributes {
        let (user, groups) = self.identity();
        Attributes {
            user,
            groups,
            ..attrs.clone()
        }
    }

    /// What a group that stands for many identities means, for the reader.
    pub fn everyone_note(&self) -> Option<String> {
        if self.kind == EVERYONE {
            return Some("every request, whoever makes it (ABAC user or group `*`)".into());
        }
        if self.is_conjunctive() {
            return Some(format!(
                "only when the request also carries group {}; neither alone is allowed",
                self.in_group
            ));
        }
        if self.kind != "Group" {
            return None;
        }
        match self.name.as_str() {
            AUTHENTICATED => Some("every authenticated user".into()),
            UNAUTHENTICATED => Some("every anonymous request".into()),
            SERVICE_ACCOUNTS => Some("every service account".into()),
            crate::chain::SYSTEM_MASTERS => {
                Some("always allowed, before any authorizer is asked".into())
            }
            other => other
                .strip_prefix("system:serviceaccounts:")
                .filter(|ns| !ns.is_empty())
                .map(|ns| format!("every service account in namespace {ns}")),
        }
    }

    /// `User alice`, `Group g`, `ServiceAccount ns/name`, `User alice + Group g`, `Everyone`.
    pub fn display(&self) -> String {
        if self.kind == EVERYONE {
            return EVERYONE.to_string();
        }
        if self.is_conjunctive() {
            return format!("{} {} + Group {}", self.kind, self.name, self.in_group);
        }
        if self.namespace.is_empty() {
            format!("{} {}", self.kind, self.name)
        } else {
            format!("{} {}/{}", self.kind, self.namespace, self.name)
        }
    }

    /// Parses `KIND:NAME` (`ServiceAccount:NS:NAME` or `ServiceAccount:NS/NAME`); `None` when
    /// the text does not start with a known kind.
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, rest) = text.split_once(':')?;
        match kind {
            "User" | "user" => Some(SubjectRef::user(rest)),
            "Group" | "group" => Some(SubjectRef::group(rest)),
            "ServiceAccount" | "serviceaccount" | "sa" => {
                let (ns, name) = rest.split_once('/').or_else(|| rest.split_once(':'))?;
                Some(SubjectRef::service_account(ns, name))
            }
            _ => None,
        }
    }
}

/// How the authorizers recognise a subject: by user name (Users and ServiceAccounts) or by
/// group name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdentityKey {
    User(String),
    Group(String),
    /// A request by this user carrying this group (an ABAC line naming both).
    UserInGroup(String, String),
}

impl IdentityKey {
    /// The subjects that have this key: a user name of the form
    /// `system:serviceaccount:NS:NAME` is both a User and a ServiceAccount. RBAC matches a
    /// ServiceAccount subject by comparing the user name with the namespace and name joined by
    /// `:` (upstream `serviceaccount.MatchesUsername`, the inverse of `MakeUsername`), so a
    /// ServiceAccount whose namespace or name contains `:` has that user name too: every split
    /// of the rest at a `:` is a ServiceAccount of this identity.
    pub fn subjects(&self) -> Vec<SubjectRef> {
        match self {
            IdentityKey::Group(g) => vec![SubjectRef::group(g)],
            IdentityKey::UserInGroup(u, g) => vec![SubjectRef::user_in_group(u, g)],
            IdentityKey::User(u) => {
                let mut v = vec![SubjectRef::user(u)];
                v.extend(
                    service_account_splits(u)
                        .map(|(ns, name)| SubjectRef::service_account(ns, name)),
                );
                v
            }
        }
    }
}

/// Every (namespace, name) whose ServiceAccount user name (`system:serviceaccount:NS:NAME`)
/// is `user`: one per `:` in the rest, both parts non-empty (RBAC needs a namespace; the
/// name may be anything, as `MatchesUsername` compares strings).
pub fn service_account_splits(user: &str) -> impl Iterator<Item = (&str, &str)> {
    let rest = user
        .strip_prefix(crate::identity::SERVICE_ACCOUNT_PREFIX)
        .unwrap_or("");
    rest.match_indices(':')
        .map(move |(i, _)| (&rest[..i], &rest[i + 1..]))
        .filter(|(ns, _)| !ns.is_empty())
}
