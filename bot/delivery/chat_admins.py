"""ADMINS_FROM_CHAT: a group's own Telegram administrators, asked of Telegram and kept for a while."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Bot, Message
from telegram.error import TelegramError

log = logging.getLogger(__name__)
ANONYMOUS_ADMIN = 1087968824  # GroupAnonymousBot: an administrator posting as the group itself


class ChatAdmins:
    """getChatAdministrators, cached per chat for `ttl` seconds (a failed lookup for a shorter time);
    a change of membership in the chat drops its entry."""

    def __init__(self, ttl: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self._cache: dict[int, tuple[float, frozenset[int]]] = {}
        self.lookups = 0

    def forget(self, chat_id: int) -> None:
        self._cache.pop(chat_id, None)

    async def admin_ids(self, bot: Bot, chat_id: int) -> frozenset[int]:
        now = self.clock()
        cached = self._cache.get(chat_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        self.lookups += 1
        try:
            members = await bot.get_chat_administrators(chat_id)
            ids, ttl = frozenset(m.user.id for m in members if not m.user.is_bot), self.ttl
        except TelegramError as exc:
            log.warning("could not read the administrators of chat %s: %s", chat_id, exc)
            ids, ttl = frozenset(), min(self.ttl, 60.0)
        self._cache[chat_id] = (now + ttl, ids)
        return ids

    async def is_admin(self, bot: Bot, chat_id: int, user_id: int, message: Message | None = None) -> bool:
        if user_id == ANONYMOUS_ADMIN:  # only the group itself may post as its anonymous administrator
            return message is not None and message.sender_chat is not None and message.sender_chat.id == chat_id
        return user_id in await self.admin_ids(bot, chat_id)
