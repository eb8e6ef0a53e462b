//! The TUI's state, the actions that change it and the effects it asks for.
//! `update` (update.rs) is the only place that changes the state; views only
//! read it; effects run as tokio tasks and come back as actions.

use super::input::TextInput;
use super::keymap::{Command, Keymap};
use super::theme::Theme;
use crate::domain::{Operator, Person, Record, SearchSnapshot};
use crossterm::event::KeyEvent;
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Search,
    Person,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Query,
    Results,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// A line of feedback shown above the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

/// What is known of one record's full copy fetched from its system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchState {
    Loading,
    Done,
    Failed(String),
}

/// The person screen.
#[derive(Debug, Clone)]
pub struct PersonView {
    pub person: Person,
    /// Masked values are shown for this person until the screen is left.
    pub revealed: bool,
    /// The record the cursor is on.
    pub selected: usize,
    pub scroll: u16,
    pub fetch: HashMap<(String, String), FetchState>,
}

/// The purpose dialog shown before revealing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevealDialog {
    /// Index into the configured purposes; `purposes.len()` is "other".
    pub selected: usize,
    pub other: TextInput,
    /// Typing the free-text purpose.
    pub typing: bool,
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    pub input: TextInput,
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Palette(Palette),
    Reveal(RevealDialog),
}

/// Everything the screen shows.
pub struct State {
    pub operator: Operator,
    pub keymap: Keymap,
    pub theme: Theme,
    pub purposes: Vec<String>,
    /// Configured systems: (name, badge), in order.
    pub systems: Vec<(String, String)>,
    pub idle_lock: Duration,

    pub screen: Screen,
    pub focus: Focus,
    pub overlay: Option<Overlay>,
    pub query: TextInput,
    /// Generation of the current search; updates of older ones are dropped.
    pub search_gen: u64,
    pub search: Option<SearchSnapshot>,
    pub selected: usize,
    pub person: Option<PersonView>,
    pub message: Option<Message>,
    pub locked: bool,
    pub last_input: Instant,
    /// When the query was last edited, and the text last saved as a draft.
    pub last_edit: Instant,
    pub draft_saved: String,
    /// Wall-clock "HH:MM" for the status bar.
    pub clock: String,
    pub spinner: usize,
    pub size: (u16, u16),
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
}

impl State {
    pub fn new(
        operator: Operator,
        keymap: Keymap,
        theme: Theme,
        purposes: Vec<String>,
        systems: Vec<(String, String)>,
        idle_lock: Duration,
    ) -> State {
        State {
            operator,
            keymap,
            theme,
            purposes,
            systems,
            idle_lock,
            screen: Screen::Search,
            focus: Focus::Query,
            overlay: None,
            query: TextInput::default(),
            search_gen: 0,
            search: None,
            selected: 0,
            person: None,
            message: None,
            locked: false,
            last_input: Instant::now(),
            last_edit: Instant::now(),
            draft_saved: String::new(),
            clock: String::new(),
            spinner: 0,
            size: (80, 24),
            quit: false,
            dirty: true,
        }
    }

    /// Persons of the current search, best first.
    pub fn persons(&self) -> &[Person] {
        self.search
            .as_ref()
            .map(|s| s.persons.as_slice())
            .unwrap_or(&[])
    }

    /// A search is still waiting for some system.
    pub fn searching(&self) -> bool {
        self.search.as_ref().is_some_and(|s| !s.done)
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Info,
            text: text.into(),
        });
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Warning,
            text: text.into(),
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Error,
            text: text.into(),
        });
    }
}

/// Everything that can happen to the state.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// Time passed: clock, spinner, idle lock.
    Tick {
        now: Instant,
        clock: String,
    },
    /// A command chosen from the palette or bound to a key.
    Run(Command),
    SearchUpdate {
        gen: u64,
        snapshot: Box<SearchSnapshot>,
    },
    SearchFailed {
        gen: u64,
        error: String,
    },
    RevealDone {
        key: (String, String),
        result: Result<i64, String>,
    },
    FetchDone {
        key: (String, String),
        result: Result<Box<Record>, String>,
    },
    /// The terminal is gone or we were told to stop: save and leave.
    HangUp,
    Resumed,
}

/// Work the update asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    StartSearch {
        gen: u64,
        query: String,
    },
    Reveal {
        key: (String, String),
        records: Vec<Record>,
        purpose: String,
    },
    Fetch {
        key: (String, String),
    },
    /// Keep what is typed so nothing is lost if the connection drops.
    SaveDraft {
        query: String,
    },
    Suspend,
    Redraw,
}
