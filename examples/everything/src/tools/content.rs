//! Content blocks, tool errors, logging and progress: the tools every wire shares.

use std::time::Duration;

use mcp_server::core::protocol::{
    AudioContent, ContentBlock, EmbeddedResource, ImageContent, TextResourceContents,
};
use mcp_server::{Logger, Progress, ToolError, mcp_tool};

use crate::fixtures::{EMBEDDED_URI, MIXED_URI, PNG_BASE64, SIMPLE_TEXT, WAV_BASE64};

/// Returns a simple text block.
#[mcp_tool(read_only)]
pub async fn test_simple_text() -> &'static str {
    SIMPLE_TEXT
}

/// Returns an image block (a 1x1 PNG).
#[mcp_tool(read_only)]
pub async fn test_image_content() -> ContentBlock {
    ImageContent::new(PNG_BASE64, "image/png").into()
}

/// Returns an audio block (a short WAV).
#[mcp_tool(read_only)]
pub async fn test_audio_content() -> ContentBlock {
    AudioContent::new(WAV_BASE64, "audio/wav").into()
}

/// Returns an embedded text resource (`test://embedded-resource`).
#[mcp_tool(read_only)]
pub async fn test_embedded_resource() -> ContentBlock {
    embedded_text(
        EMBEDDED_URI,
        "text/plain",
        "This is an embedded resource content.",
    )
}

/// Returns text, an image and an embedded JSON resource in one result.
#[mcp_tool(read_only)]
pub async fn test_multiple_content_types() -> Vec<ContentBlock> {
    vec![
        ContentBlock::text("Multiple content types test:"),
        ImageContent::new(PNG_BASE64, "image/png").into(),
        embedded_text(
            MIXED_URI,
            "application/json",
            r#"{"test":"data","value":123}"#,
        ),
    ]
}

/// Sends three `info` log notifications about 50 ms apart, then answers.
#[mcp_tool(read_only)]
pub async fn test_tool_with_logging(#[ctx] log: Logger) -> &'static str {
    let log = log.named("test_tool_with_logging");
    log.info("Tool execution started");
    tokio::time::sleep(Duration::from_millis(50)).await;
    log.info("Tool processing data");
    tokio::time::sleep(Duration::from_millis(50)).await;
    log.info("Tool execution completed");
    "Tool with logging executed successfully"
}

/// Always fails with a model-facing error (`isError: true`).
#[mcp_tool(read_only)]
pub async fn test_error_handling() -> Result<String, ToolError> {
    Err(ToolError::new(
        "This tool intentionally returns an error for testing",
    ))
}

/// Reports progress 0, 50 and 100 of 100, with short pauses between.
#[mcp_tool(read_only)]
pub async fn test_tool_with_progress(#[ctx] progress: Progress) -> &'static str {
    for (i, step) in [0.0, 50.0, 100.0].into_iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let message = format!("Completed step {i} of 2");
        progress.report(step, Some(100.0), Some(message.as_str()));
    }
    "Progress test completed"
}

/// Answers after a short delay (the `server-sse-polling` scenario of 2025-11-25: the HTTP
/// transport decides whether the response stream closes and resumes meanwhile).
#[mcp_tool(read_only)]
pub async fn test_reconnection() -> &'static str {
    tokio::time::sleep(Duration::from_millis(100)).await;
    "Reconnection test completed"
}

fn embedded_text(uri: &str, mime_type: &str, text: &str) -> ContentBlock {
    let mut contents = TextResourceContents::new(uri, text);
    contents.mime_type = Some(mime_type.to_owned());
    EmbeddedResource::new(contents.into()).into()
}
