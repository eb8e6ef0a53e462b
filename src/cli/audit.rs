//! `privdesk audit verify`, `privdesk audit log`, `privdesk audit export`,
//! and the key file's `privdesk audit rotate-key` and `privdesk audit init-keys`.

use super::{connect, emit, Cli, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::desk::DeskError;
use crate::domain::text::escape_controls;
use crate::domain::{AuditFilter, AuditVerification};
use crate::protocol::files::ExportDownload;
use crate::store::AuditKeys;
use clap::{Subcommand, ValueEnum};
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain and report the first broken link (exit 1 if
    /// any), and the chain's head: its entry count and last MAC.
    Verify {
        /// Also check that the log still holds what each of these signed
        /// checkpoints committed to (and that the server signed them).
        #[arg(long, value_name = "FILE", num_args = 1..)]
        checkpoint: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Sign the chain's head (entry count, last MAC, time) with the
    /// server's checkpoint key, send it to `[audit] checkpoint_dir` and
    /// `checkpoint_command`, and print it.
    Checkpoint,
    /// Add a new current MAC key to the audit key file (`[audit] key_file`).
    /// Run it where that file is writable (as the server's user); the server
    /// writes the rotation into the log when it is next started.
    RotateKey,
    /// Create the audit key file and the checkpoint key file if they are
    /// missing (an installer's step, so the keys can live where the server
    /// cannot write).
    #[command(hide = true)]
    InitKeys {
        #[arg(long, value_name = "FILE")]
        key_file: PathBuf,
        #[arg(long, value_name = "FILE")]
        checkpoint_key_file: Option<PathBuf>,
    },
    /// List audit entries, oldest first.
    Log {
        #[arg(long, value_name = "USER")]
        operator: Option<String>,
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        /// A case number, `query`, `records`, `audit` ...
        #[arg(long, value_name = "SUBJECT")]
        subject: Option<String>,
        /// Only entries at or after this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// Only entries at or before this time (RFC 3339, or YYYY-MM-DD for that whole day).
        #[arg(long, value_name = "TIME")]
        until: Option<String>,
        /// Only the newest N matching entries.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Everything the audit holds about one person (who searched for them,
    /// revealed or viewed their data, worked on their cases, sent requests
    /// about them to processors), written to a file. The export is audited.
    Export {
        /// A record key (crm:C-1001), or an email, phone number or name.
        #[arg(long, value_name = "QUERY")]
        person: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// The file to write (must not exist yet).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
}

fn fail(e: DeskError) -> u8 {
    eprintln!("privdesk: {e}");
    if let Some(code) = super::denied_exit(&e) {
        return code;
    }
    match e {
        DeskError::Invalid(_) => EXIT_USAGE,
        _ => EXIT_FAILURE,
    }
}

/// `audit verify`'s report, as text or JSON.
fn verification_text(v: &AuditVerification, json: bool) -> String {
    if json {
        let broken = v
            .first_broken
            .as_ref()
            .map(|b| json!({"id": b.id, "reason": b.reason}));
        return json!({
            "entries": v.entries,
            "ok": broken.is_none(),
            "first_broken": broken,
            "head": {"entries": v.head.entries, "mac": v.head.mac, "key_id": v.head.key_id},
            "key_ids": v.key_ids,
        })
        .to_string();
    }
    if let Some(b) = &v.first_broken {
        return format!("audit chain BROKEN at entry {}: {}", b.id, b.reason);
    }
    let key = match &v.head.key_id {
        Some(k) => format!(" (key {k})"),
        None => String::new(),
    };
    format!(
        "audit chain intact: {} {}\nhead: entry {}, MAC {}{key}",
        v.entries,
        if v.entries == 1 { "entry" } else { "entries" },
        v.head.entries,
        v.head.mac,
    )
}

/// The commands on the key file itself: run where the file is, not
/// through the server (which holds the keys it loaded at its start).
fn run_keys(cli: &Cli, cmd: &AuditCommand) -> Option<u8> {
    let report = |r: Result<String, crate::store::StoreError>| match r {
        Ok(line) => match emit(&format!("{line}\n")) {
            Ok(()) => EXIT_OK,
            Err(code) => code,
        },
        Err(e) => {
            eprintln!("privdesk: {e}");
            EXIT_FAILURE
        }
    };
    match cmd {
        AuditCommand::RotateKey => {
            let cfg = match super::load_config(cli) {
                Ok(c) => c,
                Err(code) => return Some(code),
            };
            let path = cfg.audit_key_path();
            Some(report(AuditKeys::rotate(&path).map(|k| {
                format!(
                    "{}: new current MAC key {}; restart the server to write the rotation into the audit log",
                    path.display(),
                    k.current_mac().id
                )
            })))
        }
        AuditCommand::InitKeys {
            key_file,
            checkpoint_key_file,
        } => {
            let made = |p: &Path| if p.exists() { "kept" } else { "created" };
            let audit = made(key_file);
            let mut r = if key_file.exists() {
                AuditKeys::load(key_file).map(|_| ())
            } else {
                AuditKeys::create(key_file).map(|_| ())
            }
            .map(|()| format!("{}: {audit}", key_file.display()));
            if let (Ok(line), Some(cp)) = (&r, checkpoint_key_file) {
                let state = made(cp);
                r = crate::store::CheckpointKey::load_or_create(cp).map(|k| {
                    format!(
                        "{line}\n{}: {state} (public key {})",
                        cp.display(),
                        k.public_hex()
                    )
                });
            }
            Some(report(r))
        }
        _ => None,
    }
}

pub async fn run(cli: &Cli, cmd: &AuditCommand) -> u8 {
    if let Some(code) = run_keys(cli, cmd) {
        return code;
    }
    let desk = match connect(cli, "audit").await {
        Ok(d) => d,
        Err(code) => return code,
    };
    match cmd {
        AuditCommand::Verify { json, checkpoint } if !checkpoint.is_empty() => {
            let mut files = Vec::new();
            for f in checkpoint {
                match std::fs::read_to_string(f) {
                    Ok(t) => files.push((f.display().to_string(), t)),
                    Err(e) => {
                        eprintln!("privdesk: checkpoint {}: cannot be read: {e}", f.display());
                        return EXIT_USAGE;
                    }
                }
            }
            match desk.audit_verify_checkpoints(files).await {
                Ok(results) => {
                    let all_ok = results.iter().all(|r| r.ok);
                    let text = if *json {
                        format!("{}\n", json!({"ok": all_ok, "checkpoints": results}))
                    } else {
                        results
                            .iter()
                            .map(|r| match &r.reason {
                                None => format!(
                                    "checkpoint {}: holds ({} entries)\n",
                                    r.file,
                                    r.entries.unwrap_or(0)
                                ),
                                Some(why) => format!("{why}\n"),
                            })
                            .collect()
                    };
                    if let Err(code) = emit(&text) {
                        return code;
                    }
                    if all_ok {
                        EXIT_OK
                    } else {
                        EXIT_FAILURE
                    }
                }
                Err(e) => fail(e),
            }
        }
        AuditCommand::Checkpoint => match desk.audit_checkpoint().await {
            Ok(cp) => match emit(&format!("{}\n", cp.to_json())) {
                Ok(()) => EXIT_OK,
                Err(code) => code,
            },
            Err(e) => fail(e),
        },
        AuditCommand::Verify { json, .. } => match desk.audit_verify().await {
            Ok(v) => {
                let text = verification_text(&v, *json);
                if let Err(code) = emit(&format!("{text}\n")) {
                    return code;
                }
                if v.first_broken.is_some() {
                    EXIT_FAILURE
                } else {
                    EXIT_OK
                }
            }
            Err(e) => fail(e),
        },
        AuditCommand::Log {
            operator,
            kind,
            subject,
            since,
            until,
            limit,
            json,
        } => {
            let filter = AuditFilter {
                operator: operator.clone(),
                kind: kind.clone(),
                subject: subject.clone(),
                since: since.clone(),
                until: until.clone(),
                limit: *limit,
                ..AuditFilter::default()
            };
            match desk.audit_log(filter).await {
                Ok(entries) => {
                    let mut text = String::new();
                    if *json {
                        text.push_str(&serde_json::to_string_pretty(&entries).unwrap_or_default());
                        text.push('\n');
                    } else {
                        for e in &entries {
                            text.push_str(&format!(
                                "{:>6}  {}  {:12} {:10} {:8} {}\n",
                                e.id,
                                e.at,
                                escape_controls(&e.operator),
                                escape_controls(&e.kind),
                                escape_controls(&e.subject),
                                escape_controls(&e.details.to_string())
                            ));
                        }
                    }
                    match emit(&text) {
                        Ok(()) => EXIT_OK,
                        Err(code) => code,
                    }
                }
                Err(e) => fail(e),
            }
        }
        AuditCommand::Export {
            person,
            format,
            out,
        } => {
            // Refuse a file that exists before anything is read or audited.
            if out.exists() {
                eprintln!(
                    "privdesk: {} already exists; name a new file with --out",
                    out.display()
                );
                return EXIT_USAGE;
            }
            let export = match desk
                .audit_export(person.clone(), *format == ExportFormat::Csv)
                .await
            {
                Ok(t) => t,
                Err(e) => return fail(e),
            };
            if let Err(e) = crate::client::download_file(&desk, &export.download, out).await {
                eprintln!("privdesk: {e}");
                return EXIT_FAILURE;
            }
            summary(&export, out)
        }
        AuditCommand::RotateKey | AuditCommand::InitKeys { .. } => EXIT_USAGE,
    }
}

fn summary(t: &ExportDownload, out: &Path) -> u8 {
    let mut line = format!(
        "{} audit entries about {} ({} records, {} cases) written to {} (export recorded as audit entry {})\n",
        t.entries,
        escape_controls(&t.person),
        t.records,
        t.cases,
        out.display(),
        t.audit_id
    );
    for s in &t.shredded {
        let what = s.token.split(':').next().unwrap_or("subject");
        line.push_str(&format!(
            "shredded {}: its {what} values in the log are gone for good ({})\n",
            s.at, s.by
        ));
    }
    match emit(&line) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}
