"""Needs with their routes, claims and commitments (one aggregate), and router corrections."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.domain import Claim, Commitment, Need, Route
from storage._util import fetched, from_db_date, from_db_time, to_db_time


def _need(row: aiosqlite.Row) -> Need:
    return Need(
        id=row["id"],
        chat_id=row["chat_id"],
        number=row["number"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        text=row["text"],
        need_type=row["need_type"],
        status=row["status"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        message_id=row["message_id"],
        bot_message_id=row["bot_message_id"],
        resolved_at=from_db_time(row["resolved_at"]),
        topic_id=row["topic_id"],
    )


def _commitment(row: aiosqlite.Row) -> Commitment:
    return Commitment(
        id=row["id"],
        need_id=row["need_id"],
        party_id=row["party_id"],
        user_id=row["user_id"],
        text=row["text"],
        due_date=from_db_date(row["due_date"]),
        status=row["status"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        done_at=from_db_time(row["done_at"]),
        reported_at=from_db_time(row["reported_at"]),
        reported_by=row["reported_by"],
        confirmed_by=row["confirmed_by"],
        cancelled_at=from_db_time(row["cancelled_at"]),
        message_id=row["message_id"],
        report_message_id=row["report_message_id"],
    )


class NeedRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    # needs -------------------------------------------------------------------------------

    async def add(
        self,
        *,
        chat_id: int,
        author_id: int | None,
        author_name: str,
        message_id: int | None,
        text: str,
        need_type: str,
        at: datetime,
    ) -> Need:
        # Numbered #1..N per chat, in the same statement (one trip to SQLite's thread, not three).
        rows = await self.conn.execute_fetchall(
            "INSERT INTO needs (chat_id, number, author_id, author_name, message_id, text, need_type, created_at)"
            " VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM needs WHERE chat_id = ?), ?, ?, ?, ?, ?, ?)"
            " RETURNING *",
            (chat_id, chat_id, author_id, author_name, message_id, text, need_type, to_db_time(at)),
        )
        return _need(next(iter(rows)))

    async def _one(self, where: str, args: tuple[object, ...]) -> Need | None:
        """The need matching `where` (a condition on the needs table), if any."""
        async with await fetched(self.conn, f"SELECT * FROM needs WHERE {where}", args) as cur:  # noqa: S608
            row = await cur.fetchone()
        return _need(row) if row else None

    async def get(self, need_id: int) -> Need | None:
        return await self._one("id = ?", (need_id,))

    async def by_number(self, chat_id: int, number: int) -> Need | None:
        return await self._one("chat_id = ? AND number = ?", (chat_id, number))

    async def by_message(self, chat_id: int, message_id: int) -> Need | None:
        return await self._one("chat_id = ? AND message_id = ?", (chat_id, message_id))

    async def by_bot_message(self, chat_id: int, bot_message_id: int) -> Need | None:
        """The need whose card this is; None also when the message combines several cards."""
        found = await self.on_card(chat_id, bot_message_id)
        return found[0] if len(found) == 1 else None

    async def on_card(self, chat_id: int, bot_message_id: int) -> list[Need]:
        """Every need announced in this bot message (several when confirmations were combined)."""
        async with await fetched(self.conn,
            "SELECT * FROM needs WHERE chat_id = ? AND bot_message_id = ? ORDER BY number", (chat_id, bot_message_id)
        ) as cur:
            return [_need(row) for row in await cur.fetchall()]

    async def unannounced(self, since: datetime) -> list[Need]:
        """Open needs registered since then whose card was never sent (nor their topic opened)."""
        async with await fetched(self.conn,
            "SELECT * FROM needs WHERE bot_message_id IS NULL AND topic_id IS NULL AND status = 'open' "
            "AND created_at >= ? ORDER BY id", (to_db_time(since),)
        ) as cur:
            return [_need(row) for row in await cur.fetchall()]

    async def in_chat(self, chat_id: int, open_only: bool, limit: int = 200, offset: int = 0) -> list[Need]:
        sql = "SELECT * FROM needs WHERE chat_id = ?" + (" AND status = 'open'" if open_only else "")
        async with await fetched(self.conn, sql + " ORDER BY number LIMIT ? OFFSET ?", (chat_id, limit, offset)) as cur:
            return [_need(row) for row in await cur.fetchall()]

    async def count_in_chat(self, chat_id: int, open_only: bool) -> int:
        sql = "SELECT COUNT(*) FROM needs WHERE chat_id = ?" + (" AND status = 'open'" if open_only else "")
        async with await fetched(self.conn, sql, (chat_id,)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def set_topic(self, need_id: int, topic_id: int) -> None:
        await self.conn.execute("UPDATE needs SET topic_id = ? WHERE id = ?", (topic_id, need_id))

    async def by_topic(self, chat_id: int, topic_id: int) -> Need | None:
        return await self._one("chat_id = ? AND topic_id = ?", (chat_id, topic_id))

    async def set_bot_message(self, need_id: int, bot_message_id: int) -> None:
        await self.conn.execute(
            "UPDATE needs SET bot_message_id = ? WHERE id = ?", (bot_message_id, need_id)
        )

    async def resolve(self, need_id: int, at: datetime) -> bool:
        cur = await self.conn.execute(
            "UPDATE needs SET status = 'resolved', resolved_at = ? WHERE id = ? AND status = 'open'",
            (to_db_time(at), need_id),
        )
        return cur.rowcount == 1

    # routes ------------------------------------------------------------------------------

    async def add_route(self, need_id: int, party_id: str, role: str, score: float, source: str,
                        at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO routes (need_id, party_id, role, score, source, active, created_at)"
            " VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT(need_id, party_id) DO UPDATE SET"
            " role = excluded.role, score = excluded.score, source = excluded.source, active = 1",
            (need_id, party_id, role, score, source, to_db_time(at)),
        )

    async def deactivate_route(self, need_id: int, party_id: str) -> None:
        await self.conn.execute(
            "UPDATE routes SET active = 0 WHERE need_id = ? AND party_id = ?", (need_id, party_id)
        )

    async def routes(self, need_id: int) -> list[Route]:
        async with await fetched(self.conn,
            "SELECT * FROM routes WHERE need_id = ? ORDER BY active DESC, role DESC, score DESC",
            (need_id,),
        ) as cur:
            return [
                Route(r["need_id"], r["party_id"], r["role"], r["score"], r["source"], bool(r["active"]))
                for r in await cur.fetchall()
            ]

    # claims ------------------------------------------------------------------------------

    async def add_claim(self, need_id: int, party_id: str, user_id: int, at: datetime) -> bool:
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO claims (need_id, party_id, user_id, claimed_at) VALUES (?, ?, ?, ?)",
            (need_id, party_id, user_id, to_db_time(at)),
        )
        return cur.rowcount == 1

    async def claims(self, need_id: int) -> list[Claim]:
        async with await fetched(self.conn,
            "SELECT * FROM claims WHERE need_id = ? ORDER BY claimed_at", (need_id,)
        ) as cur:
            return [
                Claim(r["need_id"], r["party_id"], r["user_id"], from_db_time(r["claimed_at"]))  # type: ignore[arg-type]
                for r in await cur.fetchall()
            ]

    # commitments -------------------------------------------------------------------------

    async def add_commitment(self, *, need_id: int, party_id: str, user_id: int, text: str,
                             due_date: date | None, at: datetime, message_id: int | None) -> Commitment:
        cur = await self.conn.execute(
            "INSERT INTO commitments (need_id, party_id, user_id, text, due_date, created_at, message_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (need_id, party_id, user_id, text, due_date.isoformat() if due_date else None,
             to_db_time(at), message_id),
        )
        commitment = await self.commitment(int(cur.lastrowid or 0))
        assert commitment is not None
        return commitment

    async def commitment(self, commitment_id: int) -> Commitment | None:
        async with await fetched(self.conn, "SELECT * FROM commitments WHERE id = ?", (commitment_id,)) as cur:
            row = await cur.fetchone()
        return _commitment(row) if row else None

    async def commitments(self, need_id: int) -> list[Commitment]:
        async with await fetched(self.conn,
            "SELECT * FROM commitments WHERE need_id = ? ORDER BY id", (need_id,)
        ) as cur:
            return [_commitment(r) for r in await cur.fetchall()]

    async def mark_done(self, commitment_id: int, at: datetime, by: int) -> bool:
        """Kept and confirmed at once (an admin's /done): open or reported → done."""
        cur = await self.conn.execute(
            "UPDATE commitments SET status = 'done', done_at = ?, reported_at = COALESCE(reported_at, ?),"
            " reported_by = COALESCE(reported_by, ?), confirmed_by = ?"
            " WHERE id = ? AND status IN ('open', 'reported')",
            (to_db_time(at), to_db_time(at), by, by, commitment_id),
        )
        return cur.rowcount == 1

    async def mark_reported(self, commitment_id: int, at: datetime, by: int) -> bool:
        """The liaison says it is kept: open → reported, awaiting the need author's confirmation."""
        cur = await self.conn.execute(
            "UPDATE commitments SET status = 'reported', reported_at = ?, reported_by = ?"
            " WHERE id = ? AND status = 'open'",
            (to_db_time(at), by, commitment_id),
        )
        return cur.rowcount == 1

    async def confirm(self, commitment_id: int, at: datetime, by: int) -> bool:
        cur = await self.conn.execute(
            "UPDATE commitments SET status = 'done', done_at = ?, confirmed_by = ?"
            " WHERE id = ? AND status = 'reported'",
            (to_db_time(at), by, commitment_id),
        )
        return cur.rowcount == 1

    async def reopen(self, commitment_id: int) -> bool:
        """A report the need's author disputes: reported → open again."""
        cur = await self.conn.execute(
            "UPDATE commitments SET status = 'open', reported_at = NULL, reported_by = NULL"
            " WHERE id = ? AND status = 'reported'", (commitment_id,),
        )
        return cur.rowcount == 1

    async def cancel(self, commitment_id: int, at: datetime, by: int) -> bool:
        cur = await self.conn.execute(
            "UPDATE commitments SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?"
            " WHERE id = ? AND status IN ('open', 'reported')",
            (to_db_time(at), by, commitment_id),
        )
        return cur.rowcount == 1

    async def set_report_message(self, commitment_id: int, message_id: int) -> None:
        await self.conn.execute(
            "UPDATE commitments SET report_message_id = ? WHERE id = ?", (message_id, commitment_id)
        )

    async def open_commitments(self, chat_id: int | None = None) -> list[tuple[Need, Commitment]]:
        """Commitments still owed (open or reported), in every chat or one."""
        where = " AND n.chat_id = ?" if chat_id is not None else ""
        async with await fetched(self.conn,
            "SELECT c.* FROM commitments c JOIN needs n ON n.id = c.need_id"
            " WHERE c.status IN ('open', 'reported')" + where + " ORDER BY c.id",
            (chat_id,) if chat_id is not None else (),
        ) as cur:
            rows = await cur.fetchall()
        return [(await self._need_of(row), _commitment(row)) for row in rows]

    async def all_commitments(self, chat_id: int | None = None) -> list[Commitment]:
        if chat_id is None:
            sql, args = "SELECT * FROM commitments ORDER BY id", []
        else:
            sql = ("SELECT c.* FROM commitments c JOIN needs n ON n.id = c.need_id WHERE n.chat_id = ?"
                   " ORDER BY c.id")
            args = [chat_id]
        async with await fetched(self.conn, sql, args) as cur:
            return [_commitment(r) for r in await cur.fetchall()]

    async def claims_with_need_times(self, chat_id: int | None = None) -> list[tuple[Claim, datetime]]:
        """Every claim with the time its need was posted (for response times)."""
        where, args = (" WHERE n.chat_id = ?", [chat_id]) if chat_id is not None else ("", [])
        async with await fetched(self.conn,
            "SELECT c.*, n.created_at AS need_created FROM claims c JOIN needs n ON n.id = c.need_id" + where
            + " ORDER BY n.id", args,
        ) as cur:
            rows = await cur.fetchall()
        return [(Claim(r["need_id"], r["party_id"], r["user_id"], from_db_time(r["claimed_at"])),  # type: ignore[arg-type]
                 from_db_time(r["need_created"])) for r in rows]  # type: ignore[misc]

    async def open_routed_to(self, party_id: str, limit: int = 20) -> list[Need]:
        """Open needs routed (actively) to a party, newest first."""
        async with await fetched(self.conn,
            "SELECT n.* FROM needs n JOIN routes r ON r.need_id = n.id WHERE r.party_id = ? AND r.active = 1"
            " AND n.status = 'open' ORDER BY n.id DESC LIMIT ?", (party_id, limit),
        ) as cur:
            return [_need(r) for r in await cur.fetchall()]

    async def open_authored_by(self, user_id: int, limit: int = 20) -> list[Need]:
        async with await fetched(self.conn,
            "SELECT * FROM needs WHERE author_id = ? AND status = 'open' ORDER BY id DESC LIMIT ?", (user_id, limit),
        ) as cur:
            return [_need(r) for r in await cur.fetchall()]

    async def unclaimed_open_needs(self) -> list[Need]:
        """Open needs that no party has claimed yet."""
        async with await fetched(self.conn,
            "SELECT * FROM needs n WHERE n.status = 'open'"
            " AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.need_id = n.id) ORDER BY n.id"
        ) as cur:
            return [_need(r) for r in await cur.fetchall()]

    async def _need_of(self, row: aiosqlite.Row) -> Need:
        need = await self.get(row["need_id"])
        assert need is not None
        return need

    async def set_due_date(self, commitment_id: int, due: date) -> None:
        await self.conn.execute(
            "UPDATE commitments SET due_date = ? WHERE id = ?", (due.isoformat(), commitment_id)
        )

    async def overdue(self, chat_id: int, today: date) -> list[tuple[Need, Commitment]]:
        async with await fetched(self.conn,
            "SELECT c.*, n.chat_id AS n_chat FROM commitments c JOIN needs n ON n.id = c.need_id"
            " WHERE n.chat_id = ? AND c.status = 'open' AND c.due_date IS NOT NULL AND c.due_date < ?"
            " ORDER BY c.due_date, c.id",
            (chat_id, today.isoformat()),
        ) as cur:
            rows = await cur.fetchall()
        found = []
        for row in rows:
            need = await self.get(row["need_id"])
            assert need is not None
            found.append((need, _commitment(row)))
        return found

    async def undated_open(self, chat_id: int) -> list[tuple[Need, Commitment]]:
        async with await fetched(self.conn,
            "SELECT c.* FROM commitments c JOIN needs n ON n.id = c.need_id"
            " WHERE n.chat_id = ? AND c.status = 'open' AND c.due_date IS NULL ORDER BY c.id",
            (chat_id,),
        ) as cur:
            rows = await cur.fetchall()
        found = []
        for row in rows:
            need = await self.get(row["need_id"])
            assert need is not None
            found.append((need, _commitment(row)))
        return found

    async def set_prompt_message(self, commitment_id: int, message_id: int) -> None:
        await self.conn.execute(
            "UPDATE commitments SET prompt_message_id = ? WHERE id = ?", (message_id, commitment_id)
        )

    async def commitment_by_prompt(self, chat_id: int, message_id: int) -> Commitment | None:
        async with await fetched(self.conn,
            "SELECT c.* FROM commitments c JOIN needs n ON n.id = c.need_id"
            " WHERE n.chat_id = ? AND c.prompt_message_id = ?", (chat_id, message_id)
        ) as cur:
            row = await cur.fetchone()
        return _commitment(row) if row else None

    # corrections -------------------------------------------------------------------------

    async def add_correction(self, *, need_id: int, text: str, from_party: str | None,
                             to_party: str, kind: str, actor_id: int, at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO corrections (need_id, text, from_party, to_party, kind, actor_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (need_id, text, from_party, to_party, kind, actor_id, to_db_time(at)),
        )

    async def corrections(self) -> list[tuple[str, str]]:
        """(text, party id) labelled examples for the router."""
        async with await fetched(self.conn, "SELECT text, to_party FROM corrections ORDER BY id") as cur:
            return [(r["text"], r["to_party"]) for r in await cur.fetchall()]

