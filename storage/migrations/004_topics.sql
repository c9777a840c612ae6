-- Forum-topic mode: a need may have its own topic (message_thread_id) in a forum supergroup.
ALTER TABLE needs ADD COLUMN topic_id INTEGER;
CREATE INDEX needs_topic ON needs(chat_id, topic_id) WHERE topic_id IS NOT NULL;
