"""Commitments through the wire: reminders, the admins' overdue digest, escalation of unclaimed needs,
quiet hours, withdrawal, and a restart in the middle — with the bot's clock set by the test."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bot.sandbox.localapi import Call, LocalBotApi
from nlp.router import Router
from storage.notices import NoticeRepo
from tests.conftest import (
    ADMIN,
    ENTERPRISE,
    GROUP,
    LIAISON,
    OTHER_GROUP,
    SHANGHAI,
    STRANGER,
    RunningBot,
    make_settings,
)

NEED = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"
FRIDAY_10 = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)


async def need_with_promise(bot: RunningBot, promise: str = "两周内开放测试路段", claim: bool = True) -> dict[str, Any]:
    """Need #1 posted Friday 27 November 10:00, claimed by transport, and a promise replied to its card."""
    await bot.say(ENTERPRISE, NEED, date=FRIDAY_10)
    card = bot.card_of(1)
    need_id = int(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])
    if claim:
        await bot.press(LIAISON, card["message_id"], f"claim:{need_id}")
    return await bot.say(LIAISON, promise, reply_to=card["message_id"], date=FRIDAY_10)


def texts_to(calls: list[Call], chat_id: int) -> list[str]:
    return [str(c.params["text"]) for c in calls if int(c.params["chat_id"]) == chat_id]


async def test_a_promise_is_reminded_then_escalated_daily_until_kept(served: RunningBot) -> None:
    promise = await need_with_promise(served)  # due Friday 11 December
    assert "到期日：2026-12-11" in served.last_text()

    served.clock.set_local(2026, 12, 10, 8, 59)
    assert await served.run_notices() == []
    served.clock.set_local(2026, 12, 10, 9, 0)  # the working day before, 09:00
    sent = await served.run_notices()
    assert len(sent) == 1 and int(sent[0].params["chat_id"]) == GROUP
    assert "⏰ 提醒" in sent[0].params["text"] and "明天到期" in sent[0].params["text"]
    assert f'tg://user?id={LIAISON["id"]}' in sent[0].params["text"]  # the liaison is mentioned
    assert sent[0].params["reply_parameters"]["message_id"] == promise["message_id"]  # under the promise itself
    assert f'href="https://t.me/c/{str(GROUP)[4:]}/{served.card_of(1)["message_id"]}">需求 #1</a>' in \
        sent[0].params["text"]  # and a link to the need's card
    assert await served.run_notices() == []  # once

    served.clock.set_local(2026, 12, 11, 9, 30)
    sent = await served.run_notices()
    assert len(sent) == 1 and "今天到期" in sent[0].params["text"]

    served.clock.set_local(2026, 12, 12, 9, 0)  # overdue: the admins' digest, in the admin's private chat
    sent = await served.run_notices()
    assert len(sent) == 1 and int(sent[0].params["chat_id"]) == ADMIN["id"]
    assert "逾期承诺日报" in sent[0].params["text"] and "承诺 1" in sent[0].params["text"]
    assert "逾期 1 天" in sent[0].params["text"]
    assert await served.run_notices() == []
    served.clock.set_local(2026, 12, 13, 9, 0)
    sent = await served.run_notices()
    assert len(sent) == 1 and "逾期 2 天" in sent[0].params["text"]  # daily until settled

    # Reported kept: no longer overdue, so no digest.
    await served.say(LIAISON, "/done 1", date=datetime(2026, 12, 13, 10, 0, tzinfo=SHANGHAI))
    assert "报告承诺 1" in served.last_text()
    served.clock.set_local(2026, 12, 15, 10, 0)  # (a Tuesday: Monday's weekly report is not in the way)
    assert await served.run_notices() == []

    await served.say(ADMIN, "/status 1")
    assert "已报告兑现，待确认" in served.last_text()


async def test_the_lead_is_reminded_before_the_claim_limit_and_the_admins_escalate_when_it_runs_out(
        served: RunningBot) -> None:
    # Routed on Friday 10:00: one working day to claim it runs out on Monday 10:00 (the weekend does not count).
    await served.say(ENTERPRISE, NEED, date=FRIDAY_10)
    served.clock.set_local(2026, 11, 30, 7, 59)
    assert await served.run_notices() == []
    served.clock.set_local(2026, 11, 30, 8, 0)  # four hours before is in the quiet hours: reminded when they end
    sent = await served.run_notices()
    reminder = texts_to(sent, GROUP)
    assert len(reminder) == 1 and "签收提醒" in reminder[0] and "需求 #1" in reminder[0]
    assert f'tg://user?id={LIAISON["id"]}' in reminder[0] and "转交" in reminder[0]
    served.clock.set_local(2026, 11, 30, 9, 59)
    assert not [c for c in await served.run_notices() if "督办" in c.params["text"]]  # the weekly report only
    served.clock.set_local(2026, 11, 30, 10, 0)
    sent = await served.run_notices()
    assert texts_to(sent, ADMIN["id"]) and "🚨 督办" in texts_to(sent, ADMIN["id"])[0]
    assert "需求 #1" in sent[0].params["text"] and "签收时限（1 个工作日）" in sent[0].params["text"]
    card = served.card_of(1)
    assert f'href="https://t.me/c/{str(GROUP)[4:]}/{card["message_id"]}"' in sent[0].params["text"]  # to the card
    assert "牵头单位 交通运输局 仍未认领" in sent[0].params["text"]
    assert await served.run_notices() == []


async def test_a_claimed_need_is_not_escalated_and_nothing_goes_out_at_night(served: RunningBot) -> None:
    await need_with_promise(served)  # claimed
    await served.say(ENTERPRISE, "希望对接医院开展癌症早筛试点，需要脱敏的体检数据",
                     date=datetime(2026, 11, 27, 22, 30, tzinfo=SHANGHAI))  # need #2, late on Friday night
    # #2's clock starts on Monday 08:00 (the next working morning): its limit is Tuesday 08:00, so its lead is
    # reminded on Monday evening, before the quiet hours, and the admins hear of it on Tuesday morning.
    served.clock.set_local(2026, 11, 30, 8, 0)
    assert await served.run_notices() == []  # #1 was claimed: never reminded nor escalated
    served.clock.set_local(2026, 11, 30, 20, 0)
    to_group = texts_to(await served.run_notices(), GROUP)  # (the admins get the weekly report too)
    assert len(to_group) == 1 and "签收提醒" in to_group[0] and "需求 #2" in to_group[0]
    served.clock.set_local(2026, 11, 30, 23, 0)
    assert await served.run_notices() == []
    served.clock.set_local(2026, 12, 1, 8, 0)
    sent = await served.run_notices()
    assert len(sent) == 1 and "🚨 督办" in sent[0].params["text"] and "需求 #2" in sent[0].params["text"]


async def test_a_withdrawn_promise_is_not_reminded(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(STRANGER, "/cancel 1")
    assert "只有作出承诺的单位联络员" in served.last_text()
    await served.say(LIAISON, "/cancel 1")
    assert "承诺 1（需求 #1）已撤回" in served.last_text()
    await served.say(LIAISON, "/done 1")
    assert "已经撤回" in served.last_text()
    served.clock.set_local(2026, 12, 12, 9, 0)
    assert await served.run_notices() == []
    await served.say(ADMIN, "/status 1")
    assert "已撤回" in served.last_text()


async def test_a_resolved_need_stops_its_reminders(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(ADMIN, "/resolve 1")
    served.clock.set_local(2026, 12, 10, 9, 0)
    assert await served.run_notices() == []
    served.clock.set_local(2026, 12, 12, 9, 0)
    assert await served.run_notices() == []


async def test_a_disputed_report_is_open_again(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(LIAISON, "/done 1")
    report = next(m for (c, _), m in served.api.messages.items() if c == GROUP and "报告承诺 1" in m.get("text", ""))
    await served.press(ENTERPRISE, report["message_id"], "kept:1:n")
    assert "有异议" in served.last_text()
    served.clock.set_local(2026, 12, 12, 9, 0)
    sent = await served.run_notices()
    assert len(sent) == 1 and "逾期承诺日报" in sent[0].params["text"]  # open and past due again


async def test_an_admin_that_blocked_the_bot_is_not_retried_forever(served: RunningBot) -> None:
    await served.say(ENTERPRISE, NEED, date=FRIDAY_10)
    served.clock.set_local(2026, 11, 30, 9, 30)  # the lead's reminder and the weekly report go first
    await served.run_notices()
    served.api.blocked_chats.add(ADMIN["id"])
    served.clock.set_local(2026, 11, 30, 10, 0)  # the 签收 limit runs out: the 督办 cannot reach the admin
    mark = len(served.api.calls)
    assert await served.run_notices() == []
    assert [c.status for c in served.calls_since(mark, "sendMessage")] == [403]
    mark = len(served.api.calls)
    await served.run_notices()
    assert not served.calls_since(mark, "sendMessage")  # recorded as failed, not attempted again
    assert served.errors == []


def reminders(api: LocalBotApi) -> list[Call]:
    return [c for c in api.calls if c.method == "sendMessage" and "⏰ 提醒" in str(c.params.get("text"))]


async def test_a_reminder_due_while_the_bot_was_down_is_sent_once_on_restart(api: LocalBotApi, tmp_path: Path,
                                                                              router: Router) -> None:
    settings = make_settings(api, tmp_path / "bot.sqlite3")
    first = RunningBot(api, settings, router, wire=True)
    await first.start()
    await api.member_change(GROUP, ADMIN, "left", "member")
    api.add_user(LIAISON)
    await first.say(ADMIN, f"/bind {LIAISON['id']} transport")
    await need_with_promise(first)
    await first.stop()

    # Down over the reminder's time (Thursday 10 December 09:00); back at 10:00.
    second = RunningBot(api, settings, wire=True)
    second.clock.set_local(2026, 12, 10, 10, 0)
    await second.start()  # the job is rebuilt from the database and runs at once
    try:
        await second.jobs_finished(1)
        sent = reminders(api)
        assert len(sent) == 1 and "明天到期" in sent[0].params["text"]
    finally:
        await second.stop()

    third = RunningBot(api, settings, wire=True)
    third.clock.set_local(2026, 12, 10, 10, 30)
    await third.start()
    try:
        await third.jobs_finished(1)  # the at-once run has had its chance
        assert await third.run_notices() == []
        assert len(reminders(api)) == 1  # not twice
        assert third.app is not None
        async with third.app.bot_data.services.db.read() as conn:  # type: ignore[union-attr]
            assert await NoticeRepo(conn).count("before") == 1
    finally:
        await third.stop()
    assert not first.errors and not second.errors and not third.errors


async def test_agreements_are_recorded_by_command_and_from_an_announcement(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(STRANGER, "/agreement 1 与青岛天使基金签约，天使轮融资800万元")
    assert "只有管理员、提出需求的企业" in served.last_text()
    await served.say(LIAISON, "/agreement 1 与青岛天使基金签约，天使轮融资800万元")
    text = served.last_text()
    assert "已记录需求 #1 的对接成果（融资，800 万元）" in text, text
    await served.say(ADMIN, "/agreement 9 签约")
    assert "没有这个编号的需求" in served.last_text()
    await served.say(ADMIN, "/agreement 1")
    assert "用法：/agreement" in served.last_text()

    # The enterprise announces a signing: the bot offers to record it against the sender's need.
    message = await served.say(ENTERPRISE, "好消息！今天我们和城阳区签订协议，开放5公里测试道路，总投资2亿元")
    offer = served.calls_since(message["_calls_from"], "sendMessage")
    assert len(offer) == 1 and "记录为需求 #1 的对接成果" in offer[0].params["text"]
    assert "已登记需求" not in served.last_text()  # not taken for a new need
    offer_message = next(m for (c, _), m in served.api.messages.items()
                         if c == GROUP and "记录为需求 #1 的对接成果" in m.get("text", ""))
    data = offer_message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    mark = await served.press(STRANGER, offer_message["message_id"], data)
    assert served.calls_since(mark, "answerCallbackQuery")[0].params["show_alert"] is True
    mark = await served.press(ENTERPRISE, offer_message["message_id"], data)
    edited = served.calls_since(mark, "editMessageText")
    assert edited and "（场景开放，2 亿元）" in edited[0].params["text"]
    mark = await served.press(ENTERPRISE, offer_message["message_id"], data)
    assert "这项成果已记录（#" in served.calls_since(mark, "answerCallbackQuery")[0].params["text"]

    await served.say(ADMIN, "/status 1")
    status = served.last_text()
    assert "成果" in status and "融资 800 万元" in status and "场景开放 2 亿元" in status


async def test_kept_rate_per_party(served: RunningBot) -> None:
    await need_with_promise(served)  # transport: claimed, one promise due 11 December
    await served.say(LIAISON, "/commit 1 明天提供路侧单元接口文档", date=FRIDAY_10)  # due Saturday 28th
    await served.say(LIAISON, "/done 2", date=datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI))
    report = next(m for (c, _), m in served.api.messages.items() if c == GROUP and "报告承诺 2" in m.get("text", ""))
    await served.press(ENTERPRISE, report["message_id"], "kept:2:y")
    served.clock.set_local(2026, 12, 15, 10, 0)  # promise 1 is overdue by now
    await served.say(STRANGER, "/kept")
    assert "仅限管理员" in served.last_text() or "管理员" in served.last_text()
    await served.say(ADMIN, "/kept")
    text = served.last_text()
    assert "承诺兑现情况</b>（本群）" in text
    promises = text[text.index("承诺兑现情况"):]
    row = next(line for line in promises.split("\n") if line.endswith("</code> 交通运输局"))
    # 兑现率 承诺 按期 晚兑 逾期 进行 撤回 认领 (认领用时)
    assert row.removeprefix("<code>").split()[:8] == ["50%", "2", "1", "0", "1", "0", "0", "1"], text


async def test_an_undated_promise_counts_as_overdue_after_the_grace(served: RunningBot) -> None:
    await need_with_promise(served, "我们尽快协调开放测试路段")  # undated: the bot asks for a date
    assert "未识别到完成日期" in served.last_text()
    await served.say(ADMIN, "/overdue", date=datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI))
    assert "未定日期的承诺" in served.last_text() and "宽限期" not in served.last_text()
    await served.say(ADMIN, "/overdue", date=datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI))
    assert "已超过宽限期，计为逾期" in served.last_text()
    served.clock.set_local(2026, 12, 5, 9, 0)
    sent = await served.run_notices()
    assert len(sent) == 1 and "超过期限仍未定日期" in sent[0].params["text"]  # in the admins' digest


async def test_a_reminder_overtaken_while_down_is_recorded_not_sent(served: RunningBot) -> None:
    await need_with_promise(served)  # due Friday 11 December
    served.clock.set_local(2026, 12, 11, 10, 0)  # nothing ran on the 10th: the day-before reminder is late
    sent = await served.run_notices()
    assert len(sent) == 1 and "今天到期" in sent[0].params["text"]  # only the morning one says it now
    assert served.app is not None
    async with served.app.bot_data.services.db.read() as conn:  # type: ignore[union-attr]
        async with conn.execute("SELECT key, outcome FROM notices ORDER BY key") as cur:
            assert [tuple(r) for r in await cur.fetchall()] == [("before:1@2026-12-11", "superseded"),
                                                                  ("morning:1@2026-12-11", "sent")]
    assert await served.run_notices() == []


async def test_the_weekly_report_goes_to_the_admin_chat_once_a_week(api: LocalBotApi, tmp_path: Path,
                                                                    router: Router) -> None:
    from dataclasses import replace

    admin_chat = -1005550000000
    bot = RunningBot(api, replace(make_settings(api, tmp_path / "bot.sqlite3"), admin_chat_id=admin_chat), router)
    await bot.start()
    try:
        await api.member_change(GROUP, ADMIN, "left", "member")
        await bot.settle()
        await bot.say(ENTERPRISE, NEED, date=FRIDAY_10)
        bot.clock.set_local(2026, 11, 30, 8, 59)  # Monday, before the hour
        assert [c for c in await bot.run_notices() if "每周对接简报" in c.params["text"]] == []
        bot.clock.set_local(2026, 11, 30, 9, 0)
        mark = len(api.calls)
        sent = await bot.run_notices()
        weekly = [c for c in sent if "每周对接简报" in c.params["text"]]
        assert len(weekly) == 1 and int(weekly[0].params["chat_id"]) == admin_chat
        assert "需求 1 → 已认领 0" in weekly[0].params["text"]
        photos = bot.calls_since(mark, "sendPhoto")
        assert len(photos) == 1 and int(photos[0].params["chat_id"]) == admin_chat
        # The escalation of the unclaimed need went to the admin chat as well, not to the admin privately.
        assert not [c for c in sent if int(c.params["chat_id"]) == ADMIN["id"]]
        bot.clock.set_local(2026, 11, 30, 15, 0)
        assert [c for c in await bot.run_notices() if "每周对接简报" in c.params["text"]] == []  # once
        bot.clock.set_local(2026, 12, 7, 9, 30)
        assert len([c for c in await bot.run_notices() if "每周对接简报" in c.params["text"]]) == 1  # next week
    finally:
        await bot.stop()
    assert not bot.errors


async def test_a_promise_is_dated_only_in_its_own_group_and_every_event_names_its_group(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.api.member_change(OTHER_GROUP, ADMIN, "left", "member")  # a second served group
    await served.settle()
    await served.say(LIAISON, "/due 1 12月15日前", chat_id=OTHER_GROUP)
    assert "本群没有这个编号的承诺" in served.last_text()
    await served.say(ADMIN, "/due 1 12月15日前")
    assert "到期日由 2026-12-11 改为 2026-12-15" in served.last_text()  # dated: an admin's explicit change
    services = served.app.bot_data.services  # type: ignore[union-attr]
    async with services.db.read() as conn:
        async with conn.execute("SELECT kind FROM events WHERE need_id IS NOT NULL AND chat_id IS NULL") as cur:
            assert [row[0] for row in await cur.fetchall()] == []  # so a group's /export holds all of them


async def test_a_promise_whose_date_changed_is_reminded_of_the_new_date(served: RunningBot) -> None:
    await need_with_promise(served)  # due Friday 11 December
    served.clock.set_local(2026, 12, 10, 9, 0)
    assert len(await served.run_notices()) == 1  # the day before the first date
    await served.say(ADMIN, "/due 1 12月18日前", date=datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI))
    assert "由 2026-12-11 改为 2026-12-18" in served.last_text()
    served.clock.set_local(2026, 12, 11, 9, 30)
    assert await served.run_notices() == []  # the old date's morning reminder is not owed any more
    served.clock.set_local(2026, 12, 17, 9, 0)
    sent = [c for c in await served.run_notices() if "办结提醒" not in c.params["text"]]  # (the need's own limit
    assert len(sent) == 1 and "明天到期" in sent[0].params["text"]  # is the 18th too) the day before the new date
