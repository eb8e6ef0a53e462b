//! Store errors. Every message names the store file and says what to do next.

use std::io;
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

/// An error from the store. Messages are meant to be shown to staff as they are.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The folder that should hold the store could not be created.
    #[error("cannot create the folder {} for the store: {source} (check that its parent exists, is a folder and is writable)", dir.display())]
    CreateFolder { dir: PathBuf, source: io::Error },

    /// The store file could not be created or opened at the file-system level.
    #[error("cannot open the store {}: {source} (check the path and the folder's permissions)", path.display())]
    OpenFile { path: PathBuf, source: io::Error },

    /// The store file (or its folder) cannot be written.
    #[error("the store {} is read-only: {detail} (check the file's permissions)", path.display())]
    ReadOnly { path: PathBuf, detail: String },

    /// The disk filled up during a write; the transaction was rolled back.
    #[error("disk full while writing to the store {}: nothing was written (free some space and try again)", path.display())]
    DiskFull { path: PathBuf },

    /// Another process held a lock for longer than the busy timeout.
    #[error("the store {} is busy (another privdesk session holds a lock for more than {}); try again", path.display(), format_timeout(*timeout_ms))]
    Busy { path: PathBuf, timeout_ms: u64 },

    /// The file is not an SQLite database at all.
    #[error("the file {} is not a privdesk store (it is not an SQLite database); check the configured store path", path.display())]
    NotADatabase { path: PathBuf },

    /// SQLite reports the database file as damaged.
    #[error("the store {} is damaged: {detail}; restore it from a backup", path.display())]
    Damaged { path: PathBuf, detail: String },

    /// The store was written by a newer privdesk.
    #[error("the store {} has schema version {found}, newer than this privdesk understands (up to {known}); upgrade privdesk before using this store", path.display())]
    NewerSchema {
        path: PathBuf,
        found: u32,
        known: u32,
    },

    /// The audit chain does not end where its head record says; appending would hide that.
    #[error("the audit log in the store {} does not match its head record ({detail}); nothing was written; run the audit verification and alert an administrator", path.display())]
    AuditHeadMismatch { path: PathBuf, detail: String },

    /// The audit key file is missing, unreadable or malformed; nothing was
    /// written.
    #[error("the audit key file {}: {detail}; nothing was written", path.display())]
    AuditKey { path: PathBuf, detail: String },

    /// A stored value could not be read back (for example details that are not JSON).
    #[error("unreadable data in the store {}: {detail}; run the audit verification", path.display())]
    BadData { path: PathBuf, detail: String },

    /// The case changed since the version the operator saw; nothing was written.
    #[error("{0}")]
    Conflict(Box<crate::domain::CaseConflict>),

    /// There is no case with this number.
    #[error("there is no case {0}")]
    CaseNotFound(crate::domain::CaseId),

    /// An action, job or task changed since it was read (another session
    /// decided, ran or completed it first); nothing was written.
    #[error("{0}")]
    Stale(String),

    /// A filter value given by the caller is not valid.
    #[error("invalid audit filter: {0}")]
    InvalidFilter(String),

    /// Any other SQLite error.
    #[error("error in the store {}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// The same error for another party of a failed batch (the ones that
    /// hold an `io::Error` or an SQLite error are told in words).
    pub(crate) fn duplicate(&self) -> StoreError {
        match self {
            StoreError::ReadOnly { path, detail } => StoreError::ReadOnly {
                path: path.clone(),
                detail: detail.clone(),
            },
            StoreError::DiskFull { path } => StoreError::DiskFull { path: path.clone() },
            StoreError::Busy { path, timeout_ms } => StoreError::Busy {
                path: path.clone(),
                timeout_ms: *timeout_ms,
            },
            StoreError::AuditHeadMismatch { path, detail } => StoreError::AuditHeadMismatch {
                path: path.clone(),
                detail: detail.clone(),
            },
            StoreError::AuditKey { path, detail } => StoreError::AuditKey {
                path: path.clone(),
                detail: detail.clone(),
            },
            StoreError::Damaged { path, detail } => StoreError::Damaged {
                path: path.clone(),
                detail: detail.clone(),
            },
            other => StoreError::Stale(format!("nothing was written: {other}")),
        }
    }
}

fn format_timeout(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// Turns an SQLite error into a [`StoreError`] that names `path`.
pub(crate) fn map_sqlite(path: &Path, timeout_ms: u64, err: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    match err.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::PermissionDenied) => StoreError::ReadOnly {
            path,
            detail: err.to_string(),
        },
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            StoreError::Busy { path, timeout_ms }
        }
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged {
            path,
            detail: err.to_string(),
        },
        _ => StoreError::Sqlite { path, source: err },
    }
}

/// Turns a file-system error met while opening into a [`StoreError`].
pub(crate) fn map_io(path: &Path, err: io::Error) -> StoreError {
    if err.kind() == io::ErrorKind::PermissionDenied {
        StoreError::ReadOnly {
            path: path.to_path_buf(),
            detail: err.to_string(),
        }
    } else {
        StoreError::OpenFile {
            path: path.to_path_buf(),
            source: err,
        }
    }
}
