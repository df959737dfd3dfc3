//! JSON-RPC 2.0: ids, messages, error objects and the strict codec.
//!
//! [`decode`] turns bytes into a [`Decoded`] value or a [`DecodeError`] whose
//! [`Category`] is exactly one of:
//!
//! | failure | category | code |
//! | --- | --- | --- |
//! | not UTF-8, not JSON, trailing bytes, nesting deeper than [`MAX_DEPTH`], a number out of range, a duplicate object key anywhere | `Syntax` | -32700 |
//! | JSON but not a JSON-RPC message: not an object, `jsonrpc` not `"2.0"`, `id` null or of the wrong type, no `method` and no `result`/`error`, both `result` and `error`, non-structured `params`, an empty batch | `Envelope` | -32600 |
//! | a valid message whose params do not fit the method ([`decode_params`]) | `Params` | -32602 |
//!
//! Duplicate keys are rejected everywhere, never resolved as "last key wins": a JSON text
//! with duplicate names means different things to different parsers, and a proxy that reads
//! the first `name` while the server executes the last one is an authorization bypass.

mod codec;
mod error;
mod id;
mod message;

pub use codec::{Decoded, MAX_DEPTH, decode, decode_message, decode_params, encode, encode_into};
pub use error::{Category, DecodeError, ErrorCode, ErrorObject};
pub use id::RequestId;
pub use message::{Message, Notification, Request, Response};
