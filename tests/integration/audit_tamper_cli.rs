//! Tampering with the store file by SQL, one test per kind of tampering,
//! each caught by `privdesk audit verify` (the real binary): exit 1 and
//! the first broken entry named with what is wrong. Also the demo's step
//! with the `sqlite3` command-line shell, which must be installed.

use crate::common;

use common::*;
use privdesk::domain::AuditKind;
use privdesk::store::NewAuditEntry;
use rusqlite::{params, Connection};
use serde_json::{json, Value};

const N: i64 = 8;

/// A store with `N` entries written by privdesk, and a connection that can
/// change them (the append-only triggers dropped, as someone with write
/// access to the file could).
fn store_with_entries() -> (Env, Connection) {
    let env = Env::offline();
    let store = env.store();
    for i in 1..=N {
        store
            .append_audit(&NewAuditEntry {
                operator: if i % 2 == 0 { "sue" } else { "demo-agent" }.into(),
                kind: AuditKind::CaseView,
                subject: format!("PD-2026-{i:06}"),
                details: json!({ "version": i }),
            })
            .unwrap();
    }
    drop(store);
    let c = Connection::open(env.store_path()).unwrap();
    c.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        .unwrap();
    (env, c)
}

/// `audit verify --json` must fail, naming entry `id` with these words.
fn broken_at(env: &Env, id: i64, words: &[&str]) {
    let o = env.run(&["audit", "verify", "--json"]);
    assert_exit(&o, 1);
    let v: Value = json(&o);
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["first_broken"]["id"], id, "{v}");
    let reason = v["first_broken"]["reason"].as_str().unwrap();
    for w in words {
        assert!(reason.contains(w), "{reason:?} lacks {w:?}");
    }
    // The text form says the same.
    let o = env.run(&["audit", "verify"]);
    assert_exit(&o, 1);
    assert_eq!(
        stdout(&o),
        format!("audit chain BROKEN at entry {id}: {reason}\n")
    );
}

#[test]
fn an_untouched_chain_verifies() {
    let (env, _c) = store_with_entries();
    let o = env.run(&["audit", "verify", "--json"]);
    assert_exit(&o, 0);
    assert_eq!(json(&o)["entries"], N);
}

/// Every hash recomputed with the unkeyed scheme anyone can compute, the
/// links and the head updated to match: the rewrite of someone who can write
/// the store but not read the key file.
#[test]
fn a_chain_rewritten_with_recomputed_unkeyed_hashes() {
    use sha2::{Digest, Sha256};
    let (env, c) = store_with_entries();
    c.execute("UPDATE audit SET operator = 'nobody' WHERE id = 3", [])
        .unwrap();
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
    let mut prev = "0".repeat(64);
    for (id, fields) in &rows {
        let mut h = Sha256::new();
        let id_text = id.to_string();
        let mut parts: Vec<&[u8]> = vec![b"privdesk audit v1", prev.as_bytes(), id_text.as_bytes()];
        parts.extend(fields.iter().map(|f| f.as_bytes()));
        for p in parts {
            h.update((p.len() as u64).to_be_bytes());
            h.update(p);
        }
        let hash = hex::encode(h.finalize());
        c.execute(
            "UPDATE audit SET prev_hash = ?1, hash = ?2, key_id = NULL WHERE id = ?3",
            params![prev, hash, id],
        )
        .unwrap();
        prev = hash;
    }
    c.execute(
        "UPDATE audit_head SET entries = ?1, last_hash = ?2",
        params![rows.len() as i64, prev],
    )
    .unwrap();
    broken_at(
        &env,
        1,
        &[
            "never sealed with the key file",
            "rewritten without the key",
        ],
    );
}

/// The key file gone from a keyed log: a clear error naming it, the exit
/// code of other store errors, and nothing written (no new key either).
#[test]
fn a_missing_key_file_is_named_and_nothing_is_written() {
    let (env, c) = store_with_entries();
    drop(c);
    let key_file = env.store_path().with_file_name("audit.key");
    std::fs::remove_file(&key_file).unwrap();
    let before = std::fs::read(env.store_path()).unwrap();
    for args in [&["audit", "verify"][..], &["audit", "log"][..]] {
        let o = env.run(args);
        assert_exit(&o, 1);
        let err = stderr(&o);
        assert!(
            err.contains(&key_file.display().to_string()) && err.contains("does not exist"),
            "{}",
            show(&o)
        );
        assert!(err.contains("keyed since entry 1"), "{err}");
    }
    assert!(!key_file.exists(), "a keyed log gets no new key file");
    assert_eq!(std::fs::read(env.store_path()).unwrap(), before);
}

/// `audit rotate-key` adds a key; the next open writes the rotation as an
/// entry under the new key, and the chain still verifies.
#[test]
fn a_key_rotation_is_an_entry_and_the_chain_still_verifies() {
    let (env, c) = store_with_entries();
    drop(c);
    let o = env.run(&["audit", "rotate-key"]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("new current MAC key mac-2"),
        "{}",
        show(&o)
    );
    let o = env.run(&["audit", "verify", "--json"]);
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(v["key_ids"], json!(["mac-1", "mac-2"]), "{v}");
    assert_eq!(v["head"]["key_id"], "mac-2");
    let rotated = env.audit("audit_key_rotated");
    assert_eq!(rotated.len(), 1);
    assert_eq!(rotated[0].details, json!({"from": "mac-1", "to": "mac-2"}));
    assert_eq!(rotated[0].id, N + 1);
}

#[test]
fn an_edited_entry() {
    let (env, c) = store_with_entries();
    let n = c
        .execute("UPDATE audit SET operator = 'nobody' WHERE id = 5", [])
        .unwrap();
    assert_eq!(n, 1);
    broken_at(&env, 5, &["entry 5 was changed", "hash mismatch"]);
}

#[test]
fn a_deleted_entry_in_the_middle() {
    let (env, c) = store_with_entries();
    c.execute("DELETE FROM audit WHERE id = 4", []).unwrap();
    broken_at(&env, 5, &["entry 4 is missing", "removed"]);
}

#[test]
fn the_last_entry_deleted() {
    let (env, c) = store_with_entries();
    c.execute("DELETE FROM audit WHERE id = ?1", [N]).unwrap();
    broken_at(
        &env,
        N,
        &[
            &format!("the head records {N} entries"),
            "removed from the end",
        ],
    );
}

#[test]
fn two_entries_swapped() {
    let (env, c) = store_with_entries();
    // Entries 3 and 6 change places, hashes and all.
    c.execute_batch(
        "UPDATE audit SET id = -3 WHERE id = 3;
         UPDATE audit SET id = 3 WHERE id = 6;
         UPDATE audit SET id = 6 WHERE id = -3;",
    )
    .unwrap();
    broken_at(&env, 3, &["entry 3 holds the contents of entry 6"]);
}

#[test]
fn two_neighbours_reordered_by_contents() {
    let (env, c) = store_with_entries();
    // The rows keep their ids; what they say trades places.
    c.execute_batch(
        "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE id IN (6, 7);
         UPDATE audit SET at = (SELECT at FROM t WHERE id = 7), operator = (SELECT operator FROM t WHERE id = 7),
                          subject = (SELECT subject FROM t WHERE id = 7), details = (SELECT details FROM t WHERE id = 7)
           WHERE id = 6;
         UPDATE audit SET at = (SELECT at FROM t WHERE id = 6), operator = (SELECT operator FROM t WHERE id = 6),
                          subject = (SELECT subject FROM t WHERE id = 6), details = (SELECT details FROM t WHERE id = 6)
           WHERE id = 7;",
    )
    .unwrap();
    broken_at(&env, 6, &["entry 6 was changed"]);
}

#[test]
fn a_forged_entry_inserted() {
    let (env, c) = store_with_entries();
    // Appended behind privdesk's back, linked to the last hash, naming the
    // key its neighbours name (a MAC it cannot compute without the key).
    let last: String = c
        .query_row("SELECT hash FROM audit WHERE id = ?1", [N], |r| r.get(0))
        .unwrap();
    c.execute(
        "INSERT INTO audit (id, at, operator, kind, subject, details, prev_hash, hash, key_id)
         VALUES (?1, '2026-11-24T01:00:00.000Z', 'sue', 'case_view', 'PD-2026-000099', '{}', ?2, ?3, 'mac-1')",
        params![N + 1, last, "ab".repeat(32)],
    )
    .unwrap();
    broken_at(&env, N + 1, &[&format!("entry {} was changed", N + 1)]);
}

#[test]
fn a_forged_entry_inserted_in_the_middle() {
    let (env, c) = store_with_entries();
    // Everything from entry 4 moves up one; a forged entry takes its place.
    c.execute_batch(&format!(
        "UPDATE audit SET id = id + 100 WHERE id >= 4;
         UPDATE audit SET id = id - 99 WHERE id >= 104;
         INSERT INTO audit (id, at, operator, kind, subject, details, prev_hash, hash, key_id)
         VALUES (4, '2026-11-24T01:00:00.000Z', 'sue', 'case_view', 'PD-2026-000099', '{{}}',
                 (SELECT hash FROM audit WHERE id = 3), '{}', 'mac-1');",
        "cd".repeat(32)
    ))
    .unwrap();
    broken_at(&env, 4, &["entry 4 was changed"]);
}

#[test]
fn the_head_row_changed() {
    let (env, c) = store_with_entries();
    c.execute(
        "UPDATE audit_head SET last_hash = ?1 WHERE singleton = 1",
        ["ef".repeat(32)],
    )
    .unwrap();
    broken_at(&env, N, &["does not match the head record"]);
    c.execute("UPDATE audit_head SET entries = 3 WHERE singleton = 1", [])
        .unwrap();
    broken_at(&env, 4, &["the head records 3", "inserted"]);
}

#[test]
fn a_tampered_log_refuses_new_entries_rather_than_hiding_the_cut() {
    let (env, c) = store_with_entries();
    c.execute("DELETE FROM audit WHERE id = ?1", [N]).unwrap();
    // Writing the next entry would make the cut look like the end.
    let o = env.run(&["--as", "demo-auditor", "audit", "log"]);
    assert_ne!(o.status.code(), Some(0), "{}", show(&o));
    assert!(stderr(&o).contains("head"), "{}", show(&o));
    broken_at(&env, N, &["removed from the end"]);
}

/// The demo step: verify passes, a row is edited with the sqlite3 shell,
/// verify fails at that row.
#[test]
fn editing_a_row_with_the_sqlite3_shell_is_caught() {
    let version = std::process::Command::new("sqlite3")
        .arg("-version")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "this test needs the sqlite3 shell, as the README's tamper step does \
                 (apt-get install sqlite3; .ci/run installs it): {e}"
            )
        });
    assert!(
        version.status.success(),
        "sqlite3 -version: {}",
        show(&version)
    );
    let env = Env::offline();
    let store = env.store();
    for i in 1..=3 {
        store
            .append_audit(&NewAuditEntry {
                operator: "demo-agent".into(),
                kind: AuditKind::Reveal,
                subject: format!("PD-2026-{i:06}"),
                details: json!({ "purpose": "Identity check during a call" }),
            })
            .unwrap();
    }
    drop(store);
    let o = env.run(&["audit", "verify"]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).starts_with("audit chain intact: 3 entries\nhead: entry 3, MAC "),
        "{}",
        show(&o)
    );

    let o = std::process::Command::new("sqlite3")
        .arg(env.store_path())
        .arg(
            "DROP TRIGGER audit_no_update; \
             UPDATE audit SET details = '{\"purpose\":\"Routine check\"}' WHERE id = 2;",
        )
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", show(&o));

    let o = env.run(&["audit", "verify"]);
    assert_exit(&o, 1);
    assert_eq!(
        stdout(&o),
        "audit chain BROKEN at entry 2: entry 2 was changed (hash mismatch)\n"
    );
}

/// The installer's step: both key files made (0600) when missing, kept
/// when present.
#[test]
fn init_keys_makes_missing_key_files_and_keeps_present_ones() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::offline();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("audit.key");
    let cp = dir.path().join("checkpoint.key");
    let args = [
        "audit",
        "init-keys",
        "--key-file",
        key.to_str().unwrap(),
        "--checkpoint-key-file",
        cp.to_str().unwrap(),
    ];
    let o = env.run(&args);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("audit.key: created"), "{}", show(&o));
    for f in [&key, &cp] {
        let mode = std::fs::metadata(f).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", f.display());
    }
    let before = std::fs::read(&key).unwrap();
    let o = env.run(&args);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("audit.key: kept"), "{}", show(&o));
    assert!(stdout(&o).contains("checkpoint.key: kept"), "{}", show(&o));
    assert_eq!(std::fs::read(&key).unwrap(), before);
}

/// `audit checkpoint` signs the head; `audit verify --checkpoint` holds the
/// log to it: a valid one passes, a truncated log, an older copy of the
/// store put back, and a forged or altered checkpoint all fail (exit 1).
#[test]
fn checkpoints_catch_a_truncated_log_an_older_copy_and_forgeries() {
    let (env, c) = store_with_entries();
    drop(c);
    let older = env.store_path().with_file_name("older.db");
    std::fs::copy(env.store_path(), &older).unwrap();
    // More entries after the copy was taken.
    let store = env.store();
    for i in 0..3 {
        store
            .append_audit(&NewAuditEntry {
                operator: "sue".into(),
                kind: AuditKind::CaseView,
                subject: format!("PD-2026-{i:06}"),
                details: json!({}),
            })
            .unwrap();
    }
    drop(store);
    let o = env.run(&["audit", "checkpoint"]);
    assert_exit(&o, 0);
    let cp: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let committed = cp["entries"].as_i64().unwrap();
    assert_eq!(committed, N + 3);
    assert_eq!(env.audit("audit_checkpoint").len(), 1);
    let file = env.store_path().with_file_name("cp.json");
    std::fs::write(&file, stdout(&o)).unwrap();
    let f = file.to_str().unwrap();

    let o = env.run(&["audit", "verify", "--checkpoint", f]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("holds"), "{}", show(&o));

    // Forged: signed with another key; altered: the count changed.
    let other = privdesk::store::CheckpointKey::load_or_create(
        &env.store_path().with_file_name("other.key"),
    )
    .unwrap();
    let head = privdesk::store::AuditHead {
        entries: committed as u64,
        mac: cp["head"].as_str().unwrap().into(),
        key_id: None,
    };
    let forged = other.sign(&head, cp["at"].as_str().unwrap());
    let forged_file = env.store_path().with_file_name("forged.json");
    std::fs::write(&forged_file, forged.to_json()).unwrap();
    let mut altered = cp.clone();
    altered["entries"] = json!(committed - 2);
    let altered_file = env.store_path().with_file_name("altered.json");
    std::fs::write(&altered_file, altered.to_string()).unwrap();
    let o = env.run(&[
        "audit",
        "verify",
        "--json",
        "--checkpoint",
        forged_file.to_str().unwrap(),
        altered_file.to_str().unwrap(),
        f,
    ]);
    assert_exit(&o, 1);
    let v = json(&o);
    assert_eq!(v["ok"], false);
    let results = v["checkpoints"].as_array().unwrap();
    for r in &results[..2] {
        assert_eq!(r["ok"], false, "{r}");
        let why = r["reason"].as_str().unwrap();
        assert!(
            why.contains("the signature does not match this server's checkpoint key"),
            "{why}"
        );
    }
    assert_eq!(results[2]["ok"], true, "{v}");

    // The log truncated, its head moved to match: the chain alone holds.
    let c = Connection::open(env.store_path()).unwrap();
    c.execute_batch(&format!(
        "DELETE FROM audit WHERE id > {N};
         UPDATE audit_head SET entries = {N}, last_hash = (SELECT hash FROM audit WHERE id = {N});"
    ))
    .unwrap();
    drop(c);
    let o = env.run(&["audit", "verify"]);
    assert_exit(&o, 0);
    let o = env.run(&["audit", "verify", "--checkpoint", f]);
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains(&format!(
            "fewer than the {committed} this checkpoint committed to"
        )),
        "{}",
        show(&o)
    );

    // An older copy of the store put back, then grown past the count.
    std::fs::copy(&older, env.store_path()).unwrap();
    let _ = std::fs::remove_file(env.store_path().with_extension("db-wal"));
    let store = env.store();
    for _ in 0..5 {
        store
            .append_audit(&NewAuditEntry {
                operator: "sue".into(),
                kind: AuditKind::CaseView,
                subject: "PD-2026-000001".into(),
                details: json!({"again": true}),
            })
            .unwrap();
    }
    drop(store);
    let o = env.run(&["audit", "verify", "--checkpoint", f]);
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains(&format!("entry {committed} differs from the checkpoint")),
        "{}",
        show(&o)
    );
}

/// Where checkpoints go: a file in `checkpoint_dir` (0600) and the same
/// JSON piped to `checkpoint_command`; a failing command is an error that
/// says so.
#[test]
fn a_checkpoint_goes_to_the_folder_and_the_command_configured() {
    use std::os::unix::fs::PermissionsExt;
    let out = tempfile::tempdir().unwrap();
    let piped = out.path().join("piped.json");
    let dir = out.path().join("checkpoints");
    std::fs::create_dir(&dir).unwrap();
    let (d, p) = (dir.clone(), piped.clone());
    let env = Env::against(runtime(), &[], move |doc| {
        doc["audit"]["checkpoint_dir"] = toml_edit::value(d.to_str().unwrap());
        doc["audit"]["checkpoint_command"] = toml_edit::value(format!("cat > '{}'", p.display()));
    });
    let o = env.run(&["audit", "checkpoint"]);
    assert_exit(&o, 0);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap().to_string();
    assert!(
        name.starts_with("checkpoint-") && name.ends_with(".json"),
        "{name}"
    );
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(std::fs::read_to_string(&files[0]).unwrap(), stdout(&o));
    assert_eq!(std::fs::read_to_string(&piped).unwrap(), stdout(&o));

    let env = Env::against(runtime(), &[], |doc| {
        doc["audit"]["checkpoint_command"] = toml_edit::value("echo no bucket >&2; exit 3");
    });
    let o = env.run(&["audit", "checkpoint"]);
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("the checkpoint command") && stderr(&o).contains("no bucket"),
        "{}",
        show(&o)
    );
}
