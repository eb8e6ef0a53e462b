//! The audit hash chain: how an entry's hash is computed and how the chain is
//! checked.
//!
//! Each entry's hash is SHA-256 over its previous entry's hash, its id and its
//! fields, so changing, removing, reordering or inserting an entry breaks the
//! chain at that point. The `audit_head` row (entry count and last hash, written
//! in the same transaction as each append) also catches entries cut off the end,
//! which a chain alone cannot show.
//!
//! What this does NOT protect against: the hash is not keyed, so someone who can
//! write the file and knows this scheme can rewrite every hash from the point of
//! change onwards and update the head to match; nor does it notice an older copy
//! of the whole file being put back, or the file being deleted. Catching those
//! needs the head hash kept outside the store (for example exported regularly to
//! a separate log host), which is outside this module.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Store, StoreError};

/// The `prev_hash` of the first entry.
pub(crate) const ZERO_HASH: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// Tag that starts every hashed message, so these hashes cannot be confused
/// with hashes of anything else (and the scheme can change version).
const DOMAIN_TAG: &[u8] = b"privdesk audit v1";

/// Result of checking the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerification {
    /// Number of entries in the log.
    pub entries: u64,
    /// The first place where the chain does not hold, if any.
    pub first_broken: Option<BrokenLink>,
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

/// SHA-256 (lower-case hex) of one entry. Every field is written as an 8-byte
/// big-endian length followed by its bytes, so no two different entries encode
/// alike.
pub(crate) fn entry_hash(
    prev_hash: &str,
    id: i64,
    at: &[u8],
    operator: &[u8],
    kind: &[u8],
    subject: &[u8],
    details: &[u8],
) -> String {
    let mut h = Sha256::new();
    let id = id.to_string();
    for field in [
        DOMAIN_TAG,
        prev_hash.as_bytes(),
        id.as_bytes(),
        at,
        operator,
        kind,
        subject,
        details,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field);
    }
    hex::encode(h.finalize())
}

/// One stored row as raw bytes; `None` where a column does not hold text.
struct RawEntry {
    id: i64,
    fields: [Option<Vec<u8>>; 5], // at, operator, kind, subject, details
    prev_hash: Option<String>,
    hash: Option<String>,
}

const FIELD_NAMES: [&str; 5] = ["at", "operator", "kind", "subject", "details"];

fn text(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Vec<u8>>> {
    Ok(match row.get_ref(idx)? {
        ValueRef::Text(b) => Some(b.to_vec()),
        _ => None,
    })
}

impl RawEntry {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawEntry> {
        let as_string = |v: Option<Vec<u8>>| v.map(|b| String::from_utf8_lossy(&b).into_owned());
        Ok(RawEntry {
            id: row.get(0)?,
            fields: [
                text(row, 1)?,
                text(row, 2)?,
                text(row, 3)?,
                text(row, 4)?,
                text(row, 5)?,
            ],
            prev_hash: as_string(text(row, 6)?),
            hash: as_string(text(row, 7)?),
        })
    }

    /// The hash this entry's contents would have at position `id` after `prev`.
    fn hash_as(&self, prev: &str, id: i64) -> Option<String> {
        let [a, o, k, s, d] = &self.fields;
        Some(entry_hash(
            prev,
            id,
            a.as_deref()?,
            o.as_deref()?,
            k.as_deref()?,
            s.as_deref()?,
            d.as_deref()?,
        ))
    }
}

impl Store {
    /// Walks the audit log in id order, recomputing every hash, and reports the
    /// first broken link (or none). Also compares the chain's end with the head
    /// record. Reads one consistent snapshot; never writes.
    pub fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| self.sql_err(e))?;
        let result = verify(&tx).map_err(|e| self.sql_err(e))?;
        tx.finish().map_err(|e| self.sql_err(e))?;
        Ok(result)
    }
}

/// The first entry written under a key of the key file, if any.
pub(crate) fn first_keyed_entry(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT min(id) FROM audit WHERE key_id IS NOT NULL",
        [],
        |r| r.get(0),
    )
}

fn broken(id: i64, reason: String) -> Option<BrokenLink> {
    Some(BrokenLink { id, reason })
}

fn verify(conn: &Connection) -> rusqlite::Result<AuditVerification> {
    let entries: i64 = conn.query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))?;
    let entries = u64::try_from(entries).unwrap_or(0);
    let max_id: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) FROM audit", [], |r| r.get(0))?;

    let mut stmt = conn.prepare(
        "SELECT id, at, operator, kind, subject, details, prev_hash, hash
         FROM audit ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev: Option<(i64, String)> = None;
    while let Some(row) = rows.next()? {
        let e = RawEntry::from_row(row)?;
        if let Some(link) = check_entry(&e, prev.as_ref(), conn, max_id)? {
            return Ok(AuditVerification {
                entries,
                first_broken: Some(link),
            });
        }
        prev = Some((e.id, e.hash.unwrap_or_default()));
    }
    drop(rows);

    let head: Option<(Option<i64>, Option<String>)> = conn
        .query_row(
            "SELECT entries, last_hash FROM audit_head WHERE singleton = 1",
            [],
            |r| {
                let n = match r.get_ref(0)? {
                    ValueRef::Integer(n) => Some(n),
                    _ => None,
                };
                let h = text(r, 1)?.map(|b| String::from_utf8_lossy(&b).into_owned());
                Ok((n, h))
            },
        )
        .optional()?;
    let (last_id, last_hash) = prev.unwrap_or_else(|| (0, ZERO_HASH.to_string()));
    Ok(AuditVerification {
        entries,
        first_broken: check_head(head, last_id, &last_hash),
    })
}

/// Checks one entry against the one before it.
fn check_entry(
    e: &RawEntry,
    prev: Option<&(i64, String)>,
    conn: &Connection,
    max_id: i64,
) -> rusqlite::Result<Option<BrokenLink>> {
    let id = e.id;
    let expected_id = prev.map_or(1, |p| p.0 + 1);
    if id < expected_id {
        return Ok(broken(
            id,
            format!("entry {id} has an id below 1 (an entry was inserted)"),
        ));
    }
    if id > expected_id {
        let missing = if id - expected_id == 1 {
            format!("entry {expected_id} is missing")
        } else {
            format!("entries {expected_id} to {} are missing", id - 1)
        };
        let reason = match prev {
            Some((p, _)) => format!(
                "entry {id} does not follow entry {p}: {missing} (an entry was removed or reordered)"
            ),
            None => format!("the log starts at entry {id}: {missing} (entries were removed)"),
        };
        return Ok(broken(id, reason));
    }
    if let Some(i) = e.fields.iter().position(Option::is_none) {
        return Ok(broken(
            id,
            format!(
                "entry {id} was changed (its {} is not text)",
                FIELD_NAMES[i]
            ),
        ));
    }
    let expected_prev = prev.map_or(ZERO_HASH, |p| p.1.as_str());
    let stored_prev = e.prev_hash.as_deref().unwrap_or("");
    let stored_hash = e.hash.as_deref().unwrap_or("");
    let hash_ok = e.hash_as(stored_prev, id).as_deref() == Some(stored_hash);
    let link_ok = stored_prev == expected_prev;
    let reason = match (hash_ok, link_ok) {
        (true, true) => return Ok(None),
        (false, true) => format!("entry {id} was changed (hash mismatch)"),
        (true, false) if id == 1 => {
            "entry 1 does not start the chain (it was replaced or an entry was inserted before it)"
                .to_string()
        }
        (true, false) => format!(
            "entry {id} does not follow entry {}: entry {} was rewritten or entry {id} was inserted (previous-hash mismatch)",
            id - 1,
            id - 1
        ),
        (false, false) => match original_position(e, stored_prev, stored_hash, conn, max_id)? {
            Some(o) if o < id => format!(
                "entry {id} holds the contents of entry {o} (an entry was inserted before it)"
            ),
            Some(o) => format!(
                "entry {id} holds the contents of entry {o} (entries were reordered or removed)"
            ),
            None => format!(
                "entry {id} was changed and does not follow entry {} (hash and previous-hash mismatch)",
                id - 1
            ),
        },
    };
    Ok(broken(id, reason))
}

/// For an entry that neither hashes right nor links to its predecessor: the id
/// it was originally written under, if its stored hash matches its contents at
/// some other position. Runs only once per verification, at the first break.
fn original_position(
    e: &RawEntry,
    stored_prev: &str,
    stored_hash: &str,
    conn: &Connection,
    max_id: i64,
) -> rusqlite::Result<Option<i64>> {
    // Fast path: the entry whose hash this one names as its predecessor.
    let pred: Option<i64> = if stored_prev == ZERO_HASH {
        Some(0)
    } else {
        conn.query_row(
            "SELECT id FROM audit WHERE hash = ?1 LIMIT 1",
            [stored_prev],
            |r| r.get(0),
        )
        .optional()?
    };
    if let Some(p) = pred {
        if e.hash_as(stored_prev, p + 1).as_deref() == Some(stored_hash) {
            return Ok(Some(p + 1));
        }
    }
    // Otherwise try every position the log could have held.
    for o in 1..=max_id.saturating_add(1) {
        if o != e.id && e.hash_as(stored_prev, o).as_deref() == Some(stored_hash) {
            return Ok(Some(o));
        }
    }
    Ok(None)
}

/// Compares the chain's end with the head record.
fn check_head(
    head: Option<(Option<i64>, Option<String>)>,
    last_id: i64,
    last_hash: &str,
) -> Option<BrokenLink> {
    let Some((n, h)) = head else {
        return broken(
            0,
            "the audit head record is missing (it was deleted)".to_string(),
        );
    };
    let Some(n) = n else {
        return broken(
            last_id + 1,
            "the audit head record was changed (its entry count is not a number)".to_string(),
        );
    };
    if n > last_id {
        let what = if n - last_id == 1 {
            format!("entry {} was removed", n)
        } else {
            format!("entries {} to {n} were removed", last_id + 1)
        };
        return broken(
            last_id + 1,
            format!("the log ends at entry {last_id} but the head records {n} entries: {what} from the end"),
        );
    }
    if n < last_id {
        return broken(
            n + 1,
            format!(
                "the log has {last_id} entries but the head records {n}: entries after {n} were added outside privdesk (inserted)"
            ),
        );
    }
    if h.as_deref() != Some(last_hash) {
        return broken(
            last_id.max(1),
            format!("entry {last_id} does not match the head record (the last entry was replaced or changed)"),
        );
    }
    None
}
