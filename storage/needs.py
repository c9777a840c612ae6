"""Needs: registered, numbered per chat, announced by a card, resolved."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.domain import Need
from storage import rows
from storage._util import fetched, to_db_time

# what the desks list and count: a party's open needs (routed to it, actively), a person's open needs
_OPEN_ROUTED_TO = "status = 'open' AND id IN (SELECT need_id FROM routes WHERE party_id = ? AND active = 1)"
_OPEN_AUTHORED_BY = "author_id = ? AND status = 'open'"


class NeedRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, *, chat_id: int, author_id: int | None, author_name: str, message_id: int | None,
                  text: str, need_type: str, at: datetime) -> Need | None:
        """The new need, numbered #1..N per chat in the same statement (one trip to SQLite's thread, not three);
        None when this message was registered before."""
        found = await self.conn.execute_fetchall(
            "INSERT INTO needs (chat_id, number, author_id, author_name, message_id, text, need_type, created_at)"
            " VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM needs WHERE chat_id = ?), ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id, message_id) WHERE message_id IS NOT NULL DO NOTHING RETURNING *",
            (chat_id, chat_id, author_id, author_name, message_id, text, need_type, to_db_time(at)),
        )
        return next((rows.need(row) for row in found), None)

    async def _where(self, where: str, args: tuple[object, ...], tail: str = "") -> list[Need]:
        """The needs matching ``where`` (a condition on the needs table)."""
        async with await fetched(self.conn, f"SELECT * FROM needs WHERE {where}{tail}", args) as cur:  # noqa: S608
            return [rows.need(row) for row in await cur.fetchall()]

    async def _one(self, where: str, args: tuple[object, ...]) -> Need | None:
        found = await self._where(where, args)
        return found[0] if found else None

    async def get(self, need_id: int) -> Need | None:
        return await self._one("id = ?", (need_id,))

    async def get_many(self, need_ids: Iterable[int]) -> dict[int, Need]:
        ids = list(dict.fromkeys(need_ids))
        if not ids:
            return {}
        return {n.id: n for n in await self._where(f"id IN ({rows.marks(ids)})", tuple(ids))}

    async def by_number(self, chat_id: int, number: int) -> Need | None:
        return await self._one("chat_id = ? AND number = ?", (chat_id, number))

    async def by_topic(self, chat_id: int, topic_id: int) -> Need | None:
        return await self._one("chat_id = ? AND topic_id = ?", (chat_id, topic_id))

    async def by_bot_message(self, chat_id: int, bot_message_id: int) -> Need | None:
        """The need whose card this is; None also when the message combines several cards."""
        found = await self.on_card(chat_id, bot_message_id)
        return found[0] if len(found) == 1 else None

    async def on_card(self, chat_id: int, bot_message_id: int) -> list[Need]:
        """Every need announced in this bot message (several when confirmations were combined)."""
        return await self._where("chat_id = ? AND bot_message_id = ?", (chat_id, bot_message_id), " ORDER BY number")

    async def unannounced(self, since: datetime) -> list[Need]:
        """Open needs registered since then whose card was never sent (nor their topic opened)."""
        return await self._where("bot_message_id IS NULL AND topic_id IS NULL AND status = 'open' AND created_at >= ?",
                                 (to_db_time(since),), " ORDER BY id")

    async def in_chat(self, chat_id: int, open_only: bool, limit: int = 200, offset: int = 0) -> list[Need]:
        where = "chat_id = ?" + (" AND status = 'open'" if open_only else "")
        return await self._where(where, (chat_id, limit, offset), " ORDER BY number LIMIT ? OFFSET ?")

    async def count_in_chat(self, chat_id: int, open_only: bool) -> int:
        sql = "SELECT COUNT(*) FROM needs WHERE chat_id = ?" + (" AND status = 'open'" if open_only else "")
        async with await fetched(self.conn, sql, (chat_id,)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def open_by(self, chat_id: int, author_id: int, limit: int = 20) -> list[Need]:
        """The author's open needs in a chat, newest first."""
        return await self._where("chat_id = ? AND author_id = ? AND status = 'open'", (chat_id, author_id, limit),
                                 " ORDER BY id DESC LIMIT ?")

    async def open_routed_to(self, party_id: str, limit: int = 20) -> list[Need]:
        """Open needs routed (actively) to a party, newest first."""
        return await self._where(_OPEN_ROUTED_TO, (party_id, limit), " ORDER BY id DESC LIMIT ?")

    async def count_open(self, routed_to: str | None = None, authored_by: int | None = None) -> int:
        """How many open needs are routed (actively) to a party, or were posted by a person."""
        args: tuple[object, ...]
        if routed_to is not None:
            where, args = _OPEN_ROUTED_TO, (routed_to,)
        else:
            where, args = _OPEN_AUTHORED_BY, (authored_by,)
        async with await fetched(self.conn, f"SELECT COUNT(*) FROM needs WHERE {where}", args) as cur:  # noqa: S608
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def open_authored_by(self, user_id: int, limit: int = 20) -> list[Need]:
        return await self._where(_OPEN_AUTHORED_BY, (user_id, limit), " ORDER BY id DESC LIMIT ?")

    async def unclaimed_open(self) -> list[Need]:
        """Open needs that no party has claimed yet."""
        return await self._where("status = 'open' AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.need_id = needs.id)",
                                 (), " ORDER BY id")

    async def set_topic(self, need_id: int, topic_id: int) -> None:
        await self.conn.execute("UPDATE needs SET topic_id = ? WHERE id = ?", (topic_id, need_id))

    async def set_bot_message(self, need_id: int, bot_message_id: int) -> None:
        await self.conn.execute("UPDATE needs SET bot_message_id = ? WHERE id = ?", (bot_message_id, need_id))

    async def withdraw(self, need_id: int, by: int | None, at: datetime) -> bool:
        """Not a need after all: out of the funnel, lists and reports (kept for the audit)."""
        cur = await self.conn.execute(
            "UPDATE needs SET status = 'withdrawn', resolved_at = ?, withdrawn_by = ? WHERE id = ? AND status = 'open'",
            (to_db_time(at), by, need_id))
        return cur.rowcount == 1

    async def resolve(self, need_id: int, at: datetime) -> bool:
        cur = await self.conn.execute(
            "UPDATE needs SET status = 'resolved', resolved_at = ? WHERE id = ? AND status = 'open'",
            (to_db_time(at), need_id))
        return cur.rowcount == 1

    async def reopen(self, need_id: int) -> bool:
        """重办: a resolved need its author says is not solved is open again."""
        cur = await self.conn.execute(
            "UPDATE needs SET status = 'open', resolved_at = NULL WHERE id = ? AND status = 'resolved'", (need_id,))
        return cur.rowcount == 1

    async def every(self, chat_id: int | None = None) -> list[Need]:
        """Every need that is one (withdrawn ones are not), in one chat or all."""
        if chat_id is None:
            return await self._where("status != 'withdrawn'", (), " ORDER BY id")
        return await self._where("chat_id = ? AND status != 'withdrawn'", (chat_id,), " ORDER BY id")

    async def open_texts(self, chat_id: int | None, excluding_authors: Iterable[int] = ()) -> list[tuple[int, str]]:
        """(id, text) of the open needs of one chat (None: every chat), oldest first, leaving out those these people
        posted: what a new need may say the same as (duplicates), what a new offer may fit (matching)."""
        where, args = ("status = 'open'", []) if chat_id is None else ("status = 'open' AND chat_id = ?", [chat_id])
        skip = list(excluding_authors)
        if skip:
            where += f" AND (author_id IS NULL OR author_id NOT IN ({rows.marks(skip)}))"
            args.extend(skip)
        async with await fetched(self.conn, f"SELECT id, text FROM needs WHERE {where} ORDER BY id", args) as cur:  # noqa: S608
            return [(r["id"], r["text"]) for r in await cur.fetchall()]
