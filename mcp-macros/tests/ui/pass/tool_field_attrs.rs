//! `#[serde]` and `#[schemars]` on arguments reach the input schema.
use mcp_server::{Tool, mcp_tool};

/// Sums values.
#[mcp_tool]
async fn total(
    /// The values.
    #[schemars(length(max = 3))]
    values: Vec<f64>,
    /// Who asks.
    #[serde(rename = "userId")]
    user_id: Option<String>,
) -> String {
    format!("{} {}", values.iter().sum::<f64>(), user_id.unwrap_or_default())
}

/// Greets.
#[mcp_server::mcp_prompt]
async fn greet(#[serde(rename = "resourceUri")] resource_uri: String) -> String {
    resource_uri
}

fn main() {
    let def = Tool::definition(&total);
    let schema = serde_json::Value::Object(def.input_schema);
    assert_eq!(schema["properties"]["values"]["maxItems"], 3);
    assert!(schema["properties"].get("userId").is_some());
    assert!(schema["properties"].get("user_id").is_none());
    let prompt = mcp_server::Prompt::definition(&greet);
    assert_eq!(prompt.arguments.expect("arguments")[0].name, "resourceUri");
}
