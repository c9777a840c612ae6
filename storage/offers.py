"""The standing lists (offers) and the matches between needs and offers (see 012_matchmaking.sql)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date, datetime

import aiosqlite

from bot.domain.offer_lists import StarterOffer
from bot.domain.offers import Answer, Match, Offer, OfferKind, Side
from storage import rows
from storage._util import fetched, from_db_date, from_db_time, to_db_time
from storage.audit import AuditRepo
from storage.db import Database
from storage.parties import PartyRepo


def _offer(row: sqlite3.Row) -> Offer:
    return Offer(id=row["id"], party_id=row["party_id"], kind=OfferKind(row["kind"]), title=row["title"],
                 text=row["text"], place=row["place"], until=from_db_date(row["until"]), status=row["status"],
                 example=bool(row["example"]), created_by=row["created_by"],
                 created_at=from_db_time(row["created_at"]), updated_at=from_db_time(row["updated_at"]),
                 closed_at=from_db_time(row["closed_at"]))


def _match(row: sqlite3.Row) -> Match:
    return Match(id=row["id"], need_id=row["need_id"], offer_id=row["offer_id"], score=row["score"],
                 reason=row["reason"], origin=Side(row["origin"]),
                 need_answer=Answer(row["need_answer"]) if row["need_answer"] else None, need_by=row["need_by"],
                 offer_answer=Answer(row["offer_answer"]) if row["offer_answer"] else None,
                 offer_by=row["offer_by"], introduced_at=from_db_time(row["introduced_at"]),
                 message_id=row["message_id"], agreement_id=row["agreement_id"],
                 created_at=from_db_time(row["created_at"]))


class OfferRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, *, party_id: str, kind: OfferKind, title: str, text: str, place: str = "",
                  until: date | None = None, example: bool = False, created_by: int | None,
                  at: datetime) -> Offer:
        cur = await self.conn.execute(
            "INSERT INTO offers (party_id, kind, title, text, place, until, example, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (party_id, kind.value, title, text, place, until.isoformat() if until else None, int(example),
             created_by, to_db_time(at)))
        offer = await self.get(cur.lastrowid or 0)
        assert offer is not None
        return offer

    async def get(self, offer_id: int) -> Offer | None:
        async with await fetched(self.conn, "SELECT * FROM offers WHERE id = ?", (offer_id,)) as cur:
            row = await cur.fetchone()
        return _offer(row) if row else None

    async def many(self, offer_ids: Iterable[int]) -> dict[int, Offer]:
        ids = list(dict.fromkeys(offer_ids))
        if not ids:
            return {}
        async with await fetched(self.conn, f"SELECT * FROM offers WHERE id IN ({rows.marks(ids)})", ids) as cur:  # noqa: S608
            return {o.id: o for o in map(_offer, await cur.fetchall())}

    async def listed(self, *, kind: OfferKind | None = None, party_id: str | None = None, open_only: bool = True,
                     limit: int = 1000, offset: int = 0) -> list[Offer]:
        """Offers by id, newest last: of a kind, of a party, open ones only (by status; see Offer.current)."""
        where: list[str] = ["1 = 1"]
        args: list[object] = []
        if kind is not None:
            where.append("kind = ?")
            args.append(kind.value)
        if party_id is not None:
            where.append("party_id = ?")
            args.append(party_id)
        if open_only:
            where.append("status = 'open'")
        sql = f"SELECT * FROM offers WHERE {' AND '.join(where)} ORDER BY id LIMIT ? OFFSET ?"  # noqa: S608
        async with await fetched(self.conn, sql, (*args, limit, offset)) as cur:
            return [_offer(r) for r in await cur.fetchall()]

    async def update(self, offer_id: int, at: datetime, **fields: object) -> bool:
        """Change some of title, text, place, until (a date or None), kind, status; updated_at is set."""
        allowed = {"title", "text", "place", "until", "kind", "status", "example"}
        if not fields or set(fields) - allowed:
            raise ValueError(f"offer fields: {sorted(set(fields) - allowed)}")
        values = [v.isoformat() if isinstance(v, date) else (v.value if isinstance(v, OfferKind) else v)
                  for v in fields.values()]
        assigns = ", ".join(f"{name} = ?" for name in fields)
        cur = await self.conn.execute(f"UPDATE offers SET {assigns}, updated_at = ? WHERE id = ?",  # noqa: S608
                                      (*values, to_db_time(at), offer_id))
        return cur.rowcount == 1

    async def close(self, offer_id: int, at: datetime) -> bool:
        cur = await self.conn.execute(
            "UPDATE offers SET status = 'closed', closed_at = ?, updated_at = ? WHERE id = ? AND status = 'open'",
            (to_db_time(at), to_db_time(at), offer_id))
        return cur.rowcount == 1

    async def count(self) -> int:
        async with await fetched(self.conn, "SELECT COUNT(*) AS n FROM offers") as cur:
            row = await cur.fetchone()
        return int(row["n"]) if row else 0


class MatchRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, *, need_id: int, offer_id: int, score: float, reason: str, origin: Side,
                  at: datetime) -> Match | None:
        """The suggestion, or None when this pair was suggested before (answered or not: never again)."""
        cur = await self.conn.execute(
            "INSERT INTO matches (need_id, offer_id, score, reason, origin, created_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (need_id, offer_id) DO NOTHING",
            (need_id, offer_id, score, reason, origin.value, to_db_time(at)))
        if cur.rowcount != 1:
            return None
        return await self.get(cur.lastrowid or 0)

    async def get(self, match_id: int) -> Match | None:
        async with await fetched(self.conn, "SELECT * FROM matches WHERE id = ?", (match_id,)) as cur:
            row = await cur.fetchone()
        return _match(row) if row else None

    async def of_needs(self, need_ids: Iterable[int]) -> dict[int, list[Match]]:
        ids = list(dict.fromkeys(need_ids))
        if not ids:
            return {}
        found: dict[int, list[Match]] = {}
        sql = f"SELECT * FROM matches WHERE need_id IN ({rows.marks(ids)}) ORDER BY score DESC, id"  # noqa: S608
        async with await fetched(self.conn, sql, ids) as cur:
            for match in map(_match, await cur.fetchall()):
                found.setdefault(match.need_id, []).append(match)
        return found

    async def of_offer(self, offer_id: int) -> list[Match]:
        async with await fetched(self.conn, "SELECT * FROM matches WHERE offer_id = ? ORDER BY id",
                                 (offer_id,)) as cur:
            return [_match(r) for r in await cur.fetchall()]

    async def pairs_of_offers(self, offer_ids: Iterable[int]) -> set[tuple[int, int]]:
        """(need id, offer id) of every pair ever suggested with these offers: never suggested again."""
        ids = list(dict.fromkeys(offer_ids))
        if not ids:
            return set()
        sql = f"SELECT need_id, offer_id FROM matches WHERE offer_id IN ({rows.marks(ids)})"  # noqa: S608
        async with await fetched(self.conn, sql, ids) as cur:
            return {(r["need_id"], r["offer_id"]) for r in await cur.fetchall()}

    async def answer(self, match_id: int, side: Side, answer: Answer, by: int, at: datetime) -> bool:
        """This side's answer, once: False when it answered before."""
        column = side.value
        cur = await self.conn.execute(
            f"UPDATE matches SET {column}_answer = ?, {column}_by = ?, {column}_at = ?"  # noqa: S608
            f" WHERE id = ? AND {column}_answer IS NULL", (answer.value, by, to_db_time(at), match_id))
        return cur.rowcount == 1

    async def introduce(self, match_id: int, at: datetime) -> bool:
        cur = await self.conn.execute(
            "UPDATE matches SET introduced_at = ? WHERE id = ? AND introduced_at IS NULL", (to_db_time(at), match_id))
        return cur.rowcount == 1

    async def set_message(self, match_id: int, message_id: int) -> None:
        await self.conn.execute("UPDATE matches SET message_id = ? WHERE id = ?", (message_id, match_id))

    async def sign(self, match_id: int, agreement_id: int) -> bool:
        cur = await self.conn.execute(
            "UPDATE matches SET agreement_id = ? WHERE id = ? AND agreement_id IS NULL", (agreement_id, match_id))
        return cur.rowcount == 1

    async def sent_to_party_since(self, party_id: str, since: datetime) -> int:
        """Suggestions that reached this party (matches with its offers) made at or after ``since``."""
        async with await fetched(
                self.conn, "SELECT COUNT(*) AS n FROM matches m JOIN offers o ON o.id = m.offer_id"
                           " WHERE o.party_id = ? AND m.created_at >= ?", (party_id, to_db_time(since))) as cur:
            row = await cur.fetchone()
        return int(row["n"]) if row else 0

    async def made_between(self, start: datetime | None, end: datetime | None,
                           chat_ids: Iterable[int] | None = None) -> list[Match]:
        """Matches made in [start, end) (None: open-ended), of needs of these chats (None: every chat)."""
        where: list[str] = ["1 = 1"]
        args: list[object] = []
        if start is not None:
            where.append("m.created_at >= ?")
            args.append(to_db_time(start))
        if end is not None:
            where.append("m.created_at < ?")
            args.append(to_db_time(end))
        if chat_ids is not None:
            chats = list(chat_ids)
            if not chats:
                return []
            where.append(f"n.chat_id IN ({rows.marks(chats)})")
            args.extend(chats)
        sql = (f"SELECT m.* FROM matches m JOIN needs n ON n.id = m.need_id WHERE {' AND '.join(where)}"  # noqa: S608
               " ORDER BY m.id")
        async with await fetched(self.conn, sql, args) as cur:
            return [_match(r) for r in await cur.fetchall()]

    async def labelled(self) -> list[tuple[str, int, bool]]:
        """(need text, offer id, good) of every answered pair: both 感兴趣 is good, a 不合适 is not — what the
        matcher learns from."""
        async with await fetched(
                self.conn, "SELECT n.text, m.offer_id, m.need_answer, m.offer_answer FROM matches m"
                           " JOIN needs n ON n.id = m.need_id"
                           " WHERE m.need_answer = 'no' OR m.offer_answer = 'no' OR m.introduced_at IS NOT NULL"
                           " ORDER BY m.id") as cur:
            return [(r["text"], r["offer_id"], "no" not in (r["need_answer"], r["offer_answer"]))
                    for r in await cur.fetchall()]

    async def fingerprint(self) -> tuple[object, ...]:
        """Changes whenever an offer or an answer does: the matcher is refitted when it changed."""
        async with await fetched(
                self.conn, "SELECT (SELECT COUNT(*) FROM offers) AS n, (SELECT MAX(id) FROM offers) AS top,"
                           " (SELECT MAX(COALESCE(updated_at, created_at)) FROM offers) AS edited,"
                           " (SELECT COUNT(*) FROM matches WHERE need_answer = 'no' OR offer_answer = 'no'"
                           "  OR introduced_at IS NOT NULL) AS learned") as cur:
            row = await cur.fetchone()
        return tuple(row) if row else ()


async def seed_offers(db: Database, starters: Iterable[StarterOffer], at: datetime) -> int:
    """The shipped starter list, as editable examples, once per database — a new one or one made before the
    lists existed; never again after (an owner may have closed or edited them). Entries of parties the
    directory does not hold are left out. How many were added."""
    async with db.transaction() as conn:
        audit = AuditRepo(conn)
        if await audit.count("offers_seeded"):
            return 0
        parties = {p.id for p in await PartyRepo(conn).all(enabled_only=False)}
        rows = [(s.party_id, s.kind.value, s.title, s.text, s.place, to_db_time(at)) for s in starters
                if s.party_id in parties]
        await conn.executemany(
            "INSERT INTO offers (party_id, kind, title, text, place, example, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)",
            rows)
        added = len(rows)
        await audit.record("offers_seeded", at=at, actor_id=None, offers=added)
        return added
