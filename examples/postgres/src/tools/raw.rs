//! `pg_run_readonly_sql` (off by default): one read-only `SELECT` of the model's own.
//!
//! Layers, outermost first (examples.md §3.3):
//! 1. scope: in auth mode the caller also needs `--raw-scope` (default `postgres:raw`);
//! 2. the SQL gate ([`crate::gate`]): one query, no writes, no locking, no denied functions;
//! 3. a read-only transaction with `SET LOCAL statement_timeout`/`lock_timeout`, `search_path`
//!    limited to `pg_catalog` and the allowed schemas;
//! 4. the plan check: `EXPLAIN (VERBOSE, FORMAT JSON)` of the statement, and every relation
//!    it reads must be in an allowed schema (views, CTE names and `search_path` cannot hide a
//!    table from the plan); no `ModifyTable`/`LockRows` node;
//! 5. the extended protocol only (`prepare`, `bind`, portal): the text is one statement or
//!    Postgres refuses it; never `simple_query`/`batch_execute` with the model's text;
//! 6. rows through a portal, `max_rows + 1` at most, with byte and cell caps;
//! 7. `ROLLBACK`, always; the role's privileges under all of it.
#![expect(
    clippy::doc_markdown,
    reason = "tool and argument docs are the descriptions models read: tool names in plain words"
)]

use mcp_server::{CancellationToken, Principal, State, Structured, ToolError, mcp_tool};
use serde_json::Value;
use tokio_postgres::Transaction;
use tokio_postgres::error::SqlState;

use super::Rows;
use crate::app::App;
use crate::catalog;
use crate::db::{DbError, begin};
use crate::errors::{self, ErrorContext};
use crate::exec::{Caps, Prepared, fetch};
use crate::ident::quote;
use crate::values::Cell;

/// The prefix of the plan check.
pub(crate) const PLAN_PREFIX: &str = "EXPLAIN (VERBOSE, FORMAT JSON) ";

/// Run one read-only SQL query (SELECT, WITH … SELECT, VALUES, TABLE) and get its rows.
/// Prefer pg_query: this tool is for what it cannot express (joins, window functions,
/// expressions). The query runs in a read-only transaction with a statement timeout and is
/// rolled back; it may read only tables in the allowed schemas; writes, locking clauses,
/// multiple statements and side-effect functions are refused. Add your own ORDER BY and
/// LIMIT/OFFSET to page.
#[mcp_tool(read_only, idempotent, open_world, title = "Run read-only SQL")]
pub async fn pg_run_readonly_sql(
    /// One SQL query, without a trailing batch (no `;`-separated statements).
    #[schemars(length(min = 1, max = 100_000))]
    sql: String,
    /// Rows at most (default and maximum: the server's --max-rows).
    #[schemars(range(min = 1, max = 1000))]
    max_rows: Option<u32>,
    #[ctx] State(app): State<App>,
    #[ctx] who: Principal,
    #[ctx] cancel: CancellationToken,
) -> Result<Structured<Rows>, ToolError> {
    require_raw_scope(&app, &who)?;
    let _permit = app.admit(&who, &cancel).await?;
    gate(&app, &cancel, &sql).await?;
    let (limit, lowered) = app.config().clamp_limit(max_rows);
    let state = app.clone();
    let model_sql = sql.clone();
    let outcome = app
        .db()
        .run(&cancel, move |client| {
            Box::pin(async move {
                let cfg = state.config();
                let tx = begin(client, state.db(), &[]).await?;
                let allowed = enter_allowed_schemas(&tx, &state).await?;
                plan_check(&tx, &sql, &allowed).await?;
                let stmt = tx.prepare(&sql).await?;
                if !stmt.params().is_empty() {
                    return Err(DbError::Refused(format!(
                        "the SQL has {} parameter placeholder(s) ($1, ...) and none can be \
                         given; write the values into the query",
                        stmt.params().len()
                    )));
                }
                let type_names = stmt
                    .columns()
                    .iter()
                    .map(|c| c.type_().name().to_owned())
                    .collect();
                let prepared = Prepared {
                    stmt,
                    params: Vec::new(),
                    sql: String::new(),
                    type_names,
                };
                let caps = Caps::new(limit, cfg.max_bytes, cfg.max_cell_bytes);
                let page = fetch(&tx, &prepared, 0, caps).await?;
                tx.rollback().await?;
                Ok(Rows::from_page(
                    page,
                    limit,
                    cfg.max_bytes,
                    cfg.max_cell_bytes,
                ))
            })
        })
        .await;
    audit(
        &app,
        &who,
        "pg_run_readonly_sql",
        &model_sql,
        outcome.as_ref().err(),
    );
    let mut rows = outcome.map_err(|e| {
        let cx: ErrorContext<'_> = app
            .error_context()
            .with_sql(&model_sql, PLAN_PREFIX.chars().count());
        errors::tool_error(&e, cx)
    })?;
    if lowered {
        rows.notices.insert(
            0,
            format!("max_rows lowered to the server's maximum of {limit}"),
        );
    }
    let text = rows.text("Query result");
    Ok(Structured::new(rows, text))
}

/// The SQL gate. When its parser cannot read the text, Postgres is asked to parse it (the
/// extended protocol's `Parse` step plans and runs nothing), so a syntax error comes back in
/// Postgres's words with its position; the statement is refused either way.
pub(crate) async fn gate(
    app: &App,
    cancel: &CancellationToken,
    sql: &str,
) -> Result<(), ToolError> {
    let Err(refusal) = crate::gate::check(sql, false) else {
        return Ok(());
    };
    let refused = ToolError::new(format!("refused by the SQL gate: {refusal}"));
    if !refusal.unparsable {
        return Err(refused);
    }
    let state = app.clone();
    let text = sql.to_owned();
    let probe = app
        .db()
        .run(cancel, move |client| {
            Box::pin(async move {
                let tx = begin(client, state.db(), &[]).await?;
                let parsed = tx.prepare(&text).await;
                tx.rollback().await?;
                match parsed {
                    Err(e) if e.code() == Some(&SqlState::SYNTAX_ERROR) => {
                        Err(DbError::Postgres(e))
                    }
                    _ => Ok(()),
                }
            })
        })
        .await;
    match probe {
        Err(e @ DbError::Postgres(_)) => {
            Err(errors::tool_error(&e, app.error_context().with_sql(sql, 0)))
        }
        _ => Err(refused),
    }
}

/// One audit record per raw SQL statement that reached the database: who, as which role, the
/// SQL (cut at 1000 characters) and the outcome.
pub(crate) fn audit(app: &App, who: &Principal, tool: &str, sql: &str, error: Option<&DbError>) {
    let (sql, _) = example_support::truncate(sql, 1000);
    let outcome = match error {
        None => "ok".to_owned(),
        Some(DbError::Postgres(e)) => e
            .code()
            .map_or_else(|| "error".to_owned(), |c| format!("error {}", c.code())),
        Some(DbError::Refused(_)) => "refused".to_owned(),
        Some(DbError::Cancelled) => "cancelled".to_owned(),
        Some(DbError::Deadline) => "timeout".to_owned(),
        Some(_) => "unavailable".to_owned(),
    };
    example_support::audit(who, &app.config().db_role, tool, &sql, &outcome);
}

/// In auth mode, raw SQL also needs the raw scope.
pub(crate) fn require_raw_scope(app: &App, who: &Principal) -> Result<(), ToolError> {
    let scope = &app.config().raw_scope;
    if who.is_authenticated() && !who.has_scope(scope) {
        return Err(ToolError::new(format!(
            "raw SQL needs the `{scope}` scope, which this caller's token does not carry; use \
             pg_query instead"
        )));
    }
    Ok(())
}

/// Reads the allowed schemas and sets `search_path` to `pg_catalog` plus them, so unqualified
/// names resolve only there.
pub(crate) async fn enter_allowed_schemas(
    tx: &Transaction<'_>,
    app: &App,
) -> Result<Vec<String>, DbError> {
    let allowed = catalog::allowed_schemas(tx, app.config().allow_list()).await?;
    let mut path = "SET LOCAL search_path = pg_catalog".to_owned();
    for s in &allowed {
        path.push_str(", ");
        path.push_str(&quote(s));
    }
    // This server's text: catalog names, quoted.
    tx.batch_execute(&path).await?;
    Ok(allowed)
}

/// Plans the statement and checks every relation it reads; returns the plan.
pub(crate) async fn plan_check(
    tx: &Transaction<'_>,
    sql: &str,
    allowed: &[String],
) -> Result<Value, DbError> {
    let rows = tx.query(&format!("{PLAN_PREFIX}{sql}"), &[]).await?;
    let plan = match rows.first() {
        Some(row) => row.try_get::<_, Cell>(0)?.0,
        None => return Err(DbError::Refused("EXPLAIN returned nothing".to_owned())),
    };
    check_plan(&plan, allowed)?;
    Ok(plan)
}

/// Refuses a plan that reads a relation outside `allowed` (or calls a set-returning function
/// of a schema outside `allowed` and `pg_catalog`) or that writes or locks rows.
///
/// # Errors
///
/// The refusal, naming the relation or step.
pub fn check_plan(plan: &Value, allowed: &[String]) -> Result<(), DbError> {
    let mut stack: Vec<&Value> = plan
        .as_array()
        .map(|a| a.iter().map(|p| &p["Plan"]).collect())
        .unwrap_or_default();
    while let Some(node) = stack.pop() {
        let kind = node["Node Type"].as_str().unwrap_or_default();
        if matches!(kind, "ModifyTable" | "LockRows") {
            return Err(DbError::Refused(format!(
                "the plan contains a {kind} step; only plain reads are allowed"
            )));
        }
        let schema = node["Schema"].as_str();
        if let (Some(rel), Some(schema)) = (node["Relation Name"].as_str(), schema)
            && !allowed.iter().any(|a| a == schema)
        {
            return Err(DbError::Refused(format!(
                "the query reads {schema}.{rel}, which is outside the schemas this server may \
                 show ({}); catalog questions are answered by pg_list_schemas, pg_list_tables \
                 and pg_describe_table",
                if allowed.is_empty() {
                    "none".to_owned()
                } else {
                    allowed.join(", ")
                }
            )));
        }
        if let (Some(function), Some(schema)) = (node["Function Name"].as_str(), schema)
            && schema != "pg_catalog"
            && !allowed.iter().any(|a| a == schema)
        {
            return Err(DbError::Refused(format!(
                "the query calls {schema}.{function}, which is outside the allowed schemas"
            )));
        }
        if let Some(children) = node["Plans"].as_array() {
            stack.extend(children);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::check_plan;

    #[test]
    fn plans_outside_the_allow_list_are_refused() {
        let allowed = vec!["sales".to_owned()];
        let ok = json!([{"Plan": {"Node Type": "Hash Join", "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "orders", "Schema": "sales"},
            {"Node Type": "Function Scan", "Function Name": "generate_series", "Schema": "pg_catalog"}
        ]}}]);
        assert!(check_plan(&ok, &allowed).is_ok());
        let hidden = json!([{"Plan": {"Node Type": "Nested Loop", "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "orders", "Schema": "sales"},
            {"Node Type": "Index Scan", "Relation Name": "salaries", "Schema": "hr"}
        ]}}]);
        let err = check_plan(&hidden, &allowed).expect_err("hr is not allowed");
        assert!(err.to_string().contains("hr.salaries"));
        let catalog = json!([{"Plan": {"Node Type": "Seq Scan", "Relation Name": "pg_authid", "Schema": "pg_catalog"}}]);
        assert!(check_plan(&catalog, &allowed).is_err());
        let locks = json!([{"Plan": {"Node Type": "LockRows", "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "orders", "Schema": "sales"}]}}]);
        assert!(check_plan(&locks, &allowed).is_err());
    }
}
