//! Failures as the model reads them: every [`DbError`] becomes an `isError` tool result that
//! says what happened and what to do, mapped by SQLSTATE. None becomes a JSON-RPC error.
//!
//! | SQLSTATE | text |
//! | --- | --- |
//! | `25006` read-only transaction | writes are not allowed |
//! | `57014` query canceled | exceeded the N ms statement timeout / cancelled |
//! | `55P03` lock not available | waited too long for a lock |
//! | `42501` insufficient privilege | permission denied for the server's role |
//! | `42601` syntax error | Postgres's message with the position and the text around it |
//! | `42P01` undefined table, `42703` undefined column, `42883` undefined function | Postgres's message and hint |
//! | `22xxx` data exception | invalid value |
//! | `08xxx`, `53xxx`, `57P0x` | Postgres unavailable (not the model's fault) |

use mcp_server::ToolError;
use tokio_postgres::error::ErrorPosition;

use crate::db::DbError;

/// What the error text may refer to.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct ErrorContext<'a> {
    /// The statement timeout, in milliseconds.
    pub timeout_ms: u128,
    /// The SQL the model wrote (raw tools), for syntax-error positions.
    pub sql: Option<&'a str>,
    /// How many characters this server put before the model's SQL (`EXPLAIN (...) `).
    pub sql_offset: usize,
}

impl<'a> ErrorContext<'a> {
    /// A context with the statement timeout.
    pub fn new(timeout_ms: u128) -> Self {
        Self {
            timeout_ms,
            sql: None,
            sql_offset: 0,
        }
    }

    /// The model's SQL, `offset` characters into the statement sent.
    #[must_use]
    pub fn with_sql(mut self, sql: &'a str, offset: usize) -> Self {
        self.sql = Some(sql);
        self.sql_offset = offset;
        self
    }
}

/// The text of a failure, for the model.
pub fn message(error: &DbError, cx: ErrorContext<'_>) -> String {
    match error {
        DbError::Refused(why) => why.clone(),
        DbError::Busy => {
            "Postgres is busy: every pooled connection stayed in use; try again shortly".to_owned()
        }
        DbError::Unavailable(why) => format!("Postgres unavailable ({why}); try again later"),
        DbError::Cancelled => "the query was cancelled and stopped on the server".to_owned(),
        DbError::Deadline => format!(
            "the query exceeded the {} ms statement timeout and was cancelled; narrow it \
             (filters, fewer rows, an indexed column) and try again",
            cx.timeout_ms
        ),
        DbError::Postgres(e) => postgres_message(e, cx),
    }
}

/// [`message`] as a tool error.
pub fn tool_error(error: &DbError, cx: ErrorContext<'_>) -> ToolError {
    ToolError::new(message(error, cx))
}

fn postgres_message(e: &tokio_postgres::Error, cx: ErrorContext<'_>) -> String {
    let Some(db) = e.as_db_error() else {
        if e.is_closed() {
            return "Postgres unavailable (the connection closed); try again later".to_owned();
        }
        // A client-side failure: a value that did not fit its column type, or the connection.
        let text = e.to_string();
        if text.starts_with("error serializing parameter") || text.contains("deserializ") {
            return format!("a value could not be converted: {text}");
        }
        return format!("Postgres unavailable ({text}); try again later");
    };
    let code = db.code().code();
    let msg = db.message();
    let mut text = match code {
        "25006" => format!(
            "writes are not allowed: this server runs every statement in a read-only \
             transaction (Postgres: {msg})"
        ),
        "57014" if msg.contains("statement timeout") => format!(
            "the query exceeded the {} ms statement timeout and was cancelled; narrow it \
             (filters, fewer rows, an indexed column) and try again",
            cx.timeout_ms
        ),
        "57014" => "the query was cancelled and stopped on the server".to_owned(),
        "55P03" => format!("the query waited too long for a lock and gave up (Postgres: {msg})"),
        "42501" => format!(
            "permission denied: the server's database role may not do this (Postgres: {msg})"
        ),
        "42601" if msg.starts_with("syntax error") => {
            format!("{msg}{}", position(db.position(), cx))
        }
        "42601" => format!("syntax error: {msg}{}", position(db.position(), cx)),
        "42P01" => format!("unknown table: {msg}{}", position(db.position(), cx)),
        "42703" => format!("unknown column: {msg}{}", position(db.position(), cx)),
        "42883" => format!(
            "unknown function or operator: {msg}{}",
            position(db.position(), cx)
        ),
        "42803" => format!("invalid grouping: {msg}"),
        "0A000" => format!("not supported: {msg}"),
        c if c.starts_with("22") => format!("invalid value: {msg}"),
        c if c.starts_with("08") || c.starts_with("53") || c.starts_with("57P") => {
            format!("Postgres unavailable ({msg}); try again later")
        }
        _ => format!("Postgres error {code}: {msg}"),
    };
    if let Some(detail) = db.detail() {
        text.push_str("; ");
        text.push_str(detail);
    }
    if let Some(hint) = db.hint() {
        text.push_str("; hint: ");
        text.push_str(hint);
    }
    text
}

/// ` at position N: …text around it…` for positions inside the model's SQL.
fn position(pos: Option<&ErrorPosition>, cx: ErrorContext<'_>) -> String {
    let (Some(ErrorPosition::Original(p)), Some(sql)) = (pos, cx.sql) else {
        return String::new();
    };
    // 1-based character index into the statement sent.
    let Some(index) = usize::try_from(*p)
        .ok()
        .and_then(|p| p.checked_sub(1 + cx.sql_offset))
    else {
        return String::new();
    };
    let chars: Vec<char> = sql.chars().collect();
    if index > chars.len() {
        return String::new();
    }
    let start = index.saturating_sub(20);
    let end = (index + 20).min(chars.len());
    let before: String = chars[start..index].iter().collect();
    let after: String = chars[index..end].iter().collect();
    format!(
        " at position {} (near `{}⟨here⟩{}`)",
        index + 1,
        before.replace('\n', " "),
        after.replace('\n', " ")
    )
}

#[cfg(test)]
mod tests {
    use super::{ErrorContext, message};
    use crate::db::DbError;

    #[test]
    fn non_postgres_failures() {
        let cx = ErrorContext::new(500);
        assert!(message(&DbError::Deadline, cx).contains("500 ms statement timeout"));
        assert!(
            message(&DbError::Unavailable("connection refused".into()), cx)
                .starts_with("Postgres unavailable (connection refused)")
        );
        assert!(message(&DbError::Busy, cx).contains("busy"));
        assert_eq!(message(&DbError::Refused("nope".into()), cx), "nope");
    }
}
