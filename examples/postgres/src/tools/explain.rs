//! `pg_explain`: the plan of a structured query, or of raw SQL when raw SQL is enabled.
//!
//! `analyze=true` runs the query (`EXPLAIN (ANALYZE, BUFFERS)`) inside the same read-only
//! transaction with the statement timeout, then rolls back; raw SQL passes the SQL gate first,
//! so `EXPLAIN ANALYZE DELETE …` never reaches Postgres.
#![expect(
    clippy::doc_markdown,
    reason = "tool and argument docs are the descriptions models read: tool names in plain words"
)]

use std::fmt::Write as _;

use mcp_server::{CancellationToken, Principal, State, Structured, ToolError, mcp_tool};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::raw;
use crate::app::App;
use crate::catalog;
use crate::db::{DbError, begin};
use crate::errors::{self, ErrorContext};
use crate::exec;
use crate::query::{self, Aggregate, Filter, OrderBy, Spec};
use crate::values::Cell;

/// The result of `pg_explain`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct Explained {
    /// One line: the top node, estimated cost and rows, the costliest node (and actual time
    /// with analyze).
    pub summary: String,
    /// Postgres's `EXPLAIN (FORMAT JSON)` output.
    pub plan: Value,
    /// The top node's estimated total cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_cost: Option<f64>,
    /// The top node's estimated rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_rows: Option<f64>,
    /// Execution time in milliseconds (analyze only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_time_ms: Option<f64>,
    /// Whether the query ran (`ANALYZE`).
    pub analyzed: bool,
    /// The statement explained, with `$n` parameters (structured queries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql: Option<String>,
}

/// Show how Postgres would run a structured query (the same arguments as pg_query): the plan
/// as JSON and a one-line summary of its cost and costliest step. With analyze=true the query
/// really runs (read-only transaction, statement timeout, rolled back) and actual times and
/// row counts are reported.
#[mcp_tool(read_only, idempotent, open_world, title = "Explain a query")]
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per documented tool parameter"
)]
pub async fn pg_explain(
    /// The schema.
    #[schemars(length(min = 1, max = 128))]
    schema: String,
    /// The table or view.
    #[schemars(length(min = 1, max = 128))]
    table: String,
    /// Output columns, as in pg_query.
    #[schemars(length(max = 100))]
    columns: Option<Vec<String>>,
    /// Conditions, as in pg_query.
    #[schemars(length(max = 20))]
    filters: Option<Vec<Filter>>,
    /// Sort keys, as in pg_query.
    #[schemars(length(max = 10))]
    order_by: Option<Vec<OrderBy>>,
    /// Group by these columns, as in pg_query.
    #[schemars(length(max = 10))]
    group_by: Option<Vec<String>>,
    /// Aggregates, as in pg_query.
    #[schemars(length(max = 20))]
    aggregates: Option<Vec<Aggregate>>,
    /// The row limit, as in pg_query.
    #[schemars(range(min = 1, max = 1000))]
    limit: Option<u32>,
    /// Run the query and report actual times (default false).
    analyze: Option<bool>,
    #[ctx] State(app): State<App>,
    #[ctx] who: Principal,
    #[ctx] cancel: CancellationToken,
) -> Result<Structured<Explained>, ToolError> {
    let spec = Spec::from_args(
        schema, table, columns, filters, order_by, group_by, aggregates,
    );
    explain_structured(&app, &who, &cancel, spec, limit, analyze.unwrap_or(false)).await
}

/// Show how Postgres would run a query: either a structured query (schema, table and the
/// pg_query arguments) or one read-only SELECT in `sql`. Returns the plan as JSON and a
/// one-line summary of its cost and costliest step. With analyze=true the query really runs
/// (read-only transaction, statement timeout, rolled back) and actual times are reported.
#[mcp_tool(
    name = "pg_explain",
    read_only,
    idempotent,
    open_world,
    title = "Explain a query"
)]
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per documented tool parameter"
)]
pub async fn pg_explain_with_sql(
    /// The schema (structured query).
    #[schemars(length(min = 1, max = 128))]
    schema: Option<String>,
    /// The table or view (structured query).
    #[schemars(length(min = 1, max = 128))]
    table: Option<String>,
    /// Output columns, as in pg_query.
    #[schemars(length(max = 100))]
    columns: Option<Vec<String>>,
    /// Conditions, as in pg_query.
    #[schemars(length(max = 20))]
    filters: Option<Vec<Filter>>,
    /// Sort keys, as in pg_query.
    #[schemars(length(max = 10))]
    order_by: Option<Vec<OrderBy>>,
    /// Group by these columns, as in pg_query.
    #[schemars(length(max = 10))]
    group_by: Option<Vec<String>>,
    /// Aggregates, as in pg_query.
    #[schemars(length(max = 20))]
    aggregates: Option<Vec<Aggregate>>,
    /// The row limit, as in pg_query.
    #[schemars(range(min = 1, max = 1000))]
    limit: Option<u32>,
    /// Instead of a structured query: one read-only SELECT (no EXPLAIN keyword; it is added).
    #[schemars(length(min = 1, max = 100_000))]
    sql: Option<String>,
    /// Run the query and report actual times (default false).
    analyze: Option<bool>,
    #[ctx] State(app): State<App>,
    #[ctx] who: Principal,
    #[ctx] cancel: CancellationToken,
) -> Result<Structured<Explained>, ToolError> {
    let analyze = analyze.unwrap_or(false);
    match (sql, schema, table) {
        (Some(sql), None, None) => {
            raw::require_raw_scope(&app, &who)?;
            explain_raw(&app, &who, &cancel, sql, analyze).await
        }
        (None, Some(schema), Some(table)) => {
            let spec = Spec::from_args(
                schema, table, columns, filters, order_by, group_by, aggregates,
            );
            explain_structured(&app, &who, &cancel, spec, limit, analyze).await
        }
        _ => Err(ToolError::new(
            "give either `sql`, or `schema` and `table` (with the pg_query arguments), not both",
        )),
    }
}

fn explain_prefix(analyze: bool) -> &'static str {
    if analyze {
        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "
    } else {
        "EXPLAIN (FORMAT JSON) "
    }
}

/// Explains a structured query, once one of the caller's in-flight slots is free.
async fn explain_structured(
    app: &App,
    who: &Principal,
    cancel: &CancellationToken,
    spec: Spec,
    limit: Option<u32>,
    analyze: bool,
) -> Result<Structured<Explained>, ToolError> {
    let _permit = app.admit(who, cancel).await?;
    let (limit, _) = app.config().clamp_limit(limit);
    let explained = app
        .run(cancel, move |client, state| {
            Box::pin(async move {
                let tx = begin(client, state.db(), &[]).await?;
                let allowed = catalog::allowed_schemas(&tx, state.config().allow_list()).await?;
                let rel = catalog::resolve(&tx, &allowed, &spec.schema, &spec.table).await?;
                let built = query::build(&spec, &rel, limit, None)?;
                let prefix = explain_prefix(analyze);
                let prepared = exec::prepare(&tx, &built.select, prefix, false).await?;
                let rows = tx.query(&prepared.stmt, &prepared.param_refs()).await?;
                tx.rollback().await?;
                let plan = plan_of(&rows)?;
                let sql = prepared.sql.strip_prefix(prefix).map(str::to_owned);
                Ok(explained(plan, analyze, sql))
            })
        })
        .await?;
    let text = explain_text(&explained);
    Ok(Structured::new(explained, text))
}

/// Explains raw SQL (gate, plan check, then `ANALYZE` when asked), once one of the caller's
/// in-flight slots is free.
async fn explain_raw(
    app: &App,
    who: &Principal,
    cancel: &CancellationToken,
    sql: String,
    analyze: bool,
) -> Result<Structured<Explained>, ToolError> {
    let _permit = app.admit(who, cancel).await?;
    raw::gate(app, cancel, &sql).await?;
    let state = app.clone();
    let model_sql = sql.clone();
    let outcome = app
        .db()
        .run(cancel, move |client| {
            Box::pin(async move {
                let tx = begin(client, state.db(), &[]).await?;
                let allowed = raw::enter_allowed_schemas(&tx, &state).await?;
                let plan = raw::plan_check(&tx, &sql, &allowed).await?;
                let plan = if analyze {
                    let rows = tx
                        .query(&format!("{}{sql}", explain_prefix(true)), &[])
                        .await?;
                    plan_of(&rows)?
                } else {
                    plan
                };
                tx.rollback().await?;
                Ok(explained(plan, analyze, None))
            })
        })
        .await;
    raw::audit(app, who, "pg_explain", &model_sql, outcome.as_ref().err());
    let explained = outcome.map_err(|e| {
        // The plan check's prefix is the longer one; positions are reported against it.
        let cx: ErrorContext<'_> = app
            .error_context()
            .with_sql(&model_sql, raw::PLAN_PREFIX.chars().count());
        errors::tool_error(&e, cx)
    })?;
    let text = explain_text(&explained);
    Ok(Structured::new(explained, text))
}

/// The JSON plan of an `EXPLAIN (FORMAT JSON)` result.
pub(crate) fn plan_of(rows: &[tokio_postgres::Row]) -> Result<Value, DbError> {
    let row = rows
        .first()
        .ok_or_else(|| DbError::Refused("EXPLAIN returned nothing".to_owned()))?;
    let Cell(plan) = row.try_get::<_, Cell>(0)?;
    Ok(plan)
}

/// Builds the result from a plan.
fn explained(plan: Value, analyzed: bool, sql: Option<String>) -> Explained {
    let top = &plan[0]["Plan"];
    let total_cost = top["Total Cost"].as_f64();
    let plan_rows = top["Plan Rows"].as_f64();
    let execution_time_ms = plan[0]["Execution Time"].as_f64();
    let mut summary = format!(
        "{} (estimated cost {}, rows {})",
        node_label(top),
        total_cost.map_or_else(|| "?".to_owned(), |c| format!("{c:.2}")),
        plan_rows.map_or_else(|| "?".to_owned(), |r| format!("{r:.0}"))
    );
    if let Some((node, cost)) = costliest(top) {
        let _ = write!(
            summary,
            "; costliest step: {} (own cost {cost:.2})",
            node_label(node)
        );
    }
    if let Some(ms) = execution_time_ms {
        let _ = write!(
            summary,
            "; actual: {:.0} rows in {ms:.3} ms",
            top["Actual Rows"].as_f64().unwrap_or(0.0)
        );
    }
    Explained {
        summary,
        plan,
        total_cost,
        plan_rows,
        execution_time_ms,
        analyzed,
        sql,
    }
}

/// `Index Scan using orders_pkey on sales.orders`.
fn node_label(node: &Value) -> String {
    let mut label = node["Node Type"].as_str().unwrap_or("?").to_owned();
    if let Some(index) = node["Index Name"].as_str() {
        let _ = write!(label, " using {index}");
    }
    if let Some(rel) = node["Relation Name"].as_str() {
        match node["Schema"].as_str() {
            Some(schema) => {
                let _ = write!(label, " on {schema}.{rel}");
            }
            None => {
                let _ = write!(label, " on {rel}");
            }
        }
    }
    label
}

/// The node with the highest own cost (its total minus its children's totals).
fn costliest(top: &Value) -> Option<(&Value, f64)> {
    let mut best: Option<(&Value, f64)> = None;
    let mut stack = vec![top];
    while let Some(node) = stack.pop() {
        let children: Vec<&Value> = node["Plans"]
            .as_array()
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        let own = node["Total Cost"].as_f64().unwrap_or(0.0)
            - children
                .iter()
                .map(|c| c["Total Cost"].as_f64().unwrap_or(0.0))
                .sum::<f64>();
        if best.is_none_or(|(_, b)| own > b) {
            best = Some((node, own));
        }
        stack.extend(children);
    }
    best
}

/// An indented outline of the plan, one node per line (at most 60 lines).
fn outline(node: &Value, depth: usize, out: &mut Vec<String>) {
    if out.len() >= 60 {
        return;
    }
    let mut line = format!("{}- {}", "  ".repeat(depth), node_label(node));
    if let (Some(cost), Some(rows)) = (node["Total Cost"].as_f64(), node["Plan Rows"].as_f64()) {
        let _ = write!(line, " (cost {cost:.2}, rows {rows:.0}");
        if let (Some(time), Some(actual)) = (
            node["Actual Total Time"].as_f64(),
            node["Actual Rows"].as_f64(),
        ) {
            let _ = write!(line, "; actual {actual:.0} rows, {time:.3} ms");
        }
        line.push(')');
    }
    for key in [
        "Filter",
        "Index Cond",
        "Hash Cond",
        "Join Filter",
        "Sort Key",
    ] {
        match &node[key] {
            Value::String(s) => {
                let _ = write!(line, " {key}: {s}");
            }
            Value::Array(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
                let _ = write!(line, " {key}: {}", parts.join(", "));
            }
            _ => {}
        }
    }
    out.push(line);
    if let Some(children) = node["Plans"].as_array() {
        for child in children {
            outline(child, depth + 1, out);
        }
    }
}

fn explain_text(e: &Explained) -> String {
    let mut lines = Vec::new();
    outline(&e.plan[0]["Plan"], 0, &mut lines);
    format!(
        "{}{}\n{}",
        if e.analyzed {
            "Plan (executed in a read-only transaction, rolled back): "
        } else {
            "Plan (estimated, not executed): "
        },
        e.summary,
        crate::render::frame(&lines.join("\n"))
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::explained;

    #[test]
    fn summary_names_the_costliest_step() {
        let plan = json!([{
            "Plan": {
                "Node Type": "Limit", "Total Cost": 100.0, "Plan Rows": 10.0,
                "Plans": [{
                    "Node Type": "Sort", "Total Cost": 99.0, "Plan Rows": 1000.0,
                    "Plans": [{"Node Type": "Seq Scan", "Relation Name": "orders", "Schema": "sales",
                               "Total Cost": 20.0, "Plan Rows": 1000.0}]
                }]
            }
        }]);
        let e = explained(plan, false, None);
        assert!(
            e.summary
                .starts_with("Limit (estimated cost 100.00, rows 10)"),
            "{}",
            e.summary
        );
        assert!(
            e.summary.contains("costliest step: Sort (own cost 79.00)"),
            "{}",
            e.summary
        );
        assert_eq!(e.total_cost, Some(100.0));
    }
}
