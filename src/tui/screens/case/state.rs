//! The state of the case screens: the case list, one case with its dialogs,
//! the new-case form, and what changes to a case the screens ask for.
//! Re-exported from `app`.

use crate::calendar::Calendar;
use crate::desk::CaseView;
use crate::domain::case::DEFAULT_CHANNELS;
use crate::domain::{CaseConflict, CaseId, StatusChange, VerificationInput};
use crate::tui::form::Form;
use crate::tui::load::Load;

/// What the case screens need from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSettings {
    /// The channels requests are accepted on (`[cases] channels`).
    pub channels: Vec<String>,
    /// Who cases can be assigned to: (username, display name), agents and
    /// supervisors in configuration order.
    pub assignees: Vec<(String, String)>,
    /// The business calendar: hours for the status bar, time zone for the
    /// receipt times typed into forms.
    pub calendar: Calendar,
    /// The names of the letter templates (built in and overridden).
    pub letter_templates: Vec<String>,
}

impl Default for CaseSettings {
    fn default() -> Self {
        CaseSettings {
            channels: DEFAULT_CHANNELS.iter().map(|c| c.to_string()).collect(),
            assignees: Vec::new(),
            calendar: Calendar::japan_default(),
            letter_templates: crate::letters::builtin_names()
                .into_iter()
                .map(String::from)
                .collect(),
        }
    }
}

/// The dialogs of the case screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DialogKind {
    /// An internal note.
    Note,
    /// A reply sent to the requester (maybe THE response).
    Reply,
    Status,
    Assign,
    Verify,
    /// A letter from a template, edited, recorded as a reply.
    Letter,
}

impl DialogKind {
    pub const ALL: [DialogKind; 6] = [
        DialogKind::Note,
        DialogKind::Reply,
        DialogKind::Status,
        DialogKind::Assign,
        DialogKind::Verify,
        DialogKind::Letter,
    ];

    /// The last part of the dialog's draft key (`note`).
    pub fn as_str(self) -> &'static str {
        match self {
            DialogKind::Note => "note",
            DialogKind::Reply => "reply",
            DialogKind::Status => "status",
            DialogKind::Assign => "assign",
            DialogKind::Verify => "verify",
            DialogKind::Letter => "letter",
        }
    }

    pub fn parse(s: &str) -> Option<DialogKind> {
        DialogKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The dialog's title.
    pub fn title(self) -> &'static str {
        match self {
            DialogKind::Note => "Internal note",
            DialogKind::Reply => "Reply to the requester",
            DialogKind::Status => "Change the status",
            DialogKind::Assign => "Assign",
            DialogKind::Verify => "Identity check",
            DialogKind::Letter => "Letter to the requester",
        }
    }

    /// What a draft of this dialog is called in messages (`note`).
    pub fn draft_name(self) -> &'static str {
        match self {
            DialogKind::Note => "note",
            DialogKind::Reply => "reply",
            DialogKind::Status => "status change",
            DialogKind::Assign => "assignment",
            DialogKind::Verify => "identity check",
            DialogKind::Letter => "letter",
        }
    }

    /// Whether what is typed in it is kept as a draft.
    pub fn has_draft(self) -> bool {
        self != DialogKind::Assign
    }
}

/// Where a form's draft is kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DraftSlot {
    /// The draft's key in the store (`case.new`, `case.PD-2026-000004.note`);
    /// empty when the form keeps no draft.
    pub key: String,
    /// The text last handed to the store for this key ("" when none).
    pub saved: String,
    /// The draft text of the form as it was opened, before any input: a
    /// form back in that state has nothing worth keeping.
    pub pristine: String,
}

/// An open dialog of the case screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDialog {
    pub kind: DialogKind,
    pub form: Form,
    pub draft: DraftSlot,
    /// Letters: the text as last rendered from the template (a new template
    /// replaces the text only while it is unedited).
    pub rendered: Option<String>,
}

/// The case screen.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseScreen {
    pub id: CaseId,
    /// The case as last loaded (kept while it is reloaded).
    pub view: Load<Option<Box<CaseView>>>,
    /// The contact details are shown (after a reveal with a purpose) until
    /// the screen is left or locked.
    pub revealed: bool,
    pub scroll: u16,
    pub dialog: Option<CaseDialog>,
    /// A dialog to open from its draft once the case has loaded.
    pub resume: Option<DialogKind>,
}

impl CaseScreen {
    pub fn new(id: CaseId) -> CaseScreen {
        CaseScreen {
            id,
            view: Load::new(None, true),
            revealed: false,
            scroll: 0,
            dialog: None,
            resume: None,
        }
    }
}

/// A change to a case the screen asks the desk for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseChange {
    Note {
        text: String,
        /// An internal note (else a reply sent to the requester).
        internal: bool,
        /// The reply is THE response for the deadline.
        is_response: bool,
    },
    Status(StatusChange),
    /// Assign to this operator, or to nobody.
    Assign(Option<String>),
    Verify(VerificationInput),
    /// A letter recorded as a reply (refused while a placeholder is left).
    Letter {
        text: String,
        is_response: bool,
    },
    /// Records found by a search, linked to the case.
    Link(Vec<crate::domain::LinkedRecord>),
}

impl CaseChange {
    /// What was done, for the message line (`note added`).
    pub fn done(&self) -> String {
        match self {
            CaseChange::Note { internal: true, .. } => "note added".into(),
            CaseChange::Note {
                is_response: true, ..
            } => "reply added as the response".into(),
            CaseChange::Note { .. } => "reply added".into(),
            CaseChange::Status(c) => match c.to {
                Some(to) => format!("status now {to}"),
                None => "status changed".into(),
            },
            CaseChange::Assign(Some(who)) => format!("assigned to {who}"),
            CaseChange::Assign(None) => "unassigned".into(),
            CaseChange::Verify(v) => format!("identity check recorded ({})", v.result),
            CaseChange::Letter {
                is_response: true, ..
            } => "letter recorded as the response".into(),
            CaseChange::Letter { .. } => "letter recorded as a reply".into(),
            CaseChange::Link(records) => format!(
                "linked {}",
                records
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// Why a change to a case was not made.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeError {
    /// The case changed since the operator saw it; nothing was written.
    Conflict(Box<CaseConflict>),
    Failed(String),
}
