//! A17: the per-client-IP limiter of failed authentications in front of the verifier.

use std::time::Duration;

use http::StatusCode;
use mcp_auth::testing::{JwksServer, jwks_json};
use mcp_auth::{BearerAuthLayer, ForwardedIdentity, Jwks, JwtVerifier};
use serde_json::json;

use crate::support::{Harness, ISSUER, RESOURCE, claims, issuer, metadata};

#[tokio::test]
async fn a17_failure_flood_gets_429_per_ip_and_jwks_is_fetched_once() {
    let server = JwksServer::start(jwks_json(&[&issuer()])).await;
    let jwks = Jwks::url(&server.url())
        .expect("url")
        .min_refresh_interval(Duration::from_mins(1));
    let verifier = JwtVerifier::jwks(jwks)
        .issuer(ISSUER)
        .audience(RESOURCE)
        .tenant_claim("tid");
    let layer = BearerAuthLayer::new(verifier)
        .metadata(metadata())
        .failure_limit(5, Duration::from_mins(1))
        .failure_limit_client_ip(ForwardedIdentity::new(["127.0.0.1/32"
            .parse()
            .expect("cidr")]));
    let h = Harness::start(layer).await;
    let good = issuer().sign(&claims(&["mcp:read"]));

    // Successes never count.
    for _ in 0..10 {
        assert_eq!(
            h.call(Some(&good), "whoami", json!({})).await.status,
            StatusCode::OK
        );
    }
    // A flood of random kids from 127.0.0.1: a few 401s, then 429 with Retry-After.
    let mut statuses = Vec::new();
    for i in 0..30 {
        let t = issuer()
            .with_kid(format!("random-{i}"))
            .sign(&claims(&["mcp:read"]));
        let a = h.call(Some(&t), "whoami", json!({})).await;
        if a.status == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = a.headers["retry-after"]
                .to_str()
                .expect("ascii")
                .parse()
                .expect("seconds");
            assert!((1..=60).contains(&retry), "Retry-After {retry}");
            assert_eq!(a.json()["error"], "too_many_requests");
        } else {
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{a:?}");
        }
        statuses.push(a.status);
    }
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(limited, 25, "{statuses:?}");
    assert!(server.hits() <= 2, "{} JWKS fetches", server.hits());

    // Once limited, the address is refused even with a valid token until the window passes.
    assert_eq!(
        h.call(Some(&good), "whoami", json!({})).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client (behind the trusted proxy) is unaffected.
    let other = h
        .call_with(
            &[
                ("authorization", &format!("Bearer {good}")),
                ("x-forwarded-for", "203.0.113.9"),
            ],
            "whoami",
            json!({}),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK, "{other:?}");
    // Missing credentials are not failures: a new client may ask for the challenge freely.
    for _ in 0..10 {
        let a = h
            .call_with(&[("x-forwarded-for", "198.51.100.7")], "whoami", json!({}))
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
}
