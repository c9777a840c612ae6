"""Reaching the Bot API at start: the first getMe (and, when polling, deleteWebhook), retried until it answers.

A service must not die of a network blip at boot, and must not print its token when the token is wrong.
PTB's own bootstrap loop (``run_polling(bootstrap_retries=-1)``) retries forever, but it logs each failure
at DEBUG only (at the default INFO the operator sees nothing for minutes), waits at most 30 s and not at all
after a timeout, and on a rejected token logs a traceback whose message names the token. So the bot first
calls these itself, here, with a one-line warning per failed try and exponential backoff (1, 2, 4 … 60 s);
``run_polling`` then finds the Application initialised and goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable, Iterator

from telegram.error import InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application

from bot.texts.startup import api_unreachable, stopped_before_reaching_api, token_rejected

log = logging.getLogger(__name__)

FIRST_DELAY, MAX_DELAY = 1.0, 60.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT)  # as run_polling's own


class TokenRejected(Exception):
    """The Bot API answered getMe with 401 (or 404): the token is wrong. The message never names it."""

    def __init__(self, status: int) -> None:
        super().__init__(token_rejected(status))
        self.status = status


def backoff(first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> Iterator[float]:
    """1, 2, 4, … seconds between tries, doubling up to `cap`, then `cap` for ever."""
    delay = first
    while True:
        yield min(delay, cap)
        delay = min(delay * 2, cap)


def rejected_status(error: InvalidToken) -> int:
    """401 or 404, from the server's own description (PTB wraps it in a message that names the token)."""
    inner = error.__cause__ if isinstance(error.__cause__, InvalidToken) else error
    return 404 if "not found" in inner.message.lower() else 401


def _reason(error: BaseException) -> str:
    """What went wrong, on one line (the request layer already masks the token in network errors)."""
    text = " ".join(str(error).split()) or "no answer"
    return text if len(text) <= 200 else text[:199] + "…"


async def reach_bot_api(application: Application, *, polling: bool, stop: asyncio.Event,
                        delays: Iterable[float] | None = None) -> bool:
    """Initialise the Application (getMe) and, for polling, delete any webhook, retrying network failures
    until they succeed or `stop` is set. True when reached; False when stopped first (or when a finite
    `delays`, as tests give, runs out). Raises TokenRejected when the Bot API refuses the token; any other
    refusal (a 400, a 409) is not a network blip and propagates."""

    async def attempt() -> None:
        await application.initialize()  # a no-op once it succeeded: a retry only repeats what failed
        if polling:
            await application.bot.delete_webhook(drop_pending_updates=False)

    for number, delay in enumerate(backoff() if delays is None else delays, start=1):
        try:
            if not await _unless_stopped(attempt, stop):
                return False
            return True
        except InvalidToken as error:
            raise TokenRejected(rejected_status(error)) from None
        except RetryAfter as error:
            delay = max(delay, error.retry_after if isinstance(error.retry_after, float | int)
                        else error.retry_after.total_seconds())
            log.warning(api_unreachable(number, _reason(error), delay))
        except NetworkError as error:  # refused, DNS, timed out, a proxy's 5xx
            log.warning(api_unreachable(number, _reason(error), delay))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        if stop.is_set():
            return False
    return False


async def _unless_stopped(action: Callable[[], Awaitable[None]], stop: asyncio.Event) -> bool:
    """Run `action` unless `stop` is set first (then it is cancelled): True when it ran to the end."""
    task = asyncio.ensure_future(action())
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((task, stopped), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pending in (task, stopped):
            pending.cancel()
    if task.done() and not task.cancelled():
        task.result()  # raises what the action raised
        return True
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


async def reach_or_stop(application: Application, *, polling: bool) -> bool:
    """reach_bot_api with Ctrl-C, SIGTERM and SIGABRT stopping it cleanly (PTB's own signal handlers are
    installed only later, by run_polling / run_webhook). What the tries opened is closed unless reached."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    installed = []
    for sig in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows' event loop
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    reached = False
    try:
        reached = await reach_bot_api(application, polling=polling, stop=stop)
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        if not reached:
            await application.shutdown()
            await application.bot.shutdown()  # the HTTP sessions, when getMe never succeeded
    if not reached:
        log.info(stopped_before_reaching_api())
    return reached
