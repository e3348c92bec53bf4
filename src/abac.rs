//! ABAC: stub, being written.
