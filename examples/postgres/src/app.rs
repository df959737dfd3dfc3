//! The state every tool shares ([`App`]): the pool, the limits, and the per-caller
//! concurrency cap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use mcp_server::{CancellationToken, Principal, ToolError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::Config;
use crate::db::{BoxFuture, Db, DbError};
use crate::errors::{self, ErrorContext};

/// The shared state of the tools. Cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    db: Db,
    config: Config,
    /// One semaphore per caller (principal binding key).
    in_flight: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl App {
    /// The state of a server serving `db` with `config`.
    pub fn new(db: Db, config: Config) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                config,
                in_flight: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The pool.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The limits.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Waits for one of the caller's in-flight slots (`--max-in-flight-per-user`): a caller
    /// firing 20 calls at once runs them 4 at a time instead of taking the whole pool.
    ///
    /// # Errors
    ///
    /// The call was cancelled while waiting.
    pub async fn admit(
        &self,
        who: &Principal,
        cancel: &CancellationToken,
    ) -> Result<OwnedSemaphorePermit, ToolError> {
        let semaphore = {
            let mut map = self
                .inner
                .in_flight
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            // Forget idle callers so the map does not grow with every principal ever seen.
            if map.len() > 1024 {
                map.retain(|_, s| Arc::strong_count(s) > 1);
            }
            Arc::clone(map.entry(who.binding_key()).or_insert_with(|| {
                Arc::new(Semaphore::new(self.inner.config.max_in_flight_per_user))
            }))
        };
        tokio::select! {
            permit = semaphore.acquire_owned() => permit.map_err(ToolError::internal),
            () = cancel.cancelled() => Err(ToolError::new("the call was cancelled")),
        }
    }

    /// Runs `work` with a clone of this state on a pooled connection ([`Db::run`]); a failure
    /// as the model reads it ([`App::error`]).
    ///
    /// # Errors
    ///
    /// What `work` returned, cancellation, or a checkout failure, as a [`ToolError`].
    pub async fn run<T, F>(&self, cancel: &CancellationToken, work: F) -> Result<T, ToolError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(
                &'c mut deadpool_postgres::ClientWrapper,
                App,
            ) -> BoxFuture<'c, Result<T, DbError>>
            + Send
            + 'static,
    {
        let state = self.clone();
        self.db()
            .run(cancel, move |client| work(client, state))
            .await
            .map_err(|e| self.error(&e))
    }

    /// A failure as the model reads it.
    pub fn error(&self, error: &DbError) -> ToolError {
        errors::tool_error(error, self.error_context())
    }

    /// The context of error messages (the statement timeout).
    pub fn error_context(&self) -> ErrorContext<'static> {
        ErrorContext::new(self.inner.config.statement_timeout.as_millis())
    }
}
