-- Actions: carrying out rights requests in the connected systems. One
-- action per decision (what to do, to which records, approved by whom),
-- one job per system, a journal of every attempt, and manual tasks for
-- what is done by hand.

CREATE TABLE actions (
    id              INTEGER PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    kind            TEXT NOT NULL,              -- export | update | delete | suspend | stop_third_party
    status          TEXT NOT NULL,              -- awaiting_approval | approved | denied
    needs_approval  INTEGER NOT NULL,
    prepared_by     TEXT NOT NULL,
    prepared_at     TEXT NOT NULL,
    note            TEXT,
    changes         TEXT NOT NULL DEFAULT '[]', -- update: JSON [[field, value], ...]
    decided_by      TEXT,
    decided_at      TEXT,
    decision_reason TEXT,
    runner_pid      INTEGER,                    -- the process running the action now
    runner_seen_at  TEXT                        -- its last sign of life
);
CREATE INDEX actions_case ON actions (case_id, id);
CREATE INDEX actions_awaiting ON actions (status) WHERE status = 'awaiting_approval';

-- One system's part of an action. The idempotency key never changes: every
-- attempt of the job sends the same one.
CREATE TABLE action_jobs (
    id              INTEGER PRIMARY KEY,
    action_id       INTEGER NOT NULL REFERENCES actions (id),
    case_id         TEXT NOT NULL REFERENCES cases (id),
    kind            TEXT NOT NULL,
    system          TEXT NOT NULL,
    record_id       TEXT,                       -- NULL for an OpenDSR processor
    mode            TEXT NOT NULL,              -- api | opendsr | manual
    idempotency_key TEXT NOT NULL UNIQUE,
    request         TEXT,                       -- JSON {method, url, body} as sent (personal data)
    preview         TEXT,                       -- the same, personal data masked
    diff            TEXT NOT NULL DEFAULT '[]', -- update: JSON [{field, before, after}]
    manual_reason   TEXT,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_sent_at    TEXT,
    submitted_at    TEXT,                       -- OpenDSR: accepted by the processor
    overdue_at      TEXT,                       -- OpenDSR: should have completed by
    polls           INTEGER NOT NULL DEFAULT 0,
    http_status     INTEGER,
    message         TEXT,
    verified        INTEGER,                    -- NULL: not checked; 1: confirmed
    result          TEXT,                       -- export: the data received (JSON)
    skip_reason     TEXT,
    updated_at      TEXT NOT NULL,
    finished_at     TEXT
);
CREATE INDEX action_jobs_action ON action_jobs (action_id, id);
CREATE INDEX action_jobs_case ON action_jobs (case_id, state);

-- The journal: a row is written (and committed) before a request that may
-- change data is sent, and completed with what came back.
CREATE TABLE action_attempts (
    job_id      INTEGER NOT NULL REFERENCES action_jobs (id),
    n           INTEGER NOT NULL,
    sent_at     TEXT NOT NULL,
    operator    TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    outcome     TEXT,                           -- NULL while in flight or when the answer was lost
    http_status INTEGER,
    message     TEXT,
    ended_at    TEXT,
    PRIMARY KEY (job_id, n)
);

-- Work done by hand: what to do, who and by when; then who confirmed, when
-- and what they found. A completed task is never changed.
CREATE TABLE manual_tasks (
    id           INTEGER PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    action_id    INTEGER REFERENCES actions (id),
    job_id       INTEGER REFERENCES action_jobs (id),
    system       TEXT,
    record_id    TEXT,
    instructions TEXT NOT NULL,
    assignee     TEXT,
    due          TEXT,                          -- YYYY-MM-DD
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    done_by      TEXT,
    done_at      TEXT,
    result       TEXT,
    note         TEXT
);
CREATE INDEX manual_tasks_case ON manual_tasks (case_id, id);
CREATE INDEX manual_tasks_open ON manual_tasks (assignee, due) WHERE done_at IS NULL;
CREATE UNIQUE INDEX manual_tasks_job ON manual_tasks (job_id) WHERE job_id IS NOT NULL;

CREATE TRIGGER manual_tasks_done_is_final BEFORE UPDATE ON manual_tasks
WHEN OLD.done_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a completed task is never changed');
END;
CREATE TRIGGER manual_tasks_no_delete BEFORE DELETE ON manual_tasks
BEGIN
    SELECT RAISE(ABORT, 'manual tasks are never deleted');
END;
CREATE TRIGGER action_attempts_no_delete BEFORE DELETE ON action_attempts
BEGIN
    SELECT RAISE(ABORT, 'the action journal is append-only');
END;
CREATE TRIGGER action_jobs_no_delete BEFORE DELETE ON action_jobs
BEGIN
    SELECT RAISE(ABORT, 'action jobs are never deleted');
END;
