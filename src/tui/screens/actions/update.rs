//! `update` for the actions panel of a case (prepare with a dry run,
//! approve or deny, run with live job states, retry, skip, hand to a
//! manual task, complete a task), the disclosure package of the case, and
//! letters rendered from templates.
//! Every decision is the desk's: the screen shows its refusals as given.

use super::decision;
use crate::desk::{ActionView, CaseActions, JobUpdate, PlannedAction, RunReport};
use crate::domain::action::parse_ref;
use crate::domain::{ActionStatus, CaseId, JobState, Role};
use crate::tui::app::*;
use crate::tui::drafts::FormDraft;
use crate::tui::screens::actions::forms as action_forms;
use crate::tui::screens::case::update as case_update;
use crate::tui::update::{back as leave, show, show_new, FormHooks};

/// Open the actions panel of the case on screen.
pub(crate) fn open(s: &mut State) -> Vec<Effect> {
    let Some(c) = s.screens.shown::<CaseScreen>() else {
        s.info("open a case first");
        return vec![];
    };
    if c.view.data.is_none() {
        s.info("the case is still loading");
        return vec![];
    }
    let id = c.id;
    let mut fx = match s
        .screens
        .get::<ActionsScreen>()
        .is_some_and(|a| a.case == id)
    {
        true => show(s, |_| ActionsScreen::new(id)),
        false => show_new(s, ActionsScreen::new(id)),
    };
    s.message = None;
    fx.extend(reload(s));
    fx
}

/// Ask for the actions of the panel's case again.
pub(crate) fn reload(s: &mut State) -> Vec<Effect> {
    match s.screens.get_mut::<ActionsScreen>() {
        Some(a) => {
            a.loaded.start();
            vec![ActionsEffect::Load { case: a.case }.into()]
        }
        None => vec![],
    }
}

pub(crate) fn loaded(
    s: &mut State,
    case: CaseId,
    result: Result<Box<CaseActions>, String>,
) -> Vec<Effect> {
    let Some(a) = s
        .screens
        .get_mut::<ActionsScreen>()
        .filter(|a| a.case == case)
    else {
        return vec![];
    };
    match result {
        Ok(data) => {
            a.loaded.finish(Ok(Some(*data)));
            let n = a.items().len();
            a.selected = a.selected.min(n.saturating_sub(1));
            // A dry run on screen shows the action as it is now.
            let mut decided = None;
            if let Some(dr) = a.dry_run.as_mut() {
                if let Some(v) = a
                    .loaded
                    .data
                    .as_ref()
                    .and_then(|d| d.actions.iter().find(|x| x.id == dr.action.id))
                {
                    if dr.action.status == ActionStatus::AwaitingApproval
                        && v.status != ActionStatus::AwaitingApproval
                    {
                        decided = Some((v.id.clone(), v.status));
                    }
                    dr.action = v.clone();
                }
            }
            // The message that said it waits must not outlive the wait.
            if let Some((id, status)) = decided {
                let waiting = s
                    .message
                    .as_ref()
                    .is_some_and(|m| m.text.starts_with(&id) && m.text.contains("waits for"));
                if waiting {
                    match status {
                        ActionStatus::Denied => {
                            s.warn(format!("{id} was denied by a supervisor: nothing is sent"))
                        }
                        _ => s.info(format!(
                            "{id} was approved by a supervisor: {} runs it",
                            s.keymap.hint(crate::tui::keymap::Command::RunAction)
                        )),
                    }
                }
            }
        }
        Err(e) => {
            a.loaded.finish(Err(e.clone()));
            s.error(e);
        }
    }
    vec![]
}

/// Esc on the panel: close the dry run first, then the panel.
pub(crate) fn back(s: &mut State) -> Vec<Effect> {
    if let Some(a) = s.screens.shown_mut::<ActionsScreen>() {
        if a.dry_run.take().is_some() {
            if a.confirm.take().is_some() {
                if let Some(f) = a.prepare.as_mut() {
                    f.pending = false;
                }
                s.info("nothing was created; change the form, ctrl-s shows the dry run again");
            }
            return vec![];
        }
    }
    leave(s)
}

/// Whether the panel has a form open that takes the keys.
pub(crate) fn has_form(s: &State) -> bool {
    s.screens
        .shown::<ActionsScreen>()
        .is_some_and(|a| a.dialog.is_some() || (a.prepare.is_some() && a.dry_run.is_none()))
}

/// The open form of the panel: a dialog, else the form preparing an action.
pub(crate) fn form_mut(s: &mut State) -> Option<&mut crate::tui::form::Form> {
    let a = s.screens.shown_mut::<ActionsScreen>()?;
    match (&mut a.dialog, &mut a.prepare) {
        (Some(d), _) => Some(&mut d.form),
        (None, Some(p)) if a.dry_run.is_none() => Some(p),
        _ => None,
    }
}

/// Move the cursor of the panel, or scroll the dry run shown.
pub(crate) fn move_by(s: &mut State, delta: i64) {
    let Some(a) = s.screens.shown_mut::<ActionsScreen>() else {
        return;
    };
    if a.dry_run.is_some() {
        a.dry_scroll = scrolled(a.dry_scroll, delta);
        return;
    }
    if let Some(next) = crate::tui::screens::step(a.items().len(), a.selected, delta) {
        a.selected = next;
    }
}

/// A scroll offset moved by `delta` lines.
pub(crate) fn scrolled(at: u16, delta: i64) -> u16 {
    (at as i64)
        .saturating_add(delta)
        .clamp(0, u16::MAX as i64 / 2) as u16
}

/// Enter: the dry run of the selected action (confirming one previewed).
pub(crate) fn open_selected(s: &mut State) -> Vec<Effect> {
    let Some(a) = s.screens.shown_mut::<ActionsScreen>() else {
        return vec![];
    };
    if a.previewing() {
        return confirm(s);
    }
    match a.action().cloned() {
        Some(v) => {
            a.dry_scroll = 0;
            a.dry_run = Some(PlannedAction {
                action: v,
                left_out: Vec::new(),
            })
        }
        None => s.info("no action selected; p prepares one"),
    }
    vec![]
}

/// The action the commands apply to: the dry run on screen, else the
/// selected one.
fn focused_action(s: &State) -> Option<ActionView> {
    let a = s.screens.get::<ActionsScreen>()?;
    if a.previewing() {
        return None;
    }
    match &a.dry_run {
        Some(dr) => Some(dr.action.clone()),
        None => a.action().cloned(),
    }
}

/// Open the form that prepares an action.
pub(crate) fn prepare(s: &mut State) -> Vec<Effect> {
    if s.operator.role == Role::Auditor {
        s.warn("auditors are read-only: they cannot prepare actions");
        return vec![];
    }
    let Some(v) = s
        .screens
        .get::<CaseScreen>()
        .and_then(|c| c.view.data.as_deref())
    else {
        s.info("open a case first");
        return vec![];
    };
    if v.links.is_empty() {
        s.warn("this case has no linked records: open it from a person to link them");
        return vec![];
    }
    let form = action_forms::prepare_form(v.case.kind, &v.links);
    if let Some(a) = s.screens.get_mut::<ActionsScreen>() {
        a.dry_run = None;
        a.confirm = None;
        a.prepare = Some(form);
    }
    s.message = None;
    vec![]
}

/// The panel's forms: a dialog, or the form preparing an action.
pub(crate) const FORM: FormHooks = FormHooks {
    open: has_form,
    form: form_mut,
    close: close_form,
    submit,
    changed: kind_changed,
};

/// The kind of action chosen decides the prepare form's other fields.
fn kind_changed(form: &mut crate::tui::form::Form, id: &str) {
    if id == "kind" {
        action_forms::refresh_prepare(form);
    }
}

fn close_form(s: &mut State) {
    if let Some(a) = s.screens.get_mut::<ActionsScreen>() {
        if a.dialog.take().is_none() {
            a.prepare = None;
        }
    }
}

/// Point the form at the field in error and say what is wrong.
fn refuse(s: &mut State, field: &str, message: String) -> Vec<Effect> {
    if let Some(form) = form_mut(s) {
        form.error = Some((field.to_string(), message.clone()));
        form.focus_on(field);
    }
    s.error(message);
    vec![]
}

fn submit(s: &mut State) -> Vec<Effect> {
    let links = s
        .screens
        .get::<CaseScreen>()
        .and_then(|c| c.view.data.as_deref())
        .map(|v| v.links.clone())
        .unwrap_or_default();
    let dialog = s
        .screens
        .get::<ActionsScreen>()
        .and_then(|a| a.dialog.clone());
    if form_mut(s).is_some_and(|f| f.pending) {
        return vec![];
    }
    let effect = match dialog {
        None => {
            let Some(a) = s.screens.get::<ActionsScreen>() else {
                return vec![];
            };
            let case = a.case;
            let Some(form) = a.prepare.as_ref() else {
                return vec![];
            };
            match action_forms::prepare_input(form, &links) {
                Err((f, m)) => return refuse(s, f, m),
                Ok(request) => {
                    s.info(
                        "working out the dry run: reading the records to show what will change…",
                    );
                    if let Some(a) = s.screens.get_mut::<ActionsScreen>() {
                        a.confirm = Some(request.clone());
                    }
                    ActionsEffect::Preview { case, request }.into()
                }
            }
        }
        Some(d) => match dialog_effect(s, &d) {
            Ok(e) => e,
            Err((f, m)) => return refuse(s, f, m),
        },
    };
    if let Some(form) = form_mut(s) {
        form.pending = true;
        form.error = None;
    }
    vec![effect]
}

fn dialog_effect(s: &State, d: &ActionDialog) -> Result<Effect, action_forms::FieldError> {
    let id = |prefix: char, what: &str| parse_ref(prefix, what, &d.target).map_err(|e| ("", e));
    Ok(match d.kind {
        ActionDialogKind::Approve | ActionDialogKind::Deny => {
            ActionsEffect::Decide(decision::input(d)?).into()
        }
        ActionDialogKind::Skip => ActionsEffect::ChangeJob(JobOp::Skip {
            job: id('J', "a job")?,
            reason: action_forms::reason_input(&d.form)?,
        })
        .into(),
        ActionDialogKind::Manual => ActionsEffect::ChangeJob(JobOp::Manual {
            job: id('J', "a job")?,
            input: action_forms::manual_input(&d.form)?,
        })
        .into(),
        ActionDialogKind::TaskDone => {
            let (result, note) = action_forms::task_done_input(&d.form)?;
            let _ = s;
            ActionsEffect::ChangeJob(JobOp::TaskDone {
                task: id('T', "a task")?,
                result,
                note,
            })
            .into()
        }
    })
}

/// The dry run of an action not created yet: shown for the operator to
/// confirm (Enter) or go back to the form (Esc).
pub(crate) fn previewed(
    s: &mut State,
    case: CaseId,
    result: Result<Box<PlannedAction>, String>,
) -> Vec<Effect> {
    let Some(a) = s
        .screens
        .get_mut::<ActionsScreen>()
        .filter(|a| a.case == case && a.confirm.is_some())
    else {
        return vec![];
    };
    if let Some(f) = a.prepare.as_mut() {
        f.pending = false;
    }
    match result {
        Ok(p) => {
            a.dry_run = Some(*p);
            a.dry_scroll = 0;
            s.info("the dry run: nothing is created or sent yet");
        }
        Err(e) => {
            a.confirm = None;
            s.error(e);
        }
    }
    vec![]
}

/// Create the previewed action.
fn confirm(s: &mut State) -> Vec<Effect> {
    let Some(a) = s.screens.get_mut::<ActionsScreen>() else {
        return vec![];
    };
    let Some(request) = a.confirm.clone() else {
        return vec![];
    };
    if a.prepare.as_ref().is_some_and(|f| f.pending) {
        return vec![];
    }
    if let Some(f) = a.prepare.as_mut() {
        f.pending = true;
    }
    let case = a.case;
    s.info("creating the action…");
    vec![ActionsEffect::Plan { case, request }.into()]
}

/// The dry run of a just-prepared action, or why it was not prepared.
pub(crate) fn planned(
    s: &mut State,
    case: CaseId,
    result: Result<Box<PlannedAction>, String>,
) -> Vec<Effect> {
    let Some(a) = s
        .screens
        .get_mut::<ActionsScreen>()
        .filter(|a| a.case == case)
    else {
        return vec![];
    };
    match result {
        Ok(p) => {
            a.prepare = None;
            a.confirm = None;
            let text = match p.action.status {
                ActionStatus::AwaitingApproval => format!(
                    "{} created: it waits for a supervisor's approval (nothing sent yet)",
                    p.action.id
                ),
                _ => format!(
                    "{} created and ready to run: {} runs it (nothing sent yet)",
                    p.action.id,
                    s.keymap.hint(crate::tui::keymap::Command::RunAction)
                ),
            };
            a.dry_run = Some(*p);
            a.dry_scroll = 0;
            s.info(text);
            reload(s)
        }
        Err(e) => {
            if let Some(f) = a.prepare.as_mut() {
                f.pending = false;
            }
            s.error(e);
            vec![]
        }
    }
}

/// Approve or deny the focused action: supervisors type a reason.
pub(crate) fn decide(s: &mut State, approve: bool) -> Vec<Effect> {
    let target = focused_action(s);
    decision::open(s, DIALOG, target, approve);
    vec![]
}

/// Where the panel keeps its dialog.
const DIALOG: decision::DialogSlot = |s| Some(&mut s.screens.get_mut::<ActionsScreen>()?.dialog);

pub(crate) fn decided(
    s: &mut State,
    action: &str,
    approve: bool,
    result: Result<Box<ActionView>, String>,
) -> Vec<Effect> {
    match decision::answered(s, DIALOG, action, approve, result) {
        true => reload(s),
        false => vec![],
    }
}

/// Run the focused action; its jobs' states change on screen as they go.
pub(crate) fn run(s: &mut State) -> Vec<Effect> {
    let Some(v) = focused_action(s) else {
        s.info("no action selected");
        return vec![];
    };
    if s.operator.role == Role::Auditor {
        s.warn("auditors are read-only: they cannot run actions");
        return vec![];
    }
    if let Some(r) = s
        .screens
        .get::<ActionsScreen>()
        .and_then(|a| a.running.clone())
    {
        s.info(format!("{r} is running; wait for it to end"));
        return vec![];
    }
    match v.status {
        ActionStatus::AwaitingApproval => {
            s.info(format!("{} waits for a supervisor's approval", v.id));
            return vec![];
        }
        ActionStatus::Denied => {
            s.info(format!("{} was denied: nothing is sent", v.id));
            return vec![];
        }
        ActionStatus::Approved => {}
    }
    if v.jobs.iter().all(|j| !j.state.is_runnable()) {
        s.info(format!(
            "{}: nothing to run ({}); t retries a failed job",
            v.id, v.progress
        ));
        return vec![];
    }
    let Ok(id) = parse_ref('A', "an action", &v.id) else {
        return vec![];
    };
    if let Some(a) = s.screens.get_mut::<ActionsScreen>() {
        a.running = Some(v.id.clone());
    }
    s.info(format!("running {}…", v.id));
    vec![ActionsEffect::Run {
        id,
        reference: v.id,
    }
    .into()]
}

/// `2 done, 1 failed`, in the desk's order of states.
fn progress_words(jobs: &[crate::desk::JobView]) -> String {
    let parts: Vec<String> = JobState::ALL
        .iter()
        .filter_map(|st| {
            let n = jobs.iter().filter(|j| j.state == *st).count();
            (n > 0).then(|| format!("{n} {st}"))
        })
        .collect();
    if parts.is_empty() {
        "no jobs".into()
    } else {
        parts.join(", ")
    }
}

/// A job changed during a run: show it at once.
pub(crate) fn progress(s: &mut State, action: &str, u: &JobUpdate) -> Vec<Effect> {
    let Some(a) = s.screens.get_mut::<ActionsScreen>() else {
        return vec![];
    };
    let apply = |v: &mut ActionView| {
        if v.id != action {
            return;
        }
        if let Some(j) = v.jobs.iter_mut().find(|j| j.id == u.job) {
            j.state = u.state;
            j.message = u.message.clone();
            j.overdue = u.overdue;
        }
        v.progress = progress_words(&v.jobs);
    };
    if let Some(d) = a.loaded.data.as_mut() {
        d.actions.iter_mut().for_each(apply);
    }
    if let Some(dr) = a.dry_run.as_mut() {
        apply(&mut dr.action);
    }
    // A job that ended changes the case's blockers: read them again.
    if u.state.is_final() || u.state == crate::domain::JobState::Failed {
        if let Some(d) = a.loaded.data.as_mut() {
            let job = format!("job J-{} ", u.job);
            d.blockers.retain(|b| !b.starts_with(&job));
        }
        if !a.loaded.loading {
            return vec![ActionsEffect::Load { case: a.case }.into()];
        }
    }
    vec![]
}

pub(crate) fn ran(
    s: &mut State,
    action: &str,
    result: Result<Box<RunReport>, String>,
) -> Vec<Effect> {
    if let Some(a) = s.screens.get_mut::<ActionsScreen>() {
        if a.running.as_deref() == Some(action) {
            a.running = None;
        }
    }
    match result {
        Ok(r) if r.failed > 0 => s.warn(format!(
            "{action}: {} — t retries a failed job, s skips it, m hands it to a manual task",
            r.action.progress
        )),
        Ok(r) if r.unfinished > 0 => s.warn(format!(
            "{action}: {} — run it again later to finish",
            r.action.progress
        )),
        Ok(r) => s.info(format!("{action} ran: {}", r.action.progress)),
        Err(e) => s.error(e),
    }
    reload(s)
}

/// Retry, skip, manual, task done: the commands on a job or task.
pub(crate) fn job_command(s: &mut State, kind: Option<ActionDialogKind>) -> Vec<Effect> {
    if s.operator.role == Role::Auditor {
        s.warn("auditors are read-only: they cannot change jobs or tasks");
        return vec![];
    }
    let Some(a) = s.screens.get::<ActionsScreen>() else {
        return vec![];
    };
    if kind == Some(ActionDialogKind::TaskDone) {
        let Some(t) = a.task() else {
            s.info("select a manual task (or the job it was made for)");
            return vec![];
        };
        if t.done {
            s.info(format!("{} is done already", t.id));
            return vec![];
        }
        let target = t.id.clone();
        if let Some(a) = s.screens.get_mut::<ActionsScreen>() {
            a.dialog = Some(ActionDialog {
                kind: ActionDialogKind::TaskDone,
                target,
                form: action_forms::task_done_form(),
            });
        }
        return vec![];
    }
    let Some(j) = a.job() else {
        s.info("select a job first (j/k)");
        return vec![];
    };
    let (target, state) = (j.id.clone(), j.state);
    match kind {
        None => {
            if state != JobState::Failed {
                s.info(format!("{target} is {state}; only failed jobs are retried"));
                return vec![];
            }
            match parse_ref('J', "a job", &target) {
                Ok(job) => {
                    s.info(format!("putting {target} back in the queue…"));
                    vec![ActionsEffect::ChangeJob(JobOp::Retry { job }).into()]
                }
                Err(e) => {
                    s.error(e);
                    vec![]
                }
            }
        }
        Some(kind) => {
            if state.is_final() {
                s.info(format!("{target} is {state} already"));
                return vec![];
            }
            let form = match kind {
                ActionDialogKind::Manual => action_forms::manual_form(&s.case_settings),
                _ => action_forms::reason_form("Skip"),
            };
            if let Some(a) = s.screens.get_mut::<ActionsScreen>() {
                a.dialog = Some(ActionDialog { kind, target, form });
            }
            vec![]
        }
    }
}

pub(crate) fn job_changed(
    s: &mut State,
    op: &JobOp,
    result: Result<String, String>,
) -> Vec<Effect> {
    match result {
        Ok(text) => {
            if let Some(a) = s.screens.get_mut::<ActionsScreen>() {
                a.dialog = None;
            }
            s.info(text);
            reload(s)
        }
        Err(e) => {
            if let Some(d) = s
                .screens
                .get_mut::<ActionsScreen>()
                .and_then(|a| a.dialog.as_mut())
            {
                d.form.pending = false;
            }
            let _ = op;
            s.error(e);
            vec![]
        }
    }
}

/// Build (or verify) the disclosure package of the case on screen.
pub(crate) fn package(s: &mut State, verify: bool) -> Vec<Effect> {
    let Some(c) = s
        .screens
        .get::<CaseScreen>()
        .filter(|c| c.view.data.is_some())
    else {
        s.info("open a case first");
        return vec![];
    };
    let case = c.id;
    if s.package.as_ref().is_some_and(|p| p.case == case && p.busy) {
        s.info("the package is being worked on; wait for it");
        return vec![];
    }
    s.package = Some(PackageStatus {
        case,
        busy: true,
        summary: if verify {
            "checking the latest package against its manifest…".into()
        } else {
            "building: fetching every linked record…".into()
        },
        bad: false,
        problems: Vec::new(),
    });
    if verify {
        vec![ActionsEffect::VerifyPackage { case }.into()]
    } else {
        vec![ActionsEffect::BuildPackage { case }.into()]
    }
}

pub(crate) fn package_done(
    s: &mut State,
    case: CaseId,
    verify: bool,
    result: Result<PackageStatus, String>,
) -> Vec<Effect> {
    match result {
        Ok(p) => {
            let what = if verify { "package check" } else { "package" };
            let text = format!("{what}: {}", p.summary);
            if p.bad {
                s.warn(text);
            } else {
                s.info(text);
            }
            s.package = Some(p);
        }
        Err(e) => {
            if s.package.as_ref().is_some_and(|p| p.case == case) {
                s.package = None;
            }
            s.error(e);
        }
    }
    if s.screens
        .shown::<CaseScreen>()
        .is_some_and(|c| c.id == case)
        && !verify
    {
        return case_update::reload_case(s);
    }
    vec![]
}

/// A letter rendered: fills the editor unless the operator already edited
/// the text (what was typed is never replaced).
pub(crate) fn letter_rendered(
    s: &mut State,
    case: CaseId,
    template: &str,
    result: Result<String, String>,
) -> Vec<Effect> {
    let Some(c) = s.screens.get_mut::<CaseScreen>().filter(|c| c.id == case) else {
        return vec![];
    };
    let Some(d) = c
        .dialog
        .as_mut()
        .filter(|d| d.kind == DialogKind::Letter && d.form.value("template") == template)
    else {
        return vec![];
    };
    match result {
        Ok(text) => {
            let current = d.form.value("text");
            let untouched =
                current.trim().is_empty() || d.rendered.as_deref() == Some(current.as_str());
            if untouched {
                let pristine = d.draft.pristine == FormDraft::of(&d.form, &[]).to_text();
                d.form.set("text", &text);
                d.rendered = Some(text);
                if pristine {
                    // As rendered, the letter is not yet a draft worth keeping.
                    d.draft.pristine = FormDraft::of(&d.form, &[]).to_text();
                }
                s.info(format!(
                    "the {template} letter, filled in from the case: edit it, then ctrl-s records it"
                ));
            } else {
                s.warn(format!(
                    "your edited text is kept; clear it to take the {template} letter instead"
                ));
            }
        }
        Err(e) => s.error(e),
    }
    vec![]
}

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: ActionsMsg) -> Vec<Effect> {
    match m {
        ActionsMsg::Loaded { case, result } => loaded(s, case, result),
        ActionsMsg::Previewed { case, result } => previewed(s, case, result),
        ActionsMsg::Planned { case, result } => planned(s, case, result),
        ActionsMsg::Decided {
            action,
            approve,
            result,
        } => decided(s, &action, approve, result),
        ActionsMsg::JobProgress { action, update } => progress(s, &action, &update),
        ActionsMsg::Ran { action, result } => ran(s, &action, result),
        ActionsMsg::JobChanged { op, result } => job_changed(s, &op, result),
        ActionsMsg::PackageDone {
            case,
            verify,
            result,
        } => package_done(s, case, verify, result),
        ActionsMsg::LetterRendered {
            case,
            template,
            result,
        } => letter_rendered(s, case, &template, result),
    }
}
