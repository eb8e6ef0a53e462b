//! A case: one contact with the desk (inquiry, complaint or rights request)
//! that must not be forgotten or answered late. Plain data; the rules that
//! change it are in [`super::case_rules`].

use super::case_id::CaseId;
use super::case_status::{CaseStatus, Outcome, Priority, RefusalGround};
use super::request::{Category, Law, RequestKind};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The channels a request is accepted on unless `[cases] channels` says
/// otherwise. Not in person: seed policy 002 accepts no requests at the office.
pub const DEFAULT_CHANNELS: [&str; 4] = ["phone", "email", "postal_mail", "web_form"];

/// How to reach the requester. Personal data: masked on screen until revealed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postal_address: Option<String>,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        self.email.is_none() && self.phone.is_none() && self.postal_address.is_none()
    }
}

/// Someone acting for the person (seed 002 §7/8 accepts representatives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Representative {
    pub name: String,
    /// e.g. "legal guardian", "attorney".
    pub relation: String,
    /// What proof of the authority to act was seen (e.g. "power of attorney, original").
    pub proof: Option<String>,
}

/// Who asked: the person themself, or a representative on their behalf.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    /// The person the data is about.
    pub name: Option<String>,
    pub contact: Contact,
    /// Channel the answer goes out on (one of the configured channels).
    pub reply_channel: Option<String>,
    /// Set when a representative makes the request.
    pub representative: Option<Representative>,
}

/// A record found by a search and linked to the case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LinkedRecord {
    pub system: String,
    pub record_id: String,
    /// The name shown by the system when the link was made (a snapshot).
    pub display_name: Option<String>,
}

impl LinkedRecord {
    /// Parses `SYSTEM:ID` (the id may itself contain `:`).
    pub fn parse(s: &str) -> Result<LinkedRecord, String> {
        match s.split_once(':') {
            Some((sys, id)) if !sys.trim().is_empty() && !id.trim().is_empty() => {
                Ok(LinkedRecord {
                    system: sys.trim().to_string(),
                    record_id: id.trim().to_string(),
                    display_name: None,
                })
            }
            _ => Err(format!(
                "`{}` is not a record reference; write SYSTEM:ID, e.g. crm:C-1001",
                super::text::escape_controls(s)
            )),
        }
    }
}

impl fmt::Display for LinkedRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.system, self.record_id)
    }
}

/// Result of checking the requester's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerificationResult {
    Verified,
    Failed,
    Pending,
}

impl VerificationResult {
    pub const ALL: [VerificationResult; 3] = [
        VerificationResult::Verified,
        VerificationResult::Failed,
        VerificationResult::Pending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VerificationResult::Verified => "verified",
            VerificationResult::Failed => "failed",
            VerificationResult::Pending => "pending",
        }
    }

    pub fn parse(s: &str) -> Option<VerificationResult> {
        let s = s.trim().to_ascii_lowercase();
        VerificationResult::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

impl fmt::Display for VerificationResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an operator enters when checking identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationInput {
    /// e.g. "photo ID by post", "callback to registered number".
    pub method: String,
    /// What was seen, e.g. "driving licence copy, name and address match".
    pub evidence: String,
    pub result: VerificationResult,
}

/// A recorded identity check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub method: String,
    pub evidence: String,
    pub result: VerificationResult,
    pub verified_by: String,
    pub verified_at: DateTime<Utc>,
}

/// How disclosed data is handed over. Electronic by default (APPI as amended
/// in 2022 lets the person choose; paper on request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryFormat {
    #[default]
    Electronic,
    Paper,
}

impl DeliveryFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryFormat::Electronic => "electronic",
            DeliveryFormat::Paper => "paper",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "electronic" => Some(DeliveryFormat::Electronic),
            "paper" => Some(DeliveryFormat::Paper),
            _ => None,
        }
    }
}

/// A fee charged for the request (APPI Art. 38; only some kinds allow one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub amount_jpy: u32,
    pub paid: bool,
}

/// A time the deadline clock stood still (waiting for identity documents or a
/// fee; APPI clocks only). `to` is `None` while it lasts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePause {
    pub from: DateTime<FixedOffset>,
    pub to: Option<DateTime<FixedOffset>>,
    pub reason: String,
}

/// An extension of the deadline, notified to the requester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseExtension {
    pub reason: String,
    pub notice_date: NaiveDate,
}

/// The reply that counts as the answer for the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseRef {
    pub note_id: i64,
    pub at: DateTime<Utc>,
}

/// Due dates as computed from the business calendar and stored with the
/// case (so the queue and the overdue list are plain SQL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDeadlines {
    /// The day the period runs from (the next open day for business-day
    /// clocks when the request came after hours or on a closed day).
    pub counts_from: NaiveDate,
    /// The legal (GDPR, CCPA) or internal (APPI) due date.
    pub due: NaiveDate,
    /// `due`, or the next open day when `due` falls on a closed day.
    pub practical_due: NaiveDate,
    /// When receipt must be confirmed (CCPA), if that applies.
    pub receipt_due: Option<NaiveDate>,
    /// The due date after an extension, if there is one.
    pub extended_due: Option<NaiveDate>,
    /// `extended_due` moved to an open day.
    pub practical_extended_due: Option<NaiveDate>,
    /// Business days the pauses added.
    pub paused_days: u32,
    /// A pause is running and stops the clock: the due date moves on with
    /// every business day of waiting, so the case is not overdue meanwhile.
    pub clock_stopped: bool,
    /// How the dates were reached, step by step.
    pub steps: Vec<String>,
}

impl CaseDeadlines {
    /// The date the desk must answer by, which the queue sorts on: the
    /// practical due date, or the practical extended one after an extension.
    pub fn queue_due(&self) -> NaiveDate {
        self.practical_extended_due.unwrap_or(self.practical_due)
    }
}

/// One case as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    /// Raised by one on every change (optimistic concurrency).
    pub version: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the request reached the company, with the offset it was given in.
    pub received_at: DateTime<FixedOffset>,
    pub channel: String,
    pub category: Category,
    /// Set for rights requests only.
    pub kind: Option<RequestKind>,
    pub law: Law,
    pub priority: Priority,
    pub assignee: Option<String>,
    pub status: CaseStatus,
    /// While on hold: the status it came from and why it is held.
    pub held_from: Option<CaseStatus>,
    pub hold_reason: Option<String>,
    /// Who asked for approval (the four-eyes rule keeps them from approving).
    pub approval_requested_by: Option<String>,
    pub description: String,
    pub requester: Requester,
    pub verification: Option<Verification>,
    /// For disclosure kinds only.
    pub delivery_format: Option<DeliveryFormat>,
    /// Only where the kind allows a fee.
    pub fee: Option<Fee>,
    pub refusal_grounds: Vec<RefusalGround>,
    pub outcome: Option<Outcome>,
    pub resolution: Option<String>,
    pub pauses: Vec<CasePause>,
    pub extension: Option<CaseExtension>,
    pub response: Option<ResponseRef>,
    pub deadlines: Option<CaseDeadlines>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Case {
    /// The date the queue sorts by, if deadlines were computed.
    pub fn queue_due(&self) -> Option<NaiveDate> {
        self.deadlines.as_ref().map(CaseDeadlines::queue_due)
    }

    /// The pause still running, if any.
    pub fn open_pause(&self) -> Option<&CasePause> {
        self.pauses.iter().find(|p| p.to.is_none())
    }
}

/// What an operator enters to open a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCase {
    pub category: Category,
    /// Required for rights requests, refused for the other categories.
    pub kind: Option<RequestKind>,
    /// Defaults to the kind's law, else APPI; must match the kind's law.
    pub law: Option<Law>,
    pub channel: String,
    /// Defaults to now.
    pub received_at: Option<DateTime<FixedOffset>>,
    pub requester: Requester,
    pub description: String,
    pub priority: Option<Priority>,
    pub assignee: Option<String>,
    /// Disclosure kinds only; defaults to electronic for them.
    pub delivery_format: Option<DeliveryFormat>,
    pub links: Vec<LinkedRecord>,
}

impl NewCase {
    /// A case with only the required parts; fill in the rest as needed.
    pub fn new(category: Category, channel: &str) -> NewCase {
        NewCase {
            category,
            kind: None,
            law: None,
            channel: channel.to_string(),
            received_at: None,
            requester: Requester::default(),
            description: String::new(),
            priority: None,
            assignee: None,
            delivery_format: None,
            links: Vec::new(),
        }
    }
}

/// A note (internal) or a reply (sent to the requester).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNote {
    pub id: i64,
    pub case_id: CaseId,
    pub at: DateTime<Utc>,
    pub author: String,
    /// Internal notes are never shown to the requester; replies are what was sent.
    pub internal: bool,
    /// This reply is THE response that counts for the deadline.
    pub is_response: bool,
    pub text: String,
}

/// One entry of a case's timeline: who changed what, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub id: i64,
    pub case_id: CaseId,
    /// The case version this change produced.
    pub version: i64,
    pub at: DateTime<Utc>,
    pub operator: String,
    /// e.g. `created`, `status`, `assigned`, `note`, `reply`, `verification`.
    pub kind: String,
    /// The changed fields before the change (JSON object).
    pub before: serde_json::Value,
    /// The changed fields after the change (JSON object).
    pub after: serde_json::Value,
}

impl CaseEvent {
    /// One line for a timeline or a conflict message, e.g.
    /// `status: in_progress -> on_hold; hold_reason: none -> waiting for ID`.
    /// Contact details are not spelled out.
    pub fn summary(&self) -> String {
        let flag = |k: &str| self.after.get(k).and_then(|v| v.as_bool()).unwrap_or(false);
        match self.kind.as_str() {
            "created" => return "case opened".into(),
            "note" => return "internal note added".into(),
            "escalated" => return "escalated: priority now urgent".into(),
            "reply" if flag("is_response") => return "reply added as the response".into(),
            "reply" => return "reply added".into(),
            other => {
                if let Some(line) = super::action::event_summary(other, &self.after) {
                    return line;
                }
            }
        }
        let Some(after) = self.after.as_object() else {
            return self.kind.clone();
        };
        let mut parts = Vec::new();
        for (key, new) in after {
            if key == "deadlines" {
                parts.push("due dates recomputed".to_string());
                continue;
            }
            let old = self.before.get(key).unwrap_or(&serde_json::Value::Null);
            parts.push(format!("{key}: {} -> {}", short(key, old), short(key, new)));
        }
        if parts.is_empty() {
            self.kind.clone()
        } else {
            parts.join("; ")
        }
    }
}

/// A value for a one-line summary: strings as they are, structures and
/// personal data as a word.
fn short(key: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "none".into(),
        _ if matches!(key, "requester" | "representative" | "contact") => "(changed)".into(),
        // Grounds as operators read them: the article, not the code.
        Value::Array(a) if key == "refusal_grounds" && a.is_empty() => "none".into(),
        Value::Array(a) if key == "refusal_grounds" => a
            .iter()
            .map(|x| {
                x.as_str()
                    .and_then(super::RefusalGround::parse)
                    .map_or_else(|| x.to_string(), |g| g.choice_label().to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::String(s) => super::text::truncate_chars(&super::text::escape_controls(s), 40),
        Value::Array(a) if a.iter().all(|x| x.is_string()) => a
            .iter()
            .filter_map(|x| x.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) | Value::Array(_) => "(details)".into(),
        other => other.to_string(),
    }
}
