//! Build remote MCP servers.
//!
//! Not implemented yet: this crate is a skeleton.
#![doc(test(attr(deny(warnings))))]
