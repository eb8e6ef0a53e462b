//! The new-case form's state, and why a case was not created.

use crate::domain::{CaseSummary, LinkedRecord};
use crate::tui::app::DraftSlot;
use crate::tui::form::Form;

/// The new-case form.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCaseScreen {
    pub form: Form,
    pub draft: DraftSlot,
    /// The person's records the case will be linked to.
    pub links: Vec<LinkedRecord>,
    /// Open cases found for the same person or contact (shown as a warning;
    /// the operator may still create).
    pub duplicates: Vec<CaseSummary>,
}

/// Why a case was not created.
#[derive(Debug, Clone, PartialEq)]
pub enum CreateError {
    /// Open cases for the same person or contact turned up that the
    /// operator has not seen yet: nothing was created.
    Duplicates(Vec<CaseSummary>),
    /// The desk refused (invalid input, not allowed, store failure).
    Failed(String),
}
