//! Resolution of the secrets named in `[systems.<name>.auth]`: read from an
//! environment variable or a file, trailing whitespace trimmed, stored in
//! `AuthDef::secret`. Messages name the variable or file, never the value.

use super::document::Issue;
use super::options::{EnvValue, LoadOptions};
use super::paths::resolve_path;
use super::systems::{AuthKind, Secret};
use super::types::Config;
use std::path::{Path, PathBuf};

/// Resolve the secret of every enabled system whose auth names exactly one
/// source (inconsistent auth blocks are reported by the checks instead).
pub(crate) fn resolve_secrets(
    config: &mut Config,
    base_dir: &Path,
    opts: &LoadOptions,
) -> Vec<Issue> {
    let mut issues = Vec::new();
    let home = opts.home();
    for (name, system) in config.systems.iter_mut() {
        if !system.enabled {
            continue;
        }
        let auth = &mut system.auth;
        let (prefix, env, file) = match auth.kind {
            AuthKind::None => continue,
            AuthKind::Bearer => ("token", &auth.token_env, &auth.token_file),
            AuthKind::Basic => ("password", &auth.password_env, &auth.password_file),
            AuthKind::ApiKey => ("key", &auth.key_env, &auth.key_file),
        };
        let result = match (env, file) {
            (Some(var), None) => {
                let key = format!("{prefix}_env");
                from_env(var, opts).map_err(|m| (key, m))
            }
            (None, Some(file)) => {
                let key = format!("{prefix}_file");
                let path = resolve_path(file, base_dir, home.as_deref());
                from_file(&path).map_err(|m| (key, m))
            }
            _ => continue,
        };
        match result {
            Ok(secret) => auth.secret = Some(Secret(secret)),
            Err((key, message)) => {
                let path = vec!["systems".to_string(), name.clone(), "auth".to_string(), key];
                let needed = super::document::dotted(&path);
                issues.push(Issue::new(path, format!("{message} (needed by {needed})")));
            }
        }
    }
    issues
}

fn from_env(var: &str, opts: &LoadOptions) -> Result<String, String> {
    match opts.var(var) {
        EnvValue::Unset => Err(format!("environment variable {var} is not set")),
        EnvValue::NotUnicode => Err(format!("environment variable {var} is not valid UTF-8")),
        EnvValue::Set(v) => clean(&v).map_err(|why| format!("environment variable {var} {why}")),
    }
}

fn from_file(path: &PathBuf) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read secret file {}: {}",
            path.display(),
            super::problem::io_reason(&e)
        )
    })?;
    clean(&text).map_err(|why| format!("secret file {} {why}", path.display()))
}

/// Trim trailing whitespace; refuse empty or multi-line values and control
/// characters (they would corrupt a header).
fn clean(raw: &str) -> Result<String, &'static str> {
    let value = raw.trim_end();
    if value.is_empty() {
        return Err("is empty");
    }
    if value.contains(['\n', '\r']) {
        return Err("holds more than one line");
    }
    if value.chars().any(char::is_control) {
        return Err("contains control characters");
    }
    Ok(value.to_string())
}
