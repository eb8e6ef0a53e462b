//! The audit trail of one person: who searched for them, whose searches
//! found their records, who revealed, fetched or viewed their data, and
//! what was done on their cases (changes, letters, packages, actions, and
//! which of those went to a processor: APPI third-party provision records).
//!
//! The person is named by a record key (`crm:C-1001`) or by what a search
//! would be given (an email address, a phone number, a name). Nothing is
//! asked of any system: the trail comes from the audit log and the cases
//! in the store. From the record keys and the email and phone, the cases
//! about the person are found (closed ones too), and from those cases
//! their linked records, one step, so a trail asked for by email also
//! lists the searches that found the person's records.
//!
//! Supervisors and auditors only; the export is itself audited
//! (`audit_export`).

use super::{subjects, Desk, DeskError};
use crate::config::SystemKind;
use crate::domain::{AuditKind, CaseId, TrailScope};
use crate::identity::{self, normalize};
use crate::store::{AuditEntry, DuplicateProbe};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// One audit entry about the person, and why it is in the trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailEntry {
    pub id: i64,
    pub at: String,
    pub operator: String,
    pub kind: String,
    pub subject: String,
    /// The purpose given, for reveals and reads of exported data.
    pub purpose: Option<String>,
    /// How the entry relates to the person: `record crm:C-1`, `case
    /// PD-2025-000001`, `query`.
    pub matched_by: String,
    /// A request that went to a processor (a third party) about the person.
    pub provision: bool,
    pub details: Value,
}

/// Everything the audit holds about one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonTrail {
    /// As asked for.
    pub person: String,
    /// The record keys looked for (`system:id`).
    pub records: Vec<String>,
    /// The cases about the person.
    pub cases: Vec<CaseId>,
    /// Oldest first.
    pub entries: Vec<TrailEntry>,
    /// The person's data subjects whose personal values in the log were
    /// shredded (a purge or an erasure), and when: their entries still
    /// show who did what and when, with those values gone.
    #[serde(default)]
    pub shredded: Vec<crate::store::Shredded>,
    /// The `audit_export` entry written for this export.
    pub audit_id: i64,
}

/// How an entry enters a person's trail, by its kind
/// ([`AuditKind::trail`]). A kind this build does not know (a log written
/// by another version) is left out: nothing says what it holds.
fn trail_scope(e: &AuditEntry) -> TrailScope {
    e.kind
        .parse::<AuditKind>()
        .map_or(TrailScope::Outside, AuditKind::trail)
}

impl Desk {
    /// The audit trail of one person (see the module notes). `person` is a
    /// record key `system:id` of a configured system, or an email, phone
    /// number or name as a search would take it.
    pub fn audit_export(&self, person: &str) -> Result<PersonTrail, DeskError> {
        self.require_audit_reader("audit export")?;
        let person = person.trim();
        if person.is_empty() {
            return Err(DeskError::Invalid(
                "name the person: a record key (crm:C-1001), an email, a phone number or a name"
                    .into(),
            ));
        }
        let mut records: BTreeSet<String> = BTreeSet::new();
        let mut probe = DuplicateProbe::default();
        let mut query_norm: Option<String> = None;
        match person.split_once(':') {
            Some((sys, id)) if self.config().systems.contains_key(sys) && !id.is_empty() => {
                records.insert(format!("{sys}:{id}"));
                probe.records.push((sys.to_string(), id.to_string()));
            }
            _ => {
                let q = identity::prepare_query(person, self.config().search.max_query_chars)
                    .map_err(|e| DeskError::Invalid(e.to_string()))?;
                probe.email_key = normalize::email(person);
                probe.phone_key = normalize::phone(person);
                query_norm = Some(q.normalized);
            }
        }
        let cases = self.store().case_ids_about(&probe)?;
        for c in &cases {
            for l in self.store().case_links(*c)? {
                records.insert(format!("{}:{}", l.system, l.record_id));
            }
        }
        // Entries naming the person's records or query, found by their
        // blind index (nothing is decrypted to look), and entries about
        // their cases, found by subject.
        let mut labels: Vec<(String, String)> = records
            .iter()
            .map(|r| (subjects::record(r), format!("record {r}")))
            .collect();
        if let Some(n) = &query_norm {
            labels.push((subjects::query_normalized(n), "query".into()));
        }
        let tokens: Vec<String> = labels.iter().map(|(t, _)| t.clone()).collect();
        let mut matched: BTreeMap<i64, String> = BTreeMap::new();
        for (id, token) in self.store().audit_ids_about(&tokens)? {
            let label = labels
                .iter()
                .find(|(t, _)| *t == token)
                .map(|(_, l)| l.clone())
                .unwrap_or_default();
            let slot = matched.entry(id).or_insert_with(|| label.clone());
            // A record says more than the query that found it.
            if label.starts_with("record ") && !slot.starts_with("record ") {
                *slot = label;
            }
        }
        let ids: Vec<i64> = matched.keys().copied().collect();
        let mut found: BTreeMap<i64, TrailEntry> = BTreeMap::new();
        for e in self.store().audit_entries_by_ids(&ids)? {
            // A reveal on a case is in the trail as the case's (below).
            let by_record = match trail_scope(&e) {
                TrailScope::Records => true,
                TrailScope::RecordsOrCase => e.subject == "records",
                TrailScope::Case | TrailScope::Outside => false,
            };
            if by_record {
                if let Some(m) = matched.get(&e.id) {
                    let m = m.clone();
                    found.insert(e.id, self.trail_entry(e, m));
                }
            }
        }
        for c in &cases {
            let about = self.store().audit_entries(&crate::store::AuditFilter {
                subject: Some(c.to_string()),
                ..Default::default()
            })?;
            for e in about {
                if trail_scope(&e).by_case() {
                    let m = format!("case {c}");
                    found.entry(e.id).or_insert_with(|| self.trail_entry(e, m));
                }
            }
        }
        let entries: Vec<TrailEntry> = found.into_values().collect();
        let mut asked = tokens.clone();
        asked.extend(cases.iter().map(|c| subjects::case(*c)));
        let shredded = self.store().shredded(&asked)?;
        let person_token = self.person_tokens(person).into_iter().next();
        let audit_id = self.audit(
            AuditKind::AuditExport,
            "audit",
            json!({
                "person": match &person_token {
                    Some(t) => crate::store::personal(t, person),
                    None => json!(person),
                },
                "records": records.len(),
                "cases": cases.len(),
                "returned": entries.len(),
                "shredded": shredded.len(),
            }),
        )?;
        Ok(PersonTrail {
            person: person.to_string(),
            records: records.into_iter().collect(),
            cases,
            entries,
            shredded,
            audit_id,
        })
    }

    fn trail_entry(&self, e: AuditEntry, matched_by: String) -> TrailEntry {
        let provision = e.kind.starts_with("action_")
            && e.details["system"].as_str().is_some_and(|s| {
                self.config()
                    .systems
                    .get(s)
                    .is_some_and(|d| d.kind == SystemKind::Opendsr)
            });
        TrailEntry {
            purpose: e.details["purpose"].as_str().map(str::to_string),
            id: e.id,
            at: e.at,
            operator: e.operator,
            kind: e.kind,
            subject: e.subject,
            matched_by,
            provision,
            details: e.details,
        }
    }
}

/// The trail as pretty JSON, or as CSV.
pub fn trail_text(t: &PersonTrail, csv: bool) -> String {
    if csv {
        trail_csv(t)
    } else {
        let mut s = serde_json::to_string_pretty(t).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Writes the trail to `path`, a new file (an existing one is never
/// overwritten) readable by its owner only. The folder is made if needed.
pub fn write_trail(t: &PersonTrail, path: &Path, csv: bool) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(trail_text(t, csv).as_bytes())?;
    f.sync_all()
}

/// A new file for an export from the terminal UI:
/// `$XDG_DATA_HOME/privdesk/exports/audit-<audit id>.<json|csv>` (named by
/// the export's audit entry, so no personal data is in the file name).
pub fn export_file(t: &PersonTrail, csv: bool) -> PathBuf {
    let dir = crate::paths::user_data_dir()
        .map(|d| d.join("exports"))
        .unwrap_or_else(|| PathBuf::from("."));
    dir.join(format!(
        "audit-{}.{}",
        t.audit_id,
        if csv { "csv" } else { "json" }
    ))
}

/// The trail as CSV (RFC 4180): one row per entry, details as JSON.
pub fn trail_csv(t: &PersonTrail) -> String {
    fn field(s: &str) -> String {
        // Keep spreadsheet programs from running a cell as a formula.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out =
        String::from("id,at,operator,kind,subject,purpose,matched_by,provision,details\r\n");
    for e in &t.entries {
        let row = [
            e.id.to_string(),
            e.at.clone(),
            e.operator.clone(),
            e.kind.clone(),
            e.subject.clone(),
            e.purpose.clone().unwrap_or_default(),
            e.matched_by.clone(),
            e.provision.to_string(),
            e.details.to_string(),
        ];
        let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}
