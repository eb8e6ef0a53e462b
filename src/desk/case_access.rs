//! Who may do what with cases.
//!
//! - Auditors read cases (every view audited) and change nothing.
//! - Agents open cases, and see and work on cases assigned to them or to
//!   nobody (a case another agent holds is refused, view included):
//!   notes, replies, identity checks, requester details, pauses, fees,
//!   links, and the ordinary status changes. An agent may take an
//!   unassigned case for themself, but not assign cases to others, refuse,
//!   close, extend deadlines, or approve (or send back) an answer.
//! - Supervisors do everything.
//!
//! Every refusal is written to the audit log (kind `denied`, subject the
//! case number) before the error goes back to the operator.

use super::{Desk, DeskError};
use crate::domain::AuditKind;
use crate::domain::{Case, CaseStatus, Role};
use serde_json::json;

/// What an operator is about to do to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseAccess<'a> {
    Create,
    /// Looking at the case (its view, its actions, its contact details).
    View,
    /// Ordinary work on the case.
    Work,
    Assign {
        to: Option<&'a str>,
    },
    Status {
        to: CaseStatus,
    },
    Extend,
}

impl CaseAccess<'_> {
    fn operation(&self) -> &'static str {
        match self {
            CaseAccess::Create => "case create",
            CaseAccess::View => "case view",
            CaseAccess::Work => "case change",
            CaseAccess::Assign { .. } => "case assign",
            CaseAccess::Status { .. } => "case status",
            CaseAccess::Extend => "case extend",
        }
    }
}

impl Desk {
    /// Refuse an operation on a case (or on the cases, for `subject` "cases"),
    /// leaving a trace in the audit log.
    pub(crate) fn deny_case(&self, subject: &str, operation: &str, why: &str) -> DeskError {
        let _ = self.audit(
            AuditKind::Denied,
            subject,
            json!({ "operation": operation, "reason": why }),
        );
        DeskError::Denied(why.to_string())
    }

    /// Checks that the operator may do `access` to `case` (None when creating).
    pub(crate) fn check_case_access(
        &self,
        case: Option<&Case>,
        access: CaseAccess<'_>,
    ) -> Result<(), DeskError> {
        let me = self.operator();
        let subject = case.map_or("cases".to_string(), |c| c.id.to_string());
        self.gate_on(&subject, access.operation())?;
        let deny = |why: String| Err(self.deny_case(&subject, access.operation(), &why));
        match me.role {
            Role::Supervisor => Ok(()),
            Role::Auditor if access == CaseAccess::View => Ok(()),
            Role::Auditor => deny(match access {
                CaseAccess::Create => "auditors are read-only: they cannot open cases".into(),
                _ => "auditors are read-only: they cannot change cases".into(),
            }),
            Role::Agent => {
                let Some(case) = case else {
                    return Ok(());
                };
                if let Some(owner) = case.assignee.as_deref().filter(|o| *o != me.username) {
                    let taking = matches!(access, CaseAccess::Assign { .. });
                    if access == CaseAccess::View {
                        return deny(format!(
                            "case {} is assigned to {owner}; agents see their own and unassigned cases",
                            case.id
                        ));
                    }
                    return deny(format!(
                        "case {} is assigned to {owner}; agents work on their own and unassigned cases{}",
                        case.id,
                        if taking { "" } else { " (a supervisor can reassign it)" }
                    ));
                }
                match access {
                    CaseAccess::Create | CaseAccess::View | CaseAccess::Work => Ok(()),
                    CaseAccess::Assign { to } => {
                        if case.assignee.is_none() && to == Some(me.username.as_str()) {
                            Ok(())
                        } else {
                            deny("only supervisors assign cases; an agent can only take an unassigned case for themself".into())
                        }
                    }
                    CaseAccess::Status { to } => {
                        if case.status == CaseStatus::AwaitingApproval {
                            deny(
                                "only supervisors approve or send back an answer awaiting approval"
                                    .into(),
                            )
                        } else if to == CaseStatus::Refused {
                            deny("only supervisors refuse requests".into())
                        } else if to == CaseStatus::Closed {
                            deny("only supervisors close cases".into())
                        } else {
                            Ok(())
                        }
                    }
                    CaseAccess::Extend => deny("only supervisors extend deadlines".into()),
                }
            }
        }
    }

    /// Whether the operator may look at `case` (agents: their own and
    /// unassigned ones). Not audited: for filtering lists.
    pub(crate) fn sees_case(&self, case: &Case) -> bool {
        let me = self.operator();
        me.role != Role::Agent || case.assignee.as_deref().is_none_or(|a| a == me.username)
    }

    /// Whether the operator may look at case `id` (see [`Desk::sees_case`]);
    /// a case that is gone is not shown.
    pub(crate) fn sees_case_id(&self, id: crate::domain::CaseId) -> Result<bool, DeskError> {
        if self.operator().role != Role::Agent {
            return Ok(true);
        }
        Ok(self
            .store()
            .get_case(id)?
            .is_some_and(|c| self.sees_case(&c)))
    }

    /// Checks that `username` may hold cases (a configured agent or supervisor).
    pub(crate) fn check_assignable(&self, username: &str) -> Result<(), DeskError> {
        match self.config().operators.get(username) {
            Some(def) if def.role != Role::Auditor => Ok(()),
            Some(_) => Err(DeskError::Invalid(format!(
                "{username} is an auditor; cases are assigned to agents and supervisors"
            ))),
            None => {
                let names: Vec<&str> = self
                    .config()
                    .operators
                    .iter()
                    .filter(|(_, d)| d.role != Role::Auditor)
                    .map(|(n, _)| n.as_str())
                    .collect();
                Err(DeskError::Invalid(format!(
                    "{} is not a configured operator; cases can be assigned to: {}",
                    crate::domain::text::escape_controls(username),
                    names.join(", ")
                )))
            }
        }
    }
}
