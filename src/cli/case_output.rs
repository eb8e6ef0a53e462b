//! Cases for the terminal and for `--json`: contact details masked unless
//! revealed, control characters in stored text escaped.

use crate::desk::CaseView;
use crate::domain::mask::{mask_address, mask_email, mask_phone};
use crate::domain::text::{escape_controls, truncate_chars};
use crate::domain::{Case, CaseNote, CaseSummary};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::Value;
use std::fmt::Write;

/// Masks every `email`, `phone` and `postal_address` string in `v`
/// (the requester's contact, also inside timeline entries) unless `reveal`.
pub fn mask_json(v: &mut Value, reveal: bool) {
    if reveal {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                match (k.as_str(), &*x) {
                    ("email", Value::String(s)) => *x = Value::String(mask_email(s)),
                    ("phone", Value::String(s)) => *x = Value::String(mask_phone(s)),
                    ("postal_address", Value::String(s)) => *x = Value::String(mask_address(s)),
                    _ => mask_json(x, reveal),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| mask_json(x, reveal)),
        _ => {}
    }
}

pub fn case_json(case: &Case, reveal: bool) -> Value {
    let mut v = serde_json::to_value(case).unwrap_or_default();
    mask_json(&mut v, reveal);
    v
}

pub fn summaries_json(rows: &[CaseSummary]) -> Value {
    serde_json::to_value(rows).unwrap_or_default()
}

/// A stored UTC time in the desk's time zone, e.g. `2026-04-01 10:15 JST`.
fn local(t: &DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string()
}

fn e(s: &str) -> String {
    escape_controls(s)
}

/// `12 days left`, `today`, `3 days overdue`, `paused`.
fn left(days: Option<i64>, stopped: bool, open: bool) -> String {
    match (days, stopped, open) {
        (_, true, true) => "paused".into(),
        (_, _, false) | (None, _, _) => String::new(),
        (Some(0), _, _) => "due today".into(),
        (Some(1), _, _) => "1 day left".into(),
        (Some(d), _, _) if d > 0 => format!("{d} days left"),
        (Some(-1), _, _) => "1 day overdue".into(),
        (Some(d), _, _) => format!("{} days overdue", -d),
    }
}

/// One line after a change: `PD-2026-000001 v3 in_progress, due 2026-04-14`.
pub fn change_line(case: &Case, today: NaiveDate) -> String {
    let mut out = format!("{} v{} {}", case.id, case.version, case.status);
    if let Some(a) = &case.assignee {
        let _ = write!(out, ", assigned to {}", e(a));
    }
    if let (Some(due), true) = (case.queue_due(), case.status.is_open()) {
        let _ = write!(out, ", due {due}");
        let stopped = case.deadlines.as_ref().is_some_and(|d| d.clock_stopped);
        let l = left(Some((due - today).num_days()), stopped, true);
        let _ = write!(out, " ({l})");
    }
    out
}

/// The queue as a table.
pub fn list_text(rows: &[CaseSummary]) -> String {
    if rows.is_empty() {
        return "no cases\n".into();
    }
    let mut out = format!(
        "{:<15} {:<17} {:<10} {:<16} {:<7} {:<10} {:<28} {}\n",
        "CASE", "STATUS", "DUE", "LEFT", "PRIO", "ASSIGNEE", "WHAT", "REQUESTER"
    );
    for r in rows {
        let what = match r.kind {
            Some(k) => format!("{} {}", r.law.label(), k.as_str()),
            None => format!("{} {}", r.law.label(), r.category.as_str()),
        };
        let due = r.due.map_or("-".to_string(), |d| d.to_string());
        let mark = if r.overdue { "!" } else { " " };
        let _ = writeln!(
            out,
            "{:<15} {:<17} {:<10} {mark}{:<15} {:<7} {:<10} {:<28} {}",
            r.id,
            r.status.as_str(),
            due,
            left(r.days_left, r.clock_stopped, r.status.is_open()),
            r.priority.as_str(),
            truncate_chars(&e(r.assignee.as_deref().unwrap_or("-")), 10),
            what,
            truncate_chars(&e(r.requester_name.as_deref().unwrap_or("-")), 30),
        );
    }
    out
}

fn notes(out: &mut String, title: &str, list: &[CaseNote], tz: Tz) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}");
    for n in list {
        let mark = if n.is_response {
            "  [THE RESPONSE]"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  #{} {} {}{mark}",
            n.id,
            local(&n.at, tz),
            e(&n.author)
        );
        for line in n.text.lines() {
            let _ = writeln!(out, "    {}", e(line));
        }
    }
}

/// The whole case, for `case show`.
pub fn case_text(v: &CaseView, reveal: bool, today: NaiveDate, tz: Tz) -> String {
    let c = &v.case;
    let mut out = String::new();
    let what = match c.kind {
        Some(k) => format!("{} {} ({})", c.law.label(), k.as_str(), k.label()),
        None => format!("{} {}", c.law.label(), c.category.as_str()),
    };
    let _ = writeln!(out, "{}  {}  version {}", c.id, what, c.version);
    let next: Vec<&str> = v.allowed_next.iter().map(|s| s.as_str()).collect();
    let _ = writeln!(
        out,
        "Status      {}{}",
        c.status,
        if next.is_empty() {
            String::new()
        } else {
            format!(" (next: {})", next.join(", "))
        }
    );
    if let (Some(from), Some(reason)) = (c.held_from, &c.hold_reason) {
        let _ = writeln!(out, "On hold     from {from}: {}", e(reason));
    }
    let _ = writeln!(
        out,
        "Priority    {}   Assignee {}",
        c.priority,
        e(c.assignee.as_deref().unwrap_or("(nobody)"))
    );
    let _ = writeln!(
        out,
        "Received    {} by {}   opened by {} at {}",
        c.received_at.format("%Y-%m-%d %H:%M %:z"),
        e(&c.channel),
        e(&c.created_by),
        local(&c.created_at, tz)
    );
    let r = &c.requester;
    let mut who = e(r.name.as_deref().unwrap_or("(no name)"));
    let mask = |f: fn(&str) -> String, s: &str| if reveal { s.to_string() } else { f(s) };
    if let Some(m) = &r.contact.email {
        let _ = write!(who, "  email {}", e(&mask(mask_email, m)));
    }
    if let Some(p) = &r.contact.phone {
        let _ = write!(who, "  phone {}", e(&mask(mask_phone, p)));
    }
    if let Some(a) = &r.contact.postal_address {
        let _ = write!(who, "  address {}", e(&mask(mask_address, a)));
    }
    if let Some(ch) = &r.reply_channel {
        let _ = write!(who, "  reply by {}", e(ch));
    }
    let _ = writeln!(out, "Requester   {who}");
    if let Some(rep) = &r.representative {
        let _ = writeln!(
            out,
            "Represented by {} ({}){}",
            e(&rep.name),
            e(&rep.relation),
            rep.proof
                .as_deref()
                .map(|p| format!(", proof: {}", e(p)))
                .unwrap_or_default()
        );
    }
    match &c.verification {
        Some(ver) => {
            let _ = writeln!(
                out,
                "Identity    {} by {} ({}) at {}; evidence: {}",
                ver.result,
                e(&ver.method),
                e(&ver.verified_by),
                local(&ver.verified_at, tz),
                e(&ver.evidence)
            );
        }
        None => out.push_str("Identity    not checked yet\n"),
    }
    if let Some(f) = c.delivery_format {
        let _ = writeln!(out, "Delivery    {}", f.as_str());
    }
    if let Some(fee) = c.fee {
        let _ = writeln!(
            out,
            "Fee         {} JPY, {}",
            fee.amount_jpy,
            if fee.paid { "paid" } else { "not paid" }
        );
    }
    if let Some(d) = &c.deadlines {
        let due = d.queue_due();
        let state = if c.status.is_open() {
            format!(
                " ({})",
                left(Some((due - today).num_days()), d.clock_stopped, true)
            )
        } else {
            String::new()
        };
        let _ = writeln!(out, "Due         {due}{state}");
        if let Some(rd) = d.receipt_due {
            let _ = writeln!(out, "Receipt     confirm by {rd}");
        }
        for s in &d.steps {
            let _ = writeln!(out, "            - {}", e(s));
        }
    }
    for p in &c.pauses {
        let to = p.to.map_or("(running)".to_string(), |t| {
            t.format("%Y-%m-%d %H:%M").to_string()
        });
        let _ = writeln!(
            out,
            "Pause       {} to {to}: {}",
            p.from.format("%Y-%m-%d %H:%M"),
            e(&p.reason)
        );
    }
    if let Some(x) = &c.extension {
        let _ = writeln!(
            out,
            "Extension   notice {}: {}",
            x.notice_date,
            e(&x.reason)
        );
    }
    if !c.refusal_grounds.is_empty() {
        let g: Vec<String> = c.refusal_grounds.iter().map(|g| g.described()).collect();
        let _ = writeln!(out, "Refused on  {}", g.join(", "));
    }
    if let Some(o) = c.outcome {
        let _ = writeln!(out, "Outcome     {o}");
    }
    if let Some(res) = &c.resolution {
        let _ = writeln!(out, "Resolution  {}", e(res));
    }
    if !v.links.is_empty() {
        out.push_str("\nLinked records\n");
        for l in &v.links {
            let name = l
                .display_name
                .as_deref()
                .map(|n| format!("  {}", e(n)))
                .unwrap_or_default();
            let _ = writeln!(out, "  {}:{}{name}", e(&l.system), e(&l.record_id));
        }
    }
    if !c.description.is_empty() {
        out.push_str("\nDescription\n");
        for line in c.description.lines() {
            let _ = writeln!(out, "  {}", e(line));
        }
    }
    notes(&mut out, "Internal notes", &v.notes, tz);
    notes(&mut out, "Replies to the requester", &v.replies, tz);
    out.push_str("\nTimeline\n");
    for ev in &v.events {
        let _ = writeln!(
            out,
            "  v{:<3} {} {:<10} {}",
            ev.version,
            local(&ev.at, tz),
            e(&ev.operator),
            ev.summary()
        );
    }
    if !reveal
        && (r.contact.email.is_some()
            || r.contact.phone.is_some()
            || r.contact.postal_address.is_some())
    {
        out.push_str("\nContact details are masked; add --reveal --purpose \"...\" to show them (audited).\n");
    }
    out
}
