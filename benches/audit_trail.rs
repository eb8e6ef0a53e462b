//! The audit log with sealed personal values: the cost of one append with
//! and without personal values to seal, and one person's trail
//! (`audit export --person`) over 100,000 entries, found through the blind
//! index, against reading (and opening) the whole log.
//!
//!     cargo bench --bench audit_trail
//!
//! `PRIVDESK_BENCH_ENTRIES` changes the size of the log (default 100000).

#![allow(clippy::unwrap_used)] // a bench: a failure is its report

use privdesk::config::{load_str, LoadOptions};
use privdesk::desk::{subjects, Desk};
use privdesk::domain::AuditKind;
use privdesk::store::personal;
use serde_json::json;
use std::time::Instant;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn search_details(i: usize) -> serde_json::Value {
    let email = format!("person{}@example.jp", i % 5000);
    json!({
        "query": personal(&subjects::query_normalized(&email), email.as_str()),
        "kind": "email",
        "systems_asked": ["crm", "billing", "support"],
        "records": 3,
        "matched": (0..3)
            .map(|k| subjects::sealed_record(&format!("crm:C-{}", i % 5000 * 3 + k)))
            .collect::<Vec<_>>(),
    })
}

fn main() {
    let n: usize = std::env::var("PRIVDESK_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let store_path = dir.path().join("bench.db");
    let text = format!(
        "[store]\npath = \"{}\"\n[operators.bench]\ndisplay_name = \"Bench\"\nrole = \"supervisor\"\n",
        store_path.display()
    );
    let opts = LoadOptions::isolated("bench", &[("HOME", "/nonexistent")]);
    let config = load_str(&text, &dir.path().join("config.toml"), &opts).expect("config");
    let desk = Desk::open(config, "bench").expect("desk");

    // One append at a time, as a session writes them.
    let rounds = 2000;
    let mut plain = Vec::with_capacity(rounds);
    let mut sealed = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let t = Instant::now();
        desk.audit(
            AuditKind::CaseView,
            "PD-2026-000001",
            json!({ "version": i }),
        )
        .expect("append");
        plain.push(t.elapsed().as_secs_f64() * 1e6);
        let t = Instant::now();
        desk.audit(AuditKind::Search, "query", search_details(i))
            .expect("append");
        sealed.push(t.elapsed().as_secs_f64() * 1e6);
    }
    println!(
        "append, no personal values:           median {:7.1} µs",
        median(&mut plain)
    );
    println!(
        "append, a search (query + 3 records): median {:7.1} µs",
        median(&mut sealed)
    );

    // Fill the log: one search in ten, the rest case views.
    let t = Instant::now();
    for i in 2 * rounds..n {
        if i % 10 == 0 {
            desk.audit(AuditKind::Search, "query", search_details(i))
                .expect("append");
        } else {
            desk.audit(
                AuditKind::CaseView,
                "PD-2026-000002",
                json!({ "version": i }),
            )
            .expect("append");
        }
    }
    let filled = desk.store().audit_entries_after(0, 1).expect("read").len();
    println!(
        "filled the log to {n} entries in {:.1} s ({filled} read back)",
        t.elapsed().as_secs_f64()
    );

    // One person's trail, found by the blind index.
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let trail = desk.audit_export("person42@example.jp").expect("export");
        times.push(t.elapsed().as_secs_f64() * 1e3);
        found = trail.entries.len();
    }
    println!(
        "audit export --person over {n} entries: median {:7.1} ms ({found} entries)",
        median(&mut times)
    );

    // The same question by reading and opening every entry.
    let t = Instant::now();
    let (mut after, mut read, mut hits) = (0, 0, 0);
    loop {
        let page = desk.store().audit_entries_after(after, 5000).expect("read");
        let Some(last) = page.last() else { break };
        after = last.id;
        read += page.len();
        hits += page
            .iter()
            .filter(|e| e.details["query"] == "person42@example.jp")
            .count();
    }
    println!(
        "the same by reading the whole log:    {:7.1} ms ({read} entries read, {hits} found)",
        t.elapsed().as_secs_f64() * 1e3
    );
}
