//! The queue's `/` filter: fuzzy matching (skim's scoring from
//! fuzzy-matcher, as the palette uses) over one precomputed line per case:
//! id, requester name, kind, assignee and the start of the description,
//! lower-cased once when the case enters the server's queue index. The
//! server runs it for each session's queue, narrowing within the last
//! answer while the query grows (a longer query never matches more), and
//! splits a full pass across the cores.
//!
//! Words of a query must all match (as in fzf: their characters in order,
//! the set skim's matcher accepts). Rows come back best first: words found
//! whole at the start of a word, then whole, then scattered; the best
//! [`SCORED_ROWS`] ordered by skim's score; ties in queue order (soonest
//! due first). Finding the set is a byte scan; only the rows that can be
//! on top are scored, so a keystroke costs little even when most of
//! 100,000 rows match a first letter.

use crate::domain::queue::QueueRow;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use std::fmt;

/// One lower-cased line per queue row, in row order.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Haystacks {
    lines: Vec<Box<str>>,
}

impl fmt::Debug for Haystacks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Haystacks({} lines)", self.lines.len())
    }
}

/// The line the filter matches for one row. The requester name is in it
/// (so it can be found) but never shown from it.
pub fn haystack(row: &QueueRow, description: &str) -> String {
    let c = &row.case;
    let kind = match c.kind {
        Some(k) => k.as_str(),
        None => c.category.as_str(),
    };
    let mut line = String::with_capacity(64 + description.len());
    line.push_str(&c.id.to_string());
    for part in [
        c.requester_name.as_deref().unwrap_or(""),
        kind,
        c.assignee.as_deref().unwrap_or("unassigned"),
        description,
    ] {
        line.push(' ');
        line.extend(
            part.chars()
                .map(|ch| if ch.is_control() { ' ' } else { ch }),
        );
    }
    line.replace('_', " ").to_lowercase()
}

impl Haystacks {
    pub fn build(rows: &[QueueRow], descriptions: &[String]) -> Haystacks {
        Haystacks {
            lines: rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let d = descriptions.get(i).map(String::as_str).unwrap_or("");
                    haystack(r, d).into_boxed_str()
                })
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Bytes held by the lines (for the benchmark's memory figures).
    pub fn bytes(&self) -> usize {
        self.lines.iter().map(|l| l.len()).sum()
    }

    pub fn line(&self, i: usize) -> Option<&str> {
        self.lines.get(i).map(|l| &**l)
    }
}

/// The lines a filter runs over: each has an id (a slot) and a place in
/// the queue (soonest due first), which orders equally good matches.
pub trait Lines: Sync {
    /// How many places the queue has.
    fn positions(&self) -> usize;
    /// The slot at a place.
    fn at(&self, position: usize) -> u32;
    /// The place of a slot.
    fn position(&self, slot: u32) -> usize;
    /// The line of a slot.
    fn line(&self, slot: u32) -> Option<&str>;
}

/// Haystacks are their own queue: line `i` is at place `i`.
impl Lines for Haystacks {
    fn positions(&self) -> usize {
        self.lines.len()
    }
    fn at(&self, position: usize) -> u32 {
        position as u32
    }
    fn position(&self, slot: u32) -> usize {
        slot as usize
    }
    fn line(&self, slot: u32) -> Option<&str> {
        self.lines.get(slot as usize).map(|l| &**l)
    }
}

/// The words of a query, lower-cased; empty when there is nothing to match.
pub fn terms(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

/// Whether the characters of `term` occur in `line` in order: the set of
/// lines the fuzzy matcher accepts. ASCII terms are compared byte by byte
/// (an ASCII byte is never part of another character in UTF-8).
pub(crate) fn is_subsequence(line: &str, term: &str) -> bool {
    if term.is_ascii() {
        let mut rest = line.as_bytes();
        for &b in term.as_bytes() {
            match memchr::memchr(b, rest) {
                Some(i) => rest = &rest[i + 1..],
                None => return false,
            }
        }
        true
    } else {
        let mut chars = line.chars();
        term.chars().all(|t| chars.any(|c| c == t))
    }
}

/// How well the terms sit in the line, cheaply: per term, 2 when it
/// starts a word, 1 when it is there in one piece, 0 when only scattered.
/// (Bytes: a UTF-8 term found in the bytes is found in the characters.)
fn tier(line: &str, finders: &[memchr::memmem::Finder<'_>]) -> u32 {
    let line = line.as_bytes();
    finders
        .iter()
        .map(|f| {
            let mut best = 0;
            for at in f.find_iter(line) {
                if at == 0 || line[at - 1] == b' ' {
                    return 2;
                }
                best = 1;
            }
            best
        })
        .sum()
}

/// The matcher that orders the best rows: skim's scoring, on lower-cased
/// lines, in its linear-time form (the one skim uses for long lines).
fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().respect_case().element_limit(1)
}

/// How many of the best rows the fuzzy scorer orders exactly; the rest
/// follow by tier, then in queue order (soonest due first).
pub const SCORED_ROWS: usize = 300;

/// Slots among `candidates` (every place in order when `None`) whose line
/// holds every term (fuzzily: its characters in order). Best first: rows
/// where the terms start words, then rows holding them in one piece, then
/// scattered ones; the first [`SCORED_ROWS`] ordered by skim's score; ties
/// in queue order.
pub fn filter<L: Lines>(hay: &L, terms: &[String], candidates: Option<&[u32]>) -> Vec<u32> {
    filter_known(hay, terms, candidates, 0)
}

/// [`filter`] where every candidate is known to hold the first `known`
/// terms already (the answer to a shorter query), so only the others are
/// looked for.
fn filter_known<L: Lines>(
    hay: &L,
    terms: &[String],
    candidates: Option<&[u32]>,
    known: usize,
) -> Vec<u32> {
    let all: Vec<u32>;
    let cands: &[u32] = match candidates {
        Some(c) => c,
        None => {
            all = (0..hay.positions()).map(|p| hay.at(p)).collect();
            &all
        }
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    // Each term's substring search is set up once, not once a line.
    let finders: Vec<memchr::memmem::Finder<'_>> = terms
        .iter()
        .map(|t| memchr::memmem::Finder::new(t.as_bytes()))
        .collect();
    let run = |part: &[u32]| -> Vec<(u32, u32)> {
        part.iter()
            .filter_map(|&i| {
                let line = hay.line(i)?;
                terms
                    .iter()
                    .skip(known)
                    .all(|t| is_subsequence(line, t))
                    .then(|| (tier(line, &finders), i))
            })
            .collect()
    };
    let found: Vec<(u32, u32)> = if threads > 1 && cands.len() >= 20_000 {
        let chunk = cands.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = cands
                .chunks(chunk)
                .map(|part| scope.spawn(move || run(part)))
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    } else {
        run(cands)
    };
    // Best tier first, each in queue order: one pass over the places in
    // order instead of a sort.
    let top_tier = found.iter().map(|f| f.0).max().unwrap_or(0) as usize;
    let mut tier_at = vec![u8::MAX; hay.positions()];
    for &(t, i) in &found {
        if let Some(slot) = tier_at.get_mut(hay.position(i)) {
            *slot = t.min(u32::from(u8::MAX - 1)) as u8;
        }
    }
    let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); top_tier.min(usize::from(u8::MAX - 1)) + 1];
    for (p, &t) in tier_at.iter().enumerate() {
        if t != u8::MAX {
            buckets[usize::from(t)].push(hay.at(p));
        }
    }
    let found: Vec<(u32, u32)> = buckets
        .iter()
        .enumerate()
        .rev()
        .flat_map(|(t, b)| b.iter().map(move |&i| (t as u32, i)))
        .collect();
    // The rows on top: ordered by the fuzzy score within their tier.
    let m = matcher();
    let top = found.len().min(SCORED_ROWS);
    let mut scored: Vec<(u32, i64, usize, u32)> = found[..top]
        .iter()
        .map(|&(t, i)| {
            let line = hay.line(i).unwrap_or("");
            let score = terms
                .iter()
                .map(|term| m.fuzzy_match(line, term).unwrap_or(0))
                .sum();
            (t, score, hay.position(i), i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored
        .into_iter()
        .map(|(_, _, _, i)| i)
        .chain(found[top..].iter().map(|&(_, i)| i))
        .collect()
}

/// Remembers the last answer to narrow the next one within it.
#[derive(Debug, Default, Clone)]
pub struct Narrowing {
    /// The generation of the lines, the query, and its answer.
    last: Option<(u64, String, Vec<u32>)>,
}

impl Narrowing {
    /// Answer `query` over `hay` at generation `gen` among `scope` (every
    /// place when `None`), narrowing within the previous answer when the
    /// query only grew and nothing changed meanwhile.
    pub fn run<L: Lines>(
        &mut self,
        hay: &L,
        gen: u64,
        query: &str,
        scope: Option<&[u32]>,
    ) -> Option<Vec<u32>> {
        let t = terms(query);
        if t.is_empty() {
            self.last = None;
            return None;
        }
        let q = t.join(" ");
        let (within, known) = match &self.last {
            Some((g, prev, hits)) if *g == gen && q.starts_with(prev.as_str()) => {
                // Terms that did not change were matched by every hit.
                let before = terms(prev);
                let known = before.iter().zip(&t).take_while(|(a, b)| a == b).count();
                (Some(hits.as_slice()), known)
            }
            _ => (scope, 0),
        };
        let hits = filter_known(hay, &t, within, known);
        self.last = Some((gen, q, hits.clone()));
        Some(hits)
    }

    /// Forget the last answer (the lines changed).
    pub fn reset(&mut self) {
        self.last = None;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::{CaseId, CaseStatus, CaseSummary, Category, Law, Priority, RequestKind};

    pub(crate) fn row(
        n: u32,
        name: &str,
        kind: Option<RequestKind>,
        assignee: Option<&str>,
    ) -> QueueRow {
        QueueRow {
            case: CaseSummary {
                id: CaseId::parse(&format!("PD-2026-{n:06}")).expect("id"),
                version: 1,
                status: CaseStatus::New,
                category: if kind.is_some() {
                    Category::RightsRequest
                } else {
                    Category::Complaint
                },
                kind,
                law: Law::Appi,
                priority: Priority::Normal,
                assignee: assignee.map(str::to_string),
                channel: "email".into(),
                received_at: chrono::DateTime::parse_from_rfc3339("2026-01-05T10:00:00+09:00")
                    .expect("time"),
                requester_name: Some(name.into()),
                due: None,
                days_left: None,
                clock_stopped: false,
                overdue: false,
            },
            pending_approvals: 0,
        }
    }

    fn hay() -> Haystacks {
        let rows = vec![
            row(1, "Yamada Taro", Some(RequestKind::Disclosure), Some("sue")),
            row(2, "Suzuki Hanako", None, None),
            row(
                3,
                "Tanaka Ichiro",
                Some(RequestKind::ThirdPartyRecords),
                Some("alice"),
            ),
        ];
        let descr = vec![
            "wants a copy".to_string(),
            "rude reply by phone".to_string(),
            "who received my data".to_string(),
        ];
        Haystacks::build(&rows, &descr)
    }

    #[test]
    fn lines_hold_every_field_lower_cased() {
        let h = hay();
        assert_eq!(
            h.line(2),
            Some("pd-2026-000003 tanaka ichiro third party records alice who received my data")
        );
        assert_eq!(
            h.line(1),
            Some("pd-2026-000002 suzuki hanako complaint unassigned rude reply by phone")
        );
    }

    #[test]
    fn every_word_must_match_best_first() {
        let h = hay();
        let f = |q: &str| filter(&h, &terms(q), None);
        assert_eq!(f("yamada"), vec![0]);
        assert_eq!(f("YAMADA disc"), vec![0]);
        assert_eq!(f("000002"), vec![1]);
        assert_eq!(f("alice"), vec![2]);
        assert_eq!(f("unassigned phone"), vec![1]);
        assert!(f("zzz").is_empty());
        // Many match a short fragment; the closest comes first.
        let hits = f("ta");
        assert!(hits.len() >= 2, "{hits:?}");
    }

    #[test]
    fn narrowing_gives_what_a_full_pass_gives() {
        let h = hay();
        let mut n = Narrowing::default();
        for q in ["t", "ta", "tan", "tana", "ta", "s", "su"] {
            assert_eq!(
                n.run(&h, 1, q, None),
                Some(filter(&h, &terms(q), None)),
                "query {q:?}"
            );
        }
        assert_eq!(n.run(&h, 1, "  ", None), None);
    }

    /// Lines whose slots are not their places: ties follow the places.
    struct Shuffled {
        hay: Haystacks,
        order: Vec<u32>,
    }

    impl Lines for Shuffled {
        fn positions(&self) -> usize {
            self.order.len()
        }
        fn at(&self, position: usize) -> u32 {
            self.order[position]
        }
        fn position(&self, slot: u32) -> usize {
            self.order.iter().position(|&s| s == slot).unwrap()
        }
        fn line(&self, slot: u32) -> Option<&str> {
            self.hay.line(slot as usize)
        }
    }

    #[test]
    fn equal_matches_come_in_queue_order_not_slot_order() {
        let rows: Vec<QueueRow> = (1..=4).map(|n| row(n, "Sato Ken", None, None)).collect();
        let descr = vec![String::new(); 4];
        let s = Shuffled {
            hay: Haystacks::build(&rows, &descr),
            order: vec![2, 0, 3, 1],
        };
        assert_eq!(filter(&s, &terms("sato"), None), vec![2, 0, 3, 1]);
        assert_eq!(filter(&s, &terms("sato"), Some(&[1, 3])), vec![3, 1]);
    }
}
