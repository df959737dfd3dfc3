//! Who is calling: the [`Principal`] every crate can name.
//!
//! A principal is produced only by a verifier from a verified credential (see `mcp-auth`), or
//! is [`Principal::anonymous`] on transports without authentication (stdio). It is never
//! built from request arguments, `_meta`, `clientInfo` or baggage.

use std::collections::BTreeSet;
use std::time::SystemTime;

use serde_json::{Map, Value};

/// How a principal was authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthMethod {
    /// No authentication (stdio, or an open HTTP endpoint).
    None,
    /// A JWT bearer token.
    Jwt,
    /// An opaque bearer token checked by introspection.
    Introspection,
    /// An API key.
    ApiKey,
    /// A TLS client certificate.
    Mtls,
    /// Identity asserted by a trusted gateway.
    Gateway,
    /// Anything else, named.
    Other(String),
}

/// An authenticated (or anonymous) caller.
///
/// ```
/// use mcp_core::auth::{AuthMethod, Principal};
///
/// let p = Principal::new("alice", AuthMethod::Jwt).with_scopes(["mcp:read", "mcp:echo"]);
/// assert!(p.has_scope("mcp:read"));
/// assert!(!Principal::anonymous().is_authenticated());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Principal {
    /// The stable subject identifier (JWT `sub`, key id, certificate SAN).
    pub subject: String,
    /// The tenant the principal belongs to, if the deployment is multi-tenant.
    pub tenant: Option<String>,
    /// Granted scopes.
    pub scopes: BTreeSet<String>,
    /// Granted roles.
    pub roles: BTreeSet<String>,
    /// Further verified claims.
    pub claims: Map<String, Value>,
    /// How the credential was verified.
    pub method: AuthMethod,
    /// When the credential expires, if it does.
    pub expires_at: Option<SystemTime>,
}

impl Principal {
    /// A principal with a subject and an authentication method, no scopes.
    pub fn new(subject: impl Into<String>, method: AuthMethod) -> Self {
        Self {
            subject: subject.into(),
            tenant: None,
            scopes: BTreeSet::new(),
            roles: BTreeSet::new(),
            claims: Map::new(),
            method,
            expires_at: None,
        }
    }

    /// The caller of an unauthenticated transport.
    pub fn anonymous() -> Self {
        Self::new("anonymous", AuthMethod::None)
    }

    /// Whether a credential was verified.
    pub fn is_authenticated(&self) -> bool {
        self.method != AuthMethod::None
    }

    /// Adds scopes.
    #[must_use]
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// Sets the tenant.
    #[must_use]
    pub fn with_tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// Whether the principal holds `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
    }

    /// Whether the credential has expired at `now`.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }

    /// A stable string naming this principal for binding state to it (sessions, sealed
    /// request state): the method, tenant and subject.
    pub fn binding_key(&self) -> String {
        let method = match &self.method {
            AuthMethod::None => "none",
            AuthMethod::Jwt => "jwt",
            AuthMethod::Introspection => "introspection",
            AuthMethod::ApiKey => "api-key",
            AuthMethod::Mtls => "mtls",
            AuthMethod::Gateway => "gateway",
            AuthMethod::Other(s) => s,
        };
        format!(
            "{method}\u{1f}{}\u{1f}{}",
            self.tenant.as_deref().unwrap_or(""),
            self.subject
        )
    }
}
