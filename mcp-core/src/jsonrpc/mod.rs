//! JSON-RPC 2.0: ids, messages, error objects and the strict codec.

mod codec;
mod error;
mod id;
mod message;

pub use codec::{Decoded, MAX_DEPTH, decode, decode_message, decode_params, encode, encode_into};
pub use error::{Category, DecodeError, ErrorCode, ErrorObject};
pub use id::RequestId;
pub use message::{Message, Notification, Request, Response};
