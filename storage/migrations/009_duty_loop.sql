-- Issue 14, the duty loop as government runs it: who led a need when (the 签收 limit, 响应率, 退单 and its
-- ruling), and the enterprise's verdict when a need is resolved (解决率, 满意率, 重办).

-- One row per spell a party led a need: from the moment it was made lead until it was re-routed by an admin,
-- handed over by the party itself (退单, with its reason; an admin may rule it improper: 驳回), or never.
CREATE TABLE lead_terms (
    id          INTEGER PRIMARY KEY,
    need_id     INTEGER NOT NULL REFERENCES needs(id),
    party_id    TEXT NOT NULL REFERENCES parties(id),
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    ended_by    TEXT CHECK (ended_by IN ('reroute','handover')),
    reason      TEXT,                        -- a 退单's reason
    ruling      TEXT CHECK (ruling IN ('overruled')),  -- 驳回: the 退单 was improper, the need went back
    ruled_by    INTEGER,
    ruled_at    TEXT,
    prior_role  TEXT                         -- the party's role on the need before it led it (assist), if any
);
CREATE INDEX lead_terms_need ON lead_terms(need_id);
-- 转交 for 其他原因: the bot asks the liaison to reply with the reason; a reply to this message hands the need over.
CREATE TABLE handover_prompts (
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    need_id     INTEGER NOT NULL REFERENCES needs(id),
    party_id    TEXT NOT NULL REFERENCES parties(id),   -- whom it is to be handed over to
    user_id     INTEGER NOT NULL,                       -- who chose it: only their reply counts
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX lead_terms_party ON lead_terms(party_id);
-- Needs led before this migration: an open term from now, so that the new 签收 and 办结 clocks start with the
-- migration instead of sending a 督办 at once for every need older than its limit.
INSERT INTO lead_terms (need_id, party_id, started_at)
    SELECT need_id, party_id, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') FROM routes
    WHERE role = 'lead' AND active = 1 ORDER BY need_id;

-- The question put to a need's author when it is resolved: 解决情况 and 满意度, one tap each. A need reopened
-- after 未解决 (重办) is asked again when it is resolved again: round 2.
CREATE TABLE verdicts (
    id            INTEGER PRIMARY KEY,
    need_id       INTEGER NOT NULL REFERENCES needs(id),
    round         INTEGER NOT NULL,
    author_id     INTEGER NOT NULL,
    lead_party    TEXT,                      -- who led the need when it was resolved: the verdict is on its work
    asked_at      TEXT NOT NULL,
    solved        TEXT CHECK (solved IN ('solved','partly','unsolved')),
    satisfaction  TEXT CHECK (satisfaction IN ('satisfied','fair','unsatisfied')),
    answered_at   TEXT,
    message_id    INTEGER,                   -- the bot's question, edited as it is answered
    reopened_at   TEXT,                      -- its 未解决 reopened the need (重办) at this time
    UNIQUE (need_id, round, author_id)
);
CREATE INDEX verdicts_lead ON verdicts(lead_party);
