//! The audit key file: the secrets the server holds and the store never
//! does. Someone who can write the store but not read this file can
//! neither rewrite the audit chain unnoticed nor read the personal values
//! sealed in it.
//!
//! ```toml
//! version = 1
//! blind = "<64 hex>"   # keys the blind index of data subjects
//! seal = "<64 hex>"    # wraps each data subject's key in the store
//! [[mac]]              # the chain's HMAC keys, oldest first; the last is current
//! id = "mac-1"
//! key = "<64 hex>"
//! created = "2026-12-06T09:00:00.000Z"
//! ```
//!
//! The file is created with mode 0600 and never rewritten in place: a
//! rotation writes a new file beside it and renames it over the old one.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::StoreError;

/// One HMAC key of the chain.
#[derive(Clone)]
pub struct MacKey {
    pub id: String,
    pub created: String,
    key: [u8; 32],
}

impl std::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MacKey")
            .field("id", &self.id)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

impl MacKey {
    /// A fresh HMAC-SHA-256 over this key.
    pub fn hmac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!())
    }
}

/// The loaded key file.
#[derive(Clone)]
pub struct AuditKeys {
    path: PathBuf,
    blind: [u8; 32],
    seal: [u8; 32],
    macs: Vec<MacKey>,
}

impl std::fmt::Debug for AuditKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKeys")
            .field("path", &self.path)
            .field("macs", &self.macs)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    version: u32,
    blind: String,
    seal: String,
    mac: Vec<MacEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MacEntry {
    id: String,
    key: String,
    created: String,
}

const HEADER: &str = "# privdesk audit keys: the chain's MAC keys, the blind index key and the\n\
# key that wraps each data subject's key. Keep this file outside the store's\n\
# folder, readable by the server only, and in the backups kept apart from the\n\
# store's. Losing it makes the audit log unverifiable and its sealed values\n\
# unreadable.\n";

fn key_err(path: &Path, detail: impl Into<String>) -> StoreError {
    StoreError::AuditKey {
        path: path.to_path_buf(),
        detail: detail.into(),
    }
}

fn parse_key(path: &Path, what: &str, hex_key: &str) -> Result<[u8; 32], StoreError> {
    let bytes = hex::decode(hex_key.trim())
        .map_err(|_| key_err(path, format!("`{what}` is not hexadecimal")))?;
    bytes.try_into().map_err(|_| {
        key_err(
            path,
            format!("`{what}` must be 32 bytes (64 hexadecimal digits)"),
        )
    })
}

impl AuditKeys {
    /// Reads the key file; every problem names the file and what is wrong.
    pub fn load(path: &Path) -> Result<AuditKeys, StoreError> {
        let text = fs::read_to_string(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                key_err(path, "it does not exist")
            } else {
                key_err(path, format!("cannot be read: {e}"))
            }
        })?;
        let file: KeyFile =
            toml::from_str(&text).map_err(|e| key_err(path, format!("is not valid: {e}")))?;
        if file.version != 1 {
            return Err(key_err(
                path,
                format!(
                    "has version {}, which this privdesk does not know (1)",
                    file.version
                ),
            ));
        }
        if file.mac.is_empty() {
            return Err(key_err(path, "holds no [[mac]] key"));
        }
        let mut macs = Vec::with_capacity(file.mac.len());
        for (i, m) in file.mac.iter().enumerate() {
            if m.id.trim().is_empty() || macs.iter().any(|k: &MacKey| k.id == m.id) {
                return Err(key_err(
                    path,
                    format!("[[mac]] number {} needs an id of its own", i + 1),
                ));
            }
            macs.push(MacKey {
                id: m.id.clone(),
                created: m.created.clone(),
                key: parse_key(path, &format!("mac {}", m.id), &m.key)?,
            });
        }
        Ok(AuditKeys {
            path: path.to_path_buf(),
            blind: parse_key(path, "blind", &file.blind)?,
            seal: parse_key(path, "seal", &file.seal)?,
            macs,
        })
    }

    /// Writes a new key file (mode 0600); an existing file is never
    /// overwritten.
    pub fn create(path: &Path) -> Result<AuditKeys, StoreError> {
        let keys = AuditKeys {
            path: path.to_path_buf(),
            blind: rand::random(),
            seal: rand::random(),
            macs: vec![MacKey {
                id: "mac-1".into(),
                created: super::now_rfc3339(),
                key: rand::random(),
            }],
        };
        // Written whole under a name of its own, then linked into place:
        // a process opening at the same moment never reads a half-written
        // file, and an existing file is never replaced.
        let tmp = path.with_extension(format!("new-{}", uuid::Uuid::new_v4()));
        let written = (|| {
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(|e| key_err(path, format!("cannot be created: {e}")))?;
            f.write_all(keys.text().as_bytes())
                .and_then(|_| f.sync_all())
                .map_err(|e| key_err(path, format!("cannot be written: {e}")))?;
            fs::hard_link(&tmp, path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    key_err(path, "already exists")
                } else {
                    key_err(path, format!("cannot be created: {e}"))
                }
            })
        })();
        let _ = fs::remove_file(&tmp);
        written.map(|()| keys)
    }

    /// Adds a new current MAC key: the file is written beside the old one
    /// and renamed over it, so a crash leaves one or the other whole.
    pub fn rotate(path: &Path) -> Result<AuditKeys, StoreError> {
        let mut keys = AuditKeys::load(path)?;
        let n = keys.macs.len() + 1;
        let mut id = format!("mac-{n}");
        let mut extra = n;
        while keys.macs.iter().any(|k| k.id == id) {
            extra += 1;
            id = format!("mac-{extra}");
        }
        keys.macs.push(MacKey {
            id,
            created: super::now_rfc3339(),
            key: rand::random(),
        });
        let tmp = path.with_extension("rotating");
        let _ = fs::remove_file(&tmp);
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| key_err(&tmp, format!("cannot be created: {e}")))?;
        f.write_all(keys.text().as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| key_err(&tmp, format!("cannot be written: {e}")))?;
        fs::rename(&tmp, path).map_err(|e| key_err(path, format!("cannot be replaced: {e}")))?;
        Ok(keys)
    }

    fn text(&self) -> String {
        let file = KeyFile {
            version: 1,
            blind: hex::encode(self.blind),
            seal: hex::encode(self.seal),
            mac: self
                .macs
                .iter()
                .map(|m| MacEntry {
                    id: m.id.clone(),
                    key: hex::encode(m.key),
                    created: m.created.clone(),
                })
                .collect(),
        };
        format!(
            "{HEADER}{}",
            toml::to_string(&file).unwrap_or_else(|_| unreachable!())
        )
    }

    /// Where the keys were read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The MAC key new entries are written with.
    pub fn current_mac(&self) -> &MacKey {
        // `load` and `create` never leave the list empty.
        &self.macs[self.macs.len() - 1]
    }

    /// A MAC key by its id, with its position (older keys first).
    pub fn mac(&self, id: &str) -> Option<(usize, &MacKey)> {
        self.macs.iter().enumerate().find(|(_, k)| k.id == id)
    }

    /// Every MAC key, oldest first.
    pub fn macs(&self) -> &[MacKey] {
        &self.macs
    }

    /// The blind index of a data subject's token (`record:crm:C-1`,
    /// `case:PD-2026-000001`, `query:taro yamada`): HMAC-SHA-256 under the
    /// blind key, lower-case hex. Without the key file it cannot be
    /// computed, so it says nothing about who is in the log.
    pub fn blind(&self, token: &str) -> String {
        let mut m =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.blind).unwrap_or_else(|_| unreachable!());
        m.update(b"privdesk blind index v1\0");
        m.update(token.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }

    /// The key that wraps data subjects' keys.
    pub(crate) fn seal_key(&self) -> &[u8; 32] {
        &self.seal
    }
}

pub(crate) enum LoadError {
    Sqlite(rusqlite::Error),
    Key(StoreError),
}

impl From<rusqlite::Error> for LoadError {
    fn from(e: rusqlite::Error) -> Self {
        LoadError::Sqlite(e)
    }
}

/// The keys for a store: the file's if it exists; a new file if the log
/// was never keyed (a new store, or one of before keyed chains, which the
/// first keyed entry then seals). A keyed log whose key file is missing is
/// an error: a new key would make every keyed entry unverifiable.
pub(crate) fn load_or_create(
    conn: &rusqlite::Connection,
    path: &Path,
) -> Result<AuditKeys, LoadError> {
    if path.exists() {
        return AuditKeys::load(path).map_err(LoadError::Key);
    }
    if let Some(id) = super::chain::first_keyed_entry(conn)? {
        return Err(LoadError::Key(key_err(
            path,
            format!(
                "it does not exist, and the audit log has been keyed since entry {id}; \
                 restore the key file from its backup (a new key cannot verify the log)"
            ),
        )));
    }
    match AuditKeys::create(path) {
        // Another process made it first: use that one.
        Err(_) if path.exists() => AuditKeys::load(path).map_err(LoadError::Key),
        other => other.map_err(LoadError::Key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_keys_load_back_and_rotation_adds_a_current_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        let made = AuditKeys::create(&path).unwrap();
        let mode =
            std::os::unix::fs::PermissionsExt::mode(&fs::metadata(&path).unwrap().permissions());
        assert_eq!(mode & 0o777, 0o600);
        let read = AuditKeys::load(&path).unwrap();
        assert_eq!(read.blind("record:crm:C-1"), made.blind("record:crm:C-1"));
        assert_eq!(read.current_mac().id, "mac-1");
        assert!(
            AuditKeys::create(&path).is_err(),
            "an existing file is kept"
        );
        let rotated = AuditKeys::rotate(&path).unwrap();
        assert_eq!(rotated.current_mac().id, "mac-2");
        let again = AuditKeys::load(&path).unwrap();
        assert_eq!(again.macs().len(), 2);
        assert_eq!(again.mac("mac-1").unwrap().0, 0);
        assert_eq!(
            again.blind("x"),
            made.blind("x"),
            "rotation keeps the blind key"
        );
    }

    #[test]
    fn a_bad_file_is_named_with_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        let missing = AuditKeys::load(&path).unwrap_err().to_string();
        assert!(
            missing.contains("audit.key") && missing.contains("does not exist"),
            "{missing}"
        );
        fs::write(
            &path,
            "version = 1\nblind = \"zz\"\nseal = \"00\"\nmac = []\n",
        )
        .unwrap();
        let bad = AuditKeys::load(&path).unwrap_err().to_string();
        assert!(bad.contains("no [[mac]] key"), "{bad}");
    }
}
