//! The approval inbox: the actions waiting for a supervisor, the selected
//! one's dry run, and approving or denying it with a reason (the checks
//! and the dialog are shared with the actions panel: `../actions/decision.rs`).

use crate::desk::ActionView;
use crate::tui::app::*;
use crate::tui::form::Form;
use crate::tui::screens::actions::decision;
use crate::tui::screens::actions::update::scrolled;
use crate::tui::screens::case::update as case_update;
use crate::tui::screens::step;
use crate::tui::update::{show, FormHooks};

/// The approval inbox.
pub(crate) fn open(s: &mut State) -> Vec<Effect> {
    let mut fx = show(s, |_| InboxScreen::new());
    s.message = None;
    fx.extend(load(s));
    fx
}

pub(crate) fn load(s: &mut State) -> Vec<Effect> {
    match s.screens.get_mut::<InboxScreen>() {
        Some(i) => {
            i.rows.loading = true;
            vec![InboxEffect::Load.into()]
        }
        None => vec![],
    }
}

pub(crate) fn loaded(s: &mut State, result: Result<Vec<ActionView>, String>) -> Vec<Effect> {
    let Some(i) = s.screens.get_mut::<InboxScreen>() else {
        return vec![];
    };
    if let Ok(rows) = &result {
        i.selected = i.selected.min(rows.len().saturating_sub(1));
    }
    if let Some(e) = i.rows.finish(result) {
        s.error(e);
    }
    vec![]
}

/// The action selected.
fn selected(s: &State) -> Option<ActionView> {
    let i = s.screens.get::<InboxScreen>()?;
    i.rows.data.get(i.selected).cloned()
}

/// j/k choose the action; the page keys scroll its dry run.
pub(crate) fn move_by(s: &mut State, delta: i64) {
    let Some(i) = s.screens.get_mut::<InboxScreen>() else {
        return;
    };
    if delta.abs() > 1 {
        i.scroll = scrolled(i.scroll, delta);
        return;
    }
    if let Some(next) = step(i.rows.data.len(), i.selected, delta) {
        if i.selected != next {
            i.scroll = 0;
        }
        i.selected = next;
    }
}

/// Enter: the case of the selected action.
pub(crate) fn open_selected(s: &mut State) -> Vec<Effect> {
    match selected(s) {
        Some(v) => case_update::open_case(s, v.case, None),
        None => {
            s.info("no action is waiting");
            vec![]
        }
    }
}

/// Approve or deny the selected action: supervisors type a reason.
pub(crate) fn decide(s: &mut State, approve: bool) -> Vec<Effect> {
    let target = selected(s);
    decision::open(s, DIALOG, target, approve);
    vec![]
}

/// Where the inbox keeps its dialog.
const DIALOG: decision::DialogSlot = |s| Some(&mut s.screens.get_mut::<InboxScreen>()?.dialog);

/// The reason dialog is open.
pub(crate) fn has_form(s: &State) -> bool {
    s.screens
        .get::<InboxScreen>()
        .is_some_and(|i| i.dialog.is_some())
}

pub(crate) fn form_mut(s: &mut State) -> Option<&mut Form> {
    s.screens
        .get_mut::<InboxScreen>()?
        .dialog
        .as_mut()
        .map(|d| &mut d.form)
}

/// The reason dialog.
pub(crate) const FORM: FormHooks = FormHooks {
    open: has_form,
    form: form_mut,
    close: close_form,
    submit,
    changed: |_, _| {},
};

fn close_form(s: &mut State) {
    if let Some(i) = s.screens.get_mut::<InboxScreen>() {
        i.dialog = None;
    }
}

/// Send the decision with its reason.
fn submit(s: &mut State) -> Vec<Effect> {
    let Some(d) = s
        .screens
        .get::<InboxScreen>()
        .and_then(|i| i.dialog.as_ref())
    else {
        return vec![];
    };
    if d.form.pending {
        return vec![];
    }
    match decision::input(d) {
        Ok(decided) => {
            if let Some(form) = form_mut(s) {
                form.pending = true;
                form.error = None;
            }
            vec![InboxEffect::Decide(decided).into()]
        }
        Err((field, message)) => {
            if let Some(form) = form_mut(s) {
                form.error = Some((field.to_string(), message.clone()));
                form.focus_on(field);
            }
            s.error(message);
            vec![]
        }
    }
}

/// The desk's answer: the inbox (and a panel open below) load again.
pub(crate) fn decided(
    s: &mut State,
    action: &str,
    approve: bool,
    result: Result<Box<ActionView>, String>,
) -> Vec<Effect> {
    if !decision::answered(s, DIALOG, action, approve, result) {
        return vec![];
    }
    let mut fx = load(s);
    fx.extend(crate::tui::screens::actions::update::reload(s));
    fx
}

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: InboxMsg) -> Vec<Effect> {
    match m {
        InboxMsg::Loaded { result } => loaded(s, result),
        InboxMsg::Decided {
            action,
            approve,
            result,
        } => decided(s, &action, approve, result),
    }
}
