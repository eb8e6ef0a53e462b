//! Shared harness for the screen tests and the byte benchmark: real search
//! snapshots from the real desk against the real sample systems, TUI states
//! built without a terminal, keys fed through `update`, and screens rendered
//! into ratatui's `TestBackend`.
//!
//! The searches run once per test binary ([`data`]); everything that varies
//! between runs (elapsed times, port numbers in error texts) is overwritten
//! with fixed values so rendered screens are stable.

use chrono::{DateTime, FixedOffset, TimeZone};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use privdesk::config::{self, LoadOptions};
use privdesk::desk::{Desk, SearchOptions};
use privdesk::domain::{Operator, SearchSnapshot, SystemStatus};
use privdesk::sample::{self, SampleOptions};
use privdesk::tui::app::{Effect, Msg, State};
use privdesk::tui::app::{ScreenEffect, ScreenMsg, SearchEffect, SearchMsg};
use privdesk::tui::keymap::Keymap;
use privdesk::tui::theme::Theme;
use privdesk::tui::{new_state, update, views};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The OS user the sample config's `[operators."$USER"]` stands for.
pub const USER: &str = "tester";
/// The local time of every built state: Tuesday 2026-11-24 10:30 in
/// Tokyo, so the status bar says the desk is open until 17:00.
pub fn wall() -> DateTime<FixedOffset> {
    FixedOffset::east_opt(9 * 3600)
        .expect("JST")
        .with_ymd_and_hms(2026, 11, 24, 10, 30, 0)
        .single()
        .expect("a valid time")
}

/// The day of the states' clock: what every fixture's "today" is.
pub fn today() -> chrono::NaiveDate {
    wall().date_naive()
}

/// Sets each row's days left and overdue flag as the server's queue index
/// works them out on the states' clock (the desk's own, in the fixtures,
/// are counted from the real today, which moves).
pub fn on_the_clock(
    rows: &mut [privdesk::domain::CaseSummary],
    calendar: &privdesk::calendar::Calendar,
) {
    use privdesk::desk::queue_index::QueueIndex;
    use privdesk::domain::{QueueLoad, QueueRow};
    let load = QueueLoad {
        rows: rows
            .iter()
            .map(|c| QueueRow {
                case: c.clone(),
                pending_approvals: 0,
            })
            .collect(),
        descriptions: vec![String::new(); rows.len()],
    };
    let idx = QueueIndex::build(load, Vec::new(), today(), calendar);
    for r in rows.iter_mut() {
        let worked = &idx
            .row(r.id)
            .unwrap_or_else(|| panic!("{} is not in the queue index (closed?)", r.id))
            .case;
        r.days_left = worked.days_left;
        r.overdue = worked.overdue;
    }
}

/// Idle time before the screen locks in the built states.
pub const IDLE_LOCK: Duration = Duration::from_secs(300);

/// What the desk knows about the operator and the systems, plus the
/// snapshots of the searches the screens show.
pub struct Data {
    pub operator: Operator,
    pub purposes: Vec<String>,
    /// (name, badge) of the configured systems, in order.
    pub systems: Vec<(String, String)>,
    /// Every snapshot of a search for `yamada`, the last one done.
    pub yamada: Vec<SearchSnapshot>,
    /// A `yamada` search while loyalty has not answered yet (it is held):
    /// crm, billing and support have answered, mailing was not asked.
    pub yamada_midway: SearchSnapshot,
    /// The final snapshot of `yamada` with billing down (a closed port).
    pub yamada_billing_down: SearchSnapshot,
    /// The final snapshot of a search for `Kobayashi` (escape sequences).
    pub kobayashi: SearchSnapshot,
    /// The final snapshot of a search that finds nobody.
    pub nobody: SearchSnapshot,
}

impl Data {
    pub fn yamada_final(&self) -> &SearchSnapshot {
        self.yamada
            .last()
            .expect("the yamada search sent snapshots")
    }
}

/// The searches, run once per test binary against the real sample systems.
pub fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(collect_data)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The sample config pointed at `urls` (system -> base URL) with its store
/// in `dir`, loaded as the desk would load it.
fn load_config(dir: &Path, urls: &[(String, String)]) -> privdesk::config::Config {
    let path = repo().join("data/sample-config.toml");
    let text = std::fs::read_to_string(&path).expect("read the sample config");
    let mut doc: toml_edit::DocumentMut = text.parse().expect("sample config is TOML");
    for (name, url) in urls {
        doc["systems"][name.as_str()]["base_url"] = toml_edit::value(url.clone());
    }
    doc["store"]["path"] = toml_edit::value(dir.join("store.db").display().to_string());
    let home = dir.display().to_string();
    let opts = LoadOptions::isolated(USER, &[("HOME", home.as_str()), ("USER", USER)]);
    config::load_str(&doc.to_string(), &path, &opts)
        .unwrap_or_else(|p| panic!("sample config does not load:\n{p}"))
}

/// Every snapshot of one search, in the order the desk sent them.
async fn search_all(desk: &Desk, query: &str) -> Vec<SearchSnapshot> {
    let mut run = desk
        .start_search(query, SearchOptions::default())
        .expect("search starts");
    let mut all = Vec::new();
    while let Some(s) = run.updates.recv().await {
        let done = s.done;
        all.push(s);
        if done {
            break;
        }
    }
    assert!(
        all.last().is_some_and(|s| s.done),
        "the search for {query} ended without a final snapshot"
    );
    all
}

fn collect_data() -> Data {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let samples = sample::start(SampleOptions {
            port_base: None,
            latency_ms: None,
        })
        .await
        .expect("sample systems start");
        let urls: Vec<(String, String)> = samples
            .systems
            .iter()
            .map(|s| (s.name.clone(), s.base_url.clone()))
            .collect();
        let tmp = tempfile::tempdir().expect("temp dir");

        let dir = tmp.path().join("normal");
        let desk = Desk::open(load_config(&dir, &urls), USER).expect("desk opens");
        let operator = desk.operator().clone();
        let purposes = desk.config().reveal.purposes.clone();
        let systems = desk
            .connectors()
            .iter()
            .map(|c| (c.name().to_string(), c.badge()))
            .collect();
        let yamada = search_all(&desk, "yamada").await;
        let kobayashi = search_all(&desk, "Kobayashi").await.pop().unwrap();
        let nobody = search_all(&desk, "zzyzx-nobody").await.pop().unwrap();

        // Billing on a port nobody listens on.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let closed_url = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let mut down = urls.clone();
        set_url(&mut down, "billing", &closed_url);
        let dir = tmp.path().join("down");
        let desk = Desk::open(load_config(&dir, &down), USER).expect("desk opens");
        let yamada_billing_down = search_all(&desk, "yamada").await.pop().unwrap();

        // Loyalty behind a listener that accepts and never answers: the
        // search waits for it while the others have answered.
        let held = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let held_url = format!("http://{}", held.local_addr().unwrap());
        let holder = tokio::spawn(async move {
            let mut conns = Vec::new();
            while let Ok((c, _)) = held.accept().await {
                conns.push(c);
            }
        });
        let mut slow = urls.clone();
        set_url(&mut slow, "loyalty", &held_url);
        let dir = tmp.path().join("slow");
        let desk = Desk::open(load_config(&dir, &slow), USER).expect("desk opens");
        let mut run = desk
            .start_search("yamada", SearchOptions::default())
            .expect("search starts");
        let mut yamada_midway = None;
        while let Some(s) = run.updates.recv().await {
            let waiting: Vec<&str> = s
                .systems
                .iter()
                .filter(|x| x.status == SystemStatus::Pending)
                .map(|x| x.system.as_str())
                .collect();
            if waiting == ["loyalty"] {
                yamada_midway = Some(s);
                break;
            }
        }
        drop(run);
        holder.abort();
        samples.shutdown();

        Data {
            operator,
            purposes,
            systems,
            yamada: yamada.into_iter().map(stable).collect(),
            yamada_midway: stable(yamada_midway.expect("a snapshot with only loyalty pending")),
            yamada_billing_down: stable(yamada_billing_down),
            kobayashi: stable(kobayashi),
            nobody: stable(nobody),
        }
    })
}

fn set_url(urls: &mut [(String, String)], system: &str, url: &str) {
    for (name, u) in urls.iter_mut() {
        if name == system {
            *u = url.to_string();
        }
    }
}

/// The snapshot with its timings fixed and port numbers taken out of error
/// texts, so that screens render the same on every run.
pub fn stable(mut s: SearchSnapshot) -> SearchSnapshot {
    s.elapsed_ms = 321;
    for (i, sys) in s.systems.iter_mut().enumerate() {
        match &mut sys.status {
            SystemStatus::Ok { elapsed_ms, .. } => *elapsed_ms = 40 + 10 * i as u64,
            SystemStatus::Timeout { after_ms } => *after_ms = 5000,
            SystemStatus::Unreachable { error }
            | SystemStatus::HttpError { error, .. }
            | SystemStatus::BadResponse { error } => *error = without_ports(error),
            _ => {}
        }
    }
    s
}

/// `127.0.0.1:40123` -> `127.0.0.1:PORT`.
fn without_ports(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(i + "127.0.0.1:".len());
        out.push_str(head);
        let digits = tail.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            out.push_str("PORT");
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// A fresh state as the runtime builds it, with the time fixed.
pub fn state(theme: &str) -> State {
    state_with(theme, Keymap::defaults())
}

pub fn state_with(theme: &str, keymap: Keymap) -> State {
    state_of(theme, keymap, data().operator.clone())
}

/// A fresh state for another operator (as the server describes them).
pub fn state_as(theme: &str, operator: Operator) -> State {
    state_of(theme, Keymap::defaults(), operator)
}

fn state_of(theme: &str, keymap: Keymap, operator: Operator) -> State {
    let d = data();
    let theme = Theme::builtin(theme).unwrap_or_else(|| panic!("no built-in theme {theme}"));
    let mut s = new_state(
        operator,
        keymap,
        theme,
        d.purposes.clone(),
        d.systems.clone(),
        IDLE_LOCK,
    );
    s.wall = wall();
    s
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Feed one action through `update` as the runtime does.
pub fn act(s: &mut State, a: Msg) -> Vec<Effect> {
    update::update(s, a)
}

pub fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    act(s, key(code))
}

/// Type text key by key.
pub fn type_text(s: &mut State, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        fx.extend(press(s, KeyCode::Char(c)));
    }
    fx
}

/// Type `query`, press Enter and feed the given snapshots as the search's
/// updates (with the generation the Enter started).
pub fn search(s: &mut State, query: &str, snapshots: &[SearchSnapshot]) -> Vec<Effect> {
    type_text(s, query);
    let fx = press(s, KeyCode::Enter);
    let gen = fx
        .iter()
        .find_map(|e| match e {
            Effect::Screen(ScreenEffect::Search(SearchEffect::Start { gen, .. })) => Some(*gen),
            _ => None,
        })
        .expect("Enter starts a search");
    for snap in snapshots {
        act(
            s,
            Msg::Screen(ScreenMsg::Search(SearchMsg::Update {
                gen,
                snapshot: Box::new(snap.clone()),
            })),
        );
    }
    fx
}

/// The state after a finished `yamada` search, focus on the results.
pub fn yamada_results(theme: &str) -> State {
    let mut s = state(theme);
    search(&mut s, "yamada", &data().yamada);
    press(&mut s, KeyCode::Down);
    s
}

/// The first person of the `yamada` results opened.
pub fn yamada_person(theme: &str) -> State {
    let mut s = yamada_results(theme);
    press(&mut s, KeyCode::Enter);
    s
}

/// Whether a Tick `after` the last input would lock, i.e. a moment past the idle lock.
pub fn idle_tick(s: &State) -> Msg {
    Msg::Tick {
        now: s.last_input + IDLE_LOCK + Duration::from_secs(1),
        wall: wall(),
    }
}

/// A tick now, at the fixed local time.
pub fn tick() -> Msg {
    Msg::Tick {
        now: Instant::now(),
        wall: wall(),
    }
}

/// Render the whole screen at `w` x `h`.
pub fn render(s: &State, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    t.draw(|f| views::view(s, f)).expect("draw");
    t.backend().buffer().clone()
}

/// The buffer's symbols, one line per row, trailing spaces kept so the
/// snapshot shows the full width.
pub fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut skip = 0;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            // A wide character covers the next cell, which holds a blank.
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            out.push_str(sym);
        }
        out.push('\n');
    }
    out
}

/// Render and dump as text.
pub fn screen(s: &State, w: u16, h: u16) -> String {
    text(&render(s, w, h))
}

/// Show screen `id` with nothing loaded on it, over what is shown (for
/// tests that need a screen up and not its data).
pub fn show_empty(s: &mut State, id: privdesk::tui::app::ScreenId) {
    use privdesk::tui::app::*;
    let case = privdesk::domain::CaseId::new(2026, 1);
    let state = match id {
        ScreenId::Search => ScreenState::Search(SearchScreen),
        ScreenId::Cases => ScreenState::Cases(CasesView {
            tab: CasesTab::Mine,
            rows: Default::default(),
            selected: 0,
        }),
        ScreenId::Case => ScreenState::Case(CaseScreen::new(case)),
        ScreenId::Actions => ScreenState::Actions(ActionsScreen::new(case)),
        ScreenId::Inbox => ScreenState::Inbox(InboxScreen::new()),
        ScreenId::Audit => ScreenState::Audit(AuditScreen::new()),
        ScreenId::Report => ScreenState::Report(ReportScreen::default()),
        ScreenId::Queue => ScreenState::Queue(QueueView::new(s.queue_sections.clone())),
        ScreenId::Person | ScreenId::NewCase => {
            panic!("{id:?} has no empty state: open it as the user would")
        }
    };
    s.screens.push(state);
}
