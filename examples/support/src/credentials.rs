//! Upstream credentials: which account the server uses towards the product's API for a call.
//!
//! Two deployments are common:
//! - a [`ServiceAccount`]: one upstream credential for every MCP caller (simple; the upstream
//!   sees one user, so the audit trail of [`audit`](crate::audit()) is the record of who asked);
//! - [`PerUserCredentials`]: the verified MCP principal's subject picks that person's own
//!   upstream credential, so the upstream enforces their permissions and records them as the
//!   author of writes.
//!
//! [`Credentials`] holds either and is what an example keeps in its state.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use http::HeaderValue;
use mcp_server::{Principal, ToolError};
use serde_json::Value;

/// One upstream credential. `Debug` shows the email of a `Basic` credential, never a token.
#[derive(Clone, PartialEq, Eq)]
#[expect(
    clippy::exhaustive_enums,
    reason = "the examples build and match these two kinds directly"
)]
pub enum Credential {
    /// Atlassian email + API token, sent as `Authorization: Basic base64(email:api_token)`.
    Basic {
        /// The account's email address.
        email: String,
        /// The API token (secret).
        api_token: String,
    },
    /// An OAuth 2.0 access token (or any bearer token), sent as `Authorization: Bearer ..`.
    Bearer(String),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Basic { email, .. } => f
                .debug_struct("Basic")
                .field("email", email)
                .field("api_token", &"<redacted>")
                .finish(),
            Self::Bearer(_) => f.debug_tuple("Bearer").field(&"<redacted>").finish(),
        }
    }
}

impl Credential {
    /// The `Authorization` header value, marked sensitive (kept out of `Debug` output and
    /// HPACK tables).
    ///
    /// Control characters in the secret (a stray newline from a file) are dropped, so the value
    /// is always a valid header.
    pub fn authorization(&self) -> HeaderValue {
        let text = match self {
            Self::Basic { email, api_token } => {
                let pair = format!("{email}:{api_token}");
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                )
            }
            Self::Bearer(token) => {
                let token: String = token.trim().chars().filter(|c| !c.is_control()).collect();
                format!("Bearer {token}")
            }
        };
        let mut value = HeaderValue::from_str(&text)
            // Unreachable after the filtering above; an empty value is rejected upstream as
            // unauthenticated, which is the honest outcome.
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        value.set_sensitive(true);
        value
    }

    /// A label for the audit trail: the email of a `Basic` credential, `"oauth"` for a bearer
    /// token. Never the secret.
    pub fn label(&self) -> String {
        match self {
            Self::Basic { email, .. } => email.clone(),
            Self::Bearer(_) => "oauth".to_owned(),
        }
    }
}

/// No upstream credential for a caller. Its text is model-facing:
/// `no upstream credential for user <subject>`, and `?` in a tool turns it into an `isError`
/// result with that text.
///
/// Deliberately not a [`std::error::Error`]: `mcp_server::ToolError` converts every
/// `std::error::Error` into an opaque internal error (-32603).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialError(String);

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl CredentialError {
    /// A failure with this model-facing message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// `no upstream credential for user <subject>`.
    pub fn missing(subject: &str) -> Self {
        Self(format!("no upstream credential for user {subject}"))
    }
}

impl From<CredentialError> for ToolError {
    fn from(e: CredentialError) -> Self {
        Self::new(e.0)
    }
}

/// Chooses the upstream credential of a call from the verified MCP principal.
pub trait CredentialProvider: Send + Sync + 'static {
    /// The credential to use for `principal`'s call.
    fn credential(
        &self,
        principal: &Principal,
    ) -> impl Future<Output = Result<Credential, CredentialError>> + Send;
}

/// The same upstream credential for every caller.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::exhaustive_structs,
    reason = "a plain wrapper the examples construct"
)]
pub struct ServiceAccount(pub Credential);

impl CredentialProvider for ServiceAccount {
    fn credential(
        &self,
        _principal: &Principal,
    ) -> impl Future<Output = Result<Credential, CredentialError>> + Send {
        std::future::ready(Ok(self.0.clone()))
    }
}

/// Upstream credentials by verified MCP subject (`Principal::subject`: the JWT `sub` or the
/// API key's subject), with an optional fallback for everyone else.
///
/// The file format of [`from_file`](Self::from_file) is one JSON object:
///
/// ```json
/// {
///   "alice": {"email": "alice@example.com", "api_token": "..."},
///   "bob":   {"bearer": "..."}
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct PerUserCredentials {
    users: Arc<HashMap<String, Credential>>,
    fallback: Option<Credential>,
}

impl PerUserCredentials {
    /// An empty table (every caller is refused unless a fallback is set).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces the credential of `subject`.
    #[must_use]
    pub fn with(mut self, subject: impl Into<String>, credential: Credential) -> Self {
        Arc::make_mut(&mut self.users).insert(subject.into(), credential);
        self
    }

    /// Reads the table from a JSON file (format in the type docs).
    ///
    /// # Errors
    ///
    /// An unreadable file or an entry of another shape; the text names the file and the
    /// offending subject, never a secret.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses the file format of [`from_file`](Self::from_file).
    ///
    /// # Errors
    ///
    /// Invalid JSON or an entry of another shape (the text names the subject, never a
    /// secret).
    pub fn from_json(json: &[u8]) -> Result<Self, String> {
        // serde_json's syntax errors carry a position, not the text, so no secret leaks;
        // the entries are read by hand for the same reason (a type error would quote values).
        let root: Value = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        let Value::Object(entries) = root else {
            return Err("expected a JSON object of subject -> credential".to_owned());
        };
        let mut users = HashMap::with_capacity(entries.len());
        for (subject, entry) in entries {
            let credential = parse_entry(&entry).map_err(|e| format!("user {subject}: {e}"))?;
            users.insert(subject, credential);
        }
        Ok(Self {
            users: Arc::new(users),
            fallback: None,
        })
    }

    /// Uses `credential` for callers without their own entry (e.g. a read-only service
    /// account, or the anonymous caller of stdio).
    #[must_use]
    pub fn with_fallback(mut self, credential: Credential) -> Self {
        self.fallback = Some(credential);
        self
    }

    /// How many subjects have their own credential.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// Whether no subject has its own credential.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    fn lookup(&self, principal: &Principal) -> Result<Credential, CredentialError> {
        self.users
            .get(&principal.subject)
            .or(self.fallback.as_ref())
            .cloned()
            .ok_or_else(|| CredentialError::missing(&principal.subject))
    }
}

fn parse_entry(entry: &Value) -> Result<Credential, &'static str> {
    const SHAPE: &str = r#"expected {"email": "...", "api_token": "..."} or {"bearer": "..."}"#;
    let Value::Object(fields) = entry else {
        return Err(SHAPE);
    };
    let text = |name: &str| match fields.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(SHAPE),
        None => Ok(None),
    };
    match (
        fields.len(),
        text("email")?,
        text("api_token")?,
        text("bearer")?,
    ) {
        (2, Some(email), Some(api_token), None) => Ok(Credential::Basic { email, api_token }),
        (1, None, None, Some(token)) => Ok(Credential::Bearer(token)),
        _ => Err(SHAPE),
    }
}

impl CredentialProvider for PerUserCredentials {
    fn credential(
        &self,
        principal: &Principal,
    ) -> impl Future<Output = Result<Credential, CredentialError>> + Send {
        std::future::ready(self.lookup(principal))
    }
}

/// Either kind of provider; what an example keeps in its state. Cheap to clone.
#[derive(Debug, Clone)]
#[expect(
    clippy::exhaustive_enums,
    reason = "the examples build one of these two directly"
)]
pub enum Credentials {
    /// One credential for everyone.
    Service(ServiceAccount),
    /// A credential per verified subject.
    PerUser(PerUserCredentials),
}

impl CredentialProvider for Credentials {
    fn credential(
        &self,
        principal: &Principal,
    ) -> impl Future<Output = Result<Credential, CredentialError>> + Send {
        std::future::ready(match self {
            Self::Service(account) => Ok(account.0.clone()),
            Self::PerUser(table) => table.lookup(principal),
        })
    }
}

impl From<ServiceAccount> for Credentials {
    fn from(account: ServiceAccount) -> Self {
        Self::Service(account)
    }
}

impl From<PerUserCredentials> for Credentials {
    fn from(table: PerUserCredentials) -> Self {
        Self::PerUser(table)
    }
}

#[cfg(test)]
mod tests {
    use mcp_server::core::auth::AuthMethod;

    use super::*;

    fn alice() -> Credential {
        Credential::Basic {
            email: "alice@example.com".into(),
            api_token: "alice-api-token".into(),
        }
    }

    fn who(subject: &str) -> Principal {
        Principal::new(subject, AuthMethod::Jwt)
    }

    #[test]
    fn debug_never_prints_a_secret() {
        let basic = format!("{:?}", alice());
        assert!(basic.contains("alice@example.com"), "{basic}");
        assert!(!basic.contains("alice-api-token"), "{basic}");
        let bearer = format!("{:?}", Credential::Bearer("alice-oauth-token".into()));
        assert!(!bearer.contains("alice-oauth-token"), "{bearer}");
        let header = format!("{:?}", alice().authorization());
        assert!(!header.contains("YWxp"), "{header}");

        let table = PerUserCredentials::new()
            .with("alice", alice())
            .with_fallback(Credential::Bearer("fallback-secret".into()));
        let text = format!("{table:?} {:?}", Credentials::from(table.clone()));
        assert!(!text.contains("alice-api-token"), "{text}");
        assert!(!text.contains("fallback-secret"), "{text}");
        let account = format!("{:?}", ServiceAccount(alice()));
        assert!(!account.contains("alice-api-token"), "{account}");
    }

    #[test]
    fn authorization_headers() {
        let basic = alice().authorization();
        assert!(basic.is_sensitive());
        // base64("alice@example.com:alice-api-token")
        assert_eq!(
            basic.to_str().expect("ascii"),
            "Basic YWxpY2VAZXhhbXBsZS5jb206YWxpY2UtYXBpLXRva2Vu"
        );
        let bearer = Credential::Bearer("tok\n".into()).authorization();
        assert!(bearer.is_sensitive());
        assert_eq!(bearer.to_str().expect("ascii"), "Bearer tok");
    }

    #[test]
    fn labels_are_not_secrets() {
        assert_eq!(alice().label(), "alice@example.com");
        assert_eq!(Credential::Bearer("secret".into()).label(), "oauth");
    }

    #[tokio::test]
    async fn per_user_lookup_and_fallback() {
        let table = PerUserCredentials::from_json(
            br#"{"alice": {"email": "alice@example.com", "api_token": "alice-api-token"},
                 "bob": {"bearer": "bob-oauth-token"}}"#,
        )
        .expect("valid file");
        assert_eq!(table.len(), 2);
        let creds = Credentials::PerUser(table.clone());
        assert_eq!(creds.credential(&who("alice")).await, Ok(alice()));
        assert_eq!(
            creds.credential(&who("bob")).await,
            Ok(Credential::Bearer("bob-oauth-token".into()))
        );
        let missing = creds
            .credential(&who("mallory"))
            .await
            .expect_err("no entry");
        assert_eq!(
            missing.to_string(),
            "no upstream credential for user mallory"
        );

        let fallback = Credential::Bearer("service".into());
        let table = table.with_fallback(fallback.clone());
        assert_eq!(table.credential(&who("mallory")).await, Ok(fallback));
        assert_eq!(table.credential(&who("alice")).await, Ok(alice()));

        let service = Credentials::Service(ServiceAccount(alice()));
        assert_eq!(service.credential(&who("anyone")).await, Ok(alice()));
    }

    #[test]
    fn file_errors_name_the_subject_but_no_secret() {
        for bad in [
            r#"{"alice": {"email": "a@example.com"}}"#,
            r#"{"alice": {"email": "a@example.com", "api_token": "s3cret", "bearer": "s3cret"}}"#,
            r#"{"alice": {"bearer": 42}}"#,
            r#"{"alice": {"bearer": "s3cret", "extra": "s3cret"}}"#,
            r#"{"alice": "s3cret"}"#,
        ] {
            let e = PerUserCredentials::from_json(bad.as_bytes()).expect_err(bad);
            assert!(e.starts_with("user alice: expected"), "{e}");
            assert!(!e.contains("s3cret"), "{e}");
        }
        let e = PerUserCredentials::from_json(b"[]").expect_err("array");
        assert!(e.contains("JSON object"), "{e}");
        let e = PerUserCredentials::from_json(br#"{"alice": "#).expect_err("syntax");
        assert!(!e.is_empty());
        let e = PerUserCredentials::from_file(Path::new("/nonexistent/users.json"))
            .expect_err("missing file");
        assert!(e.starts_with("/nonexistent/users.json: "), "{e}");
    }

    #[test]
    fn credential_error_becomes_a_tool_error() {
        let e: ToolError = CredentialError::missing("x").into();
        let text = format!("{e:?}");
        assert!(text.contains("no upstream credential for user x"), "{text}");
    }
}
