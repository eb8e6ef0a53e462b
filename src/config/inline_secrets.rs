//! Refusal of secrets written inline under `[systems.<name>]`: tokens,
//! passwords and keys belong in environment variables or files. Refused
//! entries are taken out of the document (so they are not also reported as
//! unknown keys) and each gets a message saying how to move it. The secret's
//! value never appears in a message.

use super::document::{table_at_mut, Span};
use toml::de::{DeTable, DeValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecretKind {
    Token,
    Password,
    Key,
}

/// What kind of secret a key name suggests, if any.
fn classify_key(name: &str) -> Option<SecretKind> {
    let n = name.to_ascii_lowercase().replace('-', "_");
    match n.as_str() {
        "token" | "access_token" | "auth_token" | "bearer_token" | "bearer" | "refresh_token" => {
            Some(SecretKind::Token)
        }
        "password" | "passwd" | "pass" | "pwd" => Some(SecretKind::Password),
        "key" | "api_key" | "apikey" | "secret" | "client_secret" | "secret_key"
        | "private_key" | "access_key" | "app_key" | "app_secret" => Some(SecretKind::Key),
        _ => None,
    }
}

/// What kind of credential a header name suggests, if any.
fn classify_header(name: &str) -> Option<SecretKind> {
    let n = name.to_ascii_lowercase().replace('_', "-");
    if matches!(
        n.as_str(),
        "authorization" | "proxy-authorization" | "cookie"
    ) || n.contains("token")
    {
        return Some(SecretKind::Token);
    }
    if n.contains("password") || n.contains("passwd") {
        return Some(SecretKind::Password);
    }
    if n.contains("api-key")
        || n.contains("apikey")
        || n.contains("secret")
        || n.starts_with("x-auth")
        || n == "key"
    {
        return Some(SecretKind::Key);
    }
    None
}

fn env_name(system: &str, suffix: &str) -> String {
    let base: String = system
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{base}_{suffix}")
}

/// How to move an inline secret of `kind` in `system` out of the file.
/// `carrier` names how an API key travels when the original entry says so.
fn how_to_move(kind: SecretKind, system: &str, carrier: Option<String>) -> String {
    let (what, prefix, env_suffix, auth_type) = match kind {
        SecretKind::Token => ("token", "token", "TOKEN", "bearer"),
        SecretKind::Password => ("password", "password", "PASSWORD", "basic"),
        SecretKind::Key => ("key", "key", "API_KEY", "api_key"),
    };
    let mut msg = format!(
        "move the {what} to an environment variable ({prefix}_env = \"{}\") \
         or a file ({prefix}_file = \"secrets/{system}.{prefix}\") in [systems.{system}.auth] with type = \"{auth_type}\"",
        env_name(system, env_suffix)
    );
    if kind == SecretKind::Password {
        msg.push_str(" and username");
    }
    if let Some(carrier) = carrier {
        msg.push_str(&format!(" and {carrier}"));
    }
    msg
}

fn key_message(kind: SecretKind, system: &str, carrier: Option<String>) -> String {
    format!(
        "inline secret refused: {}",
        how_to_move(kind, system, carrier)
    )
}

fn header_message(kind: SecretKind, system: &str, header: &str) -> String {
    let header = header.replace('"', "");
    match kind {
        SecretKind::Key => format!(
            "inline secret refused: credentials do not belong in headers; {}",
            how_to_move(kind, system, Some(format!("header = \"{header}\"")))
        ),
        _ => format!(
            "inline secret refused: credentials do not belong in headers; {} (the {header} header is then built from it)",
            how_to_move(kind, system, None)
        ),
    }
}

/// Whether a value looks like a secret written in place: a scalar, and for a
/// string one without `{placeholders}` (a template such as `"{query}"` is not).
fn is_literal_scalar(v: &DeValue<'_>) -> bool {
    match v {
        DeValue::String(s) => !s.contains('{'),
        DeValue::Table(_) | DeValue::Array(_) => false,
        _ => true,
    }
}

/// Take every inline secret out of `root` (the user's document); returns the
/// key span and message of each.
pub(crate) fn take_inline_secrets(root: &mut DeTable<'_>) -> Vec<(Span, String)> {
    let mut found = Vec::new();
    let Some(systems) = table_at_mut(root, &["systems"]) else {
        return found;
    };
    let names: Vec<String> = systems.keys().map(|k| k.get_ref().to_string()).collect();
    for name in names {
        if let Some(DeValue::Table(t)) = systems.get_mut(name.as_str()).map(|v| v.get_mut()) {
            scan(t, &name, &[], &mut found);
        }
    }
    found
}

fn scan(table: &mut DeTable<'_>, system: &str, at: &[String], found: &mut Vec<(Span, String)>) {
    let keys: Vec<String> = table.keys().map(|k| k.get_ref().to_string()).collect();
    let in_headers = at.len() == 1 && at[0] == "headers";
    let in_query = at.last().is_some_and(|s| s == "query");
    for key in keys {
        let Some((k, v)) = table.get_key_value(key.as_str()) else {
            continue;
        };
        let key_span = k.span();
        let message = if in_headers {
            classify_header(&key).map(|kind| header_message(kind, system, &key))
        } else if is_literal_scalar(v.get_ref()) {
            classify_key(&key).map(|kind| {
                let carrier = (kind == SecretKind::Key && in_query)
                    .then(|| format!("query_param = \"{}\"", key.replace('"', "")));
                key_message(kind, system, carrier)
            })
        } else {
            None
        };
        if let Some(message) = message {
            table.remove(key.as_str());
            found.push((key_span, message));
            continue;
        }
        let mut path = at.to_vec();
        path.push(key.clone());
        if let Some(v) = table.get_mut(key.as_str()) {
            scan_value(v.get_mut(), system, &path, found);
        }
    }
}

fn scan_value(v: &mut DeValue<'_>, system: &str, at: &[String], found: &mut Vec<(Span, String)>) {
    match v {
        DeValue::Table(t) => scan(t, system, at, found),
        DeValue::Array(a) => {
            for item in a.iter_mut() {
                if let DeValue::Table(t) = item.get_mut() {
                    scan(t, system, at, found);
                }
            }
        }
        _ => {}
    }
}
