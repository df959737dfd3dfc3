//! A24: opaque tokens by RFC 7662 introspection.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use mcp_auth::{BearerAuthLayer, Introspection};
use serde_json::{Value, json};

use crate::support::{Harness, RESOURCE, assert_invalid, metadata};

/// An introspection endpoint answering by token value; counts requests.
async fn endpoint() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let url = format!("http://{}/introspect", listener.local_addr().expect("addr"));
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let counter = counter.clone();
                    async move {
                        counter.fetch_add(1, Ordering::SeqCst);
                        assert!(
                            req.headers()["authorization"]
                                .to_str()
                                .expect("ascii")
                                .starts_with("Basic ")
                        );
                        let body = req.into_body().collect().await.expect("body").to_bytes();
                        let form = String::from_utf8_lossy(&body).to_string();
                        let token = form
                            .split('&')
                            .find_map(|p| p.strip_prefix("token="))
                            .unwrap_or_default()
                            .to_owned();
                        let exp = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .expect("time")
                            .as_secs()
                            + 600;
                        let (status, answer) = match token.as_str() {
                            "good" => (
                                200,
                                json!({"active": true, "sub": "svc", "aud": RESOURCE, "scope": "mcp:read", "exp": exp}),
                            ),
                            "foreign" => (
                                200,
                                json!({"active": true, "sub": "svc", "aud": "https://other.example.com/mcp", "exp": exp}),
                            ),
                            "slow" => {
                                tokio::time::sleep(Duration::from_secs(5)).await;
                                (200, json!({"active": true}))
                            }
                            "broken" => (500, json!({})),
                            _ => (200, json!({"active": false})),
                        };
                        let mut r = Response::new(Full::new(Bytes::from(answer.to_string())));
                        *r.status_mut() = StatusCode::from_u16(status).expect("status");
                        Ok::<_, std::convert::Infallible>(r)
                    }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    (url, hits)
}

async fn harness() -> (Harness, Arc<AtomicUsize>) {
    let (url, hits) = endpoint().await;
    let verifier = Introspection::new(&url, "mcp", "secret")
        .expect("loopback url")
        .audience(RESOURCE)
        .timeout(Duration::from_millis(500));
    // Opaque tokens carry no tenant: a scope-only policy.
    let policy = mcp_auth::ScopePolicy::new().baseline(["mcp:read"]);
    let layer = BearerAuthLayer::new(verifier).metadata(metadata());
    (Harness::start_with(layer, policy).await, hits)
}

#[tokio::test]
async fn a24_active_token_is_accepted_and_cached() {
    let (h, hits) = harness().await;
    let a = h.call(Some("good"), "whoami", json!({})).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    let who: Value = serde_json::from_str(&a.text()).expect("json");
    assert_eq!(who["method"], "Introspection");
    assert_eq!(
        h.call(Some("good"), "whoami", json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "second call served from the cache"
    );
}

#[tokio::test]
async fn a24_inactive_and_foreign_audience_are_401() {
    let (h, hits) = harness().await;
    assert_invalid(&h.call(Some("revoked"), "whoami", json!({})).await);
    assert_invalid(&h.call(Some("revoked"), "whoami", json!({})).await);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "negative answers are not cached"
    );
    assert_invalid(&h.call(Some("foreign"), "whoami", json!({})).await);
    assert_eq!(h.runs.get(), 0);
}

#[tokio::test]
async fn a24_outage_is_503_with_retry_after() {
    let (h, _hits) = harness().await;
    for token in ["slow", "broken"] {
        let a = h.call(Some(token), "whoami", json!({})).await;
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{a:?}");
        assert!(a.headers.contains_key("retry-after"));
        assert_eq!(a.json()["error"], "temporarily_unavailable");
    }
    assert_eq!(h.runs.get(), 0);
}
