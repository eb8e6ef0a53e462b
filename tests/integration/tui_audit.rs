//! The audit screen and the refusal screen: `update` driven with keys and
//! with entries read from a real store, and insta snapshots at 80x24.

use crate::case_support;
use crate::tui_support;
use privdesk::tui::app::AuditScreen;

use crossterm::event::KeyCode;
use privdesk::store::{
    AuditEntry, AuditFilter, AuditVerification, BrokenLink, NewAuditEntry, Store,
};
use privdesk::tui::app::{AuditEffect, AuditMsg, ScreenEffect, ScreenMsg, SearchMsg};
use privdesk::tui::app::{AuditPrompt, ChainStatus, Effect, Msg, ScreenId, State};
use privdesk::tui::keymap::Command;
use serde_json::json;
use std::time::Duration;
use tui_support::*;

fn snap(name: &str, s: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(s, 80, 24));
}

/// Entries written to a real store by three operators, read back oldest
/// first (as the desk returns them), with fixed times for stable screens.
fn entries() -> Vec<AuditEntry> {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store.db"), 5000).unwrap();
    let rows = [
        (
            "sue",
            "search",
            "query",
            json!({"query": "yamada", "kind": "name", "records": 5, "matched": ["crm:C-1001"]}),
        ),
        (
            "sue",
            "reveal",
            "records",
            json!({"purpose": "Identity check during a call", "records": ["crm:C-1001"]}),
        ),
        (
            "sue",
            "case_create",
            "PD-2026-000001",
            json!({"category": "rights_request", "kind": "access", "law": "appi"}),
        ),
        (
            "demo-agent",
            "case_view",
            "PD-2026-000001",
            json!({"version": 1}),
        ),
        (
            "demo-agent",
            "denied",
            "audit log",
            json!({"reason": "only supervisors and auditors read the audit trail"}),
        ),
        (
            "sue",
            "case_change",
            "PD-2026-000001",
            json!({"changed": "assigned", "version": 2}),
        ),
        (
            "demo-auditor",
            "audit_read",
            "audit",
            json!({"returned": 6}),
        ),
    ];
    for (op, kind, subject, details) in rows {
        store
            .append_audit(&NewAuditEntry {
                operator: op.into(),
                kind: kind.parse().expect("a known audit kind"),
                subject: subject.into(),
                details,
            })
            .unwrap();
    }
    let mut all = store.audit_entries(&AuditFilter::default()).unwrap();
    for (i, e) in all.iter_mut().enumerate() {
        e.at = format!("2026-11-24T0{}:1{}:00.000Z", i / 4, i % 10);
    }
    all
}

/// The audit screen opened by the command, the entries loaded and the
/// chain checked as intact.
fn opened() -> State {
    let mut s = state("default");
    let fx = act(&mut s, Msg::Run(Command::AuditLog));
    assert_eq!(s.screen(), ScreenId::Audit);
    let gen = match fx.as_slice() {
        [Effect::Screen(ScreenEffect::Audit(AuditEffect::Load { gen, filter })), Effect::Screen(ScreenEffect::Audit(AuditEffect::Verify))] =>
        {
            assert_eq!(filter.operator, None);
            assert_eq!(filter.limit, Some(500));
            *gen
        }
        other => panic!("opening loads the trail and checks the chain: {other:?}"),
    };
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Audit(AuditMsg::Loaded {
            gen,
            result: Ok(entries()),
        })),
    );
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Audit(AuditMsg::Verified(Ok(
            AuditVerification {
                entries: 7,
                first_broken: None,
                ..Default::default()
            },
        )))),
    );
    s
}

#[test]
fn the_trail_is_shown_newest_first_with_the_chain_status() {
    let s = opened();
    let a = s.screens.get::<AuditScreen>().unwrap();
    let kinds: Vec<&str> = a.entries.data.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"audit_read"));
    assert_eq!(kinds.last(), Some(&"search"));
    assert_eq!(a.chain, Some(ChainStatus::Intact { entries: 7 }));
    let text = screen(&s, 80, 24);
    assert!(text.contains("chain intact: 7 of 7 checked"), "{text}");
    assert!(text.contains("times Asia/Tokyo"), "{text}");
    assert!(
        s.message
            .as_ref()
            .is_some_and(|m| m.text == "✓ chain intact: 7 of 7 entries checked"),
        "{:?}",
        s.message
    );
    assert!(
        text.contains("reveal         records          purpose: Identity"),
        "{text}"
    );
    snap("audit_trail", &s);
}

#[test]
fn moving_down_selects_older_entries_and_shows_them_in_full() {
    let mut s = opened();
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('j'));
    let a = s.screens.get::<AuditScreen>().unwrap();
    assert_eq!(a.selected, 2);
    assert_eq!(a.entries.data[2].kind, "denied");
    let text = screen(&s, 80, 24);
    assert!(
        text.contains(&format!("entry {}", a.entries.data[2].id)),
        "{text}"
    );
    snap("audit_trail_denied_selected", &s);
    // The end of the list stops the cursor.
    for _ in 0..20 {
        press(&mut s, KeyCode::Char('j'));
    }
    assert_eq!(s.screens.get::<AuditScreen>().unwrap().selected, 6);
}

#[test]
fn filters_are_typed_then_applied_with_enter() {
    let mut s = opened();
    press(&mut s, KeyCode::Char('e'));
    assert_eq!(
        s.screens.get::<AuditScreen>().unwrap().prompt,
        Some(AuditPrompt::Filters { focus: 0 })
    );
    // Letters go to the field, not to the key bindings (`q` does not quit).
    type_text(&mut s, "sue");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "reveal");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "2026-11-01");
    snap("audit_filters", &s);
    assert!(!s.quit);
    let fx = press(&mut s, KeyCode::Enter);
    let [Effect::Screen(ScreenEffect::Audit(AuditEffect::Load { filter, .. }))] = fx.as_slice()
    else {
        panic!("Enter loads with the filters: {fx:?}");
    };
    assert_eq!(filter.operator.as_deref(), Some("sue"));
    assert_eq!(filter.kind.as_deref(), Some("reveal"));
    assert_eq!(filter.since.as_deref(), Some("2026-11-01"));
    assert_eq!(filter.subject, None);
    assert_eq!(filter.until, None);
    let a = s.screens.get::<AuditScreen>().unwrap();
    assert_eq!(a.prompt, None);
    assert!(a.entries.loading);
    assert_eq!(
        a.filter_summary(),
        "operator=sue kind=reveal since=2026-11-01"
    );

    // Esc puts the form back as it was applied.
    press(&mut s, KeyCode::Char('e'));
    type_text(&mut s, "x");
    let fx = press(&mut s, KeyCode::Esc);
    assert!(fx.is_empty());
    let a = s.screens.get::<AuditScreen>().unwrap();
    assert_eq!(a.filter_from_form().operator.as_deref(), Some("sue"));
    assert_eq!(a.prompt, None);
}

#[test]
fn an_answer_to_an_older_load_is_dropped() {
    let mut s = opened();
    let fx = press(&mut s, KeyCode::Char('f'));
    let [Effect::Screen(ScreenEffect::Audit(AuditEffect::Load { gen, .. }))] = fx.as_slice() else {
        panic!("f reloads: {fx:?}");
    };
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Audit(AuditMsg::Loaded {
            gen: gen - 1,
            result: Ok(vec![]),
        })),
    );
    assert_eq!(
        s.screens.get::<AuditScreen>().unwrap().entries.data.len(),
        7
    );
}

#[test]
fn verify_shows_the_first_broken_link() {
    let mut s = opened();
    let fx = press(&mut s, KeyCode::Char('v'));
    assert_eq!(
        fx,
        vec![Effect::Screen(ScreenEffect::Audit(AuditEffect::Verify))]
    );
    assert_eq!(
        s.screens.get::<AuditScreen>().unwrap().chain,
        Some(ChainStatus::Checking)
    );
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Audit(AuditMsg::Verified(Ok(
            AuditVerification {
                entries: 7,
                first_broken: Some(BrokenLink {
                    id: 4,
                    reason: "entry 4 was changed (hash mismatch)".into(),
                }),
                ..Default::default()
            },
        )))),
    );
    let text = screen(&s, 80, 24);
    assert!(text.contains("chain BROKEN at entry 4"), "{text}");
    assert!(
        text.contains("entry 4 was changed (hash mismatch)"),
        "{text}"
    );
    snap("audit_chain_broken", &s);
}

#[test]
fn export_asks_for_the_person_and_the_format() {
    let mut s = opened();
    press(&mut s, KeyCode::Char('x'));
    assert_eq!(
        s.screens.get::<AuditScreen>().unwrap().prompt,
        Some(AuditPrompt::Export { csv: false })
    );
    // Nothing typed: nothing exported.
    let fx = press(&mut s, KeyCode::Enter);
    assert!(fx.is_empty());
    act(&mut s, Msg::Paste("crm:C-1001".into()));
    press(&mut s, KeyCode::Tab);
    snap("audit_export", &s);
    let fx = press(&mut s, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![Effect::Screen(ScreenEffect::Audit(AuditEffect::Export {
            person: "crm:C-1001".into(),
            csv: true
        }))]
    );
    assert!(s.screens.get::<AuditScreen>().unwrap().exporting);
    // The answer is shown, and the trail reloaded to show the export's entry.
    let fx = act(
        &mut s,
        Msg::Screen(ScreenMsg::Audit(AuditMsg::Exported(Ok(
            "3 entries about this person written to /tmp/x.csv".into(),
        )))),
    );
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Screen(ScreenEffect::Audit(
                AuditEffect::Load { .. }
            ))]
        ),
        "{fx:?}"
    );
    assert!(screen(&s, 80, 24).contains("written to /tmp/x.csv"));
}

#[test]
fn an_agent_sees_the_desks_refusal() {
    // A real agent of the sample configuration, on a server of its own:
    // the screen is theirs and the refusals are the server's answers to
    // the screen's own requests, passed on as the runtime does.
    let dir = tempfile::tempdir().unwrap();
    let (rt, agent) = case_support::client(dir.path(), case_support::AGENT);
    assert_eq!(agent.operator().role, privdesk::domain::Role::Agent);
    let mut s = state_as("default", agent.operator().clone());
    let fx = act(&mut s, Msg::Run(Command::AuditLog));
    let Some(Effect::Screen(ScreenEffect::Audit(AuditEffect::Load { gen, filter }))) = fx.first()
    else {
        panic!("{fx:?}");
    };
    let refused = rt
        .block_on(agent.audit_log(filter.clone()))
        .map_err(|e| e.to_string())
        .expect_err("an agent reads no audit trail");
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Audit(AuditMsg::Loaded {
            gen: *gen,
            result: Err(refused),
        })),
    );
    let refused = rt
        .block_on(agent.audit_verify())
        .map_err(|e| e.to_string())
        .expect_err("an agent checks no audit chain");
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Audit(AuditMsg::Verified(Err(refused)))),
    );
    let text = screen(&s, 80, 24);
    assert!(
        text.contains("could not read the trail: not allowed"),
        "{text}"
    );
    snap("audit_refused_for_agent", &s);
    // Esc goes back.
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.screen(), ScreenId::Search);
    assert!(s.screens.get::<AuditScreen>().is_none());
}

#[test]
fn the_palette_reaches_the_audit_screen() {
    let mut s = state("default");
    act(&mut s, ctrl('p'));
    type_text(&mut s, "audit trail");
    let fx = press(&mut s, KeyCode::Enter);
    assert!(
        matches!(
            fx.first(),
            Some(Effect::Screen(ScreenEffect::Audit(
                AuditEffect::Load { .. }
            )))
        ),
        "{fx:?}"
    );
    assert_eq!(s.screen(), ScreenId::Audit);
}

#[test]
fn a_refused_operator_sees_only_the_refusal() {
    let mut s = yamada_results("default");
    // The screen never asks: the server pushes a refusal when the
    // operator is removed (it arrives as the answer to an access check).
    let t0 = s.access_checked;
    for after in [
        Duration::from_millis(500),
        Duration::from_secs(3),
        Duration::from_secs(60),
    ] {
        let fx = act(
            &mut s,
            Msg::Tick {
                now: t0 + after,
                wall: wall(),
            },
        );
        assert!(!fx.contains(&Effect::CheckAccess), "{fx:?}");
    }
    act(
        &mut s,
        Msg::AccessChecked(Err(
            "user \"tester\" was removed from the operators in /etc/privdesk/config.toml; this session is closed".into(),
        )),
    );
    assert!(s.search.is_none(), "search results are forgotten");
    // A search answer still on its way is dropped.
    let old_gen = s.search_gen - 1;
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Search(SearchMsg::Update {
            gen: old_gen,
            snapshot: Box::new(data().yamada_final().clone()),
        })),
    );
    assert!(s.search.is_none());
    let text = screen(&s, 80, 24);
    assert!(text.contains("Access refused"), "{text}");
    assert!(!text.contains("Yamada"), "{text}");
    snap("refused", &s);
    // Keys do nothing but quit or ask again.
    assert!(press(&mut s, KeyCode::Char('c')).is_empty());
    assert_eq!(press(&mut s, KeyCode::Char('r')), vec![Effect::CheckAccess]);
    act(&mut s, Msg::AccessChecked(Ok(())));
    assert!(s.refused.is_none());
    // Refused again, q leaves.
    act(&mut s, Msg::AccessChecked(Err("removed".into())));
    press(&mut s, KeyCode::Char('q'));
    assert!(s.quit);
}
