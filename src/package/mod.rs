//! Disclosure packages: the folder a person receives in answer to a
//! disclosure, access, right-to-know or portability request (and, as far as
//! the systems allow, a request for third-party provision records).
//!
//! This module is the part without a desk: the package's content
//! ([`Package`]), `data.json` and the CSV files, the person's summary, the
//! manifest and its check, and writing and reading the folder. The workflow
//! (who may build, fetching every linked record, checking the systems with no
//! linked record, the audit entries) is in `desk::package`. docs/packages.md
//! describes the files.

pub mod csv;
pub mod files;
pub mod manifest;
pub mod model;
pub mod results;
pub mod summary;

pub use files::{
    check_target, sha256_hex, stage, verify, Staged, Verification, DIR_MODE, FILE_MODE,
};
pub use manifest::{Manifest, ManifestFile, ManifestSystem, VerifyProblem, MANIFEST_FILE};
pub use model::{
    Field, FullRecord, Package, PartStatus, SystemPart, PACKAGE_VERSION, PROVISION_RECORDS_MISSING,
};
pub use results::records_from_results;
pub use summary::{summary_text, SummaryInfo};

/// The manifest of `p` before the file list is filled in.
pub fn manifest_of(p: &Package) -> Manifest {
    Manifest {
        package_version: PACKAGE_VERSION,
        case_id: p.case_id.clone(),
        request_kind: p.kind.as_str().to_string(),
        language: p.lang.as_str().to_string(),
        created_at: p
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        created_by: p.created_by.clone(),
        status: p.status_str().to_string(),
        problems: p.problems(),
        systems: p
            .systems
            .iter()
            .map(|s| ManifestSystem {
                system: s.system.clone(),
                display_name: s.display_name.clone(),
                status: s.status.as_str().to_string(),
                records: s.records.len(),
                message: s.problem(),
            })
            .collect(),
        files: Vec::new(),
    }
}

/// Every file of `p` except the manifest: the summary, `data.json`, one
/// CSV per system holding records.
pub fn package_files(p: &Package, info: &SummaryInfo) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![(
        summary::file_name(p.lang),
        summary_text(p, info).into_bytes(),
    )];
    let mut data = serde_json::to_vec_pretty(&p.data_json()).unwrap_or_default();
    data.push(b'\n');
    out.push(("data.json".to_string(), data));
    out.extend(p.csv_files());
    out
}

#[cfg(test)]
mod tests;
