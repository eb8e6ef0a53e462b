//! Actions: carrying out a rights request in the connected systems (export,
//! update, delete, suspend, stop third-party provision), one job per system,
//! plus the manual tasks for systems without an API. Plain data; the rules
//! are in [`super::action_rules`].

use super::case_id::CaseId;
use super::request::RequestKind;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an action does in a system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Everything held about a record (disclosure, access, portability, know).
    Export,
    /// Change field values (correction, rectification, correct).
    Update,
    /// Erase the record (erasure, delete).
    Delete,
    /// Stop using it / restrict processing (suspension, restriction).
    Suspend,
    /// Stop providing it to third parties (stop provision, opt-out, objection).
    StopThirdParty,
}

impl ActionKind {
    pub const ALL: [ActionKind; 5] = [
        ActionKind::Export,
        ActionKind::Update,
        ActionKind::Delete,
        ActionKind::Suspend,
        ActionKind::StopThirdParty,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Export => "export",
            ActionKind::Update => "update",
            ActionKind::Delete => "delete",
            ActionKind::Suspend => "suspend",
            ActionKind::StopThirdParty => "stop_third_party",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Export => "Export (disclosure)",
            ActionKind::Update => "Update (correction)",
            ActionKind::Delete => "Delete (erasure)",
            ActionKind::Suspend => "Suspend use (restriction)",
            ActionKind::StopThirdParty => "Stop third-party provision",
        }
    }

    /// The action that carries out a kind of rights request. This is the one
    /// table of that mapping (docs/actions.md repeats it):
    ///
    /// | request kinds | action |
    /// |---|---|
    /// | disclosure, third_party_records, access, portability, know | export |
    /// | correction, rectification, correct | update |
    /// | erasure, delete | delete |
    /// | suspension, restriction | suspend |
    /// | stop_third_party, opt_out, objection | stop_third_party |
    /// | purpose_notification | none (answered by letter) |
    ///
    /// APPI's suspension covers "suspension of use or erasure": it maps to
    /// suspend; an agent who must erase plans `delete` explicitly.
    pub fn for_request(kind: RequestKind) -> Option<ActionKind> {
        use RequestKind::*;
        Some(match kind {
            Disclosure | ThirdPartyRecords | Access | Portability | Know => ActionKind::Export,
            Correction | Rectification | Correct => ActionKind::Update,
            Erasure | Delete => ActionKind::Delete,
            Suspension | Restriction => ActionKind::Suspend,
            StopThirdParty | OptOut | Objection => ActionKind::StopThirdParty,
            PurposeNotification => return None,
        })
    }

    /// An action name (`delete`) or a request kind (`erasure`, via
    /// [`ActionKind::for_request`]).
    pub fn parse(s: &str) -> Option<ActionKind> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        ActionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .or_else(|| RequestKind::parse(&t).and_then(ActionKind::for_request))
    }

    /// Exactly an action name, as stored.
    pub fn parse_stored(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the action changes data in the system (everything but export).
    pub fn changes_data(self) -> bool {
        self != ActionKind::Export
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an action stands with its approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Prepared; a supervisor other than the preparer must approve it.
    AwaitingApproval,
    /// Approved (or needing no approval): its jobs may run.
    Approved,
    /// Denied by a supervisor; nothing is sent.
    Denied,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::AwaitingApproval => "awaiting_approval",
            ActionStatus::Approved => "approved",
            ActionStatus::Denied => "denied",
        }
    }

    pub fn parse(s: &str) -> Option<ActionStatus> {
        [
            ActionStatus::AwaitingApproval,
            ActionStatus::Approved,
            ActionStatus::Denied,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

impl fmt::Display for ActionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a job reaches its system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobMode {
    /// The system's own API (`[systems.<name>.actions]`).
    Api,
    /// An OpenDSR / OpenGDPR processor (`kind = "opendsr"`).
    Opendsr,
    /// By hand: a manual task for a member of staff.
    Manual,
}

impl JobMode {
    pub fn as_str(self) -> &'static str {
        match self {
            JobMode::Api => "api",
            JobMode::Opendsr => "opendsr",
            JobMode::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<JobMode> {
        [JobMode::Api, JobMode::Opendsr, JobMode::Manual]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// Where one job stands. The journal writes `running` before a request that
/// changes data goes out; a job found `running` with nobody running it is
/// `unknown` until its outcome is reconciled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting to be sent.
    Queued,
    /// A request is (or was, when privdesk stopped) on its way.
    Running,
    /// Accepted by an OpenDSR processor; waiting for it to complete.
    Polling,
    /// Sent, but the answer never arrived: reconciled before any retry.
    Unknown,
    /// Carried out (and verified where the system allows).
    Done,
    /// Refused or failed; blocks fulfilment until retried, skipped or made manual.
    Failed,
    /// Left out on purpose, with a reason.
    Skipped,
    /// Handed to a manual task.
    Manual,
    /// The action was denied before this job ran.
    Cancelled,
}

impl JobState {
    pub const ALL: [JobState; 9] = [
        JobState::Queued,
        JobState::Running,
        JobState::Polling,
        JobState::Unknown,
        JobState::Done,
        JobState::Failed,
        JobState::Skipped,
        JobState::Manual,
        JobState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Polling => "polling",
            JobState::Unknown => "unknown",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Skipped => "skipped",
            JobState::Manual => "manual",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Nothing more happens to the job by itself (a manual job's task may
    /// still be open).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::Done | JobState::Skipped | JobState::Manual | JobState::Cancelled
        )
    }

    /// A run picks this job up (queued, interrupted, unknown or polling).
    pub fn is_runnable(self) -> bool {
        matches!(
            self,
            JobState::Queued | JobState::Running | JobState::Unknown | JobState::Polling
        )
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request as it is (or would be) sent: method, URL and JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRequest {
    pub method: String,
    pub url: String,
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// The record's version, read before the first attempt and sent with
    /// every attempt (the action's `precondition`): a resend after the
    /// change applied is refused by the system instead of applied again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precondition: Option<serde_json::Value>,
}

/// One field of a correction: the value the system held when the action was
/// prepared and the value it gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    /// None when the system did not show the field.
    pub before: Option<String>,
    pub after: String,
}

/// A prepared action on a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: i64,
    pub case_id: CaseId,
    pub kind: ActionKind,
    pub status: ActionStatus,
    pub needs_approval: bool,
    pub prepared_by: String,
    pub prepared_at: DateTime<Utc>,
    /// The preparer's note (sent as `{reason}` where a system asks for one).
    pub note: Option<String>,
    /// Update only: field -> new value, as typed.
    pub changes: Vec<(String, String)>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
}

impl Action {
    /// `A-12`.
    pub fn reference(&self) -> String {
        action_ref(self.id)
    }
}

/// One system's part of an action. `request` and `diff` hold personal data
/// as it is sent; show `preview` and a masked diff instead.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionJob {
    pub id: i64,
    pub action_id: i64,
    pub case_id: CaseId,
    pub kind: ActionKind,
    pub system: String,
    /// The record in that system (None for an OpenDSR processor, which is
    /// asked by the person's identities).
    pub record_id: Option<String>,
    pub mode: JobMode,
    /// Sent as `Idempotency-Key` (and as an OpenDSR `subject_request_id`);
    /// the same for every attempt of the job.
    pub idempotency_key: String,
    /// What is sent, unmasked (None for manual jobs).
    pub request: Option<PlannedRequest>,
    /// The same with personal data masked, for the dry run and the screens.
    pub preview: Option<PlannedRequest>,
    pub diff: Vec<FieldChange>,
    /// Why the job is manual, when it is.
    pub manual_reason: Option<String>,
    pub state: JobState,
    pub attempts: u32,
    pub last_sent_at: Option<DateTime<Utc>>,
    /// OpenDSR: when the processor accepted the request.
    pub submitted_at: Option<DateTime<Utc>>,
    /// OpenDSR: when it should have completed by.
    pub overdue_at: Option<DateTime<Utc>>,
    pub polls: u32,
    pub http_status: Option<u16>,
    /// The last outcome, worded for the operator (`HTTP 422: ...`).
    pub message: Option<String>,
    /// Some(true) when a check after the change confirmed it.
    pub verified: Option<bool>,
    /// Export: whether the data was received and stored.
    pub has_result: bool,
    pub skip_reason: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl ActionJob {
    /// `J-31`.
    pub fn reference(&self) -> String {
        job_ref(self.id)
    }

    /// `crm:C-1001`, or the system alone for a processor.
    pub fn target(&self) -> String {
        match &self.record_id {
            Some(r) => format!("{}:{r}", self.system),
            None => self.system.clone(),
        }
    }

    /// Still polling past the time the processor should have completed by.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.state == JobState::Polling && self.overdue_at.is_some_and(|t| t <= now)
    }
}

/// Work done by hand for a system without an API (or when an agent chooses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualTask {
    pub id: i64,
    pub case_id: CaseId,
    pub action_id: Option<i64>,
    pub job_id: Option<i64>,
    pub system: Option<String>,
    pub record_id: Option<String>,
    /// What to do.
    pub instructions: String,
    pub assignee: Option<String>,
    pub due: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Who confirmed it was done, when, and what they found.
    pub done_by: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    pub result: Option<String>,
    pub note: Option<String>,
}

impl ManualTask {
    /// `T-5`.
    pub fn reference(&self) -> String {
        task_ref(self.id)
    }

    pub fn is_open(&self) -> bool {
        self.done_at.is_none()
    }
}

/// `A-12`.
pub fn action_ref(id: i64) -> String {
    format!("A-{id}")
}

/// `J-31`.
pub fn job_ref(id: i64) -> String {
    format!("J-{id}")
}

/// `T-5`.
pub fn task_ref(id: i64) -> String {
    format!("T-{id}")
}

/// Parses `A-12`, `a12` or `12` (with `prefix` = 'A'); the error names the form.
pub fn parse_ref(prefix: char, what: &str, s: &str) -> Result<i64, String> {
    let t = s.trim();
    let digits = t
        .strip_prefix(prefix)
        .or_else(|| t.strip_prefix(prefix.to_ascii_lowercase()))
        .map(|r| r.strip_prefix('-').unwrap_or(r))
        .unwrap_or(t);
    match digits.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "`{}` is not {what} number; write it as {prefix}-12",
            super::text::escape_controls(t)
        )),
    }
}

/// A one-line summary of a timeline event written by actions and tasks, or
/// None when `kind` is not one of theirs.
pub fn event_summary(kind: &str, after: &serde_json::Value) -> Option<String> {
    let s = |k: &str| after.get(k).and_then(|v| v.as_str()).unwrap_or("");
    let text =
        |k: &str| super::text::truncate_chars(&super::text::escape_controls(s(k)), 60).to_string();
    Some(match kind {
        "action_planned" => {
            let systems: Vec<&str> = after
                .get("systems")
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            format!(
                "action {} ({}) prepared for {}",
                s("action"),
                s("kind"),
                systems.join(", ")
            )
        }
        "action_approved" => format!("action {} approved: {}", s("action"), text("reason")),
        "action_denied" => format!("action {} denied: {}", s("action"), text("reason")),
        "job_outcome" => {
            let mut line = format!(
                "job {} {} ({}): {}",
                s("job"),
                s("target"),
                s("kind"),
                s("state")
            );
            if !s("message").is_empty() {
                line.push_str(&format!(" - {}", text("message")));
            }
            line
        }
        "task_created" => format!(
            "task {} for {}: {}",
            s("task"),
            s("target"),
            text("instructions")
        ),
        "task_done" => format!(
            "task {} done by {}: {}",
            s("task"),
            s("done_by"),
            text("result")
        ),
        _ => return None,
    })
}

/// Which tasks to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFilter {
    /// Only tasks of this assignee.
    pub assignee: Option<String>,
    /// Completed tasks too.
    pub include_done: bool,
    pub case_id: Option<CaseId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_kind_but_purpose_notification_maps_to_an_action() {
        for k in RequestKind::ALL {
            let a = ActionKind::for_request(k);
            assert_eq!(a.is_none(), k == RequestKind::PurposeNotification, "{k:?}");
            if k.is_disclosure() {
                assert_eq!(a, Some(ActionKind::Export), "{k:?}");
            }
        }
        assert_eq!(ActionKind::parse("erasure"), Some(ActionKind::Delete));
        assert_eq!(
            ActionKind::parse("opt-out"),
            Some(ActionKind::StopThirdParty)
        );
        assert_eq!(ActionKind::parse("Restriction"), Some(ActionKind::Suspend));
        assert_eq!(ActionKind::parse("correct"), Some(ActionKind::Update));
        assert_eq!(ActionKind::parse("delete"), Some(ActionKind::Delete));
        assert_eq!(ActionKind::parse("purpose_notification"), None);
        for k in ActionKind::ALL {
            assert_eq!(ActionKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn references_parse_in_several_forms() {
        assert_eq!(parse_ref('A', "an action", "A-12"), Ok(12));
        assert_eq!(parse_ref('A', "an action", "a12"), Ok(12));
        assert_eq!(parse_ref('A', "an action", " 7 "), Ok(7));
        let e = parse_ref('J', "a job", "J-x").unwrap_err();
        assert!(e.contains("write it as J-12"), "{e}");
        assert!(parse_ref('T', "a task", "0").is_err());
    }

    #[test]
    fn states_names_round_trip() {
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
        }
        assert!(JobState::Done.is_final() && !JobState::Failed.is_final());
        assert!(JobState::Unknown.is_runnable() && !JobState::Failed.is_runnable());
    }
}
