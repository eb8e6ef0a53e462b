//! `[audit]`: the audit log's keys and its signed checkpoints.

use super::document::Issue;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Longest checkpoint interval accepted, in hours (one year).
pub const MAX_CHECKPOINT_HOURS: f64 = 8784.0;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// The chain's MAC keys, the blind index key and the key wrapping each
    /// data subject's key. Unset: `audit.key` beside the store. Relative
    /// paths are taken from the configuration file's folder.
    #[serde(default)]
    pub key_file: Option<PathBuf>,
    /// The Ed25519 key checkpoints are signed with. Unset:
    /// `checkpoint.key` beside the store.
    #[serde(default)]
    pub checkpoint_key_file: Option<PathBuf>,
    /// Hours between the server's own checkpoints; 0 = only on demand.
    pub checkpoint_every_hours: f64,
    /// A folder each checkpoint is written to as a file of its own.
    #[serde(default)]
    pub checkpoint_dir: Option<PathBuf>,
    /// A command each checkpoint is piped to (run with `sh -c`).
    #[serde(default)]
    pub checkpoint_command: Option<String>,
}

pub(crate) fn check_audit(a: &AuditConfig, out: &mut Vec<Issue>) {
    let h = a.checkpoint_every_hours;
    if !(h.is_finite() && (0.0..=MAX_CHECKPOINT_HOURS).contains(&h)) {
        out.push(Issue::new(
            vec!["audit".into(), "checkpoint_every_hours".into()],
            format!("{h} is not an interval: give hours from 0 (only on demand) to {MAX_CHECKPOINT_HOURS}"),
        ));
    }
    if a.checkpoint_command
        .as_deref()
        .is_some_and(|c| c.trim().is_empty())
    {
        out.push(Issue::new(
            vec!["audit".into(), "checkpoint_command".into()],
            "an empty command: give one, or leave checkpoint_command out",
        ));
    }
}
