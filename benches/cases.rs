//! Case queue benchmark: 100,000 cases in a temp store (imported in one
//! transaction): 80% closed (received over two years), the rest open
//! (received over the last sixty days), so thousands are overdue. Prints the time of the overdue list
//! and of the first screen of the queue (50 rows, soonest due first), through
//! the desk (with its audit entry) and through the store alone, and of the
//! report over the last 365 days.
//!
//!     cargo bench --bench cases

#![allow(clippy::unwrap_used)] // a bench: a failure is its report

mod support;

use privdesk::config::{load_str, LoadOptions};
use privdesk::desk::Desk;
use privdesk::domain::case_rules::{self, StatusChange};
use privdesk::domain::{
    AssigneeFilter, CaseFilter, CaseStatus, Category, Contact, NewCase, Outcome, RequestKind,
};
use std::time::{Duration, Instant};

const CASES: usize = 100_000;
const ROUNDS: usize = 7;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn time<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    (median(times), last.expect("at least one round"))
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store_path = dir.path().join("bench.db");
    let text = format!(
        "[store]\npath = \"{}\"\n[operators.bench]\ndisplay_name = \"Bench\"\nrole = \"supervisor\"\n\
         [operators.agent1]\ndisplay_name = \"Agent 1\"\nrole = \"agent\"\n",
        store_path.display()
    );
    let opts = LoadOptions::isolated("bench", &[("HOME", "/nonexistent")]);
    let config = load_str(&text, &dir.path().join("config.toml"), &opts).expect("config");
    let desk = Desk::open(config, "bench").expect("desk");
    let channels = desk.config().cases.channels.clone();
    let now = chrono::Utc::now();
    let kinds = [
        None,
        Some(RequestKind::Disclosure),
        Some(RequestKind::Correction),
        Some(RequestKind::Access),
        Some(RequestKind::Know),
    ];

    let t = Instant::now();
    let mut batch = Vec::with_capacity(CASES);
    for i in 0..CASES {
        let kind = kinds[i % kinds.len()];
        let mut n = NewCase::new(
            if kind.is_some() {
                Category::RightsRequest
            } else {
                Category::Inquiry
            },
            "email",
        );
        n.kind = kind;
        n.requester.name = Some(format!("Customer {i}"));
        n.requester.contact = Contact {
            email: Some(format!("customer{i}@example.jp")),
            ..Contact::default()
        };
        n.description = format!("request number {i}");
        // Finished cases were received over the last two years, open ones
        // over the last sixty days, hour by hour.
        let open = i % 5 == 0;
        let hours = if open { i % 1_440 } else { i % 17_000 };
        let received = (desk.local_now() - chrono::Duration::hours(hours as i64)).fixed_offset();
        let mut case = case_rules::new_case(&n, &channels, received, "bench", now).expect("case");
        case.assignee = (i % 3 == 0).then(|| "agent1".to_string());
        case.deadlines = Some(desk.compute_deadlines(&case).expect("deadlines"));
        if !open {
            // 80% are finished.
            case.response = Some(privdesk::domain::ResponseRef {
                note_id: 1,
                at: now,
            });
            for s in [CaseStatus::InProgress, CaseStatus::Responded] {
                case_rules::apply_status(&mut case, &StatusChange::to(s), "bench", now)
                    .expect("status");
            }
            let close = StatusChange {
                to: Some(CaseStatus::Closed),
                outcome: Some(Outcome::Fulfilled),
                ..StatusChange::default()
            };
            case_rules::apply_status(&mut case, &close, "bench", now).expect("close");
        }
        batch.push(case);
    }
    let built = t.elapsed();
    let t = Instant::now();
    support::import(&desk, batch);
    let imported = t.elapsed();
    let size = std::fs::metadata(&store_path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{CASES} cases: built with due dates in {:.2} s, imported in one transaction in {:.2} s (store {:.1} MB)",
        built.as_secs_f64(),
        imported.as_secs_f64(),
        size as f64 / 1e6
    );

    let overdue = CaseFilter {
        overdue: true,
        ..CaseFilter::default()
    };
    let first_screen = CaseFilter {
        limit: Some(50),
        ..CaseFilter::default()
    };
    let mine = CaseFilter {
        assignee: AssigneeFilter::User("agent1".into()),
        limit: Some(50),
        ..CaseFilter::default()
    };
    let today = desk.today();

    let (d, rows) = time(|| desk.list_cases(&overdue).expect("overdue"));
    println!(
        "desk  list_cases(overdue)             {:>6} rows  median {}",
        rows.len(),
        ms(d)
    );
    let overdue_screen = CaseFilter {
        limit: Some(50),
        ..overdue.clone()
    };
    let (d, rows) = time(|| desk.list_cases(&overdue_screen).expect("overdue"));
    println!(
        "desk  first screen of overdue (50)    {:>6} rows  median {}",
        rows.len(),
        ms(d)
    );
    let (d, rows) = time(|| desk.list_cases(&first_screen).expect("queue"));
    println!(
        "desk  first screen (50, by due date)  {:>6} rows  median {}",
        rows.len(),
        ms(d)
    );
    let (d, rows) = time(|| desk.list_cases(&mine).expect("mine"));
    println!(
        "desk  one agent's first screen        {:>6} rows  median {}",
        rows.len(),
        ms(d)
    );
    let (d, rows) = time(|| desk.store().list_cases(&overdue, today).expect("overdue"));
    println!(
        "store list_cases(overdue)             {:>6} rows  median {}",
        rows.len(),
        ms(d)
    );
    let (d, rows) = time(|| {
        desk.store()
            .list_cases(&first_screen, today)
            .expect("queue")
    });
    println!(
        "store first screen (50, by due date)  {:>6} rows  median {}",
        rows.len(),
        ms(d)
    );
    let (d, report) = time(|| desk.report(None, None).expect("report"));
    println!(
        "desk  report (365 days, audited)     {:>6} cases median {}",
        report.received,
        ms(d)
    );
    let from = today - chrono::Days::new(364);
    let (d, rows_read) = time(|| desk.store().report_cases(from, today).expect("report rows"));
    println!(
        "store report rows (365 days)         {:>6} rows  median {}",
        rows_read.len(),
        ms(d)
    );
    let id = rows.first().map(|r| r.id).expect("a case");
    let (d, _) = time(|| desk.get_case(id).expect("view"));
    println!(
        "desk  get_case (one case, audited)               median {}",
        ms(d)
    );
}
