-- Write-ahead journal of incoming updates: an update is stored here before Telegram is told it
-- arrived (before the next getUpdates offset passes it, or before the webhook answers 200), and
-- deleted in the same transaction that records it in processed_updates with its effects.
-- What is left here at start-up was received but not finished: it is handled first.
CREATE TABLE update_journal (
    update_id    INTEGER PRIMARY KEY,
    payload      TEXT NOT NULL,            -- the update as Telegram sent it (JSON)
    received_at  TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0 -- replays started; an update that keeps killing the bot is dropped
);
