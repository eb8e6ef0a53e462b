//! Tests of configuration loading. Helpers build small config texts; every
//! test runs with its own environment map and user name.

mod actions;
mod calendar;
mod cases;
mod connectors;
mod letters;
mod loading;
mod lookup;
mod operators;
mod queue;
mod secrets;

use super::{load_str, Config, LoadOptions, Problem};
use std::path::Path;

/// Options with user `tester`, HOME=/home/tester and the given variables.
pub(super) fn opts_with(env: &[(&str, &str)]) -> LoadOptions {
    let mut all = vec![("HOME", "/home/tester")];
    all.extend_from_slice(env);
    LoadOptions::isolated("tester", &all)
}

pub(super) fn opts() -> LoadOptions {
    opts_with(&[])
}

pub(super) const FILE: &str = "/etc/privdesk/config.toml";

/// Load `text` as if it were `FILE`; panics with the problems on failure.
pub(super) fn ok(text: &str) -> Config {
    ok_with(text, &opts())
}

pub(super) fn ok_with(text: &str, o: &LoadOptions) -> Config {
    match load_str(text, Path::new(FILE), o) {
        Ok(c) => c,
        Err(p) => panic!("expected a valid config, got:\n{p}\n--- text ---\n{text}"),
    }
}

/// The problems of `text`; panics when it loads.
pub(super) fn problems(text: &str) -> Vec<Problem> {
    problems_with(text, &opts())
}

pub(super) fn problems_with(text: &str, o: &LoadOptions) -> Vec<Problem> {
    match load_str(text, Path::new(FILE), o) {
        Ok(_) => panic!("expected problems, the config loaded:\n{text}"),
        Err(p) => p.0,
    }
}

/// The one problem whose message contains `needle`.
pub(super) fn find<'a>(ps: &'a [Problem], needle: &str) -> &'a Problem {
    let hits: Vec<&Problem> = ps.iter().filter(|p| p.message.contains(needle)).collect();
    match hits.as_slice() {
        [one] => one,
        _ => panic!(
            "expected exactly one problem containing {needle:?}, found {}:\n{}",
            hits.len(),
            ps.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// 1-based (line, column) of the first occurrence of `needle` in `text`
/// (computed line by line, independently of the loader's own arithmetic).
pub(super) fn pos(text: &str, needle: &str) -> (usize, usize) {
    for (n, line) in text.lines().enumerate() {
        if let Some(i) = line.find(needle) {
            return (n + 1, line[..i].chars().count() + 1);
        }
    }
    panic!("{needle:?} not in text");
}

pub(super) fn at(p: &Problem) -> (usize, usize) {
    (p.line, p.column)
}

/// A valid minimal system block. `top` goes under `[systems.NAME]`,
/// `search` under `[systems.NAME.search]`; further tables can follow.
pub(super) fn system(name: &str, top: &str, search: &str) -> String {
    format!(
        r#"
[systems.{name}]
base_url = "https://{name}.example.test/api"
{top}

[systems.{name}.search]
kinds = ["name", "email"]
path = "/customers"
query = {{ q = "{{query}}" }}
results = "data"
{search}

[systems.{name}.fields]
id = "id"
name = "{{last_name}} {{first_name}}"
email = "contact.email"
"#
    )
}
