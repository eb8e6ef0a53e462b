//! `privdesk case ...`: open, list, show and change cases.
//!
//! Changes take `--version V`, the version the operator looked at; without
//! it the current version is read just before writing, and a change landing
//! in between is still detected. Exit codes: 0 done, 2 bad input, unknown
//! case or not allowed, 4 the case changed since that version (nothing was
//! written; the changes since are printed), 1 store failures.

use super::case_args::*;
use super::case_output::{case_json, case_text, change_line, list_text, summaries_json};
use super::{connect, Cli, EXIT_CONFLICT, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::client::Client;
use crate::desk::{DeskError, DuplicateQuery};
use crate::domain::{
    AssigneeFilter, Case, CaseFilter, CaseId, Contact, LinkedRecord, NewCase, Representative,
    Requester, StatusChange, VerificationInput,
};
use chrono::{DateTime, FixedOffset};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a case for a contact (inquiry, complaint or rights request).
    New(Box<NewArgs>),
    /// The queue: cases not closed, soonest due first.
    List(ListArgs),
    /// Everything about one case (contact details masked unless revealed).
    Show(ShowArgs),
    /// Add an internal note, or a reply sent to the requester.
    Note(NoteArgs),
    /// Move a case to another status.
    Status(StatusArgs),
    /// Assign a case to an operator (supervisors), or take it (agents).
    Assign(AssignArgs),
    /// Escalate a case: priority urgent, noted on its timeline.
    Escalate(EscalateArgs),
    /// Record an identity check.
    Verify(VerifyArgs),
    /// Stop the deadline clock while waiting for identity documents or a fee.
    Pause(PauseArgs),
    /// End the running pause.
    Resume(ResumeArgs),
    /// Extend the deadline (GDPR, CCPA; notice given to the requester).
    Extend(ExtendArgs),
    /// Set, remove, or mark paid the fee (kinds that allow one only).
    Fee(FeeArgs),
    /// Link records found by a search to a case.
    Link(LinkArgs),
    /// Open cases that may be about the same person.
    Duplicates(DuplicatesArgs),
}

/// Prints the error and returns its exit code.
pub(crate) fn fail(e: &DeskError) -> u8 {
    eprintln!("privdesk: {e}");
    if let Some(code) = super::denied_exit(e) {
        return code;
    }
    match e {
        DeskError::Conflict(_) => EXIT_CONFLICT,
        DeskError::Invalid(_)
        | DeskError::Denied(_)
        | DeskError::Refused(_)
        | DeskError::NotFound(_)
        | DeskError::Config(_)
        | DeskError::Version(_) => EXIT_USAGE,
        DeskError::System { .. }
        | DeskError::Store(_)
        | DeskError::Server(_)
        | DeskError::Unavailable(_) => EXIT_FAILURE,
    }
}

fn usage(msg: String) -> u8 {
    eprintln!("privdesk: {msg}");
    EXIT_USAGE
}

pub async fn run(cli: &Cli, cmd: &CaseCommand) -> u8 {
    let desk = match connect(cli, "case").await {
        Ok(d) => d,
        Err(code) => return code,
    };
    let d = &desk;
    let result = match cmd {
        CaseCommand::New(a) => new(d, a).await,
        CaseCommand::List(a) => list(d, a).await,
        CaseCommand::Show(a) => show(d, a).await,
        CaseCommand::Note(a) => {
            change(d, &a.id, a.version, a.json, async |v| {
                let internal = !a.reply && !a.response;
                d.add_note(a.id.0, v, a.text.clone(), internal, a.response)
                    .await
            })
            .await
        }
        CaseCommand::Status(a) => {
            change(d, &a.id, a.version, a.json, async |v| {
                let sc = StatusChange {
                    to: Some(a.status.0),
                    reason: a.reason.clone(),
                    grounds: a.grounds.iter().map(|g| g.0).collect(),
                    outcome: a.outcome.map(|o| o.0),
                };
                let refusing = !sc.grounds.is_empty();
                let c = d.change_status(a.id.0, v, sc).await?;
                // The explanation goes into the refusal letter as typed.
                if let (true, Some(r)) = (refusing, a.reason.as_deref()) {
                    if let Some(w) = crate::domain::Lang::for_law(c.law).script_warning(r) {
                        eprintln!("privdesk: warning: {w}");
                    }
                }
                Ok(c)
            })
            .await
        }
        CaseCommand::Assign(a) => {
            change(d, &a.id, a.version, a.json, async |v| {
                let to = if a.nobody { None } else { a.user.clone() };
                if to.is_none() && !a.nobody {
                    return Err(DeskError::Invalid(
                        "name the operator to assign the case to, or give --nobody".into(),
                    ));
                }
                d.assign(a.id.0, v, to).await
            })
            .await
        }
        CaseCommand::Escalate(a) => {
            change(d, &a.id, a.version, a.json, async |v| {
                d.escalate(a.id.0, v).await
            })
            .await
        }
        CaseCommand::Verify(a) => {
            change(d, &a.id, a.version, a.json, async |v| {
                let input = VerificationInput {
                    method: a.method.clone(),
                    evidence: a.evidence.clone().unwrap_or_default(),
                    result: a.result.0,
                };
                d.verify_identity(a.id.0, v, input).await
            })
            .await
        }
        CaseCommand::Pause(a) => {
            change(d, &a.id, a.version, a.json, async |v| {
                let from = time_or_now(d, a.from.as_deref())?;
                let to = a.to.as_deref().map(|t| d.parse_time(t)).transpose()?;
                d.add_pause(a.id.0, v, from, to, a.reason.clone()).await
            })
            .await
        }
        CaseCommand::Resume(a) => {
            change(d, &a.id, a.version, a.json, async |v| {
                let at = time_or_now(d, a.at.as_deref())?;
                d.end_pause(a.id.0, v, at).await
            })
            .await
        }
        CaseCommand::Extend(a) => {
            change(d, &a.id, a.version, a.json, async |v| {
                d.extend(a.id.0, v, a.reason.clone(), a.notice_date.0).await
            })
            .await
        }
        CaseCommand::Fee(a) => {
            change(d, &a.id, a.version, a.json, async |mut v| {
                let mut last = None;
                if a.amount.is_some() || a.remove {
                    let c = d.set_fee(a.id.0, v, a.amount).await?;
                    v = c.version;
                    last = Some(c);
                }
                if a.paid || a.unpaid {
                    last = Some(d.set_fee_paid(a.id.0, v, a.paid).await?);
                }
                last.ok_or_else(|| {
                    DeskError::Invalid("give --amount YEN, --remove, --paid or --unpaid".into())
                })
            })
            .await
        }
        CaseCommand::Link(a) => {
            change(d, &a.id, a.version, a.json, async |v| {
                let links: Vec<LinkedRecord> = a.records.iter().map(|r| r.0.clone()).collect();
                d.link_records(a.id.0, v, links).await
            })
            .await
        }
        CaseCommand::Duplicates(a) => duplicates(d, a).await,
    };
    result.unwrap_or_else(|e| fail(&e))
}

/// `--at`/`--from` or now.
fn time_or_now(desk: &Client, s: Option<&str>) -> Result<DateTime<FixedOffset>, DeskError> {
    match s {
        Some(t) => desk.parse_time(t),
        None => Ok(desk.local_now()),
    }
}

/// Runs one change with the given version, or the current one read just
/// before; prints the result line (or the case as JSON).
async fn change(
    desk: &Client,
    id: &CaseIdArg,
    version: Option<i64>,
    json: bool,
    op: impl AsyncFnOnce(i64) -> Result<Case, DeskError>,
) -> Result<u8, DeskError> {
    let v = match version {
        Some(v) => v,
        None => desk.case_version(id.0).await?,
    };
    let case = op(v).await?;
    if json {
        outln!("{}", pretty(&case_json(&case, false)));
    } else {
        outln!("{}", change_line(&case, desk.today()));
    }
    Ok(EXIT_OK)
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

async fn new(desk: &Client, a: &NewArgs) -> Result<u8, DeskError> {
    let received = match &a.received {
        Some(r) => Some(desk.parse_time(r)?),
        None => None,
    };
    let representative = match (&a.representative, &a.relation) {
        (Some(name), Some(relation)) => Some(Representative {
            name: name.clone(),
            relation: relation.clone(),
            proof: a.proof.clone(),
        }),
        (Some(_), None) => {
            return Ok(usage(
                "--representative needs --relation (e.g. \"legal guardian\", \"attorney\")".into(),
            ))
        }
        (None, _) if a.relation.is_some() || a.proof.is_some() => {
            return Ok(usage(
                "--relation and --proof describe a representative: give --representative NAME too"
                    .into(),
            ))
        }
        (None, _) => None,
    };
    let new = NewCase {
        category: a.category.0,
        kind: a.kind.map(|k| k.0),
        law: a.law.map(|l| l.0),
        channel: a.channel.clone(),
        received_at: received,
        requester: Requester {
            name: a.requester_name.clone(),
            contact: Contact {
                email: a.requester_email.clone(),
                phone: a.requester_phone.clone(),
                postal_address: a.requester_address.clone(),
            },
            reply_channel: a.reply_channel.clone(),
            representative,
        },
        description: a.description.clone().unwrap_or_default(),
        priority: a.priority.map(|p| p.0),
        assignee: a.assignee.clone(),
        delivery_format: a.delivery.map(|d| d.0),
        links: a.links.iter().map(|l| l.0.clone()).collect(),
    };
    let case = desk.create_case(new.clone(), vec![]).await?;
    // Possible duplicates are worth a warning, not a refusal: the same
    // person may well have two requests open.
    let dupes = desk
        .find_open_cases_for(DuplicateQuery {
            records: new
                .links
                .iter()
                .map(|l| (l.system.clone(), l.record_id.clone()))
                .collect(),
            email: new.requester.contact.email.clone(),
            phone: new.requester.contact.phone.clone(),
            exclude: Some(case.id),
        })
        .await;
    if let Ok(d) = &dupes {
        if !d.is_empty() {
            let ids: Vec<String> = d.iter().map(|s| s.id.to_string()).collect();
            eprintln!(
                "privdesk: note: open cases for the same records or contact: {}",
                ids.join(", ")
            );
        }
    }
    if a.json {
        outln!("{}", pretty(&case_json(&case, false)));
    } else {
        outln!("{}", change_line(&case, desk.today()));
    }
    Ok(EXIT_OK)
}

async fn list(desk: &Client, a: &ListArgs) -> Result<u8, DeskError> {
    let assignee = if a.mine {
        AssigneeFilter::User(desk.operator().username.clone())
    } else if a.unassigned {
        AssigneeFilter::Unassigned
    } else {
        a.assignee
            .clone()
            .map_or(AssigneeFilter::Anyone, AssigneeFilter::User)
    };
    let filter = CaseFilter {
        status: a.status.map(|s| s.0),
        include_closed: a.all,
        assignee,
        overdue: a.overdue,
        category: a.category.map(|c| c.0),
        law: a.law.map(|l| l.0),
        text: a.text.clone(),
        limit: Some(a.limit),
    };
    let rows = desk.list_cases(filter).await?;
    if a.json {
        outln!("{}", pretty(&summaries_json(&rows)));
    } else {
        out!("{}", list_text(&rows));
    }
    Ok(EXIT_OK)
}

async fn show(desk: &Client, a: &ShowArgs) -> Result<u8, DeskError> {
    let view = if a.reveal {
        desk.reveal_case(a.id.0, a.purpose.clone().unwrap_or_default())
            .await?
            .view
    } else {
        desk.get_case(a.id.0, false).await?
    };
    if a.json {
        let mut v = serde_json::to_value(&view).unwrap_or_default();
        super::case_output::mask_json(&mut v, a.reveal);
        outln!("{}", pretty(&v));
    } else {
        out!(
            "{}",
            case_text(&view, a.reveal, desk.today(), desk.calendar().time_zone())
        );
    }
    Ok(EXIT_OK)
}

async fn duplicates(desk: &Client, a: &DuplicatesArgs) -> Result<u8, DeskError> {
    let rows = desk
        .find_open_cases_for(DuplicateQuery {
            records: a
                .links
                .iter()
                .map(|l| (l.0.system.clone(), l.0.record_id.clone()))
                .collect(),
            email: a.email.clone(),
            phone: a.phone.clone(),
            exclude: a.exclude.as_ref().map(|i: &CaseIdArg| i.0),
        })
        .await?;
    if a.json {
        outln!("{}", pretty(&summaries_json(&rows)));
    } else {
        out!("{}", list_text(&rows));
    }
    Ok(EXIT_OK)
}

/// A case number as typed (`PD-2026-000123`, `2026-123`).
#[derive(Debug, Clone)]
pub struct CaseIdArg(pub CaseId);

impl std::str::FromStr for CaseIdArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        CaseId::parse(s).map(CaseIdArg)
    }
}
