//! The SQLite store: migrations, audit chain, drafts, cases, actions with
//! their jobs, journal and manual tasks. The only place that writes SQL.
//!
//! One [`Store`] wraps one SQLite connection behind a mutex; share it as
//! `Arc<Store>`. Several processes may open the same file at once: the file is
//! in WAL mode, waits up to the busy timeout for locks, and every write is a
//! single `BEGIN IMMEDIATE` transaction, so nothing is ever half-written.

mod action_rows;
mod actions;
mod audit;
mod case_queries;
mod case_rows;
mod cases;
mod chain;
mod checkpoint;
mod drafts;
mod error;
mod keys;
mod migrate;
mod person_trail;
mod queue;
mod report_rows;
mod retention;
mod seal;
mod tasks;
mod watch;

#[cfg(test)]
pub(crate) mod tests;

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::Connection;

pub use crate::domain::TaskFilter;
pub use crate::domain::{AuditEntry, AuditFilter, AuditHead, AuditVerification, BrokenLink};
pub use action_rows::Attempt;
pub use actions::{JobChange, NewJob, TimelineEntry};
pub use audit::NewAuditEntry;
pub use case_queries::DuplicateProbe;
pub use case_rows::ContactKeys;
pub use cases::{CaseWrite, NewNote};
pub use checkpoint::{Checkpoint, CheckpointKey, CHECKPOINT_VERSION};
pub use drafts::StoredDraft;
pub use error::StoreError;
pub use keys::{AuditKeys, MacKey};
pub use retention::{ClosedCase, PurgeCounts};
pub use seal::{personal, Shredded};
pub use tasks::NewTask;
pub use watch::{ChangeWatch, ForeignSeen};

/// The privdesk database.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    busy_timeout_ms: u64,
    conn: Mutex<Connection>,
    /// Audit entries waiting to be written together (see `append_audit`).
    audit_batch: audit::Batch,
    /// The audit key file's secrets (never stored in the database).
    keys: AuditKeys,
}

pub use crate::paths::default_key_path;

impl Store {
    /// Opens (creating if needed) the store at `path` and applies pending
    /// migrations.
    ///
    /// A missing parent folder is created with mode 0700 and a new file with mode
    /// 0600. Locks held by other sessions are waited for up to `busy_timeout_ms`.
    /// A store written by a newer privdesk is refused.
    pub fn open(path: &Path, busy_timeout_ms: u64) -> Result<Store, StoreError> {
        Store::open_keyed(path, busy_timeout_ms, &default_key_path(path))
    }

    /// [`Store::open`] with the audit key file at `key_file`. A missing key
    /// file is created for a log that has never been keyed; for one that
    /// has, it is an error and nothing is written.
    pub fn open_keyed(
        path: &Path,
        busy_timeout_ms: u64,
        key_file: &Path,
    ) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .map_err(|source| StoreError::CreateFolder {
                        dir: dir.to_path_buf(),
                        source,
                    })?;
            }
        }
        if path.is_dir() {
            return Err(StoreError::OpenFile {
                path: path.to_path_buf(),
                source: io::Error::other(
                    "this is a folder; store.path must name a file, e.g. privdesk.db",
                ),
            });
        }
        create_file_if_missing(path)?;

        let sql_err = |e| error::map_sqlite(path, busy_timeout_ms, e);
        let mut conn = Connection::open(path).map_err(sql_err)?;
        conn.busy_timeout(Duration::from_millis(busy_timeout_ms))
            .map_err(sql_err)?;
        if conn.is_readonly(rusqlite::MAIN_DB).map_err(sql_err)? {
            return Err(StoreError::ReadOnly {
                path: path.to_path_buf(),
                detail: "the file cannot be written by this user".to_string(),
            });
        }
        let mode = set_wal_mode(&conn, busy_timeout_ms).map_err(sql_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(journal_mode = %mode, "the store could not switch to WAL mode");
        }
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(sql_err)?;
        // Removed data is overwritten, not left in free pages.
        conn.pragma_update(None, "secure_delete", true)
            .map_err(sql_err)?;

        let applied = migrate::migrate(&mut conn).map_err(|e| match e {
            migrate::MigrateError::Sqlite(e) => sql_err(e),
            migrate::MigrateError::Newer { found, known } => StoreError::NewerSchema {
                path: path.to_path_buf(),
                found,
                known,
            },
        })?;
        for version in &applied {
            tracing::info!(version, path = %path.display(), "applied store migration");
        }
        let keys = keys::load_or_create(&conn, key_file).map_err(|e| match e {
            keys::LoadError::Sqlite(e) => sql_err(e),
            keys::LoadError::Key(e) => e,
        })?;
        let store = Store {
            path: path.to_path_buf(),
            busy_timeout_ms,
            conn: Mutex::new(conn),
            audit_batch: Default::default(),
            keys,
        };
        store.bring_chain_under_key()?;
        tracing::debug!(path = %path.display(), "store opened");
        Ok(store)
    }

    /// The audit key file's secrets.
    pub fn keys(&self) -> &AuditKeys {
        &self.keys
    }

    /// The file this store was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The highest applied migration version.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        let conn = self.lock();
        migrate::current_version(&conn).map_err(|e| self.sql_err(e))
    }

    /// Locks the connection. A panic while holding the lock cannot leave a
    /// transaction open (dropping a rusqlite transaction rolls it back), so a
    /// poisoned lock is safe to reuse.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn sql_err(&self, e: rusqlite::Error) -> StoreError {
        error::map_sqlite(&self.path, self.busy_timeout_ms, e)
    }
}

/// Switches the file to WAL mode and returns the resulting journal mode.
///
/// SQLite answers a journal-mode change with SQLITE_BUSY at once, without
/// calling the busy handler, while another connection is opening the same new
/// file; so this retries until the busy timeout has passed.
fn set_wal_mode(conn: &Connection, busy_timeout_ms: u64) -> rusqlite::Result<String> {
    let deadline = Instant::now() + Duration::from_millis(busy_timeout_ms);
    let mut pause = Duration::from_millis(2);
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)) {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

/// Creates an empty store file with mode 0600 unless one exists, so SQLite
/// never creates it with the process umask.
fn create_file_if_missing(path: &Path) -> Result<(), StoreError> {
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(error::map_io(path, e)),
    }
}

/// The current time as RFC 3339 UTC with milliseconds, e.g. `2025-01-31T09:15:02.123Z`.
pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
