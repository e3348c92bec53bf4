//! kauthz: answer Kubernetes authorization questions offline, exactly as a kube-apiserver would.
//!
//! The library is the product; `src/main.rs` only parses flags and maps outcomes to exit codes.
//! See `ARCHITECTURE.md` for the map of modules and the invariants they keep.

pub mod abac;
pub mod assertions;
pub mod bootstrap;
pub mod chain;
pub mod cli;
pub mod decision;
pub mod diagnostics;
pub mod diff;
pub mod discovery;
pub mod engine;
pub mod explain;
pub mod identity;
pub mod lint;
pub mod loader;
pub mod model;
pub mod name;
pub mod policy;
pub mod query;
pub mod question;
pub mod rbac;
pub mod request;
pub mod response;
