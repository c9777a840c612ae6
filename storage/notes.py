"""Notes on a need: follow-ups, questions, refusals and progress said in the conversation about it."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.intents import Intent, Note
from storage._util import fetched, from_db_time, to_db_time


def _note(row: aiosqlite.Row) -> Note:
    return Note(id=row["id"], need_id=row["need_id"], chat_id=row["chat_id"], kind=Intent(row["kind"]),
                author_id=row["author_id"], party_id=row["party_id"], message_id=row["message_id"],
                text=row["text"], created_at=from_db_time(row["created_at"]))  # type: ignore[arg-type]


class NoteRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, *, need_id: int, chat_id: int, kind: Intent, author_id: int | None, party_id: str | None,
                  message_id: int | None, text: str, at: datetime) -> Note | None:
        """The new note; None when this message was noted before."""
        found = await self.conn.execute_fetchall(
            "INSERT INTO notes (need_id, chat_id, kind, author_id, party_id, message_id, text, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id, message_id) WHERE message_id IS NOT NULL DO NOTHING RETURNING *",
            (need_id, chat_id, kind.value, author_id, party_id, message_id, text, to_db_time(at)))
        return next((_note(row) for row in found), None)

    async def of_need(self, need_id: int) -> list[Note]:
        async with await fetched(self.conn, "SELECT * FROM notes WHERE need_id = ? ORDER BY id", (need_id,)) as cur:
            return [_note(row) for row in await cur.fetchall()]

    async def need_of_message(self, chat_id: int, message_id: int) -> int | None:
        """The need a message in the chat is about: the message that posted it, a note on it, a promise on it."""
        async with await fetched(self.conn,
            "SELECT id FROM needs WHERE chat_id = ? AND message_id = ?"
            " UNION ALL SELECT need_id FROM notes WHERE chat_id = ? AND message_id = ?"
            " UNION ALL SELECT c.need_id FROM commitments c JOIN needs n ON n.id = c.need_id"
            " WHERE n.chat_id = ? AND c.message_id = ? LIMIT 1",
            (chat_id, message_id, chat_id, message_id, chat_id, message_id)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None

    async def latest_of(self, need_ids: list[int]) -> dict[int, Note]:
        """The latest note on each of these needs (those with any), in one query."""
        if not need_ids:
            return {}
        marks = ", ".join("?" * len(need_ids))
        async with await fetched(self.conn,
            f"SELECT * FROM notes WHERE id IN (SELECT MAX(id) FROM notes WHERE need_id IN ({marks})"  # noqa: S608
            " GROUP BY need_id)", tuple(need_ids)) as cur:
            return {note.need_id: note for note in map(_note, await cur.fetchall())}

    async def in_chat(self, chat_id: int | None) -> list[Note]:
        sql, args = "SELECT * FROM notes", tuple[int, ...]()
        if chat_id is not None:
            sql, args = sql + " WHERE chat_id = ?", (chat_id,)
        async with await fetched(self.conn, sql + " ORDER BY id", args) as cur:
            return [_note(row) for row in await cur.fetchall()]
