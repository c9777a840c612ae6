"""Agreements (the outcomes of matchmaking) and the announcements the bot offered to record."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from bot.domain import Agreement, AgreementOffer
from storage._util import fetched, from_db_time, to_db_time


def _agreement(row: aiosqlite.Row) -> Agreement:
    return Agreement(id=row["id"], need_id=row["need_id"], kind=row["kind"], amount_yuan=row["amount_yuan"],
                     parties=tuple(json.loads(row["parties"])), text=row["text"], actor_id=row["actor_id"],
                     created_at=from_db_time(row["created_at"]))  # type: ignore[arg-type]


def _offer(row: aiosqlite.Row) -> AgreementOffer:
    return AgreementOffer(id=row["id"], need_id=row["need_id"], user_id=row["user_id"], text=row["text"],
                          message_id=row["message_id"], agreement_id=row["agreement_id"])


class AgreementRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, *, need_id: int, kind: str, amount_yuan: int | None, parties: list[str], text: str,
                  actor_id: int, at: datetime) -> Agreement:
        cur = await self.conn.execute(
            "INSERT INTO agreements (need_id, kind, amount_yuan, parties, text, actor_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (need_id, kind, amount_yuan, json.dumps(parties), text, actor_id, to_db_time(at)),
        )
        async with await fetched(self.conn, "SELECT * FROM agreements WHERE id = ?", (cur.lastrowid,)) as found:
            row = await found.fetchone()
        assert row is not None
        return _agreement(row)

    async def get(self, agreement_id: int) -> Agreement | None:
        async with await fetched(self.conn, "SELECT * FROM agreements WHERE id = ?", (agreement_id,)) as cur:
            row = await cur.fetchone()
        return _agreement(row) if row else None

    async def of_need(self, need_id: int) -> list[Agreement]:
        async with await fetched(self.conn, "SELECT * FROM agreements WHERE need_id = ? ORDER BY id",
                                 (need_id,)) as cur:
            return [_agreement(r) for r in await cur.fetchall()]

    async def in_chat(self, chat_id: int) -> list[Agreement]:
        async with await fetched(self.conn,
            "SELECT a.* FROM agreements a JOIN needs n ON n.id = a.need_id WHERE n.chat_id = ? ORDER BY a.id",
            (chat_id,),
        ) as cur:
            return [_agreement(r) for r in await cur.fetchall()]

    async def add_offer(self, *, need_id: int, user_id: int, text: str, message_id: int | None,
                        at: datetime) -> AgreementOffer:
        cur = await self.conn.execute(
            "INSERT INTO agreement_offers (need_id, user_id, text, message_id, created_at) VALUES (?, ?, ?, ?, ?)",
            (need_id, user_id, text, message_id, to_db_time(at)),
        )
        offer = await self.offer(int(cur.lastrowid or 0))
        assert offer is not None
        return offer

    async def offer(self, offer_id: int) -> AgreementOffer | None:
        async with await fetched(self.conn, "SELECT * FROM agreement_offers WHERE id = ?", (offer_id,)) as cur:
            row = await cur.fetchone()
        return _offer(row) if row else None

    async def open_offers(self, need_id: int) -> list[AgreementOffer]:
        """The offers on this need nobody has recorded yet."""
        async with await fetched(self.conn, "SELECT * FROM agreement_offers WHERE need_id = ? AND agreement_id IS NULL"
                                 " ORDER BY id", (need_id,)) as cur:
            return [_offer(r) for r in await cur.fetchall()]

    async def settle_offer(self, offer_id: int, agreement_id: int, need_id: int | None = None) -> bool:
        """The offer is recorded as this agreement (of ``need_id``, when the sender chose the need)."""
        cur = await self.conn.execute(
            "UPDATE agreement_offers SET agreement_id = ?, need_id = COALESCE(?, need_id)"
            " WHERE id = ? AND agreement_id IS NULL", (agreement_id, need_id, offer_id),
        )
        return cur.rowcount == 1
