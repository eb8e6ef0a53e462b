//! Noticing changes made by other sessions. A [`ChangeWatch`] has its own
//! connection and asks SQLite's `PRAGMA data_version` (one cheap call that
//! reads no table): it changes whenever any other connection commits. Most
//! commits are audit entries and drafts, which change no queue; so when the
//! version moved, a second small query reads a mark of the case and action
//! tables (newest timeline event, newest action, actions awaiting approval, newest
//! case)
//! and only a different mark counts as a change.

use super::{error, Store, StoreError};
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::time::Duration;

/// What the queue depends on, read in one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    last_event: i64,
    last_action: i64,
    awaiting: i64,
    last_case: i64,
}

/// A watch on the store file for changes committed by other connections.
pub struct ChangeWatch {
    path: PathBuf,
    busy_timeout_ms: u64,
    conn: Connection,
    version: i64,
    mark: Mark,
}

const MARK_SQL: &str = "SELECT \
    (SELECT ifnull(max(id), 0) FROM case_events), \
    (SELECT ifnull(max(id), 0) FROM actions), \
    (SELECT count(*) FROM actions WHERE status = 'awaiting_approval'), \
    (SELECT ifnull(max(rowid), 0) FROM cases)";

impl ChangeWatch {
    fn err(&self, e: rusqlite::Error) -> StoreError {
        error::map_sqlite(&self.path, self.busy_timeout_ms, e)
    }

    fn data_version(conn: &Connection) -> rusqlite::Result<i64> {
        conn.query_row("PRAGMA data_version", [], |r| r.get(0))
    }

    fn read_mark(conn: &Connection) -> rusqlite::Result<Mark> {
        conn.query_row(MARK_SQL, [], |r| {
            Ok(Mark {
                last_event: r.get(0)?,
                last_action: r.get(1)?,
                awaiting: r.get(2)?,
                last_case: r.get(3)?,
            })
        })
    }

    /// Whether cases or actions changed since the last call (or since the
    /// watch was opened). Cheap when nothing was committed.
    pub fn changed(&mut self) -> Result<bool, StoreError> {
        let v = Self::data_version(&self.conn).map_err(|e| self.err(e))?;
        if v == self.version {
            return Ok(false);
        }
        self.version = v;
        let mark = Self::read_mark(&self.conn).map_err(|e| self.err(e))?;
        if mark == self.mark {
            return Ok(false);
        }
        self.mark = mark;
        Ok(true)
    }
}

impl Store {
    /// A watch with its own read-only connection to this store's file.
    pub fn watch(&self) -> Result<ChangeWatch, StoreError> {
        let sql_err = |e| error::map_sqlite(&self.path, self.busy_timeout_ms, e);
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql_err)?;
        conn.busy_timeout(Duration::from_millis(self.busy_timeout_ms))
            .map_err(sql_err)?;
        let version = ChangeWatch::data_version(&conn).map_err(sql_err)?;
        let mark = ChangeWatch::read_mark(&conn).map_err(sql_err)?;
        Ok(ChangeWatch {
            path: self.path.clone(),
            busy_timeout_ms: self.busy_timeout_ms,
            conn,
            version,
            mark,
        })
    }
}

/// What [`Store::foreign_change`] saw last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignSeen {
    version: i64,
    mark: Mark,
}

impl Store {
    /// Whether another process committed a change to cases or actions
    /// since the last call (`seen` keeps what was seen; the first call only
    /// fills it in). `data_version` on this store's own connection moves
    /// only for commits made through other connections, so the writes of
    /// this process do not count; a change of the mark then tells cases
    /// and actions from audit entries and drafts.
    pub fn foreign_change(&self, seen: &mut Option<ForeignSeen>) -> Result<bool, StoreError> {
        let conn = self.lock();
        let version = ChangeWatch::data_version(&conn).map_err(|e| self.sql_err(e))?;
        if seen.is_some_and(|s| s.version == version) {
            return Ok(false);
        }
        let mark = ChangeWatch::read_mark(&conn).map_err(|e| self.sql_err(e))?;
        let changed = seen.is_some_and(|s| s.mark != mark);
        *seen = Some(ForeignSeen { version, mark });
        Ok(changed)
    }
}
