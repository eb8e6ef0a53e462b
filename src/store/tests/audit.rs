use chrono::DateTime;
use rusqlite::Connection;
use serde_json::json;

use super::{entry, store_with, temp_store_path};
use crate::store::chain::{entry_hash, entry_mac, ZERO_HASH};
use crate::store::{AuditFilter, NewAuditEntry, Store, StoreError};

#[test]
fn append_returns_the_stored_entry_and_chains_hashes() {
    let (_dir, path) = temp_store_path();
    let store = Store::open(&path, 5000).unwrap();
    let first = store
        .append_audit(&entry("alice", "search", "query", 1))
        .unwrap();
    let second = store
        .append_audit(&entry("bob", "case_view", "case-7", 2))
        .unwrap();
    assert_eq!((first.id, second.id), (1, 2));
    assert_eq!(first.prev_hash, ZERO_HASH);
    assert_eq!(second.prev_hash, first.hash);
    assert_eq!(first.hash.len(), 64);
    assert!(first
        .hash
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    // Timestamps are RFC 3339 UTC with milliseconds.
    assert!(
        first.at.ends_with('Z') && first.at.len() == 24,
        "{}",
        first.at
    );
    DateTime::parse_from_rfc3339(&first.at).unwrap();

    let listed = store.audit_entries(&AuditFilter::default()).unwrap();
    assert_eq!(listed, vec![first.clone(), second]);

    // The hash covers the stored details text exactly as written.
    let raw = Connection::open(&path).unwrap();
    let details: String = raw
        .query_row("SELECT details FROM audit WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    let recomputed = entry_mac(
        store.keys().current_mac(),
        ZERO_HASH,
        1,
        first.at.as_bytes(),
        b"alice",
        b"search",
        b"query",
        details.as_bytes(),
    );
    assert_eq!(recomputed, first.hash);
}

#[test]
fn hash_encoding_is_unambiguous() {
    let a = entry_hash(ZERO_HASH, 1, b"t", b"ab", b"c", b"s", b"{}");
    let b = entry_hash(ZERO_HASH, 1, b"t", b"a", b"bc", b"s", b"{}");
    let c = entry_hash(ZERO_HASH, 2, b"t", b"ab", b"c", b"s", b"{}");
    assert_ne!(a, b);
    assert_ne!(a, c);
}

#[test]
fn filters_by_operator_kind_subject() {
    let (_dir, path) = temp_store_path();
    let store = Store::open(&path, 5000).unwrap();
    let plan = [
        ("alice", "search", "query"),
        ("bob", "search", "query"),
        ("alice", "case_view", "case-1"),
        ("carol", "export_read", "case-1"),
        ("alice", "search", "query"),
    ];
    for (i, (op, kind, subject)) in plan.iter().enumerate() {
        store
            .append_audit(&entry(op, kind, subject, i as u64))
            .unwrap();
    }
    let ids = |f: AuditFilter| -> Vec<i64> {
        store
            .audit_entries(&f)
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect()
    };
    let expect = |pred: &dyn Fn(&(&str, &str, &str)) -> bool| -> Vec<i64> {
        plan.iter()
            .enumerate()
            .filter(|(_, p)| pred(p))
            .map(|(i, _)| i as i64 + 1)
            .collect()
    };

    let by_op = ids(AuditFilter {
        operator: Some("alice".into()),
        ..Default::default()
    });
    assert_eq!(by_op, expect(&|p| p.0 == "alice"));
    assert_eq!(by_op.len(), 3);

    let by_kind = ids(AuditFilter {
        kind: Some("search".into()),
        ..Default::default()
    });
    assert_eq!(by_kind, expect(&|p| p.1 == "search"));

    let by_subject = ids(AuditFilter {
        subject: Some("case-1".into()),
        ..Default::default()
    });
    assert_eq!(by_subject, expect(&|p| p.2 == "case-1"));

    let combined = ids(AuditFilter {
        operator: Some("alice".into()),
        kind: Some("search".into()),
        ..Default::default()
    });
    assert_eq!(combined, expect(&|p| p.0 == "alice" && p.1 == "search"));

    let none = ids(AuditFilter {
        operator: Some("nobody".into()),
        ..Default::default()
    });
    assert!(none.is_empty());
}

#[test]
fn limit_keeps_the_newest_in_order() {
    let (_dir, store) = store_with(10);
    let got: Vec<i64> = store
        .audit_entries(&AuditFilter {
            limit: Some(3),
            ..Default::default()
        })
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(got, vec![8, 9, 10]);
    let zero = store
        .audit_entries(&AuditFilter {
            limit: Some(0),
            ..Default::default()
        })
        .unwrap();
    assert!(zero.is_empty());
}

#[test]
fn since_filters_by_time_in_any_offset() {
    let (_dir, path) = temp_store_path();
    let store = Store::open(&path, 5000).unwrap();
    let first = store
        .append_audit(&entry("op", "search", "query", 0))
        .unwrap();
    for i in 1..3 {
        store
            .append_audit(&entry("op", "search", "query", i))
            .unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(20));
    let later = store
        .append_audit(&entry("op", "search", "query", 3))
        .unwrap();
    store
        .append_audit(&entry("op", "search", "query", 4))
        .unwrap();

    // The same instant written in Tokyo time.
    let tokyo = DateTime::parse_from_rfc3339(&later.at)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
        .to_rfc3339();
    for since in [later.at.clone(), tokyo] {
        let got: Vec<i64> = store
            .audit_entries(&AuditFilter {
                since: Some(since.clone()),
                ..Default::default()
            })
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(got, vec![4, 5], "since {since}");
    }

    let date = &first.at[..10];
    let all = store
        .audit_entries(&AuditFilter {
            since: Some(date.to_string()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.len(), 5);

    let err = store
        .audit_entries(&AuditFilter {
            since: Some("yesterday\x1b[31m".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidFilter(_)), "{err:?}");
    assert!(!err.to_string().contains('\x1b'));
}

#[test]
fn details_round_trip_any_json() {
    let (_dir, path) = temp_store_path();
    let store = Store::open(&path, 5000).unwrap();
    let details = json!({ "z": 1, "a": [null, true, 1.5, "日本語"], "nested": { "k": "v" } });
    let written = store
        .append_audit(&NewAuditEntry {
            operator: "op".into(),
            kind: crate::domain::AuditKind::Package,
            subject: "case-3".into(),
            details: details.clone(),
        })
        .unwrap();
    let read = store.audit_entries(&AuditFilter::default()).unwrap();
    assert_eq!(read[0].details, details);
    assert_eq!(read[0], written);
    assert!(store.verify_audit().unwrap().is_intact());
}

#[test]
fn intact_chain_of_fifty_verifies() {
    let (_dir, store) = store_with(50);
    let v = store.verify_audit().unwrap();
    assert_eq!(v.entries, 50);
    assert_eq!(v.first_broken, None);
}

#[test]
fn empty_log_verifies() {
    let (_dir, store) = store_with(0);
    let v = store.verify_audit().unwrap();
    assert_eq!(v.entries, 0);
    assert!(v.is_intact());
}

#[test]
fn update_and_delete_are_refused_by_triggers() {
    let (_dir, store) = store_with(3);
    let raw = Connection::open(store.path()).unwrap();
    for sql in [
        "UPDATE audit SET details = '{}' WHERE id = 2",
        "DELETE FROM audit WHERE id = 3",
        "DELETE FROM audit_head",
    ] {
        let err = raw.execute(sql, []).unwrap_err();
        assert!(
            err.to_string().contains("audit log is append-only"),
            "{sql}: {err}"
        );
    }
    let v = store.verify_audit().unwrap();
    assert_eq!(v.entries, 3);
    assert!(v.is_intact());
}

#[test]
fn the_log_can_be_walked_a_page_at_a_time() {
    let (_dir, store) = super::store_with(23);
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = store.audit_entries_after(after, 5).unwrap();
        assert!(page.len() <= 5);
        let Some(last) = page.last() else { break };
        after = last.id;
        seen.extend(page.iter().map(|e| e.id));
    }
    assert_eq!(seen, (1..=23).collect::<Vec<i64>>());
    assert!(store.audit_entries_after(23, 5).unwrap().is_empty());
}

/// Writes `n` entries the way privdesk did before keyed chains (SHA-256,
/// no key id), with the head to match.
fn write_v1_entries(path: &std::path::Path, n: i64) -> String {
    let c = Connection::open(path).unwrap();
    let mut prev = ZERO_HASH.to_string();
    for id in 1..=n {
        let at = "2025-06-01T00:00:00.000Z";
        let h = entry_hash(&prev, id, at.as_bytes(), b"op", b"search", b"query", b"{}");
        c.execute(
            "INSERT INTO audit (id, at, operator, kind, subject, details, prev_hash, hash)
             VALUES (?1, ?2, 'op', 'search', 'query', '{}', ?3, ?4)",
            rusqlite::params![id, at, prev, h],
        )
        .unwrap();
        prev = h;
    }
    c.execute(
        "UPDATE audit_head SET entries = ?1, last_hash = ?2",
        rusqlite::params![n, prev],
    )
    .unwrap();
    prev
}

#[test]
fn a_v1_log_is_sealed_at_open_and_still_verifies_and_a_rotation_is_an_entry() {
    let (dir, path) = temp_store_path();
    drop(Store::open(&path, 5000).unwrap());
    let v1_head = write_v1_entries(&path, 3);

    let store = Store::open(&path, 5000).unwrap();
    let all = store.audit_entries(&AuditFilter::default()).unwrap();
    assert_eq!(all.len(), 4);
    let seal = &all[3];
    assert_eq!(
        (seal.kind.as_str(), seal.operator.as_str()),
        ("audit_sealed", "privdesk")
    );
    assert_eq!(seal.details, json!({"v1_entries": 3, "v1_head": v1_head}));
    assert_eq!(seal.prev_hash, v1_head);
    let v = store.verify_audit().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(
        (v.head.entries, v.head.mac.as_str()),
        (4, seal.hash.as_str())
    );
    assert_eq!(v.head.key_id.as_deref(), Some("mac-1"));
    drop(store);

    // Opening again (as every process does) seals nothing more.
    let store = Store::open(&path, 5000).unwrap();
    store
        .append_audit(&entry("alice", "search", "query", 1))
        .unwrap();
    drop(store);
    assert_eq!(
        Store::open(&path, 5000)
            .unwrap()
            .verify_audit()
            .unwrap()
            .entries,
        5
    );

    // A rotation of the key file is written as the first entry under the new key.
    let key_file = crate::store::default_key_path(&path);
    let before = dir.path().join("audit.key.before");
    std::fs::copy(&key_file, &before).unwrap();
    crate::store::AuditKeys::rotate(&key_file).unwrap();
    let store = Store::open(&path, 5000).unwrap();
    let last = store
        .audit_entries(&AuditFilter::default())
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(last.kind, "audit_key_rotated");
    assert_eq!(last.details, json!({"from": "mac-1", "to": "mac-2"}));
    let v = store.verify_audit().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.key_ids, vec!["mac-1".to_string(), "mac-2".to_string()]);
    drop(store);

    // An older copy of the key file put back is refused, naming the file.
    std::fs::copy(&before, &key_file).unwrap();
    let err = Store::open(&path, 5000).unwrap_err();
    assert!(matches!(err, StoreError::AuditKey { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("audit.key") && text.contains("mac-2"),
        "{text}"
    );
}

#[test]
fn a_keyed_log_without_its_key_file_is_refused_and_left_as_it_was() {
    let (_dir, path) = temp_store_path();
    let store = Store::open(&path, 5000).unwrap();
    store
        .append_audit(&entry("alice", "search", "query", 1))
        .unwrap();
    drop(store);
    let key_file = crate::store::default_key_path(&path);
    std::fs::remove_file(&key_file).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    let err = Store::open(&path, 5000).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("audit.key") && text.contains("does not exist"),
        "{text}"
    );
    assert!(
        !key_file.exists(),
        "no new key file is made for a keyed log"
    );
    assert_eq!(std::fs::metadata(&path).unwrap().len(), size);
}
