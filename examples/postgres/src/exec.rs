//! Building, preparing and fetching statements: SQL text with parameter slots ([`Sql`]),
//! typed binding ([`prepare`]) and capped fetching through a portal ([`fetch`]).
//!
//! Only the extended protocol is used for anything the model influenced: `prepare` + `bind` +
//! `execute` carry exactly one statement (the server itself refuses `;`-separated batches,
//! 42601 "cannot insert multiple commands into a prepared statement"), and values never enter
//! the text.
//!
//! Rows come through a portal in batches, `limit + 1` at most: one more than asked tells
//! "there is more" without reading the rest, and a 200 000-row table costs 101 rows for a
//! 100-row page. The byte cap (serialized output) and the per-cell cap apply while fetching,
//! so a result of wide rows stops early too.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;
use tokio_postgres::{Statement, Transaction};

use crate::db::DbError;
use crate::render::cap_cell;
use crate::values::{Binding, Cell, Param, binding_for, decodable, to_param};

/// Rows fetched per portal round trip.
const BATCH: usize = 64;

/// One piece of SQL text: this server's text, or a parameter slot.
#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Param(usize),
}

/// SQL text with parameter slots; each slot's value and a label for error messages
/// (`filter 1 on "total"`).
#[derive(Debug, Clone, Default)]
pub struct Sql {
    pieces: Vec<Piece>,
    values: Vec<(Value, String)>,
}

impl Sql {
    /// Empty text.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends this server's own text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.pieces.push(Piece::Text(text.to_owned()));
        self
    }

    /// Appends a parameter slot holding `value`.
    pub fn param(&mut self, value: Value, label: &str) -> &mut Self {
        self.pieces.push(Piece::Param(self.values.len()));
        self.values.push((value, label.to_owned()));
        self
    }

    /// Appends `other`'s text and slots.
    pub fn append(&mut self, other: Sql) {
        let base = self.values.len();
        for piece in other.pieces {
            self.pieces.push(match piece {
                Piece::Param(i) => Piece::Param(base + i),
                text @ Piece::Text(_) => text,
            });
        }
        self.values.extend(other.values);
    }

    /// The slot values, in order (tests).
    #[cfg(test)]
    pub(crate) fn debug_values(&self) -> Vec<Value> {
        self.values.iter().map(|(v, _)| v.clone()).collect()
    }

    /// The text with `$n` slots, or with each slot written per its [`Binding`].
    fn render(&self, bindings: Option<&[Binding]>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Param(i) => {
                    let n = i + 1;
                    match bindings.and_then(|b| b.get(*i)) {
                        Some(Binding::TextCast { text_type, target }) => {
                            let _ = write!(out, "CAST(${n}::{text_type} AS {target})");
                        }
                        _ => {
                            let _ = write!(out, "${n}");
                        }
                    }
                }
            }
        }
        out
    }
}

/// A `SELECT`: output items (expression, output name), how many trailing items are hidden
/// (sort keys fetched for the cursor), and the rest of the statement.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Select {
    /// `(expression, alias)` per output column.
    pub items: Vec<(String, String)>,
    /// How many of the last items are not shown.
    pub hidden: usize,
    /// `FROM …` to the end.
    pub tail: Sql,
}

impl Select {
    /// The text with `$n` slots (tests).
    #[cfg(test)]
    pub(crate) fn debug_sql(&self) -> String {
        self.render("", &[], None)
    }

    fn render(&self, prefix: &str, text_columns: &[bool], bindings: Option<&[Binding]>) -> String {
        let items: Vec<String> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, (expr, alias))| {
                let alias = crate::ident::quote(alias);
                if text_columns.get(i).copied().unwrap_or(false) {
                    format!("({expr})::text AS {alias}")
                } else {
                    format!("{expr} AS {alias}")
                }
            })
            .collect();
        format!(
            "{prefix}SELECT {} {}",
            items.join(", "),
            self.tail.render(bindings)
        )
    }
}

/// A prepared statement with its converted parameters.
#[derive(Debug)]
#[non_exhaustive]
pub struct Prepared {
    /// The statement.
    pub stmt: Statement,
    /// The parameters, in slot order.
    pub params: Vec<Param>,
    /// The SQL text prepared (slots as `$n`; no values).
    pub sql: String,
    /// The output columns' type names before any text cast.
    pub type_names: Vec<String>,
}

impl Prepared {
    /// The parameters as `query` and `bind` take them.
    pub fn param_refs(&self) -> Vec<&(dyn tokio_postgres::types::ToSql + Sync)> {
        self.params
            .iter()
            .map(|p| p.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect()
    }
}

/// Prepares `prefix` + `select` and converts its values to the parameter types Postgres
/// inferred. Slots of types without a native binding are rewritten as text casts, and (with
/// `cast_outputs`) output columns [`Cell`] cannot decode are selected as `::text`; either
/// rewrite prepares once more.
///
/// # Errors
///
/// Postgres refused the statement, or a value does not fit its slot's type (a message naming
/// the slot's label).
pub async fn prepare(
    tx: &Transaction<'_>,
    select: &Select,
    prefix: &str,
    cast_outputs: bool,
) -> Result<Prepared, DbError> {
    let sql = select.render(prefix, &[], None);
    let stmt = tx.prepare(&sql).await?;
    let bindings: Vec<Binding> = stmt.params().iter().map(binding_for).collect();
    let type_names: Vec<String> = stmt
        .columns()
        .iter()
        .map(|c| c.type_().name().to_owned())
        .collect();
    let text_columns: Vec<bool> = if cast_outputs {
        stmt.columns()
            .iter()
            .map(|c| !decodable(c.type_()))
            .collect()
    } else {
        Vec::new()
    };
    let rewrite = bindings
        .iter()
        .any(|b| matches!(b, Binding::TextCast { .. }))
        || text_columns.iter().any(|t| *t);
    let (stmt, sql) = if rewrite {
        let sql = select.render(prefix, &text_columns, Some(&bindings));
        (tx.prepare(&sql).await?, sql)
    } else {
        (stmt, sql)
    };
    let values = &select.tail.values;
    if values.len() != stmt.params().len() {
        return Err(DbError::Refused(format!(
            "internal: {} values for {} parameters",
            values.len(),
            stmt.params().len()
        )));
    }
    let params = values
        .iter()
        .zip(stmt.params())
        .zip(&bindings)
        .map(|(((value, label), ty), binding)| {
            to_param(value, ty, binding).map_err(|e| DbError::Refused(format!("{label}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Prepared {
        stmt,
        params,
        sql,
        type_names,
    })
}

/// An output column.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct ColumnOut {
    /// The column name.
    pub name: String,
    /// Its Postgres type (`int4`, `numeric`, `timestamptz`, `text`, ...).
    #[serde(rename = "type")]
    pub type_name: String,
}

/// The caps of one result.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Caps {
    /// Rows returned at most.
    pub limit: usize,
    /// Serialized rows at most this many bytes.
    pub max_bytes: usize,
    /// A cell at most this many bytes.
    pub max_cell_bytes: usize,
}

impl Caps {
    /// The caps.
    pub fn new(limit: usize, max_bytes: usize, max_cell_bytes: usize) -> Self {
        Self {
            limit,
            max_bytes,
            max_cell_bytes,
        }
    }
}

/// What [`fetch`] read.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Page {
    /// The visible columns.
    pub columns: Vec<ColumnOut>,
    /// The visible rows, cells capped.
    pub rows: Vec<Vec<Value>>,
    /// More rows exist than were returned (the probe row arrived, or a cap stopped early).
    pub more: bool,
    /// The byte cap stopped the page early.
    pub byte_capped: bool,
    /// How many cells were cut.
    pub cut_cells: usize,
    /// The hidden (uncut) values of the last returned row: its sort key.
    pub last_key: Option<Vec<Value>>,
    /// How many rows Postgres sent (≤ limit + 1).
    pub fetched: usize,
}

/// Binds `prepared` to a portal and fetches at most `caps.limit + 1` rows in batches,
/// stopping at the byte cap.
///
/// # Errors
///
/// Postgres failed the statement (timeout, permission, ...), or a value could not be decoded.
pub async fn fetch(
    tx: &Transaction<'_>,
    prepared: &Prepared,
    hidden: usize,
    caps: Caps,
) -> Result<Page, DbError> {
    let params = prepared.param_refs();
    let columns = prepared.stmt.columns();
    let visible = columns.len().saturating_sub(hidden);
    let mut page = Page {
        columns: columns
            .iter()
            .take(visible)
            .enumerate()
            .map(|(i, c)| ColumnOut {
                name: c.name().to_owned(),
                type_name: prepared
                    .type_names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| c.type_().name().to_owned()),
            })
            .collect(),
        ..Page::default()
    };
    let portal = tx.bind(&prepared.stmt, &params).await?;
    let want = caps.limit + 1;
    let mut bytes = 2usize;
    'fetching: while page.fetched < want {
        let chunk = (want - page.fetched).min(BATCH);
        let batch = tx
            .query_portal(&portal, i32::try_from(chunk).unwrap_or(i32::MAX))
            .await?;
        let exhausted = batch.len() < chunk;
        for row in batch {
            page.fetched += 1;
            if page.rows.len() == caps.limit {
                page.more = true;
                break 'fetching;
            }
            let mut cells = Vec::with_capacity(columns.len());
            for i in 0..columns.len() {
                let Cell(value) = row.try_get::<_, Cell>(i)?;
                cells.push(value);
            }
            let key = cells.split_off(visible);
            let mut shown = Vec::with_capacity(visible);
            for value in cells {
                let (value, cut) = cap_cell(value, caps.max_cell_bytes);
                page.cut_cells += usize::from(cut);
                shown.push(value);
            }
            let size = serde_json::to_string(&shown).map_or(0, |s| s.len()) + 1;
            if bytes + size > caps.max_bytes {
                page.more = true;
                page.byte_capped = true;
                break 'fetching;
            }
            bytes += size;
            page.rows.push(shown);
            page.last_key = Some(key);
        }
        if exhausted {
            break;
        }
    }
    Ok(page)
}
