//! The server through the client, in this process: sessions over socket
//! pairs, so the peer is this test's own uid, as the kernel reports it.

use crate::client::{Client, Target};
use crate::config::{load_str, Config, LoadOptions};
use crate::desk::DeskError;
use crate::domain::queue::QueueQuery;
use crate::domain::{Category, Contact, NewCase, RequestKind};
use crate::protocol::{Event, Hello};
use crate::server::Server;
use crate::store::{AuditFilter, Store};
use std::sync::Arc;
use std::time::Duration;

const OPERATORS: &str = r#"
[operators.alice]
display_name = "Alice Agent"
role = "agent"
[operators.sue]
display_name = "Sue Supervisor"
role = "supervisor"
[operators.audrey]
display_name = "Audrey Auditor"
role = "auditor"
"#;

fn config(dir: &std::path::Path, demo: bool) -> Config {
    let text = format!(
        "demo = {demo}\n[store]\npath = \"{}\"\n{OPERATORS}",
        dir.join("store.db").display()
    );
    let home = dir.display().to_string();
    let opts = LoadOptions::isolated("nobody-here", &[("HOME", home.as_str())]);
    load_str(&text, &dir.join("config.toml"), &opts).expect("config")
}

async fn as_user(server: &Arc<Server>, who: Option<&str>) -> Result<Client, DeskError> {
    Client::connect(
        Target::Embedded(server.clone()),
        Hello::new("test", who.map(str::to_string)),
    )
    .await
}

fn request() -> NewCase {
    let mut n = NewCase::new(Category::RightsRequest, "email");
    n.kind = Some(RequestKind::Access);
    n.requester.name = Some("Taro Yamada".into());
    n.requester.contact = Contact {
        email: Some("taro.yamada@example.jp".into()),
        phone: Some("090-1234-5678".into()),
        postal_address: None,
    };
    n.description = "Wants a copy".into();
    n
}

fn denied(store: &std::path::Path) -> Vec<crate::store::AuditEntry> {
    Store::open(store, 5000)
        .unwrap()
        .audit_entries(&AuditFilter {
            kind: Some("denied".into()),
            subject: Some("session".into()),
            ..Default::default()
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_uid_not_listed_is_refused_and_the_refusal_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(config(dir.path(), false)).unwrap();
    let err = as_user(&server, None).await.err().expect("refused");
    assert!(matches!(err, DeskError::Refused(_)), "{err}");
    assert!(err.to_string().contains("is not an operator"), "{err}");
    let entries = denied(&dir.path().join("store.db"));
    assert_eq!(entries.len(), 1);
    let uid = nix::unistd::getuid().as_raw();
    assert_eq!(entries[0].details["uid"], uid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn as_is_refused_by_a_server_that_is_not_a_demo() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(config(dir.path(), false)).unwrap();
    let err = as_user(&server, Some("sue")).await.err().expect("refused");
    assert!(err.to_string().contains("only by a demo server"), "{err}");
    let entries = denied(&dir.path().join("store.db"));
    assert_eq!(entries[0].details["acting_as"], "sue");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contact_details_leave_masked_until_revealed_in_that_session() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(config(dir.path(), true)).unwrap();
    let alice = as_user(&server, Some("alice")).await.unwrap();
    assert_eq!(alice.operator().username, "alice");
    let case = alice.create_case(request(), vec![]).await.unwrap();
    assert_eq!(
        case.requester.contact.email.as_deref(),
        Some("t***@example.jp")
    );
    let v = alice.get_case(case.id, true).await.unwrap();
    assert_eq!(
        v.case.requester.contact.phone.as_deref(),
        Some("***-****-5678")
    );
    let shown = alice
        .reveal_case(case.id, "calling back".into())
        .await
        .unwrap();
    assert_eq!(
        shown.view.case.requester.contact.phone.as_deref(),
        Some("090-1234-5678")
    );
    // Kept shown for this session when asked; masked when not.
    let again = alice.get_case(case.id, true).await.unwrap();
    assert_eq!(
        again.case.requester.contact.email.as_deref(),
        Some("taro.yamada@example.jp")
    );
    let masked = alice.get_case(case.id, false).await.unwrap();
    assert_eq!(
        masked.case.requester.contact.email.as_deref(),
        Some("t***@example.jp")
    );
    // Another session of the same operator has revealed nothing.
    let other = as_user(&server, Some("alice")).await.unwrap();
    let v = other.get_case(case.id, true).await.unwrap();
    assert_eq!(
        v.case.requester.contact.email.as_deref(),
        Some("t***@example.jp")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_in_one_session_is_pushed_to_the_queue_of_another() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(config(dir.path(), true)).unwrap();
    let sue = as_user(&server, Some("sue")).await.unwrap();
    let alice = as_user(&server, Some("alice")).await.unwrap();
    let mut events = sue.events().await.unwrap();
    assert_eq!(events.next().await, Some(Event::Ready));
    let page = sue
        .queue_open(QueueQuery {
            limit: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    let case = alice.create_case(request(), vec![]).await.unwrap();
    let mut got_queue = None;
    let mut got_changed = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while got_queue.is_none() || !got_changed {
        let e = tokio::time::timeout_at(deadline, events.next())
            .await
            .expect("pushed in time")
            .expect("stream open");
        match e {
            Event::Queue { page } => got_queue = Some(page),
            Event::Changed { cases, .. } => {
                assert_eq!(cases, vec![case.id]);
                got_changed = true;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let page = got_queue.unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.rows[0].case.id, case.id);
    assert_eq!(
        page.rows[0].case.requester_name.as_deref(),
        Some("T*** Y*****")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_of_another_protocol_is_told_so() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(config(dir.path(), true)).unwrap();
    let mut hello = Hello::new("old client", Some("sue".into()));
    hello.protocol = crate::protocol::PROTOCOL + 1;
    let err = Client::connect(Target::Embedded(server.clone()), hello)
        .await
        .err()
        .expect("refused");
    assert!(matches!(err, DeskError::Version(_)), "{err}");
    assert!(
        err.to_string()
            .contains("use the privdesk installed with the server"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditors_cannot_open_cases_through_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(config(dir.path(), true)).unwrap();
    let audrey = as_user(&server, Some("audrey")).await.unwrap();
    let err = audrey.create_case(request(), vec![]).await.err().unwrap();
    assert!(matches!(err, DeskError::Denied(_)), "{err}");
}
