use super::{access_request, inquiry, Fixture};
use crate::desk::{DeskError, DuplicateQuery};
use crate::domain::{
    AssigneeFilter, CaseFilter, CaseId, CaseStatus, Category, Law, LinkedRecord, NewCase, Outcome,
    RefusalGround, RequestKind, StatusChange, VerificationInput, VerificationResult,
};
use chrono::{DateTime, Datelike};
use std::collections::HashSet;
use std::sync::{Arc, Barrier};

fn at(s: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ids(rows: &[crate::domain::CaseSummary]) -> Vec<CaseId> {
    rows.iter().map(|r| r.id).collect()
}

#[test]
fn create_then_get_shows_the_case_its_links_and_a_created_event() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let mut new = access_request();
    new.links = vec![
        LinkedRecord {
            system: "crm".into(),
            record_id: "C-1001".into(),
            display_name: Some("山田 太郎".into()),
        },
        LinkedRecord::parse("billing:B-77").unwrap(),
        LinkedRecord::parse("crm:C-1001").unwrap(),
    ];
    let case = alice.create_case(&new).unwrap();
    let year = alice.local_now().year();
    assert_eq!(case.id, CaseId::new(year, 1));
    assert_eq!(case.id.to_string(), format!("PD-{year}-000001"));
    assert_eq!(
        (case.version, case.status, case.law),
        (1, CaseStatus::New, Law::Gdpr)
    );
    assert_eq!(case.created_by, "alice");
    assert_eq!(
        case.received_at.offset().local_minus_utc(),
        9 * 3600,
        "received in JST"
    );

    let view = alice.get_case(case.id).unwrap();
    assert_eq!(view.case, case);
    let links: Vec<String> = view.links.iter().map(|l| l.to_string()).collect();
    assert_eq!(
        links,
        vec!["crm:C-1001", "billing:B-77"],
        "duplicates dropped, order kept"
    );
    assert_eq!(view.links[0].display_name.as_deref(), Some("山田 太郎"));
    assert_eq!(view.events.len(), 1);
    assert_eq!(
        (view.events[0].kind.as_str(), view.events[0].version),
        ("created", 1)
    );
    assert_eq!(view.allowed_next, CaseStatus::New.allowed_next().to_vec());
    assert_eq!(fx.audits("case_create", &case.id.to_string()), 1);
    assert_eq!(fx.audits("case_view", &case.id.to_string()), 1);

    let err = alice.get_case(CaseId::new(year, 99)).unwrap_err();
    assert!(matches!(err, DeskError::NotFound(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("there is no case PD-{year}-000099")
    );
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let mut bad_email = access_request();
    bad_email.requester.contact.email = Some("not-an-address".into());
    let err = alice.create_case(&bad_email).unwrap_err();
    assert!(
        err.to_string()
            .contains("`not-an-address` is not an email address"),
        "{err}"
    );
    let mut bad_link = access_request();
    bad_link.links = vec![LinkedRecord::parse("ledger:1").unwrap()];
    let err = alice.create_case(&bad_link).unwrap_err();
    assert!(
        err.to_string()
            .contains("no system named `ledger` is configured; systems: crm, billing"),
        "{err}"
    );
    let mut in_person = inquiry("walked in");
    in_person.channel = "in_person".into();
    let err = alice.create_case(&in_person).unwrap_err();
    assert!(
        matches!(err, DeskError::Invalid(_)) && err.to_string().contains("in person"),
        "{err}"
    );
    assert_eq!(fx.count("SELECT COUNT(*) FROM cases"), 0);
    assert_eq!(fx.count("SELECT COUNT(*) FROM case_sequences"), 0);
}

#[test]
fn in_person_is_accepted_when_configured() {
    let fx = Fixture::with_cases_table(
        "[cases]\nchannels = [\"phone\", \"email\", \"postal_mail\", \"web_form\", \"in_person\"]\n",
    );
    let mut n = inquiry("came to the office");
    n.channel = "in_person".into();
    let c = fx.desk("alice").create_case(&n).unwrap();
    assert_eq!(c.channel, "in_person");
}

#[test]
fn list_filters_and_sorts() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let sue = fx.desk("sue");
    // Received the same morning: the inquiry is due in 10 business days
    // (2025-06-16), the GDPR request in a month (2025-07-02).
    let mut access = access_request();
    access.received_at = Some(at("2025-06-02T10:00:00+09:00"));
    let a = alice.create_case(&access).unwrap();
    let mut question = inquiry("where is my invoice");
    question.received_at = Some(at("2025-06-02T10:00:00+09:00"));
    let b = alice.create_case(&question).unwrap();
    let mut complaint = NewCase::new(Category::Complaint, "postal_mail");
    complaint.description = "unsolicited mail 100%_sure".into();
    complaint.requester.name = Some("Hanako Sato".into());
    let c = alice.create_case(&complaint).unwrap();
    sue.assign(b.id, 1, Some("bob")).unwrap();
    alice
        .change_status(c.id, 1, &StatusChange::to(CaseStatus::Withdrawn))
        .unwrap();
    sue.change_status(c.id, 2, &StatusChange::to(CaseStatus::Closed))
        .unwrap();

    // A supervisor's queue holds every case (an agent's, only their own
    // and unassigned ones: see case_roles.rs).
    let list = |f: CaseFilter| ids(&sue.list_cases(&f).unwrap());
    let all = CaseFilter::default();
    assert_eq!(
        list(all.clone()),
        vec![b.id, a.id],
        "soonest due first, closed cases left out"
    );
    assert_eq!(
        list(CaseFilter {
            include_closed: true,
            ..all.clone()
        }),
        vec![b.id, a.id, c.id]
    );
    assert_eq!(
        list(CaseFilter {
            status: Some(CaseStatus::Closed),
            ..all.clone()
        }),
        vec![c.id]
    );
    assert_eq!(
        list(CaseFilter {
            assignee: AssigneeFilter::User("bob".into()),
            ..all.clone()
        }),
        vec![b.id]
    );
    assert_eq!(
        list(CaseFilter {
            assignee: AssigneeFilter::Unassigned,
            ..all.clone()
        }),
        vec![a.id]
    );
    assert_eq!(
        list(CaseFilter {
            category: Some(Category::Inquiry),
            ..all.clone()
        }),
        vec![b.id]
    );
    assert_eq!(
        list(CaseFilter {
            law: Some(Law::Gdpr),
            ..all.clone()
        }),
        vec![a.id]
    );
    assert_eq!(
        list(CaseFilter {
            law: Some(Law::Ccpa),
            ..all.clone()
        }),
        vec![]
    );
    assert_eq!(
        list(CaseFilter {
            text: Some("yamada".into()),
            ..all.clone()
        }),
        vec![a.id]
    );
    assert_eq!(
        list(CaseFilter {
            text: Some("invoice".into()),
            ..all.clone()
        }),
        vec![b.id]
    );
    assert_eq!(
        list(CaseFilter {
            text: Some(b.id.to_string()),
            ..all.clone()
        }),
        vec![b.id]
    );
    // LIKE wildcards in the text are taken literally.
    assert_eq!(
        list(CaseFilter {
            text: Some("%_s".into()),
            include_closed: true,
            ..all.clone()
        }),
        vec![c.id]
    );
    assert_eq!(
        list(CaseFilter {
            text: Some("_".into()),
            ..all.clone()
        }),
        vec![]
    );
    assert_eq!(
        list(CaseFilter {
            limit: Some(1),
            ..all.clone()
        }),
        vec![b.id]
    );
    // Both June cases are long overdue; the closed complaint is not listed.
    assert_eq!(
        list(CaseFilter {
            overdue: true,
            ..all.clone()
        }),
        vec![b.id, a.id]
    );

    let rows = sue.list_cases(&all).unwrap();
    assert_eq!(rows[0].assignee.as_deref(), Some("bob"));
    assert_eq!(rows[1].requester_name.as_deref(), Some("Taro Yamada"));
    assert_eq!(rows[0].due, Some(day("2025-06-16")));
    assert_eq!(rows[1].due, Some(day("2025-07-02")));
    assert_eq!(
        rows[1].days_left,
        Some((day("2025-07-02") - alice.today()).num_days())
    );
    assert!(rows.iter().all(|r| r.overdue && !r.clock_stopped));
    assert!(fx.audits("case_list", "cases") >= 12);
}

#[test]
fn every_change_writes_one_event_with_before_and_after() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let sue = fx.desk("sue");
    let c = alice.create_case(&access_request()).unwrap();
    let id = c.id;
    let c = alice.assign(id, 1, Some("alice")).unwrap();
    let c = alice
        .change_status(
            id,
            c.version,
            &StatusChange::to(CaseStatus::AwaitingIdentity),
        )
        .unwrap();
    let c = alice
        .verify_identity(
            id,
            c.version,
            &VerificationInput {
                method: "callback to registered number".into(),
                evidence: "answered security questions".into(),
                result: VerificationResult::Verified,
            },
        )
        .unwrap();
    let c = alice
        .change_status(id, c.version, &StatusChange::to(CaseStatus::InProgress))
        .unwrap();
    let c = alice
        .add_note(id, c.version, "checked CRM and billing", true, false)
        .unwrap();
    let c = alice
        .add_note(id, c.version, "Here is a copy of your data.", false, true)
        .unwrap();
    let c = alice
        .change_status(id, c.version, &StatusChange::to(CaseStatus::Responded))
        .unwrap();
    let close = StatusChange {
        to: Some(CaseStatus::Closed),
        outcome: Some(Outcome::Fulfilled),
        ..Default::default()
    };
    let c = sue.change_status(id, c.version, &close).unwrap();
    assert_eq!(c.version, 9);
    assert_eq!(c.outcome, Some(Outcome::Fulfilled));
    let v = c.verification.as_ref().unwrap();
    assert_eq!(
        (v.verified_by.as_str(), v.result),
        ("alice", VerificationResult::Verified)
    );

    let view = sue.get_case(id).unwrap();
    let versions: Vec<i64> = view.events.iter().map(|e| e.version).collect();
    assert_eq!(versions, (1..=9).collect::<Vec<_>>());
    let kinds: Vec<&str> = view.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "created",
            "assigned",
            "status",
            "verification",
            "status",
            "note",
            "reply",
            "status",
            "status"
        ]
    );
    let assigned = &view.events[1];
    assert_eq!(assigned.before["assignee"], serde_json::Value::Null);
    assert_eq!(assigned.after["assignee"], "alice");
    assert_eq!(assigned.operator, "alice");
    assert_eq!(view.events[2].summary(), "status: new -> awaiting_identity");
    assert_eq!(view.events[6].summary(), "reply added as the response");
    assert_eq!(view.events[8].operator, "sue");
    // Each change also has its audit entry.
    assert_eq!(fx.audits("case_change", &id.to_string()), 8);

    assert_eq!(view.notes.len(), 1);
    assert_eq!(view.replies.len(), 1);
    assert!(view.replies[0].is_response && !view.notes[0].is_response);
    assert_eq!(
        view.case.response.map(|r| r.note_id),
        Some(view.replies[0].id)
    );
    assert_eq!(view.events[6].after["note_id"], view.replies[0].id);

    // Closed: nothing more, not even a note.
    let err = alice
        .add_note(id, 9, "one more thing", true, false)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("case {id} is closed; a closed case cannot be changed")
    );
    let err = sue.assign(id, 9, Some("bob")).unwrap_err();
    assert!(err.to_string().contains("is closed"), "{err}");
    assert_eq!(sue.get_case(id).unwrap().case.version, 9);
}

#[test]
fn a_later_reply_can_become_the_response_and_notes_cannot() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let c = alice.create_case(&inquiry("asks about retention")).unwrap();
    let err = alice.add_note(c.id, 1, "internal", true, true).unwrap_err();
    assert!(
        err.to_string()
            .contains("internal note cannot be the response"),
        "{err}"
    );
    let err = alice.add_note(c.id, 1, "   ", false, false).unwrap_err();
    assert!(err.to_string().contains("the reply is required"), "{err}");
    let c = alice
        .add_note(c.id, 1, "first answer", false, true)
        .unwrap();
    let c = alice
        .add_note(c.id, c.version, "a follow-up, not the answer", false, false)
        .unwrap();
    let c = alice
        .add_note(c.id, c.version, "corrected answer", false, true)
        .unwrap();
    let view = alice.get_case(c.id).unwrap();
    let marked: Vec<&str> = view
        .replies
        .iter()
        .filter(|r| r.is_response)
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(marked, ["corrected answer"]);
    assert_eq!(view.replies.len(), 3);
}

#[test]
fn a_change_to_nothing_writes_nothing() {
    let fx = Fixture::new();
    let sue = fx.desk("sue");
    let c = sue.create_case(&inquiry("x")).unwrap();
    let c = sue.assign(c.id, 1, Some("bob")).unwrap();
    let again = sue.assign(c.id, 2, Some("bob")).unwrap();
    assert_eq!(again.version, 2);
    assert_eq!(fx.count("SELECT COUNT(*) FROM case_events"), 2);
}

#[test]
fn a_stale_version_is_a_conflict_that_shows_the_other_change() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let sue = fx.desk("sue");
    let c = alice.create_case(&access_request()).unwrap();
    // Both look at version 1; Sue changes it first.
    let hold = StatusChange {
        to: Some(CaseStatus::AwaitingIdentity),
        ..Default::default()
    };
    sue.change_status(c.id, 1, &hold).unwrap();
    let err = alice.assign(c.id, 1, Some("alice")).unwrap_err();
    let DeskError::Conflict(conflict) = &err else {
        panic!("expected a conflict, got {err:?}")
    };
    assert_eq!((conflict.seen_version, conflict.current_version), (1, 2));
    assert_eq!(conflict.changes.len(), 1);
    assert_eq!(conflict.changes[0].operator, "sue");
    assert_eq!(conflict.changes[0].after["status"], "awaiting_identity");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!(
            "case {} changed since you saw it (version 1, now 2); nothing was written",
            c.id
        )),
        "{msg}"
    );
    assert!(
        msg.contains("sue: status: new -> awaiting_identity"),
        "{msg}"
    );
    assert_eq!(alice.get_case(c.id).unwrap().case.assignee, None);
    // A note overwrites nothing: it goes in on the version Alice saw,
    // without undoing Sue's change.
    let after = alice.add_note(c.id, 1, "my note", true, false).unwrap();
    assert_eq!(fx.count("SELECT COUNT(*) FROM case_notes"), 1);
    assert_eq!(after.version, 3);
    assert_eq!(after.status, CaseStatus::AwaitingIdentity);
}

#[test]
fn the_store_refuses_a_stale_write_even_after_the_desk_checked() {
    // The desk reads the version before writing; a change landing between
    // that read and the write must still be caught by the UPDATE itself.
    let fx = Fixture::new();
    let sue = fx.desk("sue");
    let c = sue.create_case(&inquiry("race")).unwrap();
    sue.set_priority(c.id, 1, crate::domain::Priority::High)
        .unwrap();
    let keys = crate::store::ContactKeys::default();
    let mut stale = c.clone();
    stale.priority = crate::domain::Priority::Low;
    let write = crate::store::CaseWrite {
        case: &stale,
        keys: &keys,
        expected_version: 1,
        operator: "sam",
        at: chrono::Utc::now(),
        event_kind: "priority",
        before: serde_json::json!({}),
        after: serde_json::json!({}),
        note: Some(crate::store::NewNote {
            text: "lost?".into(),
            internal: true,
            is_response: false,
        }),
        links: &[],
        audit: crate::store::NewAuditEntry {
            operator: "sam".into(),
            kind: crate::domain::AuditKind::CaseChange,
            subject: String::new(),
            details: serde_json::json!({}),
        },
    };
    let err = sue.store().update_case(&write).unwrap_err();
    let crate::store::StoreError::Conflict(conflict) = err else {
        panic!("expected a conflict, got {err:?}")
    };
    assert_eq!((conflict.seen_version, conflict.current_version), (1, 2));
    assert_eq!(conflict.changes[0].kind, "priority");
    assert_eq!(
        fx.count("SELECT COUNT(*) FROM case_notes"),
        0,
        "the note of the failed write is rolled back"
    );
    assert_eq!(
        fx.count("SELECT COUNT(*) FROM cases WHERE version = 2 AND priority = 'high'"),
        1
    );
}

#[test]
fn numbers_are_per_year_and_consecutive() {
    let fx = Fixture::new();
    let sue = fx.desk("sue");
    let store = sue.store();
    let now = chrono::Utc::now();
    let received = DateTime::parse_from_rfc3339("2025-12-26T10:00:00+09:00").unwrap();
    let base = crate::domain::case_rules::new_case(
        &inquiry("x"),
        &sue.config().cases.channels,
        received,
        "sue",
        now,
    )
    .unwrap();
    let audit = crate::store::NewAuditEntry {
        operator: "sue".into(),
        kind: crate::domain::AuditKind::CaseCreate,
        subject: String::new(),
        details: serde_json::json!({}),
    };
    let keys = crate::store::ContactKeys::default();
    let mut got = Vec::new();
    for year in [2025, 2025, 2026, 2025, 2026] {
        let c = store
            .create_case(&base, &keys, year, &[], serde_json::json!({}), &audit)
            .unwrap();
        got.push(c.id.to_string());
    }
    assert_eq!(
        got,
        [
            "PD-2025-000001",
            "PD-2025-000002",
            "PD-2026-000001",
            "PD-2025-000003",
            "PD-2026-000002"
        ]
    );
    let imported = store
        .import_cases(&[(base.clone(), keys.clone()), (base, keys)], 2026, &audit)
        .unwrap();
    assert_eq!(imported, vec![CaseId::new(2026, 3), CaseId::new(2026, 4)]);
}

#[test]
fn numbers_stay_unique_when_sessions_create_at_once() {
    let fx = Fixture::new();
    drop(fx.desk("alice")); // create the store before the race
    let threads = 6;
    let per = 15;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let desk = fx.desk(if t % 2 == 0 { "alice" } else { "sue" });
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                (0..per)
                    .map(|i| {
                        desk.create_case(&inquiry(&format!("t{t} #{i}")))
                            .map(|c| c.id)
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
        })
        .collect();
    let mut all = HashSet::new();
    for h in handles {
        for id in h.join().unwrap().unwrap() {
            assert!(all.insert(id), "{id} handed out twice");
        }
    }
    let seqs: HashSet<u32> = all.iter().map(|i| i.seq).collect();
    assert_eq!(
        seqs,
        (1..=(threads * per) as u32).collect(),
        "no gaps, no repeats"
    );
    assert_eq!(
        fx.count("SELECT COUNT(*) FROM case_events WHERE kind = 'created'"),
        (threads * per) as i64
    );
}

#[test]
fn possible_duplicates_by_record_email_or_phone() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let sue = fx.desk("sue");
    let mut linked = inquiry("by record");
    linked.links = vec![LinkedRecord::parse("crm:C-1001").unwrap()];
    let by_record = alice.create_case(&linked).unwrap();
    let by_contact = alice.create_case(&access_request()).unwrap();
    let mut closed = access_request();
    closed.links = vec![LinkedRecord::parse("crm:C-1001").unwrap()];
    let closed = alice.create_case(&closed).unwrap();
    alice
        .change_status(closed.id, 1, &StatusChange::to(CaseStatus::Withdrawn))
        .unwrap();
    sue.change_status(closed.id, 2, &StatusChange::to(CaseStatus::Closed))
        .unwrap();

    let find = |q: DuplicateQuery| ids(&alice.find_open_cases_for(&q).unwrap());
    let rec = |s: &str, r: &str| (s.to_string(), r.to_string());
    assert_eq!(
        find(DuplicateQuery {
            records: vec![rec("crm", "C-1001")],
            ..Default::default()
        }),
        vec![by_record.id]
    );
    assert_eq!(
        find(DuplicateQuery {
            records: vec![rec("crm", "C-9"), rec("billing", "C-1001")],
            ..Default::default()
        }),
        vec![]
    );
    assert_eq!(
        find(DuplicateQuery {
            email: Some(" taro.yamada@example.JP ".into()),
            ..Default::default()
        }),
        vec![by_contact.id]
    );
    assert_eq!(
        find(DuplicateQuery {
            phone: Some("+81 90 1234 5678".into()),
            ..Default::default()
        }),
        vec![by_contact.id]
    );
    assert_eq!(
        find(DuplicateQuery {
            records: vec![rec("crm", "C-1001")],
            phone: Some("09012345678".into()),
            exclude: Some(by_record.id),
            ..Default::default()
        }),
        vec![by_contact.id]
    );
    assert_eq!(find(DuplicateQuery::default()), vec![]);
    assert!(fx.audits("case_duplicates", "cases") >= 4);
}

#[test]
fn refusal_records_grounds_and_fees_follow_the_kind() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let sue = fx.desk("sue");
    let mut disclosure = access_request();
    disclosure.kind = Some(RequestKind::Disclosure);
    let c = alice.create_case(&disclosure).unwrap();
    assert_eq!(c.law, Law::Appi);
    let c = alice.set_fee(c.id, 1, Some(800)).unwrap();
    let c = alice.set_fee_paid(c.id, c.version, true).unwrap();
    assert_eq!(c.fee.map(|f| (f.amount_jpy, f.paid)), Some((800, true)));
    let c = alice
        .change_status(
            c.id,
            c.version,
            &StatusChange::to(CaseStatus::AwaitingIdentity),
        )
        .unwrap();
    let refuse = StatusChange {
        to: Some(CaseStatus::Refused),
        reason: Some("no ID received after two reminders".into()),
        grounds: vec![RefusalGround::IdentityNotVerified],
        outcome: None,
    };
    let c = sue.change_status(c.id, c.version, &refuse).unwrap();
    assert_eq!(c.refusal_grounds, vec![RefusalGround::IdentityNotVerified]);
    let c = sue
        .change_status(c.id, c.version, &StatusChange::to(CaseStatus::Closed))
        .unwrap();
    assert_eq!(c.outcome, Some(Outcome::Refused));

    let erasure = alice.create_case(&access_request()).unwrap();
    let err = alice.set_fee(erasure.id, 1, Some(500)).unwrap_err();
    assert!(
        err.to_string()
            .contains("no fee may be charged for access requests"),
        "{err}"
    );
    assert_eq!(alice.get_case(erasure.id).unwrap().case.version, 1);
}
