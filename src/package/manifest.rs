//! `manifest.json`: what a package is (case, version, who built it when,
//! complete or not, each system's status) and every file in it with its
//! size and SHA-256; and the comparison of a manifest with the files found
//! in a folder.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The manifest's file name; it lists every other file, not itself.
pub const MANIFEST_FILE: &str = "manifest.json";

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub package_version: u32,
    pub case_id: String,
    pub request_kind: String,
    /// `ja` or `en`: the language of the summary.
    pub language: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// The operator who built it.
    pub created_by: String,
    /// `complete` or `incomplete`.
    pub status: String,
    /// Why it is incomplete, one line each (empty when complete).
    pub problems: Vec<String>,
    pub systems: Vec<ManifestSystem>,
    pub files: Vec<ManifestFile>,
}

impl Manifest {
    pub fn is_complete(&self) -> bool {
        self.status == "complete" && self.problems.is_empty()
    }
}

/// One system's line in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSystem {
    pub system: String,
    pub display_name: String,
    /// `disclosed`, `none_held`, `failed`, `unlinked_matches`,
    /// `not_searched` or `check_failed`.
    pub status: String,
    pub records: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One file's line in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub name: String,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// A directory entry as found when verifying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub name: String,
    /// Size and SHA-256 of a regular file; `None` for anything else (a
    /// folder, a link, a device).
    pub file: Option<(u64, String)>,
}

/// One thing wrong with a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerifyProblem {
    /// The manifest is missing, unreadable or not a manifest.
    Manifest(String),
    /// A file the manifest lists is not there.
    Missing(String),
    /// A file differs from what the manifest says.
    Changed {
        name: String,
        expected_size: u64,
        size: u64,
    },
    /// A file the manifest does not list.
    Extra(String),
    /// Something that is not a regular file where one was expected.
    NotAFile(String),
}

impl VerifyProblem {
    /// `missing`, `changed`, `extra`, `not_a_file` or `manifest`.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyProblem::Manifest(_) => "manifest",
            VerifyProblem::Missing(_) => "missing",
            VerifyProblem::Changed { .. } => "changed",
            VerifyProblem::Extra(_) => "extra",
            VerifyProblem::NotAFile(_) => "not_a_file",
        }
    }

    /// The file concerned.
    pub fn file(&self) -> &str {
        match self {
            VerifyProblem::Manifest(_) => MANIFEST_FILE,
            VerifyProblem::Missing(n)
            | VerifyProblem::Changed { name: n, .. }
            | VerifyProblem::Extra(n)
            | VerifyProblem::NotAFile(n) => n,
        }
    }
}

impl fmt::Display for VerifyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let esc = crate::domain::text::escape_controls;
        match self {
            VerifyProblem::Manifest(m) => write!(f, "manifest: {m}"),
            VerifyProblem::Missing(n) => {
                write!(
                    f,
                    "missing: {} is listed in the manifest but not in the folder",
                    esc(n)
                )
            }
            VerifyProblem::Changed {
                name,
                expected_size,
                size,
            } if expected_size != size => write!(
                f,
                "changed: {} has {size} bytes, the manifest says {expected_size}",
                esc(name)
            ),
            VerifyProblem::Changed { name, .. } => write!(
                f,
                "changed: {} does not match its SHA-256 in the manifest",
                esc(name)
            ),
            VerifyProblem::Extra(n) => {
                write!(
                    f,
                    "extra: {} is in the folder but not in the manifest",
                    esc(n)
                )
            }
            VerifyProblem::NotAFile(n) => write!(f, "not a file: {} is not a regular file", esc(n)),
        }
    }
}

/// A name a package may hold: one plain file name in the folder.
pub fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.chars().any(char::is_control)
}

/// Check the manifest's own content (version, file names).
pub fn check_manifest(m: &Manifest, supported_version: u32) -> Vec<VerifyProblem> {
    let mut out = Vec::new();
    if m.package_version == 0 || m.package_version > supported_version {
        out.push(VerifyProblem::Manifest(format!(
            "package version {} is not one this privdesk reads (1 to {supported_version})",
            m.package_version
        )));
    }
    let mut seen: Vec<&str> = Vec::new();
    for f in &m.files {
        if !safe_name(&f.name) || f.name == MANIFEST_FILE {
            out.push(VerifyProblem::Manifest(format!(
                "lists `{}`, which is not a file name a package holds",
                crate::domain::text::escape_controls(&f.name)
            )));
        } else if seen.contains(&f.name.as_str()) {
            out.push(VerifyProblem::Manifest(format!("lists `{}` twice", f.name)));
        }
        seen.push(&f.name);
        if f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.push(VerifyProblem::Manifest(format!(
                "the SHA-256 of `{}` is not 64 hex digits",
                crate::domain::text::escape_controls(&f.name)
            )));
        }
    }
    if !matches!(m.status.as_str(), "complete" | "incomplete") {
        out.push(VerifyProblem::Manifest(format!(
            "status `{}` is neither complete nor incomplete",
            crate::domain::text::escape_controls(&m.status)
        )));
    }
    out
}

/// Compare the files listed in `m` with those `found` in the folder (the
/// manifest itself left out): missing, changed, extra and odd entries, in
/// the manifest's order then the folder's.
pub fn compare(m: &Manifest, found: &[Found]) -> Vec<VerifyProblem> {
    let mut out = Vec::new();
    for f in &m.files {
        match found.iter().find(|x| x.name == f.name) {
            None => out.push(VerifyProblem::Missing(f.name.clone())),
            Some(Found { file: None, .. }) => out.push(VerifyProblem::NotAFile(f.name.clone())),
            Some(Found {
                file: Some((size, sha)),
                ..
            }) => {
                if *size != f.size || !sha.eq_ignore_ascii_case(&f.sha256) {
                    out.push(VerifyProblem::Changed {
                        name: f.name.clone(),
                        expected_size: f.size,
                        size: *size,
                    });
                }
            }
        }
    }
    for x in found {
        if x.name != MANIFEST_FILE && !m.files.iter().any(|f| f.name == x.name) {
            out.push(VerifyProblem::Extra(x.name.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(files: &[(&str, u64, &str)]) -> Manifest {
        Manifest {
            package_version: 1,
            case_id: "PD-2026-000001".into(),
            request_kind: "disclosure".into(),
            language: "ja".into(),
            created_at: "2026-04-01T01:00:00.000Z".into(),
            created_by: "alice".into(),
            status: "complete".into(),
            problems: vec![],
            systems: vec![],
            files: files
                .iter()
                .map(|(n, s, h)| ManifestFile {
                    name: n.to_string(),
                    size: *s,
                    sha256: h.to_string(),
                })
                .collect(),
        }
    }

    fn found(name: &str, size: u64, sha: &str) -> Found {
        Found {
            name: name.into(),
            file: Some((size, sha.into())),
        }
    }

    #[test]
    fn each_kind_of_difference_is_reported() {
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        let m = manifest(&[("data.json", 10, &a), ("crm.csv", 5, &a), ("x.txt", 1, &a)]);
        let got = compare(
            &m,
            &[
                found("manifest.json", 1, &b),
                found("data.json", 10, &a),
                found("crm.csv", 5, &b),
                found("notes.txt", 3, &a),
                Found {
                    name: "sub".into(),
                    file: None,
                },
            ],
        );
        let codes: Vec<(&str, &str)> = got.iter().map(|p| (p.code(), p.file())).collect();
        assert_eq!(
            codes,
            [
                ("changed", "crm.csv"),
                ("missing", "x.txt"),
                ("extra", "notes.txt"),
                ("extra", "sub"),
            ]
        );
        assert!(compare(
            &m,
            &[
                found("data.json", 10, &a),
                found("crm.csv", 5, &a.to_uppercase()),
                found("x.txt", 1, &a),
            ]
        )
        .is_empty());
    }

    #[test]
    fn a_manifest_cannot_point_outside_the_folder() {
        let a = "a".repeat(64);
        let m = manifest(&[
            ("../etc/passwd", 1, &a),
            ("ok.csv", 1, "xyz"),
            ("ok.csv", 1, &a),
        ]);
        let problems = check_manifest(&m, 1);
        assert_eq!(problems.len(), 3, "{problems:?}");
        let mut newer = manifest(&[]);
        newer.package_version = 2;
        assert_eq!(check_manifest(&newer, 1).len(), 1);
    }
}
