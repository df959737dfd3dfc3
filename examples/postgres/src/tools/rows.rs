//! Reading rows without SQL: `pg_sample_rows` and `pg_query`.
#![expect(
    clippy::doc_markdown,
    reason = "tool and argument docs are the descriptions models read: tool names in plain words"
)]

use mcp_server::{CancellationToken, Principal, State, Structured, ToolError, mcp_tool};
use serde_json::json;

use super::Rows;
use crate::app::App;
use crate::catalog;
use crate::cursor::{self, Position};
use crate::db::{DbError, begin};
use crate::exec::{self, Caps, Select, Sql};
use crate::ident::quote;
use crate::query::{self, Aggregate, Filter, OrderBy, Paging, Spec};

/// Show a few rows of a table or view, to see what its data looks like (for real questions
/// use pg_query). Large tables are sampled at random pages; columns the server's role may not
/// read are left out.
#[mcp_tool(read_only, idempotent, open_world, title = "Sample rows")]
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per documented tool parameter"
)]
pub async fn pg_sample_rows(
    /// The schema.
    #[schemars(length(min = 1, max = 128))]
    schema: String,
    /// The table or view.
    #[schemars(length(min = 1, max = 128))]
    table: String,
    /// How many rows (default 5, at most 20).
    #[schemars(range(min = 1, max = 20))]
    limit: Option<u32>,
    /// Only these columns (default: every readable column).
    #[schemars(length(max = 100))]
    columns: Option<Vec<String>>,
    #[ctx] State(app): State<App>,
    #[ctx] who: Principal,
    #[ctx] cancel: CancellationToken,
) -> Result<Structured<Rows>, ToolError> {
    let _permit = app.admit(&who, &cancel).await?;
    let limit = usize::try_from(limit.unwrap_or(5).clamp(1, 20)).unwrap_or(5);
    let limit = limit.min(app.config().max_rows);
    let (rows, what) = app
        .run(&cancel, move |client, state| {
            Box::pin(async move {
                let cfg = state.config();
                let tx = begin(client, state.db(), &[]).await?;
                let allowed = catalog::allowed_schemas(&tx, cfg.allow_list()).await?;
                let rel = catalog::resolve(&tx, &allowed, &schema, &table).await?;
                let names: Vec<String> = match &columns {
                    Some(list) if !list.is_empty() => list
                        .iter()
                        .map(|c| rel.column(c).map(|c| c.name.clone()))
                        .collect::<Result<_, _>>()?,
                    _ => rel.columns.iter().map(|c| c.name.clone()).collect(),
                };
                if names.is_empty() {
                    return Err(DbError::Refused(format!(
                        "{} has no column this server's role may read",
                        rel.display()
                    )));
                }
                let estimate: i64 = tx
                    .query_one(
                        "SELECT reltuples::bigint FROM pg_catalog.pg_class WHERE oid = $1",
                        &[&rel.oid],
                    )
                    .await?
                    .get(0);
                let caps = Caps::new(limit, cfg.max_bytes, cfg.max_cell_bytes);
                let select = |sample: Option<f64>| {
                    let mut tail = Sql::new();
                    tail.push(&format!("FROM {}", rel.qualified()));
                    if let Some(percent) = sample {
                        // A number this server computed, not model text.
                        tail.push(&format!(
                            " TABLESAMPLE SYSTEM ({percent:.4}) ORDER BY random()"
                        ));
                    }
                    tail.push(" LIMIT ").param(json!(limit), "limit");
                    Select {
                        items: names.iter().map(|n| (quote(n), n.clone())).collect(),
                        hidden: 0,
                        tail,
                    }
                };
                let sampled =
                    matches!(rel.kind, "table" | "materialized view") && estimate > 10_000;
                let mut page = None;
                if sampled {
                    // Pages for ~2000 rows, shuffled; a plain scan when the sample is short.
                    #[expect(
                        clippy::cast_precision_loss,
                        reason = "a sampling percentage needs no precision"
                    )]
                    let percent = (2000.0 / (estimate as f64) * 100.0).clamp(0.01, 100.0);
                    let prepared = exec::prepare(&tx, &select(Some(percent)), "", true).await?;
                    let got = exec::fetch(&tx, &prepared, 0, caps).await?;
                    if got.rows.len() >= limit {
                        page = Some(got);
                    }
                }
                let sampled_rows = page.is_some();
                let page = if let Some(page) = page {
                    page
                } else {
                    let prepared = exec::prepare(&tx, &select(None), "", true).await?;
                    exec::fetch(&tx, &prepared, 0, caps).await?
                };
                tx.rollback().await?;
                let mut rows = Rows::from_page(page, limit, cfg.max_bytes, cfg.max_cell_bytes);
                // A sample of a limit is not "more rows of a query".
                rows.truncated = false;
                if rel.hidden_columns > 0 {
                    rows.notices.push(format!(
                        "{} column(s) not readable by this server's role are left out",
                        rel.hidden_columns
                    ));
                }
                if sampled_rows {
                    rows.notices
                        .push(format!("random sample of a table of ~{estimate} rows"));
                }
                Ok((rows, rel.display()))
            })
        })
        .await?;
    let text = rows.text(&format!("Sample of {what}"));
    Ok(Structured::new(rows, text))
}

/// Query one table or view with structured filters, sorting, grouping and aggregates; no SQL.
/// Names are checked against the catalog; values are sent as typed parameters. Results are
/// capped (limit, bytes); when `truncated` is true, pass `next_cursor` back as `cursor` with
/// the same query to get the next page. Example: `{"schema": "sales", "table": "orders",
/// "columns": ["id", "total"], "filters": [{"column": "total", "op": "gte", "value": 100}],
/// "order_by": [{"column": "created_at", "direction": "desc"}], "limit": 20}`. Aggregates:
/// `{"group_by": ["customer_id"], "aggregates": [{"fn": "sum", "column": "total", "alias":
/// "revenue"}], "order_by": [{"column": "revenue", "direction": "desc"}]}`.
#[mcp_tool(read_only, idempotent, open_world, title = "Query a table")]
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per documented tool parameter"
)]
pub async fn pg_query(
    /// The schema.
    #[schemars(length(min = 1, max = 128))]
    schema: String,
    /// The table or view.
    #[schemars(length(min = 1, max = 128))]
    table: String,
    /// Output columns (default: every readable column; with aggregates: the group_by
    /// columns).
    #[schemars(length(max = 100))]
    columns: Option<Vec<String>>,
    /// Conditions, all of which must hold.
    #[schemars(length(max = 20))]
    filters: Option<Vec<Filter>>,
    /// Sort keys, most significant first (the primary key is added as a tie-breaker).
    #[schemars(length(max = 10))]
    order_by: Option<Vec<OrderBy>>,
    /// Group by these columns (use with aggregates).
    #[schemars(length(max = 10))]
    group_by: Option<Vec<String>>,
    /// Aggregate output columns: count, count_distinct, sum, avg, min, max.
    #[schemars(length(max = 20))]
    aggregates: Option<Vec<Aggregate>>,
    /// Rows per page (default and maximum: the server's --max-rows, 100 unless configured).
    #[schemars(range(min = 1, max = 1000))]
    limit: Option<u32>,
    /// `next_cursor` of the previous page of this same query.
    #[schemars(length(max = 8192))]
    cursor: Option<String>,
    #[ctx] State(app): State<App>,
    #[ctx] who: Principal,
    #[ctx] cancel: CancellationToken,
) -> Result<Structured<Rows>, ToolError> {
    let _permit = app.admit(&who, &cancel).await?;
    let spec = Spec::from_args(
        schema, table, columns, filters, order_by, group_by, aggregates,
    );
    let (limit, lowered) = app.config().clamp_limit(limit);
    let (mut rows, what) = app
        .run(&cancel, move |client, state| {
            Box::pin(
                async move { structured(client, &state, &spec, limit, cursor.as_deref()).await },
            )
        })
        .await?;
    if lowered {
        rows.notices.insert(
            0,
            format!("limit lowered to the server's maximum of {limit} rows"),
        );
    }
    let text = rows.text(&what);
    Ok(Structured::new(rows, text))
}

/// Runs a structured query on a connection: resolve, build, prepare, fetch, roll back.
async fn structured(
    client: &mut deadpool_postgres::ClientWrapper,
    app: &App,
    spec: &Spec,
    limit: usize,
    cursor: Option<&str>,
) -> Result<(Rows, String), DbError> {
    let cfg = app.config();
    let tx = begin(client, app.db(), &[]).await?;
    let allowed = catalog::allowed_schemas(&tx, cfg.allow_list()).await?;
    let rel = catalog::resolve(&tx, &allowed, &spec.schema, &spec.table).await?;
    let built = query::build(spec, &rel, limit, cursor)?;
    let prepared = exec::prepare(&tx, &built.select, "", true).await?;
    let caps = Caps::new(limit, cfg.max_bytes, cfg.max_cell_bytes);
    let page = exec::fetch(&tx, &prepared, built.select.hidden, caps).await?;
    tx.rollback().await?;
    let more = page.more;
    let returned = page.rows.len();
    let last_key = page.last_key.clone();
    let mut rows = Rows::from_page(page, limit, cfg.max_bytes, cfg.max_cell_bytes);
    rows.sql = Some(prepared.sql);
    if more && returned > 0 {
        rows.next_cursor = match built.paging {
            Paging::Keyset => {
                last_key.map(|k| cursor::encode(&built.fingerprint, &Position::After(k)))
            }
            Paging::Offset(offset) => Some(cursor::encode(
                &built.fingerprint,
                &Position::Offset(offset + u64::try_from(returned).unwrap_or(0)),
            )),
            Paging::None => None,
        };
    }
    Ok((rows, rel.display()))
}
