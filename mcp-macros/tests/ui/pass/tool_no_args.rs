//! A tool without arguments still has an object schema that allows nothing.
use mcp_server::{Tool, mcp_tool};
use serde_json::json;

/// Returns the time.
#[mcp_tool(name = "clock.now")]
async fn now() -> &'static str {
    "noon"
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let def = Tool::definition(&now);
    assert_eq!(def.name, "clock.now");
    assert_eq!(
        serde_json::Value::Object(def.input_schema),
        json!({"type": "object", "properties": {}, "additionalProperties": false})
    );
    assert_eq!(def.annotations, None);
    assert_eq!(now.call().await, "noon");
    let _server = mcp_server::Server::builder("t", "1").tool(now).build();
}
