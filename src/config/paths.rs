//! Paths named in the configuration: `~` expansion, the config file's
//! folder, and the store's location.

use super::types::Config;
use std::path::{Path, PathBuf};

/// Replace a leading `~` (alone or followed by `/`) with `home`.
pub fn expand_tilde(path: &Path, home: Option<&Path>) -> PathBuf {
    let Some(home) = home else {
        return path.to_path_buf();
    };
    match path.strip_prefix("~") {
        Ok(rest) => home.join(rest),
        Err(_) => path.to_path_buf(),
    }
}

/// `path` with `~` expanded and, when relative, taken from `base`.
pub fn resolve_path(path: &Path, base: &Path, home: Option<&Path>) -> PathBuf {
    let path = expand_tilde(path, home);
    if path.is_absolute() {
        path
    } else {
        base.join(path)
    }
}

/// The process's home folder.
pub(crate) fn process_home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

impl Config {
    /// The folder of the configuration file (absolute when it can be made
    /// so); the current folder when no file was loaded.
    pub fn base_dir(&self) -> PathBuf {
        let dir = match self.source.as_deref().and_then(Path::parent) {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::path::absolute(&dir).unwrap_or(dir)
    }

    /// The SQLite file: `store.path` (relative to the config file's folder,
    /// `~` = home) or the XDG data folder's `privdesk/privdesk.db`.
    pub fn store_path(&self) -> PathBuf {
        let dirs = directories::BaseDirs::new();
        let home = process_home();
        self.store_path_with(home.as_deref(), dirs.as_ref().map(|d| d.data_dir()))
    }

    /// The audit key file: `audit.key_file`, or `audit.key` beside the store.
    pub fn audit_key_path(&self) -> PathBuf {
        match &self.audit.key_file {
            Some(p) => resolve_path(p, &self.base_dir(), process_home().as_deref()),
            None => crate::paths::default_key_path(&self.store_path()),
        }
    }

    /// The checkpoint signing key: `audit.checkpoint_key_file`, or
    /// `checkpoint.key` beside the store.
    pub fn checkpoint_key_path(&self) -> PathBuf {
        match &self.audit.checkpoint_key_file {
            Some(p) => resolve_path(p, &self.base_dir(), process_home().as_deref()),
            None => self.store_path().with_file_name("checkpoint.key"),
        }
    }

    /// [`Config::store_path`] with explicit home and XDG data folders.
    pub fn store_path_with(&self, home: Option<&Path>, data_dir: Option<&Path>) -> PathBuf {
        if let Some(p) = &self.store.path {
            return resolve_path(p, &self.base_dir(), home);
        }
        let data = match (data_dir, home) {
            (Some(d), _) => d.to_path_buf(),
            (None, Some(h)) => h.join(".local").join("share"),
            (None, None) => self.base_dir(),
        };
        data.join("privdesk").join("privdesk.db")
    }

    /// Where the server writes disclosure packages and audit exports before
    /// handing them over: `[server] files_dir`, else `files/` beside the store.
    pub fn files_dir(&self) -> PathBuf {
        if let Some(d) = &self.server.files_dir {
            return resolve_path(
                std::path::Path::new(d),
                &self.base_dir(),
                process_home().as_deref(),
            );
        }
        let store = self.store_path();
        store
            .parent()
            .map(|p| p.join("files"))
            .unwrap_or_else(|| PathBuf::from("files"))
    }
}
