//! Streamable HTTP for both protocol eras, the 2024-11-05 HTTP+SSE transport, and
//! [`serve`] on hyper 1.
//!
//! [`Server::into_http`](crate::Server::into_http) (or [`HttpService::builder`]) gives a plain
//! `tower::Service<http::Request<B>>`: mount it in an axum `Router` or any hyper app, or run
//! it with [`serve`].
//!
//! ```no_run
//! # async fn run(server: mcp_server::Server) -> Result<(), mcp_server::Error> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! mcp_server::http::serve(listener, server.into_http()).await
//! # }
//! # let _ = run;
//! ```
//!
//! # One endpoint, both eras
//!
//! - A POST whose body carries `_meta["io.modelcontextprotocol/protocolVersion"]` (or whose
//!   `MCP-Protocol-Version` is 2026-07-28) is served statelessly: `MCP-Protocol-Version`,
//!   `Mcp-Method` and `Mcp-Name` must mirror the body (`=?base64?...?=` values decoded),
//!   mismatches are 400 with -32020; `Mcp-Session-Id` and `Last-Event-ID` are ignored.
//!   Unknown or removed methods are 404 with -32601. The response is JSON, or an event
//!   stream when the request asked for progress or logs, and closing it cancels the request.
//! - An `initialize` without modern markers opens a legacy session (`Mcp-Session-Id`, bound
//!   to the authenticated principal); GET opens its server-to-client stream; DELETE ends it.
//!   Legacy streams are resumable with `Last-Event-ID`, per stream.
//! - `GET /sse` and `POST /messages?sessionId=` serve 2024-11-05 clients.
//!
//! # Authentication
//!
//! Put an HTTP-tier layer in front of the service that verifies credentials and inserts a
//! [`Principal`](crate::Principal) into the request's extensions (see `mcp-auth`); it runs
//! before the service reads the body or allocates a session. Without one, every request runs
//! as [`Principal::anonymous`](crate::Principal::anonymous).
//!
//! # Limits (defaults)
//!
//! | limit | default |
//! | --- | --- |
//! | body | 4 MiB (413 past it, enforced while reading) |
//! | `Host` / `Origin` | loopback names only ([`HostPolicy`]) |
//! | sessions | 10 000 in all, 100 per principal, reaped after 30 minutes idle |
//! | resumable events | 1024 per stream |
//! | SSE keep-alive | a comment every 15 s |
//! | header read timeout | 10 s ([`serve`]) |

mod guard;
mod headers;
mod legacy;
mod legacy_sse;
mod serve;
mod service;
mod sse;
mod store;
#[cfg(feature = "tls")]
mod tls;

pub use guard::HostPolicy;
pub use serve::{Serve, serve};
pub use service::{
    HttpBuilder, HttpRequestInfo, HttpService, InsufficientScope, McpBody, PeerAddr,
};
pub use store::{
    EventStore, MemoryEventStore, MemorySessionStore, Replay, SessionLimits, SessionRecord,
    SessionStore, StoreError,
};
#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub use tls::{PeerCertificates, ServeTls, TlsConfig, TlsError, serve_tls};
