//! Store tests against real SQLite files in temporary folders.

mod actions;
mod audit;
mod cases;
mod concurrency;
mod open;
pub(crate) mod permissions;
mod retention;
mod tamper;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde_json::json;

use super::{NewAuditEntry, Store};

/// A temporary folder and the path of a store file inside it.
pub(super) fn temp_store_path() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("privdesk.db");
    (dir, path)
}

pub(super) fn entry(operator: &str, kind: &str, subject: &str, n: u64) -> NewAuditEntry {
    NewAuditEntry {
        operator: operator.to_string(),
        kind: kind.parse().expect("a known audit kind"),
        subject: subject.to_string(),
        details: json!({ "n": n, "systems": ["crm", "billing"] }),
    }
}

/// A store holding `n` entries by operators `op0`..`op2`.
pub(super) fn store_with(n: u64) -> (tempfile::TempDir, Store) {
    let (dir, path) = temp_store_path();
    let store = Store::open(&path, 5000).expect("open store");
    for i in 0..n {
        let op = format!("op{}", i % 3);
        store
            .append_audit(&entry(&op, "search", "query", i))
            .expect("append");
    }
    (dir, store)
}

/// A second, independent connection to the same file, with the append-only
/// triggers dropped, as someone tampering with the file would do.
pub(super) fn tamper_conn(path: &Path) -> Connection {
    let c = Connection::open(path).expect("raw open");
    c.execute_batch(
        "DROP TRIGGER audit_no_update;
         DROP TRIGGER audit_no_delete;
         DROP TRIGGER audit_head_no_delete;",
    )
    .expect("drop triggers");
    c
}
