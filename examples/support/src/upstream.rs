//! An HTTP client for one upstream service (Jira, Confluence, ...): per-attempt timeouts,
//! retries of reads that honour `Retry-After`, a per-user in-flight cap, bounded response
//! bodies, and errors that read well to a model.
//!
//! Retry policy (Atlassian's rate-limiting guidance):
//! - `GET`/`HEAD` (and any request marked [`retry_reads`](UpstreamRequest::retry_reads)) are
//!   retried on 429, 503 and connection failures, at most [`UpstreamConfig::max_attempts`]
//!   attempts in all. The wait is the response's `Retry-After` (seconds or an HTTP date; at
//!   least 1 s, also for `0`) plus a little jitter, or a short exponential backoff without one.
//!   A `Retry-After` above [`UpstreamConfig::max_retry_wait`] is not waited for: the error is
//!   returned at once.
//! - Writes (`POST`, `PUT`, `DELETE`, ...) are sent exactly once: a retried create could
//!   create twice.
//! - With [`user`](UpstreamRequest::user), at most
//!   [`UpstreamConfig::max_in_flight_per_user`] attempts of that user are in flight at once;
//!   the others queue. A request waiting to retry holds no slot.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::header::{ACCEPT, AUTHORIZATION, RETRY_AFTER};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde_json::Value;
use tokio::sync::Semaphore;
use url::Url;

pub use self::error::{UpstreamError, upstream_message};
use crate::credentials::Credential;

mod error;
#[cfg(test)]
mod tests;

/// The largest response body read (a bigger one is an [`UpstreamError::Invalid`]).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// How long a [`Upstream::reachable`] answer is reused.
const PROBE_TTL: Duration = Duration::from_secs(5);

/// The longest a readiness probe waits.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// The first backoff when the upstream gave no `Retry-After` (doubled per attempt).
const BACKOFF: Duration = Duration::from_millis(250);

/// At most this much random time is added to a wait.
const MAX_JITTER: Duration = Duration::from_millis(250);

/// Timeouts, retries and the per-user cap of an [`Upstream`].
#[derive(Debug, Clone)]
#[expect(
    clippy::exhaustive_structs,
    reason = "configuration the examples build with struct update syntax from Default"
)]
pub struct UpstreamConfig {
    /// The deadline of one attempt, from sending to the last body byte (default 30 s).
    pub timeout: Duration,
    /// Attempts in all for a retried request, the first included (default 3; at least 1).
    pub max_attempts: u32,
    /// The longest `Retry-After` waited for (default 10 s); a longer one fails at once.
    pub max_retry_wait: Duration,
    /// Attempts of one user in flight at once (default 4; at least 1).
    pub max_in_flight_per_user: usize,
}

impl Default for UpstreamConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            max_attempts: 3,
            max_retry_wait: Duration::from_secs(10),
            max_in_flight_per_user: 4,
        }
    }
}

/// A client for one upstream service, rooted at a base URL. Cheap to clone (an `Arc`
/// inside); keep one per service in the server state.
#[derive(Clone)]
pub struct Upstream {
    inner: Arc<Inner>,
}

struct Inner {
    service: &'static str,
    base: Url,
    client: reqwest::Client,
    config: UpstreamConfig,
    /// Per-user in-flight slots. Entries stay (one small semaphore per user ever seen).
    users: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Cached readiness answers by path.
    probes: Mutex<HashMap<String, (Instant, bool)>>,
}

impl fmt::Debug for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upstream")
            .field("service", &self.inner.service)
            .field("base", &self.inner.base.as_str())
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Upstream {
    /// A client for `service` (the name used in error texts, e.g. `"Jira"`) at `base` (e.g.
    /// `https://your-site.atlassian.net/` or `http://127.0.0.1:8089/`). A base without a
    /// trailing slash gets one, so request paths are always relative to all of it.
    ///
    /// TLS uses rustls with the `ring` provider (installed as the process default when none
    /// is) and the platform's trust store.
    ///
    /// # Errors
    ///
    /// A base that is not an `http`/`https` URL, a zero `max_attempts` or
    /// `max_in_flight_per_user`, or a TLS setup failure.
    pub fn new(service: &'static str, base: Url, config: UpstreamConfig) -> Result<Self, String> {
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(format!(
                "{service} base URL must be http:// or https://, got {base}"
            ));
        }
        if config.max_attempts == 0 {
            return Err("max_attempts must be at least 1".to_owned());
        }
        if config.max_in_flight_per_user == 0 {
            return Err("max_in_flight_per_user must be at least 1".to_owned());
        }
        let mut base = base;
        base.set_query(None);
        base.set_fragment(None);
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .user_agent(concat!("mcp-rs-example/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| format!("{service} HTTP client: {e}"))?;
        Ok(Self {
            inner: Arc::new(Inner {
                service,
                base,
                client,
                config,
                users: Mutex::new(HashMap::new()),
                probes: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The base URL (always ending in `/`).
    pub fn base(&self) -> &Url {
        &self.inner.base
    }

    /// The service name used in error texts.
    pub fn service(&self) -> &'static str {
        self.inner.service
    }

    /// Starts a request to `path`, relative to the base (e.g. `rest/api/3/search/jql`; a
    /// leading `/` is ignored). Put query parameters in [`query`](UpstreamRequest::query),
    /// not in `path`.
    ///
    /// Percent-encode values you put into `path` yourself (issue keys, page ids from a
    /// model). A path that would leave the base URL (`..` segments, an absolute URL) fails
    /// at [`send`](UpstreamRequest::send) with [`UpstreamError::Invalid`] and is never
    /// sent.
    pub fn request(&self, method: Method, path: &str) -> UpstreamRequest {
        let retry = if method == Method::GET || method == Method::HEAD {
            Retry::Reads
        } else {
            Retry::Never
        };
        UpstreamRequest {
            upstream: self.clone(),
            url: resolve(&self.inner.base, path),
            method,
            headers: HeaderMap::new(),
            body: None,
            user: None,
            retry,
        }
    }

    /// The `/health/ready` probe for [`serve()`](crate::serve()): ready while the service
    /// answers at `path` ([`Upstream::reachable`]).
    #[must_use]
    pub fn readiness(&self, path: &'static str) -> crate::Readiness {
        let upstream = self.clone();
        crate::readiness(move || {
            let upstream = upstream.clone();
            async move { upstream.reachable(path).await }
        })
    }

    /// Whether the service answers at `path`: a GET without credentials, any status below
    /// 500 counts (a 401 proves it is up). For `/health/ready`; answers are cached 5 s.
    pub async fn reachable(&self, path: &str) -> bool {
        let now = Instant::now();
        if let Some(&(at, up)) = lock(&self.inner.probes).get(path)
            && now.duration_since(at) < PROBE_TTL
        {
            return up;
        }
        let up = match resolve(&self.inner.base, path) {
            Ok(url) => {
                let probe = self
                    .inner
                    .client
                    .get(url)
                    .timeout(self.inner.config.timeout.min(PROBE_TIMEOUT))
                    .send()
                    .await;
                match probe {
                    Ok(response) => response.status().as_u16() < 500,
                    Err(e) => {
                        tracing::debug!(service = self.inner.service, error = %e.without_url(), "readiness probe failed");
                        false
                    }
                }
            }
            Err(_) => false,
        };
        lock(&self.inner.probes).insert(path.to_owned(), (Instant::now(), up));
        up
    }

    fn slots(&self, user: &str) -> Arc<Semaphore> {
        lock(&self.inner.users)
            .entry(user.to_owned())
            .or_insert_with(|| Arc::new(Semaphore::new(self.inner.config.max_in_flight_per_user)))
            .clone()
    }
}

/// Installs rustls' `ring` provider as the process default unless one is installed already.
///
/// `reqwest` is built with `rustls-no-provider`: a client built before a provider exists
/// fails (`reqwest::Client::new()` panics). [`Upstream::new`] calls this; call it yourself
/// before building another `reqwest` client (e.g. in tests talking to a fake's admin API).
pub fn install_crypto_provider() {
    // Fails when a provider is installed already (by us or the application): fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Locks a mutex whose data stays consistent even if a holder panicked (plain inserts).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `base` + `path`, refusing anything outside `base`.
fn resolve(base: &Url, path: &str) -> Result<Url, String> {
    let relative = path.trim_start_matches('/');
    let url = base
        .join(relative)
        .map_err(|e| format!("invalid request path: {e}"))?;
    if url.origin() != base.origin() || !url.path().starts_with(base.path()) {
        return Err("the request path leaves the service's base URL".to_owned());
    }
    Ok(url)
}

/// Whether a request may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    Reads,
    Never,
}

/// A request being built; finish with [`send`](Self::send).
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct UpstreamRequest {
    upstream: Upstream,
    method: Method,
    url: Result<Url, String>,
    headers: HeaderMap,
    body: Option<Value>,
    user: Option<String>,
    retry: Retry,
}

impl UpstreamRequest {
    /// Appends query parameters (percent-encoded here).
    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        if let Ok(url) = &mut self.url {
            url.query_pairs_mut().extend_pairs(pairs);
        }
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`).
    pub fn json(mut self, body: &Value) -> Self {
        self.body = Some(body.clone());
        self
    }

    /// Authenticates as `credential` (`Authorization`, marked sensitive).
    pub fn credential(mut self, credential: &Credential) -> Self {
        self.headers
            .insert(AUTHORIZATION, credential.authorization());
        self
    }

    /// Adds a header (e.g. `X-Atlassian-Token: no-check`).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Counts this request against `key`'s in-flight cap (use the principal's subject).
    pub fn user(mut self, key: &str) -> Self {
        self.user = Some(key.to_owned());
        self
    }

    /// Retries this request like a GET: for a POST that only reads (JQL search).
    pub fn retry_reads(mut self) -> Self {
        self.retry = Retry::Reads;
        self
    }

    /// Never retries this request, whatever its method.
    pub fn no_retry(mut self) -> Self {
        self.retry = Retry::Never;
        self
    }

    /// Sends the request (retrying per the module's policy) and reads the answer.
    ///
    /// # Errors
    ///
    /// Any non-2xx answer, after retries: 429 → [`UpstreamError::RateLimited`], 502/503/504 →
    /// [`UpstreamError::Unavailable`], others → [`UpstreamError::Status`] with the upstream's
    /// message. No answer: [`UpstreamError::Unavailable`] or [`UpstreamError::Timeout`].
    pub async fn send(self) -> Result<UpstreamResponse, UpstreamError> {
        let inner = &self.upstream.inner;
        let service = inner.service;
        let url = match &self.url {
            Ok(url) => url.clone(),
            Err(detail) => {
                return Err(UpstreamError::Invalid {
                    service,
                    detail: detail.clone(),
                });
            }
        };
        let max_attempts = match self.retry {
            Retry::Reads => inner.config.max_attempts.max(1),
            Retry::Never => 1,
        };
        let slots = self.user.as_deref().map(|user| self.upstream.slots(user));
        let mut attempt = 1;
        loop {
            let outcome = {
                let _slot = match &slots {
                    // The semaphore is never closed, so acquiring only waits.
                    Some(slots) => slots.clone().acquire_owned().await.ok(),
                    None => None,
                };
                self.attempt(&url).await
            };
            let (error, retry_after) = match outcome {
                Attempt::Done(response) => return Ok(response),
                Attempt::Failed(error) => return Err(error),
                Attempt::Retryable { error, retry_after } => (error, retry_after),
            };
            if attempt >= max_attempts {
                return Err(error);
            }
            let wait = match retry_after {
                Some(wait) if wait > inner.config.max_retry_wait => return Err(error),
                Some(wait) => wait + jitter(),
                None => BACKOFF * 2u32.saturating_pow(attempt - 1) + jitter(),
            };
            tracing::warn!(
                service,
                method = %self.method,
                path = url.path(),
                attempt,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                error = %error,
                "retrying"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt, bounded by the configured timeout.
    async fn attempt(&self, url: &Url) -> Attempt {
        let inner = &self.upstream.inner;
        let service = inner.service;
        let mut request = inner
            .client
            .request(self.method.clone(), url.clone())
            .header(ACCEPT, "application/json")
            .headers(self.headers.clone());
        if let Some(body) = &self.body {
            request = request.json(body);
        }
        let exchange = async {
            let mut response = request.send().await?;
            let status = response.status().as_u16();
            let headers = std::mem::take(response.headers_mut());
            let mut bytes = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                    return Ok(Err(status));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok::<_, reqwest::Error>(Ok((status, headers, bytes)))
        };
        let (status, headers, bytes) =
            match tokio::time::timeout(inner.config.timeout, exchange).await {
                Err(_) => {
                    return Attempt::Failed(UpstreamError::Timeout {
                        service,
                        after: inner.config.timeout,
                    });
                }
                Ok(Err(e)) => return classify_transport(service, &e, inner.config.timeout),
                Ok(Ok(Err(status))) => {
                    return Attempt::Failed(UpstreamError::Invalid {
                        service,
                        detail: format!(
                            "the answer (HTTP {status}) is larger than {} MiB",
                            MAX_BODY_BYTES / (1024 * 1024)
                        ),
                    });
                }
                Ok(Ok(Ok(answer))) => answer,
            };
        tracing::debug!(service, method = %self.method, path = url.path(), status, "upstream answered");
        let body = parse_body(&bytes);
        classify_status(service, status, headers, body)
    }
}

/// The outcome of one attempt.
enum Attempt {
    Done(UpstreamResponse),
    Failed(UpstreamError),
    Retryable {
        error: UpstreamError,
        retry_after: Option<Duration>,
    },
}

fn classify_transport(service: &'static str, e: &reqwest::Error, timeout: Duration) -> Attempt {
    if e.is_timeout() {
        return Attempt::Failed(UpstreamError::Timeout {
            service,
            after: timeout,
        });
    }
    if e.is_builder() {
        return Attempt::Failed(UpstreamError::Invalid {
            service,
            detail: "the request could not be built".to_owned(),
        });
    }
    let detail = transport_detail(e);
    tracing::debug!(service, error = %e, "upstream transport error");
    let error = UpstreamError::Unavailable { service, detail };
    if e.is_connect() || e.is_request() {
        Attempt::Retryable {
            error,
            retry_after: None,
        }
    } else {
        Attempt::Failed(error)
    }
}

/// A short, secret-free description of a transport failure.
fn transport_detail(e: &reqwest::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
                std::io::ErrorKind::ConnectionReset => "connection reset".to_owned(),
                std::io::ErrorKind::ConnectionAborted => "connection aborted".to_owned(),
                std::io::ErrorKind::TimedOut => "connection timed out".to_owned(),
                _ => format!("network error: {io}"),
            };
        }
        source = err.source();
    }
    if e.is_connect() {
        "cannot connect".to_owned()
    } else {
        "the connection failed".to_owned()
    }
}

fn classify_status(service: &'static str, status: u16, headers: HeaderMap, body: Value) -> Attempt {
    match status {
        200..=299 => Attempt::Done(UpstreamResponse {
            status,
            headers,
            body,
        }),
        429 => {
            let retry_after = retry_after(&headers, SystemTime::now());
            let reason = headers
                .get("ratelimit-reason")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            Attempt::Retryable {
                error: UpstreamError::RateLimited {
                    service,
                    retry_after,
                    reason,
                },
                retry_after,
            }
        }
        502..=504 => {
            let message = upstream_message(&body);
            let detail = if message.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status}: {message}")
            };
            let error = UpstreamError::Unavailable { service, detail };
            if status == 503 {
                Attempt::Retryable {
                    error,
                    retry_after: retry_after(&headers, SystemTime::now()),
                }
            } else {
                Attempt::Failed(error)
            }
        }
        _ => Attempt::Failed(UpstreamError::Status {
            service,
            status,
            message: upstream_message(&body),
            body,
        }),
    }
}

/// JSON when the body parses as JSON, the text otherwise, `Null` when empty.
fn parse_body(bytes: &[u8]) -> Value {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// `Retry-After` as a wait: delta-seconds or an HTTP date, at least 1 s (`0` and past dates
/// included). `None` when absent or unreadable.
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = if let Ok(seconds) = text.parse::<u64>() {
        Duration::from_secs(seconds)
    } else {
        let at = parse_http_date(text)?;
        at.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait.max(Duration::from_secs(1)))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only HTTP date form senders
/// may generate (RFC 9110 §5.6.7).
fn parse_http_date(text: &str) -> Option<SystemTime> {
    let rest = text.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: u64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: u64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':');
    let hour: u64 = clock.next()?.parse().ok()?;
    let minute: u64 = clock.next()?.parse().ok()?;
    let second: u64 = clock.next()?.parse().ok()?;
    if parts.next()? != "GMT" || parts.next().is_some() || clock.next().is_some() {
        return None;
    }
    if !(1..=31).contains(&day) || year < 1970 || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), years from March.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y % 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// A little random time (up to 250 ms) so that clients told the same `Retry-After` do not
/// come back at the same instant.
fn jitter() -> Duration {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    // Spread the low bits (the clock's resolution may be coarse).
    let mixed = nanos.wrapping_mul(2_654_435_761) >> 8;
    let max = u32::try_from(MAX_JITTER.as_nanos()).unwrap_or(u32::MAX);
    Duration::from_nanos(u64::from(mixed % max))
}

/// A successful (2xx) answer.
#[derive(Debug, Clone)]
#[expect(
    clippy::exhaustive_structs,
    reason = "plain data the examples destructure"
)]
pub struct UpstreamResponse {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body: JSON when it parses as JSON, a `String` otherwise, `Null` when empty.
    pub body: Value,
}
