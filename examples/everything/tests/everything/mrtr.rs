//! The 2026-07-28 diagnostics and multi round-trip tools.

use mcp_server::core::jsonrpc::RequestId;
use mcp_server::testing::{TestClient, error_code, with_meta};
use serde_json::{Value, json};

use crate::{accept, all_caps, call, legacy, roots, sampled, text};

#[tokio::test]
async fn missing_capability_is_32021() {
    let c = TestClient::new(everything::server());
    let e = call(&c, "test_missing_capability", json!({}), json!({}))
        .await
        .expect_err("-32021");
    assert_eq!(error_code(&e), -32021);
    assert_eq!(
        e.data,
        Some(json!({"requiredCapabilities": {"sampling": {}}}))
    );

    let r = call(
        &c,
        "test_missing_capability",
        json!({}),
        json!({"sampling": {}}),
    )
    .await
    .expect("asks");
    assert_eq!(r["resultType"], "input_required");
    assert_eq!(
        r["inputRequests"]["needs_sampling"]["method"],
        "sampling/createMessage"
    );

    let legacy_without = legacy(json!({})).await;
    let e = legacy_without
        .request("tools/call", json!({"name": "test_missing_capability"}))
        .await
        .expect_err("no sampling declared");
    assert_eq!(
        e.data.expect("data")["requiredCapabilities"],
        json!({"sampling": {}})
    );
    assert!(legacy_without.server_requests().is_empty());
}

#[tokio::test]
async fn streaming_elicitation_answers_without_server_requests() {
    let c = TestClient::new(everything::server());
    let r = call(
        &c,
        "test_streaming_elicitation",
        json!({}),
        json!({"elicitation": {}}),
    )
    .await
    .expect("an answer, not an error");
    assert_eq!(r["resultType"], "input_required");
    assert_eq!(
        r["inputRequests"]["stream_name"]["method"],
        "elicitation/create"
    );
    let state = r["requestState"].clone();
    let r = call(
        &c,
        "test_streaming_elicitation",
        json!({"inputResponses": {"stream_name": {"action": "accept", "content": {"name": "Ada"}}}, "requestState": state}),
        json!({"elicitation": {}}),
    )
    .await
    .expect("complete");
    assert_eq!(text(&r), "Hello, Ada!");
    assert!(
        c.server_requests().is_empty(),
        "never a server-to-client request in 2026-07-28"
    );
}

#[tokio::test]
async fn trigger_tools_publish_to_listen_streams() {
    let c = TestClient::new(everything::server());
    let params = with_meta(
        json!({"notifications": {"toolsListChanged": true, "promptsListChanged": true}}),
        TestClient::modern_meta(json!({})),
    );
    let _listen = c.send_request(
        RequestId::String("listen-1".into()),
        "subscriptions/listen",
        params,
    );
    let ack = c.next_notification().await.expect("ack");
    assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");

    let r = call(&c, "test_trigger_tool_change", json!({}), json!({}))
        .await
        .expect("tool change");
    assert!(text(&r).contains("1 listener"), "{r}");
    let n = c.next_notification().await.expect("tools changed");
    assert_eq!(n["method"], "notifications/tools/list_changed");
    assert_eq!(
        n["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        "listen-1"
    );

    call(&c, "test_trigger_prompt_change", json!({}), json!({}))
        .await
        .expect("prompt change");
    let n = c.next_notification().await.expect("prompts changed");
    assert_eq!(n["method"], "notifications/prompts/list_changed");
    c.notify("notifications/cancelled", json!({"requestId": "listen-1"}));
}

/// Round 1 of `name`: an `InputRequiredResult`, checked, with its state.
async fn round1(c: &TestClient, name: &str, caps: Value) -> Value {
    let r = call(c, name, json!({}), caps)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(r["resultType"], "input_required", "{name}: {r}");
    assert!(r["requestState"].is_string(), "{name}: {r}");
    r
}

#[tokio::test]
async fn input_required_elicitation() {
    let c = TestClient::new(everything::server());
    let name = "test_input_required_result_elicitation";
    let r1 = round1(&c, name, all_caps()).await;
    let ask = &r1["inputRequests"]["user_name"];
    assert_eq!(ask["method"], "elicitation/create");
    assert_eq!(
        ask["params"]["requestedSchema"]["properties"]["name"]["type"],
        "string"
    );
    assert_eq!(
        ask["params"]["requestedSchema"]["required"],
        json!(["name"])
    );
    assert!(ask["params"]["message"].is_string());

    let done = call(
        &c,
        name,
        json!({"inputResponses": {"user_name": accept(json!({"name": "Ada"}))}, "requestState": r1["requestState"]}),
        all_caps(),
    )
    .await
    .expect("complete");
    assert_eq!(done["resultType"], "complete");
    assert_eq!(text(&done), "Hello, Ada!");

    // missing-input-response: a wrong key re-requests
    let again = call(
        &c,
        name,
        json!({"inputResponses": {"wrong_key": accept(json!({"name": "x"}))}}),
        all_caps(),
    )
    .await
    .expect("re-request");
    assert_eq!(again["resultType"], "input_required");
    assert!(again["inputRequests"].get("user_name").is_some());

    // ignore-extra-params: unknown keys and no requestState still complete
    let extra = call(
        &c,
        name,
        json!({"inputResponses": {"user_name": accept(json!({"name": "Bo"})), "unknown_extra_key": {"x": 1}, "another_unexpected": 2}}),
        all_caps(),
    )
    .await
    .expect("complete");
    assert_eq!(extra["resultType"], "complete");

    // validate-input: a malformed answer is an error, null responses re-request
    let e = call(
        &c,
        name,
        json!({"inputResponses": {"user_name": 12345}}),
        all_caps(),
    )
    .await
    .expect_err("invalid");
    assert_eq!(error_code(&e), -32602);
    let r = call(&c, name, json!({"inputResponses": null}), all_caps())
        .await
        .expect("re-request");
    assert_eq!(r["resultType"], "input_required");
    // an accept without a name asks again
    let r = call(
        &c,
        name,
        json!({"inputResponses": {"user_name": accept(json!({}))}}),
        all_caps(),
    )
    .await
    .expect("re-request");
    assert_eq!(r["resultType"], "input_required");
}

#[tokio::test]
async fn input_required_sampling_and_roots() {
    let c = TestClient::new(everything::server());
    let name = "test_input_required_result_sampling";
    let r1 = round1(&c, name, all_caps()).await;
    let ask = &r1["inputRequests"]["capital_question"];
    assert_eq!(ask["method"], "sampling/createMessage");
    assert_eq!(ask["params"]["maxTokens"], 100);
    assert_eq!(
        ask["params"]["messages"][0]["content"]["text"],
        "What is the capital of France?"
    );
    let done = call(
        &c,
        name,
        json!({"inputResponses": {"capital_question": sampled()}, "requestState": r1["requestState"]}),
        all_caps(),
    )
    .await
    .expect("complete");
    assert_eq!(done["resultType"], "complete");
    assert!(text(&done).contains("Paris"));

    let name = "test_input_required_result_list_roots";
    let r1 = round1(&c, name, all_caps()).await;
    assert_eq!(r1["inputRequests"]["client_roots"]["method"], "roots/list");
    let done = call(
        &c,
        name,
        json!({"inputResponses": {"client_roots": roots()}, "requestState": r1["requestState"]}),
        all_caps(),
    )
    .await
    .expect("complete");
    assert!(text(&done).contains("file:///work"));
}

#[tokio::test]
async fn input_required_request_state_and_tampering() {
    let c = TestClient::new(everything::server());
    let name = "test_input_required_result_request_state";
    let r1 = round1(&c, name, all_caps()).await;
    assert_eq!(
        r1["inputRequests"]["confirm"]["method"],
        "elicitation/create"
    );
    assert_eq!(
        r1["inputRequests"]["confirm"]["params"]["requestedSchema"]["properties"]["ok"]["type"],
        "boolean"
    );
    let done = call(
        &c,
        name,
        json!({"inputResponses": {"confirm": accept(json!({"ok": true}))}, "requestState": r1["requestState"]}),
        all_caps(),
    )
    .await
    .expect("complete");
    assert_eq!(done["resultType"], "complete");
    assert!(text(&done).contains("state-ok"));

    let name = "test_input_required_result_tampered_state";
    let r1 = round1(&c, name, all_caps()).await;
    let key = r1["inputRequests"]
        .as_object()
        .expect("requests")
        .keys()
        .next()
        .expect("a key")
        .clone();
    let state = r1["requestState"].as_str().expect("state");
    let e = call(
        &c,
        name,
        json!({"inputResponses": {&key: accept(json!({"ok": true}))}, "requestState": format!("{state}-TAMPERED")}),
        all_caps(),
    )
    .await
    .expect_err("tampered state is an error");
    assert_eq!(error_code(&e), -32602);
    let done = call(
        &c,
        name,
        json!({"inputResponses": {&key: accept(json!({"ok": true}))}, "requestState": state}),
        all_caps(),
    )
    .await
    .expect("the genuine state completes");
    assert_eq!(done["resultType"], "complete");
}

#[tokio::test]
async fn input_required_multiple_inputs_and_multi_round() {
    let c = TestClient::new(everything::server());
    let name = "test_input_required_result_multiple_inputs";
    let r1 = round1(&c, name, all_caps()).await;
    let requests = &r1["inputRequests"];
    assert_eq!(requests["user_name"]["method"], "elicitation/create");
    assert_eq!(requests["greeting"]["method"], "sampling/createMessage");
    assert_eq!(requests["client_roots"]["method"], "roots/list");
    let done = call(
        &c,
        name,
        json!({"inputResponses": {"user_name": accept(json!({"name": "Ada"})), "greeting": sampled(), "client_roots": roots()}, "requestState": r1["requestState"]}),
        all_caps(),
    )
    .await
    .expect("complete");
    assert_eq!(text(&done), "name=Ada; greeting=Paris; roots=1");

    let name = "test_input_required_result_multi_round";
    let r1 = round1(&c, name, all_caps()).await;
    assert!(r1["inputRequests"].get("step1").is_some());
    let r2 = call(
        &c,
        name,
        json!({"inputResponses": {"step1": accept(json!({"answer": "one"}))}, "requestState": r1["requestState"]}),
        all_caps(),
    )
    .await
    .expect("round 2");
    assert_eq!(r2["resultType"], "input_required");
    assert!(r2["inputRequests"].get("step2").is_some());
    assert_ne!(r1["requestState"], r2["requestState"]);
    let r3 = call(
        &c,
        name,
        json!({"inputResponses": {"step2": accept(json!({"answer": "two"}))}, "requestState": r2["requestState"]}),
        all_caps(),
    )
    .await
    .expect("round 3");
    assert_eq!(r3["resultType"], "complete");
    assert_eq!(text(&r3), "Completed both rounds: step1=one, step2=two");
}

#[tokio::test]
async fn input_required_respects_client_capabilities() {
    let c = TestClient::new(everything::server());
    let name = "test_input_required_result_capabilities";
    let r = round1(&c, name, json!({"sampling": {}})).await;
    let requests = r["inputRequests"].as_object().expect("requests");
    assert!(!requests.is_empty());
    assert!(
        requests
            .values()
            .all(|q| q["method"] != "elicitation/create"),
        "{r}"
    );
    assert!(
        requests
            .values()
            .any(|q| q["method"] == "sampling/createMessage")
    );

    let r = round1(&c, name, json!({"elicitation": {}})).await;
    assert_eq!(
        r["inputRequests"]["user_name"]["method"],
        "elicitation/create"
    );
    let r = call(&c, name, json!({}), json!({}))
        .await
        .expect("nothing to ask");
    assert_eq!(r["resultType"], "complete");
}

#[tokio::test]
async fn list_methods_never_answer_input_required() {
    let c = TestClient::new(everything::server());
    for method in ["tools/list", "prompts/list"] {
        let r = c.modern(method, json!({}), all_caps()).await.expect(method);
        assert_eq!(r["resultType"], "complete");
    }
}
