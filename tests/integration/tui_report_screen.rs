//! The report screen: reached by its key and from the palette, loading,
//! refused, and drawn from a report computed over made-up rows (insta
//! snapshots at 80x24 and 120x40).

use crate::case_support;
use crate::tui_support;
use privdesk::tui::app::ReportScreen;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use crossterm::event::KeyCode;
use privdesk::domain::report::{compute, Period, Report, ReportCalendar, ReportCase};
use privdesk::domain::{CaseStatus, Category, Outcome, RefusalGround, RequestKind};
use privdesk::tui::app::{Effect, Msg, Overlay, ScreenId, State};
use privdesk::tui::app::{ReportEffect, ReportMsg, ScreenEffect, ScreenMsg};
use privdesk::tui::keymap::Command;
use tui_support::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// 90 cases over the 25 weeks up to the states' clock: every law, answered
/// early and late, open, refused, withdrawn, extended. Everything happened
/// before today: a case whose answer would fall on or after today is
/// still in progress.
fn sample_report() -> Report {
    let kinds = [
        Some(RequestKind::Disclosure),
        Some(RequestKind::Access),
        Some(RequestKind::Know),
        Some(RequestKind::Delete),
        Some(RequestKind::Correction),
        None,
        Some(RequestKind::OptOut),
        Some(RequestKind::Erasure),
    ];
    let today = tui_support::today();
    let start = d("2026-06-01");
    let rows: Vec<ReportCase> = (0..90u64)
        .map(|i| {
            let kind = kinds[(i % kinds.len() as u64) as usize];
            let received = start.checked_add_days(Days::new((i * 37) % 170)).unwrap();
            let took = 3 + (i * 7) % 40;
            let answer_day = received.checked_add_days(Days::new(took)).unwrap();
            let status = match i % 9 {
                _ if answer_day >= today => CaseStatus::InProgress,
                0 | 1 => CaseStatus::InProgress,
                2 => CaseStatus::Refused,
                3 => CaseStatus::Withdrawn,
                4 | 5 => CaseStatus::Responded,
                _ => CaseStatus::Closed,
            };
            let at = |day: NaiveDate| Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).unwrap());
            let answered = (!matches!(status, CaseStatus::InProgress | CaseStatus::Withdrawn))
                .then(|| at(answer_day));
            ReportCase {
                category: if kind.is_some() {
                    Category::RightsRequest
                } else if i % 2 == 0 {
                    Category::Complaint
                } else {
                    Category::Inquiry
                },
                kind,
                law: kind.map_or(privdesk::domain::Law::Appi, |k| k.law()),
                status,
                outcome: (status == CaseStatus::Closed).then_some(Outcome::Fulfilled),
                received_at: at(received).fixed_offset(),
                answered_at: answered,
                closed_at: answered.filter(|_| status == CaseStatus::Closed),
                due: received.checked_add_days(Days::new(30)),
                clock_stopped: false,
                refusal_grounds: if status == CaseStatus::Refused {
                    vec![RefusalGround::IdentityNotVerified]
                } else {
                    vec![]
                },
                extension_reason: (i % 11 == 0).then(|| "complex request".to_string()),
            }
        })
        .collect();
    let local = |t: DateTime<Utc>| t.date_naive();
    let open = |x: NaiveDate| x.weekday().num_days_from_monday() < 5;
    let r = compute(
        &rows,
        Period {
            from: start,
            to: today,
        },
        &ReportCalendar {
            local_date: &local,
            is_open_day: &open,
            today,
        },
    );
    // Every case was received and closed in the period: the header's
    // count of closed cases and the status chart's agree.
    let closed_now = r
        .by_status
        .iter()
        .find(|c| c.key == "closed")
        .map(|c| c.count);
    assert_eq!(Some(r.closed), closed_now, "{:?}", r.by_status);
    r
}

fn gen_of(fx: &[Effect]) -> u64 {
    fx.iter()
        .find_map(|e| match e {
            Effect::Screen(ScreenEffect::Report(ReportEffect::Load { gen })) => Some(*gen),
            _ => None,
        })
        .expect("the report is loaded")
}

fn report_screen(report: &Report) -> State {
    let mut s = state("default");
    let fx = act(&mut s, Msg::Run(Command::Report));
    let gen = gen_of(&fx);
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Report(ReportMsg::Loaded {
            gen,
            result: Ok(Box::new(report.clone())),
        })),
    );
    s
}

#[test]
fn the_report_screen_shows_charts_sparkline_and_times() {
    let r = sample_report();
    let s = report_screen(&r);
    assert_eq!(s.screen(), ScreenId::Report);
    let small = screen(&s, 80, 24);
    assert!(
        small.contains(&format!(
            "{} received · {} answered",
            r.received, r.answered
        )),
        "{small}"
    );
    assert!(
        small.contains("By status") && small.contains("By kind"),
        "{small}"
    );
    assert!(small.contains("Received per week"), "{small}");
    let access = r.response_times.iter().find(|t| t.key == "access").unwrap();
    let shown = format!("{:.1}", access.median_days.unwrap());
    let line = small
        .lines()
        .find(|l| l.starts_with("│access "))
        .unwrap_or_else(|| panic!("no access row:\n{small}"));
    assert!(line.contains(&shown), "{line}");
    insta::assert_snapshot!("report_80x24", small);
    insta::assert_snapshot!("report_120x40", screen(&s, 120, 40));
}

#[test]
fn the_table_scrolls_and_esc_goes_back() {
    let r = sample_report();
    let mut s = report_screen(&r);
    let before = screen(&s, 80, 24);
    let first = &r.response_times[0].key;
    assert!(before.contains(&format!("\n│{first} ")), "{before}");
    press(&mut s, KeyCode::Char('j'));
    let after = screen(&s, 80, 24);
    assert!(!after.contains(&format!("\n│{first} ")), "{after}");
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.screen(), ScreenId::Search);
    assert!(s.screens.get::<ReportScreen>().is_none());
}

#[test]
fn loading_refusal_and_the_palette() {
    // A real agent, refused by the server as the runtime would pass it on.
    let dir = tempfile::tempdir().unwrap();
    let (rt, agent) = case_support::client(dir.path(), case_support::AGENT);
    assert_eq!(agent.operator().role, privdesk::domain::Role::Agent);
    let refused = rt
        .block_on(agent.report(None, None))
        .map_err(|e| e.to_string())
        .expect_err("an agent reads no report");
    let mut s = state_as("default", agent.operator().clone());
    let fx = act(&mut s, Msg::Run(Command::Report));
    let gen = gen_of(&fx);
    assert!(screen(&s, 80, 24).contains("Loading the report…"));
    // An older answer is dropped.
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Report(ReportMsg::Loaded {
            gen: gen + 5,
            result: Err("late".into()),
        })),
    );
    assert!(screen(&s, 80, 24).contains("Loading the report…"));
    act(
        &mut s,
        Msg::Screen(ScreenMsg::Report(ReportMsg::Loaded {
            gen,
            result: Err(refused),
        })),
    );
    let shown = screen(&s, 80, 24);
    assert!(
        shown.contains("The report could not be loaded: not allowed: only supervisors"),
        "{shown}"
    );

    let mut s = state("default");
    act(&mut s, Msg::Run(Command::Palette));
    assert!(matches!(s.overlay, Some(Overlay::Palette(_))));
    type_text(&mut s, "report");
    let fx = press(&mut s, KeyCode::Enter);
    gen_of(&fx);
    assert_eq!(s.screen(), ScreenId::Report);
}
