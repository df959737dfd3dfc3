//! The audit trail of writes.

use mcp_server::Principal;

/// Records one write as a `tracing` event on target `audit` (level INFO), with the fields
/// `principal` (the verified MCP subject), `tenant`, `upstream_principal` (the upstream
/// account label, e.g. [`Credential::label`](crate::Credential::label), never a secret),
/// `tool`, `target_id` (the issue key, page id, ... written) and `outcome` (e.g. `"ok"`,
/// `"error: HTTP 400"`).
///
/// Route it with `RUST_LOG` (`audit=info`) or a dedicated `tracing` layer filtering on the
/// target.
pub fn audit(principal: &Principal, upstream: &str, tool: &str, target: &str, outcome: &str) {
    tracing::info!(
        target: "audit",
        principal = %principal.subject,
        tenant = principal.tenant.as_deref().unwrap_or(""),
        upstream_principal = upstream,
        tool,
        target_id = target,
        outcome,
        "audit"
    );
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use mcp_server::Principal;
    use mcp_server::core::auth::AuthMethod;

    use super::audit;

    /// A `MakeWriter` collecting everything written.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("buffer lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn one_event_on_the_audit_target_with_every_field() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        let mut who = Principal::new("user-1", AuthMethod::Jwt);
        who.tenant = Some("acme".into());
        tracing::subscriber::with_default(subscriber, || {
            audit(&who, "alice@example.com", "create_issue", "ENG-46", "ok");
        });
        let text =
            String::from_utf8(buffer.0.lock().expect("buffer lock").clone()).expect("utf-8 log");
        assert_eq!(text.lines().count(), 1, "{text}");
        for needle in [
            " audit:",
            "principal=user-1",
            "tenant=\"acme\"",
            "upstream_principal=\"alice@example.com\"",
            "tool=\"create_issue\"",
            "target_id=\"ENG-46\"",
            "outcome=\"ok\"",
        ] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
    }
}
