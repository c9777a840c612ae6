"""Commitments (a liaison's dated promises on a need): made, dated, reported kept, confirmed, disputed, withdrawn."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.domain import Commitment, Need
from storage import rows
from storage._util import fetched, to_db_time

# A commitment with its need, in one query.
_WITH_NEED = f"SELECT c.*, {rows.NEED_AS_N} FROM commitments c JOIN needs n ON n.id = c.need_id"


class CommitmentRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, *, need_id: int, party_id: str, user_id: int, text: str, due_date: date | None,
                  at: datetime, message_id: int | None) -> Commitment:
        found = await self.conn.execute_fetchall(
            "INSERT INTO commitments (need_id, party_id, user_id, text, due_date, created_at, message_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (need_id, party_id, user_id, text, due_date.isoformat() if due_date else None, to_db_time(at), message_id))
        return rows.commitment(next(iter(found)))

    async def get(self, commitment_id: int) -> Commitment | None:
        async with await fetched(self.conn, "SELECT * FROM commitments WHERE id = ?", (commitment_id,)) as cur:
            row = await cur.fetchone()
        return rows.commitment(row) if row else None

    async def delete(self, commitment_id: int) -> None:
        """A promise recorded by mistake and undone at once (the audit keeps what it was)."""
        await self.conn.execute("DELETE FROM commitments WHERE id = ?", (commitment_id,))

    async def with_need(self, commitment_id: int) -> tuple[Commitment, Need] | None:
        found = await self._with_need(" WHERE c.id = ?", (commitment_id,))
        return found[0] if found else None

    async def with_needs(self, commitment_ids: list[int]) -> dict[int, tuple[Commitment, Need]]:
        """Several commitments with their needs, in one query."""
        if not commitment_ids:
            return {}
        found = await self._with_need(f" WHERE c.id IN ({rows.marks(commitment_ids)})", tuple(commitment_ids))
        return {c.id: (c, n) for c, n in found}

    async def _with_need(self, where: str, args: tuple[object, ...]) -> list[tuple[Commitment, Need]]:
        async with await fetched(self.conn, _WITH_NEED + where, args) as cur:
            return [(rows.commitment(r), rows.need(r, "n_")) for r in await cur.fetchall()]

    async def of_need(self, need_id: int) -> list[Commitment]:
        async with await fetched(self.conn, "SELECT * FROM commitments WHERE need_id = ? ORDER BY id",
                                 (need_id,)) as cur:
            return [rows.commitment(r) for r in await cur.fetchall()]

    async def all(self, chat_id: int | None = None) -> list[Commitment]:
        """Every promise on a need that was not withdrawn (a withdrawn need's promises count nowhere), except those
        still owed when their need was resolved: moot, they are neither kept nor overdue (a need reopened makes
        them owed again)."""
        sql = ("SELECT c.* FROM commitments c JOIN needs n ON n.id = c.need_id WHERE n.status != 'withdrawn'"
               " AND NOT (n.status = 'resolved' AND c.status IN ('open', 'reported'))")
        args: list[object] = []
        if chat_id is not None:
            sql, args = sql + " AND n.chat_id = ?", [chat_id]
        sql += " ORDER BY c.id"
        async with await fetched(self.conn, sql, args) as cur:
            return [rows.commitment(r) for r in await cur.fetchall()]

    async def pending(self, chat_id: int | None = None, party_id: str | None = None) -> list[tuple[Need, Commitment]]:
        """Commitments still owed (open or reported) with their needs, in every chat or one, of every party or one."""
        where, args = "", list[object]()
        if chat_id is not None:
            where, args = where + " AND n.chat_id = ?", [*args, chat_id]
        if party_id is not None:
            where, args = where + " AND c.party_id = ?", [*args, party_id]
        found = await self._with_need(" WHERE c.status IN ('open', 'reported') AND n.status = 'open'" + where
                                      + " ORDER BY c.id", tuple(args))
        return [(n, c) for c, n in found]

    async def overdue(self, chat_id: int, today: date) -> list[tuple[Need, Commitment]]:
        found = await self._with_need(" WHERE n.chat_id = ? AND c.status = 'open' AND n.status = 'open'"
                                      " AND c.due_date IS NOT NULL"
                                      " AND c.due_date < ? ORDER BY c.due_date, c.id", (chat_id, today.isoformat()))
        return [(n, c) for c, n in found]

    async def undated_open(self, chat_id: int) -> list[tuple[Need, Commitment]]:
        found = await self._with_need(" WHERE n.chat_id = ? AND c.status = 'open' AND n.status = 'open'"
                                      " AND c.due_date IS NULL"
                                      " ORDER BY c.id", (chat_id,))
        return [(n, c) for c, n in found]

    async def by_prompt(self, chat_id: int, message_id: int) -> Commitment | None:
        """The commitment whose "which date?" question this bot message is."""
        found = await self._with_need(" WHERE n.chat_id = ? AND c.prompt_message_id = ?", (chat_id, message_id))
        return found[0][0] if found else None

    async def _update(self, sql: str, args: tuple[object, ...]) -> bool:
        cur = await self.conn.execute(sql, args)
        return cur.rowcount == 1

    async def mark_done(self, commitment_id: int, at: datetime, by: int) -> bool:
        """Kept and confirmed at once (an admin's /done): open or reported → done."""
        return await self._update(
            "UPDATE commitments SET status = 'done', done_at = ?, reported_at = COALESCE(reported_at, ?),"
            " reported_by = COALESCE(reported_by, ?), confirmed_by = ? WHERE id = ? AND status IN ('open', 'reported')",
            (to_db_time(at), to_db_time(at), by, by, commitment_id))

    async def mark_reported(self, commitment_id: int, at: datetime, by: int) -> bool:
        """The liaison says it is kept: open → reported, awaiting the need author's confirmation."""
        return await self._update(
            "UPDATE commitments SET status = 'reported', reported_at = ?, reported_by = ?"
            " WHERE id = ? AND status = 'open'",
            (to_db_time(at), by, commitment_id))

    async def confirm(self, commitment_id: int, at: datetime, by: int) -> bool:
        return await self._update(
            "UPDATE commitments SET status = 'done', done_at = ?, confirmed_by = ?"
            " WHERE id = ? AND status = 'reported'",
            (to_db_time(at), by, commitment_id))

    async def reopen(self, commitment_id: int) -> bool:
        """A report the need's author disputes: reported → open again."""
        return await self._update(
            "UPDATE commitments SET status = 'open', reported_at = NULL, reported_by = NULL"
            " WHERE id = ? AND status = 'reported'", (commitment_id,))

    async def cancel(self, commitment_id: int, at: datetime, by: int) -> bool:
        return await self._update(
            "UPDATE commitments SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?"
            " WHERE id = ? AND status IN ('open', 'reported')", (to_db_time(at), by, commitment_id))

    async def set_due_date(self, commitment_id: int, due: date) -> None:
        await self.conn.execute("UPDATE commitments SET due_date = ? WHERE id = ?", (due.isoformat(), commitment_id))

    async def set_report_message(self, commitment_id: int, message_id: int) -> None:
        await self.conn.execute("UPDATE commitments SET report_message_id = ? WHERE id = ?",
                                (message_id, commitment_id))

    async def set_prompt_message(self, commitment_id: int, message_id: int) -> None:
        await self.conn.execute("UPDATE commitments SET prompt_message_id = ? WHERE id = ?",
                                (message_id, commitment_id))
