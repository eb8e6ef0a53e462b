-- Crypto-shredding: personal values in audit entries are sealed with a key
-- per data subject. The keys are kept here wrapped by the audit key file's
-- seal key; deleting one (a purge, an erasure) leaves its values unreadable
-- for good while the entries, and the chain over them, stay.
CREATE TABLE subject_keys (
    id          INTEGER PRIMARY KEY,
    -- HMAC of the subject's token under the key file's blind key.
    blind       TEXT NOT NULL,
    -- nonce || XChaCha20-Poly1305 ciphertext of the key; NULL once shredded.
    wrapped     BLOB,
    created_at  TEXT NOT NULL,
    shredded_at TEXT,
    -- Why: `retention PD-2026-000001`, `erasure PD-2026-000002`.
    shredded_by TEXT
);
CREATE UNIQUE INDEX subject_keys_live ON subject_keys (blind) WHERE wrapped IS NOT NULL;
CREATE INDEX subject_keys_blind ON subject_keys (blind);

-- Which data subjects each audit entry names: the blind index that finds a
-- person's entries without decrypting the log.
CREATE TABLE audit_subjects (
    blind    TEXT NOT NULL,
    audit_id INTEGER NOT NULL,
    PRIMARY KEY (blind, audit_id)
) WITHOUT ROWID;
