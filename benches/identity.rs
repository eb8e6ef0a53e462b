//! Linking and ranking speed: 20,000 records (5,000 persons in four systems).
//!
//!     cargo bench --bench identity

#![allow(clippy::unwrap_used)] // a bench: a failure is its report

use privdesk::domain::Record;
use privdesk::identity::{link, prepare_query, resolve};
use std::time::Instant;

fn records(n: usize) -> Vec<Record> {
    let mut out = Vec::with_capacity(n * 4);
    for i in 0..n {
        let email = format!("person{i}@example.jp");
        let phone = format!("090-{:04}-{:04}", i / 10_000, i % 10_000);
        let name = format!("Person{i} Example");
        let base = |system: &str| Record {
            system: system.into(),
            id: format!("{system}{i}"),
            ..Default::default()
        };
        out.push(Record {
            email: Some(email.clone()),
            name: Some(name.clone()),
            ..base("crm")
        });
        out.push(Record {
            email: Some(email.to_uppercase()),
            phone: Some(phone.clone()),
            ..base("billing")
        });
        out.push(Record {
            phone: Some(phone.replace('-', "")),
            name: Some(name.clone()),
            birth_date: Some("1980-01-01".into()),
            ..base("support")
        });
        out.push(Record {
            name: Some(name),
            birth_date: Some("1980/1/1".into()),
            ..base("mail")
        });
    }
    out
}

fn main() {
    let recs = records(5_000);
    let q = prepare_query("person42 example", 200).unwrap();
    let mut best_link = f64::MAX;
    let mut best_resolve = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let persons = link(recs.clone());
        best_link = best_link.min(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(persons.len(), 5_000);
        let t = Instant::now();
        let ranked = resolve(recs.clone(), &q);
        best_resolve = best_resolve.min(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(ranked.len(), 5_000);
    }
    println!("identity: {} records -> 5,000 persons", recs.len());
    println!("  link (best of 5):          {best_link:.1} ms");
    println!("  link + rank (best of 5):   {best_resolve:.1} ms");
}
