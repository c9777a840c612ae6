"""Flood control: every request PTB makes passes :class:`FloodGate`, which keeps within Telegram's limits.

Telegram allows a bot about 30 messages per second overall and 20 per minute in one group, and answers
429 with ``retry_after`` beyond that. PTB's own ``AIORateLimiter`` uses aiolimiter's leaky bucket, which
lets a full bucket (20) go out and then one more every 3 seconds, i.e. up to 39 messages in a group's first
minute: a sliding-window limit such as Telegram's then answers 429. Here each limit is a strict sliding
window (at most N messages in any period), so a burst never exceeds it; a 429 that still comes (another
client of the same bot, a stricter limit than documented) pauses every request for ``retry_after`` and
the request is retried.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)
# Requests that put a message into a chat; the others (getChat, answerCallbackQuery …) are not counted.
COUNTED = ("send", "edit", "copy", "forward")


class Window:
    """At most ``limit`` events in any ``period`` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self.times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0: now)."""
        while self.times and self.times[0] <= now - self.period:
            self.times.popleft()
        return 0.0 if len(self.times) < self.limit else self.times[0] + self.period - now

    def take(self, now: float) -> None:
        self.times.append(now)


def retry_after_seconds(exc: RetryAfter) -> float:
    """retry_after in seconds, whether PTB gives an int (22.x) or a timedelta (later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class FloodGate(BaseRateLimiter[None]):
    MARGIN = 1.05  # windows a little longer than Telegram's: requests arrive with jitter

    def __init__(self, overall: tuple[int, float] = (30, 1.0), group: tuple[int, float] = (20, 60.0),
                 max_retries: int = 5, clock: Callable[[], float] = time.monotonic) -> None:
        self.overall = Window(overall[0], overall[1] * self.MARGIN)
        self.group_limit = (group[0], group[1] * self.MARGIN)
        self.groups: dict[int | str, Window] = {}
        self.max_retries = max_retries
        self.clock = clock
        self._open = asyncio.Event()
        self._open.set()
        self.waited = 0.0  # seconds requests spent waiting for a slot (for benchmarks and logs)
        self.retries = 0  # 429s answered by Telegram and retried

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _group(self, chat_id: int | str) -> Window | None:
        if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
            key: int | str = chat_id  # @channelusername: a group or channel
        else:
            key = int(chat_id)
            if key >= 0:
                return None  # a private chat: only the overall limit
        window = self.groups.get(key)
        if window is None:
            if len(self.groups) > 1024:  # forget groups whose window is empty
                now = self.clock()
                for old in [k for k, w in self.groups.items() if w.wait(now) == 0 and not w.times]:
                    del self.groups[old]
            window = self.groups[key] = Window(*self.group_limit)
        return window

    def pressure(self, chat_id: int) -> float:
        """How much of this group's window is used now (0 = idle, 1 = the next message must wait)."""
        window = self.groups.get(chat_id)
        if window is None:
            return 0.0
        window.wait(self.clock())  # drops what left the window
        return len(window.times) / window.limit

    async def _slot(self, chat_id: int | str) -> None:
        group = self._group(chat_id)
        while True:
            now = self.clock()
            wait = max(self.overall.wait(now), group.wait(now) if group else 0.0)
            if wait <= 0:
                self.overall.take(now)
                if group is not None:
                    group.take(now)
                return
            self.waited += wait
            await asyncio.sleep(wait)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        counted = chat_id is not None and endpoint.startswith(COUNTED)
        for attempt in range(self.max_retries + 1):
            await self._open.wait()
            if counted:
                await self._slot(chat_id)  # type: ignore[arg-type]
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == self.max_retries:
                    raise
                wait = retry_after_seconds(exc) + 0.1
                self.retries += 1
                log.warning("Telegram asked to wait %.1f s (%s); every request waits", wait, endpoint)
                if self._open.is_set():
                    self._open.clear()
                    await asyncio.sleep(wait)
                    self._open.set()
        raise AssertionError("unreachable")
