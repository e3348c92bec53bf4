//! The request a `can-i`-style command line asks about, built as kubectl builds it.
//!
//! `can-i`, `explain`, `who-can` and the assertions of `kauthz test` all take the same
//! arguments (VERB, TYPE[.GROUP][/NAME] or a URL, `--as`, `--as-group`, `-n`, `-A`,
//! `--subresource`); this module turns them into the attributes the authorizers see.

use crate::diagnostics::Problem;
use crate::discovery::{Discovery, non_resource_can_i_stderr};
use crate::identity::impersonated_groups;
use crate::request::Attributes;

/// The arguments of a `can-i`-style question, before resolution.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestSpec {
    pub verb: String,
    /// TYPE[.GROUP], TYPE[.GROUP]/NAME, or a non-resource URL starting with `/`.
    pub target: String,
    pub as_user: Option<String>,
    pub as_group: Vec<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub subresource: Option<String>,
}

/// The error for a question without `--as`: offline there is no login to take a user from.
pub fn no_identity() -> Problem {
    Problem::error("kauthz::usage::no-identity", "no user to check: pass `--as USER`")
        .with_help("offline there is no kubeconfig login; e.g. `--as jane`, `--as system:serviceaccount:ci:deployer`, or `--as system:anonymous`")
}

/// The request `can-i` asks about, as kubectl builds it, plus kubectl's warnings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The SelfSubjectAccessReview's attributes.
    pub review: Attributes,
    /// The real request's attributes: a cluster-scoped resource carries no namespace.
    pub real: Attributes,
    /// What kubectl prints on stderr before asking (warnings, each with its blank line).
    pub stderr: String,
}

/// Builds the question from the arguments (kubectl `cani.go` Complete/resourceFor/Validate).
pub fn question(args: &RequestSpec, discovery: &Discovery) -> Result<Question, Problem> {
    let Some(user) = args.as_user.clone().filter(|u| !u.is_empty()) else {
        return Err(no_identity());
    };
    if args.all_namespaces && args.namespace.is_some() {
        return Err(Problem::error(
            "kauthz::usage::namespace",
            "`--namespace` and `--all-namespaces` cannot be used together",
        )
        .with_help("drop one of them"));
    }
    let groups = impersonated_groups(&user, &args.as_group);
    let namespace = if args.all_namespaces {
        String::new()
    } else {
        args.namespace
            .clone()
            .unwrap_or_else(|| "default".to_string())
    };
    let mut review = Attributes {
        user,
        groups,
        verb: args.verb.clone(),
        namespace,
        ..Attributes::default()
    };
    if args.target.starts_with('/') {
        if args.subresource.is_some() {
            return Err(Problem::error(
                "kauthz::usage::subresource",
                "`--subresource` cannot be used with a non-resource URL",
            )
            .with_help("a URL has no subresource; drop `--subresource`"));
        }
        review.resource_request = false;
        review.path = args.target.clone();
        review.namespace.clear();
        let real = review.clone();
        let stderr = non_resource_can_i_stderr(&args.verb);
        return Ok(Question {
            review,
            real,
            stderr,
        });
    }
    let (type_arg, name) = match args.target.split_once('/') {
        Some((t, n)) => (t, n.to_string()),
        None => (args.target.as_str(), String::new()),
    };
    let resolved = discovery.resolve_can_i(type_arg);
    let stderr = discovery.can_i_stderr(&args.verb, &resolved, args.all_namespaces);
    review.resource_request = true;
    review.api_group = resolved.group;
    review.resource = resolved.resource;
    review.subresource = args.subresource.clone().unwrap_or_default();
    review.name = name;
    let mut real = review.clone();
    if discovery.is_namespaced(&real.api_group, &real.resource) == Some(false) {
        real.namespace.clear();
    }
    Ok(Question {
        review,
        real,
        stderr,
    })
}
