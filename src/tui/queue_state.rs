//! The state of the queue screen: the loaded rows with their filter lines
//! and section marks, the section shown, the `/` filter, the cases marked
//! for a bulk change, and the popups (pick an assignee, confirm an
//! escalation, the report of a bulk change). Re-exported from `app`.

use super::input::TextInput;
use super::queue_filter::Haystacks;
pub use crate::domain::queue::{BulkOp, BulkOutcome, BulkReport, BulkResult};
use crate::domain::queue::{QueueLoad, QueueRow, QueueSection};
use crate::domain::CaseId;
use std::collections::BTreeSet;
use std::sync::Arc;

/// A loaded queue, ready for the screen: built off the drawing path.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueData {
    /// Soonest due first.
    pub rows: Arc<Vec<QueueRow>>,
    /// The filter's line for each row.
    pub hay: Arc<Haystacks>,
    /// Bit `s` of `masks[i]` is set when row `i` is in section `s`.
    pub masks: Vec<u32>,
}

impl QueueData {
    /// Rows, filter lines and section marks of `load` for operator `me`.
    pub fn build(load: QueueLoad, sections: &[QueueSection], me: &str) -> QueueData {
        let hay = Haystacks::build(&load.rows, &load.descriptions);
        let masks = load
            .rows
            .iter()
            .map(|r| {
                sections
                    .iter()
                    .take(32)
                    .enumerate()
                    .filter(|(_, s)| s.filter.matches(r, me))
                    .fold(0u32, |m, (i, _)| m | (1 << i))
            })
            .collect();
        QueueData {
            rows: Arc::new(load.rows),
            hay: Arc::new(hay),
            masks,
        }
    }
}

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

/// The queue screen.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueView {
    /// Tab 0 is every row; tab `i` is section `i - 1`.
    pub sections: Vec<QueueSection>,
    pub tab: usize,
    pub data: Option<QueueData>,
    /// The load `data` came from.
    pub data_gen: u64,
    /// A newer load waiting for its filter answer before it is shown (so
    /// the filtered list never shows rows of one load with hits of another).
    pub next: Option<(u64, QueueData)>,
    /// The filter as typed.
    pub filter: TextInput,
    /// Keys go to the filter.
    pub typing: bool,
    /// The filter's rows, best first (`None`: no filter, queue order).
    pub hits: Option<Vec<u32>>,
    /// The newest filter job sent; its answer is awaited while `seq > applied`.
    pub seq: u64,
    pub applied: u64,
    /// The filter text changed: its answer puts the cursor on the best match.
    pub to_top: bool,
    /// Rows of the tab under the filter, as shown.
    pub visible: Vec<u32>,
    /// Rows in each tab under the filter.
    pub counts: Vec<usize>,
    pub cursor: usize,
    pub marked: BTreeSet<CaseId>,
    pub popup: Option<QueuePopup>,
    pub loading: bool,
    /// Generation of the last load; answers to older ones are dropped.
    pub gen: u64,
    /// Another session changed something while a load was running.
    pub stale: bool,
    pub error: Option<String>,
}

impl QueueView {
    pub fn new(sections: Vec<QueueSection>) -> QueueView {
        let tabs = sections.len() + 1;
        QueueView {
            sections,
            tab: 0,
            data: None,
            data_gen: 0,
            next: None,
            filter: TextInput::default(),
            typing: false,
            hits: None,
            seq: 0,
            applied: 0,
            to_top: false,
            visible: Vec::new(),
            counts: vec![0; tabs],
            cursor: 0,
            marked: BTreeSet::new(),
            popup: None,
            loading: false,
            gen: 0,
            stale: false,
            error: None,
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

    /// The row under the cursor.
    pub fn current(&self) -> Option<&QueueRow> {
        let data = self.data.as_ref()?;
        let i = *self.visible.get(self.cursor)?;
        data.rows.get(i as usize)
    }

    /// Whether a filter answer is still awaited.
    pub fn filtering(&self) -> bool {
        self.seq > self.applied
    }

    /// Work out the visible rows and the counts from the filter's answer
    /// and the section marks; the cursor stays on its case if still shown.
    pub fn refresh(&mut self) {
        let keep = self.current().map(|r| r.case.id);
        let Some(data) = &self.data else {
            self.visible.clear();
            self.counts = vec![0; self.tabs()];
            return;
        };
        let mut counts = vec![0usize; self.tabs()];
        let mut visible = Vec::new();
        let tab = self.tab;
        let mut take = |i: u32| {
            let m = data.masks.get(i as usize).copied().unwrap_or(0);
            counts[0] += 1;
            let mut bits = m;
            while bits != 0 {
                let b = bits.trailing_zeros() as usize;
                if let Some(c) = counts.get_mut(b + 1) {
                    *c += 1;
                }
                bits &= bits - 1;
            }
            if tab == 0 || m & (1 << (tab - 1)) != 0 {
                visible.push(i);
            }
        };
        match &self.hits {
            Some(h) => h.iter().copied().for_each(&mut take),
            None => (0..data.rows.len() as u32).for_each(&mut take),
        }
        self.counts = counts;
        self.visible = visible;
        self.cursor = keep
            .and_then(|id| {
                self.visible
                    .iter()
                    .position(|&i| data.rows.get(i as usize).is_some_and(|r| r.case.id == id))
            })
            .unwrap_or(self.cursor)
            .min(self.visible.len().saturating_sub(1));
    }

    /// The cases a bulk change applies to, with the versions seen: the
    /// marked ones (still loaded), or else the one under the cursor.
    pub fn targets(&self) -> Vec<(CaseId, i64)> {
        let Some(data) = &self.data else {
            return vec![];
        };
        if self.marked.is_empty() {
            return self
                .current()
                .map(|r| vec![(r.case.id, r.case.version)])
                .unwrap_or_default();
        }
        data.rows
            .iter()
            .filter(|r| self.marked.contains(&r.case.id))
            .map(|r| (r.case.id, r.case.version))
            .collect()
    }
}
