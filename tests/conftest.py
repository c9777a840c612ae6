"""Fixtures: a local Bot API server on 127.0.0.1 and the real Application, in two tiers.

Fast tier (``bot``, ``served``): the Application is initialised and started, but does not poll; each update a
person makes is taken from the server and handed to ``Application.process_update``, and the test goes on
once the outbox is empty. Wire tier (``wire_bot``, ``wire_served``): the Application long-polls the server,
as in production; for what only polling shows (the update journal, confirmation offsets, restarts).
Either way every Bot API call the bot makes goes over HTTP to the server and is recorded there.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.domain.directory import load_directory
from bot.sandbox.localapi import Call, LocalBotApi
from bot.settings import Settings
from handlers import jobs
from nlp.router import Router

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
    """The real Application against the local server: given its updates directly, or long-polling (``wire``).

    ``router``: a router fitted on the default directory, for a bot starting on an empty database (the
    session's, see the ``router`` fixture); None fits one from the database at start, as production does.
    """

    api: LocalBotApi
    settings: Settings
    router: Router | None = None
    wire: bool = False
    app: Application | None = None
    errors: list[BaseException] = field(default_factory=list)
    clock: FakeClock = field(default_factory=FakeClock)
    jobs_run: int = 0  # runs of JobQueue jobs (the notices job) that have finished
    _job_ran: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        app = build_application(self.settings, clock=self.clock, router=self.router)

        async def collect(update: object, context: Any) -> None:
            self.errors.append(context.error)

        def job_done(event: object) -> None:
            self.jobs_run += 1
            self._job_ran.set()

        app.add_error_handler(collect)
        app.job_queue.scheduler.add_listener(job_done, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)  # type: ignore[union-attr]
        await app.initialize()
        await app.post_init(app)  # type: ignore[misc]
        if self.wire:
            await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)  # type: ignore[union-attr]
        await app.start()  # the job queue runs (the notices job is armed to run at once)
        self.app = app

    async def stop(self) -> None:
        app = self.app
        if app is None:
            return
        await self.settle()
        self.app = None
        services = app.bot_data.services
        if services is not None and services.courier.failures:  # an unexpected error sending (logged)
            self.errors.append(AssertionError(f"{services.courier.failures} deliveries failed unexpectedly"))
        if self.wire:
            await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.post_shutdown(app)  # type: ignore[misc]
        await app.shutdown()

    async def settle(self) -> None:
        """Until every pushed update was delivered and fully handled, and the outbox is empty."""
        if self.app is None:
            return
        if self.wire:
            await self.api.wait_confirmed()
            await self.app.update_queue.join()
        else:
            while self.api.updates:
                for data in await self.api.take_updates():
                    # As it would arrive over getUpdates: a JSON copy, not the server's own dicts.
                    await self.app.process_update(Update.de_json(json.loads(json.dumps(data)), self.app.bot))
        services = self.app.bot_data.services
        if services is not None:
            await services.courier.idle(timeout=30)  # the confirmations handlers left in the outbox

    async def jobs_finished(self, count: int, timeout: float = 10.0) -> None:
        """Until `count` job runs have finished since start (the first: the notices job armed at start)."""
        async with asyncio.timeout(timeout):
            while self.jobs_run < count:
                self._job_ran.clear()
                await self._job_ran.wait()

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
    # Telegram's flood limits (30 messages a second overall, 20 a minute in a group) on a fast clock: 30 and 20
    # messages in any 50 ms. The flood gate still paces every message, but a test that sends hundreds is not
    # held to 20 a second (the permission matrix sends over 600). tests/test_flood.py runs the limits on
    # slower clocks, against a server that answers 429 beyond them.
    return Settings(bot_token=TOKEN, bot_api_url=api.base_url, database_path=db_path,
                    admin_ids=frozenset({ADMIN["id"]}), timezone=ZoneInfo("Asia/Shanghai"),
                    log_level="WARNING", flood_overall=(30, 0.05), flood_group=(20, 0.05))


class SharedRouter:
    """One router fitted on the default directory for the whole session (a fit takes 0.3-1 s).

    Routers are never changed in place — a refit makes a new one — except for the word list of the
    segmenter they share with their refits: a test that adds a party (``/party add``, a directory import)
    adds its names to it. Such a test leaves a changed segmenter behind, so the next test gets a fresh fit."""

    def __init__(self) -> None:
        self.router = self._fit()

    def _fit(self) -> Router:
        router = Router(load_directory())
        self._words = frozenset(router.segmenter._known)
        return router

    def checked(self) -> Router:
        if self.router.segmenter._known != self._words:
            self.router = self._fit()
        return self.router


@pytest.fixture(scope="session")
def shared_router() -> SharedRouter:
    return SharedRouter()


@pytest.fixture
def router(shared_router: SharedRouter) -> Iterator[Router]:
    """The session's router, as fitted on the default directory with no examples (do not use it for a bot
    whose database has another directory or labelled examples)."""
    yield shared_router.checked()
    shared_router.checked()


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(TOKEN)
    await server.start()
    yield server
    await server.stop()


async def _running(bot: RunningBot) -> AsyncIterator[RunningBot]:
    await bot.start()
    yield bot
    await bot.stop()
    assert not bot.errors, f"handler errors: {bot.errors!r}"


@pytest.fixture
async def bot(api: LocalBotApi, tmp_path: Path, router: Router) -> AsyncIterator[RunningBot]:
    """Fast tier: the Application is handed each update directly."""
    async for running in _running(RunningBot(api, make_settings(api, tmp_path / "bot.sqlite3"), router)):
        yield running


@pytest.fixture
async def wire_bot(api: LocalBotApi, tmp_path: Path, router: Router) -> AsyncIterator[RunningBot]:
    """Wire tier: the Application long-polls the server for its updates."""
    async for running in _running(RunningBot(api, make_settings(api, tmp_path / "bot.sqlite3"), router, wire=True)):
        yield running


async def serve(bot: RunningBot) -> RunningBot:
    """The bot added to GROUP by an admin, with liaisons bound."""
    await bot.api.member_change(GROUP, ADMIN, "left", "member")
    await bot.settle()
    for user, party in ((LIAISON, "transport"), (MIIT_LIAISON, "miit"), (POLICE_LIAISON, "police"),
                        (LAB_MEMBER, "lab_5gcar")):
        bot.api.add_user(user)
        await bot.say(ADMIN, f"/bind {user['id']} {party}")
    return bot


@pytest.fixture
async def served(bot: RunningBot) -> RunningBot:
    """Fast tier, GROUP served, liaisons bound."""
    return await serve(bot)


@pytest.fixture
async def wire_served(wire_bot: RunningBot) -> RunningBot:
    """Wire tier, GROUP served, liaisons bound."""
    return await serve(wire_bot)
