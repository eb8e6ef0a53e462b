//! The queue as the server serves it, at 100,000 cases not yet closed
//! (names, kinds, assignees and descriptions varied as a busy desk's would
//! be), with a real server process on a Unix socket and clients of it.
//! Prints:
//! - the server: time to read the queue into memory, and its RSS;
//! - a client's start to its first queue frame: connect and hello, open
//!   the queue (a window of rows and the counts), draw the 80x24 screen;
//! - one operator's change reaching 20 other connected queues (every one
//!   of them has the pushed page), and the server's CPU per change (from
//!   /proc/PID/stat, the change itself included);
//! - the `/` filter per keystroke at the client (the server matches and
//!   sends the window; the client takes it and draws), p50/p99;
//! - 50 clients searching the sample systems at once (every answer 200 ms),
//!   fifty different customers: each search's time against the same search
//!   alone and against its slowest single answer, and the server's peak RSS.
//!
//!     cargo bench --bench queue

#![allow(clippy::unwrap_used)] // a bench: a failure is its report

mod support;

use privdesk::client::{Client, Target};
use privdesk::config::{load_str, LoadOptions};
use privdesk::desk::Desk;
use privdesk::domain::case_rules::{self, StatusChange};
use privdesk::domain::queue::QueueQuery;
use privdesk::domain::{CaseStatus, Category, Contact, NewCase, RequestKind};
use privdesk::protocol::stream::SearchRequest;
use privdesk::protocol::{Event, Hello};
use privdesk::sample::names::{JP_FAMILY, JP_GIVEN_FEMALE, JP_GIVEN_MALE, WEST_FAMILY, WEST_GIVEN};
use privdesk::tui::app::{Msg, QueueMsg, QueueView, ScreenMsg, State};
use privdesk::tui::keymap::{Command as Cmd, Keymap};
use privdesk::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CASES: usize = 100_000;
const ROUNDS: usize = 20;
const WATCHERS: usize = 20;
const CHANGES: usize = 30;
const SEARCHERS: usize = 50;
/// How long every answer of the sample systems takes in the search part.
const LATENCY_MS: u64 = 200;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

/// A process's field of /proc/PID/status, in kB.
fn status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time a process used so far (user + system).
fn cpu(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are
    // the 14th and 15th of the line.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .unwrap_or(100) as u64;
    Duration::from_secs_f64(ticks as f64 / hz as f64)
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

/// The configuration of the bench desk: the store, the operators, the
/// sample systems at `urls`. `demo` lets the clients act as the agents.
fn config_text(store_path: &Path, urls: &[(String, String)]) -> String {
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample-config.toml"),
    )
    .expect("the sample config");
    let mut doc: toml_edit::DocumentMut = sample.parse().expect("TOML");
    doc["store"]["path"] = toml_edit::value(store_path.display().to_string());
    for (name, url) in urls {
        doc["systems"][name.as_str()]["base_url"] = toml_edit::value(url.clone());
    }
    let ops = doc["operators"].as_table_mut().expect("operators");
    for a in AGENTS {
        let mut t = toml_edit::Table::new();
        t["display_name"] = toml_edit::value(format!("Agent {a}"));
        t["role"] = toml_edit::value("agent");
        ops.insert(a, toml_edit::Item::Table(t));
    }
    let mut t = toml_edit::Table::new();
    t["display_name"] = toml_edit::value("Bench Supervisor");
    t["role"] = toml_edit::value("supervisor");
    ops.insert("bench", toml_edit::Item::Table(t));
    // Busy: no limit gets in the way of fifty searches.
    doc["limits"]["supervisor"]["searches_per_minute"] = toml_edit::value(0);
    doc["limits"]["supervisor"]["searches_per_hour"] = toml_edit::value(0);
    doc.to_string()
}

/// The server, in a process of its own (this program again).
fn serve(config: &Path, socket: &Path) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let cfg =
            privdesk::config::load_with(Some(config), &LoadOptions::default()).expect("config");
        let server = privdesk::server::Server::start(cfg).expect("server");
        let t = Instant::now();
        server.preload_queue();
        let listener = privdesk::server::bind(&privdesk::server::ListenOptions {
            socket: socket.to_path_buf(),
            group: None,
        })
        .expect("bind");
        eprintln!("server up in {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
        server.serve(listener, std::future::pending()).await;
    });
}

async fn connect(socket: &Path, act_as: Option<&str>) -> Client {
    Client::connect(
        Target::Socket(socket.to_path_buf()),
        Hello::new("bench", act_as.map(str::to_string)),
    )
    .await
    .expect("connect")
}

fn window(limit: usize) -> QueueQuery {
    QueueQuery {
        limit,
        seq: 1,
        ..Default::default()
    }
}

/// A TUI state for `client`, on the queue.
fn tui_state(client: &Client) -> State {
    let theme = Theme::builtin("default").expect("theme");
    let mut state = privdesk::tui::new_state(
        client.operator().clone(),
        Keymap::defaults(),
        theme,
        vec!["purpose".into()],
        vec![],
        Duration::from_secs(300),
    );
    state.queue_sections = client.settings().queue_sections.clone();
    privdesk::tui::update::update(&mut state, Msg::Run(Cmd::Queue));
    state
}

/// The server's part of typing the filter (match, counts, the window as
/// JSON), in this process, `rounds` times over the queries.
fn filter_in_process(store_path: &Path, rounds: usize) {
    let desk = open_desk(store_path);
    let load = desk.store().queue(None, desk.today()).expect("queue");
    let idx = privdesk::desk::queue_index::QueueIndex::build(
        load,
        desk.queue_sections(),
        desk.today(),
        desk.calendar(),
    );
    let mut view = privdesk::desk::queue_index::QueueView::new(&idx, "bench", false, window(120));
    let mut server_part = Vec::new();
    let mut first = Vec::new();
    for _ in 0..rounds {
        for query in QUERIES {
            let mut typed = String::new();
            for ch in query.chars() {
                typed.push(ch);
                let t = Instant::now();
                let page = view.set_query(
                    &idx,
                    QueueQuery {
                        filter: typed.clone(),
                        ..window(120)
                    },
                );
                let body = serde_json::to_vec(&page).expect("json");
                let took = t.elapsed();
                server_part.push(took);
                if typed.chars().count() == 1 {
                    first.push(took);
                }
                std::hint::black_box(body);
            }
        }
    }
    println!(
        "  the server's part (match, counts, window as JSON), in process: p50 {}  p99 {}; first keystrokes p50 {}",
        ms(pct(&mut server_part, 0.5)),
        ms(pct(&mut server_part, 0.99)),
        ms(pct(&mut first, 0.5))
    );
}

const QUERIES: [&str; 4] = ["tanaka yuki", "pd-2026-04213", "erasure sato", "rude call"];

fn main() {
    if let Some(path) = std::env::var_os("PRIVDESK_QUEUE_BENCH_STORE") {
        build_store(Path::new(&path));
        return;
    }
    if let (Some(cfg), Some(sock)) = (
        std::env::var_os("PRIVDESK_BENCH_CONFIG"),
        std::env::var_os("PRIVDESK_BENCH_SOCKET"),
    ) {
        serve(Path::new(&cfg), Path::new(&sock));
        return;
    }
    machine_now();
    let dir = tempfile::tempdir().expect("temp dir");
    let store_path = dir.path().join("bench.db");
    let status = Command::new(std::env::current_exe().expect("this program"))
        .env("PRIVDESK_QUEUE_BENCH_STORE", &store_path)
        .status()
        .expect("the store builder runs");
    assert!(status.success(), "building the store failed");
    if std::env::var_os("PRIVDESK_BENCH_FILTER_ONLY").is_some() {
        filter_in_process(&store_path, 40);
        return;
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let samples = rt
        .block_on(privdesk::sample::start(privdesk::sample::SampleOptions {
            port_base: None,
            latency_ms: Some((LATENCY_MS, LATENCY_MS)),
        }))
        .expect("sample systems");
    let urls: Vec<(String, String)> = samples
        .systems
        .iter()
        .map(|s| (s.name.clone(), s.base_url.clone()))
        .collect();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_text(&store_path, &urls)).expect("config");
    let secrets = dir.path().join("sample-secrets");
    std::fs::create_dir_all(&secrets).expect("secrets folder");
    for e in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample-secrets"))
        .expect("secrets")
    {
        let e = e.expect("entry");
        std::fs::copy(e.path(), secrets.join(e.file_name())).expect("copy a secret");
    }
    let socket: PathBuf = dir.path().join("privdesk.sock");
    let t = Instant::now();
    let mut server = Command::new(std::env::current_exe().expect("this program"))
        .env("PRIVDESK_BENCH_CONFIG", &config)
        .env("PRIVDESK_BENCH_SOCKET", &socket)
        .spawn()
        .expect("the server starts");
    let pid = server.id();
    rt.block_on(async {
        while tokio::net::UnixStream::connect(&socket).await.is_err() {
            if let Ok(Some(status)) = server.try_wait() {
                panic!("the server stopped: {status}");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Wait for the queue to be in memory (the first open would wait).
        let c = connect(&socket, None).await;
        c.queue_open(window(1)).await.expect("queue");
        println!(
            "server: started and read {CASES} open cases into memory in {:.2} s; RSS {:.1} MB",
            t.elapsed().as_secs_f64(),
            status_kb(pid, "VmRSS:") as f64 / 1024.0
        );

        // A client's start to its first queue frame.
        let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        let mut opens = Vec::new();
        let mut parts = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        for _ in 0..ROUNDS {
            let t0 = Instant::now();
            let client = connect(&socket, None).await;
            let t1 = Instant::now();
            let mut state = tui_state(&client);
            let q = state.screens.get::<QueueView>().expect("queue").query();
            let page = client.queue_open(q).await.expect("page");
            let t2 = Instant::now();
            privdesk::tui::update::update(&mut state, Msg::Screen(ScreenMsg::Queue(QueueMsg::Page(Ok(Box::new(page))))));
            term.draw(|f| privdesk::tui::views::view(&state, f)).expect("draw");
            let t3 = Instant::now();
            opens.push(t3 - t0);
            parts = (t1 - t0, t2 - t1, t3 - t2);
        }
        println!(
            "client start to first queue frame (connect + hello, open the queue, draw 80x24): median {} p90 {} (last: hello {}, queue window and counts {}, screen {})",
            ms(pct(&mut opens, 0.5)),
            ms(pct(&mut opens, 0.9)),
            ms(parts.0),
            ms(parts.1),
            ms(parts.2)
        );

        // One change, twenty other queues.
        let mut watchers = Vec::new();
        for _ in 0..WATCHERS {
            let c = connect(&socket, None).await;
            let mut events = c.events().await.expect("events");
            assert_eq!(events.next().await, Some(Event::Ready));
            c.queue_open(window(60)).await.expect("queue");
            watchers.push((c, events));
        }
        let writer = connect(&socket, None).await;
        let first = writer.queue_open(window(1)).await.expect("queue").rows[0].case.clone();
        let mut version = first.version;
        let mut holder = first.assignee.clone();
        let mut latencies = Vec::new();
        let cpu0 = cpu(pid);
        for i in 0..CHANGES {
            // Someone else than now, so that every change changes the row.
            let who = AGENTS
                .iter()
                .cycle()
                .skip(i)
                .find(|a| holder.as_deref() != Some(**a))
                .expect("an agent")
                .to_string();
            holder = Some(who.clone());
            let t0 = Instant::now();
            let case = writer
                .assign(first.id, version, Some(who.clone()))
                .await
                .expect("assign");
            version = case.version;
            let mut worst = Duration::ZERO;
            for (_, events) in watchers.iter_mut() {
                loop {
                    match tokio::time::timeout(Duration::from_secs(5), events.next()).await {
                        Ok(Some(Event::Queue { page })) => {
                            if page.rows.iter().any(|r| r.case.id == first.id && r.case.assignee.as_deref() == Some(&who)) {
                                worst = worst.max(t0.elapsed());
                                break;
                            }
                        }
                        Ok(Some(_)) => {}
                        other => panic!("no push within 5 s: {other:?}"),
                    }
                }
            }
            latencies.push(worst);
        }
        let spent = cpu(pid).saturating_sub(cpu0);
        println!(
            "a change reaching {WATCHERS} other open queues: median {} p99 {} max {}; server CPU {:.2} ms per change (the change itself included; {CHANGES} changes)",
            ms(pct(&mut latencies, 0.5)),
            ms(pct(&mut latencies, 0.99)),
            ms(pct(&mut latencies, 1.0)),
            spent.as_secs_f64() * 1000.0 / CHANGES as f64
        );
        drop(watchers);

        // The filter, keystroke by keystroke, at the client.
        let client = connect(&socket, None).await;
        let mut state = tui_state(&client);
        let q = state.screens.get::<QueueView>().expect("queue").query();
        let page = client.queue_open(q).await.expect("page");
        privdesk::tui::update::update(&mut state, Msg::Screen(ScreenMsg::Queue(QueueMsg::Page(Ok(Box::new(page))))));
        let queries = QUERIES;
        let mut per_key = Vec::new();
        let mut first_key = Vec::new();
        let mut hits = Vec::new();
        for _ in 0..5 {
            for query in queries {
                let mut typed = String::new();
                for (n, ch) in query.chars().enumerate() {
                    typed.push(ch);
                    let t = Instant::now();
                    let q = state.screens.get_mut::<QueueView>().expect("queue");
                    q.filter = privdesk::tui::input::TextInput::new(&typed);
                    q.rows.start();
                    q.cursor = 0;
                    q.to_top = true;
                    let page = client.queue_view(q.query()).await.expect("page");
                    let total = page.total;
                    privdesk::tui::update::update(&mut state, Msg::Screen(ScreenMsg::Queue(QueueMsg::Page(Ok(Box::new(page))))));
                    term.draw(|f| privdesk::tui::views::view(&state, f)).expect("draw");
                    let took = t.elapsed();
                    per_key.push(took);
                    if n == 0 {
                        first_key.push(took);
                    }
                    if typed == query {
                        hits.push((query, total));
                    }
                }
            }
        }
        filter_in_process(&store_path, 5);
        let keys = per_key.len();
        println!(
            "filter per keystroke at the client over {CASES} rows ({keys} keystrokes: the server matches, the client takes the window and draws): p50 {}  p99 {}  max {}",
            ms(pct(&mut per_key, 0.5)),
            ms(pct(&mut per_key, 0.99)),
            ms(pct(&mut per_key, 1.0))
        );
        println!(
            "  first keystroke of a query (a pass over every row): p50 {}  max {}",
            ms(pct(&mut first_key, 0.5)),
            ms(pct(&mut first_key, 1.0))
        );
        for (q, n) in hits.iter().take(queries.len()) {
            println!("  {q:<16} -> {n} rows");
        }

        // Fifty searches at once, of fifty different customers, each also
        // searched alone (every answer of the sample systems takes the
        // same time here, so a search alone takes what its rounds take).
        let names: Vec<String> = privdesk::sample::records("crm")
            .expect("crm records")
            .iter()
            .filter_map(|r| r["name_romaji"].as_str().map(str::to_lowercase))
            .take(SEARCHERS)
            .collect();
        assert_eq!(names.len(), SEARCHERS);
        // One round (no expansion): what a search waits for is its
        // systems' one answer each, so it is set against that answer.
        searches_at_once(&socket, pid, &names, Some(false), "one round (no expansion)").await;
        systems_at_once(&config, &names).await;
        // The full search: a second round asks again by what the first
        // found, so it is set against the same search alone.
        searches_at_once(&socket, pid, &names, None, "two rounds (the default)").await;
    });
    let _ = server.kill();
    let _ = server.wait();
    drop(samples);
}

/// `SEARCHERS` clients searching different customers at once, each search
/// also timed alone first; prints how much longer each took at once.
async fn searches_at_once(
    socket: &Path,
    pid: u32,
    names: &[String],
    expand: Option<bool>,
    label: &str,
) {
    let one = move |c: Client, query: String| async move {
        let t = Instant::now();
        let run = c
            .search(&SearchRequest {
                query,
                expand,
                ..Default::default()
            })
            .await
            .expect("search");
        let snap = run.finish().await.expect("answer");
        let total = t.elapsed();
        let slowest = snap
            .systems
            .iter()
            .filter_map(|s| match s.status {
                privdesk::domain::SystemStatus::Ok { elapsed_ms, .. } => Some(elapsed_ms),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        (
            total,
            Duration::from_millis(slowest),
            snap.failed_systems().len(),
        )
    };
    let alone_client = connect(socket, None).await;
    let mut alone = Vec::new();
    for q in names {
        alone.push(one(alone_client.clone(), q.clone()).await.0);
    }
    let mut clients = Vec::new();
    for _ in 0..SEARCHERS {
        clients.push(connect(socket, None).await);
    }
    let hwm_before = status_kb(pid, "VmHWM:");
    let (server_cpu, own_cpu, steal) = (cpu(pid), cpu(std::process::id()), stolen());
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(SEARCHERS));
    let mut tasks = Vec::new();
    for (c, q) in clients.into_iter().zip(names.iter().cloned()) {
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            one(c, q).await
        }));
    }
    let mut vs_alone = Vec::new();
    let mut vs_answer = Vec::new();
    let mut vs_slowest = Vec::new();
    let mut totals = Vec::new();
    let mut failed = 0;
    for (t, a) in tasks.into_iter().zip(&alone) {
        let (total, slowest, f) = t.await.expect("task");
        vs_slowest.push(total.as_secs_f64() / slowest.as_secs_f64().max(0.001));
        failed += f;
        totals.push(total);
        vs_alone.push(total.as_secs_f64() / a.as_secs_f64().max(0.001));
        vs_answer.push(total.as_secs_f64() / (LATENCY_MS as f64 / 1000.0));
    }
    let server_cpu = cpu(pid) - server_cpu;
    let own_cpu = cpu(std::process::id()) - own_cpu;
    let steal = stolen() - steal;
    vs_alone.sort_by(|a, b| a.total_cmp(b));
    vs_answer.sort_by(|a, b| a.total_cmp(b));
    vs_slowest.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{SEARCHERS} searches of different customers at once, {label} (every system answers in {LATENCY_MS} ms): each took median {} max {} (alone median {}); against the same search alone: median {:.2}x, worst {:.2}x; against the {LATENCY_MS} ms of one answer: median {:.2}x, worst {:.2}x; against its slowest system's answer as timed in that search: median {:.2}x, worst {:.2}x; systems failed: {failed}; server peak RSS {:.1} MB (before them {:.1} MB)",
        ms(pct(&mut totals, 0.5)),
        ms(pct(&mut totals, 1.0)),
        ms(pct(&mut alone, 0.5)),
        vs_alone[vs_alone.len() / 2],
        vs_alone[vs_alone.len() - 1],
        vs_answer[vs_answer.len() / 2],
        vs_answer[vs_answer.len() - 1],
        vs_slowest[vs_slowest.len() / 2],
        vs_slowest[vs_slowest.len() - 1],
        status_kb(pid, "VmHWM:") as f64 / 1024.0,
        hwm_before as f64 / 1024.0
    );
    println!(
        "  CPU meanwhile: server {}, this process (50 clients and the sample systems) {}, taken by the host from this machine (steal) {}",
        ms(server_cpu),
        ms(own_cpu),
        ms(steal)
    );
}

/// CPU time the host took from this machine so far (steal, all CPUs).
fn stolen() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: u64 = stat
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(8))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Duration::from_secs_f64(ticks as f64 / 100.0)
}

/// How fast this machine is at the moment, so that runs on a busy host can
/// be told from slower code: a fixed piece of work (SHA-256 of 64 MiB) and
/// the share of CPU time the host took meanwhile.
fn machine_now() {
    use sha2::Digest;
    let data = vec![7u8; 1 << 20];
    let steal = stolen();
    let t = Instant::now();
    let mut h = sha2::Sha256::new();
    for _ in 0..64 {
        h.update(&data);
    }
    let _ = h.finalize();
    let took = t.elapsed();
    println!(
        "machine: SHA-256 of 64 MiB in {} on one core; the host took {} of CPU meanwhile (steal)",
        ms(took),
        ms(stolen() - steal)
    );
}

/// The control for the above: the same fifty one-round searches sent
/// straight from this process to the systems through the connectors, with
/// no server in between, so that the systems' own share of the time under
/// load can be told from the server's.
async fn systems_at_once(config: &Path, names: &[String]) {
    let cfg = privdesk::config::load_with(Some(config), &LoadOptions::default()).expect("config");
    let connectors = privdesk::connectors::Connector::from_config(&cfg).expect("connectors");
    let timeout = Duration::from_secs(10);
    let mut tasks = Vec::new();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(names.len()));
    for q in names {
        let query = privdesk::identity::prepare_query(q, 200).expect("query");
        let connectors = connectors.clone();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let t = Instant::now();
            let mut rx = privdesk::connectors::fan_out(&connectors, &query, timeout);
            while rx.recv().await.is_some() {}
            t.elapsed()
        }));
    }
    let mut took = Vec::new();
    for t in tasks {
        took.push(t.await.expect("task"));
    }
    println!(
        "  the same {} one-round searches straight to the systems, no server: median {} max {}",
        names.len(),
        ms(pct(&mut took, 0.5)),
        ms(pct(&mut took, 1.0))
    );
}
