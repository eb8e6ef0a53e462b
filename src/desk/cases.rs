//! Cases as the operator sees them: open one, look at one, list the queue,
//! find possible duplicates. Changes are in `case_changes.rs`.
//!
//! Every method checks the operator's role (see `case_access.rs`) and writes
//! an audit entry: `case_create`, `case_view`, `case_list`,
//! `case_duplicates`, `case_change` (subject: the case number). Changes are
//! written together with their timeline event and audit entry, in one
//! transaction. Nothing personal goes to the tracing log.

use super::case_access::CaseAccess;
use super::case_time::now_utc;
use super::{Desk, DeskError};
use crate::domain::case_rules;
use crate::domain::AuditKind;
use crate::domain::{
    AssigneeFilter, Case, CaseEvent, CaseFilter, CaseId, CaseNote, CaseStatus, CaseSummary,
    Contact, LinkedRecord, NewCase, Role,
};
use crate::identity::normalize;
use crate::store::{ContactKeys, DuplicateProbe, NewAuditEntry};
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Everything about one case, for the case screen and `case show`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseView {
    pub case: Case,
    pub links: Vec<LinkedRecord>,
    /// Internal notes, oldest first.
    pub notes: Vec<CaseNote>,
    /// Replies sent to the requester, oldest first (`is_response` marks THE response).
    pub replies: Vec<CaseNote>,
    /// The timeline, oldest first.
    pub events: Vec<CaseEvent>,
    /// The statuses the case may go to next (by the table; the operator's
    /// role may still forbid some).
    pub allowed_next: Vec<CaseStatus>,
    /// Days left to the queue due date (negative when late).
    pub days_left: Option<i64>,
    /// Open and past its due date.
    pub overdue: bool,
}

/// What to look for when checking a new contact against open cases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateQuery {
    /// Records found by a search, as `(system, record id)`.
    pub records: Vec<(String, String)>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Leave this case out.
    pub exclude: Option<CaseId>,
}

impl Desk {
    /// Normalised email and phone of a contact; refuses values that are not
    /// an email address or a phone number.
    pub(crate) fn contact_keys(&self, c: &Contact) -> Result<ContactKeys, DeskError> {
        let email = match c.email.as_deref() {
            Some(e) => Some(normalize::email(e).ok_or_else(|| {
                DeskError::Invalid(format!(
                    "`{}` is not an email address",
                    crate::domain::text::escape_controls(e)
                ))
            })?),
            None => None,
        };
        let phone = match c.phone.as_deref() {
            Some(p) => Some(normalize::phone(p).ok_or_else(|| {
                DeskError::Invalid(format!(
                    "`{}` is not a phone number (write it as 03-1234-5678 or +81 3 1234 5678)",
                    crate::domain::text::escape_controls(p)
                ))
            })?),
            None => None,
        };
        Ok(ContactKeys { email, phone })
    }

    /// Checks that every linked record names a configured system.
    pub(crate) fn check_links(
        &self,
        links: &[LinkedRecord],
    ) -> Result<Vec<LinkedRecord>, DeskError> {
        let mut out: Vec<LinkedRecord> = Vec::new();
        for l in links {
            if !self.config().systems.contains_key(&l.system) {
                let names: Vec<&str> = self.config().systems.keys().map(String::as_str).collect();
                return Err(DeskError::Invalid(format!(
                    "no system named `{}` is configured; systems: {}",
                    crate::domain::text::escape_controls(&l.system),
                    if names.is_empty() {
                        "(none)".to_string()
                    } else {
                        names.join(", ")
                    }
                )));
            }
            let id = case_rules::required_text(
                "a record id",
                &l.record_id,
                case_rules::MAX_FIELD_CHARS,
            )?;
            let display_name = match &l.display_name {
                Some(n) => {
                    case_rules::clean_text("a display name", n, case_rules::MAX_FIELD_CHARS)?
                }
                None => None,
            };
            if !out
                .iter()
                .any(|o| o.system == l.system && o.record_id == id)
            {
                out.push(LinkedRecord {
                    system: l.system.clone(),
                    record_id: id,
                    display_name,
                });
            }
        }
        Ok(out)
    }

    /// Opens a case: checks it, numbers it `PD-<year>-<seq>` (this year, in
    /// the desk's time zone), computes its due dates, and stores it with its
    /// links, a `created` event and a `case_create` audit entry. Agents may
    /// assign the new case only to themselves.
    pub fn create_case(&self, new: &NewCase) -> Result<Case, DeskError> {
        self.check_case_access(None, CaseAccess::Create)?;
        let me = self.operator().clone();
        if let Some(a) = new.assignee.as_deref() {
            if me.role != Role::Supervisor && a != me.username {
                return Err(self.deny_case(
                    "cases",
                    "case create",
                    "only supervisors assign cases; an agent can only take a case for themself",
                ));
            }
            self.check_assignable(a)?;
        }
        let now = now_utc();
        let local = self.local_now();
        let received = new.received_at.unwrap_or(local);
        // From a call, an agent's case is theirs (`[cases] assign_calls_to_opener`).
        let intake;
        let new = match self.intake_assignee(new) {
            a if a != new.assignee => {
                intake = NewCase {
                    assignee: a,
                    ..new.clone()
                };
                &intake
            }
            _ => new,
        };
        let mut case = case_rules::new_case(
            new,
            &self.config().cases.channels,
            received,
            &me.username,
            now,
        )?;
        let keys = self.contact_keys(&case.requester.contact)?;
        let links = self.check_links(&new.links)?;
        self.refresh_deadlines(None, &mut case)?;
        let created = json!({
            "status": case.status, "category": case.category, "kind": case.kind, "law": case.law,
            "channel": case.channel, "priority": case.priority, "assignee": case.assignee,
            "received_at": case.received_at, "links": links.len(),
        });
        let audit = NewAuditEntry {
            operator: me.username.clone(),
            kind: AuditKind::CaseCreate,
            subject: String::new(),
            details: json!({
                "category": case.category, "kind": case.kind, "law": case.law,
                "channel": case.channel, "links": links.len(),
            }),
        };
        let stored =
            self.store()
                .create_case(&case, &keys, local.year(), &links, created, &audit)?;
        tracing::info!(case = %stored.id, "case created");
        Ok(stored)
    }

    /// Loads a case or says there is none (not audited; for internal use).
    pub(crate) fn load_case(&self, id: CaseId) -> Result<Case, DeskError> {
        self.store().get_case(id)?.ok_or(DeskError::NotFound(id))
    }

    /// The version a case is at now, for a change made without having looked
    /// at the case first (the command line). Shows nothing of the case, so
    /// it is not audited; the change that follows still fails with a
    /// conflict if another change lands in between.
    pub fn case_version(&self, id: CaseId) -> Result<i64, DeskError> {
        Ok(self.load_case(id)?.version)
    }

    /// Record that the masked contact details of a case are shown, and why.
    /// Auditors read the trail, not personal data: they are refused unless
    /// `[reveal] auditors_may_reveal`; agents reveal only on cases they see.
    pub fn reveal_case(&self, id: CaseId, purpose: &str) -> Result<i64, DeskError> {
        self.gate_on(&id.to_string(), "reveal")?;
        if self.operator().role == Role::Auditor && !self.config().reveal.auditors_may_reveal {
            return Err(self.deny_case(
                &id.to_string(),
                "reveal",
                "auditors cannot reveal personal data ([reveal] auditors_may_reveal is off)",
            ));
        }
        let purpose = purpose.trim();
        if purpose.is_empty() {
            return Err(DeskError::Invalid(
                "a purpose is required to reveal personal data".into(),
            ));
        }
        let case = self.load_case(id)?;
        self.check_case_access(Some(&case), CaseAccess::View)?;
        self.audit(
            AuditKind::Reveal,
            &id.to_string(),
            json!({ "purpose": super::typed_on(id, purpose) }),
        )
    }

    /// Everything about one case; the view is audited (`case_view`). The due
    /// dates (with their steps) are in `case.deadlines`; while a pause stops
    /// the clock they are shown as of now.
    /// Agents see only their own and unassigned cases.
    pub fn get_case(&self, id: CaseId) -> Result<CaseView, DeskError> {
        let case = self.load_case(id)?;
        self.check_case_access(Some(&case), CaseAccess::View)?;
        let links = self.store().case_links(id)?;
        let all = self
            .store()
            .case_notes(id, case.response.map(|r| r.note_id))?;
        let (notes, replies): (Vec<_>, Vec<_>) = all.into_iter().partition(|n| n.internal);
        let events = self.store().case_events(id, 0)?;
        self.audit(
            AuditKind::CaseView,
            &id.to_string(),
            json!({ "version": case.version }),
        )?;
        let due = case.queue_due();
        Ok(CaseView {
            allowed_next: case.status.allowed_next().to_vec(),
            days_left: self.days_left(due),
            overdue: case.status.is_open()
                && !case.deadlines.as_ref().is_some_and(|d| d.clock_stopped)
                && due.is_some_and(|d| d < self.today()),
            case,
            links,
            notes,
            replies,
            events,
        })
    }

    /// The queue: cases matching `filter`, soonest due first, with the days
    /// left. Audited (`case_list`, with the filter and the
    /// number of rows, no names).
    /// Agents get their own and unassigned cases only.
    pub fn list_cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>, DeskError> {
        self.gate_on("cases", "case list")?;
        if let Some(t) = &filter.text {
            case_rules::clean_text("the search text", t, case_rules::MAX_FIELD_CHARS)?;
        }
        let me = self.operator();
        let visible_to = (me.role == Role::Agent).then_some(me.username.as_str());
        if let (Some(me), AssigneeFilter::User(other)) = (visible_to, &filter.assignee) {
            if other != me {
                return Err(self.deny_case(
                    "cases",
                    "case list",
                    &format!(
                        "agents see their own and unassigned cases, not those of {}",
                        crate::domain::text::escape_controls(other)
                    ),
                ));
            }
        }
        let mut rows = self
            .store()
            .list_cases_visible(filter, self.today(), visible_to)?;
        for r in &mut rows {
            r.days_left = self.days_left(r.due);
        }
        self.audit(
            AuditKind::CaseList,
            "cases",
            json!({
                "status": filter.status, "include_closed": filter.include_closed,
                "assignee": format!("{:?}", filter.assignee), "overdue": filter.overdue,
                "category": filter.category, "law": filter.law,
                "text": filter.text.is_some(), "returned": rows.len(),
            }),
        )?;
        Ok(rows)
    }

    /// Cases not yet closed that may be about the same contact: linked to
    /// any of the same records, or with the same requester email or phone.
    /// Audited (`case_duplicates`, with the number found).
    pub fn find_open_cases_for(&self, q: &DuplicateQuery) -> Result<Vec<CaseSummary>, DeskError> {
        self.gate_on("cases", "case duplicates")?;
        let keys = self.contact_keys(&Contact {
            email: q.email.clone().filter(|e| !e.trim().is_empty()),
            phone: q.phone.clone().filter(|p| !p.trim().is_empty()),
            postal_address: None,
        })?;
        let probe = DuplicateProbe {
            records: q.records.clone(),
            email_key: keys.email,
            phone_key: keys.phone,
            exclude: q.exclude,
        };
        let mut rows = self.store().find_open_cases(&probe, self.today())?;
        for r in &mut rows {
            r.days_left = self.days_left(r.due);
        }
        let subject = q.exclude.map_or("cases".to_string(), |id| id.to_string());
        self.audit(
            AuditKind::CaseDuplicates,
            &subject,
            json!({ "records": q.records.len(), "found": rows.len() }),
        )
        .map(|_| rows)
    }
}
