//! `privdesk calendar holidays | is-open | due`: the business calendar and
//! statutory deadlines. No operator or store is needed; `is-open` and `due`
//! read the `[calendar]` and `[deadlines]` of the configuration.

use super::{embedded_config_path, load_config_from, Cli, EXIT_OK, EXIT_USAGE};
use crate::calendar::deadlines::{self, Deadlines, Extension, Pause};
use crate::calendar::{self, weekday_name, Calendar, OpenState};
use crate::config::{parse_date, DeadlineConfig};
use crate::domain::{Law, RequestKind};
use chrono::{DateTime, Datelike, FixedOffset, SecondsFormat, Utc};
use chrono_tz::Tz;
use clap::{Args, Subcommand};
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Japan's national holidays of a year (1980-2099), substitute and
    /// citizens' holidays included.
    Holidays {
        #[arg(value_name = "YEAR")]
        year: String,
        #[arg(long)]
        json: bool,
    },
    /// Whether the desk is open at a moment (default: now), why not, and
    /// when it reopens. Exit status 0 either way.
    IsOpen {
        /// RFC 3339, or "YYYY-MM-DD HH:MM" in the calendar's time zone.
        #[arg(value_name = "DATETIME")]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The due dates of a request, and how they are computed.
    Due(DueArgs),
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// appi, gdpr or ccpa.
    #[arg(long, value_name = "LAW")]
    pub law: String,
    /// The request kind (e.g. disclosure, access, know, opt_out); leave it
    /// out for a complaint or general inquiry.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// When the request arrived: RFC 3339, or "YYYY-MM-DD HH:MM" in the
    /// calendar's time zone.
    #[arg(long, value_name = "DATETIME")]
    pub received: String,
    /// Start of a pause of the APPI clock (repeatable, paired in order with --paused-to).
    #[arg(long = "paused-from", value_name = "DATETIME")]
    pub paused_from: Vec<String>,
    /// End of a pause; the last pause may be left open (still waiting).
    #[arg(long = "paused-to", value_name = "DATETIME")]
    pub paused_to: Vec<String>,
    /// Why the clock was paused.
    #[arg(long, value_name = "TEXT", default_value = "waiting for the requester")]
    pub pause_reason: String,
    /// The period was extended (GDPR, CCPA); needs --reason and --notice-date.
    #[arg(long, requires_all = ["reason", "notice_date"])]
    pub extended: bool,
    /// The reason for the extension given to the person.
    #[arg(long, value_name = "TEXT", requires = "extended")]
    pub reason: Option<String>,
    /// The day the person was told of the extension (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", requires = "extended")]
    pub notice_date: Option<String>,
    /// Count an open pause up to this moment instead of now.
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
    #[arg(long)]
    pub json: bool,
}

fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("privdesk: {message}");
    EXIT_USAGE
}

pub async fn run(cli: &Cli, cmd: &CalendarCommand) -> u8 {
    match cmd {
        CalendarCommand::Holidays { year, json } => holidays(year, *json),
        CalendarCommand::IsOpen { at, json } => match setup(cli).await {
            Ok((cal, _)) => is_open(&cal, at.as_deref(), *json),
            Err(code) => code,
        },
        CalendarCommand::Due(args) => match setup(cli).await {
            Ok((cal, cfg)) => due(&cal, &cfg, args),
            Err(code) => code,
        },
    }
}

/// The desk's calendar and deadlines: from `--config` when given (read
/// here, nothing else opened), else as the server tells them; with no
/// server to ask, the built-in ones (and a note saying so).
async fn setup(cli: &Cli) -> Result<(Calendar, DeadlineConfig), u8> {
    let (calendar, deadlines) = match embedded_config_path(cli) {
        Some(path) => {
            let cfg = load_config_from(cli, Some(&path), "configuration")?;
            (cfg.calendar, cfg.deadlines)
        }
        None => {
            let target = crate::client::Target::Socket(crate::client::Client::socket_path(
                cli.server.as_deref(),
            ));
            let hello = crate::protocol::Hello::new("cli calendar", cli.as_user.clone());
            match crate::client::Client::connect(target, hello).await {
                Ok(c) => (
                    c.settings().calendar.clone(),
                    c.settings().deadlines.clone(),
                ),
                Err(crate::desk::DeskError::Unavailable(why)) => {
                    eprintln!("privdesk: note: {why}; using the built-in calendar and deadlines");
                    let cfg = crate::config::load_str(
                        "",
                        std::path::Path::new("defaults.toml"),
                        &Default::default(),
                    )
                    .map_err(|p| usage(p.to_string()))?;
                    (cfg.calendar, cfg.deadlines)
                }
                Err(e) => {
                    eprintln!("privdesk: {e}");
                    return Err(super::connect_exit(&e));
                }
            }
        }
    };
    let cal = Calendar::from_config(&calendar).map_err(usage)?;
    Ok((cal, deadlines))
}

fn holidays(year: &str, json: bool) -> u8 {
    let Ok(y) = year.trim().parse::<i32>() else {
        return usage(format!(
            "\"{year}\" is not a year: give a year from {} to {}, e.g. 2026",
            calendar::holidays::FIRST_YEAR,
            calendar::holidays::LAST_YEAR
        ));
    };
    let list = match calendar::try_holidays(y) {
        Ok(l) => l,
        Err(e) => return usage(e),
    };
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
    } else {
        for h in &list {
            outln!("{} {}  {}", h.date, h.date.format("%a"), h.name);
        }
        outln!("{} national holidays in {y}", list.len());
    }
    EXIT_OK
}

fn moment(cal: &Calendar, text: &str, what: &str) -> Result<DateTime<Tz>, u8> {
    cal.parse_datetime(text)
        .map_err(|e| usage(format!("{what}: {e}")))
}

fn rfc3339(t: &DateTime<Tz>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn local(t: &DateTime<Tz>) -> String {
    format!(
        "{} ({})",
        t.format("%Y-%m-%d %H:%M"),
        weekday_name(t.weekday())
    )
}

fn is_open(cal: &Calendar, at: Option<&str>, json: bool) -> u8 {
    let t = match at {
        Some(text) => match moment(cal, text, "DATETIME") {
            Ok(t) => t,
            Err(code) => return code,
        },
        None => Utc::now().with_timezone(&cal.time_zone()),
    };
    let s: OpenState = cal.state_at(t);
    if json {
        let v = json!({
            "at": rfc3339(&s.at),
            "time_zone": cal.time_zone().name(),
            "open": s.open,
            "reason": s.reason,
            "closes_at": s.closes_at.as_ref().map(rfc3339),
            "reopens_at": s.reopens_at.as_ref().map(rfc3339),
        });
        outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return EXIT_OK;
    }
    let zone = cal.time_zone().name();
    match (&s.reason, &s.reopens_at, &s.closes_at) {
        (None, _, Some(c)) => outln!(
            "open: {} {zone}; closes at {}",
            local(&s.at),
            c.format("%H:%M")
        ),
        (reason, reopens, _) => {
            outln!(
                "closed: {} {zone}: {}",
                local(&s.at),
                reason.as_deref().unwrap_or("closed")
            );
            if let Some(r) = reopens {
                outln!("reopens {}", local(r));
            }
        }
    }
    EXIT_OK
}

fn parse_law_kind(args: &DueArgs) -> Result<(Law, Option<RequestKind>), u8> {
    let law = Law::parse(&args.law).ok_or_else(|| {
        usage(format!(
            "unknown law \"{}\": use {}",
            args.law,
            Law::ALL.map(|l| l.as_str()).join(", ")
        ))
    })?;
    let kind = match &args.kind {
        None => None,
        Some(k) => Some(RequestKind::parse(k).ok_or_else(|| {
            let names: Vec<&str> = RequestKind::of_law(law).iter().map(|k| k.as_str()).collect();
            usage(format!(
                "unknown request kind \"{k}\": {} kinds are {} (leave --kind out for a complaint or inquiry)",
                law.label(),
                names.join(", ")
            ))
        })?),
    };
    Ok((law, kind))
}

fn parse_pauses(cal: &Calendar, args: &DueArgs) -> Result<Vec<Pause>, u8> {
    let (froms, tos) = (&args.paused_from, &args.paused_to);
    if tos.len() > froms.len() || froms.len() > tos.len() + 1 {
        return Err(usage(format!(
            "{} --paused-from and {} --paused-to: give one --paused-to for each --paused-from, in order (only the last pause may be left open)",
            froms.len(),
            tos.len()
        )));
    }
    let mut out = Vec::new();
    for (i, f) in froms.iter().enumerate() {
        let from = moment(cal, f, "--paused-from")?.fixed_offset();
        let to = match tos.get(i) {
            Some(t) => Some(moment(cal, t, "--paused-to")?.fixed_offset()),
            None => None,
        };
        out.push(Pause {
            from,
            to,
            reason: args.pause_reason.clone(),
        });
    }
    Ok(out)
}

fn due(cal: &Calendar, cfg: &DeadlineConfig, args: &DueArgs) -> u8 {
    let parsed = (|| {
        let (law, kind) = parse_law_kind(args)?;
        let received = moment(cal, &args.received, "--received")?.fixed_offset();
        let pauses = parse_pauses(cal, args)?;
        let extension = match (&args.reason, &args.notice_date) {
            (Some(reason), Some(date)) if args.extended => Some(Extension {
                reason: reason.clone(),
                notice_date: parse_date(date).map_err(|e| usage(format!("--notice-date: {e}")))?,
            }),
            _ => None,
        };
        let now: DateTime<FixedOffset> = match &args.now {
            Some(n) => moment(cal, n, "--now")?.fixed_offset(),
            None => Utc::now().fixed_offset(),
        };
        Ok::<_, u8>((law, kind, received, pauses, extension, now))
    })();
    let (law, kind, received, pauses, extension, now) = match parsed {
        Ok(p) => p,
        Err(code) => return code,
    };
    let d = match deadlines::compute_at(
        cal,
        cfg,
        law,
        kind,
        received,
        &pauses,
        extension.as_ref(),
        now,
    ) {
        Ok(d) => d,
        Err(e) => return usage(e),
    };
    if args.json {
        let mut v = serde_json::to_value(&d).unwrap_or_default();
        if let Some(m) = v.as_object_mut() {
            m.insert("final_due".into(), json!(d.final_due()));
            m.insert("time_zone".into(), json!(cal.time_zone().name()));
        }
        outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        out!("{}", due_text(&d));
    }
    EXIT_OK
}

fn due_text(d: &Deadlines) -> String {
    let what = match d.kind {
        Some(k) => format!("{} {}", d.law.label(), k.label()),
        None => format!("{} complaint or inquiry", d.law.label()),
    };
    let day = |x: chrono::NaiveDate| format!("{x} ({})", weekday_name(x.weekday()));
    let mut out = format!(
        "{what}, received {}\n",
        d.received.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    );
    let mut line = |label: &str, value: String| out.push_str(&format!("  {label:<22} {value}\n"));
    if let Some(r) = d.receipt_due {
        line("confirm receipt by", day(r));
    }
    line("due", day(d.due));
    if d.practical_due != d.due {
        line("practical due", day(d.practical_due));
    }
    if let Some(e) = d.extended_due {
        line("extended due", day(e));
        if let Some(p) = d.practical_extended_due.filter(|p| *p != e) {
            line("practical extended due", day(p));
        }
    }
    if d.paused_days > 0 || d.pause_ongoing {
        let open = if d.pause_ongoing {
            " (a pause is still open)"
        } else {
            ""
        };
        line("paused business days", format!("{}{open}", d.paused_days));
    }
    out.push_str("\nHow it was computed:\n");
    for (i, s) in d.steps.iter().enumerate() {
        out.push_str(&format!("  {}. {s}\n", i + 1));
    }
    out
}
