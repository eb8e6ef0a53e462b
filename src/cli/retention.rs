//! `privdesk retention run [--dry-run] [--json]`: purge the personal data
//! of closed cases past their retention period (supervisors only).

use super::case::fail;
use super::{connect, emit, Cli, EXIT_FAILURE, EXIT_OK};
use crate::desk::RetentionRun;
use clap::Subcommand;
use std::fmt::Write;

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Purge closed cases older than their period ([retention]); --dry-run lists them and changes nothing.
    Run {
        /// List what would go (case numbers, rows per table); change nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cli: &Cli, cmd: &RetentionCommand) -> u8 {
    let RetentionCommand::Run { dry_run, json } = cmd;
    let desk = match connect(cli, "retention").await {
        Ok(d) => d,
        Err(code) => return code,
    };
    let run = match desk.retention_run(*dry_run).await {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let text = if *json {
        let mut s = serde_json::to_string_pretty(&run).unwrap_or_default();
        s.push('\n');
        s
    } else {
        run_text(&run)
    };
    for p in &run.problems {
        eprintln!("privdesk: {p}");
    }
    match emit(&text) {
        Ok(()) if run.problems.is_empty() => EXIT_OK,
        Ok(()) => EXIT_FAILURE,
        Err(code) => code,
    }
}

fn run_text(run: &RetentionRun) -> String {
    let mut out = String::new();
    let verb = if run.dry_run { "would purge" } else { "purged" };
    if run.cases.is_empty() {
        let _ = writeln!(
            out,
            "retention: no closed case is past its retention period"
        );
        return out;
    }
    let _ = writeln!(out, "retention: {verb} {} case(s)", run.cases.len());
    for c in &run.cases {
        let rows: Vec<String> = c
            .counts
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "  {}  closed {}  period {} days  {}",
            c.case_id,
            c.closed_at.format("%Y-%m-%d"),
            c.period_days,
            rows.join(", ")
        );
        for p in &c.packages {
            let _ = writeln!(out, "      package folder {}", p.display());
        }
    }
    let totals: Vec<String> = run.totals.iter().map(|(t, n)| format!("{t} {n}")).collect();
    let _ = writeln!(out, "rows by table: {}", totals.join(", "));
    if !run.dry_run {
        let _ = writeln!(
            out,
            "package folders removed: {}",
            run.packages_removed.len()
        );
    }
    out
}
