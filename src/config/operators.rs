//! Operators: who may use the desk. Unknown OS users are refused; demo
//! configurations may name the operator `"$USER"` (whoever runs them).

use super::document::{is_bare_key, table_at_mut, Span};
use super::types::Config;
use crate::domain::Operator;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The operator key that stands for the current OS user in demo configs.
pub const CURRENT_USER_KEY: &str = "$USER";

/// The name of the OS user running this process: from the user database,
/// else `$USER` / `$LOGNAME`, else the numeric uid.
pub fn current_username() -> String {
    let uid = nix::unistd::getuid();
    if let Ok(Some(user)) = nix::unistd::User::from_uid(uid) {
        if !user.name.is_empty() {
            return user.name;
        }
    }
    for var in ["USER", "LOGNAME"] {
        if let Ok(name) = std::env::var(var) {
            if !name.is_empty() {
                return name;
            }
        }
    }
    uid.to_string()
}

/// `[operators.<name>]` written as TOML (quoted when not a bare key).
pub(crate) fn operator_table_header(username: &str) -> String {
    if is_bare_key(username) {
        format!("[operators.{username}]")
    } else {
        format!("[operators.\"{}\"]", username.replace('"', "\\\""))
    }
}

impl Config {
    /// The operator for OS user `username`, or a message for the person
    /// refused: who they are, which file was read, what an administrator does.
    pub fn operator(&self, username: &str) -> Result<Operator, String> {
        if let Some(def) = self.operators.get(username) {
            return Ok(Operator {
                username: username.to_string(),
                display_name: def.display_name.clone(),
                role: def.role,
            });
        }
        let file = match &self.source {
            Some(path) => format!("the configuration {}", path.display()),
            None => "the configuration (no configuration file was found, so nobody is)".to_string(),
        };
        Err(format!(
            "user \"{username}\" is not an operator in {file}; \
             an administrator must add {} with display_name and role",
            operator_table_header(username)
        ))
    }
}

/// In the user's document: replace the operator key `"$USER"` by `username`
/// when the file says `demo = true`; otherwise take it out and return a
/// located problem.
pub(crate) fn expand_current_user(root: &mut DeTable<'_>, username: &str) -> Vec<(Span, String)> {
    let demo = matches!(
        root.get("demo").map(|v| v.get_ref()),
        Some(DeValue::Boolean(true))
    );
    let Some(operators) = table_at_mut(root, &["operators"]) else {
        return Vec::new();
    };
    let Some((key, value)) = operators.remove_entry(CURRENT_USER_KEY) else {
        return Vec::new();
    };
    let span = key.span();
    if !demo {
        return vec![(
            span,
            format!(
                "operator \"{CURRENT_USER_KEY}\" is only allowed in a demo configuration (demo = true); \
                 name each operator by their Unix user name, e.g. {}",
                operator_table_header(username)
            ),
        )];
    }
    if operators.contains_key(username) {
        return vec![(
            span,
            format!(
                "operator \"{CURRENT_USER_KEY}\" stands for \"{username}\", who is also listed as {}",
                operator_table_header(username)
            ),
        )];
    }
    operators.insert(Spanned::new(span, username.to_string().into()), value);
    Vec::new()
}
