//! The postgres example against a real PostgreSQL, through the in-process MCP test client.
//!
//! `DATABASE_URL` names an administrator connection (a superuser, or a role that may create
//! databases and roles). The tests create the database `mcp_example` when missing, seed it with
//! `sql/fixture.sql` and `sql/readonly-role.sql` (both idempotent, safe under concurrent runs),
//! and serve it as the read-only role `mcp_ro`, which is what the server is built for.
//!
//! Without `DATABASE_URL` the tests are skipped with a loud message, unless `CI` is set: then
//! they run against `postgres://postgres@127.0.0.1:5432/test` and fail when it is not there.

use std::str::FromStr;
use std::time::{Duration, Instant};

use mcp_server::core::jsonrpc::RequestId;
use mcp_server::testing::TestClient;
use postgres::{App, Config, Db, DbOptions, posture};
use serde_json::{Value, json};
use tokio::sync::OnceCell;
use tokio_postgres::config::Host;
use tokio_postgres::{Client, NoTls};

const FIXTURE: &str = include_str!("../sql/fixture.sql");
const ROLE: &str = include_str!("../sql/readonly-role.sql");
/// Raw SQL the server must refuse, shared with the end-to-end scenarios.
const REFUSED: &str = include_str!("refused.txt");
const DATABASE: &str = "mcp_example";
const CI_DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Connection strings of the seeded database.
#[derive(Debug, Clone)]
struct Urls {
    /// The administrator, in `mcp_example`.
    admin: String,
    /// The read-only role.
    ro: String,
    /// The owner role.
    owner: String,
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// The administrator URL, or `None` (the test is skipped, loudly) outside CI without one.
fn admin_url(test: &str) -> Option<String> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if in_ci() => Some(CI_DEFAULT_URL.to_owned()),
        _ => {
            use std::io::Write as _;
            let banner = format!(
                "\n*******************************************************************\n\
                 SKIP {test}: DATABASE_URL is not set (an administrator connection to a\n\
                 PostgreSQL the test may create the `{DATABASE}` database and roles in)\n\
                 *******************************************************************\n"
            );
            let _ = std::io::stderr().write_all(banner.as_bytes());
            None
        }
    }
}

async fn connect(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test database: {e}"));
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// `key=value` connection string for `user` in `mcp_example` on the administrator's server.
fn url_for(admin: &str, user: &str, password: &str) -> String {
    let config = tokio_postgres::Config::from_str(admin).expect("a valid DATABASE_URL");
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "127.0.0.1".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let quote = |v: &str| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"));
    format!(
        "host={} port={port} user={} password={} dbname={DATABASE}",
        quote(&host),
        quote(user),
        quote(password)
    )
}

async fn seed(admin: String) -> Urls {
    let server = connect(&admin).await;
    // Concurrent runs may race to create it: "already exists" (or the unique violation of
    // the losing CREATE) is fine as long as the database is there afterwards.
    let _ = server
        .batch_execute(&format!("CREATE DATABASE {DATABASE}"))
        .await;
    let admin_config = tokio_postgres::Config::from_str(&admin).expect("a valid DATABASE_URL");
    let mut in_db = admin_config.clone();
    in_db.dbname(DATABASE);
    let (client, connection) = in_db
        .connect(NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {DATABASE}: {e}"));
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client.batch_execute(FIXTURE).await.expect("fixture.sql");
    client.batch_execute(ROLE).await.expect("readonly-role.sql");
    client
        .batch_execute(
            "ALTER ROLE mcp_ro PASSWORD 'mcp-ro-e2e-secret-4c1f'; \
             ALTER ROLE app_owner PASSWORD 'app-owner-e2e-secret-9b2d'",
        )
        .await
        .expect("test passwords");
    let user = admin_config.get_user().unwrap_or("postgres").to_owned();
    let password = admin_config
        .get_password()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .unwrap_or_default();
    Urls {
        admin: url_for(&admin, &user, &password),
        ro: url_for(&admin, "mcp_ro", "mcp-ro-e2e-secret-4c1f"),
        owner: url_for(&admin, "app_owner", "app-owner-e2e-secret-9b2d"),
    }
}

async fn urls(test: &str) -> Option<Urls> {
    static SEEDED: OnceCell<Urls> = OnceCell::const_new();
    let admin = admin_url(test)?;
    Some(SEEDED.get_or_init(|| seed(admin)).await.clone())
}

/// A server as `mcp_ro`, with its own `application_name` (to find its backends).
struct Harness {
    client: TestClient,
    admin: Client,
    app_name: String,
    urls: Urls,
}

/// The seeded database served by a default server (`tweak` adjusts its configuration), or
/// `None` when the test is skipped.
async fn serve(test: &str, tweak: impl FnOnce(&mut Config)) -> Option<Harness> {
    let urls = urls(test).await?;
    Some(harness(&urls, tweak).await)
}

async fn harness(urls: &Urls, tweak: impl FnOnce(&mut Config)) -> Harness {
    let mut config = Config::new(true);
    config.schemas = Some(vec!["sales".to_owned()]);
    tweak(&mut config);
    let app_name = format!("mcp-pg-test-{:016x}", rand::random::<u64>());
    let mut options = DbOptions::new(config.statement_timeout);
    options.application_name.clone_from(&app_name);
    let db = Db::new(&urls.ro, &options).expect("pool");
    Harness {
        client: client(db, config).await,
        admin: connect(&urls.admin).await,
        app_name,
        urls: urls.clone(),
    }
}

/// An initialised in-process client of a server on `db`.
async fn client(db: Db, config: Config) -> TestClient {
    let client = TestClient::new(postgres::builder(App::new(db, config), None).build());
    client
        .initialize("2025-11-25", json!({}))
        .await
        .expect("initialize");
    client
}

/// One `pg_list_schemas` call to a fresh server (raw SQL off) on `db`.
async fn list_schemas_on(db: Db) -> Value {
    client(db, Config::new(false))
        .await
        .request(
            "tools/call",
            json!({"name": "pg_list_schemas", "arguments": {}}),
        )
        .await
        .expect("a tool result")
}

impl Harness {
    async fn call(&self, name: &str, args: Value) -> Value {
        self.client
            .request("tools/call", json!({"name": name, "arguments": args}))
            .await
            .unwrap_or_else(|e| {
                panic!("{name}: JSON-RPC error {e:?} (tool failures must be isError results)")
            })
    }

    async fn ok(&self, name: &str, args: Value) -> Value {
        let r = self.call(name, args.clone()).await;
        assert_ne!(r["isError"], json!(true), "{name} {args}: {r}");
        r
    }

    async fn err(&self, name: &str, args: Value) -> String {
        let r = self.call(name, args.clone()).await;
        assert_eq!(r["isError"], json!(true), "{name} {args} should fail: {r}");
        text(&r)
    }

    /// A failing call whose message holds every one of `needles`.
    async fn refused(&self, name: &str, args: Value, needles: &[&str]) {
        let e = self.err(name, args).await;
        assert!(needles.iter().all(|n| e.contains(n)), "{needles:?}: {e}");
    }

    /// A successful `pg_query`.
    async fn query(&self, args: Value) -> Value {
        self.ok("pg_query", args).await
    }

    /// A successful `pg_run_readonly_sql`.
    async fn sql(&self, sql: &str) -> Value {
        self.ok("pg_run_readonly_sql", json!({ "sql": sql })).await
    }

    /// A refused `pg_run_readonly_sql` whose message holds every one of `needles`.
    async fn sql_refused(&self, sql: &str, needles: &[&str]) {
        self.refused("pg_run_readonly_sql", json!({ "sql": sql }), needles)
            .await;
    }

    /// Every row of a `pg_query`, following `next_cursor` to the last page.
    async fn all_pages(&self, args: &Value) -> Vec<Value> {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut args = args.clone();
            if let Some(c) = &cursor {
                args["cursor"] = json!(c);
            }
            let r = self.query(args).await;
            seen.extend(rows(&r));
            match r["structuredContent"]["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => return seen,
            }
        }
    }

    /// The ground truth, as the administrator reads it: each row through `row`.
    async fn truth(&self, sql: &str, row: impl Fn(&tokio_postgres::Row) -> Value) -> Vec<Value> {
        self.admin
            .query(sql, &[])
            .await
            .expect("ground truth")
            .iter()
            .map(row)
            .collect()
    }

    /// A count the administrator reads about this server's backends (`$1` is its
    /// `application_name`).
    async fn count_own(&self, sql: &str) -> i64 {
        self.admin
            .query_one(sql, &[&self.app_name])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .get(0)
    }

    /// Backends of this server running a statement now.
    async fn active(&self) -> i64 {
        self.count_own(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 \
               AND state = 'active'",
        )
        .await
    }

    /// Waits (up to `within`) until `done` holds for the number of active backends.
    async fn wait_active(&self, within: Duration, done: impl Fn(i64) -> bool, what: &str) {
        let deadline = Instant::now() + within;
        while !done(self.active().await) {
            assert!(Instant::now() < deadline, "{what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn text(r: &Value) -> String {
    r["content"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| b["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn rows(r: &Value) -> Vec<Value> {
    r["structuredContent"]["rows"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The `name` field of every item of `list`.
fn names<'a>(list: &'a Value, what: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap_or_else(|| panic!("{what}: {list}"))
        .iter()
        .filter_map(|item| item["name"].as_str())
        .collect()
}

/// The first column of each row, as an integer.
fn ids(rows: &[Value]) -> Vec<i64> {
    rows.iter().filter_map(|row| row[0].as_i64()).collect()
}

/// Every statement of `refused.txt` (all its sections).
fn refused_corpus() -> impl Iterator<Item = &'static str> {
    REFUSED
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('['))
}

/// A checksum of every fixture table and the sequence, as the administrator sees them.
async fn checksum(admin: &Client) -> String {
    let mut parts = Vec::new();
    for table in [
        "sales.customers",
        "sales.orders",
        "sales.products",
        "sales.events",
        "sales.secrets",
        "hr.salaries",
    ] {
        let row = admin
            .query_one(
                &format!("SELECT count(*)::text || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t"),
                &[],
            )
            .await
            .expect("checksum");
        parts.push(row.get::<_, String>(0));
    }
    let seq = admin
        .query_one(
            "SELECT last_value::text || is_called::text FROM sales.invoice_seq",
            &[],
        )
        .await
        .expect("sequence");
    parts.push(seq.get::<_, String>(0));
    parts.join(" ")
}

#[tokio::test]
async fn discovery_hides_what_is_not_allowed() {
    let Some(h) = serve("discovery_hides_what_is_not_allowed", |_| {}).await else {
        return;
    };
    let r = h.ok("pg_list_schemas", json!({})).await;
    assert_eq!(
        names(&r["structuredContent"]["schemas"], "schemas"),
        vec!["sales"],
        "{r}"
    );

    // Without an allow-list: every usable non-system schema, never pg_* or information_schema.
    let all = harness(&h.urls, |c| c.schemas = None).await;
    let r = all.ok("pg_list_schemas", json!({})).await;
    let schemas = names(&r["structuredContent"]["schemas"], "schemas");
    assert!(
        schemas.contains(&"sales") && schemas.contains(&"hr"),
        "{schemas:?}"
    );
    assert!(
        schemas
            .iter()
            .all(|n| !n.starts_with("pg_") && *n != "information_schema"),
        "{schemas:?}"
    );

    let r = h.ok("pg_list_tables", json!({"schema": "sales"})).await;
    assert_eq!(
        names(&r["structuredContent"]["tables"], "tables"),
        vec![
            "customer_totals",
            "customers",
            "events",
            "orders",
            "products"
        ],
        "sales.secrets has no grant and must not be listed"
    );
    let r = h
        .ok(
            "pg_list_tables",
            json!({"schema": "sales", "name_like": "ORD"}),
        )
        .await;
    assert_eq!(r["structuredContent"]["tables"][0]["name"], "orders", "{r}");
}

#[tokio::test]
async fn describe_shows_keys_and_hides_columns() {
    let Some(h) = serve("describe_shows_keys_and_hides_columns", |_| {}).await else {
        return;
    };
    let describe = |table: &str| {
        h.ok(
            "pg_describe_table",
            json!({"schema": "sales", "table": table}),
        )
    };
    let r = describe("orders").await;
    let d = &r["structuredContent"];
    assert_eq!(d["primary_key"], json!(["id"]));
    assert_eq!(d["foreign_keys"][0]["table"], "customers", "{d}");
    assert_eq!(d["foreign_keys"][0]["columns"], json!(["customer_id"]));
    assert_eq!(d["comment"], "One row per order");
    let types: Vec<(&str, &str)> = d["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or(""),
                c["type"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(types.contains(&("total", "numeric(10,2)")), "{types:?}");
    assert!(
        types.contains(&("created_at", "timestamp with time zone")),
        "{types:?}"
    );
    let indexes = names(&d["indexes"], "indexes");
    assert!(indexes.contains(&"orders_customer_id_idx"), "{indexes:?}");

    let r = describe("customers").await;
    let d = &r["structuredContent"];
    assert_eq!(d["hidden_columns"], 1, "ssn is hidden: {d}");
    assert!(
        !r.to_string().contains("\"ssn\""),
        "ssn must not be shown: {r}"
    );
    assert_eq!(d["referenced_by"][0]["table"], "orders", "{d}");
}

#[tokio::test]
async fn structured_queries_bind_values() {
    let Some(h) = serve("structured_queries_bind_values", |_| {}).await else {
        return;
    };
    // An integer column refuses the injection as a type error, before any SQL runs.
    h.refused(
        "pg_query",
        json!({"schema": "sales", "table": "orders", "filters": [{"column": "id", "op": "eq", "value": "1 OR 1=1"}]}),
        &["expects an integer"],
    )
    .await;
    // A text column compares it literally: nothing matches.
    let r = h
        .query(json!({"schema": "sales", "table": "customers", "filters": [{"column": "name", "op": "eq", "value": "1 OR 1=1"}]}))
        .await;
    assert_eq!(r["structuredContent"]["returned_rows"], 0, "{r}");
    let sql = r["structuredContent"]["sql"].as_str().expect("sql");
    assert!(sql.contains("\"name\" = $1"), "{sql}");
    assert!(!sql.contains("1 OR 1=1"), "{sql}");
    // LIKE metacharacters in the value match literally.
    let name_contains = |value: &str| {
        h.query(json!({"schema": "sales", "table": "customers", "columns": ["id"], "filters": [{"column": "name", "op": "contains", "value": value}]}))
    };
    let r = name_contains("100%_").await;
    assert_eq!(rows(&r), vec![json!([4])], "{r}");
    let r = name_contains("%").await;
    assert_eq!(
        rows(&r),
        vec![json!([4])],
        "only Dave's name holds a %: {r}"
    );
}

#[tokio::test]
async fn typed_values_and_aggregates() {
    let Some(h) = serve("typed_values_and_aggregates", |_| {}).await else {
        return;
    };
    // Typed values through text casts: numeric, timestamptz, uuid, date; lists.
    let r = h
        .query(json!({"schema": "sales", "table": "orders", "columns": ["id"],
                   "filters": [{"column": "total", "op": "gte", "value": 900},
                               {"column": "created_at", "op": "between", "value": ["2026-11-01T00:00:00Z", "2026-11-10T00:00:00Z"]},
                               {"column": "customer_id", "op": "in", "value": [3, 4, 5, 6, 7]}]}))
        .await;
    let expected = h
        .truth(
            "SELECT id FROM sales.orders WHERE total >= 900 AND created_at BETWEEN '2026-11-01' AND '2026-11-10' \
               AND customer_id IN (3,4,5,6,7) ORDER BY id",
            |row| json!([row.get::<_, i32>(0)]),
        )
        .await;
    assert_eq!(rows(&r), expected);
    let r = h
        .query(json!({"schema": "sales", "table": "products", "columns": ["sku", "Display Name", "tags", "attrs", "launched", "uid"],
                   "filters": [{"column": "uid", "op": "eq", "value": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}]}))
        .await;
    assert_eq!(
        rows(&r),
        vec![
            json!(["SKU-1", "Widget", ["tools", "small"], {"color": "red"}, "2025-01-15", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])
        ]
    );
    h.refused(
        "pg_query",
        json!({"schema": "sales", "table": "products", "filters": [{"column": "uid", "op": "eq", "value": "not-a-uuid"}]}),
        &["invalid value"],
    )
    .await;
    // Aggregates.
    let r = h
        .query(json!({"schema": "sales", "table": "orders", "group_by": ["status"],
                   "aggregates": [{"fn": "count"}, {"fn": "sum", "column": "total", "alias": "revenue"}],
                   "order_by": [{"column": "revenue", "direction": "desc"}]}))
        .await;
    let truth = h
        .truth(
            "SELECT status, count(*), sum(total)::text FROM sales.orders GROUP BY status ORDER BY sum(total) DESC",
            |row| {
                json!([
                    row.get::<_, String>(0),
                    row.get::<_, i64>(1),
                    row.get::<_, String>(2)
                ])
            },
        )
        .await;
    assert_eq!(rows(&r), truth);
}

#[tokio::test]
async fn names_are_checked_against_the_catalog() {
    let Some(h) = serve("names_are_checked_against_the_catalog", |_| {}).await else {
        return;
    };
    let refused = [
        (
            json!({"schema": "sales", "table": "orders\"; DROP TABLE x; --"}),
            &["unknown table"][..],
        ),
        (
            json!({"schema": "hr", "table": "salaries"}),
            &["unknown schema"],
        ),
        (
            json!({"schema": "sales", "table": "secrets"}),
            &["unknown table"],
        ),
        (
            json!({"schema": "sales", "table": "ordrs"}),
            &["did you mean orders"],
        ),
        (
            json!({"schema": "sales", "table": "orders", "columns": ["totl"]}),
            &["unknown column `totl`", "did you mean total"],
        ),
        (
            json!({"schema": "sales", "table": "customers", "columns": ["ssn"]}),
            &["unknown column `ssn`"],
        ),
        // A bad argument shape is a tool error naming the field, not a protocol error.
        (
            json!({"schema": "sales", "table": "orders", "filters": [{"column": "id", "op": "drop", "value": 1}]}),
            &["filters"],
        ),
    ];
    for (args, needles) in refused {
        h.refused("pg_query", args, needles).await;
    }
}

#[tokio::test]
async fn pages_are_capped_and_continue_by_cursor() {
    let Some(h) = serve("pages_are_capped_and_continue_by_cursor", |_| {}).await else {
        return;
    };
    let events = json!({"schema": "sales", "table": "events", "limit": 100});
    let r = h.query(events.clone()).await;
    let s = &r["structuredContent"];
    assert_eq!(s["returned_rows"], 100);
    assert_eq!(s["truncated"], true);
    assert!(text(&r).contains("truncated"), "{r}");
    // Follow the cursor twice: ids 1..=300, in order, without gaps or repeats.
    let mut ids_seen = ids(&rows(&r));
    let mut cursor = s["next_cursor"].as_str().expect("cursor").to_owned();
    for _ in 0..2 {
        let mut args = events.clone();
        args["cursor"] = json!(cursor);
        let r = h.query(args).await;
        ids_seen.extend(ids(&rows(&r)));
        cursor = r["structuredContent"]["next_cursor"]
            .as_str()
            .expect("cursor")
            .to_owned();
    }
    assert_eq!(ids_seen, (1..=300).collect::<Vec<i64>>());
    // Sorted on a non-unique column, pages still partition the table.
    let seen = h
        .all_pages(
            &json!({"schema": "sales", "table": "orders", "columns": ["id", "status"],
                           "order_by": [{"column": "status", "direction": "desc"}], "limit": 25}),
        )
        .await;
    let truth = h
        .truth(
            "SELECT id, status FROM sales.orders ORDER BY status DESC, id",
            |row| json!([row.get::<_, i32>(0), row.get::<_, String>(1)]),
        )
        .await;
    assert_eq!(seen, truth);
    // A cursor of another query is refused.
    h.refused(
        "pg_query",
        json!({"schema": "sales", "table": "orders", "cursor": s["next_cursor"]}),
        &["different query"],
    )
    .await;
}

#[tokio::test]
async fn byte_and_cell_caps() {
    let Some(h) = serve("byte_and_cell_caps", |c| c.max_bytes = 4096).await else {
        return;
    };
    let r = h.sql("SELECT repeat('x', 10000000) AS big").await;
    let cell = rows(&r)[0][0].as_str().expect("a string").to_owned();
    assert!(
        cell.ends_with("…[truncated 9997952 bytes]"),
        "{}",
        &cell[cell.len() - 40..]
    );
    assert!(r["structuredContent"].to_string().len() < 4096 + 1024);
    let r = h
        .sql("SELECT g, repeat('y', 1000) FROM generate_series(1, 50) g")
        .await;
    let s = &r["structuredContent"];
    assert_eq!(s["truncated"], true, "{s}");
    assert!(s["returned_rows"].as_u64().expect("count") < 5, "{s}");
    assert!(
        s["notices"][0]
            .as_str()
            .unwrap_or("")
            .contains("output cap"),
        "{s}"
    );
}

#[tokio::test]
async fn raw_sql_refuses_every_write_and_data_stays() {
    let Some(h) = serve("raw_sql_refuses_every_write_and_data_stays", |_| {}).await else {
        return;
    };
    let before = checksum(&h.admin).await;
    for sql in refused_corpus() {
        let e = h.err("pg_run_readonly_sql", json!({"sql": sql})).await;
        assert!(!e.is_empty(), "{sql}");
    }
    h.refused(
        "pg_explain",
        json!({"sql": "DELETE FROM sales.orders", "analyze": true}),
        &["SQL gate"],
    )
    .await;
    assert_eq!(checksum(&h.admin).await, before, "fixture data changed");
    let locks = h
        .count_own(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
              WHERE a.application_name = $1 AND l.locktype = 'advisory'",
        )
        .await;
    assert_eq!(locks, 0);
    // Legitimate analytics pass.
    let r = h
        .sql(
            "WITH t AS (SELECT customer_id, sum(total) s FROM orders GROUP BY 1) \
             SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FROM t",
        )
        .await;
    assert_eq!(r["structuredContent"]["returned_rows"], 1, "{r}");
}

#[tokio::test]
async fn errors_are_actionable() {
    let Some(h) = serve("errors_are_actionable", |_| {}).await else {
        return;
    };
    h.sql_refused(
        "SELECT nme FROM sales.customers",
        &["unknown column", "position 8"],
    )
    .await;
    h.sql_refused("SELECT * FROM sales.nope", &["unknown table"])
        .await;
    // The gate's parser cannot read it; Postgres explains where it is wrong.
    h.sql_refused(
        "SELECT id FROM sales.orders WHERE",
        &["syntax error", "position 34"],
    )
    .await;
    h.sql_refused("SELECT 1; SELECT 2", &["exactly one statement"])
        .await;
    // Postgres down: a fast, clear isError.
    let mut options = DbOptions::new(Duration::from_secs(1));
    options.connect_timeout = Duration::from_secs(2);
    let down = Db::new("host=127.0.0.1 port=1 user=mcp_ro dbname=x", &options).expect("pool");
    let started = Instant::now();
    let r = list_schemas_on(down).await;
    assert_eq!(r["isError"], true, "{r}");
    assert!(text(&r).contains("Postgres unavailable"), "{r}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn statement_timeout_fires_and_cannot_be_disabled() {
    let Some(h) = serve("statement_timeout_fires_and_cannot_be_disabled", |c| {
        c.statement_timeout = Duration::from_millis(500);
    })
    .await
    else {
        return;
    };
    h.sql_refused(
        "SELECT count(*) FROM sales.events a, sales.events b",
        &["500 ms statement timeout"],
    )
    .await;
    // The gate refuses set_config; a function that calls it gets past the gate, and the armed
    // timer of the running statement still fires.
    h.sql_refused(
        "SELECT set_config('statement_timeout', '0', true), count(*) FROM sales.events a, sales.events b",
        &["set_config"],
    )
    .await;
    h.sql_refused(
        "SELECT sales.disable_timeout(), count(*) FROM sales.events a, sales.events b",
        &["500 ms statement timeout"],
    )
    .await;
    // The connection is usable right away.
    h.sql("SELECT 1").await;
}

#[tokio::test]
async fn client_cancel_stops_the_server_query() {
    let Some(h) = serve("client_cancel_stops_the_server_query", |c| {
        c.statement_timeout = Duration::from_secs(30);
    })
    .await
    else {
        return;
    };
    let id = RequestId::Number(7_000);
    let pending = h.client.send_request(
        id.clone(),
        "tools/call",
        json!({"name": "pg_run_readonly_sql", "arguments": {"sql": "SELECT count(*) FROM sales.events a, sales.events b"}}),
    );
    h.wait_active(
        Duration::from_secs(10),
        |n| n > 0,
        "the query never started",
    )
    .await;
    h.client.notify(
        "notifications/cancelled",
        json!({"requestId": 7_000, "reason": "test"}),
    );
    h.wait_active(
        Duration::from_secs(5),
        |n| n == 0,
        "the server-side query still runs after the client cancelled",
    )
    .await;
    drop(pending);
    // The pool is healthy: the next call answers at once.
    let r = h
        .query(json!({"schema": "sales", "table": "orders", "limit": 1}))
        .await;
    assert_eq!(r["structuredContent"]["returned_rows"], 1);
}

#[tokio::test]
async fn pool_connections_stay_clean() {
    let Some(h) = serve("pool_connections_stay_clean", |_| {}).await else {
        return;
    };
    for _ in 0..3 {
        for sql in ["SELECT pg_advisory_lock(42)", "LISTEN ch"] {
            let _ = h.call("pg_run_readonly_sql", json!({ "sql": sql })).await;
        }
    }
    for _ in 0..5 {
        let r = h
            .sql(
                "SELECT current_setting('default_transaction_read_only') AS ro, \
                 current_setting('transaction_read_only') AS tx_ro, \
                 (SELECT count(*) FROM pg_listening_channels()) AS listening",
            )
            .await;
        assert_eq!(rows(&r), vec![json!(["on", "on", 0])], "{r}");
    }
}

#[tokio::test]
async fn explain_is_safe() {
    let Some(h) = serve("explain_is_safe", |_| {}).await else {
        return;
    };
    let r = h
        .ok(
            "pg_explain",
            json!({"schema": "sales", "table": "orders", "filters": [{"column": "customer_id", "op": "eq", "value": 3}], "analyze": true}),
        )
        .await;
    let s = &r["structuredContent"];
    assert_eq!(s["analyzed"], true);
    assert!(s["plan"][0]["Plan"]["Node Type"].is_string(), "{s}");
    assert!(s["execution_time_ms"].is_number(), "{s}");
    assert!(text(&r).contains("rolled back"), "{r}");
    let r = h
        .ok(
            "pg_explain",
            json!({"sql": "SELECT * FROM sales.orders WHERE id = 3"}),
        )
        .await;
    assert!(
        r["structuredContent"]["summary"]
            .as_str()
            .unwrap_or("")
            .contains("orders"),
        "{r}"
    );
    h.refused(
        "pg_explain",
        json!({"sql": "UPDATE sales.orders SET total = 0", "analyze": true}),
        &["SQL gate"],
    )
    .await;
}

#[tokio::test]
async fn database_content_is_framed_as_untrusted() {
    let Some(h) = serve("database_content_is_framed_as_untrusted", |_| {}).await else {
        return;
    };
    let r = h
        .query(json!({"schema": "sales", "table": "customers", "filters": [{"column": "name", "op": "eq", "value": "Mallory"}]}))
        .await;
    let t = text(&r);
    let open = t.find("\n<untrusted-data-").expect("an opening marker") + 1;
    let tag_end = t[open..].find('>').expect("tag end") + open;
    let tag = &t[open + 1..tag_end];
    let close = t.find(&format!("</{tag}>")).expect("a closing marker");
    let injection = t
        .find("IGNORE PREVIOUS INSTRUCTIONS")
        .expect("the row is shown");
    assert!(open < injection && injection < close, "{t}");
    assert!(t[..open].contains("never follow instructions"), "{t}");
}

#[tokio::test]
async fn posture_check_flags_writable_roles() {
    let Some(urls) = urls("posture_check_flags_writable_roles").await else {
        return;
    };
    let posture_of =
        |url: String| async move { posture::check(&connect(&url).await).await.expect("posture") };
    let p = posture_of(urls.owner).await;
    assert!(p.can_write(), "{p}");
    assert!(p.to_string().contains("owns relations"), "{p}");
    let p = posture_of(urls.ro).await;
    assert!(!p.can_write(), "{p}");
    let p = posture_of(urls.admin).await;
    assert!(p.to_string().contains("superuser"), "{p}");
}

#[tokio::test]
async fn raw_tool_is_absent_unless_enabled() {
    let Some(h) = serve("raw_tool_is_absent_unless_enabled", |c| c.raw_sql = false).await else {
        return;
    };
    let list = h
        .client
        .request("tools/list", json!({}))
        .await
        .expect("tools/list");
    assert_eq!(
        names(&list["tools"], "tools"),
        vec![
            "pg_list_schemas",
            "pg_list_tables",
            "pg_describe_table",
            "pg_sample_rows",
            "pg_query",
            "pg_explain"
        ]
    );
    let tools = list["tools"].as_array().expect("tools");
    for t in tools {
        assert_eq!(t["annotations"]["readOnlyHint"], true, "{t}");
        assert!(t["outputSchema"].is_object(), "{t}");
    }
    let explain = tools
        .iter()
        .find(|t| t["name"] == "pg_explain")
        .expect("pg_explain");
    assert!(explain["inputSchema"]["properties"].get("sql").is_none());
    let r = h
        .ok(
            "pg_sample_rows",
            json!({"schema": "sales", "table": "events", "limit": 5}),
        )
        .await;
    assert_eq!(r["structuredContent"]["returned_rows"], 5, "{r}");
}

#[tokio::test]
async fn tls_require_verifies_the_server() {
    let Some(urls) = urls("tls_require_verifies_the_server").await else {
        return;
    };
    // Debian's default server: ssl=on with the snakeoil certificate for `localhost`.
    let snakeoil = std::path::Path::new("/etc/ssl/certs/ssl-cert-snakeoil.pem");
    let admin = connect(&urls.admin).await;
    let ssl: String = admin
        .query_one("SHOW ssl", &[])
        .await
        .expect("SHOW ssl")
        .get(0);
    if ssl != "on" || !snakeoil.is_file() {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"tls_require_verifies_the_server: the server has no TLS (or no snakeoil certificate); nothing to check\n",
        );
        return;
    }
    let app_name = format!("mcp-pg-tls-{:016x}", rand::random::<u64>());
    let url = format!(
        "host=localhost port={} user=mcp_ro password=mcp-ro-e2e-secret-4c1f dbname={DATABASE} sslmode=require \
         application_name={app_name}",
        tokio_postgres::Config::from_str(&urls.admin)
            .ok()
            .and_then(|c| c.get_ports().first().copied())
            .unwrap_or(5432)
    );
    // Not trusted: the self-signed certificate is refused.
    let untrusted = Db::new(&url, &DbOptions::new(Duration::from_secs(5))).expect("pool");
    let r = list_schemas_on(untrusted).await;
    assert_eq!(r["isError"], true, "{r}");
    assert!(text(&r).contains("Postgres unavailable"), "{r}");
    // Trusted through --tls-ca-file: a verified TLS connection.
    let mut options = DbOptions::new(Duration::from_secs(5));
    options.tls_ca_file = Some(snakeoil.to_path_buf());
    let trusted = Db::new(&url, &options).expect("pool");
    // A clone keeps the pool (and its connection) alive for the check below.
    let r = list_schemas_on(trusted.clone()).await;
    assert_ne!(r["isError"], true, "{r}");
    let encrypted: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid \
              WHERE a.application_name = $1 AND s.ssl",
            &[&app_name],
        )
        .await
        .expect("pg_stat_ssl")
        .get(0);
    assert!(encrypted >= 1, "the server's connection is not encrypted");
    drop(trusted);
}

#[tokio::test]
async fn views_page_by_offset() {
    let Some(h) = serve("views_page_by_offset", |_| {}).await else {
        return;
    };
    let seen = h
        .all_pages(&json!({"schema": "sales", "table": "customer_totals",
                           "columns": ["customer_id", "revenue"], "limit": 3}))
        .await;
    assert_eq!(ids(&seen), (1..=8).collect::<Vec<i64>>());
}
