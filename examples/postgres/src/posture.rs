//! The startup posture check: ask Postgres what the server's role can do, and refuse to serve
//! with a role that can write (examples.md §3.3 (1), §4.3 (12); postgres-mcp-hardened's
//! `security_posture`).
//!
//! The role is the security boundary; the read-only transaction, the SQL gate and the
//! timeouts are depth. A role that can write turns every gap in the depth into a write, so by
//! default the server does not start with one (`--allow-writable-role` overrides, loudly).
//!
//! Fatal findings: superuser; `BYPASSRLS`; `CREATEROLE`; membership (direct or inherited) in
//! `pg_write_server_files`, `pg_execute_server_program`, `pg_read_server_files` or
//! `pg_write_all_data`; owning any relation outside the system schemas (an owner can `ALTER`
//! and `GRANT` itself anything); `INSERT`/`UPDATE`/`DELETE`/`TRUNCATE` on any table or view
//! (table or column level); `USAGE`/`UPDATE` on a sequence (`nextval` survives a rollback);
//! `CREATE` on a schema. Warnings: `CREATEDB`, `REPLICATION`, `CREATE` on the database,
//! `pg_signal_backend`.

use std::fmt;

use tokio_postgres::Client;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Severity {
    /// The role can write (or read the server's files): refuse to start.
    Fatal,
    /// Worth fixing, not a write path.
    Warning,
}

/// One thing the role can do that a read-only role should not.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// How bad.
    pub severity: Severity,
    /// What, in words.
    pub text: String,
}

/// What the role can do.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Posture {
    /// `current_user`.
    pub role: String,
    /// The findings, fatal first.
    pub findings: Vec<Finding>,
}

impl Posture {
    /// Whether any finding is fatal.
    pub fn can_write(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Fatal)
    }

    /// One line per finding.
    pub fn report(&self) -> String {
        self.findings
            .iter()
            .map(|f| {
                format!(
                    "  - {}: {}",
                    match f.severity {
                        Severity::Fatal => "WRITE",
                        Severity::Warning => "warning",
                    },
                    f.text
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl fmt::Display for Posture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.findings.is_empty() {
            write!(f, "role {} is read-only", self.role)
        } else {
            write!(f, "role {}:\n{}", self.role, self.report())
        }
    }
}

const NON_SYSTEM: &str = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";

/// One row answering every question of the check.
fn posture_sql() -> String {
    format!(
        "SELECT current_user::text, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb, \
                r.rolreplication, \
                ARRAY(SELECT g FROM unnest(ARRAY['pg_write_server_files', 'pg_execute_server_program', \
                        'pg_read_server_files', 'pg_write_all_data']) AS g \
                       WHERE CASE WHEN to_regrole(g) IS NULL THEN false \
                                  ELSE pg_has_role(current_user, to_regrole(g), 'MEMBER') END), \
                CASE WHEN to_regrole('pg_signal_backend') IS NULL THEN false \
                     ELSE pg_has_role(current_user, to_regrole('pg_signal_backend'), 'MEMBER') END, \
                ARRAY(SELECT format('%I.%I', n.nspname, c.relname) \
                        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                       WHERE {NON_SYSTEM} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') \
                         AND pg_has_role(c.relowner, 'MEMBER') ORDER BY 1 LIMIT 5), \
                ARRAY(SELECT format('%I.%I', n.nspname, c.relname) \
                        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                       WHERE {NON_SYSTEM} AND c.relkind IN ('r', 'p', 'v', 'f') \
                         AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE') \
                              OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE') \
                              OR has_any_column_privilege(c.oid, 'INSERT') \
                              OR has_any_column_privilege(c.oid, 'UPDATE')) \
                       ORDER BY 1 LIMIT 5), \
                ARRAY(SELECT format('%I.%I', n.nspname, c.relname) \
                        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                       WHERE {NON_SYSTEM} AND c.relkind = 'S' \
                         AND (has_sequence_privilege(c.oid, 'USAGE') OR has_sequence_privilege(c.oid, 'UPDATE')) \
                       ORDER BY 1 LIMIT 5), \
                ARRAY(SELECT n.nspname::text FROM pg_catalog.pg_namespace n \
                       WHERE {NON_SYSTEM} AND has_schema_privilege(n.oid, 'CREATE') ORDER BY 1 LIMIT 5), \
                has_database_privilege(current_database(), 'CREATE') \
           FROM pg_catalog.pg_roles r WHERE r.rolname = current_user"
    )
}

/// Asks Postgres about the connected role.
///
/// # Errors
///
/// The queries failed.
pub async fn check(client: &Client) -> Result<Posture, tokio_postgres::Error> {
    let row = client.query_one(&posture_sql(), &[]).await?;
    let role: String = row.get(0);
    let mut findings = Vec::new();
    let mut fatal = |text: String| {
        findings.push(Finding {
            severity: Severity::Fatal,
            text,
        });
    };
    if row.get::<_, bool>(1) {
        fatal(
            "is a superuser (can do anything, including running programs on the server)".to_owned(),
        );
    }
    if row.get::<_, bool>(2) {
        fatal("has BYPASSRLS (row-level security does not apply to it)".to_owned());
    }
    if row.get::<_, bool>(3) {
        fatal("has CREATEROLE (can create and grant roles)".to_owned());
    }
    let roles: Vec<String> = row.get(6);
    for r in roles {
        fatal(format!("is a member of {r}"));
    }
    let owned: Vec<String> = row.get(8);
    if !owned.is_empty() {
        fatal(format!("owns relations (e.g. {})", owned.join(", ")));
    }
    let writable: Vec<String> = row.get(9);
    if !writable.is_empty() {
        fatal(format!(
            "may INSERT/UPDATE/DELETE/TRUNCATE (e.g. {})",
            writable.join(", ")
        ));
    }
    let sequences: Vec<String> = row.get(10);
    if !sequences.is_empty() {
        fatal(format!(
            "may advance sequences with nextval (e.g. {})",
            sequences.join(", ")
        ));
    }
    let schemas: Vec<String> = row.get(11);
    if !schemas.is_empty() {
        fatal(format!(
            "may CREATE objects in schemas {}",
            schemas.join(", ")
        ));
    }
    let mut warn = |text: String| {
        findings.push(Finding {
            severity: Severity::Warning,
            text,
        });
    };
    if row.get::<_, bool>(4) {
        warn("has CREATEDB".to_owned());
    }
    if row.get::<_, bool>(5) {
        warn("has REPLICATION".to_owned());
    }
    if row.get::<_, bool>(7) {
        warn("is a member of pg_signal_backend".to_owned());
    }
    if row.get::<_, bool>(12) {
        warn("may CREATE schemas in this database".to_owned());
    }
    Ok(Posture { role, findings })
}

#[cfg(test)]
mod tests {
    use super::{Finding, Posture, Severity};

    #[test]
    fn reports() {
        let ok = Posture {
            role: "mcp_ro".to_owned(),
            findings: Vec::new(),
        };
        assert!(!ok.can_write());
        assert_eq!(ok.to_string(), "role mcp_ro is read-only");
        let bad = Posture {
            role: "app_owner".to_owned(),
            findings: vec![
                Finding {
                    severity: Severity::Fatal,
                    text: "owns relations (e.g. sales.orders)".to_owned(),
                },
                Finding {
                    severity: Severity::Warning,
                    text: "has CREATEDB".to_owned(),
                },
            ],
        };
        assert!(bad.can_write());
        assert!(bad.to_string().contains("WRITE: owns relations"));
    }
}
