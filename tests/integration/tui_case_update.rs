//! `update` for the case screens, driven as the runtime drives it: the
//! new-case form (choices, validation that keeps what was typed, the effect
//! a submit asks for), drafts (saved after a pause, cleared once sent,
//! offered back and filled in), conflicts, the case list's tabs and the
//! business hours in the status bar. Effects that reach the desk are run
//! against a real store where the answer matters.

use crate::case_support;
use crate::tui_support;
use privdesk::tui::app::{CaseScreen, CasesView, NewCaseScreen};

use case_support::*;
use crossterm::event::KeyCode;
use privdesk::desk::DeskError;
use privdesk::domain::{
    AssigneeFilter, CaseStatus, Category, Law, RefusalGround, RequestKind, StatusChange,
};
use privdesk::tui::app::{
    ActionsEffect, CaseEffect, CaseMsg, CasesEffect, CasesMsg, NewCaseEffect, NewCaseMsg,
    ScreenEffect, ScreenMsg,
};
use privdesk::tui::app::{
    CaseChange, ChangeError, CreateError, DialogKind, Effect, Level, Msg, Overlay, ScreenId, State,
};
use privdesk::tui::drafts::{dialog_key, FormDraft, DRAFT_PAUSE};
use privdesk::tui::keymap::Command;
use std::time::{Duration, Instant};
use tui_support::*;

/// A tick once typing has paused long enough for a draft.
fn after_pause() -> Msg {
    Msg::Tick {
        now: Instant::now() + DRAFT_PAUSE + Duration::from_millis(50),
        wall: wall(),
    }
}

fn drafts_of(fx: &[Effect]) -> Vec<(String, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::SaveDraft { key, text } => Some((key.clone(), text.clone())),
            _ => None,
        })
        .collect()
}

fn created_effect(fx: &[Effect]) -> (String, privdesk::domain::NewCase, Option<u32>) {
    fx.iter()
        .find_map(|e| match e {
            Effect::Screen(ScreenEffect::NewCase(NewCaseEffect::Create {
                key, new, fee, ..
            })) => Some((key.clone(), (**new).clone(), *fee)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no CreateCase in {fx:?}"))
}

fn focus(s: &mut State, id: &str) {
    s.screens
        .get_mut::<NewCaseScreen>()
        .expect("the form is open")
        .form
        .focus_on(id);
}

fn value(s: &State, id: &str) -> String {
    s.screens
        .get::<NewCaseScreen>()
        .expect("the form is open")
        .form
        .value(id)
}

/// The form for Taro Yamada, filled in as a disclosure request under APPI
/// made by his mother.
fn filled_form() -> State {
    let mut s = taro_person("default");
    press(&mut s, KeyCode::Char('n'));
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Right);
    focus(&mut s, "kind");
    press(&mut s, KeyCode::Right);
    focus(&mut s, "representative");
    press(&mut s, KeyCode::Char(' '));
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "山田 花子");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "mother");
    focus(&mut s, "description");
    type_text(&mut s, "Wants a copy of all data.");
    press(&mut s, KeyCode::Enter);
    type_text(&mut s, "By email.");
    s
}

#[test]
fn choices_cycle_and_the_kind_follows_category_and_law() {
    let mut s = taro_person("default");
    press(&mut s, KeyCode::Char('n'));
    let form = |s: &State| s.screens.get::<NewCaseScreen>().unwrap().form.clone();
    assert!(
        form(&s).field("kind").unwrap().hidden,
        "an inquiry has no kind"
    );
    press(&mut s, KeyCode::Right);
    assert_eq!(value(&s, "category"), "complaint");
    press(&mut s, KeyCode::Char(' '));
    assert_eq!(value(&s, "category"), "rights_request");
    assert!(!form(&s).field("kind").unwrap().hidden);
    assert_eq!(value(&s, "kind"), "purpose_notification");
    press(&mut s, KeyCode::Down);
    assert_eq!(form(&s).focused(), "law");
    press(&mut s, KeyCode::Right);
    assert_eq!(value(&s, "law"), "gdpr");
    assert_eq!(value(&s, "kind"), "access", "only kinds of the chosen law");
    press(&mut s, KeyCode::Left);
    press(&mut s, KeyCode::Left);
    assert_eq!(value(&s, "law"), "ccpa");
    press(&mut s, KeyCode::Tab);
    for _ in 0..3 {
        press(&mut s, KeyCode::Right);
    }
    assert_eq!(value(&s, "kind"), "opt_out");
    press(&mut s, KeyCode::Right);
    assert_eq!(value(&s, "kind"), "know", "wraps around");
    // Typing q in a form types; it does not quit.
    focus(&mut s, "name");
    press(&mut s, KeyCode::Char('q'));
    assert!(!s.quit);
}

#[test]
fn submit_asks_the_desk_to_create_the_case_described() {
    let mut s = filled_form();
    let fx = act(&mut s, ctrl('s'));
    let (key, new, fee) = created_effect(&fx);
    assert_eq!(key, format!("case.new.{}", first_link(&s)));
    assert_eq!(new.category, Category::RightsRequest);
    assert_eq!(new.kind, Some(RequestKind::Disclosure));
    assert_eq!(new.law, Some(Law::Appi));
    assert_eq!(fee, None);
    assert_eq!(new.description, "Wants a copy of all data.\nBy email.");
    let rep = new
        .requester
        .representative
        .as_ref()
        .expect("a representative");
    assert_eq!(
        (rep.name.as_str(), rep.relation.as_str()),
        ("山田 花子", "mother")
    );
    assert_eq!(new.requester.name.as_deref(), Some("山田 太郎"));
    assert!(
        new.requester
            .contact
            .email
            .as_deref()
            .is_some_and(|e| e.to_lowercase() == "taro.yamada@example.jp"),
        "the person's email, though it was shown masked: {:?}",
        new.requester.contact
    );
    let links: Vec<String> = new.links.iter().map(|l| l.to_string()).collect();
    for l in [
        "crm:C-1001",
        "billing:B-77",
        "support:9001",
        "loyalty:L-00042",
        "mailing:S-5",
    ] {
        assert!(links.contains(&l.to_string()), "{l} not linked: {links:?}");
    }
    let name_of = |key: &str| {
        new.links
            .iter()
            .find(|l| l.to_string() == key)
            .and_then(|l| l.display_name.clone())
    };
    assert_eq!(
        name_of("crm:C-1001").as_deref(),
        Some("山田 太郎"),
        "the name as a snapshot"
    );
    assert_eq!(name_of("mailing:S-5"), None, "mailing holds no name");
    assert_eq!(new.received_at, Some(wall()), "received now by default");
    // While the desk works, a second ctrl-s sends nothing.
    assert!(act(&mut s, ctrl('s')).is_empty());
}

fn first_link(s: &State) -> String {
    s.screens.get::<NewCaseScreen>().unwrap().links[0].to_string()
}

#[test]
fn validation_errors_keep_what_was_typed() {
    let mut s = filled_form();
    focus(&mut s, "received");
    for _ in 0..16 {
        press(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "2026-02-30 25:00");
    focus(&mut s, "fee");
    type_text(&mut s, "1,000");
    let fx = act(&mut s, ctrl('s'));
    assert!(
        fx.iter().all(|e| !matches!(
            e,
            Effect::Screen(ScreenEffect::NewCase(NewCaseEffect::Create { .. }))
        )),
        "{fx:?}"
    );
    let form = &s.screens.get::<NewCaseScreen>().unwrap().form;
    assert_eq!(form.error.as_ref().map(|e| e.0.as_str()), Some("received"));
    assert_eq!(form.focused(), "received");
    assert_eq!(s.message.as_ref().map(|m| m.level), Some(Level::Error));
    assert_eq!(
        value(&s, "description"),
        "Wants a copy of all data.\nBy email."
    );
    let text = screen(&s, 80, 24);
    assert!(text.contains("✗ Received"), "the field is marked:\n{text}");

    // A fee on a kind that allows none is refused at its field.
    focus(&mut s, "received");
    for _ in 0..16 {
        press(&mut s, KeyCode::Backspace);
    }
    focus(&mut s, "kind");
    for _ in 0..2 {
        press(&mut s, KeyCode::Right);
    }
    assert_eq!(value(&s, "kind"), "correction");
    act(&mut s, ctrl('s'));
    let form = &s.screens.get::<NewCaseScreen>().unwrap().form;
    assert_eq!(form.error.as_ref().map(|e| e.0.as_str()), Some("fee"));
    assert!(s
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("no fee may be charged"));
    assert_eq!(value(&s, "fee"), "1,000");

    // The desk's own refusal comes back to the field it names, text kept.
    focus(&mut s, "kind");
    press(&mut s, KeyCode::Left);
    let fx = act(&mut s, ctrl('s'));
    let (key, _, fee) = created_effect(&fx);
    assert_eq!(fee, Some(1000));
    act(
        &mut s,
        Msg::Screen(ScreenMsg::NewCase(NewCaseMsg::Created {
            key,
            result: Err(CreateError::Failed("`x@` is not an email address".into())),
            warning: None,
        })),
    );
    let form = &s.screens.get::<NewCaseScreen>().unwrap().form;
    assert!(!form.pending);
    assert_eq!(form.error.as_ref().map(|e| e.0.as_str()), Some("email"));
    assert_eq!(value(&s, "rep_name"), "山田 花子");
    assert_eq!(s.screen(), ScreenId::NewCase);
}

#[test]
fn a_real_desk_refuses_bad_input_and_creates_good_input() {
    let dir = tempfile::tempdir().unwrap();
    let (rt, desk) = client(dir.path(), USER);
    let mut s = filled_form();
    // The fixed time of the test states may lie ahead of the real clock:
    // received now.
    focus(&mut s, "received");
    act(&mut s, ctrl('u'));
    focus(&mut s, "email");
    type_text(&mut s, "not-an-email");
    let fx = act(&mut s, ctrl('s'));
    let (key, new, fee) = created_effect(&fx);
    let (result, warning) = rt.block_on(privdesk::tui::screens::new_case::effects::create(
        &desk,
        &new,
        fee,
        &[],
        vec![],
    ));
    assert!(matches!(&result, Err(CreateError::Failed(m)) if m.contains("not an email")));
    act(
        &mut s,
        Msg::Screen(ScreenMsg::NewCase(NewCaseMsg::Created {
            key: key.clone(),
            result,
            warning,
        })),
    );
    assert_eq!(
        s.screens
            .get::<NewCaseScreen>()
            .unwrap()
            .form
            .error
            .as_ref()
            .map(|e| e.0.as_str()),
        Some("email")
    );
    assert_eq!(value(&s, "email"), "not-an-email");

    focus(&mut s, "email");
    act(&mut s, ctrl('u'));
    let fx = act(&mut s, ctrl('s'));
    let (key, new, fee) = created_effect(&fx);
    let (result, warning) = rt.block_on(privdesk::tui::screens::new_case::effects::create(
        &desk,
        &new,
        fee,
        &[],
        vec![],
    ));
    let case = result.as_ref().expect("created").clone();
    assert_eq!(case.kind, Some(RequestKind::Disclosure));
    let fx = act(
        &mut s,
        Msg::Screen(ScreenMsg::NewCase(NewCaseMsg::Created {
            key: key.clone(),
            result,
            warning,
        })),
    );
    assert_eq!(s.screen(), ScreenId::Case);
    assert!(
        fx.contains(&Effect::SaveDraft {
            key,
            text: String::new()
        }),
        "the draft is cleared: {fx:?}"
    );
    assert!(
        fx.contains(&Effect::Screen(ScreenEffect::Case(CaseEffect::Load {
            id: case.id,
            revealed: false
        })))
    );
    let due = case
        .queue_due()
        .expect("due date")
        .format("%Y-%m-%d")
        .to_string();
    assert!(s.message.as_ref().unwrap().text.contains(&due));

    // Another form for the same person now warns of the open case.
    let mut again = taro_person("default");
    let fx = press(&mut again, KeyCode::Char('n'));
    let Some(Effect::Screen(ScreenEffect::NewCase(NewCaseEffect::FindDuplicates { key, query }))) =
        fx.into_iter().find(|e| {
            matches!(
                e,
                Effect::Screen(ScreenEffect::NewCase(NewCaseEffect::FindDuplicates { .. }))
            )
        })
    else {
        panic!("duplicates are looked for");
    };
    let result = rt
        .block_on(desk.find_open_cases_for(query))
        .map_err(|e| e.to_string());
    act(
        &mut again,
        Msg::Screen(ScreenMsg::NewCase(NewCaseMsg::DuplicatesFound {
            key: key.clone(),
            result,
        })),
    );
    let text = screen(&again, 80, 24);
    assert!(
        text.contains(&format!(
            "another open case exists for this person: {}",
            case.id
        )),
        "{text}"
    );
    // And the check before creating knows it was seen: the second try creates.
    let fx = act(&mut again, ctrl('s'));
    let Some(Effect::Screen(ScreenEffect::NewCase(NewCaseEffect::Create { seen, .. }))) =
        fx.iter().find(|e| {
            matches!(
                e,
                Effect::Screen(ScreenEffect::NewCase(NewCaseEffect::Create { .. }))
            )
        })
    else {
        panic!("ctrl-s creates");
    };
    assert_eq!(seen, &vec![case.id]);
}

#[test]
fn duplicates_found_before_creating_stop_it_once() {
    let f = fixture();
    let mut s = filled_form();
    let fx = act(&mut s, ctrl('s'));
    let (key, _, _) = created_effect(&fx);
    act(
        &mut s,
        Msg::Screen(ScreenMsg::NewCase(NewCaseMsg::Created {
            key,
            result: Err(CreateError::Duplicates(vec![f.rows[0].clone()])),
            warning: None,
        })),
    );
    assert_eq!(s.message.as_ref().map(|m| m.level), Some(Level::Warning));
    assert!(s
        .message
        .as_ref()
        .unwrap()
        .text
        .contains(&f.rows[0].id.to_string()));
    let fx = act(&mut s, ctrl('s'));
    let seen = fx
        .iter()
        .find_map(|e| match e {
            Effect::Screen(ScreenEffect::NewCase(NewCaseEffect::Create { seen, .. })) => {
                Some(seen.clone())
            }
            _ => None,
        })
        .expect("ctrl-s again creates anyway");
    assert_eq!(seen, vec![f.rows[0].id]);
}

#[test]
fn form_drafts_are_saved_after_a_pause_kept_on_esc_and_filled_back_in() {
    let mut s = filled_form();
    let key = s.screens.get::<NewCaseScreen>().unwrap().draft.key.clone();
    let soon = Msg::Tick {
        now: s.last_edit,
        wall: wall(),
    };
    assert!(drafts_of(&act(&mut s, soon)).is_empty(), "not while typing");
    let saved = drafts_of(&act(&mut s, after_pause()));
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert_eq!(saved[0].0, key);
    let draft = FormDraft::parse(&saved[0].1).expect("a form draft");
    assert_eq!(draft.values["rep_relation"], "mother");
    assert_eq!(
        draft.values["description"],
        "Wants a copy of all data.\nBy email."
    );
    assert!(draft.masked.contains(&"email".to_string()));
    assert!(!draft.links.is_empty());
    assert!(
        drafts_of(&act(&mut s, after_pause())).is_empty(),
        "saved once"
    );

    // Esc leaves the form and keeps it; opening it again fills it in.
    type_text(&mut s, " More.");
    let fx = press(&mut s, KeyCode::Esc);
    assert_eq!(s.screen(), ScreenId::Person);
    let kept = drafts_of(&fx);
    assert_eq!(kept.len(), 1);
    assert!(kept[0].1.contains("More."));
    assert!(s.message.as_ref().unwrap().text.contains("kept as a draft"));
    press(&mut s, KeyCode::Char('n'));
    assert_eq!(
        value(&s, "description"),
        "Wants a copy of all data.\nBy email. More."
    );
    assert_eq!(value(&s, "kind"), "disclosure");
    assert!(
        screen(&s, 80, 24).contains("t***@example.jp"),
        "still masked"
    );

    // A form left untouched keeps no draft.
    let mut t = taro_person("default");
    press(&mut t, KeyCode::Char('n'));
    assert!(drafts_of(&press(&mut t, KeyCode::Esc)).is_empty());
}

#[test]
fn note_drafts_are_cleared_once_sent() {
    let f = fixture();
    let id = f.disclosure.case.id;
    let mut s = case_screen("default", &f.disclosure);
    press(&mut s, KeyCode::Char('n'));
    type_text(&mut s, "Half a note");
    let saved = drafts_of(&act(&mut s, after_pause()));
    let key = dialog_key(id, DialogKind::Note);
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].0, key);
    assert_eq!(
        FormDraft::parse(&saved[0].1).unwrap().values["text"],
        "Half a note"
    );

    let fx = act(&mut s, ctrl('s'));
    assert_eq!(
        fx,
        vec![Effect::Screen(ScreenEffect::Case(CaseEffect::Change {
            id,
            version: f.disclosure.case.version,
            change: CaseChange::Note {
                text: "Half a note".into(),
                internal: true,
                is_response: false
            },
            key: Some(key.clone()),
        }))]
    );
    let mut done = f.disclosure.case.clone();
    done.version += 1;
    let fx = act(
        &mut s,
        Msg::Screen(ScreenMsg::Case(CaseMsg::Changed {
            id,
            key: Some(key.clone()),
            change: CaseChange::Note {
                text: "Half a note".into(),
                internal: true,
                is_response: false,
            },
            result: Ok(Box::new(done)),
        })),
    );
    assert!(
        fx.contains(&Effect::SaveDraft {
            key: key.clone(),
            text: String::new()
        }),
        "{fx:?}"
    );
    assert!(
        fx.contains(&Effect::Screen(ScreenEffect::Case(CaseEffect::Load {
            id,
            revealed: false
        })))
    );
    assert!(s.screens.get::<CaseScreen>().unwrap().dialog.is_none());
    assert!(!s.drafts.contains_key(&key));
    assert!(drafts_of(&act(&mut s, after_pause())).is_empty());
}

#[test]
fn a_conflict_shows_the_changes_reloads_and_keeps_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let me = desk(dir.path(), USER);
    let other = desk(dir.path(), AGENT);
    let case = me.create_case(&disclosure_request()).unwrap();
    let view = me.get_case(case.id).unwrap();
    let mut s = case_state("default");
    let fx = act(&mut s, Msg::Run(Command::Cases));
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Screen(ScreenEffect::Cases(CasesEffect::Load { .. }))
    )));
    // Open it as the list would.
    let gen = s.screens.get::<CasesView>().unwrap().rows.gen;
    let rows = me
        .list_cases(&privdesk::domain::CaseFilter::default())
        .unwrap();
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Cases(CasesMsg::Loaded {
            gen,
            result: Ok(rows),
        })),
    );
    press(&mut s, KeyCode::Enter);
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Case(CaseMsg::Loaded {
            id: case.id,
            result: Ok(Box::new(view)),
        })),
    );

    press(&mut s, KeyCode::Char('n'));
    type_text(&mut s, "Customer called again.");
    // Meanwhile the other operator takes the case.
    other.assign(case.id, case.version, Some(AGENT)).unwrap();
    let fx = act(&mut s, ctrl('s'));
    let [Effect::Screen(ScreenEffect::Case(CaseEffect::Change {
        id,
        version,
        change,
        key,
    }))] = &fx[..]
    else {
        panic!("{fx:?}");
    };
    assert_eq!(*version, case.version);
    // A note conflicts with nothing (the server adds it to the case as it
    // is now), so the conflict the screen gets here is the server's answer
    // to an overwriting change made on the same old version.
    let (rt, me_client) = client(dir.path(), USER);
    let stale = CaseChange::Assign(Some(USER.to_string()));
    let result = rt
        .block_on(privdesk::tui::screens::case::effects::apply(
            &me_client, *id, *version, &stale,
        ))
        .map(Box::new)
        .map_err(|e| match e {
            DeskError::Conflict(c) => ChangeError::Conflict(c),
            e => ChangeError::Failed(e.to_string()),
        });
    assert!(matches!(result, Err(ChangeError::Conflict(_))));
    let fx = act(
        &mut s,
        Msg::Screen(ScreenMsg::Case(CaseMsg::Changed {
            id: *id,
            key: key.clone(),
            change: change.clone(),
            result,
        })),
    );
    assert_eq!(
        fx,
        vec![Effect::Screen(ScreenEffect::Case(CaseEffect::Load {
            id: case.id,
            revealed: false
        }))],
        "the case is loaded again"
    );
    let Some(Overlay::Conflict(text)) = &s.overlay else {
        panic!("a conflict dialog");
    };
    assert!(text.contains("assignee: none -> demo-agent"), "{text}");
    assert!(text.contains("demo-agent"), "{text}");
    let dialog = s
        .screens
        .get::<CaseScreen>()
        .unwrap()
        .dialog
        .as_ref()
        .expect("the dialog stays");
    assert!(!dialog.form.pending);
    assert_eq!(dialog.form.value("text"), "Customer called again.");

    // The reloaded case comes in; sending again uses its version.
    let fresh = me.get_case(case.id).unwrap();
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Case(CaseMsg::Loaded {
            id: case.id,
            result: Ok(Box::new(fresh.clone())),
        })),
    );
    press(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none(), "any key closes the conflict");
    assert!(s.screens.get::<CaseScreen>().unwrap().dialog.is_some());
    let fx = act(&mut s, ctrl('s'));
    let [Effect::Screen(ScreenEffect::Case(CaseEffect::Change { version, .. }))] = &fx[..] else {
        panic!("{fx:?}");
    };
    assert_eq!(*version, fresh.case.version);
}

#[test]
fn the_status_dialog_asks_for_what_each_status_needs() {
    let f = fixture();
    let mut s = case_screen("default", &f.disclosure);
    assert_eq!(f.disclosure.case.status, CaseStatus::InProgress);
    press(&mut s, KeyCode::Char('s'));
    let form = |s: &State| {
        s.screens
            .get::<CaseScreen>()
            .unwrap()
            .dialog
            .as_ref()
            .unwrap()
            .form
            .clone()
    };
    let hidden = |s: &State, id: &str| form(s).field(id).unwrap().hidden;
    let offered: Vec<String> = match &form(&s).field("to").unwrap().widget {
        privdesk::tui::form::Widget::Choice { options, .. } => {
            options.iter().map(|o| o.value.clone()).collect()
        }
        other => panic!("{other:?}"),
    };
    let allowed: Vec<String> = f
        .disclosure
        .allowed_next
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(offered, allowed);
    while form(&s).value("to") != "on_hold" {
        press(&mut s, KeyCode::Right);
    }
    assert!(!hidden(&s, "reason") && hidden(&s, "grounds"));
    let fx = act(&mut s, ctrl('s'));
    assert!(fx.is_empty());
    assert_eq!(
        form(&s).error.as_ref().map(|e| e.0.as_str()),
        Some("reason")
    );
    press(&mut s, KeyCode::Up);
    while form(&s).value("to") != "refused" {
        press(&mut s, KeyCode::Right);
    }
    assert!(!hidden(&s, "grounds"));
    act(&mut s, ctrl('s'));
    assert_eq!(
        form(&s).error.as_ref().map(|e| e.0.as_str()),
        Some("grounds")
    );
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Char(' '));
    let fx = act(&mut s, ctrl('s'));
    let [Effect::Screen(ScreenEffect::Case(CaseEffect::Change {
        change: CaseChange::Status(c),
        ..
    }))] = &fx[..]
    else {
        panic!("{fx:?}");
    };
    assert_eq!(
        c,
        &StatusChange {
            to: Some(CaseStatus::Refused),
            reason: None,
            grounds: vec![RefusalGround::IdentityNotVerified],
            outcome: None,
        }
    );
}

#[test]
fn a_refusal_is_one_step_names_its_articles_and_warns_about_the_letters_script() {
    let f = fixture();
    // A GDPR access request, still new: its letters are in English.
    assert_eq!(f.access.case.status, CaseStatus::New);
    let mut s = case_screen("default", &f.access);
    press(&mut s, KeyCode::Char('s'));
    let form = |s: &State| {
        s.screens
            .get::<CaseScreen>()
            .unwrap()
            .dialog
            .as_ref()
            .unwrap()
            .form
            .clone()
    };
    let options = |s: &State, id: &str| match &form(s).field(id).unwrap().widget {
        privdesk::tui::form::Widget::Choice { options, .. }
        | privdesk::tui::form::Widget::Multi { options, .. } => options
            .iter()
            .map(|o| (o.value.clone(), o.label.clone()))
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert!(
        options(&s, "to").iter().any(|(v, _)| v == "refused"),
        "a new case cannot be refused in one step: {:?}",
        options(&s, "to")
    );
    while form(&s).value("to") != "refused" {
        press(&mut s, KeyCode::Right);
    }
    let grounds = options(&s, "grounds");
    let label = |g: RefusalGround| {
        grounds
            .iter()
            .find(|(v, _)| v == g.as_str())
            .map(|(_, l)| l.clone())
            .unwrap()
    };
    assert!(label(RefusalGround::HarmToLifeBodyPropertyRights).starts_with("Art. 33(2)(i) "));
    assert!(label(RefusalGround::ViolationOfOtherLaws).starts_with("Art. 33(2)(iii) "));
    assert!(
        grounds.iter().all(|(v, l)| !l.contains(v.as_str())),
        "{grounds:?}"
    );
    assert_eq!(form(&s).field("reason").unwrap().label, "To the customer");

    s.screens
        .get_mut::<CaseScreen>()
        .unwrap()
        .dialog
        .as_mut()
        .unwrap()
        .form
        .focus_on("reason");
    type_text(&mut s, "ご本人確認ができませんでした");
    s.screens
        .get_mut::<CaseScreen>()
        .unwrap()
        .dialog
        .as_mut()
        .unwrap()
        .form
        .focus_on("grounds");
    press(&mut s, KeyCode::Char(' '));
    let fx = act(&mut s, ctrl('s'));
    assert!(
        !fx.iter().any(|e| matches!(
            e,
            Effect::Screen(ScreenEffect::Case(CaseEffect::Change { .. }))
        )),
        "sent without a warning: {fx:?}"
    );
    let err = form(&s)
        .error
        .clone()
        .expect("a warning on the explanation");
    assert_eq!(err.0, "reason");
    assert!(err.1.contains("the letter is in English"), "{}", err.1);
    assert!(screen(&s, 80, 24).contains("the letter is in English"));
    // Enter again keeps it as typed; nothing typed was lost.
    let fx = act(&mut s, ctrl('s'));
    let [Effect::Screen(ScreenEffect::Case(CaseEffect::Change {
        change: CaseChange::Status(c),
        ..
    }))] = &fx[..]
    else {
        panic!("{fx:?}");
    };
    assert_eq!(c.to, Some(CaseStatus::Refused));
    assert_eq!(c.reason.as_deref(), Some("ご本人確認ができませんでした"));
    assert_eq!(c.grounds.len(), 1);
}

#[test]
fn agents_take_a_case_and_auditors_change_nothing() {
    let f = fixture();
    let mut s = case_screen("default", &f.access);
    s.operator.role = privdesk::domain::Role::Agent;
    s.operator.username = AGENT.into();
    let fx = press(&mut s, KeyCode::Char('o'));
    assert!(
        matches!(
            &fx[..],
            [Effect::Screen(ScreenEffect::Case(CaseEffect::Change { change: CaseChange::Assign(Some(who)), key: None, .. }))] if who == AGENT
        ),
        "{fx:?}"
    );

    // Refusing and closing are not offered to agents (the desk refuses them too).
    let mut s = case_screen("default", &f.disclosure);
    s.operator.role = privdesk::domain::Role::Agent;
    press(&mut s, KeyCode::Char('s'));
    let form = &s
        .screens
        .get::<CaseScreen>()
        .unwrap()
        .dialog
        .as_ref()
        .expect("a status dialog")
        .form;
    let offered: Vec<String> = match &form.field("to").unwrap().widget {
        privdesk::tui::form::Widget::Choice { options, .. } => {
            options.iter().map(|o| o.value.clone()).collect()
        }
        other => panic!("{other:?}"),
    };
    assert!(f.disclosure.allowed_next.contains(&CaseStatus::Refused));
    assert!(!offered.contains(&"refused".to_string()), "{offered:?}");
    assert!(offered.contains(&"on_hold".to_string()), "{offered:?}");

    let mut s = case_screen("default", &f.access);
    s.operator.role = privdesk::domain::Role::Auditor;
    for c in ['n', 'a', 's', 'o', 'v'] {
        assert!(press(&mut s, KeyCode::Char(c)).is_empty());
        assert!(s.screens.get::<CaseScreen>().unwrap().dialog.is_none());
    }
    assert!(s.message.as_ref().unwrap().text.contains("read-only"));

    // Supervisors pick someone from the configuration.
    let mut s = case_screen("default", &f.access);
    press(&mut s, KeyCode::Char('o'));
    press(&mut s, KeyCode::Right);
    let fx = act(&mut s, ctrl('s'));
    let [Effect::Screen(ScreenEffect::Case(CaseEffect::Change {
        change: CaseChange::Assign(Some(who)),
        ..
    }))] = &fx[..]
    else {
        panic!("{fx:?}");
    };
    assert!(s.case_settings.assignees.iter().any(|(u, _)| u == who));
}

#[test]
fn unsent_drafts_are_offered_at_start_and_f3_continues_them() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let desk = desk(dir.path(), USER);
    let id = f.disclosure.case.id;
    let note = dialog_key(id, DialogKind::Note);
    let mut d = FormDraft::default();
    d.values
        .insert("text".into(), "Half a note from before".into());
    desk.save_draft(&note, &d.to_text()).unwrap();

    let mut s = case_state("default");
    {
        let (rt, c) = client(dir.path(), USER);
        rt.block_on(privdesk::tui::restore_drafts(&mut s, &c));
    }
    let m = s.message.clone().expect("a message");
    assert_eq!(
        m.text,
        format!("unsent: note on {id} — press f3 to continue")
    );
    let fx = press(&mut s, KeyCode::F(3));
    assert_eq!(
        fx,
        vec![Effect::Screen(ScreenEffect::Case(CaseEffect::Load {
            id,
            revealed: false
        }))]
    );
    assert_eq!(s.screen(), ScreenId::Case);
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Case(CaseMsg::Loaded {
            id,
            result: Ok(Box::new(f.disclosure.clone())),
        })),
    );
    let dialog = s
        .screens
        .get::<CaseScreen>()
        .unwrap()
        .dialog
        .as_ref()
        .expect("the note is open");
    assert_eq!(dialog.kind, DialogKind::Note);
    assert_eq!(dialog.form.value("text"), "Half a note from before");
    // Nothing changed since: no save.
    assert!(drafts_of(&act(&mut s, after_pause())).is_empty());

    // Several drafts: F3 lists them; d discards one.
    let mut s = case_state("default");
    desk.save_draft("case.new", &FormDraft::default().to_text())
        .unwrap();
    {
        let (rt, c) = client(dir.path(), USER);
        rt.block_on(privdesk::tui::restore_drafts(&mut s, &c));
    }
    assert!(s.message.as_ref().unwrap().text.contains("new case form"));
    press(&mut s, KeyCode::F(3));
    assert!(matches!(s.overlay, Some(Overlay::Drafts(_))));
    let fx = press(&mut s, KeyCode::Char('d'));
    assert_eq!(drafts_of(&fx).len(), 1);
    assert_eq!(drafts_of(&fx)[0].1, "");
    assert_eq!(privdesk::tui::drafts::unsent(&s).len(), 1);
}

#[test]
fn the_case_list_switches_between_mine_unassigned_and_all() {
    let mut s = case_state("default");
    let filter = |fx: &[Effect]| {
        fx.iter()
            .find_map(|e| match e {
                Effect::Screen(ScreenEffect::Cases(CasesEffect::Load { filter, .. })) => {
                    Some(filter.assignee.clone())
                }
                _ => None,
            })
            .expect("a load")
    };
    search(&mut s, "yamada", &data().yamada);
    press(&mut s, KeyCode::Down);
    let fx = press(&mut s, KeyCode::Char('c'));
    assert_eq!(s.screen(), ScreenId::Cases);
    assert_eq!(filter(&fx), AssigneeFilter::User(USER.into()));
    assert_eq!(
        filter(&press(&mut s, KeyCode::Tab)),
        AssigneeFilter::Unassigned
    );
    assert_eq!(filter(&press(&mut s, KeyCode::Tab)), AssigneeFilter::Anyone);
    // An answer to an older load is dropped.
    let gen = s.screens.get::<CasesView>().unwrap().rows.gen;
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Cases(CasesMsg::Loaded {
            gen: gen - 1,
            result: Ok(rows_by_state()),
        })),
    );
    assert!(s.screens.get::<CasesView>().unwrap().rows.data.is_empty());
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Cases(CasesMsg::Loaded {
            gen,
            result: Ok(rows_by_state()),
        })),
    );
    assert_eq!(s.screens.get::<CasesView>().unwrap().rows.data.len(), 3);
    let fx = press(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![Effect::Screen(ScreenEffect::Case(CaseEffect::Load {
            id: rows_by_state()[0].id,
            revealed: false
        }))]
    );
    // Back leads to the list again (reloaded), then to the results.
    let fx = press(&mut s, KeyCode::Esc);
    assert_eq!(s.screen(), ScreenId::Cases);
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Screen(ScreenEffect::Cases(CasesEffect::Load { .. }))
    )));
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.screen(), ScreenId::Search);
}

#[test]
fn the_status_bar_shows_business_hours_and_changes_once_a_minute() {
    let mut s = case_state("default");
    assert!(screen(&s, 120, 40).contains("open until 17:00"));
    // At 80 columns the hours are shortened so the key hints keep their room.
    assert!(screen(&s, 80, 24).contains("open→17:00"));
    let evening = wall() + chrono::Duration::hours(8);
    act(
        &mut s,
        Msg::Tick {
            now: Instant::now(),
            wall: evening,
        },
    );
    assert!(s.dirty);
    assert!(screen(&s, 120, 40).contains("closed · reopens Wed 09:00"));
    assert!(screen(&s, 80, 24).contains("closed→Wed 09:00"));
    s.dirty = false;
    act(
        &mut s,
        Msg::Tick {
            now: Instant::now(),
            wall: evening + chrono::Duration::seconds(30),
        },
    );
    assert!(!s.dirty, "nothing to redraw within the minute");
}

#[test]
fn hanging_up_saves_an_open_note() {
    let f = fixture();
    let mut s = case_screen("default", &f.disclosure);
    press(&mut s, KeyCode::Char('a'));
    type_text(&mut s, "Dear customer");
    let fx = act(&mut s, Msg::HangUp);
    assert!(s.quit);
    let saved = drafts_of(&fx);
    let key = dialog_key(f.disclosure.case.id, DialogKind::Reply);
    assert!(
        saved
            .iter()
            .any(|(k, t)| *k == key && t.contains("Dear customer")),
        "{saved:?}"
    );
    // Quitting on purpose keeps it too, but clears the query box's draft.
    let mut s = case_screen("default", &f.disclosure);
    press(&mut s, KeyCode::Char('a'));
    type_text(&mut s, "Dear customer");
    let fx = act(&mut s, Msg::Run(Command::Quit));
    let saved = drafts_of(&fx);
    assert!(saved.iter().any(|(k, t)| *k == key && !t.is_empty()));
    assert!(saved
        .iter()
        .any(|(k, t)| k == "search.query" && t.is_empty()));
}

#[test]
fn the_letter_editor_starts_on_the_template_that_fits_the_case() {
    let f = fixture();
    let template_of = |view: &privdesk::desk::CaseView| {
        let mut s = case_screen("default", view);
        let fx = press(&mut s, KeyCode::Char('l'));
        let chosen = s
            .screens
            .get::<CaseScreen>()
            .unwrap()
            .dialog
            .as_ref()
            .expect("the letter editor")
            .form
            .value("template");
        let rendered = fx.iter().find_map(|e| match e {
            Effect::Screen(ScreenEffect::Actions(ActionsEffect::RenderLetter {
                template, ..
            })) => Some(template.clone()),
            _ => None,
        });
        assert_eq!(rendered.as_deref(), Some(chosen.as_str()), "{fx:?}");
        chosen
    };
    assert_eq!(template_of(&f.access), "receipt");
    let mut refused = f.disclosure.clone();
    refused.case.status = CaseStatus::Refused;
    refused.case.refusal_grounds = vec![RefusalGround::IdentityNotVerified];
    assert_eq!(template_of(&refused), "refusal");
    let mut answered = f.disclosure.clone();
    answered.case.status = CaseStatus::Responded;
    assert_eq!(template_of(&answered), "disclosure_done");
}
