//! Authentication and per-call authorization for MCP servers: verifiers that turn a request's
//! credentials into a [`Principal`](mcp_core::auth::Principal), the OAuth 2.1 resource-server
//! discovery and challenges the MCP spec requires, and declarative per-call policies.
//!
//! An authenticated server (JWT + per-tool scopes):
//!
//! ```no_run
//! use mcp_auth::{BearerAuthLayer, JwtVerifier, Jwks, ScopePolicy};
//! use mcp_server::{Server, ToolError, mcp_tool};
//!
//! /// Adds two integers.
//! #[mcp_tool]
//! async fn add(a: i64, b: i64) -> Result<i64, ToolError> {
//!     a.checked_add(b).ok_or_else(|| ToolError::new("the sum does not fit in an i64"))
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let server = Server::builder("calculator", "1.0.0")
//!         .tool(add)
//!         .authorize(ScopePolicy::new().baseline(["mcp:read"]).require("add", ["calc:use"]))
//!         .build();
//!     let jwt = JwtVerifier::jwks(Jwks::url("https://as.example.com/.well-known/jwks.json")?)
//!         .issuer("https://as.example.com")
//!         .audience("https://calc.example.com/mcp");
//!     let app = tower::ServiceBuilder::new()
//!         .layer(BearerAuthLayer::new(jwt))
//!         .service(server.into_http());
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//!     Ok(mcp_server::http::serve(listener, app).await?)
//! }
//! ```
//!
//! # Two tiers
//!
//! - **HTTP tier**: [`BearerAuthLayer`] wraps the HTTP service. It serves the RFC 9728
//!   document at `/.well-known/oauth-protected-resource/<mcp path>` (and the root form),
//!   runs a [`Verify`] before the body is read, answers 401 with
//!   `WWW-Authenticate: Bearer resource_metadata="...", scope="..."` itself, removes the
//!   credential and gateway identity headers (handlers never see the raw token), inserts the
//!   verified principal, and completes 403 step-up challenges on the way out.
//! - **RPC tier**: [`ScopePolicy`], [`TenantGuard`], [`RoleRule`], [`ArgumentRule`] and
//!   [`AllOf`] implement [`mcp_server::authz::Authorize`], asked on every call with the parsed
//!   arguments (`ServerBuilder::authorize`).
//!
//! # Verifiers
//!
//! | verifier | credential | feature |
//! | --- | --- | --- |
//! | [`JwtVerifier`] | `Authorization: Bearer <JWT>`, static keys or a cached [`Jwks`] | `jwt` |
//! | `Introspection` | `Authorization: Bearer <opaque>`, RFC 7662 | `introspection` |
//! | [`ApiKeyVerifier`] | `x-api-key: <prefix>_<id>_<secret>` or bearer with the prefix | none |
//! | `MtlsVerifier` | TLS client certificate (SAN URI/DNS), served by `mcp_server::http::serve_tls` | `mtls` |
//! | [`ForwardedIdentity`] | gateway identity headers from trusted proxy addresses | none |
//!
//! Combine them with [`Verifiers`].
//!
//! # Revocation
//!
//! No decision is cached across calls: policies run on every request, so a permission removed
//! from the policy's source takes effect on the next call. A JWT, though, is valid until its
//! `exp`: without a deny-list, a user disabled at the identity provider keeps access for at most
//! the token's remaining lifetime, so issue short-lived access tokens (15 minutes or less) or
//! use introspection (answers cached at most 60 s) for opaque tokens. API keys are checked
//! against the [`KeyStore`] on every request, so a revoked key fails on its next use.
//!
//! # Errors
//!
//! [`AuthError`] knows its status. Every 401 reason gives the same response (challenge with
//! `error="invalid_token"` and the body `{"error":"invalid_token",...}`); reasons are logged
//! only, and no error ever carries the credential.
//!
//! # Feature flags
//!
//! | feature | enables |
//! | --- | --- |
//! | `jwt` | [`JwtVerifier`], [`Jwks`] (jsonwebtoken with pure-Rust crypto; rustls client) |
//! | `introspection` | `Introspection` (RFC 7662) |
//! | `mtls` | identity from TLS client certificates |
//! | `testing` | [`testing`]: mint tokens and keys, serve a local JWKS |
#![doc(test(attr(deny(warnings))))]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api_key;
pub mod challenge;
#[cfg(feature = "client")]
mod client;
mod error;
pub mod forwarded;
#[cfg(feature = "introspection")]
#[cfg_attr(docsrs, doc(cfg(feature = "introspection")))]
pub mod introspection;
#[cfg(feature = "jwt")]
mod jwks;
#[cfg(feature = "jwt")]
mod jwt;
mod layer;
mod limit;
#[cfg(feature = "mtls")]
#[cfg_attr(docsrs, doc(cfg(feature = "mtls")))]
mod mtls;
pub mod policy;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod verify;

pub use api_key::{ApiKeyVerifier, KeyRecord, KeyStore, KeyStoreError, MemoryKeyStore};
pub use challenge::ResourceMetadata;
pub use error::{AuthError, InvalidUrl};
pub use forwarded::ForwardedIdentity;
#[cfg(feature = "introspection")]
#[cfg_attr(docsrs, doc(cfg(feature = "introspection")))]
pub use introspection::Introspection;
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub use jsonwebtoken::{Algorithm, DecodingKey};
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub use jwks::{Jwks, JwksError};
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub use jwt::JwtVerifier;
pub use layer::{AuthBody, BearerAuth, BearerAuthLayer, DEFAULT_IDENTITY_HEADERS};
#[cfg(feature = "mtls")]
#[cfg_attr(docsrs, doc(cfg(feature = "mtls")))]
pub use mtls::MtlsVerifier;
pub use policy::{AllOf, ArgumentRule, RoleRule, ScopePolicy, TenantGuard, Unlisted};
pub use verify::{MAX_CREDENTIAL_BYTES, Verifiers, Verify, bearer_token};

/// The workspace README's examples, compiled as doc tests (this crate sees every piece they
/// use).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
