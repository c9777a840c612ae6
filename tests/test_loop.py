"""The matchmaking loop end to end, as the three kinds of user, through the Bot API wire."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.conftest import ADMIN, ENTERPRISE, GROUP, LAB_MEMBER, LIAISON, MIIT_LIAISON, STRANGER, RunningBot

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEED = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"


def buttons(params: dict) -> list[str]:
    markup = params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def post_need(bot: RunningBot, text: str = NEED, **kwargs) -> dict:
    message = await bot.say(ENTERPRISE, text, **kwargs)
    sent = bot.calls_since(message["_calls_from"], "sendMessage")
    assert len(sent) == 1, [c.params for c in sent]
    return bot.card_of(int(sent[0].params["text"].split("#")[1].split("<")[0]))


async def test_need_is_registered_routed_and_announced(served: RunningBot) -> None:
    message = await served.say(ENTERPRISE, NEED)
    replies = served.calls_since(message["_calls_from"], "sendMessage")
    assert len(replies) == 1
    card = replies[0].params
    assert "#1" in card["text"] and "场景开放" in card["text"]
    assert card["reply_parameters"]["message_id"] == message["message_id"]
    labels = [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["认领", "转交", "已解决", "不是需求"]
    assert "牵头部门：交通运输局" in card["text"]  # named explicitly by its alias 交通局
    assert "工信局" in card["text"] and "5G智能网联汽车实验室" in card["text"]
    # liaisons of routed parties are mentioned by name
    assert f'<a href="tg://user?id={LIAISON["id"]}">交通局 王科</a>' in card["text"]
    assert f"tg://user?id={MIIT_LIAISON['id']}" in card["text"]
    assert f"tg://user?id={LAB_MEMBER['id']}" in card["text"]


async def test_chat_is_not_a_need(served: RunningBot) -> None:
    for text in ("收到", "谢谢大家！", "好的👍", "大家早上好", "👍👍👍", "感谢交通局的大力支持"):
        message = await served.say(ENTERPRISE, text)
        assert served.calls_since(message["_calls_from"], "sendMessage") == [], text
    message = await served.say(ADMIN, "/needs all")
    assert "还没有登记过需求" in served.last_text()


async def test_claim_commit_done_resolve(served: RunningBot) -> None:
    card = await post_need(served)
    # A stranger cannot claim; nothing changes.
    mark = await served.press(STRANGER, card["message_id"], f"claim:{1}")
    answers = served.calls_since(mark, "answerCallbackQuery")
    assert answers and answers[0].params.get("show_alert") is True
    assert not served.calls_since(mark, "editMessageText")
    # The routed liaison claims: the card shows it and the group is told.
    need_id = int(buttons(card)[0].split(":")[1])
    mark = await served.press(LIAISON, card["message_id"], f"claim:{need_id}")
    edited = served.calls_since(mark, "editMessageText")
    assert edited and "✅已认领" in edited[0].params["text"]
    assert any("已认领需求 #1" in t for t in served.replies_since(mark))
    # Pressing twice is answered, not repeated.
    mark = await served.press(LIAISON, card["message_id"], f"claim:{need_id}")
    assert "已经认领" in served.calls_since(mark, "answerCallbackQuery")[0].params["text"]
    assert not served.calls_since(mark, "sendMessage")

    # "收到" under the card is an acknowledgement, not a promise.
    message = await served.say(LIAISON, "收到！", reply_to=card["message_id"])
    assert not served.calls_since(message["_calls_from"], "sendMessage")
    # The liaison replies to the card with a promise: dated from the message's own time.
    sent = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
    message = await served.say(LIAISON, "两周内开放测试路段", reply_to=card["message_id"], date=sent)
    confirmation = served.replies_since(message["_calls_from"])
    assert any("已记录承诺 1" in t and "到期日：2026-12-11" in t for t in confirmation), confirmation

    # The same words on another day give another date.
    later = datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)
    message = await served.say(MIIT_LIAISON, "/commit 1 两周内协调发放测试牌照", date=later)
    assert any("已记录承诺 2" in t and "到期日：2026-12-17" in t for t in served.replies_since(message["_calls_from"]))

    # Someone else cannot mark it done; the liaison can.
    message = await served.say(STRANGER, "/done 1")
    assert "只有作出承诺的单位联络员" in served.last_text()
    # The liaison reports it kept; whoever it was promised to (the need's author) confirms.
    message = await served.say(LIAISON, "/done 1")
    assert "交通运输局 报告承诺 1（需求 #1）已兑现" in served.last_text()
    report = next(m for (c, mid), m in served.api.messages.items()
                  if c == GROUP and "报告承诺 1" in m.get("text", ""))
    assert [b["callback_data"] for b in report["reply_markup"]["inline_keyboard"][0]] == ["kept:1:y", "kept:1:n"]
    await served.say(LIAISON, "/done 1")
    assert "已报告兑现，正在等待需求方或管理员确认" in served.last_text()
    mark = await served.press(LIAISON, report["message_id"], "kept:1:y")  # not the liaison's to confirm
    assert served.calls_since(mark, "answerCallbackQuery")[0].params["show_alert"] is True
    assert not served.calls_since(mark, "sendMessage")
    mark = await served.press(ENTERPRISE, report["message_id"], "kept:1:y")
    assert "承诺 1（需求 #1，交通运输局）已兑现" in served.last_text()
    assert served.calls_since(mark, "editMessageReplyMarkup")  # the buttons are gone
    mark = await served.press(ENTERPRISE, report["message_id"], "kept:1:y")
    assert not served.calls_since(mark, "sendMessage")

    # Only the author or an admin may resolve.
    mark = await served.press(STRANGER, card["message_id"], f"solve:{need_id}")
    assert served.calls_since(mark, "answerCallbackQuery")[0].params["show_alert"] is True
    mark = await served.press(ENTERPRISE, card["message_id"], f"solve:{need_id}")
    assert "已解决" in served.calls_since(mark, "editMessageText")[0].params["text"]

    message = await served.say(ADMIN, "/status 1")
    status = served.last_text()
    for expected in ("需求 #1", "已解决", "牵头 交通运输局", "认领", "2026-12-11", "已兑现", "2026-12-17",
                     "登记需求", "作出承诺", "承诺兑现", "标记解决"):
        assert expected in status, expected


async def test_undated_promise_asks_for_a_date(served: RunningBot) -> None:
    card = await post_need(served)
    message = await served.say(LIAISON, "我们尽快协调开放测试路段", reply_to=card["message_id"])
    prompt = served.calls_since(message["_calls_from"], "sendMessage")[0]
    assert "未识别到完成日期" in prompt.params["text"]
    prompt_id = next(m for (c, mid), m in served.api.messages.items()
                     if c == GROUP and "未识别到完成日期" in m.get("text", ""))["message_id"]
    sent = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
    message = await served.say(LIAISON, "12月20日前", reply_to=prompt_id, date=sent)
    assert "到期日已定为 2026-12-20" in served.last_text()
    message = await served.say(ADMIN, "/due 1 还不确定")  # dated now: only an admin may change it
    assert "未能从这段话中识别出日期" in served.last_text()


async def test_decline_hands_over_and_is_a_correction(served: RunningBot) -> None:
    card = await post_need(served, "我们做智慧停车，希望城管局支持在市南区找几个公共停车场做试点")
    need_id = int(buttons(card)[0].split(":")[1])
    # A liaison of a party that is not routed cannot hand it over.
    mark = await served.press(LIAISON, card["message_id"], f"decline:{need_id}")
    assert served.calls_since(mark, "answerCallbackQuery")[0].params.get("show_alert") is True
    # The admin opens the choice and hands the lead to the transport bureau.
    mark = await served.press(ADMIN, card["message_id"], f"decline:{need_id}")
    menu = served.calls_since(mark, "editMessageReplyMarkup")[0].params
    options = buttons(menu)
    assert f"xfer:{need_id}:transport" in options and options[-1] == f"cancel:{need_id}"
    mark = await served.press(ADMIN, card["message_id"], f"xfer:{need_id}:transport")
    assert any("转交给 交通运输局" in t for t in served.replies_since(mark))
    edited = served.calls_since(mark, "editMessageText")[0].params["text"]
    assert "牵头部门：交通运输局" in edited
    # Now the transport liaison may claim.
    mark = await served.press(LIAISON, card["message_id"], f"claim:{need_id}")
    assert served.calls_since(mark, "editMessageText")
    await served.say(ADMIN, "/status 1")
    assert "（已转出）" in served.last_text() and "转交" in served.last_text()


async def test_admin_commands(served: RunningBot) -> None:
    await post_need(served)
    await post_need(served, "希望对接医院开展癌症早筛试点，需要脱敏的体检数据")
    await served.say(ADMIN, "/needs")
    listing = served.last_text()
    assert "#1" in listing and "#2" in listing and "卫健委" in listing
    await served.say(ADMIN, "/route 2 医保局")
    assert "已改由 医保局 牵头" in served.last_text()
    await served.say(ADMIN, "/status 2")
    assert "牵头 医保局" in served.last_text() and "管理员改派" in served.last_text()
    message = await served.say(ADMIN, "/resolve 2")
    said = served.replies_since(message["_calls_from"])
    assert "#2 已标记为解决" in said[0] and any("请您评价办理结果" in t for t in said)  # the author is asked
    await served.say(ADMIN, "/needs")
    assert "#2" not in served.last_text()
    await served.say(ADMIN, "/needs all")
    assert "#2" in served.last_text()
    # A promise whose date has passed is overdue.
    card = served.card_of(1)
    await served.say(LIAISON, "3天内给出方案", reply_to=card["message_id"],
                     date=datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI))
    await served.say(ADMIN, "/overdue")
    assert "逾期承诺" in served.last_text() and "2026-01-08" in served.last_text()
    await served.say(ADMIN, "/help")
    assert "/route" in served.last_text() and "/overdue" in served.last_text()
    await served.say(ENTERPRISE, "/help")
    assert "/route" not in served.last_text() and "/need" in served.last_text()
    await served.say(LIAISON, "/help")
    assert "/commit" in served.last_text() and "/route" not in served.last_text()


async def test_non_admin_is_refused_and_nothing_changes(served: RunningBot) -> None:
    await post_need(served)
    for command in ("/route 1 公安局", "/needs", "/status 1", "/overdue", f"/bind {STRANGER['id']} transport"):
        await served.say(LIAISON, command)
        assert "仅限管理员" in served.last_text(), command
    await served.say(MIIT_LIAISON, "/resolve 1")  # the author, the lead's liaison or an admin may (已解决)
    assert "只有提出需求的企业、牵头单位的联络员或管理员可以标记解决" in served.last_text()
    await served.say(ADMIN, "/status 1")
    status = served.last_text()
    assert "牵头 交通运输局" in status and "办理中" in status and "管理员改派" not in status


async def test_join_request_is_approved_by_an_admin(served: RunningBot) -> None:
    message = await served.say(STRANGER, "/join 市南区")
    request = served.calls_since(message["_calls_from"], "sendMessage")[-1].params
    data = buttons(request)
    assert data[0].startswith("join:") and data[0].endswith(":y")
    request_message = next(m for m in served.api.messages.values() if "申请加入" in m.get("text", ""))
    mark = await served.press(STRANGER, request_message["message_id"], data[0])
    assert served.calls_since(mark, "answerCallbackQuery")[0].params.get("show_alert") is True
    mark = await served.press(ADMIN, request_message["message_id"], data[0])
    assert "已批准" in served.calls_since(mark, "editMessageText")[0].params["text"]
    mark = await served.press(ADMIN, request_message["message_id"], data[1])
    assert "已经处理过" in served.calls_since(mark, "answerCallbackQuery")[0].params["text"]
    await served.say(STRANGER, "/join 市南")
    assert "已经绑定" in served.last_text()
    await served.say(STRANGER, "/help")
    assert "/commit" in served.last_text()


async def test_bind_by_reply_and_unknown_parties(served: RunningBot) -> None:
    message = await served.say(STRANGER, "大家好")
    await served.say(ADMIN, "/bind 卫健委", reply_to=message["message_id"])
    assert "绑定到 青岛市卫生健康委员会" in served.last_text() and "路人" in served.last_text()
    await served.say(ADMIN, "/bind 3002 不存在的局")
    assert "名录中没有找到" in served.last_text()
    await served.say(ADMIN, "/bind 3002 青岛市")
    assert "有多个单位符合" in served.last_text()
    await served.say(ADMIN, "/bind 交通局")
    assert "用法" in served.last_text()
    await served.say(ADMIN, "/parties")
    assert "lab_liquidbiopsy" in served.last_text() and "inv_kailai" in served.last_text()
