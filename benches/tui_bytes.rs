//! Bytes the TUI writes to the terminal, for slow SSH links: an 80x24
//! terminal (`Tui::with_writer` around a byte counter) showing real search
//! results from the sample systems, drawn the way the app's loop draws (only
//! when the state is dirty). Prints the bytes of the first full frame, of one
//! selection move (target <= 400), of one idle second (target 0) and of a few
//! other everyday steps.
//!
//!     cargo bench --bench tui_bytes

#![allow(clippy::unwrap_used)] // a bench: a failure is its report

#[path = "../tests/integration/tui_support/mod.rs"]
#[allow(dead_code)] // the bench uses a few of the tests' helpers
mod tui_support;

use crossterm::event::KeyCode;
use privdesk::tui::app::{Msg, ScreenMsg, SearchMsg, State};
use privdesk::tui::runtime::{Tui, TuiOptions};
use privdesk::tui::{update, views};
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tui_support::*;

/// Counts what reaches the "terminal".
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.fetch_add(buf.len(), Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct Screen {
    tui: Tui<Counter>,
    bytes: Counter,
    state: State,
}

impl Screen {
    fn new(state: State) -> Screen {
        let bytes = Counter::default();
        let mut tui = Tui::with_writer(bytes.clone(), (80, 24), TuiOptions::default())
            .expect("test terminal");
        tui.enter().expect("enter");
        Screen { tui, bytes, state }
    }

    fn total(&self) -> usize {
        self.bytes.0.load(Ordering::Relaxed)
    }

    /// One turn of the app's loop: draw only if something changed.
    fn draw_if_dirty(&mut self) {
        if self.state.dirty {
            let s = &self.state;
            self.tui.draw(|f| views::view(s, f)).expect("draw");
            self.state.dirty = false;
        }
    }

    /// Bytes written by applying `actions` (drawing after each, as the loop does).
    fn cost(&mut self, actions: impl IntoIterator<Item = Msg>) -> usize {
        let before = self.total();
        for a in actions {
            update::update(&mut self.state, a);
            self.draw_if_dirty();
        }
        self.total() - before
    }
}

fn verdict(bytes: usize, target: usize) -> &'static str {
    if bytes <= target {
        "ok"
    } else {
        "OVER TARGET"
    }
}

fn main() {
    let d = data();
    let mut sc = Screen::new(yamada_results("default"));
    let setup = sc.total();
    // A new state is dirty: the loop's first turn draws the whole screen.
    sc.draw_if_dirty();
    let first = sc.total() - setup;
    let down = sc.cost([key(KeyCode::Down)]);
    let up = sc.cost([key(KeyCode::Up)]);

    // One idle second: one tick a second when no search runs; ten if one does.
    let idle_ticks = (0..10).map(|i| Msg::Tick {
        now: Instant::now() + Duration::from_millis(100 * i),
        wall: wall(),
    });
    let idle = sc.cost(idle_ticks);
    let minute = sc.cost([Msg::Tick {
        now: Instant::now(),
        wall: wall() + chrono::Duration::minutes(1),
    }]);
    let open = sc.cost([key(KeyCode::Enter)]);
    let next_record = sc.cost([key(KeyCode::Tab)]);
    let back = sc.cost([key(KeyCode::Esc)]);

    // Typing a query and the whole streamed search, from a fresh screen.
    let mut typing = Screen::new(state("default"));
    typing.draw_if_dirty();
    let one_char = typing.cost([key(KeyCode::Char('y'))]);
    let rest: usize = "amada"
        .chars()
        .map(|c| typing.cost([key(KeyCode::Char(c))]))
        .sum();
    let start = typing.cost([key(KeyCode::Enter)]);
    let gen = typing.state.search_gen;
    let mut streamed = 0;
    for snap in &d.yamada {
        streamed += typing.cost([
            Msg::Screen(ScreenMsg::Search(SearchMsg::Update {
                gen,
                snapshot: Box::new(snap.clone()),
            })),
            tick(),
        ]);
    }

    println!("tui_bytes: bytes written to an 80x24 terminal (yamada results, default theme)");
    println!("  terminal set-up (alternate screen, paste mode) {setup:>6}");
    println!("  first full frame                               {first:>6}");
    println!(
        "  selection move (Down)                          {down:>6}   target <= 400: {}",
        verdict(down, 400)
    );
    println!("  selection move (Up)                            {up:>6}");
    println!(
        "  one idle second (ticks, same minute)           {idle:>6}   target 0: {}",
        verdict(idle, 0)
    );
    println!("  a new minute, the desk still open              {minute:>6}");
    println!("  open the person (Enter)                        {open:>6}");
    println!("  next record (Tab)                              {next_record:>6}");
    println!("  back to the results (Esc)                      {back:>6}");
    println!("  one typed character (first)                    {one_char:>6}");
    println!("  five more typed characters                     {rest:>6}");
    println!("  Enter (search starts)                          {start:>6}");
    println!(
        "  {} streamed snapshots with a tick each          {streamed:>6}",
        d.yamada.len()
    );
}
