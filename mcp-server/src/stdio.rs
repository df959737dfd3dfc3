//! The stdio transport: newline-delimited JSON-RPC on stdin and stdout.
//!
//! - One message per line, compact, written by a single writer task; nothing but protocol
//!   messages ever reaches stdout (send `tracing` output to stderr).
//! - A line longer than [`DEFAULT_MAX_LINE_BYTES`] (configurable) or not JSON is answered
//!   with -32700 and a null id, and the server keeps serving.
//! - Requests are served concurrently; `notifications/cancelled` cancels one, after which
//!   nothing more is written for it.
//! - Both eras: a legacy `initialize` starts a session scoped to the process; requests
//!   carrying modern `_meta` are served statelessly, at any time.
//! - On stdin EOF in-flight work is cancelled and `serve` returns promptly.
//!
//! ```no_run
//! # async fn run(server: mcp_server::Server) -> Result<(), mcp_server::Error> {
//! mcp_server::stdio::serve(server).await
//! # }
//! # let _ = run;
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::FutureExt as _;
use mcp_core::auth::Principal;
use mcp_core::jsonrpc::{
    Decoded, ErrorCode, ErrorObject, Message, Request, RequestId, Response, decode, encode_into,
};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::Error;
use crate::dispatch::{Effect, Incoming};
use crate::server::Server;
use crate::session::Session;
use crate::sink::Sink;

/// The longest line accepted by default: 16 MiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// Serves `server` on the process's stdin and stdout until stdin closes.
///
/// # Errors
///
/// An I/O error on stdin or stdout.
#[cfg(feature = "stdio")]
#[cfg_attr(docsrs, doc(cfg(feature = "stdio")))]
pub async fn serve(server: Server) -> Result<(), Error> {
    Stdio::new(server)
        .serve(tokio::io::stdin(), tokio::io::stdout())
        .await
}

/// Serves `server` on any byte streams with the stdio framing (Unix sockets, TCP, pipes).
///
/// # Errors
///
/// An I/O error on either stream.
pub async fn serve_io<R, W>(server: Server, reader: R, writer: W) -> Result<(), Error>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    Stdio::new(server).serve(reader, writer).await
}

/// The stdio transport with its options.
#[derive(Debug, Clone)]
#[must_use]
pub struct Stdio {
    server: Server,
    max_line_bytes: usize,
    principal: Arc<Principal>,
}

impl Stdio {
    /// The transport for `server`, with default options and an anonymous principal.
    pub fn new(server: Server) -> Self {
        Self {
            server,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            principal: Arc::new(Principal::anonymous()),
        }
    }

    /// The longest line accepted; longer lines are answered with -32700 and skipped.
    pub fn max_line_bytes(mut self, bytes: usize) -> Self {
        self.max_line_bytes = bytes.max(1);
        self
    }

    /// The principal every request runs as (stdio has no authentication of its own; a
    /// launcher may know who started the process).
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Arc::new(principal);
        self
    }

    /// Serves until `reader` reaches EOF.
    ///
    /// # Errors
    ///
    /// An I/O error on either stream.
    pub async fn serve<R, W>(self, reader: R, writer: W) -> Result<(), Error>
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let (tx, rx) = mpsc::unbounded_channel::<Message>();
        let writer_task = tokio::spawn(write_loop(rx, writer));
        let conn = Arc::new(Connection {
            server: self.server,
            principal: self.principal,
            tx,
            session: Mutex::new(None),
            inflight: Mutex::new(HashMap::new()),
            closed: CancellationToken::new(),
        });
        let read = read_loop(&conn, reader, self.max_line_bytes).await;

        // EOF (or a read error): cancel in-flight work, end the session, flush what is queued.
        conn.closed.cancel();
        let inflight: Vec<_> = conn
            .inflight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .drain()
            .collect();
        for (_, (token, sink)) in inflight {
            sink.close();
            token.cancel();
        }
        if let Some(session) = conn
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        {
            session.closed.cancel();
        }
        drop(conn);
        let written = writer_task.await.unwrap_or(Ok(()));
        read?;
        written
    }
}

struct Connection {
    server: Server,
    principal: Arc<Principal>,
    tx: mpsc::UnboundedSender<Message>,
    session: Mutex<Option<Arc<Session>>>,
    inflight: Mutex<HashMap<RequestId, (CancellationToken, Sink)>>,
    closed: CancellationToken,
}

impl Connection {
    fn session(&self) -> Option<Arc<Session>> {
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn send(&self, message: Message) {
        // The writer only stops when the connection is dropped.
        let _ = self.tx.send(message);
    }

    fn error(&self, id: Option<RequestId>, error: ErrorObject) {
        self.send(Message::Response(Response::error(id, error)));
    }
}

async fn read_loop<R>(conn: &Arc<Connection>, reader: R, max: usize) -> Result<(), Error>
where
    R: AsyncRead + Unpin,
{
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let mut line = Vec::with_capacity(4096);
    loop {
        line.clear();
        match read_line(&mut reader, &mut line, max).await? {
            Line::Eof => return Ok(()),
            Line::TooLong => conn.error(
                None,
                ErrorObject::new(
                    ErrorCode::PARSE_ERROR,
                    format!("message longer than {max} bytes"),
                ),
            ),
            Line::Complete => {
                let text = trim(&line);
                if !text.is_empty() {
                    handle_line(conn, text);
                }
            }
        }
    }
}

enum Line {
    Complete,
    TooLong,
    Eof,
}

/// Reads one line into `buf` (without the newline), never buffering more than `max` bytes:
/// the rest of an overlong line is discarded.
async fn read_line<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    buf: &mut Vec<u8>,
    max: usize,
) -> Result<Line, Error> {
    let mut too_long = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(if too_long {
                Line::TooLong
            } else if buf.is_empty() {
                Line::Eof
            } else {
                Line::Complete
            });
        }
        let (chunk, done) = match memchr(available) {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if !too_long {
            if buf.len() + chunk.len() > max {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let consumed = done.unwrap_or(available.len());
        reader.consume(consumed);
        if done.is_some() {
            return Ok(if too_long {
                Line::TooLong
            } else {
                Line::Complete
            });
        }
    }
}

fn memchr(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

fn trim(line: &[u8]) -> &[u8] {
    let start = line
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &line[start..end]
}

fn handle_line(conn: &Arc<Connection>, bytes: &[u8]) {
    match decode(bytes) {
        Err(e) => conn.error(e.id().cloned(), e.to_error_object()),
        Ok(Decoded::Single(message)) => handle_message(conn, message),
        Ok(Decoded::Batch(items)) => {
            let batching = conn
                .session()
                .is_some_and(|s| s.version.supports_batching());
            if !batching {
                conn.error(
                    None,
                    ErrorObject::new(
                        ErrorCode::INVALID_REQUEST,
                        "batches are not supported by this protocol version",
                    ),
                );
                return;
            }
            // 2025-03-26: each element is handled on its own; responses go out one per line.
            for item in items {
                match item {
                    Ok(Message::Request(r)) if r.method == "initialize" => conn.error(
                        Some(r.id),
                        ErrorObject::new(
                            ErrorCode::INVALID_REQUEST,
                            "initialize must not be part of a batch",
                        ),
                    ),
                    Ok(message) => handle_message(conn, message),
                    Err(e) => conn.error(e.id().cloned(), e.to_error_object()),
                }
            }
        }
    }
}

fn handle_message(conn: &Arc<Connection>, message: Message) {
    match message {
        Message::Request(request) => handle_request(conn, request),
        Message::Notification(n) => {
            let session = conn.session();
            if let Effect::Cancel(id) = conn.server.notification(&n, session.as_deref())
                && let Some((token, sink)) = conn
                    .inflight
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .remove(&id)
            {
                sink.close();
                token.cancel();
            }
        }
        Message::Response(response) => {
            if let Some(session) = conn.session() {
                session.complete(response);
            }
        }
    }
}

fn handle_request(conn: &Arc<Connection>, request: Request) {
    if request.method == "initialize" && !Server::is_modern(&request) {
        match conn.server.initialize(&request, &conn.principal) {
            Ok((result, session)) => {
                session.set_outbound(Some(Sink::new(conn.tx.clone())));
                conn.server.forward_changes(&session);
                if let Some(old) = conn
                    .session
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .replace(session)
                {
                    old.closed.cancel();
                }
                conn.send(Message::Response(Response::result(request.id, result)));
            }
            Err(e) => conn.error(Some(request.id), e),
        }
        return;
    }
    let id = request.id.clone();
    let token = conn.closed.child_token();
    let sink = Sink::new(conn.tx.clone());
    {
        let mut inflight = conn
            .inflight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if inflight.contains_key(&id) {
            drop(inflight);
            conn.error(
                Some(id),
                ErrorObject::new(
                    ErrorCode::INVALID_REQUEST,
                    "a request with this id is already in flight",
                ),
            );
            return;
        }
        inflight.insert(id.clone(), (token.clone(), sink.clone()));
    }
    let incoming = Incoming {
        request,
        principal: Arc::clone(&conn.principal),
        session: conn.session(),
        legacy_version: None,
        modern_hint: false,
        extensions: Arc::new(http::Extensions::new()),
        sink: sink.clone(),
        cancel: token,
        preauthorized: false,
    };
    let conn = Arc::clone(conn);
    tokio::spawn(async move {
        // A panic outside any handler (a bug of ours) still gets the client an answer.
        let response = match std::panic::AssertUnwindSafe(conn.server.handle(incoming))
            .catch_unwind()
            .await
        {
            Ok(response) => response,
            Err(_) => Some(Response::error(
                Some(id.clone()),
                crate::handlers::internal(&"the server failed while handling the request"),
            )),
        };
        conn.inflight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&id);
        if let Some(response) = response {
            sink.finish(Message::Response(response));
        } else {
            sink.close();
        }
    });
}

async fn write_loop<W: AsyncWrite + Unpin>(
    mut rx: mpsc::UnboundedReceiver<Message>,
    writer: W,
) -> Result<(), Error> {
    let mut writer = tokio::io::BufWriter::with_capacity(64 * 1024, writer);
    let mut buf = Vec::with_capacity(4096);
    while let Some(message) = rx.recv().await {
        buf.clear();
        encode_into(&message, &mut buf);
        buf.push(b'\n');
        writer.write_all(&buf).await?;
        // Batch writes while more messages are queued; flush when the queue is empty.
        while let Ok(message) = rx.try_recv() {
            buf.clear();
            encode_into(&message, &mut buf);
            buf.push(b'\n');
            writer.write_all(&buf).await?;
        }
        writer.flush().await?;
    }
    writer.flush().await?;
    Ok(())
}
