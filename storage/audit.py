"""The audit log (who did what, when) and the record of handled updates."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from bot.domain import Event
from storage._util import fetched, from_db_time, to_db_time


class AuditRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def record(self, kind: str, *, at: datetime, actor_id: int | None, chat_id: int | None = None,
                     need_id: int | None = None, **detail: object) -> None:
        await self.conn.execute(
            "INSERT INTO events (at, actor_id, chat_id, need_id, kind, detail) VALUES (?, ?, ?, ?, ?, ?)",
            (to_db_time(at), actor_id, chat_id, need_id, kind,
             json.dumps(detail, ensure_ascii=False, default=str)),
        )

    async def for_need(self, need_id: int) -> list[Event]:
        async with await fetched(self.conn,
            "SELECT * FROM events WHERE need_id = ? ORDER BY id", (need_id,)
        ) as cur:
            return [
                Event(from_db_time(r["at"]), r["actor_id"], r["kind"], json.loads(r["detail"]))  # type: ignore[arg-type]
                for r in await cur.fetchall()
            ]

    async def count(self, kind: str | None = None) -> int:
        sql, args = "SELECT COUNT(*) FROM events", tuple[str, ...]()
        if kind:
            sql, args = sql + " WHERE kind = ?", (kind,)
        async with await fetched(self.conn, sql, args) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    # handled updates ---------------------------------------------------------------------

    async def seen(self, update_id: int) -> bool:
        async with await fetched(self.conn,
            "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
        ) as cur:
            return await cur.fetchone() is not None

    async def mark_handled(self, update_id: int, at: datetime) -> bool:
        """Record the update; False when it had been recorded already (a repeat)."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
            (update_id, to_db_time(at)),
        )
        # Handled: out of the write-ahead journal (trigger handled_leaves_journal, migration 006), in the same
        # transaction as the update's effects.
        return cur.rowcount == 1
