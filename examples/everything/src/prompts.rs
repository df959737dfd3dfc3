//! The prompt fixtures and the completion of `test_prompt_with_arguments`.

use std::collections::BTreeMap;

use mcp_server::core::protocol::{
    ContentBlock, ElicitRequestFormParams, ElicitationSchema, EmbeddedResource, ImageContent,
    PromptMessage, Role, TextResourceContents,
};
use mcp_server::{CompletionRequest, HandlerError, Input, ServerBuilder, mcp_prompt};

use crate::fixtures::PNG_BASE64;
use crate::tools::interactive::string_field;

/// Candidates offered for `arg1` of `test_prompt_with_arguments`.
pub const ARG1_CANDIDATES: [&str; 4] = ["test", "testing", "paris", "london"];

/// Registers every prompt and the prompt completions.
pub fn register(builder: ServerBuilder) -> ServerBuilder {
    builder
        .prompt(test_simple_prompt)
        .prompt(test_prompt_with_arguments)
        .prompt(test_prompt_with_embedded_resource)
        .prompt(test_prompt_with_image)
        .prompt(test_input_required_result_prompt)
        .complete_prompt("test_prompt_with_arguments", "arg1", complete_arg1)
}

/// A simple prompt without arguments.
#[mcp_prompt]
pub async fn test_simple_prompt() -> String {
    "This is a simple prompt for testing.".to_owned()
}

/// A prompt with two required arguments.
#[mcp_prompt]
pub async fn test_prompt_with_arguments(
    /// First test argument.
    arg1: String,
    /// Second test argument.
    arg2: String,
) -> String {
    format!("Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")
}

/// A prompt embedding the resource at `resourceUri`.
#[mcp_prompt]
pub async fn test_prompt_with_embedded_resource(
    /// URI of the resource to embed.
    #[serde(rename = "resourceUri")]
    resource_uri: String,
) -> Vec<PromptMessage> {
    let mut contents = TextResourceContents::new(
        resource_uri.as_str(),
        "Embedded resource content for testing.",
    );
    contents.mime_type = Some("text/plain".to_owned());
    vec![
        PromptMessage::new(Role::User, EmbeddedResource::new(contents.into()).into()),
        PromptMessage::new(
            Role::User,
            ContentBlock::text("Please process the embedded resource above."),
        ),
    ]
}

/// A prompt with an image.
#[mcp_prompt]
pub async fn test_prompt_with_image() -> Vec<PromptMessage> {
    vec![
        PromptMessage::new(
            Role::User,
            ImageContent::new(PNG_BASE64, "image/png").into(),
        ),
        PromptMessage::new(
            Role::User,
            ContentBlock::text("Please analyze the image above."),
        ),
    ]
}

/// `prompts/get` with a multi round-trip: asks for context (`user_context`) first.
#[mcp_prompt]
pub async fn test_input_required_result_prompt(
    #[ctx] input: Input,
) -> Result<String, HandlerError> {
    let mut schema = ElicitationSchema::new(BTreeMap::from([(
        "context".to_owned(),
        string_field("What the prompt should be about", None),
    )]));
    schema.required = Some(vec!["context".to_owned()]);
    let answer = input.elicit(
        "user_context",
        ElicitRequestFormParams::new("What context should the prompt use?", schema).into(),
    )?;
    let context = answer
        .content
        .as_ref()
        .and_then(|c| c.get("context"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("none given");
    Ok(format!("Prompt generated with user context: {context}"))
}

/// Completes `arg1` of `test_prompt_with_arguments` from [`ARG1_CANDIDATES`].
pub async fn complete_arg1(request: CompletionRequest) -> Vec<String> {
    let prefix = request.value().to_lowercase();
    ARG1_CANDIDATES
        .iter()
        .filter(|c| c.starts_with(&prefix))
        .map(|&c| c.to_owned())
        .collect()
}
