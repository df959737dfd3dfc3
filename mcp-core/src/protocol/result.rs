//! What every result carries: [`ResultType`], the caching hint [`CacheScope`], and
//! [`EmptyResult`] for acknowledgements.

use serde::{Deserialize, Serialize};

use super::meta::Meta;

/// The kind of a result (2026-07-28: `resultType`, required on every modern result).
///
/// Legacy revisions (2025-11-25 and older) have no `resultType`; result types keep it
/// optional so that one type serves both eras.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResultType {
    /// `complete`: an ordinary, final result.
    #[default]
    Complete,
    /// `input_required`: an interim [`InputRequiredResult`](super::InputRequiredResult)
    /// (multi round-trip requests).
    InputRequired,
    /// `task`: a task was created (the `io.modelcontextprotocol/tasks` extension).
    Task,
}

/// Who may cache a result (2026-07-28 caching hints, next to `ttlMs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CacheScope {
    /// `public`: any client may share the cached result.
    Public,
    /// `private`: the result depends on the caller (for example its authorization).
    Private,
}

/// A result with no content: the acknowledgement of `ping`, `logging/setLevel`,
/// `resources/subscribe`, `tasks/update`, ...
///
/// ```
/// use mcp_core::protocol::EmptyResult;
///
/// assert_eq!(serde_json::to_string(&EmptyResult::default()).unwrap(), "{}");
/// assert_eq!(
///     serde_json::to_string(&EmptyResult::complete()).unwrap(),
///     r#"{"resultType":"complete"}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EmptyResult {
    /// The result type (2026-07-28; absent in legacy revisions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl EmptyResult {
    /// `{"resultType":"complete"}`, the modern empty acknowledgement.
    pub fn complete() -> Self {
        Self {
            result_type: Some(ResultType::Complete),
            meta: None,
        }
    }
}
