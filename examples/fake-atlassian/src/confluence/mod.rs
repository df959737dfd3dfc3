//! Confluence Cloud REST v2 (pages, spaces, footer comments) and v1 CQL search.

pub(crate) mod model;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::http::{Reply, Req};
use crate::store::Store;

/// The v2 error envelope.
pub(crate) fn v2_error_body(status: StatusCode, title: &str) -> Value {
    let code = status
        .canonical_reason()
        .unwrap_or("ERROR")
        .to_ascii_uppercase()
        .replace(' ', "_");
    json!({"errors": [{"status": status.as_u16(), "code": code, "title": title, "detail": null}]})
}

/// Routes a Confluence request (`None` = no such route).
pub(crate) fn handle(_store: &mut Store, _req: &Req) -> Option<Reply> {
    None
}

/// The stored page (admin API).
pub(crate) fn raw_page(_store: &Store, _id: &str, _site: &str) -> Option<Value> {
    None
}

/// A new version by someone else (admin API).
pub(crate) fn bump(_store: &mut Store, _id: &str, _site: &str) -> Option<Value> {
    None
}
