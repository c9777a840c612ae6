"""Flood control: Telegram's limits kept, 429 obeyed, confirmations combined, needs registered at once."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.delivery import flood
from bot.delivery.flood import FloodGate, Window
from bot.sandbox.localapi import LocalBotApi
from nlp.router import Router
from tests.conftest import ADMIN, GROUP, LIAISON, RunningBot, make_settings
from tests.test_crash_safety import enterprise, need_text


def test_window_is_strict() -> None:
    window = Window(3, 10.0)
    for t in (0.0, 1.0, 2.0):
        assert window.wait(t) == 0
        window.take(t)
    assert window.wait(5.0) == 5.0  # the first of the three leaves the window at 10.0
    assert window.wait(10.0) == 0


class VirtualTime:
    """The flood gate's clock and sleep: time moves only when every request is waiting, straight to the
    earliest wake-up, so a test of windows takes no real time and its timings are exact."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self.sleepers, (self.now + max(seconds, 0.0), next(self._order), woken))
        await woken

    async def run(self, *requests: Coroutine[Any, Any, Any]) -> None:
        tasks = [asyncio.ensure_future(r) for r in requests]
        while unfinished := [t for t in tasks if not t.done()]:
            if len(self.sleepers) == len(unfinished):  # everyone waits: the earliest wakes
                self.now, _, woken = heapq.heappop(self.sleepers)
                woken.set_result(None)
            await REAL_SLEEP(0)  # the woken (or still running) requests go on
        for task in tasks:
            task.result()


REAL_SLEEP = asyncio.sleep


async def test_the_gate_never_exceeds_a_window(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = VirtualTime()
    monkeypatch.setattr(flood, "asyncio", SimpleNamespace(**{**vars(asyncio), "sleep": clock.sleep}))
    gate = FloodGate(overall=(30, 1.0), group=(3, 0.3), clock=clock)
    window = 0.3 * FloodGate.MARGIN
    stamps: list[float] = []

    async def call() -> bool:
        stamps.append(clock())
        return True

    await clock.run(*(gate.process_request(call, (), {}, "sendMessage", {"chat_id": -100}, None)
                      for _ in range(9)))
    assert len(stamps) == 9
    for i in range(3, 9):
        assert stamps[i] - stamps[i - 3] >= 0.3  # never a fourth message within 0.3 s
    assert stamps == pytest.approx([0.0] * 3 + [window] * 3 + [2 * window] * 3)  # and never later than needed
    # A private chat is held only by the overall limit; requests without a chat are not counted.
    start = clock()
    await clock.run(*(gate.process_request(call, (), {}, "sendMessage", {"chat_id": 42}, None)
                      for _ in range(9)), gate.process_request(call, (), {}, "getUpdates", {}, None))
    assert len(stamps) == 19 and clock() == start  # nobody waited


async def _busy_bot(api: LocalBotApi, tmp_path: Path, router: Router) -> RunningBot:
    """Polling, as in production: sixty needs arrive in a few getUpdates answers and are journalled before
    they are handled, while the confirmations queue for their slots under the server's limits."""
    api.limits = ((30, 1.0), (20, 3.0))  # Telegram's 20 a minute in a group, on a 20× faster clock
    settings = replace(make_settings(api, tmp_path / "bot.sqlite3"), flood_overall=(30, 1.0), flood_group=(20, 3.0))
    bot = RunningBot(api, settings, router, wire=True)
    await bot.start()
    await api.member_change(GROUP, ADMIN, "left", "member")
    await bot.settle()
    return bot


async def test_a_burst_of_needs_is_registered_at_once_and_confirmed_within_the_limits(
        api: LocalBotApi, tmp_path: Path, router: Router) -> None:
    bot = await _busy_bot(api, tmp_path, router)
    try:
        services = bot.app.bot_data.services  # type: ignore[union-attr]
        mark = len(api.calls)
        for i in range(60):  # right after a meeting: sixty needs from twenty people
            await api.send_text(GROUP, enterprise(i % 20), need_text(i))
        await api.wait_confirmed()
        await bot.app.update_queue.join()  # type: ignore[union-attr]
        async with services.db.read() as conn:
            async with conn.execute("SELECT COUNT(*) FROM needs") as cur:
                assert (await cur.fetchone())[0] == 60  # all registered …
        assert services.courier.pending(GROUP) > 0  # … while confirmations still wait for their slot
        await services.courier.idle(timeout=60)
        sent = [c for c in api.calls[mark:] if c.method == "sendMessage" and c.status == 200]
        assert api.too_many == 0 and not [c for c in api.calls if c.status == 429]
        combined = [c for c in sent if "合并发送" in c.params["text"]]
        assert combined and len(sent) < 45, len(sent)
        async with services.db.read() as conn:
            async with conn.execute("SELECT COUNT(*) FROM needs WHERE bot_message_id IS NULL") as cur:
                assert (await cur.fetchone())[0] == 0  # every need's card went out
        # A combined card: buttons say which need they are for; a promise under it names its need.
        on_cards = [(c, v) for c in combined
                    for v in await services.cases.needs.on_card(GROUP, c.result["message_id"])  # type: ignore[index]
                    if v.lead]
        card, view = on_cards[-1]  # a need with a lead department, on a combined card
        message_id = card.result["message_id"]  # type: ignore[index]
        number = view.need.number
        api.add_user(LIAISON)
        await bot.say(ADMIN, f"/bind {LIAISON['id']} {view.lead.party.id}")  # type: ignore[union-attr]
        buttons = [b for row in card.params["reply_markup"]["inline_keyboard"] for b in row]
        claim = next(b for b in buttons if b["text"] == f"认领 #{number}")
        await bot.press(LIAISON, message_id, claim["callback_data"])
        edited = [c for c in api.calls if c.method == "editMessageText" and c.params.get("message_id") == message_id]
        assert edited and edited[-1].params["text"].count("已登记需求") == card.params["text"].count("已登记需求")
        await bot.say(LIAISON, "两周内开放测试路段", reply_to=message_id)
        assert "请写明是哪一条" in bot.last_text()
        await bot.say(LIAISON, f"#{number} 两周内开放测试路段", reply_to=message_id)
        assert f"已记录承诺 1（需求 #{number}" in bot.last_text()
    finally:
        await bot.stop()
    assert not bot.errors


async def test_retry_after_is_obeyed(wire_served: RunningBot) -> None:
    """Telegram answers 429: the request waits retry_after and is sent once more, nothing is lost."""
    served = wire_served
    served.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    mark = len(served.api.calls)
    await served.say(ADMIN, "/needs")
    calls = served.calls_since(mark, "sendMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 1.0  # the server saw the retry a second after its 429
    assert "需求" in str(calls[-1].params["text"])
