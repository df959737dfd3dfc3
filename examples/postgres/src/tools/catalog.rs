//! Discovery: `pg_list_schemas`, `pg_list_tables`, `pg_describe_table`.
#![expect(
    clippy::doc_markdown,
    reason = "tool and argument docs are the descriptions models read: tool names in plain words"
)]

use std::fmt::Write as _;

use mcp_server::{CancellationToken, Principal, State, Structured, ToolError, mcp_tool};
use schemars::JsonSchema;
use serde::Serialize;

use crate::app::App;
use crate::catalog::{self, ColumnInfo, ForeignKey, IndexInfo, SchemaInfo, TableInfo};
use crate::db::begin;
use crate::render;

/// The result of `pg_list_schemas`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct SchemaList {
    /// The schemas this server may show.
    pub schemas: Vec<SchemaInfo>,
}

/// List the database schemas this server may show (non-system schemas the role can use,
/// limited to the configured allow-list), with owner, comment and how many tables and views
/// each holds. Start here, then call pg_list_tables.
#[mcp_tool(read_only, idempotent, open_world, title = "List schemas")]
pub async fn pg_list_schemas(
    #[ctx] State(app): State<App>,
    #[ctx] who: Principal,
    #[ctx] cancel: CancellationToken,
) -> Result<Structured<SchemaList>, ToolError> {
    let _permit = app.admit(&who, &cancel).await?;
    let schemas = app
        .run(&cancel, move |client, state| {
            Box::pin(async move {
                let tx = begin(client, state.db(), &[]).await?;
                let schemas = catalog::list_schemas(&tx, state.config().allow_list()).await?;
                tx.rollback().await?;
                Ok(schemas)
            })
        })
        .await?;
    let mut body = String::new();
    for s in &schemas {
        let _ = write!(
            body,
            "- {} (owner {}, {} readable tables/views)",
            s.name, s.owner, s.readable_relations
        );
        if let Some(c) = &s.comment {
            let _ = write!(body, ": {c}");
        }
        body.push('\n');
    }
    let text = if schemas.is_empty() {
        "No schema is visible to this server's role.".to_owned()
    } else {
        format!("{} schema(s).\n{}", schemas.len(), render::frame(&body))
    };
    Ok(Structured::new(SchemaList { schemas }, text))
}

/// The result of `pg_list_tables`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct TableList {
    /// The schema listed.
    pub schema: String,
    /// Its readable tables and views, by name.
    pub tables: Vec<TableInfo>,
    /// Whether more matched than `limit`.
    pub truncated: bool,
}

/// List the tables and views of a schema that this server's role can read, with their kind,
/// estimated row count and comment. Filter by a case-insensitive substring of the name.
#[mcp_tool(read_only, idempotent, open_world, title = "List tables")]
pub async fn pg_list_tables(
    /// The schema, as pg_list_schemas shows it.
    #[schemars(length(min = 1, max = 128))]
    schema: String,
    /// Only names containing this text (case-insensitive; `%` and `_` match literally).
    #[schemars(length(max = 128))]
    name_like: Option<String>,
    /// At most this many tables (default 200).
    #[schemars(range(min = 1, max = 1000))]
    limit: Option<u32>,
    #[ctx] State(app): State<App>,
    #[ctx] who: Principal,
    #[ctx] cancel: CancellationToken,
) -> Result<Structured<TableList>, ToolError> {
    let _permit = app.admit(&who, &cancel).await?;
    let limit = i64::from(limit.unwrap_or(200).clamp(1, 1000));
    let list = app
        .run(&cancel, move |client, state| {
            Box::pin(async move {
                let tx = begin(client, state.db(), &[]).await?;
                let allowed = catalog::allowed_schemas(&tx, state.config().allow_list()).await?;
                let schema = catalog::resolve_schema(&allowed, &schema)?;
                let mut tables =
                    catalog::list_tables(&tx, &schema, name_like.as_deref(), limit).await?;
                tx.rollback().await?;
                let truncated = tables.len() > usize::try_from(limit).unwrap_or(usize::MAX);
                tables.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
                Ok(TableList {
                    schema,
                    tables,
                    truncated,
                })
            })
        })
        .await?;
    let mut body = String::new();
    for t in &list.tables {
        if t.row_estimate >= 0 && t.kind != "view" {
            let _ = write!(body, "- {} ({}, ~{} rows)", t.name, t.kind, t.row_estimate);
        } else {
            let _ = write!(body, "- {} ({})", t.name, t.kind);
        }
        if let Some(c) = &t.comment {
            let _ = write!(body, ": {c}");
        }
        body.push('\n');
    }
    let mut text = format!(
        "{} table(s)/view(s) in schema {}{}.",
        list.tables.len(),
        list.schema,
        if list.truncated {
            " (more exist: raise limit or filter with name_like)"
        } else {
            ""
        }
    );
    if !list.tables.is_empty() {
        text.push('\n');
        text.push_str(&render::frame(&body));
    }
    Ok(Structured::new(list, text))
}

/// The result of `pg_describe_table`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct TableDescription {
    /// The schema.
    pub schema: String,
    /// The table or view.
    pub table: String,
    /// `table`, `view`, `materialized view`, `partitioned table` or `foreign table`.
    pub kind: String,
    /// Its comment (untrusted database content).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The planner's row estimate (-1 when never analyzed).
    pub row_estimate: i64,
    /// Size on disk with indexes and TOAST, in bytes.
    pub total_bytes: i64,
    /// The columns this server's role may read, in table order.
    pub columns: Vec<ColumnInfo>,
    /// How many further columns exist that the role may not read.
    pub hidden_columns: usize,
    /// The primary key's columns.
    pub primary_key: Vec<String>,
    /// Foreign keys of this table.
    pub foreign_keys: Vec<ForeignKey>,
    /// Foreign keys of other visible tables that reference this one.
    pub referenced_by: Vec<ForeignKey>,
    /// Indexes.
    pub indexes: Vec<IndexInfo>,
}

/// Describe a table or view: columns (type, nullability, default, comment), primary key,
/// foreign keys in both directions (for joins), indexes (for fast filters and sorts), row
/// estimate and comment. Columns the server's role may not read are not shown.
#[mcp_tool(read_only, idempotent, open_world, title = "Describe a table")]
pub async fn pg_describe_table(
    /// The schema.
    #[schemars(length(min = 1, max = 128))]
    schema: String,
    /// The table or view.
    #[schemars(length(min = 1, max = 128))]
    table: String,
    #[ctx] State(app): State<App>,
    #[ctx] who: Principal,
    #[ctx] cancel: CancellationToken,
) -> Result<Structured<TableDescription>, ToolError> {
    let _permit = app.admit(&who, &cancel).await?;
    let described = app
        .run(&cancel, move |client, state| {
            Box::pin(async move {
                let tx = begin(client, state.db(), &[]).await?;
                let allowed = catalog::allowed_schemas(&tx, state.config().allow_list()).await?;
                let rel = catalog::resolve(&tx, &allowed, &schema, &table).await?;
                let details = catalog::details(&tx, &rel, &allowed).await?;
                tx.rollback().await?;
                Ok(TableDescription {
                    schema: rel.schema,
                    table: rel.name,
                    kind: rel.kind.to_owned(),
                    comment: details.comment,
                    row_estimate: details.row_estimate,
                    total_bytes: details.total_bytes,
                    columns: rel.columns,
                    hidden_columns: rel.hidden_columns,
                    primary_key: rel.primary_key,
                    foreign_keys: details.foreign_keys,
                    referenced_by: details.referenced_by,
                    indexes: details.indexes,
                })
            })
        })
        .await?;
    let text = describe_text(&described);
    Ok(Structured::new(described, text))
}

fn describe_text(d: &TableDescription) -> String {
    let mut body = String::new();
    if let Some(c) = &d.comment {
        let _ = writeln!(body, "Comment: {c}");
    }
    let _ = writeln!(body, "| column | type | null | default | comment |");
    let _ = writeln!(body, "| --- | --- | --- | --- | --- |");
    for c in &d.columns {
        let _ = writeln!(
            body,
            "| {} | {} | {} | {} | {} |",
            c.name,
            c.type_name,
            if c.nullable { "yes" } else { "no" },
            c.default.as_deref().unwrap_or(""),
            c.comment.as_deref().unwrap_or("").replace('|', "\\|")
        );
    }
    if !d.primary_key.is_empty() {
        let _ = writeln!(body, "Primary key: ({})", d.primary_key.join(", "));
    }
    for fk in &d.foreign_keys {
        let _ = writeln!(
            body,
            "Foreign key {}: ({}) -> {}.{}({})",
            fk.name,
            fk.columns.join(", "),
            fk.schema,
            fk.table,
            fk.references.join(", ")
        );
    }
    for fk in &d.referenced_by {
        let _ = writeln!(
            body,
            "Referenced by {}.{}({}) via {}",
            fk.schema,
            fk.table,
            fk.columns.join(", "),
            fk.name
        );
    }
    for i in &d.indexes {
        let _ = writeln!(body, "Index {}: {}", i.name, i.definition);
    }
    let hidden = if d.hidden_columns > 0 {
        format!(
            "; {} column(s) not readable by this server's role are not shown",
            d.hidden_columns
        )
    } else {
        String::new()
    };
    format!(
        "{} {}.{}: {} columns, ~{} rows{hidden}.\n{}",
        d.kind,
        d.schema,
        d.table,
        d.columns.len(),
        d.row_estimate.max(0),
        render::frame(&body)
    )
}
