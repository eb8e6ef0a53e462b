//! `[queue]`: the sections (tabs) of the supervisors' queue, each a filter
//! over the cases the operator may see. Values are written as in the CLI
//! (`category = "complaint"`, `law = "gdpr"`) and checked with locations.

use super::checks::path;
use super::document::Issue;
use crate::domain::queue::{QueueSection, SectionAssignee, SectionFilter, MAX_SECTIONS};
use crate::domain::{CaseStatus, Category, Law, Priority, RequestKind};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// `[queue]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueConfig {
    /// `[[queue.sections]]`, in tab order. Empty means the built-in ones.
    #[serde(default)]
    pub sections: Vec<SectionDef>,
}

/// One `[[queue.sections]]`: a name and the filter fields that must all match.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    pub name: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub law: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    /// A configured operator's user name.
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub unassigned: Option<bool>,
    /// The cases of whoever looks at the queue.
    #[serde(default)]
    pub mine: Option<bool>,
    #[serde(default)]
    pub overdue: Option<bool>,
    #[serde(default)]
    pub due_within_days: Option<u32>,
    #[serde(default)]
    pub awaiting_approval: Option<bool>,
}

/// Longest section name, in characters (it is a tab label).
const MAX_NAME_CHARS: usize = 24;

fn names<T>(all: &[T], name: impl Fn(&T) -> &'static str) -> String {
    all.iter().map(name).collect::<Vec<_>>().join(", ")
}

impl SectionDef {
    /// The section, or what is wrong with it: `(field, message)` pairs.
    pub fn to_section(&self, operators: &[&str]) -> Result<QueueSection, Vec<(String, String)>> {
        let mut bad: Vec<(String, String)> = Vec::new();
        let mut err = |field: &str, msg: String| bad.push((field.to_string(), msg));
        let name = self.name.trim();
        if name.is_empty() {
            err("name", "the section name is empty".into());
        } else if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            err(
                "name",
                format!("\"{}\" is not a short name (at most {MAX_NAME_CHARS} characters, no control characters)", name.escape_default()),
            );
        }
        let mut f = SectionFilter::default();
        if let Some(c) = &self.category {
            match Category::parse(c) {
                Some(c) => f.category = Some(c),
                None => err(
                    "category",
                    format!(
                        "unknown category \"{c}\"; one of: {}",
                        names(&Category::ALL, |c| c.as_str())
                    ),
                ),
            }
        }
        if let Some(k) = &self.kind {
            match RequestKind::parse(k) {
                Some(k) => f.kind = Some(k),
                None => err(
                    "kind",
                    format!(
                        "unknown request kind \"{k}\"; one of: {}",
                        names(&RequestKind::ALL, |k| k.as_str())
                    ),
                ),
            }
        }
        if let Some(l) = &self.law {
            match Law::parse(l) {
                Some(l) => f.law = Some(l),
                None => err(
                    "law",
                    format!(
                        "unknown law \"{l}\"; one of: {}",
                        names(&Law::ALL, |l| l.as_str())
                    ),
                ),
            }
        }
        if let Some(s) = &self.status {
            let listed: Vec<CaseStatus> = CaseStatus::ALL
                .into_iter()
                .filter(|s| *s != CaseStatus::Closed)
                .collect();
            match CaseStatus::parse(s) {
                Some(CaseStatus::Closed) => err(
                    "status",
                    "the queue holds cases not yet closed; list closed ones with `privdesk case list --status closed`".into(),
                ),
                Some(s) => f.status = Some(s),
                None => err(
                    "status",
                    format!("unknown status \"{s}\"; one of: {}", names(&listed, |s| s.as_str())),
                ),
            }
        }
        if let Some(p) = &self.priority {
            match Priority::parse(p) {
                Some(p) => f.priority = Some(p),
                None => err(
                    "priority",
                    format!(
                        "unknown priority \"{p}\"; one of: {}",
                        names(&Priority::ALL, |p| p.as_str())
                    ),
                ),
            }
        }
        let holders = [
            self.assignee.is_some(),
            self.unassigned == Some(true),
            self.mine == Some(true),
        ];
        if holders.iter().filter(|x| **x).count() > 1 {
            err(
                "assignee",
                "give at most one of assignee, unassigned = true and mine = true".into(),
            );
        } else if let Some(a) = &self.assignee {
            if operators.contains(&a.as_str()) {
                f.assignee = SectionAssignee::User(a.clone());
            } else {
                err(
                    "assignee",
                    format!(
                        "\"{a}\" is not a configured operator; operators: {}",
                        operators.join(", ")
                    ),
                );
            }
        } else if self.unassigned == Some(true) {
            f.assignee = SectionAssignee::Unassigned;
        } else if self.mine == Some(true) {
            f.assignee = SectionAssignee::Mine;
        }
        for (field, v) in [("unassigned", self.unassigned), ("mine", self.mine)] {
            if v == Some(false) {
                err(
                    field,
                    format!("{field} = false filters nothing; leave it out"),
                );
            }
        }
        f.overdue = self.overdue;
        f.awaiting_approval = self.awaiting_approval;
        if let Some(n) = self.due_within_days {
            if n > 366 {
                err(
                    "due_within_days",
                    "due_within_days must be at most 366".into(),
                );
            } else if self.overdue == Some(true) {
                err(
                    "due_within_days",
                    "due_within_days holds cases not yet overdue; it cannot go with overdue = true"
                        .into(),
                );
            }
            f.due_within_days = Some(n);
        }
        if bad.is_empty() {
            Ok(QueueSection {
                name: name.to_string(),
                filter: f,
            })
        } else {
            Err(bad)
        }
    }
}

impl QueueConfig {
    /// The sections in tab order: the configured ones, or the built-in
    /// ones when none are configured. Sections with problems (the loader
    /// refuses such a config) are left out.
    pub fn sections(&self, operators: &[&str]) -> Vec<QueueSection> {
        if self.sections.is_empty() {
            return crate::domain::queue::default_sections();
        }
        self.sections
            .iter()
            .filter_map(|d| d.to_section(operators).ok())
            .collect()
    }
}

/// Problems of `[[queue.sections]]`, located at the field.
pub(crate) fn check_queue(q: &QueueConfig, operators: &[&str], out: &mut Vec<Issue>) {
    if q.sections.len() > MAX_SECTIONS {
        out.push(Issue::new(
            path(&["queue", "sections"]),
            format!(
                "{} sections configured; the queue has room for at most {MAX_SECTIONS}",
                q.sections.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    for (i, d) in q.sections.iter().enumerate() {
        let at = |field: &str| path(&["queue", "sections", &i.to_string(), field]);
        if let Err(problems) = d.to_section(operators) {
            for (field, msg) in problems {
                out.push(Issue::new(at(&field), msg));
            }
        }
        let name = d.name.trim().to_lowercase();
        if !name.is_empty() && !seen.insert(name) {
            out.push(Issue::new(
                at("name"),
                format!("a section named \"{}\" is listed twice", d.name.trim()),
            ));
        }
    }
}
