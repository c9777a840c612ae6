-- An update leaves the write-ahead journal when it is recorded as handled, by a trigger in the same
-- statement (and so the same transaction) rather than by a second statement: one trip to SQLite less per
-- update. An ignored insert (a repeat) fires nothing.
CREATE TRIGGER handled_leaves_journal AFTER INSERT ON processed_updates
BEGIN
    DELETE FROM update_journal WHERE update_id = NEW.update_id;
END;
