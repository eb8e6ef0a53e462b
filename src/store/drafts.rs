//! Drafts: what an operator is typing, saved on every pause so that a crash or
//! a dropped connection loses nothing.

use super::{Store, StoreError};
use rusqlite::{params, OptionalExtension};

impl Store {
    /// Save (or, with empty text, delete) the operator's draft under `key`.
    pub fn save_draft(&self, operator: &str, key: &str, text: &str) -> Result<(), StoreError> {
        let conn = self.lock();
        let result = if text.is_empty() {
            conn.execute(
                "DELETE FROM drafts WHERE operator = ?1 AND key = ?2",
                params![operator, key],
            )
        } else {
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            conn.execute(
                "INSERT INTO drafts (operator, key, text, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (operator, key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                params![operator, key, text, now],
            )
        };
        result.map(|_| ()).map_err(|e| self.sql_err(e))
    }

    /// The operator's draft under `key`, if any.
    pub fn load_draft(&self, operator: &str, key: &str) -> Result<Option<String>, StoreError> {
        let conn = self.lock();
        conn.query_row(
            "SELECT text FROM drafts WHERE operator = ?1 AND key = ?2",
            params![operator, key],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| self.sql_err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_survive_reopening_and_are_per_operator() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let s = Store::open(&path, 1000).unwrap();
            s.save_draft("alice", "search.query", "山田 たろう")
                .unwrap();
            s.save_draft("bob", "search.query", "other").unwrap();
            s.save_draft("alice", "search.query", "山田 太郎").unwrap();
        }
        let s = Store::open(&path, 1000).unwrap();
        assert_eq!(
            s.load_draft("alice", "search.query").unwrap().as_deref(),
            Some("山田 太郎")
        );
        assert_eq!(
            s.load_draft("bob", "search.query").unwrap().as_deref(),
            Some("other")
        );
        s.save_draft("alice", "search.query", "").unwrap();
        assert_eq!(s.load_draft("alice", "search.query").unwrap(), None);
        assert_eq!(s.load_draft("carol", "x").unwrap(), None);
    }
}
