//! The queue's `/` filter: fuzzy matching (skim's scoring from
//! fuzzy-matcher, as the palette uses) over one precomputed line per case: id, requester name, kind,
//! assignee and the start of the description, lower-cased once when the
//! queue loads. Matching runs on a worker thread, never on the drawing
//! path: the worker takes only the newest query waiting, narrows within
//! the last result while the query grows (a longer query never matches
//! more), and splits a full pass across the cores.
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
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;

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

/// The words of a query, lower-cased; empty when there is nothing to match.
pub fn terms(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

/// Whether the characters of `term` occur in `line` in order: the set of
/// lines the fuzzy matcher accepts. ASCII terms are compared byte by byte
/// (an ASCII byte is never part of another character in UTF-8).
fn is_subsequence(line: &str, term: &str) -> bool {
    if term.is_ascii() {
        let mut rest = line.as_bytes();
        for &b in term.as_bytes() {
            match rest.iter().position(|&x| x == b) {
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
fn tier(line: &str, terms: &[String]) -> u32 {
    let line = line.as_bytes();
    terms
        .iter()
        .map(|t| {
            let t = t.as_bytes();
            let Some(&first) = t.first() else { return 0 };
            let mut best = 0;
            let mut from = 0;
            while let Some(p) = line[from..].iter().position(|&b| b == first) {
                let at = from + p;
                if line[at..].starts_with(t) {
                    if at == 0 || line[at - 1] == b' ' {
                        return 2;
                    }
                    best = 1;
                }
                from = at + 1;
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

/// Rows among `candidates` (all when `None`) whose line holds every term
/// (fuzzily: its characters in order). Best first: rows where the terms
/// start words, then rows holding them in one piece, then scattered ones;
/// the first [`SCORED_ROWS`] ordered by skim's score; ties in queue order.
pub fn filter(hay: &Haystacks, terms: &[String], candidates: Option<&[u32]>) -> Vec<u32> {
    let all: Vec<u32>;
    let cands: &[u32] = match candidates {
        Some(c) => c,
        None => {
            all = (0..hay.lines.len() as u32).collect();
            &all
        }
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let run = |part: &[u32]| -> Vec<(u32, u32)> {
        part.iter()
            .filter_map(|&i| {
                let line = hay.lines.get(i as usize)?;
                terms
                    .iter()
                    .all(|t| is_subsequence(line, t))
                    .then(|| (tier(line, terms), i))
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
    // Best tier first, each in queue order: one pass over the rows in
    // order instead of a sort.
    let top_tier = found.iter().map(|f| f.0).max().unwrap_or(0) as usize;
    let mut tier_of = vec![u8::MAX; hay.lines.len()];
    for &(t, i) in &found {
        if let Some(slot) = tier_of.get_mut(i as usize) {
            *slot = t.min(u32::from(u8::MAX - 1)) as u8;
        }
    }
    let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); top_tier.min(usize::from(u8::MAX - 1)) + 1];
    for (i, &t) in tier_of.iter().enumerate() {
        if t != u8::MAX {
            buckets[usize::from(t)].push(i as u32);
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
    let mut scored: Vec<(u32, i64, u32)> = found[..top]
        .iter()
        .map(|&(t, i)| {
            let line = hay.lines.get(i as usize).map_or("", |l| &**l);
            let score = terms
                .iter()
                .map(|term| m.fuzzy_match(line, term).unwrap_or(0))
                .sum();
            (t, score, i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored
        .into_iter()
        .map(|(_, _, i)| i)
        .chain(found[top..].iter().map(|&(_, i)| i))
        .collect()
}

/// A query for the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterJob {
    /// The load the haystacks belong to.
    pub gen: u64,
    /// Raised with every keystroke; answers to older ones are dropped.
    pub seq: u64,
    pub query: String,
    pub hay: Arc<Haystacks>,
}

/// The worker's answer: matching rows, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterResult {
    pub gen: u64,
    pub seq: u64,
    pub hits: Vec<u32>,
}

/// Remembers the last answer to narrow the next one within it.
#[derive(Default)]
pub struct Narrowing {
    last: Option<(u64, String, Vec<u32>)>,
}

impl Narrowing {
    /// Answer `job`, narrowing within the previous answer when the query
    /// only grew (same load).
    pub fn run(&mut self, job: &FilterJob) -> Vec<u32> {
        let t = terms(&job.query);
        if t.is_empty() {
            self.last = None;
            return (0..job.hay.len() as u32).collect();
        }
        let q = t.join(" ");
        let within = match &self.last {
            Some((gen, prev, hits)) if *gen == job.gen && q.starts_with(prev.as_str()) => {
                Some(hits.as_slice())
            }
            _ => None,
        };
        let hits = filter(&job.hay, &t, within);
        self.last = Some((job.gen, q, hits.clone()));
        hits
    }
}

/// A thread that answers filter jobs, newest first, dropping stale ones.
pub struct FilterWorker {
    jobs: Sender<FilterJob>,
}

impl FilterWorker {
    /// Start the worker; `answer` gets each result (and returns false once
    /// nobody listens, which ends the worker).
    pub fn spawn(answer: impl Fn(FilterResult) -> bool + Send + 'static) -> FilterWorker {
        let (jobs, rx): (Sender<FilterJob>, Receiver<FilterJob>) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("privdesk-filter".into())
            .spawn(move || {
                let mut narrowing = Narrowing::default();
                while let Ok(mut job) = rx.recv() {
                    // Only the newest query waiting matters.
                    while let Ok(newer) = rx.try_recv() {
                        job = newer;
                    }
                    let hits = narrowing.run(&job);
                    if !answer(FilterResult {
                        gen: job.gen,
                        seq: job.seq,
                        hits,
                    }) {
                        break;
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "the queue filter thread did not start");
        }
        FilterWorker { jobs }
    }

    pub fn submit(&self, job: FilterJob) {
        let _ = self.jobs.send(job);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseId, CaseStatus, CaseSummary, Category, Law, Priority, RequestKind};

    fn row(n: u32, name: &str, kind: Option<RequestKind>, assignee: Option<&str>) -> QueueRow {
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
        let h = Arc::new(hay());
        let mut n = Narrowing::default();
        let mut job = |seq: u64, q: &str| {
            n.run(&FilterJob {
                gen: 1,
                seq,
                query: q.into(),
                hay: h.clone(),
            })
        };
        for (i, q) in ["t", "ta", "tan", "tana", "ta", "s", "su"]
            .iter()
            .enumerate()
        {
            assert_eq!(job(i as u64, q), filter(&h, &terms(q), None), "query {q:?}");
        }
        assert_eq!(job(9, "  "), vec![0, 1, 2]);
    }
}
