//! `privdesk report`: counts, response times, deadlines met, refusals,
//! extensions and the CCPA metrics, as text tables or `--json`.

use super::case::fail;
use super::{connect, emit, Cli, EXIT_OK};
use crate::domain::report::{Count, Report};
use crate::domain::text::escape_controls;
use chrono::NaiveDate;
use clap::Args;
use std::fmt::Write;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day of the period (YYYY-MM-DD; default: 364 days before --to).
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Last day of the period (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

pub async fn run(cli: &Cli, args: &ReportArgs) -> u8 {
    let desk = match connect(cli, "report").await {
        Ok(d) => d,
        Err(code) => return code,
    };
    let report = match desk.report(args.from, args.to).await {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
        s.push('\n');
        s
    } else {
        report_text(&report)
    };
    match emit(&text) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

fn opt_f(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.1}"))
}

fn opt_i(v: Option<i64>) -> String {
    v.map_or("-".into(), |v| v.to_string())
}

fn share(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{:.0}%", v * 100.0))
}

fn counts(out: &mut String, title: &str, rows: &[Count]) {
    let _ = writeln!(out, "\n{title}");
    if rows.iter().all(|c| c.count == 0) {
        let _ = writeln!(out, "  (none)");
        return;
    }
    for c in rows.iter().filter(|c| c.count > 0) {
        let _ = writeln!(out, "  {:<44} {:>7}", escape_controls(&c.label), c.count);
    }
}

/// The report as text tables.
pub fn report_text(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Report {} to {}: {} received, {} answered, {} pending, {} closed in the period",
        r.period.from, r.period.to, r.received, r.answered, r.pending, r.closed
    );
    counts(&mut out, "By category", &r.by_category);
    counts(&mut out, "By law", &r.by_law);
    counts(&mut out, "By kind", &r.by_kind);
    counts(&mut out, "By status", &r.by_status);

    let _ = writeln!(out, "\nDays to respond (calendar / business)");
    let _ = writeln!(
        out,
        "  {:<36} {:>8} {:>7} {:>5} {:>7} {:>5}",
        "kind", "answered", "median", "p90", "bmedian", "bp90"
    );
    for t in &r.response_times {
        let _ = writeln!(
            out,
            "  {:<36} {:>8} {:>7} {:>5} {:>7} {:>5}",
            t.label,
            t.answered,
            opt_f(t.median_days),
            opt_i(t.p90_days),
            opt_f(t.median_business_days),
            opt_i(t.p90_business_days)
        );
    }
    let _ = writeln!(out, "\nAnswered by the due date");
    let _ = writeln!(
        out,
        "  {:<36} {:>8} {:>7} {:>6} {:>12}",
        "law / kind", "answered", "on time", "share", "overdue open"
    );
    for o in r.on_time_by_law.iter().chain(&r.on_time_by_kind) {
        let _ = writeln!(
            out,
            "  {:<36} {:>8} {:>7} {:>6} {:>12}",
            o.label,
            o.answered,
            o.on_time,
            share(o.share),
            o.overdue_open
        );
    }
    counts(&mut out, "Refusals by ground", &r.refusals_by_ground);
    counts(&mut out, "Extensions by reason", &r.extensions_by_reason);

    let _ = writeln!(out, "\nCCPA requests (11 CCR 7102)");
    let _ = writeln!(
        out,
        "  {:<26} {:>8} {:>8} {:>6} {:>9} {:>7} {:>7}",
        "kind", "received", "complied", "denied", "withdrawn", "pending", "median"
    );
    for c in &r.ccpa {
        let _ = writeln!(
            out,
            "  {:<26} {:>8} {:>8} {:>6} {:>9} {:>7} {:>7}",
            c.label,
            c.received,
            c.complied,
            c.denied,
            c.withdrawn,
            c.pending,
            opt_f(c.median_days)
        );
    }
    let _ = writeln!(out, "\nReceived per week");
    let line: Vec<String> = r.weekly.iter().map(|w| w.received.to_string()).collect();
    let _ = writeln!(
        out,
        "  from {}: {}",
        r.weekly.first().map_or(r.period.from, |w| w.week),
        line.join(" ")
    );
    out
}
