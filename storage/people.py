"""Users, their bindings to parties, join requests, and the chats the bot serves."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain import Binding, JoinRequest, Person
from storage._util import fetched, to_db_time


class PeopleRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.bindings_changed = False  # bind/forget ran: whoever caches bindings must forget them

    async def remember(self, person: Person, at: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO users (user_id, display_name, username, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET display_name = excluded.display_name,"
            " username = excluded.username, updated_at = excluded.updated_at",
            (person.user_id, person.display_name, person.username, to_db_time(at)),
        )

    async def person(self, user_id: int) -> Person | None:
        async with await fetched(self.conn,
            "SELECT user_id, display_name, username FROM users WHERE user_id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        return Person(row["user_id"], row["display_name"], row["username"]) if row else None

    async def persons(self, user_ids: list[int]) -> dict[int, Person]:
        """The people known among these ids, in one query."""
        if not user_ids:
            return {}
        marks = ",".join("?" * len(user_ids))
        async with await fetched(self.conn, "SELECT user_id, display_name, username FROM users"
                                 f" WHERE user_id IN ({marks})", user_ids) as cur:  # noqa: S608
            return {row["user_id"]: Person(row["user_id"], row["display_name"], row["username"])
                    for row in await cur.fetchall()}

    async def bind(self, user_id: int, party_id: str, bound_by: int | None, at: datetime) -> None:
        self.bindings_changed = True
        await self.conn.execute(
            "INSERT INTO bindings (user_id, party_id, bound_by, bound_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET party_id = excluded.party_id,"
            " bound_by = excluded.bound_by, bound_at = excluded.bound_at",
            (user_id, party_id, bound_by, to_db_time(at)),
        )

    async def all_bindings(self) -> dict[int, str]:
        """Everyone bound to a party (a few dozen liaisons and members): user id → party id."""
        async with await fetched(self.conn, "SELECT user_id, party_id FROM bindings") as cur:
            return {row["user_id"]: row["party_id"] for row in await cur.fetchall()}

    async def binding(self, user_id: int) -> Binding | None:
        async with await fetched(self.conn,
            "SELECT user_id, party_id FROM bindings WHERE user_id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        return Binding(row["user_id"], row["party_id"]) if row else None

    async def liaisons_of(self, party_ids: list[str]) -> dict[str, list[Person]]:
        """Bound people of each party, with their display names where we know them."""
        if not party_ids:
            return {}
        marks = ",".join("?" * len(party_ids))
        sql = (
            "SELECT b.party_id, b.user_id, COALESCE(u.display_name, CAST(b.user_id AS TEXT)) AS name,"
            f" u.username FROM bindings b LEFT JOIN users u ON u.user_id = b.user_id"
            f" WHERE b.party_id IN ({marks}) ORDER BY b.bound_at"
        )
        found: dict[str, list[Person]] = {p: [] for p in party_ids}
        async with await fetched(self.conn, sql, party_ids) as cur:
            for row in await cur.fetchall():
                found[row["party_id"]].append(Person(row["user_id"], row["name"], row["username"]))
        return found

    async def add_join_request(self, user_id: int, party_id: str, chat_id: int, at: datetime) -> int:
        cur = await self.conn.execute(
            "INSERT INTO join_requests (user_id, party_id, chat_id, created_at) VALUES (?, ?, ?, ?)",
            (user_id, party_id, chat_id, to_db_time(at)),
        )
        return int(cur.lastrowid or 0)

    async def pending_join_request(self, user_id: int, party_id: str) -> JoinRequest | None:
        async with await fetched(self.conn,
            "SELECT * FROM join_requests WHERE user_id = ? AND party_id = ? AND status = 'pending'",
            (user_id, party_id),
        ) as cur:
            row = await cur.fetchone()
        return _join(row) if row else None

    async def join_request(self, request_id: int) -> JoinRequest | None:
        async with await fetched(self.conn, "SELECT * FROM join_requests WHERE id = ?", (request_id,)) as cur:
            row = await cur.fetchone()
        return _join(row) if row else None

    async def decide_join_request(self, request_id: int, status: str, by: int, at: datetime) -> bool:
        cur = await self.conn.execute(
            "UPDATE join_requests SET status = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND status = 'pending'",
            (status, by, to_db_time(at), request_id),
        )
        return cur.rowcount == 1

    # chats -------------------------------------------------------------------------------

    async def served_chats(self) -> list[int]:
        async with await fetched(self.conn, "SELECT chat_id FROM chats WHERE served = 1 ORDER BY chat_id") as cur:
            return [row[0] for row in await cur.fetchall()]

    async def is_served(self, chat_id: int) -> bool:
        async with await fetched(self.conn, "SELECT served FROM chats WHERE chat_id = ?", (chat_id,)) as cur:
            row = await cur.fetchone()
        return bool(row and row["served"])

    async def serve(self, chat_id: int, title: str | None, by: int, at: datetime) -> bool:
        """Mark a chat served; True when it was not served before."""
        was = await self.is_served(chat_id)
        await self.conn.execute(
            "INSERT INTO chats (chat_id, title, served, added_by, added_at) VALUES (?, ?, 1, ?, ?)"
            " ON CONFLICT(chat_id) DO UPDATE SET served = 1, title = excluded.title",
            (chat_id, title, by, to_db_time(at)),
        )
        return not was

    async def forget(self, user_id: int) -> dict[str, int]:
        """Remove a person's identifying data; what they did stays, anonymised (user id 0, no name).
        Returns how many rows of each kind were touched."""
        self.bindings_changed = True
        touched: dict[str, int] = {}
        statements = {
            "users": ("DELETE FROM users WHERE user_id = ?", (user_id,)),
            "bindings": ("DELETE FROM bindings WHERE user_id = ?", (user_id,)),
            "join_requests": ("DELETE FROM join_requests WHERE user_id = ?", (user_id,)),
            "needs": ("UPDATE needs SET author_id = NULL, author_name = '' WHERE author_id = ?", (user_id,)),
            "claims": ("UPDATE claims SET user_id = 0 WHERE user_id = ?", (user_id,)),
            "commitments": ("UPDATE commitments SET user_id = 0,"
                            " reported_by = CASE WHEN reported_by = ?1 THEN 0 ELSE reported_by END"
                            " WHERE user_id = ?1 OR reported_by = ?1", (user_id,)),
            "extension_requests": ("UPDATE extension_requests"
                                   " SET requested_by = CASE WHEN requested_by = ?1 THEN 0 ELSE requested_by END,"
                                   " decided_by = CASE WHEN decided_by = ?1 THEN NULL ELSE decided_by END"
                                   " WHERE requested_by = ?1 OR decided_by = ?1", (user_id,)),
            "agreements": ("UPDATE agreements SET actor_id = NULL WHERE actor_id = ?", (user_id,)),
            "agreement_offers": ("UPDATE agreement_offers SET user_id = 0 WHERE user_id = ?", (user_id,)),
            "events": ("UPDATE events SET actor_id = NULL WHERE actor_id = ?", (user_id,)),
            "event_details": ("UPDATE events SET detail = json_set(detail, '$.user_id', 0)"
                              " WHERE json_extract(detail, '$.user_id') = ?", (user_id,)),
        }
        for name, (sql, args) in statements.items():
            cursor = await self.conn.execute(sql, args)
            touched[name] = cursor.rowcount
        return touched

    async def chat_titles(self) -> dict[int, str]:
        async with await fetched(self.conn, "SELECT chat_id, title FROM chats") as cur:
            return {row[0]: row[1] or str(row[0]) for row in await cur.fetchall()}

    async def unserve(self, chat_id: int) -> None:
        await self.conn.execute("UPDATE chats SET served = 0 WHERE chat_id = ?", (chat_id,))


def _join(row: aiosqlite.Row) -> JoinRequest:
    return JoinRequest(row["id"], row["user_id"], row["party_id"], row["chat_id"], row["status"])
