"""One way out: every message (card, answer, file, edit, notice) leaves through the chat's outbox, in the order
it was produced, within Telegram's limits, with a receipt for whoever needs one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ExtBot

from bot.delivery.courier import Courier, Parcel, Status
from bot.sandbox.localapi import LocalBotApi
from nlp.router import Router
from storage.notices import NoticeRepo
from tests.conftest import ADMIN, ENTERPRISE, GROUP, TOKEN, RunningBot, make_settings
from tests.test_commitments import FRIDAY_10, NEED
from tests.test_crash_safety import enterprise, need_text

PRIVATE = 4242


def header(count: int) -> str:
    return f"合并发送 {count} 条\n"


@pytest.fixture
async def courier(api: LocalBotApi) -> AsyncIterator[Courier]:
    """An outbox on a bare bot talking to the local server (no Application, no flood gate)."""
    bot = ExtBot(TOKEN, base_url=api.base_url)
    async with bot:
        courier = Courier(bot, header, backoff=0.01)
        yield courier
        await courier.idle(timeout=10)


def buttons(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=label) for label in labels]])


async def test_receipts_say_sent_refused_or_failed(api: LocalBotApi, courier: Courier) -> None:
    api.chat(PRIVATE, kind="private")
    sent = await courier.deliver(Parcel.message(PRIVATE, "你好"))
    assert sent.status is Status.SENT and sent.message_id == api.sent("sendMessage")[-1].result["message_id"]
    # An edit that changes nothing is done, not an error.
    unchanged = await courier.deliver(Parcel.edit(PRIVATE, sent.message_id, "你好"))  # type: ignore[arg-type]
    assert unchanged.status is Status.SENT and unchanged.message_id == sent.message_id
    # Telegram says no: reported, not raised, not retried.
    api.blocked_chats.add(PRIVATE)
    refused = await courier.deliver(Parcel.message(PRIVATE, "还在吗"))
    assert refused.status is Status.REFUSED and "blocked" in (refused.reason or "")
    assert [c.status for c in api.sent("sendMessage")] == [200, 403]
    api.blocked_chats.clear()
    # Unreachable: tried `attempts` times with a pause in between, then given up.
    for _ in range(3):
        api.fail_next("sendMessage", 502, "Bad Gateway")
    failed = await courier.deliver(replace(Parcel.message(PRIVATE, "网络不好"), attempts=3))
    assert failed.status is Status.FAILED and failed.message_id is None
    assert [c.status for c in api.sent("sendMessage")][-3:] == [502, 502, 502]
    # One network error in between costs nothing but a pause.
    api.fail_next("sendMessage", 502, "Bad Gateway")
    assert (await courier.deliver(Parcel.message(PRIVATE, "再试一次"))).sent
    assert courier.failures == 0


async def test_a_chat_gets_its_parcels_in_order_and_edits_collapse(api: LocalBotApi, courier: Courier) -> None:
    first = await courier.deliver(Parcel.message(GROUP, "卡片", buttons("认领")))
    card = first.message_id
    assert card is not None
    mark = len(api.calls)
    # Posted back to back (the worker has not run yet): text, edits of the card, a file, a photo, another text.
    texts = courier.post(Parcel.message(GROUP, "第一条", reply_to=card))
    edits = [courier.post(Parcel.edit(GROUP, card, "卡片（已认领）", buttons("认领"))),
             courier.post(Parcel.edit(GROUP, card, "卡片（已认领，已承诺）", buttons("认领"))),
             courier.post(Parcel.edit_markup(GROUP, card, buttons("已解决")))]
    document = courier.post(Parcel.document(GROUP, b"a,b\n1,2\n", "export.csv", "导出", reply_to=card))
    photo = courier.post(Parcel.photo(GROUP, b"\x89PNG", "chart.png"))
    last = courier.post(Parcel.message(GROUP, "最后一条"))
    assert courier.pending(GROUP) == 5  # the three edits of one message are one
    await courier.idle(timeout=10)
    assert courier.pending() == 0
    calls = [(c.method, c.params.get("text") or c.params.get("caption")) for c in api.calls[mark:]]
    assert calls == [("sendMessage", "第一条"), ("editMessageText", "卡片（已认领，已承诺）"),
                     ("sendDocument", "导出"), ("sendPhoto", None), ("sendMessage", "最后一条")]
    edit = api.sent("editMessageText")[0].params
    assert [b["text"] for row in edit["reply_markup"]["inline_keyboard"] for b in row] == ["已解决"]
    document_call = api.sent("sendDocument")[0].params
    assert document_call["document"]["filename"] == "export.csv"
    assert document_call["reply_parameters"]["message_id"] == card
    assert all(f.done() and f.result().sent for f in [texts, *edits, document, photo, last])
    assert {f.result().message_id for f in edits} == {card}


async def test_only_cards_and_confirmations_are_combined(api: LocalBotApi, courier: Courier) -> None:
    courier.pressure = lambda chat_id: 1.0  # a busy group: confirmations wait `hold` for company
    courier.hold = 0.01
    cards = [courier.post(Parcel(GROUP, f"需求 {i}", summary=f"#{i}")) for i in range(3)]
    answer = courier.post(Parcel.message(GROUP, "命令的回答"))
    more = courier.post(Parcel(GROUP, "需求 3", summary="#3"))
    await courier.idle(timeout=10)
    texts = [c.params["text"] for c in api.sent("sendMessage")]
    assert texts == ["合并发送 3 条\n#0\n\n#1\n\n#2", "命令的回答", "需求 3"]
    combined = {f.result().message_id for f in cards}
    assert len(combined) == 1 and combined != {answer.result().message_id, more.result().message_id}


async def test_cards_are_combined_only_when_the_group_is_busy(api: LocalBotApi, courier: Courier) -> None:
    """Queued cards in a group far from Telegram's limit go out one by one, each a reply to its need."""
    budget = {"used": 0.2}
    courier.pressure = lambda chat_id: budget["used"]
    courier.hold = 0.01
    quiet = [courier.post(Parcel(GROUP, f"需求 {i}", reply_to=100 + i, summary=f"#{i}")) for i in range(3)]
    await courier.idle(timeout=10)
    assert len({f.result().message_id for f in quiet}) == 3
    budget["used"] = 0.6
    busy = [courier.post(Parcel(GROUP, f"需求 {i}", reply_to=200 + i, summary=f"#{i}")) for i in range(3)]
    await courier.idle(timeout=10)
    assert len({f.result().message_id for f in busy}) == 1


async def _busy_bot(api: LocalBotApi, tmp_path: Path, router: Router) -> RunningBot:
    """Long-polling (the wire tier): updates of the group and of a private chat are handled side by side."""
    api.limits = ((30, 1.0), (20, 3.0))  # Telegram's 20 a minute in a group, on a 20× faster clock
    settings = replace(make_settings(api, tmp_path / "bot.sqlite3"), flood_group=(20, 3.0))
    bot = RunningBot(api, settings, router, wire=True)
    await bot.start()
    await api.member_change(GROUP, ADMIN, "left", "member")
    await bot.settle()
    return bot


async def test_answers_and_files_wait_behind_the_cards_queued_before_them(api: LocalBotApi, tmp_path: Path,
                                                                         router: Router) -> None:
    """A burst of needs fills the group's outbox; an admin's /needs and /export asked meanwhile come after the
    cards produced before them, within Telegram's limits; another chat is answered at once."""
    bot = await _busy_bot(api, tmp_path, router)
    try:
        assert bot.app is not None
        courier = bot.app.bot_data.services.courier  # type: ignore[union-attr]
        mark = len(api.calls)
        for i in range(60):
            await api.send_text(GROUP, enterprise(i % 20), need_text(i))
        await api.send_text(GROUP, ADMIN, "/needs")
        await api.send_text(GROUP, ADMIN, "/export csv")
        await api.wait_until(lambda: courier.pending(GROUP) > 5)  # the group is at its limit, cards waiting
        api.chat(ADMIN["id"], "张处", kind="private")
        await api.send_text(ADMIN["id"], ADMIN, "/help")
        # The private chat has its own outbox: answered while the group's cards still wait.
        await api.wait_for(lambda c: c.method == "sendMessage" and c.params.get("chat_id") == ADMIN["id"],
                           timeout=30, start=mark)
        assert courier.pending(GROUP) > 0
        await bot.settle()
        assert courier.pending() == 0  # idle: nothing left to send
        group = [c for c in api.calls[mark:] if c.params.get("chat_id") == GROUP and c.method.startswith("send")]
        assert api.too_many == 0 and all(c.status == 200 for c in group)
        kinds = ["card" if "已登记需求" in str(c.params.get("text")) else c.method if c.method != "sendMessage"
                 else "needs" if "办理中的需求" in str(c.params.get("text")) else "other" for c in group]
        assert kinds[-2:] == ["needs", "sendDocument"] and set(kinds[:-2]) == {"card"}, kinds
        assert len(kinds) < 45  # the cards were combined; the answer and the file were not
        async with bot.app.bot_data.services.db.read() as conn:  # type: ignore[union-attr]
            async with conn.execute("SELECT COUNT(*) FROM needs WHERE bot_message_id IS NULL") as cur:
                assert (await cur.fetchone())[0] == 0
    finally:
        await bot.stop()
    assert not bot.errors


async def test_a_notice_that_cannot_reach_telegram_waits_for_the_next_run(served: RunningBot) -> None:
    await served.say(ENTERPRISE, NEED, date=FRIDAY_10)  # unclaimed: the admins hear of it on Monday 10:00
    assert served.app is not None
    services = served.app.bot_data.services
    assert services is not None
    services.courier.backoff = 0.01
    served.api.chat(ADMIN["id"], "张处", kind="private")
    served.clock.set_local(2026, 11, 30, 9, 30)  # the lead's reminder (08:00) and the weekly report (09:00) first
    assert len(await served.run_notices()) == 2
    served.clock.set_local(2026, 11, 30, 10, 0)  # the 签收 limit runs out: the 督办, while Telegram is unreachable
    for _ in range(5):  # every attempt of this run
        served.api.fail_next("sendMessage", 502, "Bad Gateway")
    assert await served.run_notices() == []
    async with services.db.read() as conn:
        assert await NoticeRepo(conn).count("unclaimed") == 0  # not recorded: neither sent nor failed
    sent = await served.run_notices()
    assert len(sent) == 1 and int(sent[0].params["chat_id"]) == ADMIN["id"] and "#1" in sent[0].params["text"]
    async with services.db.read() as conn:
        assert await NoticeRepo(conn).count("unclaimed") == 1
    assert await served.run_notices() == []  # once


async def test_closing_gives_up_what_is_queued_and_tells_the_waiters(api: LocalBotApi, courier: Courier) -> None:
    waiting = [courier.post(Parcel.message(GROUP, f"第{i}条")) for i in range(3)]
    await courier.close()
    assert [f.result().status for f in waiting] == [Status.FAILED] * 3
    assert courier.pending() == 0
    await courier.idle(timeout=1)  # nothing left to wait for
    assert (await courier.deliver(Parcel.message(GROUP, "重新开始"))).sent  # a new post starts a new worker
