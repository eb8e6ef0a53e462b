//! `[retention]`: how long closed cases keep their personal data, and the
//! checks of those values (each bad value is an issue at its own key).

use super::document::Issue;
use crate::domain::{Category, Law};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Longest retention period accepted, in days (100 years).
pub const MAX_RETENTION_DAYS: i64 = 36_500;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionConfig {
    /// Days after closing before a case's personal data is purged.
    pub closed_case_days: i64,
    /// Per law (`appi`, `gdpr`, `ccpa`), overriding `closed_case_days`.
    #[serde(default)]
    pub laws: IndexMap<String, i64>,
    /// Per category (`inquiry`, `complaint`, `rights_request`), overriding
    /// the law's and the general period.
    #[serde(default)]
    pub categories: IndexMap<String, i64>,
    /// Shred an erasure case's data subjects in the audit log as soon as
    /// the case is closed as done, not only when retention purges it.
    #[serde(default)]
    pub shred_on_erasure: bool,
}

impl RetentionConfig {
    /// The period for a case: its category's, else its law's, else
    /// `closed_case_days`.
    pub fn days_for(&self, category: Category, law: Law) -> i64 {
        self.categories
            .get(category.as_str())
            .or_else(|| self.laws.get(law.as_str()))
            .copied()
            .unwrap_or(self.closed_case_days)
    }
}

fn days_issue(path: Vec<String>, days: i64, out: &mut Vec<Issue>) {
    if !(1..=MAX_RETENTION_DAYS).contains(&days) {
        out.push(Issue::new(
            path,
            format!("{days} is not a retention period: give a number of days from 1 to {MAX_RETENTION_DAYS}"),
        ));
    }
}

pub(crate) fn check_retention(r: &RetentionConfig, out: &mut Vec<Issue>) {
    let at = |parts: &[&str]| parts.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    days_issue(
        at(&["retention", "closed_case_days"]),
        r.closed_case_days,
        out,
    );
    for (name, days) in &r.laws {
        let path = at(&["retention", "laws", name]);
        if Law::parse(name).map(|l| l.as_str()) != Some(name.as_str()) {
            let all: Vec<&str> = Law::ALL.iter().map(|l| l.as_str()).collect();
            out.push(Issue::new(
                path,
                format!("\"{name}\" is not a law; laws: {}", all.join(", ")),
            ));
        } else {
            days_issue(path, *days, out);
        }
    }
    for (name, days) in &r.categories {
        let path = at(&["retention", "categories", name]);
        if Category::parse(name).map(|c| c.as_str()) != Some(name.as_str()) {
            let all: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
            out.push(Issue::new(
                path,
                format!(
                    "\"{name}\" is not a category; categories: {}",
                    all.join(", ")
                ),
            ));
        } else {
            days_issue(path, *days, out);
        }
    }
}
