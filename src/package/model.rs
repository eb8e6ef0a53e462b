//! What a disclosure package holds, before it is written: the full records
//! per system, what became of each configured system, and whether the
//! package is complete. Plain data; `data.json` and the CSV files are made
//! from it here, the summary in `summary.rs`.

use super::csv;
use crate::domain::record::CANONICAL_FIELDS;
use crate::domain::{Lang, Law, Record, RequestKind};
use crate::letters::texts::canonical_label;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

/// The format version of a package (`manifest.json`, `data.json`).
pub const PACKAGE_VERSION: u32 = 1;

/// One field of a record as its system returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Machine name (`email`, or the system's own key such as `segment`).
    pub key: String,
    /// Label in English as configured (`Segment`).
    pub label: String,
    pub value: String,
}

/// The full data of one record: every field its system returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullRecord {
    pub system: String,
    pub id: String,
    pub fields: Vec<Field>,
}

impl FullRecord {
    /// From a record mapped by a connector: the canonical fields first (the
    /// record number included), then the system's own fields in configured
    /// order. A system field named like a canonical one becomes `extra_KEY`.
    pub fn from_record(r: &Record) -> FullRecord {
        let mut fields: Vec<Field> = Vec::new();
        for f in CANONICAL_FIELDS {
            if let Some(v) = r.canonical(f) {
                fields.push(Field {
                    key: (*f).to_string(),
                    label: canonical_label(f, Lang::En).unwrap_or(f).to_string(),
                    value: v.to_string(),
                });
            }
        }
        for x in &r.extra {
            let key = if fields.iter().any(|f| f.key == x.key) {
                format!("extra_{}", x.key)
            } else {
                x.key.clone()
            };
            fields.push(Field {
                key,
                label: x.label.clone(),
                value: x.value.clone(),
            });
        }
        FullRecord {
            system: r.system.clone(),
            id: r.id.clone(),
            fields,
        }
    }
}

/// What became of one configured system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartStatus {
    /// Every linked record was fetched.
    Disclosed,
    /// No record linked, and a search by the requester's identifiers found none.
    NoneHeld,
    /// A linked record could not be fetched (down, timeout, error).
    Failed,
    /// No record linked, but the search found records not linked to the case.
    UnlinkedMatches,
    /// No record linked, and the system could not be searched by any
    /// identifier the case has.
    NotSearched,
    /// No record linked, and the search failed.
    CheckFailed,
}

impl PartStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PartStatus::Disclosed => "disclosed",
            PartStatus::NoneHeld => "none_held",
            PartStatus::Failed => "failed",
            PartStatus::UnlinkedMatches => "unlinked_matches",
            PartStatus::NotSearched => "not_searched",
            PartStatus::CheckFailed => "check_failed",
        }
    }

    /// Whether this system's part of the package is settled.
    pub fn is_complete(self) -> bool {
        matches!(self, PartStatus::Disclosed | PartStatus::NoneHeld)
    }
}

/// One configured system's part of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemPart {
    pub system: String,
    pub display_name: String,
    pub status: PartStatus,
    /// The records fetched (also those fetched when another failed).
    pub records: Vec<FullRecord>,
    pub fetched_at: Option<DateTime<Utc>>,
    /// Linked records that could not be fetched: (record id, why).
    pub failures: Vec<(String, String)>,
    /// For a system without linked records: the kinds of identifier it was
    /// searched by (`email`, `phone`, `name`).
    pub searched_by: Vec<String>,
    pub checked_at: Option<DateTime<Utc>>,
    /// Records the search found that are not linked to the case.
    pub unlinked: Vec<String>,
    /// Why the system was not searched, or how the search failed.
    pub message: Option<String>,
}

impl SystemPart {
    /// A part with nothing in it yet.
    pub fn new(system: &str, display_name: &str, status: PartStatus) -> SystemPart {
        SystemPart {
            system: system.to_string(),
            display_name: display_name.to_string(),
            status,
            records: Vec::new(),
            fetched_at: None,
            failures: Vec::new(),
            searched_by: Vec::new(),
            checked_at: None,
            unlinked: Vec::new(),
            message: None,
        }
    }

    /// What keeps this part from being complete, in one line for the
    /// operator (None when complete).
    pub fn problem(&self) -> Option<String> {
        let esc = crate::domain::text::escape_controls;
        let s = &self.system;
        match self.status {
            PartStatus::Disclosed | PartStatus::NoneHeld => None,
            // A processor's part fails as a whole (its message), a system's
            // record by record.
            PartStatus::Failed if self.failures.is_empty() => Some(format!(
                "{s}: {}",
                esc(self.message.as_deref().unwrap_or("its part could not be read"))
            )),
            PartStatus::Failed => Some(
                self.failures
                    .iter()
                    .map(|(id, why)| format!("{s}: record {} could not be fetched: {}", esc(id), esc(why)))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            PartStatus::UnlinkedMatches => Some(format!(
                "{s}: no record is linked to the case, but the search by {} found {}; link them (privdesk case link) or, if they are someone else's, name them with --not-theirs",
                self.searched_by.join(", "),
                self.unlinked
                    .iter()
                    .map(|id| format!("{s}:{}", esc(id)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            PartStatus::NotSearched => Some(format!(
                "{s}: no record is linked and the system could not be searched: {}",
                esc(self.message.as_deref().unwrap_or("no identifier it searches by"))
            )),
            PartStatus::CheckFailed => Some(format!(
                "{s}: no record is linked and the search to confirm that failed: {}",
                esc(self.message.as_deref().unwrap_or("unknown error"))
            )),
        }
    }

    /// "No personal data held in SYSTEM as of DATE (searched by ...)", for a
    /// system that holds nothing.
    pub fn statement(&self, as_of: NaiveDate) -> Option<String> {
        (self.status == PartStatus::NoneHeld).then(|| {
            format!(
                "No personal data held in {} as of {} (searched by {}).",
                self.display_name,
                as_of.format("%Y-%m-%d"),
                self.searched_by.join(", ")
            )
        })
    }

    /// Field keys in order of first appearance, with their labels.
    pub fn columns(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        for r in &self.records {
            for f in &r.fields {
                if !out.iter().any(|(k, _)| *k == f.key) {
                    out.push((&f.key, &f.label));
                }
            }
        }
        out
    }
}

/// A disclosure package before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub case_id: String,
    pub kind: RequestKind,
    pub law: Law,
    pub lang: Lang,
    pub created_at: DateTime<Utc>,
    /// The date statements are made as of, in the desk's time zone.
    pub as_of: NaiveDate,
    /// The operator who built it.
    pub created_by: String,
    /// One part per configured (enabled) system, in configuration order.
    pub systems: Vec<SystemPart>,
    /// Records the operator reviewed and found to be someone else's
    /// (`system:id`), left out of the check.
    pub not_theirs: Vec<String>,
}

/// What a package for third-party provision records cannot yet contain.
pub const PROVISION_RECORDS_MISSING: &str = "third-party provision records: no connected system exposes them (the connector format has no request for them yet); gather them by hand and send them with this package";

impl Package {
    /// Whether it asks for third-party provision records (APPI Art. 33(5)).
    pub fn wants_provision_records(&self) -> bool {
        self.kind == RequestKind::ThirdPartyRecords
    }

    /// Every reason the package is incomplete, one line each.
    pub fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .systems
            .iter()
            .filter_map(SystemPart::problem)
            .collect();
        if self.wants_provision_records() {
            out.push(PROVISION_RECORDS_MISSING.to_string());
        }
        out
    }

    /// True only when every system is settled and nothing is missing.
    pub fn is_complete(&self) -> bool {
        self.problems().is_empty()
    }

    pub fn status_str(&self) -> &'static str {
        if self.is_complete() {
            "complete"
        } else {
            "incomplete"
        }
    }

    /// The CSV file name of a system.
    pub fn csv_name(system: &str) -> String {
        format!("{system}.csv")
    }

    /// `data.json`: everything, structured per system.
    pub fn data_json(&self) -> Value {
        let time =
            |t: &Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true));
        let systems: Vec<Value> = self
            .systems
            .iter()
            .map(|p| {
                let mut m = Map::new();
                m.insert("system".into(), json!(p.system));
                m.insert("display_name".into(), json!(p.display_name));
                m.insert("status".into(), json!(p.status.as_str()));
                if let Some(t) = time(&p.fetched_at) {
                    m.insert("fetched_at".into(), json!(t));
                }
                if !p.records.is_empty() {
                    let labels: Map<String, Value> = p
                        .columns()
                        .into_iter()
                        .map(|(k, l)| (k.to_string(), json!(l)))
                        .collect();
                    m.insert("labels".into(), Value::Object(labels));
                    let records: Vec<Value> = p
                        .records
                        .iter()
                        .map(|r| {
                            Value::Object(
                                r.fields
                                    .iter()
                                    .map(|f| (f.key.clone(), json!(f.value)))
                                    .collect(),
                            )
                        })
                        .collect();
                    m.insert("records".into(), Value::Array(records));
                    m.insert("file".into(), json!(Package::csv_name(&p.system)));
                }
                if !p.searched_by.is_empty() {
                    m.insert("searched_by".into(), json!(p.searched_by));
                }
                if let Some(t) = time(&p.checked_at) {
                    m.insert("checked_at".into(), json!(t));
                }
                if let Some(s) = p.statement(self.as_of) {
                    m.insert("statement".into(), json!(s));
                }
                if let Some(problem) = p.problem() {
                    m.insert("problem".into(), json!(problem));
                }
                Value::Object(m)
            })
            .collect();
        let mut top = json!({
            "package_version": PACKAGE_VERSION,
            "case_id": self.case_id,
            "request_kind": self.kind.as_str(),
            "law": self.law.as_str(),
            "created_at": self.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "as_of": self.as_of.format("%Y-%m-%d").to_string(),
            "status": self.status_str(),
            "problems": self.problems(),
            "systems": systems,
        });
        if self.wants_provision_records() {
            top["third_party_provision_records"] = json!({
                "status": "not_available",
                "note": PROVISION_RECORDS_MISSING,
            });
        }
        top
    }

    /// One CSV file per system holding records: (file name, bytes).
    pub fn csv_files(&self) -> Vec<(String, Vec<u8>)> {
        self.systems
            .iter()
            .filter(|p| !p.records.is_empty())
            .map(|p| {
                let cols = p.columns();
                let header: Vec<&str> = cols.iter().map(|(k, _)| *k).collect();
                let rows: Vec<Vec<&str>> = p
                    .records
                    .iter()
                    .map(|r| {
                        header
                            .iter()
                            .map(|k| {
                                r.fields
                                    .iter()
                                    .find(|f| f.key == *k)
                                    .map_or("", |f| f.value.as_str())
                            })
                            .collect()
                    })
                    .collect();
                (Package::csv_name(&p.system), csv::write(&header, &rows))
            })
            .collect()
    }
}
