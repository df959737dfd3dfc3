//! Confluence's data.

/// All Confluence data.
#[derive(Debug)]
pub(crate) struct Confluence {}

impl Confluence {
    /// The seed.
    pub(crate) fn seeded() -> Self {
        Self {}
    }
}
