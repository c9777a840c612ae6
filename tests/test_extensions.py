"""延期 through the wire: a liaison asks for a later due date before the old one passes (/extend, or 申请延期 on the
reminder and a reply to the bot's question); the admins approve or refuse with a button. The date moves only on
approval (and its reminders with it); the history and the export keep every request."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from bot import texts
from bot.domain import Commitment, Refusal
from bot.domain.extensions import may_ask_extension
from bot.sandbox.localapi import Call
from nlp.dates import read_date_and_reason
from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, MIIT_LIAISON, SHANGHAI, STRANGER, RunningBot

NEED = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"
FRIDAY_10 = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
DEC_1 = datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)


async def promise(bot: RunningBot) -> dict[str, Any]:
    """Need #1, and transport's promise 1 on it, due Friday 11 December."""
    await bot.say(ENTERPRISE, NEED, date=FRIDAY_10)
    made = await bot.say(LIAISON, "两周内开放测试路段", reply_to=bot.card_of(1)["message_id"], date=FRIDAY_10)
    assert "到期日：2026-12-11" in bot.replies_since(made["_calls_from"])[0]
    return made


async def status(bot: RunningBot) -> str:
    await bot.say(ADMIN, "/status 1", date=DEC_1)
    return bot.last_text()


def admin_request(bot: RunningBot) -> Call:
    """The latest 延期 request the admin got (privately: no ADMIN_CHAT_ID in the tests)."""
    return [c for c in bot.api.sent("sendMessage", ADMIN["id"]) if "延期申请" in str(c.params.get("text"))][-1]


def button_data(call: Call) -> list[str]:
    return [b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row]


async def rows(bot: RunningBot, sql: str) -> list[tuple[Any, ...]]:
    async with bot.app.bot_data.services.db.read() as conn:  # type: ignore[union-attr]
        async with conn.execute(sql) as cur:
            return [tuple(r) for r in await cur.fetchall()]


async def decide(bot: RunningBot, user: dict[str, Any], approve: bool) -> int:
    request = admin_request(bot)
    data = button_data(request)[0 if approve else 1]
    assert data.endswith(":y" if approve else ":n")
    return await bot.press(user, request.result["message_id"], data, chat_id=ADMIN["id"])  # type: ignore[index]


async def test_asked_from_the_reminder_and_approved_the_date_and_its_reminders_move(served: RunningBot) -> None:
    await promise(served)
    served.clock.set_local(2026, 12, 10, 9, 0)  # the working day before: the reminder, with 申请延期
    [reminder] = await served.run_notices()
    assert button_data(reminder) == ["extask:1"] and "申请延期" in reminder.params["text"]

    # The liaison presses it and answers the bot's question in a reply.
    mark = await served.press(LIAISON, reminder.result["message_id"], "extask:1")  # type: ignore[index]
    [question] = [c for c in served.calls_since(mark, "sendMessage") if c.status == 200]
    assert "回复本消息" in question.params["text"] and "现到期日 2026-12-11" in question.params["text"]
    asked = await served.say(LIAISON, "12月18日前 需等市里会签", reply_to=question.result["message_id"],  # type: ignore[index]
                             date=datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI))
    assert "已提交延期申请" in served.replies_since(asked["_calls_from"])[0]
    request = admin_request(served)
    text = request.params["text"]
    assert "2026-12-11 → <b>2026-12-18</b>" in text and "需等市里会签" in text and "交通运输局" in text, text
    assert button_data(request) == ["extdo:1:y", "extdo:1:n"]
    assert "到期：2026-12-11" in await status(served)  # nothing moves before an admin approves

    mark = await decide(served, ADMIN, approve=True)
    told = [c for c in served.calls_since(mark, "sendMessage") if int(c.params["chat_id"]) == GROUP]
    assert len(told) == 1 and "已批准承诺 1（需求 #1）延期：到期日由 2026-12-11 改为 2026-12-18" in \
        told[0].params["text"]
    # The liaison and the enterprise that posted the need are both named in the group.
    assert f'tg://user?id={LIAISON["id"]}' in told[0].params["text"]
    assert f'tg://user?id={ENTERPRISE["id"]}' in told[0].params["text"]
    edited = served.calls_since(mark, "editMessageText")
    assert edited and "✅ 已批准" in edited[0].params["text"] and "reply_markup" not in edited[0].params
    assert "到期：2026-12-18" in await status(served)

    # Reminders follow the new date: none on the old date's morning, one the day before the new date.
    served.clock.set_local(2026, 12, 11, 9, 30)
    assert await served.run_notices() == []
    served.clock.set_local(2026, 12, 17, 9, 0)  # (the need's own 办结 limit falls on the 18th too: not this one)
    [again] = [c for c in await served.run_notices() if "办结提醒" not in c.params["text"]]
    assert "明天到期" in again.params["text"] and "2026-12-18" in again.params["text"]

    # A second press of 批准 (another admin's copy, say) changes nothing.
    mark = await decide(served, ADMIN, approve=True)
    assert served.calls_since(mark, "answerCallbackQuery")[0].params.get("show_alert") is True


async def test_refused_the_date_stays_and_the_liaison_is_told(served: RunningBot) -> None:
    await promise(served)
    asked = await served.say(LIAISON, "/extend 1 12月20日前 路侧单元到货推迟", date=DEC_1)
    assert "已提交延期申请" in served.replies_since(asked["_calls_from"])[0]
    mark = await decide(served, ADMIN, approve=False)
    told = [c for c in served.calls_since(mark, "sendMessage") if int(c.params["chat_id"]) == GROUP]
    assert len(told) == 1 and "未获批准，到期日仍为 2026-12-11" in told[0].params["text"]
    assert f'tg://user?id={LIAISON["id"]}' in told[0].params["text"]
    text = await status(served)
    assert "到期：2026-12-11" in text and "驳回延期申请（承诺 1：2026-12-11 → 2026-12-20）" in text
    # The old date's reminder still goes out.
    served.clock.set_local(2026, 12, 10, 9, 0)
    [reminder] = await served.run_notices()
    assert "明天到期" in reminder.params["text"] and "2026-12-11" in reminder.params["text"]


async def test_after_the_due_date_it_is_overdue_and_a_matter_for_the_admins(served: RunningBot) -> None:
    await promise(served)
    await served.say(LIAISON, "/extend 1 12月20日前 路侧单元到货推迟",
                     date=datetime(2026, 12, 12, 10, 0, tzinfo=SHANGHAI))
    answer = served.last_text()
    assert "已于 2026-12-11 到期，现已逾期，不能再申请延期" in answer and "管理员" in answer, answer
    # The reminder's button, pressed too late, says the same in an alert.
    served.clock.set_local(2026, 12, 12, 10, 0)
    mark = await served.press(LIAISON, served.card_of(1)["message_id"], "extask:1")
    alert = served.calls_since(mark, "answerCallbackQuery")[0].params
    assert alert.get("show_alert") is True and "现已逾期" in alert["text"]
    assert await rows(served, "SELECT * FROM extension_requests") == []
    assert not any("延期申请" in str(c.params.get("text")) for c in served.api.sent("sendMessage", ADMIN["id"]))


async def test_only_the_promises_party_may_ask(served: RunningBot) -> None:
    await promise(served)
    for user in (MIIT_LIAISON, ENTERPRISE, STRANGER):
        await served.say(user, "/extend 1 12月20日前 路侧单元到货推迟", date=DEC_1)
        assert "只有作出承诺的单位的联络员可以申请延期" in served.last_text(), served.last_text()
        served.clock.set_local(2026, 12, 1, 10, 0)
        mark = await served.press(user, served.card_of(1)["message_id"], "extask:1")
        alert = served.calls_since(mark, "answerCallbackQuery")[0].params
        assert alert.get("show_alert") is True and "只有作出承诺的单位的联络员" in alert["text"]
        assert not served.calls_since(mark, "sendMessage")
    assert await rows(served, "SELECT * FROM extension_requests") == []


async def test_only_admins_may_approve(served: RunningBot) -> None:
    await promise(served)
    await served.say(LIAISON, "/extend 1 12月20日前 路侧单元到货推迟", date=DEC_1)
    for user in (LIAISON, ENTERPRISE, MIIT_LIAISON):
        for approve in (True, False):
            mark = await decide(served, user, approve)
            alert = served.calls_since(mark, "answerCallbackQuery")[0].params
            assert alert.get("show_alert") is True and alert["text"] == texts.NOT_ADMIN_BUTTON
            assert not served.calls_since(mark, "sendMessage") and not served.calls_since(mark, "editMessageText")
    assert await rows(served, "SELECT status FROM extension_requests") == [("pending",)]
    assert "到期：2026-12-11" in await status(served)
    await decide(served, ADMIN, approve=True)
    assert "到期：2026-12-20" in await status(served)


@pytest.mark.parametrize(("words", "answer"), [
    ("/extend 1 12月20日前", "须写明理由"),
    ("/extend 1 尽快 路侧单元到货推迟", "未能识别新的到期日"),
    ("/extend 1 12月5日前 路侧单元到货推迟", "须晚于现在的到期日 2026-12-11"),
    ("/extend 1 11月20日前 路侧单元到货推迟", "已过"),
    ("/extend 1", "用法：/extend"),
    ("/extend 9 12月20日前 路侧单元到货推迟", "本群没有这个编号的承诺"),
])
async def test_a_request_needs_a_later_date_and_a_reason(served: RunningBot, words: str, answer: str) -> None:
    await promise(served)
    await served.say(LIAISON, words, date=DEC_1)
    assert answer in served.last_text(), served.last_text()
    assert await rows(served, "SELECT * FROM extension_requests") == []


async def test_one_request_waits_at_a_time_and_a_kept_promise_cannot_move(served: RunningBot) -> None:
    await promise(served)
    await served.say(LIAISON, "/extend 1 12月20日前 路侧单元到货推迟", date=DEC_1)
    await served.say(LIAISON, "/extend 1 12月25日前 还要再等等", date=DEC_1)
    assert "已申请延期到 2026-12-20，正在等待管理员审批" in served.last_text()
    await served.say(ADMIN, "/done 1", date=DEC_1)  # kept meanwhile: the request can only be refused
    mark = await decide(served, ADMIN, approve=True)
    assert "已兑现" in served.calls_since(mark, "answerCallbackQuery")[0].params["text"]
    assert await rows(served, "SELECT status FROM extension_requests") == [("pending",)]
    await served.say(LIAISON, "/extend 1 12月25日前 还要再等等", date=DEC_1)
    assert "已兑现" in served.last_text()


async def test_a_dated_promise_moves_only_by_extension_but_an_admin_may_correct(served: RunningBot) -> None:
    await promise(served)
    await served.say(LIAISON, "/due 1 12月20日前", date=DEC_1)
    assert "修改到期日须在到期前申请延期" in served.last_text() and "/extend 1" in served.last_text()
    assert "到期：2026-12-11" in await status(served)
    await served.say(ADMIN, "/due 1 12月20日前", date=DEC_1)
    assert "到期日由 2026-12-11 改为 2026-12-20" in served.last_text()


async def test_the_export_keeps_every_request_and_counts_them_per_promise(served: RunningBot) -> None:
    await promise(served)
    await served.say(LIAISON, "/extend 1 12月20日前 路侧单元到货推迟", date=DEC_1)
    await decide(served, ADMIN, approve=False)
    await served.say(LIAISON, "/extend 1 12月18日前 需等市里会签", date=DEC_1)
    await decide(served, ADMIN, approve=True)
    await served.say(ADMIN, "/export", date=DEC_1)
    document = [c for c in served.api.calls if c.method == "sendDocument"][-1]
    assert "延期 2 条" in document.params["caption"]
    book = load_workbook(io.BytesIO(document.params["document"]["data"]))
    sheet = list(book["延期"].values)
    header, found = sheet[0], [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]
    assert {"原到期日", "申请到期日", "理由", "状态", "申请时间", "审批时间", "申请人ID", "审批人ID"} <= set(header)
    assert [(r["原到期日"], r["申请到期日"], r["理由"], r["状态"], r["申请人ID"], r["审批人ID"]) for r in found] == [
        ("2026-12-11", "2026-12-20", "路侧单元到货推迟", "已驳回", LIAISON["id"], ADMIN["id"]),
        ("2026-12-11", "2026-12-18", "需等市里会签", "已批准", LIAISON["id"], ADMIN["id"]),
    ]
    assert found[0]["申请时间"] == "2026-12-01 10:00"
    promises = list(book["承诺"].values)
    row = dict(zip(promises[0], promises[1], strict=True))
    assert row["批准延期次数"] == 1 and row["到期日"] == "2026-12-18"
    events = [str(r) for r in list(book["记录"].values)[1:]]
    assert sum("批准延期" in e and "2026-12-18" in e for e in events) == 1


@pytest.mark.parametrize(("words", "day", "reason"), [
    ("12月25日前 需等市里会签", "2026-12-25", "需等市里会签"),
    ("两周内 路侧单元到货推迟", "2026-12-15", "路侧单元到货推迟"),
    ("延期到12月25日，需等市里会签", "2026-12-25", "需等市里会签"),
    ("需等市里会签，延期到12月25日", "2026-12-25", "需等市里会签"),
    ("12月25日前", "2026-12-25", ""),
    ("尽快 需等市里会签", None, ""),
])
def test_the_new_date_and_the_reason_are_read_apart(words: str, day: str | None, reason: str) -> None:
    reading, said = read_date_and_reason(words, DEC_1)
    assert (reading.day.isoformat() if reading.day else None, said) == (day, reason)


def _promise(status: str = "open", due: date | None = date(2026, 12, 11)) -> Commitment:
    return Commitment(1, 1, "transport", LIAISON["id"], "两周内开放测试路段", due, status, FRIDAY_10)


@pytest.mark.parametrize(("commitment", "party", "today", "pending", "refused"), [
    (_promise(), "transport", date(2026, 12, 11), False, None),  # on the due date itself: not passed yet
    (_promise(), "transport", date(2026, 12, 12), False, Refusal.EXTENSION_OVERDUE),
    (_promise(), "miit", date(2026, 12, 1), False, Refusal.NOT_EXTENDER),
    (_promise(), None, date(2026, 12, 1), False, Refusal.NOT_EXTENDER),
    (_promise("done"), "transport", date(2026, 12, 1), False, Refusal.ALREADY_SETTLED),
    (_promise("cancelled"), "transport", date(2026, 12, 1), False, Refusal.ALREADY_SETTLED),
    (_promise("reported"), "transport", date(2026, 12, 1), False, Refusal.ALREADY_SETTLED),
    (_promise(due=None), "transport", date(2026, 12, 1), False, Refusal.EXTENSION_UNDATED),
    (_promise(), "transport", date(2026, 12, 1), True, Refusal.EXTENSION_PENDING),
])
def test_who_may_ask_and_when(commitment: Commitment, party: str | None, today: date, pending: bool,
                              refused: Refusal | None) -> None:
    assert may_ask_extension(commitment, party, today, pending) is refused
