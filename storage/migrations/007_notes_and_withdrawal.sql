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
