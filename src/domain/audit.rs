//! The audit log's plain types, as the store hands them out and the
//! protocol carries them: a stored entry, a filter over entries, and the
//! result of checking the chain. Kept here (not in `store`) so a client
//! can show them without depending on the store; `store` re-exports them.

use serde::{Deserialize, Serialize};

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain, consecutive from 1.
    pub id: i64,
    /// When it was written: RFC 3339 UTC with milliseconds.
    pub at: String,
    pub operator: String,
    /// As stored: an [`AuditKind`](super::AuditKind) name, or one a newer or older privdesk
    /// wrote, which still reads (and verifies) as it is.
    pub kind: String,
    pub subject: String,
    pub details: serde_json::Value,
    /// Hash of the entry before (64 zeros for the first).
    pub prev_hash: String,
    /// HMAC-SHA-256 (lower-case hex) over this entry and `prev_hash` under
    /// a key of the key file (SHA-256 for entries of before keyed chains).
    pub hash: String,
}

/// Which entries to list. Fields left `None` do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub operator: Option<String>,
    pub kind: Option<String>,
    pub subject: Option<String>,
    /// Entries at or after this instant: RFC 3339 (any offset) or a date
    /// `YYYY-MM-DD` (midnight UTC).
    pub since: Option<String>,
    /// Entries at or before this instant: RFC 3339, or a date `YYYY-MM-DD`
    /// (that whole day, UTC, included).
    pub until: Option<String>,
    /// Keep only the newest `limit` matching entries.
    pub limit: Option<usize>,
    /// Data subjects (`record:crm:C-1`, `query:...`) whose entries match
    /// `subject` too, found by their blind index. Set by the desk from
    /// `subject`, never by a client.
    #[serde(skip)]
    pub subject_tokens: Vec<String>,
}

/// The end of the chain: what a checkpoint commits to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    /// Number of entries (the last entry's id).
    pub entries: u64,
    /// The last entry's hash (its MAC when keyed); 64 zeros for an empty log.
    pub mac: String,
    /// The MAC key the last entry was written with (none for an unkeyed one).
    pub key_id: Option<String>,
}

/// Result of checking the audit chain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerification {
    /// Number of entries in the log.
    pub entries: u64,
    /// The first place where the chain does not hold, if any.
    pub first_broken: Option<BrokenLink>,
    /// The chain's end as stored (trust it only when `first_broken` is none).
    #[serde(default)]
    pub head: AuditHead,
    /// The MAC keys the log's entries were written with, in order of use.
    #[serde(default)]
    pub key_ids: Vec<String>,
}

impl AuditVerification {
    /// True when the whole chain and its head check out.
    pub fn is_intact(&self) -> bool {
        self.first_broken.is_none()
    }
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenLink {
    /// The first entry that cannot be trusted (or the first missing one).
    /// 0 when the head record itself is missing.
    pub id: i64,
    /// What kind of break: changed, removed, reordered or inserted.
    pub reason: String,
}
