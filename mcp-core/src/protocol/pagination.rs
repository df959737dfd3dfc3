//! Cursor-based pagination of the list methods.

use serde::{Deserialize, Serialize};

use super::meta::Meta;

/// An opaque pagination cursor. `""` is a valid cursor; the end of a list is an absent
/// `nextCursor`, never an empty one.
pub type Cursor = String;

/// Params of any paginated request (`{cursor?, _meta?}`). Each list method also has its own
/// params type ([`ListToolsParams`](super::ListToolsParams), ...) tied to its method name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaginatedParams {
    /// Where to continue, from a previous `nextCursor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<Cursor>,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}
