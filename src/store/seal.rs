//! Crypto-shredding of the personal values in audit entries.
//!
//! Code that writes an entry marks each personal value with the data
//! subject it is about ([`personal`]: a token such as `record:crm:C-1`,
//! `case:PD-2026-000001` or `query:taro yamada`). On append each marked
//! value is encrypted (XChaCha20-Poly1305) with that subject's key and the
//! entry is indexed under the subject's blind index (an HMAC of the token
//! under the key file's blind key), so a person's entries are found
//! without decrypting the log. The subjects' keys live in `subject_keys`,
//! wrapped by the key file's seal key. Shredding a subject deletes its key:
//! its values are gone for good, the entries (who, when, what kind) and
//! the chain over their ciphertext stay and verify.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::keys::AuditKeys;
use super::{now_rfc3339, Store, StoreError};

const MARK: &str = "$personal";

/// A personal value about the data subject `token`, to be sealed when the
/// entry holding it is appended.
pub fn personal(token: &str, value: impl Into<Value>) -> Value {
    json!({ MARK: token, "value": value.into() })
}

/// A shredded subject: when and why its key was deleted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shredded {
    pub token: String,
    pub at: String,
    pub by: String,
}

fn encrypt(key: &[u8; 32], aad: &[u8], plain: &[u8]) -> Vec<u8> {
    let nonce: [u8; 24] = rand::random();
    let cipher = XChaCha20Poly1305::new(key.into());
    let ct = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
        // Encryption fails only for inputs of gigabytes.
        .unwrap_or_default();
    let mut out = nonce.to_vec();
    out.extend(ct);
    out
}

fn decrypt(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < 24 {
        return None;
    }
    let (nonce, ct) = sealed.split_at(24);
    XChaCha20Poly1305::new(key.into())
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
        .ok()
}

/// The subject keys one append or one read has used.
pub(crate) struct KeyCache<'a> {
    keys: &'a AuditKeys,
    by_token: HashMap<String, (i64, [u8; 32])>,
    by_id: HashMap<i64, Result<[u8; 32], Value>>,
}

impl<'a> KeyCache<'a> {
    pub(crate) fn new(keys: &'a AuditKeys) -> Self {
        KeyCache {
            keys,
            by_token: HashMap::new(),
            by_id: HashMap::new(),
        }
    }

    /// The live key of a subject, made (and stored wrapped) if it has none.
    fn live(&mut self, conn: &Connection, token: &str) -> rusqlite::Result<(i64, [u8; 32])> {
        if let Some(k) = self.by_token.get(token) {
            return Ok(*k);
        }
        let blind = self.keys.blind(token);
        let found: Option<(i64, Vec<u8>)> = conn
            .query_row(
                "SELECT id, wrapped FROM subject_keys WHERE blind = ?1 AND wrapped IS NOT NULL",
                [&blind],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let k = match found.and_then(|(id, w)| Some((id, self.unwrap(&blind, &w)?))) {
            Some(k) => k,
            None => {
                let key: [u8; 32] = rand::random();
                let wrapped = encrypt(self.keys.seal_key(), blind.as_bytes(), &key);
                conn.execute(
                    "INSERT INTO subject_keys (blind, wrapped, created_at) VALUES (?1, ?2, ?3)",
                    params![blind, wrapped, now_rfc3339()],
                )?;
                (conn.last_insert_rowid(), key)
            }
        };
        self.by_token.insert(token.to_string(), k);
        Ok(k)
    }

    fn unwrap(&self, blind: &str, wrapped: &[u8]) -> Option<[u8; 32]> {
        decrypt(self.keys.seal_key(), blind.as_bytes(), wrapped)?
            .try_into()
            .ok()
    }

    /// A key by its id: the key, or what to show instead of the value.
    fn by_id(&mut self, conn: &Connection, id: i64) -> rusqlite::Result<Result<[u8; 32], Value>> {
        if let Some(k) = self.by_id.get(&id) {
            return Ok(k.clone());
        }
        let row: Option<(String, Option<Vec<u8>>, Option<String>)> = conn
            .query_row(
                "SELECT blind, wrapped, shredded_at FROM subject_keys WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let k = match row {
            Some((blind, Some(w), _)) => self
                .unwrap(&blind, &w)
                .ok_or_else(|| json!({ "unreadable": "the key file's seal key does not open this subject's key" })),
            Some((_, None, at)) => Err(json!({ "shredded": at })),
            None => Err(json!({ "unreadable": "its subject key is missing" })),
        };
        self.by_id.insert(id, k.clone());
        Ok(k)
    }
}

/// Seals every marked value of `details` in place; returns the subjects'
/// tokens, each once.
pub(crate) fn seal(
    conn: &Connection,
    cache: &mut KeyCache<'_>,
    details: &mut Value,
) -> rusqlite::Result<Vec<String>> {
    let mut tokens = Vec::new();
    seal_in(conn, cache, details, &mut tokens)?;
    Ok(tokens)
}

fn marked(v: &Value) -> Option<(&str, &Value)> {
    let m = v.as_object()?;
    if m.len() != 2 {
        return None;
    }
    Some((m.get(MARK)?.as_str()?, m.get("value")?))
}

fn seal_in(
    conn: &Connection,
    cache: &mut KeyCache<'_>,
    v: &mut Value,
    tokens: &mut Vec<String>,
) -> rusqlite::Result<()> {
    if let Some((token, value)) = marked(v) {
        let token = token.to_string();
        let (id, key) = cache.live(conn, &token)?;
        let plain = serde_json::to_vec(value).unwrap_or_default();
        let ct = encrypt(&key, &id.to_be_bytes(), &plain);
        if !tokens.contains(&token) {
            tokens.push(token);
        }
        *v = json!({ "sealed": id, "ct": B64.encode(ct) });
        return Ok(());
    }
    match v {
        Value::Array(a) => a
            .iter_mut()
            .try_for_each(|x| seal_in(conn, cache, x, tokens)),
        Value::Object(m) => m
            .values_mut()
            .try_for_each(|x| seal_in(conn, cache, x, tokens)),
        _ => Ok(()),
    }
}

/// `details` as written, with the marks taken off (what a reader of the
/// entry sees while the subjects' keys exist).
pub(crate) fn unmarked(v: &Value) -> Value {
    if let Some((_, value)) = marked(v) {
        return value.clone();
    }
    match v {
        Value::Array(a) => Value::Array(a.iter().map(unmarked).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), unmarked(x)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// Opens every sealed value of `details` in place: the value, or
/// `{"shredded": time}` once its subject's key is gone.
pub(crate) fn open(
    conn: &Connection,
    cache: &mut KeyCache<'_>,
    v: &mut Value,
) -> rusqlite::Result<()> {
    let sealed = v.as_object().and_then(|m| {
        (m.len() == 2)
            .then(|| {
                Some((
                    m.get("sealed")?.as_i64()?,
                    m.get("ct")?.as_str()?.to_string(),
                ))
            })
            .flatten()
    });
    if let Some((id, ct)) = sealed {
        *v = match cache.by_id(conn, id)? {
            Ok(key) => B64
                .decode(ct)
                .ok()
                .and_then(|ct| decrypt(&key, &id.to_be_bytes(), &ct))
                .and_then(|p| serde_json::from_slice(&p).ok())
                .unwrap_or_else(|| json!({ "unreadable": "the sealed value does not open" })),
            Err(instead) => instead,
        };
        return Ok(());
    }
    match v {
        Value::Array(a) => a.iter_mut().try_for_each(|x| open(conn, cache, x)),
        Value::Object(m) => m.values_mut().try_for_each(|x| open(conn, cache, x)),
        _ => Ok(()),
    }
}

/// Records that entry `audit_id` names these subjects.
pub(crate) fn index(
    conn: &Connection,
    keys: &AuditKeys,
    audit_id: i64,
    tokens: &[String],
) -> rusqlite::Result<()> {
    let mut stmt = conn
        .prepare_cached("INSERT OR IGNORE INTO audit_subjects (blind, audit_id) VALUES (?1, ?2)")?;
    for t in tokens {
        stmt.execute(params![keys.blind(t), audit_id])?;
    }
    Ok(())
}

/// Deletes the keys of these subjects (inside the caller's transaction).
/// Returns how many keys were deleted.
pub(crate) fn shred_in(
    conn: &Connection,
    keys: &AuditKeys,
    tokens: &[String],
    at: &str,
    by: &str,
) -> rusqlite::Result<usize> {
    let mut n = 0;
    let mut stmt = conn.prepare_cached(
        "UPDATE subject_keys SET wrapped = NULL, shredded_at = ?2, shredded_by = ?3
         WHERE blind = ?1 AND wrapped IS NOT NULL",
    )?;
    for t in tokens {
        n += stmt.execute(params![keys.blind(t), at, by])?;
    }
    Ok(n)
}

impl Store {
    /// The ids of the entries naming any of these subjects, with the token
    /// each was found by (an entry naming two appears twice), oldest first.
    pub fn audit_ids_about(&self, tokens: &[String]) -> Result<Vec<(i64, String)>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached("SELECT audit_id FROM audit_subjects WHERE blind = ?1")
            .map_err(|e| self.sql_err(e))?;
        let mut out: Vec<(i64, String)> = Vec::new();
        for t in tokens {
            let ids = stmt
                .query_map([self.keys.blind(t)], |r| r.get::<_, i64>(0))
                .map_err(|e| self.sql_err(e))?;
            for id in ids {
                out.push((id.map_err(|e| self.sql_err(e))?, t.clone()));
            }
        }
        out.sort();
        Ok(out)
    }

    /// The subjects among `tokens` whose keys were shredded, and when.
    pub fn shredded(&self, tokens: &[String]) -> Result<Vec<Shredded>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT shredded_at, shredded_by FROM subject_keys
                 WHERE blind = ?1 AND wrapped IS NULL ORDER BY id",
            )
            .map_err(|e| self.sql_err(e))?;
        let mut out = Vec::new();
        for t in tokens {
            let rows = stmt
                .query_map([self.keys.blind(t)], |r| {
                    Ok(Shredded {
                        token: t.clone(),
                        at: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                        by: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    })
                })
                .map_err(|e| self.sql_err(e))?;
            for r in rows {
                out.push(r.map_err(|e| self.sql_err(e))?);
            }
        }
        Ok(out)
    }

    /// Deletes the keys of these subjects, in one transaction, and moves
    /// what the deletion freed out of the write-ahead log.
    pub fn shred(&self, tokens: &[String], by: &str) -> Result<usize, StoreError> {
        let n = {
            let mut conn = self.lock();
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(|e| self.sql_err(e))?;
            let n = shred_in(&tx, &self.keys, tokens, &now_rfc3339(), by)
                .map_err(|e| self.sql_err(e))?;
            tx.commit().map_err(|e| self.sql_err(e))?;
            n
        };
        self.truncate_wal();
        Ok(n)
    }

    /// Copies the write-ahead log into the database and empties it, so
    /// pages that held removed data do not stay in the `-wal` file. Another
    /// session reading at that moment keeps its pages until the next call;
    /// that is logged, not an error.
    pub(crate) fn truncate_wal(&self) {
        let conn = self.lock();
        let r: rusqlite::Result<(i64, i64, i64)> =
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            });
        match r {
            Ok((0, _, _)) => {}
            Ok((busy, log, done)) => {
                tracing::warn!(
                    busy,
                    log,
                    done,
                    "the write-ahead log could not be emptied yet"
                )
            }
            Err(e) => tracing::warn!(error = %e, "the write-ahead log could not be emptied"),
        }
    }
}
