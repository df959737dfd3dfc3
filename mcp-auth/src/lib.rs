//! Authentication and per-call authorization for MCP servers.
//!
//! Not implemented yet: this crate is a skeleton. Its verifiers, RFC 9728 metadata and
//! per-call policy hooks arrive with the authorization work.
#![doc(test(attr(deny(warnings))))]
