//! Every MCP protocol type, one module per area of the specification.
//!
//! Types follow the 2026-07-28 schema and carry the fields of 2025-11-25 and older revisions
//! that the modern one removed (marked in their docs), so one set of types serves both eras.
//! Which fields a given revision may see is decided by the server through
//! [`ProtocolVersion`]'s `supports_*` queries.

mod version;

pub use version::{ProtocolVersion, UnknownVersion};
