use super::{access_request, inquiry, Fixture};
use crate::desk::DeskError;
use crate::domain::Priority;
use std::time::Duration;

#[test]
fn agents_see_their_own_and_unassigned_cases_supervisors_all() {
    let fx = Fixture::new();
    let sue = fx.desk("sue");
    let mine = sue.create_case(&inquiry("for alice")).unwrap();
    sue.assign(mine.id, mine.version, Some("alice")).unwrap();
    let bobs = sue.create_case(&inquiry("for bob")).unwrap();
    sue.assign(bobs.id, bobs.version, Some("bob")).unwrap();
    let free = sue.create_case(&access_request()).unwrap();

    let ids = |user: &str| -> Vec<String> {
        let mut v: Vec<String> = fx
            .desk(user)
            .load_queue(false)
            .unwrap()
            .rows
            .iter()
            .map(|r| r.case.id.to_string())
            .collect();
        v.sort();
        v
    };
    let mut all = vec![
        mine.id.to_string(),
        bobs.id.to_string(),
        free.id.to_string(),
    ];
    all.sort();
    assert_eq!(ids("sue"), all);
    assert_eq!(ids("audrey"), all);
    let mut alices = vec![mine.id.to_string(), free.id.to_string()];
    alices.sort();
    assert_eq!(ids("alice"), alices);

    let load = fx.desk("sue").load_queue(false).unwrap();
    assert_eq!(load.rows.len(), load.descriptions.len());
    let i = load.rows.iter().position(|r| r.case.id == free.id).unwrap();
    assert_eq!(load.descriptions[i], "Wants a copy of everything held");
    assert_eq!(
        load.rows[i].case.requester_name.as_deref(),
        Some("Taro Yamada")
    );
    // Opening is audited, live reloads are not.
    let before = fx.audits("queue_view", "cases");
    fx.desk("sue").load_queue(true).unwrap();
    assert_eq!(fx.audits("queue_view", "cases"), before);
    fx.desk("sue").load_queue(false).unwrap();
    assert_eq!(fx.audits("queue_view", "cases"), before + 1);
}

#[test]
fn escalating_makes_a_case_urgent_once_with_a_timeline_event() {
    let fx = Fixture::new();
    let sue = fx.desk("sue");
    let c = sue.create_case(&inquiry("angry caller")).unwrap();
    let up = sue.escalate(c.id, c.version).unwrap();
    assert_eq!(up.priority, Priority::Urgent);
    assert_eq!(up.version, c.version + 1);
    let events = sue.store().case_events(c.id, c.version).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "escalated");
    assert_eq!(events[0].summary(), "escalated: priority now urgent");
    // Again: already urgent, nothing written.
    let again = sue.escalate(c.id, up.version).unwrap();
    assert_eq!(again.version, up.version);
    // Escalating overwrites nothing: an old version is no conflict (and
    // the case is urgent already, so nothing is written); an auditor is
    // refused.
    assert_eq!(sue.escalate(c.id, c.version).unwrap().version, up.version);
    assert!(matches!(
        fx.desk("audrey").escalate(c.id, up.version),
        Err(DeskError::Denied(_))
    ));
}

#[test]
fn the_watch_sees_a_case_created_by_another_session() {
    let fx = Fixture::new();
    let sue = fx.desk("sue");
    let mut changes = sue.watch_changes_every(Duration::from_millis(20)).unwrap();
    // An audit entry alone (a search, a view) is not a change of the queue.
    fx.desk("alice")
        .audit(
            crate::domain::AuditKind::CaseList,
            "cases",
            serde_json::json!({}),
        )
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let quiet = rt
        .block_on(async { tokio::time::timeout(Duration::from_millis(300), changes.recv()).await });
    assert!(quiet.is_err(), "an audit entry was taken for a change");
    // Another desk, with its own connection, opens a case.
    fx.desk("alice")
        .create_case(&inquiry("new contact"))
        .unwrap();
    let seen =
        rt.block_on(async { tokio::time::timeout(Duration::from_secs(20), changes.recv()).await });
    assert_eq!(seen, Ok(Some(())), "the watch did not fire");
}
