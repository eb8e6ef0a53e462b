-- Retention: closed cases past their retention period are purged of
-- personal data. One row per purged case; the append-only triggers of the
-- case notes, the timeline and completed manual tasks let exactly that
-- purge through (for cases listed here) and nothing else.

CREATE TABLE case_purges (
    case_id   TEXT PRIMARY KEY REFERENCES cases (id),
    purged_at TEXT NOT NULL,
    purged_by TEXT NOT NULL,
    counts    TEXT NOT NULL                          -- JSON: rows changed per table
);

-- The salt of the hashes that replace identifiers, made once per store.
CREATE TABLE retention_salt (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    salt      TEXT NOT NULL
);

DROP TRIGGER case_notes_no_update;
CREATE TRIGGER case_notes_no_update BEFORE UPDATE ON case_notes
WHEN NOT (
    NEW.text = '' AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id
    AND NEW.at = OLD.at AND NEW.author = OLD.author AND NEW.internal = OLD.internal
    AND EXISTS (SELECT 1 FROM case_purges p WHERE p.case_id = OLD.case_id)
)
BEGIN
    SELECT RAISE(ABORT, 'case notes are never edited');
END;

DROP TRIGGER case_events_no_update;
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
WHEN NOT (
    NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.version = OLD.version
    AND NEW.at = OLD.at AND NEW.operator = OLD.operator AND NEW.kind = OLD.kind
    AND EXISTS (SELECT 1 FROM case_purges p WHERE p.case_id = OLD.case_id)
)
BEGIN
    SELECT RAISE(ABORT, 'the case timeline is append-only');
END;

DROP TRIGGER manual_tasks_done_is_final;
CREATE TRIGGER manual_tasks_done_is_final BEFORE UPDATE ON manual_tasks
WHEN OLD.done_at IS NOT NULL AND NOT (
    NEW.done_at IS OLD.done_at AND NEW.done_by IS OLD.done_by
    AND EXISTS (SELECT 1 FROM case_purges p WHERE p.case_id = OLD.case_id)
)
BEGIN
    SELECT RAISE(ABORT, 'a completed task is never changed');
END;
