//! Intake from a call (`[cases] call_channels`): the case an agent opens
//! while on the phone is theirs (`assign_calls_to_opener`), and the identity
//! check they record in that call covers the other cases they opened for
//! the same requester in it (`identity_covers_call_minutes`).

use super::case_access::CaseAccess;
use super::case_time::now_utc;
use super::{Desk, DeskError};
use crate::domain::{
    case_rules, Case, CaseId, NewCase, Role, VerificationInput, VerificationResult,
};
use crate::store::DuplicateProbe;
use serde_json::json;

impl Desk {
    /// The assignee of a case opened as `new`: as asked, else the agent
    /// who opens it from a call when the desk says so.
    pub(super) fn intake_assignee(&self, new: &NewCase) -> Option<String> {
        if new.assignee.is_some() {
            return new.assignee.clone();
        }
        let c = &self.config().cases;
        let me = self.operator();
        (c.assign_calls_to_opener
            && me.role == Role::Agent
            && c.call_channels.contains(&new.channel))
        .then(|| me.username.clone())
    }

    /// The other open cases the check recorded on `case` covers: opened by
    /// the same operator from a call, within the configured minutes of it,
    /// for the same requester (a shared linked record, e-mail or phone),
    /// and not yet checked.
    pub(super) fn same_call_cases(&self, case: &Case) -> Result<Vec<Case>, DeskError> {
        let c = &self.config().cases;
        let minutes = i64::from(c.identity_covers_call_minutes);
        if minutes == 0 || !c.call_channels.contains(&case.channel) {
            return Ok(Vec::new());
        }
        let keys = self.contact_keys(&case.requester.contact)?;
        let probe = DuplicateProbe {
            records: self
                .store()
                .case_links(case.id)?
                .into_iter()
                .map(|l| (l.system, l.record_id))
                .collect(),
            email_key: keys.email,
            phone_key: keys.phone,
            exclude: Some(case.id),
        };
        if probe.records.is_empty() && probe.email_key.is_none() && probe.phone_key.is_none() {
            return Ok(Vec::new());
        }
        let window = chrono::Duration::minutes(minutes);
        let mut out = Vec::new();
        for row in self.store().find_open_cases(&probe, self.today())? {
            let other = self.load_case(row.id)?;
            let unchecked = other
                .verification
                .as_ref()
                .is_none_or(|v| v.result == VerificationResult::Pending);
            if unchecked
                && other.created_by == case.created_by
                && c.call_channels.contains(&other.channel)
                && (other.created_at - case.created_at).abs() <= window
            {
                out.push(other);
            }
        }
        Ok(out)
    }

    /// Records the check of `from` on each case of `covered`, naming where it
    /// was done; a case the operator may not change is left as it is.
    pub(super) fn cover_with_check(
        &self,
        from: CaseId,
        covered: &[Case],
        input: &VerificationInput,
    ) -> Vec<CaseId> {
        let me = self.operator().username.clone();
        let method = format!("{} (recorded on {from}, same call)", input.method.trim());
        let copy = VerificationInput {
            method: crate::domain::text::truncate_chars(&method, case_rules::MAX_FIELD_CHARS),
            evidence: input.evidence.clone(),
            result: input.result,
        };
        let mut done = Vec::new();
        for other in covered {
            let r = self.add_to_case(other.id, CaseAccess::Work, "verification", |c, x| {
                x.event_after
                    .insert("covered_by".into(), json!(from.to_string()));
                Ok(case_rules::verify(c, &copy, &me, now_utc())?)
            });
            match r {
                Ok(_) => done.push(other.id),
                Err(e) => {
                    tracing::warn!(case = %other.id, error = %e, "the same call's check was not recorded")
                }
            }
        }
        done
    }
}
