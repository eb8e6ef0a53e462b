//! Scoring persons against the query and ordering them best first.
//!
//! # Scoring
//!
//! The query is turned into one or more *forms* and each record into
//! *candidates*, both folded the same way:
//!
//! | query kind | query forms                                   | record candidates                                     |
//! |------------|-----------------------------------------------|-------------------------------------------------------|
//! | email      | normalised address                            | normalised e-mail                                     |
//! | phone      | E.164 digits, national digits                 | phone digits (E.164 and national when it parses)      |
//! | name       | folded name, reading (kana), name keys        | name, folded name, name keys, readings, extra fields named like a name (romaji), e-mail |
//!
//! A form equal to a candidate scores **100** (for e-mail and phone queries
//! this is an exact match of the normalised value). Otherwise the pair scores
//! the larger of:
//! - the skim fuzzy score divided by the form's score against itself (the
//!   best achievable), times 100;
//! - the Dice coefficient of the character bigrams of the two strings, times
//!   100, which still ranks typos the fuzzy matcher rejects (`yamasa` for
//!   `yamada`).
//!
//! Both are capped at 99, so only an exact match reaches 100. A record scores
//! its best pair, a person its best record. Persons are ordered by score,
//! then by number of records (more first), then by name; the sort is stable.

use std::cmp::Reverse;

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use super::normalize;
use crate::domain::{Person, QueryKind, Record, SearchQuery};

/// Highest score for anything short of an exact match.
const NEAR_MAX: u8 = 99;

/// One folded form of the query with its self-match score.
struct Form {
    text: String,
    best: Option<i64>,
    grams: Bigrams,
}

/// Scores records against one query.
struct Scorer {
    matcher: SkimMatcherV2,
    kind: QueryKind,
    forms: Vec<Form>,
}

/// An extra field holding a name: its key or label says so.
fn is_name_field(key: &str, label: &str) -> bool {
    key.to_lowercase().contains("name") || label.to_lowercase().contains("name")
}

/// Push `s` unless it is empty or already present.
fn push_unique(out: &mut Vec<String>, s: String) {
    if !s.is_empty() && !out.contains(&s) {
        out.push(s);
    }
}

/// Digit strings of a phone value: E.164 without `+` and the national form
/// when it parses, else the bare digits.
fn phone_digit_forms(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    match normalize::phone(raw) {
        Some(e164) => {
            if let Some(national) = normalize::phone_national(&e164) {
                push_unique(&mut out, national);
            }
            push_unique(&mut out, e164.trim_start_matches('+').to_string());
        }
        None => {
            let digits: String = normalize::nfkc(raw)
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            push_unique(&mut out, digits);
        }
    }
    out
}

impl Scorer {
    fn new(query: &SearchQuery) -> Self {
        let matcher = SkimMatcherV2::default().ignore_case();
        let mut texts = Vec::new();
        match query.kind {
            QueryKind::Email => push_unique(&mut texts, query.normalized.to_lowercase()),
            QueryKind::Phone => {
                let value = query.phone_e164.as_deref().unwrap_or(&query.normalized);
                texts = phone_digit_forms(value);
            }
            QueryKind::Name | QueryKind::Text => {
                push_unique(&mut texts, normalize::fold(&query.normalized));
                push_unique(&mut texts, normalize::kana(&query.normalized));
                for k in normalize::name_keys(&query.normalized) {
                    push_unique(&mut texts, k);
                }
            }
        }
        let forms = texts
            .into_iter()
            .map(|text| {
                let best = matcher.fuzzy_match(&text, &text).filter(|s| *s > 0);
                let grams = Bigrams::of(&text);
                Form { text, best, grams }
            })
            .collect();
        Scorer {
            matcher,
            kind: query.kind,
            forms,
        }
    }

    /// The strings of `r` this query is compared with.
    fn candidates(&self, r: &Record) -> Vec<String> {
        let mut out = Vec::new();
        let email = r
            .email
            .as_deref()
            .map(|e| normalize::email(e).unwrap_or_else(|| normalize::fold(e)));
        match self.kind {
            QueryKind::Email => {
                if let Some(e) = email {
                    push_unique(&mut out, e);
                }
            }
            QueryKind::Phone => {
                if let Some(p) = r.phone.as_deref() {
                    for d in phone_digit_forms(p) {
                        push_unique(&mut out, d);
                    }
                }
            }
            QueryKind::Name | QueryKind::Text => {
                if let Some(name) = r.name.as_deref() {
                    let spaced = normalize::nfkc(name).to_lowercase();
                    push_unique(
                        &mut out,
                        spaced.split_whitespace().collect::<Vec<_>>().join(" "),
                    );
                    push_unique(&mut out, normalize::fold(name));
                    for k in normalize::name_keys(name) {
                        push_unique(&mut out, k);
                    }
                    push_unique(&mut out, normalize::kana(name));
                }
                if let Some(reading) = r.name_kana.as_deref() {
                    push_unique(&mut out, normalize::kana(reading));
                }
                // Other spellings a system keeps as extra fields (a romaji
                // name, a former name) count as names too.
                for x in r.extra.iter().filter(|x| is_name_field(&x.key, &x.label)) {
                    push_unique(&mut out, normalize::fold(&x.value));
                    for k in normalize::name_keys(&x.value) {
                        push_unique(&mut out, k);
                    }
                }
                if let Some(e) = email {
                    push_unique(&mut out, e);
                }
            }
        }
        out
    }

    /// 0-100 score of one record.
    fn record_score(&self, r: &Record) -> u8 {
        let candidates: Vec<(String, Bigrams)> = self
            .candidates(r)
            .into_iter()
            .map(|c| {
                let grams = Bigrams::of(&c);
                (c, grams)
            })
            .collect();
        let mut best = 0u8;
        for form in &self.forms {
            for (cand, grams) in &candidates {
                let s = self.pair_score(form, cand, grams);
                if s > best {
                    best = s;
                    if best == 100 {
                        return best;
                    }
                }
            }
        }
        best
    }

    fn pair_score(&self, form: &Form, cand: &str, cand_grams: &Bigrams) -> u8 {
        if form.text == cand {
            return 100;
        }
        let fuzzy = match (form.best, self.matcher.fuzzy_match(cand, &form.text)) {
            (Some(best), Some(raw)) => percent(raw.max(0) as f64 / best as f64),
            _ => 0,
        };
        fuzzy.max(percent(form.grams.dice(cand_grams)))
    }
}

/// `ratio` (0.0-1.0, clamped) as a 0-99 score.
fn percent(ratio: f64) -> u8 {
    let p = (ratio.clamp(0.0, 1.0) * 100.0).round() as u8;
    p.min(NEAR_MAX)
}

/// Sorted character bigrams of a string, for the Dice coefficient.
struct Bigrams(Vec<(char, char)>);

impl Bigrams {
    fn of(s: &str) -> Self {
        let mut grams = Vec::with_capacity(s.len());
        let mut chars = s.chars();
        if let Some(mut prev) = chars.next() {
            for c in chars {
                grams.push((prev, c));
                prev = c;
            }
        }
        grams.sort_unstable();
        Bigrams(grams)
    }

    /// Dice coefficient of the two bigram multisets; 0 when either is empty.
    fn dice(&self, other: &Bigrams) -> f64 {
        let (x, y) = (&self.0, &other.0);
        if x.is_empty() || y.is_empty() {
            return 0.0;
        }
        let (mut i, mut j, mut shared) = (0, 0, 0usize);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
            }
        }
        2.0 * shared as f64 / (x.len() + y.len()) as f64
    }
}

/// Dice coefficient of the character bigram multisets of `a` and `b`
/// (0.0-1.0). Strings shorter than two characters compare by equality.
pub fn dice(a: &str, b: &str) -> f64 {
    if a.chars().nth(1).is_none() || b.chars().nth(1).is_none() {
        return if !a.is_empty() && a == b { 1.0 } else { 0.0 };
    }
    Bigrams::of(a).dice(&Bigrams::of(b))
}

/// Score every person against `query` (see the module notes) and sort best
/// first: score, then more records, then name.
pub fn rank(persons: &mut [Person], query: &SearchQuery) {
    let scorer = Scorer::new(query);
    for p in persons.iter_mut() {
        p.score = p
            .records
            .iter()
            .map(|r| scorer.record_score(r))
            .max()
            .unwrap_or(0);
    }
    persons.sort_by_cached_key(|p| (Reverse(p.score), Reverse(p.records.len()), name_order(p)));
}

/// Sort key by name: named persons first, then by folded name.
fn name_order(p: &Person) -> (bool, String) {
    match p.first("name") {
        Some(n) => (false, normalize::fold(n)),
        None => (true, String::new()),
    }
}
