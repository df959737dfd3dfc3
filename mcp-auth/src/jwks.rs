//! [`Jwks`]: JSON Web Key Sets from a URL (cached), a file, or a fixed set (feature `jwt`).
//!
//! The URL cache never fails open and cannot be used to amplify traffic:
//! - an unknown `kid` triggers one refresh shared by all waiting requests (single flight),
//!   and at most one fetch per [minimum refresh interval](Jwks::min_refresh_interval);
//! - keys are refreshed after the [TTL](Jwks::ttl); when the endpoint is down, the cached keys
//!   keep working up to the [maximum staleness](Jwks::max_staleness), then every token fails;
//! - fetches time out (5 s) and are capped (64 KiB); HTTPS is required except to loopback;
//!   redirects are not followed;
//! - only signing keys are used; HMAC (`oct`) keys are ignored; each key verifies exactly one
//!   algorithm: its JWK `alg`, or the default of its key type (`RS256`, `ES256`/`ES384`,
//!   `EdDSA`).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use http::Uri;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};

use crate::client::HttpClient;
use crate::error::AuthError;
use crate::jwt::Key;

#[derive(Default)]
struct KeySet {
    by_kid: HashMap<String, Key>,
    unnamed: Vec<Key>,
    /// When these keys were fetched (`None` for fixed sets: never stale).
    fetched: Option<Instant>,
}

struct Remote {
    uri: Uri,
    client: HttpClient,
    /// Serialises fetches and remembers the last attempt.
    gate: tokio::sync::Mutex<Option<Instant>>,
    min_refresh: Duration,
    ttl: Duration,
    max_stale: Duration,
}

/// A JSON Web Key Set: fixed, from a file, or fetched from a URL and cached.
///
/// ```
/// use std::time::Duration;
/// use mcp_auth::Jwks;
///
/// let jwks = Jwks::url("https://as.example.com/.well-known/jwks.json")
///     .expect("a valid URL")
///     .min_refresh_interval(Duration::from_secs(30))
///     .max_staleness(Duration::from_secs(24 * 3600));
/// # let _ = jwks;
/// ```
#[derive(Clone)]
#[must_use]
pub struct Jwks {
    keys: Arc<RwLock<KeySet>>,
    remote: Option<Arc<Remote>>,
}

impl std::fmt::Debug for Jwks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwks")
            .field("uri", &self.remote.as_ref().map(|r| r.uri.to_string()))
            .finish_non_exhaustive()
    }
}

/// Why a key set could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JwksError {
    /// The file could not be read.
    #[error("reading the key set: {0}")]
    Io(#[from] std::io::Error),
    /// Not a JWK set.
    #[error("parsing the key set: {0}")]
    Parse(#[from] serde_json::Error),
    /// The URL is invalid or not HTTPS (plain HTTP is allowed only to loopback).
    #[error("invalid key set URL: {0}")]
    Url(String),
}

impl Jwks {
    /// A fixed key set.
    pub fn from_set(set: &JwkSet) -> Self {
        Self {
            keys: Arc::new(RwLock::new(key_set(set, None))),
            remote: None,
        }
    }

    /// A fixed key set from JSON.
    ///
    /// # Errors
    ///
    /// When `json` is not a JWK set.
    pub fn from_json(json: &[u8]) -> Result<Self, JwksError> {
        Ok(Self::from_set(&serde_json::from_slice(json)?))
    }

    /// A fixed key set read from a file.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or is not a JWK set.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self, JwksError> {
        Self::from_json(&std::fs::read(path)?)
    }

    /// A key set fetched from `url` (HTTPS; HTTP only to loopback) on first use and cached.
    ///
    /// # Errors
    ///
    /// When `url` is not a valid HTTPS (or loopback HTTP) URL.
    pub fn url(url: &str) -> Result<Self, JwksError> {
        let uri: Uri = url.parse().map_err(|_| JwksError::Url(url.to_owned()))?;
        HttpClient::check_uri(&uri).map_err(|e| JwksError::Url(e.to_string()))?;
        Ok(Self {
            keys: Arc::new(RwLock::new(KeySet::default())),
            remote: Some(Arc::new(Remote {
                uri,
                client: HttpClient::new(Duration::from_secs(5), 64 * 1024),
                gate: tokio::sync::Mutex::new(None),
                min_refresh: Duration::from_secs(30),
                ttl: Duration::from_mins(10),
                max_stale: Duration::from_hours(24),
            })),
        })
    }

    fn edit_remote(mut self, f: impl FnOnce(&mut Remote)) -> Self {
        if let Some(remote) = self.remote.as_mut().and_then(Arc::get_mut) {
            f(remote);
        }
        self
    }

    /// The least time between two fetches, however many unknown `kid`s arrive (default 30 s).
    pub fn min_refresh_interval(self, interval: Duration) -> Self {
        self.edit_remote(|r| r.min_refresh = interval)
    }

    /// How long fetched keys are used before a refresh is attempted (default 10 minutes).
    pub fn ttl(self, ttl: Duration) -> Self {
        self.edit_remote(|r| r.ttl = ttl)
    }

    /// How long fetched keys keep working while the endpoint fails (default 24 hours).
    pub fn max_staleness(self, max: Duration) -> Self {
        self.edit_remote(|r| r.max_stale = max)
    }

    /// The fetch timeout (default 5 s).
    pub fn fetch_timeout(self, timeout: Duration) -> Self {
        self.edit_remote(|r| r.client = HttpClient::new(timeout, 64 * 1024))
    }

    fn lookup(&self, kid: Option<&str>) -> (Option<Key>, Option<Instant>) {
        let set = self
            .keys
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = match kid {
            Some(kid) => set.by_kid.get(kid).cloned(),
            // Without a kid, only an unambiguous set will do.
            None if set.by_kid.len() + set.unnamed.len() == 1 => set
                .unnamed
                .first()
                .or_else(|| set.by_kid.values().next())
                .cloned(),
            None => None,
        };
        (key, set.fetched)
    }

    /// The key for `kid`, refreshing the set when needed.
    pub(crate) async fn key(&self, kid: Option<&str>) -> Result<Key, AuthError> {
        let (key, fetched) = self.lookup(kid);
        let Some(remote) = &self.remote else {
            return key.ok_or_else(|| AuthError::invalid("unknown kid"));
        };
        let fresh = fetched.is_some_and(|t| t.elapsed() < remote.ttl);
        if let (Some(key), true) = (&key, fresh) {
            return Ok(key.clone());
        }
        self.refresh(remote, fetched).await;
        let (key, fetched) = self.lookup(kid);
        match (key, fetched) {
            (Some(key), Some(t)) if t.elapsed() < remote.max_stale => Ok(key),
            (Some(_), _) => Err(AuthError::invalid("key set too stale")),
            (None, _) => Err(AuthError::invalid("unknown kid")),
        }
    }

    /// One fetch at a time, at most one per minimum interval; a failure keeps the old keys.
    async fn refresh(&self, remote: &Remote, seen: Option<Instant>) {
        let mut last = remote.gate.lock().await;
        if self.lookup(None).1 != seen {
            // Someone refreshed while we waited.
            return;
        }
        if last.is_some_and(|t| t.elapsed() < remote.min_refresh) {
            return;
        }
        *last = Some(Instant::now());
        match remote.client.get(&remote.uri).await {
            Ok(body) => match serde_json::from_slice::<JwkSet>(&body) {
                Ok(set) => {
                    let keys = key_set(&set, Some(Instant::now()));
                    tracing::debug!(uri = %remote.uri, keys = keys.by_kid.len() + keys.unnamed.len(), "JWKS refreshed");
                    *self
                        .keys
                        .write()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = keys;
                }
                Err(e) => {
                    tracing::warn!(uri = %remote.uri, error = %e, "JWKS is not a key set; keeping cached keys");
                }
            },
            Err(e) => {
                tracing::warn!(uri = %remote.uri, error = %e, "JWKS fetch failed; keeping cached keys");
            }
        }
    }
}

fn key_set(set: &JwkSet, fetched: Option<Instant>) -> KeySet {
    let mut keys = KeySet {
        fetched,
        ..KeySet::default()
    };
    for jwk in &set.keys {
        let Some(key) = key_of(jwk) else { continue };
        match &jwk.common.key_id {
            Some(kid) => {
                keys.by_kid.insert(kid.clone(), key);
            }
            None => keys.unnamed.push(key),
        }
    }
    keys
}

fn key_of(jwk: &Jwk) -> Option<Key> {
    if matches!(
        jwk.common.public_key_use,
        Some(PublicKeyUse::Encryption | PublicKeyUse::Other(_))
    ) {
        return None;
    }
    let alg = match &jwk.common.key_algorithm {
        Some(a) => format!("{a:?}").parse::<Algorithm>().ok()?,
        None => match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => Algorithm::RS256,
            AlgorithmParameters::EllipticCurve(p) => match p.curve {
                EllipticCurve::P256 => Algorithm::ES256,
                EllipticCurve::P384 => Algorithm::ES384,
                _ => return None,
            },
            AlgorithmParameters::OctetKeyPair(_) => Algorithm::EdDSA,
            _ => return None,
        },
    };
    // HMAC never comes from a key set: a public JWKS must not hold shared secrets.
    if matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
        || matches!(jwk.algorithm, AlgorithmParameters::OctetKey(_))
    {
        return None;
    }
    let key = DecodingKey::from_jwk(jwk).ok()?;
    Some(Key { alg, key })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_keys_are_ignored() {
        let set = br#"{"keys":[{"kty":"oct","k":"c2VjcmV0","alg":"HS256","kid":"h"}]}"#;
        let jwks = Jwks::from_json(set).expect("parses");
        assert!(jwks.lookup(Some("h")).0.is_none());
    }

    #[test]
    fn plain_http_is_only_for_loopback() {
        assert!(Jwks::url("http://as.example.com/jwks").is_err());
        assert!(Jwks::url("http://127.0.0.1:9/jwks").is_ok());
        assert!(Jwks::url("https://as.example.com/jwks").is_ok());
    }
}
