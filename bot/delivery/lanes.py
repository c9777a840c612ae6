"""Updates of different chats are handled side by side; updates of one chat strictly in order.

PTB handles one update at a time by default, so while the bot waits for SQLite or Telegram on behalf of one
group, every other group waits too. With :class:`ChatLanes` as the update processor, each chat is a lane:
an update waits only for the earlier updates of its own chat (an ``asyncio.Lock`` per chat; its waiters are
woken first come, first served, and PTB creates the tasks in the order updates arrive). Units of work
still run one at a time under the database lock, so need numbers stay 1..N per group.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def lane_of(update: object) -> int | None:
    if isinstance(update, Update):
        chat = update.effective_chat
        if chat is not None:
            return chat.id
        user = update.effective_user
        return user.id if user is not None else None
    return None


class ChatLanes(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._lanes: dict[int | None, tuple[asyncio.Lock, int]] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = lane_of(update)
        lock, users = self._lanes.get(key) or (asyncio.Lock(), 0)
        self._lanes[key] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._lanes[key]
            if users == 1:
                del self._lanes[key]  # nobody else in this lane: forget it
            else:
                self._lanes[key] = (lock, users - 1)
