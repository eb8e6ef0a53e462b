//! Checks of `[calendar]` and `[deadlines]`: every bad value is an issue at
//! its own key.

use super::calendar_config::{
    appi_kind, parse_date, parse_month_day, parse_time, parse_time_zone, parse_weekday,
    CalendarConfig, ClosureDef, DeadlineConfig, CCPA_MAX_DAYS, CCPA_MAX_EXTENSION_DAYS,
    CCPA_MAX_OPT_OUT_BUSINESS_DAYS, CCPA_MAX_RECEIPT_BUSINESS_DAYS, GDPR_MAX_EXTENSION_MONTHS,
    MAX_BUSINESS_DAYS,
};
use super::document::Issue;
use chrono::{Datelike, NaiveDate};
use std::collections::HashSet;

/// Longest yearly closure accepted, in days.
pub const MAX_YEARLY_CLOSURE_DAYS: i64 = 92;
/// Longest one-off closure accepted, in days.
pub const MAX_CLOSURE_DAYS: i64 = 366;

fn at(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

pub(crate) fn check_calendar(c: &CalendarConfig, out: &mut Vec<Issue>) {
    if let Err(e) = parse_time_zone(&c.time_zone) {
        out.push(Issue::new(at(&["calendar", "time_zone"]), e));
    }
    let opens = parse_time(&c.opens)
        .map_err(|e| out.push(Issue::new(at(&["calendar", "opens"]), e)))
        .ok();
    let closes = parse_time(&c.closes)
        .map_err(|e| out.push(Issue::new(at(&["calendar", "closes"]), e)))
        .ok();
    if let (Some(o), Some(cl)) = (opens, closes) {
        if cl <= o {
            out.push(Issue::new(
                at(&["calendar", "closes"]),
                format!(
                    "closes ({}) must be later than opens ({}) on the same day",
                    c.closes.trim(),
                    c.opens.trim()
                ),
            ));
        }
    }
    if c.open_days.is_empty() {
        out.push(Issue::new(
            at(&["calendar", "open_days"]),
            "open_days is empty: list the days the desk is open, e.g. [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]",
        ));
    }
    let mut seen = HashSet::new();
    for (i, d) in c.open_days.iter().enumerate() {
        let path = at(&["calendar", "open_days", &i.to_string()]);
        match parse_weekday(d) {
            Ok(day) if !seen.insert(day) => {
                out.push(Issue::new(path, format!("\"{d}\" is listed twice")))
            }
            Ok(_) => {}
            Err(e) => out.push(Issue::new(path, e)),
        }
    }
    for (i, c) in c.yearly_closures.iter().enumerate() {
        check_closure(c, "yearly_closures", i, true, out);
    }
    for (i, c) in c.closures.iter().enumerate() {
        check_closure(c, "closures", i, false, out);
    }
}

fn check_closure(c: &ClosureDef, list: &str, i: usize, yearly: bool, out: &mut Vec<Issue>) {
    let n = i.to_string();
    let path = |key: &str| at(&["calendar", list, &n, key]);
    if c.name.trim().is_empty() {
        out.push(Issue::new(
            path("name"),
            "closure name is empty: it is shown as the reason the desk is closed",
        ));
    }
    if yearly {
        let from = parse_month_day(&c.from).map_err(|e| out.push(Issue::new(path("from"), e)));
        let to = match &c.to {
            Some(t) => parse_month_day(t)
                .map_err(|e| out.push(Issue::new(path("to"), e)))
                .map(Some),
            None => Ok(None),
        };
        if let (Ok(f), Ok(Some(t))) = (from, to) {
            let len = yearly_span_days(f, t);
            if len > MAX_YEARLY_CLOSURE_DAYS {
                out.push(Issue::new(
                    path("to"),
                    format!("a yearly closure from {} to {} lasts {len} days; at most {MAX_YEARLY_CLOSURE_DAYS} are accepted (it runs over the new year when `to` comes before `from`)", c.from.trim(), t_str(&c.to)),
                ));
            }
        }
    } else {
        let from = parse_date(&c.from).map_err(|e| out.push(Issue::new(path("from"), e)));
        let to = match &c.to {
            Some(t) => parse_date(t)
                .map_err(|e| out.push(Issue::new(path("to"), e)))
                .map(Some),
            None => Ok(None),
        };
        if let (Ok(f), Ok(Some(t))) = (from, to) {
            if t < f {
                out.push(Issue::new(
                    path("to"),
                    format!("closure ends ({t}) before it starts ({f})"),
                ));
            } else if (t - f).num_days() + 1 > MAX_CLOSURE_DAYS {
                out.push(Issue::new(
                    path("to"),
                    format!(
                        "a closure from {f} to {t} lasts {} days; at most {MAX_CLOSURE_DAYS} are accepted",
                        (t - f).num_days() + 1
                    ),
                ));
            }
        }
    }
}

fn t_str(t: &Option<String>) -> &str {
    t.as_deref().map(str::trim).unwrap_or("")
}

/// Days covered by a yearly closure from `f` to `t` (inclusive, wrapping
/// over the new year), counted in a common year.
pub(crate) fn yearly_span_days(f: (u32, u32), t: (u32, u32)) -> i64 {
    let day = |(m, d): (u32, u32)| {
        // Feb 29 counts as Mar 1 in a common year.
        NaiveDate::from_ymd_opt(2001, m, d)
            .or_else(|| NaiveDate::from_ymd_opt(2001, 3, 1))
            .map(|x| x.ordinal0() as i64)
            .unwrap_or(0)
    };
    let (a, b) = (day(f), day(t));
    if b >= a {
        b - a + 1
    } else {
        365 - a + b + 1
    }
}

pub(crate) fn check_deadlines(d: &DeadlineConfig, out: &mut Vec<Issue>) {
    let mut range = |path: &[&str], v: u32, min: u32, max: u32, why: &str| {
        if v < min || v > max {
            out.push(Issue::new(
                at(path),
                format!(
                    "{} must be between {min} and {max}{why}",
                    path[path.len() - 1]
                ),
            ));
        }
    };
    range(
        &["deadlines", "appi", "business_days"],
        d.appi.business_days,
        1,
        MAX_BUSINESS_DAYS,
        "",
    );
    range(
        &["deadlines", "appi", "contact_business_days"],
        d.appi.contact_business_days,
        1,
        MAX_BUSINESS_DAYS,
        "",
    );
    for (kind, days) in &d.appi.kinds {
        range(
            &["deadlines", "appi", "kinds", kind],
            *days,
            1,
            MAX_BUSINESS_DAYS,
            "",
        );
    }
    range(
        &["deadlines", "gdpr", "extension_months"],
        d.gdpr.extension_months,
        0,
        GDPR_MAX_EXTENSION_MONTHS,
        " (GDPR Art. 12(3) allows two further months; 0 refuses extensions)",
    );
    range(
        &["deadlines", "ccpa", "days"],
        d.ccpa.days,
        1,
        CCPA_MAX_DAYS,
        " (11 CCR 7021(b): 45 calendar days)",
    );
    range(
        &["deadlines", "ccpa", "extension_days"],
        d.ccpa.extension_days,
        0,
        CCPA_MAX_EXTENSION_DAYS,
        " (11 CCR 7021(b): up to 45 more days; 0 refuses extensions)",
    );
    range(
        &["deadlines", "ccpa", "receipt_business_days"],
        d.ccpa.receipt_business_days,
        1,
        CCPA_MAX_RECEIPT_BUSINESS_DAYS,
        " (11 CCR 7021(a): 10 business days)",
    );
    range(
        &["deadlines", "ccpa", "opt_out_business_days"],
        d.ccpa.opt_out_business_days,
        1,
        CCPA_MAX_OPT_OUT_BUSINESS_DAYS,
        " (11 CCR 7026(f): 15 business days)",
    );
    for kind in d.appi.kinds.keys() {
        if let Err(e) = appi_kind(kind) {
            out.push(Issue::new(at(&["deadlines", "appi", "kinds", kind]), e));
        }
    }
}
