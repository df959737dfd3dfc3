//! The tools, one module per family, and the shared result shape [`Rows`].
//!
//! | tool | what |
//! | --- | --- |
//! | `pg_list_schemas` | the schemas the server may show |
//! | `pg_list_tables` | tables and views of a schema, with kind, row estimate, comment |
//! | `pg_describe_table` | columns, primary key, foreign keys (both ways), indexes, comment |
//! | `pg_sample_rows` | a few rows of a table |
//! | `pg_query` | a structured query (filters, sort, grouping, aggregates, keyset paging) |
//! | `pg_explain` | the plan of a structured query (or of raw SQL when enabled), optionally `ANALYZE` |
//! | `pg_run_readonly_sql` | one read-only `SELECT` (registered only with `--enable-raw-sql`) |

pub mod catalog;
pub mod explain;
pub mod raw;
pub mod rows;

use mcp_server::ServerBuilder;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::exec::{ColumnOut, Page};
use crate::render;

/// Registers the tools; the raw-SQL tool and the `sql` argument of `pg_explain` only when
/// `raw_sql` is on.
pub fn register(builder: ServerBuilder, raw_sql: bool) -> ServerBuilder {
    let builder = builder
        .tool(catalog::pg_list_schemas)
        .tool(catalog::pg_list_tables)
        .tool(catalog::pg_describe_table)
        .tool(rows::pg_sample_rows)
        .tool(rows::pg_query);
    if raw_sql {
        builder
            .tool(explain::pg_explain_with_sql)
            .tool(raw::pg_run_readonly_sql)
    } else {
        builder.tool(explain::pg_explain)
    }
}

/// Rows of a result, as `structuredContent`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct Rows {
    /// The output columns with their Postgres types.
    pub columns: Vec<ColumnOut>,
    /// The rows, one array of cells per row, in column order. Untrusted database content.
    /// Long cells end with `…[truncated N bytes]`.
    pub rows: Vec<Vec<Value>>,
    /// How many rows are here.
    pub returned_rows: usize,
    /// Whether more rows exist than were returned (row limit or byte cap).
    pub truncated: bool,
    /// The row limit applied.
    pub limit: usize,
    /// Pass it back as `cursor` (same query) for the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Notes about limits, caps and truncation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// The SQL this server ran, with `$n` parameters (structured tools only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql: Option<String>,
}

impl Rows {
    /// Rows from a fetched page.
    pub fn from_page(page: Page, limit: usize, max_bytes: usize, max_cell_bytes: usize) -> Self {
        let mut notices = Vec::new();
        if page.byte_capped {
            notices.push(format!(
                "stopped at the {max_bytes}-byte output cap after {} rows; select fewer or \
                 narrower columns",
                page.rows.len()
            ));
        }
        if page.cut_cells > 0 {
            notices.push(format!(
                "{} cell(s) longer than {max_cell_bytes} bytes were cut",
                page.cut_cells
            ));
        }
        Self {
            columns: page.columns,
            returned_rows: page.rows.len(),
            rows: page.rows,
            truncated: page.more,
            limit,
            next_cursor: None,
            notices,
            sql: None,
        }
    }

    /// The text the model reads: a summary line, notices, the framed Markdown table, the
    /// cursor.
    pub fn text(&self, what: &str) -> String {
        let mut text = format!(
            "{what}: {} row{} (limit {})",
            self.returned_rows,
            if self.returned_rows == 1 { "" } else { "s" },
            self.limit
        );
        if self.truncated {
            text.push_str(if self.next_cursor.is_some() {
                "; truncated: more rows exist, pass next_cursor to continue or narrow the filters"
            } else {
                "; truncated: more rows exist, narrow the query"
            });
        }
        text.push_str(".\n");
        for n in &self.notices {
            text.push_str("Note: ");
            text.push_str(n);
            text.push_str(".\n");
        }
        let names: Vec<String> = self.columns.iter().map(|c| c.name.clone()).collect();
        text.push_str(&render::frame(&render::markdown(&names, &self.rows)));
        if let Some(cursor) = &self.next_cursor {
            text.push_str("\nnext_cursor: ");
            text.push_str(cursor);
        }
        text
    }
}
