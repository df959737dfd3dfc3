//! AR-01..AR-05: the RFC 9728 document and the challenge that points at it.

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::Full;
use serde_json::json;

use crate::support::{ISSUER, METADATA_URL, RESOURCE};

fn get(h: &crate::support::Harness, method: Method, path: &str) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(format!("{}{path}", h.base))
        .header("host", "evil.example")
        .body(Full::new(Bytes::new()))
        .expect("request")
}

#[tokio::test]
async fn document_is_served_unauthenticated_at_both_forms() {
    let (h, _jwks) = crate::jwt::harness().await;
    let expected = json!({
        "resource": RESOURCE,
        "authorization_servers": [ISSUER],
        "scopes_supported": ["mcp:read"],
        "bearer_methods_supported": ["header"],
    });
    for path in [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-protected-resource",
    ] {
        let a = h.send(get(&h, Method::GET, path)).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.headers["content-type"], "application/json");
        assert_eq!(a.headers["access-control-allow-origin"], "*");
        assert!(
            a.headers["cache-control"]
                .to_str()
                .expect("ascii")
                .starts_with("max-age")
        );
        // Built from configuration: a forged Host changes nothing.
        assert_eq!(a.json(), expected);
    }
    // The challenge names exactly the served URL.
    let a = h.call(None, "whoami", json!({})).await;
    assert!(
        a.challenge()
            .contains(&format!("resource_metadata=\"{METADATA_URL}\""))
    );
    assert!(METADATA_URL.ends_with("/.well-known/oauth-protected-resource/mcp"));
}

#[tokio::test]
async fn only_get_head_options() {
    let (h, _jwks) = crate::jwt::harness().await;
    let path = "/.well-known/oauth-protected-resource/mcp";
    let a = h.send(get(&h, Method::HEAD, path)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.is_empty());
    let a = h.send(get(&h, Method::OPTIONS, path)).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert_eq!(a.headers["access-control-allow-origin"], "*");
    for m in [Method::POST, Method::PUT, Method::DELETE] {
        let a = h.send(get(&h, m, path)).await;
        assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(a.headers["allow"], "GET, HEAD, OPTIONS");
    }
}
