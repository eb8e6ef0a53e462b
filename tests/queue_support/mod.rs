//! Queues for the queue-screen tests: rows made here with fixed dates and
//! days left (so screens render the same on every run), a state with the
//! queue open and loaded through `update`, and the filter worker's part
//! run in place.

#![allow(dead_code)]

use crate::tui_support::{act, state, USER};
use chrono::{DateTime, FixedOffset, NaiveDate};
use privdesk::domain::{
    CaseId, CaseStatus, CaseSummary, Category, Law, Priority, QueueLoad, QueueRow, RequestKind,
};
use privdesk::tui::app::{Action, Effect, QueueData, State};
use privdesk::tui::keymap::Command;
use privdesk::tui::queue_filter::{FilterJob, Narrowing};

pub struct Spec {
    pub seq: u32,
    pub category: Category,
    pub kind: Option<RequestKind>,
    pub status: CaseStatus,
    pub assignee: Option<&'static str>,
    pub name: &'static str,
    pub days_left: i64,
    pub pending: u32,
    pub description: &'static str,
}

fn received(day: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-11-{day:02}T10:15:00+09:00")).expect("time")
}

pub fn row(sp: &Spec) -> QueueRow {
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    let due = today + chrono::Duration::days(sp.days_left);
    let law = sp.kind.map(|k| k.law()).unwrap_or(Law::Appi);
    QueueRow {
        case: CaseSummary {
            id: CaseId::new(2026, sp.seq),
            version: 3,
            status: sp.status,
            category: sp.category,
            kind: sp.kind,
            law,
            priority: Priority::Normal,
            assignee: sp.assignee.map(str::to_string),
            channel: "email".into(),
            received_at: received(1 + sp.seq % 18),
            requester_name: Some(sp.name.into()),
            due: Some(due),
            days_left: Some(sp.days_left),
            clock_stopped: false,
            overdue: sp.days_left < 0 && sp.status.is_open(),
        },
        pending_approvals: sp.pending,
    }
}

/// Eight cases of a morning's queue, soonest due first.
pub fn specs() -> Vec<Spec> {
    use CaseStatus::*;
    use Category::*;
    let s = |seq, category, kind, status, assignee, name, days_left, pending, description| Spec {
        seq,
        category,
        kind,
        status,
        assignee,
        name,
        days_left,
        pending,
        description,
    };
    vec![
        s(
            12,
            Complaint,
            None,
            InProgress,
            Some("demo-agent"),
            "Yamada Taro",
            -5,
            0,
            "rude reply on the phone",
        ),
        s(
            7,
            RightsRequest,
            Some(RequestKind::Disclosure),
            AwaitingIdentity,
            None,
            "Suzuki Hanako",
            -2,
            0,
            "wants a copy of all data",
        ),
        s(
            21,
            RightsRequest,
            Some(RequestKind::Erasure),
            InProgress,
            Some(USER),
            "Anna Schmidt",
            1,
            1,
            "delete the loyalty account",
        ),
        s(
            30,
            Complaint,
            None,
            New,
            None,
            "Tanaka Ichiro",
            3,
            0,
            "letter sent to the old address",
        ),
        s(
            15,
            RightsRequest,
            Some(RequestKind::Know),
            AwaitingApproval,
            Some("demo-agent"),
            "John Miller",
            6,
            0,
            "what is sold to partners",
        ),
        s(
            33,
            Inquiry,
            None,
            New,
            None,
            "Sato Yuki",
            12,
            0,
            "how long is data kept",
        ),
        s(
            40,
            RightsRequest,
            Some(RequestKind::Correction),
            OnHold,
            Some(USER),
            "Yamada Hanako",
            20,
            0,
            "correct the billing address",
        ),
        s(
            41,
            Inquiry,
            None,
            Responded,
            None,
            "Kato Ken",
            25,
            0,
            "asked about cookies",
        ),
    ]
}

pub fn load(specs: &[Spec]) -> QueueLoad {
    QueueLoad {
        rows: specs.iter().map(row).collect(),
        descriptions: specs.iter().map(|s| s.description.to_string()).collect(),
    }
}

/// A state with assignees known, on the queue, loaded with `specs`.
pub fn queue_state(theme: &str, specs: &[Spec]) -> State {
    let mut s = state(theme);
    s.case_settings.assignees = vec![
        (USER.to_string(), "Demo Supervisor".to_string()),
        ("demo-agent".to_string(), "Demo Agent".to_string()),
    ];
    let fx = act(&mut s, Action::Run(Command::Queue));
    feed_load(&mut s, &fx, load(specs));
    s
}

/// Answer the `LoadQueue` among `fx` with `load`, as the effect would.
pub fn feed_load(s: &mut State, fx: &[Effect], load: QueueLoad) -> Vec<Effect> {
    let (gen, sections, me) = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadQueue {
                gen, sections, me, ..
            } => Some((*gen, sections.clone(), me.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no LoadQueue in {fx:?}"));
    let data = QueueData::build(load, &sections, &me);
    act(
        s,
        Action::QueueLoaded {
            gen,
            result: Ok(Box::new(data)),
        },
    )
}

/// The filter jobs among `fx`.
pub fn jobs(fx: &[Effect]) -> Vec<FilterJob> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FilterQueue(j) => Some(j.clone()),
            _ => None,
        })
        .collect()
}

/// Answer filter jobs as the worker would (newest only when `newest_only`).
pub fn answer(s: &mut State, jobs: &[FilterJob]) {
    let mut n = Narrowing::default();
    for j in jobs {
        let hits = n.run(j);
        act(
            s,
            Action::QueueFiltered(privdesk::tui::queue_filter::FilterResult {
                gen: j.gen,
                seq: j.seq,
                hits,
            }),
        );
    }
}

/// Case numbers shown, in order.
pub fn shown(s: &State) -> Vec<String> {
    let q = s.queue.as_ref().expect("queue open");
    let data = q.data.as_ref().expect("loaded");
    q.visible
        .iter()
        .map(|&i| data.rows[i as usize].case.id.to_string())
        .collect()
}
