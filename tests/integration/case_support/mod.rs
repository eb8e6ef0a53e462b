//! Cases for the case-screen tests: a real desk on a SQLite file in a temp
//! folder (the sample configuration; cases need no running system), cases
//! opened and changed through it, and their views with what depends on
//! "now" fixed so that screens render the same on every run. There is one
//! clock, the states' (Tuesday 2026-11-24 10:30 in Tokyo): the cases were
//! received before it, each change is timed on its receipt day, the due
//! dates are the desk's own from those receipts, and the days left are
//! worked out from them on that clock by the server's queue index.

use crate::tui_support::{act, data, key, on_the_clock, repo, state, USER};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use crossterm::event::KeyCode;
use privdesk::config::{self, LoadOptions};
use privdesk::desk::{CaseView, Desk, DeskError};
use privdesk::domain::{
    AssigneeFilter, CaseConflict, CaseFilter, CaseId, CaseStatus, CaseSummary, Category, Contact,
    LinkedRecord, NewCase, Priority, Representative, RequestKind, StatusChange, VerificationInput,
    VerificationResult,
};
use privdesk::tui::app::CasesView;
use privdesk::tui::app::{CaseMsg, CasesMsg, ScreenMsg};
use privdesk::tui::app::{Msg, State};
use privdesk::tui::keymap::Command;
use std::path::Path;
use std::sync::OnceLock;

/// The other operator of the sample configuration (an agent).
pub const AGENT: &str = "demo-agent";

/// The sample configuration with its store in `dir`, loaded as the desk would.
pub fn load_config(dir: &Path) -> privdesk::config::Config {
    let path = repo().join("data/sample-config.toml");
    let text = std::fs::read_to_string(&path).expect("read the sample config");
    let mut doc: toml_edit::DocumentMut = text.parse().expect("sample config is TOML");
    doc["store"]["path"] = toml_edit::value(dir.join("store.db").display().to_string());
    let home = dir.display().to_string();
    let opts = LoadOptions::isolated(USER, &[("HOME", home.as_str()), ("USER", USER)]);
    config::load_str(&doc.to_string(), &path, &opts)
        .unwrap_or_else(|p| panic!("sample config does not load:\n{p}"))
}

/// A desk for `user` on the store in `dir`.
pub fn desk(dir: &Path, user: &str) -> Desk {
    Desk::open(load_config(dir), user).expect("desk opens")
}

/// A client session as `user` with a server of its own over the store in
/// `dir` (the sample configuration is a demo one: `--as` is taken), and
/// the runtime it lives on.
pub fn client(dir: &Path, user: &str) -> (tokio::runtime::Runtime, privdesk::client::Client) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let hello = privdesk::protocol::Hello::new("test", Some(user.to_string()));
    let client = rt
        .block_on(privdesk::client::Client::embedded(load_config(dir), hello))
        .expect("client connects");
    (rt, client)
}

/// A local time in Tokyo.
pub fn jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(9 * 3600)
        .expect("JST")
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("a valid time")
}

/// A disclosure request under APPI from Taro Yamada, made by his mother,
/// linked to two of his records, received on Thursday 2026-11-12 (due in
/// two days on the states' clock).
pub fn disclosure_request() -> NewCase {
    let mut n = NewCase::new(Category::RightsRequest, "phone");
    n.kind = Some(RequestKind::Disclosure);
    n.received_at = Some(jst(2026, 11, 12, 10, 15));
    n.priority = Some(Priority::High);
    n.requester.name = Some("山田 太郎".into());
    n.requester.contact = Contact {
        email: Some("taro.yamada@example.jp".into()),
        phone: Some("090-1234-5678".into()),
        postal_address: None,
    };
    n.requester.reply_channel = Some("email".into());
    n.requester.representative = Some(Representative {
        name: "山田 花子".into(),
        relation: "mother".into(),
        proof: Some("family register copy".into()),
    });
    n.description = "Wants a copy of everything held about him,\nas a PDF by email.".into();
    n.links = vec![
        LinkedRecord {
            system: "crm".into(),
            record_id: "C-1001".into(),
            display_name: Some("山田 太郎".into()),
        },
        LinkedRecord {
            system: "billing".into(),
            record_id: "B-77".into(),
            display_name: Some("山田 太郎".into()),
        },
    ];
    n
}

/// What the screens show, built once per test binary.
pub struct Fixture {
    /// The disclosure request after an identity check, work started, an
    /// internal note and a reply marked as the response (supervisor's).
    pub disclosure: CaseView,
    /// A GDPR access request nobody holds yet, weeks from its due date.
    pub access: CaseView,
    /// A complaint the agent holds, put on hold, past its due date.
    pub complaint: CaseView,
    /// Every open case, soonest due first, as the list shows them.
    pub rows: Vec<CaseSummary>,
    /// What the desk said when a status change was asked of the disclosure
    /// request on a version someone else had changed meanwhile.
    pub conflict: CaseConflict,
}

pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(build)
}

/// The fixed number each case is shown with: the case numbers and their
/// year depend on when the test runs.
fn stable_id(seq: u32) -> CaseId {
    CaseId::new(2026, seq)
}

fn build() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let sup = desk(dir.path(), USER);
    let agent = desk(dir.path(), AGENT);

    let d = sup
        .create_case(&disclosure_request())
        .expect("disclosure opens");
    let d = sup.assign(d.id, d.version, Some(USER)).expect("assign");
    let d = sup
        .verify_identity(
            d.id,
            d.version,
            &VerificationInput {
                method: "callback to the registered number".into(),
                evidence: "mother confirmed the date of birth".into(),
                result: VerificationResult::Verified,
            },
        )
        .expect("verify");
    let d = sup
        .change_status(d.id, d.version, &StatusChange::to(CaseStatus::InProgress))
        .expect("in progress");
    let seen = d.version;
    let d = sup
        .add_note(
            d.id,
            d.version,
            "Asked billing for the invoices.",
            true,
            false,
        )
        .expect("note");
    let d = sup
        .add_note(
            d.id,
            d.version,
            "We have sent the copy of your data by email today.",
            false,
            true,
        )
        .expect("reply");
    let conflict = match sup.change_status(d.id, seen, &StatusChange::to(CaseStatus::OnHold)) {
        Err(DeskError::Conflict(c)) => *c,
        other => panic!("a status change on an old version is a conflict, got {other:?}"),
    };

    let mut access = NewCase::new(Category::RightsRequest, "email");
    access.kind = Some(RequestKind::Access);
    access.received_at = Some(jst(2026, 11, 19, 18, 40));
    access.requester.name = Some("Emily Johnson".into());
    access.requester.contact.email = Some("Emily.Johnson@example.com".into());
    access.description = "Access request under GDPR Art. 15.".into();
    let a = sup.create_case(&access).expect("access opens");

    let mut complaint = NewCase::new(Category::Complaint, "postal_mail");
    complaint.received_at = Some(jst(2026, 11, 6, 9, 5));
    complaint.requester.name = Some("鈴木 花子".into());
    complaint.description = "Received a newsletter after unsubscribing.".into();
    let c = agent.create_case(&complaint).expect("complaint opens");
    let c = agent
        .assign(c.id, c.version, Some(AGENT))
        .expect("agent takes it");
    let c = agent
        .change_status(c.id, c.version, &StatusChange::to(CaseStatus::InProgress))
        .expect("in progress");
    let hold = StatusChange {
        to: Some(CaseStatus::OnHold),
        reason: Some("waiting for the mailing system's log".into()),
        ..StatusChange::default()
    };
    let c = agent
        .change_status(c.id, c.version, &hold)
        .expect("on hold");

    let ids = [(d.id, 4), (a.id, 5), (c.id, 6)];
    let renumber = |id: CaseId| {
        ids.iter()
            .find(|(real, _)| *real == id)
            .map(|(_, seq)| stable_id(*seq))
            .unwrap_or(id)
    };
    let mut rows = sup
        .list_cases(&CaseFilter {
            assignee: AssigneeFilter::Anyone,
            ..CaseFilter::default()
        })
        .expect("list");
    on_the_clock(&mut rows, sup.calendar());
    for r in &mut rows {
        r.id = renumber(r.id);
    }
    let view = |id| stable_view(sup.get_case(id).expect("view"), renumber, &rows);
    let mut conflict = conflict;
    conflict.case_id = renumber(conflict.case_id);
    for e in conflict.changes.iter_mut() {
        e.case_id = renumber(e.case_id);
        e.at = version_time(d.received_at, e.version);
    }
    Fixture {
        disclosure: view(d.id),
        access: view(a.id),
        complaint: view(c.id),
        rows,
        conflict,
    }
}

/// When a case received at `received` reached `version`: opened at once,
/// each change a minute after the one before, all on its receipt day (the
/// real times depend on when the test runs).
pub fn version_time(received: DateTime<FixedOffset>, version: i64) -> DateTime<Utc> {
    (received + chrono::Duration::minutes(version - 1)).with_timezone(&Utc)
}

/// The view with its times fixed on its receipt day and its days left and
/// overdue flag those of its row in the list (worked out on the clock).
fn stable_view(
    mut v: CaseView,
    renumber: impl Fn(CaseId) -> CaseId,
    rows: &[CaseSummary],
) -> CaseView {
    let id = renumber(v.case.id);
    v.case.id = id;
    let row = rows
        .iter()
        .find(|r| r.id == id)
        .expect("the case is in the list");
    v.days_left = row.days_left;
    v.overdue = row.overdue;
    // Everything is timed by the change that made it, so the timeline,
    // the notes, the identity check and the conflict agree.
    let at = |version| version_time(v.case.received_at, version);
    v.case.created_at = at(1);
    v.case.updated_at = at(v.case.version);
    for e in v.events.iter_mut() {
        e.case_id = id;
        e.at = at(e.version);
    }
    let times = |kind: &str| -> Vec<DateTime<Utc>> {
        v.events
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.at)
            .collect()
    };
    let (noted, replied, verified) = (times("note"), times("reply"), times("verification"));
    assert_eq!(noted.len(), v.notes.len(), "a note event per note");
    assert_eq!(replied.len(), v.replies.len(), "a reply event per reply");
    for (n, t) in v.notes.iter_mut().zip(noted) {
        n.case_id = id;
        n.at = t;
    }
    for (n, t) in v.replies.iter_mut().zip(replied) {
        n.case_id = id;
        n.at = t;
    }
    if let Some(ver) = v.case.verification.as_mut() {
        ver.verified_at = *verified.last().expect("a verification event");
    }
    if let (Some(r), Some(reply)) = (v.case.response.as_mut(), v.replies.last()) {
        r.at = reply.at;
    }
    v
}

/// The list rows, soonest due first, with the days left the desk works out
/// on the states' clock: the complaint late, the disclosure request due
/// soon, the access request weeks ahead.
pub fn rows_by_state() -> Vec<CaseSummary> {
    fixture().rows.clone()
}

/// A state as the runtime builds it (fixed time), with the sample
/// configuration's channels, assignees and calendar.
pub fn case_state(theme: &str) -> State {
    let mut s = state(theme);
    s.case_settings = settings();
    s
}

pub fn settings() -> privdesk::tui::app::CaseSettings {
    static SETTINGS: OnceLock<privdesk::tui::app::CaseSettings> = OnceLock::new();
    SETTINGS
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let (_rt, client) = client(dir.path(), USER);
            privdesk::tui::case_settings(&client)
        })
        .clone()
}

/// The case list (`c` from the search results), loaded with `rows`.
pub fn cases_screen(theme: &str, rows: Vec<CaseSummary>) -> State {
    let mut s = case_state(theme);
    let fx = act(&mut s, Msg::Run(Command::Cases));
    let gen = fx
        .iter()
        .find_map(|e| match e {
            privdesk::tui::app::Effect::Screen(privdesk::tui::app::ScreenEffect::Cases(
                privdesk::tui::app::CasesEffect::Load { gen, .. },
            )) => Some(*gen),
            _ => None,
        })
        .expect("the list is loaded");
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Cases(CasesMsg::Loaded {
            gen,
            result: Ok(rows),
        })),
    );
    s
}

/// The case screen showing `view`, opened from the list.
pub fn case_screen(theme: &str, view: &CaseView) -> State {
    let mut s = cases_screen(theme, rows_by_state());
    let at = s
        .screens
        .get::<CasesView>()
        .and_then(|c| c.rows.data.iter().position(|r| r.id == view.case.id))
        .expect("the case is in the list");
    for _ in 0..at {
        act(&mut s, key(KeyCode::Down));
    }
    act(&mut s, key(KeyCode::Enter));
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Case(CaseMsg::Loaded {
            id: view.case.id,
            result: Ok(Box::new(view.clone())),
        })),
    );
    s
}

/// The search for `yamada` done and Taro Yamada's person screen open.
pub fn taro_person(theme: &str) -> State {
    let mut s = case_state(theme);
    crate::tui_support::search(&mut s, "yamada", &data().yamada);
    act(&mut s, key(KeyCode::Down));
    let at = s
        .persons()
        .iter()
        .position(|p| {
            p.records
                .iter()
                .any(|r| r.system == "crm" && r.id == "C-1001")
        })
        .expect("yamada finds Taro Yamada");
    for _ in 0..at {
        act(&mut s, key(KeyCode::Down));
    }
    act(&mut s, key(KeyCode::Enter));
    s
}
