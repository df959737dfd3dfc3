//! Lists, capabilities and the initialize handshake, per era.

use mcp_server::testing::TestClient;
use serde_json::{Value, json};

use crate::{LEGACY, PROMPTS, TOOLS, names, set};

#[tokio::test]
async fn modern_discover_and_lists_name_the_contract() {
    let c = TestClient::new(everything::server());
    let d = c
        .modern("server/discover", json!({}), json!({}))
        .await
        .expect("discover");
    let caps = &d["capabilities"];
    assert_eq!(caps["tools"]["listChanged"], true, "{d}");
    assert_eq!(caps["prompts"]["listChanged"], true);
    assert!(caps["resources"].is_object());
    assert!(caps["completions"].is_object());
    assert_eq!(
        d["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        everything::NAME
    );

    let tools = c
        .modern("tools/list", json!({}), json!({}))
        .await
        .expect("tools");
    assert_eq!(names(&tools, "tools", "name"), set(&TOOLS));
    for tool in tools["tools"].as_array().expect("tools") {
        assert!(tool["description"].is_string(), "{tool}");
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
    }
    for (method, key) in [
        ("tools/list", "tools"),
        ("prompts/list", "prompts"),
        ("resources/list", "resources"),
        ("resources/templates/list", "resourceTemplates"),
    ] {
        let r = c.modern(method, json!({}), json!({})).await.expect(method);
        assert_eq!(r["resultType"], "complete", "{method}");
        assert!(
            r["ttlMs"].is_u64() && r["cacheScope"].is_string(),
            "{method}: {r}"
        );
        assert!(r[key].is_array(), "{method}");
    }
    let prompts = c
        .modern("prompts/list", json!({}), json!({}))
        .await
        .expect("prompts");
    assert_eq!(names(&prompts, "prompts", "name"), set(&PROMPTS));
    for p in prompts["prompts"].as_array().expect("prompts") {
        assert!(p["description"].is_string(), "{p}");
    }
    let args: Vec<Value> = prompts["prompts"][1]["arguments"]
        .as_array()
        .expect("args")
        .clone();
    assert_eq!(args[0]["name"], "arg1");
    assert_eq!(args[1]["name"], "arg2");
    assert!(args.iter().all(|a| a["required"] == true));
    assert_eq!(prompts["prompts"][2]["arguments"][0]["name"], "resourceUri");

    let resources = c
        .modern("resources/list", json!({}), json!({}))
        .await
        .expect("resources");
    assert_eq!(
        names(&resources, "resources", "uri"),
        set(&[
            "test://static-text",
            "test://static-binary",
            "test://watched-resource"
        ])
    );
    assert_eq!(
        resources["resources"][0]["uri"], "test://static-text",
        "caching reads the first"
    );
    let templates = c
        .modern("resources/templates/list", json!({}), json!({}))
        .await
        .expect("templates");
    assert_eq!(
        templates["resourceTemplates"][0]["uriTemplate"],
        "test://template/{id}/data"
    );
}

#[tokio::test]
async fn legacy_initialize_declares_the_contract() {
    let c = TestClient::new(everything::server());
    let init = c.initialize(LEGACY, json!({})).await.expect("initialize");
    assert_eq!(init["protocolVersion"], LEGACY);
    let caps = &init["capabilities"];
    for cap in ["tools", "prompts", "resources", "logging", "completions"] {
        assert!(caps[cap].is_object(), "{cap}: {caps}");
    }
    assert_eq!(caps["resources"]["subscribe"], true);
    c.request("ping", json!({})).await.expect("ping");
    c.request("logging/setLevel", json!({"level": "debug"}))
        .await
        .expect("setLevel");
    let tools = c.request("tools/list", json!({})).await.expect("tools");
    assert_eq!(names(&tools, "tools", "name"), set(&TOOLS));
    let prompts = c.request("prompts/list", json!({})).await.expect("prompts");
    assert_eq!(names(&prompts, "prompts", "name"), set(&PROMPTS));
    let resources = c
        .request("resources/list", json!({}))
        .await
        .expect("resources");
    assert!(
        resources["resources"]
            .as_array()
            .expect("list")
            .iter()
            .all(|r| r["name"].is_string())
    );
    for method in ["resources/subscribe", "resources/unsubscribe"] {
        let r = c
            .request(method, json!({"uri": "test://watched-resource"}))
            .await
            .expect(method);
        assert_eq!(r, json!({}), "{method}");
    }
}
