"""The per-chat outbox: every message the bot sends leaves through here, in the order it was produced.

Need cards, confirmations, command answers, notices, files and edits are all parcels. A handler posts its
parcel and goes on (or awaits :meth:`Courier.deliver` when it needs the sent message's id or to know whether
Telegram took it); it does not wait for Telegram otherwise, so the next update is handled at once even when
the group has used up its 20 messages a minute. Each chat has one worker that sends its parcels in order, so
an answer never overtakes a card produced before it. While a send waits for its slot (bot/delivery/flood.py),
newer parcels pile up; the next send takes all that may be combined (need cards, promise confirmations) into
one message instead of queueing dozens. Everything else goes alone. A pending edit of a message is replaced by
a later edit of the same message (only the newest state matters).

Retries live here and nowhere else: Telegram's refusals (403 Forbidden, 400 Bad Request) are logged and
reported, never raised ("message is not modified" counts as done); a 429 the flood gate could not absorb is
waited out once; a network error puts the parcel back at the head of its chat's queue and retries with a
growing pause, a few times.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.delivery.flood import retry_after_seconds
from bot.delivery.wirebot import WireBot

log = logging.getLogger(__name__)
MAX_RETRY_WAIT = 30.0
BUSY = 0.5  # share of a chat's message budget in use from which cards are combined
MAX_COMBINED = 8  # parcels in one message (keyboards stay small, texts under Telegram's 4,096)
MAX_TEXT = 4000
ATTEMPTS = 5  # sends of a parcel while Telegram is unreachable, before it is given up
MAX_BACKOFF = 30.0


class Kind(enum.Enum):
    MESSAGE = "sendMessage"  # a new text message (a reply when reply_to is set)
    EDIT_TEXT = "editMessageText"  # the text (and buttons) of message edit_of
    EDIT_MARKUP = "editMessageReplyMarkup"  # only the buttons of message edit_of
    DOCUMENT = "sendDocument"  # file/filename, text is the caption
    PHOTO = "sendPhoto"  # file/filename, text is the caption
    REACTION = "setMessageReaction"  # text is the emoji set on message edit_of (someone's message, noted)


ButtonRows = tuple[tuple[InlineKeyboardButton, ...], ...]


@dataclass(frozen=True)
class Parcel:
    """One outgoing message or edit. Build it with the class methods below, or directly for a message: a
    ``summary`` lets it be combined with its neighbours when the chat is busy (cards, confirmations)."""

    chat_id: int
    text: str = ""  # as sent on its own; a file's caption
    markup: InlineKeyboardMarkup | None = None
    reply_to: int | None = None
    thread_id: int | None = None
    summary: str | None = None  # its part of a combined message; None: always sent on its own
    # Its buttons in a combined message; a function making them is called only if it is combined (most cards
    # go alone, and building buttons is not free).
    rows: ButtonRows | Callable[[], ButtonRows] = ()
    on_sent: Callable[[int], Awaitable[None]] | None = None  # told the message id once sent (by the worker)
    edit_of: int | None = None  # the message an edit changes (alone, as before: an edit of its text)
    footer: str = ""  # closes a combined message it is part of (once, however many parcels share it)
    kind: Kind = Kind.MESSAGE
    file: bytes | None = field(default=None, repr=False)
    filename: str | None = None
    attempts: int = ATTEMPTS  # sends while Telegram is unreachable before it is given up

    def __post_init__(self) -> None:
        if self.edit_of is not None and self.kind is Kind.MESSAGE:
            object.__setattr__(self, "kind", Kind.EDIT_TEXT)
        editing = self.kind in (Kind.EDIT_TEXT, Kind.EDIT_MARKUP, Kind.REACTION)
        if editing != (self.edit_of is not None):
            raise ValueError(f"{self.kind.name}: edit_of is {'required' if editing else 'only for edits'}")
        if (self.kind in (Kind.DOCUMENT, Kind.PHOTO)) != (self.file is not None and self.filename is not None):
            raise ValueError(f"{self.kind.name}: file and filename go with documents and photos only")
        if self.summary is not None and self.kind is not Kind.MESSAGE:
            raise ValueError("only new text messages may be combined")

    @classmethod
    def message(cls, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None, *,
                reply_to: int | None = None, thread_id: int | None = None,
                on_sent: Callable[[int], Awaitable[None]] | None = None) -> Parcel:
        return cls(chat_id, text, markup, reply_to=reply_to, thread_id=thread_id, on_sent=on_sent)

    @classmethod
    def edit(cls, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> Parcel:
        return cls(chat_id, text, markup, edit_of=message_id, kind=Kind.EDIT_TEXT)

    @classmethod
    def edit_markup(cls, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None) -> Parcel:
        return cls(chat_id, "", markup, edit_of=message_id, kind=Kind.EDIT_MARKUP)

    @classmethod
    def reaction(cls, chat_id: int, message_id: int, emoji: str) -> Parcel:
        """A reaction on someone's message: the bot took note of it without saying anything."""
        return cls(chat_id, emoji, edit_of=message_id, kind=Kind.REACTION)

    @classmethod
    def document(cls, chat_id: int, data: bytes, filename: str, caption: str | None = None, *,
                 reply_to: int | None = None, thread_id: int | None = None) -> Parcel:
        return cls(chat_id, caption or "", reply_to=reply_to, thread_id=thread_id, kind=Kind.DOCUMENT,
                   file=data, filename=filename)

    @classmethod
    def photo(cls, chat_id: int, data: bytes, filename: str, caption: str | None = None, *,
              reply_to: int | None = None, thread_id: int | None = None) -> Parcel:
        return cls(chat_id, caption or "", reply_to=reply_to, thread_id=thread_id, kind=Kind.PHOTO,
                   file=data, filename=filename)

    @property
    def combinable(self) -> bool:
        return self.kind is Kind.MESSAGE and self.summary is not None


class Status(enum.Enum):
    SENT = "sent"  # Telegram took it (an edit that changed nothing counts too)
    REFUSED = "refused"  # Telegram said no (blocked, kicked, bad request): sending again will not help
    FAILED = "failed"  # not sent: Telegram unreachable after every attempt, a 429 beyond patience, or a bug


@dataclass(frozen=True)
class Receipt:
    status: Status
    message_id: int | None = None  # the sent message (an edit: the edited one; combined: the shared one)
    reason: str | None = None  # what Telegram (or the network) said when not sent

    @property
    def sent(self) -> bool:
        return self.status is Status.SENT


@dataclass(eq=False)
class _Entry:
    parcel: Parcel
    waiters: list[asyncio.Future[Receipt]]
    tries: int = 0

    def settle(self, receipt: Receipt) -> None:
        for waiter in self.waiters:
            if not waiter.done():  # a caller that stopped waiting cancelled its future
                waiter.set_result(receipt)


class _Unreachable(Exception):
    """A network error: the batch goes back to the head of the queue."""


# Handlers that hold only an Update (reply(update, …)) find the outbox through the update's bot. Weak values:
# a courier lives as long as the Application's services hold it, and keeps its bot (so its id) alive.
_by_bot: weakref.WeakValueDictionary[int, Courier] = weakref.WeakValueDictionary()


class Courier:
    def __init__(self, bot: Bot, combined_header: Callable[[int], str],
                 pressure: Callable[[int], float] | None = None, hold: float = 1.5, backoff: float = 2.0) -> None:
        self.bot = bot
        self.header = combined_header
        self.hold = hold  # seconds a busy group's confirmation waits for others to join it
        # How much of a group's message budget is used (bot/delivery/flood.py). From half on, a confirmation waits
        # `hold` seconds so the ones arriving meanwhile go out with it, instead of spending the rest of the
        # minute's budget one by one and leaving the burst's tail a minute behind.
        self.pressure = pressure
        self.backoff = backoff  # first pause after a network error; doubled each time, at most MAX_BACKOFF
        self._queues: dict[int, deque[_Entry]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self.combined = 0  # parcels that went out inside a combined message
        self.failures = 0  # deliveries (or on_sent callbacks) that failed with an unexpected error (logged)
        _by_bot[id(bot)] = self

    @classmethod
    def of(cls, bot: Bot) -> Courier:
        """The outbox of this bot (the Application's); LookupError before post_init made it."""
        courier = _by_bot.get(id(bot))
        if courier is None or courier.bot is not bot:
            raise LookupError("this bot has no outbox (post_init has not run)")
        return courier

    def post(self, parcel: Parcel) -> asyncio.Future[Receipt]:
        """Queue a parcel for its chat and return at once; the future tells how it went (ignoring it is fine)."""
        waiter: asyncio.Future[Receipt] = asyncio.get_running_loop().create_future()
        queue = self._queues.setdefault(parcel.chat_id, deque())
        if not self._merge_edit(queue, parcel, waiter):
            queue.append(_Entry(parcel, [waiter]))
        if parcel.chat_id not in self._workers:
            self._workers[parcel.chat_id] = asyncio.create_task(self._drain(parcel.chat_id),
                                                                name=f"courier:{parcel.chat_id}")
        return waiter

    async def deliver(self, parcel: Parcel) -> Receipt:
        """Queue a parcel and wait until it was sent or given up: after the chat's earlier parcels.
        Not from an on_sent callback of the same chat (its worker would wait for itself)."""
        return await self.post(parcel)

    @staticmethod
    def _merge_edit(queue: deque[_Entry], parcel: Parcel, waiter: asyncio.Future[Receipt]) -> bool:
        """A newer edit of a message still waiting to be edited takes the pending edit's place."""
        if parcel.edit_of is None or parcel.kind is Kind.REACTION:
            return False
        for entry in queue:
            pending = entry.parcel
            if pending.edit_of != parcel.edit_of or pending.kind is Kind.REACTION:
                continue
            if parcel.kind is Kind.EDIT_TEXT or pending.kind is Kind.EDIT_MARKUP:
                entry.parcel = parcel  # the newer state replaces the pending one
            else:  # new buttons for a pending text edit: that text with these buttons
                entry.parcel = replace(pending, markup=parcel.markup)
            entry.waiters.append(waiter)
            return True
        return False

    def pending(self, chat_id: int | None = None) -> int:
        if chat_id is not None:
            return len(self._queues.get(chat_id, ()))
        return sum(len(q) for q in self._queues.values())

    async def idle(self, timeout: float | None = None) -> None:
        """Until every posted parcel was delivered (or given up). A timeout leaves the workers running."""
        async with asyncio.timeout(timeout):
            while self._workers:
                await asyncio.wait(list(self._workers.values()))

    async def close(self) -> None:
        """Stop sending (the bot is shutting down): what is still queued is given up, and whoever waits is told."""
        workers = list(self._workers.values())
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._workers.clear()  # a worker cancelled before it ever ran did not remove itself
        for queue in self._queues.values():
            for entry in queue:
                entry.settle(Receipt(Status.FAILED, reason="outbox closed"))
        self._queues.clear()

    def _busy(self, chat_id: int) -> bool:
        """Half the chat's message budget is used (bot/delivery/flood.py): cards and confirmations are combined,
        and wait a moment for others to join them. Without flood limits nothing is ever combined."""
        return self.pressure is not None and self.pressure(chat_id) >= BUSY

    def _batch(self, queue: deque[_Entry], chat_id: int) -> list[_Entry]:
        first = queue.popleft()
        batch = [first]
        if not first.parcel.combinable or not self._busy(chat_id):
            return batch
        size = len(self.header(MAX_COMBINED)) + 300 + len(first.parcel.summary or "")  # 300: room for footers
        while queue and len(batch) < MAX_COMBINED:
            following = queue[0].parcel
            if not following.combinable or following.thread_id != first.parcel.thread_id \
                    or size + len(following.summary or "") + 2 > MAX_TEXT:
                break
            size += len(following.summary or "") + 2
            batch.append(queue.popleft())
        return batch

    async def _drain(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        batch: list[_Entry] = []
        try:
            while queue:
                if queue[0].parcel.combinable and self._busy(chat_id):
                    await asyncio.sleep(self.hold)
                batch = self._batch(queue, chat_id)
                try:
                    receipt = await self._send(chat_id, batch)
                except _Unreachable as exc:  # Telegram unreachable: try again a little later
                    tries = 0
                    for entry in reversed(batch):
                        entry.tries += 1
                        if entry.tries < entry.parcel.attempts:
                            queue.appendleft(entry)
                            tries = max(tries, entry.tries)
                        else:
                            log.warning("gave up a %s to chat %s after %d attempts", entry.parcel.kind.value,
                                        chat_id, entry.tries)
                            entry.settle(Receipt(Status.FAILED, reason=str(exc)))
                    batch = []
                    if tries:
                        log.warning("could not reach Telegram (%s); retrying", exc)
                        await asyncio.sleep(min(self.backoff * 2 ** (tries - 1), MAX_BACKOFF))
                    continue
                except Exception as exc:
                    self.failures += 1
                    log.exception("a %s could not be sent to chat %s", batch[0].parcel.kind.value, chat_id)
                    receipt = Receipt(Status.FAILED, reason=repr(exc))
                if receipt.sent and receipt.message_id is not None:
                    await self._tell_sent(batch, receipt.message_id)
                for entry in batch:
                    entry.settle(receipt)
                batch = []
        finally:
            for entry in batch:  # cancelled mid-send (shutdown): whoever waits is told
                entry.settle(Receipt(Status.FAILED, reason="outbox stopped"))
            self._workers.pop(chat_id, None)
            if not queue:
                self._queues.pop(chat_id, None)

    async def _tell_sent(self, batch: list[_Entry], message_id: int) -> None:
        for entry in batch:
            if entry.parcel.on_sent is None:
                continue
            try:
                await entry.parcel.on_sent(message_id)
            except Exception:
                self.failures += 1
                log.exception("recording sent message %s failed", message_id)

    async def _send(self, chat_id: int, batch: list[_Entry]) -> Receipt:
        """One request for the batch; a 429 beyond the flood gate's retries is waited out once."""
        first = batch[0].parcel
        for attempt in range(2):
            try:
                return Receipt(Status.SENT, await self._request(chat_id, batch))
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if attempt or wait > MAX_RETRY_WAIT:
                    log.warning("gave up a %s to chat %s after 429 (retry_after=%s)", first.kind.value, chat_id, wait)
                    return Receipt(Status.FAILED, reason=exc.message)
                await asyncio.sleep(wait)
            except Forbidden as exc:
                log.warning("Telegram refused a %s to chat %s: %s", first.kind.value, chat_id, exc.message)
                return Receipt(Status.REFUSED, reason=exc.message)
            except BadRequest as exc:  # a subclass of NetworkError: before it
                if "not modified" in exc.message:
                    return Receipt(Status.SENT, first.edit_of)
                log.warning("Telegram rejected a %s to chat %s: %s", first.kind.value, chat_id, exc.message)
                return Receipt(Status.REFUSED, reason=exc.message)
            except NetworkError as exc:
                raise _Unreachable(exc.message) from exc
        raise AssertionError("unreachable")

    async def _request(self, chat_id: int, batch: list[_Entry]) -> int | None:
        """Make the Bot API call; the message id it concerns."""
        first = batch[0].parcel
        bot = self.bot
        if first.kind is Kind.EDIT_TEXT:
            await bot.edit_message_text(first.text, chat_id=chat_id, message_id=first.edit_of,
                                        reply_markup=first.markup)
            return first.edit_of
        if first.kind is Kind.EDIT_MARKUP:
            await bot.edit_message_reply_markup(chat_id=chat_id, message_id=first.edit_of, reply_markup=first.markup)
            return first.edit_of
        if first.kind is Kind.REACTION:
            await bot.set_message_reaction(chat_id, first.edit_of or 0, reaction=first.text)
            return first.edit_of
        sent: Message
        reply_to, thread_id, caption = first.reply_to, first.thread_id, first.text or None
        if first.kind is Kind.DOCUMENT:
            sent = await bot.send_document(chat_id, first.file or b"", filename=first.filename, caption=caption,
                                           reply_markup=first.markup, reply_to_message_id=reply_to,
                                           allow_sending_without_reply=True, message_thread_id=thread_id)
        elif first.kind is Kind.PHOTO:
            sent = await bot.send_photo(chat_id, first.file or b"", filename=first.filename, caption=caption,
                                        reply_markup=first.markup, reply_to_message_id=reply_to,
                                        allow_sending_without_reply=True, message_thread_id=thread_id)
        elif len(batch) == 1:
            return await self._send_text(chat_id, first.text, first.markup, reply_to, thread_id)
        else:
            parcels = [entry.parcel for entry in batch]
            self.combined += len(parcels)
            footers = "".join(dict.fromkeys(p.footer for p in parcels if p.footer))
            text = self.header(len(parcels)) + "\n\n".join(p.summary or p.text for p in parcels) + footers
            rows = [list(row) for p in parcels for row in (p.rows() if callable(p.rows) else p.rows)]
            return await self._send_text(chat_id, text, InlineKeyboardMarkup(rows) if rows else None, None, thread_id)
        return sent.message_id

    async def _send_text(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None, reply_to: int | None,
                         thread_id: int | None) -> int:
        if isinstance(self.bot, WireBot):  # the id without parsing the Message Telegram returns
            return await self.bot.send_text(chat_id, text, markup, reply_to, thread_id)
        sent = await self.bot.send_message(chat_id, text, reply_markup=markup, reply_to_message_id=reply_to,
                                           allow_sending_without_reply=True, message_thread_id=thread_id)
        return sent.message_id
