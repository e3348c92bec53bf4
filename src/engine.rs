//! Assembling the authorizer chain from loaded input: built-in policy, user objects, ABAC.

use crate::abac::AbacPolicy;
use crate::bootstrap::builtin_policy;
use crate::chain::{Chain, Mode};
use crate::discovery::Discovery;
use crate::loader::{Loaded, Source};
use crate::model::Origin;
use crate::policy::{PolicyBuilder, PolicySet};
use crate::rbac::authorizer::RbacAuthorizer;
use crate::request::Attributes;
use crate::response::Outcome;

/// What to put in the chain.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Start from the built-in default policy (objects the user loads replace built-ins).
    pub builtin: bool,
    pub modes: Vec<Mode>,
}

/// Builds the policy set: built-ins first, then the user's objects in load order.
pub fn policy_set(loaded: Loaded, builtin: bool) -> PolicySet {
    policy_set_with_sources(loaded, builtin).0
}

/// As [`policy_set`], also handing back the sources the objects' origins point into.
pub fn policy_set_with_sources(loaded: Loaded, builtin: bool) -> (PolicySet, Vec<Source>) {
    let mut builder = PolicyBuilder::new();
    if builtin {
        let b = builtin_policy();
        for r in b.roles {
            builder.add_role(r);
        }
        for binding in b.bindings {
            builder.add_binding(binding);
        }
    }
    let (sources, _) = loaded.into_builder(&mut builder);
    (builder.build(), sources)
}

/// Builds the whole chain.
pub fn build_chain(loaded: Loaded, abac: Option<AbacPolicy>, options: &EngineOptions) -> Chain {
    let rbac = RbacAuthorizer::new(policy_set(loaded, options.builtin));
    Chain::new(options.modes.clone(), rbac, abac)
}

/// Everything a command needs to answer questions about one loaded policy: the chain, the
/// sources its objects' origins point into, and resource discovery (built-ins plus CRDs).
pub struct Workspace {
    pub chain: Chain,
    pub sources: Vec<Source>,
    pub discovery: Discovery,
    /// How many load problems were errors (malformed documents, unreadable files): the objects
    /// they held are missing from the policy, so a gate such as `lint` must not pass.
    pub input_errors: usize,
}

impl Workspace {
    /// Builds the chain and keeps the sources and discovery beside it.
    pub fn new(loaded: Loaded, abac: Option<AbacPolicy>, options: &EngineOptions) -> Self {
        let input_errors = loaded
            .problems
            .iter()
            .filter(|p| p.severity == crate::diagnostics::Severity::Error)
            .count();
        let (policy, sources) = policy_set_with_sources(loaded, options.builtin);
        let discovery = Discovery::with_crds(&policy.crds);
        let rbac = RbacAuthorizer::new(policy);
        Workspace {
            chain: Chain::new(options.modes.clone(), rbac, abac),
            sources,
            discovery,
            input_errors,
        }
    }

    /// The file an origin points into, or `None` for built-in objects.
    pub fn source_path(&self, origin: &Origin) -> Option<&str> {
        if origin.is_builtin() {
            return None;
        }
        self.sources
            .get(origin.source as usize)
            .map(|s| s.path.as_str())
    }

    /// `path:line:column` for an origin, or `built-in` for the default policy's objects.
    pub fn locate(&self, origin: &Origin) -> String {
        match self.source_path(origin) {
            Some(path) => format!("{path}:{}:{}", origin.line, origin.column),
            None => "built-in".to_string(),
        }
    }
}

/// Decides one request and derives everything the server and kubectl would show.
pub fn outcome(chain: &Chain, a: &Attributes) -> Outcome {
    Outcome::new(a, &chain.authorize(a))
}
