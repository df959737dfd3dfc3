//! Server-Sent Events: framing, the response body, and the pump that makes legacy streams
//! resumable.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use mcp_core::jsonrpc::{Message, RequestId, encode};
use tokio::sync::mpsc;
use tokio_util::sync::DropGuard;

use super::store::DynEventStore;

/// One `message` event (`id:` only on resumable legacy streams).
pub(crate) fn frame(json: &[u8], id: Option<&str>) -> Bytes {
    let mut out = Vec::with_capacity(json.len() + 48);
    if let Some(id) = id {
        out.extend_from_slice(b"id: ");
        out.extend_from_slice(id.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"event: message\ndata: ");
    out.extend_from_slice(json);
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

/// The priming event of a 2025-11-25 stream: an id to resume from, empty data, and the
/// reconnection delay.
pub(crate) fn priming(id: &str, retry: Duration) -> Bytes {
    Bytes::from(format!(
        "id: {id}\nretry: {}\ndata: \n\n",
        retry.as_millis()
    ))
}

const KEEP_ALIVE: &[u8] = b": keep-alive\n\n";

/// Where an SSE body reads from.
#[derive(Debug)]
pub(crate) enum Source {
    /// Messages framed without ids (modern streams, the 2024-11-05 stream).
    Messages(mpsc::UnboundedReceiver<Message>),
    /// Frames already made (resumable legacy streams).
    Frames(mpsc::UnboundedReceiver<Bytes>),
}

/// A `text/event-stream` response body.
///
/// Dropping it (the client went away) drops its guard, which for modern streams cancels the
/// request: on 2026-07-28 HTTP, closing the stream is the cancellation.
#[derive(Debug)]
pub(crate) struct SseBody {
    source: Source,
    keep_alive: Option<tokio::time::Interval>,
    _guard: Option<DropGuard>,
    /// Ends the stream after the response to this request (modern request streams).
    end_after: Option<RequestId>,
    ended: bool,
    /// A frame to send first (the `endpoint` event, a priming event).
    first: Option<Bytes>,
}

impl SseBody {
    pub(crate) fn new(
        source: Source,
        keep_alive: Option<Duration>,
        guard: Option<DropGuard>,
    ) -> Self {
        let keep_alive = keep_alive.map(|d| {
            let mut i = tokio::time::interval_at(tokio::time::Instant::now() + d, d);
            i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            i
        });
        Self {
            source,
            keep_alive,
            _guard: guard,
            end_after: None,
            ended: false,
            first: None,
        }
    }

    pub(crate) fn end_after(mut self, id: RequestId) -> Self {
        self.end_after = Some(id);
        self
    }

    pub(crate) fn first(mut self, frame: Bytes) -> Self {
        self.first = Some(frame);
        self
    }
}

impl Body for SseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        let polled = match &mut this.source {
            Source::Messages(rx) => rx.poll_recv(cx).map(|m| {
                m.map(|m| {
                    let last = matches!((&m, &this.end_after), (Message::Response(r), Some(id)) if r.id.as_ref() == Some(id));
                    (frame(&encode(&m), None), last)
                })
            }),
            Source::Frames(rx) => rx.poll_recv(cx).map(|f| f.map(|f| (f, false))),
        };
        match polled {
            Poll::Ready(Some((bytes, last))) => {
                if last {
                    this.ended = true;
                }
                if let Some(k) = &mut this.keep_alive {
                    k.reset();
                }
                Poll::Ready(Some(Ok(Frame::data(bytes))))
            }
            Poll::Ready(None) => {
                this.ended = true;
                Poll::Ready(None)
            }
            Poll::Pending => match &mut this.keep_alive {
                Some(k) => match k.poll_tick(cx) {
                    Poll::Ready(_) => {
                        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(KEEP_ALIVE)))))
                    }
                    Poll::Pending => Poll::Pending,
                },
                None => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.ended
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// A resumable legacy stream: its messages are stored with event ids and delivered to the
/// connection currently attached, if any. A disconnect detaches; the work goes on, and a
/// `GET` with `Last-Event-ID` replays what was missed and re-attaches.
#[derive(Debug, Default)]
pub(crate) struct LegacyStream {
    conn: Mutex<Option<mpsc::UnboundedSender<Bytes>>>,
    done: std::sync::atomic::AtomicBool,
}

impl LegacyStream {
    pub(crate) fn attach(&self, tx: mpsc::UnboundedSender<Bytes>) {
        *self.conn.lock().unwrap_or_else(PoisonError::into_inner) = Some(tx);
    }

    fn deliver(&self, frame: Bytes) {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tx) = conn.as_ref()
            && tx.send(frame).is_err()
        {
            *conn = None;
        }
    }

    fn finish(&self) {
        self.done.store(true, std::sync::atomic::Ordering::Release);
        // Dropping the sender ends the attached response.
        *self.conn.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    pub(crate) fn is_done(&self) -> bool {
        self.done.load(std::sync::atomic::Ordering::Acquire)
    }
}

/// Stores and forwards the messages of one legacy stream until its request is answered (or,
/// for the GET stream, until the session ends).
pub(crate) async fn pump(
    mut rx: mpsc::UnboundedReceiver<Message>,
    stream: Arc<LegacyStream>,
    events: Arc<dyn DynEventStore>,
    session: String,
    stream_id: String,
    end_after: Option<RequestId>,
    resumable: bool,
) {
    while let Some(message) = rx.recv().await {
        let last = matches!((&message, &end_after), (Message::Response(r), Some(id)) if r.id.as_ref() == Some(id));
        let json = encode(&message);
        let id = if resumable {
            events
                .append(&session, &stream_id, Bytes::from(json.clone()))
                .await
                .ok()
        } else {
            None
        };
        stream.deliver(frame(&json, id.as_deref()));
        if last {
            break;
        }
    }
    stream.finish();
}
