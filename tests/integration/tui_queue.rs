//! The queue screen driven through `update` as the runtime drives it,
//! answered by the server's own queue index: sections and their counts,
//! the `/` filter (stale answers dropped), marks, bulk assign and escalate
//! with their report, pages pushed after a change; bulk changes and the
//! pushes against a real server; insta snapshots at 80x24.

use crate::case_support;
use crate::queue_support;
use crate::tui_support;
use privdesk::tui::app::QueueView;

use crossterm::event::KeyCode;
use privdesk::domain::{Category, NewCase, Priority};
use privdesk::tui::app::{
    BulkOp, BulkOutcome, BulkResult, Effect, Msg, Overlay, QueuePopup, ScreenId, State,
};
use privdesk::tui::app::{
    CaseEffect, InboxEffect, InboxMsg, QueueEffect, QueueMsg, ScreenEffect, ScreenMsg,
};
use privdesk::tui::effects::Effects;
use privdesk::tui::keymap::{Command, Keymap};
use queue_support::*;
use std::time::Duration;
use tui_support::*;

fn snap(name: &str, s: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(s, 80, 24));
}

fn q(s: &State) -> &privdesk::tui::app::QueueView {
    s.screens.get::<QueueView>().expect("queue open")
}

fn tab_named(s: &mut State, server: &mut Server, name: &str) {
    for _ in 0..q(s).tabs() {
        if q(s).tab_name(q(s).tab) == name {
            return;
        }
        let fx = act(s, Msg::Run(Command::QueueNextSection));
        server.answer(s, &fx);
    }
    panic!("no section {name}");
}

/// The queries among `fx`.
fn queries(fx: &[Effect]) -> Vec<privdesk::domain::queue::QueueQuery> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Screen(ScreenEffect::Queue(QueueEffect::Query { query, .. })) => {
                Some(query.clone())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn opening_loads_audited_and_sections_count_their_rows() {
    let mut s = state("default");
    let mut server = Server::new(&specs(), s.queue_sections.clone());
    let fx = act(&mut s, Msg::Run(Command::Queue));
    assert_eq!(s.screen(), ScreenId::Queue);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Screen(ScreenEffect::Queue(QueueEffect::Query { open: true, query })) if query.tab == 0)),
        "{fx:?}"
    );
    server.answer(&mut s, &fx);
    let counts: Vec<(String, usize)> = (0..q(&s).tabs())
        .map(|i| (q(&s).tab_name(i).to_string(), q(&s).count(i)))
        .collect();
    let expect = [
        ("All", 8),
        ("Complaints", 2),
        ("Requests", 4),
        ("Awaiting approval", 2),
        ("Overdue", 2),
        ("Due this week", 3),
        ("Unassigned", 4),
        ("Mine", 2),
    ];
    let expect: Vec<(String, usize)> = expect.iter().map(|(n, c)| (n.to_string(), *c)).collect();
    assert_eq!(counts, expect);
    // Soonest due first; a section shows its own rows.
    assert_eq!(
        shown(&s)[..3],
        ["PD-2026-000012", "PD-2026-000007", "PD-2026-000021"]
    );
    let mut tab = |s: &mut State, name: &str| {
        for _ in 0..q(s).tabs() {
            if q(s).tab_name(q(s).tab) == name {
                return;
            }
            let fx = act(s, Msg::Run(Command::QueueNextSection));
            server.answer(s, &fx);
        }
        panic!("no section {name}");
    };
    tab(&mut s, "Overdue");
    assert_eq!(shown(&s), ["PD-2026-000012", "PD-2026-000007"]);
    tab(&mut s, "Awaiting approval");
    assert_eq!(shown(&s), ["PD-2026-000021", "PD-2026-000015"]);
    let fx = act(&mut s, Msg::Run(Command::QueuePrevSection));
    server.answer(&mut s, &fx);
    assert_eq!(q(&s).tab_name(q(&s).tab), "Requests");
}

#[test]
fn the_filter_asks_the_server_on_every_keystroke_and_keeps_the_newest_answer() {
    let (mut s, mut server) = queue_state("default", &specs());
    press(&mut s, KeyCode::Char('/'));
    assert!(q(&s).typing);
    let mut fx = Vec::new();
    for c in "yam".chars() {
        fx.extend(press(&mut s, KeyCode::Char(c)));
    }
    let qs = queries(&fx);
    assert_eq!(qs.len(), 3, "one query per keystroke: {fx:?}");
    assert!(qs.windows(2).all(|w| w[1].seq > w[0].seq));
    assert_eq!(qs[2].filter, "yam");
    // An older answer arriving late changes nothing.
    let old = server
        .answer_one(&fx[..1])
        .expect("the first query is answered");
    act(&mut s, old);
    assert_eq!(shown(&s).len(), 8);
    assert!(q(&s).filtering());
    let last = fx.last().cloned().expect("the newest query");
    server.answer(&mut s, &[last]);
    assert!(!q(&s).filtering());
    assert_eq!(shown(&s), ["PD-2026-000012", "PD-2026-000040"]);
    assert_eq!(q(&s).count(0), 2);
    // Words all match: a name and a kind; the requester's name is matched.
    let fx = type_text(&mut s, " bill");
    server.answer(&mut s, &fx);
    assert_eq!(shown(&s), ["PD-2026-000040"]);
    // Enter keeps the filter and gives the keys back to the list.
    press(&mut s, KeyCode::Enter);
    assert!(!q(&s).typing);
    assert_eq!(q(&s).filter.text(), "yam bill");
    // Esc clears the filter first, then leaves the queue.
    let fx = press(&mut s, KeyCode::Esc);
    server.answer(&mut s, &fx);
    assert_eq!(q(&s).filter.text(), "");
    assert_eq!(shown(&s).len(), 8);
    assert_eq!(s.screen(), ScreenId::Queue);
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.screen(), ScreenId::Search);
}

#[test]
fn a_filter_within_a_section_and_a_change_pushed_under_the_filter() {
    let (mut s, mut server) = queue_state("default", &specs());
    tab_named(&mut s, &mut server, "Mine");
    press(&mut s, KeyCode::Char('/'));
    let fx = type_text(&mut s, "yamada");
    server.answer(&mut s, &fx);
    assert_eq!(shown(&s), ["PD-2026-000040"]);
    // A case made elsewhere comes in the page the server pushes, under
    // the filter and the section.
    let new = Spec {
        seq: 50,
        category: Category::Inquiry,
        kind: None,
        status: privdesk::domain::CaseStatus::New,
        assignee: Some(USER),
        name: "Yamada Jiro",
        days_left: 9,
        pending: 0,
        description: "new one",
    };
    server.change(&mut s, row(&new), new.description);
    let mut now = shown(&s);
    now.sort();
    assert_eq!(now, ["PD-2026-000040", "PD-2026-000050"]);
    // Clearing the filter shows the whole section again.
    let fx = press(&mut s, KeyCode::Esc);
    server.answer(&mut s, &fx);
    assert_eq!(q(&s).filter.text(), "");
    assert_eq!(q(&s).count(0), 9);
    assert_eq!(
        shown(&s),
        ["PD-2026-000021", "PD-2026-000050", "PD-2026-000040"]
    );
}

#[test]
fn marks_and_mark_all_pick_the_cases_of_a_bulk_change() {
    let (mut s, mut server) = queue_state("default", &specs());
    press(&mut s, KeyCode::Char(' '));
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char(' '));
    let marked: Vec<String> = q(&s).marked.keys().map(|i| i.to_string()).collect();
    assert_eq!(marked, ["PD-2026-000012", "PD-2026-000021"]);
    assert_eq!(q(&s).targets().len(), 2);
    assert!(q(&s).targets().iter().all(|(_, v)| *v == 3));
    // Space again unmarks.
    press(&mut s, KeyCode::Char('k'));
    press(&mut s, KeyCode::Char(' '));
    assert_eq!(q(&s).marked.len(), 1);
    // Mark all shown (this section), again to unmark them.
    tab_named(&mut s, &mut server, "Overdue");
    let fx = press(&mut s, KeyCode::Char('*'));
    server.answer(&mut s, &fx);
    assert_eq!(q(&s).marked.len(), 2);
    let fx = press(&mut s, KeyCode::Char('*'));
    server.answer(&mut s, &fx);
    assert!(q(&s).marked.is_empty());
    press(&mut s, KeyCode::Char(' '));
    // Nothing marked: a bulk change applies to the case under the cursor.
    tab_named(&mut s, &mut server, "All");
    press(&mut s, KeyCode::Esc);
    assert!(q(&s).marked.is_empty());
    assert_eq!(q(&s).targets().len(), 1);
}

#[test]
fn bulk_assign_picks_an_operator_and_reports_each_case() {
    let (mut s, mut server) = queue_state("default", &specs());
    let fx = press(&mut s, KeyCode::Char('*'));
    server.answer(&mut s, &fx);
    press(&mut s, KeyCode::Char('o'));
    assert_eq!(q(&s).popup, Some(QueuePopup::Assign { selected: 0 }));
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('j'));
    let fx = press(&mut s, KeyCode::Enter);
    let (op, items) = fx
        .iter()
        .find_map(|e| match e {
            Effect::Screen(ScreenEffect::Queue(QueueEffect::Bulk { op, items })) => {
                Some((op.clone(), items.clone()))
            }
            _ => None,
        })
        .expect("a bulk change");
    assert_eq!(op, BulkOp::Assign(Some("demo-agent".into())));
    assert_eq!(items.len(), 8);
    assert!(matches!(q(&s).popup, Some(QueuePopup::Working(_))));
    // Keys wait while it runs.
    press(&mut s, KeyCode::Esc);
    assert!(matches!(q(&s).popup, Some(QueuePopup::Working(_))));
    let results: Vec<BulkResult> = items
        .iter()
        .enumerate()
        .map(|(i, (id, v))| BulkResult {
            id: *id,
            outcome: match i {
                0 => BulkOutcome::Unchanged,
                1 => BulkOutcome::Refused("only supervisors assign cases".into()),
                2 => BulkOutcome::Conflict("changed since the queue was loaded".into()),
                _ => BulkOutcome::Done(v + 1),
            },
        })
        .collect();
    let fx = act(
        &mut s,
        Msg::Screen(ScreenMsg::Queue(QueueMsg::BulkDone { op, results })),
    );
    // Nothing to ask: the server pushes the rows as they are now.
    assert!(queries(&fx).is_empty(), "{fx:?}");
    let msg = s.message.as_ref().expect("a summary").text.clone();
    assert_eq!(
        msg,
        "Assign to demo-agent: 5 done, 1 unchanged, 1 refused, 1 changed meanwhile"
    );
    // Refused and conflicting cases stay marked to retry.
    assert_eq!(q(&s).marked.len(), 2);
    snap("queue_bulk_report", &s);
    press(&mut s, KeyCode::Char('x'));
    assert_eq!(q(&s).popup, None);
}

#[test]
fn bulk_escalate_asks_first() {
    let (mut s, _server) = queue_state("default", &specs());
    press(&mut s, KeyCode::Char('e'));
    assert_eq!(q(&s).popup, Some(QueuePopup::ConfirmEscalate));
    let fx = press(&mut s, KeyCode::Char('n'));
    assert!(fx.is_empty() && q(&s).popup.is_none());
    press(&mut s, KeyCode::Char('e'));
    let fx = press(&mut s, KeyCode::Char('y'));
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Screen(ScreenEffect::Queue(QueueEffect::Bulk { op: BulkOp::Escalate, items })) if items.len() == 1)
        ),
        "{fx:?}"
    );
}

#[test]
fn a_store_change_reloads_the_case_on_screen_and_the_queue_waits_for_its_push() {
    let (mut s, _server) = queue_state("default", &specs());
    // The queue's rows come from the server by themselves.
    assert!(act(&mut s, Msg::StoreChanged).is_empty());
    // On a case: only that case, and only if its version moved (effect side).
    let (mut s, _server) = queue_state("default", &specs());
    let fx = press(&mut s, KeyCode::Enter);
    assert_eq!(s.screen(), ScreenId::Case);
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Screen(ScreenEffect::Case(CaseEffect::Load { .. }))
    )));
    // Not loaded yet: nothing to compare with.
    assert!(act(&mut s, Msg::StoreChanged).is_empty());
}

#[test]
fn the_window_follows_the_cursor_through_a_long_queue() {
    let many: Vec<Spec> = (1..=400)
        .map(|n| Spec {
            seq: n,
            category: Category::Inquiry,
            kind: None,
            status: privdesk::domain::CaseStatus::New,
            assignee: None,
            name: "Kato Yui",
            days_left: 1,
            pending: 0,
            description: "a question",
        })
        .collect();
    let (mut s, mut server) = queue_state("default", &many);
    assert_eq!(q(&s).total(), 400);
    let p = q(&s).rows.data.as_ref().unwrap();
    assert!(p.rows.len() < 400, "a window, not the whole queue");
    // G to the last row: the window moves there.
    let fx = press(&mut s, KeyCode::Char('G'));
    assert!(!queries(&fx).is_empty(), "{fx:?}");
    server.answer(&mut s, &fx);
    assert_eq!(q(&s).cursor, 399);
    assert_eq!(
        q(&s).current().map(|r| r.case.id.to_string()).as_deref(),
        Some("PD-2026-000400")
    );
    let text = screen(&s, 80, 24);
    assert!(text.contains("PD-2026-000400"), "{text}");
}

#[test]
fn help_lists_the_queue_keys_and_they_can_be_remapped() {
    let (mut s, _server) = queue_state("default", &specs());
    act(&mut s, Msg::Run(Command::Help));
    assert_eq!(s.overlay, Some(Overlay::Help(0)));
    let text = screen(&s, 100, 40);
    for needle in [
        "Mark / unmark the case",
        "Assign the marked cases",
        "Escalate the marked cases",
        "Next section",
        "Search (queue: filter)",
    ] {
        assert!(text.contains(needle), "help lacks {needle:?}:\n{text}");
    }
    let mut cfg = indexmap::IndexMap::new();
    cfg.insert(
        "queue_mark".to_string(),
        privdesk::config::KeyBinding::One("m".into()),
    );
    let (keymap, problems) = Keymap::from_config(&cfg);
    assert!(problems.is_empty(), "{problems:?}");
    let mut s = state_with("default", keymap);
    let mut server = Server::new(&specs(), s.queue_sections.clone());
    let fx = act(&mut s, Msg::Run(Command::Queue));
    server.answer(&mut s, &fx);
    press(&mut s, KeyCode::Char(' '));
    assert!(q(&s).marked.is_empty());
    press(&mut s, KeyCode::Char('m'));
    assert_eq!(q(&s).marked.len(), 1);
}

#[test]
fn queue_screens() {
    let (s, _server) = queue_state("default", &specs());
    snap("queue_overdue", &s);
    let (mut f, mut server) = queue_state("default", &specs());
    press(&mut f, KeyCode::Char('/'));
    let fx = type_text(&mut f, "yamada");
    server.answer(&mut f, &fx);
    snap("queue_filtered", &f);
    let (mut m, _server) = queue_state("default", &specs());
    press(&mut m, KeyCode::Char(' '));
    press(&mut m, KeyCode::Char(' '));
    press(&mut m, KeyCode::Char('j'));
    press(&mut m, KeyCode::Char(' '));
    press(&mut m, KeyCode::Char('o'));
    snap("queue_marked_assign", &m);
}

/// At 60x20 the due date and the days left stay; other columns give way,
/// and a popup's border is not touched by the text behind it.
#[test]
fn a_narrow_queue_keeps_due_and_left() {
    let (mut s, _server) = queue_state("default", &specs());
    let text = screen(&s, 60, 20);
    insta::assert_snapshot!("queue_overdue_60x20", text);
    let header = text
        .lines()
        .find(|l| l.contains("Case") && l.contains("Status"))
        .expect("the column titles show");
    assert!(
        header.contains("Due") && header.contains("Left"),
        "{header}"
    );
    assert!(
        !header.contains("Recv"),
        "the received date gives way first: {header}"
    );
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("PD-")).collect();
    assert!(!rows.is_empty(), "{text}");
    for r in rows {
        assert!(!r.trim_end().ends_with('…'), "a row is cut: {r}");
    }
    // At 80 the received date is back.
    let wide = screen(&s, 80, 24);
    assert!(wide.contains("Recv"), "{wide}");

    press(&mut s, KeyCode::Char(' '));
    press(&mut s, KeyCode::Char('o'));
    let popup = screen(&s, 60, 20);
    for l in popup.lines().filter(|l| l.contains('│') || l.contains('┘')) {
        let chars: Vec<char> = l.chars().collect();
        let Some(last) = chars.iter().rposition(|c| matches!(c, '│' | '┘' | '┐')) else {
            continue;
        };
        let after = chars.get(last + 1).copied().unwrap_or(' ');
        assert_eq!(after, ' ', "text touches the popup's right border: {l}");
    }
}

#[test]
fn overdue_rows_carry_the_late_colour_and_a_marker_in_mono() {
    let (s, _server) = queue_state("default", &specs());
    let buf = render(&s, 80, 24);
    let text = text(&buf);
    let y = text
        .lines()
        .position(|l| l.contains("PD-2026-000007"))
        .expect("row shown") as u16;
    let x = text
        .lines()
        .nth(y as usize)
        .and_then(|l| l.find("PD-2026-000007"))
        .expect("x") as u16;
    let late = s.theme.style(privdesk::tui::theme::Role::DueLate);
    assert_eq!(buf[(x, y)].fg, late.fg.unwrap_or_default());
    let (mono, _server) = queue_state("mono", &specs());
    let t = screen(&mono, 80, 24);
    let line = t
        .lines()
        .find(|l| l.contains("PD-2026-000007"))
        .expect("row");
    assert!(line.contains("-4d"), "{line}");
    assert!(
        line.contains('!') || line.contains('‼') || line.contains('⚠'),
        "{line}"
    );
}

/// Bulk changes through the real server: done, refused by role, conflicting.
#[test]
fn bulk_changes_go_through_the_desk_case_by_case() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sup = case_support::desk(dir.path(), USER);
    let (rt, sup_c) = case_support::client(dir.path(), USER);
    let (_rt2, agent_c) = case_support::client(dir.path(), case_support::AGENT);
    let a = sup
        .create_case(&NewCase::new(Category::Complaint, "phone"))
        .expect("a");
    let b = sup
        .create_case(&NewCase::new(Category::Inquiry, "phone"))
        .expect("b");
    let b2 = sup.assign(b.id, b.version, Some(USER)).expect("assign b");
    let op = BulkOp::Assign(Some(case_support::AGENT.into()));
    let one = |c: &privdesk::client::Client, id, v, op: &BulkOp| {
        rt.block_on(c.bulk(op.clone(), vec![(id, v)]))
            .expect("bulk")
            .remove(0)
            .outcome
    };
    assert_eq!(
        one(&sup_c, a.id, a.version, &op),
        BulkOutcome::Done(a.version + 1)
    );
    // b changed since version 1 was seen.
    assert!(matches!(
        one(&sup_c, b.id, b.version, &op),
        BulkOutcome::Conflict(_)
    ));
    // The agent may not hand the supervisor's case to themself.
    assert!(matches!(
        one(&agent_c, b.id, b2.version, &op),
        BulkOutcome::Refused(_)
    ));
    let up = one(&sup_c, b.id, b2.version, &BulkOp::Escalate);
    assert_eq!(up, BulkOutcome::Done(b2.version + 1));
    let again = one(&sup_c, b.id, b2.version + 1, &BulkOp::Escalate);
    assert_eq!(again, BulkOutcome::Unchanged);
    let now = sup.get_case(b.id).expect("b");
    assert_eq!(now.case.priority, Priority::Urgent);
    assert!(now.events.iter().any(|e| e.kind == "escalated"));
}

/// A case opened in another session appears in the queue without a key:
/// one opened through the same server is pushed at once; one written to
/// the store by another process is noticed by the server's watch.
#[test]
fn the_queue_picks_up_a_case_made_in_another_session() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sup = case_support::desk(dir.path(), USER);
    let other = case_support::desk(dir.path(), case_support::AGENT);
    sup.create_case(&NewCase::new(Category::Complaint, "phone"))
        .expect("first");
    let (rt, client) = case_support::client(dir.path(), USER);
    let mut s = state("default");
    s.queue_sections = client.settings().queue_sections.clone();
    rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let fx = Effects::new(client.clone(), tx);
        let listen = fx.listen();
        let pump = |s: &mut State, a: Msg| {
            for e in act(s, a) {
                fx.run(e);
            }
        };
        pump(&mut s, Msg::Run(Command::Queue));
        let wait = Duration::from_secs(30);
        let until = |s: &State, n: usize, id: Option<String>| {
            shown(s).len() == n && id.as_ref().is_none_or(|i| shown(s).contains(i))
        };
        while s
            .screens
            .get::<QueueView>()
            .and_then(|q| q.rows.data.as_ref())
            .is_none()
        {
            let a = tokio::time::timeout(wait, rx.recv())
                .await
                .expect("the queue loads")
                .expect("open");
            pump(&mut s, a);
        }
        assert_eq!(shown(&s).len(), 1);
        // Through another session of the same server.
        let hello = privdesk::protocol::Hello::new("test", Some(case_support::AGENT.into()));
        let agent = privdesk::client::Client::connect(client.target().clone(), hello)
            .await
            .expect("agent connects");
        let made = agent
            .create_case(NewCase::new(Category::Inquiry, "email"), vec![])
            .await
            .expect("second");
        while !until(&s, 2, Some(made.id.to_string())) {
            let a = tokio::time::timeout(wait, rx.recv())
                .await
                .expect("the change shows up")
                .expect("open");
            pump(&mut s, a);
        }
        // Through the store, from another process's desk.
        let made = other
            .create_case(&NewCase::new(Category::Inquiry, "email"))
            .expect("third");
        while !until(&s, 3, Some(made.id.to_string())) {
            let a = tokio::time::timeout(wait, rx.recv())
                .await
                .expect("the change shows up")
                .expect("open");
            pump(&mut s, a);
        }
        listen.abort();
    });
}

#[test]
fn f2_opens_the_queue_even_from_the_query_box() {
    let mut s = state("default");
    assert_eq!(s.screen(), ScreenId::Search);
    // `w` typed in the query box is text...
    press(&mut s, KeyCode::Char('w'));
    assert_eq!(s.screen(), ScreenId::Search);
    // ...f2 is not.
    let fx = press(&mut s, KeyCode::F(2));
    assert_eq!(s.screen(), ScreenId::Queue);
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Screen(ScreenEffect::Queue(QueueEffect::Query { open: true, .. }))
        )),
        "{fx:?}"
    );
}

#[test]
fn a_store_change_reloads_the_approval_inbox_on_screen() {
    let mut s = state("default");
    let fx = act(&mut s, Msg::Run(Command::ApprovalInbox));
    assert_eq!(s.screen(), ScreenId::Inbox);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Screen(ScreenEffect::Inbox(InboxEffect::Load)))),
        "{fx:?}"
    );
    // Still loading: the answer on its way will be as new.
    assert!(act(&mut s, Msg::StoreChanged).is_empty());
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Inbox(InboxMsg::Loaded { result: Ok(vec![]) })),
    );
    let fx = act(&mut s, Msg::StoreChanged);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Screen(ScreenEffect::Inbox(InboxEffect::Load)))),
        "{fx:?}"
    );
}
