//! `audit checkpoint` and `audit verify --checkpoint`: signing the audit
//! chain's head with the server's checkpoint key and sending the copies
//! where `[audit]` says; checking copies brought back against the log.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::Config;
use crate::desk::{Desk, DeskError};
use crate::store::{Checkpoint, CheckpointKey};

/// One checkpoint file's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointResult {
    pub file: String,
    pub ok: bool,
    /// The count it committed to, when it could be read.
    pub entries: Option<u64>,
    /// Why it does not hold, if it does not.
    pub reason: Option<String>,
}

fn key(config: &Config) -> Result<CheckpointKey, DeskError> {
    Ok(CheckpointKey::load_or_create(
        &config.checkpoint_key_path(),
    )?)
}

/// Signs the current head (refused for a broken chain), writes it to
/// `checkpoint_dir` and pipes it to `checkpoint_command`, and audits it.
pub(crate) fn make(desk: &Desk, config: &Config) -> Result<Checkpoint, DeskError> {
    desk.require_audit_reader("audit checkpoint")?;
    let v = desk.store().verify_audit()?;
    if let Some(b) = &v.first_broken {
        return Err(DeskError::Server(format!(
            "the audit chain is broken at entry {}: {}; no checkpoint was signed",
            b.id, b.reason
        )));
    }
    let now = chrono::Utc::now();
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let cp = key(config)?.sign(&v.head, &at);
    let text = format!("{}\n", cp.to_json());
    let mut sent = Vec::new();
    if let Some(dir) = &config.audit.checkpoint_dir {
        let dir = crate::config::resolve_path(dir, &config.base_dir(), None);
        let file: PathBuf = dir.join(format!(
            "checkpoint-{}-{}.json",
            cp.entries,
            now.format("%Y%m%dT%H%M%S%.3fZ")
        ));
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&file)
            .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()))
            .map_err(|e| {
                DeskError::Server(format!(
                    "the checkpoint could not be written to {}: {e}",
                    file.display()
                ))
            })?;
        sent.push(file.display().to_string());
    }
    if let Some(cmd) = &config.audit.checkpoint_command {
        let fail = |why: String| {
            DeskError::Server(format!(
                "the checkpoint command `{cmd}` failed: {why}; the checkpoint did not leave the host that way"
            ))
        };
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(e.to_string()))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(text.as_bytes())
                .map_err(|e| fail(e.to_string()))?;
        }
        let out = child.wait_with_output().map_err(|e| fail(e.to_string()))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(fail(format!("{}: {}", out.status, err.trim())));
        }
        sent.push(format!("command: {cmd}"));
    }
    desk.audit(
        "audit_checkpoint",
        "audit",
        json!({"entries": cp.entries, "head": cp.head, "sent": sent}),
    )?;
    Ok(cp)
}

/// Checks each (file name, contents) against this server's key and the log.
pub(crate) fn verify(
    desk: &Desk,
    config: &Config,
    files: Vec<(String, String)>,
) -> Result<Vec<CheckpointResult>, DeskError> {
    desk.require_audit_reader("audit verify")?;
    let key = key(config)?;
    let chain = desk.store().verify_audit()?;
    let mut out = Vec::with_capacity(files.len());
    for (file, text) in files {
        let result = match Checkpoint::parse(&text) {
            Err(why) => (None, Some(why)),
            Ok(cp) => {
                let reason = match key.check_signature(&cp) {
                    Err(why) => Some(why),
                    Ok(()) => match desk.store().check_checkpoint(&cp)? {
                        Some(why) => Some(why),
                        None => chain.first_broken.as_ref().map(|b| {
                            format!("the audit chain is broken at entry {}: {}", b.id, b.reason)
                        }),
                    },
                };
                (Some(cp.entries), reason)
            }
        };
        out.push(CheckpointResult {
            ok: result.1.is_none(),
            entries: result.0,
            reason: result.1.map(|r| format!("checkpoint {file}: {r}")),
            file,
        });
    }
    Ok(out)
}
