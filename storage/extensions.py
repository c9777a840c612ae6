"""延期 requests (a promise's due date asked to move, approved or refused) and the bot's questions that ask for one."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import aiosqlite

from bot.domain.model import Extension
from storage._util import fetched, from_db_date, from_db_time, to_db_time


def _extension(row: sqlite3.Row) -> Extension:
    return Extension(id=row["id"], commitment_id=row["commitment_id"], requested_by=row["requested_by"],
                     requested_at=from_db_time(row["requested_at"]),  # type: ignore[arg-type]
                     from_date=from_db_date(row["from_date"]), to_date=from_db_date(row["to_date"]),  # type: ignore[arg-type]
                     reason=row["reason"], status=row["status"], decided_by=row["decided_by"],
                     decided_at=from_db_time(row["decided_at"]), message_id=row["message_id"])


class ExtensionRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, *, commitment_id: int, by: int, at: datetime, from_date: date, to_date: date, reason: str,
                  message_id: int | None) -> Extension:
        found = await self.conn.execute_fetchall(
            "INSERT INTO extension_requests (commitment_id, requested_by, requested_at, from_date, to_date, reason,"
            " message_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (commitment_id, by, to_db_time(at), from_date.isoformat(), to_date.isoformat(), reason, message_id))
        return _extension(next(iter(found)))

    async def get(self, extension_id: int) -> Extension | None:
        async with await fetched(self.conn, "SELECT * FROM extension_requests WHERE id = ?", (extension_id,)) as cur:
            row = await cur.fetchone()
        return _extension(row) if row else None

    async def pending_of(self, commitment_id: int) -> Extension | None:
        async with await fetched(self.conn, "SELECT * FROM extension_requests WHERE commitment_id = ?"
                                 " AND status = 'pending'", (commitment_id,)) as cur:
            row = await cur.fetchone()
        return _extension(row) if row else None

    async def of_commitment(self, commitment_id: int) -> list[Extension]:
        """Every request on a promise, oldest first."""
        async with await fetched(self.conn, "SELECT * FROM extension_requests WHERE commitment_id = ? ORDER BY id",
                                 (commitment_id,)) as cur:
            return [_extension(r) for r in await cur.fetchall()]

    async def decide(self, extension_id: int, approve: bool, by: int, at: datetime) -> bool:
        """pending → approved or refused; False when it was decided before."""
        cur = await self.conn.execute(
            "UPDATE extension_requests SET status = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND status = 'pending'",
            ("approved" if approve else "refused", by, to_db_time(at), extension_id))
        return cur.rowcount == 1

    async def add_prompt(self, chat_id: int, message_id: int, commitment_id: int) -> None:
        await self.conn.execute("INSERT OR REPLACE INTO extension_prompts (chat_id, message_id, commitment_id)"
                                " VALUES (?, ?, ?)", (chat_id, message_id, commitment_id))

    async def prompted(self, chat_id: int, message_id: int) -> int | None:
        """The promise whose "new date and reason?" question this bot message is."""
        async with await fetched(self.conn, "SELECT commitment_id FROM extension_prompts WHERE chat_id = ?"
                                 " AND message_id = ?", (chat_id, message_id)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None
