//! Disclosure packages on the client: the server builds them in its own
//! folder; the operator's copy is fetched into theirs, and a folder of
//! theirs is verified here before the desk checks the audit log.

use super::Client;
use crate::desk::{DeskError, PackageCheck, PackageReport};
use crate::domain::Lang;
use std::path::PathBuf;

/// Where the operator's copy of a package goes by default:
/// `$XDG_DATA_HOME/privdesk/packages/<the server's folder name>`.
pub fn local_package_dir(name: &str) -> std::path::PathBuf {
    crate::paths::user_data_dir()
        .map(|d| d.join("packages"))
        .unwrap_or_else(|| PathBuf::from("."))
        .join(name)
}

/// Build a package in the server and fetch the operator's copy into
/// `out` (default: [`local_package_dir`]); the report names the copy.
pub async fn build_and_fetch(
    desk: &Client,
    case: crate::domain::CaseId,
    out: Option<PathBuf>,
    lang: Option<Lang>,
    not_theirs: Vec<crate::domain::LinkedRecord>,
) -> Result<PackageReport, DeskError> {
    if let Some(dir) = &out {
        crate::package::check_target(dir).map_err(|e| DeskError::Invalid(e.to_string()))?;
    }
    let built = desk.build_package(case, lang, not_theirs).await?;
    let dir = out.unwrap_or_else(|| local_package_dir(&built.download.name));
    let mut report = built.report;
    report.dir = super::download_dir(desk, &built.download, &dir).await?;
    Ok(report)
}

/// Verify a folder here (the files are the operator's), then ask the
/// desk whether a package with that manifest was built (audited).
pub async fn verify_local(desk: &Client, dir: &std::path::Path) -> Result<PackageCheck, DeskError> {
    let verification =
        crate::package::verify(dir).map_err(|e| DeskError::Invalid(e.to_string()))?;
    let shown = std::path::absolute(dir).unwrap_or(dir.to_path_buf());
    desk.check_package(shown.display().to_string(), verification)
        .await
}
