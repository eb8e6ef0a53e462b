//! Drafts of the current operator: nothing typed is lost.

use super::{Desk, DeskError};

impl Desk {
    /// Save what the operator is typing under `key`; empty text removes it.
    pub fn save_draft(&self, key: &str, text: &str) -> Result<(), DeskError> {
        Ok(self
            .store()
            .save_draft(&self.operator().username, key, text)?)
    }

    pub fn load_draft(&self, key: &str) -> Result<Option<String>, DeskError> {
        Ok(self.store().load_draft(&self.operator().username, key)?)
    }
}
