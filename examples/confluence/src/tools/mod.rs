//! The tools. Read tools are annotated `read_only, idempotent, open_world`; writes
//! `open_world` with `destructive` set for the update (it replaces a body) and unset for
//! creations and comments.

pub mod comments;
pub mod pages;
pub mod search;
pub mod spaces;

use serde_json::Value;

/// The `cursor` of a v2 list's `_links.next`.
pub(crate) fn next_cursor(body: &Value) -> Option<String> {
    body.get("_links")
        .and_then(|l| l.get("next"))
        .and_then(Value::as_str)
        .and_then(crate::cql::cursor_from_next)
}
