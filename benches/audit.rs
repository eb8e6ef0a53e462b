//! The audit log's keyed chain. Prints:
//! - one audit append (its own transaction, synced), median and p99 µs,
//!   keyed (HMAC-SHA-256, what privdesk writes now);
//! - the hashing alone per entry: the unkeyed SHA-256 of before keyed
//!   chains against the HMAC-SHA-256 of now (the rest of an append, the
//!   SQLite transaction and its sync, is the same for both);
//! - `audit verify` over 100,000 keyed entries, in seconds.
//!
//!     cargo bench --bench audit

#![allow(clippy::unwrap_used)] // a bench: a failure is its report

use hmac::Mac;
use privdesk::store::{MacKey, NewAuditEntry, Store};
use rusqlite::{params, Connection};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

const APPENDS: usize = 2_000;
const VERIFIED: i64 = 100_000;

fn fields<'a>(prev: &'a str, id: &'a str, f: &'a [String; 5]) -> Vec<&'a [u8]> {
    let mut v: Vec<&[u8]> = vec![prev.as_bytes(), id.as_bytes()];
    v.extend(f.iter().map(|s| s.as_bytes()));
    v
}

/// The v1 scheme: SHA-256 over length-prefixed fields.
fn v1(prev: &str, id: i64, f: &[String; 5]) -> String {
    let id = id.to_string();
    let mut h = Sha256::new();
    for p in std::iter::once(&b"privdesk audit v1"[..]).chain(fields(prev, &id, f)) {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// The keyed scheme, as privdesk writes it.
fn v2(key: &MacKey, prev: &str, id: i64, f: &[String; 5]) -> String {
    let id = id.to_string();
    let mut m = key.hmac();
    let parts = std::iter::once(&b"privdesk audit v2"[..])
        .chain(fields(prev, &id, f))
        .chain(std::iter::once(key.id.as_bytes()));
    for p in parts {
        m.update(&(p.len() as u64).to_be_bytes());
        m.update(p);
    }
    hex::encode(m.finalize().into_bytes())
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e6
}

fn sample_fields(i: i64) -> [String; 5] {
    [
        "2026-12-06T09:00:00.000Z".into(),
        format!("op{}", i % 20),
        "search".into(),
        "query".into(),
        json!({"query": format!("yamada {i}"), "systems": 3, "results": i % 7}).to_string(),
    ]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();

    // One append at a time.
    let store = Store::open(&dir.path().join("append.db"), 5000).unwrap();
    let mut times = Vec::with_capacity(APPENDS);
    for i in 0..APPENDS {
        let e = NewAuditEntry {
            operator: format!("op{}", i % 20),
            kind: privdesk::domain::AuditKind::Search,
            subject: "query".into(),
            details: json!({"query": format!("yamada {i}"), "systems": 3}),
        };
        let t = Instant::now();
        store.append_audit(&e).unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "audit append (keyed, own transaction): median {:.1} µs, p99 {:.1} µs over {APPENDS}",
        pct(&times, 0.5),
        pct(&times, 0.99)
    );

    // The hashing alone, before and after.
    let key = store.keys().current_mac().clone();
    let f = sample_fields(1);
    let prev = "ab".repeat(32);
    let rounds = 200_000;
    let t = Instant::now();
    for i in 0..rounds {
        std::hint::black_box(v1(&prev, i, &f));
    }
    let before = t.elapsed().as_secs_f64() * 1e6 / rounds as f64;
    let t = Instant::now();
    for i in 0..rounds {
        std::hint::black_box(v2(&key, &prev, i, &f));
    }
    let after = t.elapsed().as_secs_f64() * 1e6 / rounds as f64;
    println!(
        "hashing per entry: before (SHA-256) {before:.2} µs, after (HMAC-SHA-256) {after:.2} µs"
    );
    drop(store);

    // A log of 100,000 keyed entries, written in one transaction with the
    // scheme privdesk uses (appending them one by one would time the syncs).
    let path = dir.path().join("verify.db");
    let store = Store::open(&path, 5000).unwrap();
    let key = store.keys().current_mac().clone();
    drop(store);
    let mut c = Connection::open(&path).unwrap();
    let tx = c.transaction().unwrap();
    let mut prev = "0".repeat(64);
    for id in 1..=VERIFIED {
        let f = sample_fields(id);
        let h = v2(&key, &prev, id, &f);
        tx.execute(
            "INSERT INTO audit (id, at, operator, kind, subject, details, prev_hash, hash, key_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id, f[0], f[1], f[2], f[3], f[4], prev, h, key.id],
        )
        .unwrap();
        prev = h;
    }
    tx.execute(
        "UPDATE audit_head SET entries = ?1, last_hash = ?2",
        params![VERIFIED, prev],
    )
    .unwrap();
    tx.commit().unwrap();
    drop(c);
    let store = Store::open(&path, 5000).unwrap();
    let t = Instant::now();
    let v = store.verify_audit().unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.entries, VERIFIED as u64);
    println!("audit verify over {VERIFIED} keyed entries: {secs:.2} s");
}
