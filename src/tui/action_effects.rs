//! The desk calls behind the action screens' effects that need more than
//! one call or some wording: job and task changes, and the package lines.

use super::app::{JobOp, PackageStatus};
use crate::desk::{Desk, ManualInput, PackageReport};
use crate::domain::CaseId;

/// Carry out a job or task command; the words for the message line.
pub fn change_job(desk: &Desk, op: &JobOp) -> Result<String, String> {
    let r = match op {
        JobOp::Retry { job } => desk
            .retry_job(*job)
            .map(|a| format!("J-{job} is queued again; e runs {} ({})", a.id, a.progress)),
        JobOp::Skip { job, reason } => desk
            .skip_job(*job, reason)
            .map(|a| format!("J-{job} skipped ({})", a.progress)),
        JobOp::Manual { job, input } => desk
            .job_to_manual(
                *job,
                &ManualInput {
                    assignee: input.assignee.clone(),
                    due: input.due,
                    instructions: input.instructions.clone(),
                },
            )
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
        JobOp::TaskDone { task, result, note } => desk
            .complete_task(*task, result, note.as_deref())
            .map(|t| format!("{} done: {}", t.id, t.result.unwrap_or_default())),
    };
    r.map_err(|e| e.to_string())
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

/// Check the latest package of a case against its manifest and the audit log.
pub fn verify(desk: &Desk, case: CaseId) -> Result<PackageStatus, String> {
    let latest = desk
        .latest_package(case)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no package has been built for {case} yet; p builds one"))?;
    let check = desk
        .verify_package(&latest.dir)
        .map_err(|e| e.to_string())?;
    let dir = latest.dir.display().to_string();
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
