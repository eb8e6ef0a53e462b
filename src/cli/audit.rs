//! `privdesk audit verify` and `privdesk audit log`.

use super::{emit, load_config, open_desk, Cli, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::desk::DeskError;
use crate::domain::text::escape_controls;
use crate::store::AuditFilter;
use clap::Subcommand;
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain and report the first broken link (exit 1 if any).
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// List audit entries, oldest first.
    Log {
        #[arg(long, value_name = "USER")]
        operator: Option<String>,
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        #[arg(long, value_name = "SUBJECT")]
        subject: Option<String>,
        /// Only entries at or after this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
}

fn fail(e: DeskError) -> u8 {
    eprintln!("privdesk: {e}");
    match e {
        DeskError::Denied(_) | DeskError::Refused(_) | DeskError::Invalid(_) => EXIT_USAGE,
        _ => EXIT_FAILURE,
    }
}

pub fn run(cli: &Cli, cmd: &AuditCommand) -> u8 {
    let desk = match load_config(cli).and_then(|cfg| open_desk(cli, cfg)) {
        Ok(d) => d,
        Err(code) => return code,
    };
    match cmd {
        AuditCommand::Verify { json } => match desk.audit_verify() {
            Ok(v) => {
                let text = if *json {
                    let broken = v
                        .first_broken
                        .as_ref()
                        .map(|b| json!({"id": b.id, "reason": b.reason}));
                    json!({"entries": v.entries, "ok": broken.is_none(), "first_broken": broken})
                        .to_string()
                } else if let Some(b) = &v.first_broken {
                    format!("audit chain BROKEN at entry {}: {}", b.id, b.reason)
                } else {
                    format!("audit chain intact: {} entries", v.entries)
                };
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
            limit,
            json,
        } => {
            let filter = AuditFilter {
                operator: operator.clone(),
                kind: kind.clone(),
                subject: subject.clone(),
                since: since.clone(),
                limit: *limit,
            };
            match desk.audit_log(&filter) {
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
    }
}
