-- 延期: a liaison asks for a new due date for a dated promise before it passes; an admin approves or refuses.
-- Every request stays (the history of a promise's dates): the date it was asked to move from and to, why, who
-- asked and decided, and when. A promise's date moves only when a request for it is approved (or an admin
-- corrects it with /due, audited as due_changed). Times are ISO-8601 strings in UTC, dates YYYY-MM-DD local.
CREATE TABLE extension_requests (
    id            INTEGER PRIMARY KEY,
    commitment_id INTEGER NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
    requested_by  INTEGER NOT NULL,
    requested_at  TEXT NOT NULL,
    from_date     TEXT NOT NULL,             -- the due date when it was asked
    to_date       TEXT NOT NULL,             -- the due date asked for
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
    decided_by    INTEGER,
    decided_at    TEXT,
    message_id    INTEGER                    -- the liaison's message that asked
);
CREATE INDEX extension_requests_commitment ON extension_requests(commitment_id);
-- One request at a time per promise waits for the admins.
CREATE UNIQUE INDEX extension_requests_one_pending ON extension_requests(commitment_id) WHERE status = 'pending';

-- The bot's "new date and reason?" question after 申请延期 was pressed: a reply to it is the request.
CREATE TABLE extension_prompts (
    chat_id       INTEGER NOT NULL,
    message_id    INTEGER NOT NULL,
    commitment_id INTEGER NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
    PRIMARY KEY (chat_id, message_id)
);
