//! The everything server against the conformance contract, in both eras, through the
//! in-process client; and the `everything --stdio` binary as a real process.

mod auth;
mod binary;
mod lists;
mod mrtr;
mod prompts_resources;
mod tools;

use std::collections::BTreeSet;

use mcp_server::core::jsonrpc::ErrorObject;
use mcp_server::testing::TestClient;
use serde_json::{Value, json};

pub(crate) const LEGACY: &str = "2025-11-25";

/// Tools of the 2025-11-25 and 2026-07-28 contracts, plus the load tools.
pub(crate) const TOOLS: [&str; 30] = [
    "test_simple_text",
    "test_image_content",
    "test_audio_content",
    "test_embedded_resource",
    "test_multiple_content_types",
    "test_tool_with_logging",
    "test_error_handling",
    "test_tool_with_progress",
    "test_reconnection",
    "test_sampling",
    "test_elicitation",
    "test_elicitation_sep1034_defaults",
    "test_elicitation_sep1330_enums",
    "json_schema_2020_12_tool",
    "test_x_mcp_header",
    "test_missing_capability",
    "test_streaming_elicitation",
    "test_logging_tool",
    "test_trigger_tool_change",
    "test_trigger_prompt_change",
    "test_input_required_result_elicitation",
    "test_input_required_result_sampling",
    "test_input_required_result_list_roots",
    "test_input_required_result_request_state",
    "test_input_required_result_multiple_inputs",
    "test_input_required_result_multi_round",
    "test_input_required_result_tampered_state",
    "test_input_required_result_capabilities",
    "echo",
    "sum",
];

pub(crate) const PROMPTS: [&str; 5] = [
    "test_simple_prompt",
    "test_prompt_with_arguments",
    "test_prompt_with_embedded_resource",
    "test_prompt_with_image",
    "test_input_required_result_prompt",
];

/// The suite's default 2026-07-28 client capabilities.
pub(crate) fn all_caps() -> Value {
    json!({"sampling": {}, "elicitation": {}, "roots": {"listChanged": true}})
}

/// A client answering the server's requests the way a cooperative user and model would.
pub(crate) fn answers(method: &str, params: &Value) -> Result<Value, ErrorObject> {
    match method {
        "sampling/createMessage" => Ok(json!({
            "role": "assistant",
            "content": {"type": "text", "text": "Paris"},
            "model": "test-model",
            "stopReason": "endTurn"
        })),
        "elicitation/create" => Ok(json!({"action": "accept", "content": elicit_answer(params)})),
        "roots/list" => Ok(json!({"roots": [{"uri": "file:///work", "name": "work"}]})),
        other => Err(ErrorObject::method_not_found(other)),
    }
}

/// Form content fitting the requested schema.
pub(crate) fn elicit_answer(params: &Value) -> Value {
    let properties = &params["requestedSchema"]["properties"];
    let mut content = serde_json::Map::new();
    for (key, value) in [
        ("name", json!("Ada")),
        ("username", json!("ada")),
        ("email", json!("ada@example.com")),
        ("ok", json!(true)),
        ("answer", json!("forty-two")),
        ("context", json!("testing")),
    ] {
        if properties.get(key).is_some() {
            content.insert(key.to_owned(), value);
        }
    }
    Value::Object(content)
}

pub(crate) async fn legacy(caps: Value) -> TestClient {
    let c = TestClient::with_answers(everything::server(), answers);
    c.initialize(LEGACY, caps).await.expect("initialize");
    c.request("ping", json!({})).await.expect("initialized");
    c
}

pub(crate) async fn call(
    c: &TestClient,
    name: &str,
    params: Value,
    caps: Value,
) -> Result<Value, ErrorObject> {
    let mut params = params;
    params["name"] = json!(name);
    c.modern("tools/call", params, caps).await
}

pub(crate) async fn legacy_call(c: &TestClient, name: &str, arguments: Value) -> Value {
    c.request("tools/call", json!({"name": name, "arguments": arguments}))
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

pub(crate) fn names(list: &Value, key: &str, field: &str) -> BTreeSet<String> {
    list[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} in {list}"))
        .iter()
        .map(|t| t[field].as_str().expect("name").to_owned())
        .collect()
}

pub(crate) fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|&s| s.to_owned()).collect()
}

pub(crate) fn text(result: &Value) -> &str {
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no text in {result}"))
}

pub(crate) fn accept(content: Value) -> Value {
    let mut answer = json!({"action": "accept"});
    answer["content"] = content;
    answer
}

pub(crate) fn sampled() -> Value {
    json!({"role": "assistant", "content": {"type": "text", "text": "Paris"}, "model": "m"})
}

pub(crate) fn roots() -> Value {
    json!({"roots": [{"uri": "file:///work"}]})
}
