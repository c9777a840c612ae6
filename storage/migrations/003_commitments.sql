-- Commitments that are kept: a lifecycle (open → reported → done, or cancelled), notices sent once,
-- and agreements (the outcomes of matchmaking). Times are ISO-8601 strings in UTC.

-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with its rows.
CREATE TABLE commitments_v3 (
    id          INTEGER PRIMARY KEY,
    need_id     INTEGER NOT NULL REFERENCES needs(id),
    party_id    TEXT NOT NULL REFERENCES parties(id),
    user_id     INTEGER NOT NULL,
    text        TEXT NOT NULL,
    due_date    TEXT,                        -- YYYY-MM-DD in the configured zone; NULL = undated
    status      TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open','reported','done','cancelled')),
    created_at  TEXT NOT NULL,
    done_at     TEXT,                        -- when it was kept (the liaison's report, once confirmed)
    message_id  INTEGER,                     -- the liaison's message that made it
    prompt_message_id INTEGER,               -- the bot's "which date?" question, for replies
    reported_at TEXT,                        -- the liaison said it is kept (/done), awaiting confirmation
    reported_by INTEGER,
    report_message_id INTEGER,               -- the bot's message with the confirm buttons
    confirmed_by INTEGER,
    cancelled_at TEXT,
    cancelled_by INTEGER
);
INSERT INTO commitments_v3 (id, need_id, party_id, user_id, text, due_date, status, created_at, done_at,
                            message_id, prompt_message_id, reported_at)
    SELECT id, need_id, party_id, user_id, text, due_date, status, created_at, done_at,
           message_id, prompt_message_id, done_at FROM commitments;
DROP TABLE commitments;
ALTER TABLE commitments_v3 RENAME TO commitments;
CREATE INDEX commitments_need ON commitments(need_id);
CREATE INDEX commitments_status ON commitments(status);

-- Every reminder, overdue digest and escalation is sent once: its key is recorded when it went out.
CREATE TABLE notices (
    key         TEXT PRIMARY KEY,            -- e.g. 'before:12', 'morning:12', 'unclaimed:7', 'digest:2026-12-01'
    kind        TEXT NOT NULL,
    due_at      TEXT NOT NULL,               -- when it was meant to go out
    sent_at     TEXT NOT NULL,
    outcome     TEXT NOT NULL                -- sent | failed (a recipient refused it; not retried)
);

CREATE TABLE agreements (
    id          INTEGER PRIMARY KEY,
    need_id     INTEGER NOT NULL REFERENCES needs(id),
    kind        TEXT NOT NULL CHECK (kind IN ('financing','cooperation','scenario','other')),
    amount_yuan INTEGER,                     -- NULL when no amount was named
    parties     TEXT NOT NULL DEFAULT '[]',  -- JSON list of party ids named in it
    text        TEXT NOT NULL,
    actor_id    INTEGER,
    created_at  TEXT NOT NULL
);
CREATE INDEX agreements_need ON agreements(need_id);

-- A message announcing a signing or a financing intention, which the bot offered to record.
CREATE TABLE agreement_offers (
    id           INTEGER PRIMARY KEY,
    need_id      INTEGER NOT NULL REFERENCES needs(id),
    user_id      INTEGER NOT NULL,
    text         TEXT NOT NULL,
    message_id   INTEGER,
    created_at   TEXT NOT NULL,
    agreement_id INTEGER REFERENCES agreements(id)   -- set once recorded
);
