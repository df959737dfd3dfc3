//! [`MtlsVerifier`]: identity from a verified TLS client certificate (feature `mtls`).
//!
//! The certificate itself is verified during the handshake by
//! [`mcp_server::http::serve_tls`] with a [`TlsConfig::mtls`](mcp_server::http::TlsConfig::mtls)
//! configuration (trust roots, clientAuth EKU, validity, CRLs). This verifier only maps the
//! verified leaf to a principal: its subject is the first subject alternative name (URI, e.g.
//! a SPIFFE id, or DNS) that the allow-list accepts. The common name is never used. A verified
//! certificate whose names are not allowed is 403.

use http::request::Parts;
use mcp_core::auth::{AuthMethod, Principal};
use mcp_server::http::PeerCertificates;
use x509_parser::extensions::GeneralName;

use crate::error::AuthError;
use crate::verify::Verify;

/// Maps client certificates to principals by SAN URI/DNS allow-lists.
///
/// ```
/// use mcp_auth::MtlsVerifier;
///
/// let mtls = MtlsVerifier::new()
///     .allow_uri_prefix("spiffe://example.org/ns/prod/")
///     .allow_dns("build.example.org")
///     .scopes(["mcp:read"]);
/// # let _ = mtls;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct MtlsVerifier {
    uris: Vec<String>,
    uri_prefixes: Vec<String>,
    dns: Vec<String>,
    scopes: Vec<String>,
    tenant: Option<String>,
}

impl MtlsVerifier {
    /// An empty allow-list (every certificate is 403 until names are allowed).
    pub fn new() -> Self {
        Self::default()
    }

    /// Allows the exact SAN URI `uri`.
    pub fn allow_uri(mut self, uri: impl Into<String>) -> Self {
        self.uris.push(uri.into());
        self
    }

    /// Allows SAN URIs starting with `prefix` (end it with `/` to match on a path boundary).
    pub fn allow_uri_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.uri_prefixes.push(prefix.into());
        self
    }

    /// Allows the exact SAN DNS name `name` (case-insensitive).
    pub fn allow_dns(mut self, name: impl Into<String>) -> Self {
        self.dns.push(name.into().to_ascii_lowercase());
        self
    }

    /// Scopes granted to certificate principals.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The tenant of certificate principals.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    fn allowed(&self, name: &GeneralName<'_>) -> Option<String> {
        match name {
            GeneralName::URI(uri) => (self.uris.iter().any(|u| u == uri)
                || self
                    .uri_prefixes
                    .iter()
                    .any(|p| uri.starts_with(p.as_str())))
            .then(|| (*uri).to_owned()),
            GeneralName::DNSName(dns) => {
                let dns = dns.to_ascii_lowercase();
                self.dns.contains(&dns).then_some(dns)
            }
            _ => None,
        }
    }

    /// The principal of a verified leaf certificate (DER).
    ///
    /// # Errors
    ///
    /// [`AuthError::InvalidToken`] for an unparsable certificate, [`AuthError::Forbidden`]
    /// when none of its SANs is allowed.
    pub fn principal_of(&self, leaf: &[u8]) -> Result<Principal, AuthError> {
        let (_, cert) = x509_parser::parse_x509_certificate(leaf)
            .map_err(|_| AuthError::invalid("unparsable client certificate"))?;
        let sans = cert
            .subject_alternative_name()
            .map_err(|_| AuthError::invalid("bad subjectAltName"))?;
        let subject = sans
            .iter()
            .flat_map(|ext| ext.value.general_names.iter())
            .find_map(|name| self.allowed(name))
            .ok_or_else(|| {
                AuthError::Forbidden("no allowed SAN in the client certificate".into())
            })?;
        let mut p = Principal::new(subject, AuthMethod::Mtls).with_scopes(self.scopes.clone());
        p.tenant.clone_from(&self.tenant);
        p.claims.insert(
            "serial".into(),
            serde_json::Value::String(cert.raw_serial_as_string()),
        );
        Ok(p)
    }
}

impl Verify for MtlsVerifier {
    async fn verify<'a>(&'a self, request: &'a Parts) -> Result<Option<Principal>, AuthError> {
        let Some(leaf) = request
            .extensions
            .get::<PeerCertificates>()
            .and_then(PeerCertificates::leaf)
        else {
            return Ok(None);
        };
        self.principal_of(leaf.as_ref()).map(Some)
    }
}
