//! Assembling the authorizer chain from loaded input: built-in policy, user objects, ABAC.

use crate::abac::AbacPolicy;
use crate::bootstrap::builtin_policy;
use crate::chain::{Chain, Mode};
use crate::loader::Loaded;
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
    let _ = loaded.into_builder(&mut builder);
    builder.build()
}

/// Builds the whole chain.
pub fn build_chain(loaded: Loaded, abac: Option<AbacPolicy>, options: &EngineOptions) -> Chain {
    let rbac = RbacAuthorizer::new(policy_set(loaded, options.builtin));
    Chain::new(options.modes.clone(), rbac, abac)
}

/// Decides one request and derives everything the server and kubectl would show.
pub fn outcome(chain: &Chain, a: &Attributes) -> Outcome {
    Outcome::new(a, &chain.authorize(a))
}
