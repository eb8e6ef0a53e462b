//! Approving and denying an action, shared by the actions panel and the
//! approval inbox: who may decide what, the reason dialog, what it sends
//! and what is said once the desk has decided. The desk checks it all
//! again: the screens only spare the operator a refused round trip.

use super::forms as action_forms;
use crate::desk::ActionView;
use crate::domain::action::parse_ref;
use crate::domain::{ActionStatus, Role};
use crate::tui::app::{ActionDialog, ActionDialogKind, State};

/// Open the reason dialog for deciding `target` in `slot`.
pub(crate) fn open(s: &mut State, slot: DialogSlot, target: Option<ActionView>, approve: bool) {
    if let Some(d) = dialog(s, target, approve) {
        if let Some(at) = slot(s) {
            *at = Some(d);
        }
    }
}

/// The reason dialog for deciding `target`, or `None` (the operator is
/// told why) when there is nothing they may decide.
fn dialog(s: &mut State, target: Option<ActionView>, approve: bool) -> Option<ActionDialog> {
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

/// Where a screen keeps its reason dialog.
pub(crate) type DialogSlot = fn(&mut State) -> Option<&mut Option<ActionDialog>>;

/// The desk's answer to the decision sent from the dialog in `slot`: it
/// closes and the decision is said, or it stays (to send again) and the
/// desk's refusal is shown. Whether the desk decided.
pub(crate) fn answered(
    s: &mut State,
    slot: DialogSlot,
    action: &str,
    approve: bool,
    result: Result<Box<ActionView>, String>,
) -> bool {
    let dialog = slot(s);
    match result {
        Ok(v) => {
            if let Some(d) = dialog {
                *d = None;
            }
            let word = if approve { "approved" } else { "denied" };
            s.info(format!("{action} {word} ({})", v.progress));
            true
        }
        Err(e) => {
            if let Some(d) = dialog.and_then(|d| d.as_mut()) {
                d.form.pending = false;
            }
            s.error(e);
            false
        }
    }
}
