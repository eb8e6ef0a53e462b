-- Cases: every contact with the desk, its links, notes and replies, and a
-- timeline of every change (written in the same transaction as the change).

-- The last case number handed out per year (PD-<year>-<seq>).
CREATE TABLE case_sequences (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE cases (
    id                    TEXT PRIMARY KEY,          -- PD-2026-000123
    year                  INTEGER NOT NULL,
    seq                   INTEGER NOT NULL,
    version               INTEGER NOT NULL,          -- raised by one on every change
    created_by            TEXT NOT NULL,
    created_at            TEXT NOT NULL,             -- RFC 3339 UTC
    updated_at            TEXT NOT NULL,
    received_at           TEXT NOT NULL,             -- RFC 3339 with the offset given
    channel               TEXT NOT NULL,
    category              TEXT NOT NULL,
    kind                  TEXT,
    law                   TEXT NOT NULL,
    priority              TEXT NOT NULL,
    assignee              TEXT,
    status                TEXT NOT NULL,
    is_open               INTEGER NOT NULL,          -- 1 while the requester waits
    held_from             TEXT,
    hold_reason           TEXT,
    approval_requested_by TEXT,
    description           TEXT NOT NULL,
    requester_name        TEXT,
    requester_email       TEXT,
    requester_phone       TEXT,
    requester_address     TEXT,
    reply_channel         TEXT,
    email_key             TEXT,                      -- normalised, for duplicate search
    phone_key             TEXT,
    representative        TEXT,                      -- JSON or NULL
    verification          TEXT,                      -- JSON or NULL
    delivery_format       TEXT,
    fee_jpy               INTEGER,
    fee_paid              INTEGER NOT NULL DEFAULT 0,
    refusal_grounds       TEXT NOT NULL DEFAULT '[]', -- JSON array
    outcome               TEXT,
    resolution            TEXT,
    pauses                TEXT NOT NULL DEFAULT '[]', -- JSON array
    extension             TEXT,                      -- JSON or NULL
    response_note_id      INTEGER,
    responded_at          TEXT,
    counts_from           TEXT,                      -- YYYY-MM-DD; deadlines from here on
    due                   TEXT,
    practical_due         TEXT,
    receipt_due           TEXT,
    extended_due          TEXT,
    practical_extended_due TEXT,
    queue_due             TEXT,                      -- what the queue sorts by
    paused_days           INTEGER,
    clock_stopped         INTEGER NOT NULL DEFAULT 0, -- a running pause stops the clock
    deadline_steps        TEXT,                      -- JSON array
    closed_at             TEXT,
    UNIQUE (year, seq)
);
-- The queue is sorted by (queue_due, year, seq); these serve its filters.
CREATE INDEX cases_active_due ON cases (queue_due, year, seq) WHERE status != 'closed';
CREATE INDEX cases_queue_due ON cases (queue_due, year, seq);
CREATE INDEX cases_open_due ON cases (is_open, clock_stopped, queue_due, year, seq);
CREATE INDEX cases_status_due ON cases (status, queue_due, year, seq);
CREATE INDEX cases_assignee_active ON cases (assignee, queue_due, year, seq) WHERE status != 'closed';
CREATE INDEX cases_assignee ON cases (assignee);
CREATE INDEX cases_email_key ON cases (email_key) WHERE email_key IS NOT NULL;
CREATE INDEX cases_phone_key ON cases (phone_key) WHERE phone_key IS NOT NULL;

-- Records from the connected systems linked to a case.
CREATE TABLE case_links (
    case_id      TEXT NOT NULL REFERENCES cases (id),
    system       TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    display_name TEXT,
    linked_at    TEXT NOT NULL,
    linked_by    TEXT NOT NULL,
    PRIMARY KEY (case_id, system, record_id)
);
CREATE INDEX case_links_record ON case_links (system, record_id);

-- Internal notes and replies sent to the requester. Never edited.
CREATE TABLE case_notes (
    id       INTEGER PRIMARY KEY,
    case_id  TEXT NOT NULL REFERENCES cases (id),
    at       TEXT NOT NULL,
    author   TEXT NOT NULL,
    internal INTEGER NOT NULL,
    text     TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, id);

-- The timeline: who changed what, the changed fields before and after.
CREATE TABLE case_events (
    id       INTEGER PRIMARY KEY,
    case_id  TEXT NOT NULL REFERENCES cases (id),
    version  INTEGER NOT NULL,                       -- the version the change produced
    at       TEXT NOT NULL,
    operator TEXT NOT NULL,
    kind     TEXT NOT NULL,
    before   TEXT NOT NULL,                          -- JSON object
    after    TEXT NOT NULL                           -- JSON object
);
CREATE INDEX case_events_case ON case_events (case_id, version);

CREATE TRIGGER case_notes_no_update BEFORE UPDATE ON case_notes
BEGIN
    SELECT RAISE(ABORT, 'case notes are never edited');
END;
CREATE TRIGGER case_notes_no_delete BEFORE DELETE ON case_notes
BEGIN
    SELECT RAISE(ABORT, 'case notes are never deleted');
END;
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'the case timeline is append-only');
END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'the case timeline is append-only');
END;
