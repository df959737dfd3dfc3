//! Build remote [Model Context Protocol](https://modelcontextprotocol.io) servers: one set of
//! handlers serving the stateless 2026-07-28 protocol and the session protocol of 2025-11-25
//! and older, over stdio and Streamable HTTP.
//!
//! ```no_run
//! use mcp_server::{mcp_tool, Server, ToolError};
//!
//! /// Adds two integers.
//! #[mcp_tool]
//! async fn add(
//!     /// Left operand.
//!     a: i64,
//!     /// Right operand.
//!     b: i64,
//! ) -> Result<i64, ToolError> {
//!     a.checked_add(b).ok_or_else(|| ToolError::new("the sum does not fit in an i64"))
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), mcp_server::Error> {
//!     let server = Server::builder("calculator", env!("CARGO_PKG_VERSION")).tool(add).build();
//!     mcp_server::stdio::serve(server).await
//! }
//! ```
//!
//! # Tools
//!
//! A tool is a plain async fn with [`mcp_tool`], or any type implementing [`Tool`]. Arguments
//! are validated against the tool's JSON Schema before the handler runs; a violation is a tool
//! result with `isError: true` naming the field, so the model can correct itself. Handlers
//! return anything [`IntoToolResult`]: text, [`Json<T>`] for structured output, content blocks.
//! Context arguments are marked `#[ctx]` and built by [`FromContext`]: the [`Principal`], a
//! [`Progress`] reporter, a [`Logger`], a [`CancellationToken`], [`State<T>`], [`Input`].
//!
//! # Both protocol eras
//!
//! The engine picks the era per request: a request whose `_meta` carries
//! `io.modelcontextprotocol/protocolVersion` is served statelessly as 2026-07-28; a legacy
//! `initialize` opens a session at the negotiated revision, and output is shaped for it (see
//! the `downgrade` table in the crate source: no audio before 2025-03-26, no structured output
//! before 2025-06-18, object-root structured output for every legacy revision, ...).
//! Elicitation, sampling and roots are written once ([`input`]): as `InputRequiredResult`
//! round trips with sealed state in 2026-07-28, as server-to-client requests in sessions.
//!
//! # Errors
//!
//! The error's type decides its channel: [`ToolError::new`] → `isError` result; `?` on any
//! other error → -32603 with a correlation id (the cause is logged, never sent);
//! [`HandlerError::not_found`] → the era's resource-not-found error; protocol errors are the
//! framework's.
//!
//! # Feature flags
//!
//! | feature | default | what |
//! | --- | --- | --- |
//! | `stdio` | yes | [`stdio::serve`] on the process's stdin/stdout |
//! | `macros` | yes | [`mcp_tool`], [`mcp_prompt`], [`mcp_resource`] |
//! | `http` | no | Streamable HTTP (both eras), the 2024-11-05 HTTP+SSE transport, `http::serve` |
//! | `testing` | no | an in-process client for your tests (`testing`) |
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]

pub mod authz;
mod completion;
mod context;
mod dispatch;
mod downgrade;
mod error;
mod handlers;
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub mod http;
pub mod input;
pub mod middleware;
mod notify;
pub mod prompt;
pub mod resource;
pub mod schema;
mod seal;
mod server;
mod session;
mod sink;
pub mod stdio;
pub mod tool;

#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use completion::{CompletionRequest, IntoCompletion, MAX_VALUES as MAX_COMPLETION_VALUES};
pub use context::{
    CancellationToken, FromContext, Logger, Progress, Rejection, RequestContext, State,
};
pub use error::{Error, HandlerError, ToolError};
pub use input::{Input, InputRequired};
pub use mcp_core::auth::Principal;
pub use notify::{Change, Notifier};
pub use prompt::{IntoPromptResult, Prompt, PromptCall};
pub use resource::{IntoReadResult, Resource, ResourceCall, ResourceTemplate};
pub use seal::StateKeys;
pub use server::{Server, ServerBuilder};
pub use tool::{IntoToolResult, Json, Structured, Tool, ToolCall};

/// `#[mcp_tool]`, `#[mcp_prompt]` and `#[mcp_resource]`.
#[cfg(feature = "macros")]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
pub use mcp_macros::{mcp_prompt, mcp_resource, mcp_tool};

/// The protocol vocabulary, re-exported from `mcp-core`.
pub use mcp_core as core;

/// Not public API: what the macros expand to.
#[doc(hidden)]
pub mod __private {
    pub use futures;
    pub use mcp_core::protocol;
    pub use schemars;
    pub use serde;
    pub use serde_json;

    pub use crate::schema::input_schema;
}
