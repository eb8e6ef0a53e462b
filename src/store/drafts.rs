//! Drafts: what an operator is typing, saved on every pause so that a crash or
//! a dropped connection loses nothing.

use super::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// One saved draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDraft {
    /// What the text belongs to, e.g. `search.query`, `case.new`,
    /// `case.PD-2026-000004.note`.
    pub key: String,
    pub text: String,
    /// RFC 3339, UTC, to the millisecond.
    pub updated_at: String,
}

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

    /// Every draft of the operator, the most recently saved first.
    pub fn list_drafts(&self, operator: &str) -> Result<Vec<StoredDraft>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(
                "SELECT key, text, updated_at FROM drafts WHERE operator = ?1
                 ORDER BY updated_at DESC, key",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(params![operator], |r| {
                Ok(StoredDraft {
                    key: r.get(0)?,
                    text: r.get(1)?,
                    updated_at: r.get(2)?,
                })
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sql_err(e))
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

    #[test]
    fn listing_gives_the_operators_drafts_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("s.db"), 1000).unwrap();
        s.save_draft("alice", "case.new", "{}").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        s.save_draft("alice", "case.PD-2026-000001.note", "half a note")
            .unwrap();
        s.save_draft("bob", "case.new", "bob's").unwrap();
        let keys: Vec<String> = s
            .list_drafts("alice")
            .unwrap()
            .into_iter()
            .map(|d| d.key)
            .collect();
        assert_eq!(keys, ["case.PD-2026-000001.note", "case.new"]);
        s.save_draft("alice", "case.new", "").unwrap();
        let left = s.list_drafts("alice").unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].text, "half a note");
        assert!(s.list_drafts("carol").unwrap().is_empty());
    }
}
