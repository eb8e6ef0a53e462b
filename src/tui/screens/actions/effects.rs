//! The calls behind the action screens' effects that need more than one
//! call or some wording: job and task changes, and the package lines.

use crate::client::Client;
use crate::desk::{ManualInput, PackageReport};
use crate::domain::CaseId;
use crate::tui::app::{JobOp, PackageStatus};

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
