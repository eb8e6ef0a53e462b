//! A record is what one connected system holds about one customer; a person is a
//! set of records linked by shared identifiers.

use serde::{Deserialize, Serialize};

/// One labelled field a system holds beyond the canonical ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraField {
    /// Machine name of the field as configured (`[systems.x.extra]` key).
    pub key: String,
    /// Human label shown on screen.
    pub label: String,
    pub value: String,
}

/// A record as mapped from a system's response onto the canonical fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Name of the system (the key of `[systems.<name>]`).
    pub system: String,
    /// The record's id in that system.
    pub id: String,
    pub name: Option<String>,
    /// Reading of the name (furigana), usually katakana.
    pub name_kana: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub birth_date: Option<String>,
    pub extra: Vec<ExtraField>,
}

impl Record {
    /// Canonical field value by name (`name`, `email`, ...); `id` included.
    pub fn canonical(&self, field: &str) -> Option<&str> {
        match field {
            "id" => Some(self.id.as_str()),
            "name" => self.name.as_deref(),
            "name_kana" => self.name_kana.as_deref(),
            "email" => self.email.as_deref(),
            "phone" => self.phone.as_deref(),
            "postal_code" => self.postal_code.as_deref(),
            "address" => self.address.as_deref(),
            "birth_date" => self.birth_date.as_deref(),
            _ => None,
        }
    }

    /// The slot of a masked canonical field, to set it.
    pub fn canonical_mut(&mut self, field: &str) -> Option<&mut Option<String>> {
        match field {
            "email" => Some(&mut self.email),
            "phone" => Some(&mut self.phone),
            "postal_code" => Some(&mut self.postal_code),
            "address" => Some(&mut self.address),
            "birth_date" => Some(&mut self.birth_date),
            _ => None,
        }
    }

    /// Stable key of a record across searches.
    pub fn key(&self) -> (String, String) {
        (self.system.clone(), self.id.clone())
    }
}

/// The canonical fields every connector may map, in display order.
pub const CANONICAL_FIELDS: &[&str] = &[
    "id",
    "name",
    "name_kana",
    "email",
    "phone",
    "postal_code",
    "address",
    "birth_date",
];

/// Why records were linked into one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKey {
    Email,
    Phone,
    /// Same normalised name and the same birth date.
    NameBirthDate,
    /// Same normalised reading (kana) and the same birth date.
    KanaBirthDate,
}

impl LinkKey {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKey::Email => "email",
            LinkKey::Phone => "phone",
            LinkKey::NameBirthDate => "name+birth_date",
            LinkKey::KanaBirthDate => "kana+birth_date",
        }
    }
}

/// Records believed to belong to one human being.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// 0-100, how well the person matches the query (fuzzy match).
    pub score: u8,
    /// Which keys linked the records (empty when the person has one record).
    pub linked_by: Vec<LinkKey>,
    pub records: Vec<Record>,
}

impl Person {
    /// The first non-empty value of a canonical field across the records.
    pub fn first(&self, field: &str) -> Option<&str> {
        self.records
            .iter()
            .filter_map(|r| r.canonical(field))
            .find(|v| !v.trim().is_empty())
    }

    /// Systems holding a record of this person, in order of first appearance.
    pub fn systems(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.records {
            if !out.contains(&r.system.as_str()) {
                out.push(&r.system);
            }
        }
        out
    }
}
