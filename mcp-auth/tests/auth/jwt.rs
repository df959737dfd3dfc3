//! §4.1 credentials and tokens: JWT bearer validation end to end.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::StatusCode;
use http_body_util::Full;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mcp_auth::testing::{JwksServer, jwks_json};
use mcp_auth::{BearerAuthLayer, Jwks, JwtVerifier};
use serde_json::{Value, json};

use crate::support::{
    Harness, ISSUER, RESOURCE, assert_invalid, assert_missing, claims, issuer, metadata, token,
};

pub(crate) fn verifier(jwks: &JwksServer) -> JwtVerifier {
    JwtVerifier::jwks(Jwks::url(&jwks.url()).expect("loopback url"))
        .issuer(ISSUER)
        .audience(RESOURCE)
        .tenant_claim("tid")
}

pub(crate) async fn harness() -> (Harness, JwksServer) {
    let jwks = JwksServer::start(jwks_json(&[&issuer()])).await;
    let layer = BearerAuthLayer::new(verifier(&jwks)).metadata(metadata());
    (Harness::start(layer).await, jwks)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

fn with(mut c: serde_json::Map<String, Value>, key: &str, value: Value) -> String {
    c.insert(key.into(), value);
    issuer().sign(&c)
}

fn without(mut c: serde_json::Map<String, Value>, key: &str) -> String {
    c.remove(key);
    issuer().sign(&c)
}

#[tokio::test]
async fn happy_path_principal_and_no_token_passthrough_a26() {
    let (h, _jwks) = harness().await;
    let a = h
        .call(Some(&token(&["mcp:read"])), "whoami", json!({}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    let who: Value = serde_json::from_str(&a.text()).expect("json");
    assert_eq!(who["subject"], "alice");
    assert_eq!(who["tenant"], "t1");
    assert_eq!(who["method"], "Jwt");
    // The raw token never reaches handlers.
    let headers = who["headers"].as_array().expect("headers");
    assert!(!headers.iter().any(|h| h == "authorization"), "{headers:?}");
    let a = h
        .call(Some(&token(&["mcp:read", "mcp:echo"])), "echo", json!({}))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.text(), "ran");
}

#[tokio::test]
async fn a01_no_authorization_header() {
    let (h, _jwks) = harness().await;
    let a = h.call(None, "echo", json!({})).await;
    assert_missing(&a);
    assert_eq!(h.runs.get(), 0);
}

#[tokio::test]
async fn a02_malformed_authorization() {
    let (h, _jwks) = harness().await;
    for value in [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer a b",
        "Bearer not-a-jwt",
    ] {
        let a = h
            .call_with(&[("authorization", value)], "echo", json!({}))
            .await;
        assert_invalid(&a);
    }
    let t = token(&["mcp:read"]);
    let bearer = format!("Bearer {t}");
    let a = h
        .call_with(
            &[("authorization", &bearer), ("authorization", &bearer)],
            "whoami",
            json!({}),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.challenge()
            .starts_with("Bearer error=\"invalid_request\"")
    );
    assert_eq!(h.runs.get(), 0);
}

#[tokio::test]
async fn a03_alg_none() {
    let (h, _jwks) = harness().await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"test-key-1"}"#);
    let body = URL_SAFE_NO_PAD.encode(Value::Object(claims(&["mcp:read"])).to_string());
    assert_invalid(
        &h.call(Some(&format!("{header}.{body}.")), "whoami", json!({}))
            .await,
    );
}

#[tokio::test]
async fn a04_key_confusion_hs256_with_the_rsa_public_key() {
    let (h, _jwks) = harness().await;
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("test-key-1".into());
    let forged = jsonwebtoken::encode(
        &header,
        &claims(&["mcp:read"]),
        &EncodingKey::from_secret(issuer().public_pem().as_bytes()),
    )
    .expect("signs");
    assert_invalid(&h.call(Some(&forged), "whoami", json!({})).await);
}

#[tokio::test]
async fn a05_altered_or_foreign_signature() {
    let (h, _jwks) = harness().await;
    let t = token(&["mcp:read"]);
    let (head, sig) = t.rsplit_once('.').expect("three parts");
    let mut bytes = URL_SAFE_NO_PAD.decode(sig).expect("b64");
    bytes[0] ^= 1;
    let altered = format!("{head}.{}", URL_SAFE_NO_PAD.encode(bytes));
    assert_invalid(&h.call(Some(&altered), "whoami", json!({})).await);
    // Signed by another key under the trusted kid.
    let other = issuer().rotated().with_kid("test-key-1");
    let foreign = other.sign(&claims(&["mcp:read"]));
    assert_invalid(&h.call(Some(&foreign), "whoami", json!({})).await);
    // Payload swapped onto a valid signature.
    let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
    let mut c = claims(&["mcp:read", "files:admin"]);
    c.insert("sub".into(), json!("admin"));
    parts[1] = URL_SAFE_NO_PAD.encode(Value::Object(c).to_string());
    assert_invalid(&h.call(Some(&parts.join(".")), "whoami", json!({})).await);
}

#[tokio::test]
async fn a06_expiry_with_30s_leeway() {
    let (h, _jwks) = harness().await;
    let past = with(claims(&["mcp:read"]), "exp", json!(now() - 31));
    assert_invalid(&h.call(Some(&past), "whoami", json!({})).await);
    let within = with(claims(&["mcp:read"]), "exp", json!(now() - 25));
    assert_eq!(
        h.call(Some(&within), "whoami", json!({})).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a07_a11_required_claims() {
    let (h, _jwks) = harness().await;
    for claim in ["exp", "aud", "iss", "sub", "tid"] {
        let t = without(claims(&["mcp:read"]), claim);
        assert_invalid(&h.call(Some(&t), "whoami", json!({})).await);
    }
    assert_eq!(h.runs.get(), 0);
}

#[tokio::test]
async fn a08_nbf_in_the_future() {
    let (h, _jwks) = harness().await;
    let t = with(claims(&["mcp:read"]), "nbf", json!(now() + 3600));
    assert_invalid(&h.call(Some(&t), "whoami", json!({})).await);
}

#[tokio::test]
async fn a09_type_confused_dates() {
    let (h, _jwks) = harness().await;
    for exp in [
        json!("99999999999"),
        json!(-1),
        json!(1.5),
        json!(null),
        json!([1]),
    ] {
        let t = with(claims(&["mcp:read"]), "exp", exp.clone());
        assert_invalid(&h.call(Some(&t), "whoami", json!({})).await);
    }
    let t = with(claims(&["mcp:read"]), "nbf", json!("1"));
    assert_invalid(&h.call(Some(&t), "whoami", json!({})).await);
}

#[tokio::test]
async fn a10_issuer_is_exact() {
    let (h, _jwks) = harness().await;
    for iss in [
        "https://evil.example.com",
        "https://as.example.com/",
        "https://AS.example.com",
        "",
    ] {
        let t = with(claims(&["mcp:read"]), "iss", json!(iss));
        assert_invalid(&h.call(Some(&t), "whoami", json!({})).await);
    }
}

#[tokio::test]
async fn a12_a23_audience_is_exact_and_never_from_host() {
    let (h, _jwks) = harness().await;
    let host_derived = format!("{}/mcp", h.base.replace("http://", "https://"));
    for aud in [
        json!("https://other.example.com/mcp"),
        json!("https://mcp.example.com/mcp-other"),
        json!("https://mcp.example.com.evil.io/mcp"),
        json!("https://mcp.example.com"),
        json!(host_derived),
        json!(h.base.clone() + "/mcp"),
        json!([]),
    ] {
        let t = with(claims(&["mcp:read"]), "aud", aud.clone());
        assert_invalid(&h.call(Some(&t), "whoami", json!({})).await);
    }
    // A list containing the resource is fine.
    let t = with(
        claims(&["mcp:read"]),
        "aud",
        json!(["https://other.example.com", RESOURCE]),
    );
    assert_eq!(
        h.call(Some(&t), "whoami", json!({})).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a15_id_token_as_access_token() {
    let jwks = JwksServer::start(jwks_json(&[&issuer()])).await;
    let typed = verifier(&jwks).require_typ(["at+jwt", "application/at+jwt"]);
    let h = Harness::start(BearerAuthLayer::new(typed).metadata(metadata())).await;
    // An ID token: typ JWT, aud = the client id.
    let mut c = claims(&["mcp:read"]);
    c.insert("aud".into(), json!("client-123"));
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("test-key-1".into());
    header.typ = Some("JWT".into());
    assert_invalid(
        &h.call(Some(&issuer().sign_with(&header, &c)), "whoami", json!({}))
            .await,
    );
    // Right audience but typ JWT: still refused when typ is pinned.
    assert_invalid(
        &h.call(
            Some(&issuer().sign_with(&header, &claims(&["mcp:read"]))),
            "whoami",
            json!({}),
        )
        .await,
    );
    header.typ = Some("at+jwt".into());
    let ok = issuer().sign_with(&header, &claims(&["mcp:read"]));
    assert_eq!(
        h.call(Some(&ok), "whoami", json!({})).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn crit_rejected_and_jku_ignored() {
    let (h, _jwks) = harness().await;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("test-key-1".into());
    header.crit = Some(vec!["x-custom".into()]);
    assert_invalid(
        &h.call(
            Some(&issuer().sign_with(&header, &claims(&["mcp:read"]))),
            "whoami",
            json!({}),
        )
        .await,
    );
    // An attacker's key advertised through jku/jwk headers is never fetched or used.
    let attacker = issuer().rotated();
    let evil = JwksServer::start(jwks_json(&[&attacker])).await;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("test-key-2".into());
    header.jku = Some(evil.url());
    header.jwk = Some(attacker.jwk());
    let forged = attacker.sign_with(&header, &claims(&["mcp:read"]));
    assert_invalid(&h.call(Some(&forged), "whoami", json!({})).await);
    assert_eq!(evil.hits(), 0);
}

#[tokio::test]
async fn a21_oversized_token_rejected_before_crypto() {
    let (h, jwks) = harness().await;
    let big = format!("{}.{}.{}", "a".repeat(50_000), "b".repeat(50_000), "c");
    let a = h.call(Some(&big), "whoami", json!({})).await;
    assert!(
        a.status == StatusCode::UNAUTHORIZED
            || a.status == StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "{a:?}"
    );
    if a.status == StatusCode::UNAUTHORIZED {
        assert_invalid(&a);
    }
    assert_eq!(jwks.hits(), 0, "no key lookup for an oversized token");
}

#[tokio::test]
async fn a22_token_in_query_string() {
    let (h, _jwks) = harness().await;
    let t = token(&["mcp:read"]);
    let (b, body) = h.request(
        "tools/call",
        Some("whoami"),
        json!({"name": "whoami", "arguments": {}}),
    );
    let b = b.uri(format!("{}/mcp?access_token={t}", h.base));
    assert_missing(
        &h.send(b.body(Full::new(body.clone())).expect("request"))
            .await,
    );
    // AR-11: a token by two methods is a malformed request.
    let (b, _) = h.request("tools/call", Some("whoami"), json!({}));
    let b = b
        .uri(format!("{}/mcp?access_token={t}", h.base))
        .header("authorization", format!("Bearer {t}"));
    let a = h.send(b.body(Full::new(body)).expect("request")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(h.runs.get(), 0);
}

#[tokio::test]
async fn every_invalid_reason_has_one_response_shape() {
    let (h, _jwks) = harness().await;
    let reasons = [
        "garbage.garbage.garbage".to_owned(),
        with(claims(&["mcp:read"]), "exp", json!(now() - 3600)),
        with(claims(&["mcp:read"]), "aud", json!("https://x")),
        with(claims(&["mcp:read"]), "iss", json!("https://x")),
        issuer().with_kid("unknown").sign(&claims(&["mcp:read"])),
    ];
    let mut seen = Vec::new();
    for t in &reasons {
        let a = h.call(Some(t), "whoami", json!({})).await;
        assert_invalid(&a);
        seen.push((a.challenge().to_owned(), a.body.clone()));
    }
    seen.dedup();
    assert_eq!(seen.len(), 1);
    let _ = Bytes::new();
}

#[tokio::test]
async fn static_keys_work_too() {
    let verifier = JwtVerifier::rsa_pem(issuer().public_pem().as_bytes())
        .expect("pem")
        .issuer(ISSUER)
        .audience(RESOURCE);
    let h = Harness::start(BearerAuthLayer::new(verifier)).await;
    let a = h
        .call(Some(&token(&["mcp:read"])), "whoami", json!({}))
        .await;
    // The default policy has a tenant guard; the token has a tid claim (no tenant_claim set
    // here, so the principal has no tenant): in-band denial, not an auth failure.
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["error"]["code"], -31003);
    // Metadata defaults from the verifier (audience + issuer).
    let a = h
        .send(
            http::Request::get(format!(
                "{}/.well-known/oauth-protected-resource/mcp",
                h.base
            ))
            .body(Full::new(Bytes::new()))
            .expect("request"),
        )
        .await;
    assert_eq!(a.json()["resource"], RESOURCE);
    assert_eq!(a.json()["authorization_servers"], json!([ISSUER]));
}
