//! An in-process client for driving a [`Server`] from tests, in either protocol era.
//!
//! The client talks to the server over an in-memory pipe with the stdio framing, so tests
//! exercise the real codec, dispatch and transport.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use mcp_server::testing::TestClient;
//! use mcp_server::{tool, Server};
//! use mcp_core::protocol::{CallToolResult, Tool};
//! use serde_json::json;
//!
//! let schema = json!({"type": "object", "additionalProperties": false});
//! let ping = tool::from_fn(Tool::new("ping", schema.as_object().unwrap().clone()), |_| async {
//!     Ok(CallToolResult::text("pong"))
//! });
//! let client = TestClient::new(Server::builder("t", "1").tool(ping).build());
//!
//! // 2026-07-28: stateless, per-request _meta
//! let r = client.modern("tools/call", json!({"name": "ping"}), json!({})).await.unwrap();
//! assert_eq!(r["content"][0]["text"], "pong");
//! assert_eq!(r["resultType"], "complete");
//!
//! // legacy session
//! client.initialize("2025-11-25", json!({})).await.unwrap();
//! let r = client.request("tools/call", json!({"name": "ping"})).await.unwrap();
//! assert!(r.get("resultType").is_none());
//! # }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp_core::jsonrpc::{
    Decoded, ErrorObject, Message, Notification, Request, RequestId, Response, decode, encode,
};
use mcp_core::protocol::ProtocolVersion;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use crate::Server;

/// How long the client waits for an answer before giving up (so a broken server fails a test
/// instead of hanging it).
pub const WAIT: Duration = Duration::from_secs(30);

type Answer = Arc<dyn Fn(&str, &Value) -> Result<Value, ErrorObject> + Send + Sync>;

/// A client connected to an in-process server.
pub struct TestClient {
    out: mpsc::UnboundedSender<Vec<u8>>,
    pending: Arc<Mutex<HashMap<RequestId, oneshot::Sender<Response>>>>,
    notifications: tokio::sync::Mutex<mpsc::UnboundedReceiver<Value>>,
    orphans: tokio::sync::Mutex<mpsc::UnboundedReceiver<Response>>,
    server_requests: Arc<Mutex<Vec<Value>>>,
    next_id: AtomicI64,
    server_task: tokio::task::JoinHandle<Result<(), crate::Error>>,
}

impl fmt::Debug for TestClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestClient").finish_non_exhaustive()
    }
}

impl TestClient {
    /// Connects to `server`. Server-to-client requests (legacy elicitation, sampling, roots)
    /// are answered with -32601 unless [`with_answers`](Self::with_answers) is used.
    pub fn new(server: Server) -> Self {
        Self::with_answers(server, |method, _| {
            Err(ErrorObject::method_not_found(method))
        })
    }

    /// Connects to `server`, answering its requests (method, params) with `answer`.
    ///
    /// # Panics
    ///
    /// The client's reader task panics (failing the test) when the server writes a line that
    /// is not exactly one JSON-RPC message.
    pub fn with_answers<F>(server: Server, answer: F) -> Self
    where
        F: Fn(&str, &Value) -> Result<Value, ErrorObject> + Send + Sync + 'static,
    {
        let answer: Answer = Arc::new(answer);
        let (client_io, server_io) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_io);
        let server_task = tokio::spawn(crate::stdio::serve_io(server, server_read, server_write));
        let (read, mut write) = tokio::io::split(client_io);

        let (out, mut out_rx) = mpsc::unbounded_channel::<Vec<u8>>();
        tokio::spawn(async move {
            while let Some(mut line) = out_rx.recv().await {
                line.push(b'\n');
                if write.write_all(&line).await.is_err() {
                    break;
                }
            }
            let _ = write.shutdown().await;
        });

        let pending: Arc<Mutex<HashMap<RequestId, oneshot::Sender<Response>>>> = Arc::default();
        let (note_tx, note_rx) = mpsc::unbounded_channel();
        let (orphan_tx, orphan_rx) = mpsc::unbounded_channel();
        let server_requests: Arc<Mutex<Vec<Value>>> = Arc::default();
        {
            let pending = Arc::clone(&pending);
            // Weak, so that dropping the client closes the pipe (EOF for the server).
            let out = out.downgrade();
            let server_requests = Arc::clone(&server_requests);
            tokio::spawn(async move {
                let mut lines = BufReader::new(read).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let Ok(Decoded::Single(message)) = decode(line.as_bytes()) else {
                        panic!("the server wrote a line that is not one JSON-RPC message: {line}");
                    };
                    match message {
                        Message::Response(r) => {
                            let waiter = r.id.as_ref().and_then(|id| {
                                pending
                                    .lock()
                                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                                    .remove(id)
                            });
                            match waiter {
                                Some(tx) => {
                                    let _ = tx.send(r);
                                }
                                None => {
                                    let _ = orphan_tx.send(r);
                                }
                            }
                        }
                        Message::Notification(n) => {
                            let _ = note_tx.send(to_json(&Message::Notification(n)));
                        }
                        Message::Request(r) => {
                            let params: Value = r.params.as_deref().map_or(Value::Null, |p| {
                                serde_json::from_str(p.get()).unwrap_or(Value::Null)
                            });
                            server_requests
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .push(json!({"method": r.method, "params": params}));
                            let response = match answer(&r.method, &params) {
                                Ok(v) => Response::result(r.id, raw(&v)),
                                Err(e) => Response::error(Some(r.id), e),
                            };
                            if let Some(out) = out.upgrade() {
                                let _ = out.send(encode(&Message::Response(response)));
                            }
                        }
                    }
                }
            });
        }
        Self {
            out,
            pending,
            notifications: tokio::sync::Mutex::new(note_rx),
            orphans: tokio::sync::Mutex::new(orphan_rx),
            server_requests,
            next_id: AtomicI64::new(1),
            server_task,
        }
    }

    /// The `_meta` of a 2026-07-28 request declaring `capabilities`.
    #[expect(clippy::needless_pass_by_value, reason = "tests pass `json!` literals")]
    pub fn modern_meta(capabilities: Value) -> Value {
        json!({
            "io.modelcontextprotocol/protocolVersion": ProtocolVersion::LATEST.as_str(),
            "io.modelcontextprotocol/clientCapabilities": capabilities,
        })
    }

    /// Sends a request and waits for its response.
    ///
    /// # Errors
    ///
    /// The JSON-RPC error the server answered with.
    ///
    /// # Panics
    ///
    /// When no response arrives within [`WAIT`].
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, ErrorObject> {
        let id = RequestId::Number(self.next_id.fetch_add(1, Ordering::Relaxed));
        self.request_with_id(id, method, params).await
    }

    /// Sends a request with a chosen id and waits for its response.
    ///
    /// # Errors
    ///
    /// The JSON-RPC error the server answered with.
    ///
    /// # Panics
    ///
    /// When no response arrives within [`WAIT`].
    pub async fn request_with_id(
        &self,
        id: RequestId,
        method: &str,
        params: Value,
    ) -> Result<Value, ErrorObject> {
        let rx = self.send_request(id, method, params);
        let response = tokio::time::timeout(WAIT, rx)
            .await
            .unwrap_or_else(|_| panic!("no response to {method} within {WAIT:?}"))
            .expect("the client stopped");
        response
            .outcome
            .map(|raw| serde_json::from_str(raw.get()).expect("a result is JSON"))
    }

    /// Sends a request without waiting; the receiver yields its response.
    #[expect(clippy::needless_pass_by_value, reason = "tests pass `json!` literals")]
    pub fn send_request(
        &self,
        id: RequestId,
        method: &str,
        params: Value,
    ) -> oneshot::Receiver<Response> {
        let (tx, rx) = oneshot::channel();
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(id.clone(), tx);
        let params = (!params.is_null()).then(|| raw(&params));
        let _ = self
            .out
            .send(encode(&Message::Request(Request::new(id, method, params))));
        rx
    }

    /// Sends a 2026-07-28 request: `params` with `_meta` declaring `capabilities`.
    ///
    /// # Errors
    ///
    /// The JSON-RPC error the server answered with.
    pub async fn modern(
        &self,
        method: &str,
        params: Value,
        capabilities: Value,
    ) -> Result<Value, ErrorObject> {
        self.request(method, with_meta(params, Self::modern_meta(capabilities)))
            .await
    }

    /// Opens a legacy session: `initialize` at `version` with client `capabilities`, then
    /// `notifications/initialized`.
    ///
    /// # Errors
    ///
    /// The server's answer to `initialize`, when an error.
    pub async fn initialize(
        &self,
        version: &str,
        capabilities: Value,
    ) -> Result<Value, ErrorObject> {
        let result = self
            .request(
                "initialize",
                json!({
                    "protocolVersion": version,
                    "capabilities": capabilities,
                    "clientInfo": {"name": "mcp-server-testing", "version": "0"},
                }),
            )
            .await?;
        self.notify("notifications/initialized", Value::Null);
        Ok(result)
    }

    /// Sends a notification.
    #[expect(clippy::needless_pass_by_value, reason = "tests pass `json!` literals")]
    pub fn notify(&self, method: &str, params: Value) {
        let params = (!params.is_null()).then(|| raw(&params));
        let _ = self
            .out
            .send(encode(&Message::Notification(Notification::new(
                method, params,
            ))));
    }

    /// Sends a raw line (for malformed-input tests).
    pub fn send_raw(&self, line: &str) {
        let _ = self.out.send(line.as_bytes().to_vec());
    }

    /// The next response that answered no pending request (errors for unreadable ids).
    ///
    /// # Panics
    ///
    /// When none arrives within [`WAIT`].
    pub async fn next_orphan(&self) -> Response {
        let mut rx = self.orphans.lock().await;
        tokio::time::timeout(WAIT, rx.recv())
            .await
            .expect("no unmatched response arrived")
            .expect("the client stopped")
    }

    /// The next notification from the server, as JSON; `None` after [`WAIT`].
    pub async fn next_notification(&self) -> Option<Value> {
        let mut rx = self.notifications.lock().await;
        tokio::time::timeout(WAIT, rx.recv()).await.ok().flatten()
    }

    /// The notifications received so far and not yet taken.
    pub async fn notifications(&self) -> Vec<Value> {
        let mut rx = self.notifications.lock().await;
        let mut out = Vec::new();
        while let Ok(n) = rx.try_recv() {
            out.push(n);
        }
        out
    }

    /// The requests the server sent to this client so far (`{"method", "params"}`).
    pub fn server_requests(&self) -> Vec<Value> {
        self.server_requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Closes the client's side (EOF for the server) and waits for the server to stop.
    ///
    /// # Errors
    ///
    /// The server's transport error.
    pub async fn close(self) -> Result<(), crate::Error> {
        drop(self.out);
        self.server_task
            .await
            .unwrap_or_else(|_| Err(crate::Error::config("server task panicked")))
    }
}

/// `params` with `_meta` merged in.
pub fn with_meta(params: Value, meta: Value) -> Value {
    let mut params = if params.is_null() { json!({}) } else { params };
    if let (Value::Object(p), Value::Object(m)) = (&mut params, meta) {
        let entry = p.entry("_meta").or_insert_with(|| json!({}));
        if let Value::Object(existing) = entry {
            existing.extend(m);
        }
    }
    params
}

fn raw(value: &Value) -> Box<RawValue> {
    serde_json::value::to_raw_value(value).expect("JSON")
}

fn to_json(message: &Message) -> Value {
    serde_json::from_slice(&encode(message)).expect("JSON")
}

/// The error object of a response, for assertions.
pub fn error_code(e: &ErrorObject) -> i32 {
    e.code.code()
}
