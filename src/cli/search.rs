//! `privdesk search` and `privdesk fetch`.

use super::output::{record_json, record_text, search_json, search_text};
use super::{emit, load_config, open_desk, Cli, EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE};
use crate::desk::{Desk, DeskError, SearchOptions};
use clap::Args;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// A name, reading, email address or phone number.
    pub query: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Give up on the whole search after this many seconds.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Show personal data unmasked (needs --purpose; audited).
    #[arg(long, requires = "purpose")]
    pub reveal: bool,
    /// Why the personal data is revealed (written to the audit log).
    #[arg(long, value_name = "TEXT")]
    pub purpose: Option<String>,
    /// Do not ask again by the emails and phone numbers found.
    #[arg(long)]
    pub no_expand: bool,
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// System name as configured.
    pub system: String,
    /// The record's id in that system.
    pub id: String,
    #[arg(long)]
    pub json: bool,
    #[arg(long, requires = "purpose")]
    pub reveal: bool,
    #[arg(long, value_name = "TEXT")]
    pub purpose: Option<String>,
}

fn desk_for(cli: &Cli) -> Result<Desk, u8> {
    let cfg = load_config(cli)?;
    open_desk(cli, cfg)
}

fn exit_for(e: &DeskError) -> u8 {
    if let Some(code) = super::denied_exit(e) {
        return code;
    }
    match e {
        DeskError::Invalid(_)
        | DeskError::Refused(_)
        | DeskError::Denied(_)
        | DeskError::Config(_) => EXIT_USAGE,
        _ => EXIT_FAILURE,
    }
}

pub async fn run(cli: &Cli, a: &SearchArgs) -> u8 {
    let desk = match desk_for(cli) {
        Ok(d) => d,
        Err(code) => return code,
    };
    search_with(&desk, a).await
}

/// Run a search on an open desk and print it (also used by `demo`).
pub async fn search_with(desk: &Desk, a: &SearchArgs) -> u8 {
    if let Some(t) = a.timeout {
        if !(t > 0.0 && t.is_finite()) {
            eprintln!("privdesk: --timeout must be a positive number of seconds");
            return EXIT_USAGE;
        }
    }
    // A reveal that would be refused is refused before any system is asked.
    if a.reveal {
        if let Err(e) = desk.check_reveal(a.purpose.as_deref().unwrap_or_default()) {
            eprintln!("privdesk: {e}");
            return exit_for(&e);
        }
    }
    let opts = SearchOptions {
        timeout: a.timeout.map(Duration::from_secs_f64),
        expand: if a.no_expand { Some(false) } else { None },
    };
    let run = match desk.start_search(&a.query, opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("privdesk: {e}");
            return exit_for(&e);
        }
    };
    let Some(snap) = run.finish().await else {
        eprintln!("privdesk: the search ended without a result");
        return EXIT_FAILURE;
    };
    if let Some(err) = &snap.audit_error {
        eprintln!("privdesk: the search could not be written to the audit log: {err}");
        return EXIT_FAILURE;
    }
    let mut reveal = false;
    if a.reveal {
        let all: Vec<_> = snap
            .persons
            .iter()
            .flat_map(|p| p.records.iter().cloned())
            .collect();
        match desk.reveal(&all, a.purpose.as_deref().unwrap_or_default()) {
            Ok(_) => reveal = true,
            Err(e) => {
                eprintln!("privdesk: {e}");
                return exit_for(&e);
            }
        }
    }
    let text = if a.json {
        let mut s = serde_json::to_string_pretty(&search_json(&snap, reveal)).unwrap_or_default();
        s.push('\n');
        s
    } else {
        search_text(&snap, reveal)
    };
    if let Err(code) = emit(&text) {
        return code;
    }
    let failed = snap.failed_systems();
    for f in &failed {
        eprintln!(
            "privdesk: {}: {}",
            f.system,
            f.status.message().unwrap_or_default()
        );
    }
    if failed.is_empty() {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    }
}

pub async fn fetch(cli: &Cli, a: &FetchArgs) -> u8 {
    let desk = match desk_for(cli) {
        Ok(d) => d,
        Err(code) => return code,
    };
    if a.reveal {
        if let Err(e) = desk.check_reveal(a.purpose.as_deref().unwrap_or_default()) {
            eprintln!("privdesk: {e}");
            return exit_for(&e);
        }
    }
    let record = match desk.fetch(&a.system, &a.id).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("privdesk: {e}");
            return match e {
                DeskError::System { .. } => EXIT_PARTIAL,
                other => exit_for(&other),
            };
        }
    };
    let mut reveal = false;
    if a.reveal {
        if let Err(e) = desk.reveal(
            std::slice::from_ref(&record),
            a.purpose.as_deref().unwrap_or_default(),
        ) {
            eprintln!("privdesk: {e}");
            return exit_for(&e);
        }
        reveal = true;
    }
    let text = if a.json {
        let mut s = serde_json::to_string_pretty(&record_json(&record, reveal)).unwrap_or_default();
        s.push('\n');
        s
    } else {
        record_text(&record, reveal)
    };
    match emit(&text) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}
