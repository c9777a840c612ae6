"""Handing a need over (转交) and claiming it: who is offered, who may claim, who sees the admins' choices,
and what the card and /needs say about who claimed and promised what (issue 12)."""

from __future__ import annotations

from typing import Any

from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, RunningBot

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
    reasons = buttons(served.calls_since(mark, "editMessageReplyMarkup")[0].params)  # why, before anything changes
    assert reasons[:4] == [f"why:{need_id}:finreg:{r}" for r in ("duty", "lead", "info", "other")], reasons
    assert "牵头部门：财政局" in served.card_of(1)["text"]
    mark = await served.press(FINANCE_LIAISON, card["message_id"], f"why:{need_id}:finreg:lead")
    assert any("转交给 金融局（理由：需其他单位牵头）" in t for t in served.replies_since(mark))
    assert "牵头部门：金融局" in served.calls_since(mark, "editMessageText")[0].params["text"]


async def test_a_leads_handover_is_shown_to_the_admins_who_may_overrule_it(served: RunningBot) -> None:
    await bind(served, FINANCE_LIAISON, "finance")
    card, need_id = await post(served, FUNDING_NEED)
    mark = await served.press(FINANCE_LIAISON, card["message_id"], f"why:{need_id}:finreg:duty")
    to_admin = [c.params for c in served.calls_since(mark, "sendMessage") if c.params["chat_id"] == ADMIN["id"]]
    assert len(to_admin) == 1 and "退单" in to_admin[0]["text"] and "理由：不属于本单位职责" in to_admin[0]["text"]
    overrule = buttons(to_admin[0])[0]
    assert overrule.startswith("overrule:")
    ruling = next(m for (chat, _), m in served.api.messages.items() if chat == ADMIN["id"] and "退单" in m["text"])
    mark = await served.press(FINANCE_LIAISON, ruling["message_id"], overrule, chat_id=ADMIN["id"])
    assert answer_of(served, mark).get("show_alert")  # only admins rule
    mark = await served.press(ADMIN, ruling["message_id"], overrule, chat_id=ADMIN["id"])
    said = served.replies_since(mark)
    assert any("驳回" in t and "退回 财政局 牵头" in t and f'tg://user?id={FINANCE_LIAISON["id"]}' in t
               for t in said), said  # the unit that handed it over is told
    card_now = served.card_of(1)["text"]
    assert "牵头部门：财政局" in card_now
    assisting = card_now[card_now.index("协同单位"):].split("\n联络员")[0]
    assert "金融局" in assisting and "曾牵头" not in card_now, card_now  # it assisted before the 退单: again now
    assert any("已由" in t and "驳回" in t for t in said)  # the admins' copy says who ruled
    mark = await served.press(ADMIN, ruling["message_id"], overrule, chat_id=ADMIN["id"])
    assert "已经驳回过" in answer_of(served, mark)["text"]
    await served.say(ADMIN, "/status 1")
    history = served.last_text()
    assert "转交（财政局 → 金融局，理由：不属于本单位职责）" in history, history
    assert "驳回退单（金融局 → 财政局）" in history, history
    await served.say(ADMIN, "/kept")
    line = next(row for row in served.last_text().splitlines() if row.endswith("财政局") and "%" not in row
                and "<code>" in row)
    cells = line.replace("<code>", "").replace("</code>", "").split()
    assert cells[6:8] == ["1", "1"], cells  # one 退单, improper
    # an assisting party handing its part over is not a 退单: the admins are not asked to rule
    await bind(served, FINREG_LIAISON, "finreg")
    card2, need2 = await post(served, FUNDING_NEED + "（二期）")
    mark = await served.press(FINREG_LIAISON, card2["message_id"], f"why:{need2}:hrss:duty")
    assert any("由 金融局 转交给 人社局" in t for t in served.replies_since(mark)), served.replies_since(mark)
    assert not [c for c in served.calls_since(mark, "sendMessage") if c.params["chat_id"] == ADMIN["id"]]


async def test_a_handover_cannot_be_overruled_after_a_working_day_or_once_it_moved_on(served: RunningBot) -> None:
    from datetime import datetime, timedelta

    from bot.domain import Actor
    cases = served.app.bot_data.services.cases  # type: ignore[union-attr]
    await bind(served, FINANCE_LIAISON, "finance")
    await bind(served, FINREG_LIAISON, "finreg")
    card, need_id = await post(served, FUNDING_NEED)
    mark = await served.press(FINANCE_LIAISON, card["message_id"], f"why:{need_id}:finreg:duty")
    term_id = int(buttons(next(c.params for c in served.calls_since(mark, "sendMessage")
                               if c.params["chat_id"] == ADMIN["id"]))[0].split(":")[1])
    admin = Actor(ADMIN["id"], "张处")
    late = await cases.routing.overrule(term_id, admin, datetime.now().astimezone() + timedelta(days=10), None)
    assert late.refusal is not None and late.refusal.value == "ruling_closed"
    await served.press(FINREG_LIAISON, card["message_id"], f"why:{need_id}:hrss:lead")  # 金融局 hands it on
    moved = await cases.routing.overrule(term_id, admin, datetime.now().astimezone(), None)
    assert moved.refusal is not None and moved.refusal.value == "ruling_stale"


async def test_a_suggested_party_claims_an_unassigned_need_and_leads_it(served: RunningBot) -> None:
    mm = served.app.bot_data.services.cases  # type: ignore[union-attr]
    card, need_id = await post(served, UNSURE_NEED)
    suggested = (await mm.routing.triage_queue(GROUP))[0].triage
    first = suggested[0]
    liaison = {"id": 2103, "first_name": first.short_name, "last_name": "吴科"}
    await bind(served, liaison, first.id)
    # A liaison of a party that is neither routed nor suggested still cannot claim.
    mark = await served.press(LIAISON, card["message_id"], f"claim:{need_id}")
    assert answer_of(served, mark).get("show_alert") is True
    refits = mm.learner.refits
    mark = await served.press(liaison, card["message_id"], f"claim:{need_id}")
    assert any("已认领需求 #1，由该单位牵头" in t for t in served.replies_since(mark))
    edited = served.calls_since(mark, "editMessageText")[0].params
    assert f"牵头部门：{first.short_name}" in edited["text"] and "✅已认领" in edited["text"]
    assert not any(d.startswith(("pick:", "assign:")) for d in buttons(edited))  # the triage is decided
    await served.say(ADMIN, "/triage")
    assert "没有待确认" in served.last_text()
    await mm.learner.idle()  # a triage decision, and a labelled example for the router
    assert mm.learner.refits > refits and (UNSURE_NEED, first.id) in mm.learner.router.examples
    # An 指派 button still in a chat answers with who leads now.
    mark = await served.press(ADMIN, card["message_id"], f"assign:{need_id}:{suggested[1].id}")
    assert answer_of(served, mark)["text"] == f"这条需求已指派给 {first.short_name} 牵头，无需再指派。"


async def test_one_choose_lead_button_alerts_others_and_opens_the_choices_for_an_admin(served: RunningBot) -> None:
    card, need_id = await post(served, UNSURE_NEED)
    assert buttons(card)[0] == f"pick:{need_id}"  # one 分派 button, no admin choices in front of the enterprise
    assert not any(d.startswith("assign:") for d in buttons(card))
    for user in (ENTERPRISE, LIAISON):
        mark = await served.press(user, card["message_id"], f"pick:{need_id}")
        answer = answer_of(served, mark)
        assert answer["show_alert"] is True and "管理员分派" in answer["text"]
        assert not served.calls_since(mark, "editMessageReplyMarkup")
    mark = await served.press(ADMIN, card["message_id"], f"pick:{need_id}")
    choices = buttons(served.calls_since(mark, "editMessageReplyMarkup")[0].params)
    assert [c.split(":")[0] for c in choices] == ["assign", "assign", "assign", "cancel"]
    mark = await served.press(ADMIN, card["message_id"], choices[1])
    assert any("管理员已指定" in t for t in served.replies_since(mark))
    mark = await served.press(ADMIN, card["message_id"], choices[0])  # a second 指派: about the assignment
    chosen = choices[1].split(":")[2]
    text = answer_of(served, mark)["text"]
    assert text.startswith("这条需求已指派给") and "申请" not in text
    mm = served.app.bot_data.services.cases  # type: ignore[union-attr]
    assert (await mm.parties.get(chosen)).short_name in text  # type: ignore[union-attr]
    mark = await served.press(ADMIN, card["message_id"], f"pick:{need_id}")  # 分派 once the lead is chosen
    assert answer_of(served, mark)["text"] == text


async def test_needs_and_the_card_show_who_claimed_and_promised_including_the_previous_lead(
        served: RunningBot) -> None:
    await bind(served, FINANCE_LIAISON, "finance")
    await bind(served, FINREG_LIAISON, "finreg")
    card, need_id = await post(served, FUNDING_NEED)
    await served.press(FINANCE_LIAISON, card["message_id"], f"claim:{need_id}")
    await served.say(FINANCE_LIAISON, "两周内出具贴息政策说明", reply_to=card["message_id"])
    await served.say(ADMIN, "/needs")
    assert "牵头：财政局（已认领，承诺1项）" in served.last_text()
    mark = (await served.say(ADMIN, "/route 1 金融局"))["_calls_from"]
    edited = served.calls_since(mark, "editMessageText")[-1].params["text"]
    assert "牵头部门：金融局" in edited and "曾牵头：财政局（已认领，承诺1项）" in edited  # not lost on /route
    # One card: the answer to /route is a notice, not a second card whose buttons would go stale.
    notice = served.calls_since(mark, "sendMessage")[-1].params
    assert "已改由 金融局 牵头" in notice["text"] and "需求卡片已更新" in notice["text"]
    assert "牵头部门" not in notice["text"] and not notice.get("reply_markup")
    await served.say(ADMIN, "/needs")
    assert "牵头：金融局（待认领）；曾牵头：财政局（已认领，承诺1项）" in served.last_text()  # not "金融局，待认领"
    await served.press(FINREG_LIAISON, card["message_id"], f"claim:{need_id}")
    await served.say(ADMIN, "/needs")
    assert "牵头：金融局（已认领）；曾牵头：财政局（已认领，承诺1项）" in served.last_text()


async def test_another_reason_is_given_in_the_liaisons_own_words(served: RunningBot) -> None:
    await bind(served, FINANCE_LIAISON, "finance")
    card, need_id = await post(served, FUNDING_NEED)
    mark = await served.press(ENTERPRISE, card["message_id"], f"why:{need_id}:finreg:other")  # not theirs to hand
    assert answer_of(served, mark).get("show_alert") and not served.calls_since(mark, "sendMessage")
    mark = await served.press(FINANCE_LIAISON, card["message_id"], f"why:{need_id}:finreg:other")
    asked = [c for c in served.calls_since(mark, "sendMessage") if "说明把需求 #1 转交给 金融局 的理由" in
             c.params["text"]]
    assert len(asked) == 1 and "牵头部门：财政局" in served.card_of(1)["text"]  # nothing handed over yet
    question = asked[0].result["message_id"]
    await served.say(ENTERPRISE, "我也补充一下，贷款金额大概500万", reply_to=question)  # not theirs to answer
    assert "牵头部门：财政局" in served.card_of(1)["text"]
    message = await served.say(FINANCE_LIAISON, "贷款贴息政策由金融局牵头组织银行对接，我局只负责资金拨付",
                               reply_to=question)
    said = served.replies_since(message["_calls_from"])
    assert any("转交给 金融局（理由：贷款贴息政策由金融局牵头" in t for t in said), said
    assert "牵头部门：金融局" in served.card_of(1)["text"]
    to_admin = [c.params["text"] for c in served.calls_since(message["_calls_from"], "sendMessage")
                if c.params["chat_id"] == ADMIN["id"]]
    assert to_admin and "理由：贷款贴息政策由金融局牵头" in to_admin[0]
    message = await served.say(FINANCE_LIAISON, "补充：请金融局尽快联系", reply_to=question)  # used up: a note now
    assert not any("转交给" in t for t in served.replies_since(message["_calls_from"]))
