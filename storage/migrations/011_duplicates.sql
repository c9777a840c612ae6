-- Duplicates and 附议 (issue 14). A need that says the same as an open one gets a hint on its card; its author
-- seconds the earlier need (附议) or says it is another matter (不是同一件事); an admin merges with /merge.
--
-- A merged need leaves the funnel, the lists and the reports exactly as a withdrawn one does: its status is
-- 'withdrawn' (every count already leaves those out) and merged_into names the need it was merged into (what
-- the card, /status and the export say instead of "不是需求"). Its author is a co-requester of that need: the
-- merged needs are the co-requesters' record (who, when, in which words), so there is no second copy to keep
-- in step. Undoing a merge opens the need again and clears merged_into.
ALTER TABLE needs ADD COLUMN merged_into INTEGER REFERENCES needs(id);
CREATE INDEX needs_merged_into ON needs(merged_into) WHERE merged_into IS NOT NULL;

-- The hint a new need got at registration: the open need it may say the same as, and what became of it.
-- open: on the card; seconded: its author pressed 附议 (merged); rejected: 不是同一件事, or a merge of the pair
-- undone — remembered, so the pair is never suggested again.
CREATE TABLE duplicate_hints (
    need_id     INTEGER PRIMARY KEY REFERENCES needs(id),
    similar_to  INTEGER NOT NULL REFERENCES needs(id),
    score       REAL NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'seconded', 'rejected')),
    created_at  TEXT NOT NULL,
    decided_by  INTEGER,
    decided_at  TEXT
);
CREATE INDEX duplicate_hints_similar_to ON duplicate_hints(similar_to);
