//! The connection pool and how a tool call uses it: one pooled connection, one read-only
//! transaction with its own timeouts, always rolled back, cancelled on the server when the
//! client gives up.
//!
//! [`Db::run`] is the only way tools touch Postgres. It checks a connection out of the pool
//! (deadpool, [`RecyclingMethod::Clean`]: `CLOSE ALL; RESET ALL; UNLISTEN *;
//! pg_advisory_unlock_all(); DISCARD TEMP; ...` before every reuse) and runs the tool's work in
//! a task of its own, which owns the connection:
//!
//! - the work opens the transaction with [`begin`]: `START TRANSACTION READ ONLY` and `SET
//!   LOCAL statement_timeout`, `lock_timeout`, `idle_in_transaction_session_timeout`,
//!   `search_path` (constant text built at startup, never the model's);
//! - when the client cancels (the engine drops the handler future: `notifications/cancelled`,
//!   an HTTP disconnect) the handler's `CancelOnDrop` fires, and the task sends a
//!   `CancelRequest` for the connection's backend (`cancel_token.cancel_query`), waits briefly
//!   for the statement to stop, and *discards* the connection instead of returning it to the
//!   pool, so no pooled connection is ever handed out while its backend is still busy;
//! - the same happens at the outer deadline (statement timeout + 1 s), the backstop for a
//!   server that does not honour `statement_timeout` (or a network that swallowed the answer).
//!
//! Dropping the future of a running query does *not* stop it on the server (verified:
//! the next query on the same connection waited 2.85 s behind a `pg_sleep(3)`), which is why
//! the work runs in a task and cancellation is explicit.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{
    ClientWrapper, Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime,
    Timeouts,
};
use mcp_server::CancellationToken;
use tokio::sync::oneshot;
use tokio_postgres::config::SslMode;
use tokio_postgres::{Config, NoTls, Transaction};
use tokio_postgres_rustls::MakeRustlsConnect;

/// A boxed future borrowing the connection.
pub type BoxFuture<'c, T> = Pin<Box<dyn Future<Output = T> + Send + 'c>>;

/// How long a cancelled statement may take to stop before its connection is dropped anyway.
const CANCEL_GRACE: Duration = Duration::from_secs(2);

/// Why a call failed before or around Postgres.
#[derive(Debug)]
#[non_exhaustive]
pub enum DbError {
    /// Postgres answered with an error (mapped by SQLSTATE in [`crate::errors`]).
    Postgres(tokio_postgres::Error),
    /// No connection could be made (refused, DNS, authentication, too many clients).
    Unavailable(String),
    /// Every pooled connection stayed busy for the whole wait.
    Busy,
    /// The client cancelled the call; the server-side statement was cancelled.
    Cancelled,
    /// The outer deadline passed; the server-side statement was cancelled.
    Deadline,
    /// Refused before reaching Postgres (unknown name, bad value, SQL gate): the message is
    /// for the model.
    Refused(String),
}

impl From<tokio_postgres::Error> for DbError {
    fn from(e: tokio_postgres::Error) -> Self {
        Self::Postgres(e)
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Postgres(e) => write!(f, "postgres: {e}"),
            Self::Unavailable(why) => write!(f, "unavailable: {why}"),
            Self::Busy => f.write_str("pool busy"),
            Self::Cancelled => f.write_str("cancelled"),
            Self::Deadline => f.write_str("deadline passed"),
            Self::Refused(why) => f.write_str(why),
        }
    }
}

/// Connection and per-transaction settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DbOptions {
    /// `SET LOCAL statement_timeout`.
    pub statement_timeout: Duration,
    /// `SET LOCAL lock_timeout`.
    pub lock_timeout: Duration,
    /// Pool size.
    pub pool_size: usize,
    /// How long a call waits for a free pooled connection.
    pub checkout_timeout: Duration,
    /// How long opening a connection may take.
    pub connect_timeout: Duration,
    /// `application_name` when the URL sets none.
    pub application_name: String,
    /// Extra trust anchors (PEM) for `sslmode=require`, e.g. a cloud provider's CA bundle.
    pub tls_ca_file: Option<PathBuf>,
}

impl DbOptions {
    /// Options with the given statement timeout and defaults for the rest.
    pub fn new(statement_timeout: Duration) -> Self {
        Self {
            statement_timeout,
            lock_timeout: Duration::from_secs(1),
            pool_size: 8,
            checkout_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            application_name: "mcp-postgres".to_owned(),
            tls_ca_file: None,
        }
    }
}

/// The pool and the transaction settings. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    inner: Arc<Settings>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("status", &self.pool.status())
            .field("statement_timeout", &self.inner.statement_timeout)
            .finish_non_exhaustive()
    }
}

struct Settings {
    statement_timeout: Duration,
    /// The TLS connector (`sslmode=require`), also used by cancel requests.
    tls: Option<MakeRustlsConnect>,
    /// `SET LOCAL …` for every transaction.
    set_local: String,
}

impl Db {
    /// Builds the pool (connections open lazily). The URL may be a `postgres://` URL or a
    /// `key=value` string.
    ///
    /// TLS: `sslmode=require` connects with TLS (rustls) and always verifies the server's
    /// certificate and host name against the Web PKI roots plus `tls_ca_file` (what libpq
    /// calls `verify-full`); `prefer` (the default) and `disable` connect without TLS.
    ///
    /// Every connection also starts with `default_transaction_read_only=on` and the statement
    /// timeout as session defaults (belt and braces; not effective behind transaction-pooling
    /// `PgBouncer`, which the per-transaction `SET LOCAL` is).
    ///
    /// # Errors
    ///
    /// An unparsable URL or an unsupported TLS mode; the message never contains the URL.
    pub fn new(url: &str, options: &DbOptions) -> Result<Self, String> {
        let mut config = Config::from_str(url).map_err(|e| {
            // tokio-postgres's parse errors name the offending key, not the value.
            format!("DATABASE_URL is not a valid connection string: {e}")
        })?;
        let tls = if config.get_ssl_mode() == SslMode::Require {
            Some(tls_connector(options.tls_ca_file.as_deref())?)
        } else {
            // No TLS connector: `prefer` then speaks plain text, like `disable`.
            config.ssl_mode(SslMode::Disable);
            None
        };
        if config.get_application_name().is_none() {
            config.application_name(&options.application_name);
        }
        config.connect_timeout(options.connect_timeout);
        let timeout_ms = options.statement_timeout.as_millis();
        let startup =
            format!("-c default_transaction_read_only=on -c statement_timeout={timeout_ms}");
        let merged = match config.get_options() {
            Some(existing) if !existing.is_empty() => format!("{existing} {startup}"),
            _ => startup,
        };
        config.options(&merged);
        let manager_config = ManagerConfig {
            recycling_method: RecyclingMethod::Clean,
        };
        let manager = match &tls {
            Some(tls) => Manager::from_config(config, tls.clone(), manager_config),
            None => Manager::from_config(config, NoTls, manager_config),
        };
        let pool = Pool::builder(manager)
            .max_size(options.pool_size)
            .runtime(Runtime::Tokio1)
            .timeouts(Timeouts {
                wait: Some(options.checkout_timeout),
                create: Some(options.connect_timeout),
                recycle: Some(options.connect_timeout),
            })
            .build()
            .map_err(|e| format!("cannot build the connection pool: {e}"))?;
        let set_local = format!(
            "SET LOCAL statement_timeout = {timeout_ms}; \
             SET LOCAL lock_timeout = {}; \
             SET LOCAL idle_in_transaction_session_timeout = {}; \
             SET LOCAL search_path = pg_catalog",
            options.lock_timeout.as_millis(),
            timeout_ms + 5_000
        );
        Ok(Self {
            pool,
            inner: Arc::new(Settings {
                statement_timeout: options.statement_timeout,
                tls,
                set_local,
            }),
        })
    }

    /// The per-statement timeout.
    pub fn statement_timeout(&self) -> Duration {
        self.inner.statement_timeout
    }

    /// A pooled connection, or why there is none.
    async fn checkout(&self) -> Result<Object, DbError> {
        self.pool.get().await.map_err(|e| match e {
            PoolError::Timeout(deadpool_postgres::TimeoutType::Wait) => DbError::Busy,
            PoolError::Backend(e) => match e.as_db_error() {
                // Authentication failures, missing database, too many clients...: the
                // server's own words (they never contain the password).
                Some(db) => {
                    DbError::Unavailable(format!("{} ({})", db.message(), db.code().code()))
                }
                None => DbError::Unavailable(connect_error_text(&e)),
            },
            PoolError::Timeout(_) => DbError::Unavailable("connecting timed out".to_owned()),
            other => DbError::Unavailable(other.to_string()),
        })
    }

    /// Readiness: a pooled `SELECT 1` within two seconds.
    pub async fn ping(&self) -> bool {
        let probe = async {
            let client = self.checkout().await.ok()?;
            client.simple_query("SELECT 1").await.ok()
        };
        matches!(
            tokio::time::timeout(Duration::from_secs(2), probe).await,
            Ok(Some(_))
        )
    }

    /// A connection for one-off startup work (the posture check), outside the tool path.
    ///
    /// # Errors
    ///
    /// No connection could be made.
    pub async fn connection(&self) -> Result<Object, DbError> {
        self.checkout().await
    }

    /// Runs `work` on a pooled connection in a task of its own; see the module docs for
    /// cancellation. `cancel` is the call's cancellation token (the engine also drops this
    /// future when the client cancels; both are handled).
    ///
    /// # Errors
    ///
    /// What `work` returned, [`DbError::Cancelled`], [`DbError::Deadline`], or a checkout
    /// failure.
    pub async fn run<T, F>(&self, cancel: &CancellationToken, work: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut ClientWrapper) -> BoxFuture<'c, Result<T, DbError>>
            + Send
            + 'static,
    {
        let conn = tokio::select! {
            conn = self.checkout() => conn?,
            () = cancel.cancelled() => return Err(DbError::Cancelled),
        };
        let token = conn.cancel_token();
        let tls = self.inner.tls.clone();
        let deadline = self.inner.statement_timeout + Duration::from_secs(1);
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        // Dropped with this future: when the engine drops the handler (client cancel), the task
        // learns it here.
        let _guard = CancelOnDrop(Some(stop_tx));
        let task = tokio::spawn(async move {
            let mut conn = conn;
            let mut stop_rx = stop_rx;
            let (outcome, discard) = {
                let mut work = work(&mut conn);
                let stopped = tokio::select! {
                    biased;
                    result = &mut work => Ok(result),
                    _ = &mut stop_rx => Err(DbError::Cancelled),
                    () = tokio::time::sleep(deadline) => Err(DbError::Deadline),
                };
                match stopped {
                    Ok(result) => (result, false),
                    Err(why) => {
                        let sent = match tls {
                            Some(tls) => token.cancel_query(tls).await,
                            None => token.cancel_query(NoTls).await,
                        };
                        if let Err(e) = sent {
                            tracing::warn!(error = %e, "could not send the cancel request");
                        }
                        // Let the backend finish the statement (it answers 57014) so nothing
                        // is left running; the connection is dropped either way.
                        let _ = tokio::time::timeout(CANCEL_GRACE, &mut work).await;
                        tracing::info!(reason = %why, "statement cancelled on the server; connection discarded");
                        (Err(why), true)
                    }
                }
            };
            if discard {
                // Out of the pool, then closed (dropping the wrapper aborts its connection
                // task).
                drop(Object::take(conn));
            }
            // Otherwise the connection goes back to the pool. After a failed statement the
            // transaction's drop has queued its ROLLBACK, and the pool's Clean recycling runs
            // behind it before the next checkout.
            outcome
        });
        tokio::select! {
            joined = task => joined.unwrap_or_else(|e| {
                Err(DbError::Unavailable(format!("the database task failed: {e}")))
            }),
            () = cancel.cancelled() => Err(DbError::Cancelled),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("statement_timeout", &self.statement_timeout)
            .field("tls", &self.tls.is_some())
            .field("set_local", &self.set_local)
            .finish()
    }
}

/// The rustls connector: Web PKI roots plus the PEM certificates of `ca_file`.
fn tls_connector(ca_file: Option<&std::path::Path>) -> Result<MakeRustlsConnect, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;

    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = ca_file {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .and_then(Iterator::collect)
            .map_err(|e| format!("--tls-ca-file {}: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!(
                "--tls-ca-file {}: no certificate in it",
                path.display()
            ));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| format!("--tls-ca-file {}: {e}", path.display()))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| format!("TLS setup: {e}"))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// Tells the connection's task to cancel its statement when dropped while armed: the engine
/// drops the handler future when the client cancels.
#[derive(Debug)]
struct CancelOnDrop(Option<oneshot::Sender<()>>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            // Fails when the task has finished already: then there is nothing to cancel.
            let _ = tx.send(());
        }
    }
}

/// A connect error without the connection string (which may hold a password).
fn connect_error_text(e: &tokio_postgres::Error) -> String {
    let text = e.to_string();
    if text.contains("password") {
        "authentication failed".to_owned()
    } else {
        text
    }
}

/// Opens the call's transaction: `START TRANSACTION READ ONLY`, then the `SET LOCAL`s (with
/// `search_path` extended by `search_path` when given, e.g. the allowed schemas for raw SQL).
///
/// # Errors
///
/// Postgres refused.
pub async fn begin<'c>(
    client: &'c mut ClientWrapper,
    db: &Db,
    search_path: &[String],
) -> Result<Transaction<'c>, DbError> {
    let tx = tokio_postgres::Client::build_transaction(client)
        .read_only(true)
        .start()
        .await?;
    let mut settings = db.inner.set_local.clone();
    for schema in search_path {
        settings.push_str(", ");
        settings.push_str(&crate::ident::quote(schema));
    }
    // Constant text of this server (schema names come from the catalog and are quoted).
    tx.batch_execute(&settings).await?;
    Ok(tx)
}
