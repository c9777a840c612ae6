"""The directory of parties (departments, districts, labs, funds …)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.domain import Party
from storage._util import fetched
from storage.audit import AuditRepo
from storage.db import Database


def _party(row: aiosqlite.Row) -> Party:
    return Party(
        id=row["id"],
        kind=row["kind"],
        name=row["name"],
        aliases=tuple(json.loads(row["aliases"])),
        profile=row["profile"],
        keywords=tuple(json.loads(row["keywords"])),
        enabled=bool(row["enabled"]),
    )


class PartyRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def count(self) -> int:
        async with await fetched(self.conn, "SELECT COUNT(*) FROM parties") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def insert_many(self, parties: Iterable[Party]) -> None:
        await self.conn.executemany(
            "INSERT INTO parties (id, kind, name, aliases, profile, keywords, enabled)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.id,
                    p.kind,
                    p.name,
                    json.dumps(list(p.aliases), ensure_ascii=False),
                    p.profile,
                    json.dumps(list(p.keywords), ensure_ascii=False),
                    int(p.enabled),
                )
                for p in parties
            ],
        )

    async def upsert(self, party: Party) -> str:
        """"added", "updated" or "unchanged"."""
        current = await self.get(party.id)
        if current == party:
            return "unchanged"
        if current is None:
            await self.insert_many([party])
            return "added"
        await self.conn.execute(
            "UPDATE parties SET kind = ?, name = ?, aliases = ?, profile = ?, keywords = ?, enabled = ? WHERE id = ?",
            (party.kind, party.name, json.dumps(list(party.aliases), ensure_ascii=False), party.profile,
             json.dumps(list(party.keywords), ensure_ascii=False), int(party.enabled), party.id),
        )
        return "updated"

    async def all(self, enabled_only: bool = True) -> list[Party]:
        sql = "SELECT * FROM parties" + (" WHERE enabled = 1" if enabled_only else "")
        async with await fetched(self.conn, sql + " ORDER BY rowid") as cur:
            return [_party(row) for row in await cur.fetchall()]

    async def get(self, party_id: str) -> Party | None:
        async with await fetched(self.conn, "SELECT * FROM parties WHERE id = ?", (party_id,)) as cur:
            row = await cur.fetchone()
        return _party(row) if row else None


async def seed_directory(db: Database, parties: list[Party], at: datetime) -> int:
    """Load the shipped directory into a new database; once seeded, the database is the truth."""
    async with db.transaction() as conn:
        repo = PartyRepo(conn)
        if await repo.count():
            return 0
        await repo.insert_many(parties)
        await AuditRepo(conn).record("directory_seeded", at=at, actor_id=None, parties=len(parties))
        return len(parties)


async def load_parties(db: Database) -> list[Party]:
    async with db.read() as conn:
        return await PartyRepo(conn).all()
