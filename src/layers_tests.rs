//! The layering of DESIGN §3 "Layers", enforced: every `crate::<module>`
//! path in the non-test code of `src/` (in `use` lines, grouped or not,
//! and inline), and every `super::` path that climbs out of its top-level
//! module, must be an edge the table below allows.
//!
//! Test code (`tests/` folders, `tests.rs`, `*_tests.rs`, and inline
//! `#[cfg(test)] mod x { ... }`) may wire up anything (sample systems, a
//! real server) and is not checked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Who may use whom. From DESIGN's diagram, dependencies pointing inward:
///
/// ```text
///   tui, cli  ──▶ client ──▶ protocol
///   server    ──▶ desk ──▶ connectors, store, identity, calendar, letters, package
///                                └──▶ domain
/// ```
///
/// A top-level module missing from the table fails the test: place it.
const LAYERS: &[(&str, &[&str])] = &[
    // Leaves: plain types (no I/O), where files live, the exit codes.
    ("domain", &[]),
    ("paths", &[]),
    ("exit", &[]),
    ("logging", &["paths"]),
    // TOML load and checks; owns the path/template grammar connectors evaluate.
    ("config", &["domain", "paths"]),
    // Pure logic over domain types (calendar and letters read their config sections).
    ("identity", &["domain"]),
    ("calendar", &["domain", "config"]),
    ("letters", &["domain", "config"]),
    ("package", &["domain", "letters"]),
    // The HTTP engine over the config's connector blocks; the only SQL.
    ("connectors", &["domain", "config"]),
    ("store", &["domain", "paths"]),
    // The service layer.
    (
        "desk",
        &[
            "domain",
            "paths",
            "config",
            "identity",
            "calendar",
            "letters",
            "package",
            "connectors",
            "store",
        ],
    ),
    // What client and server say. Its result types are today defined where
    // they are made (desk's views, a few store rows, config's UI settings):
    // types only, see NEVER.
    (
        "protocol",
        &["domain", "config", "package", "desk", "store"],
    ),
    (
        "server",
        &["domain", "config", "package", "desk", "store", "protocol"],
    ),
    // The client side of the protocol. `server` only for the embedded mode
    // (`--config`: a desk of one's own, in-process, as DESIGN's `demo`).
    (
        "client",
        &[
            "domain", "paths", "config", "calendar", "package", "protocol", "desk", "server",
        ],
    ),
    // The desk's terminal client: the protocol's client and types, pure
    // helpers (calendar, letter names), its own preferences (config's key
    // and UI types). desk: view types the protocol carries, see NEVER.
    (
        "tui",
        &[
            "domain", "paths", "exit", "config", "calendar", "letters", "protocol", "client",
            "desk",
        ],
    ),
    // The binary's front: a client for most subcommands, and the host of
    // `privdesk server` and `demo` (server, desk), the launcher of the TUI,
    // and `audit keys`, which writes the key files (store's key types).
    (
        "cli",
        &[
            "domain", "paths", "exit", "logging", "config", "calendar", "protocol", "client",
            "tui", "sample", "desk", "server", "store",
        ],
    ),
    // The fictional company systems, configured as connectors are.
    ("sample", &["domain", "config", "connectors"]),
];

/// Items a module may never name although it may use their module: the
/// client side carries the desk's and store's types, never the service or
/// the database itself.
const NEVER: &[(&str, &str, &str)] = &[
    ("protocol", "desk", "Desk"),
    ("protocol", "store", "Store"),
    ("client", "desk", "Desk"),
    ("tui", "desk", "Desk"),
];

/// Names that mean I/O, async runtimes, SQL or a terminal: not in domain.
const NOT_IN_DOMAIN: &[&str] = &[
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "tokio",
    "rusqlite",
    "reqwest",
    "hyper",
    "axum",
    "ratatui",
    "crossterm",
];

/// One reference to another module: `crate::<module>::<item>...`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    line: usize,
    module: String,
    item: Option<String>,
}

fn allowed(from: &str) -> Option<&'static [&'static str]> {
    LAYERS.iter().find(|(m, _)| *m == from).map(|(_, a)| *a)
}

/// The source with comments and the contents of string and char literals
/// blanked (newlines kept, so offsets keep their line).
fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |ch: char| if ch == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < c.len() {
        let prev_ident = i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_');
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            while i < c.len() && !(c[i] == '*' && c.get(i + 1) == Some(&'/')) {
                out.push(blank(c[i]));
                i += 1;
            }
            out.push_str("  ");
            i += 2;
        } else if c[i] == 'r' && !prev_ident && matches!(c.get(i + 1), Some('"') | Some('#')) {
            // A raw string r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            out.extend(std::iter::repeat_n(' ', j + 1 - i));
            i = j + 1;
            while i < c.len() {
                if c[i] == '"' && (1..=hashes).all(|k| c.get(i + k) == Some(&'#')) {
                    out.extend(std::iter::repeat_n(' ', hashes + 1));
                    i += hashes + 1;
                    break;
                }
                out.push(blank(c[i]));
                i += 1;
            }
        } else if c[i] == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < c.len() {
                    out.push(blank(c[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c[i] == '\'' {
            // A char literal ('x', '\n', '\u{..}'), or else a lifetime.
            let end = if c.get(i + 1) == Some(&'\\') {
                (i + 2..c.len().min(i + 12)).find(|&j| c[j] == '\'')
            } else if c.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    out.extend(std::iter::repeat_n(' ', e + 1 - i));
                    i = e + 1;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// The paths of a use tree starting at `i` (after `crate::` or the last
/// `super::`): `a::b`, `{a, b::{c, d}}`, `a::*`. Returns each path's
/// segments.
fn use_tree(c: &[char], mut i: usize) -> Vec<Vec<String>> {
    let skip_ws = |i: &mut usize| {
        while *i < c.len() && c[*i].is_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if c.get(i) == Some(&'{') {
        let mut out = Vec::new();
        i += 1;
        loop {
            skip_ws(&mut i);
            match c.get(i) {
                None => return out,
                Some('}') => return out,
                Some(',') => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            out.extend(use_tree(c, i));
            // On to the next item of this group: past the subtree's own braces.
            let mut depth = 0;
            while i < c.len() {
                match c[i] {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => break,
                    _ => {}
                }
                i += 1;
            }
        }
    }
    let start = i;
    while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '*') {
        i += 1;
    }
    let seg: String = c[start..i].iter().collect();
    if seg.is_empty() {
        return Vec::new();
    }
    let mut j = i;
    skip_ws(&mut j);
    if c.get(j) == Some(&':') && c.get(j + 1) == Some(&':') {
        let rest = use_tree(c, j + 2);
        if !rest.is_empty() {
            return rest
                .into_iter()
                .map(|mut p| {
                    p.insert(0, seg.clone());
                    p
                })
                .collect();
        }
    }
    vec![vec![seg]]
}

/// The references to other top-level modules in one file's code, given
/// the file's module path (`["desk", "cases"]` for `src/desk/cases.rs`).
fn references(src: &str, module_path: &[String]) -> Vec<Reference> {
    let code = without_test_mods(&code_only(src));
    let c: Vec<char> = code.chars().collect();
    let line_of = |pos: usize| 1 + c[..pos].iter().filter(|&&ch| ch == '\n').count();
    let word_at = |i: usize, w: &str| {
        let w: Vec<char> = w.chars().collect();
        c.get(i..i + w.len()) == Some(&w[..])
            && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_' || c[i - 1] == ':'))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let (after, climbs_out) = if word_at(i, "crate::") {
            (i + "crate::".len(), true)
        } else if word_at(i, "super::") {
            let mut j = i;
            let mut n = 0;
            while c.get(j..j + 7) == Some(&"super::".chars().collect::<Vec<_>>()[..]) {
                n += 1;
                j += 7;
            }
            // `super` n times from `module_path` reaches the crate root
            // when n equals its depth.
            (j, n == module_path.len())
        } else {
            i += 1;
            continue;
        };
        if climbs_out {
            for p in use_tree(&c, after) {
                out.push(Reference {
                    line: line_of(i),
                    module: p[0].clone(),
                    item: p.get(1).cloned(),
                });
            }
        }
        i = after;
    }
    out
}

/// `code` (comments and literals blanked) with every inline
/// `#[cfg(test)] mod x { ... }` blanked too, newlines kept.
fn without_test_mods(code: &str) -> String {
    let mut c: Vec<char> = code.chars().collect();
    let attr: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + attr.len() <= c.len() {
        if c[i..i + attr.len()] != attr[..] {
            i += 1;
            continue;
        }
        let mut j = i + attr.len();
        while j < c.len() && c[j].is_whitespace() {
            j += 1;
        }
        let rest: String = c[j..c.len().min(j + 200)].iter().collect();
        let Some(open) = rest
            .strip_prefix("mod ")
            .and_then(|r| r.find(['{', ';']).filter(|&k| r.as_bytes()[k] == b'{'))
            .map(|k| j + 4 + rest[4..4 + k].chars().count())
        else {
            i = j;
            continue;
        };
        let mut depth = 0;
        let mut end = open;
        while end < c.len() {
            match c[end] {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            end += 1;
        }
        let stop = (end + 1).min(c.len());
        for ch in &mut c[i..stop] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
        i = end + 1;
    }
    c.into_iter().collect()
}

fn is_test_file(rel: &Path) -> bool {
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    rel.components().any(|c| c.as_os_str() == "tests")
        || name == "tests.rs"
        || name.ends_with("_tests.rs")
}

/// `desk/cases.rs` → `[desk, cases]`, `desk/mod.rs` → `[desk]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut p: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if p.last().map(String::as_str) == Some("mod") {
        p.pop();
    }
    p
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every edge the table does not allow, as `file:line: from -> to`.
fn violations(src_dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src_dir, &mut files);
    let mut bad = Vec::new();
    let mut seen_modules = BTreeSet::new();
    for file in files {
        let rel = file.strip_prefix(src_dir).expect("under src");
        let mp = module_path(rel);
        if mp.len() == 1 && matches!(mp[0].as_str(), "lib" | "main") || is_test_file(rel) {
            continue;
        }
        let from = mp[0].clone();
        seen_modules.insert(from.clone());
        let text = std::fs::read_to_string(&file).expect("a source file");
        let shown = format!("src/{}", rel.display());
        let Some(may) = allowed(&from) else {
            bad.push(format!(
                "{shown}: module `{from}` is not in the layer table (src/layers_tests.rs)"
            ));
            continue;
        };
        for r in references(&text, &mp) {
            if r.module == from {
                continue;
            }
            if !may.contains(&r.module.as_str()) {
                bad.push(format!(
                    "{shown}:{}: {from} -> {} (`{from}` may use: {})",
                    r.line,
                    r.module,
                    if may.is_empty() {
                        "nothing".to_string()
                    } else {
                        may.join(", ")
                    },
                ));
            } else if let Some(item) = &r.item {
                if NEVER.contains(&(from.as_str(), r.module.as_str(), item.as_str())) {
                    bad.push(format!(
                        "{shown}:{}: {from} -> {}::{item} (`{from}` may name {}'s types, never {item})",
                        r.line, r.module, r.module
                    ));
                }
            }
        }
        if from == "domain" {
            let code = without_test_mods(&code_only(&text));
            for (n, l) in code.lines().enumerate() {
                for w in NOT_IN_DOMAIN {
                    if l.contains(&format!("{w}::")) || l.contains(&format!("use {w};")) {
                        bad.push(format!(
                            "{shown}:{}: domain uses `{w}` (no I/O, no tokio, no SQL, no terminal)",
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    for (m, _) in LAYERS {
        assert!(
            seen_modules.contains(*m),
            "the layer table names `{m}`, which src/ does not have"
        );
    }
    bad
}

#[test]
fn dependencies_point_inward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(
        bad.is_empty(),
        "edges DESIGN's layering does not allow (fix the edge, or change the \
         table in src/layers_tests.rs with a reason):\n{}",
        bad.join("\n")
    );
}

/// The scanner finds what it must: grouped, nested, inline and `super::`
/// paths, and nothing in comments or strings.
#[test]
fn the_scanner_sees_every_form_of_path() {
    let src = r##"
use crate::{store, tui::{app::State, keymap}};
use crate::desk::{self, Desk};
// use crate::server::Server;
/* crate::cli::EXIT_OK */
fn f() -> crate::client::Client {
    let s = "crate::sample::x";
    let r = r#"crate::logging"#;
    let c = '"';
    super::super::exit::EXIT_OK;
    super::sibling::x();
    crate::
        paths::state_dir();
}
#[cfg(test)]
mod tests {
    use crate::identity::x;
    fn g() { if true { crate::server::x(); } }
}
fn h() { crate::logging::init(); }
"##;
    let path = vec!["config".to_string(), "checks".to_string()];
    let got: Vec<(usize, String, Option<String>)> = references(src, &path)
        .into_iter()
        .map(|r| (r.line, r.module, r.item))
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        [
            (2, s("store"), None),
            (2, s("tui"), Some(s("app"))),
            (2, s("tui"), Some(s("keymap"))),
            (3, s("desk"), Some(s("self"))),
            (3, s("desk"), Some(s("Desk"))),
            (6, s("client"), Some(s("Client"))),
            (10, s("exit"), Some(s("EXIT_OK"))),
            (12, s("paths"), Some(s("state_dir"))),
            (20, s("logging"), Some(s("init"))),
        ]
    );
}
