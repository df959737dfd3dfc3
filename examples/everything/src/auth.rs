//! The optional authentication of the `everything` binary: a JWT verifier over a static JWKS
//! file and/or API keys from a JSON file, and the fixed policy of auth mode.

use std::path::Path;

use http::HeaderName;
use mcp_auth::{
    ApiKeyVerifier, BearerAuthLayer, Jwks, JwtVerifier, ResourceMetadata, ScopePolicy, Verifiers,
};

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
            let store = example_support::load_api_keys(path, self.pepper.as_bytes())?;
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
