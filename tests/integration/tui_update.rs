//! `update` driven as the runtime drives it (keys, pastes, ticks, search
//! snapshots, effect results), checked on the state, the effects it asks
//! for and the rendered screen.

use crate::tui_support;
use privdesk::tui::app::{NewCaseScreen, PersonView};

use crossterm::event::KeyCode;
use indexmap::IndexMap;
use privdesk::config::KeyBinding;
use privdesk::desk::Revealed;
use privdesk::tui::app::{Effect, Focus, Level, Msg, Overlay, ScreenId, State};
use privdesk::tui::app::{
    PersonEffect, PersonMsg, ScreenEffect, ScreenMsg, SearchEffect, SearchMsg,
};
use privdesk::tui::effects::QUERY_DRAFT;
use privdesk::tui::keymap::Keymap;
use privdesk::tui::screens::person::update::person_key;
use privdesk::tui::update::DRAFT_PAUSE;
use std::time::{Duration, Instant};
use tui_support::*;

fn gen_of(fx: &[Effect]) -> u64 {
    fx.iter()
        .find_map(|e| match e {
            Effect::Screen(ScreenEffect::Search(SearchEffect::Start { gen, .. })) => Some(*gen),
            _ => None,
        })
        .expect("a search was started")
}

fn names(s: &State) -> Vec<String> {
    s.persons()
        .iter()
        .map(|p| p.first("name").unwrap_or_default().to_string())
        .collect()
}

/// The full (unmasked) email of the opened person's first record.
fn clear_email(s: &State) -> String {
    let p = s.screens.get::<PersonView>().expect("a person is open");
    p.person.records[0]
        .email
        .clone()
        .expect("the first record has an email")
}

fn open_reveal_and_confirm(s: &mut State, downs: usize) -> Vec<Effect> {
    press(s, KeyCode::Char('r'));
    assert!(matches!(s.overlay, Some(Overlay::Reveal(_))));
    for _ in 0..downs {
        press(s, KeyCode::Down);
    }
    press(s, KeyCode::Enter)
}

#[test]
fn results_of_an_older_search_are_dropped() {
    let d = data();
    let mut s = state("default");
    let old = gen_of(&search(&mut s, "yamada", &[]));
    press(&mut s, KeyCode::Esc);
    act(&mut s, ctrl('u'));
    let new = gen_of(&search(&mut s, "Kobayashi", &[]));
    assert!(new > old);

    let stale = |s: &mut State| {
        act(
            s,
            Msg::Screen(ScreenMsg::Search(SearchMsg::Update {
                gen: old,
                snapshot: Box::new(d.yamada_final().clone()),
            })),
        )
    };
    assert!(stale(&mut s).is_empty());
    assert!(
        s.search.is_none(),
        "the older search's results are not shown"
    );
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Search(SearchMsg::Update {
            gen: new,
            snapshot: Box::new(d.kobayashi.clone()),
        })),
    );
    let kobayashi = names(&s);
    assert!(
        kobayashi.iter().all(|n| n.starts_with("小林")),
        "{kobayashi:?}"
    );
    stale(&mut s);
    assert_eq!(
        names(&s),
        kobayashi,
        "a late update of the older search changes nothing"
    );
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Search(SearchMsg::Failed {
            gen: old,
            error: "crm: timed out".into(),
        })),
    );
    assert_eq!(
        s.message, None,
        "a failure of the older search is not reported"
    );
    assert!(screen(&s, 80, 24).contains("› Kobayashi"));
}

#[test]
fn enter_with_an_empty_query_explains_and_does_nothing() {
    for typed in ["", "   "] {
        let mut s = state("default");
        type_text(&mut s, typed);
        let fx = press(&mut s, KeyCode::Enter);
        assert_eq!(fx, vec![], "no search for {typed:?}");
        assert_eq!(s.search_gen, 0);
        let m = s.message.clone().expect("a message");
        assert_eq!(m.level, Level::Error);
        assert!(screen(&s, 80, 24).contains(&m.text));
    }
}

#[test]
fn reveal_asks_for_a_purpose_and_shows_values_only_when_logged() {
    let d = data();
    let mut s = yamada_person("default");
    let email = clear_email(&s);
    assert!(!screen(&s, 80, 24).contains(&email));

    let fx = open_reveal_and_confirm(&mut s, 1);
    let pv = s.screens.get::<PersonView>().unwrap();
    assert_eq!(
        fx,
        vec![Effect::Screen(ScreenEffect::Person(PersonEffect::Reveal {
            key: person_key(pv),
            records: pv.person.records.clone(),
            purpose: d.purposes[1].clone(),
        }))]
    );
    assert!(
        !pv.revealed,
        "nothing is shown before the audit entry is written"
    );
    let text = screen(&s, 80, 24);
    assert!(!text.contains(&email), "{text}");
    assert!(text.contains("writing the audit entry"), "{text}");
    assert_eq!(
        press(&mut s, KeyCode::Enter),
        vec![],
        "no second reveal while one is pending"
    );

    let key = person_key(s.screens.get::<PersonView>().unwrap());
    let records = s
        .screens
        .get::<PersonView>()
        .unwrap()
        .person
        .records
        .clone();
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Person(PersonMsg::Revealed {
            key,
            result: Ok(Revealed {
                audit_id: 7,
                records,
            }),
        })),
    );
    assert!(s.overlay.is_none());
    let text = screen(&s, 80, 24);
    assert!(text.contains(&email), "{text}");
    assert!(text.contains("audit entry 7"), "{text}");
}

#[test]
fn a_failed_or_stale_reveal_shows_nothing() {
    let mut s = yamada_person("default");
    let email = clear_email(&s);
    let key = person_key(s.screens.get::<PersonView>().unwrap());
    open_reveal_and_confirm(&mut s, 0);
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Person(PersonMsg::Revealed {
            key: key.clone(),
            result: Err("the audit log is not writable".into()),
        })),
    );
    assert!(!s.screens.get::<PersonView>().unwrap().revealed);
    assert_eq!(s.message.as_ref().map(|m| m.level), Some(Level::Error));
    assert!(!screen(&s, 80, 24).contains(&email));

    // A reveal confirmed for another person does not unmask this one.
    open_reveal_and_confirm(&mut s, 0);
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Person(PersonMsg::Revealed {
            key: ("crm".into(), "C-9999".into()),
            result: Ok(Revealed {
                audit_id: 8,
                records: vec![],
            }),
        })),
    );
    assert!(!s.screens.get::<PersonView>().unwrap().revealed);
    assert!(!screen(&s, 80, 24).contains(&email));
}

#[test]
fn a_typed_purpose_and_cancelling() {
    let d = data();
    let mut s = yamada_person("default");
    // "Other" is after the configured purposes; an empty text is refused.
    let fx = open_reveal_and_confirm(&mut s, d.purposes.len());
    assert_eq!(fx, vec![]);
    assert_eq!(press(&mut s, KeyCode::Enter), vec![]);
    assert_eq!(s.message.as_ref().map(|m| m.level), Some(Level::Error));
    type_text(&mut s, "court order 2026-17");
    let fx = press(&mut s, KeyCode::Enter);
    assert!(
        matches!(&fx[..], [Effect::Screen(ScreenEffect::Person(PersonEffect::Reveal { purpose, .. }))] if purpose == "court order 2026-17"),
        "{fx:?}"
    );

    let mut s = yamada_person("default");
    press(&mut s, KeyCode::Char('r'));
    assert_eq!(press(&mut s, KeyCode::Esc), vec![]);
    assert!(s.overlay.is_none());
    assert!(!s.screens.get::<PersonView>().unwrap().revealed);
    assert!(screen(&s, 80, 24).contains("nothing revealed"));
}

fn revealed() -> State {
    let mut s = yamada_person("default");
    open_reveal_and_confirm(&mut s, 0);
    let key = person_key(s.screens.get::<PersonView>().unwrap());
    let records = s
        .screens
        .get::<PersonView>()
        .unwrap()
        .person
        .records
        .clone();
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Person(PersonMsg::Revealed {
            key,
            result: Ok(Revealed {
                audit_id: 1,
                records,
            }),
        })),
    );
    assert!(s.screens.get::<PersonView>().unwrap().revealed);
    s
}

#[test]
fn leaving_the_person_screen_masks_again() {
    let mut s = revealed();
    let email = clear_email(&s);
    assert!(screen(&s, 80, 24).contains(&email));
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.screen(), ScreenId::Search);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.screen(), ScreenId::Person);
    assert!(!s.screens.get::<PersonView>().unwrap().revealed);
    assert!(!screen(&s, 80, 24).contains(&email));
}

#[test]
fn idle_lock_masks_revealed_values() {
    let mut s = revealed();
    let email = clear_email(&s);
    let early = Msg::Tick {
        now: s.last_input + IDLE_LOCK - Duration::from_secs(1),
        wall: wall(),
    };
    act(&mut s, early);
    assert!(!s.locked, "not locked before the idle time");
    let t = idle_tick(&s);
    act(&mut s, t);
    assert!(s.locked);
    let text = screen(&s, 80, 24);
    assert!(!text.contains(&email) && !text.contains("山田"), "{text}");

    // The key that unlocks does nothing else.
    let fx = press(&mut s, KeyCode::Char('q'));
    assert_eq!(fx, vec![]);
    assert!(!s.locked && !s.quit);
    assert_eq!(s.screen(), ScreenId::Person);
    assert!(
        !screen(&s, 80, 24).contains(&email),
        "still masked after unlocking"
    );
}

#[test]
fn the_lock_says_whether_it_was_locked_by_hand_or_for_being_idle() {
    let mut s = yamada_person("default");
    act(&mut s, ctrl('l'));
    assert!(s.locked);
    let text = screen(&s, 80, 24);
    assert!(text.contains("You locked it (ctrl-l)"), "{text}");
    assert!(!text.contains("without input"), "{text}");
    press(&mut s, KeyCode::Char('x'));
    assert!(!s.locked);

    let t = idle_tick(&s);
    act(&mut s, t);
    assert!(s.locked);
    let text = screen(&s, 80, 24);
    assert!(
        text.contains(&format!(
            "Locked after {} minutes without input",
            IDLE_LOCK.as_secs() / 60
        )),
        "{text}"
    );
    assert!(!text.contains("You locked it"), "{text}");
}

#[test]
fn pasted_text_never_triggers_key_bindings() {
    let mut s = yamada_results("default");
    assert_eq!(s.focus, Focus::Results);
    assert!(act(&mut s, Msg::Paste("q".into())).is_empty());
    assert!(!s.quit, "pasting q does not quit");
    assert_eq!(s.query.text(), "yamadaq");
    assert_eq!(s.focus, Focus::Query);
    // A line break in the paste does not submit the search.
    assert!(act(&mut s, Msg::Paste("\r\ntaro\n".into())).is_empty());
    assert_eq!(s.query.text(), "yamadaq  taro ");

    // Pasting on a revealed person starts a new search and masks again.
    let mut s = revealed();
    let email = clear_email(&s);
    act(&mut s, Msg::Paste("?r".into()));
    assert!(s.overlay.is_none(), "pasting ? opens no help, r no reveal");
    assert_eq!(s.screen(), ScreenId::Search);
    assert!(s.screens.get::<PersonView>().is_none());
    assert_eq!(s.query.text(), "yamada?r");
    assert!(!screen(&s, 80, 24).contains(&email));

    // In the palette, a paste is filter text.
    let mut s = yamada_results("default");
    press(&mut s, KeyCode::Char(':'));
    act(&mut s, Msg::Paste("q".into()));
    assert!(!s.quit);
    assert!(matches!(&s.overlay, Some(Overlay::Palette(p)) if p.input.text() == "q"));
}

#[test]
fn q_types_in_the_query_box_and_quits_elsewhere() {
    let mut s = state("default");
    type_text(&mut s, "q");
    assert!(!s.quit);
    assert_eq!(s.query.text(), "q");

    let mut s = yamada_results("default");
    let fx = press(&mut s, KeyCode::Char('q'));
    assert!(s.quit);
    assert_eq!(
        fx,
        vec![Effect::SaveDraft {
            key: QUERY_DRAFT.into(),
            text: String::new()
        }]
    );
}

#[test]
fn remapped_keys_show_in_help_and_work() {
    let mut config = IndexMap::new();
    config.insert("reveal".to_string(), KeyBinding::One("z".into()));
    let (keymap, problems) = Keymap::from_config(&config);
    assert_eq!(problems, vec![]);
    let mut s = state_with("default", keymap);
    search(&mut s, "yamada", &data().yamada);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Enter);
    assert!(
        screen(&s, 80, 24).contains(" z reveal"),
        "the status bar hint follows the keymap"
    );

    press(&mut s, KeyCode::Char('?'));
    let text = screen(&s, 80, 24);
    let line = text
        .lines()
        .find(|l| l.contains("Reveal all masked values"))
        .unwrap_or_else(|| panic!("reveal is listed in the help:\n{text}"));
    let keys = line.split('│').nth(1).unwrap().trim_start();
    assert!(
        keys.starts_with("z "),
        "help shows the configured key: {line}"
    );

    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('r'));
    assert!(s.overlay.is_none(), "r no longer reveals");
    press(&mut s, KeyCode::Char('z'));
    assert!(matches!(s.overlay, Some(Overlay::Reveal(_))));
}

#[test]
fn palette_runs_the_chosen_command() {
    let mut s = yamada_person("default");
    press(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "reveal");
    press(&mut s, KeyCode::Enter);
    assert!(matches!(s.overlay, Some(Overlay::Reveal(_))));
}

#[test]
fn a_fresh_palette_starts_on_this_screens_commands_and_enter_is_harmless() {
    use privdesk::tui::keymap::Command;
    use privdesk::tui::palette::entries;
    for mut s in [state("default"), yamada_person("default")] {
        press(&mut s, KeyCode::F(1));
        press(&mut s, KeyCode::Esc);
        press(&mut s, KeyCode::Char(':'));
        let list = entries(&s, "");
        let first = list.first().expect("commands").command;
        assert!(
            !matches!(
                first,
                Command::Quit | Command::Suspend | Command::Lock | Command::Palette
            ),
            "the palette starts on {first:?}"
        );
        assert!(!list.iter().any(|e| e.command == Command::Palette));
        let session: Vec<usize> = list
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.command, Command::Quit | Command::Suspend | Command::Lock))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(session, ((list.len() - 3)..list.len()).collect::<Vec<_>>());
        let fx = press(&mut s, KeyCode::Enter);
        assert!(!s.quit && !s.locked, "{fx:?}");
        assert!(!fx.iter().any(|e| matches!(e, Effect::Suspend)), "{fx:?}");
    }
}

#[test]
fn ctrl_c_in_a_form_with_typed_text_says_the_draft_is_kept_then_quits() {
    let mut s = state("default");
    act(&mut s, ctrl('n'));
    assert_eq!(s.screen(), ScreenId::NewCase);
    // Nothing typed: ctrl-c quits at once.
    act(&mut s, ctrl('c'));
    assert!(s.quit);

    let mut s = state("default");
    act(&mut s, ctrl('n'));
    s.screens
        .get_mut::<NewCaseScreen>()
        .unwrap()
        .form
        .focus_on("name");
    type_text(&mut s, "Sato Ichiro");
    let fx = act(&mut s, ctrl('c'));
    assert!(!s.quit, "quit with typed text and no word");
    let m = s.message.clone().expect("a message");
    assert_eq!(m.level, Level::Warning);
    assert!(
        m.text.contains("kept as a draft (f3 continues it"),
        "{}",
        m.text
    );
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::SaveDraft { text, .. } if text.contains("Sato Ichiro"))),
        "the draft was not saved: {fx:?}"
    );
    act(&mut s, ctrl('c'));
    assert!(s.quit);
}

#[test]
fn drafts_are_saved_when_typing_pauses_and_on_hang_up() {
    let mut s = state("default");
    type_text(&mut s, "taro");
    let soon = Msg::Tick {
        now: s.last_edit,
        wall: wall(),
    };
    let soon = act(&mut s, soon);
    assert_eq!(soon, vec![], "no save while typing");
    let later = act(
        &mut s,
        Msg::Tick {
            now: Instant::now() + DRAFT_PAUSE,
            wall: wall(),
        },
    );
    assert_eq!(
        later,
        vec![Effect::SaveDraft {
            key: QUERY_DRAFT.into(),
            text: "taro".into()
        }]
    );
    type_text(&mut s, " y");
    let fx = act(&mut s, Msg::HangUp);
    assert!(s.quit);
    assert_eq!(
        fx,
        vec![Effect::SaveDraft {
            key: QUERY_DRAFT.into(),
            text: "taro y".into()
        }]
    );
}

#[test]
fn an_idle_tick_changes_nothing_on_screen() {
    let mut s = yamada_results("default");
    s.dirty = false;
    act(&mut s, tick());
    assert!(
        !s.dirty,
        "a tick with the same clock does not ask for a redraw"
    );
    act(
        &mut s,
        Msg::Tick {
            now: Instant::now(),
            wall: wall() + chrono::Duration::minutes(1),
        },
    );
    assert!(
        !s.dirty,
        "a new minute while the desk stays open changes nothing on screen"
    );
    act(
        &mut s,
        Msg::Tick {
            now: Instant::now(),
            wall: wall() + chrono::Duration::minutes(390),
        },
    );
    assert!(s.dirty, "closing time does (the status bar's hours change)");
}

#[test]
fn the_end_of_a_search_keeps_a_later_message() {
    let d = data();
    let mut s = state("default");
    let gen = gen_of(&search(
        &mut s,
        "yamada",
        std::slice::from_ref(&d.yamada_midway),
    ));
    assert!(s.searching());
    assert!(
        screen(&s, 80, 24).contains("3 ok ⠋ │"),
        "a spinner while searching"
    );
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('r'));
    press(&mut s, KeyCode::Esc);
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Search(SearchMsg::Update {
            gen,
            snapshot: Box::new(d.yamada_final().clone()),
        })),
    );
    assert!(!s.searching());
    let text = screen(&s, 80, 24);
    assert!(text.contains("nothing revealed"), "{text}");
    assert!(text.contains("5 ok │"), "no spinner once done:\n{text}");
}

#[test]
fn a_truncated_system_is_marked_and_the_end_says_to_narrow() {
    let d = data();
    let mut s = state("default");
    let gen = gen_of(&search(&mut s, "Kobayashi", &[]));
    let mut snap = d.kobayashi.clone();
    assert!(snap.done);
    let st = snap
        .systems
        .iter_mut()
        .find(|x| matches!(x.status, privdesk::domain::SystemStatus::Ok { count, .. } if count > 0))
        .expect("a system found records");
    st.truncated = true;
    let (name, count) = match st.status {
        privdesk::domain::SystemStatus::Ok { count, .. } => (st.system.clone(), count),
        _ => unreachable!(),
    };
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Search(SearchMsg::Update {
            gen,
            snapshot: Box::new(snap),
        })),
    );
    let privdesk::tui::app::Message { level, text } =
        s.message.clone().expect("a message at the end");
    assert_eq!(level, Level::Warning);
    assert_eq!(
        text,
        format!("more records than shown from {name} (first {count}); narrow the search (an email or phone)")
    );
    let screen = screen(&s, 80, 24);
    assert!(screen.contains(&format!("✓{count}+")), "{screen}");
}

/// The focus model: letters go into the query box at once, `?` and `:` stay
/// the help and palette keys there, and a command key typed into the box
/// cannot start an audited search.
#[test]
fn command_keys_in_the_query_box_never_start_a_search() {
    let started = |fx: &[Effect]| {
        fx.iter().any(|e| {
            matches!(
                e,
                Effect::Screen(ScreenEffect::Search(SearchEffect::Start { .. }))
            )
        })
    };
    let mut s = state("default");
    assert_eq!(s.screen(), ScreenId::Search);
    assert_eq!(s.focus, Focus::Query);

    // `R:report` + Enter: the R is typed, `:` opens the palette, Enter runs
    // the report command from it.
    let mut fx = type_text(&mut s, "R:report");
    assert_eq!(
        s.query.text(),
        "R",
        "the letter is typed, the rest went to the palette"
    );
    assert!(
        matches!(s.overlay, Some(Overlay::Palette(_))),
        "{:?}",
        s.overlay
    );
    fx.extend(press(&mut s, KeyCode::Enter));
    assert!(!started(&fx), "{fx:?}");
    assert!(s.overlay.is_none());
    assert_eq!(s.screen(), ScreenId::Report);

    // A lone letter and Enter searches nothing and says how to run commands.
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.screen(), ScreenId::Search);
    act(&mut s, ctrl('u'));
    type_text(&mut s, "A");
    let fx = press(&mut s, KeyCode::Enter);
    assert!(!started(&fx), "{fx:?}");
    let m = s.message.clone().expect("a message says why");
    assert_eq!(m.level, Level::Warning);
    assert!(m.text.contains("nothing searched"), "{}", m.text);
    assert!(m.text.contains("ctrl-p"), "{}", m.text);
    assert_eq!(s.query.text(), "A", "what was typed stays");

    // `?` opens the help, not a query character.
    type_text(&mut s, "?");
    assert!(matches!(s.overlay, Some(Overlay::Help(_))));
    assert_eq!(s.query.text(), "A");
    press(&mut s, KeyCode::Esc);

    // The function-key twins of the letter commands work while typing.
    let fx = press(&mut s, KeyCode::F(4));
    assert!(!started(&fx));
    assert_eq!(s.screen(), ScreenId::Inbox);

    // Names are still typed at once.
    press(&mut s, KeyCode::Esc);
    act(&mut s, ctrl('u'));
    let fx = search(&mut s, "Ayumi", &[]);
    assert!(started(&fx), "a name of two or more characters searches");
}

/// `v` reveals one value of the record under the cursor: ←/→ picks which,
/// the purpose is asked, only that value is shown, and leaving the screen
/// masks it again.
#[test]
fn one_value_is_revealed_and_masked_again_on_the_next_screen() {
    let mut s = yamada_person("default");
    let record = s.screens.get::<PersonView>().unwrap().person.records[0].clone();
    let phone = record.phone.clone().expect("the first record has a phone");
    let email = clear_email(&s);
    press(&mut s, KeyCode::Char('v'));
    let Some(Overlay::Reveal(d)) = &s.overlay else {
        panic!("no purpose dialog: {:?}", s.overlay)
    };
    assert!(matches!(
        d.target,
        privdesk::tui::app::RevealTarget::Field {
            record: 0,
            field: 0
        }
    ));
    assert!(screen(&s, 80, 24).contains("‹email›"));
    press(&mut s, KeyCode::Right);
    assert!(
        screen(&s, 80, 24).contains("‹phone›"),
        "{}",
        screen(&s, 80, 24)
    );
    let fx = press(&mut s, KeyCode::Enter);
    let (key, field) = fx
        .iter()
        .find_map(|e| match e {
            Effect::Screen(ScreenEffect::Person(PersonEffect::RevealField {
                key,
                record: r,
                field,
                ..
            })) => {
                assert_eq!(r, &record.key());
                Some((key.clone(), field.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no field reveal asked: {fx:?}"));
    assert_eq!(field, "phone");
    assert!(
        !screen(&s, 80, 24).contains(&phone),
        "nothing shown before the answer"
    );
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Person(PersonMsg::FieldRevealed {
            key,
            field,
            result: Ok(Revealed {
                audit_id: 9,
                records: vec![record],
            }),
        })),
    );
    let text = screen(&s, 80, 24);
    assert!(text.contains(&phone), "{text}");
    assert!(!text.contains(&email), "the email stays masked: {text}");
    assert!(!text.contains("REVEALED"), "{text}");
    assert!(text.contains("entry 9)"), "{text}");

    // The case list and back: masked again.
    press(&mut s, KeyCode::Char('c'));
    assert_eq!(s.screen(), ScreenId::Cases);
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.screen(), ScreenId::Person);
    assert!(!screen(&s, 80, 24).contains(&phone));
}

/// A help longer than the screen scrolls in one column instead of cutting
/// its descriptions; another key closes it.
#[test]
fn a_long_help_scrolls_with_whole_descriptions() {
    let mut s = state("default");
    press(&mut s, KeyCode::F(1));
    let first = screen(&s, 80, 24);
    assert!(first.contains("Show the keys of this screen"), "{first}");
    assert!(first.contains("keys 1–"), "{first}");
    assert!(!first.contains("Approval inbox"), "{first}");
    press(&mut s, KeyCode::PageDown);
    press(&mut s, KeyCode::PageDown);
    let last = screen(&s, 80, 24);
    assert!(last.contains("Approval inbox"), "the last entries: {last}");
    assert!(!last.contains("keys 1–"), "{last}");
    press(&mut s, KeyCode::Char('x'));
    assert!(s.overlay.is_none());
    assert_eq!(s.query.text(), "", "the closing key is not typed");
}
