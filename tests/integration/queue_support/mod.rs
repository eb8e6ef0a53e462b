//! Queues for the queue-screen tests: rows made here on the states' own
//! clock (Tuesday 2026-11-24), held by the server's own queue index, which
//! answers the screen's queries and pushes its pages after a change as the
//! server would. Each row is due on the day its spec asks for, and was
//! received on a day (before the clock) from which the desk's deadline
//! rules give that due date; days left are worked out by the index from
//! the business calendar.

pub use crate::tui_support::today;
use crate::tui_support::{act, state, wall, USER};
use chrono::{DateTime, FixedOffset, NaiveDate};
use privdesk::calendar::Calendar;
use privdesk::desk::queue_index::{QueueIndex, QueueView as ServerView};
use privdesk::domain::{
    CaseId, CaseStatus, CaseSummary, Category, Law, Priority, QueueLoad, QueueRow, QueueSection,
    RequestKind,
};
use privdesk::tui::app::QueueView;
use privdesk::tui::app::{Effect, Msg, State};
use privdesk::tui::app::{QueueEffect, QueueMsg, ScreenEffect, ScreenMsg};
use privdesk::tui::keymap::Command;

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

/// The latest receipt (at 10:15 on a day up to the clock) from which the
/// desk's deadline rules (the sample configuration sets none of its own)
/// make a case of this kind due on `due`.
fn received_for(kind: Option<RequestKind>, law: Law, due: NaiveDate) -> DateTime<FixedOffset> {
    let cal = Calendar::japan_default();
    let rules = privdesk::config::DeadlineConfig::default();
    (0..120)
        .map(|back| today() - chrono::Duration::days(back))
        .map(|day| {
            let t = format!("{day}T10:15:00+09:00");
            DateTime::parse_from_rfc3339(&t).expect("time")
        })
        .filter(|t| *t <= wall())
        .find(|t| {
            let d = privdesk::calendar::deadlines::compute_at(
                &cal,
                &rules,
                law,
                kind,
                *t,
                &[],
                None,
                wall(),
            )
            .expect("deadlines");
            d.practical_due == due
        })
        .unwrap_or_else(|| {
            panic!(
                "no receipt before {} makes a {kind:?} case due on {due}",
                wall()
            )
        })
}

pub fn row(sp: &Spec) -> QueueRow {
    let due = today() + chrono::Duration::days(sp.days_left);
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
            received_at: received_for(sp.kind, law, due),
            requester_name: Some(sp.name.into()),
            due: Some(due),
            // Worked out by the index.
            days_left: None,
            clock_stopped: false,
            overdue: false,
        },
        pending_approvals: sp.pending,
    }
}

/// Eight cases of a morning's queue, soonest due first, each due on an
/// open day (so the days left are the ones written here) and no further
/// off than its kind's deadline allows from a receipt before the clock.
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
            -4,
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
            13,
            0,
            "how long is data kept",
        ),
        s(
            41,
            Inquiry,
            None,
            Responded,
            None,
            "Kato Ken",
            14,
            0,
            "asked about cookies",
        ),
        s(
            40,
            RightsRequest,
            Some(RequestKind::Rectification),
            OnHold,
            Some(USER),
            "Yamada Hanako",
            20,
            0,
            "correct the billing address",
        ),
    ]
}

pub fn load(specs: &[Spec]) -> QueueLoad {
    QueueLoad {
        rows: specs.iter().map(row).collect(),
        descriptions: specs.iter().map(|s| s.description.to_string()).collect(),
    }
}

/// The server's side of a queue screen: the index and the session's view.
pub struct Server {
    pub idx: QueueIndex,
    pub view: Option<ServerView>,
    pub me: String,
    pub own_only: bool,
}

impl Server {
    pub fn new(specs: &[Spec], sections: Vec<QueueSection>) -> Server {
        Server {
            idx: QueueIndex::build(load(specs), sections, today(), &Calendar::japan_default()),
            view: None,
            me: USER.to_string(),
            own_only: false,
        }
    }

    /// Answer the first query among `fx` (the page, as an action); `None`
    /// when there is none.
    pub fn answer_one(&mut self, fx: &[Effect]) -> Option<Msg> {
        fx.iter().find_map(|e| match e {
            Effect::Screen(ScreenEffect::Queue(QueueEffect::Query { open, query })) => {
                let page = match (&mut self.view, *open) {
                    (Some(v), false) => v.set_query(&self.idx, query.clone()),
                    _ => {
                        let v = ServerView::new(&self.idx, &self.me, self.own_only, query.clone());
                        let p = v.page(&self.idx);
                        self.view = Some(v);
                        p
                    }
                };
                Some(Msg::Screen(ScreenMsg::Queue(QueueMsg::Page(Ok(Box::new(
                    page,
                ))))))
            }
            Effect::Screen(ScreenEffect::Queue(QueueEffect::Ids(query))) => {
                let v = ServerView::new(&self.idx, &self.me, self.own_only, query.clone());
                Some(Msg::Screen(ScreenMsg::Queue(QueueMsg::Ids(Ok(
                    v.ids(&self.idx)
                )))))
            }
            _ => None,
        })
    }

    /// Answer every query among `fx` in order, and those the answers
    /// lead to; the other effects.
    pub fn answer(&mut self, s: &mut State, fx: &[Effect]) -> Vec<Effect> {
        let mut todo: std::collections::VecDeque<Effect> = fx.iter().cloned().collect();
        let mut rest = Vec::new();
        while let Some(e) = todo.pop_front() {
            match self.answer_one(std::slice::from_ref(&e)) {
                Some(a) => todo.extend(act(s, a)),
                None => rest.push(e),
            }
        }
        rest
    }

    /// A case changed: the index takes it and the screen gets the page.
    pub fn change(&mut self, s: &mut State, row: QueueRow, descr: &str) -> Vec<Effect> {
        let applied = self
            .idx
            .upsert(row, descr, &Calendar::japan_default())
            .expect("a change");
        let v = self.view.as_mut().expect("the queue is open");
        v.apply(&self.idx, &applied);
        let page = v.page(&self.idx);
        let fx = act(
            s,
            Msg::Screen(ScreenMsg::Queue(QueueMsg::Page(Ok(Box::new(page))))),
        );
        self.answer(s, &fx)
    }
}

/// A state with assignees known, on the queue, loaded with `specs`.
pub fn queue_state(theme: &str, specs: &[Spec]) -> (State, Server) {
    let mut s = state(theme);
    s.case_settings.assignees = vec![
        (USER.to_string(), "Demo Supervisor".to_string()),
        ("demo-agent".to_string(), "Demo Agent".to_string()),
    ];
    let mut server = Server::new(specs, s.queue_sections.clone());
    let fx = act(&mut s, Msg::Run(Command::Queue));
    server.answer(&mut s, &fx);
    (s, server)
}

/// Case numbers shown, in order.
pub fn shown(s: &State) -> Vec<String> {
    let q = s.screens.get::<QueueView>().expect("queue open");
    (0..q.total())
        .filter_map(|i| q.row(i))
        .map(|r| r.case.id.to_string())
        .collect()
}
