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

use crate::identity::{AUTHENTICATED, SERVICE_ACCOUNTS, UNAUTHENTICATED, parse_service_account};
use crate::model::Subject;
use crate::rbac::service_account_user;
use crate::request::Attributes;

/// The user name kauthz gives a request made "as a member of group G and nothing else" when
/// it checks a Group subject. No real identity has it (`:` and spaces are not used by
/// authenticators), so no User binding applies to it.
pub const GROUP_MEMBER_PLACEHOLDER: &str = "kauthz: a member of the group";

/// A subject as a binding (or an ABAC line) names it: `User`, `Group` or `ServiceAccount`
/// (with its namespace filled in from the RoleBinding when the subject states none).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SubjectRef {
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
}

impl SubjectRef {
    pub fn user(name: &str) -> Self {
        SubjectRef {
            kind: "User".into(),
            namespace: String::new(),
            name: name.into(),
        }
    }

    pub fn group(name: &str) -> Self {
        SubjectRef {
            kind: "Group".into(),
            namespace: String::new(),
            name: name.into(),
        }
    }

    pub fn service_account(namespace: &str, name: &str) -> Self {
        SubjectRef {
            kind: "ServiceAccount".into(),
            namespace: namespace.into(),
            name: name.into(),
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
        match self.kind.as_str() {
            "Group" => IdentityKey::Group(self.name.clone()),
            "ServiceAccount" => {
                IdentityKey::User(service_account_user(&self.namespace, &self.name))
            }
            _ => IdentityKey::User(self.name.clone()),
        }
    }

    /// A request made by exactly this subject: a User with no groups, a placeholder user
    /// that is in this group only, or the service account's user with no groups. The
    /// invariant of who-can is stated on these identities.
    pub fn identity(&self) -> (String, Vec<String>) {
        match self.key() {
            IdentityKey::User(u) => (u, Vec::new()),
            IdentityKey::Group(g) => (GROUP_MEMBER_PLACEHOLDER.to_string(), vec![g]),
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

    /// `User alice`, `Group g`, `ServiceAccount ns/name`.
    pub fn display(&self) -> String {
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
}

impl IdentityKey {
    /// The subjects that have this key: a user name of the form
    /// `system:serviceaccount:NS:NAME` is both a User and a ServiceAccount.
    pub fn subjects(&self) -> Vec<SubjectRef> {
        match self {
            IdentityKey::Group(g) => vec![SubjectRef::group(g)],
            IdentityKey::User(u) => {
                let mut v = vec![SubjectRef::user(u)];
                if let Some((ns, name)) = parse_service_account(u) {
                    v.push(SubjectRef::service_account(ns, name));
                }
                v
            }
        }
    }
}
