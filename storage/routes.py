"""Who a need is routed to (lead, assisting parties), who claimed it, and the router's corrections."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar

import aiosqlite

from bot.domain import Claim, Route
from storage import rows
from storage._util import fetched, from_db_time, to_db_time

T = TypeVar("T")
_UPSERT_ROUTE = ("INSERT INTO routes (need_id, party_id, role, score, source, active, created_at)"
                 " VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT(need_id, party_id) DO UPDATE SET"
                 " role = excluded.role, score = excluded.score, source = excluded.source, active = 1")


async def _by_need(conn: aiosqlite.Connection, table: str, need_ids: Iterable[int], order: str,
                   record: Callable[[sqlite3.Row], T]) -> dict[int, list[T]]:
    """The rows of ``table`` of each of these needs, in one query, grouped by need and ordered by ``order``."""
    ids = list(dict.fromkeys(need_ids))
    found: dict[int, list[T]] = defaultdict(list)
    if ids:
        async with await fetched(conn, f"SELECT * FROM {table} WHERE need_id IN ({rows.marks(ids)})"  # noqa: S608
                                 f" ORDER BY need_id, {order}", ids) as cur:
            for row in await cur.fetchall():
                found[row["need_id"]].append(record(row))
    return found


class RouteRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, need_id: int, party_id: str, role: str, score: float, source: str, at: datetime) -> None:
        await self.conn.execute(_UPSERT_ROUTE, (need_id, party_id, role, score, source, to_db_time(at)))

    async def add_many(self, routes: Sequence[Route], at: datetime) -> None:
        """Several routes in one trip (a new need's targets)."""
        if routes:
            await self.conn.executemany(_UPSERT_ROUTE, [(r.need_id, r.party_id, r.role, r.score, r.source,
                                                         to_db_time(at)) for r in routes])

    async def remove_if(self, need_id: int, party_id: str, source: str, at: datetime) -> bool:
        """Take back a route added at ``at`` from ``source`` (a promise undone takes back the assisting route it
        added)."""
        cur = await self.conn.execute("DELETE FROM routes WHERE need_id = ? AND party_id = ? AND source = ?"
                                      " AND created_at = ?", (need_id, party_id, source, to_db_time(at)))
        return cur.rowcount == 1

    async def deactivate(self, need_id: int, party_id: str) -> None:
        await self.conn.execute("UPDATE routes SET active = 0 WHERE need_id = ? AND party_id = ?", (need_id, party_id))

    async def of_need(self, need_id: int) -> list[Route]:
        return (await self.of_needs([need_id])).get(need_id, [])

    async def of_needs(self, need_ids: Iterable[int]) -> dict[int, list[Route]]:
        """Every need's routes (active first, then lead before assist, best score first), in one query."""
        return await _by_need(self.conn, "routes", need_ids, "active DESC, role DESC, score DESC", rows.route)


class ClaimRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, need_id: int, party_id: str, user_id: int, at: datetime) -> bool:
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO claims (need_id, party_id, user_id, claimed_at) VALUES (?, ?, ?, ?)",
            (need_id, party_id, user_id, to_db_time(at)))
        return cur.rowcount == 1

    async def remove_if(self, need_id: int, party_id: str, user_id: int, at: datetime) -> bool:
        """Take back a claim made at ``at`` by this person (a promise undone takes back the claim it made)."""
        cur = await self.conn.execute("DELETE FROM claims WHERE need_id = ? AND party_id = ? AND user_id = ?"
                                      " AND claimed_at = ?", (need_id, party_id, user_id, to_db_time(at)))
        return cur.rowcount == 1

    async def of_need(self, need_id: int) -> list[Claim]:
        return (await self.of_needs([need_id])).get(need_id, [])

    async def of_needs(self, need_ids: Iterable[int]) -> dict[int, list[Claim]]:
        return await _by_need(self.conn, "claims", need_ids, "claimed_at", rows.claim)

    async def promise_counts(self, need_ids: Iterable[int]) -> dict[int, dict[str, int]]:
        """How many promises (not withdrawn) each party made on each of these needs, in one query: what a
        party's claim came to, shown beside it."""
        ids = list(dict.fromkeys(need_ids))
        found: dict[int, dict[str, int]] = defaultdict(dict)
        if ids:
            async with await fetched(self.conn, "SELECT need_id, party_id, COUNT(*) FROM commitments"  # noqa: S608
                                     f" WHERE status != 'cancelled' AND need_id IN ({rows.marks(ids)})"
                                     " GROUP BY need_id, party_id", ids) as cur:
                for need_id, party_id, count in await cur.fetchall():
                    found[need_id][party_id] = count
        return found

    async def with_need_times(self, chat_id: int | None = None) -> list[tuple[Claim, datetime]]:
        """Every claim with the time its need was posted (for response times)."""
        where, args = (" AND n.chat_id = ?", [chat_id]) if chat_id is not None else ("", [])
        async with await fetched(self.conn,
            "SELECT c.*, n.created_at AS need_created FROM claims c JOIN needs n ON n.id = c.need_id"
            " WHERE n.status != 'withdrawn'" + where
            + " ORDER BY n.id", args,
        ) as cur:
            found = await cur.fetchall()
        return [(rows.claim(r), from_db_time(r["need_created"])) for r in found]  # type: ignore[misc]


class CorrectionRepo:
    """What admins and liaisons changed about the router's choice: labelled examples for the router."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, *, need_id: int, text: str, from_party: str | None, to_party: str, kind: str,
                  actor_id: int, at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO corrections (need_id, text, from_party, to_party, kind, actor_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", (need_id, text, from_party, to_party, kind, actor_id, to_db_time(at)))

    async def all(self) -> list[tuple[str, str]]:
        """(text, party id) labelled examples for the router."""
        async with await fetched(self.conn, "SELECT text, to_party FROM corrections ORDER BY id") as cur:
            return [(r["text"], r["to_party"]) for r in await cur.fetchall()]
