"""The duty loop's records: lead terms (who led a need when; 退单 and their rulings) and the authors' verdicts."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

from bot.domain import Need
from bot.domain.duty import LeadTerm, Satisfaction, Solved, Verdict
from storage import rows
from storage._util import fetched, from_db_time, to_db_time

_SCOPE = " AND need_id IN (SELECT id FROM needs WHERE chat_id = ?)"


def _term(row: sqlite3.Row) -> LeadTerm:
    return LeadTerm(row["id"], row["need_id"], row["party_id"], from_db_time(row["started_at"]),  # type: ignore[arg-type]
                    from_db_time(row["ended_at"]), row["ended_by"], row["reason"], row["ruling"], row["ruled_by"],
                    from_db_time(row["ruled_at"]), row["prior_role"])


def _verdict(row: sqlite3.Row) -> Verdict:
    return Verdict(row["id"], row["need_id"], row["round"], row["author_id"], row["lead_party"],
                   from_db_time(row["asked_at"]),  # type: ignore[arg-type]
                   Solved(row["solved"]) if row["solved"] else None,
                   Satisfaction(row["satisfaction"]) if row["satisfaction"] else None,
                   from_db_time(row["answered_at"]), row["message_id"], from_db_time(row["reopened_at"]))


class LeadTermRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def start(self, need_id: int, party_id: str, at: datetime, prior_role: str | None = None) -> None:
        await self.conn.execute(
            "INSERT INTO lead_terms (need_id, party_id, started_at, prior_role) VALUES (?, ?, ?, ?)",
            (need_id, party_id, to_db_time(at), prior_role))

    async def end(self, need_id: int, at: datetime, ended_by: str, reason: str | None = None) -> LeadTerm | None:
        """End the need's open term (if any); the ended term."""
        found = await self.conn.execute_fetchall(
            "UPDATE lead_terms SET ended_at = ?, ended_by = ?, reason = ? WHERE need_id = ? AND ended_at IS NULL"
            " RETURNING *", (to_db_time(at), ended_by, reason, need_id))
        return next((_term(r) for r in found), None)

    async def get(self, term_id: int) -> LeadTerm | None:
        async with await fetched(self.conn, "SELECT * FROM lead_terms WHERE id = ?", (term_id,)) as cur:
            row = await cur.fetchone()
        return _term(row) if row else None

    async def overrule(self, term_id: int, by: int, at: datetime) -> bool:
        """驳回: the 退单 was improper (once)."""
        cur = await self.conn.execute(
            "UPDATE lead_terms SET ruling = 'overruled', ruled_by = ?, ruled_at = ? WHERE id = ? AND ruling IS NULL"
            " AND ended_by = 'handover'", (by, to_db_time(at), term_id))
        return cur.rowcount == 1

    async def of_need(self, need_id: int) -> list[LeadTerm]:
        async with await fetched(self.conn, "SELECT * FROM lead_terms WHERE need_id = ? ORDER BY id",
                                 (need_id,)) as cur:
            return [_term(r) for r in await cur.fetchall()]

    async def all(self, chat_id: int | None = None) -> list[LeadTerm]:
        where, args = (_SCOPE, (chat_id,)) if chat_id is not None else ("", ())
        async with await fetched(self.conn, f"SELECT * FROM lead_terms WHERE 1 = 1{where} ORDER BY id",  # noqa: S608
                                 args) as cur:
            return [_term(r) for r in await cur.fetchall()]

    async def open_led(self) -> list[tuple[Need, str, datetime]]:
        """Open needs with a lead: (need, the lead, when its 办结 clock started — the first lead's start, or the
        last 未解决 verdict that reopened it, whichever is later)."""
        async with await fetched(self.conn,
            f"SELECT {rows.NEED_AS_N}, t.party_id AS lead,"  # noqa: S608
            " (SELECT MIN(started_at) FROM lead_terms f WHERE f.need_id = n.id) AS first_started,"
            " (SELECT MAX(reopened_at) FROM verdicts v WHERE v.need_id = n.id) AS reopened"
            " FROM needs n JOIN lead_terms t ON t.need_id = n.id AND t.ended_at IS NULL"
            " WHERE n.status = 'open' ORDER BY n.id") as cur:
            found = await cur.fetchall()
        return [(rows.need(r, "n_"), r["lead"], max(t for t in (from_db_time(r["first_started"]),
                                                                  from_db_time(r["reopened"])) if t is not None))
                for r in found]

    async def add_prompt(self, chat_id: int, message_id: int, need_id: int, party_id: str, user_id: int) -> None:
        await self.conn.execute("INSERT OR REPLACE INTO handover_prompts (chat_id, message_id, need_id, party_id,"
                                " user_id) VALUES (?, ?, ?, ?, ?)", (chat_id, message_id, need_id, party_id, user_id))

    async def drop_prompt(self, chat_id: int, message_id: int) -> None:
        await self.conn.execute("DELETE FROM handover_prompts WHERE chat_id = ? AND message_id = ?",
                                (chat_id, message_id))

    async def prompted(self, chat_id: int, message_id: int) -> tuple[int, str, int] | None:
        """(need id, to whom, who asked) when this bot message asked for a 转交's reason."""
        async with await fetched(self.conn, "SELECT need_id, party_id, user_id FROM handover_prompts"
                                 " WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)) as cur:
            row = await cur.fetchone()
        return (row["need_id"], row["party_id"], row["user_id"]) if row else None

    async def awaiting_claim(self) -> list[tuple[Need, LeadTerm | None, bool]]:
        """Open needs whose lead has not claimed them — (need, its open term, whether that is the need's first
        term) — and open needs still awaiting a lead that nobody claimed (term None)."""
        async with await fetched(self.conn,
            f"SELECT {rows.NEED_AS_N}, t.*, t.id = (SELECT MIN(id) FROM lead_terms f WHERE f.need_id = n.id) AS first"  # noqa: S608
            " FROM needs n LEFT JOIN lead_terms t ON t.need_id = n.id AND t.ended_at IS NULL"
            " WHERE n.status = 'open' AND ("
            "  (t.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.need_id = n.id"
            "                                    AND c.party_id = t.party_id))"
            "  OR (t.id IS NULL AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.need_id = n.id)))"
            " ORDER BY n.id") as cur:
            found = await cur.fetchall()
        return [(rows.need(r, "n_"), _term(r) if r["id"] is not None else None, bool(r["first"])) for r in found]


class VerdictRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def ask(self, need_id: int, author_id: int, lead_party: str | None, at: datetime) -> Verdict:
        """A new round of the question for this author (the previous round plus one)."""
        found = await self.conn.execute_fetchall(
            "INSERT INTO verdicts (need_id, round, author_id, lead_party, asked_at) VALUES"
            " (?, (SELECT COALESCE(MAX(round), 0) + 1 FROM verdicts WHERE need_id = ? AND author_id = ?), ?, ?, ?)"
            " RETURNING *", (need_id, need_id, author_id, author_id, lead_party, to_db_time(at)))
        return _verdict(next(iter(found)))

    async def get(self, verdict_id: int) -> Verdict | None:
        async with await fetched(self.conn, "SELECT * FROM verdicts WHERE id = ?", (verdict_id,)) as cur:
            row = await cur.fetchone()
        return _verdict(row) if row else None

    async def answer(self, verdict_id: int, at: datetime, solved: Solved | None = None,
                     satisfaction: Satisfaction | None = None) -> bool:
        """Record one answer, once: a question already answered keeps its first answer."""
        column, value = ("solved", solved) if solved is not None else ("satisfaction", satisfaction)
        cur = await self.conn.execute(
            f"UPDATE verdicts SET {column} = ?, answered_at = COALESCE(answered_at, ?) WHERE id = ?"  # noqa: S608
            f" AND {column} IS NULL",
            (str(value), to_db_time(at), verdict_id))
        return cur.rowcount == 1

    async def reopened(self, verdict_id: int, at: datetime) -> None:
        await self.conn.execute("UPDATE verdicts SET reopened_at = ? WHERE id = ?", (to_db_time(at), verdict_id))

    async def set_message(self, verdict_id: int, message_id: int) -> None:
        await self.conn.execute("UPDATE verdicts SET message_id = ? WHERE id = ?", (message_id, verdict_id))

    async def unanswered_by(self, author_id: int) -> list[Verdict]:
        """The author's questions with an answer still missing, the latest round of each need, on needs that are
        still resolved (a reopened need's question waits for its next round)."""
        async with await fetched(self.conn,
            "SELECT v.* FROM verdicts v JOIN needs n ON n.id = v.need_id WHERE v.author_id = ?"
            " AND n.status = 'resolved' AND (v.solved IS NULL OR v.satisfaction IS NULL)"
            " AND v.round = (SELECT MAX(round) FROM verdicts w WHERE w.need_id = v.need_id AND w.author_id = ?)"
            " ORDER BY v.id", (author_id, author_id)) as cur:
            return [_verdict(r) for r in await cur.fetchall()]

    async def of_need(self, need_id: int) -> list[Verdict]:
        async with await fetched(self.conn, "SELECT * FROM verdicts WHERE need_id = ? ORDER BY id",
                                 (need_id,)) as cur:
            return [_verdict(r) for r in await cur.fetchall()]

    async def all(self, chat_id: int | None = None) -> list[Verdict]:
        where, args = (_SCOPE, (chat_id,)) if chat_id is not None else ("", ())
        async with await fetched(self.conn, f"SELECT * FROM verdicts WHERE 1 = 1{where} ORDER BY id",  # noqa: S608
                                 args) as cur:
            return [_verdict(r) for r in await cur.fetchall()]
