//! Due dates per law and request kind, counted on the desk's [`Calendar`]:
//!
//! - APPI: the desk's own target in business days ("without delay"); the
//!   clock stops while the desk waits for identity documents or a fee.
//!   Complaints and inquiries (no kind) use the contact target.
//! - GDPR: one calendar month from receipt (the same day of the next month,
//!   else that month's last day), extendable by up to two months.
//! - CCPA: 45 calendar days (+45 with notice), receipt confirmed within 10
//!   business days; opt-out of sale/sharing within 15 business days.
//!
//! GDPR and CCPA clocks do not stop for pauses. A due date on a closed day
//! also gives the next open day as the practical due date.

use super::business_clock::business_clock;
use super::{weekday_name, Calendar};
use crate::domain::{Law, RequestKind};
use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Serialize;

pub use crate::config::DeadlineConfig;

/// A time the clock stood still (APPI only): waiting for identity documents
/// or a fee. `to` is `None` while still waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pause {
    pub from: DateTime<FixedOffset>,
    pub to: Option<DateTime<FixedOffset>>,
    pub reason: String,
}

/// An extension of the period (GDPR, CCPA), with the reason given to the
/// person and the day they were told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Extension {
    pub reason: String,
    pub notice_date: NaiveDate,
}

/// The due dates of one request and how they were computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadlines {
    pub law: Law,
    pub kind: Option<RequestKind>,
    pub received: DateTime<FixedOffset>,
    /// The day the period runs from: the day of receipt in the calendar's
    /// zone, moved to the next open day for business-day clocks when the
    /// request came after closing time or on a closed day.
    pub counts_from: NaiveDate,
    /// The legal (GDPR, CCPA) or internal (APPI) due date.
    pub due: NaiveDate,
    /// `due`, or the next open day when `due` falls on a closed day.
    pub practical_due: NaiveDate,
    /// CCPA: confirmation of receipt.
    pub receipt_due: Option<NaiveDate>,
    /// The due date after an extension.
    pub extended_due: Option<NaiveDate>,
    /// `extended_due`, or the next open day when it falls on a closed day.
    pub practical_extended_due: Option<NaiveDate>,
    /// Business days the pauses added (APPI).
    pub paused_days: u32,
    /// A pause is still open: the due date moves on each business day of
    /// further waiting.
    pub pause_ongoing: bool,
    /// How it was computed, one line per step.
    pub steps: Vec<String>,
}

impl Deadlines {
    /// The date the desk must answer by: the practical due date, extended
    /// when an extension was given.
    pub fn final_due(&self) -> NaiveDate {
        self.practical_extended_due.unwrap_or(self.practical_due)
    }
}

/// Why no due date could be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error(
        "request kind \"{kind}\" is a {kind_law} request, not {law}; {law} kinds are {accepted}"
    )]
    KindLawMismatch {
        kind: String,
        kind_law: String,
        law: String,
        accepted: String,
    },
    #[error("{what} cannot be extended: {why}")]
    ExtensionNotAllowed { what: String, why: String },
    #[error("an extension needs the reason given to the person")]
    ExtensionWithoutReason,
    #[error("the extension notice date {notice} is before the request was received ({received})")]
    NoticeBeforeReceipt {
        notice: NaiveDate,
        received: NaiveDate,
    },
    #[error("the extension notice date {notice} is after the original due date {due}: the person must be told within the first period")]
    NoticeTooLate { notice: NaiveDate, due: NaiveDate },
    #[error("pause \"{reason}\" ends ({to}) before it starts ({from})")]
    PauseEndsBeforeStart {
        reason: String,
        from: String,
        to: String,
    },
    #[error("pause \"{reason}\" starts ({from}) before the request was received ({received})")]
    PauseBeforeReceipt {
        reason: String,
        from: String,
        received: String,
    },
    #[error("the due date is out of the range of dates that can be counted ({0})")]
    OutOfRange(String),
}

/// The due dates of a request received at `received`; an open pause counts
/// up to the present moment.
pub fn compute(
    cal: &Calendar,
    cfg: &DeadlineConfig,
    law: Law,
    kind: Option<RequestKind>,
    received: DateTime<FixedOffset>,
    pauses: &[Pause],
    extension: Option<&Extension>,
) -> Result<Deadlines, DeadlineError> {
    let now = Utc::now().fixed_offset();
    compute_at(cal, cfg, law, kind, received, pauses, extension, now)
}

/// [`compute`] with the present moment given (an open pause counts up to `now`).
#[allow(clippy::too_many_arguments)]
pub fn compute_at(
    cal: &Calendar,
    cfg: &DeadlineConfig,
    law: Law,
    kind: Option<RequestKind>,
    received: DateTime<FixedOffset>,
    pauses: &[Pause],
    extension: Option<&Extension>,
    now: DateTime<FixedOffset>,
) -> Result<Deadlines, DeadlineError> {
    if let Some(k) = kind {
        if k.law() != law {
            return Err(mismatch(k, law));
        }
    }
    check_pauses(pauses, received)?;
    let tz = cal.time_zone();
    let local = received.with_timezone(&tz);
    let mut out = Deadlines {
        law,
        kind,
        received,
        counts_from: local.date_naive(),
        due: local.date_naive(),
        practical_due: local.date_naive(),
        receipt_due: None,
        extended_due: None,
        practical_extended_due: None,
        paused_days: 0,
        pause_ongoing: false,
        steps: vec![format!(
            "Received {} ({}, {})",
            local.format("%Y-%m-%d %H:%M"),
            weekday_name(local.weekday()),
            tz.name()
        )],
    };
    match (law, kind) {
        (_, None) => {
            let n = cfg.appi_business_days(None);
            out.steps.push(format!(
                "Complaint or inquiry: handled \"appropriately and promptly\" (APPI Art. 40); desk target {n} business days ([deadlines.appi] contact_business_days)"
            ));
            refuse_extension(
                extension,
                "A complaint or inquiry",
                "it has no statutory period to extend",
            )?;
            business_clock(cal, local, n, pauses, now, &mut out)?;
        }
        (Law::Appi, Some(k)) => {
            let n = cfg.appi_business_days(Some(k));
            let source = if cfg.appi.kinds.contains_key(k.as_str()) {
                format!("[deadlines.appi.kinds] {}", k.as_str())
            } else {
                "[deadlines.appi] business_days".to_string()
            };
            out.steps.push(format!(
                "APPI {}: answer without delay; desk target {n} business days ({source})",
                k.label()
            ));
            refuse_extension(
                extension,
                "An APPI request",
                "APPI sets no period to extend (the answer is due without delay)",
            )?;
            business_clock(cal, local, n, pauses, now, &mut out)?;
        }
        (Law::Gdpr, Some(k)) => {
            ignore_pauses(pauses, "GDPR", &mut out);
            gdpr(cal, cfg, k, local, extension, &mut out)?;
        }
        (Law::Ccpa, Some(RequestKind::OptOut)) => {
            let n = cfg.ccpa.opt_out_business_days;
            out.steps.push(format!(
                "CCPA opt-out of sale/sharing: act within {n} business days of receipt (11 CCR 7026(f)); business days follow the desk's calendar"
            ));
            ignore_pauses(pauses, "CCPA", &mut out);
            refuse_extension(
                extension,
                "A CCPA opt-out",
                "11 CCR 7026(f) allows no extension of its 15 business days",
            )?;
            business_clock(cal, local, n, &[], now, &mut out)?;
        }
        (Law::Ccpa, Some(k)) => {
            ignore_pauses(pauses, "CCPA", &mut out);
            ccpa(cal, cfg, k, local, extension, &mut out)?;
        }
    }
    Ok(out)
}

/// Calendar days from `today` to `due`; negative when overdue. A due date
/// on a closed day counts to the next open day (the practical due date).
pub fn days_left(today: NaiveDate, due: NaiveDate, cal: &Calendar) -> i64 {
    (cal.next_open_day(due) - today).num_days()
}

fn mismatch(k: RequestKind, law: Law) -> DeadlineError {
    DeadlineError::KindLawMismatch {
        kind: k.as_str().to_string(),
        kind_law: k.law().label().to_string(),
        law: law.label().to_string(),
        accepted: RequestKind::of_law(law)
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

pub(super) fn stamp(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn check_pauses(pauses: &[Pause], received: DateTime<FixedOffset>) -> Result<(), DeadlineError> {
    for p in pauses {
        if let Some(to) = p.to {
            if to < p.from {
                return Err(DeadlineError::PauseEndsBeforeStart {
                    reason: p.reason.clone(),
                    from: stamp(&p.from),
                    to: stamp(&to),
                });
            }
        }
        if p.from < received {
            return Err(DeadlineError::PauseBeforeReceipt {
                reason: p.reason.clone(),
                from: stamp(&p.from),
                received: stamp(&received),
            });
        }
    }
    Ok(())
}

fn ignore_pauses(pauses: &[Pause], law: &str, out: &mut Deadlines) {
    if !pauses.is_empty() {
        let n = pauses.len();
        out.steps.push(format!(
            "{n} pause{} ignored: the {law} period does not stop while waiting",
            if n == 1 { "" } else { "s" }
        ));
    }
}

fn refuse_extension(ext: Option<&Extension>, what: &str, why: &str) -> Result<(), DeadlineError> {
    match ext {
        Some(_) => Err(DeadlineError::ExtensionNotAllowed {
            what: what.to_string(),
            why: why.to_string(),
        }),
        None => Ok(()),
    }
}

/// An extension's reason and notice date, checked against the first period.
fn check_extension(
    ext: &Extension,
    received: NaiveDate,
    practical_due: NaiveDate,
) -> Result<(), DeadlineError> {
    if ext.reason.trim().is_empty() {
        return Err(DeadlineError::ExtensionWithoutReason);
    }
    if ext.notice_date < received {
        return Err(DeadlineError::NoticeBeforeReceipt {
            notice: ext.notice_date,
            received,
        });
    }
    if ext.notice_date > practical_due {
        return Err(DeadlineError::NoticeTooLate {
            notice: ext.notice_date,
            due: practical_due,
        });
    }
    Ok(())
}

pub(super) fn day(d: NaiveDate) -> String {
    format!("{d} ({})", weekday_name(d.weekday()))
}

/// Set `practical_due` from `due`, with a step when they differ.
pub(super) fn practical(
    cal: &Calendar,
    due: NaiveDate,
    label: &str,
    steps: &mut Vec<String>,
) -> NaiveDate {
    let p = cal.next_open_day(due);
    if p != due {
        let why = cal.closed_reason(due).unwrap_or_default();
        steps.push(format!(
            "{label} {} is a closed day ({why}): practical due date {}, the next open day",
            day(due),
            day(p)
        ));
    }
    if !cal.holidays_known(p) {
        steps.push(format!(
            "National holidays of {} are not known (1980-2099 only): not counted as closed",
            p.year()
        ));
    }
    p
}

fn gdpr(
    cal: &Calendar,
    cfg: &DeadlineConfig,
    k: RequestKind,
    local: DateTime<Tz>,
    extension: Option<&Extension>,
    out: &mut Deadlines,
) -> Result<(), DeadlineError> {
    let d0 = local.date_naive();
    let due = add_months(d0, 1)?;
    out.steps.push(format!(
        "GDPR {}: one month from receipt on {} (Art. 12(3)): {}",
        k.label(),
        day(d0),
        day(due)
    ));
    if due.day() != d0.day() {
        out.steps.push(format!(
            "{} has no day {}: the period ends on the last day of that month",
            due.format("%B %Y"),
            d0.day()
        ));
    }
    out.due = due;
    out.practical_due = practical(cal, due, "Due date", &mut out.steps);
    if let Some(ext) = extension {
        let months = cfg.gdpr.extension_months;
        if months == 0 {
            refuse_extension(
                extension,
                "A GDPR request",
                "extensions are turned off ([deadlines.gdpr] extension_months = 0)",
            )?;
        }
        check_extension(ext, d0, out.practical_due)?;
        let extended = add_months(d0, 1 + months)?;
        out.steps.push(format!(
            "Extended by {months} month{} (notice given {}; reason: {}): {} months from receipt, {}",
            if months == 1 { "" } else { "s" },
            ext.notice_date,
            ext.reason.trim(),
            1 + months,
            day(extended)
        ));
        out.extended_due = Some(extended);
        out.practical_extended_due = Some(practical(
            cal,
            extended,
            "Extended due date",
            &mut out.steps,
        ));
    }
    Ok(())
}

fn ccpa(
    cal: &Calendar,
    cfg: &DeadlineConfig,
    k: RequestKind,
    local: DateTime<Tz>,
    extension: Option<&Extension>,
    out: &mut Deadlines,
) -> Result<(), DeadlineError> {
    let d0 = local.date_naive();
    let c = &cfg.ccpa;
    let receipt = cal.add_business_days(local, c.receipt_business_days);
    out.steps.push(format!(
        "Confirm receipt within {} business days (11 CCR 7021(a)), counted from {}: {}",
        c.receipt_business_days,
        day(cal.receipt_day(local)),
        day(receipt)
    ));
    out.receipt_due = Some(receipt);
    let due = add_days(d0, c.days)?;
    out.steps.push(format!(
        "CCPA {}: {} calendar days from receipt on {} (11 CCR 7021(b)): {}",
        k.label(),
        c.days,
        day(d0),
        day(due)
    ));
    out.due = due;
    out.practical_due = practical(cal, due, "Due date", &mut out.steps);
    if let Some(ext) = extension {
        if c.extension_days == 0 {
            refuse_extension(
                extension,
                "A CCPA request",
                "extensions are turned off ([deadlines.ccpa] extension_days = 0)",
            )?;
        }
        check_extension(ext, d0, out.practical_due)?;
        let extended = add_days(due, c.extension_days)?;
        out.steps.push(format!(
            "Extended by {} calendar days (notice given {}; reason: {}): {}",
            c.extension_days,
            ext.notice_date,
            ext.reason.trim(),
            day(extended)
        ));
        out.extended_due = Some(extended);
        out.practical_extended_due = Some(practical(
            cal,
            extended,
            "Extended due date",
            &mut out.steps,
        ));
    }
    Ok(())
}

fn add_months(d: NaiveDate, n: u32) -> Result<NaiveDate, DeadlineError> {
    d.checked_add_months(Months::new(n))
        .ok_or_else(|| DeadlineError::OutOfRange(format!("{d} + {n} months")))
}

fn add_days(d: NaiveDate, n: u32) -> Result<NaiveDate, DeadlineError> {
    d.checked_add_days(Days::new(u64::from(n)))
        .ok_or_else(|| DeadlineError::OutOfRange(format!("{d} + {n} days")))
}
