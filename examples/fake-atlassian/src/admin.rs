//! The admin API under `/__fake/` (no authentication, never logged): request log, faults,
//! configuration, stats, reset, and direct access to stored objects.

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::confluence;
use crate::http::Reply;
use crate::store::{ConfigPatch, Fault, Shared, Store};

fn bad(message: impl Into<String>) -> Reply {
    Reply::json(StatusCode::BAD_REQUEST, json!({"error": message.into()}))
}

fn not_found(what: &str) -> Reply {
    Reply::json(
        StatusCode::NOT_FOUND,
        json!({"error": format!("no {what}")}),
    )
}

/// Serves one admin request.
pub(crate) async fn handle(shared: &Shared, request: Request) -> Reply {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let site = format!(
        "http://{}",
        request
            .headers()
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
    );
    let body = match to_bytes(request.into_body(), 1024 * 1024).await {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Value::Null,
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(value) => value,
            Err(e) => return bad(format!("the body is not JSON: {e}")),
        },
        Err(e) => return bad(format!("unreadable body: {e}")),
    };
    let segments: Vec<&str> = path.trim_matches('/').split('/').skip(1).collect();
    if method == Method::GET && segments.as_slice() == ["stats"] {
        let (in_flight, max_in_flight) = shared.stats();
        return Reply::ok(json!({"max_in_flight": max_in_flight, "in_flight": in_flight}));
    }
    if method == Method::POST && segments.as_slice() == ["reset"] {
        *shared.lock() = Store::seeded();
        shared.reset_stats();
        return Reply::ok(json!({"reset": true}));
    }
    let mut store = shared.lock();
    match (&method, segments.as_slice()) {
        (&Method::GET, ["requests"]) => {
            let log: Vec<Value> = store
                .log
                .iter()
                .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
                .collect();
            Reply::ok(Value::Array(log))
        }
        (&Method::DELETE, ["requests"]) => {
            store.log.clear();
            Reply::no_content()
        }
        (&Method::GET, ["faults"]) => Reply::ok(json!(store.faults)),
        (&Method::POST, ["faults"]) => match serde_json::from_value::<Fault>(body) {
            Ok(mut fault) => {
                if !(100..=599).contains(&fault.status) {
                    return bad("status must be an HTTP status code");
                }
                fault.id = store.next_fault_id;
                store.next_fault_id += 1;
                let value = json!(fault);
                store.faults.push(fault);
                Reply::json(StatusCode::CREATED, value)
            }
            Err(e) => bad(format!("invalid fault: {e}")),
        },
        (&Method::DELETE, ["faults"]) => {
            store.faults.clear();
            Reply::no_content()
        }
        (&Method::GET, ["config"]) => Reply::ok(json!(store.config)),
        (&Method::POST, ["config"]) => match serde_json::from_value::<ConfigPatch>(body) {
            Ok(changes) => {
                let config = &mut store.config;
                if let Some(v) = changes.anonymous {
                    config.anonymous = v;
                }
                if let Some(v) = changes.search_delay {
                    config.search_delay = v;
                }
                if let Some(v) = changes.latency_ms {
                    config.latency_ms = v;
                }
                Reply::ok(json!(store.config))
            }
            Err(e) => bad(format!("invalid config: {e}")),
        },
        (&Method::GET, ["jira", "issues", key]) => match store.jira.issue_index(key) {
            Some(i) => {
                let issue = &store.jira.issues[i];
                Reply::ok(issue.json(&store.jira, &site, &crate::jira::model::Fields::All, None))
            }
            None => not_found("such issue"),
        },
        (&Method::GET, ["confluence", "pages", id]) => {
            match confluence::raw_page(&store, id, &site) {
                Some(page) => Reply::ok(page),
                None => not_found("such page"),
            }
        }
        (&Method::POST, ["confluence", "pages", id, "bump"]) => {
            match confluence::bump(&mut store, id, &site) {
                Some(page) => Reply::ok(page),
                None => not_found("such page"),
            }
        }
        _ => not_found("such admin route"),
    }
}
