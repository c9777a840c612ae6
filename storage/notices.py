"""Notices (reminders, overdue digests, escalations) that went out: each key once."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage._util import fetched, to_db_time


class NoticeRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def sent_keys(self) -> set[str]:
        async with await fetched(self.conn, "SELECT key FROM notices") as cur:
            return {row[0] for row in await cur.fetchall()}

    async def record(self, key: str, kind: str, due_at: datetime, sent_at: datetime, outcome: str) -> bool:
        """False when the key was recorded before (it went out already)."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO notices (key, kind, due_at, sent_at, outcome) VALUES (?, ?, ?, ?, ?)",
            (key, kind, to_db_time(due_at), to_db_time(sent_at), outcome),
        )
        return cur.rowcount == 1

    async def count(self, kind: str | None = None) -> int:
        sql, args = "SELECT COUNT(*) FROM notices", []
        if kind is not None:
            sql, args = sql + " WHERE kind = ?", [kind]
        async with await fetched(self.conn, sql, args) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0
