//! Checks of the action requests of one system (`[systems.<name>.actions]`),
//! of an OpenDSR processor's block (`[systems.<name>.opendsr]`) and of the
//! desk-wide `[actions]` table. Each problem is put at the offending key.

use super::actions::{
    ActionDef, ActionsConfig, OpenDsrDef, PreconditionDef, PreconditionFrom, SystemKind, VerifyDef,
};
use super::checks::path;
use super::connector_checks::{
    body_paths, check_path, check_query, check_template, takes_body, Ck,
};
use super::document::Issue;
use super::path::Template;
use super::systems::SystemDef;
use crate::domain::ActionKind;
use std::collections::HashSet;

/// Variables an action request may use: the record's id, the case number,
/// the job's idempotency key, the reason given, and (update body only, as
/// a whole string value) the object of changed fields.
pub const ACTION_VARS: &[&str] = &["id", "case", "idempotency_key", "reason", "changes"];
/// Variables a verification request may use.
pub const VERIFY_VARS: &[&str] = &["id", "case"];
/// Variables an OpenDSR identity value may use (from the case's requester).
pub const IDENTITY_VARS: &[&str] = &["email", "phone"];

/// Check the action part of one system.
pub(crate) fn check_actions(ck: &mut Ck<'_>, sys: &SystemDef) {
    let a = &sys.actions;
    if reqwest::header::HeaderName::from_bytes(a.key_header.as_bytes()).is_err() {
        ck.at(
            &["actions", "key_header"],
            format!("\"{}\" is not a valid HTTP header name", a.key_header),
        );
    }
    match sys.kind {
        SystemKind::Api => {
            if sys.opendsr.is_some() {
                ck.at(
                    &["opendsr"],
                    "an opendsr block needs kind = \"opendsr\" (this system is of kind api)",
                );
            }
            for (kind, def) in a.entries() {
                check_action(ck, kind, def);
                if let Some(p) = &def.precondition {
                    check_precondition(ck, sys, kind, def, p);
                }
            }
        }
        SystemKind::Opendsr => {
            if !a.entries().is_empty() {
                ck.at(
                    &["actions"],
                    "an opendsr processor takes no action requests: it is asked through [systems.<name>.opendsr]",
                );
            }
            match &sys.opendsr {
                Some(o) => check_opendsr(ck, o),
                None => ck.at(
                    &[],
                    "a system of kind opendsr needs [systems.<name>.opendsr] (at least `path`)",
                ),
            }
        }
    }
}

fn check_statuses(ck: &mut Ck<'_>, at: &[&str], codes: &[u16]) {
    if codes.is_empty() {
        ck.at(at, "list at least one HTTP status");
    }
    for c in codes {
        if !(100..=599).contains(c) {
            ck.at(at, format!("{c} is not an HTTP status (100 to 599)"));
        }
    }
}

fn template_uses(text: &str, var: &str) -> bool {
    Template::parse(text).is_ok_and(|t| t.vars().any(|v| v == var))
}

fn body_uses(v: &serde_json::Value, var: &str) -> bool {
    match v {
        serde_json::Value::String(s) => template_uses(s, var),
        serde_json::Value::Array(items) => items.iter().any(|x| body_uses(x, var)),
        serde_json::Value::Object(map) => map.values().any(|x| body_uses(x, var)),
        _ => false,
    }
}

/// `{changes}` anywhere but as a whole string value of the body.
fn misplaced_changes(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => {
            template_uses(s, "changes")
                && Template::parse(s)
                    .ok()
                    .and_then(|t| t.sole_var().map(str::to_string))
                    .as_deref()
                    != Some("changes")
        }
        serde_json::Value::Array(items) => items.iter().any(misplaced_changes),
        serde_json::Value::Object(map) => map.values().any(misplaced_changes),
        _ => false,
    }
}

fn check_action(ck: &mut Ck<'_>, kind: ActionKind, def: &ActionDef) {
    let k = kind.as_str();
    let at = |key: &'static str| ["actions", k, key];
    check_template(ck, &at("path"), &def.path, ACTION_VARS);
    check_query(ck, &at("query"), &def.query, ACTION_VARS);
    let id_used = template_uses(&def.path, "id")
        || def.query.values().any(|q| template_uses(q, "id"))
        || def.body.as_ref().is_some_and(|b| body_uses(b, "id"));
    if !id_used {
        ck.at(
            &at("path"),
            format!("actions.{k} never uses {{id}}: put the record's id in the path, a query value or the body"),
        );
    }
    let changes_in_url = template_uses(&def.path, "changes")
        || def.query.values().any(|q| template_uses(q, "changes"));
    if changes_in_url {
        ck.at(
            &at("path"),
            "{changes} is the object of changed fields: use it only as a whole body value",
        );
    }
    if let Some(body) = &def.body {
        if !takes_body(def.method) {
            ck.at(
                &at("body"),
                format!(
                    "a body is only sent with POST, PUT or PATCH, not {}",
                    def.method.as_str()
                ),
            );
        }
        body_paths(ck, &at("body"), body, ACTION_VARS);
        if body_uses(body, "changes") && kind != ActionKind::Update {
            ck.at(&at("body"), "{changes} is only known to update requests");
        } else if misplaced_changes(body) {
            ck.at(
                &at("body"),
                "{changes} must be a whole string value on its own (\"{changes}\"), not inside other text",
            );
        }
    }
    check_statuses(ck, &at("success"), &def.success);
    if kind == ActionKind::Update {
        if def.fields.is_empty() {
            ck.at(
                &at("fields"),
                "an update request needs `fields`: which fields it may change, and where each goes, e.g. { email = \"email\" }",
            );
        }
        if !takes_body(def.method) {
            ck.at(
                &at("method"),
                format!(
                    "an update sends the changed fields in a body: use PATCH, PUT or POST, not {}",
                    def.method.as_str()
                ),
            );
        }
        for (field, p) in &def.fields {
            let mut at = vec!["actions", k, "fields"];
            at.push(field);
            if field.is_empty()
                || !field
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                ck.at(
                    &at,
                    format!("field name \"{field}\" may only use lower-case letters, digits and _"),
                );
            }
            if p.trim().is_empty() {
                ck.at(&at, "the path is empty");
            } else {
                check_path(ck, &at, p);
            }
        }
    } else if !def.fields.is_empty() {
        ck.at(&at("fields"), "`fields` is only used by update requests");
    }
    if kind == ActionKind::Export {
        check_path(ck, &at("result"), &def.result);
    } else if !def.result.is_empty() {
        ck.at(&at("result"), "`result` is only used by export requests");
    }
    if let Some(v) = &def.verify {
        check_verify(ck, k, v);
    }
}

/// A precondition needs the record read (`fetch`), a changing request, one
/// place to put the version, and (for `field`) the version's path.
fn check_precondition(
    ck: &mut Ck<'_>,
    sys: &SystemDef,
    kind: ActionKind,
    def: &ActionDef,
    p: &PreconditionDef,
) {
    let k = kind.as_str();
    let at = |key: &'static str| -> Vec<&str> {
        let mut v = vec!["actions", k, "precondition"];
        if !key.is_empty() {
            v.push(key);
        }
        v
    };
    if kind == ActionKind::Export {
        ck.at(
            &at(""),
            "an export changes nothing: it takes no precondition",
        );
        return;
    }
    if sys.fetch.is_none() {
        ck.at(
            &at(""),
            "a precondition reads the record's current version first: it needs [systems.<name>.fetch]",
        );
    }
    match (p.from, &p.field) {
        (PreconditionFrom::Field, None) => {
            ck.at(
                &at("field"),
                "from = \"field\" needs `field`: where the version is in the fetched record",
            );
        }
        (PreconditionFrom::Field, Some(f)) => check_path(ck, &at("field"), f),
        (PreconditionFrom::Etag, Some(_)) => {
            ck.at(
                &at("field"),
                "`field` is only used with from = \"field\" (an ETag is a header)",
            );
        }
        (PreconditionFrom::Etag, None) => {}
    }
    match (&p.header, &p.body_field) {
        (Some(_), Some(_)) => ck.at(
            &at("body_field"),
            "give `header` or `body_field`, not both: the version goes in one place",
        ),
        (Some(h), None) => {
            if reqwest::header::HeaderName::from_bytes(h.as_bytes()).is_err() {
                ck.at(
                    &at("header"),
                    format!("\"{h}\" is not a valid HTTP header name"),
                );
            }
        }
        (None, Some(b)) => {
            if !takes_body(def.method) {
                ck.at(
                    &at("body_field"),
                    format!(
                        "a {} request has no body to put the version in",
                        def.method.as_str()
                    ),
                );
            } else {
                check_path(ck, &at("body_field"), b);
            }
        }
        (None, None) => {}
    }
}

fn check_verify(ck: &mut Ck<'_>, k: &str, v: &VerifyDef) {
    check_template(ck, &["actions", k, "verify", "path"], &v.path, VERIFY_VARS);
    check_query(
        ck,
        &["actions", k, "verify", "query"],
        &v.query,
        VERIFY_VARS,
    );
    check_statuses(
        ck,
        &["actions", k, "verify", "expect_status"],
        &v.expect_status,
    );
    if v.expect.is_empty() && v.expect_status.iter().all(|c| (200..300).contains(c)) {
        ck.at(
            &["actions", k, "verify"],
            "a verification needs `expect` (values the answer must hold) or an expect_status other than success (e.g. [404] after a delete)",
        );
    }
    for p in v.expect.keys() {
        check_path(ck, &["actions", k, "verify", "expect", p], p);
    }
}

fn check_opendsr(ck: &mut Ck<'_>, o: &OpenDsrDef) {
    match Template::parse(&o.path) {
        Ok(t) if t.vars().next().is_some() => ck.at(
            &["opendsr", "path"],
            "the path prefix takes no {placeholders}",
        ),
        Ok(_) => {}
        Err(e) => ck.at(&["opendsr", "path"], e),
    }
    if o.api_version.trim().is_empty() {
        ck.at(&["opendsr", "api_version"], "api_version is empty");
    }
    if o.identities.is_empty() {
        ck.at(
            &["opendsr", "identities"],
            "list at least one identity (e.g. { identity_type = \"email\", identity_value = \"{email}\" })",
        );
    }
    for (i, id) in o.identities.iter().enumerate() {
        let n = i.to_string();
        if id.identity_type.trim().is_empty() {
            ck.at(
                &["opendsr", "identities", &n, "identity_type"],
                "identity_type is empty",
            );
        }
        if !matches!(id.identity_format.as_str(), "raw" | "sha256") {
            ck.at(
                &["opendsr", "identities", &n, "identity_format"],
                format!(
                    "identity_format must be raw or sha256, not \"{}\"",
                    id.identity_format
                ),
            );
        }
        check_template(
            ck,
            &["opendsr", "identities", &n, "identity_value"],
            &id.identity_value,
            IDENTITY_VARS,
        );
    }
    if !(o.poll_secs.is_finite() && o.poll_secs > 0.0 && o.poll_secs <= 3600.0) {
        ck.at(
            &["opendsr", "poll_secs"],
            "poll_secs must be more than 0 and at most 3600 seconds",
        );
    }
    if !(o.complete_within_secs.is_finite() && o.complete_within_secs > 0.0) {
        ck.at(
            &["opendsr", "complete_within_secs"],
            "complete_within_secs must be more than 0",
        );
    }
}

/// Check `[actions]`.
pub(crate) fn check_actions_table(a: &ActionsConfig, out: &mut Vec<Issue>) {
    let mut seen = HashSet::new();
    for (i, k) in a.require_approval.iter().enumerate() {
        if !seen.insert(*k) {
            out.push(Issue::new(
                path(&["actions", "require_approval", &i.to_string()]),
                format!("\"{k}\" is listed twice"),
            ));
        }
    }
    if !(a.max_wait_secs.is_finite() && a.max_wait_secs >= 0.0 && a.max_wait_secs <= 86_400.0) {
        out.push(Issue::new(
            path(&["actions", "max_wait_secs"]),
            "max_wait_secs must be from 0 to 86400 seconds",
        ));
    }
}
