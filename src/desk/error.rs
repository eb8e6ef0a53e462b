//! Errors of the service layer, worded for the operator.

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
    #[error(transparent)]
    Store(#[from] StoreError),
}
