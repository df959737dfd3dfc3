//! Identifiers and patterns: quoting, close-match suggestions, `LIKE` escaping.
//!
//! Identifiers from the model are never quoted and pasted as they came: they are first
//! resolved against the catalog ([`crate::catalog`]), and the *catalog's* spelling is quoted
//! with [`quote`] (`postgres_protocol::escape::escape_identifier`, which always quotes and
//! doubles embedded `"`). Values never appear in SQL text at all: they are bind parameters.

use postgres_protocol::escape::escape_identifier;

/// `"name"`, with embedded quotes doubled.
pub fn quote(name: &str) -> String {
    escape_identifier(name)
}

/// `"schema"."name"`.
pub fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote(schema), quote(name))
}

/// Escapes `\`, `%` and `_` so a value matches literally inside a `LIKE … ESCAPE '\'` pattern.
pub fn escape_like(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 4);
    for c in value.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `alias` is a plain SQL-ish name the model may choose for an aggregate:
/// `[A-Za-z_][A-Za-z0-9_]*`, at most 63 bytes (Postgres's identifier limit). It is quoted
/// anyway; the rule keeps output column names readable.
pub fn valid_alias(alias: &str) -> bool {
    let mut chars = alias.chars();
    alias.len() <= 63
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The Levenshtein distance of two strings, by chars.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Up to three candidates close to `wanted` (case-insensitive): small edit distance, or one
/// containing the other.
pub fn close_matches<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let wanted = wanted.to_lowercase();
    let budget = (wanted.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let d = distance(&wanted, &lower);
            let contains =
                wanted.len() >= 3 && (lower.contains(&wanted) || wanted.contains(&lower));
            (d <= budget || contains).then_some((if contains { d.min(budget) } else { d }, c))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_owned())
        .collect()
}

/// ` (did you mean a, b?)` or nothing.
pub fn suggestion(matches: &[String]) -> String {
    if matches.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", matches.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::{close_matches, distance, escape_like, qualified, quote, valid_alias};

    #[test]
    fn quoting_always_quotes_and_doubles() {
        assert_eq!(quote("orders"), "\"orders\"");
        assert_eq!(
            quote("orders\"; DROP TABLE x; --"),
            "\"orders\"\"; DROP TABLE x; --\""
        );
        assert_eq!(
            qualified("Sales", "Order Lines"),
            "\"Sales\".\"Order Lines\""
        );
    }

    #[test]
    fn like_escaping_is_literal() {
        assert_eq!(escape_like("100%"), "100\\%");
        assert_eq!(escape_like("a_b"), "a\\_b");
        assert_eq!(escape_like("c:\\tmp"), "c:\\\\tmp");
        assert_eq!(escape_like("plain"), "plain");
        assert_eq!(escape_like("%_\\"), "\\%\\_\\\\");
    }

    #[test]
    fn aliases() {
        assert!(valid_alias("total_sum"));
        assert!(valid_alias("_x1"));
        assert!(!valid_alias("1x"));
        assert!(!valid_alias("a b"));
        assert!(!valid_alias("x\"; drop"));
        assert!(!valid_alias(""));
        assert!(!valid_alias(&"a".repeat(64)));
    }

    #[test]
    fn suggestions() {
        assert_eq!(distance("kitten", "sitting"), 3);
        let cols = ["id", "customer_id", "total", "status", "created_at"];
        assert_eq!(close_matches("totl", cols), vec!["total"]);
        assert_eq!(close_matches("created", cols), vec!["created_at"]);
        assert_eq!(close_matches("customer", cols), vec!["customer_id"]);
        assert!(close_matches("zzzzzz", cols).is_empty());
        assert_eq!(close_matches("STATUS", cols), vec!["status"]);
    }
}
