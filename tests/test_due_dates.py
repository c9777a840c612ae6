"""Due dates that make sense, through the wire: a past date, a year or span no calendar holds and one beyond the
horizon are refused with why and asked for again — under a card, in a reply to the bot's question and with
/due — a date of today or tomorrow says so, and changing a dated promise's date is an explicit change kept in
/status and in the export's 记录 sheet."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, SHANGHAI, RunningBot

NEED = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"
SUNDAY = datetime(2026, 11, 29, 10, 0, tzinfo=SHANGHAI)  # Sunday 29 November: 月底 is tomorrow


async def promise_under_card(bot: RunningBot, words: str, at: datetime = SUNDAY) -> list[str]:
    """Need #1 posted, then the liaison's promise replied to its card: the bot's answers to the promise."""
    await bot.say(ENTERPRISE, NEED, date=at)
    message = await bot.say(LIAISON, words, reply_to=bot.card_of(1)["message_id"], date=at)
    return bot.replies_since(message["_calls_from"])


def bot_message(bot: RunningBot, containing: str) -> dict[str, Any]:
    """The bot's latest message in the group whose text contains ``containing``."""
    return [m for (chat, _), m in sorted(bot.api.messages.items(), key=lambda kv: kv[0][1])
            if chat == GROUP and m.get("from", {}).get("is_bot") and containing in m.get("text", "")][-1]


async def status(bot: RunningBot) -> str:
    await bot.say(ADMIN, "/status 1", date=SUNDAY)
    return bot.last_text()


@pytest.mark.parametrize(("words", "named"), [
    ("11月1日前完成对接", "“11月1日”，即 2026-11-01"),
    ("本周五前开放测试路段", "“本周五”，即 2026-11-27"),
    ("2025年12月31日前开放测试路段", "“2025年12月31日”，即 2025-12-31"),
])
async def test_a_past_date_under_a_card_is_refused_and_asked_for_again(served: RunningBot, words: str,
                                                                       named: str) -> None:
    answers = await promise_under_card(served, words)
    assert len(answers) == 2, answers  # the confirmation, and the card refreshed
    confirmation = answers[0]
    assert "已记录承诺 1" in confirmation and f"这个日期（{named}）已过" in confirmation, confirmation
    assert "请重新告诉我承诺日期" in confirmation and "/due 1" in confirmation
    assert "到期：未定（待补日期）" in await status(served)  # the promise stays undated
    # Its confirmation is the bot's question: a reply to it with a date that can be kept dates the promise.
    await served.say(LIAISON, "12月15日前", reply_to=bot_message(served, "已记录承诺 1")["message_id"], date=SUNDAY)
    assert "到期日已定为 2026-12-15" in served.last_text()


async def test_a_past_date_in_the_reply_to_the_question_is_refused_and_asked_again(served: RunningBot) -> None:
    await promise_under_card(served, "我们尽快协调开放测试路段")  # undated: the bot asks
    question = bot_message(served, "未识别到完成日期")
    await served.say(LIAISON, "11月1日前", reply_to=question["message_id"], date=SUNDAY)
    refused = served.last_text()
    assert "这个日期（“11月1日”，即 2026-11-01）已过" in refused and "请重新告诉我承诺日期" in refused, refused
    assert "到期：未定（待补日期）" in await status(served)
    # The refusal asks again: a reply to it gives the date (and a reply to it with nonsense is refused again).
    await served.say(LIAISON, "9999年12月31日前", reply_to=bot_message(served, "已过")["message_id"], date=SUNDAY)
    assert "无法识别这个日期（“9999年”）" in served.last_text()
    await served.say(LIAISON, "两周内", reply_to=bot_message(served, "无法识别")["message_id"], date=SUNDAY)
    assert "到期日已定为 2026-12-13" in served.last_text()
    assert "补充承诺日期（承诺 1，到期 2026-12-13）" in await status(served)


@pytest.mark.parametrize(("words", "answer"), [
    ("99999999999999999999天内", "无法识别这个日期（“99999999999999999999天内”）"),
    ("99999999999999999999天内完成", "无法识别这个日期（“99999999999999999999天内”）"),
    ("9999年12月31日前", "无法识别这个日期（“9999年”）"),
    ("3000年", "无法识别这个日期（“3000年”）"),
    ("9999天内", "太远，无法识别为承诺日期（最远 5 年内）"),
    ("2099年12月31日前", "这个日期（“2099年12月31日”，即 2099-12-31）太远"),
    ("11月1日前", "这个日期（“11月1日”，即 2026-11-01）已过"),
    ("本周五前", "这个日期（“本周五”，即 2026-11-27）已过"),
])
async def test_due_with_a_date_that_cannot_be_kept_is_refused_and_not_applied(served: RunningBot, words: str,
                                                                             answer: str) -> None:
    await promise_under_card(served, "我们尽快协调开放测试路段")
    await served.say(LIAISON, f"/due 1 {words}", date=SUNDAY)
    refused = served.last_text()
    assert answer in refused and "请重新告诉我承诺日期" in refused, refused
    assert "到期：未定（待补日期）" in await status(served)
    assert not served.errors
    # The bot carries on: the refusal is a question a reply to which dates the promise.
    await served.say(LIAISON, "12月20日前", reply_to=bot_message(served, answer)["message_id"], date=SUNDAY)
    assert "到期日已定为 2026-12-20" in served.last_text()


@pytest.mark.parametrize(("words", "answer"), [
    ("99999999999999999999天内完成", "无法识别这个日期（“99999999999999999999天内”）"),
    ("9999年12月31日前开放", "无法识别这个日期（“9999年”）"),
    ("我们3000年内开放测试路段", "无法识别这个日期（“3000年”）"),
    ("9999天内开放测试路段", "太远，无法识别为承诺日期（最远 5 年内）"),
])
async def test_an_absurd_date_under_a_card_records_the_promise_undated_and_asks(served: RunningBot, words: str,
                                                                               answer: str) -> None:
    answers = await promise_under_card(served, words)
    assert "已记录承诺 1" in answers[0] and answer in answers[0], answers
    assert "到期：未定（待补日期）" in await status(served)


@pytest.mark.parametrize(("words", "due"), [
    ("月底前开放测试路段", "到期日：明天（2026-11-30，按“月底”计）"),
    ("今天下班前给答复", "到期日：今天（2026-11-29）"),
    ("明天提供接口文档", "到期日：明天（2026-11-30）"),
    ("24小时内答复", "到期日：明天（2026-11-30，按“24小时”计）"),
    ("两周内开放测试路段", "到期日：2026-12-13。"),
])
async def test_a_date_of_today_or_tomorrow_says_so(served: RunningBot, words: str, due: str) -> None:
    answers = await promise_under_card(served, words)
    assert due in answers[0], answers


async def test_due_today_or_tomorrow_says_so(served: RunningBot) -> None:
    await promise_under_card(served, "我们尽快协调开放测试路段")
    await served.say(LIAISON, "/due 1 月底前", date=SUNDAY)
    assert "到期日已定为 明天（2026-11-30，按“月底”计）" in served.last_text()


async def test_changing_a_dated_promise_is_explicit_and_kept_in_status_and_export(served: RunningBot) -> None:
    answers = await promise_under_card(served, "两周内开放测试路段")  # due Sunday 13 December
    assert "到期日：2026-12-13" in answers[0]
    # A liaison asks for 延期 (tests/test_extensions.py); an admin may correct the date.
    await served.say(LIAISON, "/due 1 12月20日前", date=SUNDAY)
    assert "修改到期日须在到期前申请延期" in served.last_text()
    await served.say(ADMIN, "/due 1 12月20日前", date=SUNDAY)
    assert "📅 承诺 1（需求 #1）到期日由 2026-12-13 改为 2026-12-20。" == served.last_text()
    await served.say(ADMIN, "/due 1 12月25日前", date=SUNDAY)
    assert "到期日由 2026-12-20 改为 2026-12-25" in served.last_text()
    await served.say(ADMIN, "/due 1 12月25日", date=SUNDAY)
    assert "已是 2026-12-25，未作改动" in served.last_text()
    # A date that cannot be kept changes nothing, and says what stays.
    await served.say(ADMIN, "/due 1 11月1日前", date=SUNDAY)
    assert "已过" in served.last_text() and "到期日未改动（仍为 2026-12-25）" in served.last_text()

    text = await status(served)
    assert "到期：2026-12-25，进行中" in text
    assert "作出承诺（承诺 1，到期 2026-12-13）" in text
    assert "修改承诺到期日（承诺 1：2026-12-13 → 2026-12-20）" in text
    assert "修改承诺到期日（承诺 1：2026-12-20 → 2026-12-25）" in text
    assert text.count("修改承诺到期日") == 2  # the unchanged and the refused ones are no change

    await served.say(ADMIN, "/export", date=SUNDAY)
    document = [c for c in served.api.calls if c.method == "sendDocument"][-1]
    book = load_workbook(io.BytesIO(document.params["document"]["data"]))
    changes = [row for row in list(book["记录"].values)[1:]
               if "2026-12-13" in str(row) and "2026-12-20" in str(row)]
    assert len(changes) == 1 and changes[0][3] == GROUP, changes  # with the group's chat id, in its export
    assert any("2026-12-20" in str(row) and "2026-12-25" in str(row) for row in list(book["记录"].values)[1:])


async def test_a_kept_promise_keeps_the_date_it_was_judged_by(served: RunningBot) -> None:
    await promise_under_card(served, "两周内开放测试路段")
    await served.say(ADMIN, "/done 1", date=SUNDAY)  # an admin's /done: kept and confirmed
    await served.say(LIAISON, "/due 1 12月20日前", date=SUNDAY)
    assert "到期日由" not in served.last_text() and "已兑现" in served.last_text()
    assert "到期：2026-12-13，已兑现" in await status(served)


async def test_undated_reads_naturally_on_the_liaisons_desk(served: RunningBot) -> None:
    await promise_under_card(served, "我们尽快协调开放测试路段")
    await served.say(LIAISON, "/start", chat_id=LIAISON["id"], date=SUNDAY)
    desk = served.last_text()
    assert "— 到期：未定（待补日期）" in desk and "未定日期，待补日期" not in desk, desk
