//! Queue benchmark at 100,000 cases not yet closed (names, kinds, assignees
//! and descriptions varied as a busy desk's would be). Prints:
//! - queue open time: the store read (through the desk, audited), building
//!   the filter lines and section marks, and drawing the first 80x24 screen;
//! - memory: RSS before and after the queue is loaded (from /proc/self/status);
//! - the `/` filter per keystroke (p50/p99) typing realistic queries one
//!   character at a time, as the filter worker answers them (narrowing
//!   within the last answer while the query grows) plus the screen's part
//!   (working out the visible rows and the section counts);
//! - the same queries through `fzf --filter` on the same lines, when fzf
//!   is installed (each keystroke a new fzf process reading all lines).
//!
//!     cargo bench --bench queue

mod support;

use privdesk::config::{load_str, LoadOptions};
use privdesk::desk::Desk;
use privdesk::domain::case_rules::{self, StatusChange};
use privdesk::domain::{CaseStatus, Category, Contact, NewCase, RequestKind};
use privdesk::sample::names::{JP_FAMILY, JP_GIVEN_FEMALE, JP_GIVEN_MALE, WEST_FAMILY, WEST_GIVEN};
use privdesk::tui::app::{QueueData, QueueView, Screen};
use privdesk::tui::keymap::Keymap;
use privdesk::tui::queue_filter::{FilterJob, Narrowing};
use privdesk::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CASES: usize = 100_000;
const ROUNDS: usize = 5;

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

const TOPICS: &[&str] = &[
    "wants a copy of everything held about them",
    "asks who received their data from the loyalty programme",
    "complains the call centre was rude when asked about marketing mail",
    "asks to correct the address on the billing account",
    "wants the mailing list to stop and every record deleted",
    "asks what the data is used for and how long it is kept",
    "says a letter went to the wrong address after moving",
    "asks to stop sharing purchase history with partners",
];

const AGENTS: [&str; 5] = ["agent1", "agent2", "agent3", "agent4", "agent5"];

/// The bench desk on the store at `store_path`.
fn open_desk(store_path: &std::path::Path) -> Desk {
    let mut text = format!(
        "[store]\npath = \"{}\"\n[operators.bench]\ndisplay_name = \"Bench Supervisor\"\nrole = \"supervisor\"\n",
        store_path.display()
    );
    for a in AGENTS {
        text.push_str(&format!(
            "[operators.{a}]\ndisplay_name = \"Agent {a}\"\nrole = \"agent\"\n"
        ));
    }
    let opts = LoadOptions::isolated("bench", &[("HOME", "/nonexistent")]);
    let dir = store_path.parent().expect("a folder");
    let config = load_str(&text, &dir.join("config.toml"), &opts).expect("config");
    Desk::open(config, "bench").expect("desk")
}

/// Fill the store (run in a child process, so that the memory it took is
/// not counted as the queue's).
fn build_store(store_path: &std::path::Path) {
    let desk = open_desk(store_path);
    let agents = AGENTS;
    let channels = desk.config().cases.channels.clone();
    let now = chrono::Utc::now();
    let kinds = [
        None,
        Some(RequestKind::Disclosure),
        Some(RequestKind::Correction),
        Some(RequestKind::ThirdPartyRecords),
        Some(RequestKind::Access),
        Some(RequestKind::Erasure),
        Some(RequestKind::Know),
        Some(RequestKind::Delete),
    ];
    let t = Instant::now();
    let mut batch = Vec::with_capacity(CASES);
    for i in 0..CASES {
        let kind = kinds[i % kinds.len()];
        let category = match kind {
            Some(_) => Category::RightsRequest,
            None if i % 3 == 0 => Category::Complaint,
            None => Category::Inquiry,
        };
        let mut n = NewCase::new(category, "email");
        n.kind = kind;
        let name = if i % 4 == 0 {
            let f = &WEST_FAMILY[(i / 4) % WEST_FAMILY.len()];
            let g = &WEST_GIVEN[(i / 7) % WEST_GIVEN.len()];
            format!("{} {}", g.romaji, f.romaji)
        } else {
            let f = &JP_FAMILY[(i * 7) % JP_FAMILY.len()];
            let given = if i % 2 == 0 {
                JP_GIVEN_FEMALE
            } else {
                JP_GIVEN_MALE
            };
            let g = &given[(i / 3) % given.len()];
            if i % 3 == 0 {
                format!("{} {}", f.written, g.written)
            } else {
                format!("{} {}", f.romaji, g.romaji)
            }
        };
        n.requester.name = Some(name);
        n.requester.contact = Contact {
            email: Some(format!("customer{i}@example.jp")),
            ..Contact::default()
        };
        n.description = format!("{} (ref {})", TOPICS[i % TOPICS.len()], i * 31 % 9973);
        let hours = (i * 13) % 1_440;
        let received = (desk.local_now() - chrono::Duration::hours(hours as i64)).fixed_offset();
        let mut case = case_rules::new_case(&n, &channels, received, "bench", now).expect("case");
        case.assignee = match i % 6 {
            0 => None,
            k => Some(agents[k - 1].to_string()),
        };
        case.deadlines = Some(desk.compute_deadlines(&case).expect("deadlines"));
        if i % 5 == 1 {
            case_rules::apply_status(
                &mut case,
                &StatusChange::to(CaseStatus::InProgress),
                "bench",
                now,
            )
            .expect("status");
        }
        batch.push(case);
    }
    let built = t.elapsed();
    let t = Instant::now();
    support::import(&desk, batch);
    println!(
        "{CASES} cases not closed: built in {:.2} s, imported in {:.2} s",
        built.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
}

fn main() {
    if let Some(path) = std::env::var_os("PRIVDESK_QUEUE_BENCH_STORE") {
        build_store(std::path::Path::new(&path));
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let store_path = dir.path().join("bench.db");
    let status = Command::new(std::env::current_exe().expect("this program"))
        .env("PRIVDESK_QUEUE_BENCH_STORE", &store_path)
        .status()
        .expect("the store builder runs");
    assert!(status.success(), "building the store failed");
    let desk = open_desk(&store_path);

    // Open the queue as the TUI does: load, build, first screen.
    let sections = desk.queue_sections();
    let rss_before = rss_kb();
    let theme = Theme::builtin("default").expect("theme");
    let mut state = privdesk::tui::new_state(
        desk.operator().clone(),
        Keymap::defaults(),
        theme,
        vec!["purpose".into()],
        vec![],
        Duration::from_secs(300),
    );
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let mut opens = Vec::new();
    let mut parts = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for round in 0..ROUNDS {
        state.queue = None;
        let t0 = Instant::now();
        let load = desk.load_queue(round > 0).expect("queue");
        let t1 = Instant::now();
        let data = QueueData::build(load, &sections, "bench");
        let t2 = Instant::now();
        let mut q = QueueView::new(sections.clone());
        q.data = Some(data);
        q.refresh();
        state.queue = Some(q);
        state.screen = Screen::Queue;
        term.draw(|f| privdesk::tui::views::view(&state, f))
            .expect("draw");
        let t3 = Instant::now();
        opens.push(t3 - t0);
        parts = (t1 - t0, t2 - t1, t3 - t2);
    }
    let rss_after = rss_kb();
    let open = pct(&mut opens, 0.5);
    let q = state.queue.as_ref().expect("queue");
    let data = q.data.as_ref().expect("data");
    println!(
        "queue open (load + build + first 80x24 screen): median {} (last round: store read {}, filter lines and sections {}, screen {})",
        ms(open),
        ms(parts.0),
        ms(parts.1),
        ms(parts.2)
    );
    println!(
        "memory: RSS {:.1} MB before the queue, {:.1} MB with it (+{:.1} MB; filter lines {:.1} MB for {} rows)",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        (rss_after as f64 - rss_before as f64) / 1024.0,
        data.hay.bytes() as f64 / 1e6,
        data.rows.len()
    );
    let counts: Vec<String> = (0..q.tabs())
        .map(|i| format!("{} {}", q.tab_name(i), q.counts[i]))
        .collect();
    println!("sections: {}", counts.join(", "));

    // The filter, keystroke by keystroke.
    let queries = ["tanaka yuki", "pd-2026-04213", "erasure sato", "rude call"];
    let hay = data.hay.clone();
    let mut per_key: Vec<Duration> = Vec::new();
    // The first character of a query is a pass over every row; the others
    // narrow within the last answer.
    let mut first_key: Vec<Duration> = Vec::new();
    let mut screen_part: Vec<Duration> = Vec::new();
    let mut hits_last = Vec::new();
    let mut seq = 0;
    for _ in 0..ROUNDS {
        for query in queries {
            let mut narrowing = Narrowing::default();
            let chars: Vec<char> = query.chars().collect();
            for n in 1..=chars.len() {
                seq += 1;
                let typed: String = chars[..n].iter().collect();
                let job = FilterJob {
                    gen: 1,
                    seq,
                    query: typed,
                    hay: Arc::clone(&hay),
                };
                let t = Instant::now();
                let hits = narrowing.run(&job);
                let matched = t.elapsed();
                let q = state.queue.as_mut().expect("queue");
                let t = Instant::now();
                q.hits = Some(hits);
                q.refresh();
                let refreshed = t.elapsed();
                per_key.push(matched + refreshed);
                if n == 1 {
                    first_key.push(matched + refreshed);
                }
                screen_part.push(refreshed);
                if n == chars.len() {
                    hits_last.push((query, q.visible.len()));
                }
            }
        }
    }
    let keys = per_key.len();
    let p50 = pct(&mut per_key, 0.5);
    let p99 = pct(&mut per_key, 0.99);
    let max = pct(&mut per_key, 1.0);
    let s50 = pct(&mut screen_part, 0.5);
    println!(
        "filter per keystroke over {} rows ({keys} keystrokes, {} threads): p50 {}  p99 {}  max {}  (of which the screen's part p50 {})",
        hay.len(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        ms(p50),
        ms(p99),
        ms(max),
        ms(s50)
    );
    let f50 = pct(&mut first_key, 0.5);
    let fmax = pct(&mut first_key, 1.0);
    println!(
        "  first keystroke of a query (a pass over all rows): p50 {}  max {}",
        ms(f50),
        ms(fmax)
    );
    for (q, n) in hits_last.iter().take(queries.len()) {
        println!("  {q:<16} -> {n} rows");
    }

    // The same lines through fzf --filter, if installed.
    let fzf = Command::new("fzf").arg("--version").output();
    match fzf {
        Ok(o) if o.status.success() => {
            let file = dir.path().join("lines.txt");
            let mut f = std::fs::File::create(&file).expect("lines file");
            for i in 0..hay.len() {
                writeln!(f, "{}", hay.line(i).unwrap_or("")).expect("write");
            }
            drop(f);
            let mut times = Vec::new();
            let mut last = Vec::new();
            for query in queries {
                let chars: Vec<char> = query.chars().collect();
                for n in 1..=chars.len() {
                    let typed: String = chars[..n].iter().collect();
                    let input = std::fs::File::open(&file).expect("lines");
                    let t = Instant::now();
                    let out = Command::new("fzf")
                        .arg("--filter")
                        .arg(&typed)
                        .stdin(Stdio::from(input))
                        .stdout(Stdio::piped())
                        .output()
                        .expect("fzf runs");
                    times.push(t.elapsed());
                    if n == chars.len() {
                        last.push((query, out.stdout.iter().filter(|b| **b == b'\n').count()));
                    }
                }
            }
            let p50 = pct(&mut times, 0.5);
            let p99 = pct(&mut times, 0.99);
            println!(
                "fzf {} --filter, same lines ({} keystrokes, a process each): p50 {}  p99 {}",
                String::from_utf8_lossy(&o.stdout).trim(),
                times.len(),
                ms(p50),
                ms(p99)
            );
            for (q, n) in last {
                println!("  {q:<16} -> {n} rows (fzf)");
            }
        }
        _ => println!("fzf not installed"),
    }
}
