//! What kind of query an operator typed.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of a search. A system declares which kinds it can search;
/// `Text` means "free text": such a system accepts any query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueryKind {
    Name,
    Email,
    Phone,
    Text,
}

impl QueryKind {
    pub const ALL: [QueryKind; 4] = [
        QueryKind::Name,
        QueryKind::Email,
        QueryKind::Phone,
        QueryKind::Text,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QueryKind::Name => "name",
            QueryKind::Email => "email",
            QueryKind::Phone => "phone",
            QueryKind::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<QueryKind> {
        QueryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for QueryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A query ready to be sent to systems: detected kind plus the forms the
/// connector templates can use (`{query}`, `{query_raw}`, `{phone_e164}`,
/// `{phone_national}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Detected kind: Name, Email or Phone (never Text).
    pub kind: QueryKind,
    /// As typed, trimmed.
    pub raw: String,
    /// Normalised for the kind: lower-case email, E.164 phone, NFKC name.
    pub normalized: String,
    /// `+819012345678` when the query is a phone number.
    pub phone_e164: Option<String>,
    /// `09012345678` when the query is a Japanese phone number.
    pub phone_national: Option<String>,
}
