//! `audit checkpoint` and `audit verify --checkpoint`: signing the audit
//! chain's head with the server's checkpoint key and sending the copies
//! where `[audit]` says; checking copies brought back against the log.

use crate::domain::AuditKind;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::json;

use crate::config::Config;
use crate::desk::{Desk, DeskError};
use crate::store::{Checkpoint, CheckpointKey, Store};

pub use crate::protocol::files::CheckpointResult;

fn key(config: &Config) -> Result<CheckpointKey, DeskError> {
    Ok(CheckpointKey::load_or_create(
        &config.checkpoint_key_path(),
    )?)
}

/// Signs the current head (refused for a broken chain), writes it to
/// `checkpoint_dir` and pipes it to `checkpoint_command`, and audits it.
pub(crate) fn make(desk: &Desk, config: &Config) -> Result<Checkpoint, DeskError> {
    desk.require_audit_reader("audit checkpoint")?;
    let (cp, sent) = sign_and_send(desk.store(), config)?;
    desk.audit(
        AuditKind::AuditCheckpoint,
        "audit",
        json!({"entries": cp.entries, "head": cp.head, "sent": sent}),
    )?;
    Ok(cp)
}

/// The server's own checkpoint, on the `checkpoint_every_hours` schedule:
/// audited in the name `privdesk`.
pub(crate) fn scheduled(store: &Store, config: &Config) -> Result<Checkpoint, DeskError> {
    let (cp, sent) = sign_and_send(store, config)?;
    store.append_audit(&crate::store::NewAuditEntry {
        operator: "privdesk".into(),
        kind: AuditKind::AuditCheckpoint,
        subject: "audit".into(),
        details: json!({"entries": cp.entries, "head": cp.head, "sent": sent, "scheduled": true}),
    })?;
    Ok(cp)
}

/// Every `checkpoint_every_hours` (none when 0), while the server lives.
pub(crate) fn spawn_schedule(server: &std::sync::Arc<super::Server>) {
    let hours = server.config().audit.checkpoint_every_hours;
    if hours.is_nan() || hours <= 0.0 {
        return;
    }
    let every = std::time::Duration::from_secs_f64(hours * 3600.0);
    let weak = std::sync::Arc::downgrade(server);
    let spawned = std::thread::Builder::new()
        .name("privdesk-checkpoint".into())
        .spawn(move || {
            let mut next = std::time::Instant::now() + every;
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
                let Some(server) = weak.upgrade() else { break };
                if std::time::Instant::now() < next {
                    continue;
                }
                next += every;
                match scheduled(server.core().store(), server.config()) {
                    Ok(cp) => tracing::info!(entries = cp.entries, "audit checkpoint signed"),
                    Err(e) => tracing::error!(error = %e, "the scheduled audit checkpoint failed"),
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "the audit checkpoint schedule could not start");
    }
}

/// Signs the head (refused for a broken chain) and sends it; what it was
/// sent to.
fn sign_and_send(store: &Store, config: &Config) -> Result<(Checkpoint, Vec<String>), DeskError> {
    let v = store.verify_audit()?;
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
    Ok((cp, sent))
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
