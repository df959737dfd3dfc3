//! Test helpers (feature `testing`): mint tokens with fixed test keys, mint API keys, and
//! serve a JWKS on `127.0.0.1:0`.
//!
//! The RSA keys here are public knowledge: never trust them outside tests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use jsonwebtoken::jwk::{Jwk, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value, json};
use tokio::sync::RwLock;

use crate::jwt::now_secs;

const RSA1: &str = include_str!("testing_keys/rsa1.pem");
const RSA2: &str = include_str!("testing_keys/rsa2.pem");

/// Mints RS256 access tokens with one of two fixed test keys.
///
/// ```
/// use mcp_auth::testing::TestIssuer;
///
/// let issuer = TestIssuer::new("https://as.example.com", "https://mcp.example.com/mcp");
/// let token = issuer.token(["mcp:read"]);
/// assert_eq!(token.split('.').count(), 3);
/// ```
#[derive(Clone)]
pub struct TestIssuer {
    issuer: String,
    audience: String,
    kid: String,
    pem: &'static str,
}

impl std::fmt::Debug for TestIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestIssuer")
            .field("issuer", &self.issuer)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl TestIssuer {
    /// An issuer signing with test key 1 (`kid` `test-key-1`).
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            audience: audience.into(),
            kid: "test-key-1".into(),
            pem: RSA1,
        }
    }

    /// The same issuer signing with the second test key (`kid` `test-key-2`): a rotation.
    #[must_use]
    pub fn rotated(&self) -> Self {
        Self {
            kid: "test-key-2".into(),
            pem: RSA2,
            ..self.clone()
        }
    }

    /// The same issuer and key under another `kid`.
    #[must_use]
    pub fn with_kid(&self, kid: impl Into<String>) -> Self {
        Self {
            kid: kid.into(),
            ..self.clone()
        }
    }

    /// The signing key.
    ///
    /// # Panics
    ///
    /// Never: the test keys are valid.
    pub fn encoding_key(&self) -> EncodingKey {
        EncodingKey::from_rsa_pem(self.pem.as_bytes()).expect("test keys are valid")
    }

    /// The public JWK (with `kid`, `alg` RS256, `use` sig).
    ///
    /// # Panics
    ///
    /// Never: the test keys are valid.
    pub fn jwk(&self) -> Jwk {
        let mut jwk =
            Jwk::from_encoding_key(&self.encoding_key(), Algorithm::RS256).expect("an RSA key");
        jwk.common.key_id = Some(self.kid.clone());
        jwk.common.key_algorithm = Some(KeyAlgorithm::RS256);
        jwk
    }

    /// The default claims: `iss`, `aud`, `sub` = `alice`, `iat`, `exp` in 10 minutes, `scope`.
    pub fn claims<I, S>(&self, scopes: I) -> Map<String, Value>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let scope: Vec<String> = scopes.into_iter().map(|s| s.as_ref().to_owned()).collect();
        let now = now_secs();
        let Value::Object(map) = json!({
            "iss": self.issuer,
            "aud": self.audience,
            "sub": "alice",
            "iat": now,
            "exp": now + 600,
            "scope": scope.join(" "),
        }) else {
            unreachable!("a literal object")
        };
        map
    }

    /// A token with the default claims and `scopes`.
    pub fn token<I, S>(&self, scopes: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.sign(&self.claims(scopes))
    }

    /// Signs `claims` as they are (RS256, this issuer's `kid`).
    ///
    /// # Panics
    ///
    /// Never for JSON objects.
    pub fn sign(&self, claims: &Map<String, Value>) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        self.sign_with(&header, claims)
    }

    /// Signs `claims` with a custom header (its `alg` must be RS256 for the signature to
    /// verify).
    ///
    /// # Panics
    ///
    /// Never for JSON objects and RSA algorithms.
    pub fn sign_with(&self, header: &Header, claims: &Map<String, Value>) -> String {
        jsonwebtoken::encode(header, claims, &self.encoding_key()).expect("signs")
    }

    /// The public key as PEM (`SubjectPublicKeyInfo`), for static-key configurations.
    pub fn public_pem(&self) -> &'static str {
        if self.pem == RSA1 {
            include_str!("testing_keys/rsa1.pub.pem")
        } else {
            include_str!("testing_keys/rsa2.pub.pem")
        }
    }
}

/// The JWKS JSON of `issuers`' keys.
///
/// # Panics
///
/// Never.
pub fn jwks_json(issuers: &[&TestIssuer]) -> String {
    let set = JwkSet {
        keys: issuers.iter().map(|i| i.jwk()).collect(),
    };
    serde_json::to_string(&set).expect("serialisable")
}

/// A new API key `<prefix>_<id>_<secret>` and its record (see [`crate::api_key::generate`]).
pub fn api_key(prefix: &str, id: &str, pepper: &[u8]) -> (String, crate::KeyRecord) {
    crate::api_key::generate(prefix, id, pepper)
}

struct JwksState {
    body: RwLock<String>,
    hits: AtomicUsize,
    down: AtomicBool,
    delay: RwLock<Duration>,
}

/// A JWKS endpoint on `127.0.0.1:0` whose body, availability and latency tests control.
#[derive(Clone)]
pub struct JwksServer {
    addr: SocketAddr,
    state: Arc<JwksState>,
}

impl std::fmt::Debug for JwksServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwksServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl JwksServer {
    /// Starts serving `body` at `/jwks.json`.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub async fn start(body: impl Into<String>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds a loopback port");
        let addr = listener.local_addr().expect("has an address");
        let state = Arc::new(JwksState {
            body: RwLock::new(body.into()),
            hits: AtomicUsize::new(0),
            down: AtomicBool::new(false),
            delay: RwLock::new(Duration::ZERO),
        });
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |_req: Request<Incoming>| {
                        let state = state.clone();
                        async move {
                            state.hits.fetch_add(1, Ordering::SeqCst);
                            let delay = *state.delay.read().await;
                            tokio::time::sleep(delay).await;
                            let mut r = if state.down.load(Ordering::SeqCst) {
                                Response::new(Full::new(Bytes::from_static(b"down")))
                            } else {
                                Response::new(Full::new(Bytes::from(
                                    state.body.read().await.clone(),
                                )))
                            };
                            if state.down.load(Ordering::SeqCst) {
                                *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                            }
                            Ok::<_, std::convert::Infallible>(r)
                        }
                    });
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { addr, state }
    }

    /// The URL of the key set.
    pub fn url(&self) -> String {
        format!("http://{}/jwks.json", self.addr)
    }

    /// How many requests were served.
    pub fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    /// Replaces the body.
    pub async fn set_body(&self, body: impl Into<String>) {
        *self.state.body.write().await = body.into();
    }

    /// Answers 503 while `down`.
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    /// Delays every answer.
    pub async fn set_delay(&self, delay: Duration) {
        *self.state.delay.write().await = delay;
    }
}
