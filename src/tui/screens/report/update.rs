//! The report screen's updates: open (and load), loaded, scroll. The report
//! is read by an effect on the blocking pool; the desk decides who may see
//! it (agents are refused there, and the attempt is audited).

use super::msgs::*;
use crate::domain::report::Report;
use crate::tui::app::{Effect, State};
use crate::tui::screens::report::state::ReportScreen;
use crate::tui::update::show;

/// Show the report screen and load the report (again, if already open).
pub fn open(s: &mut State) -> Vec<Effect> {
    let mut fx = show(s, |_| ReportScreen::default());
    fx.extend(load(s));
    fx
}

/// Load the report for the default period (the 365 days up to today).
pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(r) = s.screens.get_mut::<ReportScreen>() else {
        return vec![];
    };
    let gen = r.report.start();
    vec![ReportEffect::Load { gen }.into()]
}

pub fn loaded(s: &mut State, gen: u64, result: Result<Box<Report>, String>) {
    let Some(r) = s
        .screens
        .get_mut::<ReportScreen>()
        .filter(|r| r.report.awaits(gen))
    else {
        return;
    };
    r.report.finish(result.map(|x| Some(*x)));
}

/// Scroll the table of response times by `delta` rows.
pub fn scroll(s: &mut State, delta: i64) {
    let Some(r) = s.screens.get_mut::<ReportScreen>() else {
        return;
    };
    let rows = r.report.data.as_ref().map_or(0, |x| x.response_times.len());
    let max = rows.saturating_sub(1) as i64;
    r.scroll = (r.scroll as i64).saturating_add(delta).clamp(0, max.max(0)) as usize;
}

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: ReportMsg) -> Vec<Effect> {
    match m {
        ReportMsg::Loaded { gen, result } => {
            loaded(s, gen, result);
            vec![]
        }
    }
}
