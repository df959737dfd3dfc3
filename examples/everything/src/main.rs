//! The conformance "everything" server (not implemented yet).

fn main() {}
