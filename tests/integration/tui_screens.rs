//! Every screen of the TUI rendered into ratatui's `TestBackend` from states
//! driven through `update` with real search snapshots (see tui_support), as
//! insta snapshots at 80x24 and 120x40, plus checks on cell styles and on
//! small terminals.

use crate::tui_support;
use privdesk::tui::app::PersonView;

use crossterm::event::KeyCode;
use privdesk::domain::SystemStatus;
use privdesk::tui::app::{Effect, Msg, Overlay, ScreenId, State};
use privdesk::tui::app::{PersonEffect, PersonMsg, ScreenEffect, ScreenMsg};
use privdesk::tui::theme::{Theme, BUILTIN_THEMES};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use tui_support::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Snapshot the screen at both sizes.
fn snap(name: &str, s: &State) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(s, w, h));
    }
}

/// The `Kobayashi` results with Rei Kobayashi (whose support record carries
/// escape sequences) selected.
fn kobayashi_results() -> State {
    let mut s = state("default");
    search(&mut s, "Kobayashi", &[data().kobayashi.clone()]);
    let at = s
        .persons()
        .iter()
        .position(|p| {
            p.records
                .iter()
                .any(|r| r.system == "support" && r.id == "9006")
        })
        .expect("Kobayashi finds the person with support record 9006");
    press(&mut s, KeyCode::Down);
    for _ in 0..at {
        press(&mut s, KeyCode::Down);
    }
    s
}

fn revealed_person(theme: &str) -> State {
    let mut s = yamada_person(theme);
    press(&mut s, KeyCode::Char('r'));
    let fx = press(&mut s, KeyCode::Enter);
    let Some(Effect::Screen(ScreenEffect::Person(PersonEffect::Reveal { key, .. }))) =
        fx.into_iter().next()
    else {
        panic!("Enter in the reveal dialog asks for a reveal");
    };
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
            result: Ok(privdesk::desk::Revealed {
                audit_id: 42,
                records,
            }),
        })),
    );
    s
}

/// Every screen the operator can reach, by name.
fn all_screens() -> Vec<(&'static str, State)> {
    let d = data();
    let mut out = vec![("empty_search", state("default"))];

    let mut s = state("default");
    search(&mut s, "yamada", &d.yamada[..1]);
    out.push(("search_started", s));

    let mut s = state("default");
    search(&mut s, "yamada", std::slice::from_ref(&d.yamada_midway));
    out.push(("search_streaming", s));

    out.push(("search_done", yamada_results("default")));

    let mut s = state("default");
    search(
        &mut s,
        "yamada",
        std::slice::from_ref(&d.yamada_billing_down),
    );
    out.push(("search_system_down", s));

    let mut s = state("default");
    search(&mut s, "zzyzx-nobody", std::slice::from_ref(&d.nobody));
    out.push(("search_nobody", s));

    out.push(("person_masked", yamada_person("default")));

    let mut s = yamada_person("default");
    press(&mut s, KeyCode::Char('r'));
    out.push(("reveal_dialog", s));

    out.push(("person_revealed", revealed_person("default")));

    let mut s = yamada_results("default");
    press(&mut s, KeyCode::Char('?'));
    out.push(("help_search", s));

    let mut s = yamada_person("default");
    press(&mut s, KeyCode::Char('?'));
    out.push(("help_person", s));

    let mut s = yamada_person("default");
    press(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "rev");
    out.push(("palette_filtered", s));

    let mut s = yamada_results("default");
    press(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "rev");
    out.push(("palette_no_match", s));

    let mut s = revealed_person("default");
    let t = idle_tick(&s);
    act(&mut s, t);
    out.push(("idle_lock", s));

    let mut s = kobayashi_results();
    out.push(("escapes_results", kobayashi_results()));
    press(&mut s, KeyCode::Enter);
    out.push(("escapes_person", s));
    out
}

fn find(name: &str) -> State {
    all_screens()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("no screen {name}"))
}

#[test]
fn empty_search_screen() {
    let s = find("empty_search");
    assert!(screen(&s, 80, 24).contains("5 systems: CRM BIL SUP LOY MAIL"));
    snap("empty_search", &s);
}

#[test]
fn search_streams_results_as_systems_answer() {
    let first = &data().yamada[0];
    assert!(
        !first.done
            && first
                .systems
                .iter()
                .any(|x| x.status == SystemStatus::Pending),
        "the first snapshot is sent before every system answered"
    );
    let s = find("search_started");
    assert!(screen(&s, 80, 24).contains("Searching… waiting for"));
    snap("search_started", &s);

    let s = find("search_streaming");
    let text = screen(&s, 80, 24);
    assert!(
        text.contains("山田 太郎"),
        "partial results are shown:\n{text}"
    );
    assert!(text.contains("✓7"), "crm's count is shown:\n{text}");
    snap("search_streaming", &s);

    let s = find("search_done");
    let text = screen(&s, 80, 24);
    assert!(text.contains("CRM BIL SUP LOY MAIL"), "{text}");
    snap("search_done", &s);
}

#[test]
fn a_failing_system_shows_in_the_strip_and_the_message_line() {
    let s = find("search_system_down");
    let text = screen(&s, 80, 24);
    assert!(text.contains("BIL  ✗ down"), "{text}");
    assert!(text.contains("! billing: unreachable"), "{text}");
    assert!(text.contains("4 ok 1 failing"), "{text}");
    snap("search_system_down", &s);
}

#[test]
fn nobody_found() {
    let s = find("search_nobody");
    assert!(screen(&s, 80, 24).contains("No customer found in any system."));
    snap("search_nobody", &s);
}

#[test]
fn person_screen_is_masked_until_revealed() {
    let s = find("person_masked");
    let text = screen(&s, 80, 24);
    assert!(text.contains("masked"), "{text}");
    assert!(text.contains("t***@example.jp"), "{text}");
    assert!(!text.contains("taro.yamada@example.jp"), "{text}");
    snap("person_masked", &s);

    let s = find("reveal_dialog");
    let text = screen(&s, 80, 24);
    for p in &data().purposes {
        assert!(text.contains(p.as_str()), "purpose {p} offered:\n{text}");
    }
    snap("reveal_dialog", &s);

    let s = find("person_revealed");
    let text = screen(&s, 80, 24);
    assert!(text.contains("REVEALED"), "{text}");
    assert!(text.contains("taro.yamada@example.jp"), "{text}");
    snap("person_revealed", &s);
}

#[test]
fn help_overlays() {
    let s = find("help_search");
    assert!(screen(&s, 80, 24).contains("Quit privdesk"));
    snap("help_search", &s);
    let s = find("help_person");
    assert!(screen(&s, 80, 24).contains("Reveal all masked values"));
    snap("help_person", &s);
}

#[test]
fn palette_with_a_filter() {
    let s = find("palette_filtered");
    let text = screen(&s, 80, 24);
    assert!(text.contains(": rev"), "{text}");
    assert!(text.contains("▶ Reveal all masked values"), "{text}");
    assert!(!text.contains("Quit privdesk"), "{text}");
    snap("palette_filtered", &s);
    // Revealing is a person command: the search screen does not offer it.
    let s = find("palette_no_match");
    assert!(screen(&s, 80, 24).contains("no matching command"));
    snap("palette_no_match", &s);
}

#[test]
fn idle_lock_shows_no_personal_data() {
    let s = find("idle_lock");
    assert!(s.locked);
    for (w, h) in SIZES {
        let text = screen(&s, w, h);
        assert!(text.contains("privdesk is locked"), "{text}");
        for p in data().yamada_final().persons.iter().take(3) {
            for r in &p.records {
                for v in [&r.name, &r.email, &r.phone, &r.name_kana]
                    .into_iter()
                    .flatten()
                {
                    assert!(
                        !text.contains(v.as_str()),
                        "{v} shown while locked:\n{text}"
                    );
                }
            }
        }
        for needle in ["山田", "yamada", "@example", "5678"] {
            assert!(
                !text.contains(needle),
                "{needle} shown while locked:\n{text}"
            );
        }
    }
    snap("idle_lock", &s);
}

/// No cell may hold an ESC or any other control character.
fn assert_no_controls(buf: &Buffer) {
    for cell in buf.content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "a cell holds a control character: {:?}",
            cell.symbol()
        );
    }
}

#[test]
fn escape_sequences_from_a_backend_are_drawn_escaped() {
    for name in ["escapes_results", "escapes_person"] {
        let s = find(name);
        for (w, h) in SIZES {
            assert_no_controls(&render(&s, w, h));
        }
        snap(name, &s);
    }
    let s = find("escapes_person");
    let text = screen(&s, 120, 40);
    assert!(
        text.contains("Kobayashi Rei ^[[31m[URGENT]^[[0m"),
        "the support name is escaped:\n{text}"
    );
}

#[test]
fn every_screen_renders_at_small_sizes_without_panic() {
    for (name, s) in all_screens() {
        for (w, h) in [(60, 20), (40, 10), (20, 5), (10, 3), (1, 1), (0, 0)] {
            let buf = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render(&s, w, h)))
                .unwrap_or_else(|_| panic!("{name} panicked at {w}x{h}"));
            assert_eq!(buf.area.width, w);
            assert_no_controls(&buf);
        }
    }
}

/// The row (y) holding `needle`, and the cells of that row.
fn row_with(buf: &Buffer, needle: &str) -> u16 {
    let text = text(buf);
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not on screen:\n{text}")) as u16
}

fn reversed_cells(buf: &Buffer, y: u16) -> usize {
    (0..buf.area.width)
        .filter(|&x| buf[(x, y)].modifier.contains(Modifier::REVERSED))
        .count()
}

fn assert_colourless(buf: &Buffer) {
    for cell in buf.content() {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "a cell has a colour under mono: {cell:?}"
        );
    }
}

#[test]
fn every_theme_under_no_color_marks_the_selection_with_reverse() {
    for name in BUILTIN_THEMES {
        let (theme, warning) = Theme::load(name, None, true);
        assert_eq!(warning, None);
        let mut s = yamada_results("default");
        s.theme = theme;
        let buf = render(&s, 80, 24);
        assert_colourless(&buf);
        // The selected row is the first person; the header is above it.
        let sel = row_with(&buf, "> 山田 太郎");
        assert!(
            reversed_cells(&buf, sel) >= 70,
            "{name}: the selected row is drawn reversed across the table"
        );
        for y in 0..buf.area.height {
            if y != sel && y != buf.area.height - 1 {
                assert_eq!(
                    reversed_cells(&buf, y),
                    0,
                    "{name}: row {y} is reversed too"
                );
            }
        }
    }
}

#[test]
fn mono_selection_is_reversed_on_every_screen_with_a_selection() {
    let mut results = yamada_results("mono");
    press(&mut results, KeyCode::Down);
    let buf = render(&results, 80, 24);
    let second = results.persons()[1].first("name").unwrap().to_string();
    let y = row_with(&buf, &format!("> {second}"));
    assert!(reversed_cells(&buf, y) >= 70);
    snap("mono_results_second", &results);

    let mut person = yamada_person("mono");
    press(&mut person, KeyCode::Tab);
    let buf = render(&person, 80, 24);
    let y = row_with(&buf, "▶ BIL · B-77");
    assert!(
        reversed_cells(&buf, y) > 0,
        "the selected record is reversed"
    );
    let y = row_with(&buf, "SUP · 9001");
    assert_eq!(reversed_cells(&buf, y), 0, "the next record is not");
    snap("mono_person", &person);

    let mut reveal = yamada_person("mono");
    press(&mut reveal, KeyCode::Char('r'));
    press(&mut reveal, KeyCode::Down);
    let buf = render(&reveal, 80, 24);
    let y = row_with(&buf, &format!("2. {}", data().purposes[1]));
    assert!(
        reversed_cells(&buf, y) > 0,
        "the chosen purpose is reversed"
    );
    let y = row_with(&buf, &format!("1. {}", data().purposes[0]));
    assert_eq!(reversed_cells(&buf, y), 0);

    let mut palette = yamada_results("mono");
    press(&mut palette, KeyCode::Char(':'));
    press(&mut palette, KeyCode::Down);
    let buf = render(&palette, 80, 24);
    let second = privdesk::tui::palette::entries(&palette, "")[1]
        .command
        .description();
    let y = row_with(&buf, second);
    assert!(reversed_cells(&buf, y) > 0, "the palette entry is reversed");
    for s in [&results, &person, &reveal, &palette] {
        assert_colourless(&render(s, 80, 24));
    }
    assert!(matches!(palette.overlay, Some(Overlay::Palette(_))));
    assert_eq!(person.screen(), ScreenId::Person);
}

/// A box drawn over CJK text keeps its left border: a wide character that
/// starts just left of the box would otherwise hide it on the terminal
/// (ratatui sends nothing for the cell a wide character covers).
#[test]
fn overlay_borders_survive_wide_characters_underneath() {
    for name in [
        "help_search",
        "help_person",
        "palette_filtered",
        "reveal_dialog",
    ] {
        let s = find(name);
        for (w, h) in SIZES {
            let buf = render(&s, w, h);
            let rows: Vec<u16> = (0..h)
                .filter(|&y| (0..w).any(|x| buf[(x, y)].symbol() == "┌"))
                .collect();
            let top = rows.last().copied().expect("a box is drawn");
            let left = (0..w)
                .rev()
                .find(|&x| buf[(x, top)].symbol() == "┌")
                .unwrap();
            let mut y = top + 1;
            while buf[(left, y)].symbol() == "│" {
                let before = &buf[(left - 1, y)];
                assert!(
                    unicode_width::UnicodeWidthStr::width(before.symbol()) <= 1,
                    "{name} {w}x{h}: a wide character covers the border on row {y}"
                );
                y += 1;
            }
            assert_eq!(
                buf[(left, y)].symbol(),
                "└",
                "{name} {w}x{h}: border broken on row {y}"
            );
        }
    }
}

/// The selection marker stays readable on the highlighted row in every
/// theme: its foreground differs from its background.
#[test]
fn the_selection_marker_is_visible_in_every_theme() {
    for name in BUILTIN_THEMES {
        let s = yamada_results(name);
        let buf = render(&s, 80, 24);
        let y = row_with(&buf, "山田 太郎 ヤマダ タロウ  t***");
        let marker = &buf[(0, y)];
        assert_ne!(marker.symbol(), " ", "{name}: a marker is drawn");
        assert!(
            marker.fg != marker.bg || marker.modifier.contains(Modifier::REVERSED),
            "{name}: marker drawn in {:?} on {:?}",
            marker.fg,
            marker.bg
        );
    }
}
