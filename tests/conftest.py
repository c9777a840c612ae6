"""Fixtures: a local Bot API server on 127.0.0.1 and the real Application polling it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.sandbox.localapi import Call, LocalBotApi
from bot.settings import Settings
from handlers import jobs

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("PTB_TIMEDELTA", "1")  # as python -m bot does: time periods as timedelta

TOKEN = "123456789:TEST-token_for_the_local_bot_api_server"
GROUP = -1001234567890
OTHER_GROUP = -1009876543210
ADMIN = {"id": 1001, "first_name": "发改委", "last_name": "张处", "username": "ndrc_zhang"}
LIAISON = {"id": 2001, "first_name": "交通局", "last_name": "王科", "username": "jt_wang"}
MIIT_LIAISON = {"id": 2002, "first_name": "工信局", "last_name": "刘科"}
POLICE_LIAISON = {"id": 2003, "first_name": "交警", "last_name": "赵警官"}
LAB_MEMBER = {"id": 2501, "first_name": "网联实验室", "last_name": "陈工"}
ENTERPRISE = {"id": 3001, "first_name": "李总", "username": "li_autodrive"}
STRANGER = {"id": 3002, "first_name": "路人"}


SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class FakeClock:
    """The bot's clock for reminders and escalations: still unless a test moves it."""

    now: datetime = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)  # Friday 12:00 in Shanghai

    def __call__(self) -> datetime:
        return self.now

    def set_local(self, year: int, month: int, day: int, hour: int, minute: int = 0) -> None:
        self.now = datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class RunningBot:
    """The real Application, long-polling the local server."""

    api: LocalBotApi
    settings: Settings
    app: Application | None = None
    errors: list[BaseException] = field(default_factory=list)
    clock: FakeClock = field(default_factory=FakeClock)

    async def start(self) -> None:
        app = build_application(self.settings, clock=self.clock)

        async def collect(update: object, context: Any) -> None:
            self.errors.append(context.error)

        app.add_error_handler(collect)
        await app.initialize()
        await app.post_init(app)  # type: ignore[misc]
        await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)  # type: ignore[union-attr]
        await app.start()
        self.app = app

    async def stop(self) -> None:
        app, self.app = self.app, None
        if app is None:
            return
        await self.settle()
        services = app.bot_data.services
        if services is not None and services.courier.failures:  # an unexpected error sending (logged)
            self.errors.append(AssertionError(f"{services.courier.failures} deliveries failed unexpectedly"))
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.post_shutdown(app)  # type: ignore[misc]
        await app.shutdown()

    async def settle(self) -> None:
        """Until every pushed update was fetched, confirmed and fully handled."""
        await self.api.wait_confirmed()
        if self.app is not None:
            await self.app.update_queue.join()
            services = self.app.bot_data.services
            if services is not None:
                await services.courier.idle(timeout=30)  # the confirmations handlers left in the outbox

    async def run_notices(self) -> list[Call]:
        """Run the notices job's work now, at the clock's time; the messages it sent."""
        assert self.app is not None
        mark = len(self.api.calls)
        await jobs.deliver(self.app)
        return [c for c in self.calls_since(mark, "sendMessage") if c.status == 200]

    # --- acting as a person -------------------------------------------------------------

    async def say(self, user: dict[str, Any], text: str, chat_id: int = GROUP, **kwargs: Any) -> dict[str, Any]:
        mark = len(self.api.calls)
        message = await self.api.send_text(chat_id, user, text, **kwargs)
        await self.settle()
        message["_calls_from"] = mark
        return message

    async def press(self, user: dict[str, Any], message_id: int, data: str, chat_id: int = GROUP) -> int:
        mark = len(self.api.calls)
        await self.api.press(chat_id, user, message_id, data)
        await self.settle()
        return mark

    def calls_since(self, mark: int, method: str | None = None) -> list[Call]:
        return [c for c in self.api.calls[mark:] if method is None or c.method == method]

    def replies_since(self, mark: int) -> list[str]:
        return [str(c.params.get("text", "")) for c in self.calls_since(mark)
                if c.method in ("sendMessage", "editMessageText") and c.status == 200]

    def last_text(self) -> str:
        sent = [c for c in self.api.calls if c.method == "sendMessage" and c.status == 200]
        return str(sent[-1].params["text"]) if sent else ""

    def card_of(self, need_number: int, chat_id: int = GROUP) -> dict[str, Any]:
        """The bot's routing message for need #N (the one with the buttons)."""
        for (chat, _), message in sorted(self.api.messages.items(), key=lambda kv: kv[0][1]):
            if chat == chat_id and message.get("from", {}).get("is_bot") and \
                    f"#{need_number}（" in message.get("text", "") and "已登记需求" in message.get("text", ""):
                return message
        raise AssertionError(f"no card for need #{need_number}")


def make_settings(api: LocalBotApi, db_path: Path) -> Settings:
    return Settings(bot_token=TOKEN, bot_api_url=api.base_url, database_path=db_path,
                    admin_ids=frozenset({ADMIN["id"]}), timezone=ZoneInfo("Asia/Shanghai"),
                    log_level="WARNING", flood_group=(20, 1.0))  # Telegram's limits, on a faster clock


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(api: LocalBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = RunningBot(api, make_settings(api, tmp_path / "bot.sqlite3"))
    await running.start()
    yield running
    await running.stop()
    assert not running.errors, f"handler errors: {running.errors!r}"


@pytest.fixture
async def served(bot: RunningBot) -> RunningBot:
    """The bot added to GROUP by an admin, with liaisons bound."""
    await bot.api.member_change(GROUP, ADMIN, "left", "member")
    await bot.settle()
    for user, party in ((LIAISON, "transport"), (MIIT_LIAISON, "miit"), (POLICE_LIAISON, "police"),
                        (LAB_MEMBER, "lab_5gcar")):
        bot.api.add_user(user)
        await bot.say(ADMIN, f"/bind {user['id']} {party}")
    return bot
