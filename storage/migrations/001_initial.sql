-- The matchmaking loop: parties, people, needs, routes, claims, commitments, audit.
-- Times are ISO-8601 strings in UTC.

CREATE TABLE parties (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('department','district','lab','fund','bank','enterprise','think_tank')),
    name      TEXT NOT NULL,
    aliases   TEXT NOT NULL DEFAULT '[]',   -- JSON list of short names
    profile   TEXT NOT NULL DEFAULT '',
    keywords  TEXT NOT NULL DEFAULT '[]',   -- JSON list
    enabled   INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE chats (
    chat_id   INTEGER PRIMARY KEY,
    title     TEXT,
    served    INTEGER NOT NULL DEFAULT 0,
    added_by  INTEGER,
    added_at  TEXT
);

CREATE TABLE users (
    user_id       INTEGER PRIMARY KEY,
    display_name  TEXT NOT NULL,
    username      TEXT,
    updated_at    TEXT NOT NULL
);

CREATE TABLE bindings (
    user_id   INTEGER PRIMARY KEY,
    party_id  TEXT NOT NULL REFERENCES parties(id),
    bound_by  INTEGER,
    bound_at  TEXT NOT NULL
);
CREATE INDEX bindings_party ON bindings(party_id);

CREATE TABLE join_requests (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    party_id    TEXT NOT NULL REFERENCES parties(id),
    chat_id     INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','denied')),
    created_at  TEXT NOT NULL,
    decided_by  INTEGER,
    decided_at  TEXT
);

CREATE TABLE needs (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL,
    number          INTEGER NOT NULL,           -- #N, counted per chat
    author_id       INTEGER,
    author_name     TEXT NOT NULL DEFAULT '',
    message_id      INTEGER,
    text            TEXT NOT NULL,
    need_type       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved')),
    bot_message_id  INTEGER,
    created_at      TEXT NOT NULL,
    resolved_at     TEXT,
    UNIQUE (chat_id, number)
);
CREATE UNIQUE INDEX needs_message ON needs(chat_id, message_id) WHERE message_id IS NOT NULL;
CREATE INDEX needs_bot_message ON needs(chat_id, bot_message_id);

CREATE TABLE routes (
    need_id     INTEGER NOT NULL REFERENCES needs(id),
    party_id    TEXT NOT NULL REFERENCES parties(id),
    role        TEXT NOT NULL CHECK (role IN ('lead','assist')),
    score       REAL NOT NULL DEFAULT 0,
    source      TEXT NOT NULL,               -- router | admin | decline | commit
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (need_id, party_id)
);

CREATE TABLE claims (
    need_id     INTEGER NOT NULL REFERENCES needs(id),
    party_id    TEXT NOT NULL REFERENCES parties(id),
    user_id     INTEGER NOT NULL,
    claimed_at  TEXT NOT NULL,
    PRIMARY KEY (need_id, party_id)
);

CREATE TABLE commitments (
    id          INTEGER PRIMARY KEY,
    need_id     INTEGER NOT NULL REFERENCES needs(id),
    party_id    TEXT NOT NULL REFERENCES parties(id),
    user_id     INTEGER NOT NULL,
    text        TEXT NOT NULL,
    due_date    TEXT,                        -- YYYY-MM-DD in the configured zone; NULL = undated
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done')),
    created_at  TEXT NOT NULL,
    done_at     TEXT,
    message_id  INTEGER,                     -- the liaison's message that made it
    prompt_message_id INTEGER                -- the bot's "which date?" question, for replies
);
CREATE INDEX commitments_need ON commitments(need_id);

-- Labelled examples for the router: /route corrections and 转交 declines.
CREATE TABLE corrections (
    id          INTEGER PRIMARY KEY,
    need_id     INTEGER NOT NULL REFERENCES needs(id),
    text        TEXT NOT NULL,
    from_party  TEXT,
    to_party    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('reroute','decline')),
    actor_id    INTEGER,
    created_at  TEXT NOT NULL
);

CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor_id  INTEGER,
    chat_id   INTEGER,
    need_id   INTEGER,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_need ON events(need_id);

CREATE TABLE processed_updates (
    update_id     INTEGER PRIMARY KEY,
    processed_at  TEXT NOT NULL
);
