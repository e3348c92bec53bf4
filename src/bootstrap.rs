//! Built-in default policy: stub, being written.
