//! The state of the audit screen (supervisors and auditors): the trail
//! newest first, its filters, the chain's status, the export for one
//! person; and the refusal shown when the operator may no longer use the
//! desk.

use crate::domain::{AuditEntry, AuditFilter};
use crate::tui::input::TextInput;
use crate::tui::load::Load;

/// The filter fields, in form order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditField {
    Operator,
    Subject,
    Kind,
    Since,
    Until,
}

impl AuditField {
    pub const ALL: [AuditField; 5] = [
        AuditField::Operator,
        AuditField::Subject,
        AuditField::Kind,
        AuditField::Since,
        AuditField::Until,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AuditField::Operator => "Operator",
            AuditField::Subject => "Subject",
            AuditField::Kind => "Kind",
            AuditField::Since => "Since",
            AuditField::Until => "Until",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            AuditField::Operator => "user name",
            AuditField::Subject => "case number, query, records, audit",
            AuditField::Kind => "search, reveal, case_view, denied ...",
            AuditField::Since | AuditField::Until => "2026-11-24 or 2026-11-24T09:00:00+09:00",
        }
    }
}

/// What the audit screen is asking the operator for, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditPrompt {
    /// Editing the filters; `focus` indexes [`AuditField::ALL`].
    Filters { focus: usize },
    /// The person to export the trail of (record key, email, phone, name).
    Export { csv: bool },
}

/// The chain check as last run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainStatus {
    Checking,
    Intact {
        entries: u64,
    },
    Broken {
        entries: u64,
        id: i64,
        reason: String,
    },
    Failed(String),
}

/// The audit screen.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditScreen {
    /// One input per [`AuditField`], in that order.
    pub filters: [TextInput; 5],
    /// The filters the entries on screen were loaded with.
    pub applied: AuditFilter,
    /// Newest first; the error says why the trail could not be read (e.g.
    /// the desk refused).
    pub entries: Load<Vec<AuditEntry>>,
    pub selected: usize,
    pub chain: Option<ChainStatus>,
    pub prompt: Option<AuditPrompt>,
    /// The export dialog's person.
    pub person: TextInput,
    pub exporting: bool,
}

/// Entries loaded at most at once (the newest).
pub const AUDIT_PAGE: usize = 500;

impl AuditScreen {
    pub fn new() -> AuditScreen {
        AuditScreen {
            filters: Default::default(),
            applied: AuditFilter {
                limit: Some(AUDIT_PAGE),
                ..Default::default()
            },
            entries: Load::default(),
            selected: 0,
            chain: None,
            prompt: None,
            person: TextInput::default(),
            exporting: false,
        }
    }

    pub fn field(&self, f: AuditField) -> &TextInput {
        &self.filters[f as usize]
    }

    /// The filter the form says (empty fields do not filter).
    pub fn filter_from_form(&self) -> AuditFilter {
        let value = |f: AuditField| {
            let t = self.field(f).text().trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        AuditFilter {
            operator: value(AuditField::Operator),
            subject: value(AuditField::Subject),
            kind: value(AuditField::Kind),
            since: value(AuditField::Since),
            until: value(AuditField::Until),
            limit: Some(AUDIT_PAGE),
            ..AuditFilter::default()
        }
    }

    /// `operator=sue kind=reveal` for the filters in force.
    pub fn filter_summary(&self) -> String {
        let f = &self.applied;
        let parts: Vec<String> = [
            ("operator", &f.operator),
            ("subject", &f.subject),
            ("kind", &f.kind),
            ("since", &f.since),
            ("until", &f.until),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
        .collect();
        parts.join(" ")
    }
}

impl Default for AuditScreen {
    fn default() -> Self {
        AuditScreen::new()
    }
}
