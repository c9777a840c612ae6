"""Outcomes once (issue 12): one deal is one agreement, whichever way it is reported and however often; an
announcement is matched to the need it is about, by content against the sender's open needs."""

from __future__ import annotations

from typing import Any

import pytest

from nlp.outcomes import contenders, same_deal
from nlp.router import Router
from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, RunningBot

FUNDING = "我们是做海洋新材料的初创企业，计划融资3000万元，希望对接投资机构"
ROAD = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"
HOSPITAL = "希望对接医院开展癌症早筛试点，需要脱敏的体检数据"
DEAL = "我们和海尔资本签了3000万投资协议"


@pytest.mark.parametrize(("first", "second", "same"), [
    (DEAL, "与海尔资本签订3000万元投资协议", True),  # the same amount of the same kind
    (DEAL, "与青岛天使基金签约，天使轮融资800万元", False),  # another amount: another deal
    ("和实验室签署战略合作协议", "和实验室签署了战略合作协议", True),  # no amounts: nearly the same words
    ("和实验室签署战略合作协议", "与城阳区签订协议，开放5公里测试道路", False),
    (DEAL, "和海尔资本签了投资协议", False),  # one names an amount, the other none
])
def test_same_deal(first: str, second: str, same: bool) -> None:
    assert same_deal(first, second) is same


def test_an_announcement_is_matched_by_content(router: Router) -> None:
    def vector(text: str):  # type: ignore[no-untyped-def]
        return router.featurise(text, router.segmenter.cut(text))

    needs = [vector(t) for t in (HOSPITAL, ROAD, FUNDING)]  # newest first: the financing need is the oldest
    assert contenders(vector(DEAL), needs) == [2]
    assert contenders(vector("今天我们和城阳区签订协议，开放5公里测试道路"), needs) == [1]
    assert contenders(vector("我们签约了！"), needs) == [0, 1, 2]  # nothing to tell them apart: ask, newest first
    assert contenders(vector(DEAL), needs[2:]) == [0]  # one open need: that one


def offer_message(bot: RunningBot, words: str) -> dict[str, Any]:
    return [m for (c, _), m in sorted(bot.api.messages.items()) if c == GROUP and words in m.get("text", "")][-1]


async def test_one_deal_is_one_agreement_by_command_and_button(served: RunningBot) -> None:
    await served.say(ENTERPRISE, FUNDING)
    message = await served.say(ENTERPRISE, DEAL)
    assert "记录为需求 #1 的对接成果" in served.calls_since(message["_calls_from"], "sendMessage")[0].params["text"]
    offer = offer_message(served, "记录为需求 #1 的对接成果")
    data = offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await served.say(LIAISON, "/agreement 1 与海尔资本签订3000万元投资协议")
    assert "已记录需求 #1 的对接成果（融资，3000 万元）" in served.last_text()
    # The old button under the announcement records nothing: the command recorded this deal.
    mark = await served.press(ENTERPRISE, offer["message_id"], data)
    answer = served.calls_since(mark, "answerCallbackQuery")[0].params
    assert answer["text"] == "这项成果已记录（#1）。" and answer["show_alert"] is True
    assert not served.calls_since(mark, "editMessageText")
    # Nor the command again, nor the same deal announced once more.
    await served.say(ADMIN, "/agreement 1 我们和海尔资本签了3000万投资协议")
    assert served.last_text() == "这项成果已记录（#1）。"
    message = await served.say(ENTERPRISE, "好消息，" + DEAL)
    assert [c.params["text"] for c in served.calls_since(message["_calls_from"], "sendMessage")] \
        == ["这项成果已记录（#1）。"]
    mark = (await served.say(ADMIN, "/report"))["_calls_from"]
    report = " ".join(served.replies_since(mark))
    assert "成果：1 项" in report and "3000 万元" in report and "6000 万元" not in report, report
    await served.say(ADMIN, "/status 1")
    assert served.last_text().count("3000 万元") == 1 and "· #1 融资 3000 万元" in served.last_text()


async def test_a_button_first_then_the_command_is_one_agreement(served: RunningBot) -> None:
    await served.say(ENTERPRISE, FUNDING)
    await served.say(ENTERPRISE, DEAL)
    offer = offer_message(served, "记录为需求 #1 的对接成果")
    data = offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    mark = await served.press(ENTERPRISE, offer["message_id"], data)
    assert "（融资，3000 万元）" in served.calls_since(mark, "editMessageText")[0].params["text"]
    await served.say(LIAISON, "/agreement 1 与海尔资本签订3000万元投资协议")
    assert served.last_text() == "这项成果已记录（#1）。"
    await served.say(LIAISON, "/agreement 1 与青岛天使基金签约，天使轮融资800万元")  # another deal is recorded
    assert "已记录需求 #1 的对接成果（融资，800 万元）" in served.last_text()


async def test_an_announcement_goes_to_the_need_it_is_about_not_the_latest(served: RunningBot) -> None:
    await served.say(ENTERPRISE, FUNDING)  # #1
    await served.say(ENTERPRISE, ROAD)  # #2, the latest
    message = await served.say(ENTERPRISE, DEAL)
    assert "记录为需求 #1 的对接成果" in served.calls_since(message["_calls_from"], "sendMessage")[0].params["text"]
    offer = offer_message(served, "记录为需求 #1 的对接成果")
    mark = await served.press(ENTERPRISE, offer["message_id"],
                              offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    recorded = served.calls_since(mark, "editMessageText")[0].params["text"]
    assert "已记录需求 #1 的对接成果（融资，3000 万元）" in recorded


async def test_an_announcement_that_fits_several_needs_asks_which(served: RunningBot) -> None:
    await served.say(ENTERPRISE, FUNDING)  # #1
    await served.say(ENTERPRISE, ROAD)  # #2
    message = await served.say(ENTERPRISE, "太好了，我们今天签约了！")
    sent = served.calls_since(message["_calls_from"], "sendMessage")
    assert len(sent) == 1 and "哪条需求（#2、#1）" in sent[0].params["text"]
    choices = [row[0]["callback_data"] for row in sent[0].params["reply_markup"]["inline_keyboard"]]
    assert [c.split(":")[0] for c in choices] == ["agreeto", "agreeto"]
    offer = offer_message(served, "哪条需求")
    mark = await served.press(ENTERPRISE, offer["message_id"], choices[1])  # #1
    assert "已记录需求 #1 的对接成果" in served.calls_since(mark, "editMessageText")[0].params["text"]
    mark = await served.press(ENTERPRISE, offer["message_id"], choices[0])  # pressed again, another need
    assert served.calls_since(mark, "answerCallbackQuery")[0].params["text"] == "这项成果已记录（#1）。"
    await served.say(ADMIN, "/status 2")
    assert "成果" not in served.last_text().split("<b>记录</b>")[0]


def test_two_deals_of_the_same_amount_with_different_bodies_are_two() -> None:
    from nlp.outcomes import counterparts, same_deal

    assert counterparts("今天和青岛天使基金签约了，融资800万元") == {"青岛天使基金"}
    assert counterparts("获得齐鲁银行授信500万") == {"齐鲁银行"}
    assert not same_deal("我们和海尔资本签了3000万投资协议", "我们和开来资本签了3000万投资协议")
    assert same_deal("好消息：我们和开来资本签了3000万元的A轮投资协议", "再说一下，我们和开来资本签约了，A轮3000万元")
