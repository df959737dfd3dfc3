//! §4.8 A90-A91, AR-36/37: identity forwarded by a gateway.

use http::StatusCode;
use mcp_auth::testing::{JwksServer, jwks_json};
use mcp_auth::{BearerAuthLayer, ForwardedIdentity, Verifiers};
use serde_json::{Value, json};

use crate::support::{Harness, assert_invalid, assert_missing, claims, issuer, metadata, token};

async fn harness(gateway: ForwardedIdentity) -> (Harness, JwksServer) {
    let jwks = JwksServer::start(jwks_json(&[&issuer()])).await;
    let layer = BearerAuthLayer::new(
        Verifiers::any()
            .with(crate::jwt::verifier(&jwks))
            .with(gateway),
    )
    .metadata(metadata());
    (Harness::start(layer).await, jwks)
}

fn untrusted() -> ForwardedIdentity {
    ForwardedIdentity::new(["10.0.0.0/8".parse().expect("cidr")])
        .tenant_header("x-mcp-tenant")
        .scopes_header("x-mcp-scopes")
}

fn trusted() -> ForwardedIdentity {
    ForwardedIdentity::new(["127.0.0.0/8".parse().expect("cidr")])
        .tenant_header("x-mcp-tenant")
        .scopes_header("x-mcp-scopes")
}

#[tokio::test]
async fn a90_identity_headers_from_untrusted_peers_are_ignored_and_stripped() {
    let (h, _jwks) = harness(untrusted()).await;
    let forged = [
        ("x-forwarded-user", "admin"),
        ("x-mcp-tenant", "t1"),
        ("x-mcp-scopes", "mcp:read"),
    ];
    assert_missing(&h.call_with(&forged, "whoami", json!({})).await);
    // With a valid token the forged headers never reach the handler.
    let bearer = format!("Bearer {}", token(&["mcp:read"]));
    let mut headers = forged.to_vec();
    headers.push(("authorization", &bearer));
    headers.push(("cf-access-jwt-assertion", "forged"));
    let a = h.call_with(&headers, "whoami", json!({})).await;
    let who: Value = serde_json::from_str(&a.text()).expect("json");
    assert_eq!(who["subject"], "alice");
    let seen = who["headers"].as_array().expect("list");
    for header in [
        "x-forwarded-user",
        "x-mcp-tenant",
        "x-mcp-scopes",
        "cf-access-jwt-assertion",
    ] {
        assert!(
            !seen.iter().any(|s| s == header),
            "{header} reached the handler"
        );
    }
}

#[tokio::test]
async fn trusted_gateway_identity_is_accepted() {
    let (h, _jwks) = harness(trusted()).await;
    let headers = [
        ("x-forwarded-user", "svc-gw"),
        ("x-mcp-tenant", "t1"),
        ("x-mcp-scopes", "mcp:read"),
    ];
    let a = h.call_with(&headers, "whoami", json!({})).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    let who: Value = serde_json::from_str(&a.text()).expect("json");
    assert_eq!(who["subject"], "svc-gw");
    assert_eq!(who["method"], "Gateway");
}

#[tokio::test]
async fn ar37_conflicting_bearer_and_gateway_identity() {
    let (h, _jwks) = harness(trusted()).await;
    let bearer = format!("Bearer {}", token(&["mcp:read"]));
    let headers = [
        ("x-forwarded-user", "bob"),
        ("x-mcp-tenant", "t1"),
        ("authorization", &bearer),
    ];
    assert_invalid(&h.call_with(&headers, "whoami", json!({})).await);
    assert_eq!(h.runs.get(), 0);
}

#[tokio::test]
async fn a91_signed_assertion_required() {
    let jwks = JwksServer::start(jwks_json(&[&issuer()])).await;
    let app = "https://app.example.com";
    let assertion_verifier =
        mcp_auth::JwtVerifier::jwks(mcp_auth::Jwks::url(&jwks.url()).expect("url"))
            .issuer(crate::support::ISSUER)
            .audience(app)
            .tenant_claim("tid");
    let gateway = trusted().require_assertion("x-mcp-identity-assertion", assertion_verifier);
    let (h, _jwks2) = harness(gateway).await;
    // Unsigned headers from the trusted proxy are not enough.
    assert_missing(
        &h.call_with(
            &[("x-forwarded-user", "admin"), ("x-mcp-tenant", "t1")],
            "whoami",
            json!({}),
        )
        .await,
    );
    // Wrong audience (an access token for the MCP resource) and expired assertions fail.
    let wrong_aud = token(&["mcp:read"]);
    assert_invalid(
        &h.call_with(
            &[("x-mcp-identity-assertion", &wrong_aud)],
            "whoami",
            json!({}),
        )
        .await,
    );
    let mut c = claims(&["mcp:read"]);
    c.insert("aud".into(), json!(app));
    c.insert("exp".into(), json!(1));
    assert_invalid(
        &h.call_with(
            &[("x-mcp-identity-assertion", &issuer().sign(&c))],
            "whoami",
            json!({}),
        )
        .await,
    );
    c.insert("exp".into(), json!(u64::MAX / 4_000_000_000));
    c.insert("sub".into(), json!("gw-user"));
    let a = h
        .call_with(
            &[("x-mcp-identity-assertion", &issuer().sign(&c))],
            "whoami",
            json!({}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    let who: Value = serde_json::from_str(&a.text()).expect("json");
    assert_eq!(who["subject"], "gw-user");
}
