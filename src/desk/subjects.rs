//! The data subjects an audit entry's personal values are about: the
//! tokens whose keys seal those values (see `store::personal`), and which
//! a purge or an erasure shreds.
//!
//! - `record:<system>:<id>`: a record of a connected system;
//! - `case:<case number>`: free text typed on a case (reasons, purposes,
//!   results);
//! - `query:<normalised query>`: a name, e-mail or phone as searched for,
//!   in the form a search normalises it to (so `090-1234-5678` and
//!   `+81 90 1234 5678` are one subject), lower-cased.

use crate::domain::{Case, CaseId};
use crate::identity;
use serde_json::Value;

pub fn record(key: &str) -> String {
    format!("record:{key}")
}

pub fn case(id: CaseId) -> String {
    format!("case:{id}")
}

/// The token of an already normalised query.
pub fn query_normalized(normalized: &str) -> String {
    format!("query:{}", normalized.to_lowercase())
}

/// The token of a query as typed; `None` when it is no query at all.
pub fn query(text: &str, max_chars: usize) -> Option<String> {
    let q = identity::prepare_query(text, max_chars).ok()?;
    Some(query_normalized(&q.normalized))
}

/// A record key (`crm:C-1`) as a sealed personal value.
pub fn sealed_record(key: &str) -> Value {
    crate::store::personal(&record(key), key)
}

/// Every subject of a case: the case, its linked records, and its
/// requester's name, e-mail and phone as a search would take them.
pub fn of_case(case: &Case, links: &[String], max_chars: usize) -> Vec<String> {
    let mut out = vec![self::case(case.id)];
    out.extend(links.iter().map(|l| record(l)));
    let r = &case.requester;
    for v in [
        r.name.as_ref(),
        r.contact.email.as_ref(),
        r.contact.phone.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(t) = query(v, max_chars.max(v.chars().count())) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}
