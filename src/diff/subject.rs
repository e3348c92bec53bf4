//! Who a permission belongs to: a User, a Group or a ServiceAccount, as bindings name them.
//!
//! A `User` subject named `system:serviceaccount:NS:NAME` is the same identity as the
//! ServiceAccount `NS:NAME` (the authorizer cannot tell them apart), so both map to
//! [`Identity::ServiceAccount`].

use std::fmt;

use crate::identity::parse_service_account;
use crate::model::{BindingObject, Subject};
use crate::rbac::service_account_user;
use crate::request::Attributes;

/// A subject as kauthz reports permissions for it. Ordered: Users, then Groups, then
/// ServiceAccounts, each by name (service accounts by namespace, then name).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identity {
    User(String),
    Group(String),
    ServiceAccount { namespace: String, name: String },
}

impl Identity {
    /// The identity a binding's subject names, or `None` for a subject that can never apply
    /// (unknown kind, a ServiceAccount without a namespace in a ClusterRoleBinding).
    pub fn of_subject(subject: &Subject, binding_namespace: &str) -> Option<Identity> {
        match subject.kind.as_str() {
            "User" => Some(Identity::user(&subject.name)),
            "Group" => Some(Identity::Group(subject.name.to_string())),
            "ServiceAccount" => {
                let ns = if subject.namespace.is_empty() {
                    binding_namespace
                } else {
                    subject.namespace.as_str()
                };
                (!ns.is_empty()).then(|| Identity::ServiceAccount {
                    namespace: ns.to_string(),
                    name: subject.name.to_string(),
                })
            }
            _ => None,
        }
    }

    /// A user name; service-account user names become [`Identity::ServiceAccount`].
    pub fn user(name: &str) -> Identity {
        match parse_service_account(name) {
            Some((namespace, name)) => Identity::ServiceAccount {
                namespace: namespace.to_string(),
                name: name.to_string(),
            },
            None => Identity::User(name.to_string()),
        }
    }

    /// Whether `binding` names this identity among its subjects.
    pub fn is_named_by(&self, binding: &BindingObject) -> bool {
        let ns = binding.scope_namespace();
        binding
            .subjects
            .iter()
            .any(|s| Identity::of_subject(s, ns).as_ref() == Some(self))
    }

    /// Request attributes carrying exactly this identity (no implied groups), in `namespace`.
    /// A group is asked about with an empty user name, which no valid binding names.
    pub fn attributes(&self, namespace: &str) -> Attributes {
        let (user, groups) = match self {
            Identity::User(name) => (name.clone(), Vec::new()),
            Identity::Group(name) => (String::new(), vec![name.clone()]),
            Identity::ServiceAccount { namespace, name } => {
                (service_account_user(namespace, name), Vec::new())
            }
        };
        Attributes {
            user,
            groups,
            namespace: namespace.to_string(),
            ..Attributes::default()
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Identity::User(_) => "User",
            Identity::Group(_) => "Group",
            Identity::ServiceAccount { .. } => "ServiceAccount",
        }
    }

    /// `Kind:name`, `ServiceAccount:ns:name`: the spelling assertion files use.
    pub fn spec(&self) -> String {
        match self {
            Identity::User(n) | Identity::Group(n) => format!("{}:{n}", self.kind()),
            Identity::ServiceAccount { namespace, name } => {
                format!("ServiceAccount:{namespace}:{name}")
            }
        }
    }

    /// Parses `User:name`, `Group:name` or `ServiceAccount:ns:name`.
    pub fn parse_spec(text: &str) -> Option<Identity> {
        let (kind, rest) = text.split_once(':')?;
        if rest.is_empty() {
            return None;
        }
        match kind {
            "User" => Some(Identity::user(rest)),
            "Group" => Some(Identity::Group(rest.to_string())),
            "ServiceAccount" => {
                let (ns, name) = rest.split_once(':')?;
                (!ns.is_empty() && !name.is_empty() && !name.contains(':')).then(|| {
                    Identity::ServiceAccount {
                        namespace: ns.to_string(),
                        name: name.to_string(),
                    }
                })
            }
            _ => None,
        }
    }
}

impl fmt::Display for Identity {
    /// `User alice`, `Group ops`, `ServiceAccount ci:deployer`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identity::User(n) | Identity::Group(n) => write!(f, "{} {n}", self.kind()),
            Identity::ServiceAccount { namespace, name } => {
                write!(f, "ServiceAccount {namespace}:{name}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_account_users_are_service_accounts() {
        assert_eq!(
            Identity::user("system:serviceaccount:ci:deployer"),
            Identity::ServiceAccount {
                namespace: "ci".into(),
                name: "deployer".into()
            }
        );
        assert_eq!(
            Identity::parse_spec("ServiceAccount:ci:deployer"),
            Some(Identity::user("system:serviceaccount:ci:deployer"))
        );
        assert_eq!(
            Identity::parse_spec("Group:system:masters"),
            Some(Identity::Group("system:masters".into()))
        );
        assert_eq!(Identity::parse_spec("Robot:x"), None);
        assert_eq!(Identity::parse_spec("ServiceAccount:ci"), None);
        let id = Identity::Group("system:masters".into());
        assert_eq!(Identity::parse_spec(&id.spec()), Some(id));
    }
}
