//! Built-in discovery table: stub, being written.
