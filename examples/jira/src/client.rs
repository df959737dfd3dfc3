//! The server's state: the Jira client, the upstream credentials, the project allow-list and
//! the issues this server created recently (for read-after-write searches).

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use example_support::{
    Credential, CredentialProvider as _, Credentials, Upstream, UpstreamError, UpstreamRequest,
    UpstreamResponse,
};
use http::Method;
use mcp_server::{Principal, ToolError};
use serde_json::Value;
use url::Url;

use crate::jql;

/// How many recently created issues searches reconcile (Jira accepts at most 50 ids).
const RECONCILE_MAX: usize = 50;
/// How long a created issue is reconciled: Jira's search index catches up within seconds.
const RECONCILE_FOR: Duration = Duration::from_mins(10);

/// Everything the tools share; cheap to clone (one `Arc`). Register it with
/// `ServerBuilder::state` and extract it with `#[ctx] State(jira): State<Jira>`.
#[derive(Clone)]
pub struct Jira {
    inner: Arc<Inner>,
}

struct Inner {
    upstream: Upstream,
    credentials: Credentials,
    projects: Vec<String>,
    max_results: u32,
    site: Option<Url>,
    recent: Mutex<VecDeque<(u64, Instant)>>,
}

impl std::fmt::Debug for Jira {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jira")
            .field("upstream", &self.inner.upstream)
            .field("credentials", &self.inner.credentials)
            .field("projects", &self.inner.projects)
            .field("max_results", &self.inner.max_results)
            .field("site", &self.inner.site.as_ref().map(Url::as_str))
            .finish_non_exhaustive()
    }
}

/// The settings of a [`Jira`] state.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JiraSettings {
    /// The project allow-list (uppercase keys); empty = every project the credential sees.
    pub projects: Vec<String>,
    /// The default page size of `jira_search_issues` (1-100).
    pub max_results: u32,
    /// The site (`https://your-site.atlassian.net`) for browse links, when known.
    pub site: Option<Url>,
}

impl JiraSettings {
    /// No allow-list, 20 results per page, no browse links.
    pub fn new() -> Self {
        Self {
            projects: Vec::new(),
            max_results: 20,
            site: None,
        }
    }

    /// Restricts the server to these projects (keys are upper-cased).
    #[must_use]
    pub fn projects(mut self, projects: impl IntoIterator<Item = String>) -> Self {
        self.projects = projects
            .into_iter()
            .map(|p| p.trim().to_ascii_uppercase())
            .filter(|p| !p.is_empty())
            .collect();
        self.projects.sort();
        self.projects.dedup();
        self
    }

    /// The default page size of searches (clamped to 1-100).
    #[must_use]
    pub fn max_results(mut self, max_results: u32) -> Self {
        self.max_results = max_results.clamp(1, 100);
        self
    }

    /// The site URL used for browse links (`<site>/browse/ENG-42`).
    #[must_use]
    pub fn site(mut self, site: Option<Url>) -> Self {
        self.site = site;
        self
    }
}

impl Default for JiraSettings {
    fn default() -> Self {
        Self::new()
    }
}

impl Jira {
    /// A state calling Jira through `upstream` with `credentials`.
    pub fn new(upstream: Upstream, credentials: Credentials, settings: JiraSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                upstream,
                credentials,
                projects: settings.projects,
                max_results: settings.max_results,
                site: settings.site,
                recent: Mutex::new(VecDeque::new()),
            }),
        }
    }

    /// The upstream client (for the readiness probe).
    pub fn upstream(&self) -> &Upstream {
        &self.inner.upstream
    }

    /// The project allow-list (empty = all).
    pub fn projects(&self) -> &[String] {
        &self.inner.projects
    }

    /// The default page size of searches.
    pub fn max_results(&self) -> u32 {
        self.inner.max_results
    }

    /// The upstream credential of `who`'s calls.
    ///
    /// # Errors
    ///
    /// No credential for this caller (per-user credentials without an entry or fallback).
    pub async fn credential(&self, who: &Principal) -> Result<Credential, ToolError> {
        Ok(self.inner.credentials.credential(who).await?)
    }

    /// A request to `path` with `credential`, counted against `who`'s in-flight cap.
    pub fn request(
        &self,
        who: &Principal,
        credential: &Credential,
        method: Method,
        path: &str,
    ) -> UpstreamRequest {
        self.inner
            .upstream
            .request(method, path)
            .credential(credential)
            .user(&who.subject)
    }

    /// GET `path` with `query` as `who`.
    ///
    /// # Errors
    ///
    /// Jira's answer was not a success (after the retries reads get).
    pub async fn get(
        &self,
        who: &Principal,
        credential: &Credential,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<UpstreamResponse, UpstreamError> {
        self.request(who, credential, Method::GET, path)
            .query(query)
            .send()
            .await
    }

    /// Refuses a project outside the allow-list, before any upstream call.
    ///
    /// # Errors
    ///
    /// The project is not allowed: a tool error naming the allowed projects.
    pub fn check_project(&self, project: &str) -> Result<(), ToolError> {
        let projects = &self.inner.projects;
        let key = project.trim().to_ascii_uppercase();
        if projects.is_empty() || projects.contains(&key) {
            Ok(())
        } else {
            Err(ToolError::new(format!(
                "project {key} is outside this server's allowed projects ({}); nothing was sent to Jira",
                projects.join(", ")
            )))
        }
    }

    /// Refuses an issue outside the allow-list. An issue key is judged by its project
    /// prefix; a numeric id is looked up first (one GET of the issue's `project` field).
    ///
    /// # Errors
    ///
    /// The issue's project is not allowed, or the lookup failed.
    pub async fn check_issue(
        &self,
        who: &Principal,
        credential: &Credential,
        issue: &str,
    ) -> Result<(), ToolError> {
        if self.inner.projects.is_empty() {
            return Ok(());
        }
        if let Some(project) = jql::project_of_key(issue) {
            return self.check_project(&project);
        }
        let found = self
            .get(
                who,
                credential,
                &format!("rest/api/3/issue/{}", path_segment(issue)),
                &[("fields", "project")],
            )
            .await?;
        let project = found.body["fields"]["project"]["key"]
            .as_str()
            .unwrap_or_default();
        self.check_project(project)
    }

    /// Remembers an issue this server just created, so the next searches reconcile it.
    pub fn remember_created(&self, id: &str) {
        let Ok(id) = id.parse::<u64>() else {
            return;
        };
        let mut recent = self
            .inner
            .recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        recent.push_back((id, Instant::now()));
        while recent.len() > RECONCILE_MAX {
            recent.pop_front();
        }
    }

    /// The ids of issues created here recently (at most 50), for `reconcileIssues`.
    pub fn reconcile_ids(&self) -> Vec<u64> {
        let mut recent = self
            .inner
            .recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        recent.retain(|(_, at)| now.duration_since(*at) < RECONCILE_FOR);
        recent.iter().map(|(id, _)| *id).collect()
    }

    /// The browse link of an issue, when the site is known.
    pub fn browse_url(&self, key: &str) -> Option<String> {
        let site = self.inner.site.as_ref()?;
        let mut url = site.clone();
        let path = format!("{}/browse/{key}", site.path().trim_end_matches('/'));
        url.set_path(&path);
        Some(url.to_string())
    }
}

/// Percent-encodes one path segment (issue keys and ids are validated by the input schema;
/// this is defence in depth).
pub fn path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The audit outcome of an upstream result: `ok`, or `error: <kind>` (never a message body,
/// which may quote user content).
pub fn outcome<T>(result: &Result<T, UpstreamError>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(UpstreamError::Status { status, .. }) => format!("error: HTTP {status}"),
        Err(UpstreamError::RateLimited { .. }) => "error: rate-limited".to_owned(),
        Err(UpstreamError::Timeout { .. }) => "error: timeout".to_owned(),
        Err(UpstreamError::Unavailable { .. }) => "error: unavailable".to_owned(),
        Err(UpstreamError::Invalid { .. }) => "error: invalid request".to_owned(),
    }
}

/// A JSON value's string, or `None` for anything else (including an empty string).
pub fn text(value: &Value) -> Option<String> {
    value.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("ENG-42"), "ENG-42");
        assert_eq!(path_segment("../x y"), "..%2Fx%20y");
    }
}
