//! Store faults on case writes: a read-only store and a full disk write
//! nothing, and say so clearly.

use super::temp_store_path;
use crate::domain::{case_rules, Category, NewCase};
use crate::store::{ContactKeys, NewAuditEntry, Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::json;

fn new_case(description: &str) -> crate::domain::Case {
    let mut n = NewCase::new(Category::Inquiry, "phone");
    n.description = description.to_string();
    let channels: Vec<String> = crate::domain::case::DEFAULT_CHANNELS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let received = DateTime::parse_from_rfc3339("2026-01-05T10:00:00+09:00").unwrap();
    case_rules::new_case(&n, &channels, received, "alice", Utc::now()).unwrap()
}

fn audit() -> NewAuditEntry {
    NewAuditEntry {
        operator: "alice".into(),
        kind: crate::domain::AuditKind::CaseCreate,
        subject: String::new(),
        details: json!({}),
    }
}

fn create(store: &Store, description: &str) -> Result<crate::domain::Case, StoreError> {
    store.create_case(
        &new_case(description),
        &ContactKeys::default(),
        2026,
        &[],
        json!({}),
        &audit(),
    )
}

fn counts(path: &std::path::Path) -> [i64; 4] {
    let raw = rusqlite::Connection::open(path).unwrap();
    let q = |sql: &str| -> i64 { raw.query_row(sql, [], |r| r.get(0)).unwrap() };
    [
        q("SELECT COUNT(*) FROM cases"),
        q("SELECT COUNT(*) FROM case_events"),
        q("SELECT COALESCE(MAX(last), 0) FROM case_sequences"),
        q("SELECT COUNT(*) FROM audit"),
    ]
}

#[test]
fn a_read_only_store_refuses_case_writes_clearly() {
    // Runs as root too: `query_only` makes SQLite refuse every write with
    // SQLITE_READONLY, as a read-only file does for other users.
    let (_dir, path) = temp_store_path();
    let store = Store::open(&path, 5000).unwrap();
    create(&store, "before").unwrap();
    store
        .lock()
        .pragma_update(None, "query_only", true)
        .unwrap();
    let before = counts(&path);
    let err = create(&store, "after").unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("the store {} is read-only", path.display())),
        "{msg}"
    );
    assert!(msg.contains("check the file's permissions"), "{msg}");
    assert_eq!(counts(&path), before);
    // Reading still works.
    assert_eq!(
        store
            .get_case(crate::domain::CaseId::new(2026, 1))
            .unwrap()
            .map(|c| c.version),
        Some(1)
    );
}

#[test]
fn a_full_disk_writes_no_half_case() {
    let (_dir, path) = temp_store_path();
    let store = Store::open(&path, 5000).unwrap();
    create(&store, "first").unwrap();
    {
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
    let before = counts(&path);
    // A description as long as allowed, several pages once stored.
    let err = create(&store, &"x".repeat(case_rules::MAX_TEXT_CHARS)).unwrap_err();
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
    assert!(err.to_string().contains("nothing was written"), "{err}");
    assert_eq!(counts(&path), before);
    assert!(store.verify_audit().unwrap().is_intact());
}
