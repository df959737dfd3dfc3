//! Benchmarks of the MCP SDK.
//!
//! - Criterion micro-benches under `benches/` (`cargo bench -p benches`): codec, in-process
//!   dispatch through the HTTP service, input-schema validation, SSE framing.
//! - `floor`: a minimal JSON-RPC server on raw hyper 1 + `serde_json`, the denominator of every
//!   ratio of the load bench.
//! - `load`: the closed-loop load generator (Streamable HTTP, both eras; idle sessions; stdio).
//! - `sdk-server`: the `everything` server with session caps raised, for the idle-sessions bench.
//! - `profile`: a fixed number of in-process `tools/call`s, for callgrind.
//!
//! JWT verification with cached keys (and the load bench's auth run) comes with `mcp-auth`.
//!
//! This library holds what those share: the request bodies and headers of both eras, the
//! response checks (JSON and SSE), and `/proc` readers.

pub mod inproc;
pub mod procfs;
pub mod wire;
