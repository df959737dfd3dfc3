//! [`Introspection`]: opaque bearer tokens checked by RFC 7662 token introspection (feature
//! `introspection`).
//!
//! `active: false`, a foreign `aud`, a wrong `iss` or a past `exp` are 401; an unreachable or
//! failing endpoint is 503 with `Retry-After` (never success). Active answers are cached for a
//! short time (default 60 s, never past the token's `exp`), keyed by SHA-256 of the token;
//! negative answers are not cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::request::Parts;
use http::{Request, Uri};
use http_body_util::Full;
use mcp_core::auth::{AuthMethod, Principal};
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use crate::client::HttpClient;
use crate::error::{AuthError, InvalidUrl};
use crate::verify::{MAX_CREDENTIAL_BYTES, Verify, bearer_token};

const MAX_CACHED: usize = 10_000;

/// Active answers by SHA-256 of the token.
type Cache = HashMap<[u8; 32], (Instant, Principal)>;

/// Verifies opaque bearer tokens with an RFC 7662 introspection endpoint.
///
/// ```
/// use mcp_auth::Introspection;
///
/// let introspection = Introspection::new(
///     "https://as.example.com/introspect",
///     "mcp-server",
///     "client-secret",
/// )
/// .expect("a valid URL")
/// .audience("https://mcp.example.com/mcp");
/// # let _ = introspection;
/// ```
#[derive(Clone)]
#[must_use]
pub struct Introspection {
    uri: Uri,
    authorization: String,
    client: HttpClient,
    audiences: Vec<String>,
    issuer: Option<String>,
    ttl: Duration,
    cache: Arc<Mutex<Cache>>,
}

impl std::fmt::Debug for Introspection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Introspection")
            .field("uri", &self.uri)
            .field("audiences", &self.audiences)
            .finish_non_exhaustive()
    }
}

impl Introspection {
    /// Introspects at `url` authenticating with HTTP Basic `client_id:client_secret`.
    ///
    /// # Errors
    ///
    /// When `url` is not HTTPS (plain HTTP is allowed only to loopback).
    pub fn new(url: &str, client_id: &str, client_secret: &str) -> Result<Self, InvalidUrl> {
        let uri: Uri = url.parse().map_err(|_| InvalidUrl(url.to_owned()))?;
        HttpClient::check_uri(&uri).map_err(|e| InvalidUrl(e.to_string()))?;
        Ok(Self {
            uri,
            authorization: format!(
                "Basic {}",
                STANDARD.encode(format!("{client_id}:{client_secret}"))
            ),
            client: HttpClient::new(Duration::from_secs(5), 64 * 1024),
            audiences: Vec::new(),
            issuer: None,
            ttl: Duration::from_mins(1),
            cache: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// An accepted audience (required: without one every token is rejected).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// The issuer the response's `iss` must equal, when present.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The request timeout (default 5 s); past it the request is answered 503.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.client = HttpClient::new(timeout, 64 * 1024);
        self
    }

    /// How long an active answer is reused (default 60 s).
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Verifies one token.
    ///
    /// # Errors
    ///
    /// [`AuthError::InvalidToken`] for inactive or foreign tokens, [`AuthError::Unavailable`]
    /// when the endpoint fails.
    pub async fn verify_token(&self, token: &str) -> Result<Principal, AuthError> {
        if token.len() > MAX_CREDENTIAL_BYTES {
            return Err(AuthError::invalid("token too large"));
        }
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some((at, p)) = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
            && at.elapsed() < self.ttl
            && !p.is_expired_at(SystemTime::now())
        {
            return Ok(p.clone());
        }
        let body = form_encode(&[("token", token), ("token_type_hint", "access_token")]);
        let request = Request::post(self.uri.clone())
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::AUTHORIZATION, &self.authorization)
            .body(Full::new(Bytes::from(body)))
            .map_err(|_| AuthError::invalid("request"))?;
        let retry = Duration::from_secs(5);
        let (status, bytes) = self
            .client
            .send(request)
            .await
            .map_err(|e| AuthError::unavailable(format!("introspection: {e}"), retry))?;
        if !status.is_success() {
            return Err(AuthError::unavailable(
                format!("introspection status {status}"),
                retry,
            ));
        }
        let answer: Map<String, Value> = serde_json::from_slice(&bytes)
            .map_err(|_| AuthError::unavailable("introspection answer is not JSON", retry))?;
        let principal = self.principal(&answer)?;
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() >= MAX_CACHED {
            cache.retain(|_, (at, _)| at.elapsed() < self.ttl);
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
        }
        cache.insert(key, (Instant::now(), principal.clone()));
        Ok(principal)
    }

    fn principal(&self, answer: &Map<String, Value>) -> Result<Principal, AuthError> {
        if answer.get("active") != Some(&Value::Bool(true)) {
            return Err(AuthError::invalid("token inactive"));
        }
        let aud = crate::verify::claim_strings(answer.get("aud"));
        if !self.audiences.iter().any(|a| aud.contains(a)) {
            return Err(AuthError::invalid("audience mismatch"));
        }
        if let Some(iss) = &self.issuer
            && answer.get("iss").and_then(Value::as_str) != Some(iss.as_str())
        {
            return Err(AuthError::invalid("issuer mismatch"));
        }
        let exp = answer.get("exp").and_then(Value::as_u64);
        let expires_at = exp.map(|s| UNIX_EPOCH + Duration::from_secs(s));
        if expires_at.is_some_and(|t| t <= SystemTime::now()) {
            return Err(AuthError::Expired);
        }
        let sub = answer
            .get("sub")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| AuthError::invalid("sub missing"))?;
        let mut p = Principal::new(sub, AuthMethod::Introspection);
        p.scopes = crate::verify::claim_strings(answer.get("scope"));
        p.expires_at = expires_at;
        p.claims.clone_from(answer);
        Ok(p)
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Verify for Introspection {
    async fn verify<'a>(&'a self, request: &'a Parts) -> Result<Option<Principal>, AuthError> {
        match bearer_token(&request.headers)? {
            Some(token) => self.verify_token(token).await.map(Some),
            None => Ok(None),
        }
    }

    fn resource_hint(&self) -> Option<(String, Option<String>)> {
        self.audiences
            .first()
            .map(|a| (a.clone(), self.issuer.clone()))
    }
}
