//! The `postgres` binary: a read-only MCP server for the database at `DATABASE_URL`.
//!
//! - `postgres --database-url postgres://mcp_ro@127.0.0.1/app` serves Streamable HTTP at
//!   `http://127.0.0.1:3003/mcp` (`--bind` to change, `--stdio` for stdio).
//! - At startup it checks the role (superuser, owner, write privileges, ...) and refuses to
//!   serve with one that can write, unless `--allow-writable-role`.
//!
//! Every flag is also an environment variable; `postgres --help` lists them.

use std::process::ExitCode;

use clap::Parser;
use example_support::{Product, ServeArgs};
use postgres::{App, Config, Db, DbOptions, PgArgs, posture};

/// A read-only MCP server for PostgreSQL: typed, catalog-checked queries, optional guarded raw
/// SQL.
#[derive(Debug, Parser)]
#[command(name = "postgres", version, about)]
struct Cli {
    #[command(flatten)]
    pg: PgArgs,

    #[command(flatten)]
    serve: ServeArgs,
}

const PRODUCT: Product = Product {
    name: "postgres",
    default_port: 3003,
    write_tools: &[],
};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    example_support::init_tracing();
    let config = Config::from_args(&cli.pg);
    let mut options = DbOptions::new(config.statement_timeout);
    options.lock_timeout = std::time::Duration::from_millis(cli.pg.lock_timeout_ms);
    options.pool_size = usize::try_from(cli.pg.pool_size).unwrap_or(8);
    options.tls_ca_file.clone_from(&cli.pg.tls_ca_file);
    let db = match Db::new(&cli.pg.database_url, &options) {
        Ok(db) => db,
        Err(e) => return fail(&e, 2),
    };
    let posture = {
        let conn = match db.connection().await {
            Ok(conn) => conn,
            Err(e) => {
                return fail(
                    &format!(
                        "cannot check the database role: {}",
                        postgres::errors::message(&e, postgres::errors::ErrorContext::new(0))
                    ),
                    1,
                );
            }
        };
        match posture::check(&conn).await {
            Ok(p) => p,
            Err(e) => return fail(&format!("cannot check the database role: {e}"), 1),
        }
    };
    let mut warning = None;
    if posture.can_write() {
        if !cli.pg.allow_writable_role {
            return fail(
                &format!(
                    "refusing to start: the database role can write.\n{posture}\nConnect as a \
                     read-only role (examples/postgres/sql/readonly-role.sql shows one), or pass \
                     --allow-writable-role to accept the risk"
                ),
                3,
            );
        }
        tracing::warn!(%posture, "serving with a role that can write (--allow-writable-role)");
        warning = Some(format!(
            "the server's database role ({}) can write; the read-only transaction is the only \
             guard",
            posture.role
        ));
    } else if !posture.findings.is_empty() {
        tracing::warn!(%posture, "database role posture");
    } else {
        tracing::info!(role = %posture.role, "database role is read-only");
    }
    let mut config = config;
    config.db_role.clone_from(&posture.role);
    let app = App::new(db.clone(), config);
    let builder = postgres::builder(app, warning.as_deref());
    let ready = example_support::readiness(move || {
        let db = db.clone();
        async move { db.ping().await }
    });
    example_support::serve(builder, &cli.serve, &PRODUCT, Some(ready)).await
}

/// Reports a startup failure on stderr (even without `RUST_LOG`) and returns `code`.
fn fail(message: &str, code: u8) -> ExitCode {
    tracing::error!(error = message, "cannot start");
    #[expect(
        clippy::print_stderr,
        reason = "startup failures are for the operator, on stderr"
    )]
    {
        eprintln!("error: {message}");
    }
    ExitCode::from(code)
}
