//! A write that fails half-way leaves nothing behind: the change, its
//! timeline event, its note and its audit entry go together or not at all.
//! Failures are injected with triggers from another connection, as a
//! broken disk or a damaged file would make a statement fail.

use super::{access_request, inquiry, Fixture};
use crate::domain::{CaseStatus, LinkedRecord, StatusChange};

fn inject(fx: &Fixture, name: &str, table: &str, when: &str) {
    fx.raw()
        .execute_batch(&format!(
            "CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN {when}
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
        ))
        .unwrap();
}

fn remove(fx: &Fixture, name: &str) {
    fx.raw()
        .execute_batch(&format!("DROP TRIGGER {name}"))
        .unwrap();
}

fn snapshot(fx: &Fixture) -> [i64; 6] {
    [
        fx.count("SELECT COUNT(*) FROM cases"),
        fx.count("SELECT COALESCE(SUM(version), 0) FROM cases"),
        fx.count("SELECT COUNT(*) FROM case_events"),
        fx.count("SELECT COUNT(*) FROM case_notes"),
        fx.count("SELECT COUNT(*) FROM case_links"),
        fx.count("SELECT COUNT(*) FROM audit"),
    ]
}

#[test]
fn a_failing_event_insert_rolls_back_the_note_and_the_change() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let c = alice.create_case(&inquiry("x")).unwrap();
    let before = snapshot(&fx);
    inject(&fx, "fail_reply_event", "case_events", "NEW.kind = 'reply'");
    let err = alice
        .add_note(c.id, 1, "the answer", false, true)
        .unwrap_err();
    assert!(err.to_string().contains("injected failure"), "{err}");
    assert_eq!(snapshot(&fx), before, "something was written");
    let view = alice.get_case(c.id).unwrap();
    assert_eq!((view.case.version, view.case.response), (1, None));
    remove(&fx, "fail_reply_event");
    alice.add_note(c.id, 1, "the answer", false, true).unwrap();
    assert_eq!(fx.count("SELECT COUNT(*) FROM case_notes"), 1);
}

#[test]
fn a_failing_audit_append_rolls_back_the_change() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let c = alice.create_case(&access_request()).unwrap();
    let before = snapshot(&fx);
    inject(
        &fx,
        "fail_change_audit",
        "audit",
        "NEW.kind = 'case_change'",
    );
    let err = alice
        .change_status(c.id, 1, &StatusChange::to(CaseStatus::InProgress))
        .unwrap_err();
    assert!(err.to_string().contains("injected failure"), "{err}");
    assert_eq!(snapshot(&fx), before);
    remove(&fx, "fail_change_audit");
    assert_eq!(alice.get_case(c.id).unwrap().case.status, CaseStatus::New);
    assert!(fx.desk("sue").audit_verify().unwrap().is_intact());
}

#[test]
fn a_failing_create_hands_out_no_number_and_leaves_no_links() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let first = alice.create_case(&inquiry("first")).unwrap();
    let before = snapshot(&fx);
    inject(&fx, "fail_created", "case_events", "NEW.kind = 'created'");
    let mut n = access_request();
    n.links = vec![LinkedRecord::parse("crm:C-1").unwrap()];
    assert!(alice.create_case(&n).is_err());
    assert_eq!(snapshot(&fx), before);
    remove(&fx, "fail_created");
    let next = alice.create_case(&n).unwrap();
    assert_eq!(
        next.id.seq,
        first.id.seq + 1,
        "the failed create used up no number"
    );
}

#[test]
fn an_unwritable_store_file_is_reported_and_nothing_is_written() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    alice.create_case(&inquiry("x")).unwrap();
    drop(alice);
    let bind = crate::store::tests::permissions::read_only_for_this_thread(&fx.store_path());
    let err = crate::desk::Desk::open(fx.config.clone(), "alice")
        .err()
        .expect("open must fail");
    drop(bind);
    assert!(err.to_string().contains("is read-only"), "{err}");
    std::fs::set_permissions(fx.store_path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(fx.count("SELECT COUNT(*) FROM cases"), 1);
}
