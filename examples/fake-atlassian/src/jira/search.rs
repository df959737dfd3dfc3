//! `POST|GET /rest/api/3/search/jql` and `POST /rest/api/3/search/approximate-count`.

use std::cmp::Ordering;

use axum::http::Method;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::model::{Fields, Jira, JqlView, PRIORITIES, RESOLUTIONS};
use super::{bad_payload, bad_request};
use crate::auth;
use crate::http::{Reply, Req, ReqBody};
use crate::jql::{self, Context, Field, JqlError, Query};
use crate::store::Store;

/// `maxResults` when absent.
const DEFAULT_MAX_RESULTS: usize = 50;
/// The largest page.
const MAX_RESULTS: usize = 100;
/// Comments per issue in search results.
const SEARCH_COMMENT_CAP: usize = 20;

/// The search parameters, from the JSON body (POST) or the query string (GET).
#[derive(Debug, Default)]
struct Params {
    jql: String,
    next_page_token: Option<String>,
    max_results: Option<i64>,
    fields: Vec<String>,
    reconcile: Vec<u64>,
}

fn params(req: &Req) -> Result<Params, Reply> {
    if req.method == Method::GET {
        return Ok(Params {
            jql: req.param("jql").unwrap_or("").to_owned(),
            next_page_token: req.param("nextPageToken").map(str::to_owned),
            max_results: match req.param("maxResults") {
                Some(v) => Some(v.parse().map_err(|_| bad_payload())?),
                None => None,
            },
            fields: req.params("fields"),
            reconcile: req
                .params("reconcileIssues")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
        });
    }
    let body = match &req.body {
        ReqBody::Json(Value::Object(body)) => body,
        ReqBody::Empty => return Ok(Params::default()),
        _ => return Err(bad_payload()),
    };
    let strings = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Value::String(s)) => s.split(',').map(|f| f.trim().to_owned()).collect(),
            _ => Vec::new(),
        }
    };
    Ok(Params {
        jql: body
            .get("jql")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        next_page_token: body
            .get("nextPageToken")
            .and_then(Value::as_str)
            .map(str::to_owned),
        max_results: body.get("maxResults").and_then(Value::as_i64),
        fields: strings(body.get("fields")),
        reconcile: body
            .get("reconcileIssues")
            .and_then(Value::as_array)
            .map(|ids| {
                ids.iter()
                    .filter_map(|v| {
                        v.as_u64()
                            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    })
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Parses the JQL and checks that named projects, statuses, types, priorities and users exist.
fn compile(jira: &Jira, text: &str) -> Result<Query, Reply> {
    let query = jql::parse(text).map_err(|e: JqlError| bad_request(&e.to_string()))?;
    for (field, value) in query.literals() {
        if matches!(field, Field::Key | Field::Parent) && jira.issue_index(value).is_none() {
            return Err(bad_request(&format!(
                "An issue with key '{value}' does not exist for field '{}'.",
                field.name()
            )));
        }
        let known = match field {
            Field::Project => {
                jira.project(value).is_some()
                    || jira
                        .projects
                        .iter()
                        .any(|p| p.name.eq_ignore_ascii_case(value))
            }
            Field::Status => super::model::Status::ALL
                .iter()
                .any(|s| s.name().eq_ignore_ascii_case(value) || s.id() == value),
            Field::IssueType => super::model::ISSUE_TYPES
                .iter()
                .any(|t| t.name.eq_ignore_ascii_case(value) || t.id == value),
            Field::Priority => PRIORITIES
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(value) || p.id == value),
            Field::Resolution => {
                value.eq_ignore_ascii_case("Unresolved")
                    || RESOLUTIONS
                        .iter()
                        .any(|r| r.name.eq_ignore_ascii_case(value) || r.id == value)
            }
            Field::Assignee | Field::Reporter => auth::ACCOUNTS.iter().any(|a| {
                a.account_id == value
                    || a.email.eq_ignore_ascii_case(value)
                    || a.display_name.eq_ignore_ascii_case(value)
                    || a.name.eq_ignore_ascii_case(value)
            }),
            _ => true,
        };
        if !known {
            return Err(bad_request(&format!(
                "The value '{value}' does not exist for the field '{}'.",
                field.name()
            )));
        }
    }
    Ok(query)
}

/// Ids of the issues matching, in result order; `reconcile` ids bypass the search delay.
fn matching(store: &Store, query: &Query, current_user: &str, reconcile: &[u64]) -> Vec<usize> {
    let jira = &store.jira;
    let cx = Context {
        current_user: Some(current_user),
        now: store.clock.now(),
    };
    let mut hits: Vec<usize> = jira
        .issues
        .iter()
        .enumerate()
        .filter(|(_, issue)| issue.hidden_searches == 0 || reconcile.contains(&issue.id))
        .filter(|(_, issue)| query.matches(&JqlView { issue, jira }, cx))
        .map(|(i, _)| i)
        .collect();
    hits.sort_by(|&a, &b| {
        let (a, b) = (&jira.issues[a], &jira.issues[b]);
        let by_query = query.compare(&JqlView { issue: a, jira }, &JqlView { issue: b, jira });
        // Jira's default order is newest first.
        by_query.then_with(|| {
            if query.order.is_empty() {
                b.created.cmp(&a.created).then(b.id.cmp(&a.id))
            } else {
                Ordering::Equal
            }
        })
    });
    hits
}

/// A stable 64-bit FNV-1a hash (page tokens are tied to the JQL they were issued for).
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn page_token(jql: &str, offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("jql:{:016x}:{offset}", fnv(jql)))
}

fn token_offset(jql: &str, token: &str) -> Option<usize> {
    let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
    let rest = decoded.strip_prefix("jql:")?;
    let (hash, offset) = rest.split_once(':')?;
    (hash == format!("{:016x}", fnv(jql))).then_some(())?;
    offset.parse().ok()
}

/// The enhanced JQL search with `nextPageToken` paging.
pub(super) fn search(store: &mut Store, req: &Req) -> Reply {
    let params = match params(req) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let query = match compile(&store.jira, &params.jql) {
        Ok(q) => q,
        Err(reply) => return reply,
    };
    if params.reconcile.len() > 50 {
        return bad_request(
            "The number of issues to reconcile (reconcileIssues) must be 50 or less.",
        );
    }
    let offset = match params.next_page_token.as_deref() {
        None | Some("") => 0,
        Some(token) => match token_offset(&params.jql, token) {
            Some(offset) => offset,
            None => return bad_request("The provided next page token is invalid or expired."),
        },
    };
    let max = params
        .max_results
        .map_or(DEFAULT_MAX_RESULTS, |m| {
            usize::try_from(m.max(1)).unwrap_or(1)
        })
        .min(MAX_RESULTS);
    let hits = matching(store, &query, req.account_id(), &params.reconcile);
    // Each search brings hidden (just created) issues one step closer to being indexed.
    for issue in &mut store.jira.issues {
        issue.hidden_searches = issue.hidden_searches.saturating_sub(1);
    }
    let fields = Fields::from_names(params.fields);
    let end = (offset + max).min(hits.len());
    let page = hits.get(offset..end).unwrap_or(&[]);
    let issues: Vec<Value> = page
        .iter()
        .map(|&i| {
            let issue = &store.jira.issues[i];
            match &fields {
                Some(fields) => {
                    issue.json(&store.jira, &req.site, fields, Some(SEARCH_COMMENT_CAP))
                }
                None => json!({"id": issue.id.to_string()}),
            }
        })
        .collect();
    if end < hits.len() {
        Reply::ok(json!({
            "issues": issues,
            "nextPageToken": page_token(&params.jql, end),
            "isLast": false,
        }))
    } else {
        Reply::ok(json!({"issues": issues, "isLast": true}))
    }
}

/// `{"count": n}` for a bounded JQL.
pub(super) fn approximate_count(store: &mut Store, req: &Req) -> Reply {
    let jql = match &req.body {
        ReqBody::Json(body) => body.get("jql").and_then(Value::as_str).unwrap_or(""),
        ReqBody::Empty => "",
        ReqBody::Invalid(_) => return bad_payload(),
    };
    let query = match compile(&store.jira, jql) {
        Ok(q) => q,
        Err(reply) => return reply,
    };
    let count = matching(store, &query, req.account_id(), &[]).len();
    Reply::ok(json!({"count": count}))
}

#[cfg(test)]
mod tests {
    use super::super::model::SPRINT_FIELD;
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_are_tied_to_the_jql() {
        let token = page_token("project = ENG", 20);
        assert_eq!(token_offset("project = ENG", &token), Some(20));
        assert_eq!(token_offset("project = HR", &token), None);
        assert_eq!(token_offset("project = ENG", "garbage!"), None);
    }

    #[test]
    fn sprint_field_is_not_searchable() {
        let jira = Jira::seeded();
        assert!(compile(&jira, &format!("{SPRINT_FIELD} = 1")).is_err());
        assert!(compile(&jira, "project = NOPE").is_err());
        assert!(compile(&jira, "project = eng and assignee = mia@example.com").is_ok());
    }
}
