//! Schema migrations: an ordered list applied once each, inside one IMMEDIATE
//! transaction, and recorded in `schema_migrations`.
//!
//! To change the schema, add a SQL file under `migrations/` and append one entry
//! to [`MIGRATIONS`] with the next version number. Never edit a released entry.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// One schema step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    /// Consecutive from 1.
    pub version: u32,
    /// Short name recorded in `schema_migrations`.
    pub name: &'static str,
    /// SQL run as one batch.
    pub sql: &'static str,
}

/// Every migration this program knows, in order.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "audit",
        sql: include_str!("migrations/0001_audit.sql"),
    },
    Migration {
        version: 2,
        name: "drafts",
        sql: include_str!("migrations/0002_drafts.sql"),
    },
    Migration {
        version: 3,
        name: "cases",
        sql: include_str!("migrations/0003_cases.sql"),
    },
    Migration {
        version: 4,
        name: "actions",
        sql: include_str!("migrations/0004_actions.sql"),
    },
    Migration {
        version: 5,
        name: "retention",
        sql: include_str!("migrations/0005_retention.sql"),
    },
    Migration {
        version: 6,
        name: "subject_keys",
        sql: include_str!("migrations/0006_subject_keys.sql"),
    },
    Migration {
        version: 7,
        name: "keyed_chain",
        sql: include_str!("migrations/0007_keyed_chain.sql"),
    },
];

/// The newest schema version this program understands.
pub(crate) fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Why migrating stopped.
#[derive(Debug)]
pub(crate) enum MigrateError {
    Sqlite(rusqlite::Error),
    Newer { found: u32, known: u32 },
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sqlite(e)
    }
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// The highest applied version, or 0 for a new store (no table yet).
pub(crate) fn current_version(conn: &Connection) -> rusqlite::Result<u32> {
    let has_table: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if has_table.is_none() {
        return Ok(0);
    }
    let v: Option<i64> = conn.query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
        r.get(0)
    })?;
    Ok(v.map_or(0, |v| u32::try_from(v).unwrap_or(u32::MAX)))
}

/// Applies every pending migration. Returns the versions applied (empty when the
/// store was already current). Safe when several processes do this at once: the
/// version is re-read after the write lock is taken.
pub(crate) fn migrate(conn: &mut Connection) -> Result<Vec<u32>, MigrateError> {
    let known = latest_version();
    // Cheap check without the write lock: most opens find nothing to do.
    let found = current_version(conn)?;
    if found > known {
        return Err(MigrateError::Newer { found, known });
    }
    if found == known {
        return Ok(Vec::new());
    }

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(CREATE_TABLE)?;
    let found = current_version(&tx)?;
    if found > known {
        return Err(MigrateError::Newer { found, known });
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > found) {
        tx.execute_batch(m.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![m.version, m.name, super::now_rfc3339()],
        )?;
        applied.push(m.version);
    }
    tx.commit()?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(
                m.version as usize,
                i + 1,
                "migration {} is out of order",
                m.name
            );
            assert!(!m.name.is_empty());
            assert!(!m.sql.trim().is_empty());
        }
        assert_eq!(latest_version() as usize, MIGRATIONS.len());
    }
}
