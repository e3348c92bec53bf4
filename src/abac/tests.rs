//! Tests of the ABAC module.
