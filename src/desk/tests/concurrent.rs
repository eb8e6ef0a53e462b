//! Twenty sessions on one store file at once, each with its own desk (and
//! so its own SQLite connection): cases, notes, reveals and audit entries
//! written together. Nothing may be lost, no "database is locked" may reach
//! the operator, and the audit chain must verify afterwards.

use super::{inquiry, Fixture};
use crate::domain::CaseFilter;
use crate::store::{AuditFilter, Store};
use std::sync::{Arc, Barrier};

const SESSIONS: usize = 20;
const CASES_EACH: usize = 4;

#[test]
fn twenty_sessions_writing_at_once_lose_nothing() {
    let fx = Fixture::new();
    // Sessions of the four agents and supervisors, five each.
    let users = ["alice", "bob", "sue", "sam"];
    let barrier = Arc::new(Barrier::new(SESSIONS));
    let handles: Vec<_> = (0..SESSIONS)
        .map(|n| {
            let desk = fx.desk(users[n % users.len()]);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || -> Result<usize, String> {
                barrier.wait();
                let mut writes = 0;
                for i in 0..CASES_EACH {
                    let c = desk
                        .create_case(&inquiry(&format!("session {n} case {i}")))
                        .map_err(|e| format!("session {n}: {e}"))?;
                    let c = desk
                        .add_note(c.id, c.version, &format!("note {n}/{i}"), true, false)
                        .map_err(|e| format!("session {n}: {e}"))?;
                    desk.reveal_case(c.id, "Handling the customer's request")
                        .map_err(|e| format!("session {n}: {e}"))?;
                    desk.get_case(c.id)
                        .map_err(|e| format!("session {n}: {e}"))?;
                    writes += 4;
                }
                Ok(writes)
            })
        })
        .collect();
    let mut failures = Vec::new();
    let mut writes = 0;
    for h in handles {
        match h.join().expect("a session panicked") {
            Ok(n) => writes += n,
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(writes, SESSIONS * CASES_EACH * 4);

    let total = SESSIONS * CASES_EACH;
    let sue = fx.desk("sue");
    let cases = sue
        .list_cases(&CaseFilter {
            include_closed: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(cases.len(), total);
    // Case numbers are handed out once each.
    let mut ids: Vec<String> = cases.iter().map(|c| c.id.to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total);
    assert_eq!(fx.count("SELECT COUNT(*) FROM case_notes") as usize, total);

    let store = Store::open(&fx.store_path(), 5000).unwrap();
    let count = |kind: &str| {
        store
            .audit_entries(&AuditFilter {
                kind: Some(kind.into()),
                ..Default::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(count("case_create"), total);
    assert_eq!(count("case_change"), total);
    assert_eq!(count("reveal"), total);
    assert_eq!(count("case_view"), total);
    let v = store.verify_audit().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.entries as usize, 4 * total + 1, "and the list above");
}
