//! The structured query of `pg_query` and `pg_explain`: columns, filters, sort, grouping and
//! aggregates as data, turned into one `SELECT` whose identifiers come from the catalog and
//! whose values are bind parameters. The model never writes SQL text here.
//!
//! | part | becomes |
//! | --- | --- |
//! | schema, table, columns, `order_by`/`group_by` columns | resolved against the catalog ([`Relation::column`]), written in the catalog's spelling, quoted |
//! | filter operators, sort directions, aggregate functions | enums mapped to fixed SQL fragments |
//! | filter values, cursor keys, `LIMIT`/`OFFSET` | bind parameters, typed from the prepared statement |
//! | `starts_with`/`contains` | `col::text LIKE $n ESCAPE '\'` with `%`, `_`, `\` escaped in the value |
//! | `in`/`not_in` | `col = ANY($n)` / `col <> ALL($n)` with one array parameter |
//!
//! Paging: plain queries of a table with a primary key page by keyset (the sort columns plus
//! the key, `NULLS LAST`), fetched as hidden trailing columns of the `SELECT`; everything else
//! pages by offset. Either way the cursor is opaque ([`crate::cursor`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::catalog::Relation;
use crate::cursor::{self, Position};
use crate::db::DbError;
use crate::exec::{Select, Sql};
use crate::ident::{escape_like, quote, valid_alias};

/// At most this many values in an `in`/`not_in` list.
pub const MAX_IN_VALUES: usize = 1000;

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Op {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `BETWEEN a AND b`; `value` is `[a, b]`.
    Between,
    /// `= ANY(list)`; `value` is a list.
    In,
    /// `<> ALL(list)`; `value` is a list.
    NotIn,
    /// SQL `LIKE` with the value as the pattern (`%` any run, `_` one character).
    Like,
    /// `ILIKE`: case-insensitive `like`.
    Ilike,
    /// Starts with the value, literally (no wildcards), case-sensitive.
    StartsWith,
    /// Contains the value, literally (no wildcards), case-sensitive.
    Contains,
    /// `IS NULL`; no value.
    IsNull,
    /// `IS NOT NULL`; no value.
    IsNotNull,
}

/// One `WHERE` condition; conditions are combined with `AND`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Filter {
    /// The column.
    pub column: String,
    /// The operator.
    pub op: Op,
    /// The value: a scalar; `[low, high]` for `between`; a list for `in`/`not_in`; omitted for
    /// `is_null`/`is_not_null`. Dates and times as ISO 8601 strings, numerics as numbers or
    /// strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// A sort direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Direction {
    /// Ascending (NULLs last).
    #[default]
    Asc,
    /// Descending (NULLs last).
    Desc,
}

/// One sort key.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OrderBy {
    /// A column, or an aggregate's alias when aggregating.
    pub column: String,
    /// `asc` (default) or `desc`.
    #[serde(default)]
    pub direction: Direction,
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AggFn {
    /// `count(*)`, or `count(column)` (non-null values) with a column.
    Count,
    /// `count(DISTINCT column)`.
    CountDistinct,
    /// `sum(column)`.
    Sum,
    /// `avg(column)`.
    Avg,
    /// `min(column)`.
    Min,
    /// `max(column)`.
    Max,
}

impl AggFn {
    fn name(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::CountDistinct => "count_distinct",
            Self::Sum => "sum",
            Self::Avg => "avg",
            Self::Min => "min",
            Self::Max => "max",
        }
    }
}

/// One aggregate output column.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Aggregate {
    /// The function.
    #[serde(rename = "fn")]
    pub func: AggFn,
    /// The column (optional for `count`, which then counts rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The output name (letters, digits, `_`); default `<fn>_<column>` or `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

/// A whole structured query (everything but `limit` and `cursor`).
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct Spec {
    /// The schema.
    pub schema: String,
    /// The table or view.
    pub table: String,
    /// Output columns (default: every readable column, or the `group_by` columns).
    pub columns: Vec<String>,
    /// `WHERE` conditions, `AND`ed.
    pub filters: Vec<Filter>,
    /// Sort keys.
    pub order_by: Vec<OrderBy>,
    /// `GROUP BY` columns.
    pub group_by: Vec<String>,
    /// Aggregates.
    pub aggregates: Vec<Aggregate>,
}

impl Spec {
    /// A query of every readable column of `schema.table`.
    pub fn new(schema: impl Into<String>, table: impl Into<String>) -> Self {
        Self {
            schema: schema.into(),
            table: table.into(),
            ..Self::default()
        }
    }

    /// A query built from the optional arguments of `pg_query` and `pg_explain`.
    pub fn from_args(
        schema: String,
        table: String,
        columns: Option<Vec<String>>,
        filters: Option<Vec<Filter>>,
        order_by: Option<Vec<OrderBy>>,
        group_by: Option<Vec<String>>,
        aggregates: Option<Vec<Aggregate>>,
    ) -> Self {
        Self {
            schema,
            table,
            columns: columns.unwrap_or_default(),
            filters: filters.unwrap_or_default(),
            order_by: order_by.unwrap_or_default(),
            group_by: group_by.unwrap_or_default(),
            aggregates: aggregates.unwrap_or_default(),
        }
    }

    fn aggregating(&self) -> bool {
        !self.aggregates.is_empty() || !self.group_by.is_empty()
    }
}

/// How the next page of a built query is found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Paging {
    /// Keyset: the hidden trailing columns are the sort key.
    Keyset,
    /// Offset: the next page starts `offset + returned` rows in.
    Offset(u64),
    /// A single-row aggregate: there is no next page.
    None,
}

/// A query ready to prepare.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Built {
    /// The statement.
    pub select: Select,
    /// How the next page is found.
    pub paging: Paging,
    /// The query's fingerprint (for cursors).
    pub fingerprint: String,
}

fn refused(text: String) -> DbError {
    DbError::Refused(text)
}

/// Builds the `SELECT` of `spec` against the resolved relation: `limit` rows (+1 probe),
/// starting at `cursor`.
///
/// # Errors
///
/// An unknown column, a misplaced value, an inconsistent grouping or a foreign cursor; each a
/// message for the model.
pub fn build(
    spec: &Spec,
    rel: &Relation,
    limit: usize,
    cursor: Option<&str>,
) -> Result<Built, DbError> {
    let fingerprint = cursor::fingerprint(&json!({
        "schema": rel.schema,
        "table": rel.name,
        "columns": spec.columns,
        "filters": spec.filters,
        "order_by": spec.order_by,
        "group_by": spec.group_by,
        "aggregates": spec.aggregates,
    }));
    let position = cursor
        .map(|c| cursor::decode(c, &fingerprint).map_err(refused))
        .transpose()?;
    let mut tail = Sql::new();
    tail.push(&format!("FROM {}", rel.qualified()));
    let mut conditions: Vec<Sql> = Vec::new();
    for (i, filter) in spec.filters.iter().enumerate() {
        conditions.push(condition(rel, i, filter)?);
    }
    let (items, order, paging, hidden) = if spec.aggregating() {
        aggregate_parts(spec, rel, position.as_ref())?
    } else {
        plain_parts(spec, rel, position.as_ref(), &mut conditions)?
    };
    if !conditions.is_empty() {
        tail.push(" WHERE ");
        for (i, c) in conditions.into_iter().enumerate() {
            if i > 0 {
                tail.push(" AND ");
            }
            tail.append(c);
        }
    }
    if spec.aggregating() && !spec.group_by.is_empty() {
        let groups: Vec<String> = spec
            .group_by
            .iter()
            .map(|g| rel.column(g).map(|c| quote(&c.name)))
            .collect::<Result<_, _>>()?;
        tail.push(&format!(" GROUP BY {}", groups.join(", ")));
    }
    if !order.is_empty() {
        tail.push(&format!(" ORDER BY {}", order.join(", ")));
    }
    tail.push(" LIMIT ").param(json!(limit + 1), "limit");
    if let Paging::Offset(offset) = paging
        && offset > 0
    {
        tail.push(" OFFSET ").param(json!(offset), "cursor offset");
    }
    Ok(Built {
        select: Select {
            items,
            hidden,
            tail,
        },
        paging,
        fingerprint,
    })
}

/// One filter as SQL.
fn condition(rel: &Relation, index: usize, filter: &Filter) -> Result<Sql, DbError> {
    let col = rel.column(&filter.column)?;
    let name = quote(&col.name);
    let label = format!("filter {index} on `{}` ({})", col.name, col.type_name);
    let mut sql = Sql::new();
    let value = filter.value.as_ref().filter(|v| !v.is_null());
    let need = |what: &str| {
        refused(format!(
            "filter {index} on `{}`: op `{}` needs {what}",
            col.name,
            op_name(filter.op)
        ))
    };
    match filter.op {
        Op::IsNull | Op::IsNotNull => {
            if value.is_some() {
                return Err(refused(format!(
                    "filter {index} on `{}`: op `{}` takes no value",
                    col.name,
                    op_name(filter.op)
                )));
            }
            let test = if filter.op == Op::IsNull {
                "IS NULL"
            } else {
                "IS NOT NULL"
            };
            sql.push(&format!("{name} {test}"));
        }
        Op::Eq | Op::Ne | Op::Lt | Op::Lte | Op::Gt | Op::Gte => {
            let Some(v) = value else {
                return Err(need("a value (use is_null / is_not_null for NULL)"));
            };
            if v.is_array() || v.is_object() {
                return Err(need(
                    "a single value, not a list or object (use in for lists)",
                ));
            }
            let op = match filter.op {
                Op::Eq => "=",
                Op::Ne => "<>",
                Op::Lt => "<",
                Op::Lte => "<=",
                Op::Gt => ">",
                _ => ">=",
            };
            sql.push(&format!("{name} {op} ")).param(v.clone(), &label);
        }
        Op::Between => {
            let pair = value.and_then(Value::as_array).filter(|a| a.len() == 2);
            let Some([low, high]) = pair.map(Vec::as_slice) else {
                return Err(need("a value [low, high]"));
            };
            if low.is_null() || high.is_null() {
                return Err(need("two non-null bounds [low, high]"));
            }
            sql.push(&format!("{name} BETWEEN "))
                .param(low.clone(), &label)
                .push(" AND ")
                .param(high.clone(), &label);
        }
        Op::In | Op::NotIn => {
            let Some(list) = value.and_then(Value::as_array) else {
                return Err(need("a list of values"));
            };
            if list.is_empty() || list.len() > MAX_IN_VALUES {
                return Err(need(&format!("1 to {MAX_IN_VALUES} values")));
            }
            let test = if filter.op == Op::In {
                "= ANY("
            } else {
                "<> ALL("
            };
            sql.push(&format!("{name} {test}"))
                .param(Value::Array(list.clone()), &label)
                .push(")");
        }
        Op::Like | Op::Ilike | Op::StartsWith | Op::Contains => {
            let text = match value {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => return Err(need("a string")),
            };
            let (op, pattern) = match filter.op {
                Op::Like => ("LIKE", text),
                Op::Ilike => ("ILIKE", text),
                Op::StartsWith => ("LIKE", format!("{}%", escape_like(&text))),
                _ => ("LIKE", format!("%{}%", escape_like(&text))),
            };
            sql.push(&format!("{name}::text {op} "))
                .param(Value::String(pattern), &label)
                .push(" ESCAPE E'\\\\'");
        }
    }
    Ok(sql)
}

fn op_name(op: Op) -> String {
    serde_json::to_value(op)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

type Parts = (Vec<(String, String)>, Vec<String>, Paging, usize);

/// Output items and sort of a plain (non-aggregate) query, adding the keyset condition.
fn plain_parts(
    spec: &Spec,
    rel: &Relation,
    position: Option<&Position>,
    conditions: &mut Vec<Sql>,
) -> Result<Parts, DbError> {
    let shown: Vec<&str> = if spec.columns.is_empty() {
        rel.columns.iter().map(|c| c.name.as_str()).collect()
    } else {
        spec.columns
            .iter()
            .map(|c| rel.column(c).map(|c| c.name.as_str()))
            .collect::<Result<_, _>>()?
    };
    if shown.is_empty() {
        return Err(refused(format!(
            "{} has no column this server's role may read",
            rel.display()
        )));
    }
    let mut items: Vec<(String, String)> =
        shown.iter().map(|c| (quote(c), (*c).to_owned())).collect();
    // The sort key: the model's order, then the primary key (when readable) as tie-breaker.
    let mut keys: Vec<(String, Direction)> = Vec::new();
    for o in &spec.order_by {
        let col = rel.column(&o.column)?;
        if !keys.iter().any(|(k, _)| *k == col.name) {
            keys.push((col.name.clone(), o.direction));
        }
    }
    let pk_readable = !rel.primary_key.is_empty()
        && rel
            .primary_key
            .iter()
            .all(|k| rel.columns.iter().any(|c| c.name == *k));
    if pk_readable {
        for k in &rel.primary_key {
            if !keys.iter().any(|(have, _)| have == k) {
                keys.push((k.clone(), Direction::Asc));
            }
        }
    } else {
        // No usable key: sort by every shown (sortable) column for a repeatable order, page
        // by offset.
        for col in rel
            .columns
            .iter()
            .filter(|c| shown.contains(&c.name.as_str()))
        {
            if orderable(&col.type_name) && !keys.iter().any(|(have, _)| *have == col.name) {
                keys.push((col.name.clone(), Direction::Asc));
            }
        }
    }
    let order: Vec<String> = keys
        .iter()
        .map(|(k, d)| format!("{} {} NULLS LAST", quote(k), sql_direction(*d)))
        .collect();
    if !pk_readable {
        let offset = match position {
            None => 0,
            Some(Position::Offset(n)) => *n,
            Some(Position::After(_)) => {
                return Err(refused("invalid cursor for this query".to_owned()));
            }
        };
        return Ok((items, order, Paging::Offset(offset), 0));
    }
    for (i, (k, _)) in keys.iter().enumerate() {
        items.push((quote(k), format!("__key{i}")));
    }
    if let Some(position) = position {
        let Position::After(last) = position else {
            return Err(refused("invalid cursor for this query".to_owned()));
        };
        if last.len() != keys.len() {
            return Err(refused("invalid cursor for this query".to_owned()));
        }
        conditions.push(keyset_condition(&keys, last));
    }
    let hidden = keys.len();
    Ok((items, order, Paging::Keyset, hidden))
}

/// Whether values of this type (as `format_type` writes it) can be sorted: `json`, `xml` and
/// the geometric types have no default ordering.
fn orderable(type_name: &str) -> bool {
    let base = type_name.trim_end_matches("[]");
    !matches!(
        base,
        "json" | "xml" | "point" | "line" | "lseg" | "box" | "path" | "polygon" | "circle"
    )
}

fn sql_direction(d: Direction) -> &'static str {
    match d {
        Direction::Asc => "ASC",
        Direction::Desc => "DESC",
    }
}

/// Rows strictly after `last` in the order `keys` (each `NULLS LAST`):
/// `(k1 after v1) OR (k1 = v1 AND k2 after v2) OR …`, where "after v" is `k > v OR k IS NULL`
/// (`<` for descending) and nothing comes after a NULL but rows equal on it.
fn keyset_condition(keys: &[(String, Direction)], last: &[Value]) -> Sql {
    let mut sql = Sql::new();
    sql.push("(");
    let mut first = true;
    for i in 0..keys.len() {
        if last[i].is_null() {
            // Nothing sorts after NULL in this column; later keys decide (next disjunct).
            continue;
        }
        if !first {
            sql.push(" OR ");
        }
        first = false;
        sql.push("(");
        for (j, (k, _)) in keys.iter().enumerate().take(i) {
            let name = quote(k);
            if last[j].is_null() {
                sql.push(&format!("{name} IS NULL AND "));
            } else {
                sql.push(&format!("{name} = "))
                    .param(last[j].clone(), "cursor key")
                    .push(" AND ");
            }
        }
        let (k, d) = &keys[i];
        let name = quote(k);
        let cmp = if *d == Direction::Asc { ">" } else { "<" };
        sql.push(&format!("({name} {cmp} "))
            .param(last[i].clone(), "cursor key")
            .push(&format!(" OR {name} IS NULL))"));
    }
    if first {
        sql.push("FALSE");
    }
    sql.push(")");
    sql
}

/// Output items and sort of an aggregate query (offset paging).
fn aggregate_parts(
    spec: &Spec,
    rel: &Relation,
    position: Option<&Position>,
) -> Result<Parts, DbError> {
    let groups: Vec<String> = spec
        .group_by
        .iter()
        .map(|g| rel.column(g).map(|c| c.name.clone()))
        .collect::<Result<_, _>>()?;
    for c in &spec.columns {
        let col = rel.column(c)?;
        if !groups.contains(&col.name) {
            return Err(refused(format!(
                "column `{}` is neither grouped nor aggregated: add it to group_by, or use \
                 aggregates for it",
                col.name
            )));
        }
    }
    let mut items: Vec<(String, String)> = groups.iter().map(|g| (quote(g), g.clone())).collect();
    aggregate_items(spec, rel, &mut items)?;
    let mut order = Vec::new();
    let mut ordered = Vec::new();
    for o in &spec.order_by {
        // An output name (alias or group column) first, then a table column (grouped).
        let target = if let Some((_, alias)) = items.iter().find(|(_, a)| *a == o.column) {
            alias.clone()
        } else {
            let col = rel.column(&o.column)?;
            if !groups.contains(&col.name) {
                return Err(refused(format!(
                    "order_by `{}`: when aggregating, sort by a group_by column or an \
                     aggregate's alias ({})",
                    o.column,
                    items
                        .iter()
                        .map(|(_, a)| a.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            col.name.clone()
        };
        if !ordered.contains(&target) {
            order.push(format!(
                "{} {} NULLS LAST",
                quote(&target),
                sql_direction(o.direction)
            ));
            ordered.push(target);
        }
    }
    // Group columns complete the order, so pages are repeatable.
    for g in &groups {
        if !ordered.contains(g) {
            order.push(format!("{} ASC NULLS LAST", quote(g)));
            ordered.push(g.clone());
        }
    }
    let paging = if groups.is_empty() {
        Paging::None
    } else {
        match position {
            None => Paging::Offset(0),
            Some(Position::Offset(n)) => Paging::Offset(*n),
            Some(Position::After(_)) => {
                return Err(refused("invalid cursor for this query".to_owned()));
            }
        }
    };
    Ok((items, order, paging, 0))
}

/// Appends the aggregate output items (expression, alias) of `spec`.
fn aggregate_items(
    spec: &Spec,
    rel: &Relation,
    items: &mut Vec<(String, String)>,
) -> Result<(), DbError> {
    for (i, agg) in spec.aggregates.iter().enumerate() {
        let column = agg
            .column
            .as_deref()
            .map(|c| rel.column(c).map(|c| c.name.clone()))
            .transpose()?;
        let expr = match (agg.func, &column) {
            (AggFn::Count, None) => "count(*)".to_owned(),
            (AggFn::Count, Some(c)) => format!("count({})", quote(c)),
            (AggFn::CountDistinct, Some(c)) => format!("count(DISTINCT {})", quote(c)),
            (f, Some(c)) => format!("{}({})", f.name(), quote(c)),
            (f, None) => {
                return Err(refused(format!(
                    "aggregate {i} (`{}`) needs a column",
                    f.name()
                )));
            }
        };
        let alias = match (&agg.alias, &column) {
            (Some(a), _) => {
                if !valid_alias(a) {
                    return Err(refused(format!(
                        "aggregate {i}: alias `{a}` must be letters, digits and _ (not starting \
                         with a digit), at most 63 characters"
                    )));
                }
                a.clone()
            }
            (None, None) => agg.func.name().to_owned(),
            (None, Some(c)) => format!("{}_{c}", agg.func.name()),
        };
        if items.iter().any(|(_, a)| *a == alias) {
            return Err(refused(format!(
                "aggregate {i}: output name `{alias}` is used twice; give it an alias"
            )));
        }
        items.push((expr, alias));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{AggFn, Aggregate, Direction, Filter, Op, OrderBy, Spec, build};
    use crate::catalog::{ColumnInfo, Relation};
    use crate::cursor::{Position, encode};

    fn col(name: &str, ty: &str) -> ColumnInfo {
        ColumnInfo {
            name: name.to_owned(),
            type_name: ty.to_owned(),
            nullable: true,
            default: None,
            comment: None,
        }
    }

    fn orders() -> Relation {
        Relation {
            oid: 1,
            schema: "sales".to_owned(),
            name: "orders".to_owned(),
            kind: "table",
            columns: vec![
                col("id", "integer"),
                col("customer_id", "integer"),
                col("total", "numeric(10,2)"),
                col("created_at", "timestamp with time zone"),
                col("Status Code", "text"),
            ],
            hidden_columns: 0,
            primary_key: vec!["id".to_owned()],
        }
    }

    fn filter(column: &str, op: Op, value: Option<serde_json::Value>) -> Filter {
        Filter {
            column: column.to_owned(),
            op,
            value,
        }
    }

    fn sql_of(spec: &Spec, cursor: Option<&str>) -> String {
        let built = build(spec, &orders(), 100, cursor).expect("builds");
        built.select.debug_sql()
    }

    #[test]
    fn identifiers_are_resolved_and_quoted_values_are_slots() {
        let mut spec = Spec::new("sales", "orders");
        spec.columns = vec!["ID".to_owned(), "status code".to_owned()];
        spec.filters = vec![
            filter("customer_id", Op::Eq, Some(json!("1 OR 1=1"))),
            filter("Status Code", Op::Contains, Some(json!("100%_x"))),
            filter("id", Op::In, Some(json!([3, 5, 8]))),
        ];
        let sql = sql_of(&spec, None);
        assert!(sql.starts_with("SELECT \"id\" AS \"id\", \"Status Code\" AS \"Status Code\", \"id\" AS \"__key0\" FROM \"sales\".\"orders\""), "{sql}");
        assert!(sql.contains("\"customer_id\" = $1"), "{sql}");
        assert!(
            sql.contains("\"Status Code\"::text LIKE $2 ESCAPE E'\\\\'"),
            "{sql}"
        );
        assert!(sql.contains("\"id\" = ANY($3)"), "{sql}");
        assert!(
            sql.ends_with("ORDER BY \"id\" ASC NULLS LAST LIMIT $4"),
            "{sql}"
        );
        assert!(!sql.contains("1 OR 1=1"));
        let built = build(&spec, &orders(), 100, None).expect("builds");
        let values = built.select.tail.debug_values();
        assert_eq!(values[1], json!("%100\\%\\_x%"));
        assert_eq!(values[3], json!(101));
    }

    #[test]
    fn unknown_names_are_refused_with_suggestions() {
        let mut spec = Spec::new("sales", "orders");
        spec.columns = vec!["totl".to_owned()];
        let err = build(&spec, &orders(), 10, None).expect_err("unknown column");
        let text = err.to_string();
        assert!(text.contains("unknown column `totl`"), "{text}");
        assert!(text.contains("did you mean total"), "{text}");
        let mut spec = Spec::new("sales", "orders");
        spec.filters = vec![filter("id\"; DROP TABLE x; --", Op::Eq, Some(json!(1)))];
        assert!(build(&spec, &orders(), 10, None).is_err());
    }

    #[test]
    fn values_must_fit_the_operator() {
        let cases = [
            filter("id", Op::Eq, None),
            filter("id", Op::Eq, Some(json!([1, 2]))),
            filter("id", Op::IsNull, Some(json!(1))),
            filter("id", Op::Between, Some(json!([1]))),
            filter("id", Op::In, Some(json!([]))),
            filter("id", Op::In, Some(json!(3))),
            filter("id", Op::Contains, Some(json!({"a": 1}))),
        ];
        for f in cases {
            let mut spec = Spec::new("sales", "orders");
            spec.filters = vec![f.clone()];
            assert!(build(&spec, &orders(), 10, None).is_err(), "{f:?}");
        }
    }

    #[test]
    fn keyset_cursor_continues_after_the_last_key() {
        let mut spec = Spec::new("sales", "orders");
        spec.order_by = vec![OrderBy {
            column: "created_at".to_owned(),
            direction: Direction::Desc,
        }];
        let first = build(&spec, &orders(), 10, None).expect("builds");
        let cursor = encode(
            &first.fingerprint,
            &Position::After(vec![json!("2026-11-01T00:00:00Z"), json!(7)]),
        );
        let sql = sql_of(&spec, Some(&cursor));
        assert!(
            sql.contains("WHERE (((\"created_at\" < $1 OR \"created_at\" IS NULL)) OR (\"created_at\" = $2 AND (\"id\" > $3 OR \"id\" IS NULL)))"),
            "{sql}"
        );
        assert!(sql.contains("ORDER BY \"created_at\" DESC NULLS LAST, \"id\" ASC NULLS LAST"));
        // A NULL sort value: only rows equal on it (NULL) with a greater key follow.
        let cursor = encode(
            &first.fingerprint,
            &Position::After(vec![json!(null), json!(7)]),
        );
        let sql = sql_of(&spec, Some(&cursor));
        assert!(
            sql.contains("WHERE ((\"created_at\" IS NULL AND (\"id\" > $1 OR \"id\" IS NULL)))"),
            "{sql}"
        );
        // A cursor of another query is refused.
        let mut other = spec;
        other.filters = vec![filter("id", Op::Gt, Some(json!(1)))];
        assert!(build(&other, &orders(), 10, Some(&cursor)).is_err());
    }

    #[test]
    fn aggregates_group_and_page_by_offset() {
        let mut spec = Spec::new("sales", "orders");
        spec.group_by = vec!["customer_id".to_owned()];
        spec.aggregates = vec![
            Aggregate {
                func: AggFn::Count,
                column: None,
                alias: None,
            },
            Aggregate {
                func: AggFn::Sum,
                column: Some("total".to_owned()),
                alias: Some("revenue".to_owned()),
            },
            Aggregate {
                func: AggFn::CountDistinct,
                column: Some("id".to_owned()),
                alias: None,
            },
        ];
        spec.order_by = vec![OrderBy {
            column: "revenue".to_owned(),
            direction: Direction::Desc,
        }];
        let sql = sql_of(&spec, None);
        assert_eq!(
            sql,
            "SELECT \"customer_id\" AS \"customer_id\", count(*) AS \"count\", sum(\"total\") AS \"revenue\", count(DISTINCT \"id\") AS \"count_distinct_id\" FROM \"sales\".\"orders\" GROUP BY \"customer_id\" ORDER BY \"revenue\" DESC NULLS LAST, \"customer_id\" ASC NULLS LAST LIMIT $1"
        );
        let first = build(&spec, &orders(), 10, None).expect("builds");
        let cursor = encode(&first.fingerprint, &Position::Offset(10));
        assert!(sql_of(&spec, Some(&cursor)).ends_with("LIMIT $1 OFFSET $2"));
        let mut bad = spec.clone();
        bad.columns = vec!["total".to_owned()];
        assert!(build(&bad, &orders(), 10, None).is_err());
        let mut bad = spec;
        bad.aggregates[1].alias = Some("x; drop".to_owned());
        assert!(build(&bad, &orders(), 10, None).is_err());
    }

    #[test]
    fn without_a_key_pages_by_offset_over_sortable_columns() {
        let mut rel = orders();
        rel.primary_key.clear();
        rel.columns.push(col("attrs", "json"));
        let spec = Spec::new("sales", "orders");
        let built = build(&spec, &rel, 10, None).expect("builds");
        let sql = built.select.debug_sql();
        assert!(sql.contains("ORDER BY \"id\" ASC NULLS LAST"), "{sql}");
        assert!(
            !sql.contains("\"attrs\" ASC"),
            "json is not sortable: {sql}"
        );
        assert!(!sql.contains("__key"), "{sql}");
        let cursor = encode(&built.fingerprint, &Position::Offset(10));
        let sql = build(&spec, &rel, 10, Some(&cursor))
            .expect("builds")
            .select
            .debug_sql();
        assert!(sql.ends_with("LIMIT $1 OFFSET $2"), "{sql}");
    }
}
