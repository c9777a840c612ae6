"""Labelled examples for the router and the admin triage queue."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from storage._util import fetched, to_db_time


class LearningRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def examples(self) -> list[tuple[str, str]]:
        """(text, party id): imported history, admin corrections, 转交 choices, and claims by the lead
        department (an assisting party's claim says nothing about who should lead)."""
        sql = """
            SELECT text, label FROM training_examples
            UNION ALL
            SELECT c.text, c.to_party FROM corrections c
              JOIN needs w ON w.id = c.need_id AND w.status != 'withdrawn'
            UNION ALL
            SELECT n.text, c.party_id FROM claims c
              JOIN needs n ON n.id = c.need_id
              JOIN parties p ON p.id = c.party_id
              JOIN routes r ON r.need_id = c.need_id AND r.party_id = c.party_id
             WHERE p.kind = 'department' AND r.role = 'lead' AND r.active = 1 AND n.status != 'withdrawn'
        """
        async with await fetched(self.conn, sql) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    async def import_examples(self, rows: Iterable[tuple[str, str]], source: str, at: datetime) -> int:
        cur = await self.conn.executemany(
            "INSERT INTO training_examples (text, label, source, created_at) VALUES (?, ?, ?, ?)",
            [(text, label, source, to_db_time(at)) for text, label in rows],
        )
        return cur.rowcount

    async def open_triage(self, need_id: int, suggestions: list[str], confidence: float, at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO triage (need_id, suggestions, confidence, created_at) VALUES (?, ?, ?, ?)",
            (need_id, json.dumps(suggestions), confidence, to_db_time(at)),
        )

    async def triage_of(self, need_id: int) -> list[str] | None:
        """The suggestions of a need awaiting triage, or None when it is not (or no longer) waiting."""
        async with await fetched(self.conn,
            "SELECT suggestions FROM triage WHERE need_id = ? AND settled_at IS NULL", (need_id,)
        ) as cur:
            row = await cur.fetchone()
        return json.loads(row[0]) if row else None

    async def triage_of_many(self, need_ids: list[int]) -> dict[int, list[str]]:
        """The suggestions of each of these needs that awaits triage, in one query."""
        if not need_ids:
            return {}
        marks = ", ".join("?" * len(need_ids))
        async with await fetched(self.conn, "SELECT need_id, suggestions FROM triage WHERE settled_at IS NULL"
                                 f" AND need_id IN ({marks})", need_ids) as cur:  # noqa: S608
            return {row[0]: json.loads(row[1]) for row in await cur.fetchall()}

    async def settle_triage(self, need_id: int, by: int, at: datetime) -> None:
        await self.conn.execute(
            "UPDATE triage SET settled_at = ?, settled_by = ? WHERE need_id = ? AND settled_at IS NULL",
            (to_db_time(at), by, need_id),
        )

    async def waiting(self, chat_id: int | None) -> list[tuple[int, list[str]]]:
        """(need id, suggestions) of needs awaiting triage in this chat (or all), oldest first."""
        where, args = (" AND n.chat_id = ?", (chat_id,)) if chat_id is not None else ("", ())
        async with await fetched(self.conn,
            "SELECT t.need_id, t.suggestions FROM triage t JOIN needs n ON n.id = t.need_id"
            " WHERE t.settled_at IS NULL AND n.status = 'open'" + where + " ORDER BY t.need_id", args,
        ) as cur:
            return [(row[0], json.loads(row[1])) for row in await cur.fetchall()]
