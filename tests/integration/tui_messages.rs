//! Messages at 80 columns: a long one wraps into a message area that grows
//! as needed, so its instruction is never cut off, and f8 lists the recent
//! messages in full.

use crate::tui_support;

use crossterm::event::KeyCode;
use privdesk::tui::app::Overlay;
use tui_support::*;

/// Every word of `text` is on the screen, in order, across its lines.
fn shown_whole(screen: &str, text: &str) -> bool {
    let flat: String = screen
        .lines()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ");
    let flat: Vec<&str> = flat.split_whitespace().collect();
    let words: Vec<&str> = text.split_whitespace().collect();
    flat.windows(words.len()).any(|w| w == words.as_slice())
}

#[test]
fn a_long_message_wraps_and_keeps_its_instruction() {
    let mut s = state("default");
    let dup = "other open cases exist for this person: PD-2026-000001, PD-2026-000012; nothing was created: open one of them, or press ctrl-s again to open a new case anyway";
    s.warn(dup);
    let screen = screen(&s, 80, 24);
    assert!(shown_whole(&screen, dup), "cut off:\n{screen}");
    insta::assert_snapshot!("long_warning_80x24", screen);

    let four_eyes = "not allowed: you prepared action A-3; another supervisor must approve it (four-eyes rule): ask a supervisor who did not prepare it to approve it in the approval inbox (A)";
    s.error(four_eyes);
    let screen = screen_of(&s);
    assert!(shown_whole(&screen, four_eyes), "cut off:\n{screen}");
    // The status bar stays on the last row.
    assert!(screen.lines().last().unwrap().contains("Demo"), "{screen}");
}

fn screen_of(s: &privdesk::tui::app::State) -> String {
    screen(s, 80, 24)
}

#[test]
fn f8_lists_the_recent_messages_newest_first() {
    let mut s = state("default");
    press(&mut s, KeyCode::F(8));
    assert!(s.overlay.is_none(), "an empty list was opened");
    s.info("first: the search found 3 people");
    s.warn("second: the package is INCOMPLETE (analytics) · /home/agent/.local/share/privdesk/packages/PD-2026-000001-20261206T101500");
    press(&mut s, KeyCode::F(8));
    assert!(matches!(s.overlay, Some(Overlay::Messages(_))));
    let screen = screen(&s, 80, 24);
    let first = screen.find("first: the search").expect(&screen);
    let second = screen.find("second: the package").expect(&screen);
    assert!(second < first, "not newest first:\n{screen}");
    assert!(
        screen.contains("PD-2026-000001-20261206T101500"),
        "{screen}"
    );
    press(&mut s, KeyCode::Char('x'));
    assert!(s.overlay.is_none());
}
