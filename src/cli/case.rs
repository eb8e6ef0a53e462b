//! `privdesk case ...`: open, list, show and change cases.
//!
//! Changes take `--version V`, the version the operator looked at; without
//! it the current version is read just before writing, and a change landing
//! in between is still detected. Exit codes: 0 done, 2 bad input, unknown
//! case or not allowed, 4 the case changed since that version (nothing was
//! written; the changes since are printed), 1 store failures.

use super::case_args::*;
use super::case_output::{case_json, case_text, change_line, list_text, summaries_json};
use super::{load_config, open_desk, Cli, EXIT_CONFLICT, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::desk::{Desk, DeskError, DuplicateQuery};
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

pub fn run(cli: &Cli, cmd: &CaseCommand) -> u8 {
    let desk = match load_config(cli).and_then(|cfg| open_desk(cli, cfg)) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let result = match cmd {
        CaseCommand::New(a) => new(&desk, a),
        CaseCommand::List(a) => list(&desk, a),
        CaseCommand::Show(a) => show(&desk, a),
        CaseCommand::Note(a) => change(&desk, &a.id, a.version, a.json, |v| {
            let internal = !a.reply && !a.response;
            desk.add_note(a.id.0, v, &a.text, internal, a.response)
        }),
        CaseCommand::Status(a) => change(&desk, &a.id, a.version, a.json, |v| {
            let sc = StatusChange {
                to: Some(a.status.0),
                reason: a.reason.clone(),
                grounds: a.grounds.iter().map(|g| g.0).collect(),
                outcome: a.outcome.map(|o| o.0),
            };
            desk.change_status(a.id.0, v, &sc)
        }),
        CaseCommand::Assign(a) => change(&desk, &a.id, a.version, a.json, |v| {
            let to = if a.nobody { None } else { a.user.as_deref() };
            if to.is_none() && !a.nobody {
                return Err(DeskError::Invalid(
                    "name the operator to assign the case to, or give --nobody".into(),
                ));
            }
            desk.assign(a.id.0, v, to)
        }),
        CaseCommand::Escalate(a) => change(&desk, &a.id, a.version, a.json, |v| {
            desk.escalate(a.id.0, v)
        }),
        CaseCommand::Verify(a) => change(&desk, &a.id, a.version, a.json, |v| {
            let input = VerificationInput {
                method: a.method.clone(),
                evidence: a.evidence.clone().unwrap_or_default(),
                result: a.result.0,
            };
            desk.verify_identity(a.id.0, v, &input)
        }),
        CaseCommand::Pause(a) => change(&desk, &a.id, a.version, a.json, |v| {
            let from = time_or_now(&desk, a.from.as_deref())?;
            let to = a.to.as_deref().map(|t| desk.parse_time(t)).transpose()?;
            desk.add_pause(a.id.0, v, from, to, &a.reason)
        }),
        CaseCommand::Resume(a) => change(&desk, &a.id, a.version, a.json, |v| {
            let at = time_or_now(&desk, a.at.as_deref())?;
            desk.end_pause(a.id.0, v, at)
        }),
        CaseCommand::Extend(a) => change(&desk, &a.id, a.version, a.json, |v| {
            desk.extend(a.id.0, v, &a.reason, a.notice_date.0)
        }),
        CaseCommand::Fee(a) => change(&desk, &a.id, a.version, a.json, |mut v| {
            let mut last = None;
            if a.amount.is_some() || a.remove {
                let c = desk.set_fee(a.id.0, v, a.amount)?;
                v = c.version;
                last = Some(c);
            }
            if a.paid || a.unpaid {
                last = Some(desk.set_fee_paid(a.id.0, v, a.paid)?);
            }
            last.ok_or_else(|| {
                DeskError::Invalid("give --amount YEN, --remove, --paid or --unpaid".into())
            })
        }),
        CaseCommand::Link(a) => change(&desk, &a.id, a.version, a.json, |v| {
            let links: Vec<LinkedRecord> = a.records.iter().map(|r| r.0.clone()).collect();
            desk.link_records(a.id.0, v, &links)
        }),
        CaseCommand::Duplicates(a) => duplicates(&desk, a),
    };
    result.unwrap_or_else(|e| fail(&e))
}

/// `--at`/`--from` or now.
fn time_or_now(desk: &Desk, s: Option<&str>) -> Result<DateTime<FixedOffset>, DeskError> {
    match s {
        Some(t) => desk.parse_time(t),
        None => Ok(desk.local_now()),
    }
}

/// Runs one change with the given version, or the current one read just
/// before; prints the result line (or the case as JSON).
fn change(
    desk: &Desk,
    id: &CaseIdArg,
    version: Option<i64>,
    json: bool,
    op: impl FnOnce(i64) -> Result<Case, DeskError>,
) -> Result<u8, DeskError> {
    let v = match version {
        Some(v) => v,
        None => desk.case_version(id.0)?,
    };
    let case = op(v)?;
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

fn new(desk: &Desk, a: &NewArgs) -> Result<u8, DeskError> {
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
    let case = desk.create_case(&new)?;
    // Possible duplicates are worth a warning, not a refusal: the same
    // person may well have two requests open.
    let dupes = desk.find_open_cases_for(&DuplicateQuery {
        records: new
            .links
            .iter()
            .map(|l| (l.system.clone(), l.record_id.clone()))
            .collect(),
        email: new.requester.contact.email.clone(),
        phone: new.requester.contact.phone.clone(),
        exclude: Some(case.id),
    });
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

fn list(desk: &Desk, a: &ListArgs) -> Result<u8, DeskError> {
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
    let rows = desk.list_cases(&filter)?;
    if a.json {
        outln!("{}", pretty(&summaries_json(&rows)));
    } else {
        out!("{}", list_text(&rows));
    }
    Ok(EXIT_OK)
}

fn show(desk: &Desk, a: &ShowArgs) -> Result<u8, DeskError> {
    let view = desk.get_case(a.id.0)?;
    if a.reveal {
        desk.reveal_case(a.id.0, a.purpose.as_deref().unwrap_or_default())?;
    }
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

fn duplicates(desk: &Desk, a: &DuplicatesArgs) -> Result<u8, DeskError> {
    let rows = desk.find_open_cases_for(&DuplicateQuery {
        records: a
            .links
            .iter()
            .map(|l| (l.0.system.clone(), l.0.record_id.clone()))
            .collect(),
        email: a.email.clone(),
        phone: a.phone.clone(),
        exclude: a.exclude.as_ref().map(|i: &CaseIdArg| i.0),
    })?;
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
