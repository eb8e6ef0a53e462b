//! The person screen's state: the records found, what is revealed, what is
//! being fetched again.

use crate::domain::Person;
use std::collections::HashMap;

/// What is known of one record's full copy fetched from its system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchState {
    Loading,
    Done,
    Failed(String),
}

/// The person screen.
#[derive(Debug, Clone)]
pub struct PersonView {
    pub person: Person,
    /// Masked values are shown for this person until the screen is left.
    pub revealed: bool,
    /// Single values revealed (record, field), until the screen is left.
    pub revealed_fields: Vec<((String, String), String)>,
    /// The record the cursor is on.
    pub selected: usize,
    pub scroll: u16,
    pub fetch: HashMap<(String, String), FetchState>,
}

impl PersonView {
    /// The masked fields record `i` holds, in display order.
    pub fn masked_fields(&self, i: usize) -> Vec<&'static str> {
        let Some(r) = self.person.records.get(i) else {
            return vec![];
        };
        crate::domain::record::CANONICAL_FIELDS
            .iter()
            .copied()
            .filter(|f| crate::domain::mask::is_masked_field(f) && r.canonical(f).is_some())
            .collect()
    }

    /// Whether `field` of `record` is shown in full.
    pub fn is_revealed(&self, record: &(String, String), field: &str) -> bool {
        self.revealed
            || self
                .revealed_fields
                .iter()
                .any(|(k, f)| k == record && f == field)
    }

    /// Mask everything again (the screen was left).
    pub fn mask(&mut self) {
        self.revealed = false;
        self.revealed_fields.clear();
    }
}
