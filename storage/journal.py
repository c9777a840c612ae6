"""The write-ahead journal of incoming updates (see migration 005)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage._util import fetched, to_db_time


class JournalRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def append(self, update_id: int, payload: str, at: datetime) -> str:
        """Journal an update: "new"; "unfinished" when it was journalled before and is not handled yet;
        "handled" for a repeat of an update handled already."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO update_journal (update_id, payload, received_at) "
            "SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM processed_updates WHERE update_id = ?)",
            (update_id, payload, to_db_time(at), update_id),
        )
        if cur.rowcount == 1:
            return "new"
        async with await fetched(self.conn, "SELECT 1 FROM update_journal WHERE update_id = ?", (update_id,)) as found:
            return "unfinished" if await found.fetchone() is not None else "handled"

    async def append_new(self, updates: list[tuple[int, str]], at: datetime) -> set[int]:
        """Journal a batch in one statement; the ids journalled now (the others were journalled or handled
        before: ``append`` tells which)."""
        if not updates:
            return set()
        rows = ", ".join("(?, ?)" for _ in updates)
        found = await self.conn.execute_fetchall(
            "INSERT OR IGNORE INTO update_journal (update_id, payload, received_at)"  # noqa: S608
            f" SELECT column1, column2, ? FROM (VALUES {rows})"
            " WHERE column1 NOT IN (SELECT update_id FROM processed_updates) RETURNING update_id",
            [to_db_time(at), *(value for update in updates for value in update)])
        return {int(row[0]) for row in found}

    async def unfinished(self) -> list[tuple[int, str, int]]:
        """(update_id, payload, attempts) of every journalled update not yet handled, oldest first."""
        async with await fetched(self.conn,
            "SELECT update_id, payload, attempts FROM update_journal ORDER BY update_id"
        ) as cur:
            return [(int(r[0]), str(r[1]), int(r[2])) for r in await cur.fetchall()]

    async def attempt(self, update_id: int) -> None:
        await self.conn.execute("UPDATE update_journal SET attempts = attempts + 1 WHERE update_id = ?",
                                (update_id,))

    async def count(self) -> int:
        async with await fetched(self.conn, "SELECT COUNT(*) FROM update_journal") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0
