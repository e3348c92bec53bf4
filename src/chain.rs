//! The kube-apiserver's authorizer chain: `system:masters` first, then the configured modes,
//! combined by the union authorizer (first Allow or Deny wins; NoOpinion reasons are joined).

use std::fmt;
use std::str::FromStr;

use crate::abac::AbacPolicy;
use crate::decision::{Decision, Verdict};
use crate::rbac::authorizer::RbacAuthorizer;
use crate::request::Attributes;

/// The group the privileged-group authorizer allows unconditionally.
pub const SYSTEM_MASTERS: &str = "system:masters";

/// A value of `--authorization-mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    AlwaysAllow,
    AlwaysDeny,
    Abac,
    Rbac,
    /// Valid on a server, but it needs live state kauthz does not have.
    Node,
    Webhook,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::AlwaysAllow => "AlwaysAllow",
            Mode::AlwaysDeny => "AlwaysDeny",
            Mode::Abac => "ABAC",
            Mode::Rbac => "RBAC",
            Mode::Node => "Node",
            Mode::Webhook => "Webhook",
        }
    }

    pub const ALL: [Mode; 6] = [
        Mode::AlwaysAllow,
        Mode::AlwaysDeny,
        Mode::Abac,
        Mode::Webhook,
        Mode::Rbac,
        Mode::Node,
    ];
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a mode list cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModeError {
    pub message: String,
    pub help: String,
}

impl FromStr for Mode {
    type Err = ModeError;

    /// Mode names are case-sensitive on the server, as here.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mode::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| ModeError {
                message: format!("authorization mode `{s}` is not valid"),
                help: format!(
                    "valid modes are {}; names are case-sensitive{}",
                    Mode::ALL.map(|m| m.as_str()).join(", "),
                    Mode::ALL
                        .into_iter()
                        .find(|m| m.as_str().eq_ignore_ascii_case(s))
                        .map(|m| format!(" (did you mean `{m}`?)"))
                        .unwrap_or_default()
                ),
            })
    }
}

/// Parses `--authorization-mode` (comma-separated, in order) and checks that kauthz can
/// evaluate every mode offline.
pub fn parse_modes(list: &str, have_abac: bool) -> Result<Vec<Mode>, ModeError> {
    let mut modes = Vec::new();
    for part in list.split(',') {
        let mode: Mode = part.trim().parse()?;
        match mode {
            Mode::Node | Mode::Webhook => {
                return Err(ModeError {
                    message: format!("authorization mode `{mode}` cannot be evaluated offline"),
                    help: if mode == Mode::Node {
                        "the Node authorizer decides from live pods, secrets and volumes bound to each node; leave it out (e.g. `--authorization-mode RBAC`) and kauthz answers as if it had no opinion".into()
                    } else {
                        "a webhook asks a remote service; leave it out (e.g. `--authorization-mode RBAC`) and kauthz answers as if it had no opinion".into()
                    },
                });
            }
            Mode::Abac if !have_abac => {
                return Err(ModeError {
                    message: "authorization mode `ABAC` needs a policy file".into(),
                    help: "pass the ABAC policy file with `--abac FILE` (the server's `--authorization-policy-file`)".into(),
                });
            }
            _ => {}
        }
        if modes.contains(&mode) {
            return Err(ModeError {
                message: format!("authorization mode `{mode}` is given twice"),
                help: "the server refuses duplicate modes; list each once".into(),
            });
        }
        modes.push(mode);
    }
    Ok(modes)
}

/// The default mode list: `RBAC`, or `ABAC,RBAC` when an ABAC file is given.
pub fn default_modes(have_abac: bool) -> Vec<Mode> {
    if have_abac {
        vec![Mode::Abac, Mode::Rbac]
    } else {
        vec![Mode::Rbac]
    }
}

/// One step of the chain and its verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// `system:masters` or a mode name.
    pub authorizer: &'static str,
    pub verdict: Verdict,
}

/// The chain's answer plus the verdict of every authorizer it asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainVerdict {
    pub verdict: Verdict,
    pub steps: Vec<Step>,
}

/// The authorizers in force.
pub struct Chain {
    modes: Vec<Mode>,
    rbac: RbacAuthorizer,
    abac: Option<AbacPolicy>,
    /// [`Chain::namespaces`], computed on first use.
    namespaces: std::sync::OnceLock<Vec<String>>,
}

impl Chain {
    pub fn new(modes: Vec<Mode>, rbac: RbacAuthorizer, abac: Option<AbacPolicy>) -> Self {
        Chain {
            modes,
            rbac,
            abac,
            namespaces: std::sync::OnceLock::new(),
        }
    }

    /// The namespaces the policy mentions (of RoleBindings, Roles, ServiceAccounts and ABAC
    /// lines for one namespace), sorted and unique. Computed once, on first use: the policy
    /// does not change after the chain is built.
    pub fn namespaces(&self) -> &[String] {
        self.namespaces.get_or_init(|| {
            let policy = self.rbac.policy();
            // Each source is mostly in namespace order (the policy's vectors are sorted), so
            // dropping repeats as they come leaves about one entry per namespace to sort.
            fn add<'a>(v: &mut Vec<&'a str>, names: impl Iterator<Item = &'a str>) {
                let mut last = None;
                for n in names {
                    if last != Some(n) {
                        v.push(n);
                        last = Some(n);
                    }
                }
            }
            let mut v: Vec<&str> = Vec::new();
            add(
                &mut v,
                policy
                    .role_bindings
                    .iter()
                    .map(|b| b.meta.namespace.as_str()),
            );
            add(
                &mut v,
                policy.roles.iter().map(|r| r.meta.namespace.as_str()),
            );
            add(
                &mut v,
                policy.service_accounts.iter().map(|s| s.namespace.as_str()),
            );
            if let Some(abac) = &self.abac {
                add(&mut v, abac.rules.iter().map(|r| r.namespace.as_str()));
            }
            v.retain(|n| !n.is_empty() && *n != "*");
            v.sort_unstable();
            v.dedup();
            v.into_iter().map(str::to_string).collect()
        })
    }

    pub fn modes(&self) -> &[Mode] {
        &self.modes
    }

    pub fn rbac(&self) -> &RbacAuthorizer {
        &self.rbac
    }

    pub fn abac(&self) -> Option<&AbacPolicy> {
        self.abac.as_ref()
    }

    pub fn authorize(&self, a: &Attributes) -> Verdict {
        self.run(a, false).verdict
    }

    /// Asks every authorizer in order, recording each verdict.
    pub fn authorize_traced(&self, a: &Attributes) -> ChainVerdict {
        self.run(a, true)
    }

    fn run(&self, a: &Attributes, trace: bool) -> ChainVerdict {
        let mut steps = Vec::new();
        let mut reasons: Vec<String> = Vec::new();
        let masters = if a.groups.iter().any(|g| g == SYSTEM_MASTERS) {
            Verdict::allow("")
        } else {
            Verdict::no_opinion("")
        };
        let asked = std::iter::once(("system:masters", None))
            .chain(self.modes.iter().map(|m| (m.as_str(), Some(*m))));
        for (name, mode) in asked {
            let verdict = match mode {
                None => masters.clone(),
                Some(Mode::AlwaysAllow) => Verdict::allow(""),
                Some(Mode::AlwaysDeny) => Verdict::no_opinion("Everything is forbidden."),
                Some(Mode::Rbac) => self.rbac.authorize(a),
                Some(Mode::Abac) => match &self.abac {
                    Some(p) => p.authorize(a),
                    None => Verdict::no_opinion(""),
                },
                Some(Mode::Node | Mode::Webhook) => Verdict::no_opinion(""),
            };
            if trace {
                steps.push(Step {
                    authorizer: name,
                    verdict: verdict.clone(),
                });
            }
            match verdict.decision {
                Decision::Allow | Decision::Deny => {
                    return ChainVerdict { verdict, steps };
                }
                Decision::NoOpinion => {
                    if !verdict.reason.is_empty() {
                        reasons.push(verdict.reason);
                    }
                }
            }
        }
        ChainVerdict {
            verdict: Verdict::no_opinion(reasons.join("\n")),
            steps,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_in_order_and_reject_offline_impossible_ones() {
        assert_eq!(
            parse_modes("ABAC,RBAC", true),
            Ok(vec![Mode::Abac, Mode::Rbac])
        );
        assert!(parse_modes("Node,RBAC", false).is_err());
        assert!(parse_modes("Webhook", false).is_err());
        assert!(parse_modes("ABAC", false).is_err());
        assert!(parse_modes("RBAC,RBAC", false).is_err());
        let e = parse_modes("rbac", false).unwrap_err();
        assert!(e.help.contains("did you mean `RBAC`"), "{}", e.help);
    }
}
