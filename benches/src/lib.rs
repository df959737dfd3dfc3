//! Benchmarks of the MCP SDK: criterion micro-benches under `benches/` (run with
//! `cargo bench -p benches`). The HTTP load bench arrives with the HTTP transport.
