//! Legacy (2025-11-25 and older) session state: the negotiated version and capabilities, the
//! log level, resource subscriptions, and server-to-client requests awaiting their answers.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp_core::jsonrpc::{ErrorCode, ErrorObject, Message, Request, RequestId, Response};
use mcp_core::protocol::{
    CancelledParams, ClientCapabilities, Implementation, LoggingLevel, ProtocolVersion,
};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::context::notification;
use crate::sink::Sink;

type Pending = HashMap<RequestId, oneshot::Sender<Result<Value, ErrorObject>>>;

/// One legacy session: created by `initialize`, scoped to a stdio process or an HTTP session id.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) version: ProtocolVersion,
    pub(crate) capabilities: Arc<ClientCapabilities>,
    pub(crate) client_info: Implementation,
    pub(crate) principal_key: String,
    initialized: AtomicBool,
    log_level: Mutex<Option<LoggingLevel>>,
    subscriptions: Mutex<HashSet<String>>,
    pending: Mutex<Pending>,
    next_id: AtomicI64,
    outbound: Mutex<Option<Sink>>,
    /// Fires when the session ends (stdio EOF, HTTP DELETE or expiry).
    pub(crate) closed: tokio_util::sync::CancellationToken,
}

impl Session {
    pub(crate) fn new(
        version: ProtocolVersion,
        capabilities: ClientCapabilities,
        client_info: Implementation,
        principal_key: String,
    ) -> Self {
        Self {
            version,
            capabilities: Arc::new(capabilities),
            client_info,
            principal_key,
            initialized: AtomicBool::new(false),
            log_level: Mutex::new(None),
            subscriptions: Mutex::new(HashSet::new()),
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicI64::new(1),
            outbound: Mutex::new(None),
            closed: tokio_util::sync::CancellationToken::new(),
        }
    }

    pub(crate) fn mark_initialized(&self) {
        self.initialized.store(true, Ordering::Release);
    }

    pub(crate) fn is_initialized(&self) -> bool {
        self.initialized.load(Ordering::Acquire)
    }

    pub(crate) fn log_level(&self) -> Option<LoggingLevel> {
        *self
            .log_level
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn set_log_level(&self, level: LoggingLevel) {
        *self
            .log_level
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(level);
    }

    pub(crate) fn subscribe(&self, uri: String) {
        self.subscriptions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(uri);
    }

    pub(crate) fn unsubscribe(&self, uri: &str) {
        self.subscriptions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(uri);
    }

    pub(crate) fn is_subscribed(&self, uri: &str) -> bool {
        self.subscriptions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(uri)
    }

    /// Sets where messages unrelated to any request go (the stdio writer, an HTTP GET stream).
    pub(crate) fn set_outbound(&self, sink: Option<Sink>) {
        *self
            .outbound
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = sink;
    }

    /// Sends a message unrelated to any request. Returns whether a stream took it.
    pub(crate) fn send_unrelated(&self, message: Message) -> bool {
        let outbound = self
            .outbound
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        outbound.is_some_and(|s| s.send(message))
    }

    /// Sends a server-to-client request on `sink` (the originating request's stream) and
    /// waits for the answer, at most `timeout`.
    ///
    /// On timeout the request is abandoned and `notifications/cancelled` tells the client.
    pub(crate) async fn request(
        &self,
        sink: &Sink,
        method: &str,
        params: &Value,
        timeout: Duration,
    ) -> Result<Value, ErrorObject> {
        let id = RequestId::String(format!(
            "srv-{}",
            self.next_id.fetch_add(1, Ordering::Relaxed)
        ));
        let (tx, rx) = oneshot::channel();
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(id.clone(), tx);
        let raw = serde_json::value::to_raw_value(params).expect("params serialize");
        if !sink.send(Message::Request(Request::new(
            id.clone(),
            method,
            Some(raw),
        ))) {
            self.pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(&id);
            return Err(ErrorObject::internal(
                "no stream is open to send the request to the client",
            ));
        }
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => Err(ErrorObject::internal(
                "the session ended before the client answered",
            )),
            Err(_) => {
                self.pending
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .remove(&id);
                let mut cancelled = CancelledParams::default();
                cancelled.request_id = Some(id);
                cancelled.reason = Some("timed out".to_owned());
                sink.send(notification(&cancelled));
                Err(ErrorObject::new(
                    ErrorCode::INTERNAL_ERROR,
                    format!(
                        "the client did not answer {method} within {}s",
                        timeout.as_secs()
                    ),
                ))
            }
        }
    }

    /// Delivers a client's response to the waiting request. Unknown ids are ignored.
    pub(crate) fn complete(&self, response: Response) -> bool {
        let Some(id) = response.id else { return false };
        let Some(tx) = self
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&id)
        else {
            tracing::debug!(%id, "response for an unknown server request ignored");
            return false;
        };
        let outcome = response
            .outcome
            .map(|raw| serde_json::from_str::<Value>(raw.get()).unwrap_or(Value::Null));
        tx.send(outcome).is_ok()
    }
}
