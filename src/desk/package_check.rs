//! For a package: confirm that a system with no record linked to the case
//! really holds nothing about the person, by searching it for the
//! requester's email addresses and phone numbers (those of the case and of
//! the fetched records), or by name when the system searches by neither.

use crate::connectors::Connector;
use crate::domain::{QueryKind, SearchQuery};
use crate::identity;
use crate::package::{PartStatus, SystemPart};
use chrono::{DateTime, Utc};
use futures::future::join_all;
use std::sync::Arc;

/// Most identifiers searched for (emails and phones together).
const MAX_IDENTIFIERS: usize = 8;

/// The identifiers to search by: normalised emails and phones, deduplicated,
/// in the order given, at most [`MAX_IDENTIFIERS`].
pub(super) fn identifiers<'a>(
    emails: impl IntoIterator<Item = &'a str>,
    phones: impl IntoIterator<Item = &'a str>,
) -> Vec<SearchQuery> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let norm = emails
        .into_iter()
        .filter_map(identity::normalize::email)
        .chain(phones.into_iter().filter_map(identity::normalize::phone));
    for n in norm {
        if seen.contains(&n) || out.len() >= MAX_IDENTIFIERS {
            continue;
        }
        if let Ok(q) = identity::prepare_query(&n, usize::MAX) {
            if matches!(q.kind, QueryKind::Email | QueryKind::Phone) {
                seen.push(n);
                out.push(q);
            }
        }
    }
    out
}

/// What one system's check found, for the audit entry too.
pub(super) struct Checked {
    pub part: SystemPart,
    /// Searches made.
    pub searches: usize,
}

/// Search `conn` by every identifier it supports (or by `name` when it
/// supports none of them), leaving out records named in `not_theirs`.
pub(super) async fn check_system(
    conn: &Arc<Connector>,
    ids: &[SearchQuery],
    name: Option<&str>,
    not_theirs: &[String],
    at: DateTime<Utc>,
) -> Checked {
    let mut queries: Vec<&SearchQuery> = ids.iter().filter(|q| conn.supports(q.kind)).collect();
    let by_name = name
        .filter(|_| queries.is_empty() && conn.supports(QueryKind::Name))
        .and_then(|n| identity::prepare_query(n, usize::MAX).ok())
        .filter(|q| q.kind == QueryKind::Name);
    if let Some(q) = &by_name {
        queries.push(q);
    }
    let mut part = SystemPart::new(conn.name(), conn.display_name(), PartStatus::NoneHeld);
    if queries.is_empty() {
        let by: Vec<&str> = conn
            .def()
            .search
            .iter()
            .flat_map(|s| s.kinds.iter().map(|k| k.as_str()))
            .collect();
        part.status = PartStatus::NotSearched;
        part.message = Some(format!(
            "it searches by {} and the case has none of these for the requester; add the requester's email or phone to the case, or link the system's record",
            by.join(", ")
        ));
        return Checked { part, searches: 0 };
    }
    let results = join_all(queries.iter().map(|q| conn.search(q))).await;
    for q in &queries {
        let k = q.kind.as_str().to_string();
        if !part.searched_by.contains(&k) {
            part.searched_by.push(k);
        }
    }
    part.checked_at = Some(at);
    let mut failure = None;
    for r in &results {
        match r {
            Ok(out) => {
                for rec in &out.records {
                    let key = format!("{}:{}", rec.system, rec.id);
                    if !not_theirs.contains(&key) && !part.unlinked.contains(&rec.id) {
                        part.unlinked.push(rec.id.clone());
                    }
                }
            }
            Err(e) if failure.is_none() => failure = Some(e.to_string()),
            Err(_) => {}
        }
    }
    if !part.unlinked.is_empty() {
        part.status = PartStatus::UnlinkedMatches;
    } else if let Some(f) = failure {
        part.status = PartStatus::CheckFailed;
        part.message = Some(f);
    }
    Checked {
        part,
        searches: queries.len(),
    }
}
