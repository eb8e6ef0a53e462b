//! The messages the actions panel (and the package and letters of its case) receives and the work it asks for.

pub use super::decision::Decision;
use crate::desk::{ActionRequest, ActionView, CaseActions, JobUpdate, PlannedAction, RunReport};
use crate::domain::CaseId;
use crate::tui::app::*;

/// What comes back to the actions panel (and the package and letters of its case).
#[derive(Debug, Clone)]
pub enum ActionsMsg {
    Loaded {
        case: CaseId,
        result: Result<Box<CaseActions>, String>,
    },
    /// The dry run of an action not created yet, or why there is none.
    Previewed {
        case: CaseId,
        result: Result<Box<PlannedAction>, String>,
    },
    /// An action was prepared (its dry run), or why not.
    Planned {
        case: CaseId,
        result: Result<Box<PlannedAction>, String>,
    },
    Decided {
        /// `A-3`.
        action: String,
        approve: bool,
        result: Result<Box<ActionView>, String>,
    },
    /// A job of a running action changed state.
    JobProgress {
        action: String,
        update: Box<JobUpdate>,
    },
    /// A run ended.
    Ran {
        action: String,
        result: Result<Box<RunReport>, String>,
    },
    /// A job or task was handled: what was done, or why not.
    JobChanged {
        op: JobOp,
        result: Result<String, String>,
    },
    /// A package was built (`verify` false) or checked.
    PackageDone {
        case: CaseId,
        verify: bool,
        result: Result<PackageStatus, String>,
    },
    LetterRendered {
        case: CaseId,
        template: String,
        result: Result<String, String>,
    },
}

/// Work the actions panel (and the package and letters of its case) asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionsEffect {
    Load {
        case: CaseId,
    },
    /// Work out the dry run of an action without storing it.
    Preview {
        case: CaseId,
        request: ActionRequest,
    },
    /// Prepare an action: stores it with its dry run; nothing is sent but reads.
    Plan {
        case: CaseId,
        request: ActionRequest,
    },
    Decide(Decision),
    /// Run an approved action, reporting each job's change as it happens.
    Run {
        id: i64,
        reference: String,
    },
    ChangeJob(JobOp),
    BuildPackage {
        case: CaseId,
    },
    VerifyPackage {
        case: CaseId,
    },
    RenderLetter {
        case: CaseId,
        template: String,
    },
}
