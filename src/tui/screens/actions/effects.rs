//! The calls behind the action screens' effects that need more than one
//! call or some wording: job and task changes, and the package lines.

use crate::client::Client;
use crate::desk::{ManualInput, PackageReport};
use crate::domain::CaseId;
use crate::tui::app::*;
use crate::tui::app::{JobOp, PackageStatus};
use crate::tui::effects::{spawn, Cx};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// Carry out a job or task command; the words for the message line.
pub async fn change_job(c: &Client, op: &JobOp) -> Result<String, String> {
    let r = match op.clone() {
        JobOp::Retry { job } => c
            .retry_job(job)
            .await
            .map(|a| format!("J-{job} is queued again; e runs {} ({})", a.id, a.progress)),
        JobOp::Skip { job, reason } => c
            .skip_job(job, reason)
            .await
            .map(|a| format!("J-{job} skipped ({})", a.progress)),
        JobOp::Manual { job, input } => c
            .job_to_manual(
                job,
                ManualInput {
                    assignee: input.assignee.clone(),
                    due: input.due,
                    instructions: input.instructions.clone(),
                },
            )
            .await
            .map(|t| {
                format!(
                    "J-{job} handed to {}{}",
                    t.id,
                    t.assignee
                        .as_deref()
                        .map(|a| format!(" for {a}"))
                        .unwrap_or_default()
                )
            }),
        JobOp::TaskDone { task, result, note } => c
            .complete_task(task, result, note)
            .await
            .map(|t| format!("{} done: {}", t.id, t.result.unwrap_or_default())),
    };
    r.map_err(|e| e.to_string())
}

/// Build the package in the server and fetch the operator's copy into
/// their data folder.
pub async fn build(c: &Client, case: CaseId) -> Result<PackageStatus, String> {
    crate::client::build_and_fetch(c, case, None, None, Vec::new())
        .await
        .map(|r| built(&r))
        .map_err(|e| e.to_string())
}

/// What a build came to: complete or INCOMPLETE (naming the systems), and where.
pub fn built(r: &PackageReport) -> PackageStatus {
    let dir = r.dir.display().to_string();
    let summary = if r.complete {
        format!("complete · {dir}")
    } else {
        let systems: Vec<&str> = r
            .problems
            .iter()
            .filter_map(|p| p.split(':').next())
            .collect();
        format!("INCOMPLETE ({}) · {dir}", systems.join(", "))
    };
    PackageStatus {
        case: r.case_id,
        busy: false,
        summary,
        bad: !r.complete,
        problems: r.problems.clone(),
    }
}

/// Check the latest package of a case (the server's copy) against its
/// manifest and the audit log.
pub async fn verify(c: &Client, case: CaseId) -> Result<PackageStatus, String> {
    let check = c
        .verify_latest_package(case)
        .await
        .map_err(|e| e.to_string())?;
    let dir = check.dir.display().to_string();
    let (summary, bad) = if !check.intact() {
        (format!("{} problem(s) · {dir}", check.problems.len()), true)
    } else if check.complete() {
        (format!("intact and complete · {dir}"), false)
    } else {
        (format!("intact but INCOMPLETE · {dir}"), true)
    };
    Ok(PackageStatus {
        case,
        busy: false,
        summary,
        bad,
        problems: check.problems,
    })
}

/// Start one of this screen's effects.
pub fn run(cx: &Cx, e: ActionsEffect) -> Option<JoinHandle<()>> {
    let c = cx.client.clone();
    let tx = cx.tx.clone();
    match e {
        ActionsEffect::Load { case } => spawn(async move {
            let result = c
                .case_actions(case, None)
                .await
                .map(Box::new)
                .map_err(|e| e.to_string());
            let _ = tx.send(ActionsMsg::Loaded { case, result }.into());
        }),
        ActionsEffect::Preview { case, request } => spawn(async move {
            let result = c
                .preview_action(case, request)
                .await
                .map(Box::new)
                .map_err(|e| e.to_string());
            let _ = tx.send(ActionsMsg::Previewed { case, result }.into());
        }),
        ActionsEffect::Plan { case, request } => spawn(async move {
            let result = c
                .plan_action(case, request)
                .await
                .map(Box::new)
                .map_err(|e| e.to_string());
            let _ = tx.send(ActionsMsg::Planned { case, result }.into());
        }),
        ActionsEffect::Decide(d) => spawn(async move {
            let (action, approve) = (d.reference.clone(), d.approve);
            let result = decide(&c, d).await;
            let _ = tx.send(
                ActionsMsg::Decided {
                    action,
                    approve,
                    result,
                }
                .into(),
            );
        }),
        ActionsEffect::Run { id, reference } => {
            let running = cx.running.clone();
            let fresh = running.lock().map(|mut r| r.insert(id)).unwrap_or(false);
            if !fresh {
                let _ = tx.send(
                    ActionsMsg::Ran {
                        action: reference.clone(),
                        result: Err(format!(
                            "{reference} is running already; wait for it to end"
                        )),
                    }
                    .into(),
                );
                return None;
            }
            spawn(async move {
                run_action(c, tx, id, reference).await;
                if let Ok(mut r) = running.lock() {
                    r.remove(&id);
                }
            })
        }
        ActionsEffect::ChangeJob(op) => spawn(async move {
            let result = change_job(&c, &op).await;
            let _ = tx.send(ActionsMsg::JobChanged { op, result }.into());
        }),
        ActionsEffect::BuildPackage { case } => spawn(async move {
            let result = build(&c, case).await;
            let _ = tx.send(
                ActionsMsg::PackageDone {
                    case,
                    verify: false,
                    result,
                }
                .into(),
            );
        }),
        ActionsEffect::VerifyPackage { case } => spawn(async move {
            let result = verify(&c, case).await;
            let _ = tx.send(
                ActionsMsg::PackageDone {
                    case,
                    verify: true,
                    result,
                }
                .into(),
            );
        }),
        ActionsEffect::RenderLetter { case, template } => spawn(async move {
            let result = c
                .preview_letter(case, template.clone(), None)
                .await
                .map(|l| l.text)
                .map_err(|e| e.to_string());
            let _ = tx.send(
                ActionsMsg::LetterRendered {
                    case,
                    template,
                    result,
                }
                .into(),
            );
        }),
    }
}

/// Run an action, sending each job's change back as it happens, then the
/// report.
async fn run_action(c: Client, tx: UnboundedSender<Msg>, id: i64, reference: String) {
    use crate::client::streams::RunItem;
    let result = match c.run_action(id).await {
        Err(e) => Err(e.to_string()),
        Ok(mut run) => {
            let mut last = Err("the run's answer was cut off; the run goes on in the server: f loads the panel again".to_string());
            while let Some(item) = run.next().await {
                match item {
                    RunItem::Job(update) => {
                        let _ = tx.send(
                            ActionsMsg::JobProgress {
                                action: reference.clone(),
                                update: Box::new(update),
                            }
                            .into(),
                        );
                    }
                    RunItem::Done(r) => {
                        last = r.map(Box::new).map_err(|e| e.to_string());
                        break;
                    }
                }
            }
            last
        }
    };
    let _ = tx.send(
        ActionsMsg::Ran {
            action: reference,
            result,
        }
        .into(),
    );
}

/// Send a decision to the desk: the action as decided, or why not.
pub(crate) async fn decide(
    c: &crate::client::Client,
    d: super::decision::Decision,
) -> Result<Box<crate::desk::ActionView>, String> {
    c.decide_action(d.id, d.approve, d.reason)
        .await
        .map(Box::new)
        .map_err(|e| e.to_string())
}
