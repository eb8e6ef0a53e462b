//! Approving and denying an action, shared by the actions panel and the
//! approval inbox: who may decide what, the reason dialog, what it sends
//! and what is said once the desk has decided. The desk checks it all
//! again: the screens only spare the operator a refused round trip.

use super::forms as action_forms;
use crate::desk::ActionView;
use crate::domain::action::parse_ref;
use crate::domain::{ActionStatus, Role};
use crate::tui::app::{ActionDialog, ActionDialogKind, State};

/// The reason dialog for deciding `target`, or `None` (the operator is
/// told why) when there is nothing they may decide.
pub(crate) fn dialog(
    s: &mut State,
    target: Option<ActionView>,
    approve: bool,
) -> Option<ActionDialog> {
    let Some(v) = target else {
        s.info("no action selected");
        return None;
    };
    if s.operator.role != Role::Supervisor {
        s.warn("only supervisors approve or deny actions");
        return None;
    }
    if v.status != ActionStatus::AwaitingApproval {
        s.info(format!(
            "{} is {}: there is nothing to decide",
            v.id, v.status
        ));
        return None;
    }
    let (kind, button) = if approve {
        (ActionDialogKind::Approve, "Approve")
    } else {
        (ActionDialogKind::Deny, "Deny")
    };
    s.message = None;
    Some(ActionDialog {
        kind,
        target: v.id.clone(),
        form: action_forms::reason_form(button),
    })
}

/// What a filled-in approve or deny dialog asks the desk for.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: i64,
    /// `A-3`.
    pub reference: String,
    pub approve: bool,
    pub reason: String,
}

/// The decision of dialog `d`, or the field in error.
pub(crate) fn input(d: &ActionDialog) -> Result<Decision, action_forms::FieldError> {
    let reason = action_forms::reason_input(&d.form)?;
    Ok(Decision {
        id: parse_ref('A', "an action", &d.target).map_err(|e| ("", e))?,
        reference: d.target.clone(),
        approve: d.kind == ActionDialogKind::Approve,
        reason,
    })
}

/// Say what the desk decided.
pub(crate) fn announce(s: &mut State, action: &str, approve: bool, v: &ActionView) {
    let word = if approve { "approved" } else { "denied" };
    s.info(format!("{action} {word} ({})", v.progress));
}
