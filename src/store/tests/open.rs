use std::fs;
use std::os::unix::fs::PermissionsExt;

use rusqlite::Connection;

use super::permissions::read_only_for_this_thread;
use super::{entry, temp_store_path};
use crate::store::migrate::{latest_version, MIGRATIONS};
use crate::store::{Store, StoreError};

#[test]
fn open_creates_private_folder_and_file_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("state").join("privdesk");
    let path = folder.join("store.db");
    let store = Store::open(&path, 5000).expect("open");
    assert_eq!(store.path(), path.as_path());

    let file_mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(file_mode, 0o600, "store file mode is {file_mode:o}");
    let dir_mode = fs::metadata(&folder).unwrap().permissions().mode() & 0o777;
    assert_eq!(dir_mode, 0o700, "store folder mode is {dir_mode:o}");

    let raw = Connection::open(&path).unwrap();
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store
        .lock()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
}

#[test]
fn reopen_applies_migrations_once() {
    let (_dir, path) = temp_store_path();
    let first = Store::open(&path, 5000).unwrap();
    assert_eq!(first.schema_version().unwrap(), latest_version());
    first
        .append_audit(&entry("op", "search", "query", 1))
        .unwrap();
    drop(first);

    let second = Store::open(&path, 5000).unwrap();
    assert_eq!(second.schema_version().unwrap(), latest_version());
    let raw = Connection::open(&path).unwrap();
    let rows: i64 = raw
        .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows as usize, MIGRATIONS.len());
    let names: Vec<String> = raw
        .prepare("SELECT name FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected: Vec<String> = MIGRATIONS.iter().map(|m| m.name.to_string()).collect();
    assert_eq!(names, expected);
    // Data written before the reopen is still there.
    assert_eq!(second.verify_audit().unwrap().entries, 1);
}

#[test]
fn newer_schema_is_refused() {
    let (_dir, path) = temp_store_path();
    drop(Store::open(&path, 5000).unwrap());
    let future = latest_version() + 1;
    Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, 'future', 'x')",
            [future],
        )
        .unwrap();
    let err = Store::open(&path, 5000).unwrap_err();
    assert!(
        matches!(err, StoreError::NewerSchema { found, known, .. } if found == future && known == latest_version()),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("upgrade privdesk"), "{msg}");
}

#[test]
fn unwritable_parent_folder_gives_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    fs::write(&blocker, b"x").unwrap();
    let path = blocker.join("sub").join("store.db");
    let err = Store::open(&path, 5000).unwrap_err();
    assert!(matches!(err, StoreError::CreateFolder { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains(&blocker.join("sub").display().to_string()),
        "{msg}"
    );
    assert!(msg.contains("cannot create the folder"), "{msg}");
}

#[test]
fn read_only_file_is_reported() {
    let (_dir, path) = temp_store_path();
    drop(Store::open(&path, 5000).unwrap());
    let bind = read_only_for_this_thread(&path);
    let err = Store::open(&path, 5000).unwrap_err();
    drop(bind);
    let msg = err.to_string();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
    assert!(
        msg.starts_with(&format!("the store {} is read-only", path.display())),
        "{msg}"
    );
    assert!(msg.contains("check the file's permissions"), "{msg}");
}

#[test]
fn sqlite_read_only_error_maps_to_read_only_message() {
    // Runs even as root: a connection opened read-only yields a real SQLITE_READONLY.
    let (_dir, path) = temp_store_path();
    drop(Store::open(&path, 5000).unwrap());
    let ro =
        Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let sql_err = ro
        .execute("INSERT INTO audit_head VALUES (2, 0, 'x')", [])
        .unwrap_err();
    let err = crate::store::error::map_sqlite(&path, 5000, sql_err);
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("the store {} is read-only", path.display())),
        "{msg}"
    );
    assert!(msg.contains("check the file's permissions"), "{msg}");
}

#[test]
fn file_that_is_not_a_database_is_refused() {
    let (_dir, path) = temp_store_path();
    fs::write(&path, vec![b'#'; 4096]).unwrap();
    let err = Store::open(&path, 5000).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    assert!(err.to_string().contains("is not a privdesk store"));
}

#[test]
fn lock_held_past_timeout_gives_busy_message() {
    let (_dir, path) = temp_store_path();
    let store = Store::open(&path, 200).unwrap();
    let mut other = Connection::open(&path).unwrap();
    let tx = other
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let err = store
        .append_audit(&entry("op", "search", "query", 1))
        .unwrap_err();
    tx.rollback().unwrap();
    assert!(
        matches!(
            err,
            StoreError::Busy {
                timeout_ms: 200,
                ..
            }
        ),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("is busy"), "{msg}");
    assert!(msg.contains("try again"), "{msg}");
    // The lock is gone now, so the same append succeeds.
    store
        .append_audit(&entry("op", "search", "query", 1))
        .unwrap();
}

#[test]
fn busy_message_states_the_timeout_in_seconds() {
    let err = StoreError::Busy {
        path: "/x/store.db".into(),
        timeout_ms: 5000,
    };
    assert_eq!(
        err.to_string(),
        "the store /x/store.db is busy (another privdesk session holds a lock for more than 5 s); try again"
    );
}

#[test]
fn disk_full_writes_nothing() {
    let (_dir, path) = temp_store_path();
    let store = Store::open(&path, 5000).unwrap();
    store
        .append_audit(&entry("op", "search", "query", 1))
        .unwrap();
    {
        // Cap the file at its current size so the next large write hits SQLITE_FULL.
        let conn = store.lock();
        let pages: i64 = conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        let _: i64 = conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get(0)
            })
            .unwrap();
    }
    let mut big = entry("op", "export_read", "case", 2);
    big.details = serde_json::json!({ "blob": "x".repeat(200_000) });
    let err = store.append_audit(&big).unwrap_err();
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "disk full while writing to the store {}: nothing was written (free some space and try again)",
            path.display()
        )
    );
    let v = store.verify_audit().unwrap();
    assert_eq!(v.entries, 1);
    assert!(v.is_intact(), "{v:?}");
}

#[test]
fn a_folder_as_store_path_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let err = match Store::open(dir.path(), 1000) {
        Err(e) => e,
        Ok(_) => panic!("a folder opened as a store"),
    };
    assert!(matches!(err, StoreError::OpenFile { .. }), "{err:?}");
    assert!(err.to_string().contains("this is a folder"), "{err}");
}
