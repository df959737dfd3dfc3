//! Where legacy sessions and their resumable SSE events live: the [`SessionStore`] and
//! [`EventStore`] traits and their in-memory implementations.
//!
//! A session record is plain data (principal binding, negotiated version, client
//! capabilities), so a shared store lets any replica serve a session another one created; the
//! live parts (pending server-to-client requests, the open GET stream) stay in the process
//! that holds the connection.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::future::BoxFuture;
use mcp_core::protocol::{ClientCapabilities, Implementation, ProtocolVersion};

/// A failure of a store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The global or per-principal session cap is reached.
    #[error("too many sessions")]
    Capacity,
    /// The backend failed.
    #[error("session store unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A legacy session as stored: everything needed to serve it, nothing live.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SessionRecord {
    /// The session id (`Mcp-Session-Id`).
    pub id: String,
    /// The principal the session is bound to ([`Principal::binding_key`](crate::Principal::binding_key)).
    pub principal: String,
    /// The negotiated protocol revision.
    pub version: ProtocolVersion,
    /// The capabilities the client declared at `initialize`.
    pub capabilities: ClientCapabilities,
    /// The client's self-description.
    pub client_info: Implementation,
}

/// Session limits a store enforces when creating a session.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SessionLimits {
    /// Sessions in all (default 10 000).
    pub max_total: usize,
    /// Sessions of one principal (default 100).
    pub max_per_principal: usize,
    /// A session unused this long is reaped (default 30 minutes).
    pub idle_ttl: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            max_total: 10_000,
            max_per_principal: 100,
            idle_ttl: Duration::from_mins(30),
        }
    }
}

/// Stores legacy session records.
///
/// Implementations must be safe to share between replicas if the deployment has several:
/// ids are unguessable, and a record is only ever returned to the principal it is bound to
/// (the transport checks; a store may check too).
pub trait SessionStore: Send + Sync + 'static {
    /// Stores a new record, enforcing `limits`.
    fn create(
        &self,
        record: SessionRecord,
        limits: SessionLimits,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The record with `id`, if it exists and is not idle past the limit; marks it used.
    fn load(
        &self,
        id: &str,
        limits: SessionLimits,
    ) -> impl Future<Output = Result<Option<SessionRecord>, StoreError>> + Send;

    /// Removes the record. Returns whether it existed.
    fn remove(&self, id: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Whether the store is reachable (for `/health/ready`).
    fn ready(&self) -> impl Future<Output = bool> + Send {
        async { true }
    }
}

/// Stores the SSE events of legacy streams for resumption (`Last-Event-ID`).
pub trait EventStore: Send + Sync + 'static {
    /// Appends an event to `stream` of `session`; returns its id, which names the stream.
    fn append(
        &self,
        session: &str,
        stream: &str,
        data: Bytes,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// The events of the stream that `last_event_id` belongs to, after it, if that stream
    /// belongs to `session`. Never events of another stream or session.
    fn replay(
        &self,
        session: &str,
        last_event_id: &str,
    ) -> impl Future<Output = Result<Option<Replay>, StoreError>> + Send;

    /// Drops every event of `session`.
    fn forget(&self, session: &str) -> impl Future<Output = ()> + Send;
}

/// Events to replay on a resumed stream.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Replay {
    /// The stream the events belong to.
    pub stream: String,
    /// `(event id, data)` in order.
    pub events: Vec<(String, Bytes)>,
}

/// Splits an event id `{stream}.{seq}`.
pub(crate) fn parse_event_id(id: &str) -> Option<(&str, u64)> {
    let (stream, seq) = id.rsplit_once('.')?;
    Some((stream, seq.parse().ok()?))
}

/// Session records in process memory, reaped when idle.
#[derive(Debug, Default)]
pub struct MemorySessionStore {
    sessions: Mutex<HashMap<String, (SessionRecord, Instant)>>,
}

impl MemorySessionStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn reap(map: &mut HashMap<String, (SessionRecord, Instant)>, ttl: Duration) {
        let now = Instant::now();
        map.retain(|_, (_, seen)| now.duration_since(*seen) < ttl);
    }
}

impl SessionStore for MemorySessionStore {
    async fn create(&self, record: SessionRecord, limits: SessionLimits) -> Result<(), StoreError> {
        let mut map = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        Self::reap(&mut map, limits.idle_ttl);
        if map.len() >= limits.max_total {
            return Err(StoreError::Capacity);
        }
        let mine = map
            .values()
            .filter(|(r, _)| r.principal == record.principal)
            .count();
        if mine >= limits.max_per_principal {
            return Err(StoreError::Capacity);
        }
        map.insert(record.id.clone(), (record, Instant::now()));
        Ok(())
    }

    async fn load(
        &self,
        id: &str,
        limits: SessionLimits,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let mut map = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        match map.get_mut(id) {
            Some((_, seen)) if now.duration_since(*seen) >= limits.idle_ttl => {
                map.remove(id);
                Ok(None)
            }
            Some((record, seen)) => {
                *seen = now;
                Ok(Some(record.clone()))
            }
            None => Ok(None),
        }
    }

    async fn remove(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id)
            .is_some())
    }
}

/// SSE events in process memory: at most `capacity` events per stream and `max_streams`
/// streams per session (the oldest dropped first), so memory stays bounded however long a
/// session lives.
#[derive(Debug)]
pub struct MemoryEventStore {
    capacity: usize,
    max_streams: usize,
    streams: Mutex<HashMap<(String, String), StreamLog>>,
    order: Mutex<HashMap<String, VecDeque<String>>>,
}

#[derive(Debug, Default)]
struct StreamLog {
    next: u64,
    events: VecDeque<(u64, Bytes)>,
}

impl MemoryEventStore {
    /// A store keeping at most `capacity` events per stream.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            max_streams: 64,
            streams: Mutex::new(HashMap::new()),
            order: Mutex::new(HashMap::new()),
        }
    }

    /// Keeps at most `streams` streams per session (default 64); older ones can no longer be
    /// resumed.
    #[must_use]
    pub fn max_streams(mut self, streams: usize) -> Self {
        self.max_streams = streams.max(1);
        self
    }
}

impl Default for MemoryEventStore {
    fn default() -> Self {
        Self::new(1024)
    }
}

impl EventStore for MemoryEventStore {
    async fn append(&self, session: &str, stream: &str, data: Bytes) -> Result<String, StoreError> {
        let mut streams = self.streams.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (session.to_owned(), stream.to_owned());
        if !streams.contains_key(&key) {
            let mut order = self.order.lock().unwrap_or_else(PoisonError::into_inner);
            let list = order.entry(session.to_owned()).or_default();
            list.push_back(stream.to_owned());
            while list.len() > self.max_streams {
                if let Some(old) = list.pop_front() {
                    streams.remove(&(session.to_owned(), old));
                }
            }
        }
        let log = streams.entry(key).or_default();
        let seq = log.next;
        log.next += 1;
        log.events.push_back((seq, data));
        while log.events.len() > self.capacity {
            log.events.pop_front();
        }
        Ok(format!("{stream}.{seq}"))
    }

    async fn replay(
        &self,
        session: &str,
        last_event_id: &str,
    ) -> Result<Option<Replay>, StoreError> {
        let Some((stream, seq)) = parse_event_id(last_event_id) else {
            return Ok(None);
        };
        let streams = self.streams.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(log) = streams.get(&(session.to_owned(), stream.to_owned())) else {
            return Ok(None);
        };
        let events = log
            .events
            .iter()
            .filter(|(s, _)| *s > seq)
            .map(|(s, d)| (format!("{stream}.{s}"), d.clone()))
            .collect();
        Ok(Some(Replay {
            stream: stream.to_owned(),
            events,
        }))
    }

    async fn forget(&self, session: &str) {
        self.streams
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|(s, _), _| s != session);
        self.order
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(session);
    }
}

/// The object-safe twins the service stores.
pub(crate) trait DynSessionStore: Send + Sync {
    fn create(
        &self,
        record: SessionRecord,
        limits: SessionLimits,
    ) -> BoxFuture<'_, Result<(), StoreError>>;
    fn load<'a>(
        &'a self,
        id: &'a str,
        limits: SessionLimits,
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, StoreError>>;
    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<bool, StoreError>>;
    fn ready(&self) -> BoxFuture<'_, bool>;
}

impl<T: SessionStore> DynSessionStore for T {
    fn create(
        &self,
        record: SessionRecord,
        limits: SessionLimits,
    ) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(SessionStore::create(self, record, limits))
    }
    fn load<'a>(
        &'a self,
        id: &'a str,
        limits: SessionLimits,
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, StoreError>> {
        Box::pin(SessionStore::load(self, id, limits))
    }
    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(SessionStore::remove(self, id))
    }
    fn ready(&self) -> BoxFuture<'_, bool> {
        Box::pin(SessionStore::ready(self))
    }
}

pub(crate) trait DynEventStore: Send + Sync {
    fn append<'a>(
        &'a self,
        session: &'a str,
        stream: &'a str,
        data: Bytes,
    ) -> BoxFuture<'a, Result<String, StoreError>>;
    fn replay<'a>(
        &'a self,
        session: &'a str,
        last: &'a str,
    ) -> BoxFuture<'a, Result<Option<Replay>, StoreError>>;
    fn forget<'a>(&'a self, session: &'a str) -> BoxFuture<'a, ()>;
}

impl<T: EventStore> DynEventStore for T {
    fn append<'a>(
        &'a self,
        session: &'a str,
        stream: &'a str,
        data: Bytes,
    ) -> BoxFuture<'a, Result<String, StoreError>> {
        Box::pin(EventStore::append(self, session, stream, data))
    }
    fn replay<'a>(
        &'a self,
        session: &'a str,
        last: &'a str,
    ) -> BoxFuture<'a, Result<Option<Replay>, StoreError>> {
        Box::pin(EventStore::replay(self, session, last))
    }
    fn forget<'a>(&'a self, session: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(EventStore::forget(self, session))
    }
}

#[cfg(test)]
mod tests {
    use super::{
        Bytes, ClientCapabilities, Duration, EventStore, Implementation, MemoryEventStore,
        MemorySessionStore, ProtocolVersion, SessionLimits, SessionRecord, SessionStore,
        StoreError,
    };

    fn record(id: &str, principal: &str) -> SessionRecord {
        SessionRecord {
            id: id.into(),
            principal: principal.into(),
            version: ProtocolVersion::V2025_11_25,
            capabilities: ClientCapabilities::default(),
            client_info: Implementation::new("c", "1"),
        }
    }

    #[tokio::test]
    async fn caps_and_ttl() {
        let store = MemorySessionStore::new();
        let limits = SessionLimits {
            max_total: 3,
            max_per_principal: 2,
            idle_ttl: Duration::from_mins(1),
        };
        store.create(record("a", "p1"), limits).await.expect("a");
        store.create(record("b", "p1"), limits).await.expect("b");
        assert!(matches!(
            store.create(record("c", "p1"), limits).await,
            Err(StoreError::Capacity)
        ));
        store.create(record("d", "p2"), limits).await.expect("d");
        assert!(matches!(
            store.create(record("e", "p3"), limits).await,
            Err(StoreError::Capacity)
        ));
        assert!(store.load("a", limits).await.expect("load").is_some());
        assert!(store.remove("a").await.expect("remove"));
        assert!(store.load("a", limits).await.expect("load").is_none());
        let expired = SessionLimits {
            idle_ttl: Duration::ZERO,
            ..limits
        };
        assert!(store.load("b", expired).await.expect("load").is_none());
    }

    #[tokio::test]
    async fn replay_stays_on_its_stream_and_session() {
        let store = MemoryEventStore::new(2);
        let a0 = store
            .append("s1", "A", Bytes::from("a0"))
            .await
            .expect("append");
        store
            .append("s1", "B", Bytes::from("b0"))
            .await
            .expect("append");
        store
            .append("s1", "A", Bytes::from("a1"))
            .await
            .expect("append");
        store
            .append("s1", "A", Bytes::from("a2"))
            .await
            .expect("append");
        let r = store
            .replay("s1", &a0)
            .await
            .expect("replay")
            .expect("stream");
        assert_eq!(r.stream, "A");
        let data: Vec<_> = r.events.iter().map(|(_, d)| d.clone()).collect();
        assert_eq!(data, [Bytes::from("a1"), Bytes::from("a2")]);
        assert!(
            store.replay("s2", &a0).await.expect("replay").is_none(),
            "another session's id yields nothing"
        );
        assert!(
            store
                .replay("s1", "garbage")
                .await
                .expect("replay")
                .is_none()
        );
        // at most `max_streams` streams per session: the oldest goes
        let small = MemoryEventStore::new(8).max_streams(2);
        let first = small
            .append("s", "A", Bytes::from("a"))
            .await
            .expect("append");
        small
            .append("s", "B", Bytes::from("b"))
            .await
            .expect("append");
        small
            .append("s", "C", Bytes::from("c"))
            .await
            .expect("append");
        assert!(small.replay("s", &first).await.expect("replay").is_none());
        store.forget("s1").await;
        assert!(store.replay("s1", &a0).await.expect("replay").is_none());
    }
}
