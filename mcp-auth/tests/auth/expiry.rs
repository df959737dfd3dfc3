//! A37: a listen stream lives no longer than the token that opened it.

use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use mcp_auth::{BearerAuthLayer, JwtVerifier};
use serde_json::json;

use crate::support::{Harness, ISSUER, RESOURCE, claims, issuer, metadata};

#[tokio::test]
async fn a37_listen_stream_ends_when_the_token_expires() {
    let verifier = JwtVerifier::rsa_pem(issuer().public_pem().as_bytes())
        .expect("pem")
        .issuer(ISSUER)
        .audience(RESOURCE)
        .tenant_claim("tid");
    let h = Harness::start(BearerAuthLayer::new(verifier).metadata(metadata())).await;
    let mut c = claims(&["mcp:read"]);
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        + 2;
    c.insert("exp".into(), json!(exp));
    let token = issuer().sign(&c);

    let (b, body) = h.request(
        "subscriptions/listen",
        None,
        json!({"notifications": {"toolsListChanged": true}}),
    );
    let request = b
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(body))
        .expect("request");
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let response = client.request(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let mut text = String::new();
    // The stream ends by itself (bounded wait), with the listen request's final result.
    while let Some(frame) = tokio::time::timeout(Duration::from_secs(20), body.frame())
        .await
        .expect("the stream ends once the token expires")
    {
        if let Ok(data) = frame.expect("frame").into_data() {
            text.push_str(std::str::from_utf8(&data).expect("utf8"));
        }
    }
    assert!(text.contains("acknowledged"), "{text}");
    assert!(text.contains("\"id\":1"), "no final result: {text}");
    assert!(text.contains("\"resultType\":\"complete\""), "{text}");
}
