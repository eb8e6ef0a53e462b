use super::{access_request, inquiry, Fixture};
use crate::desk::DeskError;
use crate::domain::{CaseFilter, CaseStatus, Outcome, RefusalGround, StatusChange};
use chrono::NaiveDate;

/// The refusal is `Denied` with this text, and an audit entry of kind
/// `denied` about `subject` was written for it.
fn denied(
    fx: &Fixture,
    subject: &str,
    before: usize,
    result: Result<impl std::fmt::Debug, DeskError>,
    needle: &str,
) {
    match result {
        Err(DeskError::Denied(msg)) => assert!(msg.contains(needle), "{msg}"),
        other => panic!("expected a denial containing {needle:?}, got {other:?}"),
    }
    assert_eq!(
        fx.audits("denied", subject),
        before + 1,
        "denial of {needle:?} not audited"
    );
}

#[test]
fn agents_work_on_their_own_and_unassigned_cases_only() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let bob = fx.desk("bob");
    let sue = fx.desk("sue");
    let c = alice.create_case(&access_request()).unwrap();
    let s = c.id.to_string();
    // Unassigned: bob may work on it, and take it.
    let v = bob
        .add_note(c.id, 1, "called back", true, false)
        .unwrap()
        .version;
    let v = bob.assign(c.id, v, Some("bob")).unwrap().version;
    // Now it is bob's: alice may not touch it.
    denied(
        &fx,
        &s,
        0,
        alice.add_note(c.id, v, "mine?", true, false),
        "is assigned to bob; agents work on their own and unassigned cases",
    );
    denied(
        &fx,
        &s,
        1,
        alice.change_status(c.id, v, &StatusChange::to(CaseStatus::InProgress)),
        "assigned to bob",
    );
    denied(
        &fx,
        &s,
        2,
        alice.assign(c.id, v, Some("alice")),
        "assigned to bob",
    );
    // Agents do not assign to others, nor unassign.
    denied(
        &fx,
        &s,
        3,
        bob.assign(c.id, v, Some("alice")),
        "only supervisors assign cases",
    );
    denied(
        &fx,
        &s,
        4,
        bob.assign(c.id, v, None),
        "only supervisors assign cases",
    );
    // Nothing of that was written.
    let view = sue.get_case(c.id).unwrap();
    assert_eq!(
        (view.case.version, view.case.assignee.as_deref()),
        (v, Some("bob"))
    );
    assert_eq!(view.notes.len(), 1);
    // A supervisor reassigns.
    sue.assign(c.id, v, Some("alice")).unwrap();
}

#[test]
fn agents_do_not_refuse_close_extend_or_approve() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let sue = fx.desk("sue");
    let sam = fx.desk("sam");
    let c = alice.create_case(&access_request()).unwrap();
    let s = c.id.to_string();
    let v = alice
        .change_status(c.id, 1, &StatusChange::to(CaseStatus::InProgress))
        .unwrap()
        .version;
    let refuse = StatusChange {
        to: Some(CaseStatus::Refused),
        grounds: vec![RefusalGround::NotCoveredByLaw],
        ..Default::default()
    };
    denied(
        &fx,
        &s,
        0,
        alice.change_status(c.id, v, &refuse),
        "only supervisors refuse requests",
    );
    let day = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    denied(
        &fx,
        &s,
        1,
        alice.extend(c.id, v, "complex", day),
        "only supervisors extend deadlines",
    );
    let v = alice
        .add_note(c.id, v, "Your data is attached.", false, true)
        .unwrap()
        .version;
    let v = alice
        .change_status(c.id, v, &StatusChange::to(CaseStatus::AwaitingApproval))
        .unwrap()
        .version;
    denied(
        &fx,
        &s,
        2,
        alice.change_status(c.id, v, &StatusChange::to(CaseStatus::Responded)),
        "only supervisors approve",
    );
    // Four eyes: the supervisor who asked cannot approve; another one can.
    let v2 = sue
        .change_status(c.id, v, &StatusChange::to(CaseStatus::InProgress))
        .unwrap()
        .version;
    let v2 = sue
        .change_status(c.id, v2, &StatusChange::to(CaseStatus::AwaitingApproval))
        .unwrap()
        .version;
    let err = sue
        .change_status(c.id, v2, &StatusChange::to(CaseStatus::Responded))
        .unwrap_err();
    assert!(
        matches!(&err, DeskError::Invalid(m) if m.contains("four-eyes")),
        "{err:?}"
    );
    let v3 = sam
        .change_status(c.id, v2, &StatusChange::to(CaseStatus::Responded))
        .unwrap()
        .version;
    let close = StatusChange {
        to: Some(CaseStatus::Closed),
        outcome: Some(Outcome::Fulfilled),
        ..Default::default()
    };
    denied(
        &fx,
        &s,
        3,
        alice.change_status(c.id, v3, &close),
        "only supervisors close cases",
    );
    sue.change_status(c.id, v3, &close).unwrap();
}

#[test]
fn auditors_read_but_change_nothing() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let audrey = fx.desk("audrey");
    denied(
        &fx,
        "cases",
        0,
        audrey.create_case(&inquiry("x")),
        "auditors are read-only: they cannot open cases",
    );
    let c = alice.create_case(&inquiry("x")).unwrap();
    let s = c.id.to_string();
    denied(
        &fx,
        &s,
        0,
        audrey.add_note(c.id, 1, "note", true, false),
        "auditors are read-only: they cannot change cases",
    );
    denied(
        &fx,
        &s,
        1,
        audrey.change_status(c.id, 1, &StatusChange::to(CaseStatus::InProgress)),
        "read-only",
    );
    denied(
        &fx,
        &s,
        2,
        audrey.assign(c.id, 1, Some("alice")),
        "read-only",
    );
    denied(
        &fx,
        &s,
        3,
        audrey.set_priority(c.id, 1, crate::domain::Priority::High),
        "read-only",
    );
    // Reading works and is audited under the auditor's name.
    let view = audrey.get_case(c.id).unwrap();
    assert_eq!(view.case.version, 1);
    assert_eq!(audrey.list_cases(&CaseFilter::default()).unwrap().len(), 1);
    let store = crate::store::Store::open(&fx.store_path(), 5000).unwrap();
    let mine = store
        .audit_entries(&crate::store::AuditFilter {
            operator: Some("audrey".into()),
            ..Default::default()
        })
        .unwrap();
    let kinds: Vec<&str> = mine.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "denied",
            "denied",
            "denied",
            "denied",
            "denied",
            "case_view",
            "case_list"
        ]
    );
    assert_eq!(mine[1].details["operation"], "case change");
}

#[test]
fn cases_are_assigned_to_configured_agents_and_supervisors_only() {
    let fx = Fixture::new();
    let sue = fx.desk("sue");
    let c = sue.create_case(&inquiry("x")).unwrap();
    let err = sue.assign(c.id, 1, Some("audrey")).unwrap_err();
    assert!(err.to_string().contains("audrey is an auditor"), "{err}");
    let err = sue.assign(c.id, 1, Some("mallory")).unwrap_err();
    assert!(
        err.to_string().contains(
            "mallory is not a configured operator; cases can be assigned to: alice, bob, sue, sam"
        ),
        "{err}"
    );
    let mut n = inquiry("y");
    n.assignee = Some("bob".into());
    assert_eq!(
        sue.create_case(&n).unwrap().assignee.as_deref(),
        Some("bob")
    );
    let alice = fx.desk("alice");
    denied(
        &fx,
        "cases",
        0,
        alice.create_case(&n),
        "only supervisors assign cases",
    );
    n.assignee = Some("alice".into());
    assert_eq!(
        alice.create_case(&n).unwrap().assignee.as_deref(),
        Some("alice")
    );
}
