//! v2 pages: get, list, create, update (version check), children, footer comments.

use std::fmt::Write as _;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::model::{
    Confluence, FooterComment, Page, Version, adf_to_storage, escape, page_adf, slug,
};
use super::{invalid, not_found, v2_error, v2_list};
use crate::http::{Reply, Req, ReqBody};
use crate::jira::is_adf;
use crate::store::Store;
use crate::time;

/// The body formats a GET may ask for.
const BODY_FORMATS: [&str; 5] = [
    "storage",
    "atlas_doc_format",
    "view",
    "export_view",
    "styled_view",
];

/// The requested `body-format`, checked.
fn body_format(req: &Req) -> Result<Option<&str>, Reply> {
    match req.param("body-format") {
        None => Ok(None),
        Some(f) if BODY_FORMATS.contains(&f) => Ok(Some(f)),
        Some(other) => Err(invalid(&format!(
            "Provided value {{{other}}} for 'body-format' is not the correct type. Expected type is PrimaryBodyRepresentation"
        ))),
    }
}

fn version_json(v: &Version) -> Value {
    json!({
        "createdAt": time::iso(v.created),
        "message": v.message,
        "number": v.number,
        "minorEdit": v.minor_edit,
        "authorId": v.author_id,
    })
}

/// The web UI path of a page.
pub(crate) fn webui(c: &Confluence, page: &Page) -> String {
    let key = c.space(page.space_id).map_or("", |s| s.key);
    format!("/spaces/{key}/pages/{}/{}", page.id, slug(&page.title))
}

fn body_json(page: &Page, format: Option<&str>) -> Value {
    let Some(format) = format else {
        return json!({});
    };
    let value = if format == "atlas_doc_format" {
        page_adf(page)
    } else {
        page.storage().to_owned()
    };
    json!({format: {"representation": format, "value": value}})
}

/// A page as v2 renders it; `base` is the `/wiki` base URL.
pub(crate) fn page_json(c: &Confluence, page: &Page, base: &str, format: Option<&str>) -> Value {
    let parent_type = page.parent_id.map(|_| "page");
    json!({
        "id": page.id.to_string(),
        "status": page.status,
        "title": page.title,
        "spaceId": page.space_id.to_string(),
        "parentId": page.parent_id.map(|p| p.to_string()),
        "parentType": parent_type,
        "position": page.position,
        "authorId": page.author_id,
        "ownerId": page.owner_id,
        "lastOwnerId": null,
        "createdAt": time::iso(page.created),
        "version": version_json(&page.version),
        "body": body_json(page, format),
        "_links": {
            "webui": webui(c, page),
            "editui": format!("/pages/resumedraft.action?draftId={}", page.id),
            "tinyui": format!("/x/{}", base64_id(page.id)),
            "base": base,
        },
    })
}

fn base64_id(id: u64) -> String {
    use base64::Engine as _;
    let bytes = id.to_le_bytes();
    let used = bytes.iter().rposition(|b| *b != 0).map_or(1, |i| i + 1);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes[..used])
}

/// `GET /wiki/api/v2/pages/{id}`.
pub(super) fn get(store: &Store, req: &Req, id: &str) -> Reply {
    let format = match body_format(req) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let c = &store.confluence;
    match c.page_index(id) {
        Some(i) => Reply::ok(page_json(c, &c.pages[i], &req.wiki_base(), format)),
        None => not_found(),
    }
}

/// `GET /wiki/api/v2/pages` (`space-id`, `title`, `id`, `status` filters) and
/// `GET /wiki/api/v2/spaces/{id}/pages`.
pub(super) fn list(store: &Store, req: &Req, space: Option<u64>) -> Reply {
    let format = match body_format(req) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let c = &store.confluence;
    let space_ids = req.params("space-id");
    let ids = req.params("id");
    let statuses = req.params("status");
    let title = req.param("title");
    let base = req.wiki_base();
    let items = c
        .pages
        .iter()
        .filter(|p| space.is_none_or(|s| p.space_id == s))
        .filter(|p| space_ids.is_empty() || space_ids.contains(&p.space_id.to_string()))
        .filter(|p| ids.is_empty() || ids.contains(&p.id.to_string()))
        .filter(|p| statuses.is_empty() || statuses.contains(&p.status))
        .filter(|p| title.is_none_or(|t| p.title == t))
        .map(|p| page_json(c, p, &base, format))
        .collect();
    v2_list(req, items, 250)
}

/// `GET /wiki/api/v2/pages/{id}/children` (and `/direct-children`).
pub(super) fn children(store: &Store, req: &Req, id: &str) -> Reply {
    let c = &store.confluence;
    let Some(index) = c.page_index(id) else {
        return not_found();
    };
    let parent = c.pages[index].id;
    let mut kids: Vec<&Page> = c
        .pages
        .iter()
        .filter(|p| p.parent_id == Some(parent))
        .collect();
    kids.sort_by_key(|p| (p.position, p.id));
    let items = kids
        .iter()
        .map(|p| {
            json!({
                "id": p.id.to_string(),
                "status": p.status,
                "title": p.title,
                "type": "page",
                "spaceId": p.space_id.to_string(),
                "childPosition": p.position,
            })
        })
        .collect();
    v2_list(req, items, 250)
}

/// The JSON object body, or a v2 400.
fn object_body(req: &Req) -> Result<&Map<String, Value>, Reply> {
    match &req.body {
        ReqBody::Json(Value::Object(body)) => Ok(body),
        _ => Err(invalid("The request body is not valid JSON.")),
    }
}

/// An id given as a string or a number.
fn id_of(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// `{"representation","value"}` → `(storage, adf)`.
fn parse_body(body: &Value) -> Result<(String, Option<String>), Reply> {
    let representation = body.get("representation").and_then(Value::as_str);
    let Some(value) = body.get("value").and_then(Value::as_str) else {
        return Err(invalid("Body value must be a string."));
    };
    match representation {
        Some("storage") => Ok((value.to_owned(), None)),
        Some("atlas_doc_format") => {
            let adf: Value = serde_json::from_str(value)
                .map_err(|_| invalid("The atlas_doc_format value is not a valid ADF document."))?;
            if !is_adf(&adf) {
                return Err(invalid(
                    "The atlas_doc_format value is not a valid ADF document.",
                ));
            }
            Ok((adf_to_storage(&adf), Some(value.to_owned())))
        }
        Some("wiki") => Ok((
            value
                .lines()
                .filter(|l| !l.trim().is_empty())
                .fold(String::new(), |mut out, l| {
                    let _ = write!(out, "<p>{}</p>", escape(l));
                    out
                }),
            None,
        )),
        Some(other) => Err(invalid(&format!(
            "Provided value {{{other}}} for 'representation' is not the correct type. Expected type is BodyRepresentation"
        ))),
        None => Err(invalid("Body representation is required.")),
    }
}

fn duplicate_title() -> Reply {
    v2_error(
        StatusCode::BAD_REQUEST,
        "BAD_REQUEST",
        "A page with this title already exists: A page already exists with the same TITLE in this space",
    )
}

fn title_taken(c: &Confluence, space: u64, title: &str, except: Option<u64>) -> bool {
    c.pages.iter().any(|p| {
        p.space_id == space
            && p.status == "current"
            && Some(p.id) != except
            && p.title.trim().eq_ignore_ascii_case(title.trim())
    })
}

/// The trimmed `title` of a page body; an empty or missing one is a `400`.
fn title_of(body: &Map<String, Value>) -> Result<&str, Reply> {
    let title = body
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    if title.is_empty() {
        return Err(invalid("Title cannot be empty."));
    }
    Ok(title)
}

/// A page `status` the fake stores (`current` or `draft`); anything else is a `400`.
fn check_status(status: &str) -> Result<(), Reply> {
    if status == "current" || status == "draft" {
        Ok(())
    } else {
        Err(invalid(&format!(
            "Provided value {{{status}}} for 'status' is not valid."
        )))
    }
}

/// `POST /wiki/api/v2/pages` → `200` + page (version 1, author = caller).
pub(super) fn create(store: &mut Store, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let c = &store.confluence;
    let Some(space) = id_of(body.get("spaceId")).and_then(|id| c.space(id)) else {
        return invalid("Provided value for 'spaceId' is not valid: the space does not exist.");
    };
    let (space_id, homepage) = (space.id, space.homepage_id);
    let title = match title_of(body) {
        Ok(t) => t,
        Err(reply) => return reply,
    };
    let status = body
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("current");
    if let Err(reply) = check_status(status) {
        return reply;
    }
    let parent = match body.get("parentId") {
        None | Some(Value::Null) => (req.param("root-level") != Some("true")).then_some(homepage),
        Some(v) => match id_of(Some(v)).and_then(|id| c.pages.iter().find(|p| p.id == id)) {
            Some(p) if p.space_id == space_id => Some(p.id),
            _ => return invalid("Provided value for 'parentId' is not valid."),
        },
    };
    let (storage, adf) = match body.get("body") {
        None | Some(Value::Null) => (String::new(), None),
        Some(b) => match parse_body(b) {
            Ok(parsed) => parsed,
            Err(reply) => return reply,
        },
    };
    if status == "current" && title_taken(c, space_id, title, None) {
        return duplicate_title();
    }
    let now = store.clock.tick();
    let c = &mut store.confluence;
    let id = c.next_page_id;
    c.next_page_id += 1;
    let position = c
        .pages
        .iter()
        .filter(|p| p.parent_id == parent)
        .map(|p| p.position + 1)
        .max()
        .unwrap_or(0);
    let mut page = Page::new(id, title, space_id, parent, req.account_id(), now);
    status.clone_into(&mut page.status);
    page.position = position;
    page.set_storage(storage, adf);
    let reply = page_json(c, &page, &req.wiki_base(), Some("storage"));
    c.pages.push(page);
    Reply::ok(reply)
}

/// The parent after an update: unchanged when absent; must be another page of the same space
/// that is not a descendant.
fn moved_parent(
    c: &Confluence,
    current: &Page,
    wanted: Option<&Value>,
) -> Result<Option<u64>, Reply> {
    match wanted {
        None | Some(Value::Null) => Ok(current.parent_id),
        Some(v) => {
            let wanted = id_of(Some(v));
            let ok = wanted.is_some_and(|w| {
                c.pages.iter().any(|p| {
                    p.id == w
                        && p.space_id == current.space_id
                        && p.id != current.id
                        && !c.ancestors(p).contains(&current.id)
                })
            });
            if ok {
                Ok(wanted)
            } else {
                Err(invalid("Provided value for 'parentId' is not valid."))
            }
        }
    }
}

/// `PUT /wiki/api/v2/pages/{id}`: full replacement; `version.number` must be current + 1.
pub(super) fn update(store: &mut Store, req: &Req, id: &str) -> Reply {
    let Some(index) = store.confluence.page_index(id) else {
        return not_found();
    };
    let body = match object_body(req) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let c = &store.confluence;
    let current = &c.pages[index];
    match id_of(body.get("id")) {
        Some(body_id) if body_id == current.id => {}
        Some(_) => return invalid("The id in the request body does not match the id in the path."),
        None => return invalid("Page id is required."),
    }
    let Some(status) = body.get("status").and_then(Value::as_str) else {
        return invalid("Page status is required.");
    };
    if let Err(reply) = check_status(status) {
        return reply;
    }
    let title = match title_of(body) {
        Ok(t) => t,
        Err(reply) => return reply,
    };
    let Some(page_body) = body.get("body").filter(|b| !b.is_null()) else {
        return invalid("Page body is required.");
    };
    let Some(number) = body
        .get("version")
        .and_then(|v| v.get("number"))
        .and_then(Value::as_u64)
    else {
        return invalid("Version number is required.");
    };
    if number != current.version.number + 1 {
        return v2_error(
            StatusCode::CONFLICT,
            "CONFLICT",
            &format!(
                "Version must be incremented when updating a page. Current Version: [{}]. Provided version: [{number}]",
                current.version.number
            ),
        );
    }
    if let Some(space) = id_of(body.get("spaceId"))
        && space != current.space_id
    {
        return invalid("Moving a page to another space is not supported.");
    }
    let parent = match moved_parent(c, current, body.get("parentId")) {
        Ok(parent) => parent,
        Err(reply) => return reply,
    };
    let (storage, adf) = match parse_body(page_body) {
        Ok(parsed) => parsed,
        Err(reply) => return reply,
    };
    if status == "current" && title_taken(c, current.space_id, title, Some(current.id)) {
        return duplicate_title();
    }
    let now = store.clock.tick();
    let c = &mut store.confluence;
    let page = &mut c.pages[index];
    title.clone_into(&mut page.title);
    status.clone_into(&mut page.status);
    page.parent_id = parent;
    page.set_storage(storage, adf);
    page.version = Version {
        number,
        message: body
            .get("version")
            .and_then(|v| v.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        minor_edit: body
            .get("version")
            .and_then(|v| v.get("minorEdit"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
        author_id: req.account_id().to_owned(),
        created: now,
    };
    Reply::ok(page_json(
        c,
        &c.pages[index],
        &req.wiki_base(),
        Some("storage"),
    ))
}

fn comment_json(c: &Confluence, comment: &FooterComment, format: Option<&str>) -> Value {
    let page = c.pages.iter().find(|p| p.id == comment.page_id);
    let title = page.map_or_else(String::new, |p| format!("Re: {}", p.title));
    let webui = page.map_or_else(String::new, |p| {
        format!(
            "{}?focusedCommentId={id}#comment-{id}",
            webui(c, p),
            id = comment.id
        )
    });
    let body = match format {
        Some(f @ ("storage" | "view" | "export_view" | "styled_view")) => {
            json!({f: {"representation": f, "value": comment.storage}})
        }
        _ => json!({}),
    };
    json!({
        "id": comment.id.to_string(),
        "status": "current",
        "title": title,
        "pageId": comment.page_id.to_string(),
        "version": version_json(&comment.version),
        "body": body,
        "_links": {"webui": webui},
    })
}

/// `POST /wiki/api/v2/footer-comments` → `201` + comment (author = caller).
pub(super) fn add_comment(store: &mut Store, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    let c = &store.confluence;
    let page_id = if let Some(parent) = id_of(body.get("parentCommentId")) {
        match c.comments.iter().find(|x| x.id == parent) {
            Some(parent) => parent.page_id,
            None => return not_found(),
        }
    } else {
        match id_of(body.get("pageId")) {
            Some(id) if c.pages.iter().any(|p| p.id == id) => id,
            Some(_) => return not_found(),
            None => {
                return invalid("One of 'pageId', 'blogPostId' or 'parentCommentId' is required.");
            }
        }
    };
    let (storage, _) = match body.get("body").map(parse_body) {
        Some(Ok(parsed)) => parsed,
        Some(Err(reply)) => return reply,
        None => return invalid("Comment body is required."),
    };
    if storage.trim().is_empty() {
        return invalid("Comment body cannot be empty.");
    }
    let now = store.clock.tick();
    let c = &mut store.confluence;
    let comment = FooterComment {
        id: c.next_comment_id,
        page_id,
        storage,
        version: Version {
            number: 1,
            message: String::new(),
            minor_edit: false,
            author_id: req.account_id().to_owned(),
            created: now,
        },
    };
    c.next_comment_id += 1;
    let reply = comment_json(c, &comment, Some("storage"));
    c.comments.push(comment);
    Reply::json(StatusCode::CREATED, reply)
}

/// `GET /wiki/api/v2/pages/{id}/footer-comments`.
pub(super) fn comments(store: &Store, req: &Req, id: &str) -> Reply {
    let format = match body_format(req) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let c = &store.confluence;
    let Some(index) = c.page_index(id) else {
        return not_found();
    };
    let page_id = c.pages[index].id;
    let items = c
        .comments
        .iter()
        .filter(|x| x.page_id == page_id)
        .map(|x| comment_json(c, x, format))
        .collect();
    v2_list(req, items, 250)
}
