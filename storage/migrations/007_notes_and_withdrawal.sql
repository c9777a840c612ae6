-- Issue 12: what people say about a need becomes a note on it, and a need nobody meant can be withdrawn.

-- A need can be withdrawn ("不是需求" / 撤销): it leaves the funnel, lists and reports, and is kept for
-- the audit. SQLite cannot change a CHECK in place, so the table is rebuilt (migrations run with
-- foreign keys off and checked before they commit, as SQLite's documented procedure says).
CREATE TABLE needs_new (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL,
    number          INTEGER NOT NULL,           -- #N, counted per chat
    author_id       INTEGER,
    author_name     TEXT NOT NULL DEFAULT '',
    message_id      INTEGER,
    text            TEXT NOT NULL,
    need_type       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved','withdrawn')),
    bot_message_id  INTEGER,
    created_at      TEXT NOT NULL,
    resolved_at     TEXT,                       -- resolved or withdrawn at
    topic_id        INTEGER,
    withdrawn_by    INTEGER,
    UNIQUE (chat_id, number)
);
INSERT INTO needs_new (id, chat_id, number, author_id, author_name, message_id, text, need_type, status,
                       bot_message_id, created_at, resolved_at, topic_id)
    SELECT id, chat_id, number, author_id, author_name, message_id, text, need_type, status,
           bot_message_id, created_at, resolved_at, topic_id FROM needs;
DROP TABLE needs;
ALTER TABLE needs_new RENAME TO needs;
CREATE UNIQUE INDEX needs_message ON needs(chat_id, message_id) WHERE message_id IS NOT NULL;
CREATE INDEX needs_bot_message ON needs(chat_id, bot_message_id);
CREATE INDEX needs_topic ON needs(chat_id, topic_id) WHERE topic_id IS NOT NULL;

-- Notes: a follow-up by the need's author, a question or request to the other side, a refusal or
-- redirection, a progress update. Replies to a note's message belong to the same need.
CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    need_id     INTEGER NOT NULL REFERENCES needs(id),
    chat_id     INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('followup','question','refusal','progress')),
    author_id   INTEGER,
    party_id    TEXT,                            -- the author's party, when bound to one
    message_id  INTEGER,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX notes_need ON notes(need_id);
CREATE UNIQUE INDEX notes_message ON notes(chat_id, message_id) WHERE message_id IS NOT NULL;

-- A promise recorded by mistake can be undone from its confirmation (it is deleted; the audit keeps it). Its
-- number must never be given to the next promise, so commitment ids become AUTOINCREMENT.
CREATE TABLE commitments_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO commitments_new SELECT id, need_id, party_id, user_id, text, due_date, status, created_at, done_at,
    message_id, prompt_message_id, reported_at, reported_by, report_message_id, confirmed_by, cancelled_at,
    cancelled_by FROM commitments;
DROP TABLE commitments;
ALTER TABLE commitments_new RENAME TO commitments;
CREATE INDEX commitments_need ON commitments(need_id);
CREATE INDEX commitments_status ON commitments(status);
