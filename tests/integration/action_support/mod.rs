//! Actions for the action-screen tests, made by the real desk against the
//! real sample systems on loopback with a real SQLite store: a correction
//! of Taro Yamada's phone number (run, every job done and verified), a
//! disclosure waiting for approval, a correction one system refused (HTTP
//! 422), the desk's refusal when a supervisor approves their own action,
//! and a rendered letter. What depends on the run (ports, times, case
//! numbers, request ids, today's date) is fixed so screens render the same
//! every time.

use crate::tui_support::{act, repo, state, USER};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use privdesk::config::{self, LoadOptions};
use privdesk::desk::{
    ActionRequest, ActionView, CaseActions, CaseView, Desk, JobUpdate, PlannedAction, RunReport,
};
use privdesk::domain::{
    ActionKind, CaseId, Category, LinkedRecord, NewCase, RequestKind, VerificationInput,
    VerificationResult,
};
use privdesk::sample::{self, SampleOptions};
use privdesk::tui::app::{ActionsMsg, CaseMsg, ScreenMsg};
use privdesk::tui::app::{CaseScreen, Msg, ScreenState, State};
use std::path::Path;
use std::sync::OnceLock;

/// The agent of the sample configuration.
pub const AGENT: &str = "demo-agent";
/// The new phone number of the correction.
pub const NEW_PHONE: &str = "080-9999-1234";
/// The requester's e-mail address.
pub const EMAIL: &str = "taro.yamada@example.jp";
/// The case number the screens show.
pub fn shown_id() -> CaseId {
    CaseId::new(2026, 7)
}

pub struct ActionFixture {
    /// The correction case as the case screen shows it.
    pub view: CaseView,
    /// Its actions: A-1 the correction (done), A-2 the disclosure
    /// (awaiting approval), A-3 a correction crm refused (and support's
    /// part of it handed to a manual task, T-1).
    pub actions: CaseActions,
    /// The dry run of the correction before it was created.
    pub preview: PlannedAction,
    /// The dry run of the correction, as prepared.
    pub correction: PlannedAction,
    /// The dry run of the disclosure, as prepared.
    pub disclosure: PlannedAction,
    /// The job changes the correction's run reported, in order.
    pub updates: Vec<JobUpdate>,
    pub report: RunReport,
    /// The approval inbox as a supervisor sees it.
    pub inbox: Vec<ActionView>,
    /// What the desk says when a supervisor approves their own action.
    pub self_approve: String,
    /// The receipt letter of the case, rendered.
    pub letter: String,
    /// Personal values that must never appear unmasked on these screens.
    pub secrets: Vec<String>,
}

pub fn fixture() -> &'static ActionFixture {
    static F: OnceLock<ActionFixture> = OnceLock::new();
    F.get_or_init(build)
}

fn jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(9 * 3600)
        .expect("JST")
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("a valid time")
}

fn fixed_time(minutes: i64) -> DateTime<Utc> {
    (jst(2026, 11, 20, 10, 0) + chrono::Duration::minutes(minutes)).with_timezone(&Utc)
}

fn load_config(dir: &Path, urls: &[(String, String)]) -> privdesk::config::Config {
    let path = repo().join("data/sample-config.toml");
    let text = std::fs::read_to_string(&path).expect("read the sample config");
    let mut doc: toml_edit::DocumentMut = text.parse().expect("sample config is TOML");
    for (name, url) in urls {
        doc["systems"][name.as_str()]["base_url"] = toml_edit::value(url.clone());
    }
    doc["store"]["path"] = toml_edit::value(dir.join("store.db").display().to_string());
    let home = dir.display().to_string();
    let opts = LoadOptions::isolated(USER, &[("HOME", home.as_str()), ("USER", USER)]);
    config::load_str(&doc.to_string(), &path, &opts)
        .unwrap_or_else(|p| panic!("sample config does not load:\n{p}"))
}

fn link(system: &str, id: &str) -> LinkedRecord {
    LinkedRecord {
        system: system.into(),
        record_id: id.into(),
        display_name: None,
    }
}

/// A verified rights request of `kind` from Taro Yamada, held by the agent.
fn open_case(agent: &Desk, kind: RequestKind, links: Vec<LinkedRecord>) -> CaseId {
    let mut n = NewCase::new(Category::RightsRequest, "email");
    n.kind = Some(kind);
    n.received_at = Some(jst(2026, 11, 20, 10, 0));
    n.requester.name = Some("Taro Yamada".into());
    n.requester.contact.email = Some(EMAIL.into());
    n.links = links;
    let c = agent.create_case(&n).expect("case opens");
    let c = agent.assign(c.id, c.version, Some(AGENT)).expect("take");
    let c = agent
        .verify_identity(
            c.id,
            c.version,
            &VerificationInput {
                method: "photo ID by post".into(),
                evidence: "licence copy".into(),
                result: VerificationResult::Verified,
            },
        )
        .expect("verify");
    c.id
}

fn build() -> ActionFixture {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let samples = sample::start(SampleOptions {
            port_base: None,
            latency_ms: None,
        })
        .await
        .expect("sample systems start");
        let urls: Vec<(String, String)> = samples
            .systems
            .iter()
            .map(|s| (s.name.clone(), s.base_url.clone()))
            .collect();
        let tmp = tempfile::tempdir().expect("temp dir");
        let agent = Desk::open(load_config(tmp.path(), &urls), AGENT).expect("desk");
        let sup = Desk::open(load_config(tmp.path(), &urls), USER).expect("desk");
        let old_phone = sample::records("crm")
            .expect("crm records")
            .iter()
            .find(|r| r["id"] == "C-1001")
            .and_then(|r| r["phone"].as_str().map(str::to_string))
            .expect("C-1001 has a phone");

        let id = open_case(
            &agent,
            RequestKind::Correction,
            vec![
                link("crm", "C-1001"),
                link("billing", "B-77"),
                link("support", "9001"),
            ],
        );
        let fix = ActionRequest {
            kind: Some(ActionKind::Update),
            changes: vec![("phone".into(), NEW_PHONE.into())],
            ..Default::default()
        };
        let preview = agent
            .preview_action(id, &fix)
            .await
            .expect("the correction's dry run");
        let correction = agent
            .plan_action(id, &fix)
            .await
            .expect("the correction is prepared");
        let disclosure = agent
            .plan_action(
                id,
                &ActionRequest {
                    kind: Some(ActionKind::Export),
                    ..Default::default()
                },
            )
            .await
            .expect("the disclosure is prepared");
        let a1 = privdesk::domain::action::parse_ref('A', "an action", &correction.action.id)
            .expect("A-1");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let report = agent.run_action(a1, Some(tx)).await.expect("the run ends");
        let mut updates = Vec::new();
        while let Some(u) = rx.recv().await {
            updates.push(u);
        }
        let refused = agent
            .plan_action(
                id,
                &ActionRequest {
                    kind: Some(ActionKind::Update),
                    records: vec![link("crm", "C-1001"), link("support", "9001")],
                    changes: vec![("email".into(), "not-an-email".into())],
                    ..Default::default()
                },
            )
            .await
            .expect("the bad correction is prepared");
        let a3 =
            privdesk::domain::action::parse_ref('A', "an action", &refused.action.id).expect("A-3");
        let bad = agent.run_action(a3, None).await.expect("the run ends");
        assert_eq!(bad.failed, 2, "both refuse the address: {bad:?}");
        // Support's part is handed to a person.
        let support = bad
            .action
            .jobs
            .iter()
            .find(|j| j.system == "support")
            .expect("support's job");
        let job = privdesk::domain::action::parse_ref('J', "a job", &support.id).expect("id");
        agent
            .job_to_manual(
                job,
                &privdesk::desk::ManualInput {
                    instructions: Some("Check the address with the customer by phone".into()),
                    ..Default::default()
                },
            )
            .expect("a manual task");

        // A supervisor's own action, on another case: the desk refuses
        // to let them approve it.
        let other = open_case(&agent, RequestKind::Disclosure, vec![link("crm", "C-1002")]);
        let own = sup
            .plan_action(
                other,
                &ActionRequest {
                    kind: Some(ActionKind::Export),
                    systems: vec!["crm".into()],
                    ..Default::default()
                },
            )
            .await
            .expect("the supervisor prepares");
        let own_id =
            privdesk::domain::action::parse_ref('A', "an action", &own.action.id).expect("id");
        let self_approve = match sup.decide_action(own_id, true, "looks fine") {
            Err(e) => e.to_string(),
            Ok(v) => panic!("a supervisor approved their own action: {v:?}"),
        };
        let inbox = sup.actions_awaiting_approval().expect("inbox");
        let actions = agent.case_actions(id, None).expect("actions");
        let letter = agent
            .render_letter(id, "receipt", None)
            .expect("letter")
            .text
            .replace(&id.to_string(), &shown_id().to_string())
            .replace(
                &privdesk::domain::Lang::Ja.date(agent.today()),
                &privdesk::domain::Lang::Ja.date(jst(2026, 11, 24, 0, 0).date_naive()),
            );
        let view = agent.get_case(id).expect("view");
        // Its days left as the desk works them out on the states' clock.
        let mut rows = agent
            .list_cases(&privdesk::domain::CaseFilter {
                assignee: privdesk::domain::AssigneeFilter::Anyone,
                ..Default::default()
            })
            .expect("list");
        crate::tui_support::on_the_clock(&mut rows, agent.calendar());
        let row = rows
            .iter()
            .find(|r| r.id == id)
            .expect("the case is listed");
        let left = (row.days_left, row.overdue);
        samples.shutdown();

        let renumber = |c: CaseId| {
            if c == id {
                shown_id()
            } else if c == other {
                CaseId::new(2026, 8)
            } else {
                c
            }
        };
        ActionFixture {
            view: stable_view(view, &renumber, left),
            actions: stable_actions(actions, &renumber),
            preview: stable_planned(preview, &renumber),
            correction: stable_planned(correction, &renumber),
            disclosure: stable_planned(disclosure, &renumber),
            updates,
            report,
            inbox: inbox
                .into_iter()
                .map(|v| stable_action(v, &renumber))
                .collect(),
            self_approve,
            letter,
            secrets: vec![old_phone, NEW_PHONE.to_string(), EMAIL.to_string()],
        }
    })
}

/// `http://127.0.0.1:40123/x` -> `http://127.0.0.1:PORT/x`.
fn without_port(url: &str) -> String {
    match url.find("127.0.0.1:") {
        Some(i) => {
            let (head, tail) = url.split_at(i + "127.0.0.1:".len());
            let digits = tail.chars().take_while(|c| c.is_ascii_digit()).count();
            format!("{head}PORT{}", &tail[digits..])
        }
        None => url.to_string(),
    }
}

/// A request id (a UUID) in a body, fixed.
fn without_key(v: &mut serde_json::Value, key: &str) {
    match v {
        serde_json::Value::String(s) if s == key => *s = "REQUEST-ID".into(),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| without_key(x, key)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| without_key(x, key)),
        _ => {}
    }
}

fn stable_action(mut v: ActionView, renumber: &dyn Fn(CaseId) -> CaseId) -> ActionView {
    v.case = renumber(v.case);
    v.prepared_at = fixed_time(30);
    v.decided_at = v.decided_at.map(|_| fixed_time(40));
    for j in &mut v.jobs {
        if let Some(r) = j.request.as_mut() {
            r.url = without_port(&r.url);
            if let Some(b) = r.body.as_mut() {
                without_key(b, &j.idempotency_key);
            }
        }
        j.idempotency_key = "KEY".into();
        j.last_sent_at = j.last_sent_at.map(|_| fixed_time(50));
        j.finished_at = j.finished_at.map(|_| fixed_time(51));
    }
    v
}

fn stable_planned(mut p: PlannedAction, renumber: &dyn Fn(CaseId) -> CaseId) -> PlannedAction {
    p.action = stable_action(p.action, renumber);
    p
}

fn stable_actions(mut a: CaseActions, renumber: &dyn Fn(CaseId) -> CaseId) -> CaseActions {
    a.case = renumber(a.case);
    a.actions = a
        .actions
        .into_iter()
        .map(|v| stable_action(v, renumber))
        .collect();
    for t in &mut a.tasks {
        t.case = renumber(t.case);
        t.created_at = fixed_time(60);
        t.done_at = t.done_at.map(|_| fixed_time(61));
    }
    a
}

fn stable_view(
    mut v: CaseView,
    renumber: &dyn Fn(CaseId) -> CaseId,
    (days_left, overdue): (Option<i64>, bool),
) -> CaseView {
    let id = renumber(v.case.id);
    v.case.id = id;
    v.days_left = days_left;
    v.overdue = overdue;
    v.case.created_at = fixed_time(0);
    v.case.updated_at = fixed_time(30);
    if let Some(ver) = v.case.verification.as_mut() {
        ver.verified_at = fixed_time(5);
    }
    for (i, e) in v.events.iter_mut().enumerate() {
        e.case_id = id;
        e.at = fixed_time(i as i64);
    }
    v
}

/// The case screen with the fixture's case loaded (as the agent), on
/// top of the search screen.
pub fn case_open(theme: &str, user: &str) -> State {
    let f = fixture();
    let mut s = state(theme);
    s.case_settings = crate::case_support::settings();
    if user == AGENT {
        s.operator.username = AGENT.into();
        s.operator.display_name = "Demo Agent".into();
        s.operator.role = privdesk::domain::Role::Agent;
    }
    s.screens
        .push(ScreenState::Case(CaseScreen::new(f.view.case.id)));
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Case(CaseMsg::Loaded {
            id: f.view.case.id,
            result: Ok(Box::new(f.view.clone())),
        })),
    );
    s
}

/// The actions panel of the case, loaded.
pub fn panel(theme: &str, user: &str) -> State {
    let f = fixture();
    let mut s = case_open(theme, user);
    let fx = act(
        &mut s,
        Msg::Run(privdesk::tui::keymap::Command::OpenActions),
    );
    assert!(
        fx.iter().any(|e| matches!(
            e,
            privdesk::tui::app::Effect::Screen(privdesk::tui::app::ScreenEffect::Actions(privdesk::tui::app::ActionsEffect::Load { case })) if *case == f.view.case.id
        )),
        "{fx:?}"
    );
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Actions(ActionsMsg::Loaded {
            case: f.view.case.id,
            result: Ok(Box::new(f.actions.clone())),
        })),
    );
    s
}
