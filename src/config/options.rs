//! What loading may take from the outside world, replaceable in tests: the
//! environment (secrets, `~`, the file lookup) and the current user name.

use super::operators::current_username;
use super::types::Config;
use std::collections::HashMap;
use std::path::PathBuf;

/// Options for loading. The default reads the process environment and the
/// real OS user.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The OS user that `[operators."$USER"]` stands for in demo configs;
    /// None = [`current_username`].
    pub username: Option<String>,
    /// The environment variables to use instead of the process's.
    pub env: Option<HashMap<String, String>>,
    /// Checks of parts of the configuration that other modules own (key
    /// bindings, themes); their problems are located like the rest.
    pub extra_checks: Vec<ExtraCheck>,
}

/// A check owned outside `config`: returns (dotted key path, message) pairs,
/// e.g. `("keys.reveal", "q is already bound to quit")`.
pub type ExtraCheck = fn(&Config) -> Vec<(String, String)>;

/// The value of one environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EnvValue {
    Unset,
    NotUnicode,
    Set(String),
}

impl LoadOptions {
    /// Options with this user name and exactly these variables.
    pub fn isolated(username: &str, env: &[(&str, &str)]) -> Self {
        LoadOptions {
            username: Some(username.to_string()),
            env: Some(
                env.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            extra_checks: Vec::new(),
        }
    }

    /// These options plus a check owned by another module.
    pub fn with_check(mut self, check: ExtraCheck) -> Self {
        self.extra_checks.push(check);
        self
    }

    pub(crate) fn var(&self, name: &str) -> EnvValue {
        match &self.env {
            Some(map) => map
                .get(name)
                .map_or(EnvValue::Unset, |v| EnvValue::Set(v.clone())),
            None => match std::env::var(name) {
                Ok(v) => EnvValue::Set(v),
                Err(std::env::VarError::NotPresent) => EnvValue::Unset,
                Err(std::env::VarError::NotUnicode(_)) => EnvValue::NotUnicode,
            },
        }
    }

    pub(crate) fn var_string(&self, name: &str) -> Option<String> {
        match self.var(name) {
            EnvValue::Set(v) => Some(v),
            _ => None,
        }
    }

    pub(crate) fn home(&self) -> Option<PathBuf> {
        match &self.env {
            Some(_) => self
                .var_string("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from),
            None => super::paths::process_home(),
        }
    }

    pub(crate) fn username(&self) -> String {
        self.username.clone().unwrap_or_else(current_username)
    }
}
