-- Two-sided matchmaking (issue 15): the standing lists of what parties offer, the matches the bot suggests
-- between needs and offers with each side's answer, and 揭榜 challenges with their bids.
--
-- An offer (供给) is owned by one party: a scenario a department or district opens (场景), a lab's capability
-- (能力), a fund's investment thesis (投资). ``example`` marks the starter entries the bot ships (editable examples).
CREATE TABLE offers (
    id          INTEGER PRIMARY KEY,
    party_id    TEXT NOT NULL REFERENCES parties(id),
    kind        TEXT NOT NULL CHECK (kind IN ('scenario', 'capability', 'investment')),
    title       TEXT NOT NULL,
    text        TEXT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',      -- where (a scenario's road, district, hospital)
    until       TEXT,                          -- open until this local date (YYYY-MM-DD), NULL: no end named
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    example     INTEGER NOT NULL DEFAULT 0,    -- a shipped starter entry, to be edited by its owner
    created_by  INTEGER,
    created_at  TEXT NOT NULL,
    updated_at  TEXT,
    closed_at   TEXT
);
CREATE INDEX offers_party ON offers(party_id);
CREATE INDEX offers_open ON offers(status) WHERE status = 'open';

-- A suggestion that a need and an offer fit, made once per pair (UNIQUE: a pair refused is never suggested
-- again). ``origin``: which arrival made it (a new need matched against the lists, or a new offer against the
-- open needs). Each side answers once: yes (感兴趣) or no (不合适). Both yes → introduced (双方有意);
-- an agreement recorded against it → signed (签约). Either no → refused: a labelled example for the matcher.
CREATE TABLE matches (
    id            INTEGER PRIMARY KEY,
    need_id       INTEGER NOT NULL REFERENCES needs(id),
    offer_id      INTEGER NOT NULL REFERENCES offers(id),
    score         REAL NOT NULL,
    reason        TEXT NOT NULL,
    origin        TEXT NOT NULL CHECK (origin IN ('need', 'offer')),
    need_answer   TEXT CHECK (need_answer IN ('yes', 'no')),
    need_by       INTEGER,
    need_at       TEXT,
    offer_answer  TEXT CHECK (offer_answer IN ('yes', 'no')),
    offer_by      INTEGER,
    offer_at      TEXT,
    introduced_at TEXT,
    message_id    INTEGER,                     -- the message that asked the other side (offer-origin matches)
    agreement_id  INTEGER REFERENCES agreements(id),
    created_at    TEXT NOT NULL,
    UNIQUE (need_id, offer_id)
);
CREATE INDEX matches_offer ON matches(offer_id);
CREATE INDEX matches_created ON matches(created_at);

-- 揭榜挂帅: an admin publishes a need as a challenge with a deadline; labs and enterprises answer with a short
-- plan (揭榜) before it; the need's author picks one bid, or none.
CREATE TABLE challenges (
    id          INTEGER PRIMARY KEY,
    need_id     INTEGER NOT NULL UNIQUE REFERENCES needs(id),
    deadline    TEXT NOT NULL,                 -- the last local date a bid is taken (YYYY-MM-DD)
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'picked', 'none')),
    picked_bid  INTEGER REFERENCES bids(id),
    decided_by  INTEGER,
    decided_at  TEXT,
    created_by  INTEGER,
    created_at  TEXT NOT NULL,
    message_id  INTEGER                        -- the group message announcing it
);

CREATE TABLE bids (
    id           INTEGER PRIMARY KEY,
    challenge_id INTEGER NOT NULL REFERENCES challenges(id),
    user_id      INTEGER NOT NULL,
    party_id     TEXT REFERENCES parties(id),  -- the bidder's party (a lab), NULL for an enterprise
    plan         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (challenge_id, user_id)
);
