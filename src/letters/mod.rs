//! Letters to requesters: templates in Japanese and English, embedded in the
//! binary from `data/templates/` and overridable per file from the folder
//! `[letters] templates_dir`, rendered with a case's fields by the small
//! template language of [`template`]. The desk (`desk::letters`) checks who
//! may write and records the sent text as the case's reply.

pub mod suggest;
pub mod template;
pub mod texts;
pub mod vars;

pub use template::{Template, TemplateError, Vars};
pub use vars::{case_vars, is_known, LetterContext, PLACEHOLDERS};

use crate::domain::Lang;
use std::fmt;
use std::path::{Path, PathBuf};

/// The built-in templates: name, language, text.
const BUILTIN: &[(&str, Lang, &str)] = &[
    (
        "receipt",
        Lang::Ja,
        include_str!("../../data/templates/receipt.ja.txt"),
    ),
    (
        "receipt",
        Lang::En,
        include_str!("../../data/templates/receipt.en.txt"),
    ),
    (
        "identity_request",
        Lang::Ja,
        include_str!("../../data/templates/identity_request.ja.txt"),
    ),
    (
        "identity_request",
        Lang::En,
        include_str!("../../data/templates/identity_request.en.txt"),
    ),
    (
        "extension",
        Lang::Ja,
        include_str!("../../data/templates/extension.ja.txt"),
    ),
    (
        "extension",
        Lang::En,
        include_str!("../../data/templates/extension.en.txt"),
    ),
    (
        "disclosure_done",
        Lang::Ja,
        include_str!("../../data/templates/disclosure_done.ja.txt"),
    ),
    (
        "disclosure_done",
        Lang::En,
        include_str!("../../data/templates/disclosure_done.en.txt"),
    ),
    (
        "action_done",
        Lang::Ja,
        include_str!("../../data/templates/action_done.ja.txt"),
    ),
    (
        "action_done",
        Lang::En,
        include_str!("../../data/templates/action_done.en.txt"),
    ),
    (
        "refusal",
        Lang::Ja,
        include_str!("../../data/templates/refusal.ja.txt"),
    ),
    (
        "refusal",
        Lang::En,
        include_str!("../../data/templates/refusal.en.txt"),
    ),
];

/// Where a template's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    /// An override file in `templates_dir`.
    File(PathBuf),
}

impl Origin {
    /// The name errors use for the template file.
    pub fn describe(&self, name: &str, lang: Lang) -> String {
        match self {
            Origin::Builtin => format!("built-in data/templates/{name}.{lang}.txt"),
            Origin::File(p) => p.display().to_string(),
        }
    }
}

/// Why a template could not be had.
#[derive(Debug)]
pub enum LetterError {
    /// No template of that name (in that language).
    Unknown {
        name: String,
        available: Vec<String>,
    },
    /// An override file exists but cannot be read.
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The template is malformed, or the case lacks a value it prints.
    Template(TemplateError),
}

impl fmt::Display for LetterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LetterError::Unknown { name, available } => write!(
                f,
                "no letter template named `{}`; templates: {}",
                crate::domain::text::escape_controls(name),
                available.join(", ")
            ),
            LetterError::Read { path, error } => {
                write!(f, "cannot read the template {}: {error}", path.display())
            }
            LetterError::Template(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LetterError {}

/// A template name: lower-case letters, digits, `_` and `-` (no paths).
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// The names of the built-in templates, in order.
pub fn builtin_names() -> Vec<&'static str> {
    let mut out: Vec<&str> = Vec::new();
    for (n, _, _) in BUILTIN {
        if !out.contains(n) {
            out.push(n);
        }
    }
    out
}

/// Every template name: built-in ones, then those only the override folder
/// has (files `NAME.ja.txt` / `NAME.en.txt`).
pub fn template_names(override_dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = builtin_names().into_iter().map(String::from).collect();
    let mut extra: Vec<String> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(override_dir) {
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            let Some(stem) = file
                .strip_suffix(".ja.txt")
                .or_else(|| file.strip_suffix(".en.txt"))
            else {
                continue;
            };
            if valid_name(stem)
                && !out.iter().any(|n| n == stem)
                && !extra.iter().any(|n| n == stem)
            {
                extra.push(stem.to_string());
            }
        }
    }
    extra.sort();
    out.extend(extra);
    out
}

/// The text of template `name` in `lang`: the override file when there is
/// one, else the built-in text.
pub fn template_text(
    name: &str,
    lang: Lang,
    override_dir: &Path,
) -> Result<(Origin, String), LetterError> {
    let unknown = || LetterError::Unknown {
        name: name.to_string(),
        available: template_names(override_dir),
    };
    if !valid_name(name) {
        return Err(unknown());
    }
    let path = override_dir.join(format!("{name}.{lang}.txt"));
    match std::fs::read_to_string(&path) {
        Ok(text) => return Ok((Origin::File(path), text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(LetterError::Read { path, error }),
    }
    BUILTIN
        .iter()
        .find(|(n, l, _)| *n == name && *l == lang)
        .map(|(_, _, t)| (Origin::Builtin, t.to_string()))
        .ok_or_else(unknown)
}

/// Load and check template `name` in `lang`.
pub fn load(name: &str, lang: Lang, override_dir: &Path) -> Result<Template, LetterError> {
    let (origin, text) = template_text(name, lang, override_dir)?;
    Template::parse(&origin.describe(name, lang), &text, is_known).map_err(LetterError::Template)
}

#[cfg(test)]
mod tests;
