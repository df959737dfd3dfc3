//! `WWW-Authenticate` challenges (RFC 6750) and the RFC 9728 Protected Resource Metadata
//! document.
//!
//! Everything here is built from configuration, never from the request's `Host`.

use http::HeaderValue;
use serde_json::{Value, json};

/// The well-known prefix of RFC 9728.
pub const WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";

/// The RFC 9728 document of one protected resource (the MCP endpoint).
///
/// ```
/// use mcp_auth::ResourceMetadata;
///
/// let m = ResourceMetadata::new("https://mcp.example.com/mcp")
///     .authorization_server("https://as.example.com")
///     .scopes(["mcp:read"]);
/// assert_eq!(
///     m.metadata_url(),
///     "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceMetadata {
    resource: String,
    origin: String,
    path: String,
    authorization_servers: Vec<String>,
    scopes: Vec<String>,
    resource_name: Option<String>,
    documentation: Option<String>,
}

impl ResourceMetadata {
    /// The metadata of the resource at the canonical URI `resource` (e.g.
    /// `https://mcp.example.com/mcp`). The scheme and host are lowercased; a fragment or query
    /// is dropped, and so is a trailing slash.
    #[must_use]
    pub fn new(resource: &str) -> Self {
        let resource = resource.split(['#', '?']).next().unwrap_or_default();
        let (scheme, rest) = resource.split_once("://").unwrap_or(("https", resource));
        let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        let path = path.trim_end_matches('/');
        let origin = format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            authority.to_ascii_lowercase()
        );
        Self {
            resource: format!("{origin}{path}"),
            origin,
            path: path.to_owned(),
            authorization_servers: Vec::new(),
            scopes: Vec::new(),
            resource_name: None,
            documentation: None,
        }
    }

    /// Adds an authorization server (issuer) that can issue tokens for this resource.
    #[must_use]
    pub fn authorization_server(mut self, issuer: impl Into<String>) -> Self {
        self.authorization_servers.push(issuer.into());
        self
    }

    /// The baseline scopes: advertised in `scopes_supported` and in the `scope` of 401
    /// challenges. Keep it minimal (never `offline_access`, never the whole catalogue).
    #[must_use]
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// A human-readable name (`resource_name`).
    #[must_use]
    pub fn resource_name(mut self, name: impl Into<String>) -> Self {
        self.resource_name = Some(name.into());
        self
    }

    /// A documentation URL (`resource_documentation`).
    #[must_use]
    pub fn documentation(mut self, url: impl Into<String>) -> Self {
        self.documentation = Some(url.into());
        self
    }

    /// The canonical resource URI.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The baseline scopes.
    pub fn baseline_scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The path of the document: `/.well-known/oauth-protected-resource` + the resource path.
    pub fn metadata_path(&self) -> String {
        format!("{WELL_KNOWN}{}", self.path)
    }

    /// The absolute URL of the document (the `resource_metadata` of challenges).
    pub fn metadata_url(&self) -> String {
        format!("{}{}", self.origin, self.metadata_path())
    }

    /// Whether `path` is this document's path, in the path form or the root form.
    pub fn serves(&self, path: &str) -> bool {
        path == self.metadata_path() || path == WELL_KNOWN
    }

    /// The JSON document.
    pub fn document(&self) -> Value {
        let mut doc = json!({
            "resource": self.resource,
            "authorization_servers": self.authorization_servers,
            "scopes_supported": self.scopes,
            "bearer_methods_supported": ["header"],
        });
        if let Some(name) = &self.resource_name {
            doc["resource_name"] = json!(name);
        }
        if let Some(url) = &self.documentation {
            doc["resource_documentation"] = json!(url);
        }
        doc
    }

    /// The `WWW-Authenticate` value of a 401 (or 400): `error` absent when no credential was
    /// sent.
    pub fn unauthorized(&self, error: Option<&str>) -> HeaderValue {
        challenge(
            error,
            None,
            Some(&self.metadata_url()),
            Some(&self.scopes.join(" ")),
        )
    }

    /// The `WWW-Authenticate` value of a 403 step-up naming every scope in `required`.
    pub fn insufficient_scope(&self, required: &[String]) -> HeaderValue {
        challenge(
            Some("insufficient_scope"),
            None,
            Some(&self.metadata_url()),
            Some(&required.join(" ")),
        )
    }
}

/// A `Bearer` challenge with the given parameters, each safely quoted. Never panics.
pub fn challenge(
    error: Option<&str>,
    description: Option<&str>,
    resource_metadata: Option<&str>,
    scope: Option<&str>,
) -> HeaderValue {
    let mut params = Vec::new();
    if let Some(e) = error {
        params.push(format!("error={}", quote(e)));
    }
    if let Some(d) = description {
        params.push(format!("error_description={}", quote(d)));
    }
    if let Some(m) = resource_metadata {
        params.push(format!("resource_metadata={}", quote(m)));
    }
    if let Some(s) = scope.filter(|s| !s.is_empty()) {
        params.push(format!("scope={}", quote(s)));
    }
    let value = if params.is_empty() {
        "Bearer".to_owned()
    } else {
        format!("Bearer {}", params.join(", "))
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
}

/// An RFC 9110 quoted string: `"` and `\` escaped, control and non-ASCII characters dropped.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c == ' ' || c.is_ascii_graphic() => out.push(c),
            _ => {}
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_url_inserts_the_well_known_prefix() {
        let m = ResourceMetadata::new("HTTPS://H.Example/public/mcp/");
        assert_eq!(m.resource(), "https://h.example/public/mcp");
        assert_eq!(
            m.metadata_url(),
            "https://h.example/.well-known/oauth-protected-resource/public/mcp"
        );
        assert!(m.serves("/.well-known/oauth-protected-resource"));
    }

    #[test]
    fn quoting_escapes_and_drops_crlf() {
        assert_eq!(quote("a\"b\\c\r\nd"), "\"a\\\"b\\\\cd\"");
        let v = challenge(Some("x\r\ny"), Some("é\""), None, Some("a b"));
        assert_eq!(
            v.to_str().expect("ascii"),
            "Bearer error=\"xy\", error_description=\"\\\"\", scope=\"a b\""
        );
    }

    #[test]
    fn document_has_the_required_members() {
        let doc = ResourceMetadata::new("https://mcp.example.com/mcp")
            .authorization_server("https://as.example.com")
            .scopes(["mcp:read"])
            .document();
        assert_eq!(
            doc,
            json!({
                "resource": "https://mcp.example.com/mcp",
                "authorization_servers": ["https://as.example.com"],
                "scopes_supported": ["mcp:read"],
                "bearer_methods_supported": ["header"],
            })
        );
    }
}
