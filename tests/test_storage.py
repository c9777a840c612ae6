"""The database: migrations, WAL, atomic units of work, repositories."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain.directory import load_directory
from storage.audit import AuditRepo
from storage.commitments import CommitmentRepo
from storage.db import Database, _split_sql, migration_files
from storage.needs import NeedRepo
from storage.parties import PartyRepo, seed_directory
from storage.routes import RouteRepo

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = Database(tmp_path / "sub" / "t.sqlite3")
    await database.open()
    yield database
    await database.close()


async def test_migrations_set_user_version_and_wal(db: Database) -> None:
    assert await db.schema_version() == len(migration_files()) >= 1
    async with db.read() as conn:
        async with conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
    assert await db.migrate() == len(migration_files())  # running again changes nothing


async def test_a_unit_of_work_rolls_back_whole(db: Database) -> None:
    await seed_directory(db, load_directory(), NOW)
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            need = await NeedRepo(conn).add(chat_id=-1, author_id=1, author_name="a", message_id=1,
                                            text="需要测试道路", need_type="scenario", at=NOW)
            await RouteRepo(conn).add(need.id, "miit", "lead", 0.5, "router", NOW)
            await AuditRepo(conn).record("need_registered", at=NOW, actor_id=1, need_id=need.id)
            raise RuntimeError("crash in the middle")
    async with db.read() as conn:
        for table in ("needs", "routes"):
            async with conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
                assert (await cur.fetchone())[0] == 0
        assert await AuditRepo(conn).count("need_registered") == 0


async def test_directory_is_seeded_once_and_needs_are_numbered_per_chat(db: Database) -> None:
    assert await seed_directory(db, load_directory(), NOW) == 53
    assert await seed_directory(db, load_directory(), NOW) == 0
    async with db.transaction() as conn:
        repo = NeedRepo(conn)
        a1 = await repo.add(chat_id=-1, author_id=1, author_name="a", message_id=1, text="x", need_type="data", at=NOW)
        b1 = await repo.add(chat_id=-2, author_id=1, author_name="a", message_id=1, text="y", need_type="data", at=NOW)
        a2 = await repo.add(chat_id=-1, author_id=1, author_name="a", message_id=2, text="z", need_type="data", at=NOW)
    assert (a1.number, b1.number, a2.number) == (1, 1, 2)
    async with db.read() as conn:
        party = await PartyRepo(conn).get("lab_liquidbiopsy")
        assert party is not None and "液体活检" in party.keywords


async def test_commitments_round_trip_dates_and_times(db: Database) -> None:
    await seed_directory(db, load_directory(), NOW)
    async with db.transaction() as conn:
        need = await NeedRepo(conn).add(chat_id=-1, author_id=1, author_name="a", message_id=1, text="x",
                                        need_type="data", at=NOW)
        repo = CommitmentRepo(conn)
        made = await repo.add(need_id=need.id, party_id="transport", user_id=2, text="两周内",
                              due_date=date(2026, 12, 11), at=NOW, message_id=3)
        assert await repo.mark_done(made.id, NOW, 1) and not await repo.mark_done(made.id, NOW, 1)
        stored = await repo.get(made.id)
    assert stored is not None and stored.due_date == date(2026, 12, 11) and stored.created_at == NOW
    assert stored.status == "done" and stored.done_at == NOW


async def test_migration_3_keeps_commitments_made_before_it(tmp_path: Path) -> None:
    """A database at version 2 with an open and a done commitment, migrated to the lifecycle states."""
    import sqlite3

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for _number, sql in migration_files()[:2]:
        conn.executescript(sql)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO parties (id, kind, name) VALUES ('transport', 'department', '交通运输局')")
    conn.execute("INSERT INTO needs (id, chat_id, number, author_id, author_name, text, need_type, status, created_at)"
                 " VALUES (1, -1, 1, 5, 'a', 'x', 'data', 'open', '2026-11-27T02:00:00+00:00')")
    conn.execute("INSERT INTO commitments (need_id, party_id, user_id, text, due_date, status, created_at, done_at)"
                 " VALUES (1, 'transport', 2, '两周内', '2026-12-11', 'open', '2026-11-27T02:00:00+00:00', NULL),"
                 " (1, 'transport', 2, '明天', '2026-11-28', 'done', '2026-11-27T02:00:00+00:00',"
                 " '2026-11-28T01:00:00+00:00')")
    conn.commit()
    conn.close()
    database = Database(path)
    await database.open()
    try:
        async with database.read() as conn2:
            first, second = await CommitmentRepo(conn2).of_need(1)
        assert (first.status, first.due_date) == ("open", date(2026, 12, 11))
        assert second.status == "done" and second.reported_at == second.done_at  # kept when marked done
        async with database.transaction() as conn3:
            assert await CommitmentRepo(conn3).mark_reported(first.id, NOW, 2)  # the new states are allowed
    finally:
        await database.close()


async def test_migrations_7_and_8_keep_needs_promises_and_sent_reminders(tmp_path: Path) -> None:
    """A database at version 6 with a need, a promise and its sent reminder: the needs and commitments tables are
    rebuilt (foreign keys intact), the reminder's key gets the date it was for, so it is not sent again."""
    import sqlite3

    path = tmp_path / "v6.sqlite3"
    conn = sqlite3.connect(path)
    for _number, sql in migration_files()[:6]:
        conn.executescript(sql)
    conn.execute("PRAGMA user_version = 6")
    conn.execute("INSERT INTO parties (id, kind, name) VALUES ('transport', 'department', '交通运输局')")
    conn.execute("INSERT INTO needs (id, chat_id, number, author_id, author_name, text, need_type, status, created_at,"
                 " topic_id) VALUES (1, -1, 1, 5, 'a', 'x', 'data', 'open', '2026-11-27T02:00:00+00:00', 77)")
    conn.execute("INSERT INTO commitments (need_id, party_id, user_id, text, due_date, status, created_at)"
                 " VALUES (1, 'transport', 2, '两周内', '2026-12-11', 'open', '2026-11-27T02:00:00+00:00')")
    conn.execute("INSERT INTO notices (key, kind, due_at, sent_at, outcome) VALUES ('before:1', 'before',"
                 " '2026-12-10T01:00:00+00:00', '2026-12-10T01:00:00+00:00', 'sent'), ('digest:2026-12-12', 'digest',"
                 " '2026-12-12T01:00:00+00:00', '2026-12-12T01:00:00+00:00', 'sent')")
    conn.commit()
    conn.close()
    database = Database(path)
    await database.open()
    try:
        async with database.read() as conn2:
            need = await NeedRepo(conn2).get(1)
            (promise,) = await CommitmentRepo(conn2).of_need(1)
            async with conn2.execute("SELECT key FROM notices ORDER BY key") as cur:
                keys = [r[0] for r in await cur.fetchall()]
            async with conn2.execute("PRAGMA foreign_keys") as cur:
                assert (await cur.fetchone())[0] == 1  # back on after the migrations
        assert need is not None and need.topic_id == 77 and promise.due_date == date(2026, 12, 11)
        assert keys == ["before:1@2026-12-11", "digest:2026-12-12"]
        async with database.transaction() as conn3:  # a new promise never takes an undone one's number
            assert (await CommitmentRepo(conn3).add(need_id=1, party_id="transport", user_id=2, text="y",
                                                    due_date=None, at=NOW, message_id=None)).id == 2
    finally:
        await database.close()


async def test_naive_times_are_refused(db: Database) -> None:
    with pytest.raises(ValueError):
        async with db.transaction() as conn:
            await AuditRepo(conn).record("x", at=datetime(2026, 1, 1), actor_id=None)


def test_sql_splitting_keeps_semicolons_in_comments() -> None:
    script = "-- a; comment\nCREATE TABLE a (x TEXT); -- b; c\nCREATE TABLE b (y TEXT);\n"
    assert len(_split_sql(script)) == 2
