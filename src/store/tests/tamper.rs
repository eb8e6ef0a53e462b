//! Each test tampers with the file through its own connection after dropping
//! the append-only triggers, then checks that verification points at the first
//! broken entry and names the kind of break.

use rusqlite::{params, Connection};

use super::{entry, store_with, tamper_conn};
use crate::store::chain::entry_hash;
use crate::store::{BrokenLink, Store, StoreError};

const N: u64 = 50;

fn first_broken(store: &Store) -> BrokenLink {
    let v = store.verify_audit().expect("verify runs");
    v.first_broken
        .unwrap_or_else(|| panic!("tampering was not detected ({} entries)", v.entries))
}

fn assert_reason(link: &BrokenLink, id: i64, words: &[&str]) {
    assert_eq!(link.id, id, "{}", link.reason);
    for w in words {
        assert!(
            link.reason.contains(w),
            "reason {:?} lacks {w:?}",
            link.reason
        );
    }
}

fn hash_of(c: &Connection, id: i64) -> String {
    c.query_row("SELECT hash FROM audit WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

/// Recomputes the stored hash of entry `id` from its current row, as a
/// tamperer who knows the scheme would.
fn rehash(c: &Connection, id: i64) {
    let (at, op, kind, subject, details, prev): (String, String, String, String, String, String) =
        c.query_row(
            "SELECT at, operator, kind, subject, details, prev_hash FROM audit WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .unwrap();
    let h = entry_hash(
        &prev,
        id,
        at.as_bytes(),
        op.as_bytes(),
        kind.as_bytes(),
        subject.as_bytes(),
        details.as_bytes(),
    );
    c.execute("UPDATE audit SET hash = ?1 WHERE id = ?2", params![h, id])
        .unwrap();
}

#[test]
fn edited_details_are_caught_at_that_entry() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute("UPDATE audit SET details = '{\"n\":999}' WHERE id = 17", [])
        .unwrap();
    assert_reason(
        &first_broken(&store),
        17,
        &["entry 17 was changed", "hash mismatch"],
    );
}

#[test]
fn edited_operator_is_caught_at_that_entry() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute(
        "UPDATE audit SET operator = 'someone-else' WHERE id = 23",
        [],
    )
    .unwrap();
    assert_reason(&first_broken(&store), 23, &["entry 23 was changed"]);
}

#[test]
fn edited_field_of_wrong_type_is_caught() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute("UPDATE audit SET subject = X'6869' WHERE id = 9", [])
        .unwrap();
    assert_reason(&first_broken(&store), 9, &["changed", "subject"]);
}

#[test]
fn edit_with_recomputed_hash_is_caught_at_the_next_entry() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute("UPDATE audit SET details = '{}' WHERE id = 30", [])
        .unwrap();
    rehash(&c, 30);
    assert_reason(
        &first_broken(&store),
        31,
        &["entry 31 does not follow entry 30", "rewritten"],
    );
}

#[test]
fn deleted_middle_entry_is_caught_at_the_following_entry() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute("DELETE FROM audit WHERE id = 17", []).unwrap();
    let link = first_broken(&store);
    assert_reason(&link, 18, &["entry 18 does not follow entry 16", "removed"]);
    assert_eq!(store.verify_audit().unwrap().entries, N - 1);
}

#[test]
fn deleted_first_entry_is_caught() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute("DELETE FROM audit WHERE id = 1", []).unwrap();
    assert_reason(&first_broken(&store), 2, &["starts at entry 2", "removed"]);
}

#[test]
fn deletion_hidden_by_renumbering_is_caught() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute_batch(
        "DELETE FROM audit WHERE id = 20;
         UPDATE audit SET id = id + 1000 WHERE id > 20;
         UPDATE audit SET id = id - 1001 WHERE id > 1000;",
    )
    .unwrap();
    assert_reason(
        &first_broken(&store),
        20,
        &["entry 20 holds the contents of entry 21", "removed"],
    );
}

#[test]
fn swapped_entries_are_caught_at_the_first_of_them() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    let cols = "at, operator, kind, subject, details, prev_hash, hash";
    c.execute_batch(&format!(
        "CREATE TEMP TABLE a AS SELECT {cols} FROM audit WHERE id = 10;
         CREATE TEMP TABLE b AS SELECT {cols} FROM audit WHERE id = 30;
         UPDATE audit SET ({cols}) = (SELECT {cols} FROM b) WHERE id = 10;
         UPDATE audit SET ({cols}) = (SELECT {cols} FROM a) WHERE id = 30;"
    ))
    .unwrap();
    assert_reason(
        &first_broken(&store),
        10,
        &["entry 10 holds the contents of entry 30", "reordered"],
    );
}

#[test]
fn swapped_neighbours_are_caught() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute_batch(
        "UPDATE audit SET id = 1000 WHERE id = 12;
         UPDATE audit SET id = 12 WHERE id = 13;
         UPDATE audit SET id = 13 WHERE id = 1000;",
    )
    .unwrap();
    assert_reason(
        &first_broken(&store),
        12,
        &["entry 12 holds the contents of entry 13", "reordered"],
    );
}

#[test]
fn swapped_contents_without_hashes_are_caught() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    let cols = "at, operator, kind, subject, details";
    c.execute_batch(&format!(
        "CREATE TEMP TABLE a AS SELECT {cols} FROM audit WHERE id = 5;
         CREATE TEMP TABLE b AS SELECT {cols} FROM audit WHERE id = 6;
         UPDATE audit SET ({cols}) = (SELECT {cols} FROM b) WHERE id = 5;
         UPDATE audit SET ({cols}) = (SELECT {cols} FROM a) WHERE id = 6;"
    ))
    .unwrap();
    assert_reason(&first_broken(&store), 5, &["entry 5 was changed"]);
}

#[test]
fn forged_entry_inserted_in_the_middle_is_caught() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    // Make room after entry 5, then insert a forged entry 6 with a correct hash.
    c.execute_batch(
        "UPDATE audit SET id = id + 1000 WHERE id > 5;
         UPDATE audit SET id = id - 999 WHERE id > 1000;",
    )
    .unwrap();
    let prev = hash_of(&c, 5);
    let at = "2025-01-01T00:00:00.000Z";
    let details = "{\"n\":0}";
    let h = entry_hash(
        &prev,
        6,
        at.as_bytes(),
        b"op0",
        b"search",
        b"query",
        details.as_bytes(),
    );
    c.execute(
        "INSERT INTO audit (id, at, operator, kind, subject, details, prev_hash, hash)
         VALUES (6, ?1, 'op0', 'search', 'query', ?2, ?3, ?4)",
        params![at, details, prev, h],
    )
    .unwrap();
    assert_reason(
        &first_broken(&store),
        7,
        &["entry 7 holds the contents of entry 6", "inserted"],
    );
}

#[test]
fn forged_entry_with_wrong_hash_is_caught_where_it_sits() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute_batch(
        "UPDATE audit SET id = id + 1000 WHERE id > 5;
         UPDATE audit SET id = id - 999 WHERE id > 1000;
         INSERT INTO audit (id, at, operator, kind, subject, details, prev_hash, hash)
         VALUES (6, '2025-01-01T00:00:00.000Z', 'op0', 'search', 'query', '{}', 'abc', 'def');",
    )
    .unwrap();
    assert_reason(
        &first_broken(&store),
        6,
        &["entry 6 was changed", "does not follow entry 5"],
    );
}

#[test]
fn deleted_last_entry_is_caught_by_the_head() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute("DELETE FROM audit WHERE id = ?1", [N as i64])
        .unwrap();
    let link = first_broken(&store);
    assert_reason(
        &link,
        N as i64,
        &["head records 50 entries", "removed from the end"],
    );

    // Appending now would hide the cut, so it is refused and writes nothing.
    let err = store
        .append_audit(&entry("op", "search", "query", 0))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::AuditHeadMismatch { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("nothing was written"));
    assert_eq!(store.verify_audit().unwrap().entries, N - 1);
}

#[test]
fn several_trailing_entries_removed_are_caught() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute("DELETE FROM audit WHERE id > 45", []).unwrap();
    assert_reason(
        &first_broken(&store),
        46,
        &["entries 46 to 50 were removed"],
    );
}

#[test]
fn entry_appended_behind_the_heads_back_is_caught() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    let id = N as i64 + 1;
    let prev = hash_of(&c, N as i64);
    let at = "2025-01-01T00:00:00.000Z";
    let h = entry_hash(&prev, id, at.as_bytes(), b"op", b"k", b"s", b"{}");
    c.execute(
        "INSERT INTO audit VALUES (?1, ?2, 'op', 'k', 's', '{}', ?3, ?4, NULL)",
        params![id, at, prev, h],
    )
    .unwrap();
    assert_reason(&first_broken(&store), id, &["head records 50", "inserted"]);
}

#[test]
fn replaced_last_entry_is_caught_by_the_head() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute("UPDATE audit SET details = '{}' WHERE id = ?1", [N as i64])
        .unwrap();
    rehash(&c, N as i64);
    assert_reason(
        &first_broken(&store),
        N as i64,
        &["does not match the head", "replaced"],
    );
}

#[test]
fn deleted_head_is_caught() {
    let (_dir, store) = store_with(5);
    let c = tamper_conn(store.path());
    c.execute("DELETE FROM audit_head", []).unwrap();
    assert_reason(&first_broken(&store), 0, &["head record is missing"]);
    assert!(matches!(
        store.append_audit(&entry("op", "k", "s", 1)),
        Err(StoreError::AuditHeadMismatch { .. })
    ));
}

#[test]
fn details_that_are_not_json_make_listing_fail_clearly() {
    let (_dir, store) = store_with(3);
    let c = tamper_conn(store.path());
    c.execute("UPDATE audit SET details = 'not json' WHERE id = 2", [])
        .unwrap();
    let err = store
        .audit_entries(&crate::store::AuditFilter::default())
        .unwrap_err();
    assert!(matches!(err, StoreError::BadData { .. }), "{err:?}");
    assert!(err.to_string().contains("audit entry 2"), "{err}");
    assert_reason(&first_broken(&store), 2, &["changed"]);
}
