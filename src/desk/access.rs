//! Whether the operator of a running session may still use the desk.
//!
//! The seeds promise that departed staff lose access at once. A session
//! opened before an operator was removed from the configuration (or had
//! their role reduced) must not go on working: before every operation that
//! reads or changes customer data or the audit trail, the desk looks at the
//! configuration file's modification stamp (one `stat`) and, when it
//! changed, re-reads the `[operators]` section. An operator who is gone, or
//! whose role now allows less than the session started with, is refused
//! (`DeskError::Refused`, audited as `denied`) until the file says
//! otherwise; the session keeps the rights it started with.
//!
//! A file that cannot be read or parsed refuses too: new sessions would be
//! refused by the same file, and a running one must not outlive them.

use super::{Desk, DeskError};
use crate::config::CURRENT_USER_KEY;
use crate::domain::AuditKind;
use crate::domain::{Operator, Role};
use serde_json::json;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// What identifies one version of the configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    modified_ns: i128,
    len: u64,
    inode: u64,
}

pub(crate) fn stamp(path: &Path) -> std::io::Result<Stamp> {
    let m = std::fs::metadata(path)?;
    Ok(Stamp {
        modified_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
        len: m.len(),
        inode: m.ino(),
    })
}

/// The configuration file a session watches, and what it said last.
#[derive(Debug)]
pub(crate) struct Watch {
    path: Option<PathBuf>,
    /// The operator was `"$USER"` in a demo configuration.
    current_user_key: bool,
    state: Mutex<WatchState>,
}

#[derive(Debug)]
struct WatchState {
    stamp: Option<Stamp>,
    /// Why the operator is refused now (None: allowed).
    refusal: Option<String>,
}

impl Watch {
    /// Watch the file the configuration came from, when it exists; a
    /// configuration built in memory has nothing to watch.
    pub(crate) fn new(source: Option<&Path>, operator: &Operator) -> Watch {
        let path = source.filter(|p| p.is_file()).map(Path::to_path_buf);
        let stamp = path.as_deref().and_then(|p| stamp(p).ok());
        let current_user_key = path
            .as_deref()
            .and_then(|p| read_operators(p).ok())
            .is_some_and(|ops| {
                !ops.iter().any(|(k, _)| *k == operator.username)
                    && ops.iter().any(|(k, _)| k == CURRENT_USER_KEY)
            });
        Watch {
            path,
            current_user_key,
            state: Mutex::new(WatchState {
                stamp,
                refusal: None,
            }),
        }
    }

    /// None when `operator` may go on; otherwise why not. The flag is true
    /// when this answer differs from the last one (refused or allowed again).
    fn check(&self, operator: &Operator) -> (Option<String>, bool) {
        let Some(path) = self.path.as_deref() else {
            return (None, false);
        };
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = stamp(path).ok();
        if now.is_some() && now == state.stamp {
            return (state.refusal.clone(), false);
        }
        let mut verdict = self.verdict(path, operator);
        if verdict.is_some() {
            // An editor may be half-way through writing the file: look
            // again once before refusing.
            std::thread::sleep(Duration::from_millis(50));
            verdict = self.verdict(path, operator);
        }
        state.stamp = stamp(path).ok();
        let changed = state.refusal.is_some() != verdict.is_some();
        state.refusal = verdict.clone();
        if verdict.is_some() && changed {
            tracing::warn!("operator refused after a configuration change");
        }
        (verdict, changed)
    }

    fn verdict(&self, path: &Path, operator: &Operator) -> Option<String> {
        let ops = match read_operators(path) {
            Ok(ops) => ops,
            Err(why) => {
                return Some(format!(
                    "the configuration {} cannot be read ({why}), so operators cannot be checked; \
                     an administrator must fix it",
                    path.display()
                ))
            }
        };
        let me = &operator.username;
        let found = ops.iter().find(|(k, _)| k == me).or_else(|| {
            self.current_user_key
                .then(|| ops.iter().find(|(k, _)| k == CURRENT_USER_KEY))
                .flatten()
        });
        match found {
            None => Some(format!(
                "user \"{me}\" was removed from the operators in {}; this session is closed",
                path.display()
            )),
            Some((_, role)) => match role {
                Some(role) if keeps_rights(operator.role, *role) => None,
                Some(role) => Some(format!(
                    "the role of \"{me}\" changed from {} to {role} in {}; start privdesk again",
                    operator.role,
                    path.display()
                )),
                None => Some(format!(
                    "the role of \"{me}\" in {} is not agent, supervisor or auditor",
                    path.display()
                )),
            },
        }
    }
}

/// True when a session started as `was` loses nothing if the operator is
/// now `now`: the same role, or supervisor (who may do all the others may).
fn keeps_rights(was: Role, now: Role) -> bool {
    was == now || now == Role::Supervisor
}

/// The operators section of a configuration file: each name with its role
/// (None when the role is not one of the three).
fn read_operators(path: &Path) -> Result<Vec<(String, Option<Role>)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let doc: toml::Table = toml::from_str(&text).map_err(|e| {
        e.message()
            .lines()
            .next()
            .unwrap_or("not valid TOML")
            .to_string()
    })?;
    let Some(ops) = doc.get("operators") else {
        return Ok(Vec::new());
    };
    let ops = ops
        .as_table()
        .ok_or_else(|| "`operators` is not a table".to_string())?;
    Ok(ops
        .iter()
        .map(|(name, def)| {
            let role = def
                .get("role")
                .and_then(|r| r.as_str())
                .and_then(Role::parse);
            (name.clone(), role)
        })
        .collect())
}

impl Desk {
    /// Whether the operator may still use the desk, by the configuration
    /// file as it is now (see [`Desk::gate`] for operations).
    /// The moment a running session is cut off (or let back in) is itself
    /// an audit entry (`session_refused`, `session_restored`).
    pub fn check_access(&self) -> Result<(), DeskError> {
        let (verdict, changed) = self.inner.watch.check(self.operator());
        if changed {
            let kind = if verdict.is_some() {
                AuditKind::SessionRefused
            } else {
                AuditKind::SessionRestored
            };
            let _ = self.audit(kind, "session", json!({ "reason": verdict }));
        }
        match verdict {
            None => Ok(()),
            Some(why) => Err(DeskError::Refused(why)),
        }
    }

    /// [`Desk::check_access`] before `operation`; a refusal is audited
    /// (`denied`, subject the operation).
    pub(crate) fn gate(&self, operation: &str) -> Result<(), DeskError> {
        self.gate_on(operation, operation)
    }

    /// [`Desk::gate`] for an operation on `subject` (e.g. a case number).
    pub(crate) fn gate_on(&self, subject: &str, operation: &str) -> Result<(), DeskError> {
        self.check_access().inspect_err(|e| {
            let _ = self.audit(
                AuditKind::Denied,
                subject,
                json!({ "operation": operation, "reason": e.to_string() }),
            );
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(name: &str, role: Role) -> Operator {
        Operator {
            username: name.into(),
            display_name: name.into(),
            role,
        }
    }

    #[test]
    fn the_current_user_key_of_a_demo_configuration_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let with =
            "demo = true\n[operators.\"$USER\"]\ndisplay_name = \"Me\"\nrole = \"supervisor\"\n";
        std::fs::write(&path, with).unwrap();
        let me = op("someone", Role::Supervisor);
        let watch = Watch::new(Some(&path), &me);
        assert!(watch.current_user_key);
        assert_eq!(watch.check(&me), (None, false));
        std::fs::write(
            &path,
            "demo = true\n[operators.other]\ndisplay_name = \"O\"\nrole = \"agent\"\n",
        )
        .unwrap();
        let (verdict, changed) = watch.check(&me);
        assert!(changed);
        assert!(verdict.unwrap().contains("was removed"));
        // Someone listed by name is not taken for "$USER".
        std::fs::write(&path, with).unwrap();
        let named = Watch::new(Some(&path), &op("$USER", Role::Supervisor));
        assert!(!named.current_user_key);
    }

    #[test]
    fn reduced_roles_lose_the_session_and_promotions_keep_it() {
        assert!(keeps_rights(Role::Agent, Role::Agent));
        assert!(keeps_rights(Role::Agent, Role::Supervisor));
        assert!(keeps_rights(Role::Auditor, Role::Supervisor));
        assert!(!keeps_rights(Role::Supervisor, Role::Agent));
        assert!(!keeps_rights(Role::Supervisor, Role::Auditor));
        assert!(!keeps_rights(Role::Agent, Role::Auditor));
        assert!(!keeps_rights(Role::Auditor, Role::Agent));
    }
}
