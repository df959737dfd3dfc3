//! A CQL subset (placeholder).
