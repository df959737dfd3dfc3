//! The optional authentication of the `everything` binary: a JWT verifier over a static JWKS
//! file and/or API keys from a JSON file, and the fixed policy of auth mode.

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use http::HeaderName;
use mcp_auth::{
    ApiKeyVerifier, BearerAuthLayer, Jwks, JwtVerifier, KeyRecord, MemoryKeyStore,
    ResourceMetadata, ScopePolicy, Verifiers,
};
use serde::Deserialize;

/// The API-key prefix: keys look like `mcp_<id>_<secret>`.
pub(crate) const KEY_PREFIX: &str = "mcp";

/// What the command line asked for.
#[derive(Debug, Default)]
pub(crate) struct AuthConfig<'a> {
    pub(crate) jwks: Option<&'a Path>,
    pub(crate) issuer: Option<&'a str>,
    pub(crate) audience: Option<&'a str>,
    pub(crate) api_keys: Option<&'a Path>,
    pub(crate) pepper: &'a str,
}

/// One record of the `--api-keys` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFileRecord {
    id: String,
    /// Hex `HMAC-SHA256(pepper, secret)`.
    #[serde(default)]
    digest: Option<String>,
    /// The plain secret (development only).
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    subject: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    expires_at: Option<u64>,
}

fn hex32(s: &str) -> Option<[u8; 32]> {
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let text = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

fn load_keys(path: &Path, pepper: &[u8]) -> Result<MemoryKeyStore, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let records: Vec<KeyFileRecord> =
        serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let store = MemoryKeyStore::new();
    for r in records {
        let digest = match (&r.digest, &r.secret) {
            (Some(d), None) => {
                hex32(d).ok_or_else(|| format!("key {}: digest is not 64 hex digits", r.id))?
            }
            (None, Some(secret)) => mcp_auth::api_key::digest(pepper, secret),
            _ => {
                return Err(format!(
                    "key {}: give exactly one of digest and secret",
                    r.id
                ));
            }
        };
        let mut record = KeyRecord::new(&r.id, digest).scopes(r.scopes);
        if let Some(t) = r.tenant {
            record = record.tenant(t);
        }
        if let Some(s) = r.subject {
            record = record.subject(s);
        }
        if let Some(at) = r.expires_at {
            record = record.expires_at(UNIX_EPOCH + Duration::from_secs(at));
        }
        store.insert(record);
    }
    Ok(store)
}

impl AuthConfig<'_> {
    /// Whether any authentication was asked for.
    pub(crate) fn enabled(&self) -> bool {
        self.jwks.is_some() || self.api_keys.is_some()
    }

    /// The HTTP-tier layer.
    pub(crate) fn layer(&self) -> Result<BearerAuthLayer, String> {
        let mut verifiers = Verifiers::any();
        if let Some(path) = self.jwks {
            let (Some(issuer), Some(audience)) = (self.issuer, self.audience) else {
                return Err("--jwks needs --issuer and --audience".into());
            };
            let jwks = Jwks::from_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
            verifiers = verifiers.with(JwtVerifier::jwks(jwks).issuer(issuer).audience(audience));
        }
        if let Some(path) = self.api_keys {
            let store = load_keys(path, self.pepper.as_bytes())?;
            verifiers = verifiers.with(ApiKeyVerifier::new(
                KEY_PREFIX,
                store,
                self.pepper.as_bytes().to_vec(),
            ));
        }
        let mut layer =
            BearerAuthLayer::new(verifiers).strip_header(HeaderName::from_static("x-api-key"));
        if let Some(audience) = self.audience {
            let mut metadata = ResourceMetadata::new(audience).scopes(["mcp:read"]);
            if let Some(issuer) = self.issuer {
                metadata = metadata.authorization_server(issuer);
            }
            layer = layer.metadata(metadata);
        }
        Ok(layer)
    }
}

/// The fixed policy of auth mode: `mcp:read` for everything, plus `mcp:echo` for `echo` and
/// `mcp:sum` for `sum`.
pub(crate) fn policy() -> ScopePolicy {
    ScopePolicy::new()
        .baseline(["mcp:read"])
        .require("echo", ["mcp:echo"])
        .require("sum", ["mcp:sum"])
}
