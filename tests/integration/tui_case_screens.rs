//! The case screens rendered into ratatui's `TestBackend` from states driven
//! through `update` with cases made by the real desk (see case_support):
//! insta snapshots at 80x24 of the new-case form, the case screen with its
//! due date in each state (a case of the fixture in each, on the one
//! clock), the case list and the conflict dialog, plus checks of the due
//! colours and markers in the default and mono themes.

use crate::case_support;
use crate::tui_support;
use privdesk::tui::app::{CaseScreen, NewCaseScreen};

use case_support::*;
use crossterm::event::KeyCode;
use privdesk::tui::app::{CaseChange, ChangeError, Effect, Msg, Overlay, ScreenId, State};
use privdesk::tui::app::{CaseEffect, CaseMsg, NewCaseEffect, NewCaseMsg, ScreenEffect, ScreenMsg};
use privdesk::tui::keymap::Command;
use privdesk::tui::theme::Theme;
use privdesk::tui::views::due::DUE_SOON_DAYS;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use tui_support::*;

fn snap(name: &str, s: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(s, 80, 24));
}

/// The row and column where `needle` starts on the screen.
fn find_text(buf: &Buffer, needle: &str) -> (u16, u16) {
    let text = text(buf);
    for (y, line) in text.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            // Columns are cells: count the width of what comes before.
            let x = unicode_width::UnicodeWidthStr::width(&line[..byte]);
            return (x as u16, y as u16);
        }
    }
    panic!("`{needle}` is not on the screen:\n{text}");
}

fn due_line_cell<'a>(buf: &'a Buffer, s: &State) -> &'a ratatui::buffer::Cell {
    let view = s
        .screens
        .get::<CaseScreen>()
        .and_then(|c| c.view.data.as_ref())
        .expect("a case");
    let due = view
        .case
        .queue_due()
        .expect("due date")
        .format("%Y-%m-%d")
        .to_string();
    let (x, y) = find_text(buf, &due);
    &buf[(x, y)]
}

#[test]
fn case_screen_in_each_due_state() {
    let f = fixture();
    // Three cases, three due states on the same day, as the desk counts them.
    let (ok, soon, late) = (&f.access, &f.disclosure, &f.complaint);
    let left = |v: &privdesk::desk::CaseView| v.days_left.expect("a due date");
    assert!(left(ok) > DUE_SOON_DAYS, "{}", left(ok));
    assert!((2..=DUE_SOON_DAYS).contains(&left(soon)), "{}", left(soon));
    assert!(left(late) < -1 && late.overdue, "{}", left(late));
    snap("case_due_ok", &case_screen("default", ok));
    snap("case_due_soon", &case_screen("default", soon));
    snap("case_due_late", &case_screen("default", late));
    snap("case_due_ok_mono", &case_screen("mono", ok));
    snap("case_due_soon_mono", &case_screen("mono", soon));
    snap("case_due_late_mono", &case_screen("mono", late));
    // Scrolled down: the notes apart from the replies, the response marked.
    let mut s = case_screen("default", &f.disclosure);
    act(&mut s, Msg::Run(Command::Last));
    snap("case_notes_and_replies", &s);
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("★ the response"), "{shown}");
    assert!(shown.contains("Asked billing for the invoices."), "{shown}");

    let default = Theme::builtin("default").unwrap();
    let expect = [
        (
            ok,
            default.style(privdesk::tui::theme::Role::DueOk),
            format!("{} days left", left(ok)),
        ),
        (
            soon,
            default.style(privdesk::tui::theme::Role::DueSoon),
            format!("{} days left", left(soon)),
        ),
        (
            late,
            default.style(privdesk::tui::theme::Role::DueLate),
            format!("{} days late", -left(late)),
        ),
    ];
    for (view, style, words) in expect {
        let s = case_screen("default", view);
        let buf = render(&s, 80, 24);
        let cell = due_line_cell(&buf, &s);
        assert_eq!(cell.fg, style.fg.unwrap_or(Color::Reset), "{words}");
        assert_eq!(cell.bg, style.bg.unwrap_or(Color::Reset), "{words}");
        assert!(text(&buf).contains(&words), "{words}");
    }
    // The three states differ in colour, so the check above can fail.
    let fg = |v| {
        let s = case_screen("default", v);
        due_line_cell(&render(&s, 80, 24), &s).fg
    };
    assert_ne!(fg(ok), fg(soon));
    assert_ne!(fg(soon), fg(late));

    // Without colour the late date is bold and underlined, marked with `!`.
    let s = case_screen("mono", late);
    let buf = render(&s, 80, 24);
    let cell = due_line_cell(&buf, &s);
    assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    assert!(cell
        .modifier
        .contains(Modifier::BOLD | Modifier::UNDERLINED));
    let (x, y) = find_text(&buf, "! 20");
    assert_eq!(buf[(x, y)].symbol(), "!");
    let s = case_screen("mono", soon);
    assert!(screen(&s, 80, 24).contains("~ 20"), "soon is marked too");
    let buf = render(&s, 80, 24);
    let cell = due_line_cell(&buf, &s);
    assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    assert!(cell.modifier.contains(Modifier::BOLD));
    assert!(!cell.modifier.contains(Modifier::UNDERLINED));
    let s = case_screen("mono", ok);
    let text = screen(&s, 80, 24);
    assert!(!text.contains("! 20") && !text.contains("~ 20"));
    let buf = render(&s, 80, 24);
    assert!(
        due_line_cell(&buf, &s).modifier.is_empty(),
        "plain when there is time"
    );
}

#[test]
fn case_screen_masks_contact_details_until_revealed() {
    let f = fixture();
    let mut s = case_screen("default", &f.disclosure);
    let text = screen(&s, 80, 24);
    assert!(!text.contains("taro.yamada@example.jp"), "{text}");
    assert!(text.contains("t***@example.jp"), "{text}");
    assert!(text.contains("***-****-5678"), "{text}");
    act(&mut s, key(KeyCode::Char('r')));
    let fx = act(&mut s, key(KeyCode::Enter));
    let id = f.disclosure.case.id;
    assert!(
        matches!(&fx[..], [Effect::Screen(ScreenEffect::Case(CaseEffect::Reveal { id: i, purpose }))] if *i == id && !purpose.is_empty()),
        "{fx:?}"
    );
    let shown = privdesk::desk::RevealedCase {
        audit_id: 77,
        view: f.disclosure.clone(),
    };
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Case(CaseMsg::Revealed {
            id,
            result: Ok(Box::new(shown)),
        })),
    );
    let text = screen(&s, 80, 24);
    assert!(text.contains("taro.yamada@example.jp"), "{text}");
    assert!(text.contains("REVEALED"));
    assert!(text.contains("audit entry 77"));
    // Locking masks it again.
    let t = idle_tick(&s);
    act(&mut s, t);
    act(&mut s, key(KeyCode::Char('x')));
    assert!(!screen(&s, 80, 24).contains("taro.yamada@example.jp"));
}

#[test]
fn case_list_colours_each_row_by_its_due_date() {
    let s = cases_screen("default", rows_by_state());
    snap("cases_list", &s);
    let buf = render(&s, 80, 24);
    let theme = Theme::builtin("default").unwrap();
    use privdesk::tui::theme::Role;
    let rows = rows_by_state();
    let left = |seq: u32| {
        rows.iter()
            .find(|r| r.id.seq == seq)
            .and_then(|r| r.days_left)
            .expect("days left")
    };
    for (seq, role, left) in [
        (4, Role::DueSoon, format!("~{}d", left(4))),
        (5, Role::DueOk, format!("{}d", left(5))),
        (6, Role::DueLate, format!("!{}d", left(6))),
    ] {
        let (x, y) = find_text(&buf, &format!("PD-2026-00000{seq}"));
        let row = text(&buf).lines().nth(y as usize).unwrap().to_string();
        assert!(row.contains(&left), "{row}");
        let (lx, ly) = find_text(&buf, &left);
        assert_eq!(ly, y);
        let cell = &buf[(lx, ly)];
        let want = theme.style(role);
        if seq != 6 {
            // The first row is selected: its colours are the selection's,
            // patched with the due colour.
            assert_eq!(cell.fg, want.fg.unwrap_or(Color::Reset), "{row}");
        }
        assert!(x < lx);
    }
    let mono = cases_screen("mono", rows_by_state());
    let text = screen(&mono, 80, 24);
    assert!(
        text.contains(&format!("!{}d", left(6))),
        "late rows are marked without colour:\n{text}"
    );
}

#[test]
fn new_case_form_for_a_person() {
    let f = fixture();
    let mut s = taro_person("default");
    let fx = act(&mut s, key(KeyCode::Char('n')));
    assert_eq!(s.screen(), ScreenId::NewCase);
    let key_of = fx
        .iter()
        .find_map(|e| match e {
            Effect::Screen(ScreenEffect::NewCase(NewCaseEffect::FindDuplicates { key, query })) => {
                Some((key.clone(), query.records.clone()))
            }
            _ => None,
        })
        .expect("the person's open cases are looked for");
    assert!(key_of
        .1
        .contains(&("crm".to_string(), "C-1001".to_string())));
    act(
        &mut s,
        Msg::Screen(ScreenMsg::NewCase(NewCaseMsg::DuplicatesFound {
            key: key_of.0,
            result: Ok(vec![f.rows[0].clone()]),
        })),
    );
    snap("new_case_for_person", &s);
    let text = screen(&s, 80, 24);
    assert!(text.contains(&format!(
        "another open case exists for this person: {}",
        f.rows[0].id
    )));
    assert!(
        !text.contains("taro.yamada@example.jp"),
        "masked until revealed"
    );

    // A rights request shows its kind and fee; a representative their details.
    act(&mut s, key(KeyCode::Right));
    act(&mut s, key(KeyCode::Right));
    let nc = s.screens.get_mut::<NewCaseScreen>().unwrap();
    nc.form.focus_on("representative");
    act(&mut s, key(KeyCode::Char(' ')));
    snap("new_case_rights_request", &s);
}

#[test]
fn conflict_dialog_lists_the_other_changes() {
    let f = fixture();
    let mut s = case_screen("default", &f.disclosure);
    act(&mut s, key(KeyCode::Char('n')));
    type_text(&mut s, "Called back, no answer.");
    let fx = act(&mut s, ctrl('s'));
    let [Effect::Screen(ScreenEffect::Case(CaseEffect::Change {
        id,
        key: draft,
        change,
        ..
    }))] = &fx[..]
    else {
        panic!("ctrl-s sends the note: {fx:?}");
    };
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Case(CaseMsg::Changed {
            id: *id,
            key: draft.clone(),
            change: change.clone(),
            result: Err(ChangeError::Conflict(Box::new(f.conflict.clone()))),
        })),
    );
    assert!(matches!(s.overlay, Some(Overlay::Conflict(_))));
    snap("conflict_dialog", &s);
    let text = screen(&s, 80, 24);
    assert!(text.contains("changed since you saw it"), "{text}");
    assert!(text.contains("internal note added"), "{text}");
    assert!(text.contains("reply added as the response"), "{text}");
    // Any key closes it; the note is still there to send again.
    act(&mut s, key(KeyCode::Esc));
    assert!(s.overlay.is_none());
    let text = screen(&s, 80, 24);
    assert!(text.contains("Called back, no answer."), "{text}");
    let _ = CaseChange::Assign(None);
}

#[test]
fn dialogs_and_help_of_the_case_screen() {
    let f = fixture();
    let mut s = case_screen("default", &f.complaint);
    act(&mut s, key(KeyCode::Char('s')));
    snap("status_dialog", &s);
    act(&mut s, key(KeyCode::Esc));
    act(&mut s, key(KeyCode::Char('?')));
    let text = screen(&s, 80, 24);
    for words in [
        "Add an internal note",
        "Change the status",
        "Record an identity check",
    ] {
        assert!(
            text.contains(words),
            "{words} missing from the help:\n{text}"
        );
    }
    act(&mut s, key(KeyCode::Esc));
    act(&mut s, Msg::Run(Command::VerifyIdentity));
    snap("verify_dialog", &s);
}

#[test]
fn case_screens_render_at_small_sizes_without_panic() {
    let f = fixture();
    let mut states = vec![
        cases_screen("default", rows_by_state()),
        case_screen("default", &f.disclosure),
        taro_person("default"),
    ];
    let mut s = case_screen("default", &f.disclosure);
    act(&mut s, key(KeyCode::Char('a')));
    type_text(&mut s, "a long reply ".repeat(20).as_str());
    states.push(s);
    let mut s = taro_person("default");
    act(&mut s, key(KeyCode::Char('n')));
    states.push(s);
    let mut s = case_screen("default", &f.disclosure);
    act(&mut s, key(KeyCode::Char('n')));
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Case(CaseMsg::Changed {
            id: f.disclosure.case.id,
            key: None,
            change: CaseChange::Assign(None),
            result: Err(ChangeError::Conflict(Box::new(f.conflict.clone()))),
        })),
    );
    states.push(s);
    for s in &states {
        for (w, h) in [
            (1, 1),
            (10, 3),
            (20, 5),
            (40, 10),
            (60, 15),
            (79, 23),
            (200, 60),
        ] {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render(s, w, h)));
            assert!(r.is_ok(), "{:?} panicked at {w}x{h}", s.screen());
        }
    }
}
