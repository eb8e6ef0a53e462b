//! Limits an insider cannot script around: searches per minute and per
//! hour, reveals per hour and exported records per day, per role
//! (`[limits]`). They are counted from the audit log, which records every
//! one of those acts under the operator's name, so a restart forgets
//! nothing. Going over is refused, and the refusal is an audit entry of its
//! own (`limit`), which supervisors see on the audit screen and in the
//! queue's header.

use crate::config::{LimitsConfig, RoleLimits};
use crate::desk::{Desk, DeskError};
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Search,
    Reveal,
    Export,
}

pub struct Limits {
    cfg: LimitsConfig,
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
fn used(act: Act, entries: &[(String, serde_json::Value)]) -> u64 {
    match act {
        Act::Search | Act::Reveal => entries.len() as u64,
        Act::Export => entries
            .iter()
            .map(|(kind, d)| match kind.as_str() {
                "package" => d["systems"]
                    .as_array()
                    .map(|s| s.iter().filter_map(|x| x["records"].as_u64()).sum())
                    .unwrap_or(0),
                _ => 1,
            })
            .sum(),
    }
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
        Limits { cfg: cfg.clone() }
    }

    /// Refuse `act` when the operator of `desk` used up an allowance; the
    /// refusal is audited (`limit`).
    pub fn check(&self, desk: &Desk, act: Act) -> Result<(), DeskError> {
        let op = desk.operator();
        let limits = self.cfg.for_role(op.role);
        for rule in rules(limits, act) {
            if rule.allowed == 0 {
                continue;
            }
            let since = (Utc::now() - rule.window).to_rfc3339_opts(SecondsFormat::Millis, true);
            let entries = desk.store().audit_since(&op.username, kinds(act), &since)?;
            let n = used(act, &entries);
            if n >= u64::from(rule.allowed) {
                let message = format!(
                    "limit reached: {n} {} in {} for {} ({} at most, [limits.{}] {}); \
                     nothing was done. Wait, or ask a supervisor if this is a normal day's work",
                    rule.what, rule.window_words, op.username, rule.allowed, op.role, rule.key
                );
                desk.audit(
                    "limit",
                    rule.key,
                    json!({ "role": op.role.as_str(), "allowed": rule.allowed, "used": n, "window": rule.window_words }),
                )?;
                tracing::warn!(limit = rule.key, "an operator reached a limit");
                return Err(DeskError::Denied(message));
            }
        }
        Ok(())
    }
}
