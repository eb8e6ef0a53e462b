//! The rules a case obeys, as plain functions on [`Case`]: what a new case
//! needs, which status changes are allowed and what each one needs, fees,
//! delivery formats, pauses and extensions. Who may do what is decided in
//! the desk; these rules hold for everybody.

use super::case::{
    Case, CaseExtension, CasePause, DeliveryFormat, Fee, NewCase, Representative, Requester,
    Verification, VerificationInput, VerificationResult,
};
use super::case_id::CaseId;
use super::case_status::{join, CaseStatus, Outcome, Priority, RefusalGround, TransitionError};
use super::request::{Category, Law, RequestKind};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Longest description, note or reply, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Longest short field (a name, a method, a reason), in characters.
pub const MAX_FIELD_CHARS: usize = 500;
/// How far in the future a receipt time may lie (clocks differ a little).
const CLOCK_SKEW_MINUTES: i64 = 5;

/// Why a change to a case was refused. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseRuleError {
    #[error("{0}")]
    Transition(TransitionError),
    #[error("case {0} is closed; a closed case cannot be changed")]
    Closed(CaseId),
    #[error("{0}")]
    Invalid(String),
}

fn invalid<T>(msg: impl Into<String>) -> Result<T, CaseRuleError> {
    Err(CaseRuleError::Invalid(msg.into()))
}

/// A status change as asked for by an operator.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatusChange {
    pub to: Option<CaseStatus>,
    /// Why: required for on_hold; kept as the hold reason, the refusal's
    /// explanation or the resolution when closing.
    pub reason: Option<String>,
    /// Required (one or more) when refusing.
    pub grounds: Vec<RefusalGround>,
    /// Required when closing a responded case; implied from refused/withdrawn.
    pub outcome: Option<Outcome>,
}

impl StatusChange {
    pub fn to(status: CaseStatus) -> StatusChange {
        StatusChange {
            to: Some(status),
            ..StatusChange::default()
        }
    }
}

/// Trimmed text, refused when too long or holding control characters other
/// than line breaks and tabs. `None` for empty.
pub fn clean_text(field: &str, s: &str, max: usize) -> Result<Option<String>, CaseRuleError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return invalid(format!("{field} is longer than {max} characters"));
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return invalid(format!(
            "{field} contains control characters; remove them and try again"
        ));
    }
    Ok(Some(t.to_string()))
}

/// As [`clean_text`], but empty is refused.
pub fn required_text(field: &str, s: &str, max: usize) -> Result<String, CaseRuleError> {
    clean_text(field, s, max)?.ok_or_else(|| CaseRuleError::Invalid(format!("{field} is required")))
}

fn opt_field(field: &str, s: &Option<String>) -> Result<Option<String>, CaseRuleError> {
    match s {
        Some(s) => clean_text(field, s, MAX_FIELD_CHARS),
        None => Ok(None),
    }
}

/// The kind and law of a new case: rights requests need a kind and take its
/// law; other contacts have no kind and default to APPI. A law that does not
/// match the kind is refused.
pub fn resolve_law(
    category: Category,
    kind: Option<RequestKind>,
    law: Option<Law>,
) -> Result<(Option<RequestKind>, Law), CaseRuleError> {
    match (category, kind) {
        (Category::RightsRequest, None) => invalid(format!(
            "a rights request needs a kind; kinds: {}",
            join(RequestKind::ALL.iter().map(|k| k.as_str()))
        )),
        (Category::RightsRequest, Some(k)) => match law {
            Some(l) if l != k.law() => invalid(format!(
                "the kind {} belongs to {}, not {}; {} kinds: {}",
                k.as_str(),
                k.law().label(),
                l.label(),
                l.label(),
                join(RequestKind::of_law(l).iter().map(|k| k.as_str()))
            )),
            _ => Ok((Some(k), k.law())),
        },
        (other, Some(k)) => invalid(format!(
            "a kind ({}) is only given for rights requests, not for a {}",
            k.as_str(),
            other.as_str()
        )),
        (_, None) => Ok((None, law.unwrap_or(Law::Appi))),
    }
}

/// The channel as stored (lower case, `-`/space as `_`) if it is one of
/// `accepted`.
pub fn check_channel(channel: &str, accepted: &[String]) -> Result<String, CaseRuleError> {
    let c = channel.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    if accepted.contains(&c) {
        return Ok(c);
    }
    let hint = if c == "in_person" {
        " (requests are not accepted in person unless [cases] channels lists in_person)"
    } else {
        ""
    };
    invalid(format!(
        "channel `{}` is not accepted{hint}; accepted: {}",
        super::text::escape_controls(channel.trim()),
        accepted.join(", ")
    ))
}

/// A fee is refused on kinds that allow none (APPI Art. 38 allows fees for
/// purpose notification and disclosure only; GDPR/CCPA requests are free).
pub fn check_fee(kind: Option<RequestKind>, amount_jpy: u32) -> Result<(), CaseRuleError> {
    match kind {
        Some(k) if k.fee_allowed() => {
            if amount_jpy == 0 {
                invalid("a fee must be more than 0 yen (remove the fee instead)")
            } else {
                Ok(())
            }
        }
        Some(k) => invalid(format!(
            "no fee may be charged for {} requests ({}); fees are allowed only for: {}",
            k.as_str(),
            k.label(),
            join(
                RequestKind::ALL
                    .iter()
                    .filter(|k| k.fee_allowed())
                    .map(|k| k.as_str())
            )
        )),
        None => invalid("no fee may be charged for an inquiry or a complaint"),
    }
}

/// A delivery format applies to disclosure kinds only.
pub fn check_delivery(kind: Option<RequestKind>) -> Result<(), CaseRuleError> {
    match kind {
        Some(k) if k.is_disclosure() => Ok(()),
        _ => invalid(format!(
            "a delivery format applies to disclosure requests only ({})",
            join(
                RequestKind::ALL
                    .iter()
                    .filter(|k| k.is_disclosure())
                    .map(|k| k.as_str())
            )
        )),
    }
}

/// Requester details with text fields cleaned and the reply channel checked.
pub fn clean_requester(r: &Requester, channels: &[String]) -> Result<Requester, CaseRuleError> {
    let reply_channel = match &r.reply_channel {
        Some(c) if !c.trim().is_empty() => Some(check_channel(c, channels)?),
        _ => None,
    };
    let representative = match &r.representative {
        Some(rep) => Some(clean_representative(rep)?),
        None => None,
    };
    Ok(Requester {
        name: opt_field("the requester's name", &r.name)?,
        contact: super::case::Contact {
            email: opt_field("the email address", &r.contact.email)?,
            phone: opt_field("the phone number", &r.contact.phone)?,
            postal_address: opt_field("the postal address", &r.contact.postal_address)?,
        },
        reply_channel,
        representative,
    })
}

/// A representative needs a name and the relation to the person.
pub fn clean_representative(r: &Representative) -> Result<Representative, CaseRuleError> {
    Ok(Representative {
        name: required_text("the representative's name", &r.name, MAX_FIELD_CHARS)?,
        relation: required_text(
            "the representative's relation (e.g. legal guardian, attorney)",
            &r.relation,
            MAX_FIELD_CHARS,
        )?,
        proof: opt_field("the proof of representation", &r.proof)?,
    })
}

fn check_received(
    received: DateTime<FixedOffset>,
    now: DateTime<Utc>,
) -> Result<(), CaseRuleError> {
    if received.with_timezone(&Utc) > now + Duration::minutes(CLOCK_SKEW_MINUTES) {
        return invalid(format!(
            "the receipt time {} lies in the future",
            received.to_rfc3339()
        ));
    }
    Ok(())
}

/// Builds the case for `new`, checked. The case number is a placeholder
/// (`PD-0000-000000`) until the store allocates one.
pub fn new_case(
    new: &NewCase,
    channels: &[String],
    received_at: DateTime<FixedOffset>,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<Case, CaseRuleError> {
    let (kind, law) = resolve_law(new.category, new.kind, new.law)?;
    let channel = check_channel(&new.channel, channels)?;
    check_received(received_at, now)?;
    let requester = clean_requester(&new.requester, channels)?;
    if new.category == Category::RightsRequest
        && requester.name.is_none()
        && requester.contact.is_empty()
    {
        return invalid(
            "a rights request needs the requester's name or a way to contact them \
             (to verify identity and to answer)",
        );
    }
    let delivery_format = match kind {
        Some(k) if k.is_disclosure() => Some(new.delivery_format.unwrap_or_default()),
        _ if new.delivery_format.is_some() => {
            check_delivery(kind)?;
            None
        }
        _ => None,
    };
    let description =
        clean_text("the description", &new.description, MAX_TEXT_CHARS)?.unwrap_or_default();
    Ok(Case {
        id: CaseId::new(0, 0),
        version: 1,
        created_by: created_by.to_string(),
        created_at: now,
        updated_at: now,
        received_at,
        channel,
        category: new.category,
        kind,
        law,
        priority: new.priority.unwrap_or(Priority::Normal),
        assignee: new.assignee.clone(),
        status: CaseStatus::New,
        held_from: None,
        hold_reason: None,
        approval_requested_by: None,
        description,
        requester,
        verification: None,
        delivery_format,
        fee: None,
        refusal_grounds: Vec::new(),
        outcome: None,
        resolution: None,
        pauses: Vec::new(),
        extension: None,
        response: None,
        deadlines: None,
        closed_at: None,
    })
}

/// Refuses any change to a closed case.
pub fn ensure_editable(case: &Case) -> Result<(), CaseRuleError> {
    if case.status == CaseStatus::Closed {
        Err(CaseRuleError::Closed(case.id))
    } else {
        Ok(())
    }
}

/// Moves the case to `change.to`, checking the transition table and what
/// the new status needs.
pub fn apply_status(
    case: &mut Case,
    change: &StatusChange,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    let Some(to) = change.to else {
        return invalid(format!(
            "a new status is required; from {} allowed: {}",
            case.status,
            join(case.status.allowed_next().iter().map(|s| s.as_str()))
        ));
    };
    let from = case.status;
    from.check_transition(to)
        .map_err(CaseRuleError::Transition)?;
    let reason = clean_text(
        "the reason",
        change.reason.as_deref().unwrap_or(""),
        MAX_TEXT_CHARS,
    )?;
    let mut grounds = change.grounds.clone();
    grounds.sort();
    grounds.dedup();
    let refusing = to == CaseStatus::Refused
        || (to == CaseStatus::Closed && change.outcome == Some(Outcome::Refused));
    if !grounds.is_empty() && !refusing {
        return invalid("refusal grounds are only given when refusing");
    }
    if change.outcome.is_some() && to != CaseStatus::Closed {
        return invalid("an outcome is only given when closing a case");
    }

    if from == CaseStatus::AwaitingApproval {
        if case.approval_requested_by.as_deref() == Some(operator) {
            return invalid(format!(
                "four-eyes rule: {operator} asked for this approval and cannot give or refuse it; another supervisor must"
            ));
        }
        case.approval_requested_by = None;
    }
    if from == CaseStatus::OnHold {
        case.held_from = None;
        case.hold_reason = None;
    }

    match to {
        CaseStatus::OnHold => {
            let Some(r) = reason else {
                return invalid("putting a case on hold needs a reason");
            };
            case.held_from = Some(from);
            case.hold_reason = Some(r);
        }
        CaseStatus::AwaitingApproval => case.approval_requested_by = Some(operator.to_string()),
        CaseStatus::Responded if case.response.is_none() => {
            return invalid(
                "no reply is marked as the response yet; add the reply sent to the requester \
                 as the response first (a reply with \"is the response\" set)",
            );
        }
        CaseStatus::InProgress if from == CaseStatus::Responded => {
            // Reopened: the earlier answer no longer closes the request.
            case.response = None;
        }
        CaseStatus::Refused => {
            if grounds.is_empty() {
                return invalid(format!(
                    "refusing needs at least one statutory ground: {}",
                    join(RefusalGround::ALL.iter().map(|g| g.as_str()))
                ));
            }
            case.refusal_grounds = grounds.clone();
            if reason.is_some() {
                case.resolution = reason.clone();
            }
        }
        CaseStatus::Closed => {
            let outcome = closing_outcome(case, change.outcome, &grounds)?;
            if outcome == Outcome::Refused && !grounds.is_empty() {
                case.refusal_grounds = grounds.clone();
            }
            case.outcome = Some(outcome);
            case.closed_at = Some(now);
            if reason.is_some() {
                case.resolution = reason.clone();
            }
        }
        CaseStatus::Withdrawn if reason.is_some() => case.resolution = reason.clone(),
        _ => {}
    }
    case.status = to;
    Ok(())
}

/// The outcome a case closes with: implied by refused/withdrawn, given for a
/// responded case.
fn closing_outcome(
    case: &Case,
    given: Option<Outcome>,
    grounds: &[RefusalGround],
) -> Result<Outcome, CaseRuleError> {
    let implied = match case.status {
        CaseStatus::Refused => Some(Outcome::Refused),
        CaseStatus::Withdrawn => Some(Outcome::Withdrawn),
        _ => None,
    };
    match (implied, given) {
        (Some(i), None) => Ok(i),
        (Some(i), Some(g)) if i == g => Ok(i),
        (Some(i), Some(g)) => invalid(format!(
            "a {} case closes with the outcome {}, not {}",
            case.status,
            i.as_str(),
            g.as_str()
        )),
        (None, None) => invalid(format!(
            "closing needs an outcome: {}",
            join([Outcome::Fulfilled, Outcome::PartlyFulfilled, Outcome::Refused].iter().map(|o| o.as_str()))
        )),
        (None, Some(Outcome::Withdrawn)) => invalid(
            "a withdrawn request is set to withdrawn first (the answer was already sent: close it as fulfilled, partly_fulfilled or refused)",
        ),
        (None, Some(Outcome::Refused)) if grounds.is_empty() && case.refusal_grounds.is_empty() => {
            invalid(format!(
                "closing as refused needs at least one statutory ground: {}",
                join(RefusalGround::ALL.iter().map(|g| g.as_str()))
            ))
        }
        (None, Some(g)) => Ok(g),
    }
}

/// Records an identity check made by `operator`.
pub fn verify(
    case: &mut Case,
    input: &VerificationInput,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    let method = required_text("the verification method", &input.method, MAX_FIELD_CHARS)?;
    let evidence = clean_text("the evidence seen", &input.evidence, MAX_TEXT_CHARS)?;
    if evidence.is_none() && input.result != VerificationResult::Pending {
        return invalid("the evidence seen is required when the result is verified or failed");
    }
    case.verification = Some(Verification {
        method,
        evidence: evidence.unwrap_or_default(),
        result: input.result,
        verified_by: operator.to_string(),
        verified_at: now,
    });
    Ok(())
}

/// Replaces the requester's name, contact and reply channel (the
/// representative is kept).
pub fn set_requester(
    case: &mut Case,
    r: &Requester,
    channels: &[String],
) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    let mut clean = clean_requester(r, channels)?;
    clean.representative = case.requester.representative.clone();
    case.requester = clean;
    Ok(())
}

/// Sets or removes the representative.
pub fn set_representative(
    case: &mut Case,
    rep: Option<&Representative>,
) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    case.requester.representative = match rep {
        Some(r) => Some(clean_representative(r)?),
        None => None,
    };
    Ok(())
}

/// Sets or removes the fee.
pub fn set_fee(case: &mut Case, amount_jpy: Option<u32>) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    match amount_jpy {
        Some(a) => {
            check_fee(case.kind, a)?;
            let paid = case.fee.is_some_and(|f| f.paid && f.amount_jpy == a);
            case.fee = Some(Fee {
                amount_jpy: a,
                paid,
            });
        }
        None => case.fee = None,
    }
    Ok(())
}

/// Marks the fee paid or unpaid.
pub fn set_fee_paid(case: &mut Case, paid: bool) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    match &mut case.fee {
        Some(f) => {
            f.paid = paid;
            Ok(())
        }
        None => invalid("no fee is set on this case"),
    }
}

pub fn set_delivery_format(case: &mut Case, format: DeliveryFormat) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    check_delivery(case.kind)?;
    case.delivery_format = Some(format);
    Ok(())
}

pub fn set_priority(case: &mut Case, priority: Priority) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    case.priority = priority;
    Ok(())
}

pub fn set_description(case: &mut Case, text: &str) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    case.description = clean_text("the description", text, MAX_TEXT_CHARS)?.unwrap_or_default();
    Ok(())
}

pub fn set_received_at(
    case: &mut Case,
    received: DateTime<FixedOffset>,
    now: DateTime<Utc>,
) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    check_received(received, now)?;
    if case.pauses.iter().any(|p| p.from < received) {
        return invalid("a pause starts before that receipt date; change the pauses first");
    }
    case.received_at = received;
    Ok(())
}

/// Starts a pause of the deadline clock (`to` None: still running), or
/// records a finished one.
pub fn add_pause(
    case: &mut Case,
    from: DateTime<FixedOffset>,
    to: Option<DateTime<FixedOffset>>,
    reason: &str,
) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    let reason = required_text("the reason for the pause", reason, MAX_FIELD_CHARS)?;
    if from < case.received_at {
        return invalid(format!(
            "a pause cannot start ({}) before the request was received ({})",
            from.to_rfc3339(),
            case.received_at.to_rfc3339()
        ));
    }
    if let Some(to) = to {
        if to < from {
            return invalid(format!(
                "a pause cannot end ({}) before it starts ({})",
                to.to_rfc3339(),
                from.to_rfc3339()
            ));
        }
    }
    if let Some(open) = case.open_pause() {
        return invalid(format!(
            "a pause since {} is still running; end it first",
            open.from.to_rfc3339()
        ));
    }
    let overlaps = |p: &CasePause| {
        let starts_before_p_ends = p.to.is_none_or(|pt| from <= pt);
        let p_starts_before_end = to.is_none_or(|t| p.from <= t);
        starts_before_p_ends && p_starts_before_end
    };
    if let Some(p) = case.pauses.iter().find(|p| overlaps(p)) {
        return invalid(format!(
            "the pause overlaps the pause from {} to {}",
            p.from.to_rfc3339(),
            p.to.map_or("now".to_string(), |d| d.to_rfc3339())
        ));
    }
    case.pauses.push(CasePause { from, to, reason });
    case.pauses.sort_by_key(|p| p.from);
    Ok(())
}

/// Ends the running pause at `to`.
pub fn end_pause(case: &mut Case, to: DateTime<FixedOffset>) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    let Some(p) = case.pauses.iter_mut().find(|p| p.to.is_none()) else {
        return invalid("no pause is running on this case");
    };
    if to < p.from {
        return invalid(format!(
            "a pause cannot end ({}) before it starts ({})",
            to.to_rfc3339(),
            p.from.to_rfc3339()
        ));
    }
    p.to = Some(to);
    Ok(())
}

/// Records the extension notified to the requester.
pub fn extend(case: &mut Case, reason: &str, notice_date: NaiveDate) -> Result<(), CaseRuleError> {
    ensure_editable(case)?;
    if let Some(e) = &case.extension {
        return invalid(format!(
            "the deadline was already extended (notice of {}); it can be extended once",
            e.notice_date
        ));
    }
    let reason = required_text("the reason for the extension", reason, MAX_TEXT_CHARS)?;
    if notice_date < case.received_at.date_naive() {
        return invalid(format!(
            "the notice date ({notice_date}) lies before the request was received ({})",
            case.received_at.date_naive()
        ));
    }
    case.extension = Some(CaseExtension {
        reason,
        notice_date,
    });
    Ok(())
}

#[cfg(test)]
#[path = "case_rules_tests.rs"]
mod tests;
