//! The command line and transports shared by the examples: stdio, or Streamable HTTP with
//! optional bearer authentication, a scope policy, `Host` checks, readiness and graceful
//! shutdown.
//!
//! Authentication (HTTP only, off unless `--jwks` or `--api-keys` is given):
//! - `--jwks PATH --issuer URL --audience URL`: a bearer JWT is required on `/mcp`, verified
//!   with the keys of the JWKS file; the RFC 9728 document (`/.well-known/oauth-protected-resource`)
//!   names the issuer and the two scopes.
//! - `--api-keys PATH`: API keys `mcp_<id>_<secret>` (header `x-api-key` or
//!   `Authorization: Bearer`), from a JSON array of records
//!   `{"id", "digest" (hex HMAC-SHA256(pepper, secret)) or "secret" (development), "tenant",
//!   "scopes", "subject", "expires_at" (unix seconds)}`.
//! - In auth mode every MCP request needs the read scope (default `<product>:read`) and each
//!   write tool of [`Product::write_tools`] also the write scope (default `<product>:write`).

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use http::HeaderName;
use mcp_auth::{
    ApiKeyVerifier, BearerAuthLayer, Jwks, JwtVerifier, KeyRecord, MemoryKeyStore,
    ResourceMetadata, ScopePolicy, Verifiers,
};
use mcp_server::ServerBuilder;
use mcp_server::http::{HostPolicy, HttpService};
use serde::Deserialize;
use tracing_subscriber::EnvFilter;

/// The API-key prefix: keys look like `mcp_<id>_<secret>`.
const KEY_PREFIX: &str = "mcp";

/// The command-line flags of every example server; flatten into your `Cli` with
/// `#[command(flatten)]`.
#[derive(Clone, clap::Args)]
#[expect(
    clippy::exhaustive_structs,
    reason = "flattened into each example's clap Cli; plain data"
)]
pub struct ServeArgs {
    /// Serve on stdin/stdout (newline-delimited JSON-RPC) instead of HTTP. No authentication:
    /// the caller is the local user.
    #[arg(long, conflicts_with_all = ["bind", "jwks", "api_keys"])]
    pub stdio: bool,

    /// Serve Streamable HTTP on this address (endpoint `/mcp`); default `127.0.0.1:<the
    /// product's port>`.
    #[arg(long, value_name = "ADDR", env = "MCP_BIND")]
    pub bind: Option<SocketAddr>,

    /// Extra `Host` names to accept besides loopback names (repeatable); needed when the
    /// server is reached by a non-loopback name.
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,

    /// Require a bearer JWT on `/mcp`, verified with the keys of this JWKS file (needs
    /// `--issuer` and `--audience`).
    #[arg(long, value_name = "PATH", env = "MCP_JWKS", requires_all = ["issuer", "audience"])]
    pub jwks: Option<PathBuf>,

    /// The exact token issuer (`iss`) accepted; named in the RFC 9728 metadata.
    #[arg(long, value_name = "URL", env = "MCP_ISSUER")]
    pub issuer: Option<String>,

    /// The canonical resource URI tokens must be issued for (`aud`), e.g.
    /// `http://127.0.0.1:8000/mcp`; the `resource` of the RFC 9728 metadata.
    #[arg(long, value_name = "URL", env = "MCP_AUDIENCE")]
    pub audience: Option<String>,

    /// Accept API keys `mcp_<id>_<secret>` (header `x-api-key` or `Authorization: Bearer`)
    /// listed in this JSON file: an array of `{"id", "digest" | "secret", "tenant", "scopes",
    /// "subject", "expires_at"}` where `digest` is hex HMAC-SHA256(pepper, secret) and
    /// `secret` is for development.
    #[arg(long, value_name = "PATH", env = "MCP_API_KEYS")]
    pub api_keys: Option<PathBuf>,

    /// The HMAC key of API-key digests (set your own in production).
    #[arg(
        long,
        value_name = "PEPPER",
        env = "MCP_API_KEY_PEPPER",
        default_value = "mcp-example-dev-pepper",
        hide_env_values = true,
        hide_default_value = true
    )]
    pub api_key_pepper: String,

    /// The scope every call needs in auth mode (default `<product>:read`).
    #[arg(long, value_name = "SCOPE", env = "MCP_READ_SCOPE")]
    pub read_scope: Option<String>,

    /// The scope write tools also need in auth mode (default `<product>:write`).
    #[arg(long, value_name = "SCOPE", env = "MCP_WRITE_SCOPE")]
    pub write_scope: Option<String>,
}

impl std::fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeArgs")
            .field("stdio", &self.stdio)
            .field("bind", &self.bind)
            .field("allow_hosts", &self.allow_hosts)
            .field("jwks", &self.jwks)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("api_keys", &self.api_keys)
            .field("api_key_pepper", &"<redacted>")
            .field("read_scope", &self.read_scope)
            .field("write_scope", &self.write_scope)
            .finish()
    }
}

/// A readiness probe for `/health/ready`: `false` (e.g. the upstream is down) answers 503.
/// Build one with [`readiness`].
pub type Readiness = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// Wraps an async closure as a [`Readiness`].
///
/// ```
/// # fn demo(upstream: example_support::Upstream) -> example_support::Readiness {
/// example_support::readiness(move || {
///     let upstream = upstream.clone();
///     async move { upstream.reachable("rest/api/3/serverInfo").await }
/// })
/// # }
/// ```
pub fn readiness<F, Fut>(probe: F) -> Readiness
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    Arc::new(move || Box::pin(probe()))
}

/// What [`serve()`] needs to know about the example's product.
#[derive(Debug, Clone, Copy)]
#[expect(
    clippy::exhaustive_structs,
    reason = "a const each example writes literally"
)]
pub struct Product {
    /// Short lowercase name (`"jira"`): the default scopes are `<name>:read` and
    /// `<name>:write`.
    pub name: &'static str,
    /// The default HTTP port when neither `--bind` nor `--stdio` is given.
    pub default_port: u16,
    /// The tools that need the write scope in auth mode.
    pub write_tools: &'static [&'static str],
}

impl Product {
    /// The same product in read-only mode: no write tools (they are not registered).
    #[must_use]
    pub const fn read_only(self) -> Self {
        Self {
            write_tools: &[],
            ..self
        }
    }
}

/// Reports an unusable configuration to the operator (`error: ...` on stderr, and the log
/// when tracing is set up) and returns exit code 2, for `main` to return before serving.
#[must_use]
pub fn config_error(message: &str) -> ExitCode {
    tracing::error!(error = %message, "unusable configuration");
    #[expect(
        clippy::print_stderr,
        reason = "configuration errors are for the operator, on stderr, even without RUST_LOG"
    )]
    {
        eprintln!("error: {message}");
    }
    ExitCode::from(2)
}

/// Installs the `tracing` subscriber: text on stderr (stdout is the stdio transport),
/// filtered by `RUST_LOG` (default `info`). Idempotent: a second call, or a subscriber set
/// elsewhere, is left alone.
pub fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Fails only when a global subscriber exists already, which is what "idempotent" wants.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colour only for a terminal: logs piped to files or collectors stay plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .try_init();
}

/// Initialises tracing, then serves `builder` on stdio or Streamable HTTP until the input
/// ends (stdio) or ctrl-c / SIGTERM (HTTP, after draining in-flight requests).
///
/// In auth mode (`--jwks` or `--api-keys`) the server gets a [`ScopePolicy`]: the read scope
/// for every call, plus the write scope for each of [`Product::write_tools`]; the HTTP
/// endpoint gets a [`BearerAuthLayer`] (with RFC 9728 metadata when `--audience` is given).
/// Over HTTP, `/health/ready` asks `ready` (when given). The bound address is printed on
/// stderr as `listening on http://ADDR/mcp`, for scripts and tests using port 0.
///
/// Returns the process exit code: success, 1 when serving failed, 2 for unusable
/// configuration (unreadable JWKS or key file, ...).
pub async fn serve(
    builder: ServerBuilder,
    args: &ServeArgs,
    product: &Product,
    ready: Option<Readiness>,
) -> ExitCode {
    init_tracing();
    let read_scope = args
        .read_scope
        .clone()
        .unwrap_or_else(|| format!("{}:read", product.name));
    let write_scope = args
        .write_scope
        .clone()
        .unwrap_or_else(|| format!("{}:write", product.name));
    let auth_on = args.jwks.is_some() || args.api_keys.is_some();
    if auth_on && args.stdio {
        return usage_error("--jwks and --api-keys apply to HTTP, not to --stdio");
    }
    let layer = if auth_on {
        match auth_layer(args, [read_scope.as_str(), write_scope.as_str()]) {
            Ok(layer) => Some(layer),
            Err(e) => return usage_error(&e),
        }
    } else {
        None
    };
    let builder = if auth_on {
        builder.authorize(policy(product, &read_scope, &write_scope))
    } else {
        builder
    };
    let server = match builder.try_build() {
        Ok(server) => server,
        Err(e) => {
            tracing::error!(error = %e, "invalid server definition");
            return ExitCode::FAILURE;
        }
    };
    for tool in product.write_tools {
        if server.tool_definition(tool).is_none() {
            tracing::warn!(
                tool,
                "a write tool named in Product::write_tools is not registered"
            );
        }
    }
    let outcome = if args.stdio {
        tracing::info!(name = %server.info().name, version = %server.info().version, "serving on stdio");
        mcp_server::stdio::serve(server).await
    } else {
        let addr = args
            .bind
            .unwrap_or_else(|| SocketAddr::from((Ipv4Addr::LOCALHOST, product.default_port)));
        tracing::info!(
            name = %server.info().name,
            version = %server.info().version,
            auth = auth_on,
            "serving over HTTP"
        );
        serve_http(server, addr, &args.allow_hosts, layer, ready).await
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the server stopped");
            ExitCode::FAILURE
        }
    }
}

/// Reports unusable configuration on stderr and returns exit code 2 (like clap's usage
/// errors).
fn usage_error(message: &str) -> ExitCode {
    tracing::error!(error = message, "unusable configuration");
    #[expect(
        clippy::print_stderr,
        reason = "configuration errors are for the operator, on stderr, even without RUST_LOG"
    )]
    {
        eprintln!("error: {message}");
    }
    ExitCode::from(2)
}

/// The per-call policy of auth mode.
fn policy(product: &Product, read_scope: &str, write_scope: &str) -> ScopePolicy {
    product
        .write_tools
        .iter()
        .fold(ScopePolicy::new().baseline([read_scope]), |policy, tool| {
            policy.require(*tool, [write_scope])
        })
}

/// The HTTP-tier authentication layer of auth mode.
fn auth_layer(args: &ServeArgs, scopes: [&str; 2]) -> Result<BearerAuthLayer, String> {
    let pepper = args.api_key_pepper.as_bytes();
    let mut verifiers = Verifiers::any();
    if let Some(path) = &args.jwks {
        let (Some(issuer), Some(audience)) = (&args.issuer, &args.audience) else {
            return Err("--jwks needs --issuer and --audience".to_owned());
        };
        let jwks = Jwks::from_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
        verifiers = verifiers.with(
            JwtVerifier::jwks(jwks)
                .issuer(issuer.as_str())
                .audience(audience.as_str()),
        );
    }
    if let Some(path) = &args.api_keys {
        let store = load_api_keys(path, pepper)?;
        verifiers = verifiers.with(ApiKeyVerifier::new(KEY_PREFIX, store, pepper.to_vec()));
    }
    let mut layer =
        BearerAuthLayer::new(verifiers).strip_header(HeaderName::from_static("x-api-key"));
    if let Some(audience) = &args.audience {
        let mut metadata = ResourceMetadata::new(audience).scopes(scopes);
        if let Some(issuer) = &args.issuer {
            metadata = metadata.authorization_server(issuer.as_str());
        }
        layer = layer.metadata(metadata);
    }
    Ok(layer)
}

/// One record of the `--api-keys` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFileRecord {
    id: String,
    /// Hex `HMAC-SHA256(pepper, secret)`.
    #[serde(default)]
    digest: Option<String>,
    /// The plain secret (development only).
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    subject: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    expires_at: Option<u64>,
}

fn hex32(s: &str) -> Option<[u8; 32]> {
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (slot, pair) in out.iter_mut().zip(bytes.chunks(2)) {
        let text = std::str::from_utf8(pair).ok()?;
        *slot = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

/// Loads an `--api-keys` file: a JSON array of `{"id", "digest" | "secret", "tenant",
/// "scopes", "subject", "expires_at"}` records, where `digest` is hex
/// `HMAC-SHA256(pepper, secret)` and `secret` (development only) is digested here.
///
/// # Errors
///
/// The file is unreadable or malformed, or a record has neither or both of `digest` and
/// `secret`; the message names the file or the key id, never a secret.
pub fn load_api_keys(path: &Path, pepper: &[u8]) -> Result<MemoryKeyStore, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // serde_json errors carry positions and field names, not values, for this shape
    // (every field is a string, number or list of strings).
    let records: Vec<KeyFileRecord> =
        serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let store = MemoryKeyStore::new();
    for r in records {
        let digest = match (&r.digest, &r.secret) {
            (Some(d), None) => {
                hex32(d).ok_or_else(|| format!("key {}: digest is not 64 hex digits", r.id))?
            }
            (None, Some(secret)) => mcp_auth::api_key::digest(pepper, secret),
            _ => {
                return Err(format!(
                    "key {}: give exactly one of digest and secret",
                    r.id
                ));
            }
        };
        let mut record = KeyRecord::new(&r.id, digest).scopes(r.scopes);
        if let Some(t) = r.tenant {
            record = record.tenant(t);
        }
        if let Some(s) = r.subject {
            record = record.subject(s);
        }
        if let Some(at) = r.expires_at {
            record = record.expires_at(UNIX_EPOCH + Duration::from_secs(at));
        }
        store.insert(record);
    }
    Ok(store)
}

async fn serve_http(
    server: mcp_server::Server,
    addr: SocketAddr,
    extra_hosts: &[String],
    auth: Option<BearerAuthLayer>,
    ready: Option<Readiness>,
) -> Result<(), mcp_server::Error> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(url = %format!("http://{local}/mcp"), "listening");
    #[expect(
        clippy::print_stderr,
        reason = "the listening address is for the operator and for tests using port 0, on stderr"
    )]
    {
        eprintln!("listening on http://{local}/mcp");
    }
    run_http(
        listener,
        server,
        extra_hosts,
        auth,
        ready,
        shutdown_signal(),
    )
    .await
}

/// Serves `server` on `listener` until `shutdown` resolves (then drains).
async fn run_http(
    listener: tokio::net::TcpListener,
    server: mcp_server::Server,
    extra_hosts: &[String],
    auth: Option<BearerAuthLayer>,
    ready: Option<Readiness>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), mcp_server::Error> {
    let hosts = if extra_hosts.is_empty() {
        HostPolicy::loopback()
    } else {
        let mut all: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()];
        all.extend(extra_hosts.iter().cloned());
        HostPolicy::hosts(all)?
    };
    let mut builder = HttpService::builder(server).host_policy(hosts);
    if let Some(ready) = ready {
        builder = builder.readiness(move || ready());
    }
    let service = builder.build();
    match auth {
        Some(layer) => {
            let service = tower::ServiceBuilder::new().layer(layer).service(service);
            mcp_server::http::serve(listener, service)
                .with_graceful_shutdown(shutdown)
                .await
        }
        None => {
            mcp_server::http::serve(listener, service)
                .with_graceful_shutdown(shutdown)
                .await
        }
    }
}

/// Resolves on ctrl-c or (Unix) SIGTERM: hand it to
/// `mcp_server::http::serve(..).with_graceful_shutdown(..)`.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        // An error means no handler could be installed: then only SIGTERM stops the server.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests;
