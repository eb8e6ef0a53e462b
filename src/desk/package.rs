//! Disclosure packages as the desk builds them: for a disclosure, access,
//! right-to-know or portability case (and, as far as the systems allow, a
//! request for third-party provision records), the full data of every linked
//! record, a statement for every system holding nothing, a summary for the
//! person and a manifest, written to a folder only its owner can read.
//!
//! - Who: agents on their own and unassigned cases, supervisors on all;
//!   auditors are refused (and the attempt audited). Verifying a folder is
//!   open to every operator: it reads hashes, not personal data.
//! - When: the requester's identity is verified and the case is not closed,
//!   refused or withdrawn.
//! - Audit: `package` (subject the case number) with the manifest's SHA-256,
//!   the folder, complete or not and what was fetched and searched;
//!   `package_failed` when the systems were asked but the folder could not
//!   be written; `package_verify` for every verification.
//! - Incomplete: when a system with a linked record fails, or a system
//!   without one cannot be shown to hold nothing, the package is still
//!   written, marked `incomplete` in the manifest, `data.json` and the
//!   summary, and [`PackageReport::complete`] is false. Nothing reports an
//!   incomplete package as complete.

use super::case_access::CaseAccess;
use super::case_time::now_utc;
use super::package_check::{check_system, identifiers};
use super::package_source::{FetchSource, RecordSource};
use super::{Desk, DeskError};
use crate::domain::AuditKind;
use crate::domain::{CaseId, CaseStatus, Lang, LinkedRecord, VerificationResult};
use crate::package::{
    self, manifest_of, package_files, FullRecord, Manifest, Package, PartStatus, SummaryInfo,
    SystemPart, Verification,
};
use crate::store::AuditFilter;
use futures::future::join_all;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How to build a package.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PackageOptions {
    /// The folder to create (must not exist, or be empty). Default: a new
    /// folder under `$XDG_DATA_HOME/privdesk/packages/`.
    pub out: Option<PathBuf>,
    /// The summary's language; default from the case's law (APPI:
    /// Japanese, GDPR and CCPA: English).
    pub lang: Option<Lang>,
    /// Records a check search found that the operator reviewed and found to
    /// be someone else's; they do not hold the package up.
    pub not_theirs: Vec<LinkedRecord>,
}

/// A package written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackageReport {
    pub case_id: CaseId,
    pub dir: PathBuf,
    /// False when any system's part is missing; see `problems`.
    pub complete: bool,
    /// Why it is incomplete, one line each, naming the system.
    pub problems: Vec<String>,
    pub manifest: Manifest,
    pub manifest_sha256: String,
    pub audit_id: i64,
    /// Time from start to the package in place.
    pub elapsed_ms: u64,
}

/// A package folder checked against its manifest and the audit log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackageCheck {
    pub dir: PathBuf,
    pub verification: Verification,
    /// The manifest's SHA-256 matches a `package` entry of the audit log.
    pub recorded: bool,
    /// Every problem, one line each (files, manifest, audit log).
    pub problems: Vec<String>,
    pub audit_id: i64,
}

impl PackageCheck {
    /// Intact: every file as the manifest says, and the manifest as built.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// Intact and complete.
    pub fn complete(&self) -> bool {
        self.intact()
            && self
                .verification
                .manifest
                .as_ref()
                .is_some_and(Manifest::is_complete)
    }
}

/// The last package built for a case, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageRecord {
    pub audit_id: i64,
    /// When it was built (RFC 3339).
    pub at: String,
    pub operator: String,
    pub dir: PathBuf,
    pub manifest_sha256: String,
    pub complete: bool,
}

/// `PD-2026-000001-20260401T103000`, under `base`.
pub fn package_dir_name(id: CaseId, local: chrono::DateTime<chrono::FixedOffset>) -> String {
    format!("{id}-{}", local.format("%Y%m%dT%H%M%S"))
}

/// Where a package goes by default: the desk's files folder (see
/// `Config::files_dir`). Two built in the same second get `-2`, `-3`...
fn default_dir(
    base: &std::path::Path,
    id: CaseId,
    local: chrono::DateTime<chrono::FixedOffset>,
) -> PathBuf {
    let name = package_dir_name(id, local);
    let first = base.join("packages").join(&name);
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| base.join("packages").join(format!("{name}-{n}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

impl Desk {
    /// Build the package of a case from every system's `fetch` request.
    pub async fn build_package(
        &self,
        id: CaseId,
        opts: &PackageOptions,
    ) -> Result<PackageReport, DeskError> {
        let source = FetchSource::new(self.connectors());
        self.build_package_with(id, opts, &source).await
    }

    /// Build the package of a case, getting each linked record's full data
    /// from `source` (see [`RecordSource`]).
    pub async fn build_package_with(
        &self,
        id: CaseId,
        opts: &PackageOptions,
        source: &dyn RecordSource,
    ) -> Result<PackageReport, DeskError> {
        let started = Instant::now();
        let desk = self.clone();
        let (case, links) = tokio::task::spawn_blocking(move || {
            let case = desk.load_case(id)?;
            desk.check_case_access(Some(&case), CaseAccess::Work)?;
            let links = desk.store().case_links(id)?;
            Ok::<_, DeskError>((case, links))
        })
        .await
        .map_err(|e| DeskError::Invalid(format!("reading the case was interrupted: {e}")))??;
        let kind = case.kind.filter(|k| k.is_disclosure()).ok_or_else(|| {
            DeskError::Invalid(format!(
                "case {id} is {}; packages are built for disclosure, access, right-to-know, portability and third-party-records requests",
                case.kind.map_or("not a rights request".to_string(), |k| format!("a {} request", k.as_str()))
            ))
        })?;
        if matches!(
            case.status,
            CaseStatus::Closed | CaseStatus::Refused | CaseStatus::Withdrawn
        ) {
            return Err(DeskError::Invalid(format!(
                "case {id} is {}; no package is built for it",
                case.status
            )));
        }
        if case.verification.as_ref().map(|v| v.result) != Some(VerificationResult::Verified) {
            return Err(DeskError::Invalid(format!(
                "the requester's identity is not verified for case {id}; record the check first (privdesk case verify {id} --method ... --result verified)"
            )));
        }
        self.check_export_approved(id)?;
        let not_theirs: Vec<String> = self
            .check_links(&opts.not_theirs)?
            .iter()
            .map(|l| l.to_string())
            .collect();
        if let Some(l) = opts.not_theirs.iter().find(|n| {
            links
                .iter()
                .any(|l| l.system == n.system && l.record_id == n.record_id)
        }) {
            return Err(DeskError::Invalid(format!(
                "{l} is linked to case {id}; a linked record cannot also be someone else's"
            )));
        }
        let lang = opts.lang.unwrap_or(Lang::for_law(case.law));
        let created_at = now_utc();
        let local = self.local_now();
        let target = opts
            .out
            .clone()
            .unwrap_or_else(|| default_dir(&self.config().files_dir(), id, local));
        // Refuse an unusable folder before any system is asked.
        package::check_target(&target)
            .map_err(|e| DeskError::Invalid(format!("cannot write the package: {e}")))?;

        // Every linked record, all at once.
        let fetched = join_all(
            links
                .iter()
                .map(|l| source.full_record(&l.system, &l.record_id)),
        )
        .await;
        let fetched_at = now_utc();
        let mut parts: Vec<SystemPart> = Vec::new();
        let part_of = |system: &str, parts: &mut Vec<SystemPart>| -> usize {
            if let Some(i) = parts.iter().position(|p| p.system == system) {
                return i;
            }
            let display = self
                .connector(system)
                .map(|c| c.display_name().to_string())
                .or_else(|| {
                    self.config()
                        .systems
                        .get(system)
                        .and_then(|d| d.display_name.clone())
                })
                .unwrap_or_else(|| system.to_string());
            parts.push(SystemPart::new(system, &display, PartStatus::Disclosed));
            parts.len() - 1
        };
        let mut fetch_log = Vec::new();
        for (link, result) in links.iter().zip(fetched) {
            let i = part_of(&link.system, &mut parts);
            let p = &mut parts[i];
            p.fetched_at = Some(fetched_at);
            match result {
                Ok(rec) => {
                    fetch_log.push(json!({ "record": super::subjects::sealed_record(&link.to_string()), "outcome": "ok" }));
                    p.records.push(rec);
                }
                Err(e) => {
                    fetch_log.push(json!({
                        "record": super::subjects::sealed_record(&link.to_string()),
                        "outcome": e.to_status().code(),
                    }));
                    p.status = PartStatus::Failed;
                    p.failures.push((link.record_id.clone(), e.to_string()));
                }
            }
        }

        // Systems with nothing linked: show that they hold nothing.
        let records: Vec<&FullRecord> = parts.iter().flat_map(|p| p.records.iter()).collect();
        let value_of = |key: &'static str| {
            records
                .iter()
                .flat_map(|r| r.fields.iter())
                .filter(move |f| f.key == key)
                .map(|f| f.value.as_str())
        };
        let contact = &case.requester.contact;
        let ids = identifiers(
            contact
                .email
                .as_deref()
                .into_iter()
                .chain(value_of("email")),
            contact
                .phone
                .as_deref()
                .into_iter()
                .chain(value_of("phone")),
        );
        let unlinked: Vec<_> = self
            .connectors()
            .iter()
            .filter(|c| !links.iter().any(|l| l.system == c.name()))
            .cloned()
            .collect();
        let checked = join_all(unlinked.iter().map(|c| {
            check_system(
                c,
                &ids,
                case.requester.name.as_deref(),
                &not_theirs,
                fetched_at,
            )
        }))
        .await;
        let check_log: Vec<_> = checked
            .iter()
            .map(|c| {
                json!({
                    "system": c.part.system, "by": c.part.searched_by,
                    "searches": c.searches, "found": c.part.unlinked.len(),
                    "status": c.part.status.as_str(),
                })
            })
            .collect();
        parts.extend(checked.into_iter().map(|c| c.part));
        // OpenDSR processors: what their export jobs received.
        let (processed, processor_log) = self.processor_parts(id, fetched_at)?;
        parts.extend(processed);
        // Configuration order, then systems that are linked but not enabled.
        let rank = |s: &str| {
            self.config()
                .systems
                .get_index_of(s)
                .filter(|_| self.config().systems.get(s).is_some_and(|d| d.enabled))
                .unwrap_or(usize::MAX)
        };
        parts.sort_by_key(|p| rank(&p.system));

        let pkg = Package {
            case_id: id.to_string(),
            kind,
            law: case.law,
            lang,
            created_at,
            as_of: local.date_naive(),
            created_by: self.operator().username.clone(),
            systems: parts,
            not_theirs: not_theirs.clone(),
        };
        let files = package_files(&pkg, &self.summary_info(lang));
        let staged = match package::stage(&target, &files, manifest_of(&pkg)) {
            Ok(s) => s,
            Err(e) => {
                // The systems were asked: that access is on record even
                // though no package came of it.
                let why = format!("cannot write the package: {e}");
                let details = json!({
                    "dir": target.display().to_string(), "error": super::typed_on(id, &why),
                    "fetched": fetch_log, "checked": check_log,
                    "processors": processor_log,
                });
                self.audit_async(AuditKind::PackageFailed, &id.to_string(), details)
                    .await?;
                return Err(DeskError::Invalid(why));
            }
        };
        let complete = pkg.is_complete();
        let problems = pkg.problems();
        let dir = std::path::absolute(&target).unwrap_or(target.clone());
        let details = json!({
            "manifest_sha256": staged.manifest_sha256,
            "dir": dir.display().to_string(),
            "status": pkg.status_str(),
            "complete": complete,
            "request_kind": kind.as_str(),
            "language": lang.as_str(),
            "files": staged.manifest.files.len() + 1,
            "systems": pkg.systems.iter().map(|p| json!({
                "system": p.system, "status": p.status.as_str(), "records": p.records.len(),
            })).collect::<Vec<_>>(),
            "fetched": fetch_log,
            "checked": check_log,
            "processors": processor_log,
            "not_theirs": not_theirs.iter().map(|k| super::subjects::sealed_record(k)).collect::<Vec<_>>(),
            "problems": problems,
        });
        // The entry is written before the folder appears under its name: a
        // package nobody can find in the audit log never exists.
        let audit_id = self
            .audit_async(AuditKind::Package, &id.to_string(), details)
            .await?;
        let manifest = staged.manifest.clone();
        let manifest_sha256 = staged.manifest_sha256.clone();
        staged
            .commit()
            .map_err(|e| DeskError::Invalid(format!("cannot put the package in place: {e}")))?;
        tracing::info!(case = %id, complete, files = manifest.files.len() + 1, "package built");
        Ok(PackageReport {
            case_id: id,
            dir,
            complete,
            problems,
            manifest,
            manifest_sha256,
            audit_id,
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// What the summary says about the company, in `lang`.
    fn summary_info(&self, lang: Lang) -> SummaryInfo {
        let l = &self.config().letters;
        let ja = lang == Lang::Ja;
        let purposes: HashMap<String, Vec<String>> = l
            .purposes
            .iter()
            .map(|(sys, p)| {
                let list = if ja && !p.ja.is_empty() { &p.ja } else { &p.en };
                (sys.clone(), list.clone())
            })
            .collect();
        SummaryInfo {
            company: l.pick(&l.company, &l.company_ja, ja).to_string(),
            desk: l.pick(&l.desk, &l.desk_ja, ja).to_string(),
            contact: l.pick(&l.contact, &l.contact_ja, ja).to_string(),
            complaints: l.pick(&l.complaints, &l.complaints_ja, ja).to_string(),
            purposes,
        }
    }

    /// Check a package folder: every file against the manifest (missing,
    /// changed, extra), and the manifest against the audit log (it must be
    /// the one written when the package was built). Audited
    /// (`package_verify`). `Err` only when the folder cannot be read.
    pub fn verify_package(&self, dir: &Path) -> Result<PackageCheck, DeskError> {
        self.gate("package verify")?;
        let verification = package::verify(dir).map_err(|e| DeskError::Invalid(e.to_string()))?;
        let dir = std::path::absolute(dir).unwrap_or(dir.to_path_buf());
        self.check_verified_package(&dir.display().to_string(), verification)
    }

    /// The rest of [`Desk::verify_package`] for a folder verified by the
    /// client that holds it (`dir` is how it names the folder): was a
    /// package with this manifest built, according to the audit log? The
    /// check is audited.
    pub fn check_verified_package(
        &self,
        dir: &str,
        verification: package::Verification,
    ) -> Result<PackageCheck, DeskError> {
        self.gate("package verify")?;
        let mut problems: Vec<String> = verification
            .problems
            .iter()
            .map(|p| p.to_string())
            .collect();
        let case_id = verification.manifest.as_ref().map(|m| m.case_id.clone());
        let recorded = match (&case_id, &verification.manifest_sha256) {
            (Some(case), Some(sha)) => self
                .store()
                .audit_entries(&AuditFilter {
                    kind: Some("package".into()),
                    subject: Some(case.clone()),
                    ..AuditFilter::default()
                })?
                .iter()
                .any(|e| e.details["manifest_sha256"].as_str() == Some(sha.as_str())),
            _ => false,
        };
        if let (Some(case), false) = (&case_id, recorded) {
            problems.push(format!(
                "manifest: no package with this manifest was built for {} according to the audit log (the manifest was replaced, or the package comes from another desk)",
                crate::domain::text::escape_controls(case)
            ));
        }
        let audit_id = self.audit(
            AuditKind::PackageVerify,
            case_id.as_deref().unwrap_or("package"),
            json!({
                "dir": dir,
                "manifest_sha256": verification.manifest_sha256,
                "intact": problems.is_empty(),
                "recorded": recorded,
                "status": verification.manifest.as_ref().map(|m| m.status.clone()),
                "problems": problems,
            }),
        )?;
        Ok(PackageCheck {
            dir: PathBuf::from(dir),
            verification,
            recorded,
            problems,
            audit_id,
        })
    }

    /// The last package built for a case, from the audit log (not audited:
    /// it shows no personal data). For checks such as "a disclosure case
    /// closes as fulfilled only with a complete package".
    pub fn latest_package(&self, id: CaseId) -> Result<Option<PackageRecord>, DeskError> {
        let entries = self.store().audit_entries(&AuditFilter {
            kind: Some("package".into()),
            subject: Some(id.to_string()),
            limit: Some(1),
            ..AuditFilter::default()
        })?;
        Ok(entries.into_iter().next_back().map(|e| PackageRecord {
            audit_id: e.id,
            complete: e.details["complete"].as_bool() == Some(true),
            dir: PathBuf::from(e.details["dir"].as_str().unwrap_or_default()),
            manifest_sha256: e.details["manifest_sha256"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            at: e.at,
            operator: e.operator,
        }))
    }
}
