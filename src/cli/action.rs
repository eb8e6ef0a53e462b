//! `privdesk action ...` and `privdesk task ...`: prepare an action (the
//! dry run), approve or deny it, run it (live progress, resumable), look at
//! the actions of a case, and deal with jobs and manual tasks.
//!
//! Exit codes: 0 done; 2 bad input, unknown case/action/job, or not
//! allowed; 3 a run left jobs failed, unknown or still waiting; 1 store or
//! system failures.

use super::action_output::{action_text, case_actions_text, task_line, update_line};
use super::case::{fail, CaseIdArg};
use super::{connect, Cli, EXIT_OK, EXIT_PARTIAL};
use crate::client::Client;
use crate::desk::{ActionRequest, DeskError, ManualInput};
use crate::domain::action::parse_ref;
use crate::domain::action_rules::parse_changes;
use crate::domain::TaskFilter;
use crate::domain::{ActionKind, LinkedRecord};
use clap::{Args, Subcommand};
use std::str::FromStr;

#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Prepare an action on a case and show exactly what will be sent (the dry run).
    Plan(PlanArgs),
    /// Approve an action awaiting approval (supervisors; not the preparer).
    Approve(DecideArgs),
    /// Deny an action awaiting approval (supervisors).
    Deny(DecideArgs),
    /// Run an approved action: one job per system, states printed as they change.
    Run(RunArgs),
    /// The actions, jobs and manual tasks of a case.
    Status(StatusArgs),
    /// Put a failed job back in the queue (the next run resends it with the same key).
    Retry(JobArgs),
    /// Leave a job out on purpose, with a reason.
    Skip(SkipArgs),
    /// Hand a job to a manual task.
    Manual(ManualArgs),
    /// Actions waiting for a supervisor's approval.
    Queue(QueueArgs),
    /// Print the data an export job received (personal data; needs a purpose).
    Export(ExportArgs),
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Manual tasks, soonest due first (open ones unless --all).
    List(TaskListArgs),
    /// Record that a task was done and what was found.
    Done(TaskDoneArgs),
}

/// An action number as typed (`A-12`, `12`).
#[derive(Debug, Clone, Copy)]
pub struct ActionIdArg(pub i64);
impl FromStr for ActionIdArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_ref('A', "an action", s).map(ActionIdArg)
    }
}

/// A job number as typed (`J-7`, `7`).
#[derive(Debug, Clone, Copy)]
pub struct JobIdArg(pub i64);
impl FromStr for JobIdArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_ref('J', "a job", s).map(JobIdArg)
    }
}

/// A task number as typed (`T-3`, `3`).
#[derive(Debug, Clone, Copy)]
pub struct TaskIdArg(pub i64);
impl FromStr for TaskIdArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_ref('T', "a task", s).map(TaskIdArg)
    }
}

/// An action kind or a request kind (`delete`, `erasure`).
#[derive(Debug, Clone, Copy)]
pub struct ActionKindArg(pub ActionKind);
impl FromStr for ActionKindArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ActionKind::parse(s).map(ActionKindArg).ok_or_else(|| {
            format!(
                "unknown action kind `{}`; accepted: {} (or a request kind such as erasure, rectification, opt_out)",
                crate::domain::text::escape_controls(s),
                ActionKind::ALL.map(|k| k.as_str()).join(", ")
            )
        })
    }
}

/// `SYSTEM:ID`.
#[derive(Debug, Clone)]
pub struct RecordArg(pub LinkedRecord);
impl FromStr for RecordArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        LinkedRecord::parse(s).map(RecordArg)
    }
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The case number.
    pub case: CaseIdArg,
    /// export, update, delete, suspend or stop_third_party (or a request
    /// kind); default: what the case's request kind maps to.
    #[arg(long)]
    pub kind: Option<ActionKindArg>,
    /// Only this system (repeatable); default: every system holding a linked record.
    #[arg(long = "system", value_name = "SYSTEM")]
    pub systems: Vec<String>,
    /// Only this linked record (repeatable).
    #[arg(long = "record", value_name = "SYSTEM:ID")]
    pub records: Vec<RecordArg>,
    /// A correction's new value (repeatable), e.g. --set email=hanako@example.jp.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Do this system's part by hand (repeatable).
    #[arg(long = "manual", value_name = "SYSTEM")]
    pub manual: Vec<String>,
    /// A note kept with the action (sent where a system asks for a reason).
    #[arg(long)]
    pub note: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DecideArgs {
    pub action: ActionIdArg,
    /// Why (kept with the decision and in the timeline).
    #[arg(long)]
    pub reason: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    pub action: ActionIdArg,
    /// One JSON object per line: each job update, then the report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    pub case: CaseIdArg,
    /// Show requests and corrections unmasked (needs --purpose; audited).
    #[arg(long, requires = "purpose")]
    pub reveal: bool,
    #[arg(long)]
    pub purpose: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct JobArgs {
    pub job: JobIdArg,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SkipArgs {
    pub job: JobIdArg,
    #[arg(long)]
    pub reason: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ManualArgs {
    pub job: JobIdArg,
    /// Who does it (default: the case's assignee, else the preparer).
    #[arg(long)]
    pub assignee: Option<String>,
    /// By when, YYYY-MM-DD (default: the case's due date).
    #[arg(long)]
    pub due: Option<String>,
    /// What to do (default: written from the job).
    #[arg(long)]
    pub instructions: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct QueueArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    pub job: JobIdArg,
    /// Why the data is read (audited).
    #[arg(long)]
    pub purpose: String,
}

#[derive(Debug, Args)]
pub struct TaskListArgs {
    /// Only tasks assigned to me.
    #[arg(long, conflicts_with = "assignee")]
    pub mine: bool,
    #[arg(long)]
    pub assignee: Option<String>,
    #[arg(long)]
    pub case: Option<CaseIdArg>,
    /// Completed tasks too.
    #[arg(long)]
    pub all: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TaskDoneArgs {
    pub task: TaskIdArg,
    /// What was found or done: e.g. "deleted", "no data held".
    #[arg(long)]
    pub result: String,
    #[arg(long)]
    pub note: Option<String>,
    #[arg(long)]
    pub json: bool,
}

fn pretty<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

pub async fn run(cli: &Cli, cmd: &ActionCommand) -> u8 {
    let desk = match connect(cli, "action").await {
        Ok(d) => d,
        Err(code) => return code,
    };
    let result = match cmd {
        ActionCommand::Plan(a) => plan(&desk, a).await,
        ActionCommand::Approve(a) => decide(&desk, a, true).await,
        ActionCommand::Deny(a) => decide(&desk, a, false).await,
        ActionCommand::Run(a) => run_action(&desk, a).await,
        ActionCommand::Status(a) => status(&desk, a).await,
        ActionCommand::Retry(a) => desk.retry_job(a.job.0).await.map(|v| {
            print_action(&v, a.json);
            EXIT_OK
        }),
        ActionCommand::Skip(a) => desk.skip_job(a.job.0, a.reason.clone()).await.map(|v| {
            print_action(&v, a.json);
            EXIT_OK
        }),
        ActionCommand::Manual(a) => manual(&desk, a).await,
        ActionCommand::Queue(a) => desk.actions_awaiting_approval().await.map(|list| {
            if a.json {
                outln!("{}", pretty(&list));
            } else if list.is_empty() {
                outln!("No actions wait for approval.");
            } else {
                for v in &list {
                    out!("{}", action_text(v));
                }
            }
            EXIT_OK
        }),
        ActionCommand::Export(a) => desk.export_data(a.job.0, a.purpose.clone()).await.map(|v| {
            outln!("{}", pretty(&v));
            EXIT_OK
        }),
    };
    result.unwrap_or_else(|e| fail(&e))
}

pub async fn run_task(cli: &Cli, cmd: &TaskCommand) -> u8 {
    let desk = match connect(cli, "task").await {
        Ok(d) => d,
        Err(code) => return code,
    };
    let result = match cmd {
        TaskCommand::List(a) => {
            let filter = TaskFilter {
                assignee: if a.mine {
                    Some(desk.operator().username.clone())
                } else {
                    a.assignee.clone()
                },
                include_done: a.all,
                case_id: a.case.as_ref().map(|c| c.0),
            };
            desk.list_tasks(filter).await.map(|tasks| {
                if a.json {
                    outln!("{}", pretty(&tasks));
                } else if tasks.is_empty() {
                    outln!("No tasks.");
                } else {
                    for t in &tasks {
                        outln!("{}", task_line(t));
                    }
                }
                EXIT_OK
            })
        }
        TaskCommand::Done(a) => desk
            .complete_task(a.task.0, a.result.clone(), a.note.clone())
            .await
            .map(|t| {
                if a.json {
                    outln!("{}", pretty(&t));
                } else {
                    outln!("{}", task_line(&t));
                }
                EXIT_OK
            }),
    };
    result.unwrap_or_else(|e| fail(&e))
}

fn print_action(v: &crate::desk::ActionView, json: bool) {
    if json {
        outln!("{}", pretty(v));
    } else {
        out!("{}", action_text(v));
    }
}

async fn plan(desk: &Client, a: &PlanArgs) -> Result<u8, DeskError> {
    let changes = parse_changes(&a.set)?;
    let req = ActionRequest {
        kind: a.kind.map(|k| k.0),
        systems: a.systems.clone(),
        records: a.records.iter().map(|r| r.0.clone()).collect(),
        changes,
        manual: a.manual.clone(),
        note: a.note.clone(),
    };
    let planned = desk.plan_action(a.case.0, req).await?;
    if a.json {
        outln!("{}", pretty(&planned));
    } else {
        out!("{}", action_text(&planned.action));
        for l in &planned.left_out {
            outln!("  left out: {l}");
        }
        if planned.action.status == crate::domain::ActionStatus::AwaitingApproval {
            outln!(
                "Next: a supervisor other than you approves it (privdesk action approve {} --reason ...).",
                planned.action.id
            );
        } else {
            outln!("Next: privdesk action run {}", planned.action.id);
        }
    }
    Ok(EXIT_OK)
}

async fn decide(desk: &Client, a: &DecideArgs, approve: bool) -> Result<u8, DeskError> {
    let v = desk
        .decide_action(a.action.0, approve, a.reason.clone())
        .await?;
    print_action(&v, a.json);
    Ok(EXIT_OK)
}

async fn run_action(desk: &Client, a: &RunArgs) -> Result<u8, DeskError> {
    use crate::client::streams::RunItem;
    let json = a.json;
    let mut run = desk.run_action(a.action.0).await?;
    let mut result = Err(DeskError::Unavailable(
        "the run's answer was cut off; the run goes on in the server: look with privdesk action status".into(),
    ));
    let mut printing = true;
    while let Some(item) = run.next().await {
        match item {
            RunItem::Job(u) => {
                if !printing {
                    continue;
                }
                let line = if json {
                    serde_json::to_string(&serde_json::json!({ "update": u })).unwrap_or_default()
                } else {
                    update_line(&u)
                };
                if super::emit(&format!("{line}\n")).is_err() {
                    printing = false;
                }
            }
            RunItem::Done(r) => {
                result = *r;
                break;
            }
        }
    }
    let report = result?;
    if json {
        outln!(
            "{}",
            serde_json::to_string(&serde_json::json!({ "report": report })).unwrap_or_default()
        );
    } else {
        out!("{}", action_text(&report.action));
        if report.unfinished > 0 {
            outln!(
                "{} job(s) not finished: run `privdesk action run {}` again later.",
                report.unfinished,
                report.action.id
            );
        }
    }
    Ok(if report.failed > 0 || report.unfinished > 0 {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    })
}

async fn status(desk: &Client, a: &StatusArgs) -> Result<u8, DeskError> {
    let purpose = if a.reveal { a.purpose.clone() } else { None };
    let v = desk.case_actions(a.case.0, purpose).await?;
    if a.json {
        outln!("{}", pretty(&v));
    } else {
        out!("{}", case_actions_text(&v));
    }
    Ok(EXIT_OK)
}

async fn manual(desk: &Client, a: &ManualArgs) -> Result<u8, DeskError> {
    let due = match &a.due {
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
                DeskError::Invalid(format!(
                    "`{}` is not a date; write YYYY-MM-DD",
                    crate::domain::text::escape_controls(d)
                ))
            })?,
        ),
        None => None,
    };
    let t = desk
        .job_to_manual(
            a.job.0,
            ManualInput {
                assignee: a.assignee.clone(),
                due,
                instructions: a.instructions.clone(),
            },
        )
        .await?;
    if a.json {
        outln!("{}", pretty(&t));
    } else {
        outln!("{}", task_line(&t));
    }
    Ok(EXIT_OK)
}
