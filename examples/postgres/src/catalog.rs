//! The catalog: which schemas and relations the server may show, and resolving the model's
//! names to the catalog's own spelling.
//!
//! Every lookup runs inside the call's read-only transaction with the model's strings as bind
//! parameters. Only relations the role may `SELECT` (whole table or some columns) in an
//! allowed schema exist for the model; anything else is "unknown", with close matches among
//! what does exist, so a name outside the allow-list is indistinguishable from a typo.

use schemars::JsonSchema;
use serde::Serialize;
use tokio_postgres::Transaction;

use crate::db::DbError;
use crate::ident::{close_matches, suggestion};

/// The predicate of a non-system schema the role can use, restricted to `$1` when the
/// allow-list is set (`$1` is NULL otherwise).
const SCHEMA_FILTER: &str = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' \
     AND has_schema_privilege(n.oid, 'USAGE') \
     AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))";

/// The relation kinds shown: tables, partitioned tables, views, materialized views, foreign
/// tables.
const RELKINDS: &str = "c.relkind IN ('r', 'p', 'v', 'm', 'f')";

/// The predicate of a relation the role can read at least partly.
const READABLE: &str =
    "(has_table_privilege(c.oid, 'SELECT') OR has_any_column_privilege(c.oid, 'SELECT'))";

/// The allowed schemas, in name order: the non-system schemas the role has `USAGE` on,
/// intersected with the configured allow-list.
///
/// # Errors
///
/// The catalog query failed.
pub async fn allowed_schemas(
    tx: &Transaction<'_>,
    allow: Option<&[String]>,
) -> Result<Vec<String>, DbError> {
    let sql = format!(
        "SELECT n.nspname::text FROM pg_catalog.pg_namespace n WHERE {SCHEMA_FILTER} ORDER BY 1"
    );
    let allow: Option<Vec<String>> = allow.map(<[String]>::to_vec);
    let rows = tx.query(&sql, &[&allow]).await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// One schema as `pg_list_schemas` shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct SchemaInfo {
    /// The schema name.
    pub name: String,
    /// Its owner.
    pub owner: String,
    /// Its comment, if any (database content: untrusted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// How many tables and views in it the role can read.
    pub readable_relations: i64,
}

/// The allowed schemas with owner, comment and readable relation count.
///
/// # Errors
///
/// The catalog query failed.
pub async fn list_schemas(
    tx: &Transaction<'_>,
    allow: Option<&[String]>,
) -> Result<Vec<SchemaInfo>, DbError> {
    let sql = format!(
        "SELECT n.nspname::text, pg_catalog.pg_get_userbyid(n.nspowner)::text, \
                pg_catalog.obj_description(n.oid, 'pg_namespace'), \
                (SELECT count(*) FROM pg_catalog.pg_class c \
                  WHERE c.relnamespace = n.oid AND {RELKINDS} AND {READABLE}) \
           FROM pg_catalog.pg_namespace n WHERE {SCHEMA_FILTER} ORDER BY 1"
    );
    let allow: Option<Vec<String>> = allow.map(<[String]>::to_vec);
    let rows = tx.query(&sql, &[&allow]).await?;
    Ok(rows
        .iter()
        .map(|r| SchemaInfo {
            name: r.get(0),
            owner: r.get(1),
            comment: r.get(2),
            readable_relations: r.get(3),
        })
        .collect())
}

/// Resolves the model's schema name: exact, else case-insensitive when unambiguous.
///
/// # Errors
///
/// An unknown or ambiguous schema, naming the allowed ones.
pub fn resolve_schema(allowed: &[String], wanted: &str) -> Result<String, DbError> {
    if let Some(exact) = allowed.iter().find(|s| *s == wanted) {
        return Ok(exact.clone());
    }
    let folded: Vec<&String> = allowed
        .iter()
        .filter(|s| s.to_lowercase() == wanted.to_lowercase())
        .collect();
    match folded.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(DbError::Refused(format!(
            "unknown schema `{wanted}`; the schemas available are: {}",
            if allowed.is_empty() {
                "(none)".to_owned()
            } else {
                allowed.join(", ")
            }
        ))),
        many => Err(DbError::Refused(format!(
            "schema name `{wanted}` is ambiguous ({}); use the exact spelling",
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// One relation as `pg_list_tables` shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct TableInfo {
    /// The relation name.
    pub name: String,
    /// `table`, `partitioned table`, `view`, `materialized view` or `foreign table`.
    pub kind: String,
    /// The planner's row estimate (`pg_class.reltuples`; -1 when never analyzed).
    pub row_estimate: i64,
    /// Its comment, if any (database content: untrusted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

fn kind_name(relkind: &str) -> &'static str {
    match relkind {
        "r" => "table",
        "p" => "partitioned table",
        "v" => "view",
        "m" => "materialized view",
        "f" => "foreign table",
        _ => "relation",
    }
}

/// The readable relations of one (resolved) schema whose name contains `name_contains`
/// (case-insensitive, literal), at most `limit` + 1 of them (the extra one says "more").
///
/// # Errors
///
/// The catalog query failed.
pub async fn list_tables(
    tx: &Transaction<'_>,
    schema: &str,
    name_contains: Option<&str>,
    limit: i64,
) -> Result<Vec<TableInfo>, DbError> {
    let sql = format!(
        "SELECT c.relname::text, c.relkind::text, c.reltuples::bigint, \
                pg_catalog.obj_description(c.oid, 'pg_class') \
           FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
          WHERE n.nspname = $1 AND {RELKINDS} AND {READABLE} \
            AND ($2::text IS NULL OR c.relname ILIKE '%' || $2::text || '%' ESCAPE E'\\\\') \
          ORDER BY c.relname LIMIT $3"
    );
    let pattern = name_contains.map(crate::ident::escape_like);
    let rows = tx.query(&sql, &[&schema, &pattern, &(limit + 1)]).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let kind: String = r.get(1);
            TableInfo {
                name: r.get(0),
                kind: kind_name(&kind).to_owned(),
                row_estimate: r.get(2),
                comment: r.get(3),
            }
        })
        .collect())
}

/// A resolved relation and its readable columns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Relation {
    /// `pg_class.oid`.
    pub oid: u32,
    /// The catalog's schema name.
    pub schema: String,
    /// The catalog's relation name.
    pub name: String,
    /// `table`, `view`, ...
    pub kind: &'static str,
    /// The columns the role may `SELECT`, in table order.
    pub columns: Vec<ColumnInfo>,
    /// How many columns exist that the role may not read (not shown, not queryable).
    pub hidden_columns: usize,
    /// The primary key's columns, in key order (empty without a primary key).
    pub primary_key: Vec<String>,
}

/// A column of a [`Relation`].
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct ColumnInfo {
    /// The column name.
    pub name: String,
    /// Its type as Postgres writes it (`format_type`): `numeric(10,2)`, `timestamp with time zone`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Whether it may be NULL.
    pub nullable: bool,
    /// Its default expression, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Its comment, if any (database content: untrusted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Relation {
    /// `"schema"."name"`.
    pub fn qualified(&self) -> String {
        crate::ident::qualified(&self.schema, &self.name)
    }

    /// `schema.name` for messages.
    pub fn display(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    /// Resolves a column name: exact, else case-insensitive when unambiguous.
    ///
    /// # Errors
    ///
    /// An unknown (or unreadable, which looks the same) or ambiguous column, with close
    /// matches.
    pub fn column(&self, wanted: &str) -> Result<&ColumnInfo, DbError> {
        if let Some(exact) = self.columns.iter().find(|c| c.name == wanted) {
            return Ok(exact);
        }
        let folded: Vec<&ColumnInfo> = self
            .columns
            .iter()
            .filter(|c| c.name.to_lowercase() == wanted.to_lowercase())
            .collect();
        match folded.as_slice() {
            [one] => Ok(one),
            [] => {
                let close = close_matches(wanted, self.columns.iter().map(|c| c.name.as_str()));
                Err(DbError::Refused(format!(
                    "unknown column `{wanted}` in {}{}; its columns are: {}",
                    self.display(),
                    suggestion(&close),
                    self.columns
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
            many => Err(DbError::Refused(format!(
                "column name `{wanted}` is ambiguous in {} ({}); use the exact spelling",
                self.display(),
                many.iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

/// Resolves `schema.table` among the readable relations of the allowed schemas and loads its
/// readable columns and primary key.
///
/// # Errors
///
/// Unknown schema or table (with close matches), an ambiguous name, or a failed query.
pub async fn resolve(
    tx: &Transaction<'_>,
    allowed: &[String],
    schema: &str,
    table: &str,
) -> Result<Relation, DbError> {
    let schema = resolve_schema(allowed, schema)?;
    let sql = format!(
        "SELECT c.oid, c.relname::text, c.relkind::text \
           FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
          WHERE n.nspname = $1 AND {RELKINDS} AND {READABLE} AND lower(c.relname) = lower($2)"
    );
    let rows = tx.query(&sql, &[&schema, &table]).await?;
    let candidates: Vec<(u32, String, String)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let chosen =
        candidates
            .iter()
            .find(|(_, name, _)| name == table)
            .or(match candidates.as_slice() {
                [one] => Some(one),
                _ => None,
            });
    let Some((oid, name, relkind)) = chosen.cloned() else {
        if candidates.len() > 1 {
            return Err(DbError::Refused(format!(
                "table name `{table}` is ambiguous in schema {schema} ({}); use the exact spelling",
                candidates
                    .iter()
                    .map(|c| c.1.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let all = list_tables(tx, &schema, None, 10_000).await?;
        let close = close_matches(table, all.iter().map(|t| t.name.as_str()));
        return Err(DbError::Refused(format!(
            "unknown table `{table}` in schema {schema}{}; pg_list_tables lists what exists",
            suggestion(&close)
        )));
    };
    let rows = tx
        .query(
            "SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), \
                    NOT a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), \
                    pg_catalog.col_description(a.attrelid, a.attnum), \
                    has_column_privilege(a.attrelid, a.attnum, 'SELECT') \
               FROM pg_catalog.pg_attribute a \
               LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
              WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped \
              ORDER BY a.attnum",
            &[&oid],
        )
        .await?;
    let mut columns = Vec::new();
    let mut hidden_columns = 0;
    for r in &rows {
        if r.get::<_, bool>(5) {
            columns.push(ColumnInfo {
                name: r.get(0),
                type_name: r.get(1),
                nullable: r.get(2),
                default: r.get(3),
                comment: r.get(4),
            });
        } else {
            hidden_columns += 1;
        }
    }
    let rows = tx
        .query(
            "SELECT a.attname::text \
               FROM pg_catalog.pg_index i \
               CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
               JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
              WHERE i.indrelid = $1 AND i.indisprimary \
              ORDER BY k.ord",
            &[&oid],
        )
        .await?;
    let primary_key: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    Ok(Relation {
        oid,
        schema,
        name,
        kind: kind_name(&relkind),
        columns,
        hidden_columns,
        primary_key,
    })
}

/// A foreign key of a described table.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct ForeignKey {
    /// The constraint name.
    pub name: String,
    /// The referencing columns (of this table, or of `table` for incoming keys).
    pub columns: Vec<String>,
    /// The other table's schema.
    pub schema: String,
    /// The other table.
    pub table: String,
    /// The other table's columns.
    pub references: Vec<String>,
}

/// An index of a described table.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct IndexInfo {
    /// The index name.
    pub name: String,
    /// `CREATE [UNIQUE] INDEX …` as Postgres writes it.
    pub definition: String,
    /// Whether it is unique.
    pub unique: bool,
    /// Whether it is the primary key's index.
    pub primary: bool,
}

/// What `pg_describe_table` adds to a [`Relation`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Details {
    /// The table's comment.
    pub comment: Option<String>,
    /// `pg_class.reltuples`.
    pub row_estimate: i64,
    /// `pg_total_relation_size`.
    pub total_bytes: i64,
    /// Outgoing foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Foreign keys of other readable tables (in allowed schemas) referencing this one.
    pub referenced_by: Vec<ForeignKey>,
    /// Indexes.
    pub indexes: Vec<IndexInfo>,
}

const FK_COLUMNS: &str = "ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o) \
       JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o)";
const FK_REFERENCED: &str = "ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o) \
       JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o)";

/// The foreign keys whose `this_end` (`conrelid` or `confrelid`) is `$1`, with the table at
/// `other_end` as `c` in schema `n`; `rest` adds conditions and the order.
fn fk_sql(this_end: &str, other_end: &str, rest: &str) -> String {
    format!(
        "SELECT con.conname::text, {FK_COLUMNS}, n.nspname::text, c.relname::text, {FK_REFERENCED} \
           FROM pg_catalog.pg_constraint con \
           JOIN pg_catalog.pg_class c ON c.oid = con.{other_end} \
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
          WHERE con.{this_end} = $1 AND con.contype = 'f'{rest}"
    )
}

/// Loads comment, size, keys and indexes of a resolved relation.
///
/// # Errors
///
/// A failed query.
pub async fn details(
    tx: &Transaction<'_>,
    rel: &Relation,
    allowed: &[String],
) -> Result<Details, DbError> {
    let row = tx
        .query_one(
            "SELECT pg_catalog.obj_description(c.oid, 'pg_class'), c.reltuples::bigint, \
                    pg_catalog.pg_total_relation_size(c.oid) \
               FROM pg_catalog.pg_class c WHERE c.oid = $1",
            &[&rel.oid],
        )
        .await?;
    let (comment, row_estimate, total_bytes) = (row.get(0), row.get(1), row.get(2));
    let outgoing = tx
        .query(&fk_sql("conrelid", "confrelid", " ORDER BY 1"), &[&rel.oid])
        .await?;
    let incoming = tx
        .query(
            &fk_sql(
                "confrelid",
                "conrelid",
                &format!(" AND n.nspname = ANY($2) AND {READABLE} ORDER BY 3, 4, 1"),
            ),
            &[&rel.oid, &allowed],
        )
        .await?;
    let fk = |r: &tokio_postgres::Row| ForeignKey {
        name: r.get(0),
        columns: r.get(1),
        schema: r.get(2),
        table: r.get(3),
        references: r.get(4),
    };
    let indexes = tx
        .query(
            "SELECT ic.relname::text, pg_catalog.pg_get_indexdef(i.indexrelid), i.indisunique, \
                    i.indisprimary \
               FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
              WHERE i.indrelid = $1 ORDER BY NOT i.indisprimary, 1",
            &[&rel.oid],
        )
        .await?;
    Ok(Details {
        comment,
        row_estimate,
        total_bytes,
        foreign_keys: outgoing.iter().map(fk).collect(),
        referenced_by: incoming.iter().map(fk).collect(),
        indexes: indexes
            .iter()
            .map(|r| IndexInfo {
                name: r.get(0),
                definition: r.get(1),
                unique: r.get(2),
                primary: r.get(3),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::resolve_schema;

    #[test]
    fn schema_resolution() {
        let allowed = vec!["public".to_owned(), "sales".to_owned()];
        assert_eq!(
            resolve_schema(&allowed, "sales").ok(),
            Some("sales".to_owned())
        );
        assert_eq!(
            resolve_schema(&allowed, "SALES").ok(),
            Some("sales".to_owned())
        );
        assert!(resolve_schema(&allowed, "hr").is_err());
        let both = vec!["Sales".to_owned(), "sales".to_owned()];
        assert_eq!(
            resolve_schema(&both, "Sales").ok(),
            Some("Sales".to_owned())
        );
        assert!(resolve_schema(&both, "SALES").is_err());
    }
}
