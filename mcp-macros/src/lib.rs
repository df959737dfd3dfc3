//! Attribute macros for MCP tools, prompts and resources; re-exported by `mcp-server`.
//!
//! Not implemented yet: this crate is a skeleton.
