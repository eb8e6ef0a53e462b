//! The audit hash chain: how an entry's hash is computed and how the chain is
//! checked.
//!
//! Each entry's `hash` is an HMAC-SHA-256, under a MAC key of the audit key
//! file (named by the entry's `key_id`), over its previous entry's hash, its
//! id, its fields and the key id; so changing, removing, reordering or
//! inserting an entry breaks the chain at that point, and someone who can
//! write the store but not read the key file cannot compute the hashes of a
//! rewritten chain. The `audit_head` row (entry count and last hash, written
//! in the same transaction as each append) also catches entries cut off the
//! end, which a chain alone cannot show.
//!
//! Entries of before keyed chains (`key_id` NULL) keep their unkeyed SHA-256
//! ("v1"); they are allowed only before the first keyed entry, which seals
//! them by naming the last one's hash.
//!
//! What this does NOT protect against on its own: an older copy of the whole
//! file being put back, or the file being deleted. Catching those needs the
//! head kept outside the store: signed checkpoints sent off the host.

use crate::domain::{AuditHead, AuditKind, AuditVerification, BrokenLink};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row};
use sha2::{Digest, Sha256};

use super::{AuditKeys, MacKey, Store, StoreError};

/// The `prev_hash` of the first entry.
pub(crate) const ZERO_HASH: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// Tag that starts every hashed message, so these hashes cannot be confused
/// with hashes of anything else (and the scheme can change version).
const DOMAIN_TAG: &[u8] = b"privdesk audit v1";

/// The tag of keyed (HMAC) entries.
const KEYED_TAG: &[u8] = b"privdesk audit v2";

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

/// HMAC-SHA-256 (lower-case hex) of one keyed entry under `key`: the same
/// length-prefixed fields as [`entry_hash`], under its own tag and followed
/// by the key's id, so an entry cannot be passed off under another key.
#[allow(clippy::too_many_arguments)]
pub(crate) fn entry_mac(
    key: &MacKey,
    prev_hash: &str,
    id: i64,
    at: &[u8],
    operator: &[u8],
    kind: &[u8],
    subject: &[u8],
    details: &[u8],
) -> String {
    use hmac::Mac;
    let mut m = key.hmac();
    let id = id.to_string();
    for field in [
        KEYED_TAG,
        prev_hash.as_bytes(),
        id.as_bytes(),
        at,
        operator,
        kind,
        subject,
        details,
        key.id.as_bytes(),
    ] {
        m.update(&(field.len() as u64).to_be_bytes());
        m.update(field);
    }
    hex::encode(m.finalize().into_bytes())
}

/// One stored row as raw bytes; `None` where a column does not hold text.
struct RawEntry {
    id: i64,
    fields: [Option<Vec<u8>>; 5], // at, operator, kind, subject, details
    prev_hash: Option<String>,
    hash: Option<String>,
    key_id: Option<String>,
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
            key_id: as_string(text(row, 8)?),
        })
    }

    /// The hash this entry's contents would have at position `id` after
    /// `prev`, by the scheme its key id names; none for an unknown key.
    fn hash_as(&self, prev: &str, id: i64, keys: &AuditKeys) -> Option<String> {
        let [a, o, k, s, d] = &self.fields;
        let (a, o, k, s, d) = (
            a.as_deref()?,
            o.as_deref()?,
            k.as_deref()?,
            s.as_deref()?,
            d.as_deref()?,
        );
        Some(match &self.key_id {
            None => entry_hash(prev, id, a, o, k, s, d),
            Some(key_id) => entry_mac(keys.mac(key_id)?.1, prev, id, a, o, k, s, d),
        })
    }
}

impl Store {
    /// Walks the audit log in id order, recomputing every hash, and reports the
    /// first broken link (or none). Also compares the chain's end with the head
    /// record. Reads one consistent snapshot; never writes.
    pub fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| self.sql_err(e))?;
        let result = verify(&tx, &self.keys).map_err(|e| self.sql_err(e))?;
        tx.finish().map_err(|e| self.sql_err(e))?;
        Ok(result)
    }
}

impl Store {
    /// Brings the chain under the key file's current MAC key, at open: a log
    /// of unkeyed entries is sealed by a first keyed entry naming its head
    /// (`audit_sealed`); a log whose last key is older than the current one
    /// gets an `audit_key_rotated` entry under the new key. A log whose last
    /// key is newer than, or unknown to, the key file is refused (the key
    /// file is an older copy). One IMMEDIATE transaction, so processes
    /// opening at once write the entry once.
    pub(crate) fn bring_chain_under_key(&self) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        let last: Option<(i64, Option<String>, Option<String>)> = tx
            .query_row(
                "SELECT id, hash, key_id FROM audit ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    let h = text(r, 1)?.map(|b| String::from_utf8_lossy(&b).into_owned());
                    let k = text(r, 2)?.map(|b| String::from_utf8_lossy(&b).into_owned());
                    Ok((r.get(0)?, h, k))
                },
            )
            .optional()
            .map_err(|e| self.sql_err(e))?;
        let current = self.keys.current_mac();
        let entry = match last {
            // An empty log: its first entry is keyed anyway.
            None => return Ok(()),
            Some((n, hash, None)) => {
                if let Some(why) = self.unsealable(&tx)? {
                    // Left for `audit verify` to report: sealing it would
                    // bless a rewrite.
                    tracing::warn!(%why, "the unkeyed audit log is not sealed");
                    return Ok(());
                }
                super::NewAuditEntry {
                operator: "privdesk".into(),
                kind: AuditKind::AuditSealed,
                subject: "audit".into(),
                details: serde_json::json!({"v1_entries": n, "v1_head": hash}),
                }
            }
            Some((_, _, Some(key_id))) => match self.keys.mac(&key_id) {
                None => {
                    return Err(StoreError::AuditKey {
                        path: self.keys.path().to_path_buf(),
                        detail: format!(
                            "does not hold the MAC key {key_id:?} the audit log's last entry was written with: \
                             it is an older copy of the key file, or another store's; restore the current key file"
                        ),
                    })
                }
                Some((_, k)) if k.id == current.id => return Ok(()),
                // Known and not the current (last) key: an older one.
                Some(_) => super::NewAuditEntry {
                    operator: "privdesk".into(),
                    kind: AuditKind::AuditKeyRotated,
                    subject: "audit".into(),
                    details: serde_json::json!({"from": key_id, "to": current.id}),
                },
            },
        };
        match self.append_audit_in(&tx, &entry) {
            Ok(a) => {
                tx.commit().map_err(|e| self.sql_err(e))?;
                tracing::info!(audit_id = a.id, kind = %a.kind, key = %current.id, "audit chain brought under the key file's current key");
                Ok(())
            }
            // A cut log is left as it is, for `audit verify` to report;
            // appends stay refused.
            Err(StoreError::AuditHeadMismatch { detail, .. }) => {
                tracing::warn!(%detail, "the audit log does not match its head; not sealed");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

impl Store {
    /// Why an unkeyed log must not be sealed, if so. Only a log of before
    /// keyed chains is: none of its entries is keyed, and all were written
    /// before the key file's first MAC key was made. An unkeyed log with
    /// entries of after that is a keyed one rewritten without the key (the
    /// key file, out of the store's reach, says when keying began).
    fn unsealable(&self, conn: &Connection) -> Result<Option<String>, StoreError> {
        if let Some(k) = first_keyed_entry(conn).map_err(|e| self.sql_err(e))? {
            return Ok(Some(format!(
                "the chain was keyed at entry {k} and unkeyed entries follow"
            )));
        }
        let latest: Option<String> = conn
            .query_row("SELECT max(at) FROM audit", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql_err(e))?
            .flatten();
        let first_key = &self.keys.macs()[0];
        let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
        match (latest.as_deref().and_then(parse), parse(&first_key.created)) {
            (Some(at), Some(created)) if at <= created => Ok(None),
            (Some(_), Some(_)) => Ok(Some(format!(
                "it holds unkeyed entries written after the MAC key {} of {} was made ({})",
                first_key.id,
                self.keys.path().display(),
                first_key.created
            ))),
            _ => Ok(Some(
                "the times of its entries or of the key file's first key cannot be read".into(),
            )),
        }
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

/// Where the walk has got to with keys: the first keyed entry and the
/// position in the key file of the last key seen.
#[derive(Default)]
struct KeyWalk {
    first_keyed: Option<i64>,
    last: Option<(usize, String)>,
    used: Vec<String>,
}

impl KeyWalk {
    /// Checks the entry's scheme against what came before it.
    fn check(&mut self, e: &RawEntry, keys: &AuditKeys) -> Option<BrokenLink> {
        let id = e.id;
        let Some(key_id) = &e.key_id else {
            return self.first_keyed.and_then(|k| {
                broken(
                    id,
                    format!(
                        "entry {id} is unkeyed after the chain was keyed at entry {k} (rewritten without the key)"
                    ),
                )
            });
        };
        let Some((pos, _)) = keys.mac(key_id) else {
            return broken(
                id,
                format!(
                    "entry {id} names MAC key {key_id:?}, which the key file {} does not hold (rewritten with another key, or the key file is an older copy)",
                    keys.path().display()
                ),
            );
        };
        if let Some((last, last_id)) = &self.last {
            if pos < *last {
                return broken(
                    id,
                    format!(
                        "entry {id} goes back to the older MAC key {key_id:?} after {last_id:?} (rewritten)"
                    ),
                );
            }
        }
        self.first_keyed.get_or_insert(id);
        if self.last.as_ref().map(|l| l.0) != Some(pos) {
            self.used.push(key_id.clone());
        }
        self.last = Some((pos, key_id.clone()));
        None
    }
}

fn verify(conn: &Connection, keys: &AuditKeys) -> rusqlite::Result<AuditVerification> {
    let entries: i64 = conn.query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))?;
    let entries = u64::try_from(entries).unwrap_or(0);
    let max_id: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) FROM audit", [], |r| r.get(0))?;

    let mut stmt = conn.prepare(
        "SELECT id, at, operator, kind, subject, details, prev_hash, hash, key_id
         FROM audit ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev: Option<(i64, String)> = None;
    let mut walk = KeyWalk::default();
    let mut last_key: Option<String> = None;
    let head_of = |prev: &Option<(i64, String)>, key_id: Option<String>| AuditHead {
        entries: prev.as_ref().map_or(0, |p| u64::try_from(p.0).unwrap_or(0)),
        mac: prev
            .as_ref()
            .map_or_else(|| ZERO_HASH.to_string(), |p| p.1.clone()),
        key_id,
    };
    while let Some(row) = rows.next()? {
        let e = RawEntry::from_row(row)?;
        // The scheme first: an entry under an unknown key cannot be hashed.
        let link = match walk.check(&e, keys) {
            Some(link) => Some(link),
            None => check_entry(&e, prev.as_ref(), conn, max_id, keys)?,
        };
        if let Some(link) = link {
            return Ok(AuditVerification {
                entries,
                first_broken: Some(link),
                head: head_of(&prev, last_key),
                key_ids: walk.used,
            });
        }
        last_key = e.key_id.clone();
        prev = Some((e.id, e.hash.unwrap_or_default()));
    }
    drop(rows);
    let head = head_of(&prev, last_key);
    if entries > 0 && walk.first_keyed.is_none() {
        return Ok(AuditVerification {
            entries,
            first_broken: broken(
                1,
                format!(
                    "the log was never sealed with the key file {}: no entry carries its MAC (rewritten without the key)",
                    keys.path().display()
                ),
            ),
            head,
            key_ids: walk.used,
        });
    }

    let head_row: Option<(Option<i64>, Option<String>)> = conn
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
        first_broken: check_head(head_row, last_id, &last_hash),
        head,
        key_ids: walk.used,
    })
}

/// Checks one entry against the one before it.
fn check_entry(
    e: &RawEntry,
    prev: Option<&(i64, String)>,
    conn: &Connection,
    max_id: i64,
    keys: &AuditKeys,
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
    let hash_ok = e.hash_as(stored_prev, id, keys).as_deref() == Some(stored_hash);
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
        (false, false) => match original_position(e, stored_prev, stored_hash, conn, max_id, keys)? {
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
    keys: &AuditKeys,
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
        if e.hash_as(stored_prev, p + 1, keys).as_deref() == Some(stored_hash) {
            return Ok(Some(p + 1));
        }
    }
    // Otherwise try every position the log could have held.
    for o in 1..=max_id.saturating_add(1) {
        if o != e.id && e.hash_as(stored_prev, o, keys).as_deref() == Some(stored_hash) {
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
