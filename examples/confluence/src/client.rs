//! The server's state: the Confluence client shared by the tools, the caller's upstream
//! credential, the space allow-list and the space id ↔ key cache.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use example_support::{
    Credential, CredentialProvider, Credentials, Upstream, UpstreamError, UpstreamRequest,
    upstream_message,
};
use http::Method;
use mcp_server::{Principal, ToolError};
use serde_json::Value;

/// The state every tool extracts with `#[ctx] State(app): State<App>`. Cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    upstream: Upstream,
    credentials: Credentials,
    /// Upper-cased allowed space keys; `None` = every space the credential sees.
    spaces: Option<Vec<String>>,
    /// The wiki's web base (`https://site.atlassian.net/wiki`) for links, when known from
    /// the configuration; responses' `_links.base` wins.
    web_base: Option<String>,
    /// Space id → key, filled as spaces are resolved.
    space_keys: RwLock<HashMap<String, String>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("base", &self.inner.upstream.base().as_str())
            .field("credentials", &self.inner.credentials)
            .field("spaces", &self.inner.spaces)
            .finish_non_exhaustive()
    }
}

/// Who is calling and with which upstream credential.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Caller {
    /// The verified MCP principal.
    pub principal: Principal,
    /// The upstream credential chosen for it (never the inbound MCP token).
    pub credential: Credential,
}

impl Caller {
    /// The upstream identity for the audit trail (an email or `"oauth"`, never a secret).
    pub fn label(&self) -> String {
        self.credential.label()
    }
}

impl App {
    /// The state of a server talking to Confluence through `upstream` (whose base is the site,
    /// e.g. `https://site.atlassian.net/` or `https://api.atlassian.com/ex/confluence/{cloudId}/`;
    /// paths start with `wiki/`).
    ///
    /// `spaces` is the allow-list of space keys (empty = all); `web_base` the wiki's web address
    /// for links when responses do not name it.
    pub fn new(
        upstream: Upstream,
        credentials: Credentials,
        spaces: &[String],
        web_base: Option<String>,
    ) -> Self {
        let spaces = (!spaces.is_empty()).then(|| {
            spaces
                .iter()
                .map(|s| s.trim().to_ascii_uppercase())
                .collect()
        });
        Self {
            inner: Arc::new(Inner {
                upstream,
                credentials,
                spaces,
                web_base: web_base.map(|b| b.trim_end_matches('/').to_owned()),
                space_keys: RwLock::new(HashMap::new()),
            }),
        }
    }

    /// The upstream client (for the readiness probe).
    pub fn upstream(&self) -> &Upstream {
        &self.inner.upstream
    }

    /// The allowed space keys, if restricted.
    pub fn allowed_spaces(&self) -> Option<&[String]> {
        self.inner.spaces.as_deref()
    }

    /// Whether `key` is inside the allow-list (always, without one).
    pub fn space_allowed(&self, key: &str) -> bool {
        self.inner
            .spaces
            .as_ref()
            .is_none_or(|allowed| allowed.iter().any(|a| a.eq_ignore_ascii_case(key)))
    }

    /// A refusal naming the allow-list.
    pub fn outside_allow_list(&self, what: &str, key: &str) -> ToolError {
        let allowed = self.inner.spaces.as_deref().unwrap_or_default().join(", ");
        ToolError::new(format!(
            "{what} is in space {key}, outside the spaces this server may use ({allowed})"
        ))
    }

    /// The caller and its upstream credential.
    ///
    /// # Errors
    /// No upstream credential for this principal.
    pub async fn caller(&self, principal: Principal) -> Result<Caller, ToolError> {
        let credential = self.inner.credentials.credential(&principal).await?;
        Ok(Caller {
            principal,
            credential,
        })
    }

    fn request(&self, caller: &Caller, method: Method, path: &str) -> UpstreamRequest {
        self.inner
            .upstream
            .request(method, path)
            .credential(&caller.credential)
            .user(&caller.principal.subject)
    }

    /// `GET path?query` with the caller's credential; the JSON body.
    ///
    /// # Errors
    /// The upstream failure (retries of 429/503 exhausted, timeout, any non-2xx status).
    pub async fn get(
        &self,
        caller: &Caller,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Value, UpstreamError> {
        let response = self
            .request(caller, Method::GET, path)
            .query(query)
            .send()
            .await?;
        Ok(response.body)
    }

    /// A write (`POST`/`PUT`), sent exactly once; the JSON body of the answer.
    ///
    /// # Errors
    /// The upstream failure (never retried).
    pub async fn write(
        &self,
        caller: &Caller,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, UpstreamError> {
        let response = self.request(caller, method, path).json(body).send().await?;
        Ok(response.body)
    }

    /// The key of space `id` (cached).
    ///
    /// # Errors
    /// The space is unknown or Confluence failed.
    /// `webui_key` is the key Confluence's own `_links.webui` of an object in that space names
    /// (`/spaces/ENG/...`); it is used when the space itself cannot be fetched (404).
    pub async fn space_key(
        &self,
        caller: &Caller,
        id: &str,
        webui_key: Option<&str>,
    ) -> Result<String, ToolError> {
        if let Some(key) = self.cached_key(id) {
            return Ok(key);
        }
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
            return Err(ToolError::new(format!(
                "Confluence returned an unexpected space id {id:?}"
            )));
        }
        let key = match self
            .get(caller, &format!("wiki/api/v2/spaces/{id}"), &[])
            .await
        {
            Ok(space) => str_field(&space, "key").ok_or_else(|| {
                ToolError::new(format!("Confluence returned space {id} without a key"))
            })?,
            Err(UpstreamError::Status { status: 404, .. }) if webui_key.is_some() => {
                webui_key.unwrap_or_default().to_owned()
            }
            Err(e) => return Err(not_found(e, &format!("space {id}"))),
        };
        self.remember(id, &key);
        Ok(key)
    }

    /// The id of the space with `key` (cached).
    ///
    /// # Errors
    /// The space is unknown or Confluence failed.
    pub async fn space_id(&self, caller: &Caller, key: &str) -> Result<String, ToolError> {
        if let Some(id) = self.cached_id(key) {
            return Ok(id);
        }
        let list = self
            .get(
                caller,
                "wiki/api/v2/spaces",
                &[("keys", key), ("limit", "1")],
            )
            .await
            .map_err(ToolError::from)?;
        let space = crate::tools::results(&list).first().ok_or_else(|| {
            ToolError::new(format!(
                "space {key} not found in Confluence (or not visible to you); \
                     confluence_list_spaces shows the spaces you can use"
            ))
        })?;
        let id = str_field(space, "id").ok_or_else(|| {
            ToolError::new(format!("Confluence returned space {key} without an id"))
        })?;
        let real_key = str_field(space, "key").unwrap_or_else(|| key.to_owned());
        self.remember(&id, &real_key);
        Ok(id)
    }

    /// Records a space seen in a listing.
    pub fn remember(&self, id: &str, key: &str) {
        if let Ok(mut map) = self.inner.space_keys.write() {
            map.insert(id.to_owned(), key.to_owned());
        }
    }

    fn cached_key(&self, id: &str) -> Option<String> {
        self.inner.space_keys.read().ok()?.get(id).cloned()
    }

    fn cached_id(&self, key: &str) -> Option<String> {
        self.inner
            .space_keys
            .read()
            .ok()?
            .iter()
            .find(|(_, k)| k.eq_ignore_ascii_case(key))
            .map(|(id, _)| id.clone())
    }

    /// Fetches page `id` (with its storage body when `body`), refusing it when its space is
    /// outside the allow-list. Returns the page JSON and its space key.
    ///
    /// # Errors
    /// Not found, not allowed, or Confluence failed.
    pub async fn page(
        &self,
        caller: &Caller,
        id: &str,
        body: bool,
    ) -> Result<(Value, String), ToolError> {
        let query: &[(&str, &str)] = if body {
            &[("body-format", "storage")]
        } else {
            &[]
        };
        let page = self
            .get(caller, &format!("wiki/api/v2/pages/{id}"), query)
            .await
            .map_err(|e| not_found(e, &format!("page {id}")))?;
        let space_id = str_field(&page, "spaceId").unwrap_or_default();
        let key = if space_id.is_empty() {
            String::new()
        } else {
            let webui_key = crate::tools::link(&page, "webui").and_then(space_key_of_webui);
            self.space_key(caller, &space_id, webui_key).await?
        };
        if !self.space_allowed(&key) {
            return Err(self.outside_allow_list(&format!("page {id}"), &key));
        }
        Ok((page, key))
    }

    /// Refuses an action on page `id` outside the allow-list (one page fetch, skipped when
    /// there is no allow-list).
    ///
    /// # Errors
    /// As [`App::page`].
    pub async fn check_page_allowed(&self, caller: &Caller, id: &str) -> Result<(), ToolError> {
        if self.inner.spaces.is_some() {
            self.page(caller, id, false).await?;
        }
        Ok(())
    }

    /// The absolute web address of `webui` (`/spaces/ENG/pages/…`), using the response's
    /// `_links.base` or the configured site.
    pub fn web_url(&self, links_base: Option<&str>, webui: Option<&str>) -> Option<String> {
        let webui = webui?;
        if webui.starts_with("http://") || webui.starts_with("https://") {
            return Some(webui.to_owned());
        }
        let base = links_base
            .map(|b| b.trim_end_matches('/').to_owned())
            .or_else(|| self.inner.web_base.clone());
        Some(match base {
            Some(base) => format!("{base}{webui}"),
            None => webui.to_owned(),
        })
    }

    /// The web address of a page object (its `_links`).
    pub fn page_url(&self, page: &Value) -> Option<String> {
        let links = page.get("_links");
        self.web_url(
            links.and_then(|l| l.get("base")).and_then(Value::as_str),
            links.and_then(|l| l.get("webui")).and_then(Value::as_str),
        )
    }
}

/// The space key in a web path `/spaces/ENG/pages/…` (also `…/wiki/spaces/ENG/…`).
pub fn space_key_of_webui(webui: &str) -> Option<&str> {
    let (_, rest) = webui.split_once("/spaces/")?;
    let key = rest.split(['/', '?', '#']).next()?;
    crate::cql::is_space_key(key).then_some(key)
}

/// A string field (`"id": "65541"`, or a number).
pub fn str_field(value: &Value, name: &str) -> Option<String> {
    match value.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A 404 as "`what` not found (…)" with Confluence's words; any other failure as the shared
/// upstream texts.
pub fn not_found(e: UpstreamError, what: &str) -> ToolError {
    match &e {
        UpstreamError::Status {
            status: 404, body, ..
        } => ToolError::new(format!(
            "{what} not found in Confluence, or not visible to you (HTTP 404: {})",
            upstream_message(body)
        )),
        _ => ToolError::from(e),
    }
}

/// The current version named by a Confluence version-conflict message: v2
/// `… Current Version: [8]. Provided version: [8]` or v1 `… Current version is: 8`.
pub fn conflict_version(message: &str) -> Option<u64> {
    let lower = message.to_ascii_lowercase();
    let at = lower.find("current version")? + "current version".len();
    let rest = &message[at..];
    let start = rest.find(|c: char| c.is_ascii_digit())?;
    // Only separators between the words and the number (": [", " is: ").
    if !rest[..start]
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, ':' | '[' | '(' | '=' | 'i' | 's'))
    {
        return None;
    }
    let digits = &rest[start..];
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse().ok()
}

/// A page id from an id or a page URL (`…/pages/65541/Title`, `…/pages/edit-v2/65541`,
/// `viewpage.action?pageId=65541`).
///
/// # Errors
/// Neither an id nor a page URL (short `/x/` links cannot be resolved offline).
pub fn page_id_from(reference: &str) -> Result<String, ToolError> {
    let reference = reference.trim();
    if !reference.is_empty() && reference.chars().all(|c| c.is_ascii_digit()) {
        return Ok(reference.to_owned());
    }
    let invalid = || {
        ToolError::new(format!(
            "page_id must be a numeric page id or a Confluence page URL \
             (…/wiki/spaces/KEY/pages/12345/Title), got {reference:?}"
        ))
    };
    let url = url::Url::parse(reference).map_err(|_| invalid())?;
    if let Some((_, id)) = url.query_pairs().find(|(k, _)| k == "pageId")
        && !id.is_empty()
        && id.chars().all(|c| c.is_ascii_digit())
    {
        return Ok(id.into_owned());
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    if segments.first().is_some_and(|s| *s == "x")
        || segments.windows(2).any(|w| w[0] == "wiki" && w[1] == "x")
    {
        return Err(ToolError::new(
            "short links (/wiki/x/…) cannot be resolved; open the page and pass its full URL or id",
        ));
    }
    segments
        .iter()
        .position(|s| *s == "pages")
        .and_then(|at| {
            segments[at + 1..]
                .iter()
                .find(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
        })
        .map(|id| (*id).to_owned())
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_versions_are_parsed() {
        assert_eq!(
            conflict_version(
                "Version must be incremented when updating a page. Current Version: [8]. Provided version: [8]"
            ),
            Some(8)
        );
        assert_eq!(
            conflict_version("Version must be incremented on update. Current version is: 12"),
            Some(12)
        );
        assert_eq!(conflict_version("Conflict"), None);
        assert_eq!(
            conflict_version("Current version unknown, provided version: [3]"),
            None
        );
    }

    #[test]
    fn space_keys_come_from_web_paths() {
        assert_eq!(
            space_key_of_webui("/spaces/ENG/pages/65541/Runbook"),
            Some("ENG")
        );
        assert_eq!(
            space_key_of_webui("https://x.atlassian.net/wiki/spaces/~5b10ac/overview"),
            Some("~5b10ac")
        );
        assert_eq!(space_key_of_webui("/pages/viewpage.action?pageId=1"), None);
        assert_eq!(space_key_of_webui("/spaces/a b/pages/1"), None);
    }

    #[test]
    fn page_ids_come_from_ids_and_urls() {
        assert_eq!(page_id_from(" 65541 ").ok(), Some("65541".to_owned()));
        assert_eq!(
            page_id_from(
                "https://x.atlassian.net/wiki/spaces/ENG/pages/65541/Runbook+login+outage"
            )
            .ok(),
            Some("65541".to_owned())
        );
        assert_eq!(
            page_id_from("https://x.atlassian.net/wiki/spaces/ENG/pages/edit-v2/65541").ok(),
            Some("65541".to_owned())
        );
        assert_eq!(
            page_id_from("https://x.atlassian.net/wiki/pages/viewpage.action?pageId=65542").ok(),
            Some("65542".to_owned())
        );
        assert!(page_id_from("https://x.atlassian.net/wiki/x/BQAB").is_err());
        assert!(page_id_from("65541/../../admin").is_err());
        assert!(page_id_from("").is_err());
    }
}
