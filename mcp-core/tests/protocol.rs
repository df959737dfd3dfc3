//! The integration tests of mcp-core's protocol types: the official examples round-trip, and
//! a corpus of values of every type validates against the official JSON schemas of each
//! revision.
//!
//! One binary for the whole crate; the areas live in `tests/protocol/`.

#[path = "protocol/support.rs"]
mod support;

#[path = "protocol/examples.rs"]
mod examples;

#[path = "protocol/corpus_modern.rs"]
mod corpus_modern;

#[path = "protocol/corpus_legacy.rs"]
mod corpus_legacy;

#[path = "protocol/decoding.rs"]
mod decoding;
