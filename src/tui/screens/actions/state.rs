//! The state of the action screens: the actions panel of a case (its
//! actions with their jobs and manual tasks, the form that prepares a new
//! one, the dry run, the dialogs for decisions and jobs), the approval
//! inbox, and the disclosure package of the case on screen. Re-exported
//! from `app`.

use crate::desk::{ActionRequest, ActionView, CaseActions, JobView, PlannedAction, TaskView};
use crate::domain::CaseId;
use crate::tui::form::Form;
use crate::tui::load::Load;

/// One line of the actions panel the cursor can rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionItem {
    /// The action at this index.
    Action(usize),
    /// Job `.1` of action `.0`.
    Job(usize, usize),
    /// The manual task at this index.
    Task(usize),
}

/// What a dialog of the action screens asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionDialogKind {
    Approve,
    Deny,
    Skip,
    Manual,
    TaskDone,
}

impl ActionDialogKind {
    pub fn title(self) -> &'static str {
        match self {
            ActionDialogKind::Approve => "Approve",
            ActionDialogKind::Deny => "Deny",
            ActionDialogKind::Skip => "Skip the job",
            ActionDialogKind::Manual => "Hand to a manual task",
            ActionDialogKind::TaskDone => "Task done",
        }
    }
}

/// An open dialog: what it is about (`A-3`, `J-7`, `T-2`) and its form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionDialog {
    pub kind: ActionDialogKind,
    /// The reference of the action, job or task.
    pub target: String,
    pub form: Form,
}

/// The actions panel of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionsScreen {
    pub case: CaseId,
    /// The case's actions, jobs and tasks as last loaded (kept while
    /// loading again).
    pub loaded: Load<Option<CaseActions>>,
    /// Index into [`ActionsScreen::items`].
    pub selected: usize,
    /// The form preparing a new action (kept while its preview is shown).
    pub prepare: Option<Form>,
    /// The request of the form, once sent for a preview: while the preview
    /// is shown, confirming stores it.
    pub confirm: Option<ActionRequest>,
    /// The dry run shown (just prepared, or of the selected action).
    pub dry_run: Option<PlannedAction>,
    /// How far the dry run is scrolled.
    pub dry_scroll: u16,
    pub dialog: Option<ActionDialog>,
    /// The action being run (`A-3`): its jobs change live.
    pub running: Option<String>,
}

impl ActionsScreen {
    pub fn new(case: CaseId) -> ActionsScreen {
        ActionsScreen {
            case,
            loaded: Load::new(None, true),
            selected: 0,
            prepare: None,
            confirm: None,
            dry_run: None,
            dry_scroll: 0,
            dialog: None,
            running: None,
        }
    }

    /// The lines the cursor moves over: each action then its jobs, then the tasks.
    pub fn items(&self) -> Vec<ActionItem> {
        let Some(d) = &self.loaded.data else {
            return vec![];
        };
        let mut out = Vec::new();
        for (i, a) in d.actions.iter().enumerate() {
            out.push(ActionItem::Action(i));
            for j in 0..a.jobs.len() {
                out.push(ActionItem::Job(i, j));
            }
        }
        for t in 0..d.tasks.len() {
            out.push(ActionItem::Task(t));
        }
        out
    }

    /// A preview is shown: the action is not created yet.
    pub fn previewing(&self) -> bool {
        self.confirm.is_some() && self.dry_run.is_some()
    }

    pub fn item(&self) -> Option<ActionItem> {
        self.items().get(self.selected).copied()
    }

    /// The action the cursor is on (or whose job it is on).
    pub fn action(&self) -> Option<&ActionView> {
        let d = self.loaded.data.as_ref()?;
        match self.item()? {
            ActionItem::Action(i) | ActionItem::Job(i, _) => d.actions.get(i),
            ActionItem::Task(t) => {
                let a = d.tasks.get(t)?.action.as_deref()?;
                d.actions.iter().find(|x| x.id == a)
            }
        }
    }

    /// The job the cursor is on (or the only job of the action it is on).
    pub fn job(&self) -> Option<&JobView> {
        let d = self.loaded.data.as_ref()?;
        match self.item()? {
            ActionItem::Job(i, j) => d.actions.get(i)?.jobs.get(j),
            ActionItem::Action(i) => match d.actions.get(i)?.jobs.as_slice() {
                [only] => Some(only),
                _ => None,
            },
            ActionItem::Task(_) => None,
        }
    }

    /// The task the cursor is on, or the task of the job it is on.
    pub fn task(&self) -> Option<&TaskView> {
        let d = self.loaded.data.as_ref()?;
        match self.item()? {
            ActionItem::Task(t) => d.tasks.get(t),
            ActionItem::Job(..) | ActionItem::Action(_) => {
                let job = self.job()?;
                let id = job.task.as_deref()?;
                d.tasks.iter().find(|t| t.id == id)
            }
        }
    }
}

/// A disclosure package of the case on screen: being built or checked,
/// or what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageStatus {
    pub case: CaseId,
    /// Building or verifying now.
    pub busy: bool,
    /// One line: `complete: /path` or `INCOMPLETE (billing): /path`.
    pub summary: String,
    /// Something is wrong (incomplete, or the check found problems).
    pub bad: bool,
    /// What is missing or wrong, one line each.
    pub problems: Vec<String>,
}

/// What a job command asks of the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOp {
    Retry {
        job: i64,
    },
    Skip {
        job: i64,
        reason: String,
    },
    Manual {
        job: i64,
        input: ManualTaskInput,
    },
    TaskDone {
        task: i64,
        result: String,
        note: Option<String>,
    },
}

/// What the manual-task dialog holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ManualTaskInput {
    pub instructions: Option<String>,
    pub assignee: Option<String>,
    pub due: Option<chrono::NaiveDate>,
}
