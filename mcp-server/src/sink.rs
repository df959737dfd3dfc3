//! Where messages related to one request go, with the guarantee that nothing is sent for a
//! request after it completed or was cancelled.

use std::sync::{Arc, Mutex};

use mcp_core::jsonrpc::Message;
use tokio::sync::mpsc;

/// The outbound channel of one request (or of a legacy session's unrelated messages).
///
/// `send` and `close` take the same lock, so a progress notification racing the final
/// response is either delivered before it or not at all.
#[derive(Debug, Clone)]
pub(crate) struct Sink {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    tx: Option<mpsc::UnboundedSender<Message>>,
    closed: Mutex<bool>,
}

impl Sink {
    pub(crate) fn new(tx: mpsc::UnboundedSender<Message>) -> Self {
        Self {
            inner: Arc::new(Inner {
                tx: Some(tx),
                closed: Mutex::new(false),
            }),
        }
    }

    /// Sends `message` unless the sink is closed. Returns whether it was queued.
    pub(crate) fn send(&self, message: Message) -> bool {
        let closed = self
            .inner
            .closed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *closed {
            return false;
        }
        self.inner
            .tx
            .as_ref()
            .is_some_and(|tx| tx.send(message).is_ok())
    }

    /// Closes the sink: later sends are dropped.
    pub(crate) fn close(&self) {
        *self
            .inner
            .closed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = true;
    }

    /// Sends `last` and closes the sink atomically, unless it was already closed.
    pub(crate) fn finish(&self, last: Message) -> bool {
        let mut closed = self
            .inner
            .closed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *closed {
            return false;
        }
        *closed = true;
        self.inner
            .tx
            .as_ref()
            .is_some_and(|tx| tx.send(last).is_ok())
    }

    pub(crate) fn is_closed(&self) -> bool {
        *self
            .inner
            .closed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
