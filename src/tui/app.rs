//! The TUI's state, the messages (`Msg`) that change it and the effects it asks for.
//! `update` (update.rs) is the only place that changes the state; views only
//! read it; effects run as tokio tasks and come back as messages.

use super::input::TextInput;
use super::keymap::{Command, Keymap};
pub use super::screens::{
    msgs::*, states::*, ScreenData, ScreenEffect, ScreenId, ScreenMsg, ScreenState, Screens,
};
use super::theme::Theme;
use crate::domain::{CaseId, Operator, Person, SearchSnapshot};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use crossterm::event::KeyEvent;
use indexmap::IndexMap;
use std::time::{Duration, Instant};

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

/// The purpose dialog shown before revealing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevealDialog {
    /// Index into the configured purposes; `purposes.len()` is "other".
    pub selected: usize,
    pub other: TextInput,
    /// Typing the free-text purpose.
    pub typing: bool,
    pub pending: bool,
    /// What is revealed.
    pub target: RevealTarget,
}

/// What a reveal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevealTarget {
    /// The records of the person on screen.
    Person,
    /// The contact details of a case.
    Case(CaseId),
    /// One masked value of the person's record `record`: the `field`-th of
    /// [`PersonView::masked_fields`] (←/→ in the dialog picks another).
    Field { record: usize, field: usize },
}

/// The unsent drafts, to pick one to continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftPicker {
    pub selected: usize,
}

/// Records being linked to a case from a search (`L` on the case, then
/// `L` on the person): the case, and the dialog picking the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    pub case: CaseId,
    pub version: i64,
}

/// The person's records not yet linked, each ticked or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkDialog {
    pub case: CaseId,
    pub version: i64,
    pub records: Vec<(crate::domain::LinkedRecord, bool)>,
    pub cursor: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    pub input: TextInput,
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// The keys of the screen; the first entry shown when they do not fit.
    Help(usize),
    Palette(Palette),
    Reveal(RevealDialog),
    /// A change was refused because someone else changed the case first:
    /// what they changed (the conflict's text). Any key closes it.
    Conflict(String),
    Drafts(DraftPicker),
    Link(LinkDialog),
    /// The recent messages in full, newest first; the number scrolled.
    Messages(u16),
}

/// How many messages the messages list keeps.
pub const RECENT_MESSAGES: usize = 50;

/// Everything the screen shows.
pub struct State {
    pub operator: Operator,
    pub keymap: Keymap,
    pub theme: Theme,
    pub purposes: Vec<String>,
    /// Configured systems: (name, badge), in order.
    pub systems: Vec<(String, String)>,
    pub idle_lock: Duration,

    /// The screens: the one shown on top, those to go back to below.
    pub screens: Screens,
    pub focus: Focus,
    pub overlay: Option<Overlay>,
    pub query: TextInput,
    /// Generation of the current search; updates of older ones are dropped.
    pub search_gen: u64,
    pub search: Option<SearchSnapshot>,
    pub selected: usize,
    pub message: Option<Message>,
    /// The last messages shown, oldest first (for the messages list).
    pub recent: std::collections::VecDeque<Message>,
    pub locked: bool,
    /// Locked with the lock key, not for being idle.
    pub locked_by_hand: bool,
    pub last_input: Instant,
    /// When something was last typed (drafts are saved once typing pauses).
    pub last_edit: Instant,
    /// The query text last synced as a draft (saved, or sent as a search).
    pub draft_saved: String,
    /// The operator's drafts in the store, key -> text, oldest first, as
    /// last handed to the draft writer (the query box's is not listed).
    pub drafts: IndexMap<String, String>,
    /// Local time in the calendar's zone, to the minute: the status bar's
    /// business hours and the default receipt time of new cases.
    pub wall: DateTime<FixedOffset>,
    pub case_settings: CaseSettings,
    /// The disclosure package of the case on screen, being built or as built.
    pub package: Option<PackageStatus>,
    /// The case records are being linked to, while its operator searches.
    pub linking: Option<LinkTarget>,
    /// Why the operator may no longer use the desk (removed from the
    /// configuration, role reduced): everything is hidden behind this.
    pub refused: Option<String>,
    /// The connection to the server is gone (and being made again): why.
    pub server_lost: Option<String>,
    /// When the desk was last asked whether the operator may go on.
    pub access_checked: Instant,
    /// The sections of the queue (`[[queue.sections]]`).
    pub queue_sections: Vec<crate::domain::QueueSection>,
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
            screens: Screens::new(),
            focus: Focus::Query,
            overlay: None,
            query: TextInput::default(),
            search_gen: 0,
            search: None,
            selected: 0,
            message: None,
            locked: false,
            locked_by_hand: false,
            last_input: Instant::now(),
            last_edit: Instant::now(),
            draft_saved: String::new(),
            drafts: IndexMap::new(),
            wall: Utc
                .timestamp_opt(0, 0)
                .single()
                .unwrap_or_default()
                .fixed_offset(),
            case_settings: CaseSettings::default(),
            package: None,
            linking: None,
            recent: Default::default(),
            refused: None,
            server_lost: None,
            access_checked: Instant::now(),
            queue_sections: crate::domain::queue::default_sections(),
            spinner: 0,
            size: (80, 24),
            quit: false,
            dirty: true,
        }
    }

    /// The screen shown.
    pub fn screen(&self) -> ScreenId {
        self.screens.top()
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
        self.say(Level::Info, text.into());
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.say(Level::Warning, text.into());
    }

    /// Show a message and keep it among the recent ones (`f8` lists them).
    fn say(&mut self, level: Level, text: String) {
        let m = Message { level, text };
        if self.recent.back() != Some(&m) {
            if self.recent.len() == RECENT_MESSAGES {
                self.recent.pop_front();
            }
            self.recent.push_back(m.clone());
        }
        self.message = Some(m);
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.say(Level::Error, text.into());
    }
}

/// Everything that can happen to the state.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// Time passed: spinner, idle lock, drafts; `wall` is the local time
    /// (the status bar changes once a minute).
    Tick {
        now: Instant,
        wall: DateTime<FixedOffset>,
    },
    /// A command chosen from the palette or bound to a key.
    Run(Command),
    /// Whether the operator may still use the desk (Err: why not).
    AccessChecked(Result<(), String>),
    /// Another session (or this one) changed cases or actions in the store.
    StoreChanged,
    /// The connection to the server is gone: why.
    ServerLost(String),
    /// Connected again after a loss.
    ServerBack,
    /// The terminal is gone or we were told to stop: save and leave.
    HangUp,
    Resumed,
    /// A message of one screen (see `screens`).
    Screen(ScreenMsg),
}

/// Work the update asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Keep what is typed under `key` so nothing is lost if the connection
    /// drops; empty text removes the draft.
    SaveDraft {
        key: String,
        text: String,
    },
    /// Ask the desk whether the operator is still configured.
    CheckAccess,
    Suspend,
    Redraw,
    /// Work for one screen (see `screens`).
    Screen(ScreenEffect),
}
