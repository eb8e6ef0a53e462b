//! The terminal UI. Elm-shaped: `State` (app.rs), messages (`Msg`), `update`
//! returning `Effect`s (update.rs), pure `view`s (views/). Effects run as
//! tokio tasks (effects.rs) and come back as messages. The runtime
//! (runtime.rs) owns the terminal: raw mode, signals, resize, hang-up.

pub mod access;
pub mod app;
pub mod backend;
pub mod drafts;
pub mod effects;
pub mod form;
pub mod input;
pub mod keymap;
pub mod link_update;
pub mod load;
pub mod palette;
pub mod prefs;
pub mod runtime;
pub mod screens;
pub mod textarea;
pub mod theme;
pub mod update;
pub mod views;

use crate::calendar::Calendar;
use crate::client::Client;
use crate::domain::Operator;
use app::{CaseSettings, Effect, Msg, State};
use chrono::{DateTime, FixedOffset, SubsecRound, Utc};
use effects::{Effects, QUERY_DRAFT};
use input::TextInput;
use keymap::Keymap;
use runtime::{EventSource, TermEvent, Tui, TuiOptions};
use std::time::{Duration, Instant};
use theme::Theme;
use tokio::sync::mpsc;

/// Resize events closer together than this are collapsed into the last one.
const RESIZE_QUIET: Duration = Duration::from_millis(50);

/// Build the initial state from what the server said of the desk and the
/// operator's own preferences.
pub fn initial_state(client: &Client, prefs: &prefs::Prefs) -> State {
    let settings = client.settings();
    let user_themes = crate::paths::config_dir().map(|d| d.join("themes"));
    let (theme, theme_warning) = Theme::load(
        &prefs.theme,
        user_themes.as_deref(),
        theme::no_color_from_env(),
    );
    let (keymap, key_problems) = Keymap::from_config(&prefs.keys);
    let mut state = new_state(
        client.operator().clone(),
        keymap,
        theme,
        settings.purposes.clone(),
        settings.systems.clone(),
        Duration::from_secs(prefs.idle_lock_secs),
    );
    state.case_settings = case_settings(client);
    state.queue_sections = settings.queue_sections.clone();
    state.wall = wall_now(client.calendar());
    if let Some(w) = theme_warning {
        state.warn(w);
    }
    if let Some(p) = key_problems.first() {
        state.warn(format!("{}: {}", p.key_path, p.message));
    }
    if let Some(w) = &prefs.warning {
        state.warn(w.clone());
    }
    state
}

/// What the case screens need from the desk's configuration: channels,
/// who cases can be assigned to, the business calendar.
pub fn case_settings(client: &Client) -> CaseSettings {
    let settings = client.settings();
    CaseSettings {
        channels: settings.channels.clone(),
        assignees: settings.assignees.clone(),
        calendar: client.calendar().clone(),
        letter_templates: settings.letter_templates.clone(),
    }
}

/// Put the operator's drafts into `state`: the query box gets its text
/// back, the others are offered (see `drafts`).
pub async fn restore_drafts(state: &mut State, client: &Client) {
    let stored = match client.list_drafts().await {
        Ok(d) => d,
        Err(e) => {
            state.warn(format!("drafts unavailable: {e}"));
            return;
        }
    };
    // Listed newest first; the state keeps them oldest first.
    for d in stored.into_iter().rev() {
        if d.key == QUERY_DRAFT {
            if !d.text.trim().is_empty() {
                state.query = TextInput::new(&d.text);
                state.draft_saved = d.text;
                state.info("restored what you were typing when the last session ended");
            }
            continue;
        }
        state.drafts.insert(d.key, d.text);
    }
    if let Some(list) = drafts::summary(state) {
        let keys = state.keymap.hint(keymap::Command::ResumeDraft);
        let keys = if keys.is_empty() {
            "the palette's \"Continue an unsent form or note\"".to_string()
        } else {
            keys
        };
        state.warn(format!("unsent: {list} — press {keys} to continue"));
    }
}

pub fn new_state(
    operator: Operator,
    keymap: Keymap,
    theme: Theme,
    purposes: Vec<String>,
    systems: Vec<(String, String)>,
    idle_lock: Duration,
) -> State {
    let mut s = State::new(operator, keymap, theme, purposes, systems, idle_lock);
    s.wall = wall_now(&s.case_settings.calendar);
    s
}

/// Now in the calendar's time zone, to the second.
pub fn wall_now(calendar: &Calendar) -> DateTime<FixedOffset> {
    Utc::now()
        .trunc_subsecs(0)
        .with_timezone(&calendar.time_zone())
        .fixed_offset()
}

fn to_msg(ev: TermEvent) -> Option<Msg> {
    match ev {
        TermEvent::Key(k) => Some(Msg::Key(k)),
        TermEvent::Paste(p) => Some(Msg::Paste(p)),
        TermEvent::Resize(w, h) => Some(Msg::Resize(w, h)),
        TermEvent::HangUp | TermEvent::Terminate => Some(Msg::HangUp),
        TermEvent::Resumed => Some(Msg::Resumed),
        TermEvent::Mouse(_) | TermEvent::FocusGained | TermEvent::FocusLost => None,
    }
}

/// Run the TUI until the operator quits or the terminal goes away. Returns
/// the process exit code.
pub async fn run(client: Client, prefs: prefs::Prefs) -> u8 {
    let mut state = initial_state(&client, &prefs);
    restore_drafts(&mut state, &client).await;
    runtime::install_panic_hook();
    let mut tui = match Tui::stdout(TuiOptions { mouse: prefs.mouse }) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("privdesk: {e}");
            return crate::exit::EXIT_USAGE;
        }
    };
    if let Err(e) = tui.enter() {
        let _ = tui.exit();
        eprintln!("privdesk: cannot set up the terminal: {e}");
        return crate::exit::EXIT_FAILURE;
    }
    if let Ok(size) = tui.terminal.size() {
        state.size = (size.width, size.height);
    }
    let mut events = EventSource::spawn(RESIZE_QUIET);
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let effects = Effects::new(client.clone(), tx);
    let listener = effects.listen();
    if prefs.start_screen == crate::config::StartScreen::Queue {
        for effect in screens::queue::update::open(&mut state) {
            effects.run(effect);
        }
    }
    let mut hung_up = false;
    let mut next_tick = Instant::now();
    // The last edit a draft save was planned for.
    let mut edit_seen = state.last_edit;

    loop {
        if state.dirty && !hung_up {
            if tui.draw(|f| views::view(&state, f)).is_err() {
                // The terminal is gone: stop drawing, save, leave.
                hung_up = true;
                state.quit = true;
                for effect in drafts::sync(&mut state, Instant::now(), true) {
                    effects.run(effect);
                }
            }
            state.dirty = false;
        }
        if state.quit {
            break;
        }
        let period = if state.searching() {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(1)
        };
        if state.last_edit != edit_seen {
            // Wake when typing has paused long enough to save the draft,
            // not at the next second.
            edit_seen = state.last_edit;
            next_tick = next_tick.min(edit_seen + drafts::DRAFT_PAUSE + Duration::from_millis(5));
        }
        let mut batch = Vec::new();
        tokio::select! {
            ev = events.next() => match ev {
                Some(ev) => batch.extend(to_msg(ev)),
                None => batch.push(Msg::HangUp),
            },
            Some(a) = rx.recv() => batch.push(a),
            _ = tokio::time::sleep_until(next_tick.into()) => {
                next_tick = Instant::now() + period;
                batch.push(Msg::Tick {
                    now: Instant::now(),
                    wall: wall_now(client.calendar()),
                });
            }
        }
        // Take whatever else is already waiting, then draw once.
        while let Ok(a) = rx.try_recv() {
            batch.push(a);
        }
        for msg in batch {
            if matches!(msg, Msg::HangUp) {
                hung_up = true;
            }
            for effect in app_update(&mut state, msg) {
                match effect {
                    Effect::Suspend => {
                        if let Err(e) = tui.suspend() {
                            state.error(format!("could not suspend: {e}"));
                        }
                        state.dirty = true;
                    }
                    Effect::Redraw => {
                        let _ = tui.clear();
                    }
                    other => {
                        effects.run(other);
                    }
                }
            }
        }
        if next_tick > Instant::now() + period {
            next_tick = Instant::now() + period;
        }
    }
    let _ = tui.exit();
    listener.abort();
    effects.finish().await;
    if hung_up {
        tracing::info!("terminal hung up; session saved and closed");
    }
    crate::exit::EXIT_OK
}

fn app_update(state: &mut State, msg: Msg) -> Vec<Effect> {
    update::update(state, msg)
}
