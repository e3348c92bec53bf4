//! ABAC: placeholder until the ABAC module lands.

use crate::decision::Verdict;
use crate::request::Attributes;

pub struct AbacPolicy;

impl AbacPolicy {
    pub fn authorize(&self, _a: &Attributes) -> Verdict {
        Verdict::no_opinion("No policy matched.")
    }
}
