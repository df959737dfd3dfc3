//! Feeds arbitrary bytes to the JSON-RPC decoder: it must never panic, and every failure must
//! classify to -32700 or -32600.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = mcp_core::jsonrpc::decode(data) {
        assert!(matches!(e.code().code(), -32700 | -32600));
    }
});
