-- Routing that learns: imported history, and needs the router was unsure about (admin triage).

CREATE TABLE training_examples (
    id          INTEGER PRIMARY KEY,
    text        TEXT NOT NULL,
    label       TEXT NOT NULL,               -- a party id
    source      TEXT NOT NULL,               -- e.g. the imported file's name
    created_at  TEXT NOT NULL
);

CREATE TABLE triage (
    need_id      INTEGER PRIMARY KEY REFERENCES needs(id),
    suggestions  TEXT NOT NULL,              -- JSON list of party ids, best first
    confidence   REAL NOT NULL,
    created_at   TEXT NOT NULL,
    settled_at   TEXT,
    settled_by   INTEGER
);
