//! Changing cases. Each method takes the version the operator saw
//! (`expected_version`); when the case changed since, nothing is written and
//! [`DeskError::Conflict`] lists what changed. Each change is written with
//! its timeline event and a `case_change` audit entry in one transaction.

use super::case_access::CaseAccess;
use super::case_time::now_utc;
use super::{Desk, DeskError};
use crate::domain::case_rules::{self, ensure_editable};
use crate::domain::AuditKind;
use crate::domain::{
    Case, CaseId, CaseRuleError, DeliveryFormat, LinkedRecord, Priority, Representative, Requester,
    StatusChange, VerificationInput,
};
use crate::store::{CaseWrite, NewAuditEntry, NewNote};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::{json, Map, Value};

/// Extra parts written with a change.
#[derive(Default)]
pub(super) struct Extras {
    note: Option<NewNote>,
    links: Vec<LinkedRecord>,
    /// Written into the event's `after` (e.g. what a note was).
    pub(super) event_after: Map<String, Value>,
}

/// The top-level fields that differ between two cases, before and after.
fn diff(before: &Case, after: &Case) -> (Value, Value) {
    let (Ok(Value::Object(b)), Ok(Value::Object(a))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return (json!({}), json!({}));
    };
    let mut old = Map::new();
    let mut new = Map::new();
    for (k, v) in &a {
        if matches!(k.as_str(), "version" | "updated_at") {
            continue;
        }
        let prev = b.get(k).cloned().unwrap_or(Value::Null);
        if prev != *v {
            old.insert(k.clone(), prev);
            new.insert(k.clone(), v.clone());
        }
    }
    (Value::Object(old), Value::Object(new))
}

/// How often an additive change is tried again when someone else changed
/// the case between its read and its write.
const ADDITIVE_TRIES: usize = 50;

impl Desk {
    /// A change that adds to a case (a note, a reply, an identity check,
    /// links, an escalation) and so conflicts with nothing: made on the
    /// case as it is now, whatever version the caller last read, and tried
    /// again when another write slips in between the read and the write.
    pub(super) fn add_to_case(
        &self,
        id: CaseId,
        access: CaseAccess<'_>,
        event_kind: &str,
        apply: impl Fn(&mut Case, &mut Extras) -> Result<(), DeskError>,
    ) -> Result<Case, DeskError> {
        let mut last = None;
        for _ in 0..ADDITIVE_TRIES {
            let now = self.load_case(id)?.version;
            match self.change_case(id, now, access, event_kind, &apply) {
                Err(DeskError::Conflict(c)) => last = Some(c),
                other => return other,
            }
        }
        match last {
            Some(c) => Err(DeskError::Conflict(c)),
            None => Err(DeskError::Invalid(format!(
                "case {id} could not be changed"
            ))),
        }
    }

    /// Loads the case, checks access, version and that it is not closed,
    /// applies `apply` to a copy, recomputes the due dates and writes the
    /// change. A change that changes nothing writes nothing.
    pub(super) fn change_case(
        &self,
        id: CaseId,
        expected_version: i64,
        access: CaseAccess<'_>,
        event_kind: &str,
        apply: impl FnOnce(&mut Case, &mut Extras) -> Result<(), DeskError>,
    ) -> Result<Case, DeskError> {
        let before = self.load_case(id)?;
        self.check_case_access(Some(&before), access)?;
        if before.version != expected_version {
            return Err(self.store().case_conflict(id, expected_version)?.into());
        }
        ensure_editable(&before)?;
        let mut after = before.clone();
        let mut extras = Extras::default();
        apply(&mut after, &mut extras)?;
        self.refresh_deadlines(Some(&before), &mut after)?;
        let (old, mut new) = diff(&before, &after);
        if let Value::Object(m) = &mut new {
            m.extend(extras.event_after);
        }
        let nothing = new.as_object().is_some_and(Map::is_empty)
            && extras.note.is_none()
            && extras.links.is_empty();
        if nothing {
            return Ok(before);
        }
        let keys = self.contact_keys(&after.requester.contact)?;
        let me = &self.operator().username;
        let write = CaseWrite {
            case: &after,
            keys: &keys,
            expected_version,
            operator: me,
            at: now_utc(),
            event_kind,
            before: old,
            after: new,
            note: extras.note,
            links: &extras.links,
            audit: NewAuditEntry {
                operator: me.clone(),
                kind: AuditKind::CaseChange,
                subject: id.to_string(),
                details: json!({ "change": event_kind, "version": expected_version + 1 }),
            },
        };
        let stored = self.store().update_case(&write)?;
        tracing::info!(case = %id, change = event_kind, version = stored.version, "case changed");
        if erasure_done(&before, &stored) && self.config().retention.shred_on_erasure {
            let subjects = self.case_subjects(id)?;
            let n = self.store().shred(&subjects, &format!("erasure {id}"))?;
            tracing::info!(case = %id, keys = n, "erasure done: its data subjects shredded in the audit log");
        }
        Ok(stored)
    }

    /// Adds an internal note (`internal`) or a reply sent to the requester.
    /// A reply may be marked as THE response that counts for the deadline
    /// (it replaces an earlier one); a note cannot. Additive: the version
    /// the caller saw is not checked (see [`Desk::add_to_case`]).
    pub fn add_note(
        &self,
        id: CaseId,
        _seen_version: i64,
        text: &str,
        internal: bool,
        is_response: bool,
    ) -> Result<Case, DeskError> {
        if internal && is_response {
            return Err(DeskError::Invalid(
                "an internal note cannot be the response; mark a reply sent to the requester instead".into(),
            ));
        }
        let text = case_rules::required_text(
            if internal { "the note" } else { "the reply" },
            text,
            case_rules::MAX_TEXT_CHARS,
        )?;
        let kind = if internal { "note" } else { "reply" };
        self.add_to_case(id, CaseAccess::Work, kind, |_, x| {
            x.event_after.insert("internal".into(), json!(internal));
            x.event_after
                .insert("is_response".into(), json!(is_response));
            x.note = Some(NewNote {
                text: text.clone(),
                internal,
                is_response,
            });
            Ok(())
        })
    }

    /// Moves the case to another status (see `CaseStatus::allowed_next`).
    /// on_hold needs a reason, refused at least one ground, closing an
    /// outcome (implied for refused and withdrawn cases), responded a reply
    /// marked as the response. Refusing, closing and deciding on an answer
    /// awaiting approval are for supervisors; the one who asked for an
    /// approval cannot give it.
    pub fn change_status(
        &self,
        id: CaseId,
        expected_version: i64,
        change: &StatusChange,
    ) -> Result<Case, DeskError> {
        let Some(to) = change.to else {
            return Err(CaseRuleError::Invalid("a new status is required".into()).into());
        };
        let me = self.operator().username.clone();
        self.change_case(
            id,
            expected_version,
            CaseAccess::Status { to },
            "status",
            |c, _| {
                // Fulfilled means every action on the case ended well.
                if to == crate::domain::CaseStatus::Closed
                    && change.outcome == Some(crate::domain::Outcome::Fulfilled)
                {
                    let blockers = self.fulfilment_blockers(id)?;
                    if !blockers.is_empty() {
                        return Err(DeskError::Invalid(format!(
                            "case {id} cannot be closed as fulfilled yet: {}; retry, skip (with a reason) or hand each job to a manual task, and complete the tasks",
                            blockers.join("; ")
                        )));
                    }
                }
                Ok(case_rules::apply_status(c, change, &me, now_utc())?)
            },
        )
    }

    /// Assigns the case to an operator, or to nobody. Supervisors assign;
    /// an agent may take an unassigned case for themself.
    pub fn assign(
        &self,
        id: CaseId,
        expected_version: i64,
        assignee: Option<&str>,
    ) -> Result<Case, DeskError> {
        let assignee = assignee.map(str::trim).filter(|a| !a.is_empty());
        if self.operator().role == crate::domain::Role::Auditor {
            // Refused for the role before anything about the assignee.
            let case = self.load_case(id)?;
            self.check_case_access(Some(&case), CaseAccess::Assign { to: assignee })?;
        }
        if let Some(a) = assignee {
            self.check_assignable(a)?;
        }
        self.change_case(
            id,
            expected_version,
            CaseAccess::Assign { to: assignee },
            "assigned",
            |c, _| {
                c.assignee = assignee.map(str::to_string);
                Ok(())
            },
        )
    }

    /// Records an identity check (method, evidence seen, result), made now
    /// by this operator. Additive: the version the caller saw is not
    /// checked.
    pub fn verify_identity(
        &self,
        id: CaseId,
        _seen_version: i64,
        input: &VerificationInput,
    ) -> Result<Case, DeskError> {
        let me = self.operator().username.clone();
        // A check done in a call covers the requester's other cases of that
        // call (`[cases] identity_covers_call_minutes`).
        let covered = match input.result {
            crate::domain::VerificationResult::Verified => {
                self.same_call_cases(&self.load_case(id)?)?
            }
            _ => Vec::new(),
        };
        let ids: Vec<String> = covered.iter().map(|c| c.id.to_string()).collect();
        let case = self.add_to_case(id, CaseAccess::Work, "verification", |c, x| {
            if !ids.is_empty() {
                x.event_after.insert("covers".into(), json!(ids));
            }
            Ok(case_rules::verify(c, input, &me, now_utc())?)
        })?;
        self.cover_with_check(id, &covered, input);
        Ok(case)
    }

    /// Replaces the requester's name, contact and reply channel.
    pub fn set_requester(
        &self,
        id: CaseId,
        expected_version: i64,
        requester: &Requester,
    ) -> Result<Case, DeskError> {
        let channels = self.config().cases.channels.clone();
        self.change_case(
            id,
            expected_version,
            CaseAccess::Work,
            "requester",
            |c, _| Ok(case_rules::set_requester(c, requester, &channels)?),
        )
    }

    /// Sets (or with `None` removes) the representative acting for the person.
    pub fn set_representative(
        &self,
        id: CaseId,
        expected_version: i64,
        representative: Option<&Representative>,
    ) -> Result<Case, DeskError> {
        self.change_case(
            id,
            expected_version,
            CaseAccess::Work,
            "representative",
            |c, _| Ok(case_rules::set_representative(c, representative)?),
        )
    }

    /// Starts a pause of the deadline clock at `from` (running until ended),
    /// or records a finished one with `to`. Only APPI clocks (and those of
    /// complaints and inquiries) stop; GDPR and CCPA periods run on.
    pub fn add_pause(
        &self,
        id: CaseId,
        expected_version: i64,
        from: DateTime<FixedOffset>,
        to: Option<DateTime<FixedOffset>>,
        reason: &str,
    ) -> Result<Case, DeskError> {
        self.change_case(id, expected_version, CaseAccess::Work, "pause", |c, _| {
            Ok(case_rules::add_pause(c, from, to, reason)?)
        })
    }

    /// Ends the running pause at `to`.
    pub fn end_pause(
        &self,
        id: CaseId,
        expected_version: i64,
        to: DateTime<FixedOffset>,
    ) -> Result<Case, DeskError> {
        self.change_case(
            id,
            expected_version,
            CaseAccess::Work,
            "pause_end",
            |c, _| Ok(case_rules::end_pause(c, to)?),
        )
    }

    /// Records an extension of the deadline notified to the requester on
    /// `notice_date` (supervisors only). GDPR and CCPA allow one, with the
    /// notice given within the first period; APPI requests, complaints and
    /// inquiries have no period to extend.
    pub fn extend(
        &self,
        id: CaseId,
        expected_version: i64,
        reason: &str,
        notice_date: NaiveDate,
    ) -> Result<Case, DeskError> {
        self.change_case(
            id,
            expected_version,
            CaseAccess::Extend,
            "extension",
            |c, _| Ok(case_rules::extend(c, reason, notice_date)?),
        )
    }

    /// Sets (or with `None` removes) the fee; refused on kinds that allow none.
    pub fn set_fee(
        &self,
        id: CaseId,
        expected_version: i64,
        amount_jpy: Option<u32>,
    ) -> Result<Case, DeskError> {
        self.change_case(id, expected_version, CaseAccess::Work, "fee", |c, _| {
            Ok(case_rules::set_fee(c, amount_jpy)?)
        })
    }

    /// Marks the fee paid or unpaid.
    pub fn set_fee_paid(
        &self,
        id: CaseId,
        expected_version: i64,
        paid: bool,
    ) -> Result<Case, DeskError> {
        self.change_case(
            id,
            expected_version,
            CaseAccess::Work,
            "fee_paid",
            |c, _| Ok(case_rules::set_fee_paid(c, paid)?),
        )
    }

    /// Sets how disclosed data is delivered (disclosure kinds only).
    pub fn set_delivery_format(
        &self,
        id: CaseId,
        expected_version: i64,
        format: DeliveryFormat,
    ) -> Result<Case, DeskError> {
        self.change_case(
            id,
            expected_version,
            CaseAccess::Work,
            "delivery_format",
            |c, _| Ok(case_rules::set_delivery_format(c, format)?),
        )
    }

    pub fn set_priority(
        &self,
        id: CaseId,
        expected_version: i64,
        priority: Priority,
    ) -> Result<Case, DeskError> {
        self.change_case(
            id,
            expected_version,
            CaseAccess::Work,
            "priority",
            |c, _| Ok(case_rules::set_priority(c, priority)?),
        )
    }

    pub fn set_description(
        &self,
        id: CaseId,
        expected_version: i64,
        text: &str,
    ) -> Result<Case, DeskError> {
        self.change_case(
            id,
            expected_version,
            CaseAccess::Work,
            "description",
            |c, _| Ok(case_rules::set_description(c, text)?),
        )
    }

    /// Corrects when the request was received (the due dates follow).
    pub fn set_received_at(
        &self,
        id: CaseId,
        expected_version: i64,
        received: DateTime<FixedOffset>,
    ) -> Result<Case, DeskError> {
        self.change_case(
            id,
            expected_version,
            CaseAccess::Work,
            "received_at",
            |c, _| Ok(case_rules::set_received_at(c, received, now_utc())?),
        )
    }

    /// Links records found by a search to the case (already linked ones are
    /// skipped). Additive: the version the caller saw is not checked.
    pub fn link_records(
        &self,
        id: CaseId,
        _seen_version: i64,
        records: &[LinkedRecord],
    ) -> Result<Case, DeskError> {
        let links = self.check_links(records)?;
        if links.is_empty() {
            return Err(DeskError::Invalid("no records to link".into()));
        }
        let existing = self.store().case_links(id)?;
        let fresh: Vec<LinkedRecord> = links
            .into_iter()
            .filter(|l| {
                !existing
                    .iter()
                    .any(|e| e.system == l.system && e.record_id == l.record_id)
            })
            .collect();
        self.add_to_case(id, CaseAccess::Work, "links", |_, x| {
            x.event_after.insert(
                "linked".into(),
                json!(fresh.iter().map(|l| l.to_string()).collect::<Vec<_>>()),
            );
            x.links = fresh.clone();
            if fresh.is_empty() {
                x.event_after.clear();
            }
            Ok(())
        })
    }
}

/// An erasure (GDPR Art. 17, CCPA deletion) closed as done by this change.
fn erasure_done(before: &Case, after: &Case) -> bool {
    use crate::domain::{CaseStatus, Outcome, RequestKind};
    before.status != CaseStatus::Closed
        && after.status == CaseStatus::Closed
        && matches!(after.kind, Some(RequestKind::Erasure | RequestKind::Delete))
        && matches!(
            after.outcome,
            Some(Outcome::Fulfilled | Outcome::PartlyFulfilled)
        )
}
