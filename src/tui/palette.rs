//! The command palette: every command usable on the current screen, filtered
//! as the operator types with a fuzzy matcher.

use super::app::State;
use super::keymap::Command;
use super::screens;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub command: Command,
    pub score: i64,
}

/// Commands matching `filter`, best first (all of them, in order, when empty).
pub fn entries(s: &State, filter: &str) -> Vec<Entry> {
    let ctxs = screens::contexts(screens::current(s));
    // The palette itself is not offered from the palette.
    let usable = Command::ALL
        .iter()
        .copied()
        .filter(|c| ctxs.contains(&c.context()) && *c != Command::Palette);
    let filter = filter.trim();
    if filter.is_empty() {
        // This screen's commands first; leaving the session last, so that
        // Enter on a fresh palette never quits, locks or suspends.
        let rank = |c: &Command| {
            let session = matches!(c, Command::Quit | Command::Suspend | Command::Lock);
            (
                session,
                ctxs.iter()
                    .position(|x| *x == c.context())
                    .unwrap_or(usize::MAX),
            )
        };
        let mut all: Vec<Command> = usable.collect();
        all.sort_by_key(rank);
        return all
            .into_iter()
            .map(|command| Entry { command, score: 0 })
            .collect();
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    let mut out: Vec<Entry> = usable
        .filter_map(|command| {
            let hay = format!(
                "{} {}",
                command.description(),
                command.name().replace('_', " ")
            );
            matcher
                .fuzzy_match(&hay, filter)
                .map(|score| Entry { command, score })
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.score));
    out
}
