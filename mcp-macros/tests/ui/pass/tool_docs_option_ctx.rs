//! A tool with documented parameters, an optional one, a context extractor and options.
use mcp_server::{Principal, Tool, ToolError, mcp_tool};
use serde_json::json;

/// Greets someone.
///
/// Says hello.
#[mcp_tool(title = "Greeter", read_only, idempotent = false, icon = "https://example.com/a.png")]
pub async fn greet(
    /// Who to greet.
    name: String,
    /// How many times.
    times: Option<u32>,
    #[ctx] who: Principal,
    r#type: Option<String>,
) -> Result<String, ToolError> {
    let _ = (who, r#type);
    Ok(format!("hello {name}").repeat(times.unwrap_or(1) as usize))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let def = Tool::definition(&greet);
    assert_eq!(def.name, "greet");
    assert_eq!(def.title.as_deref(), Some("Greeter"));
    assert_eq!(def.description.as_deref(), Some("Greets someone.\n\nSays hello."));
    let annotations = def.annotations.expect("annotations");
    assert_eq!(annotations.title.as_deref(), Some("Greeter"));
    assert_eq!(annotations.read_only_hint, Some(true));
    assert_eq!(annotations.idempotent_hint, Some(false));
    assert_eq!(annotations.destructive_hint, None);
    assert_eq!(def.icons.expect("icons")[0].src, "https://example.com/a.png");
    assert_eq!(def.output_schema, None);

    let schema = serde_json::Value::Object(def.input_schema);
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["required"], json!(["name"]));
    assert_eq!(schema["properties"]["name"]["description"], "Who to greet.");
    assert_eq!(schema["properties"]["times"]["description"], "How many times.");
    assert!(schema["properties"]["type"].is_object(), "raw identifiers lose their `r#`");
    assert!(schema["properties"].get("who").is_none(), "extractors are not arguments");

    let out = greet.call("a".into(), Some(2), Principal::anonymous(), None).await;
    assert_eq!(out.expect("ok"), "hello ahello a");

    let _server = mcp_server::Server::builder("t", "1").tool(greet).build();
}
