//! `privdesk search` and `privdesk fetch`.

use super::output::{record_json, record_text, search_json, search_text};
use super::{connect, emit, Cli, EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE};
use crate::client::Client;
use crate::desk::DeskError;
use crate::protocol::stream::SearchRequest;
use clap::Args;

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
    /// With --reveal: unmask only this field (email, phone, postal_code,
    /// address, birth_date); the rest stays masked.
    #[arg(long, value_name = "FIELD", requires = "reveal")]
    pub field: Option<String>,
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
    let desk = match connect(cli, "search").await {
        Ok(d) => d,
        Err(code) => return code,
    };
    search_with(&desk, a).await
}

/// Run a search on an open desk and print it (also used by `demo`).
pub async fn search_with(desk: &Client, a: &SearchArgs) -> u8 {
    if let Some(t) = a.timeout {
        if !(t > 0.0 && t.is_finite()) {
            eprintln!("privdesk: --timeout must be a positive number of seconds");
            return EXIT_USAGE;
        }
    }
    // A reveal that would be refused is refused before any system is asked.
    if a.reveal {
        if let Err(e) = desk
            .check_reveal(a.purpose.clone().unwrap_or_default())
            .await
        {
            eprintln!("privdesk: {e}");
            return exit_for(&e);
        }
    }
    let req = SearchRequest {
        query: a.query.clone(),
        timeout_ms: a.timeout.map(|t| (t * 1000.0).ceil() as u64),
        expand: if a.no_expand { Some(false) } else { None },
    };
    let run = match desk.search(&req).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("privdesk: {e}");
            return exit_for(&e);
        }
    };
    let mut snap = match run.finish().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("privdesk: {e}");
            return exit_for(&e);
        }
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
            .flat_map(|p| p.records.iter().map(|r| r.key()))
            .collect();
        match desk
            .reveal(all, a.purpose.clone().unwrap_or_default())
            .await
        {
            Ok(shown) => {
                let by_key: std::collections::HashMap<_, _> =
                    shown.records.into_iter().map(|r| (r.key(), r)).collect();
                for r in snap.persons.iter_mut().flat_map(|p| p.records.iter_mut()) {
                    if let Some(x) = by_key.get(&r.key()) {
                        *r = x.clone();
                    }
                }
                reveal = true;
            }
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
    if let Some(field) = &a.field {
        if !crate::domain::mask::is_masked_field(field) {
            eprintln!(
                "privdesk: --field {field}: not a masked field (email, phone, postal_code, address, birth_date); nothing was fetched"
            );
            return EXIT_USAGE;
        }
    }
    let desk = match connect(cli, "fetch").await {
        Ok(d) => d,
        Err(code) => return code,
    };
    if a.reveal {
        if let Err(e) = desk
            .check_reveal(a.purpose.clone().unwrap_or_default())
            .await
        {
            eprintln!("privdesk: {e}");
            return exit_for(&e);
        }
    }
    let mut record = match desk.fetch(a.system.clone(), a.id.clone()).await {
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
        let purpose = a.purpose.clone().unwrap_or_default();
        let shown = match &a.field {
            Some(field) => {
                desk.reveal_field(record.key(), field.clone(), purpose)
                    .await
            }
            None => desk.reveal(vec![record.key()], purpose).await,
        };
        match shown {
            Ok(mut shown) if !shown.records.is_empty() => record = shown.records.remove(0),
            Ok(_) => {}
            Err(e) => {
                eprintln!("privdesk: {e}");
                return exit_for(&e);
            }
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
