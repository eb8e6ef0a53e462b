//! Semantic checks of the whole configuration (after it deserialized). Each
//! problem is a key path plus a message; the loader locates them.

use super::calendar_checks::{check_calendar, check_deadlines};
use super::connector_checks::check_system;
use super::document::Issue;
use super::letters_config::check_letters;
use super::types::{Config, KeyBinding};
use std::collections::HashSet;

pub(crate) fn path(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// Every semantic problem of `config`.
pub(crate) fn check_config(config: &Config) -> Vec<Issue> {
    let mut out = Vec::new();
    if config.ui.theme.trim().is_empty() {
        out.push(Issue::new(
            path(&["ui", "theme"]),
            "theme is empty: give a theme name such as \"default\" or a theme file",
        ));
    }
    let s = &config.search;
    if !(s.timeout_secs.is_finite() && s.timeout_secs > 0.0 && s.timeout_secs <= 600.0) {
        out.push(Issue::new(
            path(&["search", "timeout_secs"]),
            "timeout_secs must be more than 0 and at most 600 seconds",
        ));
    }
    if s.max_query_chars == 0 {
        out.push(Issue::new(
            path(&["search", "max_query_chars"]),
            "max_query_chars must be at least 1",
        ));
    }
    if s.expand && s.expand_max_ids == 0 {
        out.push(Issue::new(
            path(&["search", "expand_max_ids"]),
            "expand_max_ids must be at least 1 when expand = true (or set expand = false)",
        ));
    }
    if let Some(p) = &config.store.path {
        if p.as_os_str().is_empty() {
            out.push(Issue::new(
                path(&["store", "path"]),
                "store path is empty: remove it to use the default location",
            ));
        }
    }
    check_purposes(&config.reveal.purposes, &mut out);
    check_channels(&config.cases.channels, &mut out);
    check_call_channels(&config.cases, &mut out);
    check_calendar(&config.calendar, &mut out);
    check_deadlines(&config.deadlines, &mut out);
    let systems: Vec<&str> = config.systems.keys().map(String::as_str).collect();
    check_letters(&config.letters, &systems, &mut out);
    super::action_checks::check_actions_table(&config.actions, &mut out);
    super::retention::check_retention(&config.retention, &mut out);
    super::audit_config::check_audit(&config.audit, &mut out);
    super::server_config::check_server(&config.server, &mut out);
    super::server_config::check_limits(&config.limits, &mut out);
    let operators: Vec<&str> = config.operators.keys().map(String::as_str).collect();
    super::queue_config::check_queue(&config.queue, &operators, &mut out);
    for (name, def) in &config.operators {
        if !valid_username(name) {
            out.push(Issue::new(
                path(&["operators", name]),
                format!("\"{name}\" is not a valid Unix user name (letters, digits, `.`, `_`, `-`; at most 32)"),
            ));
        }
        if def.display_name.trim().is_empty() {
            out.push(Issue::new(
                path(&["operators", name, "display_name"]),
                "display_name is empty",
            ));
        }
    }
    for (action, binding) in &config.keys {
        let empty = match binding {
            KeyBinding::One(k) => k.trim().is_empty(),
            KeyBinding::Many(v) => v.is_empty() || v.iter().any(|k| k.trim().is_empty()),
        };
        if empty {
            out.push(Issue::new(
                path(&["keys", action]),
                format!("key binding for `{action}` is empty"),
            ));
        }
    }
    for (name, system) in &config.systems {
        check_system(name, system, &mut out);
    }
    out
}

fn check_purposes(purposes: &[String], out: &mut Vec<Issue>) {
    if purposes.is_empty() {
        out.push(Issue::new(
            path(&["reveal", "purposes"]),
            "reveal.purposes is empty: list at least one purpose operators can give for revealing data",
        ));
    }
    let mut seen = HashSet::new();
    for (i, p) in purposes.iter().enumerate() {
        let at = path(&["reveal", "purposes", &i.to_string()]);
        if p.trim().is_empty() {
            out.push(Issue::new(at, "purpose is empty"));
        } else if !seen.insert(p.trim()) {
            out.push(Issue::new(at, format!("purpose \"{p}\" is listed twice")));
        }
    }
}

fn check_channels(channels: &[String], out: &mut Vec<Issue>) {
    if channels.is_empty() {
        out.push(Issue::new(
            path(&["cases", "channels"]),
            "cases.channels is empty: list at least one channel requests are accepted on",
        ));
    }
    let mut seen = HashSet::new();
    for (i, c) in channels.iter().enumerate() {
        let at = path(&["cases", "channels", &i.to_string()]);
        let ok = !c.is_empty()
            && c.len() <= 40
            && c.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            out.push(Issue::new(
                at,
                format!("channel \"{c}\" must be a short name of lower-case letters, digits and `_` (e.g. postal_mail)"),
            ));
        } else if !seen.insert(c.as_str()) {
            out.push(Issue::new(at, format!("channel \"{c}\" is listed twice")));
        }
    }
}

/// Call channels must be channels requests are accepted on.
fn check_call_channels(cases: &super::types::CasesConfig, out: &mut Vec<Issue>) {
    for (i, c) in cases.call_channels.iter().enumerate() {
        if !cases.channels.contains(c) {
            out.push(Issue::new(
                path(&["cases", "call_channels", &i.to_string()]),
                format!(
                    "call channel \"{c}\" is not one of cases.channels ({})",
                    cases.channels.join(", ")
                ),
            ));
        }
    }
    if cases.identity_covers_call_minutes > 24 * 60 {
        out.push(Issue::new(
            path(&["cases", "identity_covers_call_minutes"]),
            format!(
                "{} minutes is not one call: give at most 1440 (0 turns it off)",
                cases.identity_covers_call_minutes
            ),
        ));
    }
}

/// A plausible Unix user name: 1..=32 of letters, digits, `.`, `_`, `-`, not
/// starting with `-`.
fn valid_username(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}
