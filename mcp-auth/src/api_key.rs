//! [`ApiKeyVerifier`]: service API keys of the form `<prefix>_<id>_<secret>`.
//!
//! The store keeps only `HMAC-SHA256(pepper, secret)` with the key id, tenant, scopes, expiry
//! and revocation flag. A key is looked up by id and its digest compared in constant time; an
//! unknown id, a wrong secret, a revoked or an expired key all give the same 401. Keys are read
//! from the configured header (default `x-api-key`) or `Authorization: Bearer <prefix>_...`,
//! never from the query string.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use futures::future::BoxFuture;
use hmac::{Hmac, Mac};
use http::HeaderName;
use http::request::Parts;
use mcp_core::auth::{AuthMethod, Principal};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

use crate::error::AuthError;
use crate::verify::{MAX_CREDENTIAL_BYTES, Verify, bearer_token};

/// One stored key: no secret, only its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyRecord {
    /// The key id (the middle part of the key).
    pub id: String,
    /// `HMAC-SHA256(pepper, secret)`.
    pub digest: [u8; 32],
    /// The principal's subject (defaults to `key:<id>`).
    pub subject: String,
    /// The tenant.
    pub tenant: Option<String>,
    /// Granted scopes.
    pub scopes: BTreeSet<String>,
    /// When the key stops working.
    pub expires_at: Option<SystemTime>,
    /// Revoked keys never verify.
    pub revoked: bool,
}

impl KeyRecord {
    /// A record for key `id` with `digest`.
    pub fn new(id: impl Into<String>, digest: [u8; 32]) -> Self {
        let id = id.into();
        Self {
            subject: format!("key:{id}"),
            id,
            digest,
            tenant: None,
            scopes: BTreeSet::new(),
            expires_at: None,
            revoked: false,
        }
    }

    /// Sets the tenant.
    #[must_use]
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// Sets the scopes.
    #[must_use]
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the expiry.
    #[must_use]
    pub fn expires_at(mut self, at: SystemTime) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Sets the subject.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = subject.into();
        self
    }
}

/// A key store failure.
#[derive(Debug, thiserror::Error)]
#[error("key store unavailable: {0}")]
#[non_exhaustive]
pub struct KeyStoreError(pub String);

/// Where key records live. Native async; stored behind a private boxed twin.
pub trait KeyStore: Send + Sync + 'static {
    /// The record of key `id`, if any.
    ///
    /// # Errors
    ///
    /// When the store is unavailable (answered 503, never success).
    fn get<'a>(
        &'a self,
        id: &'a str,
    ) -> impl Future<Output = Result<Option<KeyRecord>, KeyStoreError>> + Send + 'a;
}

trait DynKeyStore: Send + Sync {
    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<KeyRecord>, KeyStoreError>>;
}

impl<T: KeyStore> DynKeyStore for T {
    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<KeyRecord>, KeyStoreError>> {
        Box::pin(KeyStore::get(self, id))
    }
}

/// An in-memory [`KeyStore`]; clones share the same records.
#[derive(Debug, Clone, Default)]
pub struct MemoryKeyStore {
    records: Arc<RwLock<HashMap<String, KeyRecord>>>,
}

impl MemoryKeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a record.
    pub fn insert(&self, record: KeyRecord) {
        self.records
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(record.id.clone(), record);
    }

    /// Revokes key `id`; the next request with it fails.
    pub fn revoke(&self, id: &str) {
        if let Some(r) = self
            .records
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get_mut(id)
        {
            r.revoked = true;
        }
    }
}

impl KeyStore for MemoryKeyStore {
    fn get<'a>(
        &'a self,
        id: &'a str,
    ) -> impl Future<Output = Result<Option<KeyRecord>, KeyStoreError>> + Send + 'a {
        let record = self
            .records
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(id)
            .cloned();
        std::future::ready(Ok(record))
    }
}

/// `HMAC-SHA256(pepper, secret)`: the digest a [`KeyRecord`] stores.
///
/// # Panics
///
/// Never: HMAC accepts keys of any length.
pub fn digest(pepper: &[u8], secret: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(pepper).expect("HMAC takes any key length");
    mac.update(secret.as_bytes());
    mac.finalize().into_bytes().into()
}

/// A new key `<prefix>_<id>_<secret>` (256-bit random secret) and its record.
pub fn generate(prefix: &str, id: &str, pepper: &[u8]) -> (String, KeyRecord) {
    use base64::Engine as _;
    let secret_bytes: [u8; 32] = rand::random();
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(secret_bytes)
        .replace(['-', '_'], "x");
    (
        format!("{prefix}_{id}_{secret}"),
        KeyRecord::new(id, digest(pepper, &secret)),
    )
}

/// Verifies API keys against a [`KeyStore`].
///
/// ```
/// use mcp_auth::{ApiKeyVerifier, MemoryKeyStore, api_key};
///
/// let store = MemoryKeyStore::new();
/// let (key, record) = api_key::generate("mcp", "build01", b"pepper");
/// store.insert(record.tenant("acme").scopes(["mcp:read"]));
/// let verifier = ApiKeyVerifier::new("mcp", store, b"pepper".to_vec());
/// # let _ = (key, verifier);
/// ```
#[must_use]
pub struct ApiKeyVerifier {
    prefix: String,
    store: Arc<dyn DynKeyStore>,
    pepper: Vec<u8>,
    header: HeaderName,
}

impl std::fmt::Debug for ApiKeyVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyVerifier")
            .field("prefix", &self.prefix)
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl ApiKeyVerifier {
    /// Keys starting `<prefix>_`, records in `store`, digests keyed with `pepper`.
    pub fn new<S: KeyStore>(prefix: impl Into<String>, store: S, pepper: Vec<u8>) -> Self {
        Self {
            prefix: prefix.into(),
            store: Arc::new(store),
            pepper,
            header: HeaderName::from_static("x-api-key"),
        }
    }

    /// The header carrying keys (default `x-api-key`); `Authorization: Bearer` works too.
    /// Strip it from requests with
    /// [`BearerAuthLayer::strip_header`](crate::BearerAuthLayer::strip_header).
    pub fn header(mut self, header: HeaderName) -> Self {
        self.header = header;
        self
    }

    /// The configured header.
    pub fn header_name(&self) -> &HeaderName {
        &self.header
    }

    fn credential<'a>(&self, request: &'a Parts) -> Result<Option<&'a str>, AuthError> {
        let mut values = request.headers.get_all(&self.header).iter();
        let from_header = match (values.next(), values.next()) {
            (None, _) => None,
            (Some(v), None) => Some(
                v.to_str()
                    .map_err(|_| AuthError::invalid("api key is not ASCII"))?
                    .trim(),
            ),
            (Some(_), Some(_)) => {
                return Err(AuthError::InvalidRequest("several api key headers".into()));
            }
        };
        let from_bearer = bearer_token(&request.headers)?.filter(|t| {
            t.strip_prefix(self.prefix.as_str())
                .is_some_and(|r| r.starts_with('_'))
        });
        match (from_header, from_bearer) {
            (Some(_), Some(_)) => Err(AuthError::InvalidRequest(
                "api key sent by two methods".into(),
            )),
            (Some(h), None) => Ok(Some(h)),
            (None, b) => Ok(b),
        }
    }

    /// Verifies one key.
    ///
    /// # Errors
    ///
    /// [`AuthError::InvalidToken`] (unknown id, wrong secret, malformed), [`AuthError::Expired`]
    /// (same response), [`AuthError::Unavailable`] when the store fails.
    pub async fn verify_key(&self, key: &str) -> Result<Principal, AuthError> {
        if key.len() > MAX_CREDENTIAL_BYTES {
            return Err(AuthError::invalid("api key too large"));
        }
        let rest = key
            .strip_prefix(self.prefix.as_str())
            .and_then(|r| r.strip_prefix('_'))
            .ok_or_else(|| AuthError::invalid("api key without the expected prefix"))?;
        let (id, secret) = rest
            .split_once('_')
            .filter(|(id, s)| !id.is_empty() && !s.is_empty())
            .ok_or_else(|| AuthError::invalid("malformed api key"))?;
        let record = self.store.get(id).await.map_err(|e| {
            AuthError::unavailable(e.to_string(), std::time::Duration::from_secs(5))
        })?;
        // Compute the digest even for unknown ids, so timing does not tell ids apart.
        let presented = digest(&self.pepper, secret);
        let stored = record.as_ref().map_or([0u8; 32], |r| r.digest);
        let matches: bool = presented.ct_eq(&stored).into();
        let Some(record) = record.filter(|_| matches) else {
            return Err(AuthError::invalid("unknown api key id or wrong secret"));
        };
        if record.revoked {
            return Err(AuthError::invalid("api key revoked"));
        }
        if record.expires_at.is_some_and(|t| t <= SystemTime::now()) {
            return Err(AuthError::Expired);
        }
        let mut p = Principal::new(record.subject, AuthMethod::ApiKey);
        p.tenant = record.tenant;
        p.scopes = record.scopes;
        p.expires_at = record.expires_at;
        p.claims
            .insert("key_id".into(), serde_json::Value::String(record.id));
        Ok(p)
    }
}

impl Verify for ApiKeyVerifier {
    async fn verify<'a>(&'a self, request: &'a Parts) -> Result<Option<Principal>, AuthError> {
        match self.credential(request)? {
            Some(key) => self.verify_key(key).await.map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verifier(store: MemoryKeyStore) -> ApiKeyVerifier {
        ApiKeyVerifier::new("mcp", store, b"pepper".to_vec())
    }

    #[tokio::test]
    async fn generated_keys_verify_and_store_no_secret() {
        let store = MemoryKeyStore::new();
        let (key, record) = generate("mcp", "k1", b"pepper");
        let secret = key.rsplit('_').next().expect("secret");
        assert!(!format!("{record:?}").contains(secret));
        store.insert(record.tenant("acme").scopes(["mcp:read"]));
        let p = verifier(store).verify_key(&key).await.expect("valid");
        assert_eq!(p.subject, "key:k1");
        assert_eq!(p.tenant.as_deref(), Some("acme"));
        assert!(p.has_scope("mcp:read"));
    }

    #[tokio::test]
    async fn unknown_id_wrong_secret_revoked_expired_all_fail() {
        let store = MemoryKeyStore::new();
        let (key, record) = generate("mcp", "k1", b"pepper");
        store.insert(record.clone());
        let v = verifier(store.clone());
        let unknown = key.replace("_k1_", "_k2_");
        let wrong = format!("{key}x");
        assert!(matches!(
            v.verify_key(&unknown).await,
            Err(AuthError::InvalidToken(_))
        ));
        assert!(matches!(
            v.verify_key(&wrong).await,
            Err(AuthError::InvalidToken(_))
        ));
        assert!(v.verify_key("other_k1_secret").await.is_err());
        store.insert(record.clone().expires_at(SystemTime::UNIX_EPOCH));
        assert_eq!(v.verify_key(&key).await, Err(AuthError::Expired));
        store.insert(record);
        store.revoke("k1");
        assert!(v.verify_key(&key).await.is_err());
    }
}
