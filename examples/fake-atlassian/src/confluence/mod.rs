//! Confluence Cloud REST v2 (pages, spaces, footer comments) and the v1 CQL search.

pub(crate) mod model;
mod pages;
mod search;
mod spaces;

use axum::http::{Method, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::auth::MIA;
use crate::http::{Reply, Req};
use crate::store::Store;

/// The v2 error code of a status (`NOT_FOUND`, `CONFLICT`, ...).
fn code(status: StatusCode) -> String {
    status
        .canonical_reason()
        .unwrap_or("ERROR")
        .to_ascii_uppercase()
        .replace(' ', "_")
}

/// The v2 error envelope `{"errors":[{"status","code","title","detail":null}]}`.
pub(crate) fn v2_error_body(status: StatusCode, title: &str) -> Value {
    json!({"errors": [{"status": status.as_u16(), "code": code(status), "title": title, "detail": null}]})
}

/// A v2 error answer with an explicit code.
pub(crate) fn v2_error(status: StatusCode, code: &str, title: &str) -> Reply {
    Reply::json(
        status,
        json!({"errors": [{"status": status.as_u16(), "code": code, "title": title, "detail": null}]}),
    )
}

/// `400 INVALID_REQUEST_PARAMETER`.
pub(crate) fn invalid(title: &str) -> Reply {
    v2_error(StatusCode::BAD_REQUEST, "INVALID_REQUEST_PARAMETER", title)
}

/// `404 NOT_FOUND` with the v2 envelope.
pub(crate) fn not_found() -> Reply {
    Reply::json(
        StatusCode::NOT_FOUND,
        v2_error_body(StatusCode::NOT_FOUND, "Not Found"),
    )
}

/// An opaque list cursor (base64url JSON, like Confluence's).
pub(crate) fn cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{{\"offset\":{offset}}}"))
}

/// The offset of a cursor.
pub(crate) fn cursor_offset(cursor: &str) -> Option<usize> {
    let decoded = URL_SAFE_NO_PAD.decode(cursor.trim_end_matches('=')).ok()?;
    let value: Value = serde_json::from_slice(&decoded).ok()?;
    usize::try_from(value.get("offset")?.as_u64()?).ok()
}

/// The request's query with `cursor` replaced by the next one (for `_links.next`).
pub(crate) fn next_link(req: &Req, path: &str, next_offset: usize) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &req.query {
        if k != "cursor" {
            query.append_pair(k, v);
        }
    }
    query.append_pair("cursor", &cursor(next_offset));
    format!("{path}?{}", query.finish())
}

/// One page of a v2 list: `limit` (default 25, at most `max`) and `cursor`.
pub(crate) fn v2_list(req: &Req, items: Vec<Value>, max: usize) -> Reply {
    let limit = match req.param("limit").map(str::parse::<usize>) {
        None => 25,
        Some(Ok(n)) if (1..=max).contains(&n) => n,
        Some(_) => {
            return invalid(&format!(
                "Provided value for 'limit' is not valid. It must be between 1 and {max}."
            ));
        }
    };
    let offset = match req.param("cursor") {
        None | Some("") => 0,
        Some(c) => match cursor_offset(c) {
            Some(o) => o,
            None => return invalid("Provided value for 'cursor' is not valid."),
        },
    };
    let total = items.len();
    let end = (offset + limit).min(total);
    let results: Vec<Value> = items
        .into_iter()
        .skip(offset)
        .take(end.saturating_sub(offset))
        .collect();
    let base = req.wiki_base();
    let mut links = json!({"base": base});
    let mut reply_headers = Vec::new();
    if end < total {
        let next = next_link(req, &req.path, end);
        reply_headers.push(format!("<{next}>; rel=\"next\", <{base}>; rel=\"base\""));
        links["next"] = json!(next);
    }
    let mut reply = Reply::ok(json!({"results": results, "_links": links}));
    for link in reply_headers {
        reply = reply.with_header("Link", link);
    }
    reply
}

/// Routes a Confluence request (`None` = no such route).
pub(crate) fn handle(store: &mut Store, req: &Req) -> Option<Reply> {
    let segments = req.segments();
    let get = req.method == Method::GET;
    let reply = match segments.as_slice() {
        ["wiki", "api", "v2", "pages"] if get => pages::list(store, req, None),
        ["wiki", "api", "v2", "pages"] if req.method == Method::POST => pages::create(store, req),
        ["wiki", "api", "v2", "pages", id] if get => pages::get(store, req, id),
        ["wiki", "api", "v2", "pages", id] if req.method == Method::PUT => {
            pages::update(store, req, id)
        }
        [
            "wiki",
            "api",
            "v2",
            "pages",
            id,
            "children" | "direct-children",
        ] if get => pages::children(store, req, id),
        ["wiki", "api", "v2", "pages", id, "footer-comments"] if get => {
            pages::comments(store, req, id)
        }
        ["wiki", "api", "v2", "footer-comments"] if req.method == Method::POST => {
            pages::add_comment(store, req)
        }
        ["wiki", "api", "v2", "spaces"] if get => spaces::list(store, req),
        ["wiki", "api", "v2", "spaces", id] if get => spaces::get(store, req, id),
        ["wiki", "api", "v2", "spaces", id, "pages"] if get => {
            match id
                .parse::<u64>()
                .ok()
                .filter(|id| store.confluence.space(*id).is_some())
            {
                Some(id) => pages::list(store, req, Some(id)),
                None => not_found(),
            }
        }
        ["wiki", "rest", "api", "search"] if get => search::search(store, req),
        _ => return None,
    };
    Some(reply)
}

/// The stored page with its storage body (admin API).
pub(crate) fn raw_page(store: &Store, id: &str, site: &str) -> Option<Value> {
    let c = &store.confluence;
    let page = &c.pages[c.page_index(id)?];
    let mut value = pages::page_json(c, page, &format!("{site}/wiki"), Some("storage"));
    if let (Some(adf), Some(obj)) = (&page.adf, value.as_object_mut()) {
        obj.insert("adf".to_owned(), json!(adf));
    }
    Some(value)
}

/// A new version by someone else (Mia): body plus an "(edited)" paragraph (admin API).
pub(crate) fn bump(store: &mut Store, id: &str, site: &str) -> Option<Value> {
    let index = store.confluence.page_index(id)?;
    let now = store.clock.tick();
    let page = &mut store.confluence.pages[index];
    let storage = format!("{}<p>(edited)</p>", page.storage());
    page.set_storage(storage, None);
    page.version = model::Version {
        number: page.version.number + 1,
        message: "Edited elsewhere".to_owned(),
        minor_edit: false,
        author_id: MIA.account_id.to_owned(),
        created: now,
    };
    raw_page(store, id, site)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let c = cursor(30);
        assert!(c.starts_with("eyJ"));
        assert_eq!(cursor_offset(&c), Some(30));
        assert_eq!(cursor_offset("nope"), None);
    }
}
