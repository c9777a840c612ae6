-- 揭榜: the bot's "your plan?" question after someone pressed 揭榜 under a challenge. A reply to it from that person
-- (and nobody else) is their bid.
CREATE TABLE challenge_prompts (
    chat_id      INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    challenge_id INTEGER NOT NULL REFERENCES challenges(id),
    user_id      INTEGER NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
