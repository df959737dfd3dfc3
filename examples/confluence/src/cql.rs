//! CQL helpers: telling CQL from plain text, quoting, the space allow-list, cursors and
//! highlight markers of the v1 search endpoint.
//!
//! Nothing here talks to Confluence; it is the pure logic the tools rely on, unit-tested below.

/// CQL fields a query may start with to be taken as CQL (lower case). A query that does not
/// start with one of these followed by an operator is treated as plain text, so an innocent
/// question never reaches Confluence as broken CQL.
const FIELDS: &[&str] = &[
    "ancestor",
    "container",
    "content",
    "created",
    "creator",
    "contributor",
    "favourite",
    "favorite",
    "id",
    "label",
    "lastmodified",
    "macro",
    "mention",
    "parent",
    "sitesearch",
    "space",
    "space.key",
    "space.title",
    "space.type",
    "text",
    "title",
    "type",
    "user",
    "watcher",
];

/// Whether `query` is CQL rather than plain text, decided conservatively: after optional
/// opening parentheses (and an optional `NOT`) it must start with a known CQL field followed by
/// an operator (`=`, `!=`, `~`, `!~`, `<`, `>`, `<=`, `>=`, `in`, `not in`, `is [not] null|empty`).
///
/// `title ~ "runbook" AND space = ENG` is CQL; `login "outage" AND x` and
/// `how do I fix the login page?` are plain text.
pub fn is_cql(query: &str) -> bool {
    let mut rest = query.trim_start().trim_start_matches(['(', ' ', '\t']);
    if let Some(after) = strip_keyword(rest, "not") {
        rest = after.trim_start_matches(['(', ' ', '\t']);
    }
    let field_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
        .unwrap_or(rest.len());
    let field = rest[..field_len].to_ascii_lowercase();
    if !FIELDS.contains(&field.as_str()) {
        return false;
    }
    let after = rest[field_len..].trim_start();
    ["!=", "!~", "<=", ">=", "=", "~", "<", ">"]
        .iter()
        .any(|op| after.starts_with(op))
        || strip_keyword(after, "in").is_some()
        || strip_keyword(after, "is").is_some_and(|a| {
            let a = strip_keyword(a, "not").unwrap_or(a);
            let word = a.split_whitespace().next().unwrap_or("");
            word.eq_ignore_ascii_case("null") || word.eq_ignore_ascii_case("empty")
        })
        || strip_keyword(after, "not").is_some_and(|a| strip_keyword(a, "in").is_some())
}

/// `text` without a leading case-insensitive `keyword` followed by whitespace or `(`.
fn strip_keyword<'a>(text: &'a str, keyword: &str) -> Option<&'a str> {
    let head = text.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = &text[keyword.len()..];
    rest.starts_with([' ', '\t', '\n', '('])
        .then(|| rest.trim_start())
}

/// A CQL string literal: `text` in double quotes with `\` and `"` escaped and control
/// characters turned into spaces.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The CQL for a plain-text query: one `siteSearch ~ "<escaped>"` literal.
pub fn plain_text(text: &str) -> String {
    format!("siteSearch ~ {}", quote(text.trim()))
}

/// Whether `key` looks like a Confluence space key (letters and digits; personal spaces
/// start with `~`).
pub fn is_space_key(key: &str) -> bool {
    let body = key.strip_prefix('~').unwrap_or(key);
    !body.is_empty()
        && body.len() <= 255
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A space key as a CQL value: bare when it is letters and digits only, quoted otherwise.
fn space_value(key: &str) -> String {
    if key.chars().all(|c| c.is_ascii_alphanumeric()) {
        key.to_owned()
    } else {
        quote(key)
    }
}

/// `space in (A, B)` (or `space = A` for one key).
pub fn space_clause(keys: &[String]) -> String {
    if let [one] = keys {
        format!("space = {}", space_value(one))
    } else {
        let values: Vec<String> = keys.iter().map(|k| space_value(k)).collect();
        format!("space in ({})", values.join(", "))
    }
}

/// The byte offset of a top-level `ORDER BY` (outside string literals), if any.
fn order_by_at(cql: &str) -> Option<usize> {
    let bytes = cql.as_bytes();
    let mut in_string: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match in_string {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    in_string = None;
                }
            }
            None => {
                if b == b'"' || b == b'\'' {
                    in_string = Some(b);
                } else if (i == 0 || bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b')')
                    && cql
                        .get(i..)
                        .and_then(|rest| strip_keyword(rest, "order"))
                        .and_then(|rest| strip_keyword(rest, "by"))
                        .is_some()
                {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

/// `cql` restricted to `keys`: `(<cql>) AND space in (...)`, keeping a trailing `ORDER BY`
/// clause at the end. The caller's query can only narrow the result, never widen it.
pub fn restrict_to_spaces(cql: &str, keys: &[String]) -> String {
    if keys.is_empty() {
        return cql.to_owned();
    }
    let (condition, order) = match order_by_at(cql) {
        Some(at) => (cql[..at].trim(), Some(cql[at..].trim())),
        None => (cql.trim(), None),
    };
    let mut out = if condition.is_empty() {
        space_clause(keys)
    } else {
        format!("({condition}) AND {}", space_clause(keys))
    };
    if let Some(order) = order {
        out.push(' ');
        out.push_str(order);
    }
    out
}

/// The value of the `cursor` query parameter of a `_links.next` link
/// (`/rest/api/search?cql=…&cursor=…`, relative or absolute).
pub fn cursor_from_next(next: &str) -> Option<String> {
    let base = url::Url::parse("http://confluence.invalid/").ok()?;
    let link = base.join(next).ok()?;
    link.query_pairs()
        .find(|(name, _)| name == "cursor")
        .map(|(_, value)| value.into_owned())
        .filter(|v| !v.is_empty())
}

/// `text` without the search highlight markers `@@@hl@@@` / `@@@endhl@@@`, with the few HTML
/// entities excerpts carry decoded and whitespace runs collapsed.
pub fn strip_highlights(text: &str) -> String {
    let plain = text.replace("@@@hl@@@", "").replace("@@@endhl@@@", "");
    let decoded = crate::storage::decode_entities(&plain);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cql_is_recognised_conservatively() {
        assert!(is_cql(r#"title ~ "runbook""#));
        assert!(is_cql("space = ENG AND type = page"));
        assert!(is_cql("(type=page OR type=blogpost) AND text ~ x"));
        assert!(is_cql("space IN (ENG, OPS)"));
        assert!(is_cql("label not in (a)"));
        assert!(is_cql("NOT space = HR"));
        assert!(is_cql("lastmodified >= now(\"-7d\")"));
        assert!(is_cql(r#"siteSearch ~ "login""#));
        assert!(!is_cql(r#"login "outage" AND x"#));
        assert!(!is_cql("how do I fix the login page?"));
        assert!(!is_cql("type of pages about login"));
        assert!(!is_cql("text"));
        assert!(!is_cql("spaceship = cool"));
        assert!(!is_cql("title is what matters"), "`is` must be an operator");
        assert!(!is_cql(""));
    }

    #[test]
    fn quoting_escapes_quotes_and_backslashes() {
        assert_eq!(quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(quote("line\nbreak"), r#""line break""#);
        assert_eq!(
            plain_text(r#"login "outage" AND x"#),
            r#"siteSearch ~ "login \"outage\" AND x""#
        );
        // A literal that tries to close the string and inject a clause stays one literal.
        assert_eq!(
            plain_text(r#"x" OR space = HR OR text ~ "y"#),
            r#"siteSearch ~ "x\" OR space = HR OR text ~ \"y""#
        );
        assert_eq!(plain_text(r"a\"), r#"siteSearch ~ "a\\""#);
    }

    #[test]
    fn space_restriction_is_anded_and_keeps_order_by() {
        let keys = vec!["ENG".to_owned(), "OPS".to_owned()];
        assert_eq!(
            restrict_to_spaces("type = page OR space = HR", &keys),
            "(type = page OR space = HR) AND space in (ENG, OPS)"
        );
        assert_eq!(
            restrict_to_spaces("text ~ \"order by\" ORDER BY lastmodified DESC", &keys),
            "(text ~ \"order by\") AND space in (ENG, OPS) ORDER BY lastmodified DESC"
        );
        assert_eq!(
            restrict_to_spaces("type = page", &["ENG".to_owned()]),
            "(type = page) AND space = ENG"
        );
        assert_eq!(
            restrict_to_spaces("type = page", &["~5b10ac".to_owned()]),
            "(type = page) AND space = \"~5b10ac\""
        );
        assert_eq!(restrict_to_spaces("type = page", &[]), "type = page");
    }

    #[test]
    fn space_keys_are_checked() {
        assert!(is_space_key("ENG"));
        assert!(is_space_key("~5b10ac8d82e05b22cc7d4ef5"));
        assert!(!is_space_key("ENG) OR (x"));
        assert!(!is_space_key(""));
        assert!(!is_space_key("~"));
    }

    #[test]
    fn cursor_comes_from_the_next_link() {
        assert_eq!(
            cursor_from_next("/rest/api/search?cql=text~x&limit=10&cursor=raNDoM%3D"),
            Some("raNDoM=".to_owned())
        );
        assert_eq!(
            cursor_from_next("https://x.atlassian.net/wiki/api/v2/spaces?cursor=eyJpZCI6&limit=2"),
            Some("eyJpZCI6".to_owned())
        );
        assert_eq!(cursor_from_next("/rest/api/search?cql=x&start=10"), None);
    }

    #[test]
    fn highlights_are_stripped() {
        assert_eq!(
            strip_highlights("Runbook: @@@hl@@@login@@@endhl@@@ outage"),
            "Runbook: login outage"
        );
        assert_eq!(
            strip_highlights("… a &amp; @@@hl@@@b@@@endhl@@@\n  c …"),
            "… a & b c …"
        );
    }
}
