-- Text an operator is typing (a query, a note, a form), kept so that nothing
-- typed is lost when a session ends abnormally. One draft per operator and key.
CREATE TABLE drafts (
    operator   TEXT NOT NULL,
    key        TEXT NOT NULL,
    text       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (operator, key)
);
