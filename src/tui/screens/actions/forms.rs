//! The forms of the action screens: preparing an action (kind, records,
//! a correction's new values, systems done by hand, a note), the reason of
//! a decision or a skip, a manual task, a task's result; and reading what
//! the operator typed into desk requests.

use crate::desk::ActionRequest;
use crate::domain::{ActionKind, LinkedRecord, RequestKind};
use crate::tui::app::{CaseChange, CaseSettings, ManualTaskInput};
use crate::tui::form::{Choice, Field, Form};
use chrono::NaiveDate;

/// A problem with one field: (field id, message).
pub type FieldError = (&'static str, String);

/// The fields a correction can set in the prepare form: (field id, the
/// canonical field sent to the systems, label).
pub const CORRECTION_FIELDS: [(&str, &str, &str); 5] = [
    ("set_name", "name", "New name"),
    ("set_email", "email", "New email"),
    ("set_phone", "phone", "New phone"),
    ("set_postal_code", "postal_code", "New postcode"),
    ("set_address", "address", "New address"),
];

/// The prepare form for a case with these linked records; the kind
/// starts as what the case's request kind maps to.
pub fn prepare_form(kind: Option<RequestKind>, links: &[LinkedRecord]) -> Form {
    let kinds = ActionKind::ALL
        .iter()
        .map(|k| Choice::new(k.as_str(), k.label()))
        .collect();
    let records: Vec<Choice> = links
        .iter()
        .map(|l| Choice::new(l.to_string(), format!("{} {}", l.system, l.record_id)))
        .collect();
    let mut systems: Vec<String> = links.iter().map(|l| l.system.clone()).collect();
    systems.dedup();
    let mut fields = vec![
        Field::choice("kind", "Action", kinds),
        Field::multi("records", "Records", records),
    ];
    for (id, _, label) in CORRECTION_FIELDS {
        fields.push(Field::text(id, label).placeholder("unchanged"));
    }
    fields.push(Field::multi(
        "manual",
        "By hand",
        systems.iter().map(|s| Choice::new(s, s)).collect(),
    ));
    fields.push(Field::text("note", "Note").placeholder("sent where a system asks for a reason"));
    fields.push(Field::button("save", "Prepare (dry run)"));
    let mut form = Form::new(fields);
    if let Some(k) = kind.and_then(ActionKind::for_request) {
        form.set("kind", k.as_str());
    }
    let all: Vec<String> = links.iter().map(|l| l.to_string()).collect();
    form.set("records", &all.join(","));
    refresh_prepare(&mut form);
    form
}

/// Show the new values only for a correction.
pub fn refresh_prepare(form: &mut Form) {
    let update = form.value("kind") == ActionKind::Update.as_str();
    for (id, _, _) in CORRECTION_FIELDS {
        form.show(id, update);
    }
}

/// The request the prepare form holds.
pub fn prepare_input(form: &Form, links: &[LinkedRecord]) -> Result<ActionRequest, FieldError> {
    let kind = ActionKind::parse_stored(&form.value("kind"))
        .ok_or_else(|| ("kind", "choose what the action does".to_string()))?;
    let chosen: Vec<LinkedRecord> = form
        .value("records")
        .split(',')
        .filter(|v| !v.is_empty())
        .filter_map(|v| LinkedRecord::parse(v).ok())
        .collect();
    if chosen.is_empty() {
        return Err((
            "records",
            "tick at least one record (space) for the action to apply to".into(),
        ));
    }
    let mut changes = Vec::new();
    if kind == ActionKind::Update {
        for (id, field, _) in CORRECTION_FIELDS {
            if let Some(v) = form.opt(id) {
                changes.push((field.to_string(), v));
            }
        }
        if changes.is_empty() {
            return Err((
                "set_phone",
                "a correction needs at least one new value".into(),
            ));
        }
    }
    let manual = form
        .value("manual")
        .split(',')
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect();
    Ok(ActionRequest {
        kind: Some(kind),
        systems: Vec::new(),
        // Every record ticked: the default, which also asks the OpenDSR
        // processors that can take the action.
        records: if chosen.len() == links.len() {
            Vec::new()
        } else {
            chosen
        },
        changes,
        manual,
        note: form.opt("note"),
    })
}

/// A reason (approve, deny, skip).
pub fn reason_form(button: &str) -> Form {
    Form::new(vec![
        Field::text("reason", "Reason"),
        Field::button("save", button),
    ])
}

/// The reason typed, or why it is missing.
pub fn reason_input(form: &Form) -> Result<String, FieldError> {
    form.opt("reason").ok_or_else(|| {
        (
            "reason",
            "give a reason: it is kept with the decision".into(),
        )
    })
}

/// Hand a job to a manual task.
pub fn manual_form(settings: &CaseSettings) -> Form {
    let mut who = vec![Choice::new("", "(the case's assignee)")];
    who.extend(
        settings
            .assignees
            .iter()
            .map(|(u, n)| Choice::new(u, format!("{n} ({u})"))),
    );
    Form::new(vec![
        Field::text("instructions", "What to do").placeholder("default: written from the job"),
        Field::choice("assignee", "Assignee", who),
        Field::text("due", "Due").placeholder("YYYY-MM-DD (default: the case's due date)"),
        Field::button("save", "Make the task"),
    ])
}

pub fn manual_input(form: &Form) -> Result<ManualTaskInput, FieldError> {
    let due = match form.opt("due") {
        None => None,
        Some(d) => Some(NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| {
            (
                "due",
                format!(
                    "`{}` is not a date; write it as 2026-04-30",
                    crate::domain::text::escape_controls(&d)
                ),
            )
        })?),
    };
    Ok(ManualTaskInput {
        instructions: form.opt("instructions"),
        assignee: form.opt("assignee"),
        due,
    })
}

/// Record a task as done.
pub fn task_done_form() -> Form {
    Form::new(vec![
        Field::text("result", "Result").placeholder("deleted, no data held, corrected…"),
        Field::text("note", "Note"),
        Field::button("save", "Record as done"),
    ])
}

pub fn task_done_input(form: &Form) -> Result<(String, Option<String>), FieldError> {
    let result = form.opt("result").ok_or_else(|| {
        (
            "result",
            "say what you found or did (deleted, no data held...)".to_string(),
        )
    })?;
    Ok((result, form.opt("note")))
}

/// The letter editor: template, the text (rendered, then edited), whether
/// it is THE response.
pub fn letter_form(templates: &[String]) -> Form {
    let choices = templates.iter().map(|t| Choice::new(t, t)).collect();
    Form::new(vec![
        Field::choice("template", "Template", choices),
        Field::area("text", "Letter"),
        Field::toggle("is_response", "The response"),
        Field::button("save", "Record as reply"),
    ])
}

/// The letter the editor holds.
pub fn letter_input(form: &Form) -> Result<CaseChange, FieldError> {
    let text = form.value("text");
    if text.trim().is_empty() {
        return Err(("text", "the letter is empty".into()));
    }
    Ok(CaseChange::Letter {
        text,
        is_response: form.is_on("is_response"),
    })
}
