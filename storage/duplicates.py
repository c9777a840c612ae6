"""Duplicates and 附议: the hints new needs got, and needs merged into others (see 011_duplicates.sql)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.domain import Need
from bot.domain.duplicates import DuplicateHint
from storage import rows
from storage._util import fetched, to_db_time


def _hint(row: sqlite3.Row) -> DuplicateHint:
    return DuplicateHint(row["h_need_id"], rows.need(row, "n_"), row["h_score"], row["h_status"])


_HINTS = (f"SELECT h.need_id AS h_need_id, h.score AS h_score, h.status AS h_status, {rows.NEED_AS_N}"  # noqa: S608
          " FROM duplicate_hints h JOIN needs n ON n.id = h.similar_to")


class DuplicateRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def hint(self, need_id: int, similar_to: int, score: float, at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO duplicate_hints (need_id, similar_to, score, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (need_id) DO NOTHING", (need_id, similar_to, score, to_db_time(at)))

    async def hints_of(self, need_ids: Iterable[int]) -> dict[int, DuplicateHint]:
        ids = list(dict.fromkeys(need_ids))
        if not ids:
            return {}
        async with await fetched(self.conn, f"{_HINTS} WHERE h.need_id IN ({rows.marks(ids)})", ids) as cur:
            return {h.need_id: h for h in map(_hint, await cur.fetchall())}

    async def decide(self, need_id: int, status: str, by: int | None, at: datetime, only_open: bool = True) -> bool:
        """The hint answered (seconded, rejected); once, unless ``only_open`` is False (a merge undone)."""
        cur = await self.conn.execute(
            "UPDATE duplicate_hints SET status = ?, decided_by = ?, decided_at = ? WHERE need_id = ?"
            + (" AND status = 'open'" if only_open else ""), (status, by, to_db_time(at), need_id))
        return cur.rowcount == 1

    async def merge(self, need_id: int, into: int, by: int | None, at: datetime) -> bool:
        """Merged: out of the funnel, lists and reports as a withdrawn need, with the need it joined."""
        cur = await self.conn.execute(
            "UPDATE needs SET status = 'withdrawn', resolved_at = ?, withdrawn_by = ?, merged_into = ?"
            " WHERE id = ? AND status = 'open'", (to_db_time(at), by, into, need_id))
        return cur.rowcount == 1

    async def unmerge(self, need_id: int) -> bool:
        cur = await self.conn.execute(
            "UPDATE needs SET status = 'open', resolved_at = NULL, withdrawn_by = NULL, merged_into = NULL"
            " WHERE id = ? AND status = 'withdrawn' AND merged_into IS NOT NULL", (need_id,))
        return cur.rowcount == 1

    async def merged_into(self, need_ids: Iterable[int]) -> dict[int, list[Need]]:
        """The needs merged into each of these, oldest first."""
        ids = list(dict.fromkeys(need_ids))
        if not ids:
            return {}
        found: dict[int, list[Need]] = {}
        async with await fetched(self.conn, f"SELECT * FROM needs WHERE merged_into IN ({rows.marks(ids)})"  # noqa: S608
                                 " AND status = 'withdrawn' ORDER BY id", ids) as cur:
            for row in await cur.fetchall():
                need = rows.need(row)
                found.setdefault(need.merged_into, []).append(need)  # type: ignore[arg-type]
        return found
