//! Files the server writes for an operator (a disclosure package, an audit
//! export) and hands over: the answer names them with a token of the
//! session, and the client fetches each from [`super::FILES`]`/{token}/{name}`
//! into a folder of its own, mode 0600.

use crate::desk::PackageReport;
use serde::{Deserialize, Serialize};

/// One file to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// The name within the download (no folders).
    pub name: String,
    pub size: u64,
    /// SHA-256 of the contents, hex.
    pub sha256: String,
}

/// Files ready for this session to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    /// Good for this session only.
    pub token: String,
    /// A name for the operator's copy (the server's folder or file name).
    pub name: String,
    pub files: Vec<FileEntry>,
}

/// A package built in the server's folder, and its files.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackageDownload {
    pub report: PackageReport,
    pub download: Download,
}

/// One person's audit trail, written by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportDownload {
    /// Who the trail is about, as asked.
    pub person: String,
    /// Entries in the trail; the person's records and cases it covers.
    pub entries: usize,
    pub records: usize,
    pub cases: usize,
    /// The person's data subjects shredded in the log, and when.
    #[serde(default)]
    pub shredded: Vec<crate::store::Shredded>,
    /// The export's own audit entry.
    pub audit_id: i64,
    pub download: Download,
}

/// Whether `name` may be a file of a download: one plain component.
pub fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains('/')
        && !name.contains('\0')
        && name.len() <= 255
}

/// One checkpoint file's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointResult {
    pub file: String,
    pub ok: bool,
    /// The count it committed to, when it could be read.
    pub entries: Option<u64>,
    /// Why it does not hold, if it does not.
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn only_plain_names_are_files_of_a_download() {
        assert!(safe_name("data.json"));
        assert!(safe_name("crm.csv"));
        for bad in ["", ".", "..", "../x", "a/b", "/etc/passwd", "x\0"] {
            assert!(!safe_name(bad), "{bad:?}");
        }
    }
}
