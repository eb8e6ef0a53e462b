//! Each test tampers with the file through its own connection after dropping
//! the append-only triggers, then checks that verification points at the first
//! broken entry and names the kind of break.

use rusqlite::{params, Connection};

use super::{entry, store_with, tamper_conn};
use crate::store::chain::{entry_hash, entry_mac};
use crate::store::{BrokenLink, MacKey, Store, StoreError};

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

/// The MAC of a forged entry under `key`, as a tamperer who holds the key
/// file would compute it (what the chain alone is tested against).
fn mac(key: &MacKey, prev: &str, id: i64, fields: [&str; 5]) -> String {
    let [at, op, kind, subject, details] = fields.map(str::as_bytes);
    entry_mac(key, prev, id, at, op, kind, subject, details)
}

/// Recomputes the stored hash of entry `id` from its current row, as a
/// tamperer who knows the scheme and holds the key would.
fn rehash(store: &Store, c: &Connection, id: i64) {
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
    let h = mac(
        store.keys().current_mac(),
        &prev,
        id,
        [&at, &op, &kind, &subject, &details],
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
    rehash(&store, &c, 30);
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
    let h = mac(
        store.keys().current_mac(),
        &prev,
        6,
        [at, "op0", "search", "query", details],
    );
    c.execute(
        "INSERT INTO audit (id, at, operator, kind, subject, details, prev_hash, hash, key_id)
         VALUES (6, ?1, 'op0', 'search', 'query', ?2, ?3, ?4, 'mac-1')",
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
         INSERT INTO audit (id, at, operator, kind, subject, details, prev_hash, hash, key_id)
         VALUES (6, '2025-01-01T00:00:00.000Z', 'op0', 'search', 'query', '{}', 'abc', 'def', 'mac-1');",
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
    let h = mac(
        store.keys().current_mac(),
        &prev,
        id,
        [at, "op", "k", "s", "{}"],
    );
    c.execute(
        "INSERT INTO audit VALUES (?1, ?2, 'op', 'k', 's', '{}', ?3, ?4, 'mac-1')",
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
    rehash(&store, &c, N as i64);
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
        store.append_audit(&entry("op", "search", "s", 1)),
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

/// Every entry's hash recomputed from `from` on, the way `hash_of` says,
/// with prev links and the head updated to match: a whole rewrite.
fn rewrite_chain(
    c: &Connection,
    key_id: Option<&str>,
    hash_of: impl Fn(&str, i64, [&str; 5]) -> String,
) {
    let rows: Vec<(i64, [String; 5])> = c
        .prepare("SELECT id, at, operator, kind, subject, details FROM audit ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut prev = crate::store::chain::ZERO_HASH.to_string();
    for (id, f) in &rows {
        let h = hash_of(&prev, *id, [&f[0], &f[1], &f[2], &f[3], &f[4]]);
        c.execute(
            "UPDATE audit SET prev_hash = ?1, hash = ?2, key_id = ?3 WHERE id = ?4",
            params![prev, h, key_id, id],
        )
        .unwrap();
        prev = h;
    }
    c.execute(
        "UPDATE audit_head SET entries = ?1, last_hash = ?2",
        params![rows.len() as i64, prev],
    )
    .unwrap();
}

#[test]
fn a_chain_rewritten_with_unkeyed_hashes_is_caught() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    c.execute("UPDATE audit SET details = '{\"n\":999}' WHERE id = 20", [])
        .unwrap();
    // Someone who can write the store but not read the key file: the v1
    // scheme, which needs no key, for every entry, with the head to match.
    rewrite_chain(&c, None, |prev, id, [a, o, k, s, d]| {
        entry_hash(
            prev,
            id,
            a.as_bytes(),
            o.as_bytes(),
            k.as_bytes(),
            s.as_bytes(),
            d.as_bytes(),
        )
    });
    assert_reason(
        &first_broken(&store),
        1,
        &[
            "never sealed with the key file",
            "rewritten without the key",
        ],
    );
    // Opening it again does not seal the rewrite as if it were a log of
    // before keyed chains: its entries are younger than the key.
    let path = store.path().to_path_buf();
    drop(store);
    let store = Store::open(&path, 5000).unwrap();
    assert_eq!(store.verify_audit().unwrap().entries, N);
    assert_reason(&first_broken(&store), 1, &["never sealed"]);
}

#[test]
fn unkeyed_entries_after_the_keyed_ones_are_caught() {
    let (_dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    // The keyed start is kept; from entry 10 on the chain is redone unkeyed.
    let keyed: Vec<(i64, String)> = c
        .prepare("SELECT id, hash FROM audit WHERE id < 10 ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rewrite_chain(&c, None, |prev, id, [a, o, k, s, d]| {
        match keyed.iter().find(|(i, _)| *i == id) {
            Some((_, h)) => h.clone(),
            None => entry_hash(
                prev,
                id,
                a.as_bytes(),
                o.as_bytes(),
                k.as_bytes(),
                s.as_bytes(),
                d.as_bytes(),
            ),
        }
    });
    c.execute("UPDATE audit SET key_id = 'mac-1' WHERE id < 10", [])
        .unwrap();
    assert_reason(
        &first_broken(&store),
        10,
        &[
            "entry 10 is unkeyed after the chain was keyed at entry 1",
            "without the key",
        ],
    );
}

#[test]
fn a_chain_rewritten_under_another_key_is_caught() {
    let (dir, store) = store_with(N);
    let c = tamper_conn(store.path());
    let other = crate::store::AuditKeys::create(&dir.path().join("other.key")).unwrap();
    let key = other.current_mac().clone();
    assert_eq!(key.id, "mac-1", "the same id, a different secret");
    rewrite_chain(&c, Some("mac-1"), |prev, id, f| mac(&key, prev, id, f));
    assert_reason(
        &first_broken(&store),
        1,
        &["entry 1 was changed", "hash mismatch"],
    );

    // A key id the key file does not hold is named as such.
    c.execute("UPDATE audit SET key_id = 'mac-9' WHERE id = 3", [])
        .unwrap();
    rewrite_chain(&c, Some("mac-1"), |prev, id, f| {
        mac(store.keys().current_mac(), prev, id, f)
    });
    c.execute("UPDATE audit SET key_id = 'mac-9' WHERE id = 3", [])
        .unwrap();
    assert_reason(
        &first_broken(&store),
        3,
        &["MAC key \"mac-9\"", "does not hold"],
    );
}
