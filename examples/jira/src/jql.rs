//! JQL helpers: the project allow-list is `AND`ed into the caller's query, so a model can only
//! narrow what the server may see, never widen it.

/// A project key as Jira defines it: an uppercase letter, then uppercase letters, digits or
/// `_` (at most 255 chars). Keys are compared case-insensitively and stored uppercase.
pub fn is_project_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && key.len() <= 255
}

/// Splits `jql` into its restriction and its `ORDER BY` clause (without the keywords), at
/// the first top-level `ORDER BY` outside quotes.
///
/// ```
/// assert_eq!(
///     jira::jql::split_order_by("project = ENG order by created DESC"),
///     ("project = ENG", Some("created DESC"))
/// );
/// assert_eq!(jira::jql::split_order_by("summary ~ \"order by\""), ("summary ~ \"order by\"", None));
/// ```
pub fn split_order_by(jql: &str) -> (&str, Option<&str>) {
    let bytes = jql.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None => {
                let boundary = i == 0 || !is_word_byte(bytes[i - 1]);
                if boundary && let Some(after) = keyword_pair(&jql[i..], "order", "by") {
                    let rest = jql[i + after..].trim();
                    return (jql[..i].trim_end(), Some(rest));
                }
            }
        }
        i += 1;
    }
    (jql.trim_end(), None)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// When `text` starts with the words `first` and `second` (case-insensitive, separated by
/// whitespace, `second` ending at a word boundary), the byte length they span.
fn keyword_pair(text: &str, first: &str, second: &str) -> Option<usize> {
    let word = |s: &str, w: &str| {
        s.len() >= w.len()
            && s.as_bytes()[..w.len()].eq_ignore_ascii_case(w.as_bytes())
            && s.as_bytes().get(w.len()).is_none_or(|b| !is_word_byte(*b))
    };
    if !word(text, first) {
        return None;
    }
    let after_first = &text[first.len()..];
    let gap = after_first.len() - after_first.trim_start().len();
    if gap == 0 {
        return None;
    }
    let rest = &after_first[gap..];
    word(rest, second).then(|| first.len() + gap + second.len())
}

/// The JQL restriction of an allow-list: `project = ENG` for one key,
/// `project in (ENG, OPS)` for several.
pub fn project_filter(projects: &[String]) -> String {
    match projects {
        [one] => format!("project = {one}"),
        many => format!("project in ({})", many.join(", ")),
    }
}

/// The caller's JQL restricted to `projects` (unchanged when the list is empty):
/// `(<restriction>) AND (<project filter>) ORDER BY <order>`.
///
/// An `ORDER BY`-only query becomes `<project filter> ORDER BY <order>` (the allow-list
/// bounds it).
///
/// ```
/// let eng = ["ENG".to_owned()];
/// assert_eq!(jira::jql::restrict("project = HR", &eng), "(project = HR) AND (project = ENG)");
/// assert_eq!(
///     jira::jql::restrict("status = Done ORDER BY updated DESC", &["ENG".into(), "OPS".into()]),
///     "(status = Done) AND (project in (ENG, OPS)) ORDER BY updated DESC"
/// );
/// ```
pub fn restrict(jql: &str, projects: &[String]) -> String {
    if projects.is_empty() {
        return jql.to_owned();
    }
    let (restriction, order) = split_order_by(jql);
    let filter = project_filter(projects);
    let mut out = if restriction.trim().is_empty() {
        filter
    } else {
        format!("({}) AND ({filter})", restriction.trim())
    };
    if let Some(order) = order {
        out.push_str(" ORDER BY ");
        out.push_str(order);
    }
    out
}

/// The project key of an issue key (`ENG` of `ENG-42`), uppercase; `None` for numeric ids.
pub fn project_of_key(issue: &str) -> Option<String> {
    let (project, number) = issue.rsplit_once('-')?;
    (is_project_key(project) && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .then(|| project.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn one_project_is_an_equality() {
        assert_eq!(
            restrict("project = HR", &keys(&["ENG"])),
            "(project = HR) AND (project = ENG)"
        );
    }

    #[test]
    fn several_projects_are_an_in_list() {
        assert_eq!(
            restrict("assignee = currentUser()", &keys(&["ENG", "OPS"])),
            "(assignee = currentUser()) AND (project in (ENG, OPS))"
        );
    }

    #[test]
    fn order_by_stays_last() {
        assert_eq!(
            restrict(
                "project = ENG OR project = HR order  BY created",
                &keys(&["ENG"])
            ),
            "(project = ENG OR project = HR) AND (project = ENG) ORDER BY created"
        );
        assert_eq!(
            restrict("ORDER BY created", &keys(&["ENG"])),
            "project = ENG ORDER BY created"
        );
    }

    #[test]
    fn an_or_cannot_escape_the_allow_list() {
        // Without the parentheses, `a OR b AND c` would bind as `a OR (b AND c)`.
        let jql = restrict("project = HR OR project = ENG", &keys(&["ENG"]));
        assert_eq!(jql, "(project = HR OR project = ENG) AND (project = ENG)");
    }

    #[test]
    fn no_allow_list_leaves_the_query_alone() {
        assert_eq!(restrict("ORDER BY created", &[]), "ORDER BY created");
    }

    #[test]
    fn order_by_inside_quotes_or_words_is_not_a_clause() {
        assert_eq!(
            split_order_by(r#"summary ~ "sort order by date" AND text ~ 'order by'"#),
            (
                r#"summary ~ "sort order by date" AND text ~ 'order by'"#,
                None
            )
        );
        assert_eq!(split_order_by("reorder by = 1"), ("reorder by = 1", None));
        assert_eq!(
            split_order_by(r#"summary ~ "a \" order by" ORDER BY key"#),
            (r#"summary ~ "a \" order by""#, Some("key"))
        );
        assert_eq!(split_order_by("orderby x"), ("orderby x", None));
        assert_eq!(split_order_by("ORDER BY"), ("", Some("")));
    }

    #[test]
    fn project_keys() {
        assert!(is_project_key("ENG"));
        assert!(is_project_key("A1_B"));
        assert!(!is_project_key("1ENG"));
        assert!(!is_project_key("EN G"));
        assert!(!is_project_key(""));
        assert_eq!(project_of_key("eng-42"), Some("ENG".into()));
        assert_eq!(project_of_key("MY_PROJ-1"), Some("MY_PROJ".into()));
        assert_eq!(project_of_key("10042"), None);
        assert_eq!(project_of_key("ENG-"), None);
        assert_eq!(project_of_key("ENG-4x"), None);
    }
}
