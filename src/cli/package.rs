//! `privdesk package build CASE` and `privdesk package verify DIR`.
//!
//! Exit codes: build — 0 a complete package, 3 a package was written but is
//! INCOMPLETE (the systems at fault are named), 2 bad input, not allowed or
//! unknown case, 1 store failures; verify — 0 intact and complete, 3 intact
//! but INCOMPLETE, 1 any problem (one line each), 2 the folder cannot be read.

use super::case::{fail, CaseIdArg};
use super::case_args::RecordArg;
use super::{connect, emit, Cli, EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL};
use crate::client::Client;
use crate::desk::{PackageCheck, PackageReport};
use crate::domain::status::fmt_ms;
use crate::domain::text::escape_controls;
use crate::domain::Lang;
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Debug, Subcommand)]
pub enum PackageCommand {
    /// Build the disclosure package of a case: every linked record's full
    /// data, a statement for each system holding nothing, a summary and a
    /// manifest (exit 3: written but INCOMPLETE).
    Build(BuildArgs),
    /// Check a package folder against its manifest and the audit log
    /// (exit 1: a file is missing, changed or extra).
    Verify(VerifyArgs),
}

/// `ja` or `en`.
#[derive(Debug, Clone, Copy)]
pub struct LangArg(pub Lang);

impl FromStr for LangArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Lang::parse(s).map(LangArg).ok_or_else(|| {
            format!(
                "unknown language `{}`; accepted: ja, en",
                escape_controls(s)
            )
        })
    }
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    pub id: CaseIdArg,
    /// The folder to create (must not exist, or be empty). Default: a new
    /// folder under $XDG_DATA_HOME/privdesk/packages/.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Language of the summary (default: ja for APPI cases, en for GDPR and CCPA).
    #[arg(long, value_name = "ja|en")]
    pub lang: Option<LangArg>,
    /// A record the check search found that belongs to someone else, SYSTEM:ID
    /// (repeatable; written to the manifest and the audit log).
    #[arg(long = "not-theirs", value_name = "SYSTEM:ID")]
    pub not_theirs: Vec<RecordArg>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The package folder.
    pub dir: PathBuf,
    #[arg(long)]
    pub json: bool,
}

pub async fn run(cli: &Cli, cmd: &PackageCommand) -> u8 {
    let desk = match connect(cli, "package").await {
        Ok(d) => d,
        Err(code) => return code,
    };
    match cmd {
        PackageCommand::Build(a) => build(&desk, a).await,
        PackageCommand::Verify(a) => verify(&desk, a).await,
    }
}

async fn build(desk: &Client, a: &BuildArgs) -> u8 {
    let report = match crate::client::build_and_fetch(
        desk,
        a.id.0,
        a.out.clone(),
        a.lang.map(|l| l.0),
        a.not_theirs.iter().map(|r| r.0.clone()).collect(),
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let out = if a.json {
        pretty(&build_json(&report))
    } else {
        build_text(&report)
    };
    if let Err(code) = emit(&out) {
        return code;
    }
    if report.complete {
        EXIT_OK
    } else {
        for p in &report.problems {
            eprintln!("privdesk: the package is INCOMPLETE: {p}");
        }
        EXIT_PARTIAL
    }
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn build_json(r: &PackageReport) -> serde_json::Value {
    json!({
        "case_id": r.case_id.to_string(),
        "dir": r.dir.display().to_string(),
        "status": r.manifest.status,
        "complete": r.complete,
        "problems": r.problems,
        "manifest_sha256": r.manifest_sha256,
        "systems": r.manifest.systems,
        "files": r.manifest.files,
        "audit_id": r.audit_id,
        "elapsed_ms": r.elapsed_ms,
    })
}

fn build_text(r: &PackageReport) -> String {
    let mut o = String::new();
    if r.complete {
        o.push_str(&format!("Package for {}: complete\n", r.case_id));
    } else {
        o.push_str(&format!(
            "Package for {}: INCOMPLETE - do not send it as the full answer\n",
            r.case_id
        ));
    }
    let width = r
        .manifest
        .systems
        .iter()
        .map(|s| s.system.len())
        .max()
        .unwrap_or(0)
        .max(8);
    o.push_str(&format!(
        "  {:width$}  {}\n",
        "folder",
        escape_controls(&r.dir.display().to_string())
    ));
    o.push_str(&format!(
        "  {:width$}  sha256 {}\n",
        "manifest", r.manifest_sha256
    ));
    for s in &r.manifest.systems {
        let what = match (s.status.as_str(), &s.message) {
            (_, Some(m)) => m
                .strip_prefix(&format!("{}: ", s.system))
                .unwrap_or(m)
                .to_string(),
            ("disclosed", _) => format!(
                "{} record{}",
                s.records,
                if s.records == 1 { "" } else { "s" }
            ),
            ("none_held", _) => "holds nothing (statement in the package)".to_string(),
            (other, _) => other.to_string(),
        };
        o.push_str(&format!(
            "  {:width$}  {:<16}  {}\n",
            s.system,
            s.status,
            escape_controls(&what)
        ));
    }
    let files: Vec<&str> = r.manifest.files.iter().map(|f| f.name.as_str()).collect();
    o.push_str(&format!(
        "  {:width$}  {}, manifest.json\n",
        "files",
        files.join(", ")
    ));
    o.push_str(&format!("Built in {}.\n", fmt_ms(r.elapsed_ms)));
    o
}

async fn verify(desk: &Client, a: &VerifyArgs) -> u8 {
    let check = match crate::client::verify_local(desk, &a.dir).await {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let out = if a.json {
        pretty(&verify_json(&check))
    } else {
        verify_text(&check)
    };
    if let Err(code) = emit(&out) {
        return code;
    }
    let dir = escape_controls(&check.dir.display().to_string());
    if !check.intact() {
        let n = check.problems.len();
        eprintln!(
            "privdesk: {dir}: {n} problem{}; the package is not as it was built",
            if n == 1 { "" } else { "s" }
        );
        EXIT_FAILURE
    } else if !check.complete() {
        eprintln!("privdesk: {dir}: the package is intact but INCOMPLETE");
        EXIT_PARTIAL
    } else {
        EXIT_OK
    }
}

fn verify_json(c: &PackageCheck) -> serde_json::Value {
    let m = c.verification.manifest.as_ref();
    json!({
        "dir": c.dir.display().to_string(),
        "case_id": m.map(|m| m.case_id.clone()),
        "intact": c.intact(),
        "complete": c.complete(),
        "status": m.map(|m| m.status.clone()),
        "recorded": c.recorded,
        "manifest_sha256": c.verification.manifest_sha256,
        "problems": c.problems,
        "file_problems": c.verification.problems.iter().map(|p| json!({
            "problem": p.code(), "file": p.file(), "message": p.to_string(),
        })).collect::<Vec<_>>(),
        "incomplete_because": m.map(|m| m.problems.clone()).unwrap_or_default(),
        "audit_id": c.audit_id,
    })
}

fn verify_text(c: &PackageCheck) -> String {
    let mut o = String::new();
    for p in &c.problems {
        o.push_str(&escape_controls(p));
        o.push('\n');
    }
    if let (true, Some(m)) = (c.intact(), &c.verification.manifest) {
        let files = m.files.len() + 1;
        if m.is_complete() {
            o.push_str(&format!(
                "Package for {}: intact ({files} files), complete\n",
                escape_controls(&m.case_id)
            ));
        } else {
            o.push_str(&format!(
                "Package for {}: intact ({files} files), INCOMPLETE\n",
                escape_controls(&m.case_id)
            ));
            for p in &m.problems {
                o.push_str(&format!("  {}\n", escape_controls(p)));
            }
        }
    }
    o
}
