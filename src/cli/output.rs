//! Rendering of search results for the terminal and for `--json`, with
//! personal data masked unless revealed and control characters escaped.

use crate::desk::SearchSnapshot;
use crate::domain::mask::{is_masked_field, mask_field};
use crate::domain::record::CANONICAL_FIELDS;
use crate::domain::status::fmt_ms;
use crate::domain::text::escape_controls;
use crate::domain::{Person, Record, SystemStatus};
use serde_json::{json, Map, Value};
use unicode_width::UnicodeWidthStr;

/// A canonical field's value as it may be shown: masked unless revealed.
pub fn shown(field: &str, value: &str, reveal: bool) -> String {
    if reveal || !is_masked_field(field) {
        value.to_string()
    } else {
        mask_field(field, value)
    }
}

pub fn record_json(r: &Record, reveal: bool) -> Value {
    let mut m = Map::new();
    m.insert("system".into(), json!(r.system));
    for f in CANONICAL_FIELDS {
        if let Some(v) = r.canonical(f) {
            m.insert((*f).to_string(), json!(shown(f, v, reveal)));
        }
    }
    let fields: Map<String, Value> = r
        .extra
        .iter()
        .map(|x| (x.label.clone(), json!(x.value)))
        .collect();
    m.insert("fields".into(), Value::Object(fields));
    Value::Object(m)
}

pub fn person_json(p: &Person, reveal: bool) -> Value {
    json!({
        "score": p.score,
        "linked_by": p.linked_by.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "systems": p.systems(),
        "records": p.records.iter().map(|r| record_json(r, reveal)).collect::<Vec<_>>(),
    })
}

pub fn status_json(system: &str, status: &SystemStatus, truncated: bool) -> Value {
    let mut m = Map::new();
    m.insert("system".into(), json!(system));
    m.insert("status".into(), json!(status.code()));
    if let SystemStatus::Ok { count, elapsed_ms } = status {
        m.insert("count".into(), json!(count));
        m.insert("elapsed_ms".into(), json!(elapsed_ms));
    }
    if let SystemStatus::HttpError { code, .. } = status {
        m.insert("http_status".into(), json!(code));
    }
    if let Some(msg) = status.message() {
        let key = if matches!(status, SystemStatus::NotAsked { .. }) {
            "reason"
        } else {
            "error"
        };
        m.insert(key.into(), json!(msg));
    }
    if truncated {
        m.insert("truncated".into(), json!(true));
    }
    Value::Object(m)
}

pub fn search_json(s: &SearchSnapshot, reveal: bool) -> Value {
    json!({
        "query": s.query.raw,
        "kind": s.query.kind.as_str(),
        "normalized": s.query.normalized,
        "elapsed_ms": s.elapsed_ms,
        "systems": s.systems.iter().map(|st| status_json(&st.system, &st.status, st.truncated)).collect::<Vec<_>>(),
        "persons": s.persons.iter().map(|p| person_json(p, reveal)).collect::<Vec<_>>(),
        "revealed": reveal,
        "audit_id": s.audit_id,
    })
}

/// A plain-text report of a search.
pub fn search_text(s: &SearchSnapshot, reveal: bool) -> String {
    let mut out = String::new();
    let n = s.persons.len();
    out.push_str(&format!(
        "{} ({}) - {} person{} in {}\n\n",
        escape_controls(&s.query.raw),
        s.query.kind,
        n,
        if n == 1 { "" } else { "s" },
        fmt_ms(s.elapsed_ms)
    ));
    let width = s
        .systems
        .iter()
        .map(|x| x.system.chars().count())
        .max()
        .unwrap_or(0);
    for st in &s.systems {
        let more = if st.truncated {
            " (more records than shown: narrow the search)"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {:width$}  {}{more}\n",
            st.system,
            escape_controls(&st.status.to_string())
        ));
    }
    for (i, p) in s.persons.iter().enumerate() {
        out.push('\n');
        let name = p.first("name").unwrap_or("(no name)");
        let kana = p
            .first("name_kana")
            .map(|k| format!(" ({})", escape_controls(k)))
            .unwrap_or_default();
        let linked = if p.linked_by.is_empty() {
            String::new()
        } else {
            format!(
                ", linked by {}",
                p.linked_by
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.push_str(&format!(
            "{}. {}{kana}  score {}{linked}\n",
            i + 1,
            escape_controls(name),
            p.score
        ));
        for r in &p.records {
            out.push_str(&format!("   {} {}", r.system, escape_controls(&r.id)));
            for f in ["name", "email", "phone", "birth_date"] {
                if let Some(v) = r.canonical(f) {
                    out.push_str(&format!("  {}", escape_controls(&shown(f, v, reveal))));
                }
            }
            out.push('\n');
        }
    }
    if !reveal && n > 0 {
        out.push_str(
            "\nPersonal data is masked; add --reveal --purpose \"...\" to show it (audited).\n",
        );
    }
    out
}

/// A plain-text listing of one record: one field a line, every value in the
/// same column whatever the length of the labels.
pub fn record_text(r: &Record, reveal: bool) -> String {
    let mut rows: Vec<(String, String)> = Vec::new();
    for f in CANONICAL_FIELDS.iter().skip(1) {
        if let Some(v) = r.canonical(f) {
            rows.push(((*f).to_string(), escape_controls(&shown(f, v, reveal))));
        }
    }
    for x in &r.extra {
        rows.push((escape_controls(&x.label), escape_controls(&x.value)));
    }
    let width = rows.iter().map(|(l, _)| l.width()).max().unwrap_or(0);
    let mut out = format!("{} {}\n", r.system, escape_controls(&r.id));
    for (label, value) in rows {
        let pad = " ".repeat(width - label.width());
        out.push_str(&format!("  {label}{pad}  {value}\n"));
    }
    out
}
