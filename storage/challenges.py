"""揭榜 challenges and their bids (see 012_matchmaking.sql)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import aiosqlite

from bot.domain.offers import Bid, Challenge, ChallengeStatus
from storage._util import fetched, from_db_date, from_db_time, to_db_time


def _challenge(row: sqlite3.Row) -> Challenge:
    deadline = from_db_date(row["deadline"])
    assert deadline is not None
    return Challenge(id=row["id"], need_id=row["need_id"], deadline=deadline,
                     status=ChallengeStatus(row["status"]), picked_bid=row["picked_bid"],
                     decided_by=row["decided_by"], decided_at=from_db_time(row["decided_at"]),
                     created_by=row["created_by"], created_at=from_db_time(row["created_at"]),
                     message_id=row["message_id"])


def _bid(row: sqlite3.Row) -> Bid:
    return Bid(id=row["id"], challenge_id=row["challenge_id"], user_id=row["user_id"], plan=row["plan"],
               party_id=row["party_id"], created_at=from_db_time(row["created_at"]))


class ChallengeRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, need_id: int, deadline: date, created_by: int | None, at: datetime) -> Challenge | None:
        """The challenge, or None when the need is one already."""
        cur = await self.conn.execute(
            "INSERT INTO challenges (need_id, deadline, created_by, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (need_id) DO NOTHING", (need_id, deadline.isoformat(), created_by, to_db_time(at)))
        return await self.get(cur.lastrowid or 0) if cur.rowcount == 1 else None

    async def get(self, challenge_id: int) -> Challenge | None:
        async with await fetched(self.conn, "SELECT * FROM challenges WHERE id = ?", (challenge_id,)) as cur:
            row = await cur.fetchone()
        return _challenge(row) if row else None

    async def of_need(self, need_id: int) -> Challenge | None:
        async with await fetched(self.conn, "SELECT * FROM challenges WHERE need_id = ?", (need_id,)) as cur:
            row = await cur.fetchone()
        return _challenge(row) if row else None

    async def open(self) -> list[Challenge]:
        async with await fetched(self.conn, "SELECT * FROM challenges WHERE status = 'open' ORDER BY id") as cur:
            return [_challenge(r) for r in await cur.fetchall()]

    async def set_message(self, challenge_id: int, message_id: int) -> None:
        await self.conn.execute("UPDATE challenges SET message_id = ? WHERE id = ?", (message_id, challenge_id))

    async def decide(self, challenge_id: int, bid_id: int | None, by: int | None, at: datetime) -> bool:
        """The author's pick (a bid, or None: none of them), once."""
        status = ChallengeStatus.PICKED if bid_id is not None else ChallengeStatus.NONE
        cur = await self.conn.execute(
            "UPDATE challenges SET status = ?, picked_bid = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND status = 'open'", (status.value, bid_id, by, to_db_time(at), challenge_id))
        return cur.rowcount == 1

    async def bid(self, challenge_id: int, user_id: int, party_id: str | None, plan: str,
                  at: datetime) -> Bid | None:
        """The bid, or None when this person bid on it already."""
        cur = await self.conn.execute(
            "INSERT INTO bids (challenge_id, user_id, party_id, plan, created_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (challenge_id, user_id) DO NOTHING",
            (challenge_id, user_id, party_id, plan, to_db_time(at)))
        if cur.rowcount != 1:
            return None
        async with await fetched(self.conn, "SELECT * FROM bids WHERE id = ?", (cur.lastrowid,)) as found:
            row = await found.fetchone()
        return _bid(row) if row else None

    async def bids(self, challenge_id: int) -> list[Bid]:
        async with await fetched(self.conn, "SELECT * FROM bids WHERE challenge_id = ? ORDER BY id",
                                 (challenge_id,)) as cur:
            return [_bid(r) for r in await cur.fetchall()]

    async def bid_of(self, challenge_id: int, user_id: int) -> Bid | None:
        async with await fetched(self.conn, "SELECT * FROM bids WHERE challenge_id = ? AND user_id = ?",
                                 (challenge_id, user_id)) as cur:
            row = await cur.fetchone()
        return _bid(row) if row else None

    async def add_prompt(self, chat_id: int, message_id: int, challenge_id: int, user_id: int) -> None:
        """The bot asked this person for their plan in this message (013_challenge_prompts.sql)."""
        await self.conn.execute("INSERT OR REPLACE INTO challenge_prompts (chat_id, message_id, challenge_id, user_id)"
                                " VALUES (?, ?, ?, ?)", (chat_id, message_id, challenge_id, user_id))

    async def prompted(self, chat_id: int, message_id: int) -> tuple[int, int] | None:
        """(challenge, the person asked) when this bot message asked someone for a plan."""
        async with await fetched(self.conn, "SELECT challenge_id, user_id FROM challenge_prompts"
                                 " WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)) as cur:
            row = await cur.fetchone()
        return (int(row[0]), int(row[1])) if row else None
