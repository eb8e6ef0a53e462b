//! A purge against rows written straight into a real store: actions with
//! exported data, a journal, a completed manual task, links and drafts.

use super::temp_store_path;
use crate::domain::{case_rules, Category, LinkedRecord, NewCase};
use crate::store::{ContactKeys, NewAuditEntry, Store};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::json;

const SECRET: &str = "Kazuko Tanaka";

fn entry(kind: &str) -> NewAuditEntry {
    NewAuditEntry {
        operator: "sue".into(),
        kind: kind.parse().expect("a known audit kind"),
        subject: String::new(),
        details: json!({}),
    }
}

/// A closed case of `SECRET` with one export action (its job holding the
/// exported data), a journal line, a completed task and a draft.
fn closed_case(store: &Store, path: &std::path::Path) -> crate::domain::CaseId {
    let mut n = NewCase::new(Category::RightsRequest, "email");
    n.kind = Some(crate::domain::RequestKind::Disclosure);
    n.requester.name = Some(SECRET.into());
    n.requester.contact.email = Some("kazuko@example.jp".into());
    n.description = format!("{SECRET} wants her data");
    let channels: Vec<String> = crate::domain::case::DEFAULT_CHANNELS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let received = DateTime::parse_from_rfc3339("2026-01-05T10:00:00+09:00").unwrap();
    let case = case_rules::new_case(&n, &channels, received, "sue", Utc::now()).unwrap();
    let keys = ContactKeys {
        email: Some("kazuko@example.jp".into()),
        phone: None,
    };
    let link = LinkedRecord {
        system: "crm".into(),
        record_id: "C-7777".into(),
        display_name: Some(SECRET.into()),
    };
    let stored = store
        .create_case(
            &case,
            &keys,
            2026,
            &[link],
            json!({"requester": SECRET}),
            &entry("case_create"),
        )
        .unwrap();
    let id = stored.id.to_string();
    let c = Connection::open(path).unwrap();
    c.execute_batch(&format!(
        "UPDATE cases SET status = 'closed', is_open = 0, outcome = 'fulfilled',
                closed_at = '2020-01-01T00:00:00.000Z' WHERE id = '{id}';
         INSERT INTO case_notes (case_id, at, author, internal, text)
             VALUES ('{id}', '2026-01-06T00:00:00.000Z', 'sue', 0, 'Dear {SECRET}');
         INSERT INTO actions (id, case_id, kind, status, needs_approval, prepared_by, prepared_at, note, changes)
             VALUES (1, '{id}', 'export', 'approved', 1, 'sue', '2026-01-06T00:00:00.000Z', 'for {SECRET}', '[]');
         INSERT INTO action_jobs (id, action_id, case_id, kind, system, record_id, mode, idempotency_key,
                                  request, preview, state, result, message, updated_at)
             VALUES (1, 1, '{id}', 'export', 'crm', 'C-7777', 'api', 'k-1',
                     '{{\"body\": \"{SECRET}\"}}', 'masked', 'done', '{{\"name\": \"{SECRET}\"}}', 'ok',
                     '2026-01-06T00:00:00.000Z');
         INSERT INTO action_attempts (job_id, n, sent_at, operator, pid, outcome, message)
             VALUES (1, 1, '2026-01-06T00:00:00.000Z', 'sue', 1, 'ok', 'exported {SECRET}');
         INSERT INTO manual_tasks (case_id, action_id, system, record_id, instructions, created_by, created_at,
                                   done_by, done_at, result, note)
             VALUES ('{id}', 1, 'crm', 'C-7777', 'Print the file of {SECRET}', 'sue', '2026-01-06T00:00:00.000Z',
                     'sue', '2026-01-07T00:00:00.000Z', 'sent to {SECRET}', 'n');
         INSERT INTO drafts (operator, key, text, updated_at)
             VALUES ('sue', 'case.{id}.reply', 'Dear {SECRET}, draft', '2026-01-06T00:00:00.000Z');
         INSERT INTO drafts (operator, key, text, updated_at)
             VALUES ('sue', 'search.query', 'someone else', '2026-01-06T00:00:00.000Z');"
    ))
    .unwrap();
    stored.id
}

/// Every text of the store's case tables in which `needle` occurs, as
/// `table.column` (the audit log is not a case table).
fn found(path: &std::path::Path, needle: &str) -> Vec<String> {
    let c = Connection::open(path).unwrap();
    let mut out = Vec::new();
    for table in [
        "cases",
        "case_links",
        "case_notes",
        "case_events",
        "actions",
        "action_jobs",
        "action_attempts",
        "manual_tasks",
        "drafts",
    ] {
        let cols: Vec<String> = c
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for col in cols {
            let n: i64 = c
                .query_row(
                    &format!("SELECT COUNT(*) FROM {table} WHERE CAST({col} AS TEXT) LIKE ?1"),
                    [format!("%{needle}%")],
                    |r| r.get(0),
                )
                .unwrap();
            if n > 0 {
                out.push(format!("{table}.{col}"));
            }
        }
    }
    out
}

#[test]
fn a_purge_leaves_no_personal_data_in_any_case_table() {
    let (_dir, path) = temp_store_path();
    let store = Store::open(&path, 5000).unwrap();
    let id = closed_case(&store, &path);
    for needle in [SECRET, "kazuko@", "C-7777"] {
        assert!(
            !found(&path, needle).is_empty(),
            "the fixture holds {needle}"
        );
    }
    let counts = store.purge_counts(id).unwrap();
    assert_eq!(counts["action_jobs"], 1);
    assert_eq!(counts["manual_tasks"], 1);
    assert_eq!(counts["drafts"], 1);
    assert_eq!(counts["case_notes"], 1);

    let done = store
        .purge_case(id, "sue", Utc::now(), &entry("retention_purge"), &[])
        .unwrap();
    assert_eq!(done, Some(counts));
    for needle in [SECRET, "kazuko@", "C-7777"] {
        assert_eq!(found(&path, needle), Vec::<String>::new(), "{needle}");
    }
    let c = Connection::open(&path).unwrap();
    let result: Option<String> = c
        .query_row("SELECT result FROM action_jobs WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(result, None);
    let left: i64 = c
        .query_row("SELECT COUNT(*) FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 1, "the other operator's search draft stays");
    // The task stays completed, by whom and when.
    let (by, at): (String, String) = c
        .query_row("SELECT done_by, done_at FROM manual_tasks", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (by.as_str(), at.as_str()),
        ("sue", "2026-01-07T00:00:00.000Z")
    );
    // Still refused: undoing a completed task, even on a purged case.
    let err = c
        .execute("UPDATE manual_tasks SET done_at = NULL", [])
        .unwrap_err();
    assert!(err.to_string().contains("never changed"), "{err}");

    assert!(store.verify_audit().unwrap().first_broken.is_none());
    let again = store
        .purge_case(id, "sue", Utc::now(), &entry("retention_purge"), &[])
        .unwrap();
    assert_eq!(again, None);
}
