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
    link(body, "next").and_then(crate::cql::cursor_from_next)
}

/// The `results` array of a list response (empty when absent).
pub(crate) fn results(body: &Value) -> &[Value] {
    body.get("results")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The string at `_links.<name>` of a response or result (`base`, `webui`, `next`).
pub(crate) fn link<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    value
        .get("_links")
        .and_then(|l| l.get(name))
        .and_then(Value::as_str)
}

/// Adds the `cursor` of the previous call to a list query, unless there is none.
pub(crate) fn push_cursor<'a>(query: &mut Vec<(&'a str, &'a str)>, cursor: Option<&'a str>) {
    if let Some(cursor) = cursor.filter(|c| !c.is_empty()) {
        query.push(("cursor", cursor));
    }
}
