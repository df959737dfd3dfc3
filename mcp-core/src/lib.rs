//! The vocabulary of the Model Context Protocol: JSON-RPC 2.0 and every MCP protocol type, for
//! both protocol eras. Plain data and a codec; no I/O, no async runtime.
//!
//! ```
//! use mcp_core::jsonrpc::{decode_message, decode_params, Message};
//! use mcp_core::protocol::CallToolParams;
//!
//! let bytes = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}"#;
//! let Message::Request(req) = decode_message(bytes).unwrap() else { unreachable!() };
//! assert_eq!(req.method, "tools/call");
//! let params: CallToolParams = decode_params(req.params.as_deref()).unwrap();
//! assert_eq!(params.name, "echo");
//! ```
//!
//! # Layout
//!
//! - [`jsonrpc`]: ids, messages, [`ErrorObject`](jsonrpc::ErrorObject) and
//!   [`ErrorCode`](jsonrpc::ErrorCode), and the strict [`decode`](jsonrpc::decode) /
//!   [`encode`](jsonrpc::encode) codec.
//! - [`protocol`]: one module per area of the specification (tools, resources, prompts,
//!   content, ...), [`ProtocolVersion`](protocol::ProtocolVersion) and what each revision
//!   supports.
//! - [`auth`]: the [`Principal`](auth::Principal) every crate can name.
//!
//! # Conventions
//!
//! - Wire structs are `#[non_exhaustive]` with public fields: build them with their `new`
//!   constructor (required fields) and set optional fields by assignment.
//! - Optional fields are omitted when `None`, never serialized as `null`; required lists are
//!   always present, `[]` when empty.
//! - Params and results decode from the raw JSON once the method is known; nothing is
//!   dispatched through untagged serde unions.
#![doc(test(attr(deny(warnings))))]

pub mod auth;
pub mod jsonrpc;
pub mod protocol;
