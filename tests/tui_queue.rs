//! The queue screen driven through `update` as the runtime drives it:
//! sections and their counts, the `/` filter answered by the worker's
//! matching (stale answers dropped), marks, bulk assign and escalate with
//! their report, reloads when the store changes; bulk changes and the live
//! reload against a real store; insta snapshots at 80x24.

mod case_support;
mod queue_support;
mod tui_support;

use crossterm::event::KeyCode;
use privdesk::domain::{Category, NewCase, Priority};
use privdesk::tui::app::{
    Action, BulkOp, BulkOutcome, BulkResult, Effect, Overlay, QueuePopup, Screen, State,
};
use privdesk::tui::effects::{self, Effects};
use privdesk::tui::keymap::{Command, Keymap};
use queue_support::*;
use std::time::Duration;
use tui_support::*;

fn snap(name: &str, s: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(s, 80, 24));
}

fn q(s: &State) -> &privdesk::tui::app::QueueView {
    s.queue.as_ref().expect("queue open")
}

fn tab_named(s: &mut State, name: &str) {
    for _ in 0..q(s).tabs() {
        if q(s).tab_name(q(s).tab) == name {
            return;
        }
        act(s, Action::Run(Command::QueueNextSection));
    }
    panic!("no section {name}");
}

#[test]
fn opening_loads_audited_and_sections_count_their_rows() {
    let mut s = state("default");
    let fx = act(&mut s, Action::Run(Command::Queue));
    assert_eq!(s.screen, Screen::Queue);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LoadQueue { live: false, me, .. } if me == USER)),
        "{fx:?}"
    );
    feed_load(&mut s, &fx, load(&specs()));
    let counts: Vec<(String, usize)> = (0..q(&s).tabs())
        .map(|i| (q(&s).tab_name(i).to_string(), q(&s).counts[i]))
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
    tab_named(&mut s, "Overdue");
    assert_eq!(shown(&s), ["PD-2026-000012", "PD-2026-000007"]);
    tab_named(&mut s, "Awaiting approval");
    assert_eq!(shown(&s), ["PD-2026-000021", "PD-2026-000015"]);
    act(&mut s, Action::Run(Command::QueuePrevSection));
    assert_eq!(q(&s).tab_name(q(&s).tab), "Requests");
}

#[test]
fn the_filter_asks_the_worker_on_every_keystroke_and_keeps_the_newest_answer() {
    let mut s = queue_state("default", &specs());
    press(&mut s, KeyCode::Char('/'));
    assert!(q(&s).typing);
    let fx = type_text(&mut s, "yam");
    let js = jobs(&fx);
    assert_eq!(js.len(), 3, "one job per keystroke: {fx:?}");
    assert!(js.windows(2).all(|w| w[1].seq > w[0].seq));
    assert_eq!(js[2].query, "yam");
    // An older answer arriving late changes nothing.
    answer(&mut s, &js[..1]);
    assert_eq!(shown(&s).len(), 8);
    assert!(q(&s).filtering());
    answer(&mut s, &js);
    assert!(!q(&s).filtering());
    assert_eq!(shown(&s), ["PD-2026-000012", "PD-2026-000040"]);
    assert_eq!(q(&s).counts[0], 2);
    // Words all match: a name and a kind; the requester's name is matched.
    let fx = type_text(&mut s, " bill");
    answer(&mut s, &jobs(&fx));
    assert_eq!(shown(&s), ["PD-2026-000040"]);
    // Enter keeps the filter and gives the keys back to the list.
    press(&mut s, KeyCode::Enter);
    assert!(!q(&s).typing);
    assert_eq!(q(&s).filter.text(), "yam bill");
    // Esc clears the filter first, then leaves the queue.
    press(&mut s, KeyCode::Esc);
    assert_eq!(q(&s).filter.text(), "");
    assert_eq!(shown(&s).len(), 8);
    assert_eq!(s.screen, Screen::Queue);
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.screen, Screen::Search);
}

#[test]
fn a_filter_within_a_section_and_a_reload_under_a_filter() {
    let mut s = queue_state("default", &specs());
    tab_named(&mut s, "Mine");
    press(&mut s, KeyCode::Char('/'));
    let fx = type_text(&mut s, "yamada");
    answer(&mut s, &jobs(&fx));
    assert_eq!(shown(&s), ["PD-2026-000040"]);
    // A live reload under the filter shows the new rows only once the
    // filter has answered for them.
    let mut more = specs();
    more.push(Spec {
        seq: 50,
        category: Category::Inquiry,
        kind: None,
        status: privdesk::domain::CaseStatus::New,
        assignee: Some(USER),
        name: "Yamada Jiro",
        days_left: 9,
        pending: 0,
        description: "new one",
    });
    let fx = act(&mut s, Action::StoreChanged);
    let fx = feed_load(&mut s, &fx, load(&more));
    assert_eq!(shown(&s), ["PD-2026-000040"], "old rows until the answer");
    answer(&mut s, &jobs(&fx));
    let mut now = shown(&s);
    now.sort();
    assert_eq!(now, ["PD-2026-000040", "PD-2026-000050"]);
    // Clearing the filter while a reload waits for its answer shows the
    // new rows at once.
    let fx = act(&mut s, Action::StoreChanged);
    let mut fewer = specs();
    fewer.truncate(3);
    feed_load(&mut s, &fx, load(&fewer));
    press(&mut s, KeyCode::Esc);
    assert_eq!(q(&s).filter.text(), "");
    assert_eq!(q(&s).counts[0], 3);
    assert_eq!(shown(&s), ["PD-2026-000021"]);
}

#[test]
fn marks_and_mark_all_pick_the_cases_of_a_bulk_change() {
    let mut s = queue_state("default", &specs());
    press(&mut s, KeyCode::Char(' '));
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char(' '));
    let marked: Vec<String> = q(&s).marked.iter().map(|i| i.to_string()).collect();
    assert_eq!(marked, ["PD-2026-000012", "PD-2026-000021"]);
    assert_eq!(q(&s).targets().len(), 2);
    assert!(q(&s).targets().iter().all(|(_, v)| *v == 3));
    // Space again unmarks.
    press(&mut s, KeyCode::Char('k'));
    press(&mut s, KeyCode::Char(' '));
    assert_eq!(q(&s).marked.len(), 1);
    // Mark all shown (this section), again to unmark them.
    tab_named(&mut s, "Overdue");
    press(&mut s, KeyCode::Char('*'));
    assert_eq!(q(&s).marked.len(), 2);
    press(&mut s, KeyCode::Char('*'));
    assert!(q(&s).marked.is_empty());
    press(&mut s, KeyCode::Char(' '));
    // Nothing marked: a bulk change applies to the case under the cursor.
    tab_named(&mut s, "All");
    press(&mut s, KeyCode::Esc);
    assert!(q(&s).marked.is_empty());
    assert_eq!(q(&s).targets().len(), 1);
}

#[test]
fn bulk_assign_picks_an_operator_and_reports_each_case() {
    let mut s = queue_state("default", &specs());
    press(&mut s, KeyCode::Char('*'));
    press(&mut s, KeyCode::Char('o'));
    assert_eq!(q(&s).popup, Some(QueuePopup::Assign { selected: 0 }));
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('j'));
    let fx = press(&mut s, KeyCode::Enter);
    let (op, items) = fx
        .iter()
        .find_map(|e| match e {
            Effect::QueueBulk { op, items } => Some((op.clone(), items.clone())),
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
    let fx = act(&mut s, Action::QueueBulkDone { op, results });
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LoadQueue { live: true, .. })),
        "{fx:?}"
    );
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
    let mut s = queue_state("default", &specs());
    press(&mut s, KeyCode::Char('e'));
    assert_eq!(q(&s).popup, Some(QueuePopup::ConfirmEscalate));
    let fx = press(&mut s, KeyCode::Char('n'));
    assert!(fx.is_empty() && q(&s).popup.is_none());
    press(&mut s, KeyCode::Char('e'));
    let fx = press(&mut s, KeyCode::Char('y'));
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::QueueBulk { op: BulkOp::Escalate, items } if items.len() == 1)
        ),
        "{fx:?}"
    );
}

#[test]
fn a_store_change_reloads_the_queue_shown_or_the_case_on_screen() {
    let mut s = queue_state("default", &specs());
    let fx = act(&mut s, Action::StoreChanged);
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::LoadQueue { live: true, .. })));
    // While a load runs, one more follows it.
    let fx2 = act(&mut s, Action::StoreChanged);
    assert!(fx2.is_empty());
    let after = feed_load(&mut s, &fx, load(&specs()));
    assert!(after
        .iter()
        .any(|e| matches!(e, Effect::LoadQueue { live: true, .. })));
    // On a case: only that case, and only if its version moved (effect side).
    let mut s = queue_state("default", &specs());
    let fx = press(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Case);
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadCase { .. })));
    // Not loaded yet: nothing to compare with.
    assert!(act(&mut s, Action::StoreChanged).is_empty());
}

#[test]
fn help_lists_the_queue_keys_and_they_can_be_remapped() {
    let mut s = queue_state("default", &specs());
    act(&mut s, Action::Run(Command::Help));
    assert_eq!(s.overlay, Some(Overlay::Help));
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
    let fx = act(&mut s, Action::Run(Command::Queue));
    feed_load(&mut s, &fx, load(&specs()));
    press(&mut s, KeyCode::Char(' '));
    assert!(q(&s).marked.is_empty());
    press(&mut s, KeyCode::Char('m'));
    assert_eq!(q(&s).marked.len(), 1);
}

#[test]
fn queue_screens() {
    let s = queue_state("default", &specs());
    snap("queue_overdue", &s);
    let mut f = queue_state("default", &specs());
    press(&mut f, KeyCode::Char('/'));
    let fx = type_text(&mut f, "yamada");
    answer(&mut f, &jobs(&fx));
    snap("queue_filtered", &f);
    let mut m = queue_state("default", &specs());
    press(&mut m, KeyCode::Char(' '));
    press(&mut m, KeyCode::Char(' '));
    press(&mut m, KeyCode::Char('j'));
    press(&mut m, KeyCode::Char(' '));
    press(&mut m, KeyCode::Char('o'));
    snap("queue_marked_assign", &m);
}

#[test]
fn overdue_rows_carry_the_late_colour_and_a_marker_in_mono() {
    let s = queue_state("default", &specs());
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
    let mono = queue_state("mono", &specs());
    let t = screen(&mono, 80, 24);
    let line = t
        .lines()
        .find(|l| l.contains("PD-2026-000007"))
        .expect("row");
    assert!(line.contains("-2d"), "{line}");
    assert!(
        line.contains('!') || line.contains('‼') || line.contains('⚠'),
        "{line}"
    );
}

/// Bulk changes through the real desk: done, refused by role, conflicting.
#[test]
fn bulk_changes_go_through_the_desk_case_by_case() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sup = case_support::desk(dir.path(), USER);
    let agent = case_support::desk(dir.path(), case_support::AGENT);
    let a = sup
        .create_case(&NewCase::new(Category::Complaint, "phone"))
        .expect("a");
    let b = sup
        .create_case(&NewCase::new(Category::Inquiry, "phone"))
        .expect("b");
    let b2 = sup.assign(b.id, b.version, Some(USER)).expect("assign b");
    let op = BulkOp::Assign(Some(case_support::AGENT.into()));
    assert_eq!(
        effects::bulk_one(&sup, a.id, a.version, &op),
        BulkOutcome::Done(a.version + 1)
    );
    // b changed since version 1 was seen.
    assert!(matches!(
        effects::bulk_one(&sup, b.id, b.version, &op),
        BulkOutcome::Conflict(_)
    ));
    // The agent may not hand the supervisor's case to themself.
    assert!(matches!(
        effects::bulk_one(&agent, b.id, b2.version, &op),
        BulkOutcome::Refused(_)
    ));
    let up = effects::bulk_one(&sup, b.id, b2.version, &BulkOp::Escalate);
    assert_eq!(up, BulkOutcome::Done(b2.version + 1));
    let again = effects::bulk_one(&sup, b.id, b2.version + 1, &BulkOp::Escalate);
    assert_eq!(again, BulkOutcome::Unchanged);
    let now = sup.get_case(b.id).expect("b");
    assert_eq!(now.case.priority, Priority::Urgent);
    assert!(now.events.iter().any(|e| e.kind == "escalated"));
}

/// A case opened in another session appears in the queue without a key.
#[test]
fn the_queue_picks_up_a_case_made_in_another_session() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sup = case_support::desk(dir.path(), USER);
    let other = case_support::desk(dir.path(), case_support::AGENT);
    sup.create_case(&NewCase::new(Category::Complaint, "phone"))
        .expect("first");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut s = state("default");
    s.queue_sections = sup.queue_sections();
    rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let fx = Effects::new(sup.clone(), tx);
        let watch = fx.watch_store().expect("the watch starts");
        let pump = |s: &mut State, a: Action| {
            for e in act(s, a) {
                fx.run(e);
            }
        };
        pump(&mut s, Action::Run(Command::Queue));
        let wait = Duration::from_secs(30);
        while s.queue.as_ref().and_then(|q| q.data.as_ref()).is_none() {
            let a = tokio::time::timeout(wait, rx.recv())
                .await
                .expect("the queue loads")
                .expect("open");
            pump(&mut s, a);
        }
        assert_eq!(shown(&s).len(), 1);
        let made = other
            .create_case(&NewCase::new(Category::Inquiry, "email"))
            .expect("second");
        // No key: the watch reports the change, the queue reloads.
        while !shown(&s).contains(&made.id.to_string()) {
            let a = tokio::time::timeout(wait, rx.recv())
                .await
                .expect("the change shows up")
                .expect("open");
            pump(&mut s, a);
        }
        assert_eq!(shown(&s).len(), 2);
        watch.abort();
    });
}

#[test]
fn f2_opens_the_queue_even_from_the_query_box() {
    let mut s = state("default");
    assert_eq!(s.screen, Screen::Search);
    // `w` typed in the query box is text...
    press(&mut s, KeyCode::Char('w'));
    assert_eq!(s.screen, Screen::Search);
    // ...f2 is not.
    let fx = press(&mut s, KeyCode::F(2));
    assert_eq!(s.screen, Screen::Queue);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadQueue { .. })),
        "{fx:?}"
    );
}

#[test]
fn a_store_change_reloads_the_approval_inbox_on_screen() {
    let mut s = state("default");
    let fx = act(&mut s, Action::Run(Command::ApprovalInbox));
    assert_eq!(s.screen, Screen::Inbox);
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadInbox)), "{fx:?}");
    // Still loading: the answer on its way will be as new.
    assert!(act(&mut s, Action::StoreChanged).is_empty());
    act(&mut s, Action::InboxLoaded { result: Ok(vec![]) });
    let fx = act(&mut s, Action::StoreChanged);
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadInbox)), "{fx:?}");
}
