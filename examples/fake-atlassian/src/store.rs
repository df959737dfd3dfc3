//! The in-memory state of the fake: Jira and Confluence data, the request log, injected faults,
//! runtime configuration and the in-flight counters.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::confluence::model::Confluence;
use crate::jira::model::Jira;
use crate::time::Clock;

/// Everything behind the fake's single lock.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) clock: Clock,
    pub(crate) jira: Jira,
    pub(crate) confluence: Confluence,
    pub(crate) log: Vec<LogEntry>,
    pub(crate) next_log_id: u64,
    pub(crate) faults: Vec<Fault>,
    pub(crate) next_fault_id: u64,
    pub(crate) config: Config,
}

impl Store {
    /// A freshly seeded store (see the crate docs for the seed data).
    pub(crate) fn seeded() -> Self {
        Self {
            clock: Clock::new(),
            jira: Jira::seeded(),
            confluence: Confluence::seeded(),
            log: Vec::new(),
            next_log_id: 1,
            faults: Vec::new(),
            next_fault_id: 1,
            config: Config::default(),
        }
    }
}

/// Runtime switches set with `POST /__fake/config`.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Config {
    /// Credentials are ignored: Jira search answers an empty page, everything else 401.
    pub(crate) anonymous: bool,
    /// A new issue is hidden from this many searches unless named in `reconcileIssues`.
    pub(crate) search_delay: u32,
    /// Added to every non-admin request before it is answered.
    pub(crate) latency_ms: u64,
}

/// A partial update of [`Config`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigPatch {
    pub(crate) anonymous: Option<bool>,
    pub(crate) search_delay: Option<u32>,
    pub(crate) latency_ms: Option<u64>,
}

/// One logged non-admin request.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LogEntry {
    #[serde(skip)]
    pub(crate) id: u64,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) account_id: Option<String>,
    pub(crate) authorization: Option<String>,
    pub(crate) body: Value,
    /// `None` while in progress, or when the client went away before the answer.
    pub(crate) status: Option<u16>,
}

/// An injected fault (`POST /__fake/faults`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Fault {
    #[serde(default)]
    pub(crate) id: u64,
    /// The HTTP method to match; absent = any.
    #[serde(default)]
    pub(crate) method: Option<String>,
    /// The path to match after stripping `/ex/{product}/{cloudId}`; a trailing `*` matches a prefix.
    pub(crate) path: String,
    pub(crate) status: u16,
    /// The `Retry-After` header value.
    #[serde(default)]
    pub(crate) retry_after: Option<String>,
    /// Extra response headers.
    #[serde(default)]
    pub(crate) headers: Map<String, Value>,
    /// The response body; absent = the product's usual error body for `status`.
    #[serde(default)]
    pub(crate) body: Option<Value>,
    /// How many requests it answers; absent/null = forever.
    #[serde(default)]
    pub(crate) times: Option<u32>,
}

impl Fault {
    /// Whether it answers this request.
    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path || self.path.trim_end_matches('/') == path,
        };
        method_ok && path_ok && self.times != Some(0)
    }
}

/// The state shared by all requests.
#[derive(Debug)]
pub(crate) struct Shared {
    store: Mutex<Store>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Shared {
    /// A freshly seeded fake.
    pub(crate) fn new() -> Self {
        Self {
            store: Mutex::new(Store::seeded()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        }
    }

    /// The store (a panicked request cannot leave it locked forever).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a request as in flight until the guard drops.
    pub(crate) fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(self)
    }

    /// `(in_flight, max_in_flight)`.
    pub(crate) fn stats(&self) -> (usize, usize) {
        (
            self.in_flight.load(Ordering::SeqCst),
            self.max_in_flight.load(Ordering::SeqCst),
        )
    }

    /// Forgets the maximum (keeps requests still in flight).
    pub(crate) fn reset_stats(&self) {
        self.max_in_flight
            .store(self.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

/// Decrements the in-flight counter on drop, also when the client cancels the request.
#[derive(Debug)]
pub(crate) struct InFlight<'a>(&'a Shared);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}
