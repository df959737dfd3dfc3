//! A faithful local Atlassian Cloud for trying and testing the Jira and Confluence examples.
//!
//! It serves a subset of Jira Cloud REST v3, Confluence Cloud REST v2 and the v1 CQL search
//! with the status codes, JSON shapes, error bodies, paging tokens and headers of the real
//! services, over both URL styles:
//!
//! - site style: `/rest/api/3/...` and `/wiki/...`;
//! - scoped/OAuth style: `/ex/jira/{CLOUD_ID}/rest/api/3/...` and
//!   `/ex/confluence/{CLOUD_ID}/wiki/...`.
//!
//! Callers authenticate as one of [`ACCOUNTS`] (Basic `email:api_token` or an OAuth bearer
//! token); writes carry the caller's account id. The admin API under `/__fake/` (request log,
//! fault injection, configuration, reset) lets tests assert what the fake saw. See the
//! crate README for the seed data and every route.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let url = format!("http://{}", listener.local_addr()?);
//! tokio::spawn(fake_atlassian::serve(listener));
//! // point a Jira or Confluence client at `url`
//! # let _ = url; Ok(()) }
//! ```

mod admin;
mod auth;
mod confluence;
mod cql;
mod http;
mod jira;
mod jql;
mod store;
mod syntax;
mod time;

use std::sync::Arc;

pub use auth::{ACCOUNTS, Account, CLOUD_ID};

/// The fake as an axum router with freshly seeded state (each call is an independent fake).
pub fn app() -> axum::Router {
    http::router(Arc::new(store::Shared::new()))
}

/// Serves a fresh fake on `listener` until the process ends or the future is dropped.
///
/// # Errors
///
/// When accepting connections fails.
pub async fn serve(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, app()).await
}
