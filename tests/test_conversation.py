"""Reading the conversation as people mean it (issue 12): a question, an acknowledgement, a refusal, progress or
a follow-up on a need is not a promise and not a new need; a need can be withdrawn and a mistaken promise
undone. Each test plays what the issue saw go wrong in the sandbox."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from openpyxl import load_workbook

from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, POLICE_LIAISON, STRANGER, RunningBot

ROAD_NEED = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"
VILLAGE_NEED = "我们的智慧大棚传感器想找一个试点村做示范应用，希望农业农村局支持"
AGRI_LIAISON = {"id": 2201, "first_name": "农业农村局", "last_name": "孙科"}


def buttons(params: dict[str, Any]) -> list[str]:
    markup = params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def post(bot: RunningBot, text: str = ROAD_NEED, user: dict[str, Any] = ENTERPRISE) -> tuple[dict[str, Any], int]:
    message = await bot.say(user, text)
    card = bot.calls_since(message["_calls_from"], "sendMessage")[0].params
    number = int(card["text"].split("#")[1].split("<")[0].split("（")[0])
    found = bot.card_of(number)
    need_id = int(next(d for d in buttons(found) if d.startswith("claim:")).split(":")[1])
    return found, need_id


async def counts(bot: RunningBot) -> dict[str, int]:
    services = bot.app.bot_data.services  # type: ignore[union-attr]
    found = {}
    async with services.db.read() as conn:
        for table in ("needs", "commitments", "notes"):
            async with conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:  # noqa: S608
                found[table] = (await cur.fetchone())[0]
    return found


async def status(bot: RunningBot, number: int = 1) -> str:
    await bot.say(ADMIN, f"/status {number}")
    return bot.last_text()


async def test_a_liaisons_question_and_acknowledgement_under_a_card_are_not_promises(served: RunningBot) -> None:
    await served.say(ADMIN, "/bind 2201 agri")
    served.api.add_user(AGRI_LIAISON)
    card, _ = await post(served, VILLAGE_NEED)
    before = len(served.api.calls)
    message = await served.say(AGRI_LIAISON, "请问你们的大棚传感器需要村里提供电源和网络吗？",
                               reply_to=card["message_id"])
    assert not served.calls_since(message["_calls_from"], "sendMessage")  # noted quietly: nothing to announce …
    reaction = served.calls_since(message["_calls_from"], "setMessageReaction")[0].params  # … but marked noted
    assert reaction["message_id"] == message["message_id"] and reaction["reaction"][0]["emoji"] == "✍"
    message = await served.say(AGRI_LIAISON, "收到，我们内部研究一下", reply_to=card["message_id"])
    said = served.calls_since(message["_calls_from"])
    assert not any(c.method in ("sendMessage", "setMessageReaction") for c in said)  # an acknowledgement: nothing
    assert (await counts(served))["commitments"] == 0 and (await counts(served))["notes"] == 1
    # The enterprise's answer under the question is a follow-up on the need, not a new need.
    await served.say(ENTERPRISE, "村里有电，网络需要你们协调一下运营商", reply_to=message["message_id"] - 1)
    found = await counts(served)
    assert found == {"needs": 1, "commitments": 0, "notes": 2}, found
    text = await status(served)
    assert "<b>对话</b>" in text and "提问：请问你们的大棚传感器" in text and "补充：村里有电" in text
    assert "作出承诺" not in text and "承诺</b>：暂无" in text
    assert len(served.calls_since(before, "sendMessage")) == 1  # only the /status answer


async def test_the_authors_follow_up_under_its_card_is_a_note_not_a_new_need(served: RunningBot) -> None:
    card, _ = await post(served, VILLAGE_NEED)
    await served.say(ENTERPRISE, "补充一下：试点村最好离市区近一点，方便我们的工程师过去", reply_to=card["message_id"])
    await served.say(ENTERPRISE, "#1 另外，我们还需要一块有5G覆盖的田地")
    assert (await counts(served))["needs"] == 1
    assert "补充：补充一下" in await status(served)


async def test_a_meeting_question_is_not_a_need(served: RunningBot) -> None:
    message = await served.say(ENTERPRISE, "请问下周的对接会在哪里开？")
    assert not served.calls_since(message["_calls_from"], "sendMessage")
    message = await served.say(STRANGER, "We need a 测试场地 for our drone 无人机 delivery pilot in 崂山区")
    assert "已登记需求 <b>#1</b>" in served.calls_since(message["_calls_from"], "sendMessage")[0].params["text"]
    assert (await counts(served))["needs"] == 1


async def test_a_refusal_naming_another_bureau_offers_a_one_tap_hand_over(served: RunningBot) -> None:
    card, need_id = await post(served)
    message = await served.say(LIAISON, "这个归大数据局管，建议找他们", reply_to=card["message_id"])
    sent = served.calls_since(message["_calls_from"], "sendMessage")[0]
    offer = sent.params
    assert "大数据局" in offer["text"] and buttons(offer) == [f"why:{need_id}:bigdata:duty"]
    assert (await counts(served))["commitments"] == 0
    mark = await served.press(LIAISON, sent.result["message_id"], f"why:{need_id}:bigdata:duty")
    assert "牵头部门：大数据局" in served.calls_since(mark, "editMessageText")[0].params["text"]
    assert "答复（不能办理或建议转交）：这个归大数据局管" in await status(served)
    # A plain refusal names nobody: noted, nothing said.
    message = await served.say(LIAISON, "按规定不能直接开放", reply_to=card["message_id"])
    assert not served.calls_since(message["_calls_from"], "sendMessage")


async def test_a_promise_is_still_a_promise(served: RunningBot) -> None:
    card, _ = await post(served)
    message = await served.say(LIAISON, "两周内开放测试路段", reply_to=card["message_id"])
    confirmation = served.calls_since(message["_calls_from"], "sendMessage")[0].params
    assert "已记录承诺 1" in confirmation["text"] and buttons(confirmation) == ["undo:1"]
    message = await served.say(LIAISON, "这个事情我们来牵头协调", reply_to=card["message_id"])
    assert "已记录承诺 2" in served.calls_since(message["_calls_from"], "sendMessage")[0].params["text"]


async def test_a_promise_recorded_by_mistake_is_undone_from_its_confirmation_for_a_while(served: RunningBot) -> None:
    card, _ = await post(served)
    message = await served.say(LIAISON, "两周内开放测试路段", reply_to=card["message_id"])
    confirmation = served.calls_since(message["_calls_from"], "sendMessage")[0].result
    mark = await served.press(STRANGER, confirmation["message_id"], "undo:1")
    assert served.calls_since(mark, "answerCallbackQuery")[0].params["show_alert"] is True
    mark = await served.press(LIAISON, confirmation["message_id"], "undo:1")
    assert "已撤销" in served.calls_since(mark, "editMessageText")[0].params["text"]
    assert (await counts(served))["commitments"] == 0
    services = served.app.bot_data.services  # type: ignore[union-attr]
    records = await services.cases.commitments.kept_rates(GROUP, services.clock(), services.notices.policy)
    assert not any(r.party_id == "transport" and (r.cancelled or r.made) for r in records)  # not even as withdrawn
    assert "撤销记错的承诺" in await status(served)
    # After the window it is a withdrawal, done with /cancel (a press is judged at the time it is pressed).
    message = await served.say(LIAISON, "下周五前提供路侧单元接口文档", reply_to=card["message_id"],
                               date=datetime.now(UTC) - timedelta(minutes=11))
    confirmation = served.calls_since(message["_calls_from"], "sendMessage")[0].result
    mark = await served.press(LIAISON, confirmation["message_id"], "undo:2")
    alert = served.calls_since(mark, "answerCallbackQuery")[0].params
    assert alert["show_alert"] is True and "/cancel" in alert["text"]
    assert (await counts(served))["commitments"] == 1


async def test_a_false_need_is_withdrawn_by_its_author_and_leaves_the_figures(served: RunningBot) -> None:
    await post(served)
    card, need_id = await post(served, "我们想找一家银行合作，希望能对接融资渠道", user=STRANGER)
    mark = await served.press(ENTERPRISE, card["message_id"], f"withdraw:{need_id}")  # not its author
    assert served.calls_since(mark, "answerCallbackQuery")[0].params["show_alert"] is True
    await served.say(ADMIN, "/route 2 finance")  # an admin's correction: a training example …
    services = served.app.bot_data.services  # type: ignore[union-attr]
    async with services.db.read() as conn:
        from storage.learning import LearningRepo
        assert any(label == "finance" for _, label in await LearningRepo(conn).examples())
    mark = await served.press(STRANGER, card["message_id"], f"withdraw:{need_id}")
    assert "已由提出人撤销" in served.replies_since(mark)[-1]
    assert not buttons(served.calls_since(mark, "editMessageText")[0].params)  # the card has no buttons left
    async with services.db.read() as conn:  # … forgotten with the need
        assert not any(label == "finance" for _, label in await LearningRepo(conn).examples())
    await served.say(ADMIN, "/report")
    report = served.calls_since(0, "sendPhoto")[-1].params.get("caption", "") + served.last_text()
    assert "需求 1 → " in report, report  # the funnel counts the one real need
    await served.say(ADMIN, "/needs")
    assert "#2" not in served.last_text()
    assert "已撤销" in await status(served, 2)
    mark = await served.press(STRANGER, card["message_id"], f"withdraw:{need_id}")
    assert served.calls_since(mark, "answerCallbackQuery")[0].params["show_alert"] is True


async def test_the_export_has_the_conversation(served: RunningBot) -> None:
    card, _ = await post(served)
    await served.say(LIAISON, "请问你们的测试车辆有几台？", reply_to=card["message_id"])
    await served.say(ADMIN, "/export")
    document = served.calls_since(0, "sendDocument")[-1].params["document"]
    book = load_workbook(io.BytesIO(document["data"]))
    rows = list(book["对话"].values)
    assert rows[0][:4] == ("编号", "群ID", "需求号", "类别")
    assert rows[1][2] == 1 and rows[1][3] == "提问" and "测试车辆" in rows[1][8] and rows[1][1] == GROUP


async def test_the_desks_show_the_latest_thing_said_about_each_need(served: RunningBot) -> None:
    card, _ = await post(served)
    await served.say(LIAISON, "请问你们的测试车辆有几台？", reply_to=card["message_id"])
    await served.say(ENTERPRISE, "/start", chat_id=ENTERPRISE["id"])
    assert "最新提问：请问你们的测试车辆有几台？" in served.last_text()
    await served.say(ENTERPRISE, "目前有3台测试车", reply_to=card["message_id"])
    await served.say(LIAISON, "/start", chat_id=LIAISON["id"])
    assert "最新补充：目前有3台测试车" in served.last_text()


async def test_a_redirection_is_offered_only_to_the_lead_and_never_names_the_lead(served: RunningBot) -> None:
    # transport leads, police assists: the need asks for what the police do (traffic control, signals),
    # not only for a test road, whose police share is too small to assist on its own
    card, need_id = await post(served, ROAD_NEED + "，测试期间需要交通管制和信号灯配合")
    message = await served.say(POLICE_LIAISON, "这个不归我们管，归交通局管", reply_to=card["message_id"])
    assert not served.calls_since(message["_calls_from"], "sendMessage")  # noted; nothing to hand over
    message = await served.say(POLICE_LIAISON, "这个归大数据局管，建议找他们", reply_to=card["message_id"])
    assert not served.calls_since(message["_calls_from"], "sendMessage")  # an assisting party just steps back
    # An assisting party cannot hand over to the lead (that would take the lead off the need).
    mark = await served.press(POLICE_LIAISON, card["message_id"], f"xfer:{need_id}:transport")
    assert "无需变更" in served.calls_since(mark, "answerCallbackQuery")[0].params["text"]
    assert "牵头部门：交通运输局" in served.card_of(1)["text"]


async def test_undoing_a_promise_takes_back_the_claim_it_made(served: RunningBot) -> None:
    card, _ = await post(served)
    message = await served.say(POLICE_LIAISON, "三天内安排交警配合路测", reply_to=card["message_id"])
    confirmation = served.calls_since(message["_calls_from"], "sendMessage")[0].result
    assert "公安局" in served.card_of(1)["text"] and "✅已认领" in served.card_of(1)["text"]
    mark = await served.press(ADMIN, confirmation["message_id"], "undo:1")
    assert "只有作出这条承诺的人" in served.calls_since(mark, "answerCallbackQuery")[0].params["text"]
    await served.press(POLICE_LIAISON, confirmation["message_id"], "undo:1")
    assert "✅已认领" not in served.card_of(1)["text"]
    text = await status(served)
    assert "认领</b>：暂无" in text and "撤销记错的承诺" in text


async def test_a_need_someone_acted_on_cannot_be_withdrawn(served: RunningBot) -> None:
    card, need_id = await post(served)
    await served.say(LIAISON, "两周内开放测试路段", reply_to=card["message_id"])
    mark = await served.press(ENTERPRISE, card["message_id"], f"withdraw:{need_id}")
    answer = served.calls_since(mark, "answerCallbackQuery")[0].params
    assert answer["show_alert"] is True and "已有承诺或成果" in answer["text"]
    await served.say(ADMIN, "/resolve 1")
    assert (await counts(served))["needs"] == 1 and "已解决" in await status(served)


async def test_a_deal_announced_under_the_needs_own_message_is_offered_for_that_need(served: RunningBot) -> None:
    await post(served, "我们正在准备A轮融资，需要对接投资机构，希望金融局帮忙")
    need_message = next(m for (c, _), m in served.api.messages.items() if c == GROUP and "A轮融资" in m.get("text", "")
                        and not m.get("from", {}).get("is_bot"))
    await post(served, "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持")  # the latest need
    message = await served.say(ENTERPRISE, "好消息，我们和开来资本签了2000万元投资协议",
                               reply_to=need_message["message_id"])
    offer = served.calls_since(message["_calls_from"], "sendMessage")[0].params
    assert "#1" in offer["text"], offer["text"]


async def test_a_request_with_a_deadline_is_not_a_promise(served: RunningBot) -> None:
    card, _ = await post(served)
    for text in ("请贵公司在周五前提交申报材料", "你们需要在月底前完成备案", "请于12月10日前报送项目申报书"):
        await served.say(LIAISON, text, reply_to=card["message_id"])
    found = await counts(served)
    assert found["commitments"] == 0 and found["notes"] == 3, found


async def test_a_forged_choice_cannot_record_a_deal_on_someone_elses_need(served: RunningBot) -> None:
    await post(served, "我们正在准备A轮融资，需要对接投资机构，希望金融局帮忙")  # #1, the enterprise's
    _, other_id = await post(served, "我们想找一家银行合作，希望能对接融资渠道", user=STRANGER)  # #2, someone else's
    message = await served.say(ENTERPRISE, "好消息，我们和开来资本签了2000万元投资协议")
    offer = served.calls_since(message["_calls_from"], "sendMessage")[0]
    offer_id = int(buttons(offer.params)[0].split(":")[1])
    mark = await served.press(ENTERPRISE, offer.result["message_id"], f"agreeto:{offer_id}:{other_id}")
    assert served.calls_since(mark, "answerCallbackQuery")[0].params["show_alert"] is True
    services = served.app.bot_data.services  # type: ignore[union-attr]
    async with services.db.read() as conn:
        async with conn.execute("SELECT COUNT(*) FROM agreements") as cur:
            assert (await cur.fetchone())[0] == 0


async def test_a_binding_made_after_someone_spoke_counts_at_once(served: RunningBot) -> None:
    newcomer = {"id": 2301, "first_name": "交通局", "last_name": "新同事"}
    card, _ = await post(served)
    served.api.add_user(newcomer)
    await served.say(newcomer, "两周内开放测试路段", reply_to=card["message_id"])  # not bound yet: not a promise
    assert (await counts(served))["commitments"] == 0
    await served.say(ADMIN, f"/bind {newcomer['id']} transport")
    message = await served.say(newcomer, "两周内开放测试路段", reply_to=card["message_id"])
    answer = served.calls_since(message["_calls_from"], "sendMessage")[0].params["text"]
    assert "已记录承诺 1（需求 #1，交通运输局）" in answer


MEDICAL_NEED = "我们是做医学影像AI的，想获得三甲医院的脱敏影像数据做模型训练，希望相关部门支持"


async def test_a_follow_up_said_plainly_goes_to_the_need_it_is_about_and_a_new_need_is_not_swallowed(
        served: RunningBot) -> None:
    # The sandbox saw an enterprise's new needs filed as supplements to its newest, unrelated need.
    await post(served, MEDICAL_NEED)
    await post(served, ROAD_NEED)  # #2, the newest
    await served.say(ENTERPRISE, "上次说的医院数据那个事，有消息了吗？")  # about #1, not the newest
    assert "上次说的医院数据" in await status(served, 1)
    assert "上次说的医院数据" not in await status(served, 2)
    await served.say(ENTERPRISE, "医院数据那个事还需要我们提供什么材料吗")  # need words, yet about #1: not a new need
    assert (await counts(served))["needs"] == 2 and "还需要我们提供什么材料" in await status(served, 1)
    before = (await counts(served))["needs"]
    message = await served.say(ENTERPRISE, "公司现在现金流有点紧，想融个两三千万的A轮，或者银行给点贷款也行，"
                                           "我们是做工业软件的")
    assert "已登记需求 <b>#3</b>" in served.calls_since(message["_calls_from"], "sendMessage")[0].params["text"]
    assert (await counts(served))["needs"] == before + 1
    await served.say(ENTERPRISE, "进度怎么样了？")  # about nothing in particular: the newest
    assert "进度怎么样了" in await status(served, 3)


async def test_a_labs_own_need_does_not_name_the_lab_as_its_helper(served: RunningBot) -> None:
    from tests.conftest import LAB_MEMBER

    text = "我们实验室需要开放更多车路协同和自动驾驶测试路段，希望交通局支持"
    assert "lab_5gcar" in {t.id for t in served.router.route(text).targets}  # the router would name it
    await served.say(LAB_MEMBER, text)
    services = served.app.bot_data.services  # type: ignore[union-attr]
    async with services.db.read() as conn, conn.execute("SELECT party_id FROM routes") as cur:
        assert "lab_5gcar" not in {row[0] for row in await cur.fetchall()}


async def test_the_desk_counts_every_open_need_and_says_when_it_lists_only_the_newest(served: RunningBot) -> None:
    # The sandbox's enterprise had 27 open needs and its desk said "20 条进行中".
    places = ("市南区 市北区 李沧区 崂山区 城阳区 即墨区 胶州市 平度市 莱西市 西海岸新区 黄岛 "
              "青岛港 高新区 红岛 蓝谷 董家口 前湾 鳌山卫 沙子口 王哥庄 流亭 夏庄").split()
    for district in places:
        await served.say(ENTERPRISE, f"我们公司做自动驾驶，需要在{district}开放一段测试路段，希望交通局支持")
    await served.say(ENTERPRISE, "/start", chat_id=ENTERPRISE["id"])
    assert "我提出的需求</b>（22 条进行中，列出最新 20 条）" in served.last_text()
    await served.say(LIAISON, "/start", chat_id=LIAISON["id"])
    assert "条进行中，列出最新 20 条）" in served.last_text()


async def test_status_of_a_need_in_triage_says_its_lead_is_still_to_be_picked(served: RunningBot) -> None:
    await served.say(ENTERPRISE, MEDICAL_NEED)  # no confident lead: triage
    assert "牵头 待指定" in await status(served, 1)
    await served.say(ADMIN, "/route 1 卫健委")
    assert "牵头 待指定" not in await status(served, 1)


async def test_a_question_to_a_bureau_from_someone_with_no_open_need_is_a_need(served: RunningBot) -> None:
    # Read as a follow-up ("怎么办理"), but there is nothing to follow up: it is near 人社局's remit, so a need.
    message = await served.say(ENTERPRISE, "员工社保断缴了三个月，补缴怎么办理")
    assert "已登记需求 <b>#1</b>" in served.calls_since(message["_calls_from"], "sendMessage")[0].params["text"]
    message = await served.say(STRANGER, "我们需要的材料已经准备好了，明天带过去")  # follows nothing, near nothing
    assert not served.calls_since(message["_calls_from"], "sendMessage")
    assert (await counts(served))["needs"] == 1


async def test_an_add_on_said_plainly_by_someone_with_an_open_need_is_not_a_new_need(served: RunningBot) -> None:
    await post(served)
    await served.say(ENTERPRISE, "补充一下，路段最好有红绿灯路口")  # near a remit, but there is a need it follows up
    assert (await counts(served))["needs"] == 1 and "红绿灯路口" in await status(served, 1)


async def test_a_liaisons_question_under_a_card_that_reads_as_a_need_stays_a_question(served: RunningBot) -> None:
    card, _ = await post(served)
    await served.say(LIAISON, "你们需要多长的路段？需要几个路口？", reply_to=card["message_id"])
    assert (await counts(served))["needs"] == 1 and (await counts(served))["notes"] == 1
