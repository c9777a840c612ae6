"""The long-lived services the handlers reach through the typed context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram.ext import CallbackContext, ExtBot

from bot.delivery.chat_admins import ChatAdmins
from bot.delivery.courier import Courier
from bot.services.matchmaking import Matchmaking
from bot.services.notices import Notices
from bot.settings import Settings
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    matchmaking: Matchmaking
    notices: Notices
    courier: Courier
    chat_admins: ChatAdmins
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # UTC; tests set it


@dataclass
class BotData:
    """PTB's bot_data, typed: filled by post_init, emptied by post_shutdown."""

    services: Services | None = None


class BotContext(CallbackContext[ExtBot[None], dict, dict, BotData]):
    # One context serves every handler of an update: the gate sets this for the handlers after it.
    admin_of: int | None = None  # the chat whose Telegram administrator sent the update (ADMINS_FROM_CHAT)

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not ready (post_init has not run)")
        return services

    @property
    def matchmaking(self) -> Matchmaking:
        return self.services.matchmaking
