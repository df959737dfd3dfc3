//! mcp-auth over real HTTP: a server on 127.0.0.1:0 behind `BearerAuthLayer`, driven by a
//! hyper client. Test names carry the attack ids of security.md §4.

#[path = "auth/api_keys.rs"]
mod api_keys;
#[path = "auth/expiry.rs"]
mod expiry;
#[path = "auth/gateway.rs"]
mod gateway;
#[path = "auth/introspection.rs"]
mod introspection;
#[path = "auth/jwks.rs"]
mod jwks;
#[path = "auth/jwt.rs"]
mod jwt;
#[path = "auth/limits.rs"]
mod limits;
#[path = "auth/metadata.rs"]
mod metadata;
#[path = "auth/mtls.rs"]
mod mtls;
#[path = "auth/scopes.rs"]
mod scopes;
#[path = "auth/support.rs"]
mod support;
