//! Checks of `[systems.<name>.auth]`: each auth type takes exactly the keys
//! it needs, one source per secret.

use super::connector_checks::Ck;
use super::systems::{AuthDef, AuthKind};

fn check_env_name(ck: &mut Ck<'_>, key: &str, value: &str) {
    if value.is_empty() || value.contains(['=', '\0']) || value.chars().any(char::is_whitespace) {
        ck.at(
            &["auth", key],
            format!("{key} must name an environment variable (no spaces, `=` or NUL)"),
        );
    }
}

pub(crate) fn check_auth(ck: &mut Ck<'_>, auth: &AuthDef) {
    // (key, present) for every key that names where a secret or its carrier is.
    let present: Vec<(&str, bool)> = vec![
        ("token_env", auth.token_env.is_some()),
        ("token_file", auth.token_file.is_some()),
        ("username", auth.username.is_some()),
        ("password_env", auth.password_env.is_some()),
        ("password_file", auth.password_file.is_some()),
        ("header", auth.header.is_some()),
        ("query_param", auth.query_param.is_some()),
        ("key_env", auth.key_env.is_some()),
        ("key_file", auth.key_file.is_some()),
    ];
    let (type_name, allowed): (&str, &[&str]) = match auth.kind {
        AuthKind::None => ("none", &[]),
        AuthKind::Bearer => ("bearer", &["token_env", "token_file"]),
        AuthKind::Basic => ("basic", &["username", "password_env", "password_file"]),
        AuthKind::ApiKey => ("api_key", &["header", "query_param", "key_env", "key_file"]),
    };
    for (key, is_set) in &present {
        if *is_set && !allowed.contains(key) {
            ck.at(
                &["auth", key],
                format!("{key} is not used with auth type = \"{type_name}\""),
            );
        }
    }
    let exactly_one =
        |ck: &mut Ck<'_>, a: (&str, bool), b: (&str, bool), what: &str| match (a.1, b.1) {
            (true, true) => ck.at(
                &["auth", b.0],
                format!("give either {} or {}, not both", a.0, b.0),
            ),
            (false, false) => ck.at(
                &["auth", "type"],
                format!("auth type \"{type_name}\" needs {what}: {} or {}", a.0, b.0),
            ),
            _ => {}
        };
    match auth.kind {
        AuthKind::None => {}
        AuthKind::Bearer => {
            exactly_one(
                ck,
                ("token_env", auth.token_env.is_some()),
                ("token_file", auth.token_file.is_some()),
                "the token's source",
            );
        }
        AuthKind::Basic => {
            match &auth.username {
                None => ck.at(&["auth", "type"], "auth type \"basic\" needs username"),
                Some(u) if u.is_empty() || u.contains(':') => ck.at(
                    &["auth", "username"],
                    "username must be non-empty and without `:`",
                ),
                _ => {}
            }
            exactly_one(
                ck,
                ("password_env", auth.password_env.is_some()),
                ("password_file", auth.password_file.is_some()),
                "the password's source",
            );
        }
        AuthKind::ApiKey => {
            exactly_one(
                ck,
                ("header", auth.header.is_some()),
                ("query_param", auth.query_param.is_some()),
                "where the key goes",
            );
            exactly_one(
                ck,
                ("key_env", auth.key_env.is_some()),
                ("key_file", auth.key_file.is_some()),
                "the key's source",
            );
            if let Some(h) = &auth.header {
                if reqwest::header::HeaderName::from_bytes(h.as_bytes()).is_err() {
                    ck.at(
                        &["auth", "header"],
                        format!("\"{h}\" is not a valid HTTP header name"),
                    );
                }
            }
            if auth
                .query_param
                .as_deref()
                .is_some_and(|q| q.trim().is_empty())
            {
                ck.at(&["auth", "query_param"], "query_param is empty");
            }
        }
    }
    for (key, value) in [
        ("token_env", &auth.token_env),
        ("password_env", &auth.password_env),
        ("key_env", &auth.key_env),
    ] {
        if let Some(v) = value {
            check_env_name(ck, key, v);
        }
    }
}
