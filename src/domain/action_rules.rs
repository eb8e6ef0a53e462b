//! The rules actions obey, for everybody: what a correction may hold, who
//! may decide on an approval, what keeps a case from being fulfilled, and
//! the order of access before erasure. Who may do what by role is decided
//! in the desk.

use super::action::{Action, ActionJob, ActionKind, ActionStatus, JobState, ManualTask};
use super::case_rules::{clean_text, required_text, CaseRuleError, MAX_FIELD_CHARS};

fn invalid<T>(msg: impl Into<String>) -> Result<T, CaseRuleError> {
    Err(CaseRuleError::Invalid(msg.into()))
}

/// Most fields one correction may change.
pub const MAX_CHANGES: usize = 20;

/// `field=value` pairs as typed (`--set email=new@example.jp`): the field a
/// name of letters, digits and `_`, the value trimmed, neither repeated.
pub fn parse_changes(items: &[String]) -> Result<Vec<(String, String)>, CaseRuleError> {
    if items.len() > MAX_CHANGES {
        return invalid(format!(
            "at most {MAX_CHANGES} fields can be corrected in one action"
        ));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for item in items {
        let Some((field, value)) = item.split_once('=') else {
            return invalid(format!(
                "`{}` is not FIELD=VALUE (e.g. email=hanako@example.jp)",
                super::text::escape_controls(item)
            ));
        };
        let field = field.trim().to_ascii_lowercase();
        if field.is_empty() || !field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return invalid(format!(
                "`{}` is not a field name (letters, digits and _)",
                super::text::escape_controls(&field)
            ));
        }
        let value = required_text(&format!("the new value of {field}"), value, MAX_FIELD_CHARS)?;
        if out.iter().any(|(f, _)| *f == field) {
            return invalid(format!("{field} is given twice"));
        }
        out.push((field, value));
    }
    Ok(out)
}

/// A decision's reason: required, one line of up to 500 characters.
pub fn decision_reason(reason: &str) -> Result<String, CaseRuleError> {
    required_text("a reason", reason, MAX_FIELD_CHARS)
}

/// An optional note.
pub fn note(text: Option<&str>) -> Result<Option<String>, CaseRuleError> {
    match text {
        Some(t) => clean_text("the note", t, MAX_FIELD_CHARS),
        None => Ok(None),
    }
}

/// Whether `operator` may decide on `action` now: it must await approval,
/// and the one who prepared it never approves it (four-eyes).
pub fn check_decision(action: &Action, operator: &str, approve: bool) -> Result<(), CaseRuleError> {
    match action.status {
        ActionStatus::AwaitingApproval => {}
        ActionStatus::Approved if !action.needs_approval => {
            return invalid(format!(
                "action {} needs no approval ({} is not in [actions] require_approval)",
                action.reference(),
                action.kind
            ))
        }
        other => {
            return invalid(format!(
                "action {} was already decided: {}{}",
                action.reference(),
                other,
                action
                    .decided_by
                    .as_deref()
                    .map(|d| format!(" by {d}"))
                    .unwrap_or_default()
            ))
        }
    }
    if approve && action.prepared_by == operator {
        return invalid(format!(
            "you prepared action {}; another supervisor must approve it (four-eyes)",
            action.reference()
        ));
    }
    Ok(())
}

/// Why a case cannot be closed as fulfilled yet: one line per job that
/// has not ended (failed, unknown, still to run) and per open task. Jobs of
/// denied actions do not count.
pub fn fulfilment_blockers(
    actions: &[Action],
    jobs: &[ActionJob],
    tasks: &[ManualTask],
) -> Vec<String> {
    let mut out = Vec::new();
    for j in jobs {
        let denied = actions
            .iter()
            .any(|a| a.id == j.action_id && a.status == ActionStatus::Denied);
        if denied || j.state.is_final() {
            continue;
        }
        let what = match j.state {
            JobState::Failed => format!(
                "failed{}",
                j.message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            ),
            JobState::Unknown => "outcome unknown".to_string(),
            JobState::Polling => "still waiting for the processor".to_string(),
            other => format!("not run yet ({other})"),
        };
        out.push(format!(
            "job {} {} ({}) {what}",
            j.reference(),
            j.target(),
            j.kind
        ));
    }
    for t in tasks.iter().filter(|t| t.is_open()) {
        out.push(format!("task {} is not done", t.reference()));
    }
    out
}

/// An erasure on a case waits until every access (export) action on the
/// same case has finished: the person gets their data before it goes.
/// Returns why `action` must wait, if it must.
pub fn erasure_waits_for_access(
    action: &Action,
    actions: &[Action],
    jobs: &[ActionJob],
) -> Option<String> {
    if action.kind != ActionKind::Delete {
        return None;
    }
    for a in actions.iter().filter(|a| {
        a.kind == ActionKind::Export && a.id != action.id && a.status != ActionStatus::Denied
    }) {
        let open = jobs
            .iter()
            .filter(|j| j.action_id == a.id && !j.state.is_final())
            .count();
        if open > 0 {
            return Some(format!(
                "access runs before erasure: export action {} on this case has {open} job(s) not finished; run it first",
                a.reference()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_field_value_pairs() {
        let ok = parse_changes(&[
            "email= hanako@example.jp ".into(),
            "Phone=03-1234-5678".into(),
        ])
        .unwrap();
        assert_eq!(
            ok,
            vec![
                ("email".to_string(), "hanako@example.jp".to_string()),
                ("phone".to_string(), "03-1234-5678".to_string())
            ]
        );
        assert!(parse_changes(&["email".into()])
            .unwrap_err()
            .to_string()
            .contains("FIELD=VALUE"));
        assert!(parse_changes(&["e-mail=x".into()])
            .unwrap_err()
            .to_string()
            .contains("not a field name"));
        assert!(parse_changes(&["email=".into()])
            .unwrap_err()
            .to_string()
            .contains("required"));
        assert!(parse_changes(&["a=1".into(), "A=2".into()])
            .unwrap_err()
            .to_string()
            .contains("twice"));
    }
}
