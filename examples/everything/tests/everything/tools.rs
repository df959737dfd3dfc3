//! The content, logging, progress, sampling and elicitation tools, per era.

use std::time::Duration;

use mcp_server::testing::TestClient;
use serde_json::{Value, json};

use crate::{LEGACY, TOOLS, all_caps, call, legacy, legacy_call, text};

fn check_content(name: &str, r: &Value) {
    let blocks = r["content"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: {r}"));
    match name {
        "test_simple_text" => {
            assert_eq!(
                blocks[0],
                json!({"type": "text", "text": "This is a simple text response for testing."})
            );
        }
        "test_image_content" => {
            assert_eq!(blocks[0]["type"], "image");
            assert_eq!(blocks[0]["mimeType"], "image/png");
            assert_eq!(blocks[0]["data"], everything::fixtures::PNG_BASE64);
        }
        "test_audio_content" => {
            assert_eq!(blocks[0]["type"], "audio");
            assert_eq!(blocks[0]["mimeType"], "audio/wav");
            assert!(
                blocks[0]["data"]
                    .as_str()
                    .expect("data")
                    .starts_with("UklGR"),
                "RIFF"
            );
        }
        "test_embedded_resource" => {
            assert_eq!(blocks[0]["type"], "resource");
            let res = &blocks[0]["resource"];
            assert_eq!(res["uri"], "test://embedded-resource");
            assert_eq!(res["mimeType"], "text/plain");
            assert!(res["text"].is_string());
        }
        "test_multiple_content_types" => {
            let kinds: Vec<&str> = blocks
                .iter()
                .map(|b| b["type"].as_str().expect("type"))
                .collect();
            assert_eq!(kinds, ["text", "image", "resource"]);
            assert_eq!(
                blocks[2]["resource"]["uri"],
                "test://mixed-content-resource"
            );
            assert_eq!(blocks[2]["resource"]["mimeType"], "application/json");
        }
        "test_error_handling" => {
            assert_eq!(r["isError"], true);
            assert_eq!(blocks[0]["type"], "text");
        }
        other => unreachable!("{other}"),
    }
    if name != "test_error_handling" {
        assert!(r.get("isError").is_none_or(|e| e == false), "{name}: {r}");
    }
}

const CONTENT_TOOLS: [&str; 6] = [
    "test_simple_text",
    "test_image_content",
    "test_audio_content",
    "test_embedded_resource",
    "test_multiple_content_types",
    "test_error_handling",
];

#[tokio::test]
async fn content_tools_in_both_eras() {
    let c = TestClient::new(everything::server());
    for name in CONTENT_TOOLS {
        let r = call(&c, name, json!({}), all_caps()).await.expect(name);
        assert_eq!(r["resultType"], "complete", "{name}");
        check_content(name, &r);
    }
    c.initialize(LEGACY, json!({})).await.expect("initialize");
    for name in CONTENT_TOOLS {
        let r = legacy_call(&c, name, json!({})).await;
        assert!(r.get("resultType").is_none());
        check_content(name, &r);
    }
}

#[tokio::test]
async fn raw_schemas_are_listed_verbatim_and_load_tools_work() {
    let c = TestClient::new(everything::server());
    let tools = c
        .modern("tools/list", json!({}), json!({}))
        .await
        .expect("tools");
    let find = |name: &str| -> Value {
        tools["tools"]
            .as_array()
            .expect("tools")
            .iter()
            .find(|t| t["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name}"))
    };
    let schema = find("json_schema_2020_12_tool")["inputSchema"].clone();
    assert_eq!(schema, everything::tools::raw::json_schema_2020_12());
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["$defs"]["address"]["$anchor"], "address");
    assert_eq!(schema["additionalProperties"], false);
    for keyword in ["allOf", "if", "then", "else"] {
        assert!(schema.get(keyword).is_some(), "{keyword}");
    }
    assert!(schema["properties"]["contact"]["anyOf"].is_array());
    assert_eq!(
        find("test_x_mcp_header")["inputSchema"]["properties"]["region"]["x-mcp-header"],
        "Region"
    );
    assert_eq!(
        find("sum")["inputSchema"]["properties"]["values"]["maxItems"],
        10000
    );
    assert_eq!(find("echo")["inputSchema"]["required"], json!(["text"]));

    let ok = call(
        &c,
        "json_schema_2020_12_tool",
        json!({"arguments": {"name": "Ada", "kind": "company", "vatId": "X1", "address": {"street": "1 Main", "city": "Paris"}}}),
        json!({}),
    )
    .await
    .expect("valid");
    assert!(ok.get("isError").is_none(), "{ok}");
    let bad = call(
        &c,
        "json_schema_2020_12_tool",
        json!({"arguments": {"name": "Ada", "kind": "company"}}),
        json!({}),
    )
    .await
    .expect("if/then violation is a tool error");
    assert_eq!(bad["isError"], true);
    let r = call(
        &c,
        "test_x_mcp_header",
        json!({"arguments": {"region": "eu"}}),
        json!({}),
    )
    .await
    .expect("header tool");
    assert!(text(&r).contains("\"region\":\"eu\""));

    let r = call(
        &c,
        "echo",
        json!({"arguments": {"text": "hello"}}),
        json!({}),
    )
    .await
    .expect("echo");
    assert_eq!(text(&r), "hello");
    let r = call(
        &c,
        "sum",
        json!({"arguments": {"values": [1, 2, 3.5]}}),
        json!({}),
    )
    .await
    .expect("sum");
    assert_eq!(text(&r), "6.5");
    let too_many: Vec<u32> = vec![1; 10_001];
    let r = call(
        &c,
        "sum",
        json!({"arguments": {"values": too_many}}),
        json!({}),
    )
    .await
    .expect("sum");
    assert_eq!(r["isError"], true, "maxItems is enforced");
}

fn methods(notes: &[Value], method: &str) -> Vec<Value> {
    notes
        .iter()
        .filter(|n| n["method"] == method)
        .map(|n| n["params"].clone())
        .collect()
}

#[tokio::test]
async fn legacy_logging_and_progress() {
    let c = legacy(json!({})).await;
    c.request("logging/setLevel", json!({"level": "debug"}))
        .await
        .expect("setLevel");
    let r = legacy_call(&c, "test_tool_with_logging", json!({})).await;
    assert!(text(&r).contains("logging"));
    tokio::time::sleep(Duration::from_millis(50)).await;
    let logs = methods(&c.notifications().await, "notifications/message");
    assert_eq!(logs.len(), 3, "{logs:?}");
    assert!(logs.iter().all(|l| l["level"] == "info"));

    let r = c
        .request(
            "tools/call",
            json!({"name": "test_tool_with_progress", "_meta": {"progressToken": "p-legacy"}}),
        )
        .await
        .expect("progress");
    assert!(r["content"].is_array());
    let progress = methods(&c.notifications().await, "notifications/progress");
    let values: Vec<f64> = progress
        .iter()
        .map(|p| p["progress"].as_f64().expect("progress"))
        .collect();
    assert_eq!(values, [0.0, 50.0, 100.0]);
    assert!(
        progress
            .iter()
            .all(|p| p["total"] == 100.0 && p["progressToken"] == "p-legacy")
    );
}

#[tokio::test]
async fn modern_progress_and_gated_logging() {
    let c = TestClient::new(everything::server());
    call(
        &c,
        "test_tool_with_progress",
        json!({"_meta": {"progressToken": "progress-test-1"}}),
        json!({}),
    )
    .await
    .expect("progress");
    let progress = methods(&c.notifications().await, "notifications/progress");
    assert_eq!(progress.len(), 3);
    assert!(
        progress
            .iter()
            .all(|p| p["progressToken"] == "progress-test-1")
    );

    let r = call(&c, "test_logging_tool", json!({}), all_caps())
        .await
        .expect("logging tool");
    assert_eq!(r["resultType"], "complete");
    assert!(
        methods(&c.notifications().await, "notifications/message").is_empty(),
        "no logs without _meta logLevel"
    );
    call(
        &c,
        "test_logging_tool",
        json!({"_meta": {"io.modelcontextprotocol/logLevel": "info"}}),
        all_caps(),
    )
    .await
    .expect("logging tool");
    assert_eq!(
        methods(&c.notifications().await, "notifications/message").len(),
        1
    );
}

#[tokio::test]
async fn legacy_sampling_and_elicitation_ask_the_client() {
    let c = legacy(all_caps()).await;
    let r = legacy_call(&c, "test_sampling", json!({"prompt": "Capital of France?"})).await;
    assert_eq!(text(&r), "LLM response: Paris");
    let r = legacy_call(&c, "test_elicitation", json!({"message": "Who are you?"})).await;
    assert!(text(&r).contains("action=accept"), "{r}");
    assert!(text(&r).contains("ada@example.com"), "{r}");
    legacy_call(&c, "test_elicitation_sep1034_defaults", json!({})).await;
    legacy_call(&c, "test_elicitation_sep1330_enums", json!({})).await;

    let requests = c.server_requests();
    let methods: Vec<&str> = requests
        .iter()
        .map(|r| r["method"].as_str().expect("method"))
        .collect();
    assert_eq!(
        methods,
        [
            "sampling/createMessage",
            "elicitation/create",
            "elicitation/create",
            "elicitation/create"
        ]
    );
    let sampling = &requests[0]["params"];
    assert_eq!(
        sampling["messages"][0]["content"]["text"],
        "Capital of France?"
    );

    let elicit = &requests[1]["params"];
    assert_eq!(elicit["message"], "Who are you?");
    assert_eq!(
        elicit["requestedSchema"]["properties"]["email"]["format"],
        "email"
    );
    assert_eq!(
        elicit["requestedSchema"]["required"],
        json!(["username", "email"])
    );

    let defaults = &requests[2]["params"]["requestedSchema"]["properties"];
    assert_eq!(defaults["name"]["default"], "John Doe");
    assert_eq!(defaults["age"]["type"], "integer");
    assert_eq!(defaults["age"]["default"].as_f64(), Some(30.0));
    assert_eq!(defaults["score"]["default"], 95.5);
    assert_eq!(defaults["status"]["default"], "active");
    assert_eq!(
        defaults["status"]["enum"],
        json!(["active", "inactive", "pending"])
    );
    assert_eq!(defaults["verified"]["default"], true);

    let enums = &requests[3]["params"]["requestedSchema"]["properties"];
    assert!(enums["untitledSingle"]["enum"].is_array());
    assert_eq!(enums["untitledSingle"]["type"], "string");
    assert_eq!(
        enums["titledSingle"]["oneOf"][0],
        json!({"const": "value1", "title": "First Option"})
    );
    assert!(enums["legacyEnum"]["enum"].is_array() && enums["legacyEnum"]["enumNames"].is_array());
    assert_eq!(enums["untitledMulti"]["type"], "array");
    assert_eq!(
        enums["untitledMulti"]["items"]["enum"],
        json!(["option1", "option2", "option3"])
    );
    assert_eq!(enums["titledMulti"]["type"], "array");
    assert_eq!(enums["titledMulti"]["items"]["anyOf"][2]["const"], "value3");
}

#[tokio::test]
async fn every_tool_completes_in_a_cooperative_legacy_session() {
    let c = legacy(all_caps()).await;
    c.request("logging/setLevel", json!({"level": "debug"}))
        .await
        .expect("setLevel");
    for name in TOOLS {
        let arguments = match name {
            "test_sampling" => json!({"prompt": "hi"}),
            "test_elicitation" => json!({"message": "hi"}),
            "test_x_mcp_header" => json!({"region": "eu"}),
            "json_schema_2020_12_tool" => json!({"name": "Ada"}),
            "echo" => json!({"text": "x"}),
            "sum" => json!({"values": [1]}),
            _ => json!({}),
        };
        let r = legacy_call(&c, name, arguments).await;
        assert!(r["content"].is_array(), "{name}: {r}");
        if name != "test_error_handling" {
            assert!(r.get("isError").is_none(), "{name}: {r}");
        }
    }
    let r = legacy_call(&c, "test_input_required_result_multi_round", json!({})).await;
    assert_eq!(
        text(&r),
        "Completed both rounds: step1=forty-two, step2=forty-two"
    );
    let r = legacy_call(&c, "test_input_required_result_request_state", json!({})).await;
    assert_eq!(text(&r), "state-ok: confirmed=true");
}
