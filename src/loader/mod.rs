//! Loading policy input: files, directories and stdin into model objects plus problems.
//! The only part of the library that touches the filesystem.

pub mod yaml;
