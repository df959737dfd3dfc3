//! Publishing change notifications: list changes and resource updates, delivered per era
//! (to `subscriptions/listen` streams that opted in, and to legacy sessions).

use tokio::sync::broadcast;

/// A change the server announces to clients.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// The tool list changed.
    Tools,
    /// The prompt list changed.
    Prompts,
    /// The resource list changed.
    Resources,
    /// The resource with this URI changed.
    Resource(String),
}

/// Publishes [`Change`]s to every open listen stream and legacy session that asked for them.
///
/// Cheap to clone; get one from [`Server::notifier`](crate::Server::notifier) or as a handler
/// argument (`#[ctx] notifier: Notifier`).
#[derive(Debug, Clone)]
pub struct Notifier {
    tx: broadcast::Sender<Change>,
}

impl Notifier {
    pub(crate) fn new() -> Self {
        let (tx, _) = broadcast::channel(256);
        Self { tx }
    }

    /// Announces a change. Returns how many listeners were open.
    pub fn notify(&self, change: Change) -> usize {
        self.tx.send(change).unwrap_or(0)
    }

    /// `notifications/tools/list_changed`.
    pub fn tools_changed(&self) -> usize {
        self.notify(Change::Tools)
    }

    /// `notifications/prompts/list_changed`.
    pub fn prompts_changed(&self) -> usize {
        self.notify(Change::Prompts)
    }

    /// `notifications/resources/list_changed`.
    pub fn resources_changed(&self) -> usize {
        self.notify(Change::Resources)
    }

    /// `notifications/resources/updated` for `uri`.
    pub fn resource_updated(&self, uri: impl Into<String>) -> usize {
        self.notify(Change::Resource(uri.into()))
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.tx.subscribe()
    }
}
