//! Limits an insider cannot script around: searches per minute and per
//! hour, reveals per hour and exported records per day, per role
//! (`[limits]`). Searches and reveals are counted in memory as they are
//! let through (a burst sent at once gets no more than the limit), seeded
//! from the audit log, which records every one of those acts under the
//! operator's name, so a restart forgets nothing; exported records are
//! counted from the log. Going over is refused, and the refusal is an
//! audit entry of its own (`limit`), which supervisors see on the audit
//! screen and in the queue's header.

use crate::config::{LimitsConfig, RoleLimits};
use crate::desk::{Desk, DeskError};
use crate::domain::AuditKind;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::json;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Act {
    Search,
    Reveal,
    Export,
}

/// When each counted act was let through, per operator and act, oldest
/// first.
type Taken = HashMap<(String, Act), VecDeque<DateTime<Utc>>>;

pub struct Limits {
    cfg: LimitsConfig,
    /// The searches and reveals let through, per operator: when, within
    /// the longest window. Checking and counting happen under this one
    /// lock, so a burst of requests at once cannot all pass a check before
    /// any of them is counted. Read from the audit log at an operator's
    /// first act after a start, so a restart forgets nothing.
    taken: Mutex<Taken>,
}

/// One window's rule: what is counted, over how long, and how it is named.
struct Rule {
    key: &'static str,
    allowed: u32,
    window: Duration,
    window_words: &'static str,
    what: &'static str,
}

fn rules(l: &RoleLimits, act: Act) -> Vec<Rule> {
    match act {
        Act::Search => vec![
            Rule {
                key: "searches_per_minute",
                allowed: l.searches_per_minute,
                window: Duration::minutes(1),
                window_words: "the last minute",
                what: "searches",
            },
            Rule {
                key: "searches_per_hour",
                allowed: l.searches_per_hour,
                window: Duration::hours(1),
                window_words: "the last hour",
                what: "searches",
            },
        ],
        Act::Reveal => vec![Rule {
            key: "reveals_per_hour",
            allowed: l.reveals_per_hour,
            window: Duration::hours(1),
            window_words: "the last hour",
            what: "reveals",
        }],
        Act::Export => vec![Rule {
            key: "exported_records_per_day",
            allowed: l.exported_records_per_day,
            window: Duration::days(1),
            window_words: "the last 24 hours",
            what: "exported records",
        }],
    }
}

/// How much of a rule's allowance an operator's entries used.
fn exported(entries: &[(String, String, serde_json::Value)]) -> u64 {
    entries
        .iter()
        .map(|(kind, _, d)| match kind.as_str() {
            "package" => d["systems"]
                .as_array()
                .map(|s| s.iter().filter_map(|x| x["records"].as_u64()).sum())
                .unwrap_or(0),
            _ => 1,
        })
        .sum()
}

fn kinds(act: Act) -> &'static [&'static str] {
    match act {
        Act::Search => &["search"],
        Act::Reveal => &["reveal"],
        Act::Export => &["package", "export_read"],
    }
}

impl Limits {
    pub fn new(cfg: &LimitsConfig) -> Limits {
        Limits {
            cfg: cfg.clone(),
            taken: Mutex::new(HashMap::new()),
        }
    }

    /// Refuse `act` when the operator of `desk` used up an allowance; the
    /// refusal is audited (`limit`). With `count`, an act let through is
    /// counted at once (searches and reveals), so that the next check sees
    /// it; without, the question is asked before the act ("may I reveal?").
    pub fn check(&self, desk: &Desk, act: Act, count: bool) -> Result<(), DeskError> {
        let op = desk.operator();
        let all = rules(self.cfg.for_role(op.role), act);
        let rules: Vec<&Rule> = all.iter().filter(|r| r.allowed > 0).collect();
        if rules.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        if act == Act::Export {
            for rule in rules {
                let entries =
                    desk.store()
                        .audit_since(&op.username, kinds(act), &since(now, rule))?;
                let n = exported(&entries);
                if n >= u64::from(rule.allowed) {
                    return Err(refuse(desk, rule, n));
                }
            }
            return Ok(());
        }
        let mut taken = self.taken.lock().unwrap_or_else(|p| p.into_inner());
        let key = (op.username.clone(), act);
        if !taken.contains_key(&key) {
            let longest = rules.iter().max_by_key(|r| r.window).copied();
            let mut times = VecDeque::new();
            if let Some(rule) = longest {
                for (_, at, _) in
                    desk.store()
                        .audit_since(&op.username, kinds(act), &since(now, rule))?
                {
                    if let Ok(t) = DateTime::parse_from_rfc3339(&at) {
                        times.push_back(t.with_timezone(&Utc));
                    }
                }
            }
            taken.insert(key.clone(), times);
        }
        let times = taken.get_mut(&key).expect("just inserted");
        let longest = rules.iter().map(|r| r.window).max().unwrap_or_default();
        while times.front().is_some_and(|t| *t < now - longest) {
            times.pop_front();
        }
        for rule in &rules {
            let from = now - rule.window;
            let n = times.iter().rev().take_while(|t| **t >= from).count() as u64;
            if n >= u64::from(rule.allowed) {
                drop(taken);
                return Err(refuse(desk, rule, n));
            }
        }
        if count {
            times.push_back(now);
        }
        Ok(())
    }
}

fn since(now: DateTime<Utc>, rule: &Rule) -> String {
    (now - rule.window).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The refusal of an act over `rule`, audited.
fn refuse(desk: &Desk, rule: &Rule, n: u64) -> DeskError {
    let op = desk.operator();
    let message = format!(
        "limit reached: {n} {} in {} for {} ({} at most, [limits.{}] {}); \
         nothing was done. Wait, or ask a supervisor if this is a normal day's work",
        rule.what, rule.window_words, op.username, rule.allowed, op.role, rule.key
    );
    if let Err(e) = desk.audit(
        AuditKind::Limit,
        rule.key,
        json!({ "role": op.role.as_str(), "allowed": rule.allowed, "used": n, "window": rule.window_words }),
    ) {
        return e;
    }
    tracing::warn!(limit = rule.key, "an operator reached a limit");
    DeskError::Denied(message)
}
