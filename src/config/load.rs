//! Loading: find the file, parse it with spans, refuse inline secrets, merge
//! it over the embedded defaults, deserialize (collecting every unknown key
//! and type error), check the meaning, resolve secrets, and locate every
//! problem as `FILE:LINE:COL`.

use super::checks::check_config;
use super::document::{dotted, locate, mark_foreign, merge, remove_at_span, Issue, Span, FOREIGN};
use super::inline_secrets::take_inline_secrets;
use super::lookup::{config_path, ConfigPath, LookupEnv};
use super::operators::expand_current_user;
use super::options::LoadOptions;
use super::order::restore_source_order;
use super::problem::{io_reason, Problem, Problems};
use super::secrets::resolve_secrets;
use super::types::Config;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, Deserializer};
use toml::Spanned;

/// The built-in defaults (`data/default-config.toml`).
pub const DEFAULT_CONFIG: &str = include_str!("../../data/default-config.toml");

/// Name used in messages when only the defaults were loaded.
const DEFAULTS_NAME: &str = "(built-in defaults)";

/// Deserialization attempts before giving up collecting more type errors.
const MAX_ROUNDS: usize = 200;

/// Load the configuration found by the usual lookup (see [`config_path`]).
/// No file anywhere means the defaults alone.
pub fn load(explicit: Option<&Path>) -> Result<Config, Problems> {
    load_with(explicit, &LoadOptions::default())
}

/// [`load`] with options (environment and user name).
pub fn load_with(explicit: Option<&Path>, opts: &LoadOptions) -> Result<Config, Problems> {
    match find(explicit, opts) {
        Some(found) => load_file_with(&found.path, opts),
        None => defaults_only(opts),
    }
}

/// Load one file; a missing file is a problem.
pub fn load_file(path: &Path) -> Result<Config, Problems> {
    load_file_with(path, &LoadOptions::default())
}

/// [`load_file`] with options.
pub fn load_file_with(path: &Path, opts: &LoadOptions) -> Result<Config, Problems> {
    let text = read(path)?;
    load_str(&text, path, opts)
}

/// Load configuration text; `path` names it in messages and is the folder
/// relative paths start from.
pub fn load_str(text: &str, path: &Path, opts: &LoadOptions) -> Result<Config, Problems> {
    let (config, problems) = analyse(text, path, opts);
    match config {
        Some(c) if problems.is_empty() => Ok(c),
        _ => Err(Problems(problems)),
    }
}

/// Check the configuration the lookup finds: the file checked (None when
/// there is none and the defaults alone apply) and every problem in it.
pub fn check(explicit: Option<&Path>) -> (Option<PathBuf>, Vec<Problem>) {
    check_with(explicit, &LoadOptions::default())
}

/// [`check`] with options.
pub fn check_with(explicit: Option<&Path>, opts: &LoadOptions) -> (Option<PathBuf>, Vec<Problem>) {
    let Some(found) = find(explicit, opts) else {
        return (
            None,
            defaults_only(opts).err().map(|p| p.0).unwrap_or_default(),
        );
    };
    let problems = match read(&found.path) {
        Ok(text) => analyse(&text, &found.path, opts).1,
        Err(p) => p.0,
    };
    (Some(found.path), problems)
}

/// The file to load: None when the lookup only offers an XDG file that does
/// not exist.
fn find(explicit: Option<&Path>, opts: &LoadOptions) -> Option<ConfigPath> {
    let env = match &opts.env {
        Some(_) => LookupEnv::from_fn(|k| opts.var_string(k)),
        None => LookupEnv::from_process(),
    };
    config_path(explicit, &env).filter(|c| c.required() || c.path.exists())
}

fn defaults_only(opts: &LoadOptions) -> Result<Config, Problems> {
    let mut config = load_str("", Path::new(DEFAULTS_NAME), opts)?;
    config.source = None;
    Ok(config)
}

fn read(path: &Path) -> Result<String, Problems> {
    std::fs::read_to_string(path).map_err(|e| {
        Problems(vec![Problem::new(
            path,
            1,
            1,
            format!("cannot read: {}", io_reason(&e)),
        )])
    })
}

/// The whole pipeline; the config is None when parsing failed.
fn analyse(text: &str, file: &Path, opts: &LoadOptions) -> (Option<Config>, Vec<Problem>) {
    let at = |span: Span, message: String| {
        if span.start >= FOREIGN {
            Problem::new(file, 1, 1, format!("in the built-in defaults: {message}"))
        } else {
            Problem::at_offset(file, text, span.start, message)
        }
    };
    let (parsed, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let problems = errors
            .iter()
            .map(|e| at(e.span().unwrap_or(0..0), e.message().trim().to_string()))
            .collect();
        return (None, problems);
    }
    let root_span = parsed.span();
    let mut user = parsed.into_inner();
    let mut problems: Vec<Problem> = Vec::new();

    let username = opts.username();
    for (span, message) in expand_current_user(&mut user, &username) {
        problems.push(at(span, message));
    }
    let located = user.clone();
    for (span, message) in take_inline_secrets(&mut user) {
        problems.push(at(span, message));
    }

    let (config, serde_problems) = deserialize(user, root_span, &at);
    problems.extend(serde_problems);
    let Some(mut config) = config else {
        sort(&mut problems);
        return (None, problems);
    };
    config.source = Some(file.to_path_buf());
    restore_source_order(&mut config, &located);

    let mut issues: Vec<Issue> = check_config(&config);
    for check in &opts.extra_checks {
        for (key_path, message) in check(&config) {
            let path = key_path.split('.').map(str::to_string).collect();
            issues.push(Issue::new(path, message));
        }
    }
    let base = config.base_dir();
    issues.extend(resolve_secrets(&mut config, &base, opts));
    for issue in issues {
        let span = locate(&located, &issue.path).unwrap_or(0..0);
        problems.push(at(span, issue.message));
    }
    sort(&mut problems);
    (Some(config), problems)
}

fn sort(problems: &mut [Problem]) {
    problems.sort_by_key(|p| (p.line, p.column));
}

fn defaults_table() -> Result<DeTable<'static>, String> {
    let parsed = DeTable::parse(DEFAULT_CONFIG).map_err(|e| e.message().to_string())?;
    Ok(mark_foreign(parsed.into_inner()))
}

/// Deserialize the merged document. On each error, record it, take the
/// offending entry out of the user's document and try again, so every
/// unknown key and wrong type is reported, not only the first.
fn deserialize<'i>(
    mut user: DeTable<'i>,
    root_span: Span,
    at: &dyn Fn(Span, String) -> Problem,
) -> (Option<Config>, Vec<Problem>) {
    let mut problems = Vec::new();
    // Entries taken out for a wrong value: their absence is no news.
    let mut removed: Vec<Vec<String>> = Vec::new();
    let defaults = match defaults_table() {
        Ok(d) => d,
        Err(e) => return (None, vec![at(FOREIGN..FOREIGN, e)]),
    };
    for _ in 0..MAX_ROUNDS {
        let mut merged = defaults.clone();
        merge(&mut merged, user.clone());
        let de = Deserializer::from(Spanned::new(root_span.clone(), merged));
        let err = match Config::deserialize(de) {
            Ok(config) => return (Some(config), problems),
            Err(e) => e,
        };
        let Some(span) = err.span() else {
            problems.push(at(0..0, err.message().to_string()));
            return (None, problems);
        };
        match remove_at_span(&mut user, &span) {
            Some(path) => {
                let mut known = false;
                if let Some(field) = missing_field(err.message()) {
                    let mut full = path.clone();
                    full.push(field.to_string());
                    known = removed.contains(&full);
                }
                if !known {
                    problems.push(at(span, describe(err.message(), &path)));
                }
                removed.push(path);
            }
            None => {
                problems.push(at(span, err.message().to_string()));
                return (None, problems);
            }
        }
    }
    (None, problems)
}

/// The field named by a serde "missing field" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// A serde message made readable: the key path in front, TOML words for
/// Rust types.
fn describe(message: &str, path: &[String]) -> String {
    let dotted = dotted(path);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let after = rest.split_once('`').map_or("", |(_, after)| after);
        return format!("unknown key `{dotted}`{after}");
    }
    if let Some(name) = missing_field(message) {
        return format!("`{dotted}` is missing the required key `{name}`");
    }
    let mut text = message.to_string();
    for (rust, toml) in [
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected u64", "expected a whole number (0 or more)"),
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected usize", "expected a whole number (0 or more)"),
        ("expected u16", "expected a whole number (0 or more)"),
        ("expected u8", "expected a whole number (0 or more)"),
        ("expected i64", "expected a whole number"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected a table"),
        ("expected a boolean", "expected true or false"),
        (
            "data did not match any variant of untagged enum KeyBinding",
            "expected a key or a list of keys",
        ),
    ] {
        text = text.replace(rust, toml);
    }
    if let Some(i) = text.find("expected struct ") {
        text.replace_range(i.., "expected a table");
    }
    format!("`{dotted}`: {text}")
}
