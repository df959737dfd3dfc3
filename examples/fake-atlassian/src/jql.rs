//! A JQL subset: parsing, evaluation and ordering.
//!
//! Grammar (keywords and field names case-insensitive):
//! ```text
//! query   := [or] [ORDER BY field [ASC|DESC] {, field [ASC|DESC]}]
//! or      := and {OR and}          and := unary {AND unary}
//! unary   := NOT unary | ( or ) | term
//! term    := field (= | != | ~ | !~ | > | >= | < | <=) value
//!          | field [NOT] IN ( value {, value} )
//!          | field IS [NOT] (EMPTY | NULL)
//! value   := word | "quoted" | 'quoted' | currentUser()
//! ```
//! Fields: project, key (issuekey), status, issuetype (type), labels, assignee, reporter,
//! priority, resolution, parent, summary, description, text, created, updated.

use std::cmp::Ordering;
use std::fmt;

use crate::syntax::{self, LexError, Tok, Tokens};

/// A field JQL can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Project,
    Key,
    Status,
    IssueType,
    Labels,
    Assignee,
    Reporter,
    Priority,
    Resolution,
    Parent,
    Summary,
    Description,
    Text,
    Created,
    Updated,
}

impl Field {
    fn parse(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "project" => Self::Project,
            "key" | "issuekey" | "id" | "issue" => Self::Key,
            "status" => Self::Status,
            "issuetype" | "type" => Self::IssueType,
            "labels" | "label" => Self::Labels,
            "assignee" => Self::Assignee,
            "reporter" => Self::Reporter,
            "priority" => Self::Priority,
            "resolution" => Self::Resolution,
            "parent" => Self::Parent,
            "summary" => Self::Summary,
            "description" => Self::Description,
            "text" => Self::Text,
            "created" | "createddate" => Self::Created,
            "updated" | "updateddate" => Self::Updated,
            _ => return None,
        })
    }

    /// The name Jira uses in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Project => "project",
            Self::Key => "key",
            Self::Status => "status",
            Self::IssueType => "issuetype",
            Self::Labels => "labels",
            Self::Assignee => "assignee",
            Self::Reporter => "reporter",
            Self::Priority => "priority",
            Self::Resolution => "resolution",
            Self::Parent => "parent",
            Self::Summary => "summary",
            Self::Description => "description",
            Self::Text => "text",
            Self::Created => "created",
            Self::Updated => "updated",
        }
    }

    fn is_text(self) -> bool {
        matches!(self, Self::Summary | Self::Description | Self::Text)
    }

    fn is_date(self) -> bool {
        matches!(self, Self::Created | Self::Updated)
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    NotEq,
    Contains,
    NotContains,
    Gt,
    Ge,
    Lt,
    Le,
    In,
    NotIn,
    IsEmpty,
    IsNotEmpty,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::NotEq => "!=",
            Self::Contains => "~",
            Self::NotContains => "!~",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::In => "in",
            Self::NotIn => "not in",
            Self::IsEmpty => "is",
            Self::IsNotEmpty => "is not",
        }
    }
}

/// An operand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Operand {
    /// A literal (quoted or not).
    Literal(String),
    /// `currentUser()`.
    CurrentUser,
}

/// A condition tree.
pub(crate) type Clause = syntax::Clause<Field, Op, Operand>;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
    pub(crate) clause: Option<Clause>,
    /// `(field, descending)` in priority order.
    pub(crate) order: Vec<(Field, bool)>,
}

/// Why a query is refused; `Display` is Jira's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JqlError {
    /// Empty or `ORDER BY` only.
    Unbounded,
    /// A field the fake (and the caller) cannot see.
    UnknownField(String),
    /// The operator does not apply to the field.
    Operator {
        op: &'static str,
        field: &'static str,
    },
    /// Malformed text.
    Syntax { message: String, position: usize },
}

impl fmt::Display for JqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unbounded => f.write_str(
                "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.",
            ),
            Self::UnknownField(name) => write!(
                f,
                "Field '{name}' does not exist or you do not have permission to view it."
            ),
            Self::Operator { op, field } => write!(
                f,
                "The operator '{op}' is not supported by the '{field}' field."
            ),
            Self::Syntax { message, position } => write!(
                f,
                "Error in the JQL Query: {message} (line 1, character {position})"
            ),
        }
    }
}

/// A lexical error worded as Jira words it.
fn lex_error(error: LexError) -> JqlError {
    match error {
        LexError::Unterminated { position } => JqlError::Syntax {
            message: "The quoted string has not been completed.".to_owned(),
            position,
        },
        LexError::Reserved {
            character,
            position,
        } => JqlError::Syntax {
            message: format!("The character '{character}' is a reserved JQL character."),
            position,
        },
    }
}

/// The JQL grammar, on the shared token cursor.
trait Grammar {
    fn syntax(&self, message: impl Into<String>) -> JqlError;
    fn describe(&self) -> String;
    fn or(&mut self) -> Result<Clause, JqlError>;
    fn and(&mut self) -> Result<Clause, JqlError>;
    fn unary(&mut self) -> Result<Clause, JqlError>;
    fn term(&mut self) -> Result<Clause, JqlError>;
    fn operand(&mut self) -> Result<Operand, JqlError>;
    fn order_by(&mut self) -> Result<Vec<(Field, bool)>, JqlError>;
}

impl Grammar for Tokens {
    fn syntax(&self, message: impl Into<String>) -> JqlError {
        JqlError::Syntax {
            message: message.into(),
            position: self.here(),
        }
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "EOF".to_owned(),
            Some(Tok::Word(w) | Tok::Quoted(w)) => w.clone(),
            Some(Tok::Op(o)) => (*o).to_owned(),
            Some(Tok::LParen) => "(".to_owned(),
            Some(Tok::RParen) => ")".to_owned(),
            Some(Tok::Comma) => ",".to_owned(),
        }
    }

    fn or(&mut self) -> Result<Clause, JqlError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Clause::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Clause, JqlError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Clause::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Clause, JqlError> {
        if self.keyword("not") {
            self.pos += 1;
            return Ok(Clause::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            let inner = self.or()?;
            if self.next() != Some(Tok::RParen) {
                self.pos -= 1;
                return Err(self.syntax(format!("Expecting ')' but got '{}'.", self.describe())));
            }
            return Ok(inner);
        }
        self.term()
    }

    fn term(&mut self) -> Result<Clause, JqlError> {
        let name = match self.peek() {
            Some(Tok::Word(w) | Tok::Quoted(w)) => w.clone(),
            _ => {
                return Err(self.syntax(format!(
                    "Expecting a field name but got '{}'.",
                    self.describe()
                )));
            }
        };
        self.pos += 1;
        let field = Field::parse(&name).ok_or(JqlError::UnknownField(name))?;
        let op = match self.next() {
            Some(Tok::Op(o)) => match o {
                "=" => Op::Eq,
                "!=" => Op::NotEq,
                "~" => Op::Contains,
                "!~" => Op::NotContains,
                ">" => Op::Gt,
                ">=" => Op::Ge,
                "<" => Op::Lt,
                _ => Op::Le,
            },
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("in") => Op::In,
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("not") && self.keyword("in") => {
                self.pos += 1;
                Op::NotIn
            }
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("is") => {
                let negated = self.keyword("not");
                if negated {
                    self.pos += 1;
                }
                if !(self.keyword("empty") || self.keyword("null")) {
                    return Err(
                        self.syntax(format!("Expecting 'EMPTY' but got '{}'.", self.describe()))
                    );
                }
                self.pos += 1;
                let op = if negated { Op::IsNotEmpty } else { Op::IsEmpty };
                return Ok(Clause::Term {
                    field,
                    op,
                    values: Vec::new(),
                });
            }
            _ => {
                self.pos -= 1;
                return Err(self.syntax(format!(
                    "Expecting operator but got '{}'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.",
                    self.describe()
                )));
            }
        };
        check_operator(field, op)?;
        let values = if matches!(op, Op::In | Op::NotIn) {
            if self.next() != Some(Tok::LParen) {
                self.pos -= 1;
                return Err(self.syntax(format!("Expecting '(' but got '{}'.", self.describe())));
            }
            let mut values = vec![self.operand()?];
            loop {
                match self.next() {
                    Some(Tok::Comma) => values.push(self.operand()?),
                    Some(Tok::RParen) => break,
                    _ => {
                        self.pos -= 1;
                        return Err(self.syntax(format!(
                            "Expecting ',' or ')' but got '{}'.",
                            self.describe()
                        )));
                    }
                }
            }
            values
        } else {
            vec![self.operand()?]
        };
        Ok(Clause::Term { field, op, values })
    }

    fn operand(&mut self) -> Result<Operand, JqlError> {
        match self.next() {
            Some(Tok::Quoted(q)) => Ok(Operand::Literal(q)),
            Some(Tok::Word(w)) => {
                if self.peek() == Some(&Tok::LParen) {
                    if !w.eq_ignore_ascii_case("currentUser") {
                        self.pos -= 1;
                        return Err(self.syntax(format!("Unable to find JQL function '{w}()'.")));
                    }
                    self.pos += 1;
                    if self.next() != Some(Tok::RParen) {
                        self.pos -= 1;
                        return Err(
                            self.syntax(format!("Expecting ')' but got '{}'.", self.describe()))
                        );
                    }
                    return Ok(Operand::CurrentUser);
                }
                let reserved = ["and", "or", "not", "in", "is", "order", "empty", "null"];
                if reserved.iter().any(|r| w.eq_ignore_ascii_case(r)) {
                    self.pos -= 1;
                    return Err(self.syntax(format!(
                        "Expecting either a value, list or function but got '{w}'. You must surround '{w}' in quotation marks to use it as a value."
                    )));
                }
                Ok(Operand::Literal(w))
            }
            _ => {
                self.pos -= 1;
                Err(self.syntax(format!(
                    "Expecting either a value, list or function but got '{}'.",
                    self.describe()
                )))
            }
        }
    }

    fn order_by(&mut self) -> Result<Vec<(Field, bool)>, JqlError> {
        self.pos += 2;
        let mut order = Vec::new();
        loop {
            let Some(Tok::Word(name) | Tok::Quoted(name)) = self.next() else {
                self.pos -= 1;
                return Err(self.syntax(format!(
                    "Expecting a field name but got '{}'.",
                    self.describe()
                )));
            };
            let field = Field::parse(&name).ok_or(JqlError::UnknownField(name))?;
            let mut descending = false;
            if self.keyword("desc") {
                descending = true;
                self.pos += 1;
            } else if self.keyword("asc") {
                self.pos += 1;
            }
            order.push((field, descending));
            if self.peek() == Some(&Tok::Comma) {
                self.pos += 1;
            } else {
                return Ok(order);
            }
        }
    }
}

fn check_operator(field: Field, op: Op) -> Result<(), JqlError> {
    let ok = match op {
        Op::Contains | Op::NotContains => field.is_text(),
        Op::Gt | Op::Ge | Op::Lt | Op::Le => field.is_date(),
        Op::Eq | Op::NotEq | Op::In | Op::NotIn | Op::IsEmpty | Op::IsNotEmpty => {
            !matches!(field, Field::Text | Field::Summary | Field::Description)
                || matches!(op, Op::IsEmpty | Op::IsNotEmpty)
        }
    };
    if ok {
        Ok(())
    } else {
        Err(JqlError::Operator {
            op: op.symbol(),
            field: field.name(),
        })
    }
}

/// Parses a JQL query; empty or `ORDER BY`-only queries are [`JqlError::Unbounded`].
pub(crate) fn parse(text: &str) -> Result<Query, JqlError> {
    let mut parser = Tokens::new(text).map_err(lex_error)?;
    let clause = if parser.peek().is_none() || parser.at_order_by() {
        None
    } else {
        Some(parser.or()?)
    };
    let order = if parser.at_order_by() {
        parser.order_by()?
    } else {
        Vec::new()
    };
    if parser.peek().is_some() {
        return Err(parser.syntax(format!(
            "Expecting either 'OR' or 'AND' but got '{}'.",
            parser.describe()
        )));
    }
    if clause.is_none() {
        return Err(JqlError::Unbounded);
    }
    Ok(Query { clause, order })
}

/// What JQL evaluation needs to know about an issue.
pub(crate) trait Subject {
    /// The values `=`/`in` compare against (case-insensitive); empty = the field is empty.
    fn values(&self, field: Field) -> Vec<String>;
    /// The text `~` searches.
    fn text(&self, field: Field) -> String;
    /// The timestamp of a date field (seconds since the epoch).
    fn time(&self, field: Field) -> Option<i64>;
    /// The sort key of a field.
    fn sort_key(&self, field: Field) -> SortKey;
}

/// A comparable value for `ORDER BY`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SortKey {
    Num(i64),
    Text(String),
    /// An empty field: sorts last ascending.
    Empty,
}

/// Evaluation context: who `currentUser()` is and what "now" is for relative dates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    pub(crate) current_user: Option<&'a str>,
    pub(crate) now: i64,
}

impl Query {
    /// Whether the issue matches.
    pub(crate) fn matches(&self, subject: &dyn Subject, cx: Context<'_>) -> bool {
        self.clause.as_ref().is_none_or(|c| eval(c, subject, cx))
    }

    /// Compares two issues by the `ORDER BY` list (then the caller's tie-break).
    pub(crate) fn compare(&self, a: &dyn Subject, b: &dyn Subject) -> Ordering {
        for &(field, descending) in &self.order {
            let ordering = a.sort_key(field).cmp(&b.sort_key(field));
            let ordering = if descending {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    }

    /// Every `(field, literal)` pair of the conditions (for value validation).
    pub(crate) fn literals(&self) -> Vec<(Field, &str)> {
        fn walk<'q>(clause: &'q Clause, out: &mut Vec<(Field, &'q str)>) {
            match clause {
                Clause::And(a, b) | Clause::Or(a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                Clause::Not(inner) => walk(inner, out),
                Clause::Term { field, values, op } => {
                    if !matches!(op, Op::Contains | Op::NotContains) {
                        for value in values {
                            if let Operand::Literal(v) = value {
                                out.push((*field, v));
                            }
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        if let Some(clause) = &self.clause {
            walk(clause, &mut out);
        }
        out
    }
}

fn resolve(value: &Operand, cx: Context<'_>) -> Option<String> {
    match value {
        Operand::Literal(v) => Some(v.clone()),
        Operand::CurrentUser => cx.current_user.map(str::to_owned),
    }
}

/// Case-insensitive whole-value equality against any of the field's values.
fn equals_any(have: &[String], want: &str) -> bool {
    have.iter().any(|h| h.eq_ignore_ascii_case(want))
}

/// Every word of `needle` occurs in `haystack` (ASCII case-insensitive); `*` wildcards dropped.
pub(crate) fn contains_words(haystack: &str, needle: &str) -> bool {
    let haystack = haystack.to_ascii_lowercase();
    let words: Vec<String> = needle
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    !words.is_empty() && words.iter().all(|w| haystack.contains(w.as_str()))
}

fn eval(clause: &Clause, s: &dyn Subject, cx: Context<'_>) -> bool {
    match clause {
        Clause::And(a, b) => eval(a, s, cx) && eval(b, s, cx),
        Clause::Or(a, b) => eval(a, s, cx) || eval(b, s, cx),
        Clause::Not(inner) => !eval(inner, s, cx),
        Clause::Term { field, op, values } => {
            let field = *field;
            match op {
                Op::IsEmpty => s.values(field).is_empty() && s.text(field).is_empty(),
                Op::IsNotEmpty => !s.values(field).is_empty() || !s.text(field).is_empty(),
                Op::Contains | Op::NotContains => {
                    let text = s.text(field);
                    let hit = values
                        .iter()
                        .filter_map(|v| resolve(v, cx))
                        .any(|v| contains_words(&text, &v));
                    hit == (*op == Op::Contains)
                }
                Op::Gt | Op::Ge | Op::Lt | Op::Le => {
                    let (Some(have), Some(want)) = (
                        s.time(field),
                        values
                            .first()
                            .and_then(|v| resolve(v, cx))
                            .and_then(|v| crate::time::parse_jql_date(&v, cx.now)),
                    ) else {
                        return false;
                    };
                    match op {
                        Op::Gt => have > want,
                        Op::Ge => have >= want,
                        Op::Lt => have < want,
                        _ => have <= want,
                    }
                }
                Op::Eq | Op::In => {
                    let have = s.values(field);
                    values
                        .iter()
                        .filter_map(|v| resolve(v, cx))
                        .any(|v| equals_any(&have, &v))
                }
                Op::NotEq | Op::NotIn => {
                    let have = s.values(field);
                    !have.is_empty()
                        && !values
                            .iter()
                            .filter_map(|v| resolve(v, cx))
                            .any(|v| equals_any(&have, &v))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake {
        project: &'static str,
        status: &'static str,
        labels: Vec<String>,
        summary: &'static str,
        assignee: Option<&'static str>,
        created: i64,
    }

    impl Subject for Fake {
        fn values(&self, field: Field) -> Vec<String> {
            match field {
                Field::Project => vec![self.project.to_owned()],
                Field::Status => vec![self.status.to_owned()],
                Field::Labels => self.labels.clone(),
                Field::Assignee => self.assignee.map(str::to_owned).into_iter().collect(),
                _ => Vec::new(),
            }
        }
        fn text(&self, field: Field) -> String {
            match field {
                Field::Summary | Field::Text => self.summary.to_owned(),
                _ => String::new(),
            }
        }
        fn time(&self, _: Field) -> Option<i64> {
            Some(self.created)
        }
        fn sort_key(&self, field: Field) -> SortKey {
            match field {
                Field::Created => SortKey::Num(self.created),
                _ => SortKey::Text(self.summary.to_owned()),
            }
        }
    }

    fn issue() -> Fake {
        Fake {
            project: "ENG",
            status: "In Progress",
            labels: vec!["seed".to_owned(), "mcp".to_owned()],
            summary: "Login fails on Safari",
            assignee: Some("abc"),
            created: 1000,
        }
    }

    fn check(jql: &str) -> bool {
        let cx = Context {
            current_user: Some("abc"),
            now: 2000,
        };
        parse(jql)
            .unwrap_or_else(|e| panic!("{jql}: {e}"))
            .matches(&issue(), cx)
    }

    #[test]
    fn evaluates_terms() {
        assert!(check("project = ENG"));
        assert!(check("project = eng AND status = \"In Progress\""));
        assert!(check("project != HR"));
        assert!(check("labels in (x, mcp)"));
        assert!(check("labels not in (x, y)"));
        assert!(check("summary ~ \"login safari\""));
        assert!(!check("summary ~ \"login chrome\""));
        assert!(check("text !~ chrome"));
        assert!(check("assignee = currentUser()"));
        assert!(check("assignee is not EMPTY"));
        assert!(!check("assignee IS empty"));
        assert!(check(
            "(project = HR OR project = ENG) AND NOT status = Done"
        ));
        assert!(check("project = HR OR labels = seed"));
        assert!(!check("project = HR AND labels = seed"));
        assert!(check("created >= -1d"));
        assert!(!check("created > \"1970-01-01 00:30\""));
    }

    #[test]
    fn precedence_and_order() {
        let q = parse("project = A OR project = B AND status = C ORDER BY created DESC, key")
            .expect("parses");
        assert!(matches!(q.clause, Some(Clause::Or(..))));
        assert_eq!(q.order, vec![(Field::Created, true), (Field::Key, false)]);
    }

    #[test]
    fn refuses_unbounded_and_unknown() {
        assert_eq!(parse(""), Err(JqlError::Unbounded));
        assert_eq!(parse("   "), Err(JqlError::Unbounded));
        assert_eq!(parse("ORDER BY created"), Err(JqlError::Unbounded));
        let e = parse("sprintt = 1").expect_err("unknown field");
        assert_eq!(
            e.to_string(),
            "Field 'sprintt' does not exist or you do not have permission to view it."
        );
        assert!(matches!(
            parse("project ~ ENG"),
            Err(JqlError::Operator { .. })
        ));
        assert!(matches!(parse("project = "), Err(JqlError::Syntax { .. })));
        assert!(matches!(
            parse("project = ENG status = Done"),
            Err(JqlError::Syntax { .. })
        ));
        assert!(matches!(
            parse("summary ~ \"open"),
            Err(JqlError::Syntax { .. })
        ));
        assert!(matches!(
            parse("(project = ENG"),
            Err(JqlError::Syntax { .. })
        ));
        assert_eq!(
            parse("ORDER BY sprintt"),
            Err(JqlError::UnknownField("sprintt".to_owned()))
        );
    }

    #[test]
    fn quoted_values_and_escapes() {
        let q = parse(r#"summary ~ "say \"hi\"" AND labels = 'a b'"#).expect("parses");
        assert_eq!(
            q.literals(),
            vec![(Field::Labels, "a b")],
            "text searches are not validated as values"
        );
    }
}
