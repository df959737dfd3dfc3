//! The [`Verify`] trait (credentials in, [`Principal`] out) and its composition.
//!
//! A verifier looks at the request head (headers, peer address, peer certificates) — never the
//! body — and answers:
//! - `Ok(Some(principal))`: it found a credential of its kind and verified it;
//! - `Ok(None)`: there is no credential of its kind (a JWT verifier ignores `sk_...` API keys);
//! - `Err(_)`: it found one and rejected it.
//!
//! [`Verifiers`] combines several: [`Verifiers::any`] (every verifier looks; at most one
//! identity, conflicting identities are 401) or [`Verifiers::first_match`] (the first verifier
//! that recognises a credential decides).

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use http::HeaderMap;
use http::request::Parts;
use mcp_core::auth::Principal;

use crate::error::AuthError;

/// The largest credential accepted before any parsing or cryptography (8 KiB).
pub const MAX_CREDENTIAL_BYTES: usize = 8 * 1024;

/// Turns a request's credentials into a verified [`Principal`].
///
/// Native async for implementors; [`Verifiers`] and the layer store them behind a private
/// boxed twin, so the trait stays implementable with a plain `async fn`.
pub trait Verify: Send + Sync + 'static {
    /// Verifies the credential of its kind in `request`, if any.
    ///
    /// # Errors
    ///
    /// An [`AuthError`] when a credential of this verifier's kind is present but not valid.
    fn verify<'a>(
        &'a self,
        request: &'a Parts,
    ) -> impl Future<Output = Result<Option<Principal>, AuthError>> + Send + 'a;

    /// The canonical resource URI and issuer this verifier accepts tokens for, used by
    /// [`BearerAuthLayer`](crate::BearerAuthLayer) to default its RFC 9728 metadata.
    fn resource_hint(&self) -> Option<(String, Option<String>)> {
        None
    }
}

/// The object-safe twin stored by [`Verifiers`] and the layer.
pub(crate) trait DynVerify: Send + Sync {
    fn verify<'a>(
        &'a self,
        request: &'a Parts,
    ) -> BoxFuture<'a, Result<Option<Principal>, AuthError>>;
    fn resource_hint(&self) -> Option<(String, Option<String>)>;
}

impl<T: Verify> DynVerify for T {
    fn verify<'a>(
        &'a self,
        request: &'a Parts,
    ) -> BoxFuture<'a, Result<Option<Principal>, AuthError>> {
        Box::pin(Verify::verify(self, request))
    }

    fn resource_hint(&self) -> Option<(String, Option<String>)> {
        Verify::resource_hint(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Any,
    FirstMatch,
}

/// Several verifiers as one.
///
/// ```
/// # #[cfg(feature = "jwt")] {
/// use mcp_auth::{ApiKeyVerifier, JwtVerifier, MemoryKeyStore, Verifiers};
///
/// let jwt = JwtVerifier::hs256("a secret of at least thirty-two bytes!!")
///     .issuer("https://as.example.com")
///     .audience("https://mcp.example.com/mcp");
/// let keys = ApiKeyVerifier::new("mcp", MemoryKeyStore::new(), b"pepper".to_vec());
/// let both = Verifiers::any().with(jwt).with(keys);
/// # let _ = both; }
/// ```
#[derive(Clone)]
pub struct Verifiers {
    mode: Mode,
    list: Vec<Arc<dyn DynVerify>>,
}

impl std::fmt::Debug for Verifiers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifiers")
            .field("mode", &self.mode)
            .field("count", &self.list.len())
            .finish()
    }
}

impl Verifiers {
    /// Every verifier looks at the request: any rejection is a rejection, and credentials that
    /// name different principals (a bearer token for A, a gateway header for B) are 401.
    #[must_use]
    pub fn any() -> Self {
        Self {
            mode: Mode::Any,
            list: Vec::new(),
        }
    }

    /// Verifiers are tried in order; the first that recognises a credential decides.
    #[must_use]
    pub fn first_match() -> Self {
        Self {
            mode: Mode::FirstMatch,
            list: Vec::new(),
        }
    }

    /// Adds a verifier.
    #[must_use]
    pub fn with<V: Verify>(mut self, verifier: V) -> Self {
        self.list.push(Arc::new(verifier));
        self
    }
}

impl Verify for Verifiers {
    async fn verify<'a>(&'a self, request: &'a Parts) -> Result<Option<Principal>, AuthError> {
        let mut found: Option<Principal> = None;
        for verifier in &self.list {
            let Some(principal) = verifier.verify(request).await? else {
                continue;
            };
            if self.mode == Mode::FirstMatch {
                return Ok(Some(principal));
            }
            match &found {
                Some(earlier)
                    if earlier.subject != principal.subject
                        || earlier.tenant != principal.tenant =>
                {
                    return Err(AuthError::ConflictingIdentities);
                }
                Some(_) => {}
                None => found = Some(principal),
            }
        }
        Ok(found)
    }

    fn resource_hint(&self) -> Option<(String, Option<String>)> {
        self.list.iter().find_map(|v| v.resource_hint())
    }
}

/// The bearer token of `Authorization: Bearer <token>` (scheme case-insensitive).
///
/// `Ok(None)` when there is no `Authorization` header or another scheme is used.
///
/// # Errors
///
/// [`AuthError::InvalidRequest`] for two `Authorization` headers; [`AuthError::InvalidToken`]
/// for an empty, oversized or malformed bearer value.
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, AuthError> {
    let mut values = headers.get_all(http::header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(AuthError::InvalidRequest(
            "several Authorization headers".into(),
        ));
    }
    if value.len() > MAX_CREDENTIAL_BYTES + 16 {
        return Err(AuthError::invalid("authorization header too large"));
    }
    let value = value
        .to_str()
        .map_err(|_| AuthError::invalid("authorization header is not ASCII"))?;
    let Some((scheme, token)) = value.split_once(' ') else {
        return if value.eq_ignore_ascii_case("bearer") {
            Err(AuthError::invalid("empty bearer token"))
        } else {
            Ok(None)
        };
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    let token = token.trim();
    if token.is_empty() || token.contains(' ') {
        return Err(AuthError::invalid("malformed bearer token"));
    }
    Ok(Some(token))
}

/// Space-delimited string or array of strings.
#[cfg(any(feature = "jwt", feature = "introspection"))]
pub(crate) fn claim_strings(
    value: Option<&serde_json::Value>,
) -> std::collections::BTreeSet<String> {
    match value {
        Some(serde_json::Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => std::collections::BTreeSet::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(
                http::header::AUTHORIZATION,
                HeaderValue::from_str(v).expect("valid header"),
            );
        }
        h
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token(&headers(&["bearer abc"])), Ok(Some("abc")));
        assert_eq!(bearer_token(&headers(&["BEARER abc"])), Ok(Some("abc")));
    }

    #[test]
    fn other_schemes_and_no_header_are_not_bearer() {
        assert_eq!(bearer_token(&headers(&[])), Ok(None));
        assert_eq!(bearer_token(&headers(&["Basic dXNlcjpwYXNz"])), Ok(None));
    }

    #[test]
    fn malformed_bearer_values_are_rejected() {
        assert!(matches!(
            bearer_token(&headers(&["Bearer"])),
            Err(AuthError::InvalidToken(_))
        ));
        assert!(matches!(
            bearer_token(&headers(&["Bearer a b"])),
            Err(AuthError::InvalidToken(_))
        ));
        assert!(matches!(
            bearer_token(&headers(&["Bearer a", "Bearer b"])),
            Err(AuthError::InvalidRequest(_))
        ));
        let huge = format!("Bearer {}", "a".repeat(100_000));
        assert!(matches!(
            bearer_token(&headers(&[&huge])),
            Err(AuthError::InvalidToken(_))
        ));
    }
}
