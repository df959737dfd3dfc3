//! The diagnostics of the 2026-07-28 `server-stateless` scenario.

use std::collections::BTreeMap;

use mcp_server::core::protocol::{ElicitRequestFormParams, ElicitationSchema};
use mcp_server::{Input, Logger, Notifier, ToolError, mcp_tool};

use super::interactive::{sampled_text, sampling_request, string_field};

/// Needs the client's `sampling` capability: a client that did not declare it gets -32021
/// with `requiredCapabilities: {"sampling": {}}` (the SDK checks the input request against
/// the declared capabilities).
#[mcp_tool]
pub async fn test_missing_capability(#[ctx] input: Input) -> Result<String, ToolError> {
    let answer = input.sample(
        "needs_sampling",
        sampling_request(
            "Reply with OK: this request requires the sampling capability",
            10,
        ),
    )?;
    Ok(format!(
        "Sampling capability present: {}",
        sampled_text(&answer.content)
    ))
}

/// Elicits a name. The request travels inside an `InputRequiredResult`, never as a
/// server-to-client request on the response stream.
#[mcp_tool]
pub async fn test_streaming_elicitation(#[ctx] input: Input) -> Result<String, ToolError> {
    let schema = ElicitationSchema::new(BTreeMap::from([(
        "name".to_owned(),
        string_field("Your name", None),
    )]));
    let answer = input.elicit(
        "stream_name",
        ElicitRequestFormParams::new("What is your name?", schema).into(),
    )?;
    let name = answer
        .content
        .as_ref()
        .and_then(|c| c.get("name"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("anonymous");
    Ok(format!("Hello, {name}!"))
}

/// Logs at `info`. In 2026-07-28 nothing is sent unless the request carried
/// `_meta["io.modelcontextprotocol/logLevel"]`.
#[mcp_tool(read_only)]
pub async fn test_logging_tool(#[ctx] log: Logger) -> &'static str {
    log.named("test_logging_tool")
        .info("test_logging_tool executed");
    "Logging tool executed"
}

/// Publishes `notifications/tools/list_changed` to every listener that asked for it.
#[mcp_tool]
pub async fn test_trigger_tool_change(#[ctx] notifier: Notifier) -> String {
    let listeners = notifier.tools_changed();
    format!("tools/list_changed published to {listeners} listener(s)")
}

/// Publishes `notifications/prompts/list_changed` to every listener that asked for it.
#[mcp_tool]
pub async fn test_trigger_prompt_change(#[ctx] notifier: Notifier) -> String {
    let listeners = notifier.prompts_changed();
    format!("prompts/list_changed published to {listeners} listener(s)")
}
