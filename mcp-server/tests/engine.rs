//! End-to-end tests of the engine through the in-process client (stdio framing), both eras.

#[cfg(feature = "http")]
#[path = "engine/http.rs"]
mod http;

use mcp_core::protocol::{
    AudioContent, CallToolResult, ContentBlock, ElicitAction, ElicitRequestFormParams,
    ElicitationSchema, GetPromptResult, Prompt as PromptDef, PromptArgument, PromptMessage,
    ReadResourceResult, Resource as ResourceDef, ResourceContents, ResourceTemplate as TemplateDef,
    Role, TextContent, TextResourceContents, Tool as ToolDef,
};
use mcp_server::testing::TestClient;
use mcp_server::{
    HandlerError, Input, Json, Prompt, PromptCall, Resource, ResourceCall, ResourceTemplate,
    Server, ServerBuilder, Tool, ToolCall, ToolError, tool,
};
use serde_json::{Value, json};

fn schema(v: Value) -> serde_json::Map<String, Value> {
    let Value::Object(map) = v else {
        panic!("schema must be an object")
    };
    map
}

fn def(name: &str, s: Value) -> ToolDef {
    let mut d = ToolDef::new(name, schema(s));
    d.description = Some(format!("{name} tool"));
    d
}

struct Sum;

impl Tool for Sum {
    fn definition(&self) -> ToolDef {
        def(
            "sum",
            json!({"type": "object", "properties": {"values": {"type": "array", "items": {"type": "number"}, "maxItems": 10000}}, "required": ["values"], "additionalProperties": false}),
        )
    }

    async fn handle(&self, call: ToolCall) -> Result<CallToolResult, ToolError> {
        #[derive(serde::Deserialize)]
        struct A {
            values: Vec<f64>,
        }
        let a: A = call.parse()?;
        Ok(CallToolResult::text(
            a.values.iter().sum::<f64>().to_string(),
        ))
    }
}

struct Ask;

impl Tool for Ask {
    fn definition(&self) -> ToolDef {
        def(
            "ask",
            json!({"type": "object", "additionalProperties": false}),
        )
    }

    async fn handle(&self, call: ToolCall) -> Result<CallToolResult, ToolError> {
        let input: &Input = call.context().input();
        let form = ElicitRequestFormParams::new(
            "name?",
            ElicitationSchema::new(std::collections::BTreeMap::default()),
        );
        // Each round's answers arrive alone: earlier ones travel in the (sealed) state.
        let first = match input.state().and_then(|s| s["first"].as_bool()) {
            Some(first) => first,
            None => input.elicit("first", form.clone().into())?.action == ElicitAction::Accept,
        };
        let second = input
            .elicit("second", form.into())
            .map_err(|e| e.with_state(json!({ "first": first })))?;
        Ok(CallToolResult::text(format!(
            "{} {:?}",
            json!({ "first": first }),
            second.action
        )))
    }
}

fn fixture() -> ServerBuilder {
    let ok = json!({"type": "object", "additionalProperties": false});
    Server::builder("fixture", "1.2.3")
        .instructions("use the tools")
        .tool(Sum)
        .tool(Ask)
        .tool(tool::from_fn(def("fail", ok.clone()), |_| async {
            Err(ToolError::new("the widget is broken"))
        }))
        .tool(tool::from_fn(def("boom", ok.clone()), |_| async {
            let r: Result<CallToolResult, std::io::Error> =
                Err(std::io::Error::other("secret path /etc/shadow"));
            Ok(r?)
        }))
        .tool(tool::from_fn(def("panic", ok.clone()), |_| async {
            panic!("kaboom")
        }))
        .tool(tool::from_fn(def("audio", ok.clone()), |_| async {
            Ok(CallToolResult::new(vec![ContentBlock::Audio(
                AudioContent::new("UklGRg==", "audio/wav"),
            )]))
        }))
        .tool(tool::from_fn(def("array_out", ok.clone()), |_| async {
            mcp_server::IntoToolResult::into_tool_result(Json(vec![1, 2, 3]))
        }))
        .tool(tool::from_fn(
            def("progress", ok.clone()),
            |call| async move {
                let p = call.context().progress();
                for i in [0.0, 50.0, 50.0, 100.0] {
                    p.report(i, Some(100.0), None);
                }
                let log = call.context().logger();
                log.info("hello");
                log.debug("details");
                Ok(CallToolResult::text("done"))
            },
        ))
        .tool(tool::from_fn(def("slow", ok.clone()), |call| async move {
            call.context().cancellation().cancelled().await;
            Ok(CallToolResult::text("cancelled"))
        }))
        .tool(tool::from_fn(def("roots", ok), |call| async move {
            let roots = call.context().input().clone().list_roots("r")?;
            Ok(CallToolResult::text(format!("{} roots", roots.roots.len())))
        }))
        .resource(Static)
        .resource_template(Template)
        .prompt(Greeting)
        .complete_prompt("greeting", "name", |req| async move {
            (0..150)
                .map(|i| format!("{}{i}", req.value()))
                .collect::<Vec<_>>()
        })
}

struct Static;

impl Resource for Static {
    fn definition(&self) -> ResourceDef {
        let mut d = ResourceDef::new("test://static", "static");
        d.mime_type = Some("text/plain".into());
        d
    }

    async fn read(&self, call: ResourceCall) -> Result<ReadResourceResult, HandlerError> {
        Ok(ReadResourceResult::new(vec![ResourceContents::Text(
            TextResourceContents::new(call.uri(), "hi"),
        )]))
    }
}

struct Template;

impl ResourceTemplate for Template {
    fn definition(&self) -> TemplateDef {
        TemplateDef::new("test://item/{id}", "item")
    }

    async fn read(&self, call: ResourceCall) -> Result<ReadResourceResult, HandlerError> {
        let id: u32 = call.parse("id")?;
        if id == 0 {
            return Err(HandlerError::not_found(call.uri()));
        }
        Ok(ReadResourceResult::new(vec![ResourceContents::Text(
            TextResourceContents::new(call.uri(), format!("item {id}")),
        )]))
    }
}

struct Greeting;

impl Prompt for Greeting {
    fn definition(&self) -> PromptDef {
        let mut d = PromptDef::new("greeting");
        let mut a = PromptArgument::new("name");
        a.required = Some(true);
        d.arguments = Some(vec![a]);
        d
    }

    async fn get(&self, call: PromptCall) -> Result<GetPromptResult, HandlerError> {
        let name = call.argument("name").unwrap_or_default().to_owned();
        Ok(GetPromptResult::new(vec![PromptMessage::new(
            Role::User,
            ContentBlock::Text(TextContent::new(format!("Hello {name}"))),
        )]))
    }
}

fn code(e: &mcp_core::jsonrpc::ErrorObject) -> i32 {
    e.code.code()
}

#[tokio::test]
async fn modern_discover_and_lists() {
    let c = TestClient::new(fixture().build());
    let d = c
        .modern("server/discover", json!({}), json!({}))
        .await
        .expect("discover");
    assert_eq!(d["resultType"], "complete");
    assert_eq!(d["supportedVersions"], json!(["2026-07-28"]));
    assert!(d["capabilities"]["tools"].is_object());
    assert!(d["capabilities"]["prompts"].is_object());
    assert!(d["ttlMs"].is_u64());
    assert_eq!(d["cacheScope"], "private");
    assert_eq!(
        d["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "fixture"
    );
    assert_eq!(d["instructions"], "use the tools");

    let tools = c
        .modern("tools/list", json!({}), json!({}))
        .await
        .expect("list");
    assert_eq!(tools["resultType"], "complete");
    assert!(tools["ttlMs"].is_u64());
    let names: Vec<&str> = tools["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names[..3], ["sum", "ask", "fail"], "registration order");
    assert!(tools.get("nextCursor").is_none());
    for method in ["resources/list", "resources/templates/list", "prompts/list"] {
        let r = c.modern(method, json!({}), json!({})).await.expect(method);
        assert_eq!(r["cacheScope"], "private", "{method}");
    }
}

#[tokio::test]
async fn capabilities_follow_registrations() {
    let only_tools = Server::builder("t", "1").tool(Sum).build();
    let c = TestClient::new(only_tools);
    let d = c
        .modern("server/discover", json!({}), json!({}))
        .await
        .expect("discover");
    assert!(d["capabilities"].get("prompts").is_none());
    assert!(d["capabilities"].get("resources").is_none());
    assert!(d["capabilities"].get("completions").is_none());
    let e = c
        .modern("prompts/list", json!({}), json!({}))
        .await
        .expect_err("no prompts");
    assert_eq!(code(&e), -32601);
}

#[tokio::test]
async fn modern_meta_errors() {
    let c = TestClient::new(fixture().build());
    let e = c
        .request("tools/list", json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "v999.0.0", "io.modelcontextprotocol/clientCapabilities": {}}}))
        .await
        .expect_err("unsupported");
    assert_eq!(code(&e), -32022);
    assert_eq!(
        e.data,
        Some(json!({"supported": ["2026-07-28"], "requested": "v999.0.0"}))
    );

    // a legacy revision is reachable only through initialize
    let e = c
        .request("tools/list", json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "2025-11-25", "io.modelcontextprotocol/clientCapabilities": {}}}))
        .await
        .expect_err("legacy in modern meta");
    assert_eq!(code(&e), -32022);

    let e = c
        .request(
            "tools/list",
            json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}}),
        )
        .await
        .expect_err("no capabilities");
    assert_eq!(code(&e), -32602);
    let e = c
        .request(
            "tools/list",
            json!({"_meta": {"io.modelcontextprotocol/clientCapabilities": {}}}),
        )
        .await
        .expect_err("no version");
    assert_eq!(code(&e), -32602);
    let e = c
        .request("tools/list", json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}, "io.modelcontextprotocol/logLevel": "loud"}}))
        .await
        .expect_err("bad level");
    assert_eq!(code(&e), -32602);

    for removed in [
        "initialize",
        "ping",
        "logging/setLevel",
        "resources/subscribe",
        "resources/unsubscribe",
        "unknown/method",
    ] {
        let e = c
            .modern(removed, json!({}), json!({}))
            .await
            .expect_err(removed);
        assert_eq!(code(&e), -32601, "{removed}");
    }
}

#[tokio::test]
async fn tool_errors_take_the_right_channel() {
    let c = TestClient::new(fixture().build());
    let e = c
        .modern("tools/call", json!({"name": "nope"}), json!({}))
        .await
        .expect_err("unknown");
    assert_eq!(code(&e), -32602);
    let e = c
        .modern("tools/call", json!({"arguments": {}}), json!({}))
        .await
        .expect_err("no name");
    assert_eq!(code(&e), -32602);

    let r = c
        .modern(
            "tools/call",
            json!({"name": "sum", "arguments": {"values": [1, "two"]}}),
            json!({}),
        )
        .await
        .expect("schema failure is a tool result");
    assert_eq!(r["isError"], true);
    assert!(
        r["content"][0]["text"]
            .as_str()
            .expect("text")
            .contains("/values/1"),
        "{r}"
    );

    let r = c
        .modern(
            "tools/call",
            json!({"name": "sum", "arguments": {"values": [1], "extra": 1}}),
            json!({}),
        )
        .await
        .expect("additional property");
    assert_eq!(r["isError"], true);

    let r = c
        .modern(
            "tools/call",
            json!({"name": "sum", "arguments": {"values": [1, 2.5]}}),
            json!({}),
        )
        .await
        .expect("sum");
    assert_eq!(r["content"][0]["text"], "3.5");
    assert!(r.get("isError").is_none());

    let r = c
        .modern("tools/call", json!({"name": "fail"}), json!({}))
        .await
        .expect("tool error");
    assert_eq!(r["isError"], true);
    assert_eq!(r["content"][0]["text"], "the widget is broken");

    for name in ["boom", "panic"] {
        let e = c
            .modern("tools/call", json!({"name": name}), json!({}))
            .await
            .expect_err(name);
        assert_eq!(code(&e), -32603);
        assert!(
            !e.message.contains("shadow") && !e.message.contains("kaboom"),
            "{}",
            e.message
        );
        assert!(e.message.contains("correlation id"));
    }
    // the server survives panics
    c.modern(
        "tools/call",
        json!({"name": "sum", "arguments": {"values": []}}),
        json!({}),
    )
    .await
    .expect("alive");
}

#[tokio::test]
async fn structured_output_per_era() {
    let c = TestClient::new(fixture().build());
    let r = c
        .modern("tools/call", json!({"name": "array_out"}), json!({}))
        .await
        .expect("modern");
    assert_eq!(r["structuredContent"], json!([1, 2, 3]));
    assert_eq!(r["content"][0]["text"], "[1,2,3]");

    c.initialize("2025-11-25", json!({})).await.expect("init");
    let r = c
        .request("tools/call", json!({"name": "array_out"}))
        .await
        .expect("legacy");
    assert_eq!(r["structuredContent"], json!({"result": [1, 2, 3]}));
    c.initialize("2025-03-26", json!({})).await.expect("init");
    let r = c
        .request("tools/call", json!({"name": "array_out"}))
        .await
        .expect("old");
    assert!(r.get("structuredContent").is_none());
    let r = c
        .request("tools/call", json!({"name": "audio"}))
        .await
        .expect("audio ok in 03-26");
    assert_eq!(r["content"][0]["type"], "audio");
    c.initialize("2024-11-05", json!({})).await.expect("init");
    let r = c
        .request("tools/call", json!({"name": "audio"}))
        .await
        .expect("audio downgraded");
    assert_eq!(r["content"][0]["type"], "text");
}

#[tokio::test]
async fn modern_input_required_round_trips() {
    let c = TestClient::new(fixture().build());
    let caps = json!({"elicitation": {}});
    let r1 = c
        .modern("tools/call", json!({"name": "ask"}), caps.clone())
        .await
        .expect("round 1");
    assert_eq!(r1["resultType"], "input_required");
    assert_eq!(r1["inputRequests"]["first"]["method"], "elicitation/create");
    let state1 = r1["requestState"].as_str().expect("state").to_owned();
    assert!(r1.get("ttlMs").is_none());

    let answer = json!({"action": "accept", "content": {"name": "x"}});
    let r2 = c
        .modern(
            "tools/call",
            json!({"name": "ask", "inputResponses": {"first": answer}, "requestState": state1}),
            caps.clone(),
        )
        .await
        .expect("round 2");
    assert_eq!(r2["resultType"], "input_required");
    assert!(r2["inputRequests"].get("second").is_some());
    let state2 = r2["requestState"].as_str().expect("state").to_owned();
    assert_ne!(state1, state2);

    let r3 = c
        .modern(
            "tools/call",
            json!({"name": "ask", "inputResponses": {"second": {"action": "decline"}}, "requestState": state2}),
            caps.clone(),
        )
        .await
        .expect("round 3");
    assert_eq!(r3["resultType"], "complete");
    assert_eq!(r3["content"][0]["text"], "{\"first\":true} Decline");

    // tampered state
    let e = c
        .modern(
            "tools/call",
            json!({"name": "ask", "inputResponses": {"first": answer}, "requestState": format!("{state2}-TAMPERED")}),
            caps.clone(),
        )
        .await
        .expect_err("tampered");
    assert_eq!(code(&e), -32602);
    // state from another tool's request is foreign
    let e = c
        .modern(
            "tools/call",
            json!({"name": "sum", "arguments": {"values": []}, "requestState": state2}),
            caps.clone(),
        )
        .await
        .expect_err("foreign");
    assert_eq!(code(&e), -32602);

    // malformed input response
    let e = c
        .modern(
            "tools/call",
            json!({"name": "ask", "inputResponses": {"first": 12345}}),
            caps,
        )
        .await
        .expect_err("invalid response");
    assert_eq!(code(&e), -32602);

    // capability not declared on this request
    let e = c
        .modern(
            "tools/call",
            json!({"name": "ask"}),
            json!({"sampling": {}}),
        )
        .await
        .expect_err("no elicitation");
    assert_eq!(code(&e), -32021);
    assert_eq!(
        e.data,
        Some(json!({"requiredCapabilities": {"elicitation": {"form": {}}}}))
    );
}

#[tokio::test]
async fn legacy_input_is_asked_of_the_client() {
    let c = TestClient::with_answers(fixture().build(), |method, _params| match method {
        "elicitation/create" => Ok(json!({"action": "accept", "content": {"name": "x"}})),
        "roots/list" => Ok(json!({"roots": [{"uri": "file:///a"}, {"uri": "file:///b"}]})),
        _ => Err(mcp_core::jsonrpc::ErrorObject::method_not_found(method)),
    });
    c.initialize("2025-11-25", json!({"elicitation": {}, "roots": {}}))
        .await
        .expect("init");
    let r = c
        .request("tools/call", json!({"name": "ask"}))
        .await
        .expect("ask");
    assert_eq!(r["content"][0]["text"], "{\"first\":true} Accept");
    let r = c
        .request("tools/call", json!({"name": "roots"}))
        .await
        .expect("roots");
    assert_eq!(r["content"][0]["text"], "2 roots");
    let methods: Vec<Value> = c
        .server_requests()
        .iter()
        .map(|r| r["method"].clone())
        .collect();
    assert_eq!(
        methods,
        [
            json!("elicitation/create"),
            json!("elicitation/create"),
            json!("roots/list")
        ]
    );
}

#[tokio::test]
async fn legacy_input_without_capability_is_refused() {
    let c = TestClient::new(fixture().build());
    c.initialize("2025-11-25", json!({})).await.expect("init");
    let e = c
        .request("tools/call", json!({"name": "roots"}))
        .await
        .expect_err("no roots capability");
    assert_eq!(code(&e), -32600);
    assert!(
        c.server_requests().is_empty(),
        "nothing may be sent for undeclared capabilities"
    );
}

#[tokio::test]
async fn progress_and_logging_per_era() {
    let c = TestClient::new(fixture().build());
    // modern without logLevel: progress yes (token), logs no
    let r = c
        .modern(
            "tools/call",
            json!({"name": "progress", "_meta": {"progressToken": "p1"}}),
            json!({}),
        )
        .await
        .expect("call");
    assert_eq!(r["content"][0]["text"], "done");
    let notes = c.notifications().await;
    let progress: Vec<f64> = notes
        .iter()
        .filter(|n| n["method"] == "notifications/progress")
        .map(|n| {
            assert_eq!(n["params"]["progressToken"], "p1");
            n["params"]["progress"].as_f64().expect("progress")
        })
        .collect();
    assert_eq!(
        progress,
        [0.0, 50.0, 100.0],
        "monotonic: the repeated 50 is dropped"
    );
    assert!(notes.iter().all(|n| n["method"] != "notifications/message"));

    // modern with logLevel info: the info record only
    let params = json!({"name": "progress", "_meta": {"io.modelcontextprotocol/logLevel": "info"}});
    c.modern("tools/call", params, json!({}))
        .await
        .expect("call");
    let logs: Vec<Value> = c
        .notifications()
        .await
        .into_iter()
        .filter(|n| n["method"] == "notifications/message")
        .collect();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["params"]["level"], "info");

    // legacy: setLevel debug → both records; integer progress token kept as integer
    c.initialize("2025-11-25", json!({})).await.expect("init");
    c.request("logging/setLevel", json!({"level": "debug"}))
        .await
        .expect("setLevel");
    c.request(
        "tools/call",
        json!({"name": "progress", "_meta": {"progressToken": 7}}),
    )
    .await
    .expect("call");
    let notes = c.notifications().await;
    assert_eq!(
        notes
            .iter()
            .filter(|n| n["method"] == "notifications/message")
            .count(),
        2
    );
    assert!(
        notes
            .iter()
            .filter(|n| n["method"] == "notifications/progress")
            .all(|n| n["params"]["progressToken"] == 7)
    );
}

#[tokio::test]
async fn resources_per_era() {
    let c = TestClient::new(fixture().build());
    let r = c
        .modern("resources/read", json!({"uri": "test://static"}), json!({}))
        .await
        .expect("static");
    assert_eq!(r["contents"][0]["text"], "hi");
    assert!(r["ttlMs"].is_u64());
    let r = c
        .modern(
            "resources/read",
            json!({"uri": "test://item/42"}),
            json!({}),
        )
        .await
        .expect("template");
    assert_eq!(r["contents"][0]["text"], "item 42");
    for missing in ["test://nope", "test://item/0", "test://item/x"] {
        let e = c
            .modern("resources/read", json!({"uri": missing}), json!({}))
            .await
            .expect_err(missing);
        assert_eq!(code(&e), -32602, "{missing}");
        assert_eq!(e.data, Some(json!({"uri": missing})));
    }
    c.initialize("2025-06-18", json!({})).await.expect("init");
    let e = c
        .request("resources/read", json!({"uri": "test://nope"}))
        .await
        .expect_err("legacy");
    assert_eq!(code(&e), -32002);
}

#[tokio::test]
async fn prompts_and_completion() {
    let c = TestClient::new(fixture().build());
    let r = c
        .modern(
            "prompts/get",
            json!({"name": "greeting", "arguments": {"name": "Ada"}}),
            json!({}),
        )
        .await
        .expect("get");
    assert_eq!(r["messages"][0]["content"]["text"], "Hello Ada");
    let e = c
        .modern("prompts/get", json!({"name": "greeting"}), json!({}))
        .await
        .expect_err("missing arg");
    assert_eq!(code(&e), -32602);
    let e = c
        .modern("prompts/get", json!({"name": "nope"}), json!({}))
        .await
        .expect_err("unknown");
    assert_eq!(code(&e), -32602);

    let r = c
        .modern(
            "completion/complete",
            json!({"ref": {"type": "ref/prompt", "name": "greeting"}, "argument": {"name": "name", "value": "a"}}),
            json!({}),
        )
        .await
        .expect("complete");
    assert_eq!(
        r["completion"]["values"].as_array().expect("values").len(),
        100
    );
    assert_eq!(r["completion"]["hasMore"], true);
    assert_eq!(r["completion"]["total"], 150);
    let e = c
        .modern(
            "completion/complete",
            json!({"ref": {"type": "ref/prompt", "name": "nope"}, "argument": {"name": "x", "value": ""}}),
            json!({}),
        )
        .await
        .expect_err("unknown prompt");
    assert_eq!(code(&e), -32602);
}

#[tokio::test]
async fn pagination() {
    let mut b = Server::builder("many", "1").page_size(100);
    for i in 0..250 {
        b = b.tool(tool::from_fn(
            def(&format!("t{i:03}"), json!({"type": "object"})),
            |_| async { Ok(CallToolResult::text("x")) },
        ));
    }
    let c = TestClient::new(b.build());
    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let params = match &cursor {
            Some(cur) => json!({"cursor": cur}),
            None => json!({}),
        };
        let r = c
            .modern("tools/list", params, json!({}))
            .await
            .expect("page");
        seen.extend(
            r["tools"]
                .as_array()
                .expect("tools")
                .iter()
                .map(|t| t["name"].clone()),
        );
        match r.get("nextCursor") {
            Some(Value::String(next)) => cursor = Some(next.clone()),
            Some(other) => panic!("bad cursor {other}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 250);
    assert_eq!(seen[249], "t249");
    let e = c
        .modern("tools/list", json!({"cursor": "garbage!"}), json!({}))
        .await
        .expect_err("bad cursor");
    assert_eq!(code(&e), -32602);
}

#[tokio::test]
async fn listen_acknowledges_then_tags() {
    let server = fixture().build();
    let notifier = server.notifier();
    let c = TestClient::new(server);
    let params = mcp_server::testing::with_meta(
        json!({"notifications": {"toolsListChanged": true, "resourceSubscriptions": ["test://static"]}}),
        TestClient::modern_meta(json!({})),
    );
    let rx = c.send_request(
        mcp_core::jsonrpc::RequestId::String("listen-1".into()),
        "subscriptions/listen",
        params,
    );
    let ack = c.next_notification().await.expect("ack");
    assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");
    assert_eq!(
        ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        "listen-1"
    );
    assert_eq!(ack["params"]["notifications"]["toolsListChanged"], true);
    notifier.prompts_changed(); // not requested: never delivered
    notifier.tools_changed();
    notifier.resource_updated("test://static");
    let n = c.next_notification().await.expect("tools changed");
    assert_eq!(n["method"], "notifications/tools/list_changed");
    assert_eq!(
        n["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        "listen-1"
    );
    let n = c.next_notification().await.expect("updated");
    assert_eq!(n["method"], "notifications/resources/updated");
    assert_eq!(n["params"]["uri"], "test://static");
    // the client cancels: no response is ever sent for the listen id
    c.notify("notifications/cancelled", json!({"requestId": "listen-1"}));
    c.modern("tools/list", json!({}), json!({}))
        .await
        .expect("still serving");
    drop(rx);
}

#[tokio::test]
async fn legacy_session_lifecycle() {
    let c = TestClient::new(fixture().build());
    c.request("ping", json!({}))
        .await
        .expect("ping before initialize");
    let e = c
        .request("tools/list", json!({}))
        .await
        .expect_err("not initialized");
    assert_eq!(code(&e), -32600);

    let r = c.initialize("2025-06-18", json!({})).await.expect("init");
    assert_eq!(r["protocolVersion"], "2025-06-18");
    assert!(r["capabilities"].get("extensions").is_none());
    let r = c.initialize("2099-01-01", json!({})).await.expect("init");
    assert_eq!(
        r["protocolVersion"], "2025-11-25",
        "never echo an unsupported version"
    );
    assert_eq!(r["serverInfo"]["name"], "fixture");

    let tools = c.request("tools/list", json!({})).await.expect("list");
    assert!(tools.get("resultType").is_none() && tools.get("ttlMs").is_none());

    c.request("resources/subscribe", json!({"uri": "test://static"}))
        .await
        .expect("subscribe");
    // legacy sessions get notifications without listen
    c.request(
        "tools/call",
        json!({"name": "sum", "arguments": {"values": []}}),
    )
    .await
    .expect("call");
}

#[tokio::test]
async fn legacy_subscriptions_deliver_updates() {
    let server = fixture().build();
    let notifier = server.notifier();
    let c = TestClient::new(server);
    c.initialize("2025-11-25", json!({})).await.expect("init");
    c.request("ping", json!({}))
        .await
        .expect("initialized is processed");
    c.request("resources/subscribe", json!({"uri": "test://static"}))
        .await
        .expect("subscribe");
    notifier.resource_updated("test://other");
    notifier.resource_updated("test://static");
    let n = c.next_notification().await.expect("update");
    assert_eq!(n["method"], "notifications/resources/updated");
    assert_eq!(n["params"]["uri"], "test://static");
    c.request("resources/unsubscribe", json!({"uri": "test://static"}))
        .await
        .expect("unsubscribe");
    notifier.resource_updated("test://static");
    notifier.tools_changed();
    let n = c.next_notification().await.expect("list changed");
    assert_eq!(n["method"], "notifications/tools/list_changed");
}

#[tokio::test]
async fn stdio_framing_errors_keep_serving() {
    let c = TestClient::new(fixture().build());
    c.send_raw("{bad json");
    let r = c.next_orphan().await;
    assert_eq!(r.id, None);
    assert_eq!(r.outcome.expect_err("error").code.code(), -32700);
    c.send_raw(r#"{"jsonrpc":"2.0","id":null,"method":"tools/list"}"#);
    assert_eq!(
        c.next_orphan()
            .await
            .outcome
            .expect_err("error")
            .code
            .code(),
        -32600
    );
    c.send_raw(r#"{"jsonrpc":"2.0","id":"d","id":"e","method":"tools/list"}"#);
    assert_eq!(
        c.next_orphan()
            .await
            .outcome
            .expect_err("error")
            .code
            .code(),
        -32700
    );
    c.initialize("2025-11-25", json!({})).await.expect("init");
    c.send_raw(r#"[{"jsonrpc":"2.0","id":90,"method":"ping"}]"#);
    assert_eq!(
        c.next_orphan()
            .await
            .outcome
            .expect_err("error")
            .code
            .code(),
        -32600
    );
    c.request("ping", json!({})).await.expect("still serving");
}

#[tokio::test]
async fn long_lines_are_rejected() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let (client, server_io) = tokio::io::duplex(1 << 16);
    let (r, w) = tokio::io::split(server_io);
    let transport = mcp_server::stdio::Stdio::new(fixture().build()).max_line_bytes(1024);
    let task = tokio::spawn(transport.serve(r, w));
    let (cr, mut cw) = tokio::io::split(client);
    let long = format!("{{\"x\":\"{}\"}}\n", "a".repeat(5000));
    cw.write_all(long.as_bytes()).await.expect("write");
    cw.write_all(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n")
        .await
        .expect("write");
    let mut lines = tokio::io::BufReader::new(cr).lines();
    let first: Value =
        serde_json::from_str(&lines.next_line().await.expect("read").expect("line")).expect("json");
    assert_eq!(first["error"]["code"], -32700);
    assert_eq!(first["id"], Value::Null);
    let second: Value =
        serde_json::from_str(&lines.next_line().await.expect("read").expect("line")).expect("json");
    assert_eq!(second["id"], 1);
    cw.shutdown().await.expect("eof");
    drop(cw);
    task.await.expect("join").expect("clean exit on EOF");
}

#[tokio::test]
async fn cancellation_suppresses_the_response() {
    let c = TestClient::new(fixture().build());
    c.initialize("2025-11-25", json!({})).await.expect("init");
    let rx = c.send_request(
        mcp_core::jsonrpc::RequestId::Number(500),
        "tools/call",
        json!({"name": "slow"}),
    );
    c.request("ping", json!({}))
        .await
        .expect("the slow call is in flight");
    c.notify(
        "notifications/cancelled",
        json!({"requestId": 500, "reason": "user"}),
    );
    // a later request on the same connection is answered; the cancelled one never is
    c.request("ping", json!({})).await.expect("ping");
    let mut rx = rx;
    assert!(rx.try_recv().is_err(), "no response after cancellation");
}

#[tokio::test]
async fn batches_only_in_2025_03_26() {
    let c = TestClient::new(fixture().build());
    c.initialize("2025-03-26", json!({})).await.expect("init");
    let rx1 = c.send_request(
        mcp_core::jsonrpc::RequestId::Number(900),
        "ping",
        Value::Null,
    );
    drop(rx1);
    c.send_raw(r#"[{"jsonrpc":"2.0","id":901,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/x"}]"#);
    let r = c.next_orphan().await;
    assert_eq!(r.id, Some(mcp_core::jsonrpc::RequestId::Number(901)));
    assert!(r.outcome.is_ok());
}

#[tokio::test]
async fn eof_ends_serve() {
    let c = TestClient::new(fixture().build());
    c.initialize("2025-11-25", json!({})).await.expect("init");
    let _pending = c.send_request(
        mcp_core::jsonrpc::RequestId::Number(77),
        "tools/call",
        json!({"name": "slow"}),
    );
    c.close()
        .await
        .expect("serve returns on EOF even with work in flight");
}

#[tokio::test]
async fn per_call_authorization() {
    use mcp_server::authz::{Check, Decision};
    let server = fixture()
        .authorize(|check: &Check<'_>| match (check.method, check.name) {
            (_, Some("fail")) => Decision::Hide,
            ("tools/call", Some("sum")) => {
                let values = check
                    .arguments
                    .and_then(|a| a.get("values"))
                    .and_then(Value::as_array);
                if values.is_some_and(|v| v.len() > 3) {
                    Decision::deny("you may sum at most 3 values")
                } else {
                    Decision::Allow
                }
            }
            ("tools/call", Some("audio")) if !check.principal.has_scope("media") => {
                Decision::InsufficientScope {
                    required: vec!["media".into(), "tools:call".into()],
                }
            }
            ("tools/call", Some("panic")) => panic!("policy bug"),
            _ => Decision::Allow,
        })
        .build();
    let c = TestClient::new(server);
    let list = c
        .modern("tools/list", json!({}), json!({}))
        .await
        .expect("list");
    let names: Vec<&str> = list["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(!names.contains(&"fail"), "hidden tools are unlisted");
    assert!(names.contains(&"audio"), "a scope shortfall does not hide");

    let hidden = c
        .modern("tools/call", json!({"name": "fail"}), json!({}))
        .await
        .expect_err("hidden");
    let unknown = c
        .modern("tools/call", json!({"name": "no_such_tool"}), json!({}))
        .await
        .expect_err("unknown");
    assert_eq!(code(&hidden), code(&unknown));
    assert_eq!(
        hidden.message.replace("fail", "X"),
        unknown.message.replace("no_such_tool", "X")
    );

    let e = c
        .modern("tools/call", json!({"name": "audio"}), json!({}))
        .await
        .expect_err("scope");
    assert_eq!(code(&e), -31001);
    assert_eq!(
        e.data,
        Some(json!({"requiredScopes": ["media", "tools:call"]}))
    );

    let e = c
        .modern(
            "tools/call",
            json!({"name": "sum", "arguments": {"values": [1, 2, 3, 4]}}),
            json!({}),
        )
        .await
        .expect_err("argument rule");
    assert_eq!(code(&e), -31003);
    assert_eq!(e.message, "you may sum at most 3 values");
    c.modern(
        "tools/call",
        json!({"name": "sum", "arguments": {"values": [1, 2]}}),
        json!({}),
    )
    .await
    .expect("allowed");

    let e = c
        .modern("tools/call", json!({"name": "panic"}), json!({}))
        .await
        .expect_err("a panicking policy denies");
    assert_eq!(code(&e), -31003);

    // legacy sessions are authorized per call as well
    c.initialize("2025-11-25", json!({})).await.expect("init");
    let e = c
        .request("tools/call", json!({"name": "audio"}))
        .await
        .expect_err("scope");
    assert_eq!(code(&e), -31001);
}

#[tokio::test]
async fn middleware_layers_wrap_every_request() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use mcp_server::middleware::{RpcRequest, RpcResponse, RpcService};
    use tower::ServiceExt as _;

    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let limit = tower::layer::layer_fn(move |inner: RpcService| {
        let counter = Arc::clone(&counter);
        tower::service_fn(move |req: RpcRequest| {
            let inner = inner.clone();
            let counter = Arc::clone(&counter);
            async move {
                counter.fetch_add(1, Ordering::Relaxed);
                if req.method() == "tools/call" && req.principal().subject == "anonymous" {
                    let params = req.params().map(|p| p.get().to_owned()).unwrap_or_default();
                    if params.contains("\"fail\"") {
                        return Ok(RpcResponse::error(
                            &req,
                            mcp_core::jsonrpc::ErrorObject::new(
                                mcp_core::jsonrpc::ErrorCode(-31029),
                                "rate limited",
                            ),
                        ));
                    }
                }
                inner.oneshot(req).await
            }
        })
    });
    let c = TestClient::new(fixture().layer(limit).build());
    c.modern("tools/list", json!({}), json!({}))
        .await
        .expect("list");
    let e = c
        .modern("tools/call", json!({"name": "fail"}), json!({}))
        .await
        .expect_err("limited");
    assert_eq!(code(&e), -31029);
    c.initialize("2025-11-25", json!({})).await.expect("init");
    c.request(
        "tools/call",
        json!({"name": "sum", "arguments": {"values": [1]}}),
    )
    .await
    .expect("sum");
    assert_eq!(
        seen.load(Ordering::Relaxed),
        3,
        "initialize is not an MCP request of the engine"
    );
}
