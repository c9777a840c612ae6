from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import aiosqlite


def to_db_time(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to storage")
    return value.astimezone(UTC).isoformat(timespec="seconds")


def from_db_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def from_db_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class Fetched:
    """Rows read in one trip to SQLite's thread, used like an aiosqlite cursor (``async with`` …
    ``await cur.fetchone()``/``fetchall()``). aiosqlite's cursor costs three trips (execute, fetch,
    close), each a hop to its worker thread and back to the event loop: under load those hops were most
    of the bot's time per need."""

    def __init__(self, rows: Iterable[sqlite3.Row]) -> None:
        self.rows = list(rows)

    async def fetchone(self) -> sqlite3.Row | None:
        return self.rows[0] if self.rows else None

    async def fetchall(self) -> list[sqlite3.Row]:
        return self.rows

    async def __aenter__(self) -> Fetched:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


async def fetched(conn: aiosqlite.Connection, sql: str, parameters: Iterable[Any] = ()) -> Fetched:
    return Fetched(await conn.execute_fetchall(sql, parameters))
