//! The stack of screens: the one shown on top, the ones to go back to
//! below it, the search always at the bottom. A screen that keeps its
//! place (a tab, a filter) for the next visit is kept aside when closed.
//! Each screen's state lives here and nowhere else.

use super::{ScreenId, ScreenState};

/// A screen's state type, tied to its id by the registry.
pub trait ScreenData: Sized {
    const ID: ScreenId;
    fn of(state: &ScreenState) -> Option<&Self>;
    fn of_mut(state: &mut ScreenState) -> Option<&mut Self>;
    fn into_state(self) -> ScreenState;
    /// The data of `state`, or `state` back when it is another screen's
    /// (moved, not copied: the size of the error does not matter).
    #[allow(clippy::result_large_err)]
    fn from_state(state: ScreenState) -> Result<Self, ScreenState>;
}

#[derive(Debug, Clone)]
pub struct Screens {
    /// Bottom to top; never empty, and the bottom is the search.
    stack: Vec<ScreenState>,
    /// Closed screens kept for their next visit, at most one per id.
    kept: Vec<ScreenState>,
}

impl Default for Screens {
    fn default() -> Self {
        Screens::new()
    }
}

impl Screens {
    /// Only the search.
    pub fn new() -> Screens {
        Screens {
            stack: vec![ScreenState::Search(Default::default())],
            kept: Vec::new(),
        }
    }

    /// The screen shown.
    pub fn top(&self) -> ScreenId {
        self.stack.last().map_or(ScreenId::Search, ScreenState::id)
    }

    /// The screens on the stack, bottom first.
    pub fn ids(&self) -> impl Iterator<Item = ScreenId> + '_ {
        self.stack.iter().map(ScreenState::id)
    }

    /// How many screens are on the stack (1: only the search).
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// The state of screen `T`: on the stack (the highest), or kept aside.
    pub fn get<T: ScreenData>(&self) -> Option<&T> {
        self.stack
            .iter()
            .rev()
            .chain(self.kept.iter())
            .find_map(T::of)
    }

    pub fn get_mut<T: ScreenData>(&mut self) -> Option<&mut T> {
        self.stack
            .iter_mut()
            .rev()
            .chain(self.kept.iter_mut())
            .find_map(T::of_mut)
    }

    /// The state of screen `T` when it is the one shown.
    pub fn shown<T: ScreenData>(&self) -> Option<&T> {
        self.stack.last().and_then(T::of)
    }

    pub fn shown_mut<T: ScreenData>(&mut self) -> Option<&mut T> {
        self.stack.last_mut().and_then(T::of_mut)
    }

    /// Whether screen `id` is on the stack (shown or to go back to).
    pub fn on_stack(&self, id: ScreenId) -> bool {
        self.stack.iter().any(|x| x.id() == id)
    }

    /// Put `state` on top.
    pub fn push(&mut self, state: ScreenState) {
        self.stack.push(state);
    }

    /// Take the screens above screen `id` off, top first; nothing when
    /// `id` is not on the stack.
    pub fn above(&mut self, id: ScreenId) -> Vec<ScreenState> {
        match self.stack.iter().rposition(|x| x.id() == id) {
            Some(i) => self.stack.split_off(i + 1).into_iter().rev().collect(),
            None => Vec::new(),
        }
    }

    /// Take the top screen off (never the search at the bottom).
    pub fn pop(&mut self) -> Option<ScreenState> {
        if self.stack.len() > 1 {
            self.stack.pop()
        } else {
            None
        }
    }

    /// Take screen `T` out of the stack (and what is above it stays) or
    /// out of the kept ones.
    pub fn take<T: ScreenData>(&mut self) -> Option<T> {
        let at = |v: &Vec<ScreenState>| v.iter().rposition(|x| x.id() == T::ID);
        let state = if let Some(i) = at(&self.stack).filter(|i| *i > 0) {
            self.stack.remove(i)
        } else if let Some(i) = at(&self.kept) {
            self.kept.remove(i)
        } else {
            return None;
        };
        T::from_state(state).ok()
    }

    /// Put `state` where screen `T` is on the stack (it takes its place:
    /// back leads where `T` was opened from); `T`'s data, or `None` (and
    /// nothing changes) when `T` is not on the stack.
    pub fn replace<T: ScreenData>(&mut self, state: ScreenState) -> Option<T> {
        let i = self.stack.iter().rposition(|x| x.id() == T::ID)?;
        T::from_state(std::mem::replace(&mut self.stack[i], state)).ok()
    }

    /// Keep a closed screen for its next visit (replacing an older one).
    pub fn keep(&mut self, state: ScreenState) {
        self.kept.retain(|x| x.id() != state.id());
        self.kept.push(state);
    }

    /// Take the kept state of screen `id` back, to show it again.
    pub fn unkeep(&mut self, id: ScreenId) -> Option<ScreenState> {
        let i = self.kept.iter().position(|x| x.id() == id)?;
        Some(self.kept.remove(i))
    }

    /// Drop everything, kept screens included: only the search is left.
    pub fn clear(&mut self) {
        *self = Screens::new();
    }
}

#[cfg(test)]
mod tests {
    use super::super::states::*;
    use super::*;
    use crate::domain::CaseId;

    fn case(n: u32) -> ScreenState {
        ScreenState::Case(CaseScreen::new(CaseId::new(2026, n)))
    }

    #[test]
    fn the_search_is_always_at_the_bottom() {
        let mut st = Screens::new();
        assert_eq!(st.top(), ScreenId::Search);
        assert!(st.pop().is_none());
        st.push(case(1));
        assert_eq!(st.top(), ScreenId::Case);
        assert!(st.pop().is_some());
        assert!(st.pop().is_none());
        assert_eq!(st.depth(), 1);
    }

    #[test]
    fn get_finds_a_screen_below_the_top_and_shown_only_the_top() {
        let mut st = Screens::new();
        st.push(case(7));
        st.push(ScreenState::Actions(ActionsScreen::new(CaseId::new(
            2026, 7,
        ))));
        assert_eq!(
            st.get::<CaseScreen>().map(|c| c.id),
            Some(CaseId::new(2026, 7))
        );
        assert!(st.shown::<CaseScreen>().is_none());
        assert!(st.shown::<ActionsScreen>().is_some());
    }

    #[test]
    fn above_closes_what_is_over_a_screen_top_first() {
        let mut st = Screens::new();
        st.push(case(1));
        st.push(ScreenState::Actions(ActionsScreen::new(CaseId::new(
            2026, 1,
        ))));
        st.push(ScreenState::Inbox(InboxScreen::new()));
        let gone: Vec<ScreenId> = st.above(ScreenId::Case).iter().map(|x| x.id()).collect();
        assert_eq!(gone, vec![ScreenId::Inbox, ScreenId::Actions]);
        assert_eq!(st.top(), ScreenId::Case);
        assert!(st.above(ScreenId::Queue).is_empty());
    }

    #[test]
    fn take_and_replace_keep_the_order_of_the_rest() {
        let mut st = Screens::new();
        st.push(ScreenState::Inbox(InboxScreen::new()));
        st.push(case(2));
        st.push(ScreenState::Report(ReportScreen::default()));
        let taken = st.take::<CaseScreen>().map(|c| c.id);
        assert_eq!(taken, Some(CaseId::new(2026, 2)));
        let ids: Vec<ScreenId> = st.ids().collect();
        assert_eq!(
            ids,
            vec![ScreenId::Search, ScreenId::Inbox, ScreenId::Report]
        );
        assert!(st.replace::<InboxScreen>(case(3)).is_some());
        let ids: Vec<ScreenId> = st.ids().collect();
        assert_eq!(
            ids,
            vec![ScreenId::Search, ScreenId::Case, ScreenId::Report]
        );
        assert!(st.replace::<QueueView>(case(4)).is_none());
        assert_eq!(st.depth(), 3);
    }

    #[test]
    fn a_kept_screen_is_found_until_taken_back_and_one_per_id() {
        let mut st = Screens::new();
        let report = ReportScreen {
            scroll: 4,
            ..ReportScreen::default()
        };
        st.keep(ScreenState::Report(ReportScreen::default()));
        st.keep(ScreenState::Report(report));
        assert!(st.get::<ReportScreen>().is_some_and(|r| r.scroll == 4));
        assert!(!st.on_stack(ScreenId::Report));
        let back = st.unkeep(ScreenId::Report).map(|x| x.id());
        assert_eq!(back, Some(ScreenId::Report));
        assert!(st.get::<ReportScreen>().is_none());
        st.keep(case(1));
        st.clear();
        assert!(st.get::<CaseScreen>().is_none());
    }
}
