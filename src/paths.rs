//! Where privdesk finds its installed files (themes, data) and writes its own
//! (logs). Installed files live in `$XDG_DATA_HOME/privdesk` (by default
//! `~/.local/share/privdesk`), where `install.sh` puts them.

use std::path::{Path, PathBuf};

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

fn xdg(var: &str, fallback: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() && Path::new(&v).is_absolute() => Some(PathBuf::from(v)),
        _ => home().map(|h| h.join(fallback)),
    }
}

/// `$XDG_DATA_HOME/privdesk` (`~/.local/share/privdesk`).
pub fn user_data_dir() -> Option<PathBuf> {
    xdg("XDG_DATA_HOME", ".local/share").map(|d| d.join("privdesk"))
}

/// `$XDG_STATE_HOME/privdesk` (`~/.local/state/privdesk`): logs and the like.
pub fn state_dir() -> Option<PathBuf> {
    xdg("XDG_STATE_HOME", ".local/state").map(|d| d.join("privdesk"))
}

/// `$XDG_CONFIG_HOME/privdesk` (`~/.config/privdesk`).
pub fn config_dir() -> Option<PathBuf> {
    xdg("XDG_CONFIG_HOME", ".config").map(|d| d.join("privdesk"))
}

/// The folders searched for installed files, best first: `$PRIVDESK_HOME`,
/// the XDG data dir, `../share/privdesk` next to the binary, and the source
/// tree the binary was built from.
pub fn install_dirs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = std::env::var_os("PRIVDESK_HOME").filter(|p| !p.is_empty()) {
        out.push(PathBuf::from(p));
    }
    if let Some(d) = user_data_dir() {
        out.push(d);
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(bin) = exe.parent() {
            out.push(bin.join("../share/privdesk"));
        }
    }
    out.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    out
}

/// The first installed copy of `rel` (e.g. `data/sample-config.toml`).
pub fn find_installed(rel: &str) -> Option<PathBuf> {
    install_dirs()
        .into_iter()
        .map(|d| d.join(rel))
        .find(|p| p.exists())
}

/// The audit key file used when none is configured: `audit.key` beside
/// the store. Here, not in `store`, because the configuration names the
/// same file when it resolves `[audit] key_file` (config may not depend on
/// the store).
pub fn default_key_path(store: &Path) -> PathBuf {
    store.with_file_name("audit.key")
}
