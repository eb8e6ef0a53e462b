//! `[letters]`: what letters to requesters and disclosure package summaries
//! say about the company: its name, the desk and how to reach it, where to
//! complain, the purposes of use per system, and the folder of template
//! overrides.

use super::document::Issue;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Longest single-line value (a name), in characters.
const MAX_NAME_CHARS: usize = 200;
/// Longest multi-line value (a contact block), in characters.
const MAX_BLOCK_CHARS: usize = 2000;

/// `[letters]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LettersConfig {
    /// The company's name in English, e.g. "Example Co., Ltd.". Letters
    /// refuse to render while it is empty.
    pub company: String,
    /// The company's name in Japanese; `company` when empty.
    pub company_ja: String,
    /// The desk's name, e.g. "Personal Data Desk".
    pub desk: String,
    pub desk_ja: String,
    /// How to reach the desk (postal address, email, opening hours); may span
    /// several lines.
    pub contact: String,
    pub contact_ja: String,
    /// Where to complain about the handling of personal data inside the
    /// company; the desk's contact when empty.
    pub complaints: String,
    pub complaints_ja: String,
    /// Folder of template overrides: `NAME.LANG.txt` there replaces the
    /// built-in template of that name (relative to the config file's folder;
    /// `~` is the home folder).
    pub templates_dir: PathBuf,
    /// `[letters.purposes.<system>]`: the purposes of use of each system, as
    /// the privacy policy states them, in English and Japanese.
    #[serde(default)]
    pub purposes: IndexMap<String, Purposes>,
}

/// The purposes of use of one system.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purposes {
    #[serde(default)]
    pub en: Vec<String>,
    #[serde(default)]
    pub ja: Vec<String>,
}

impl LettersConfig {
    /// A text in the language asked for (`ja` or `en`), falling back to the
    /// English one when the Japanese one is empty.
    pub fn pick<'a>(&'a self, en: &'a str, ja: &'a str, lang_ja: bool) -> &'a str {
        if lang_ja && !ja.trim().is_empty() {
            ja
        } else {
            en
        }
    }
}

fn at(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// Problems of `[letters]`; `systems` are the configured system names.
pub(crate) fn check_letters(l: &LettersConfig, systems: &[&str], out: &mut Vec<Issue>) {
    let single = [
        ("company", &l.company),
        ("company_ja", &l.company_ja),
        ("desk", &l.desk),
        ("desk_ja", &l.desk_ja),
    ];
    for (key, value) in single {
        if value.contains(['\n', '\r']) {
            out.push(Issue::new(
                at(&["letters", key]),
                format!("{key} must be one line"),
            ));
        } else if value.chars().count() > MAX_NAME_CHARS {
            out.push(Issue::new(
                at(&["letters", key]),
                format!("{key} is longer than {MAX_NAME_CHARS} characters"),
            ));
        }
    }
    let blocks = [
        ("contact", &l.contact),
        ("contact_ja", &l.contact_ja),
        ("complaints", &l.complaints),
        ("complaints_ja", &l.complaints_ja),
    ];
    for (key, value) in blocks {
        if value.chars().count() > MAX_BLOCK_CHARS {
            out.push(Issue::new(
                at(&["letters", key]),
                format!("{key} is longer than {MAX_BLOCK_CHARS} characters"),
            ));
        }
    }
    if l.desk.trim().is_empty() {
        out.push(Issue::new(
            at(&["letters", "desk"]),
            "desk is empty: letters name the desk the requester deals with",
        ));
    }
    if l.templates_dir.as_os_str().is_empty() {
        out.push(Issue::new(
            at(&["letters", "templates_dir"]),
            "templates_dir is empty: give a folder (the default is \"templates\")",
        ));
    }
    for (system, p) in &l.purposes {
        if !systems.contains(&system.as_str()) {
            out.push(Issue::new(
                at(&["letters", "purposes", system]),
                format!(
                    "no system named `{system}` is configured; systems: {}",
                    if systems.is_empty() {
                        "(none)".to_string()
                    } else {
                        systems.join(", ")
                    }
                ),
            ));
        }
        for (lang, list) in [("en", &p.en), ("ja", &p.ja)] {
            for (i, text) in list.iter().enumerate() {
                if text.trim().is_empty() {
                    out.push(Issue::new(
                        at(&["letters", "purposes", system, lang, &i.to_string()]),
                        "purpose is empty",
                    ));
                }
            }
        }
    }
}
