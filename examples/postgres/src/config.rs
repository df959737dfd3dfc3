//! Configuration: the command-line flags (each also an environment variable) and the limits
//! derived from them.

use std::time::Duration;

/// The Postgres flags of the `postgres` binary (flattened next to
/// [`example_support::ServeArgs`]).
#[derive(Clone, clap::Args)]
#[expect(
    clippy::exhaustive_structs,
    reason = "flattened into the binary's clap Cli; plain data"
)]
pub struct PgArgs {
    /// The database to serve, as a `postgres://user:password@host:port/db` URL or a
    /// `key=value` string. Connect as a read-only role (see `sql/readonly-role.sql`).
    #[arg(
        long,
        value_name = "URL",
        env = "DATABASE_URL",
        hide_env_values = true,
        required = true
    )]
    pub database_url: String,

    /// Only these schemas (comma-separated) are visible; default: every non-system schema the
    /// role has USAGE on.
    #[arg(
        long,
        value_name = "SCHEMA,...",
        env = "PG_MCP_SCHEMAS",
        value_delimiter = ','
    )]
    pub schemas: Vec<String>,

    /// Per-statement timeout (`SET LOCAL statement_timeout`), 1 to 60000 ms.
    #[arg(
        long,
        value_name = "MS",
        env = "PG_MCP_STATEMENT_TIMEOUT_MS",
        default_value_t = 5000,
        value_parser = clap::value_parser!(u64).range(1..=60_000)
    )]
    pub statement_timeout_ms: u64,

    /// Per-statement lock wait (`SET LOCAL lock_timeout`), 1 to 60000 ms.
    #[arg(
        long,
        value_name = "MS",
        env = "PG_MCP_LOCK_TIMEOUT_MS",
        default_value_t = 1000,
        value_parser = clap::value_parser!(u64).range(1..=60_000)
    )]
    pub lock_timeout_ms: u64,

    /// Rows one call returns at most (and the default `limit`), 1 to 1000.
    #[arg(
        long,
        value_name = "N",
        env = "PG_MCP_MAX_ROWS",
        default_value_t = 100,
        value_parser = clap::value_parser!(u32).range(1..=1000)
    )]
    pub max_rows: u32,

    /// Bytes of row data (serialized JSON) one call returns at most, 1 KiB to 16 MiB.
    #[arg(
        long,
        value_name = "BYTES",
        env = "PG_MCP_MAX_BYTES",
        default_value_t = 262_144,
        value_parser = clap::value_parser!(u64).range(1024..=16_777_216)
    )]
    pub max_bytes: u64,

    /// Bytes one cell shows at most (longer values are cut and marked), 16 B to 1 MiB.
    #[arg(
        long,
        value_name = "BYTES",
        env = "PG_MCP_MAX_CELL_BYTES",
        default_value_t = 2048,
        value_parser = clap::value_parser!(u64).range(16..=1_048_576)
    )]
    pub max_cell_bytes: u64,

    /// Register `pg_run_readonly_sql` and accept `sql` in `pg_explain`: one SELECT per call
    /// through the SQL gate, in a read-only transaction, rolled back. Off by default.
    #[arg(long, env = "PG_MCP_ENABLE_RAW_SQL")]
    pub enable_raw_sql: bool,

    /// The scope raw SQL needs in auth mode, on top of the read scope.
    #[arg(
        long,
        value_name = "SCOPE",
        env = "PG_MCP_RAW_SCOPE",
        default_value = "postgres:raw"
    )]
    pub raw_scope: String,

    /// Start even when the role can write (superuser, owner, INSERT/UPDATE/DELETE/TRUNCATE
    /// privileges, ...), with a loud warning. Default: refuse to start.
    #[arg(long, env = "PG_MCP_ALLOW_WRITABLE_ROLE")]
    pub allow_writable_role: bool,

    /// Pooled connections at most, 1 to 64.
    #[arg(
        long,
        value_name = "N",
        env = "PG_MCP_POOL_SIZE",
        default_value_t = 8,
        value_parser = clap::value_parser!(u32).range(1..=64)
    )]
    pub pool_size: u32,

    /// Trust these CA certificates (PEM) too when `DATABASE_URL` has `sslmode=require` (which
    /// always verifies the certificate and host name); e.g. your cloud provider's bundle.
    #[arg(long, value_name = "PATH", env = "PG_MCP_TLS_CA_FILE")]
    pub tls_ca_file: Option<std::path::PathBuf>,

    /// Calls one caller (MCP principal) may run at once; more wait their turn, 1 to 64.
    #[arg(
        long,
        value_name = "N",
        env = "PG_MCP_MAX_IN_FLIGHT_PER_USER",
        default_value_t = 4,
        value_parser = clap::value_parser!(u32).range(1..=64)
    )]
    pub max_in_flight_per_user: u32,
}

impl std::fmt::Debug for PgArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgArgs")
            .field("database_url", &"<redacted>")
            .field("schemas", &self.schemas)
            .field("statement_timeout_ms", &self.statement_timeout_ms)
            .field("lock_timeout_ms", &self.lock_timeout_ms)
            .field("max_rows", &self.max_rows)
            .field("max_bytes", &self.max_bytes)
            .field("max_cell_bytes", &self.max_cell_bytes)
            .field("enable_raw_sql", &self.enable_raw_sql)
            .field("raw_scope", &self.raw_scope)
            .field("allow_writable_role", &self.allow_writable_role)
            .field("pool_size", &self.pool_size)
            .field("tls_ca_file", &self.tls_ca_file)
            .field("max_in_flight_per_user", &self.max_in_flight_per_user)
            .finish()
    }
}

/// The limits and switches the tools read.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The schema allow-list (`None`: every usable non-system schema).
    pub schemas: Option<Vec<String>>,
    /// The statement timeout.
    pub statement_timeout: Duration,
    /// Rows per call at most.
    pub max_rows: usize,
    /// Row bytes per call at most.
    pub max_bytes: usize,
    /// Bytes per cell at most.
    pub max_cell_bytes: usize,
    /// Whether raw SQL is enabled.
    pub raw_sql: bool,
    /// The scope raw SQL needs from an authenticated caller.
    pub raw_scope: String,
    /// Calls per caller at once.
    pub max_in_flight_per_user: usize,
    /// The database role the server runs as (for audit records).
    pub db_role: String,
}

impl Config {
    /// The limits of the flags.
    pub fn from_args(args: &PgArgs) -> Self {
        let schemas: Vec<String> = args
            .schemas
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        Self {
            schemas: (!schemas.is_empty()).then_some(schemas),
            statement_timeout: Duration::from_millis(args.statement_timeout_ms),
            max_rows: usize::try_from(args.max_rows).unwrap_or(100),
            max_bytes: usize::try_from(args.max_bytes).unwrap_or(262_144),
            max_cell_bytes: usize::try_from(args.max_cell_bytes).unwrap_or(2048),
            raw_sql: args.enable_raw_sql,
            raw_scope: args.raw_scope.clone(),
            max_in_flight_per_user: usize::try_from(args.max_in_flight_per_user).unwrap_or(4),
            db_role: String::new(),
        }
    }

    /// Defaults for tests: 5 s, 100 rows, 256 KiB, 2 KiB cells, raw SQL as given.
    pub fn new(raw_sql: bool) -> Self {
        Self {
            schemas: None,
            statement_timeout: Duration::from_secs(5),
            max_rows: 100,
            max_bytes: 262_144,
            max_cell_bytes: 2048,
            raw_sql,
            raw_scope: "postgres:raw".to_owned(),
            max_in_flight_per_user: 4,
            db_role: String::new(),
        }
    }

    /// The schema allow-list, as a slice.
    pub fn allow_list(&self) -> Option<&[String]> {
        self.schemas.as_deref()
    }

    /// `requested` clamped to `1..=max_rows` (default `max_rows`), and whether it was lowered.
    pub fn clamp_limit(&self, requested: Option<u32>) -> (usize, bool) {
        let wanted = requested.map_or(self.max_rows, |r| usize::try_from(r).unwrap_or(usize::MAX));
        if wanted > self.max_rows {
            (self.max_rows, true)
        } else {
            (wanted.max(1), false)
        }
    }
}
