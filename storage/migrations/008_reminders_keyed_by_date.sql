-- A promise's reminders are keyed by its due date too ('before:12@2026-12-11'), so that a promise whose date
-- was changed (/due) is reminded of the new date. Reminders already recorded are taken to be for the promise's
-- date now: none goes out twice (a date changed before this version after its reminder went out is not reminded
-- again — as it was not before).
UPDATE notices
   SET key = key || '@' || (SELECT c.due_date FROM commitments c
                            WHERE c.id = CAST(substr(notices.key, instr(notices.key, ':') + 1) AS INTEGER))
 WHERE kind IN ('before', 'morning') AND instr(key, '@') = 0
   AND EXISTS (SELECT 1 FROM commitments c
               WHERE c.id = CAST(substr(notices.key, instr(notices.key, ':') + 1) AS INTEGER)
                 AND c.due_date IS NOT NULL);
