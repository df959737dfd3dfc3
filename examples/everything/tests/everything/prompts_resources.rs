//! Prompts, completions and resources, per era.

use mcp_server::testing::{TestClient, error_code};
use serde_json::{Value, json};

use crate::{LEGACY, PROMPTS, accept, all_caps, answers};

fn check_prompt(name: &str, r: &Value) {
    let messages = r["messages"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: {r}"));
    assert!(!messages.is_empty());
    assert!(
        messages
            .iter()
            .all(|m| m["role"].is_string() && m["content"].is_object())
    );
    match name {
        "test_prompt_with_arguments" => {
            let t = messages[0]["content"]["text"].as_str().expect("text");
            assert!(
                t.contains("first-value") && t.contains("second-value"),
                "{t}"
            );
        }
        "test_prompt_with_embedded_resource" => {
            assert_eq!(messages[0]["content"]["type"], "resource");
            assert_eq!(
                messages[0]["content"]["resource"]["uri"],
                "test://example-resource"
            );
        }
        "test_prompt_with_image" => {
            assert_eq!(messages[0]["content"]["type"], "image");
            assert_eq!(messages[0]["content"]["mimeType"], "image/png");
            assert!(messages[0]["content"]["data"].is_string());
        }
        _ => {}
    }
}

fn prompt_arguments(name: &str) -> Value {
    match name {
        "test_prompt_with_arguments" => json!({"arg1": "first-value", "arg2": "second-value"}),
        "test_prompt_with_embedded_resource" => json!({"resourceUri": "test://example-resource"}),
        _ => json!({}),
    }
}

#[tokio::test]
async fn prompts_in_both_eras() {
    let c = TestClient::with_answers(everything::server(), answers);
    for name in &PROMPTS[..4] {
        let r = c
            .modern(
                "prompts/get",
                json!({"name": name, "arguments": prompt_arguments(name)}),
                json!({}),
            )
            .await
            .expect(name);
        assert_eq!(r["resultType"], "complete");
        check_prompt(name, &r);
    }
    let e = c
        .modern(
            "prompts/get",
            json!({"name": "test_prompt_with_arguments", "arguments": {"arg1": "x"}}),
            json!({}),
        )
        .await
        .expect_err("arg2 is required");
    assert_eq!(error_code(&e), -32602);

    // non-tool MRTR
    let name = "test_input_required_result_prompt";
    let r1 = c
        .modern("prompts/get", json!({"name": name}), all_caps())
        .await
        .expect("round 1");
    assert_eq!(r1["resultType"], "input_required");
    assert_eq!(
        r1["inputRequests"]["user_context"]["method"],
        "elicitation/create"
    );
    let r2 = c
        .modern(
            "prompts/get",
            json!({"name": name, "inputResponses": {"user_context": accept(json!({"context": "tests"}))}, "requestState": r1["requestState"]}),
            all_caps(),
        )
        .await
        .expect("round 2");
    assert_eq!(r2["resultType"], "complete");
    assert!(
        r2["messages"][0]["content"]["text"]
            .as_str()
            .expect("text")
            .contains("tests")
    );

    c.initialize(LEGACY, all_caps()).await.expect("initialize");
    for name in PROMPTS {
        let r = c
            .request(
                "prompts/get",
                json!({"name": name, "arguments": prompt_arguments(name)}),
            )
            .await
            .expect(name);
        check_prompt(name, &r);
    }
}

#[tokio::test]
async fn completions_for_prompt_and_template() {
    let c = TestClient::new(everything::server());
    let complete = json!({"ref": {"type": "ref/prompt", "name": "test_prompt_with_arguments"}, "argument": {"name": "arg1", "value": "test"}});
    let r = c
        .modern("completion/complete", complete.clone(), json!({}))
        .await
        .expect("complete");
    assert_eq!(r["completion"]["values"], json!(["test", "testing"]));
    let r = c
        .modern(
            "completion/complete",
            json!({"ref": {"type": "ref/resource", "uri": "test://template/{id}/data"}, "argument": {"name": "id", "value": "12"}}),
            json!({}),
        )
        .await
        .expect("template");
    assert_eq!(r["completion"]["values"], json!(["123"]));
    c.initialize(LEGACY, json!({})).await.expect("initialize");
    let r = c
        .request("completion/complete", complete)
        .await
        .expect("legacy");
    assert!(r["completion"]["values"].is_array());
}

fn check_read(uri: &str, r: &Value) {
    let contents = &r["contents"][0];
    assert!(contents["uri"].is_string(), "{uri}: {r}");
    match uri {
        "test://static-text" => {
            assert_eq!(contents["mimeType"], "text/plain");
            assert!(contents["text"].is_string());
        }
        "test://static-binary" => {
            assert_eq!(contents["mimeType"], "image/png");
            assert!(contents["blob"].is_string());
        }
        "test://template/123/data" => {
            assert_eq!(contents["uri"], uri);
            assert!(contents["text"].as_str().expect("text").contains("123"));
        }
        _ => assert!(contents["text"].is_string()),
    }
}

const READABLE: [&str; 4] = [
    "test://static-text",
    "test://static-binary",
    "test://watched-resource",
    "test://template/123/data",
];

#[tokio::test]
async fn resources_in_both_eras() {
    let c = TestClient::new(everything::server());
    for uri in READABLE {
        let r = c
            .modern("resources/read", json!({"uri": uri}), json!({}))
            .await
            .expect(uri);
        assert!(r["ttlMs"].is_u64() && r["cacheScope"].is_string());
        check_read(uri, &r);
    }
    let missing = "test://nonexistent-resource-for-conformance-testing";
    let e = c
        .modern("resources/read", json!({"uri": missing}), json!({}))
        .await
        .expect_err("missing");
    assert_eq!(error_code(&e), -32602);
    assert_eq!(e.data, Some(json!({"uri": missing})));

    c.initialize(LEGACY, json!({})).await.expect("initialize");
    for uri in READABLE {
        let r = c
            .request("resources/read", json!({"uri": uri}))
            .await
            .expect(uri);
        check_read(uri, &r);
    }
    let e = c
        .request("resources/read", json!({"uri": missing}))
        .await
        .expect_err("missing");
    assert_eq!(error_code(&e), -32002);
}
