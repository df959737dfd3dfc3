-- The read-only role the postgres example runs as (examples.md §3.3 (1)). The role is the
-- security boundary: the server's read-only transactions, SQL gate and timeouts are depth.
--
-- Run as a superuser (or the database owner with CREATEROLE) in the database to serve, after
-- the objects exist:
--
--     psql -v ON_ERROR_STOP=1 -d mydb -f examples/postgres/sql/readonly-role.sql
--
-- then give the role a password (or use certificate / IAM authentication):
--
--     ALTER ROLE mcp_ro PASSWORD '...';
--
-- and start the server with DATABASE_URL=postgres://mcp_ro:...@host/mydb. The server checks
-- the role at startup and refuses to serve if it can write.
--
-- Idempotent: safe to re-run. Adapt the GRANT lines to your own schemas and tables: grant
-- SELECT on what the model may read and nothing else; hide sensitive columns with column
-- grants (as for sales.customers.ssn below) or with views that leave them out.

BEGIN;
-- Concurrent runs in one database wait for each other.
DO $$ BEGIN PERFORM pg_advisory_xact_lock(7345001); END $$;

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mcp_ro') THEN
    CREATE ROLE mcp_ro LOGIN;
  END IF;
END
$$;

-- No superuser, no role or database creation, no replication, row-level security applies,
-- and no privileges inherited from other roles.
ALTER ROLE mcp_ro WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;

-- Session defaults (a session may change them; the server also sets its own per transaction).
ALTER ROLE mcp_ro SET default_transaction_read_only = on;
ALTER ROLE mcp_ro SET statement_timeout = '5s';
ALTER ROLE mcp_ro SET lock_timeout = '1s';
ALTER ROLE mcp_ro SET idle_in_transaction_session_timeout = '10s';

-- Server file access, program execution, writing everything, signalling other backends: never.
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['pg_read_server_files', 'pg_write_server_files',
                           'pg_execute_server_program', 'pg_write_all_data', 'pg_signal_backend'] LOOP
    IF to_regrole(r) IS NOT NULL AND pg_has_role('mcp_ro', r, 'MEMBER') THEN
      EXECUTE format('REVOKE %I FROM mcp_ro', r);
    END IF;
  END LOOP;
END
$$;

DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO mcp_ro', current_database());
  EXECUTE format('REVOKE CREATE ON DATABASE %I FROM mcp_ro', current_database());
END
$$;

-- Nobody creates objects in `public` (the default since PostgreSQL 15; older versions grant it).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- What the model may read.
GRANT USAGE ON SCHEMA sales TO mcp_ro;
GRANT SELECT ON sales.orders, sales.products, sales.events, sales.customer_totals TO mcp_ro;
-- sales.customers without ssn: column grants also hold against whole-row tricks
-- (`SELECT c FROM sales.customers c`, `row_to_json(c)`: permission denied).
REVOKE ALL ON sales.customers FROM mcp_ro;
GRANT SELECT (id, name, email, note) ON sales.customers TO mcp_ro;
-- No grant at all on sales.secrets, nor on the sequence (nextval would survive a rollback).
REVOKE ALL ON sales.secrets FROM mcp_ro;
REVOKE ALL ON SEQUENCE sales.invoice_seq FROM mcp_ro;

-- Readable by the role, but kept outside the server's --schemas allow-list in the tests.
GRANT USAGE ON SCHEMA hr TO mcp_ro;
GRANT SELECT ON hr.salaries TO mcp_ro;

COMMIT;

-- Optional hardening, per database and for every role (functions are granted to PUBLIC by
-- default, so they cannot be revoked from one role alone); the server's SQL gate refuses these
-- calls anyway:
--
--   REVOKE EXECUTE ON FUNCTION pg_advisory_lock(bigint), pg_try_advisory_lock(bigint),
--     pg_notify(text, text), pg_read_file(text), lo_import(text), lo_export(oid, text)
--     FROM PUBLIC;
--   REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;  -- e.g. dblink_exec
