"""Handing a need over (转交) and claiming it: who is offered, who may claim, who sees the admins' choices,
and what the card and /needs say about who claimed and promised what (issue 12)."""

from __future__ import annotations

from typing import Any

from tests.conftest import ADMIN, ENTERPRISE, RunningBot

FINANCE_LIAISON = {"id": 2101, "first_name": "财政局", "last_name": "孙科"}
FINREG_LIAISON = {"id": 2102, "first_name": "金融局", "last_name": "周科"}
FUNDING_NEED = "我们需要一笔贷款支持扩大生产，希望财政局给予贴息"  # lead 财政局; 金融局 assists (a funding need)
UNSURE_NEED = "我们有个新项目想找人聊聊合作，请问找哪个部门"  # the router abstains: triage


def buttons(params: dict[str, Any]) -> list[str]:
    markup = params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def bind(bot: RunningBot, user: dict[str, Any], party: str) -> None:
    bot.api.add_user(user)
    await bot.say(ADMIN, f"/bind {user['id']} {party}")


async def post(bot: RunningBot, text: str) -> tuple[dict[str, Any], int]:
    message = await bot.say(ENTERPRISE, text)
    card = bot.calls_since(message["_calls_from"], "sendMessage")[0].params
    number = int(card["text"].split("#")[1].split("<")[0])
    found = bot.card_of(number)
    need_id = int(next(d for d in buttons(found) if d.startswith("claim:")).split(":")[1])
    return found, need_id


def answer_of(bot: RunningBot, mark: int) -> dict[str, Any]:
    return bot.calls_since(mark, "answerCallbackQuery")[0].params


async def test_hand_over_offers_the_assisting_parties_first_and_never_the_lead(served: RunningBot) -> None:
    await bind(served, FINANCE_LIAISON, "finance")
    card, need_id = await post(served, FUNDING_NEED)
    assert "牵头部门：财政局" in card["text"] and "金融局" in card["text"]
    mark = await served.press(FINANCE_LIAISON, card["message_id"], f"decline:{need_id}")
    options = buttons(served.calls_since(mark, "editMessageReplyMarkup")[0].params)
    assert options[0] == f"xfer:{need_id}:finreg", options  # the assisting party, natural lead of a funding need
    assert f"xfer:{need_id}:finance" not in options  # never the current lead
    assert len([o for o in options if o.startswith("xfer:")]) >= 4  # and the router's next suggestions
    # An admin (no party of its own) gets the same: the parties on the need first, not the lead.
    mark = await served.press(ADMIN, card["message_id"], f"decline:{need_id}")
    options = buttons(served.calls_since(mark, "editMessageReplyMarkup")[0].params)
    assert options[0] == f"xfer:{need_id}:finreg" and f"xfer:{need_id}:finance" not in options
    mark = await served.press(FINANCE_LIAISON, card["message_id"], f"xfer:{need_id}:finreg")
    assert any("转交给 金融局" in t for t in served.replies_since(mark))
    assert "牵头部门：金融局" in served.calls_since(mark, "editMessageText")[0].params["text"]
