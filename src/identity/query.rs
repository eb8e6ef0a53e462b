//! Turning what an operator typed into a [`SearchQuery`].

use unicode_normalization::UnicodeNormalization;

use super::normalize;
use crate::domain::{QueryKind, SearchQuery};

/// Why a typed query cannot be searched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing left after trimming and removing control characters.
    #[error("the query is empty; type a name, an email or a phone number")]
    Empty,
    /// More characters than the configured limit.
    #[error("the query is {chars} characters long; the limit is {max}")]
    TooLong { chars: usize, max: usize },
}

/// Digits needed before a query of digits and punctuation counts as a phone.
const MIN_PHONE_DIGITS: usize = 7;

/// Guess what the operator typed: `Email` when it has an `@` (or `＠`);
/// `Phone` when, after NFKC, it holds only digits, spaces and `+-().` (or
/// other dashes) with at least seven digits; otherwise `Name`. Never `Text`.
pub fn detect_kind(q: &str) -> QueryKind {
    if q.contains('@') || q.contains('＠') {
        return QueryKind::Email;
    }
    let mut digits = 0;
    for c in q.nfkc() {
        match c {
            '0'..='9' => digits += 1,
            '+' | '-' | '(' | ')' | '.' => {}
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' => {}
            c if c.is_whitespace() => {}
            _ => return QueryKind::Name,
        }
    }
    if digits >= MIN_PHONE_DIGITS {
        QueryKind::Phone
    } else {
        QueryKind::Name
    }
}

/// Remove control characters; tabs and line breaks become spaces so pasted
/// `Yamada\tTaro` keeps its word break.
fn strip_controls(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Name form sent to systems: NFKC, runs of whitespace collapsed to one
/// space, trimmed. Case is kept.
fn name_form(s: &str) -> String {
    let n: String = s.nfkc().collect();
    n.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Validate and normalise a typed query.
///
/// Control characters are removed and the text trimmed; then the query must
/// be non-empty and at most `max_chars` characters. The kind comes from
/// [`detect_kind`]; an e-mail or phone that does not normalise is searched as
/// a name instead. `raw` keeps the trimmed text as typed.
pub fn prepare_query(raw: &str, max_chars: usize) -> Result<SearchQuery, QueryError> {
    let text = strip_controls(raw);
    let text = text.trim();
    if text.is_empty() {
        return Err(QueryError::Empty);
    }
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(QueryError::TooLong {
            chars,
            max: max_chars,
        });
    }
    let as_name = || SearchQuery {
        kind: QueryKind::Name,
        raw: text.to_string(),
        normalized: name_form(text),
        phone_e164: None,
        phone_national: None,
    };
    let query = match detect_kind(text) {
        QueryKind::Email => match normalize::email(text) {
            Some(e) => SearchQuery {
                kind: QueryKind::Email,
                raw: text.to_string(),
                normalized: e,
                phone_e164: None,
                phone_national: None,
            },
            None => as_name(),
        },
        QueryKind::Phone => match normalize::phone(text) {
            Some(e164) => SearchQuery {
                kind: QueryKind::Phone,
                raw: text.to_string(),
                phone_national: normalize::phone_national(&e164),
                phone_e164: Some(e164.clone()),
                normalized: e164,
            },
            None => as_name(),
        },
        _ => as_name(),
    };
    Ok(query)
}
