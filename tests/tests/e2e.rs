//! End-to-end tests: real clients against the workspace's example servers.
//!
//! One integration-test binary for the crate (STYLE.md 2.7), one module per area:
//!
//! - [`interop`]: the official Python and TypeScript SDK clients against `everything --stdio`,
//!   in both protocol eras (scripts and pins in `tests/interop/`).

#[path = "e2e/interop.rs"]
mod interop;
