//! v1 `GET /wiki/rest/api/search?cql=` with cursor paging and highlight markers.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::model::{Confluence, Page};
use super::pages::webui;
use super::{cursor_offset, next_link};
use crate::cql::{self, Doc, excerpt, highlight};
use crate::http::{Reply, Req};
use crate::store::Store;
use crate::time;

/// The v1 error envelope.
fn v1_error(status: StatusCode, message: &str) -> Reply {
    Reply::json(
        status,
        json!({
            "statusCode": status.as_u16(),
            "data": {"authorized": true, "valid": false, "errors": [], "successful": false},
            "message": message,
        }),
    )
}

/// How many highlight words the title contains (a crude relevance score).
fn title_hits(page: &Page, words: &[String]) -> usize {
    let title = page.title.to_lowercase();
    words.iter().filter(|w| title.contains(w.as_str())).count()
}

/// `ORDER BY`, or relevance: pages whose title matches more words first, then by id.
fn sort_hits(hits: &mut [&Page], query: &cql::Query, words: &[String]) {
    if query.order.is_empty() {
        hits.sort_by_key(|p| (std::cmp::Reverse(title_hits(p, words)), p.id));
        return;
    }
    hits.sort_by(|a, b| {
        query
            .order
            .iter()
            .map(|&(field, descending)| {
                let ordering = match field {
                    cql::Field::Title => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
                    cql::Field::Created => a.created.cmp(&b.created),
                    cql::Field::LastModified => a.version.created.cmp(&b.version.created),
                    _ => a.id.cmp(&b.id),
                };
                if descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| a.id.cmp(&b.id))
    });
}

/// One search result.
fn result_json(
    c: &Confluence,
    p: &Page,
    base: &str,
    words: &[String],
    expand_space: bool,
) -> Value {
    let space = c.space(p.space_id);
    let key = space.map_or("", |s| s.key);
    let url = webui(c, p);
    let mut content = json!({
        "id": p.id.to_string(),
        "type": "page",
        "status": p.status,
        "title": p.title,
        "_expandable": {"space": format!("/rest/api/space/{key}")},
        "_links": {"webui": url, "self": format!("{base}/rest/api/content/{}", p.id)},
    });
    if expand_space {
        content["space"] = json!({
            "id": p.space_id,
            "key": key,
            "name": space.map_or("", |s| s.name),
            "type": "global",
            "status": "current",
        });
    }
    json!({
        "content": content,
        "title": highlight(&p.title, words),
        "excerpt": excerpt(p.plain(), words),
        "url": url,
        "resultGlobalContainer": {
            "title": space.map_or("", |s| s.name),
            "displayUrl": format!("/spaces/{key}"),
        },
        "breadcrumbs": [],
        "entityType": "content",
        "iconCssClass": "aui-iconfont-page-default",
        "lastModified": time::iso(p.version.created),
        "friendlyLastModified": time::friendly(p.version.created),
        "score": f64::from(u32::try_from(title_hits(p, words)).unwrap_or(0)),
    })
}

/// `GET /wiki/rest/api/search?cql=&limit=&cursor=` (`start` still honoured without a cursor).
pub(super) fn search(store: &Store, req: &Req) -> Reply {
    let Some(cql_text) = req.param("cql").filter(|c| !c.trim().is_empty()) else {
        return v1_error(
            StatusCode::BAD_REQUEST,
            "CQL query parameter 'cql' is required",
        );
    };
    let query = match cql::parse(cql_text) {
        Ok(q) => q,
        Err(e) => return v1_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let limit = req.count("limit").unwrap_or(25).clamp(1, 100);
    let start = match (req.param("cursor"), req.param("start")) {
        (Some(c), _) if !c.is_empty() => match cursor_offset(c) {
            Some(o) => o,
            None => return v1_error(StatusCode::BAD_REQUEST, "Invalid cursor"),
        },
        (_, Some(s)) => s.parse().unwrap_or(0),
        _ => 0,
    };
    let c = &store.confluence;
    let mut hits: Vec<&Page> = c
        .pages
        .iter()
        .filter(|p| p.status == "current")
        .filter(|p| {
            let ancestors = c.ancestors(p);
            let doc = Doc {
                id: p.id,
                space_key: c.space(p.space_id).map_or("", |s| s.key),
                title: &p.title,
                text: p.plain(),
                parent: p.parent_id,
                ancestors: &ancestors,
            };
            query.matches(&doc)
        })
        .collect();
    let words = query.highlight_words();
    sort_hits(&mut hits, &query, &words);
    let total = hits.len();
    let end = (start + limit).min(total);
    let base = req.wiki_base();
    let expand_space = req
        .param("expand")
        .is_some_and(|e| e.split(',').any(|x| x.trim() == "content.space"));
    let results: Vec<Value> = hits
        .get(start..end)
        .unwrap_or(&[])
        .iter()
        .map(|p| result_json(c, p, &base, &words, expand_space))
        .collect();
    let self_link = {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(req.query.iter())
            .finish();
        format!("{base}/rest/api/search?{query}")
    };
    let mut links = json!({"base": base, "context": "/wiki", "self": self_link});
    if end < total {
        links["next"] = json!(next_link(req, "/rest/api/search", end));
    }
    Reply::ok(json!({
        "results": results,
        "start": start,
        "limit": limit,
        "size": results.len(),
        "totalSize": total,
        "cqlQuery": cql_text,
        "searchDuration": 12,
        "_links": links,
    }))
}
