//! Linking more records to a case from the desk: `L` on the case goes to
//! the search box with the requester's name (not yet searched: searches are
//! audited), the person found is opened, `L` there picks which records to
//! link, and Enter asks the desk to link them and shows the case again.

use crate::case_support;
use crate::tui_support;

use case_support::*;
use crossterm::event::KeyCode;
use privdesk::tui::app::{CaseChange, Effect, Focus, Msg, Overlay, ScreenId, State};
use privdesk::tui::app::{CaseEffect, ScreenEffect, ScreenMsg, SearchEffect, SearchMsg};
use tui_support::*;

fn open_taro_from_the_case() -> State {
    let f = fixture();
    let mut s = case_screen("default", &f.disclosure);
    let fx = act(&mut s, key(KeyCode::Char('L')));
    assert!(fx.is_empty(), "nothing is searched before Enter: {fx:?}");
    assert_eq!(s.screen(), ScreenId::Search);
    assert_eq!(s.focus, Focus::Query);
    assert_eq!(s.query.text(), "山田 太郎");
    let fx = press(&mut s, KeyCode::Enter);
    let gen = fx
        .iter()
        .find_map(|e| match e {
            Effect::Screen(ScreenEffect::Search(SearchEffect::Start { gen, query })) => {
                assert_eq!(query, "山田 太郎");
                Some(*gen)
            }
            _ => None,
        })
        .expect("Enter searches");
    for snap in &data().yamada {
        act(
            &mut s,
            Msg::Screen(ScreenMsg::Search(SearchMsg::Update {
                gen,
                snapshot: Box::new(snap.clone()),
            })),
        );
    }
    act(&mut s, key(KeyCode::Down));
    let at = s
        .persons()
        .iter()
        .position(|p| {
            p.records
                .iter()
                .any(|r| r.system == "crm" && r.id == "C-1001")
        })
        .expect("the search finds Taro Yamada");
    for _ in 0..at {
        act(&mut s, key(KeyCode::Down));
    }
    act(&mut s, key(KeyCode::Enter));
    assert_eq!(s.screen(), ScreenId::Person);
    s
}

#[test]
fn records_found_by_a_search_are_picked_and_linked_to_the_case() {
    let f = fixture();
    let mut s = open_taro_from_the_case();
    let message = s
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        message.contains(&format!(
            "L links this person's records to {}",
            f.disclosure.case.id
        )),
        "{message}"
    );
    act(&mut s, key(KeyCode::Char('L')));
    let Some(Overlay::Link(d)) = s.overlay.clone() else {
        panic!("no pick list: {:?}", s.overlay);
    };
    // What the case has already is not offered again.
    let offered: Vec<String> = d.records.iter().map(|(r, _)| r.to_string()).collect();
    for l in &f.disclosure.links {
        assert!(
            !offered.contains(&l.to_string()),
            "{l} offered again: {offered:?}"
        );
    }
    assert!(!offered.is_empty());
    assert!(d.records.iter().all(|(_, ticked)| *ticked));
    insta::assert_snapshot!("link_pick_list", screen(&s, 80, 24));

    // Untick the first; link the rest.
    act(&mut s, key(KeyCode::Char(' ')));
    let fx = act(&mut s, key(KeyCode::Enter));
    let linked = fx
        .iter()
        .find_map(|e| match e {
            Effect::Screen(ScreenEffect::Case(CaseEffect::Change {
                id,
                change: CaseChange::Link(records),
                ..
            })) => {
                assert_eq!(*id, f.disclosure.case.id);
                Some(records.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no link asked of the desk: {fx:?}"));
    let want: Vec<String> = offered[1..].to_vec();
    let got: Vec<String> = linked.iter().map(|r| r.to_string()).collect();
    assert_eq!(got, want);
    assert_eq!(s.screen(), ScreenId::Case);
    assert!(s.overlay.is_none());
    assert!(s.linking.is_none());
}

#[test]
fn nothing_ticked_links_nothing_and_esc_keeps_the_search() {
    let mut s = open_taro_from_the_case();
    act(&mut s, key(KeyCode::Char('L')));
    act(&mut s, key(KeyCode::Char('a')));
    let fx = act(&mut s, key(KeyCode::Enter));
    assert!(
        !fx.iter().any(|e| matches!(
            e,
            Effect::Screen(ScreenEffect::Case(CaseEffect::Change { .. }))
        )),
        "{fx:?}"
    );
    assert!(matches!(s.overlay, Some(Overlay::Link(_))));
    act(&mut s, key(KeyCode::Esc));
    assert!(s.overlay.is_none());
    assert_eq!(s.screen(), ScreenId::Person);
    assert!(s.linking.is_some(), "Esc forgot which case to link to");
}

#[test]
fn l_on_a_person_without_a_case_says_how_to_link() {
    let mut s = yamada_person("default");
    act(&mut s, key(KeyCode::Char('L')));
    assert!(s.overlay.is_none());
    let message = s
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(message.contains("press L on the case"), "{message}");
}
