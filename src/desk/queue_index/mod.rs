//! The queue of open cases held in memory, as the server keeps it: every
//! case not closed, soonest due first, with its filter line and the
//! sections it belongs to. It is read from the store once and then changed
//! one case at a time as cases change, so opening a queue, paging it and
//! telling twenty open queues about one change cost no store read.
//!
//! A [`QueueView`] is one screen's look at it: the operator's scope
//! (agents: their own and the unassigned cases), a tab, the `/` filter and
//! a window of rows. Views keep their counts (and, with a filter, their
//! matches) and bring them up to date from each change instead of counting
//! again.

pub mod filter;

use crate::calendar::Calendar;
use crate::domain::mask::mask_name;
use crate::domain::queue::{
    QueueLoad, QueuePage, QueueQuery, QueueRow, QueueSection, SectionAssignee,
};
use crate::domain::CaseId;
use chrono::NaiveDate;
use filter::{haystack, Lines, Narrowing};
use std::collections::HashMap;

/// Most rows one page may hold.
pub const MAX_PAGE: usize = 500;

/// Where a case sits in the queue: soonest due first (no due date before
/// any), then by number.
type Key = (Option<NaiveDate>, CaseId);

#[derive(Debug, Clone)]
struct Entry {
    key: Key,
    row: QueueRow,
    hay: Box<str>,
    /// Bit `s`: the row is in section `s`, reading "mine" as "anyone".
    base: u32,
}

/// What a view needs to know of a row: its sections (reading "mine" as
/// "anyone") and who holds it (an interned operator: 0 is nobody). Kept
/// apart from the rows, in a small array, so that counting a tab touches
/// eight bytes a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Membership {
    base: u32,
    assignee: u32,
}

/// One change applied to the index.
#[derive(Debug, Clone)]
pub struct Applied {
    slot: u32,
    old: Option<Membership>,
    new: Option<Membership>,
}

/// The open cases in memory.
#[derive(Debug, Clone)]
pub struct QueueIndex {
    sections: Vec<QueueSection>,
    /// Bits of the sections that hold only the viewer's own cases.
    mine_sections: u32,
    today: NaiveDate,
    slab: Vec<Option<Entry>>,
    /// `meta[slot]`: the slot's membership (taken slots only).
    meta: Vec<Membership>,
    /// Operator name -> its number in `meta` (from 1).
    holders: HashMap<String, u32>,
    free: Vec<u32>,
    by_id: HashMap<CaseId, u32>,
    /// Slots by key.
    order: Vec<u32>,
    /// Slot -> place in `order`.
    pos: Vec<u32>,
    /// Counts up with every change.
    generation: u64,
}

impl Lines for QueueIndex {
    fn positions(&self) -> usize {
        self.order.len()
    }
    fn at(&self, position: usize) -> u32 {
        self.order[position]
    }
    fn position(&self, slot: u32) -> usize {
        self.pos.get(slot as usize).copied().unwrap_or(u32::MAX) as usize
    }
    fn line(&self, slot: u32) -> Option<&str> {
        self.entry(slot).map(|e| &*e.hay)
    }
}

/// `section` with "mine" read as "anyone".
fn ignoring_mine(section: &QueueSection) -> crate::domain::queue::SectionFilter {
    let mut f = section.filter.clone();
    if f.assignee == SectionAssignee::Mine {
        f.assignee = SectionAssignee::Anyone;
    }
    f
}

impl QueueIndex {
    /// The index of a queue as read from the store (every case not
    /// closed, soonest due first), on `today` by `calendar`.
    pub fn build(
        load: QueueLoad,
        sections: Vec<QueueSection>,
        today: NaiveDate,
        calendar: &Calendar,
    ) -> QueueIndex {
        let mine_sections = sections
            .iter()
            .take(32)
            .enumerate()
            .filter(|(_, s)| s.filter.assignee == SectionAssignee::Mine)
            .fold(0u32, |m, (i, _)| m | (1 << i));
        let mut idx = QueueIndex {
            sections,
            mine_sections,
            today,
            slab: Vec::with_capacity(load.rows.len()),
            meta: Vec::with_capacity(load.rows.len()),
            holders: HashMap::new(),
            free: Vec::new(),
            by_id: HashMap::with_capacity(load.rows.len()),
            order: Vec::with_capacity(load.rows.len()),
            pos: Vec::with_capacity(load.rows.len()),
            generation: 0,
        };
        let mut left: HashMap<NaiveDate, i64> = HashMap::new();
        let descriptions = load.descriptions;
        for (i, mut row) in load.rows.into_iter().enumerate() {
            if row.case.status == crate::domain::CaseStatus::Closed {
                continue;
            }
            fill_days(&mut row, today, calendar, &mut left);
            let descr = descriptions.get(i).map(String::as_str).unwrap_or("");
            let e = idx.entry_of(row, descr);
            let slot = idx.slab.len() as u32;
            idx.by_id.insert(e.row.case.id, slot);
            let m = idx.membership_of(&e);
            idx.slab.push(Some(e));
            idx.meta.push(m);
        }
        let mut order: Vec<u32> = (0..idx.slab.len() as u32).collect();
        order.sort_by_key(|&s| idx.key(s));
        idx.order = order;
        idx.pos = vec![u32::MAX; idx.slab.len()];
        for (p, &s) in idx.order.iter().enumerate() {
            idx.pos[s as usize] = p as u32;
        }
        idx
    }

    fn entry_of(&self, row: QueueRow, descr: &str) -> Entry {
        let base = self
            .sections
            .iter()
            .take(32)
            .enumerate()
            .filter(|(_, s)| ignoring_mine(s).matches(&row, ""))
            .fold(0u32, |m, (i, _)| m | (1 << i));
        Entry {
            key: (row.case.due, row.case.id),
            hay: haystack(&row, descr).into_boxed_str(),
            base,
            row,
        }
    }

    fn entry(&self, slot: u32) -> Option<&Entry> {
        self.slab.get(slot as usize).and_then(Option::as_ref)
    }

    fn key(&self, slot: u32) -> Option<Key> {
        self.entry(slot).map(|e| e.key)
    }

    pub fn sections(&self) -> &[QueueSection] {
        &self.sections
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Carry the generation over from the index this one replaces, so
    /// views see they must start over.
    pub fn set_generation(&mut self, generation: u64) {
        self.generation = generation;
    }

    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// The row of a case, if it is in the queue.
    pub fn row(&self, id: CaseId) -> Option<&QueueRow> {
        self.by_id
            .get(&id)
            .and_then(|&s| self.entry(s))
            .map(|e| &e.row)
    }

    /// Bytes of the filter lines (for the benchmark's figures).
    pub fn hay_bytes(&self) -> usize {
        self.slab.iter().flatten().map(|e| e.hay.len()).sum()
    }

    /// The number of an operator as a holder (0: nobody); numbers are made
    /// as operators are first seen.
    fn holder_id(&mut self, who: Option<&str>) -> u32 {
        let Some(who) = who else { return 0 };
        if let Some(&n) = self.holders.get(who) {
            return n;
        }
        let n = self.holders.len() as u32 + 1;
        self.holders.insert(who.to_string(), n);
        n
    }

    /// The number of an operator as a holder, if any row was ever theirs.
    fn known_holder(&self, who: &str) -> Option<u32> {
        self.holders.get(who).copied()
    }

    fn membership_of(&mut self, e: &Entry) -> Membership {
        Membership {
            base: e.base,
            assignee: self.holder_id(e.row.case.assignee.as_deref()),
        }
    }

    fn membership(&self, slot: u32) -> Option<Membership> {
        self.entry(slot)?;
        self.meta.get(slot as usize).copied()
    }

    /// Set a slot's entry and its membership.
    fn put(&mut self, slot: u32, e: Entry) {
        let m = self.membership_of(&e);
        self.slab[slot as usize] = Some(e);
        self.meta[slot as usize] = m;
    }

    /// Put a case in (or back in, changed); a closed case is taken out.
    /// `None` when nothing changed.
    pub fn upsert(
        &mut self,
        mut row: QueueRow,
        descr: &str,
        calendar: &Calendar,
    ) -> Option<Applied> {
        if row.case.status == crate::domain::CaseStatus::Closed {
            return self.remove(row.case.id);
        }
        fill_days(&mut row, self.today, calendar, &mut HashMap::new());
        let entry = self.entry_of(row, descr);
        let id = entry.row.case.id;
        match self.by_id.get(&id).copied() {
            Some(slot) => {
                let same = self
                    .entry(slot)
                    .is_some_and(|e| e.row == entry.row && e.hay == entry.hay);
                if same {
                    return None;
                }
                let old = self.membership(slot);
                let moved = self.key(slot) != Some(entry.key);
                if moved {
                    self.unplace(slot);
                }
                self.put(slot, entry);
                if moved {
                    self.place(slot);
                }
                self.generation += 1;
                Some(Applied {
                    slot,
                    old,
                    new: self.membership(slot),
                })
            }
            None => {
                let slot = match self.free.pop() {
                    Some(s) => s,
                    None => {
                        self.slab.push(None);
                        self.meta.push(Membership::default());
                        self.pos.push(u32::MAX);
                        (self.slab.len() - 1) as u32
                    }
                };
                self.put(slot, entry);
                self.by_id.insert(id, slot);
                self.place(slot);
                self.generation += 1;
                Some(Applied {
                    slot,
                    old: None,
                    new: self.membership(slot),
                })
            }
        }
    }

    /// Take a case out (closed, or gone).
    pub fn remove(&mut self, id: CaseId) -> Option<Applied> {
        let slot = self.by_id.remove(&id)?;
        let old = self.membership(slot);
        self.unplace(slot);
        self.slab[slot as usize] = None;
        self.free.push(slot);
        self.generation += 1;
        Some(Applied {
            slot,
            old,
            new: None,
        })
    }

    /// Take a slot out of the order, renumbering the places after it.
    fn unplace(&mut self, slot: u32) {
        let p = self.pos[slot as usize] as usize;
        if p >= self.order.len() {
            return;
        }
        self.order.remove(p);
        self.pos[slot as usize] = u32::MAX;
        for (i, &s) in self.order.iter().enumerate().skip(p) {
            self.pos[s as usize] = i as u32;
        }
    }

    /// Put a slot into the order by its key.
    fn place(&mut self, slot: u32) {
        let key = self.key(slot);
        let p = self.order.partition_point(|&s| self.key(s) < key);
        self.order.insert(p, slot);
        for (i, &s) in self.order.iter().enumerate().skip(p) {
            self.pos[s as usize] = i as u32;
        }
    }

    /// A new day: days left, overdue and the sections depending on them
    /// are worked out again for every row. True when the day changed.
    pub fn set_today(&mut self, today: NaiveDate, calendar: &Calendar) -> bool {
        if today == self.today {
            return false;
        }
        self.today = today;
        let mut left = HashMap::new();
        for slot in 0..self.slab.len() {
            if let Some(mut e) = self.slab[slot].take() {
                fill_days(&mut e.row, today, calendar, &mut left);
                e.base = self
                    .sections
                    .iter()
                    .take(32)
                    .enumerate()
                    .filter(|(_, s)| ignoring_mine(s).matches(&e.row, ""))
                    .fold(0u32, |m, (i, _)| m | (1 << i));
                self.meta[slot].base = e.base;
                self.slab[slot] = Some(e);
            }
        }
        self.generation += 1;
        true
    }
}

/// The tabs a row of membership `m` is in for viewer `me` (who sees only
/// their own and the unassigned rows when `own_only`), 0 if none.
#[inline]
fn tabs(m: &Membership, me: u32, own_only: bool, mine_sections: u32) -> u64 {
    if own_only && m.assignee != 0 && m.assignee != me {
        return 0;
    }
    let bits = if m.assignee == me {
        m.base
    } else {
        m.base & !mine_sections
    };
    1 | (u64::from(bits) << 1)
}

/// Days left and overdue of a row on `today`.
fn fill_days(
    row: &mut QueueRow,
    today: NaiveDate,
    calendar: &Calendar,
    left: &mut HashMap<NaiveDate, i64>,
) {
    let c = &mut row.case;
    c.days_left = c.due.map(|d| {
        *left
            .entry(d)
            .or_insert_with(|| crate::calendar::deadlines::days_left(today, d, calendar))
    });
    c.overdue = c.status.is_open() && !c.clock_stopped && c.due.is_some_and(|d| d < today);
}

/// One screen's look at the queue.
#[derive(Debug, Clone)]
pub struct QueueView {
    /// The operator looking (for the "mine" sections).
    me: String,
    /// Agents see only their own cases and the unassigned ones.
    holder: Option<String>,
    query: QueueQuery,
    narrowing: Narrowing,
    /// The rows matching the filter, best first (`None`: no filter).
    hits: Option<Vec<u32>>,
    /// Rows per tab under the filter.
    counts: Vec<usize>,
    /// Rows the viewer may see, without the filter.
    scope_total: usize,
    /// The generation of the index the view was last brought up to.
    generation: u64,
}

impl QueueView {
    /// A view for operator `me`; `own_only` for agents.
    pub fn new(idx: &QueueIndex, me: &str, own_only: bool, query: QueueQuery) -> QueueView {
        let mut v = QueueView {
            me: me.to_string(),
            holder: own_only.then(|| me.to_string()),
            query: QueueQuery::default(),
            narrowing: Narrowing::default(),
            hits: None,
            counts: Vec::new(),
            scope_total: 0,
            generation: idx.generation,
        };
        v.set_query(idx, query);
        v
    }

    pub fn query(&self) -> &QueueQuery {
        &self.query
    }

    /// The viewer's number as a holder (`u32::MAX` while no row was ever
    /// theirs: then none is).
    fn me_id(&self, idx: &QueueIndex) -> u32 {
        idx.known_holder(&self.me).unwrap_or(u32::MAX)
    }

    /// The tabs (bit 0: All; bit `s + 1`: section `s`) a row is in for this
    /// viewer, or 0 when they may not see it.
    fn tabs_of(&self, idx: &QueueIndex, m: &Membership) -> u64 {
        tabs(m, self.me_id(idx), self.holder.is_some(), idx.mine_sections)
    }

    /// The tabs of each slot of `slots` (which must be taken), quickly:
    /// the memberships only, with the viewer worked out once.
    fn tabs_fn<'a>(&self, idx: &'a QueueIndex) -> impl Fn(u32) -> u64 + 'a {
        let me = self.me_id(idx);
        let own = self.holder.is_some();
        let mine = idx.mine_sections;
        move |slot| match idx.meta.get(slot as usize) {
            Some(m) => tabs(m, me, own, mine),
            None => 0,
        }
    }

    fn tab_count(&self, idx: &QueueIndex) -> usize {
        idx.sections.len().min(32) + 1
    }

    /// Count every tab again from the rows (or the matches).
    fn recount(&mut self, idx: &QueueIndex) {
        let mut counts = vec![0usize; self.tab_count(idx)];
        let mut add = |tabs: u64| {
            let mut bits = tabs;
            while bits != 0 {
                let b = bits.trailing_zeros() as usize;
                if let Some(c) = counts.get_mut(b) {
                    *c += 1;
                }
                bits &= bits - 1;
            }
        };
        let tabs = self.tabs_fn(idx);
        match &self.hits {
            Some(h) => h.iter().for_each(|&s| add(tabs(s))),
            None => idx.order.iter().for_each(|&s| add(tabs(s))),
        }
        self.scope_total = match (&self.hits, &self.holder) {
            (None, _) => counts[0],
            (Some(_), None) => idx.len(),
            (Some(_), Some(_)) => idx.order.iter().filter(|&&s| tabs(s) != 0).count(),
        };
        self.counts = counts;
    }

    /// The rows this viewer may see, in queue order (the filter's scope).
    fn scope(&self, idx: &QueueIndex) -> Option<Vec<u32>> {
        self.holder.as_ref()?;
        let tabs = self.tabs_fn(idx);
        Some(
            idx.order
                .iter()
                .copied()
                .filter(|&s| tabs(s) != 0)
                .collect(),
        )
    }

    fn refilter(&mut self, idx: &QueueIndex) {
        let scope = self.scope(idx);
        self.hits = self
            .narrowing
            .run(idx, idx.generation, &self.query.filter, scope.as_deref());
    }

    /// Show another tab, filter or window; the page to draw.
    pub fn set_query(&mut self, idx: &QueueIndex, query: QueueQuery) -> QueuePage {
        let filter_changed = query.filter != self.query.filter || self.counts.is_empty();
        self.query = query;
        self.query.limit = self.query.limit.min(MAX_PAGE);
        if self.query.tab >= self.tab_count(idx) {
            self.query.tab = 0;
        }
        if self.generation != idx.generation {
            self.catch_up(idx);
        } else if filter_changed {
            self.refilter(idx);
            self.recount(idx);
        }
        self.page(idx)
    }

    /// Everything again after changes the view did not follow one by one.
    fn catch_up(&mut self, idx: &QueueIndex) {
        self.narrowing.reset();
        self.refilter(idx);
        self.recount(idx);
        self.generation = idx.generation;
    }

    /// Follow one change of the index. True when the page may differ.
    pub fn apply(&mut self, idx: &QueueIndex, change: &Applied) -> bool {
        if self.generation + 1 != idx.generation {
            // Changes were missed (or several came at once): start over.
            self.catch_up(idx);
            return true;
        }
        self.generation = idx.generation;
        let old = change.old.as_ref().map_or(0, |m| self.tabs_of(idx, m));
        let new = change.new.as_ref().map_or(0, |m| self.tabs_of(idx, m));
        self.scope_total =
            (self.scope_total + usize::from(new != 0)).saturating_sub(usize::from(old != 0));
        if self.hits.is_some() {
            let was_hit = self.hits.as_ref().is_some_and(|h| h.contains(&change.slot));
            let matches_now = new != 0
                && idx.line(change.slot).is_some_and(|line| {
                    filter::terms(&self.query.filter)
                        .iter()
                        .all(|t| filter::is_subsequence(line, t))
                });
            if !was_hit && !matches_now {
                return false;
            }
            let mut cands: Vec<u32> = self.hits.take().unwrap_or_default();
            cands.retain(|&s| s != change.slot && idx.entry(s).is_some());
            if matches_now {
                cands.push(change.slot);
            }
            let t = filter::terms(&self.query.filter);
            self.hits = Some(filter::filter(idx, &t, Some(&cands)));
            self.narrowing.reset();
            self.recount(idx);
            return true;
        }
        if old == 0 && new == 0 {
            return false;
        }
        for (tabs, sign) in [(old, -1i64), (new, 1)] {
            let mut bits = tabs;
            while bits != 0 {
                let b = bits.trailing_zeros() as usize;
                if let Some(c) = self.counts.get_mut(b) {
                    *c = (*c as i64 + sign).max(0) as usize;
                }
                bits &= bits - 1;
            }
        }
        true
    }

    /// Slots of the current tab under the filter, in order, lazily.
    fn tab_slots<'a>(&'a self, idx: &'a QueueIndex) -> Box<dyn Iterator<Item = u32> + 'a> {
        let bit = 1u64 << self.query.tab;
        let tabs = self.tabs_fn(idx);
        let keep = move |s: &u32| tabs(*s) & bit != 0;
        match &self.hits {
            Some(h) => Box::new(h.iter().copied().filter(keep)),
            None => Box::new(idx.order.iter().copied().filter(keep)),
        }
    }

    /// The window asked for, requester names masked.
    pub fn page(&self, idx: &QueueIndex) -> QueuePage {
        let total = self.counts.get(self.query.tab).copied().unwrap_or(0);
        let offset = self.query.offset.min(total.saturating_sub(1));
        let rows = self
            .tab_slots(idx)
            .skip(offset)
            .take(self.query.limit)
            .filter_map(|s| idx.entry(s))
            .map(|e| {
                let mut r = e.row.clone();
                r.case.requester_name = r.case.requester_name.as_deref().map(mask_name);
                r
            })
            .collect();
        QueuePage {
            seq: self.query.seq,
            tab: self.query.tab,
            filter: self.query.filter.clone(),
            total,
            all: self.scope_total,
            counts: self.counts.clone(),
            offset,
            rows,
            generation: idx.generation,
            notices: Vec::new(),
        }
    }

    /// Every case of the tab under the filter, with its version.
    pub fn ids(&self, idx: &QueueIndex) -> Vec<(CaseId, i64)> {
        self.tab_slots(idx)
            .filter_map(|s| idx.entry(s))
            .map(|e| (e.row.case.id, e.row.case.version))
            .collect()
    }
}

#[cfg(test)]
mod tests;
