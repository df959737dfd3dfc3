//! The validated description of one tool, everything codegen needs and nothing it has to
//! check again.

use crate::common::handler::HandlerFn;
use crate::common::options::Paths;

/// One `#[mcp_tool]` fn, checked.
pub(crate) struct ToolSpec {
    pub(crate) func: HandlerFn,
    pub(crate) paths: Paths,
    /// The programmatic name, valid per the spec.
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) icons: Vec<String>,
    pub(crate) hints: Hints,
}

/// `ToolAnnotations` hints; `None` leaves the spec's default.
#[derive(Default)]
pub(crate) struct Hints {
    pub(crate) read_only: Option<bool>,
    pub(crate) destructive: Option<bool>,
    pub(crate) idempotent: Option<bool>,
    pub(crate) open_world: Option<bool>,
}

impl Hints {
    /// Whether any hint was given.
    pub(crate) fn any(&self) -> bool {
        self.read_only.is_some()
            || self.destructive.is_some()
            || self.idempotent.is_some()
            || self.open_world.is_some()
    }
}
