//! The request pipeline every non-admin request goes through: in-flight counting, request log,
//! latency, URL-style normalisation, injected faults, authentication, then the product handlers.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::auth::{self, Account, CLOUD_ID};
use crate::store::{Fault, LogEntry, Shared, Store};
use crate::{admin, confluence, jira};

/// The largest request body accepted (a Confluence page of a few MB).
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// The router: one fallback handler that dispatches by hand, so both URL styles, faults and
/// the request log apply uniformly.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(entry).with_state(shared)
}

/// The request body as the handlers see it.
#[derive(Debug, Clone)]
pub(crate) enum ReqBody {
    /// No body (or an empty one).
    Empty,
    /// A JSON body.
    Json(Value),
    /// A body that is not JSON (kept for the log).
    Invalid(String),
}

/// Which API a (normalised) path belongs to; decides error envelopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// `/rest/...`: Jira `ErrorCollection`.
    Jira,
    /// `/wiki/api/v2/...`: `{"errors":[{status,code,title,detail}]}`.
    ConfluenceV2,
    /// Other `/wiki/...`: `{"statusCode","message"}`.
    ConfluenceV1,
    /// `/oauth/...` and anything else: the gateway's `{"code","message"}`.
    Gateway,
}

impl Api {
    /// The API of a normalised path.
    pub(crate) fn of(path: &str) -> Self {
        if path.starts_with("/wiki/api/v2/") || path == "/wiki/api/v2" {
            Self::ConfluenceV2
        } else if path.starts_with("/wiki/") {
            Self::ConfluenceV1
        } else if path.starts_with("/rest/") {
            Self::Jira
        } else {
            Self::Gateway
        }
    }
}

/// A request after normalisation, as handlers see it.
#[derive(Debug)]
pub(crate) struct Req {
    pub(crate) method: Method,
    /// The path without the `/ex/{product}/{cloudId}` prefix.
    pub(crate) path: String,
    /// Decoded query pairs in order.
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: ReqBody,
    /// The authenticated caller (`None` when anonymous).
    pub(crate) account: Option<&'static Account>,
    /// `http://host` as the client addressed the fake.
    pub(crate) site: String,
    /// `""` for site URLs, `/ex/{product}/{cloudId}` for scoped URLs.
    pub(crate) prefix: String,
}

impl Req {
    /// The first value of a query parameter.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A count-valued query parameter (`startAt`, `maxResults`, `limit`); `None` when absent
    /// or not a number.
    pub(crate) fn count(&self, name: &str) -> Option<usize> {
        self.param(name).and_then(|v| v.parse().ok())
    }

    /// Every value of a repeatable query parameter, also split on commas.
    pub(crate) fn params(&self, name: &str) -> Vec<String> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The path segments after the leading slash.
    pub(crate) fn segments(&self) -> Vec<&str> {
        self.path.trim_matches('/').split('/').collect()
    }

    /// The caller's account id (`""` when anonymous, which handlers never reach for writes).
    pub(crate) fn account_id(&self) -> &'static str {
        self.account.map_or("", |a| a.account_id)
    }

    /// The base of Confluence links: `http://host[/ex/confluence/{cloudId}]/wiki`.
    pub(crate) fn wiki_base(&self) -> String {
        format!("{}{}/wiki", self.site, self.prefix)
    }
}

/// A handler's answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Value>,
}

impl Reply {
    /// A JSON answer.
    pub(crate) fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    /// `200` with JSON.
    pub(crate) fn ok(body: Value) -> Self {
        Self::json(StatusCode::OK, body)
    }

    /// `204 No Content`.
    pub(crate) fn no_content() -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a response header.
    pub(crate) fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    fn into_response(self) -> Response {
        let mut response = match self.body {
            Some(body) => {
                let mut r = Response::new(Body::from(body.to_string()));
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json;charset=UTF-8"),
                );
                r
            }
            None => Response::new(Body::empty()),
        };
        *response.status_mut() = self.status;
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                response.headers_mut().append(name, value);
            }
        }
        response
    }
}

/// The body of an error with this status in the style of `api`.
pub(crate) fn error_body(api: Api, status: StatusCode, message: &str) -> Value {
    match api {
        Api::Jira => jira::errors(&[message]),
        Api::ConfluenceV2 => confluence::v2_error_body(status, message),
        Api::ConfluenceV1 => json!({"statusCode": status.as_u16(), "message": message}),
        Api::Gateway => json!({"code": status.as_u16(), "message": message}),
    }
}

/// The usual message for an error status (injected faults without a body).
fn default_message(api: Api, status: StatusCode) -> String {
    match status.as_u16() {
        429 => "Rate limit exceeded.".to_owned(),
        401 => "Client must be authenticated to access this resource.".to_owned(),
        403 if api == Api::Jira => {
            "You do not have permission to perform this operation.".to_owned()
        }
        410 if api == Api::Jira => jira::REMOVED_SEARCH.to_owned(),
        _ => status.canonical_reason().unwrap_or("Error").to_owned(),
    }
}

/// The 401 of each API for missing or wrong credentials.
fn unauthorized(api: Api) -> Reply {
    let status = StatusCode::UNAUTHORIZED;
    let body = match api {
        Api::ConfluenceV2 => confluence::v2_error_body(status, "Unauthorized"),
        other => error_body(
            other,
            status,
            "Client must be authenticated to access this resource.",
        ),
    };
    Reply::json(status, body)
}

/// Splits `/ex/{product}/{cloudId}/rest/...` into prefix and path; `Err` = not a known site.
fn normalise(path: &str) -> Result<(String, String), ()> {
    let Some(rest) = path.strip_prefix("/ex/") else {
        return Ok((String::new(), path.to_owned()));
    };
    let (product, rest) = rest.split_once('/').ok_or(())?;
    let (cloud, rest) = rest.split_once('/').unwrap_or((rest, ""));
    let inner = format!("/{rest}");
    let fits = match product {
        "jira" => inner.starts_with("/rest/"),
        "confluence" => inner.starts_with("/wiki/"),
        _ => false,
    };
    if cloud != CLOUD_ID || !fits {
        return Err(());
    }
    Ok((format!("/ex/{product}/{cloud}"), inner))
}

/// The fallback handler: admin API or the pipeline.
async fn entry(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if request.uri().path().starts_with("/__fake/") || request.uri().path() == "/__fake" {
        return admin::handle(&shared, request).await.into_response();
    }
    let _in_flight = shared.enter();
    let (parts, body) = request.into_parts();
    let raw_path = parts.uri.path().to_owned();
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost")
        .to_owned();
    let body = match to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => ReqBody::Empty,
        Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(value) => ReqBody::Json(value),
            Err(_) => ReqBody::Invalid(String::from_utf8_lossy(&bytes).into_owned()),
        },
        Err(_) => ReqBody::Invalid("<unreadable body>".to_owned()),
    };
    let account = auth::authenticate(authorization.as_deref());

    // Log on arrival, so a request the client abandons still shows (with status null).
    let (log_id, latency, anonymous) = {
        let mut store = shared.lock();
        let id = store.next_log_id;
        store.next_log_id += 1;
        let anonymous = store.config.anonymous;
        store.log.push(LogEntry {
            id,
            method: parts.method.to_string(),
            path: raw_path.clone(),
            query: raw_query.clone(),
            account_id: account
                .filter(|_| !anonymous)
                .map(|a| a.account_id.to_owned()),
            authorization,
            body: match &body {
                ReqBody::Empty => Value::Null,
                ReqBody::Json(v) => v.clone(),
                ReqBody::Invalid(s) => Value::String(s.clone()),
            },
            status: None,
        });
        (id, store.config.latency_ms, anonymous)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }

    let mut store = shared.lock();
    let reply = match normalise(&raw_path) {
        Err(()) => Reply::json(
            StatusCode::NOT_FOUND,
            json!({"code": 404, "message": "Not Found"}),
        ),
        Ok((prefix, path)) => {
            let req = Req {
                method: parts.method.clone(),
                query: url::form_urlencoded::parse(raw_query.as_bytes())
                    .into_owned()
                    .collect(),
                path,
                body,
                account: if anonymous { None } else { account },
                site: format!("http://{host}"),
                prefix,
            };
            dispatch(&mut store, &req)
        }
    };
    if let Some(entry) = store.log.iter_mut().rev().find(|e| e.id == log_id) {
        entry.status = Some(reply.status.as_u16());
    }
    drop(store);
    reply.into_response()
}

/// Faults, authentication, then the product handlers.
fn dispatch(store: &mut Store, req: &Req) -> Reply {
    let api = Api::of(&req.path);
    if let Some(reply) = take_fault(store, req, api) {
        return reply;
    }
    if let Some(reply) = public(store, req) {
        return reply;
    }
    if req.account.is_none() {
        if store.config.anonymous
            && let Some(reply) = jira::anonymous(req)
        {
            return reply;
        }
        return unauthorized(api);
    }
    let reply = match api {
        Api::Jira => jira::handle(store, req),
        Api::ConfluenceV2 | Api::ConfluenceV1 => confluence::handle(store, req),
        Api::Gateway => gateway(req),
    };
    reply.unwrap_or_else(|| not_found(api, req))
}

/// Routes that need no credentials: Jira's `serverInfo` and the site's `/_edge/tenant_info`.
fn public(store: &Store, req: &Req) -> Option<Reply> {
    if req.method == Method::GET && req.path == "/_edge/tenant_info" {
        return Some(Reply::ok(json!({"cloudId": CLOUD_ID})));
    }
    jira::public(store, req)
}

/// `GET /oauth/token/accessible-resources` (OAuth bearer tokens only).
fn gateway(req: &Req) -> Option<Reply> {
    if req.method != Method::GET || req.path != "/oauth/token/accessible-resources" {
        return None;
    }
    Some(Reply::ok(json!([{
        "id": CLOUD_ID,
        "name": "example",
        "url": req.site,
        "scopes": [
            "read:jira-work", "write:jira-work", "read:jira-user",
            "read:confluence-content.all", "write:confluence-content", "search:confluence",
            "read:page:confluence", "write:page:confluence", "read:space:confluence"
        ],
        "avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png"
    }])))
}

/// The 404 for a route the fake does not serve.
fn not_found(api: Api, req: &Req) -> Reply {
    let status = StatusCode::NOT_FOUND;
    let body = match api {
        Api::ConfluenceV2 => confluence::v2_error_body(status, "Not Found"),
        Api::Jira => jira::errors(&[&format!("null for uri: {}{}", req.site, req.path)]),
        other => error_body(other, status, "Not Found"),
    };
    Reply::json(status, body)
}

/// The first matching injected fault, consumed once.
fn take_fault(store: &mut Store, req: &Req, api: Api) -> Option<Reply> {
    let method = req.method.as_str();
    let index = store
        .faults
        .iter()
        .position(|f| f.matches(method, &req.path))?;
    let fault: &mut Fault = &mut store.faults[index];
    if let Some(times) = fault.times.as_mut() {
        *times -= 1;
    }
    let fault = fault.clone();
    if fault.times == Some(0) {
        store.faults.remove(index);
    }
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = fault
        .body
        .unwrap_or_else(|| error_body(api, status, &default_message(api, status)));
    let mut reply = Reply::json(status, body);
    if let Some(retry_after) = fault.retry_after {
        reply = reply.with_header("Retry-After", retry_after);
    }
    for (name, value) in fault.headers {
        let value = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        reply = reply.with_header(&name, value);
    }
    Some(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_both_url_styles() {
        assert_eq!(
            normalise("/rest/api/3/myself"),
            Ok((String::new(), "/rest/api/3/myself".to_owned()))
        );
        assert_eq!(
            normalise(&format!("/ex/jira/{CLOUD_ID}/rest/api/3/myself")),
            Ok((
                format!("/ex/jira/{CLOUD_ID}"),
                "/rest/api/3/myself".to_owned()
            ))
        );
        assert_eq!(
            normalise(&format!("/ex/confluence/{CLOUD_ID}/wiki/api/v2/pages/1")),
            Ok((
                format!("/ex/confluence/{CLOUD_ID}"),
                "/wiki/api/v2/pages/1".to_owned()
            ))
        );
        assert!(normalise("/ex/jira/other-cloud/rest/api/3/myself").is_err());
        assert!(normalise(&format!("/ex/jira/{CLOUD_ID}/wiki/api/v2/pages")).is_err());
        assert!(normalise(&format!("/ex/confluence/{CLOUD_ID}/rest/api/3/myself")).is_err());
    }
}
