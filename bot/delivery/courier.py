"""The per-group outbox: confirmations leave the handler at once and are combined when a group is busy.

A handler registers a need (or a promise) in its own transaction and posts the confirmation here; it does
not wait for Telegram, so the next update is handled at once even when the group has used up its 20
messages a minute. Each chat has one worker that sends its parcels in order. While a send waits for its
slot (bot/flood.py), newer parcels pile up; the next send takes all that may be combined (need cards,
promise confirmations) into one message instead of queueing dozens. A pending edit of a message is
replaced by a later edit of the same message (only the newest text matters).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.delivery.flood import retry_after_seconds

log = logging.getLogger(__name__)
MAX_RETRY_WAIT = 30.0
MAX_COMBINED = 8  # parcels in one message (keyboards stay small, texts under Telegram's 4,096)
MAX_TEXT = 4000


@dataclass
class Parcel:
    chat_id: int
    text: str  # as sent on its own
    markup: InlineKeyboardMarkup | None = None
    reply_to: int | None = None
    thread_id: int | None = None
    summary: str | None = None  # its part of a combined message; None: always sent on its own
    rows: tuple[tuple[InlineKeyboardButton, ...], ...] = ()  # its buttons in a combined message
    on_sent: Callable[[int], Awaitable[None]] | None = None  # told the message id once sent
    edit_of: int | None = None  # an edit of this message instead of a new one
    footer: str = ""  # closes a combined message it is part of (once, however many parcels share it)
    tries: int = field(default=0, compare=False)


async def with_retry(call: Callable[[], Awaitable[Any]]) -> Any:
    """One more try after Telegram's retry_after (the flood gate has usually retried already);
    Forbidden/BadRequest are logged, not raised."""
    for attempt in range(2):
        try:
            return await call()
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            if attempt or wait > MAX_RETRY_WAIT:
                log.warning("gave up after 429 (retry_after=%s)", wait)
                return None
            await asyncio.sleep(wait)
        except Forbidden as exc:
            log.warning("Telegram refused: %s", exc.message)
            return None
        except BadRequest as exc:
            if "not modified" not in exc.message:
                log.warning("Telegram rejected a request: %s", exc.message)
            return None
    return None


class Courier:
    def __init__(self, bot: Bot, combined_header: Callable[[int], str],
                 pressure: Callable[[int], float] | None = None, hold: float = 1.5) -> None:
        self.bot = bot
        self.header = combined_header
        self.hold = hold  # seconds a busy group's confirmation waits for others to join it
        # How much of a group's message budget is used (bot/flood.py). From half on, a confirmation waits
        # `hold` seconds so the ones arriving meanwhile go out with it, instead of spending the rest of the
        # minute's budget one by one and leaving the burst's tail a minute behind.
        self.pressure = pressure
        self._queues: dict[int, deque[Parcel]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self.combined = 0  # parcels that went out inside a combined message
        self.failures = 0  # deliveries that failed with an unexpected error (logged)

    def post(self, parcel: Parcel) -> None:
        """Queue a parcel for its chat; returns at once."""
        queue = self._queues.setdefault(parcel.chat_id, deque())
        if parcel.edit_of is not None:
            for index, waiting in enumerate(queue):
                if waiting.edit_of == parcel.edit_of:
                    queue[index] = parcel  # the newer text replaces the pending one
                    break
            else:
                queue.append(parcel)
        else:
            queue.append(parcel)
        if parcel.chat_id not in self._workers:
            self._workers[parcel.chat_id] = asyncio.create_task(self._drain(parcel.chat_id),
                                                                name=f"courier:{parcel.chat_id}")

    def pending(self, chat_id: int | None = None) -> int:
        if chat_id is not None:
            return len(self._queues.get(chat_id, ()))
        return sum(len(q) for q in self._queues.values())

    async def idle(self, timeout: float | None = None) -> None:
        """Until every posted parcel was delivered (or given up)."""
        async with asyncio.timeout(timeout):
            while self._workers:
                await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    def _batch(self, queue: deque[Parcel]) -> list[Parcel]:
        first = queue.popleft()
        batch = [first]
        if first.summary is None or first.edit_of is not None:
            return batch
        size = len(self.header(MAX_COMBINED)) + 300 + len(first.summary)  # 300: room for the footers
        while queue and len(batch) < MAX_COMBINED:
            following = queue[0]
            if following.summary is None or following.edit_of is not None \
                    or following.thread_id != first.thread_id or size + len(following.summary) + 2 > MAX_TEXT:
                break
            size += len(following.summary) + 2
            batch.append(queue.popleft())
        return batch

    async def _drain(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        try:
            while queue:
                if self.pressure is not None and queue[0].summary is not None and queue[0].edit_of is None \
                        and self.pressure(chat_id) >= 0.5:
                    await asyncio.sleep(self.hold)
                batch = self._batch(queue)
                try:
                    await self._deliver(chat_id, batch)
                except (TimedOut, NetworkError) as exc:  # Telegram unreachable: try again a little later
                    for parcel in reversed(batch):
                        parcel.tries += 1
                        if parcel.tries < 5:
                            queue.appendleft(parcel)
                    log.warning("could not reach Telegram (%s); retrying", exc)
                    await asyncio.sleep(min(2 ** batch[0].tries, 30))
                except Exception:
                    self.failures += 1
                    log.exception("a confirmation could not be sent to chat %s", chat_id)
        finally:
            self._workers.pop(chat_id, None)
            if not queue:
                self._queues.pop(chat_id, None)

    async def _deliver(self, chat_id: int, batch: list[Parcel]) -> None:
        first = batch[0]
        if first.edit_of is not None:
            await with_retry(lambda: self.bot.edit_message_text(
                first.text, chat_id=chat_id, message_id=first.edit_of, reply_markup=first.markup))
            return
        if len(batch) == 1:
            text, markup, reply_to = first.text, first.markup, first.reply_to
        else:
            self.combined += len(batch)
            footers = "".join(dict.fromkeys(p.footer for p in batch if p.footer))
            text = self.header(len(batch)) + "\n\n".join(p.summary or p.text for p in batch) + footers
            rows = [list(row) for p in batch for row in p.rows]
            markup, reply_to = (InlineKeyboardMarkup(rows) if rows else None), None
        sent: Message | None = await with_retry(lambda: self.bot.send_message(
            chat_id, text, reply_markup=markup, reply_to_message_id=reply_to, allow_sending_without_reply=True,
            message_thread_id=first.thread_id))
        if sent is None:
            return
        for parcel in batch:
            if parcel.on_sent is not None:
                await parcel.on_sent(sent.message_id)
