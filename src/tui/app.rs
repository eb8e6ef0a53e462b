//! The TUI's state, the actions that change it and the effects it asks for.
//! `update` (update.rs) is the only place that changes the state; views only
//! read it; effects run as tokio tasks and come back as actions.

pub use super::action_state::*;
pub use super::audit_state::*;
pub use super::case_state::*;
use super::input::TextInput;
use super::keymap::{Command, Keymap};
pub use super::queue_state::*;
use super::theme::Theme;
use crate::desk::{
    ActionRequest, ActionView, CaseActions, CaseView, DuplicateQuery, JobUpdate, PlannedAction,
    RunReport,
};
use crate::domain::{
    Case, CaseFilter, CaseId, CaseSummary, NewCase, Operator, Person, Record, SearchSnapshot,
};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use crossterm::event::KeyEvent;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Search,
    Person,
    /// The case list ("my cases").
    Cases,
    /// One case.
    Case,
    /// The new-case form.
    NewCase,
    /// The actions panel of the case.
    Actions,
    /// Actions awaiting a supervisor's approval.
    Inbox,
    /// Counts, response times and deadlines met (supervisors, auditors).
    Report,
    /// The audit trail (supervisors and auditors).
    Audit,
    /// The queue: every case the operator may see, by section.
    Queue,
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
    /// Single values revealed (record, field), until the screen is left.
    pub revealed_fields: Vec<((String, String), String)>,
    /// The record the cursor is on.
    pub selected: usize,
    pub scroll: u16,
    pub fetch: HashMap<(String, String), FetchState>,
}

impl PersonView {
    /// The masked fields record `i` holds, in display order.
    pub fn masked_fields(&self, i: usize) -> Vec<&'static str> {
        let Some(r) = self.person.records.get(i) else {
            return vec![];
        };
        crate::domain::record::CANONICAL_FIELDS
            .iter()
            .copied()
            .filter(|f| crate::domain::mask::is_masked_field(f) && r.canonical(f).is_some())
            .collect()
    }

    /// Whether `field` of `record` is shown in full.
    pub fn is_revealed(&self, record: &(String, String), field: &str) -> bool {
        self.revealed
            || self
                .revealed_fields
                .iter()
                .any(|(k, f)| k == record && f == field)
    }

    /// Mask everything again (the screen was left).
    pub fn mask(&mut self) {
        self.revealed = false;
        self.revealed_fields.clear();
    }
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
    /// The screens to go back to, most recent last.
    pub stack: Vec<Screen>,
    pub cases: Option<CasesView>,
    pub case: Option<CaseScreen>,
    pub new_case: Option<NewCaseScreen>,
    pub actions: Option<ActionsScreen>,
    pub inbox: Option<InboxScreen>,
    /// The disclosure package of the case on screen, being built or as built.
    pub package: Option<PackageStatus>,
    /// The case records are being linked to, while its operator searches.
    pub linking: Option<LinkTarget>,
    pub report: Option<super::report_state::ReportScreen>,
    /// Generation of case list loads.
    pub cases_gen: u64,
    pub audit: Option<AuditScreen>,
    /// Why the operator may no longer use the desk (removed from the
    /// configuration, role reduced): everything is hidden behind this.
    pub refused: Option<String>,
    /// The connection to the server is gone (and being made again): why.
    pub server_lost: Option<String>,
    /// When the desk was last asked whether the operator may go on.
    pub access_checked: Instant,
    /// The sections of the queue (`[[queue.sections]]`).
    pub queue_sections: Vec<crate::domain::QueueSection>,
    pub queue: Option<QueueView>,
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
            stack: Vec::new(),
            cases: None,
            case: None,
            new_case: None,
            actions: None,
            inbox: None,
            package: None,
            linking: None,
            recent: Default::default(),
            report: None,
            cases_gen: 0,
            audit: None,
            refused: None,
            server_lost: None,
            access_checked: Instant::now(),
            queue_sections: crate::domain::queue::default_sections(),
            queue: None,
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
pub enum Action {
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
    SearchUpdate {
        gen: u64,
        snapshot: Box<SearchSnapshot>,
    },
    SearchFailed {
        gen: u64,
        error: String,
    },
    /// The person's records as the systems sent them, or why not.
    RevealDone {
        key: (String, String),
        result: Result<crate::desk::Revealed, String>,
    },
    /// One value of one record, as its system sent it, or why not.
    FieldRevealDone {
        key: (String, String),
        field: String,
        result: Result<crate::desk::Revealed, String>,
    },
    FetchDone {
        key: (String, String),
        result: Result<Box<Record>, String>,
    },
    CasesLoaded {
        gen: u64,
        result: Result<Vec<CaseSummary>, String>,
    },
    CaseLoaded {
        id: CaseId,
        result: Result<Box<CaseView>, String>,
    },
    /// Open cases for the person or contact of the new-case form `key`.
    DuplicatesFound {
        key: String,
        result: Result<Vec<CaseSummary>, String>,
    },
    CaseCreated {
        /// The draft key of the form.
        key: String,
        result: Result<Box<Case>, CreateError>,
        /// Created, but something after it failed (e.g. setting the fee).
        warning: Option<String>,
    },
    CaseChanged {
        id: CaseId,
        /// The draft key of the dialog that asked for it.
        key: Option<String>,
        change: CaseChange,
        result: Result<Box<Case>, ChangeError>,
    },
    /// The case with its contact details unmasked, or why not.
    CaseRevealDone {
        id: CaseId,
        result: Result<Box<crate::desk::RevealedCase>, String>,
    },
    ActionsLoaded {
        case: CaseId,
        result: Result<Box<CaseActions>, String>,
    },
    /// The dry run of an action not created yet, or why there is none.
    ActionPreviewed {
        case: CaseId,
        result: Result<Box<PlannedAction>, String>,
    },
    /// An action was prepared (its dry run), or why not.
    ActionPlanned {
        case: CaseId,
        result: Result<Box<PlannedAction>, String>,
    },
    ActionDecided {
        /// `A-3`.
        action: String,
        approve: bool,
        result: Result<Box<ActionView>, String>,
    },
    /// A job of a running action changed state.
    JobProgress {
        action: String,
        update: Box<JobUpdate>,
    },
    /// A run ended.
    ActionRan {
        action: String,
        result: Result<Box<RunReport>, String>,
    },
    /// A job or task was handled: what was done, or why not.
    JobChanged {
        op: JobOp,
        result: Result<String, String>,
    },
    InboxLoaded {
        result: Result<Vec<ActionView>, String>,
    },
    /// A package was built (`verify` false) or checked.
    PackageDone {
        case: CaseId,
        verify: bool,
        result: Result<PackageStatus, String>,
    },
    LetterRendered {
        case: CaseId,
        template: String,
        result: Result<String, String>,
    },
    ReportLoaded {
        gen: u64,
        result: Result<Box<crate::domain::report::Report>, String>,
    },
    AuditLoaded {
        gen: u64,
        result: Result<Vec<crate::domain::AuditEntry>, String>,
    },
    AuditVerified(Result<crate::domain::AuditVerification, String>),
    /// The export of one person's trail: where it was written, or why not.
    AuditExported(Result<String, String>),
    /// Whether the operator may still use the desk (Err: why not).
    AccessChecked(Result<(), String>),
    /// A window of the queue: the answer to a query, or a push after a change.
    QueuePage(Result<Box<crate::domain::queue::QueuePage>, String>),
    /// Every case of the section shown (for marking them all).
    QueueIds(Result<Vec<(CaseId, i64)>, String>),
    QueueBulkDone {
        op: BulkOp,
        results: Vec<BulkResult>,
    },
    /// Another session (or this one) changed cases or actions in the store.
    StoreChanged,
    /// The connection to the server is gone: why.
    ServerLost(String),
    /// Connected again after a loss.
    ServerBack,
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
    RevealField {
        key: (String, String),
        record: (String, String),
        field: String,
        purpose: String,
    },
    Fetch {
        key: (String, String),
    },
    /// Keep what is typed under `key` so nothing is lost if the connection
    /// drops; empty text removes the draft.
    SaveDraft {
        key: String,
        text: String,
    },
    LoadCases {
        gen: u64,
        filter: CaseFilter,
    },
    /// Load a case; `revealed` keeps its contact details shown (when this
    /// session revealed them).
    LoadCase {
        id: CaseId,
        revealed: bool,
    },
    FindDuplicates {
        key: String,
        query: DuplicateQuery,
    },
    /// Check for open cases of the same person or contact (`seen` are the
    /// ones the operator was shown), then create the case and set the fee.
    CreateCase {
        key: String,
        new: Box<NewCase>,
        fee: Option<u32>,
        seen: Vec<CaseId>,
        /// Requester fields the form had only masked: the server takes them
        /// from the linked records.
        fill: Vec<String>,
    },
    /// Change a case the operator saw at `version`.
    ChangeCase {
        id: CaseId,
        version: i64,
        change: CaseChange,
        key: Option<String>,
    },
    RevealCase {
        id: CaseId,
        purpose: String,
    },
    LoadActions {
        case: CaseId,
    },
    /// Work out the dry run of an action without storing it.
    PreviewAction {
        case: CaseId,
        request: ActionRequest,
    },
    /// Prepare an action: stores it with its dry run; nothing is sent but reads.
    PlanAction {
        case: CaseId,
        request: ActionRequest,
    },
    DecideAction {
        id: i64,
        reference: String,
        approve: bool,
        reason: String,
    },
    /// Run an approved action, reporting each job's change as it happens.
    RunAction {
        id: i64,
        reference: String,
    },
    ChangeJob(JobOp),
    LoadInbox,
    BuildPackage {
        case: CaseId,
    },
    VerifyPackage {
        case: CaseId,
    },
    RenderLetter {
        case: CaseId,
        template: String,
    },
    LoadReport {
        gen: u64,
    },
    LoadAudit {
        gen: u64,
        filter: crate::domain::AuditFilter,
    },
    VerifyAudit,
    /// Export the trail of `person` to a new file in the data folder.
    ExportAudit {
        person: String,
        csv: bool,
    },
    /// Ask the desk whether the operator is still configured.
    CheckAccess,
    /// Ask the server for a window of the queue; `open` opens it (audited),
    /// otherwise the open queue moves (another tab, filter or window).
    QueueQuery {
        open: bool,
        query: crate::domain::queue::QueueQuery,
    },
    /// Every case of the section shown, with the versions.
    QueueIds(crate::domain::queue::QueueQuery),
    /// Make one change to each case, at the version seen, one by one.
    QueueBulk {
        op: BulkOp,
        items: Vec<(CaseId, i64)>,
    },
    /// Load the case again if it is no longer at `version`.
    RefreshCase {
        id: CaseId,
        version: i64,
        revealed: bool,
    },
    Suspend,
    Redraw,
}
