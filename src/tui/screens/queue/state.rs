//! The state of the queue screen: the window of rows the server sent, the
//! section shown, the `/` filter, the cases marked for a bulk change, and
//! the popups (pick an assignee, confirm an escalation, the report of a
//! bulk change). Re-exported from `app`.

pub use crate::domain::queue::{BulkOp, BulkOutcome, BulkReport, BulkResult};
use crate::domain::queue::{QueuePage, QueueQuery, QueueRow, QueueSection};
use crate::domain::CaseId;
use crate::tui::input::TextInput;
use crate::tui::load::Load;
use indexmap::IndexMap;

/// A popup over the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueuePopup {
    /// Pick who gets the marked cases: index into "nobody" + the assignees.
    Assign {
        selected: usize,
    },
    /// Escalate the marked cases? (y / n)
    ConfirmEscalate,
    /// A bulk change is running.
    Working(BulkOp),
    Report(BulkReport),
}

/// Rows asked for at a time around the cursor.
pub const QUEUE_WINDOW: usize = 60;
/// The window is moved when the cursor comes this close to its edge.
pub const QUEUE_MARGIN: usize = 15;

/// The queue screen. The server holds the queue; the screen holds a
/// window of rows around the cursor, the counts, and what the operator
/// typed and marked.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueView {
    /// Tab 0 is every row; tab `i` is section `i - 1`.
    pub sections: Vec<QueueSection>,
    pub tab: usize,
    /// The rows around the cursor, as the server last sent them. Its
    /// generation is the newest query's `seq`: pages answering older ones
    /// are dropped.
    pub rows: Load<Option<QueuePage>>,
    /// The filter as typed.
    pub filter: TextInput,
    /// Keys go to the filter.
    pub typing: bool,
    /// The query the page answers.
    pub applied: u64,
    /// The filter text changed: its answer puts the cursor on the best match.
    pub to_top: bool,
    /// Place of the cursor in the tab (under the filter).
    pub cursor: usize,
    /// The case the cursor is on, kept under it when rows move.
    pub keep: Option<CaseId>,
    /// Marked cases with the version seen, in the order marked.
    pub marked: IndexMap<CaseId, i64>,
    pub popup: Option<QueuePopup>,
    /// The server has the queue open for this session.
    pub opened: bool,
}

impl QueueView {
    pub fn new(sections: Vec<QueueSection>) -> QueueView {
        QueueView {
            sections,
            tab: 0,
            rows: Load::default(),
            filter: TextInput::default(),
            typing: false,
            applied: 0,
            to_top: false,
            cursor: 0,
            keep: None,
            marked: IndexMap::new(),
            popup: None,
            opened: false,
        }
    }

    /// The label of tab `i`.
    pub fn tab_name(&self, i: usize) -> &str {
        match i {
            0 => "All",
            i => self.sections.get(i - 1).map_or("", |s| s.name.as_str()),
        }
    }

    pub fn tabs(&self) -> usize {
        self.sections.len() + 1
    }

    /// Rows in tab `i` under the filter.
    pub fn count(&self, i: usize) -> usize {
        self.rows
            .data
            .as_ref()
            .and_then(|p| p.counts.get(i).copied())
            .unwrap_or(0)
    }

    /// Rows of the tab shown.
    pub fn total(&self) -> usize {
        self.rows.data.as_ref().map_or(0, |p| p.total)
    }

    /// The row at place `pos` of the tab, if the window holds it.
    pub fn row(&self, pos: usize) -> Option<&QueueRow> {
        let p = self.rows.data.as_ref()?;
        pos.checked_sub(p.offset).and_then(|i| p.rows.get(i))
    }

    /// The row under the cursor.
    pub fn current(&self) -> Option<&QueueRow> {
        self.row(self.cursor)
    }

    /// Whether an answer to the newest query is still awaited.
    pub fn filtering(&self) -> bool {
        self.rows.gen > self.applied
    }

    /// The query for a window around the cursor.
    pub fn query(&self) -> QueueQuery {
        QueueQuery {
            tab: self.tab,
            filter: self.filter.text().to_string(),
            offset: self.cursor.saturating_sub(QUEUE_WINDOW / 2),
            limit: QUEUE_WINDOW,
            seq: self.rows.gen,
        }
    }

    /// The cursor came near the edge of the window (and there is more).
    pub fn needs_window(&self) -> bool {
        let Some(p) = &self.rows.data else {
            return false;
        };
        let end = p.offset + p.rows.len();
        (p.offset > 0 && self.cursor < p.offset + QUEUE_MARGIN)
            || (end < p.total && self.cursor + QUEUE_MARGIN >= end)
    }

    /// Take a page: the cursor stays on its case if the page holds it.
    pub fn take_page(&mut self, page: QueuePage) {
        self.applied = self.applied.max(page.seq);
        let to_top = std::mem::take(&mut self.to_top);
        let found = self
            .keep
            .filter(|_| !to_top)
            .and_then(|id| page.rows.iter().position(|r| r.case.id == id))
            .map(|i| page.offset + i);
        self.cursor = match found {
            Some(pos) => pos,
            None if to_top => 0,
            None => self.cursor,
        }
        .min(page.total.saturating_sub(1));
        self.tab = page.tab.min(self.tabs().saturating_sub(1));
        self.rows.finish(Ok(Some(page)));
        self.keep = self.current().map(|r| r.case.id);
    }

    /// The cases a bulk change applies to, with the versions seen: the
    /// marked ones, or else the one under the cursor.
    pub fn targets(&self) -> Vec<(CaseId, i64)> {
        if self.marked.is_empty() {
            return self
                .current()
                .map(|r| vec![(r.case.id, r.case.version)])
                .unwrap_or_default();
        }
        self.marked.iter().map(|(id, v)| (*id, *v)).collect()
    }
}
