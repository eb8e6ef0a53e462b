//! Drafts of the current operator: nothing typed is lost.

use super::{Desk, DeskError};
use crate::store::StoredDraft;

impl Desk {
    /// Save what the operator is typing under `key`; empty text removes it.
    pub fn save_draft(&self, key: &str, text: &str) -> Result<(), DeskError> {
        Ok(self
            .store()
            .save_draft(&self.operator().username, key, text)?)
    }

    /// Every draft of the operator, the most recently saved first (what a
    /// session that ended abnormally left unsent).
    pub fn list_drafts(&self) -> Result<Vec<StoredDraft>, DeskError> {
        Ok(self.store().list_drafts(&self.operator().username)?)
    }

    pub fn load_draft(&self, key: &str) -> Result<Option<String>, DeskError> {
        Ok(self.store().load_draft(&self.operator().username, key)?)
    }
}
