//! Jira Cloud REST v3 (subset): search, issues, transitions, comments, users, create metadata.

mod issue;
mod meta;
pub(crate) mod model;
mod search;

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::http::{Reply, Req};
use crate::store::Store;

/// The 410 message of the removed `/rest/api/{2,3}/search`.
pub(crate) const REMOVED_SEARCH: &str = "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046";

/// The message of every ADF validation failure.
pub(crate) const NOT_ADF: &str =
    "Operation value must be an Atlassian Document (see the Atlassian Document Format)";

/// A Jira `ErrorCollection` with messages only.
pub(crate) fn errors(messages: &[&str]) -> Value {
    json!({"errorMessages": messages, "errors": {}})
}

/// A Jira `ErrorCollection` with field errors only.
pub(crate) fn field_errors(errors: &Map<String, Value>) -> Reply {
    Reply::json(
        StatusCode::BAD_REQUEST,
        json!({"errorMessages": [], "errors": errors}),
    )
}

/// `400` with messages.
pub(crate) fn bad_request(message: &str) -> Reply {
    Reply::json(StatusCode::BAD_REQUEST, errors(&[message]))
}

/// `400` for a body that is not the JSON the endpoint expects.
pub(crate) fn bad_payload() -> Reply {
    bad_request("Invalid request payload. Refer to the REST API documentation and try again.")
}

/// `404` for a missing issue.
pub(crate) fn issue_not_found() -> Reply {
    Reply::json(
        StatusCode::NOT_FOUND,
        errors(&["Issue does not exist or you do not have permission to see it."]),
    )
}

/// Routes served without authentication: `GET /rest/api/3/serverInfo` (readiness probes).
pub(crate) fn public(store: &Store, req: &Req) -> Option<Reply> {
    if req.method != Method::GET
        || !matches!(
            req.path.as_str(),
            "/rest/api/3/serverInfo" | "/rest/api/2/serverInfo"
        )
    {
        return None;
    }
    let now = crate::time::jira(store.clock.now());
    Some(Reply::ok(json!({
        "baseUrl": req.site,
        "displayUrl": req.site,
        "version": "1001.0.0-SNAPSHOT",
        "versionNumbers": [1001, 0, 0],
        "deploymentType": "Cloud",
        "buildNumber": 100_282,
        "buildDate": "2026-11-20T00:00:00.000+0000",
        "serverTime": now,
        "scmInfo": "fake-atlassian",
        "serverTitle": "Jira",
        "defaultLocale": {"locale": "en_US"},
        "serverTimeZone": "Etc/UTC",
    })))
}

/// What an anonymous caller gets in anonymous mode (`None` = the usual 401).
pub(crate) fn anonymous(req: &Req) -> Option<Reply> {
    let segments = req.segments();
    match (&req.method, segments.as_slice()) {
        (&Method::GET | &Method::POST, ["rest", "api", "3", "search", "jql"]) => {
            Some(Reply::ok(json!({"issues": [], "isLast": true})))
        }
        (&Method::POST, ["rest", "api", "3", "search", "approximate-count"]) => {
            Some(Reply::ok(json!({"count": 0})))
        }
        (&Method::GET, ["rest", "api", "3", "issue", _]) => Some(issue_not_found()),
        _ => None,
    }
}

/// Routes a Jira request (`None` = no such route).
pub(crate) fn handle(store: &mut Store, req: &Req) -> Option<Reply> {
    let segments = req.segments();
    let m = &req.method;
    let rest = match segments.as_slice() {
        ["rest", "api", "2" | "3", "search"] => {
            return Some(Reply::json(StatusCode::GONE, errors(&[REMOVED_SEARCH])));
        }
        ["rest", "api", "3", rest @ ..] => rest,
        _ => return None,
    };
    let reply = match rest {
        ["search", "jql"] if m == Method::GET || m == Method::POST => search::search(store, req),
        ["search", "approximate-count"] if m == Method::POST => {
            search::approximate_count(store, req)
        }
        ["issue"] if m == Method::POST => issue::create(store, req),
        ["issue", "createmeta", project, "issuetypes"] if m == Method::GET => {
            meta::issue_types(store, req, project)
        }
        ["issue", "createmeta", project, "issuetypes", type_id] if m == Method::GET => {
            meta::create_fields(store, req, project, type_id)
        }
        ["issue", key] if m == Method::GET => issue::get(store, req, key),
        ["issue", key] if m == Method::PUT => issue::edit(store, req, key),
        ["issue", key, "transitions"] if m == Method::GET => issue::transitions(store, req, key),
        ["issue", key, "transitions"] if m == Method::POST => issue::transition(store, req, key),
        ["issue", key, "comment"] if m == Method::GET => issue::comments(store, req, key),
        ["issue", key, "comment"] if m == Method::POST => issue::add_comment(store, req, key),
        ["myself"] if m == Method::GET => meta::myself(req),
        ["user", "search"] if m == Method::GET => meta::user_search(req),
        ["project", key] if m == Method::GET => meta::project(store, req, key),
        _ => return None,
    };
    Some(reply)
}

/// Node types the fake's ADF validation accepts.
const ADF_NODES: [&str; 41] = [
    "doc",
    "paragraph",
    "text",
    "heading",
    "bulletList",
    "orderedList",
    "listItem",
    "codeBlock",
    "blockquote",
    "rule",
    "hardBreak",
    "table",
    "tableRow",
    "tableHeader",
    "tableCell",
    "mention",
    "emoji",
    "panel",
    "inlineCard",
    "blockCard",
    "embedCard",
    "media",
    "mediaSingle",
    "mediaGroup",
    "mediaInline",
    "status",
    "date",
    "expand",
    "nestedExpand",
    "taskList",
    "taskItem",
    "decisionList",
    "decisionItem",
    "extension",
    "bodiedExtension",
    "inlineExtension",
    "placeholder",
    "layoutSection",
    "layoutColumn",
    "multiBodiedExtension",
    "extensionFrame",
];

/// Mark types the fake's ADF validation accepts.
const ADF_MARKS: [&str; 14] = [
    "strong",
    "em",
    "code",
    "strike",
    "underline",
    "link",
    "subsup",
    "textColor",
    "backgroundColor",
    "alignment",
    "indentation",
    "border",
    "breakout",
    "annotation",
];

/// Whether `value` is an ADF document: root `{"type":"doc","version":1,"content":[...]}`, known
/// node and mark types, non-empty `text` on text nodes.
pub(crate) fn is_adf(value: &Value) -> bool {
    fn node_ok(node: &Value) -> bool {
        let Some(kind) = node.get("type").and_then(Value::as_str) else {
            return false;
        };
        if kind == "doc" || !ADF_NODES.contains(&kind) {
            return false;
        }
        if kind == "text"
            && node
                .get("text")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        {
            return false;
        }
        if let Some(marks) = node.get("marks") {
            let Some(marks) = marks.as_array() else {
                return false;
            };
            let known = marks.iter().all(|m| {
                m.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| ADF_MARKS.contains(&t))
            });
            if !known {
                return false;
            }
        }
        match node.get("content") {
            None => true,
            Some(Value::Array(children)) => children.iter().all(node_ok),
            Some(_) => false,
        }
    }
    value.get("type").and_then(Value::as_str) == Some("doc")
        && value.get("version").and_then(Value::as_i64) == Some(1)
        && value
            .get("content")
            .and_then(Value::as_array)
            .is_some_and(|c| c.iter().all(node_ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adf_validation() {
        assert!(is_adf(&json!({"type":"doc","version":1,"content":[]})));
        assert!(is_adf(&model::adf_paragraph("hi")));
        assert!(is_adf(&json!({"type":"doc","version":1,"content":[
            {"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Repro"}]},
            {"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[
                {"type":"text","text":"step "},{"type":"text","text":"one","marks":[{"type":"strong"}]}]}]}]}
        ]})));
        assert!(!is_adf(&json!("plain text")));
        assert!(!is_adf(&json!({"type":"doc","content":[]})));
        assert!(!is_adf(
            &json!({"type":"doc","version":1,"content":[{"type":"markdown"}]})
        ));
        assert!(!is_adf(&json!({"type":"doc","version":1,"content":[
            {"type":"paragraph","content":[{"type":"text","text":""}]}]})));
        assert!(!is_adf(&json!({"type":"doc","version":1,"content":[
            {"type":"paragraph","content":[{"type":"text","text":"x","marks":[{"type":"bold"}]}]}]})));
    }
}
