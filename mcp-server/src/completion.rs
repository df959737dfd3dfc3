//! Argument completion for prompts and resource templates (`completion/complete`).

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::context::RequestContext;
use crate::error::HandlerError;

/// The most values one completion result carries (the specification's limit).
pub const MAX_VALUES: usize = 100;

/// One completion request: which argument, its partial value, and the other arguments
/// already filled in.
#[derive(Debug)]
pub struct CompletionRequest {
    pub(crate) argument: String,
    pub(crate) value: String,
    pub(crate) context: HashMap<String, String>,
    pub(crate) cx: RequestContext,
}

impl CompletionRequest {
    /// The argument (or template variable) being completed.
    pub fn argument(&self) -> &str {
        &self.argument
    }

    /// What the user typed so far.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Arguments already resolved (`context.arguments`, 2025-06-18+).
    pub fn resolved(&self) -> &HashMap<String, String> {
        &self.context
    }

    /// The request context.
    pub fn context(&self) -> &RequestContext {
        &self.cx
    }
}

/// What a completion handler may return: candidate values (truncated to [`MAX_VALUES`] with
/// `hasMore`), optionally with a `Result`.
pub trait IntoCompletion {
    /// Converts into the `completion` object.
    ///
    /// # Errors
    ///
    /// The handler's own error.
    fn into_completion(self) -> Result<Value, HandlerError>;
}

impl IntoCompletion for Vec<String> {
    fn into_completion(self) -> Result<Value, HandlerError> {
        let total = self.len();
        let has_more = total > MAX_VALUES;
        let values: Vec<String> = self.into_iter().take(MAX_VALUES).collect();
        Ok(json!({ "values": values, "total": total, "hasMore": has_more }))
    }
}

impl IntoCompletion for Vec<&str> {
    fn into_completion(self) -> Result<Value, HandlerError> {
        self.into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
            .into_completion()
    }
}

impl<T: IntoCompletion, E: Into<HandlerError>> IntoCompletion for Result<T, E> {
    fn into_completion(self) -> Result<Value, HandlerError> {
        self.map_err(Into::into)?.into_completion()
    }
}

/// What a completion handler is registered for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Prompt(String, String),
    Resource(String, String),
}

impl Key {
    pub(crate) fn prompt(name: &str, argument: &str) -> Self {
        Self::Prompt(name.to_owned(), argument.to_owned())
    }

    pub(crate) fn resource(uri_template: &str, variable: &str) -> Self {
        Self::Resource(uri_template.to_owned(), variable.to_owned())
    }
}

pub(crate) type Completer =
    Arc<dyn Fn(CompletionRequest) -> BoxFuture<'static, Result<Value, HandlerError>> + Send + Sync>;

/// The registered completion handlers.
pub(crate) struct Completions {
    map: HashMap<Key, Completer>,
}

impl Completions {
    pub(crate) fn new(entries: Vec<(Key, Completer)>) -> Self {
        Self {
            map: entries.into_iter().collect(),
        }
    }

    pub(crate) fn get(&self, key: &Key) -> Option<&Completer> {
        self.map.get(key)
    }
}
