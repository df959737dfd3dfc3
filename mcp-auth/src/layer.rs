//! [`BearerAuthLayer`]: the HTTP-tier tower layer that authenticates every request.
//!
//! For each request, before the body is read:
//! 1. the RFC 9728 document is served (unauthenticated) at its path-form and root-form URLs;
//! 2. the verifier turns the credentials into a [`Principal`], or the layer answers 401/400/503
//!    itself (the inner service is never called);
//! 3. the credential headers and gateway identity headers are removed, so handlers never see
//!    the raw token, and the verified principal is inserted into the request's extensions;
//! 4. on the way out, a 403 scope shortfall from the engine gets the full step-up challenge
//!    with `resource_metadata`.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ALLOW,
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE,
};
use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use http_body::{Body, Frame, SizeHint};
use mcp_core::auth::Principal;
use mcp_server::http::InsufficientScope;
use serde_json::json;

use crate::challenge::ResourceMetadata;
use crate::error::AuthError;
use crate::forwarded::ForwardedIdentity;
use crate::limit::FailureLimiter;
use crate::verify::{DynVerify, Verify};

/// Identity headers a gateway may set; removed from every request before the inner service
/// (a [`ForwardedIdentity`](crate::ForwardedIdentity) verifier reads them first, and only
/// from trusted peers).
pub const DEFAULT_IDENTITY_HEADERS: &[&str] = &[
    "x-forwarded-user",
    "x-forwarded-email",
    "x-forwarded-groups",
    "x-mcp-subject",
    "x-mcp-tenant",
    "x-mcp-scopes",
    "x-auth-request-user",
    "x-auth-request-email",
    "x-remote-user",
    "remote-user",
    "cf-access-jwt-assertion",
    "x-mcp-identity-assertion",
    "x-forwarded-client-cert",
];

struct Config {
    verifier: Arc<dyn DynVerify>,
    metadata: Option<ResourceMetadata>,
    strip: Vec<HeaderName>,
    optional: bool,
    limiter: Option<FailureLimiter>,
}

/// Authenticates every request with a [`Verify`] and answers challenges and RFC 9728
/// discovery.
///
/// ```
/// # #[cfg(feature = "jwt")] {
/// use mcp_auth::{BearerAuthLayer, JwtVerifier, ResourceMetadata};
///
/// let jwt = JwtVerifier::rsa_pem(include_bytes!("testing_keys/rsa1.pub.pem"))
///     .expect("a PEM public key")
///     .issuer("https://as.example.com")
///     .audience("https://mcp.example.com/mcp");
/// let layer = BearerAuthLayer::new(jwt).metadata(
///     ResourceMetadata::new("https://mcp.example.com/mcp")
///         .authorization_server("https://as.example.com")
///         .scopes(["mcp:read"]),
/// );
/// # let _ = layer; }
/// ```
#[derive(Clone)]
#[must_use]
pub struct BearerAuthLayer {
    config: Arc<Config>,
}

impl std::fmt::Debug for BearerAuthLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BearerAuthLayer")
            .field("metadata", &self.config.metadata)
            .field("optional", &self.config.optional)
            .finish_non_exhaustive()
    }
}

impl BearerAuthLayer {
    /// Authenticates with `verifier`. The RFC 9728 metadata defaults to the verifier's
    /// audience and issuer (a [`JwtVerifier`](crate::JwtVerifier) knows both); set it with
    /// [`metadata`](Self::metadata) to add scopes or when the verifier does not know them.
    pub fn new<V: Verify>(verifier: V) -> Self {
        let metadata = verifier.resource_hint().map(|(resource, issuer)| {
            let m = ResourceMetadata::new(&resource);
            match issuer {
                Some(iss) => m.authorization_server(iss),
                None => m,
            }
        });
        Self {
            config: Arc::new(Config {
                verifier: Arc::new(verifier),
                metadata,
                strip: DEFAULT_IDENTITY_HEADERS
                    .iter()
                    .map(|h| HeaderName::from_static(h))
                    .collect(),
                optional: false,
                limiter: None,
            }),
        }
    }

    fn edit(mut self, f: impl FnOnce(&mut Config)) -> Self {
        let config = Arc::get_mut(&mut self.config).expect("a layer is configured before use");
        f(config);
        self
    }

    /// The RFC 9728 document served and named in challenges.
    pub fn metadata(self, metadata: ResourceMetadata) -> Self {
        self.edit(|c| c.metadata = Some(metadata))
    }

    /// Also removes `header` (a credential header such as `x-api-key`, or a gateway identity
    /// header) before the inner service sees the request.
    pub fn strip_header(self, header: HeaderName) -> Self {
        self.edit(|c| c.strip.push(header))
    }

    /// Lets requests without any credential through as anonymous (invalid credentials are
    /// still rejected). Off by default: remote servers require authentication.
    pub fn allow_anonymous(self, allow: bool) -> Self {
        self.edit(|c| c.optional = allow)
    }

    /// Limits failed authentications per client IP (A17): `burst` failures at once,
    /// replenished at `burst` per `per` (so `failure_limit(10, 60 s)` allows ten bad tokens in
    /// a burst and then one every six seconds). Off by default.
    ///
    /// Only failures count: invalid, expired or malformed credentials (not a missing one,
    /// a 403 or a 503), and successful requests never do. Once over its limit, a client gets
    /// `429 Too Many Requests` with `Retry-After` for *every* request, valid tokens included,
    /// until the quota has replenished; the check comes before any verification, so a flood
    /// of unknown `kid`s drives neither key-set fetches nor signature checks. Other clients are
    /// unaffected. The client is the TCP peer ([`PeerAddr`](mcp_server::http::PeerAddr)) or,
    /// with [`failure_limit_client_ip`](Self::failure_limit_client_ip), the forwarded client
    /// address; IPv6 clients are keyed by their `/64`. Requests without a peer address (not
    /// served by `mcp_server::http::serve`/`serve_tls`) are not limited.
    pub fn failure_limit(self, burst: u32, per: std::time::Duration) -> Self {
        self.edit(|c| {
            let forwarded = c.limiter.take().and_then(|l| l.forwarded);
            let mut limiter = FailureLimiter::new(burst, per);
            limiter.forwarded = forwarded;
            c.limiter = Some(limiter);
        })
    }

    /// Keys the [`failure_limit`](Self::failure_limit) by the client address `proxies`
    /// report ([`ForwardedIdentity::client_ip`]: the right-most `X-Forwarded-For` hop that is
    /// not a trusted proxy) instead of the TCP peer. Call after `failure_limit`.
    pub fn failure_limit_client_ip(self, proxies: ForwardedIdentity) -> Self {
        self.edit(|c| {
            if let Some(l) = c.limiter.as_mut() {
                l.forwarded = Some(proxies);
            }
        })
    }
}

impl<S> tower::Layer<S> for BearerAuthLayer {
    type Service = BearerAuth<S>;

    fn layer(&self, inner: S) -> BearerAuth<S> {
        BearerAuth {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service of [`BearerAuthLayer`].
#[derive(Clone)]
pub struct BearerAuth<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> std::fmt::Debug for BearerAuth<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BearerAuth").finish_non_exhaustive()
    }
}

impl<S, ReqB, ResB> tower::Service<Request<ReqB>> for BearerAuth<S>
where
    S: tower::Service<Request<ReqB>, Response = Response<ResB>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqB: Send + 'static,
{
    type Response = Response<AuthBody<ResB>>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        // The readied service handles this request; a fresh clone waits for the next one.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let config = self.config.clone();
        Box::pin(async move {
            if let Some(metadata) = &config.metadata
                && metadata.serves(request.uri().path())
            {
                return Ok(metadata_response(metadata, request.method()));
            }
            let (mut parts, body) = request.into_parts();
            // Handlers must never see another layer's claim of identity.
            parts.extensions.remove::<Principal>();
            let client = config.limiter.as_ref().and_then(|l| l.client(&parts));
            if let (Some(limiter), Some(ip)) = (&config.limiter, client)
                && let Some(wait) = limiter.blocked(ip)
            {
                return Ok(too_many(&parts, wait));
            }
            let verified = if has_query_token(&parts) && parts.headers.contains_key(AUTHORIZATION) {
                Err(AuthError::InvalidRequest(
                    "token sent in the header and the query".into(),
                ))
            } else {
                config.verifier.verify(&parts).await
            };
            let verified = match verified {
                Ok(Some(principal)) => Ok(principal),
                Ok(None) if config.optional && !has_credential_header(&parts, &config) => {
                    Ok(Principal::anonymous())
                }
                Ok(None) if has_credential_header(&parts, &config) => {
                    Err(AuthError::invalid("no verifier recognised the credential"))
                }
                Ok(None) => Err(AuthError::MissingCredentials),
                Err(error) => Err(error),
            };
            let principal = match verified {
                Ok(principal) => principal,
                Err(error) => {
                    if let (Some(limiter), Some(ip)) = (&config.limiter, client)
                        && counts_as_failure(&error)
                        && let Some(wait) = limiter.failed(ip)
                    {
                        return Ok(too_many(&parts, wait));
                    }
                    return Ok(reject(&config, &parts, &error));
                }
            };
            tracing::debug!(subject = %principal.subject, method = ?principal.method, "authenticated");
            parts.headers.remove(AUTHORIZATION);
            for h in &config.strip {
                parts.headers.remove(h);
            }
            parts.extensions.insert(principal);
            let response = inner.call(Request::from_parts(parts, body)).await?;
            Ok(complete_step_up(&config, response))
        })
    }
}

fn has_query_token(parts: &http::request::Parts) -> bool {
    parts.uri.query().is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.split('=').next() == Some("access_token"))
    })
}

fn has_credential_header(parts: &http::request::Parts, config: &Config) -> bool {
    parts.headers.contains_key(AUTHORIZATION)
        || config.strip.iter().any(|h| {
            parts.headers.contains_key(h) && !DEFAULT_IDENTITY_HEADERS.contains(&h.as_str())
        })
}

fn reject<B>(
    config: &Config,
    parts: &http::request::Parts,
    error: &AuthError,
) -> Response<AuthBody<B>> {
    // The reason goes to the logs only; the client sees one shape per status.
    tracing::info!(
        reason = %error,
        status = error.status().as_u16(),
        path = parts.uri.path(),
        "authentication rejected"
    );
    let status = error.status();
    let (code, description) = match error {
        AuthError::MissingCredentials => ("unauthorized", "authentication required"),
        AuthError::InvalidRequest(_) => ("invalid_request", "malformed authorization request"),
        AuthError::Forbidden(_) => ("insufficient_scope", "the credential may not be used here"),
        AuthError::Unavailable { .. } => (
            "temporarily_unavailable",
            "authentication is temporarily unavailable",
        ),
        _ => ("invalid_token", "the access token is invalid"),
    };
    let body = json!({ "error": code, "error_description": description });
    let mut r = json_response(status, &body);
    if status != StatusCode::SERVICE_UNAVAILABLE {
        let challenge = match &config.metadata {
            Some(m) if status == StatusCode::FORBIDDEN => m.insufficient_scope(&[]),
            Some(m) => m.unauthorized(error.oauth_error()),
            None => crate::challenge::challenge(error.oauth_error(), None, None, None),
        };
        r.headers_mut().insert(WWW_AUTHENTICATE, challenge);
    }
    if let AuthError::Unavailable { retry_after, .. } = error {
        r.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(retry_after.as_secs().max(1)));
    }
    r
}

/// Failures the limiter counts: a credential was sent and refused.
fn counts_as_failure(error: &AuthError) -> bool {
    matches!(
        error,
        AuthError::InvalidToken(_)
            | AuthError::Expired
            | AuthError::ConflictingIdentities
            | AuthError::InvalidRequest(_)
    )
}

fn too_many<B>(parts: &http::request::Parts, wait: std::time::Duration) -> Response<AuthBody<B>> {
    tracing::warn!(path = parts.uri.path(), "too many failed authentications");
    let mut r = json_response(
        StatusCode::TOO_MANY_REQUESTS,
        &json!({"error": "too_many_requests", "error_description": "too many failed authentications"}),
    );
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    r.headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(secs.max(1)));
    r
}

fn complete_step_up<B>(config: &Config, response: Response<B>) -> Response<AuthBody<B>> {
    let (mut parts, body) = response.into_parts();
    if let (Some(metadata), Some(scopes)) = (
        &config.metadata,
        parts.extensions.get::<InsufficientScope>(),
    ) {
        let value = metadata.insufficient_scope(&scopes.0);
        parts.headers.insert(WWW_AUTHENTICATE, value);
    }
    Response::from_parts(parts, AuthBody::inner(body))
}

fn json_response<B>(status: StatusCode, body: &serde_json::Value) -> Response<AuthBody<B>> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut r = Response::new(AuthBody::full(bytes));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn metadata_response<B>(metadata: &ResourceMetadata, method: &Method) -> Response<AuthBody<B>> {
    let mut r = if *method == Method::GET || *method == Method::HEAD {
        let mut r = json_response(StatusCode::OK, &metadata.document());
        r.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("max-age=3600"));
        if *method == Method::HEAD {
            *r.body_mut() = AuthBody::full(Bytes::new());
        }
        r
    } else if *method == Method::OPTIONS {
        let mut r = Response::new(AuthBody::full(Bytes::new()));
        *r.status_mut() = StatusCode::NO_CONTENT;
        r
    } else {
        let mut r = json_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &json!({"error": "method not allowed"}),
        );
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD, OPTIONS"));
        r
    };
    let h = r.headers_mut();
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, HEAD, OPTIONS"),
    );
    h.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("mcp-protocol-version"),
    );
    r
}

pin_project_lite::pin_project! {
    /// The response body of [`BearerAuth`]: the inner service's body or the layer's own
    /// (challenges, metadata).
    #[derive(Debug)]
    pub struct AuthBody<B> {
        #[pin]
        kind: Kind<B>,
    }
}

pin_project_lite::pin_project! {
    #[project = KindProj]
    #[derive(Debug)]
    enum Kind<B> {
        Inner { #[pin] body: B },
        Full { bytes: Option<Bytes> },
    }
}

impl<B> AuthBody<B> {
    fn inner(body: B) -> Self {
        Self {
            kind: Kind::Inner { body },
        }
    }

    fn full(bytes: impl Into<Bytes>) -> Self {
        let bytes: Bytes = bytes.into();
        Self {
            kind: Kind::Full {
                bytes: (!bytes.is_empty()).then_some(bytes),
            },
        }
    }
}

impl<B> Body for AuthBody<B>
where
    B: Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        match self.project().kind.project() {
            KindProj::Inner { body } => body.poll_frame(cx),
            KindProj::Full { bytes } => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Inner { body } => body.is_end_stream(),
            Kind::Full { bytes } => bytes.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Inner { body } => body.size_hint(),
            Kind::Full { bytes } => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
        }
    }
}
