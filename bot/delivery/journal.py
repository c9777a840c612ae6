"""Write-ahead journal: no update is lost to a crash between Telegram's acknowledgement and its effects.

PTB's polling puts each fetched update into ``Application.update_queue`` and only then asks for the next
batch (whose ``offset`` tells Telegram the earlier ones arrived); its webhook server puts the update into the
same queue before answering 200. :class:`JournalQueue` is that queue: ``put`` stores the update in SQLite
first. The update leaves the journal in the transaction that marks it handled (``AuditRepo.mark_handled``),
together with its effects, so what is still journalled at start-up was received but not finished, and
:func:`replay` handles it before polling begins. A repeat of an update already handled is not queued at all.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from telegram import Update
from telegram.ext import Application

from storage.audit import AuditRepo
from storage.db import Database
from storage.journal import JournalRepo

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # an update whose handling killed the process this often is set aside, with an error logged


class JournalQueue(asyncio.Queue[Any]):
    """The Application's update queue, journalling every Update before it is queued."""

    def __init__(self) -> None:
        super().__init__()
        self.db: Database | None = None
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        # The update as Telegram sent it, when the bot kept it (WireBot.raw_update): stored as it came instead
        # of serialising the parsed Update again.
        self.raw: Callable[[int], dict[str, Any] | None] = lambda update_id: None
        self._fresh: set[int] = set()
        self._journalled: set[int] = set()  # stored with their getUpdates batch, not yet queued

    async def journal_batch(self, fetched: list[dict[str, Any]]) -> None:
        """Store a whole getUpdates batch in one statement, as soon as it arrives (WireBot calls this before
        PTB's updater sees the batch); ``put`` then only queues what is already journalled."""
        if self.db is None or not fetched:
            return
        payloads = [(int(raw["update_id"]), json.dumps(raw, ensure_ascii=False)) for raw in fetched]
        async with self.db.autocommit() as conn:
            new = await JournalRepo(conn).append_new(payloads, self.clock())
        self._journalled |= new
        self._fresh |= new

    async def put(self, item: Any) -> None:
        if isinstance(item, Update) and item.update_id in self._journalled:
            self._journalled.discard(item.update_id)  # stored with its batch: new, and so fresh
        elif isinstance(item, Update):
            if self.db is None:
                raise RuntimeError("update received before the journal was opened")
            payload = json.dumps(self.raw(item.update_id) or item.to_dict(), ensure_ascii=False)
            async with self.db.autocommit() as conn:  # one INSERT (a second read only for a repeat)
                state = await JournalRepo(conn).append(item.update_id, payload, self.clock())
            if state == "handled":
                log.debug("update %d was handled before; not queued again", item.update_id)
                return
            if state == "new":
                self._fresh.add(item.update_id)
        await super().put(item)

    def fresh(self, update_id: int) -> bool:
        """True once for an update journalled for the first time just now: it cannot have been handled,
        so the gate need not ask the database (a re-sent copy is not fresh and is checked)."""
        if update_id in self._fresh:
            self._fresh.discard(update_id)
            return True
        return False


async def replay(application: Application, db: Database) -> int:
    """Handle every journalled but unfinished update, oldest first; how many were handled."""
    async with db.read() as conn:
        pending = await JournalRepo(conn).unfinished()
    handled = 0
    for update_id, payload, attempts in pending:
        async with db.transaction() as conn:
            if attempts >= MAX_ATTEMPTS:
                log.error("update %d was interrupted %d times while being handled; set aside", update_id, attempts)
                await AuditRepo(conn).mark_handled(update_id, datetime.now(UTC))  # a resend is ignored too
                continue
            await JournalRepo(conn).attempt(update_id)
        update = Update.de_json(json.loads(payload), application.bot)
        await application.process_update(update)
        handled += 1
    if handled:
        log.info("handled %d journalled update(s) left unfinished by the last run", handled)
    return handled
