//! A16-A18: the JWKS cache (rotation, kid floods, outages) over a real JWKS endpoint.

use std::time::Duration;

use http::StatusCode;
use mcp_auth::testing::{JwksServer, jwks_json};
use mcp_auth::{BearerAuthLayer, Jwks, JwtVerifier};
use serde_json::json;

use crate::support::{Harness, ISSUER, RESOURCE, assert_invalid, claims, issuer, metadata};

fn verifier(jwks: Jwks) -> JwtVerifier {
    JwtVerifier::jwks(jwks)
        .issuer(ISSUER)
        .audience(RESOURCE)
        .tenant_claim("tid")
}

async fn start(jwks: Jwks) -> Harness {
    Harness::start(BearerAuthLayer::new(verifier(jwks)).metadata(metadata())).await
}

#[tokio::test]
async fn a16_rotation_refreshes_once_on_unknown_kid() {
    let server = JwksServer::start(jwks_json(&[&issuer()])).await;
    let jwks = Jwks::url(&server.url())
        .expect("url")
        .min_refresh_interval(Duration::ZERO);
    let h = start(jwks).await;
    let old = issuer().sign(&claims(&["mcp:read"]));
    assert_eq!(
        h.call(Some(&old), "whoami", json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(server.hits(), 1);
    // The IdP rotates: the new key appears in the set.
    let rotated = issuer().rotated();
    server.set_body(jwks_json(&[&issuer(), &rotated])).await;
    let new = rotated.sign(&claims(&["mcp:read"]));
    assert_eq!(
        h.call(Some(&new), "whoami", json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(server.hits(), 2);
    // Both keys are cached now.
    assert_eq!(
        h.call(Some(&old), "whoami", json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        h.call(Some(&new), "whoami", json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a17_random_kid_flood_fetches_at_most_once_per_interval() {
    let server = JwksServer::start(jwks_json(&[&issuer()])).await;
    let jwks = Jwks::url(&server.url())
        .expect("url")
        .min_refresh_interval(Duration::from_mins(1));
    let h = std::sync::Arc::new(start(jwks).await);
    let ok = issuer().sign(&claims(&["mcp:read"]));
    assert_eq!(
        h.call(Some(&ok), "whoami", json!({})).await.status,
        StatusCode::OK
    );
    let mut tasks = Vec::new();
    for i in 0..40 {
        let h = h.clone();
        tasks.push(tokio::spawn(async move {
            let t = issuer()
                .with_kid(format!("random-{i}"))
                .sign(&claims(&["mcp:read"]));
            h.call(Some(&t), "whoami", json!({})).await
        }));
    }
    for t in tasks {
        assert_invalid(&t.await.expect("task"));
    }
    assert!(server.hits() <= 2, "{} fetches", server.hits());
}

#[tokio::test]
async fn a18_stale_keys_survive_an_outage_and_nothing_fails_open() {
    let server = JwksServer::start(jwks_json(&[&issuer()])).await;
    let jwks = Jwks::url(&server.url())
        .expect("url")
        .ttl(Duration::ZERO)
        .min_refresh_interval(Duration::ZERO);
    let h = start(jwks).await;
    let t = issuer().sign(&claims(&["mcp:read"]));
    assert_eq!(
        h.call(Some(&t), "whoami", json!({})).await.status,
        StatusCode::OK
    );
    server.set_down(true);
    // Every key lookup tries to refresh (TTL 0) and fails; the cached key keeps working. (A
    // new token, since a token already verified is not checked against the keys again.)
    let fresh = issuer().sign(&claims(&["mcp:read", "mcp:other"]));
    assert_eq!(
        h.call(Some(&fresh), "whoami", json!({})).await.status,
        StatusCode::OK
    );
    assert!(server.hits() >= 2);
    // Unknown keys are still refused while down.
    let other = issuer().rotated().sign(&claims(&["mcp:read"]));
    assert_invalid(&h.call(Some(&other), "whoami", json!({})).await);
}

#[tokio::test]
async fn a18_endpoint_down_from_the_start_denies() {
    let server = JwksServer::start(jwks_json(&[&issuer()])).await;
    server.set_down(true);
    let h = start(Jwks::url(&server.url()).expect("url")).await;
    let t = issuer().sign(&claims(&["mcp:read"]));
    assert_invalid(&h.call(Some(&t), "whoami", json!({})).await);
}

#[tokio::test]
async fn a18_oversized_and_slow_key_sets_are_abandoned() {
    let server = JwksServer::start(format!(
        "{{\"keys\":[], \"pad\": \"{}\"}}",
        "x".repeat(100_000)
    ))
    .await;
    let h = start(Jwks::url(&server.url()).expect("url")).await;
    let t = issuer().sign(&claims(&["mcp:read"]));
    assert_invalid(&h.call(Some(&t), "whoami", json!({})).await);

    let slow = JwksServer::start(jwks_json(&[&issuer()])).await;
    slow.set_delay(Duration::from_secs(10)).await;
    let jwks = Jwks::url(&slow.url())
        .expect("url")
        .fetch_timeout(Duration::from_millis(300));
    let h = start(jwks).await;
    let started = std::time::Instant::now();
    assert_invalid(&h.call(Some(&t), "whoami", json!({})).await);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn static_jwks_file() {
    let dir = std::env::temp_dir().join(format!("mcp-auth-jwks-{}", std::process::id()));
    std::fs::write(&dir, jwks_json(&[&issuer()])).expect("writes");
    let h = start(Jwks::from_file(&dir).expect("reads")).await;
    let t = issuer().sign(&claims(&["mcp:read"]));
    assert_eq!(
        h.call(Some(&t), "whoami", json!({})).await.status,
        StatusCode::OK
    );
    let _ = std::fs::remove_file(dir);
}
