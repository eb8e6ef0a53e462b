//! The action screens driven through `update` with actions made by the real
//! desk against the real sample systems (see action_support): the actions
//! panel, preparing an action and its dry run, approving and denying (and
//! the desk's refusal shown as given), a run whose jobs change on screen as
//! the desk reports them, retry/skip/manual/task done, the approval inbox,
//! letters edited before they are recorded, the disclosure package, and
//! the keys (in the help, remappable). Snapshots at 80x24 show masked data
//! only: no unmasked personal value may appear on any of them.

use crate::action_support;
use crate::case_support;
use crate::tui_support;
use privdesk::tui::app::{ActionsScreen, CaseScreen, Decision, InboxScreen};

use action_support::*;
use crossterm::event::KeyCode;
use privdesk::config::KeyBinding;
use privdesk::domain::{ActionKind, ActionStatus, JobState};
use privdesk::tui::app::{
    ActionDialogKind, ActionItem, CaseChange, DialogKind, Effect, JobOp, Level, Msg, Overlay,
    PackageStatus, ScreenId, State,
};
use privdesk::tui::app::{
    ActionsEffect, ActionsMsg, CaseEffect, InboxEffect, InboxMsg, ScreenEffect, ScreenMsg,
};
use privdesk::tui::drafts::DRAFT_PAUSE;
use privdesk::tui::keymap::{Command, Context, Keymap};
use std::time::{Duration, Instant};
use tui_support::*;

fn run(s: &mut State, cmd: Command) -> Vec<Effect> {
    act(s, Msg::Run(cmd))
}

/// Render at 80x24, check no personal value shows unmasked, snapshot.
fn snap(name: &str, s: &State) -> String {
    let text = screen(s, 80, 24);
    for secret in &fixture().secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{secret} is on the {name} screen unmasked:\n{text}"
        );
    }
    insta::assert_snapshot!(format!("{name}_80x24"), text);
    text
}

fn message(s: &State) -> (Level, String) {
    let m = s.message.as_ref().expect("a message");
    (m.level, m.text.clone())
}

/// Move the panel's cursor onto `item`.
fn select(s: &mut State, item: ActionItem) {
    let items = s.screens.get::<ActionsScreen>().expect("panel").items();
    let at = items.iter().position(|i| *i == item).expect("the item");
    run(s, Command::First);
    for _ in 0..at {
        run(s, Command::MoveDown);
    }
    assert_eq!(s.screens.get::<ActionsScreen>().unwrap().item(), Some(item));
}

/// The index of the action whose id is `id` in the panel.
fn action_at(s: &State, id: &str) -> usize {
    s.screens
        .get::<ActionsScreen>()
        .and_then(|a| a.loaded.data.as_ref())
        .and_then(|d| d.actions.iter().position(|v| v.id == id))
        .unwrap_or_else(|| panic!("no action {id}"))
}

#[test]
fn the_panel_lists_actions_jobs_and_what_blocks_fulfilment() {
    let f = fixture();
    let mut s = panel("default", AGENT);
    assert_eq!(s.screen(), ScreenId::Actions);
    let a = s.screens.get::<ActionsScreen>().unwrap();
    // Every action, each followed by its jobs.
    let n_jobs: usize = f.actions.actions.iter().map(|v| v.jobs.len()).sum();
    assert_eq!(
        a.items().len(),
        f.actions.actions.len() + n_jobs + f.actions.tasks.len()
    );
    let text = snap("actions_panel", &s);
    for v in &f.actions.actions {
        assert!(text.contains(&v.id), "{} listed:\n{text}", v.id);
    }
    // The refused job shows the system's words.
    let refused = &f.actions.actions[2].jobs[0];
    assert_eq!(refused.state, JobState::Failed);
    let words = refused.message.as_deref().expect("a message");
    assert!(words.contains("422"), "{words}");
    assert!(text.contains("HTTP 422"), "{text}");
    assert!(!f.actions.blockers.is_empty());
    assert!(
        text.contains("Keeps the case from being fulfilled"),
        "{text}"
    );
    // The list scrolls to the cursor: the open manual task at the end.
    select(&mut s, ActionItem::Task(0));
    let text = screen(&s, 80, 24);
    assert!(text.contains("Manual tasks (1)"), "{text}");
    assert!(text.contains(&f.actions.tasks[0].id), "{text}");
    assert!(
        text.contains("Check the address with the customer"),
        "{text}"
    );
}

#[test]
fn preparing_a_correction_asks_the_desk_for_a_dry_run() {
    let f = fixture();
    let mut s = panel("default", AGENT);
    run(&mut s, Command::PrepareAction);
    let form = s
        .screens
        .get::<ActionsScreen>()
        .unwrap()
        .prepare
        .clone()
        .expect("form");
    // The case asks for a correction, so the form starts there, with
    // every linked record ticked.
    assert_eq!(form.value("kind"), "update");
    assert_eq!(form.value("records").split(',').count(), f.view.links.len());
    snap("prepare_form", &s);

    // Nothing to change yet: refused, the form stays.
    let fx = act(&mut s, ctrl('s'));
    assert!(fx.is_empty(), "{fx:?}");
    let form = s
        .screens
        .get::<ActionsScreen>()
        .unwrap()
        .prepare
        .as_ref()
        .unwrap();
    assert_eq!(form.error.as_ref().map(|e| e.0.as_str()), Some("set_phone"));
    assert_eq!(form.focused(), "set_phone");

    type_text(&mut s, NEW_PHONE);
    let fx = act(&mut s, ctrl('s'));
    let request = match fx.as_slice() {
        [Effect::Screen(ScreenEffect::Actions(ActionsEffect::Preview { case, request }))]
            if *case == f.view.case.id =>
        {
            request.clone()
        }
        other => panic!("expected a dry run, got {other:?}"),
    };
    assert_eq!(request.kind, Some(ActionKind::Update));
    assert_eq!(request.changes, vec![("phone".into(), NEW_PHONE.into())]);
    assert!(request.records.is_empty(), "all records: the default");
    // Sent once: a second ctrl-s waits for the answer.
    assert!(act(&mut s, ctrl('s')).is_empty());

    // The dry run, nothing created yet.
    let previewed = |s: &mut State| {
        act(
            s,
            Msg::Screen(ScreenMsg::Actions(ActionsMsg::Previewed {
                case: f.view.case.id,
                result: Ok(Box::new(f.preview.clone())),
            })),
        )
    };
    assert!(previewed(&mut s).is_empty());
    assert!(s.screens.get::<ActionsScreen>().unwrap().previewing());
    let shown = snap("dry_run_preview", &s);
    assert!(shown.contains("not created yet"), "{shown}");
    for j in &f.preview.action.jobs {
        assert!(shown.contains(&j.target), "{shown}");
    }
    // Nothing runs or gets decided before it exists.
    assert!(run(&mut s, Command::RunAction).is_empty());
    // Back to the form, as it was typed.
    act(&mut s, key(KeyCode::Esc));
    let a = s.screens.get::<ActionsScreen>().unwrap();
    assert!(a.dry_run.is_none() && a.confirm.is_none());
    assert_eq!(a.prepare.as_ref().unwrap().value("set_phone"), NEW_PHONE);
    assert!(matches!(
        act(&mut s, ctrl('s')).as_slice(),
        [Effect::Screen(ScreenEffect::Actions(
            ActionsEffect::Preview { .. }
        ))]
    ));
    previewed(&mut s);
    // Enter creates it, with the request previewed.
    match run(&mut s, Command::Open).as_slice() {
        [Effect::Screen(ScreenEffect::Actions(ActionsEffect::Plan { case, request: r }))] => {
            assert_eq!(*case, f.view.case.id);
            assert_eq!(r, &request);
        }
        other => panic!("expected a plan, got {other:?}"),
    }
    assert!(run(&mut s, Command::Open).is_empty(), "sent once");

    // The stored action's dry run replaces the preview.
    let fx = act(
        &mut s,
        Msg::Screen(ScreenMsg::Actions(ActionsMsg::Planned {
            case: f.view.case.id,
            result: Ok(Box::new(f.correction.clone())),
        })),
    );
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Screen(ScreenEffect::Actions(ActionsEffect::Load { .. }))
    )));
    let a = s.screens.get::<ActionsScreen>().unwrap();
    assert!(a.prepare.is_none());
    assert_eq!(
        a.dry_run.as_ref().unwrap().action.id,
        f.correction.action.id
    );
    let (level, text) = message(&s);
    assert_eq!(level, Level::Info);
    assert!(text.contains("ready to run"), "{text}");
    let shown = snap("dry_run_correction", &s);
    // Per system the method and URL, and the before -> after, masked.
    for j in &f.correction.action.jobs {
        let r = j.request.as_ref().expect("an API job");
        assert!(shown.contains(&r.method), "{shown}");
        assert!(!j.diff.is_empty());
    }
    assert!(shown.contains('→'), "{shown}");
}

#[test]
fn a_refused_plan_keeps_the_form_and_says_why() {
    let f = fixture();
    let mut s = panel("default", AGENT);
    run(&mut s, Command::PrepareAction);
    // Only the first record, as a disclosure.
    s.screens
        .get_mut::<ActionsScreen>()
        .unwrap()
        .prepare
        .as_mut()
        .unwrap()
        .set("kind", "export");
    s.screens
        .get_mut::<ActionsScreen>()
        .unwrap()
        .prepare
        .as_mut()
        .unwrap()
        .focus_on("records");
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Char(' ')); // untick the second record
    let fx = act(&mut s, ctrl('s'));
    let request = match fx.as_slice() {
        [Effect::Screen(ScreenEffect::Actions(ActionsEffect::Preview { request, .. }))] => {
            request.clone()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(request.kind, Some(ActionKind::Export));
    assert!(request.changes.is_empty());
    let kept: Vec<String> = request.records.iter().map(|r| r.to_string()).collect();
    let expected: Vec<String> = f
        .view
        .links
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| l.to_string())
        .collect();
    assert_eq!(kept, expected);
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Actions(ActionsMsg::Previewed {
            case: f.view.case.id,
            result: Err("crm: cannot read C-1001".into()),
        })),
    );
    let form = s
        .screens
        .get::<ActionsScreen>()
        .unwrap()
        .prepare
        .as_ref()
        .expect("kept");
    assert!(!form.pending, "the form can be sent again");
    assert_eq!(
        message(&s),
        (Level::Error, "crm: cannot read C-1001".into())
    );
}

#[test]
fn a_run_shows_each_job_change_as_the_desk_reports_it() {
    let f = fixture();
    let mut s = panel("default", AGENT);
    // The correction as it was before its run: every job queued.
    let before = f.correction.clone();
    s.screens
        .get_mut::<ActionsScreen>()
        .unwrap()
        .loaded
        .data
        .as_mut()
        .unwrap()
        .actions[0] = before.action.clone();
    select(&mut s, ActionItem::Action(0));
    let fx = run(&mut s, Command::RunAction);
    let id = match fx.as_slice() {
        [Effect::Screen(ScreenEffect::Actions(ActionsEffect::Run { id, reference }))]
            if *reference == before.action.id =>
        {
            *id
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(id, 1);
    assert_eq!(
        s.screens.get::<ActionsScreen>().unwrap().running.as_deref(),
        Some("A-1")
    );
    // A second run while this one goes is refused on screen.
    assert!(run(&mut s, Command::RunAction).is_empty());

    let job_state = |s: &State, job: &str| {
        s.screens
            .get::<ActionsScreen>()
            .unwrap()
            .loaded
            .data
            .as_ref()
            .unwrap()
            .actions[0]
            .jobs
            .iter()
            .find(|j| j.id == job)
            .map(|j| j.state)
    };
    assert!(!f.updates.is_empty());
    for u in &f.updates {
        s.dirty = false;
        act(
            &mut s,
            Msg::Screen(ScreenMsg::Actions(ActionsMsg::JobProgress {
                action: "A-1".into(),
                update: Box::new(u.clone()),
            })),
        );
        assert!(s.dirty, "a job change redraws");
        assert_eq!(job_state(&s, &u.job), Some(u.state));
        let line = screen(&s, 80, 24)
            .lines()
            .find(|l| l.contains(&format!("{} ", u.job)))
            .map(str::to_string)
            .expect("the job's line");
        assert!(line.contains(u.state.as_str()), "{line}");
    }
    for j in &f.report.action.jobs {
        assert_eq!(job_state(&s, &j.id), Some(JobState::Done));
    }
    let fx = act(
        &mut s,
        Msg::Screen(ScreenMsg::Actions(ActionsMsg::Ran {
            action: "A-1".into(),
            result: Ok(Box::new(f.report.clone())),
        })),
    );
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Screen(ScreenEffect::Actions(ActionsEffect::Load { .. }))
    )));
    assert_eq!(s.screens.get::<ActionsScreen>().unwrap().running, None);
    let (level, text) = message(&s);
    assert_eq!(level, Level::Info);
    assert!(text.contains(&f.report.action.progress), "{text}");
}

#[test]
fn only_supervisors_decide_and_the_desk_refuses_the_preparer() {
    let f = fixture();
    let disclosure = &f.disclosure.action.id;
    assert_eq!(f.disclosure.action.status, ActionStatus::AwaitingApproval);

    // An agent is told at once.
    let mut s = panel("default", AGENT);
    let i = action_at(&s, disclosure);
    select(&mut s, ActionItem::Action(i));
    assert!(run(&mut s, Command::ApproveAction).is_empty());
    assert!(s.screens.get::<ActionsScreen>().unwrap().dialog.is_none());
    assert_eq!(message(&s).0, Level::Warning);

    // A supervisor gives a reason.
    let mut s = panel("default", USER);
    select(&mut s, ActionItem::Action(i));
    run(&mut s, Command::ApproveAction);
    let d = s
        .screens
        .get::<ActionsScreen>()
        .unwrap()
        .dialog
        .clone()
        .expect("dialog");
    assert_eq!(d.kind, ActionDialogKind::Approve);
    assert_eq!(&d.target, disclosure);
    assert!(act(&mut s, ctrl('s')).is_empty(), "no reason, nothing sent");
    type_text(&mut s, "identity checked twice");
    let fx = act(&mut s, ctrl('s'));
    match fx.as_slice() {
        [Effect::Screen(ScreenEffect::Actions(ActionsEffect::Decide(Decision {
            id,
            approve: true,
            reason,
            ..
        })))] => {
            assert_eq!(*id, 2);
            assert_eq!(reason, "identity checked twice");
        }
        other => panic!("{other:?}"),
    }
    // The desk's refusal is shown as the desk words it; the dialog stays.
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Actions(ActionsMsg::Decided {
            action: disclosure.clone(),
            approve: true,
            result: Err(f.self_approve.clone()),
        })),
    );
    assert!(f.self_approve.contains("four-eyes"), "{}", f.self_approve);
    assert_eq!(message(&s), (Level::Error, f.self_approve.clone()));
    let d = s
        .screens
        .get::<ActionsScreen>()
        .unwrap()
        .dialog
        .as_ref()
        .expect("kept");
    assert!(!d.form.pending);
    assert!(screen(&s, 80, 24).contains("another supervisor must"));

    // Deny, with a reason.
    act(&mut s, key(KeyCode::Esc));
    run(&mut s, Command::DenyAction);
    type_text(&mut s, "not this way");
    let fx = act(&mut s, ctrl('s'));
    assert!(matches!(
        fx.as_slice(),
        [Effect::Screen(ScreenEffect::Actions(
            ActionsEffect::Decide(Decision { approve: false, .. })
        ))]
    ));
}

#[test]
fn failed_jobs_are_retried_skipped_or_handed_to_a_task() {
    let f = fixture();
    let mut s = panel("default", AGENT);
    let i = action_at(&s, &f.actions.actions[2].id);
    select(&mut s, ActionItem::Job(i, 0));
    let job = f.actions.actions[2].jobs[0].id.clone();
    let n: i64 = job.trim_start_matches("J-").parse().unwrap();

    match run(&mut s, Command::RetryJob).as_slice() {
        [Effect::Screen(ScreenEffect::Actions(ActionsEffect::ChangeJob(JobOp::Retry { job })))] => {
            assert_eq!(*job, n)
        }
        other => panic!("{other:?}"),
    }

    run(&mut s, Command::SkipJob);
    type_text(&mut s, "the customer withdrew it");
    match act(&mut s, ctrl('s')).as_slice() {
        [Effect::Screen(ScreenEffect::Actions(ActionsEffect::ChangeJob(JobOp::Skip {
            job,
            reason,
        })))] => {
            assert_eq!((*job, reason.as_str()), (n, "the customer withdrew it"))
        }
        other => panic!("{other:?}"),
    }
    act(&mut s, key(KeyCode::Esc));

    run(&mut s, Command::JobToManual);
    let form = |s: &mut State| {
        s.screens
            .get_mut::<ActionsScreen>()
            .unwrap()
            .dialog
            .as_mut()
            .unwrap()
            .form
            .focus_on("due")
    };
    form(&mut s);
    type_text(&mut s, "2026-13-01");
    assert!(act(&mut s, ctrl('s')).is_empty(), "not a date");
    assert_eq!(message(&s).0, Level::Error);
    press(&mut s, KeyCode::Backspace);
    press(&mut s, KeyCode::Backspace);
    press(&mut s, KeyCode::Backspace);
    press(&mut s, KeyCode::Backspace);
    press(&mut s, KeyCode::Backspace);
    type_text(&mut s, "12-01");
    let op = match act(&mut s, ctrl('s')).as_slice() {
        [Effect::Screen(ScreenEffect::Actions(ActionsEffect::ChangeJob(
            op @ JobOp::Manual { job, input },
        )))] => {
            assert_eq!(*job, n);
            assert_eq!(
                input.due.map(|d| d.to_string()).as_deref(),
                Some("2026-12-01")
            );
            op.clone()
        }
        other => panic!("{other:?}"),
    };
    let fx = act(
        &mut s,
        Msg::Screen(ScreenMsg::Actions(ActionsMsg::JobChanged {
            op,
            result: Ok(format!("{job} handed to T-1")),
        })),
    );
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Screen(ScreenEffect::Actions(ActionsEffect::Load { .. }))
    )));
    assert!(s.screens.get::<ActionsScreen>().unwrap().dialog.is_none());

    // The manual task is recorded done with what was found.
    select(&mut s, ActionItem::Task(0));
    let task = f.actions.tasks[0].id.clone();
    assert!(!f.actions.tasks[0].done);
    run(&mut s, Command::CompleteTask);
    assert!(act(&mut s, ctrl('s')).is_empty(), "a result is needed");
    type_text(&mut s, "corrected by phone");
    match act(&mut s, ctrl('s')).as_slice() {
        [Effect::Screen(ScreenEffect::Actions(ActionsEffect::ChangeJob(JobOp::TaskDone {
            task: t,
            result,
            note: None,
        })))] => {
            assert_eq!(format!("T-{t}"), task);
            assert_eq!(result, "corrected by phone");
        }
        other => panic!("{other:?}"),
    }
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Actions(ActionsMsg::JobChanged {
            op: JobOp::Retry { job: n },
            result: Err("not allowed: this task is someone else's".into()),
        })),
    );
    assert!(
        s.screens.get::<ActionsScreen>().unwrap().dialog.is_some(),
        "kept on a refusal"
    );
    assert_eq!(message(&s).0, Level::Error);
    act(&mut s, key(KeyCode::Esc));

    // A job that ended well is neither retried nor skipped.
    select(&mut s, ActionItem::Job(0, 0));
    assert!(run(&mut s, Command::RetryJob).is_empty());
    assert!(run(&mut s, Command::SkipJob).is_empty());
    assert!(s.screens.get::<ActionsScreen>().unwrap().dialog.is_none());
}

#[test]
fn the_approval_inbox_shows_the_dry_run_and_decides() {
    let f = fixture();
    let mut s = case_support::case_state("default");
    tui_support::show_empty(&mut s, ScreenId::Cases);
    let fx = run(&mut s, Command::ApprovalInbox);
    assert_eq!(
        fx,
        vec![Effect::Screen(ScreenEffect::Inbox(InboxEffect::Load))]
    );
    assert_eq!(s.screen(), ScreenId::Inbox);
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Inbox(InboxMsg::Loaded {
            result: Ok(f.inbox.clone()),
        })),
    );
    assert_eq!(f.inbox.len(), 2, "{:?}", f.inbox);
    let text = snap("approval_inbox", &s);
    assert!(text.contains(&f.inbox[0].id));
    assert!(text.contains("What would be sent"));
    run(&mut s, Command::MoveDown);
    assert_eq!(s.screens.get::<InboxScreen>().unwrap().selected, 1);
    run(&mut s, Command::InboxDeny);
    type_text(&mut s, "wrong person");
    match act(&mut s, ctrl('s')).as_slice() {
        [Effect::Screen(ScreenEffect::Inbox(InboxEffect::Decide(Decision {
            reference,
            approve: false,
            reason,
            ..
        })))] => {
            assert_eq!(reference, &f.inbox[1].id);
            assert_eq!(reason, "wrong person");
        }
        other => panic!("{other:?}"),
    }
    let fx = act(
        &mut s,
        Msg::Screen(ScreenMsg::Inbox(InboxMsg::Decided {
            action: f.inbox[1].id.clone(),
            approve: false,
            result: Ok(Box::new(f.inbox[1].clone())),
        })),
    );
    assert!(
        fx.contains(&Effect::Screen(ScreenEffect::Inbox(InboxEffect::Load))),
        "{fx:?}"
    );
    assert!(s.screens.get::<InboxScreen>().unwrap().dialog.is_none());
    // Enter opens the selected action's case.
    let fx = run(&mut s, Command::Open);
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Screen(ScreenEffect::Case(CaseEffect::Load { id, .. })) if *id == f.inbox[1].case)));
}

#[test]
fn a_letter_is_rendered_edited_kept_as_a_draft_and_recorded() {
    let f = fixture();
    let mut s = case_open("default", AGENT);
    let id = f.view.case.id;
    let fx = run(&mut s, Command::WriteLetter);
    let template = s.case_settings.letter_templates[0].clone();
    assert_eq!(
        fx,
        vec![Effect::Screen(ScreenEffect::Actions(
            ActionsEffect::RenderLetter {
                case: id,
                template: template.clone()
            }
        ))]
    );
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Actions(ActionsMsg::LetterRendered {
            case: id,
            template: template.clone(),
            result: Ok(f.letter.clone()),
        })),
    );
    let dialog = |s: &State| {
        s.screens
            .get::<CaseScreen>()
            .unwrap()
            .dialog
            .clone()
            .expect("letter")
    };
    assert_eq!(dialog(&s).kind, DialogKind::Letter);
    assert_eq!(dialog(&s).form.value("text"), f.letter);
    // The rendered letter alone is not a draft yet.
    let later = Msg::Tick {
        now: Instant::now() + DRAFT_PAUSE + Duration::from_millis(50),
        wall: wall(),
    };
    assert!(act(&mut s, later.clone()).is_empty());

    s.screens
        .get_mut::<CaseScreen>()
        .unwrap()
        .dialog
        .as_mut()
        .unwrap()
        .form
        .focus_on("text");
    type_text(&mut s, "追記あり");
    let edited = dialog(&s).form.value("text");
    assert!(edited.contains("追記あり"));
    // The answer date moves with the day the test runs: it is blanked
    // for the snapshot, after checking it is a date.
    let shown = screen(&s, 80, 24);
    for secret in &fixture().secrets {
        assert!(
            !shown.contains(secret.as_str()),
            "{secret} unmasked:\n{shown}"
        );
    }
    let start = shown.find("回答予定日：").expect("the answer date") + "回答予定日：".len();
    let len = shown[start..].find("まで").expect("the answer date ends");
    let due = shown[start..start + len].to_string();
    assert!(due.contains('年') && due.ends_with('日'), "{due}");
    let line = shown
        .lines()
        .find(|l| l.contains(&due))
        .unwrap()
        .to_string();
    insta::assert_snapshot!(
        "letter_editor_80x24",
        shown.replacen(&line, " │    回答予定日：(the case's due date)まで", 1)
    );
    // PgUp scrolls the letter back a page (the 12 rows shown, less one).
    press(&mut s, KeyCode::PageUp);
    let up = screen(&s, 80, 24);
    assert!(up.contains("rows 2–13 of 24"), "{up}");
    press(&mut s, KeyCode::PageDown);
    assert!(screen(&s, 80, 24).contains("rows 13–24 of 24"));
    let later = Msg::Tick {
        now: Instant::now() + DRAFT_PAUSE + Duration::from_millis(50),
        wall: wall(),
    };
    let saved = act(&mut s, later);
    let key = format!("case.{id}.letter");
    assert!(
        saved.iter().any(|e| matches!(
            e,
            Effect::SaveDraft { key: k, text } if *k == key && text.contains("追記あり")
        )),
        "{saved:?}"
    );

    // Another template does not replace what was typed.
    s.screens
        .get_mut::<CaseScreen>()
        .unwrap()
        .dialog
        .as_mut()
        .unwrap()
        .form
        .focus_on("template");
    let fx = press(&mut s, KeyCode::Right);
    let other = dialog(&s).form.value("template");
    assert_ne!(other, template);
    assert_eq!(
        fx,
        vec![Effect::Screen(ScreenEffect::Actions(
            ActionsEffect::RenderLetter {
                case: id,
                template: other.clone()
            }
        ))]
    );
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Actions(ActionsMsg::LetterRendered {
            case: id,
            template: other,
            result: Ok("another letter".into()),
        })),
    );
    assert_eq!(dialog(&s).form.value("text"), edited);
    assert_eq!(message(&s).0, Level::Warning);

    let fx = act(&mut s, ctrl('s'));
    match fx.as_slice() {
        [Effect::Screen(ScreenEffect::Case(CaseEffect::Change {
            change: CaseChange::Letter { text, is_response },
            key: Some(k),
            ..
        }))] => {
            assert_eq!(text, &edited);
            assert!(!is_response);
            assert_eq!(k, &key);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn packages_are_built_and_checked_from_the_case_screen() {
    let f = fixture();
    let mut s = case_open("default", AGENT);
    let id = f.view.case.id;
    assert_eq!(
        run(&mut s, Command::BuildPackage),
        vec![Effect::Screen(ScreenEffect::Actions(
            ActionsEffect::BuildPackage { case: id }
        ))]
    );
    assert!(s.package.as_ref().unwrap().busy);
    assert!(screen(&s, 80, 24).contains("building"));
    // Asked again while it builds: nothing more.
    assert!(run(&mut s, Command::BuildPackage).is_empty());
    let incomplete = PackageStatus {
        case: id,
        busy: false,
        summary: "INCOMPLETE (billing) · /tmp/p".into(),
        bad: true,
        problems: vec!["billing: timed out after 5 s".into()],
    };
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Actions(ActionsMsg::PackageDone {
            case: id,
            verify: false,
            result: Ok(incomplete),
        })),
    );
    assert_eq!(message(&s).0, Level::Warning);
    let text = screen(&s, 80, 24);
    assert!(text.contains("INCOMPLETE (billing)"), "{text}");
    assert!(text.contains("billing: timed out"), "{text}");
    assert_eq!(
        run(&mut s, Command::VerifyPackage),
        vec![Effect::Screen(ScreenEffect::Actions(
            ActionsEffect::VerifyPackage { case: id }
        ))]
    );
}

#[test]
fn every_new_key_is_in_the_help_and_can_be_remapped() {
    let new = [
        (Command::OpenActions, ScreenId::Case),
        (Command::WriteLetter, ScreenId::Case),
        (Command::BuildPackage, ScreenId::Case),
        (Command::VerifyPackage, ScreenId::Case),
        (Command::ApprovalInbox, ScreenId::Cases),
        (Command::PrepareAction, ScreenId::Actions),
        (Command::ApproveAction, ScreenId::Actions),
        (Command::DenyAction, ScreenId::Actions),
        (Command::RunAction, ScreenId::Actions),
        (Command::RetryJob, ScreenId::Actions),
        (Command::SkipJob, ScreenId::Actions),
        (Command::JobToManual, ScreenId::Actions),
        (Command::CompleteTask, ScreenId::Actions),
        (Command::ReloadActions, ScreenId::Actions),
        (Command::InboxApprove, ScreenId::Inbox),
        (Command::InboxDeny, ScreenId::Inbox),
        (Command::ReloadInbox, ScreenId::Inbox),
    ];
    for (cmd, screen_of) in new {
        // Remapped to a key nothing else uses.
        let mut cfg = indexmap::IndexMap::new();
        cfg.insert(cmd.name().to_string(), KeyBinding::One("f12".into()));
        let (map, problems) = Keymap::from_config(&cfg);
        assert_eq!(problems, vec![], "{cmd}");
        let f12 =
            crossterm::event::KeyEvent::new(KeyCode::F(12), crossterm::event::KeyModifiers::NONE);
        let ctx = match cmd.context() {
            Context::Global => Context::List,
            c => c,
        };
        assert_eq!(map.command_for(ctx, &f12), Some(cmd));
        // And the help of its screen lists it with that key.
        let mut s = state_with("default", map);
        tui_support::show_empty(&mut s, screen_of);
        s.overlay = Some(Overlay::Help(0));
        let text = screen(&s, 120, 40);
        let line = text
            .lines()
            .find(|l| l.contains(cmd.description()))
            .unwrap_or_else(|| panic!("{cmd} is not in the help:\n{text}"));
        assert!(line.contains("f12"), "{line}");
    }
}
