//! §4.2 authorization, scopes and tenancy, and §4.4 session binding, over HTTP.

use bytes::Bytes;
use http::StatusCode;
use http_body_util::Full;
use serde_json::{Value, json};

use crate::support::{METADATA_URL, claims, issuer, token};

fn step_up(scopes: &str) -> String {
    format!(
        "Bearer error=\"insufficient_scope\", resource_metadata=\"{METADATA_URL}\", scope=\"{scopes}\""
    )
}

#[tokio::test]
async fn a27_scope_shortfall_is_a_403_step_up() {
    let (h, _jwks) = crate::jwt::harness().await;
    let a = h
        .call(Some(&token(&["mcp:read"])), "write_file", json!({}))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{a:?}");
    assert_eq!(a.challenge(), step_up("files:write mcp:read"));
    assert_eq!(a.json()["error"]["code"], -31001);
    assert_eq!(h.runs.get(), 0);
    // Stateless: the same answer again (AR-33).
    let again = h
        .call(Some(&token(&["mcp:read"])), "write_file", json!({}))
        .await;
    assert_eq!(again.challenge(), a.challenge());
    // Without even the baseline scope, listing is a step-up too.
    let (b, body) = h.request("tools/list", None, json!({}));
    let b = b.header("authorization", format!("Bearer {}", token(&[])));
    let a = h.send(b.body(Full::new(body)).expect("request")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.challenge(), step_up("mcp:read"));
}

#[tokio::test]
async fn a28_all_needed_scopes_in_one_challenge() {
    let (h, _jwks) = crate::jwt::harness().await;
    let a = h
        .call(Some(&token(&["mcp:read"])), "two_scopes", json!({}))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.challenge(), step_up("a:x b:y mcp:read"));
    let a = h
        .call(
            Some(&token(&["mcp:read", "a:x", "b:y"])),
            "two_scopes",
            json!({}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn a29_scope_hierarchy() {
    let (h, _jwks) = crate::jwt::harness().await;
    let a = h
        .call(
            Some(&token(&["mcp:read", "files:admin"])),
            "write_file",
            json!({}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    assert_eq!(a.text(), "ran");
}

#[tokio::test]
async fn a30_hidden_tool_answers_like_an_unknown_tool() {
    let (h, _jwks) = crate::jwt::harness().await;
    let t = token(&["mcp:read", "mcp:echo", "files:admin"]);
    let hidden = h.call(Some(&t), "secret_tool", json!({})).await;
    let unknown = h.call(Some(&t), "no_such_tool", json!({})).await;
    assert_eq!(hidden.status, unknown.status);
    let strip = |v: Value| {
        v.to_string()
            .replace("secret_tool", "X")
            .replace("no_such_tool", "X")
    };
    assert_eq!(strip(hidden.json()), strip(unknown.json()));
    assert_eq!(h.runs.get(), 0);
    // And it is not listed.
    let (b, body) = h.request("tools/list", None, json!({}));
    let b = b.header("authorization", format!("Bearer {t}"));
    let list = h
        .send(b.body(Full::new(body)).expect("request"))
        .await
        .json();
    let names: Vec<&str> = list["result"]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(
        names.contains(&"echo") && !names.contains(&"secret_tool"),
        "{names:?}"
    );
}

#[tokio::test]
async fn a31_argument_rule_reveals_nothing() {
    let (h, _jwks) = crate::jwt::harness().await;
    let t = token(&["mcp:read"]);
    let own = h
        .call(Some(&t), "get_invoice", json!({"customer_id": "c1"}))
        .await;
    assert_eq!(own.text(), "ran");
    let other = h
        .call(Some(&t), "get_invoice", json!({"customer_id": "c2"}))
        .await;
    let missing = h
        .call(
            Some(&t),
            "get_invoice",
            json!({"customer_id": "c-nonexistent"}),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(
        other.json()["error"],
        json!({"code": -31003, "message": "not permitted"})
    );
    assert_eq!(other.body, missing.body);
    assert_eq!(h.runs.get(), 1);
}

#[tokio::test]
async fn a32_identity_in_arguments_and_meta_is_ignored() {
    let (h, _jwks) = crate::jwt::harness().await;
    let t = token(&["mcp:read"]);
    let a = h
        .call(
            Some(&t),
            "whoami",
            json!({"user_id": "admin", "tenant_id": "t2"}),
        )
        .await;
    assert_eq!(
        a.json()["error"]["code"],
        -31003,
        "tenant argument mismatch denies"
    );
    let a = h
        .call(
            Some(&t),
            "whoami",
            json!({"user_id": "admin", "tenant_id": "t1"}),
        )
        .await;
    let who: Value = serde_json::from_str(&a.text()).expect("json");
    assert_eq!(who["subject"], "alice");
}

#[tokio::test]
async fn a33_a34_tenant_missing_or_empty_fails_closed() {
    let (h, _jwks) = crate::jwt::harness().await;
    for tid in [json!(""), json!(null)] {
        let mut c = claims(&["mcp:read"]);
        c.insert("tid".into(), tid);
        crate::support::assert_invalid(
            &h.call(Some(&issuer().sign(&c)), "whoami", json!({})).await,
        );
    }
}

fn legacy_init(
    h: &crate::support::Harness,
    token: Option<&str>,
    session: Option<&str>,
    body: &Value,
) -> http::Request<Full<Bytes>> {
    let mut b = http::Request::post(format!("{}/mcp", h.base))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    if let Some(s) = session {
        b = b
            .header("mcp-session-id", s)
            .header("mcp-protocol-version", "2025-11-25");
    }
    b.body(Full::new(Bytes::from(body.to_string())))
        .expect("request")
}

#[tokio::test]
async fn a55_a56_legacy_sessions_are_bound_to_the_principal() {
    let (h, _jwks) = crate::jwt::harness().await;
    let alice = token(&["mcp:read"]);
    let mut c = claims(&["mcp:read"]);
    c.insert("sub".into(), json!("bob"));
    let bob = issuer().sign(&c);
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
    let a = h.send(legacy_init(&h, Some(&alice), None, &init)).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    let sid = a.headers["mcp-session-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    // A56: a session id is never authentication.
    crate::support::assert_missing(&h.send(legacy_init(&h, None, Some(&sid), &list)).await);
    // A55: bob presenting alice's session: not found.
    let a = h.send(legacy_init(&h, Some(&bob), Some(&sid), &list)).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = h
        .send(legacy_init(&h, Some(&alice), Some(&sid), &list))
        .await;
    assert_eq!(a.status, StatusCode::OK);
}

/// `tools/call name(arguments)` with identity claims in `_meta` and a `baggage` header.
async fn call_claiming(
    h: &crate::support::Harness,
    t: &str,
    name: &str,
    arguments: Value,
) -> crate::support::Answer {
    let (b, body) = h.request(
        "tools/call",
        Some(name),
        json!({"name": name, "arguments": arguments}),
    );
    let mut body: Value = serde_json::from_slice(&body).expect("json");
    let meta = body["params"]["_meta"].as_object_mut().expect("meta");
    meta.insert(
        "io.modelcontextprotocol/clientInfo".into(),
        json!({"name": "trusted-internal", "version": "1"}),
    );
    meta.insert("clientInfo".into(), json!({"name": "trusted-internal"}));
    meta.insert("baggage".into(), json!("user.id=admin,tenant.id=t2"));
    meta.insert("tenant_id".into(), json!("t2"));
    meta.insert("user_id".into(), json!("admin"));
    meta.insert("scope".into(), json!("files:write files:admin"));
    let b = b
        .header("authorization", format!("Bearer {t}"))
        .header("baggage", "user.id=admin,tenant.id=t2")
        .header("user-agent", "trusted-internal");
    h.send(
        b.body(Full::new(Bytes::from(body.to_string())))
            .expect("request"),
    )
    .await
}

#[tokio::test]
async fn a32_client_info_baggage_and_meta_grant_nothing() {
    let (h, _jwks) = crate::jwt::harness().await;
    let t = token(&["mcp:read"]);
    // The principal the policy sees is the token's: alice, tenant t1, scope mcp:read only.
    let a = call_claiming(&h, &t, "whoami", json!({})).await;
    assert_eq!(a.status, StatusCode::OK, "{a:?}");
    let who: Value = serde_json::from_str(&a.text()).expect("json");
    assert_eq!(who["subject"], "alice");
    assert_eq!(who["tenant"], "t1");
    assert_eq!(who["method"], "Jwt");
    assert_eq!(who["scopes"], json!(["mcp:read"]));
    // ScopePolicy: no scope from `_meta` — still a step-up.
    let a = call_claiming(&h, &t, "write_file", json!({})).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{a:?}");
    // TenantGuard: the tenant comes from the token, so `tenant_id: t2` is denied and `t1` is
    // allowed whatever `_meta` and `baggage` claim.
    let a = call_claiming(&h, &t, "whoami", json!({"tenant_id": "t2"})).await;
    assert_eq!(a.json()["error"]["code"], -31003, "{a:?}");
    let a = call_claiming(&h, &t, "whoami", json!({"tenant_id": "t1"})).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.json()["result"].is_object(), "{a:?}");
    assert_eq!(h.runs.get(), 2);
}
