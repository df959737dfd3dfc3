//! §4.8 A80-A83: API keys.

use std::time::{Duration, SystemTime};

use http::{HeaderName, StatusCode};
use mcp_auth::testing::{JwksServer, api_key, jwks_json};
use mcp_auth::{ApiKeyVerifier, BearerAuthLayer, MemoryKeyStore, Verifiers};
use serde_json::{Value, json};

use crate::support::{Harness, assert_invalid, assert_missing, issuer, metadata, token};

const PEPPER: &[u8] = b"test pepper";

async fn harness(store: &MemoryKeyStore) -> (Harness, JwksServer) {
    let jwks = JwksServer::start(jwks_json(&[&issuer()])).await;
    let keys = ApiKeyVerifier::new("mcp", store.clone(), PEPPER.to_vec());
    let layer = BearerAuthLayer::new(
        Verifiers::any()
            .with(crate::jwt::verifier(&jwks))
            .with(keys),
    )
    .metadata(metadata())
    .strip_header(HeaderName::from_static("x-api-key"));
    (Harness::start(layer).await, jwks)
}

fn key(store: &MemoryKeyStore, id: &str, scopes: &[&str]) -> String {
    let (key, record) = api_key("mcp", id, PEPPER);
    store.insert(record.tenant("t1").scopes(scopes.iter().copied()));
    key
}

#[tokio::test]
async fn keys_by_header_or_bearer_and_never_shown_to_handlers() {
    let store = MemoryKeyStore::new();
    let (h, _jwks) = harness(&store).await;
    let k = key(&store, "svc1", &["mcp:read"]);
    let a = h.call_with(&[("x-api-key", &k)], "whoami", json!({})).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    let who: Value = serde_json::from_str(&a.text()).expect("json");
    assert_eq!(who["subject"], "key:svc1");
    assert_eq!(who["method"], "ApiKey");
    assert!(
        !who["headers"]
            .as_array()
            .expect("list")
            .iter()
            .any(|h| h == "x-api-key")
    );
    let a = h.call(Some(&k), "whoami", json!({})).await;
    assert_eq!(a.status, StatusCode::OK);
    // JWTs still work next to keys.
    assert_eq!(
        h.call(Some(&token(&["mcp:read"])), "whoami", json!({}))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a80_unknown_id_and_wrong_secret_are_identical() {
    let store = MemoryKeyStore::new();
    let (h, _jwks) = harness(&store).await;
    let k = key(&store, "svc1", &["mcp:read"]);
    let unknown = k.replace("_svc1_", "_svc9_");
    let mut wrong = k.clone();
    wrong.pop();
    wrong.push('Z');
    let a = h
        .call_with(&[("x-api-key", &unknown)], "whoami", json!({}))
        .await;
    let b = h
        .call_with(&[("x-api-key", &wrong)], "whoami", json!({}))
        .await;
    assert_invalid(&a);
    assert_invalid(&b);
    assert_eq!((a.challenge(), &a.body), (b.challenge(), &b.body));
}

#[tokio::test]
async fn a81_store_holds_no_secret() {
    let store = MemoryKeyStore::new();
    let k = key(&store, "svc1", &["mcp:read"]);
    let secret = k.rsplit('_').next().expect("secret");
    let dump = format!("{store:?}");
    assert!(dump.contains("svc1") && !dump.contains(secret));
}

#[tokio::test]
async fn a82_keys_in_query_or_unprefixed_bearer_are_refused() {
    let store = MemoryKeyStore::new();
    let (h, _jwks) = harness(&store).await;
    let k = key(&store, "svc1", &["mcp:read"]);
    let (b, body) = h.request(
        "tools/call",
        Some("whoami"),
        json!({"name": "whoami", "arguments": {}}),
    );
    let b = b.uri(format!("{}/mcp?api_key={k}&x-api-key={k}", h.base));
    assert_missing(
        &h.send(b.body(http_body_util::Full::new(body)).expect("request"))
            .await,
    );
    let secret = k.rsplit('_').next().expect("secret");
    assert_invalid(&h.call(Some(secret), "whoami", json!({})).await);
    assert_invalid(
        &h.call(Some(&k.replacen("mcp_", "other_", 1)), "whoami", json!({}))
            .await,
    );
}

#[tokio::test]
async fn a83_revoked_expired_foreign_tenant_and_missing_scope() {
    let store = MemoryKeyStore::new();
    let (h, _jwks) = harness(&store).await;
    let k = key(&store, "svc1", &["mcp:read"]);
    assert_eq!(
        h.call_with(&[("x-api-key", &k)], "whoami", json!({}))
            .await
            .status,
        StatusCode::OK
    );
    // A36: revoked between two calls: the next call fails.
    store.revoke("svc1");
    assert_invalid(&h.call_with(&[("x-api-key", &k)], "whoami", json!({})).await);
    let (expired, record) = api_key("mcp", "old", PEPPER);
    store.insert(
        record
            .tenant("t1")
            .expires_at(SystemTime::now() - Duration::from_secs(1)),
    );
    assert_invalid(
        &h.call_with(&[("x-api-key", &expired)], "whoami", json!({}))
            .await,
    );
    // Tenant A's key naming tenant B: denied in-band.
    let k2 = key(&store, "svc2", &["mcp:read"]);
    let a = h
        .call_with(&[("x-api-key", &k2)], "whoami", json!({"tenant_id": "t2"}))
        .await;
    assert_eq!(a.json()["error"]["code"], -31003);
    // A key without the tool's scope: 403 step-up.
    let a = h
        .call_with(&[("x-api-key", &k2)], "write_file", json!({}))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(h.runs.get(), 1);
}

#[tokio::test]
async fn ar37_two_credentials_for_different_principals() {
    let store = MemoryKeyStore::new();
    let (h, _jwks) = harness(&store).await;
    let k = key(&store, "svc1", &["mcp:read"]);
    let bearer = format!("Bearer {}", token(&["mcp:read"]));
    let a = h
        .call_with(
            &[("x-api-key", &k), ("authorization", &bearer)],
            "whoami",
            json!({}),
        )
        .await;
    assert_invalid(&a);
    assert_eq!(h.runs.get(), 0);
}
