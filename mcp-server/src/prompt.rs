//! Prompts: the [`Prompt`] trait and what a prompt may return ([`IntoPromptResult`]).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use mcp_core::protocol::{
    ContentBlock, GetPromptResult, Prompt as PromptDef, PromptMessage, Role, TextContent,
};

use crate::context::RequestContext;
use crate::error::HandlerError;

/// A prompt: its definition (name, arguments, ...) and its handler.
///
/// The engine answers -32602 for an unknown prompt and for missing required arguments
/// before calling [`get`](Prompt::get).
pub trait Prompt: Send + Sync + 'static {
    /// The prompt's definition, as listed by `prompts/list`.
    fn definition(&self) -> PromptDef;

    /// Renders the prompt.
    fn get(
        &self,
        call: PromptCall,
    ) -> impl Future<Output = Result<GetPromptResult, HandlerError>> + Send;
}

/// One `prompts/get`: its arguments and the request context.
#[derive(Debug)]
pub struct PromptCall {
    pub(crate) arguments: HashMap<String, String>,
    pub(crate) cx: RequestContext,
}

impl PromptCall {
    /// The value of argument `name`, if given.
    pub fn argument(&self, name: &str) -> Option<&str> {
        self.arguments.get(name).map(String::as_str)
    }

    /// All arguments.
    pub fn arguments(&self) -> &HashMap<String, String> {
        &self.arguments
    }

    /// Parses argument `name` with [`FromStr`](std::str::FromStr).
    ///
    /// # Errors
    ///
    /// -32602 naming the argument when it does not parse.
    pub fn parse<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, HandlerError>
    where
        T::Err: std::fmt::Display,
    {
        self.argument(name)
            .map(|v| {
                v.parse::<T>().map_err(|e| {
                    HandlerError::invalid_params(format!("invalid argument `{name}`: {e}"))
                })
            })
            .transpose()
    }

    /// The request context.
    pub fn context(&self) -> &RequestContext {
        &self.cx
    }
}

/// What a prompt handler may return.
///
/// | type | result |
/// | --- | --- |
/// | [`GetPromptResult`] | as is |
/// | `Vec<PromptMessage>` | those messages |
/// | `PromptMessage` | one message |
/// | `String` | one user message with that text |
/// | `Result<T, E: Into<HandlerError>>` | `T`'s result or the error |
pub trait IntoPromptResult {
    /// Converts into the prompt result.
    ///
    /// # Errors
    ///
    /// The handler's own error.
    fn into_prompt_result(self) -> Result<GetPromptResult, HandlerError>;
}

impl IntoPromptResult for GetPromptResult {
    fn into_prompt_result(self) -> Result<GetPromptResult, HandlerError> {
        Ok(self)
    }
}

impl IntoPromptResult for Vec<PromptMessage> {
    fn into_prompt_result(self) -> Result<GetPromptResult, HandlerError> {
        Ok(GetPromptResult::new(self))
    }
}

impl IntoPromptResult for PromptMessage {
    fn into_prompt_result(self) -> Result<GetPromptResult, HandlerError> {
        Ok(GetPromptResult::new(vec![self]))
    }
}

impl IntoPromptResult for String {
    fn into_prompt_result(self) -> Result<GetPromptResult, HandlerError> {
        Ok(GetPromptResult::new(vec![PromptMessage::new(
            Role::User,
            ContentBlock::Text(TextContent::new(self)),
        )]))
    }
}

impl<T: IntoPromptResult, E: Into<HandlerError>> IntoPromptResult for Result<T, E> {
    fn into_prompt_result(self) -> Result<GetPromptResult, HandlerError> {
        self.map_err(Into::into)?.into_prompt_result()
    }
}

pub(crate) trait ErasedPrompt: Send + Sync {
    fn get(&self, call: PromptCall) -> BoxFuture<'_, Result<GetPromptResult, HandlerError>>;
}

impl<T: Prompt> ErasedPrompt for T {
    fn get(&self, call: PromptCall) -> BoxFuture<'_, Result<GetPromptResult, HandlerError>> {
        Box::pin(Prompt::get(self, call))
    }
}

pub(crate) type DynPrompt = Arc<dyn ErasedPrompt>;
