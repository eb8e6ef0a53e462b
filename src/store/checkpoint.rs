//! Signed checkpoints of the audit chain: the server signs (entry count,
//! head MAC, time) with an Ed25519 key of its own, and copies of the
//! signed document are sent off the host. Checking a copy against the log
//! later shows a truncated log, or an older copy of the store put back,
//! which the chain alone cannot; a forged or altered checkpoint fails its
//! signature.
//!
//! The key file holds the 32-byte Ed25519 seed in hex after a comment
//! header; it is created with mode 0600 when missing and never rewritten.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::domain::AuditHead;

/// The version of the checkpoint document.
pub const CHECKPOINT_VERSION: u32 = 1;

const HEADER: &str = "# privdesk checkpoint key: the Ed25519 seed the server signs audit\n\
# checkpoints with. Keep it outside the store's folder, readable by the\n\
# server only. Its public key is in every checkpoint it signed.\n";

/// The server's checkpoint signing key.
pub struct CheckpointKey {
    path: PathBuf,
    signing: SigningKey,
}

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointKey")
            .field("path", &self.path)
            .field("public_key", &self.public_hex())
            .finish_non_exhaustive()
    }
}

/// A signed checkpoint, as written to files and piped to commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub privdesk_checkpoint: u32,
    /// The number of entries the log held.
    pub entries: u64,
    /// The hash (MAC) of entry `entries`.
    pub head: String,
    /// When it was signed, RFC 3339 UTC.
    pub at: String,
    /// The signer's Ed25519 public key, hex.
    pub public_key: String,
    /// Ed25519 over [`Checkpoint::message`], hex.
    pub signature: String,
}

fn key_err(path: &Path, detail: impl Into<String>) -> StoreError {
    StoreError::AuditKey {
        path: path.to_path_buf(),
        detail: detail.into(),
    }
}

impl CheckpointKey {
    /// Reads the key file, creating it (mode 0600) when it does not exist.
    pub fn load_or_create(path: &Path) -> Result<CheckpointKey, StoreError> {
        if !path.exists() {
            let seed: [u8; 32] = rand::random();
            let text = format!("{HEADER}{}\n", hex::encode(seed));
            // Written whole under a name of its own, then linked into place,
            // so a process reading at the same moment never sees half a key.
            let tmp = path.with_extension(format!("new-{}", uuid::Uuid::new_v4()));
            let written = (|| {
                let mut f = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&tmp)?;
                f.write_all(text.as_bytes())?;
                f.sync_all()?;
                fs::hard_link(&tmp, path)
            })();
            let _ = fs::remove_file(&tmp);
            match written {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(key_err(path, format!("cannot be created: {e}"))),
            }
        }
        let text =
            fs::read_to_string(path).map_err(|e| key_err(path, format!("cannot be read: {e}")))?;
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .ok_or_else(|| key_err(path, "holds no key"))?;
        let seed: [u8; 32] = hex::decode(line)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| key_err(path, "its key must be 64 hexadecimal digits"))?;
        Ok(CheckpointKey {
            path: path.to_path_buf(),
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// Where the key was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }

    /// Signs the head as of `at`.
    pub fn sign(&self, head: &AuditHead, at: &str) -> Checkpoint {
        let msg = Checkpoint::message(CHECKPOINT_VERSION, head.entries, &head.mac, at);
        Checkpoint {
            privdesk_checkpoint: CHECKPOINT_VERSION,
            entries: head.entries,
            head: head.mac.clone(),
            at: at.to_string(),
            public_key: self.public_hex(),
            signature: hex::encode(self.signing.sign(&msg).to_bytes()),
        }
    }

    /// Checks the signature against THIS key's public key (not the one the
    /// document names, which a forger would replace with theirs).
    pub fn check_signature(&self, cp: &Checkpoint) -> Result<(), String> {
        let refuse = || "the signature does not match this server's checkpoint key".to_string();
        let sig: [u8; 64] = hex::decode(&cp.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(refuse)?;
        let msg = Checkpoint::message(cp.privdesk_checkpoint, cp.entries, &cp.head, &cp.at);
        let ours: VerifyingKey = self.signing.verifying_key();
        ours.verify(&msg, &Signature::from_bytes(&sig))
            .map_err(|_| refuse())
    }
}

impl Checkpoint {
    /// The signed bytes: a tag and each field length-prefixed.
    pub fn message(version: u32, entries: u64, head: &str, at: &str) -> Vec<u8> {
        let mut m = Vec::new();
        let version = version.to_string();
        let entries = entries.to_string();
        for f in [
            &b"privdesk checkpoint"[..],
            version.as_bytes(),
            entries.as_bytes(),
            head.as_bytes(),
            at.as_bytes(),
        ] {
            m.extend_from_slice(&(f.len() as u64).to_be_bytes());
            m.extend_from_slice(f);
        }
        m
    }

    /// Reads a checkpoint document.
    pub fn parse(text: &str) -> Result<Checkpoint, String> {
        let cp: Checkpoint =
            serde_json::from_str(text).map_err(|e| format!("is not a privdesk checkpoint: {e}"))?;
        if cp.privdesk_checkpoint != CHECKPOINT_VERSION {
            return Err(format!(
                "has version {}, which this privdesk does not know ({CHECKPOINT_VERSION})",
                cp.privdesk_checkpoint
            ));
        }
        Ok(cp)
    }

    /// The document, one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Store {
    /// Whether the log still holds what `cp` committed to: at least its
    /// entries, and entry `entries` with the hash it named. `None` when it
    /// does; otherwise why not. (The signature and the chain itself are
    /// checked apart: [`CheckpointKey::check_signature`], `verify_audit`.)
    pub fn check_checkpoint(&self, cp: &Checkpoint) -> Result<Option<String>, StoreError> {
        let conn = self.lock();
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
            .map_err(|e| self.sql_err(e))?;
        if (n as u64) < cp.entries {
            return Ok(Some(format!(
                "the log has {n} entries, fewer than the {} this checkpoint committed to (truncated, or an older copy put back)",
                cp.entries
            )));
        }
        if cp.entries == 0 {
            return Ok(None);
        }
        let id = i64::try_from(cp.entries).unwrap_or(i64::MAX);
        let hash: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
            "SELECT hash FROM audit WHERE id = ?1",
            [id],
            |r| r.get(0),
        ))
        .map_err(|e| self.sql_err(e))?;
        if hash.as_deref() != Some(cp.head.as_str()) {
            return Ok(Some(format!(
                "entry {id} differs from the checkpoint (the log was rewritten, or an older copy put back)"
            )));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::{entry, temp_store_path};

    fn checkpoint(store: &Store, key: &CheckpointKey) -> Checkpoint {
        let v = store.verify_audit().unwrap();
        assert!(v.is_intact(), "{v:?}");
        key.sign(&v.head, &crate::store::now_rfc3339())
    }

    fn append(store: &Store, n: u64) {
        for i in 0..n {
            store
                .append_audit(&entry("op", "search", "query", i))
                .unwrap();
        }
    }

    #[test]
    fn a_checkpoint_holds_until_the_log_is_cut_or_an_older_copy_is_put_back() {
        let (dir, path) = temp_store_path();
        let key = CheckpointKey::load_or_create(&dir.path().join("checkpoint.key")).unwrap();
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &fs::metadata(key.path()).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
        let store = Store::open(&path, 5000).unwrap();
        append(&store, 5);
        drop(store);
        let older = dir.path().join("older.db");
        fs::copy(&path, &older).unwrap();

        let store = Store::open(&path, 5000).unwrap();
        append(&store, 5);
        let cp = checkpoint(&store, &key);
        assert_eq!(cp.entries, 10);
        let cp = Checkpoint::parse(&cp.to_json()).unwrap();
        key.check_signature(&cp).unwrap();
        assert_eq!(store.check_checkpoint(&cp).unwrap(), None);
        append(&store, 2);
        assert_eq!(
            store.check_checkpoint(&cp).unwrap(),
            None,
            "more entries are fine"
        );
        drop(store);

        // The older copy put back.
        fs::copy(&older, &path).unwrap();
        let _ = fs::remove_file(path.with_extension("db-wal"));
        let store = Store::open(&path, 5000).unwrap();
        assert!(
            store.verify_audit().unwrap().is_intact(),
            "the chain alone cannot tell"
        );
        let why = store.check_checkpoint(&cp).unwrap().expect("caught");
        assert!(
            why.contains("the log has 5 entries, fewer than the 10"),
            "{why}"
        );
        // ... and grown again past the checkpoint's count.
        append(&store, 6);
        let why = store.check_checkpoint(&cp).unwrap().expect("caught");
        assert!(
            why.contains("entry 10 differs from the checkpoint"),
            "{why}"
        );
    }

    #[test]
    fn a_truncated_log_fails_against_a_checkpoint() {
        let (dir, path) = temp_store_path();
        let key = CheckpointKey::load_or_create(&dir.path().join("checkpoint.key")).unwrap();
        let store = Store::open(&path, 5000).unwrap();
        append(&store, 8);
        let cp = checkpoint(&store, &key);
        let c = crate::store::tests::tamper_conn(&path);
        c.execute_batch(
            "DELETE FROM audit WHERE id > 6;
             UPDATE audit_head SET entries = 6, last_hash = (SELECT hash FROM audit WHERE id = 6);",
        )
        .unwrap();
        assert!(
            store.verify_audit().unwrap().is_intact(),
            "a cut with its head moved"
        );
        let why = store.check_checkpoint(&cp).unwrap().expect("caught");
        assert!(why.contains("fewer than the 8"), "{why}");
    }

    #[test]
    fn a_forged_or_altered_checkpoint_fails_its_signature() {
        let (dir, path) = temp_store_path();
        let ours = CheckpointKey::load_or_create(&dir.path().join("checkpoint.key")).unwrap();
        let again = CheckpointKey::load_or_create(ours.path()).unwrap();
        assert_eq!(again.public_hex(), ours.public_hex(), "the file is kept");
        let theirs = CheckpointKey::load_or_create(&dir.path().join("other.key")).unwrap();
        let store = Store::open(&path, 5000).unwrap();
        append(&store, 3);
        let forged = checkpoint(&store, &theirs);
        let err = ours.check_signature(&forged).unwrap_err();
        assert!(
            err.contains("does not match this server's checkpoint key"),
            "{err}"
        );

        let mut altered = checkpoint(&store, &ours);
        ours.check_signature(&altered).unwrap();
        altered.entries = 2;
        assert!(ours.check_signature(&altered).is_err());
        let mut altered = checkpoint(&store, &ours);
        altered.public_key = theirs.public_hex();
        altered.head = "00".repeat(32);
        assert!(ours.check_signature(&altered).is_err());
    }
}
