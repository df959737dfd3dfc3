//! [`JwtVerifier`]: JWT bearer access tokens (feature `jwt`).
//!
//! Correct by default, per RFC 9068 / RFC 8725:
//! - the algorithm comes from the key (static configuration or the JWK), never from the
//!   token; `none` is rejected; HMAC is never used with a JWKS;
//! - `exp`, `iss`, `aud` and `sub` are required, `nbf` is checked, leeway is 30 s;
//! - the issuer is compared exactly; the audience must be the configured canonical resource URI
//!   or one of its explicit aliases (never derived from `Host`);
//! - tokens over 8 KiB are rejected before any parsing; a `crit` header is rejected (no
//!   extension is understood); `jku`, `x5u` and `jwk` headers are ignored;
//! - `typ` can be pinned to `at+jwt` ([`JwtVerifier::require_typ`]);
//! - certificate-bound tokens (RFC 8705 `cnf.x5t#S256`) are accepted only over mTLS with the
//!   bound client certificate (feature `mtls` and `mcp_server::http::serve_tls`); without the
//!   `mtls` feature they are always refused.

use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use mcp_core::auth::{AuthMethod, Principal};
use serde_json::{Map, Value};

use crate::error::AuthError;
use crate::jwks::Jwks;
use crate::verify::{MAX_CREDENTIAL_BYTES, Verify, bearer_token, claim_strings};

/// A verification key with its one algorithm.
#[derive(Clone)]
pub(crate) struct Key {
    pub(crate) alg: Algorithm,
    pub(crate) key: DecodingKey,
}

#[derive(Clone)]
enum Keys {
    Static(Vec<(Option<String>, Key)>),
    Jwks(Jwks),
}

/// Verifies JWT access tokens from `Authorization: Bearer`.
///
/// Both [`issuer`](Self::issuer) and [`audience`](Self::audience) must be set; until they are,
/// every token is rejected (never fail open).
///
/// ```
/// use mcp_auth::JwtVerifier;
///
/// let jwt = JwtVerifier::rsa_pem(include_bytes!("testing_keys/rsa1.pub.pem"))
///     .expect("a PEM public key")
///     .issuer("https://as.example.com")
///     .audience("https://mcp.example.com/mcp")
///     .tenant_claim("tid");
/// # let _ = jwt;
/// ```
#[derive(Clone)]
#[must_use]
pub struct JwtVerifier {
    keys: Keys,
    issuer: Option<String>,
    audiences: Vec<String>,
    leeway: Duration,
    typ: Option<Vec<String>>,
    tenant_claim: Option<String>,
    roles_claim: String,
    max_bytes: usize,
    verified: VerifiedCache,
}

/// Tokens verified recently, by SHA-256 of the token: a signature check (RSA especially) costs
/// far more than serving a call, and clients send the same token on every request. An entry
/// lives at most [`VERIFIED_TTL`] and never past the token's `exp`; only successes are cached.
#[derive(Default)]
struct VerifiedCache {
    entries: std::sync::Mutex<std::collections::HashMap<[u8; 32], (Principal, std::time::Instant)>>,
}

/// How long a verified token is trusted without checking its signature again.
const VERIFIED_TTL: Duration = Duration::from_mins(1);
const VERIFIED_CAPACITY: usize = 10_000;

impl Clone for VerifiedCache {
    /// A clone starts empty: it may be reconfigured (issuer, audience) after cloning.
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl VerifiedCache {
    fn key(token: &str) -> [u8; 32] {
        use sha2::Digest as _;
        sha2::Sha256::digest(token.as_bytes()).into()
    }

    fn get(&self, key: &[u8; 32]) -> Option<Principal> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (principal, until) = entries.get(key)?;
        (std::time::Instant::now() < *until).then(|| principal.clone())
    }

    fn insert(&self, key: [u8; 32], principal: &Principal) {
        let now = std::time::Instant::now();
        let mut until = now + VERIFIED_TTL;
        if let Some(exp) = principal.expires_at {
            let left = exp
                .duration_since(std::time::SystemTime::now())
                .unwrap_or(Duration::ZERO);
            until = until.min(now + left);
        }
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= VERIFIED_CAPACITY {
            entries.retain(|_, (_, u)| *u > now);
            if entries.len() >= VERIFIED_CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, (principal.clone(), until));
    }
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("issuer", &self.issuer)
            .field("audiences", &self.audiences)
            .field("leeway", &self.leeway)
            .finish_non_exhaustive()
    }
}

impl JwtVerifier {
    fn with_keys(keys: Keys) -> Self {
        Self {
            keys,
            issuer: None,
            audiences: Vec::new(),
            leeway: Duration::from_secs(30),
            typ: None,
            tenant_claim: None,
            roles_claim: "roles".to_owned(),
            max_bytes: MAX_CREDENTIAL_BYTES,
            verified: VerifiedCache::default(),
        }
    }

    /// HS256 with a shared secret (for first-party issuers; never combined with a JWKS).
    pub fn hs256(secret: impl AsRef<[u8]>) -> Self {
        Self::with_keys(Keys::Static(vec![(
            None,
            Key {
                alg: Algorithm::HS256,
                key: DecodingKey::from_secret(secret.as_ref()),
            },
        )]))
    }

    /// RS256 with a PEM public key.
    ///
    /// # Errors
    ///
    /// When `pem` is not an RSA public key.
    pub fn rsa_pem(pem: &[u8]) -> Result<Self, jsonwebtoken::errors::Error> {
        Ok(Self::with_keys(Keys::Static(vec![(
            None,
            Key {
                alg: Algorithm::RS256,
                key: DecodingKey::from_rsa_pem(pem)?,
            },
        )])))
    }

    /// A static key with an explicit algorithm and optional `kid`; call again with
    /// [`and_key`](Self::and_key) for more.
    pub fn key(kid: Option<&str>, alg: Algorithm, key: DecodingKey) -> Self {
        Self::with_keys(Keys::Static(vec![(
            kid.map(str::to_owned),
            Key { alg, key },
        )]))
    }

    /// Adds a static key (ignored when the keys come from a JWKS).
    pub fn and_key(mut self, kid: Option<&str>, alg: Algorithm, key: DecodingKey) -> Self {
        if let Keys::Static(keys) = &mut self.keys {
            keys.push((kid.map(str::to_owned), Key { alg, key }));
        }
        self
    }

    /// Keys from a [`Jwks`] (a URL with a cache, a file, or a fixed set).
    pub fn jwks(jwks: Jwks) -> Self {
        Self::with_keys(Keys::Jwks(jwks))
    }

    /// The exact issuer (`iss`) accepted.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The canonical resource URI tokens must be issued for (`aud`); compared exactly.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.insert(0, audience.into());
        self
    }

    /// An additional accepted audience naming this same resource (e.g. Entra's
    /// `api://<app-id>`); compared exactly.
    pub fn audience_alias(mut self, alias: impl Into<String>) -> Self {
        self.audiences.push(alias.into());
        self
    }

    /// Clock skew tolerated on `exp` and `nbf` (default 30 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Accepts only tokens whose `typ` header is one of `types` (case-insensitive), e.g.
    /// `["at+jwt", "application/at+jwt"]` (RFC 9068). Off by default: some identity providers omit it.
    pub fn require_typ<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.typ = Some(types.into_iter().map(Into::into).collect());
        self
    }

    /// The claim holding the tenant (e.g. `tid`). When set, it is required and non-empty.
    pub fn tenant_claim(mut self, claim: impl Into<String>) -> Self {
        self.tenant_claim = Some(claim.into());
        self
    }

    /// The claim holding roles (an array of strings or a space-delimited string; default
    /// `roles`).
    pub fn roles_claim(mut self, claim: impl Into<String>) -> Self {
        self.roles_claim = claim.into();
        self
    }

    fn find_static(keys: &[(Option<String>, Key)], kid: Option<&str>) -> Result<Key, AuthError> {
        let found = match kid {
            Some(kid) => keys
                .iter()
                .find(|(k, _)| k.as_deref() == Some(kid))
                .or_else(|| {
                    // A single unnamed key verifies tokens whatever their kid.
                    (keys.len() == 1 && keys[0].0.is_none()).then(|| &keys[0])
                }),
            None if keys.len() == 1 => keys.first(),
            None => None,
        };
        found
            .map(|(_, key)| key.clone())
            .ok_or_else(|| AuthError::invalid("no key for the token's kid"))
    }

    /// Verifies one token without a connection: a certificate-bound token (`cnf.x5t#S256`,
    /// RFC 8705) is refused, since its binding cannot be checked here.
    ///
    /// # Errors
    ///
    /// [`AuthError::InvalidToken`] or [`AuthError::Expired`] (the reason is for logs).
    pub async fn verify_token(&self, token: &str) -> Result<Principal, AuthError> {
        let principal = self.verify_unbound(token).await?;
        check_binding(&principal, None)?;
        Ok(principal)
    }

    async fn verify_unbound(&self, token: &str) -> Result<Principal, AuthError> {
        if token.len() > self.max_bytes {
            return Err(AuthError::invalid("token too large"));
        }
        let (Some(issuer), false) = (&self.issuer, self.audiences.is_empty()) else {
            tracing::error!("JwtVerifier without an issuer or audience rejects every token");
            return Err(AuthError::invalid("verifier not configured"));
        };
        let cache_key = VerifiedCache::key(token);
        if let Some(principal) = self.verified.get(&cache_key) {
            return Ok(principal);
        }
        let header_segment = token.split('.').next().unwrap_or_default();
        check_raw_header(header_segment)?;
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| AuthError::invalid(format!("bad header: {e}")))?;
        if let Some(types) = &self.typ {
            let ok = header
                .typ
                .as_deref()
                .is_some_and(|t| types.iter().any(|x| x.eq_ignore_ascii_case(t)));
            if !ok {
                return Err(AuthError::invalid("unexpected typ"));
            }
        }
        let key = match &self.keys {
            Keys::Static(keys) => Self::find_static(keys, header.kid.as_deref())?,
            Keys::Jwks(jwks) => jwks.key(header.kid.as_deref()).await?,
        };
        if header.alg != key.alg {
            return Err(AuthError::invalid("algorithm does not match the key"));
        }
        let mut validation = Validation::new(key.alg);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&self.audiences);
        validation.validate_nbf = true;
        validation.validate_exp = true;
        validation.leeway = self.leeway.as_secs();
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
                _ => AuthError::invalid(format!("{e}")),
            })?;
        let principal = self.principal(data.claims)?;
        self.verified.insert(cache_key, &principal);
        Ok(principal)
    }

    fn principal(&self, claims: Map<String, Value>) -> Result<Principal, AuthError> {
        // `iat` sanity: a token issued in the future (beyond the leeway) is not trusted.
        if let Some(iat) = claims.get("iat") {
            let now = std::time::SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            match iat.as_u64() {
                Some(t) if t <= now + self.leeway.as_secs() => {}
                _ => return Err(AuthError::invalid("iat in the future or not a number")),
            }
        }
        let sub = claims
            .get("sub")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| AuthError::invalid("sub missing or empty"))?;
        let mut p = Principal::new(sub, AuthMethod::Jwt);
        p.scopes = claim_strings(claims.get("scope"))
            .into_iter()
            .chain(claim_strings(claims.get("scp")))
            .collect();
        p.roles = claim_strings(claims.get(&self.roles_claim));
        if let Some(claim) = &self.tenant_claim {
            let tenant = claims
                .get(claim)
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| AuthError::invalid("tenant claim missing or empty"))?;
            p.tenant = Some(tenant.to_owned());
        }
        p.expires_at = claims
            .get("exp")
            .and_then(Value::as_u64)
            .map(|s| UNIX_EPOCH + Duration::from_secs(s));
        p.claims = claims;
        Ok(p)
    }
}

/// Checks the raw JOSE header for what jsonwebtoken does not: `crit` (rejected, since we
/// understand no extension).
fn check_raw_header(segment: &str) -> Result<(), AuthError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| AuthError::invalid("header is not base64url"))?;
    let header: Map<String, Value> =
        serde_json::from_slice(&bytes).map_err(|_| AuthError::invalid("header is not JSON"))?;
    if header.contains_key("crit") {
        return Err(AuthError::invalid("unsupported crit header"));
    }
    Ok(())
}

/// RFC 8705 §3: a token carrying `cnf.x5t#S256` is only accepted over a connection whose
/// client certificate (the [`PeerCertificates`](mcp_server::http::PeerCertificates) leaf of
/// `serve_tls`) has that SHA-256 thumbprint. Without the `mtls` feature the client
/// certificate is never visible, so every certificate-bound token is refused (fail closed).
fn check_binding(principal: &Principal, request: Option<&Parts>) -> Result<(), AuthError> {
    let Some(cnf) = principal.claims.get("cnf") else {
        return Ok(());
    };
    let Some(expected) = cnf.get("x5t#S256") else {
        return Ok(());
    };
    let expected = expected
        .as_str()
        .ok_or_else(|| AuthError::invalid("cnf.x5t#S256 is not a string"))?;
    let actual = request.and_then(leaf_thumbprint).ok_or_else(|| {
        AuthError::invalid("certificate-bound token without a client certificate")
    })?;
    if subtle::ConstantTimeEq::ct_eq(actual.as_bytes(), expected.as_bytes()).into() {
        Ok(())
    } else {
        Err(AuthError::invalid(
            "certificate-bound token over another client certificate",
        ))
    }
}

/// The base64url SHA-256 thumbprint of the client leaf certificate.
#[cfg(feature = "mtls")]
fn leaf_thumbprint(request: &Parts) -> Option<String> {
    use sha2::Digest as _;
    let leaf = request
        .extensions
        .get::<mcp_server::http::PeerCertificates>()?
        .leaf()?;
    Some(URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(leaf.as_ref())))
}

#[cfg(not(feature = "mtls"))]
fn leaf_thumbprint(_request: &Parts) -> Option<String> {
    None
}

fn looks_like_jwt(token: &str) -> bool {
    token.bytes().filter(|&b| b == b'.').count() == 2
}

impl Verify for JwtVerifier {
    async fn verify<'a>(&'a self, request: &'a Parts) -> Result<Option<Principal>, AuthError> {
        let Some(token) = bearer_token(&request.headers)? else {
            return Ok(None);
        };
        if !looks_like_jwt(token) {
            // Not ours (an API key or an opaque token): another verifier may take it.
            return Ok(None);
        }
        let principal = self.verify_unbound(token).await?;
        check_binding(&principal, Some(request))?;
        Ok(Some(principal))
    }

    fn resource_hint(&self) -> Option<(String, Option<String>)> {
        self.audiences
            .first()
            .map(|aud| (aud.clone(), self.issuer.clone()))
    }
}

/// Seconds since the epoch, for token minting and tests.
#[cfg(any(test, feature = "testing"))]
pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    //! The jsonwebtoken probe results of security.md §3.1, pinned.
    use super::*;
    use jsonwebtoken::{EncodingKey, Header, encode};
    use serde_json::json;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const ISS: &str = "https://as.example.com";
    const AUD: &str = "https://mcp.example.com/mcp";

    fn token(claims: &Value) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(SECRET),
        )
        .expect("encodes")
    }

    fn probe(
        claims: &Value,
        validation: &Validation,
    ) -> Result<(), jsonwebtoken::errors::ErrorKind> {
        jsonwebtoken::decode::<Value>(
            &token(claims),
            &DecodingKey::from_secret(SECRET),
            validation,
        )
        .map(|_| ())
        .map_err(jsonwebtoken::errors::Error::into_kind)
    }

    fn verifier() -> JwtVerifier {
        JwtVerifier::hs256(SECRET).issuer(ISS).audience(AUD)
    }

    #[test]
    fn probe_missing_aud_and_iss_pass_unless_required() {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_audience(&[AUD]);
        v.set_issuer(&[ISS]);
        v.set_required_spec_claims(&["exp"]);
        let claims = json!({"sub": "a", "exp": now_secs() + 600});
        assert_eq!(probe(&claims, &v), Ok(()));
        v.set_required_spec_claims(&["exp", "aud", "iss"]);
        assert!(matches!(
            probe(&claims, &v),
            Err(jsonwebtoken::errors::ErrorKind::MissingRequiredClaim(_))
        ));
    }

    #[test]
    fn probe_nbf_is_ignored_by_default() {
        let mut v = Validation::new(Algorithm::HS256);
        v.validate_aud = false;
        let claims = json!({"sub": "a", "exp": now_secs() + 7200, "nbf": now_secs() + 3600});
        assert_eq!(probe(&claims, &v), Ok(()));
        v.validate_nbf = true;
        assert_eq!(
            probe(&claims, &v),
            Err(jsonwebtoken::errors::ErrorKind::ImmatureSignature)
        );
    }

    #[test]
    fn probe_default_leeway_is_60_and_default_alg_hs256() {
        let mut v = Validation::new(Algorithm::HS256);
        v.validate_aud = false;
        assert_eq!(v.leeway, 60);
        assert_eq!(Validation::default().algorithms, vec![Algorithm::HS256]);
        let claims = json!({"sub": "a", "exp": now_secs() - 30});
        assert_eq!(probe(&claims, &v), Ok(()));
    }

    #[test]
    fn probe_audience_is_exact() {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_audience(&[AUD]);
        let claims = json!({"sub": "a", "exp": now_secs() + 600, "aud": format!("{AUD}-other")});
        assert_eq!(
            probe(&claims, &v),
            Err(jsonwebtoken::errors::ErrorKind::InvalidAudience)
        );
    }

    #[test]
    fn probe_alg_none_fails_at_header_parse() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(br#"{"sub":"a"}"#);
        assert!(jsonwebtoken::decode_header(format!("{header}.{body}.")).is_err());
    }

    #[test]
    fn probe_algorithm_family_mismatch() {
        let v = Validation::new(Algorithm::RS256);
        let claims = json!({"sub": "a", "exp": now_secs() + 600});
        assert_eq!(
            probe(&claims, &v),
            Err(jsonwebtoken::errors::ErrorKind::InvalidAlgorithm)
        );
    }

    #[test]
    fn probe_duplicate_keys_and_depth() {
        #[derive(Debug, serde::Deserialize)]
        #[expect(dead_code, reason = "only deserialised")]
        struct Named {
            name: String,
        }
        let dup = r#"{"name":"safe","name":"evil"}"#;
        assert!(serde_json::from_str::<Named>(dup).is_err());
        let v: Value = serde_json::from_str(dup).expect("a value keeps the last");
        assert_eq!(v["name"], "evil");
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(serde_json::from_str::<Value>(&deep).is_err());
    }

    #[test]
    fn probe_subtle_slices_of_different_length() {
        use subtle::ConstantTimeEq as _;
        assert!(!bool::from(b"abc".as_slice().ct_eq(b"abcd".as_slice())));
    }

    #[tokio::test]
    async fn our_validation_requires_everything() {
        let v = verifier();
        let now = now_secs();
        let ok = json!({"sub": "alice", "iss": ISS, "aud": AUD, "exp": now + 600, "scope": "a b"});
        let p = v.verify_token(&token(&ok)).await.expect("valid");
        assert_eq!(p.subject, "alice");
        assert!(p.has_scope("a") && p.has_scope("b"));
        for bad in [
            json!({"sub": "alice", "aud": AUD, "exp": now + 600}),
            json!({"sub": "alice", "iss": ISS, "exp": now + 600}),
            json!({"sub": "alice", "iss": ISS, "aud": AUD}),
            json!({"iss": ISS, "aud": AUD, "exp": now + 600}),
            json!({"sub": "", "iss": ISS, "aud": AUD, "exp": now + 600}),
            json!({"sub": "a", "iss": format!("{ISS}/"), "aud": AUD, "exp": now + 600}),
            json!({"sub": "a", "iss": ISS, "aud": AUD, "exp": now + 600, "nbf": now + 3600}),
            json!({"sub": "a", "iss": ISS, "aud": AUD, "exp": "99999999999"}),
            json!({"sub": "a", "iss": ISS, "aud": AUD, "exp": now - 31}),
        ] {
            assert!(v.verify_token(&token(&bad)).await.is_err(), "{bad}");
        }
        let within = json!({"sub": "a", "iss": ISS, "aud": AUD, "exp": now - 20});
        assert!(v.verify_token(&token(&within)).await.is_ok());
    }

    #[tokio::test]
    async fn iat_in_the_future_is_rejected() {
        let now = now_secs();
        let future =
            json!({"sub": "a", "iss": ISS, "aud": AUD, "exp": now + 7200, "iat": now + 3600});
        assert!(verifier().verify_token(&token(&future)).await.is_err());
        let text = json!({"sub": "a", "iss": ISS, "aud": AUD, "exp": now + 600, "iat": "1"});
        assert!(verifier().verify_token(&token(&text)).await.is_err());
        let ok = json!({"sub": "a", "iss": ISS, "aud": AUD, "exp": now + 600, "iat": now});
        assert!(verifier().verify_token(&token(&ok)).await.is_ok());
    }

    #[tokio::test]
    async fn unconfigured_verifier_fails_closed() {
        let v = JwtVerifier::hs256(SECRET);
        let ok = json!({"sub": "a", "iss": ISS, "aud": AUD, "exp": now_secs() + 600});
        assert!(v.verify_token(&token(&ok)).await.is_err());
    }

    #[tokio::test]
    async fn crit_and_typ_are_checked() {
        let claims = json!({"sub": "a", "iss": ISS, "aud": AUD, "exp": now_secs() + 600});
        let mut h = Header::new(Algorithm::HS256);
        h.crit = Some(vec!["exp".into()]);
        let t = encode(&h, &claims, &EncodingKey::from_secret(SECRET)).expect("encodes");
        assert!(verifier().verify_token(&t).await.is_err());
        let typed = verifier().require_typ(["at+jwt", "application/at+jwt"]);
        assert!(typed.verify_token(&token(&claims)).await.is_err());
        let mut h = Header::new(Algorithm::HS256);
        h.typ = Some("at+jwt".into());
        let t = encode(&h, &claims, &EncodingKey::from_secret(SECRET)).expect("encodes");
        assert!(typed.verify_token(&t).await.is_ok());
    }
}
