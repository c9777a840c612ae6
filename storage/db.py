"""The SQLite database: one aiosqlite connection, WAL, numbered migrations, atomic units of work."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[int, str]]:
    """(number, sql) of every migration shipped in storage/migrations, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 001.. without gaps, found {numbers}")
    return found


class Database:
    """Owns the connection. Writes go through :meth:`transaction`, reads through :meth:`read`.

    Both take one lock, so a unit of work never sees another one half done, and a unit of
    work commits together or not at all (``BEGIN IMMEDIATE`` … ``COMMIT``/``ROLLBACK``).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        self._conn = conn
        await self.migrate()

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> int:
        """Apply every migration above ``PRAGMA user_version``, each in its own transaction."""
        current = await self.schema_version()
        for number, sql in migration_files():
            if number <= current:
                continue
            async with self._lock:
                # Foreign keys off while a migration runs (a table with children can then be rebuilt, as
                # SQLite's documented procedure for schema changes says) and checked before it commits.
                await self.conn.execute("PRAGMA foreign_keys=OFF")
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _split_sql(sql):
                        await self.conn.execute(statement)
                    broken = await self.conn.execute_fetchall("PRAGMA foreign_key_check")
                    if broken:
                        found = [tuple(row) for row in broken][:5]
                        raise RuntimeError(f"migration {number:03d} breaks foreign keys: {found}")
                    await self.conn.execute(f"PRAGMA user_version = {number}")
                    await self.conn.execute("COMMIT")
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                finally:
                    await self.conn.execute("PRAGMA foreign_keys=ON")
            current = number
        return current

    async def backup_to(self, target: Path) -> None:
        """A consistent copy of the whole database in ``target`` (SQLite's online backup; the bot keeps
        running, and no unit of work is half in the copy: the backup runs under the same lock)."""
        async with self._lock:
            async with aiosqlite.connect(target) as copy:
                await self.conn.backup(copy)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[aiosqlite.Connection]:
        """For one write statement, atomic on its own: no BEGIN/COMMIT around it (two trips to SQLite's thread
        fewer). Under the same lock, so it never lands inside another unit of work."""
        async with self._lock:
            yield self.conn

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            yield self.conn


def _split_sql(script: str) -> list[str]:
    """Split a migration into complete statements (comments and ';' inside them are fine)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise ValueError("migration ends with an incomplete statement")
    return statements
