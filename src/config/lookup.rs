//! Where the configuration file is: `--config FILE`, else `$PRIVDESK_CONFIG`,
//! else `$XDG_CONFIG_HOME/privdesk/config.toml` (`~/.config` by default).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// How a configuration path was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// `--config FILE`.
    Explicit,
    /// `$PRIVDESK_CONFIG`.
    Env,
    /// The XDG location; used only when the file exists.
    Xdg,
}

/// A candidate configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigPath {
    pub path: PathBuf,
    pub origin: ConfigOrigin,
}

impl ConfigPath {
    /// A file that was asked for by name must exist; the XDG one is optional.
    pub fn required(&self) -> bool {
        self.origin != ConfigOrigin::Xdg
    }
}

/// The values of the environment the lookup depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LookupEnv {
    pub privdesk_config: Option<OsString>,
    pub xdg_config_home: Option<OsString>,
    pub home: Option<OsString>,
}

impl LookupEnv {
    /// Read the process environment.
    pub fn from_process() -> Self {
        LookupEnv {
            privdesk_config: std::env::var_os("PRIVDESK_CONFIG"),
            xdg_config_home: std::env::var_os("XDG_CONFIG_HOME"),
            home: std::env::var_os("HOME"),
        }
    }

    /// Read the values through a lookup function (tests pass a map).
    pub fn from_fn(get: impl Fn(&str) -> Option<String>) -> Self {
        LookupEnv {
            privdesk_config: get("PRIVDESK_CONFIG").map(OsString::from),
            xdg_config_home: get("XDG_CONFIG_HOME").map(OsString::from),
            home: get("HOME").map(OsString::from),
        }
    }
}

fn non_empty(v: &Option<OsString>) -> Option<&OsStr> {
    v.as_deref().filter(|s| !s.is_empty())
}

/// Choose the configuration file. Pure: reads neither the environment nor the
/// disk. None when no explicit path, no `$PRIVDESK_CONFIG` and no home folder
/// are known. A relative `$XDG_CONFIG_HOME` is ignored, as the XDG rules say.
pub fn config_path(explicit: Option<&Path>, env: &LookupEnv) -> Option<ConfigPath> {
    if let Some(p) = explicit {
        return Some(ConfigPath {
            path: p.to_path_buf(),
            origin: ConfigOrigin::Explicit,
        });
    }
    if let Some(p) = non_empty(&env.privdesk_config) {
        return Some(ConfigPath {
            path: PathBuf::from(p),
            origin: ConfigOrigin::Env,
        });
    }
    let base = match non_empty(&env.xdg_config_home).map(Path::new) {
        Some(x) if x.is_absolute() => x.to_path_buf(),
        _ => Path::new(non_empty(&env.home)?).join(".config"),
    };
    Some(ConfigPath {
        path: base.join("privdesk").join("config.toml"),
        origin: ConfigOrigin::Xdg,
    })
}

/// [`config_path`] with the process environment.
pub fn config_path_from_env(explicit: Option<&Path>) -> Option<ConfigPath> {
    config_path(explicit, &LookupEnv::from_process())
}
