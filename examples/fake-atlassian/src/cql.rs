//! A CQL subset: parsing, evaluation over pages, and search highlighting.
//!
//! Grammar (keywords and field names case-insensitive):
//! ```text
//! query := or [ORDER BY field [ASC|DESC] {, field [ASC|DESC]}]
//! or    := and {OR and}        and := unary {AND unary}
//! unary := NOT unary | ( or ) | term
//! term  := (siteSearch | text | title) (~ | !~) value
//!        | (space | space.key | type | title | id | ancestor | parent) (= | !=) value
//!        | (space | space.key | type | id | ancestor | parent) [NOT] IN ( value {, value} )
//! value := "double quoted, \" escaped" | 'single quoted' | word
//! ```
//! Anything else is refused with Confluence's "Could not parse cql : ..." message.

use std::fmt;

use crate::syntax::{self, Tok, Tokens};

/// A field CQL can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    SiteSearch,
    Text,
    Title,
    Space,
    Type,
    Id,
    Ancestor,
    Parent,
    Created,
    LastModified,
}

impl Field {
    fn parse(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "sitesearch" => Self::SiteSearch,
            "text" => Self::Text,
            "title" => Self::Title,
            "space" | "space.key" => Self::Space,
            "type" => Self::Type,
            "id" | "content" => Self::Id,
            "ancestor" => Self::Ancestor,
            "parent" => Self::Parent,
            "created" => Self::Created,
            "lastmodified" => Self::LastModified,
            _ => return None,
        })
    }
}

/// An operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Contains,
    NotContains,
    Eq,
    NotEq,
    In,
    NotIn,
}

/// A condition tree.
pub(crate) type Clause = syntax::Clause<Field, Op, String>;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
    pub(crate) clause: Clause,
    /// `(field, descending)`.
    pub(crate) order: Vec<(Field, bool)>,
}

/// A refused query; `Display` is Confluence's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CqlError {
    cql: String,
}

impl fmt::Display for CqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Could not parse cql : {}", self.cql)
    }
}

/// The CQL grammar, on the shared token cursor.
trait Grammar {
    fn or(&mut self) -> Option<Clause>;
    fn and(&mut self) -> Option<Clause>;
    fn unary(&mut self) -> Option<Clause>;
    fn value(&mut self) -> Option<String>;
    fn term(&mut self) -> Option<Clause>;
    fn order_by(&mut self) -> Option<Vec<(Field, bool)>>;
}

impl Grammar for Tokens {
    fn or(&mut self) -> Option<Clause> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            left = Clause::Or(Box::new(left), Box::new(self.and()?));
        }
        Some(left)
    }

    fn and(&mut self) -> Option<Clause> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            left = Clause::And(Box::new(left), Box::new(self.unary()?));
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Clause> {
        if self.keyword("not") {
            self.pos += 1;
            return Some(Clause::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            let inner = self.or()?;
            return (self.next()? == Tok::RParen).then_some(inner);
        }
        self.term()
    }

    fn value(&mut self) -> Option<String> {
        match self.next()? {
            Tok::Quoted(v) => Some(v),
            Tok::Word(w) => {
                let reserved = ["and", "or", "not", "in", "order"];
                (!reserved.iter().any(|r| w.eq_ignore_ascii_case(r))).then_some(w)
            }
            _ => None,
        }
    }

    fn term(&mut self) -> Option<Clause> {
        let Tok::Word(name) = self.next()? else {
            return None;
        };
        let field = Field::parse(&name)?;
        let op = match self.next()? {
            Tok::Op("~") => Op::Contains,
            Tok::Op("!~") => Op::NotContains,
            Tok::Op("=") => Op::Eq,
            Tok::Op("!=") => Op::NotEq,
            Tok::Word(w) if w.eq_ignore_ascii_case("in") => Op::In,
            Tok::Word(w) if w.eq_ignore_ascii_case("not") && self.keyword("in") => {
                self.pos += 1;
                Op::NotIn
            }
            _ => return None,
        };
        let text_field = matches!(field, Field::SiteSearch | Field::Text | Field::Title);
        let allowed = match op {
            Op::Contains | Op::NotContains => text_field,
            Op::Eq | Op::NotEq => !matches!(
                field,
                Field::SiteSearch | Field::Text | Field::Created | Field::LastModified
            ),
            Op::In | Op::NotIn => {
                !text_field && !matches!(field, Field::Created | Field::LastModified)
            }
        };
        if !allowed {
            return None;
        }
        let values = if matches!(op, Op::In | Op::NotIn) {
            if self.next()? != Tok::LParen {
                return None;
            }
            let mut values = vec![self.value()?];
            loop {
                match self.next()? {
                    Tok::Comma => values.push(self.value()?),
                    Tok::RParen => break values,
                    _ => return None,
                }
            }
        } else {
            vec![self.value()?]
        };
        Some(Clause::Term { field, op, values })
    }

    fn order_by(&mut self) -> Option<Vec<(Field, bool)>> {
        self.pos += 2;
        let mut order = Vec::new();
        loop {
            let Tok::Word(name) = self.next()? else {
                return None;
            };
            let field = Field::parse(&name).filter(|f| {
                matches!(
                    f,
                    Field::Title | Field::Created | Field::LastModified | Field::Id
                )
            })?;
            let descending = self.keyword("desc");
            if descending || self.keyword("asc") {
                self.pos += 1;
            }
            order.push((field, descending));
            if self.peek() == Some(&Tok::Comma) {
                self.pos += 1;
            } else {
                return Some(order);
            }
        }
    }
}

/// Parses CQL.
pub(crate) fn parse(text: &str) -> Result<Query, CqlError> {
    let error = || CqlError {
        cql: text.to_owned(),
    };
    let mut parser = Tokens::new(text).map_err(|_| error())?;
    if parser.peek().is_none() || parser.at_order_by() {
        return Err(error());
    }
    let clause = parser.or().ok_or_else(error)?;
    let order = if parser.at_order_by() {
        parser.order_by().ok_or_else(error)?
    } else {
        Vec::new()
    };
    if parser.peek().is_some() {
        return Err(error());
    }
    Ok(Query { clause, order })
}

/// What CQL evaluation needs to know about a page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Doc<'a> {
    pub(crate) id: u64,
    pub(crate) space_key: &'a str,
    pub(crate) title: &'a str,
    /// The body as plain text.
    pub(crate) text: &'a str,
    pub(crate) parent: Option<u64>,
    pub(crate) ancestors: &'a [u64],
}

/// The search words of a literal, lowercased (`*` and punctuation dropped).
pub(crate) fn words(literal: &str) -> Vec<String> {
    literal
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Every word occurs in one of `parts` (ASCII case-insensitive).
fn contains_all(parts: &[&str], literal: &str) -> bool {
    let words = words(literal);
    if words.is_empty() {
        return false;
    }
    let lower: Vec<String> = parts.iter().map(|p| p.to_ascii_lowercase()).collect();
    words
        .iter()
        .all(|w| lower.iter().any(|p| p.contains(w.as_str())))
}

fn eval(clause: &Clause, doc: &Doc<'_>) -> bool {
    match clause {
        Clause::And(a, b) => eval(a, doc) && eval(b, doc),
        Clause::Or(a, b) => eval(a, doc) || eval(b, doc),
        Clause::Not(inner) => !eval(inner, doc),
        Clause::Term { field, op, values } => {
            let hit = values.iter().any(|v| match (field, op) {
                (Field::SiteSearch | Field::Text, _) => contains_all(&[doc.title, doc.text], v),
                (Field::Title, Op::Contains | Op::NotContains) => contains_all(&[doc.title], v),
                (Field::Title, _) => doc.title.eq_ignore_ascii_case(v),
                (Field::Space, _) => doc.space_key.eq_ignore_ascii_case(v),
                (Field::Type, _) => v.eq_ignore_ascii_case("page"),
                (Field::Id, _) => doc.id.to_string() == *v,
                (Field::Parent, _) => doc.parent.is_some_and(|p| p.to_string() == *v),
                (Field::Ancestor, _) => doc.ancestors.iter().any(|a| a.to_string() == *v),
                (Field::Created | Field::LastModified, _) => false,
            });
            match op {
                Op::Contains | Op::Eq | Op::In => hit,
                Op::NotContains | Op::NotEq | Op::NotIn => !hit,
            }
        }
    }
}

impl Query {
    /// Whether the page matches.
    pub(crate) fn matches(&self, doc: &Doc<'_>) -> bool {
        eval(&self.clause, doc)
    }

    /// The words to highlight: those of every positive `~` clause.
    pub(crate) fn highlight_words(&self) -> Vec<String> {
        fn walk(clause: &Clause, negated: bool, out: &mut Vec<String>) {
            match clause {
                Clause::And(a, b) | Clause::Or(a, b) => {
                    walk(a, negated, out);
                    walk(b, negated, out);
                }
                Clause::Not(inner) => walk(inner, !negated, out),
                Clause::Term {
                    op: Op::Contains,
                    values,
                    ..
                } if !negated => {
                    for v in values {
                        for w in words(v) {
                            if !out.contains(&w) {
                                out.push(w);
                            }
                        }
                    }
                }
                Clause::Term { .. } => {}
            }
        }
        let mut out = Vec::new();
        walk(&self.clause, false, &mut out);
        out
    }
}

/// The highlight markers of Confluence search.
pub(crate) const HL_START: &str = "@@@hl@@@";
/// The closing highlight marker.
pub(crate) const HL_END: &str = "@@@endhl@@@";

/// Wraps every (ASCII case-insensitive) occurrence of `words` in highlight markers.
pub(crate) fn highlight(text: &str, words: &[String]) -> String {
    let lower = text.to_ascii_lowercase();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for word in words {
        if word.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(at) = lower[from..].find(word.as_str()) {
            let start = from + at;
            ranges.push((start, start + word.len()));
            from = start + word.len();
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len() + merged.len() * 20);
    let mut pos = 0;
    for (s, e) in merged {
        if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        out.push_str(&text[pos..s]);
        out.push_str(HL_START);
        out.push_str(&text[s..e]);
        out.push_str(HL_END);
        pos = e;
    }
    out.push_str(&text[pos..]);
    out
}

/// A short excerpt of `text` around the first hit of `words`, highlighted.
pub(crate) fn excerpt(text: &str, words: &[String]) -> String {
    const BEFORE: usize = 80;
    const LENGTH: usize = 240;
    let lower = text.to_ascii_lowercase();
    let first = words
        .iter()
        .filter_map(|w| lower.find(w.as_str()))
        .min()
        .unwrap_or(0);
    let mut start = first.saturating_sub(BEFORE);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + LENGTH).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let mut out = String::new();
    if start > 0 {
        out.push_str("...");
    }
    out.push_str(&highlight(&text[start..end], words));
    if end < text.len() {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Doc<'static> {
        Doc {
            id: 65541,
            space_key: "ENG",
            title: "Runbook: login outage",
            text: "Steps to restore the login service.",
            parent: Some(65537),
            ancestors: &[65537],
        }
    }

    fn check(cql: &str) -> bool {
        parse(cql)
            .unwrap_or_else(|e| panic!("{cql}: {e}"))
            .matches(&doc())
    }

    #[test]
    fn evaluates() {
        assert!(check("space=ENG AND type=page AND text~\"login\""));
        assert!(check("siteSearch ~ \"login outage\""));
        assert!(check("title ~ login"));
        assert!(check("space in (HR, eng)"));
        assert!(check(
            "space.key = ENG and (title ~ nope or text ~ restore)"
        ));
        assert!(check("ancestor = 65537 AND parent = 65537 AND id = 65541"));
        assert!(check("space = ENG AND NOT title ~ checklist"));
        assert!(check("space != HR AND space not in (HR)"));
        assert!(check("title = \"runbook: login outage\""));
        assert!(!check("type = blogpost"));
        assert!(!check("siteSearch ~ \"login note\""));
        assert!(check("space = ENG ORDER BY lastmodified DESC"));
    }

    #[test]
    fn escaped_quotes_are_one_literal() {
        let q = parse(r#"siteSearch ~ "login \"outage\" AND x""#).expect("parses");
        assert_eq!(
            q.clause,
            Clause::Term {
                field: Field::SiteSearch,
                op: Op::Contains,
                values: vec!["login \"outage\" AND x".to_owned()],
            }
        );
        assert_eq!(q.highlight_words(), vec!["login", "outage", "and", "x"]);
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            "login",
            "label = x",
            "space ~ ENG",
            "text = login",
            "title ~ \"open",
            "space = ENG AND",
            "(space = ENG",
            "space = ENG space = HR",
            "ORDER BY title",
            "space in ENG",
            "space = ENG ORDER BY label",
        ] {
            let e = parse(bad).expect_err(bad);
            assert_eq!(e.to_string(), format!("Could not parse cql : {bad}"));
        }
    }

    #[test]
    fn highlights_and_excerpts() {
        let words = vec!["login".to_owned()];
        assert_eq!(
            highlight("Runbook: Login outage", &words),
            "Runbook: @@@hl@@@Login@@@endhl@@@ outage"
        );
        let text = format!("{} the login part {}", "a".repeat(200), "b".repeat(400));
        let ex = excerpt(&text, &words);
        assert!(ex.starts_with("...") && ex.ends_with("..."));
        assert!(ex.contains("@@@hl@@@login@@@endhl@@@"));
    }
}
