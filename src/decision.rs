//! The answer of an authorizer: a value that explains itself, never an `Err`.

use serde::Serialize;

/// `authorizer.Decision` upstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Allow,
    Deny,
    #[serde(rename = "noopinion")]
    NoOpinion,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Deny => "deny",
            Decision::NoOpinion => "noopinion",
        }
    }
}

/// What one authorizer (or the whole chain) answers: decision, reason and evaluation error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub decision: Decision,
    pub reason: String,
    /// The evaluation error upstream would return (none of the offline authorizers produce one
    /// for a request that has a user).
    pub error: String,
}

impl Verdict {
    pub fn allow(reason: impl Into<String>) -> Self {
        Verdict {
            decision: Decision::Allow,
            reason: reason.into(),
            error: String::new(),
        }
    }

    pub fn no_opinion(reason: impl Into<String>) -> Self {
        Verdict {
            decision: Decision::NoOpinion,
            reason: reason.into(),
            error: String::new(),
        }
    }

    pub fn is_allowed(&self) -> bool {
        self.decision == Decision::Allow
    }
}
