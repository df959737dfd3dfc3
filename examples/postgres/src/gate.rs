//! The parse gate of `pg_run_readonly_sql` (and of raw `pg_explain`): one read-only `SELECT`
//! or it does not reach Postgres.
//!
//! The gate is defence in depth, not the boundary: the role's privileges are the boundary, and
//! every statement also runs in a `READ ONLY` transaction with a statement timeout that is rolled
//! back. The gate exists for what those layers let through (examples.md §3.2, verified on
//! PostgreSQL 15): `pg_advisory_lock` survives the rollback, `pg_notify` works in a read-only
//! transaction, `SET TRANSACTION READ WRITE` is accepted before the first snapshot, `COPY … TO
//! PROGRAM` runs under a superuser, `dblink_exec` writes through a second connection.
//!
//! What it accepts: exactly one statement, a query (`SELECT`, `VALUES`, `TABLE`, set operations,
//! CTEs, window functions, ordered-set aggregates such as `PERCENTILE_CONT … WITHIN GROUP`), or
//! `EXPLAIN` of one when `allow_explain` is set. What it refuses:
//! - anything that is not a query: DML, DDL, `SET`/`RESET`, transaction control, `COPY`, `CALL`,
//!   `DO`, `LISTEN`/`NOTIFY`, `PREPARE`/`EXECUTE`, `VACUUM`, ...;
//! - a data-modifying CTE (`WITH d AS (DELETE … RETURNING *) SELECT …`), `SELECT … INTO`, locking
//!   clauses (`FOR UPDATE`/`FOR SHARE`/...), `EXPLAIN ANALYZE`;
//! - a call of a function on the [denylist](DENIED_FUNCTIONS) (side effects that survive a
//!   rollback, session state, file and network access, backend signalling), by any spelling:
//!   schema-qualified, quoted, upper-case, in `FROM` as a set-returning function.
//!
//! The gate is a denylist on purpose: an allowlist (Postgres MCP Pro's restricted mode) rejects
//! legitimate analytics (their PR #148), and the role plus the read-only transaction already
//! stop writes. A statement the parser cannot read is refused: when in doubt, out.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, ObjectName, ObjectNamePart, Query, SetExpr, Statement, TableFactor, Visit, Visitor,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// Functions refused wherever they appear, matched on the lower-cased last name part.
///
/// An entry ending in `*` is a prefix. The list follows examples.md §3.3 (4): session state
/// (`set_config`), effects that survive a rollback (advisory locks, sequences, `pg_notify`,
/// index maintenance, collation import, xid assignment), file and program access, other
/// backends and the server (signals, reloads, backups, WAL, replication), remote connections
/// (`dblink*`), large objects (`lo_*`), query executors hidden in functions (`query_to_xml*`),
/// raw page readers (`get_raw_page`) and `pg_sleep*` (the timeout would stop it, but a sleeping
/// connection is a pool slot taken).
pub const DENIED_FUNCTIONS: &[&str] = &[
    "set_config",
    "pg_sleep*",
    "pg_advisory*",
    "pg_try_advisory*",
    "pg_notify",
    "nextval",
    "setval",
    "dblink*",
    "lo_*",
    "loread",
    "lowrite",
    "pg_read_file",
    "pg_read_binary_file",
    "pg_ls_*",
    "pg_stat_file",
    "pg_file_*",
    "pg_logdir_ls",
    "pg_terminate_backend",
    "pg_cancel_backend",
    "pg_signal_backend",
    "pg_wait_for_backend_termination",
    "pg_reload_conf",
    "pg_rotate_logfile*",
    "pg_backup_*",
    "pg_start_backup",
    "pg_stop_backup",
    "pg_switch_wal",
    "pg_switch_xlog",
    "pg_create_restore_point",
    "pg_promote",
    "pg_wal_replay_*",
    "pg_log_backend_memory_contexts",
    "pg_stat_reset*",
    "pg_stat_statements_reset",
    "gin_clean_pending_list",
    "brin_summarize*",
    "brin_desummarize_range",
    "pg_import_system_collations",
    "txid_current",
    "txid_current_if_assigned",
    "pg_current_xact_id",
    "pg_current_xact_id_if_assigned",
    "get_raw_page",
    "query_to_xml*",
    "query_to_json*",
    "cursor_to_xml*",
    "table_to_xml*",
    "schema_to_xml*",
    "database_to_xml*",
    "pg_logical_*",
    "pg_replication_*",
    "pg_create_physical_replication_slot",
    "pg_create_logical_replication_slot",
    "pg_drop_replication_slot",
    "pg_copy_physical_replication_slot",
    "pg_copy_logical_replication_slot",
    "pg_prewarm",
    "pg_sequence_last_value",
];

/// Schemas whose every function is refused (`cron.schedule` of `pg_cron` runs arbitrary SQL later,
/// as the job owner).
pub const DENIED_SCHEMAS: &[&str] = &["cron"];

/// Why the gate refused a statement; the text is written for the model.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refusal {
    /// What was refused and why.
    pub message: String,
    /// The parser could not read the statement at all (Postgres may explain the syntax
    /// error better: its `Parse` step executes nothing).
    pub unparsable: bool,
}

impl Refusal {
    fn new(message: String) -> Self {
        Self {
            message,
            unparsable: false,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the gate learned about an accepted statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Accepted {
    /// The statement is an `EXPLAIN` (without `ANALYZE`) of a query.
    pub explain: bool,
}

/// Checks one raw SQL text. `allow_explain`: whether `EXPLAIN <query>` (never `ANALYZE`) may
/// pass.
///
/// # Errors
///
/// The [`Refusal`] naming the first reason found.
pub fn check(sql: &str, allow_explain: bool) -> Result<Accepted, Refusal> {
    if sql.trim().is_empty() {
        return Err(Refusal::new("the SQL text is empty".to_owned()));
    }
    let statements = Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(|e| Refusal {
        message: format!(
            "the SQL gate could not parse this statement ({e}); write a single plain SELECT, \
             or use pg_query"
        ),
        unparsable: true,
    })?;
    let statement = match statements.as_slice() {
        [] => return Err(Refusal::new("the SQL text holds no statement".to_owned())),
        [one] => one,
        more => {
            return Err(Refusal::new(format!(
                "exactly one statement is allowed, found {}; send each SELECT separately \
                 (no `;`-separated batches, no transaction control)",
                more.len()
            )));
        }
    };
    let explain = match statement {
        Statement::Query(_) => false,
        Statement::Explain {
            analyze,
            statement: inner,
            options,
            ..
        } => {
            if !allow_explain {
                return Err(Refusal::new(
                    "EXPLAIN is not accepted here; use pg_explain".to_owned(),
                ));
            }
            let analyze_option = options.as_ref().is_some_and(|opts| {
                opts.iter().any(|o| {
                    o.name.value.eq_ignore_ascii_case("analyze")
                        && !o.arg.as_ref().is_some_and(|a| {
                            let text = a.to_string().to_ascii_lowercase();
                            matches!(text.as_str(), "false" | "off" | "0")
                        })
                })
            });
            if *analyze || analyze_option {
                return Err(Refusal::new(
                    "EXPLAIN ANALYZE executes the statement; use pg_explain with analyze=true \
                     (read-only transaction, rolled back)"
                        .to_owned(),
                ));
            }
            if !matches!(**inner, Statement::Query(_)) {
                return Err(Refusal::new(format!(
                    "only a query may be explained; this is {}",
                    statement_kind(inner)
                )));
            }
            true
        }
        other => {
            return Err(Refusal::new(format!(
                "only read-only queries (SELECT, VALUES, TABLE, WITH … SELECT) are allowed; this is \
                 {}",
                statement_kind(other)
            )));
        }
    };
    let mut gate = Gate;
    if let ControlFlow::Break(refusal) = statement.visit(&mut gate) {
        return Err(refusal);
    }
    Ok(Accepted { explain })
}

/// A short name for a refused statement kind ("DELETE", "COPY", "SET", ...).
fn statement_kind(statement: &Statement) -> String {
    // The rendered SQL's leading keywords name the kind well enough for a message; cap it so a
    // long statement is not echoed back whole.
    let text = statement.to_string();
    let words: Vec<&str> = text.split_whitespace().take(2).collect();
    let kind = match words.as_slice() {
        [first, second]
            if matches!(
                first.to_ascii_uppercase().as_str(),
                "CREATE" | "DROP" | "ALTER" | "SET" | "START" | "BEGIN"
            ) =>
        {
            format!(
                "{} {}",
                first.to_ascii_uppercase(),
                second.to_ascii_uppercase()
            )
        }
        [first, ..] => first.to_ascii_uppercase(),
        [] => "an empty statement".to_owned(),
    };
    format!("a {kind} statement")
}

/// Walks every nested statement, query, table factor and expression.
#[derive(Debug, Default)]
struct Gate;

impl Visitor for Gate {
    type Break = Refusal;

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<Refusal> {
        match statement {
            Statement::Query(_) | Statement::Explain { .. } => ControlFlow::Continue(()),
            other => ControlFlow::Break(Refusal::new(format!(
                "the query contains {} (data-modifying statements are not allowed, not even \
                 inside a CTE)",
                statement_kind(other)
            ))),
        }
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<Refusal> {
        if !query.locks.is_empty() {
            return ControlFlow::Break(Refusal::new(
                "locking clauses (FOR UPDATE / FOR SHARE / FOR NO KEY UPDATE / FOR KEY SHARE) are \
                 not allowed"
                    .to_owned(),
            ));
        }
        check_set_expr(&query.body)
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<Refusal> {
        match factor {
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            }
            | TableFactor::Function { name, .. } => check_function_name(name),
            _ => ControlFlow::Continue(()),
        }
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<Refusal> {
        // Arguments, `WITHIN GROUP`, `FILTER` and `OVER` clauses are visited as expressions of
        // their own.
        if let Expr::Function(function) = expr {
            return check_function_name(&function.name);
        }
        ControlFlow::Continue(())
    }
}

/// Refuses data-modifying bodies and `SELECT … INTO` at any depth of a set expression.
fn check_set_expr(body: &SetExpr) -> ControlFlow<Refusal> {
    match body {
        SetExpr::Select(select) => {
            if select.into.is_some() {
                return ControlFlow::Break(Refusal::new(
                    "SELECT … INTO creates a table; it is not allowed".to_owned(),
                ));
            }
            ControlFlow::Continue(())
        }
        SetExpr::SetOperation { left, right, .. } => {
            check_set_expr(left)?;
            check_set_expr(right)
        }
        SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => {
            ControlFlow::Break(Refusal::new(
                "data-modifying statements (INSERT/UPDATE/DELETE/MERGE) are not allowed, not even \
                 inside a CTE"
                    .to_owned(),
            ))
        }
        // Nested queries are visited by `pre_visit_query`.
        SetExpr::Query(_) | SetExpr::Values(_) | SetExpr::Table(_) => ControlFlow::Continue(()),
    }
}

/// Refuses a function on the denylist, by its last name part (lower-cased, so `"SET_CONFIG"`,
/// `pg_catalog.set_config` and `Set_Config` all match) or by its schema.
fn check_function_name(name: &ObjectName) -> ControlFlow<Refusal> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(ident) => ident.value.to_lowercase(),
            // A dialect-specific computed name: refuse what cannot be named.
            ObjectNamePart::Function(f) => format!("{f}"),
        })
        .collect();
    let Some(function) = parts.last() else {
        return ControlFlow::Continue(());
    };
    if parts
        .iter()
        .any(|p| p.contains('\\') || p.contains('&') || p.contains('('))
    {
        return ControlFlow::Break(Refusal::new(format!(
            "function name `{name}` is not a plain identifier"
        )));
    }
    if let Some(schema) = parts.iter().rev().nth(1)
        && DENIED_SCHEMAS.contains(&schema.as_str())
    {
        return ControlFlow::Break(Refusal::new(format!(
            "functions of schema `{schema}` are not allowed (`{name}`)"
        )));
    }
    if is_denied_function(function) {
        return ControlFlow::Break(Refusal::new(format!(
            "function `{function}` is not allowed here (it has side effects that a read-only \
             transaction does not stop, or reaches outside the database)"
        )));
    }
    ControlFlow::Continue(())
}

/// Whether a lower-cased function name is on [`DENIED_FUNCTIONS`].
pub fn is_denied_function(name: &str) -> bool {
    DENIED_FUNCTIONS
        .iter()
        .any(|entry| match entry.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => name == *entry,
        })
}

#[cfg(test)]
mod tests {
    use super::{check, is_denied_function};

    fn refused(sql: &str) -> String {
        match check(sql, true) {
            Ok(a) => panic!("accepted ({a:?}): {sql}"),
            Err(r) => r.message,
        }
    }

    fn accepted(sql: &str) {
        if let Err(r) = check(sql, false) {
            panic!("refused `{sql}`: {r}");
        }
    }

    /// Every write shape of examples.md §4.3 (6) and the side channels of §4.3 (7).
    #[test]
    fn write_corpus_is_refused() {
        let corpus = [
            "DELETE FROM sales.orders",
            "/* c */ DROP TABLE sales.orders",
            "-- comment\nDROP TABLE sales.orders",
            "COMMIT; DELETE FROM sales.orders",
            "SELECT 1; DELETE FROM sales.orders",
            "BEGIN READ ONLY; COMMIT; DELETE FROM sales.orders; SELECT 1",
            "SET TRANSACTION READ WRITE",
            "SET statement_timeout = 0",
            "SET LOCAL statement_timeout = 0",
            "RESET ALL",
            "COMMIT",
            "ROLLBACK",
            "START TRANSACTION READ WRITE",
            "WITH d AS (DELETE FROM sales.orders RETURNING *) SELECT * FROM d",
            "WITH d AS (UPDATE sales.orders SET total = 0 RETURNING *) SELECT count(*) FROM d",
            "WITH i AS (INSERT INTO sales.customers (id, name) VALUES (99, 'x') RETURNING id) SELECT * FROM i",
            "WITH a AS (SELECT 1), d AS (DELETE FROM sales.orders RETURNING id) SELECT * FROM a",
            "SELECT * INTO t2 FROM sales.orders",
            "SELECT * FROM sales.orders FOR UPDATE",
            "SELECT * FROM sales.orders FOR SHARE",
            "SELECT * FROM sales.orders FOR NO KEY UPDATE SKIP LOCKED",
            "SELECT * FROM (SELECT * FROM sales.orders FOR UPDATE) s",
            "SELECT nextval('sales.invoice_seq')",
            "SELECT setval('sales.invoice_seq', 1)",
            "EXPLAIN ANALYZE DELETE FROM sales.orders",
            "EXPLAIN (ANALYZE) SELECT 1",
            "EXPLAIN (ANALYZE true, FORMAT JSON) SELECT 1",
            "EXPLAIN DELETE FROM sales.orders",
            "COPY (SELECT 1) TO PROGRAM 'touch /tmp/pwned'",
            "COPY sales.orders TO '/tmp/orders'",
            "COPY sales.orders FROM STDIN",
            "DO $$ BEGIN EXECUTE 'DELETE FROM sales.orders'; END $$",
            "CALL sales.proc()",
            "INSERT INTO sales.customers (id, name) VALUES (1, 'x')",
            "UPDATE sales.orders SET total = 0",
            "MERGE INTO sales.orders o USING sales.orders s ON o.id = s.id WHEN MATCHED THEN DELETE",
            "TRUNCATE sales.orders",
            "CREATE TABLE t (id int)",
            "CREATE TEMP TABLE t AS SELECT 1",
            "CREATE TABLE t AS SELECT * FROM sales.orders",
            "ALTER TABLE sales.orders ADD COLUMN x int",
            "GRANT SELECT ON sales.orders TO PUBLIC",
            "VACUUM sales.orders",
            "ANALYZE sales.orders",
            "LISTEN ch",
            "NOTIFY ch, 'x'",
            "PREPARE p AS DELETE FROM sales.orders",
            "EXECUTE p",
            "DECLARE c CURSOR FOR SELECT 1",
            "LOCK TABLE sales.orders",
            "DISCARD ALL",
            "",
            "   ",
            // side channels
            "SELECT pg_advisory_lock(1)",
            "SELECT pg_try_advisory_lock(1)",
            "SELECT pg_advisory_xact_lock(1)",
            "SELECT pg_notify('c', 'x')",
            "SELECT set_config('statement_timeout', '0', false)",
            "SELECT set_config('statement_timeout','0',true), pg_sleep(3)",
            "SELECT pg_catalog.set_config('statement_timeout', '0', true)",
            "SELECT \"set_config\"('statement_timeout', '0', true)",
            "SELECT SET_CONFIG('statement_timeout', '0', true)",
            "SELECT pg_sleep(30)",
            "SELECT pg_sleep_for('1 minute')",
            "SELECT * FROM pg_sleep(1)",
            "SELECT dblink_exec('dbname=test', 'DELETE FROM sales.orders')",
            "SELECT * FROM dblink('dbname=test', 'SELECT 1') AS t(x int)",
            "SELECT pg_read_file('/etc/passwd')",
            "SELECT pg_read_binary_file('/etc/passwd')",
            "SELECT * FROM pg_ls_dir('.')",
            "SELECT lo_import('/etc/passwd')",
            "SELECT lo_export(1, '/tmp/x')",
            "SELECT pg_terminate_backend(1)",
            "SELECT pg_cancel_backend(1)",
            "SELECT pg_reload_conf()",
            "SELECT pg_backup_start('x')",
            "SELECT gin_clean_pending_list('i'::regclass)",
            "SELECT brin_summarize_new_values('i'::regclass)",
            "SELECT pg_import_system_collations('pg_catalog')",
            "SELECT txid_current()",
            "SELECT pg_current_xact_id()",
            "SELECT cron.schedule('* * * * *', 'DELETE FROM sales.orders')",
            "SELECT get_raw_page('sales.customers', 0)",
            "SELECT query_to_xml('DELETE FROM sales.orders', true, true, '')",
            "SELECT pg_logical_emit_message(true, 'x', 'y')",
            "SELECT * FROM sales.orders WHERE id IN (SELECT pg_advisory_lock(id) FROM sales.orders)",
            "SELECT (SELECT set_config('a.b', 'c', false))",
            "WITH x AS (SELECT pg_notify('c', 'x')) SELECT * FROM x",
            "SELECT count(*) FILTER (WHERE pg_advisory_lock(1) IS NULL) FROM sales.orders",
            "SELECT 1 UNION SELECT pg_advisory_lock(2)",
        ];
        for sql in corpus {
            let why = refused(sql);
            assert!(!why.is_empty(), "{sql}");
        }
    }

    /// `sales.sneaky()` is not on the denylist (the gate cannot know what a user function does):
    /// the read-only transaction and the role stop it. The gate must accept it syntactically.
    #[test]
    fn user_functions_reach_the_database() {
        // `TABLE t` is valid Postgres that sqlparser 0.63 cannot read: refused (when in
        // doubt, out), the model writes `SELECT * FROM t`.
        assert!(check("TABLE sales.orders", false).is_err());
        assert!(check("SELECT sales.sneaky()", false).is_ok());
    }

    #[test]
    fn legitimate_analytics_pass() {
        let corpus = [
            "SELECT 1",
            "select * from sales.orders where total > 100 order by created_at desc limit 10",
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FROM sales.orders",
            "SELECT percentile_disc(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY total) FROM sales.orders",
            "SELECT mode() WITHIN GROUP (ORDER BY status) FROM sales.orders",
            "WITH a AS (SELECT customer_id, sum(total) s FROM sales.orders GROUP BY 1), \
             b AS (WITH inner_cte AS (SELECT * FROM a) SELECT * FROM inner_cte WHERE s > 10) \
             SELECT * FROM b ORDER BY s DESC",
            "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT sum(n) FROM t",
            "SELECT customer_id, total, rank() OVER (PARTITION BY customer_id ORDER BY total DESC) FROM sales.orders",
            "SELECT date_trunc('day', created_at) d, count(*) FILTER (WHERE status = 'paid') FROM sales.orders GROUP BY 1",
            "SELECT * FROM generate_series(1, 10) g",
            "SELECT c.name, o.total FROM sales.customers c JOIN sales.orders o ON o.customer_id = c.id",
            "SELECT * FROM sales.orders WHERE customer_id IN (SELECT id FROM sales.customers WHERE name ILIKE 'a%')",
            "SELECT jsonb_build_object('a', 1) -> 'a'",
            "SELECT id FROM sales.orders UNION ALL SELECT id FROM sales.customers",
            "VALUES (1, 'a'), (2, 'b')",
            "SELECT current_setting('statement_timeout')",
            "SELECT count(DISTINCT customer_id) FROM sales.orders",
            "SELECT repeat('x', 10000000)",
            "SELECT * FROM sales.orders o, LATERAL (SELECT * FROM sales.customers c WHERE c.id = o.customer_id) x",
            "select 1 -- trailing comment",
            "/* leading comment */ SELECT 1",
            "SELECT 1;",
        ];
        for sql in corpus {
            accepted(sql);
        }
    }

    #[test]
    fn explain_of_a_query_only_when_allowed() {
        assert!(check("EXPLAIN SELECT 1", false).is_err());
        let ok = check("EXPLAIN SELECT * FROM sales.orders", true).expect("explain accepted");
        assert!(ok.explain);
        assert!(check("EXPLAIN (FORMAT JSON) SELECT 1", true).is_ok());
        assert!(check("EXPLAIN (ANALYZE false) SELECT 1", true).is_ok());
    }

    #[test]
    fn refusals_explain_themselves() {
        assert!(refused("COMMIT; DELETE FROM t").contains("exactly one statement"));
        assert!(refused("SELECT pg_advisory_lock(1)").contains("pg_advisory_lock"));
        assert!(refused("SELECT * FROM t FOR UPDATE").contains("locking"));
        assert!(refused("SELECT * INTO t2 FROM t").contains("INTO"));
        assert!(refused("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d").contains("CTE"));
        assert!(refused("DELETE FROM t").contains("DELETE"));
    }

    #[test]
    fn denylist_matching() {
        assert!(is_denied_function("pg_advisory_unlock_all"));
        assert!(is_denied_function("dblink_exec"));
        assert!(is_denied_function("lo_unlink"));
        assert!(!is_denied_function("lower"));
        assert!(!is_denied_function("pg_size_pretty"));
        assert!(!is_denied_function("percentile_cont"));
        assert!(!is_denied_function("current_setting"));
    }
}
