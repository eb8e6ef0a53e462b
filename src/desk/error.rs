//! Errors of the service layer, worded for the operator.

use crate::domain::{CaseConflict, CaseId, CaseRuleError};
use crate::store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DeskError {
    /// The operator may not use the desk at all (unknown or removed).
    #[error("{0}")]
    Refused(String),
    /// The operator may not do this.
    #[error("not allowed: {0}")]
    Denied(String),
    /// The input does not make sense; nothing was changed.
    #[error("{0}")]
    Invalid(String),
    #[error("configuration: {0}")]
    Config(String),
    /// A connected system failed.
    #[error("{system}: {message}")]
    System { system: String, message: String },
    /// No case has this number.
    #[error("there is no case {0}")]
    NotFound(CaseId),
    /// The case changed since the operator saw it; nothing was written. The
    /// conflict lists the changes made since.
    #[error("{0}")]
    Conflict(Box<CaseConflict>),
    #[error(transparent)]
    Store(StoreError),
    /// The server failed (its store, a task), as a client hears it.
    #[error("{0}")]
    Server(String),
    /// No server could be reached, or the connection broke.
    #[error("{0}")]
    Unavailable(String),
    /// Client and server are of different versions.
    #[error("{0}")]
    Version(String),
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(c) => DeskError::Conflict(c),
            StoreError::CaseNotFound(id) => DeskError::NotFound(id),
            StoreError::Stale(why) => DeskError::Invalid(why),
            other => DeskError::Store(other),
        }
    }
}

impl From<CaseRuleError> for DeskError {
    fn from(e: CaseRuleError) -> Self {
        DeskError::Invalid(e.to_string())
    }
}
