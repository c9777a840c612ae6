"""A day in the group, over the wire (issue 12): about sixty messages among an admin, three enterprises and three
liaisons — needs, follow-ups, questions both ways, promises with and without dates, a refusal naming another
bureau, acknowledgements, an outcome announced twice, a false need withdrawn, a past date, an absurd span — and
the ledger the bot keeps of it, compared with what the people meant, exactly."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.services.reports import gather
from handlers import common
from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, SHANGHAI, RunningBot

FARMER = {"id": 3101, "first_name": "王总", "username": "wang_greenhouse"}  # smart greenhouses
DOCTOR = {"id": 3102, "first_name": "陈总", "username": "chen_imaging"}  # medical imaging AI
AGRI = {"id": 2201, "first_name": "农业农村局", "last_name": "孙科"}
FINREG = {"id": 2202, "first_name": "金融局", "last_name": "周科"}
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)


class Day:
    """Plays the day: every message a minute after the last, said at that local time."""

    def __init__(self, bot: RunningBot) -> None:
        self.bot, self.at = bot, MONDAY

    async def say(self, user: dict[str, Any], text: str, reply_to: int | None = None) -> dict[str, Any]:
        self.at += timedelta(minutes=1)
        kwargs: dict[str, Any] = {"date": self.at}
        if reply_to is not None:
            kwargs["reply_to"] = reply_to
        return await self.bot.say(user, text, **kwargs)

    def answers(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        """What the bot sent in answer (the messages, as sent)."""
        return [c.result for c in self.bot.calls_since(message["_calls_from"], "sendMessage") if c.status == 200]

    def card(self, number: int) -> int:
        return int(self.bot.card_of(number)["message_id"])

    async def press(self, user: dict[str, Any], message_id: int, data: str) -> int:
        return await self.bot.press(user, message_id, data)


async def ledger(bot: RunningBot) -> dict[str, list[tuple[Any, ...]]]:
    services = bot.app.bot_data.services  # type: ignore[union-attr]
    queries = {
        "needs": "SELECT n.number, n.author_id, n.status, (SELECT party_id FROM routes r WHERE r.need_id = n.id"
                 " AND r.role = 'lead' AND r.active = 1) FROM needs n ORDER BY n.number",
        "notes": "SELECT n.number, o.kind, o.author_id FROM notes o JOIN needs n ON n.id = o.need_id ORDER BY o.id",
        "promises": "SELECT m.id, n.number, m.party_id, m.due_date, m.status FROM commitments m"
                    " JOIN needs n ON n.id = m.need_id ORDER BY m.id",
        "agreements": "SELECT n.number, a.kind, a.amount_yuan FROM agreements a JOIN needs n ON n.id = a.need_id"
                      " ORDER BY a.id",
    }
    found = {}
    async with services.db.read() as conn:
        for name, sql in queries.items():
            async with conn.execute(sql) as cur:
                found[name] = [tuple(row) for row in await cur.fetchall()]
    return found


async def test_a_day_in_the_group(wire_served: RunningBot, monkeypatch: pytest.MonkeyPatch) -> None:
    bot = wire_served
    day = Day(bot)
    # Presses carry no time: they happen at the day's time too (a minute after the last message), not at the
    # machine's — or an undo pressed "a minute later" would be hours away on the day this test runs.
    monkeypatch.setattr(common, "press_clock", lambda: day.at + timedelta(seconds=30))
    for user, party in ((AGRI, "agri"), (FINREG, "finreg")):
        bot.api.add_user(user)
        await bot.say(ADMIN, f"/bind {user['id']} {party}")

    # Morning: the needs come in, with talk around them.
    await day.say(ADMIN, "各位早上好，今天继续对接，有需求请直接在群里说。")
    await day.say(ENTERPRISE, "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持")  # #1
    await day.say(FARMER, "我们的智慧大棚传感器想找一个试点村做示范应用，希望农业农村局支持")  # #2
    await day.say(DOCTOR, "我们是做医学影像AI的，想获得三甲医院的脱敏影像数据做模型训练，希望相关部门支持")  # #3
    await day.say(DOCTOR, "另外我们正在准备A轮融资，需要对接投资机构和银行贷款，希望金融局帮忙")  # #4
    question = await day.say(FARMER, "请问下周的对接会在哪里开？")
    assert not day.answers(question)  # a meeting question is not a need
    await day.say(ADMIN, "下周四下午两点，市民中心三楼。")
    await day.say(FARMER, "好的，谢谢")
    # The medical-data need had no confident lead: the admin picks it with 分派.
    await day.press(ADMIN, day.card(3), "pick:3")
    await day.press(ADMIN, day.card(3), "assign:3:health")

    # #1: an acknowledgement, a question and its answer, a follow-up, then the promise.
    ack = await day.say(LIAISON, "收到，我们内部研究一下", reply_to=day.card(1))
    assert not day.answers(ack)
    asked = await day.say(LIAISON, "请问你们的测试车辆有几台？需要多长的路段？", reply_to=day.card(1))
    assert not day.answers(asked)
    await day.say(ENTERPRISE, "目前有3台测试车，路段3公里左右就够了", reply_to=asked["message_id"])
    await day.say(ENTERPRISE, "补充一下：最好在崂山区，离我们研发中心近一点", reply_to=day.card(1))
    promised = await day.say(LIAISON, "两周内开放测试路段", reply_to=day.card(1))
    assert "已记录承诺 1" in day.answers(promised)[0]["text"]

    # #2: a question the other way round, then an undated promise whose date comes after a past date and an
    # absurd span are refused.
    asked = await day.say(AGRI, "请问你们的大棚传感器需要村里提供电源和网络吗？", reply_to=day.card(2))
    await day.say(FARMER, "村里有电就行，网络我们自己用4G", reply_to=asked["message_id"])
    promised = await day.say(AGRI, "我们来协调平度的两个试点村，名单尽快发您", reply_to=day.card(2))
    question = day.answers(promised)[0]
    assert "已记录承诺 2" in question["text"] and "未识别到完成日期" in question["text"]
    past = await day.say(AGRI, "11月1日前", reply_to=question["message_id"])
    refused = day.answers(past)[0]
    assert "已过" in refused["text"]
    absurd = await day.say(AGRI, "99999999999999999999天内", reply_to=refused["message_id"])
    refused = day.answers(absurd)[0]
    assert "无法识别" in refused["text"]
    dated = await day.say(AGRI, "本周五前", reply_to=refused["message_id"])
    assert "2026-12-04" in day.answers(dated)[0]["text"]
    await day.say(FARMER, "谢谢农业农村局！")
    await day.say(AGRI, "不客气", reply_to=day.card(2))

    # #4: a refusal that names no bureau, then a dated promise.
    await day.say(FINREG, "按规定我们不能直接提供贷款，建议找银行对接", reply_to=day.card(4))
    await day.say(FINREG, "下周三前我们组织两家银行和开来资本跟您对接", reply_to=day.card(4))
    await day.say(DOCTOR, "好的，辛苦周科", reply_to=day.card(4))

    # A need the transport bureau does not own: its refusal names the right bureau, one tap hands it over.
    await day.say(ENTERPRISE, "我们想获取全市的交通流量数据，用于优化物流配送路线，希望交通局开放数据接口")  # #5
    refusal = await day.say(LIAISON, "这个归大数据局管，建议找他们", reply_to=day.card(5))
    offer = day.answers(refusal)[0]
    assert "大数据局" in offer["text"]
    await day.press(LIAISON, offer["message_id"], "why:5:bigdata:duty")

    # A promise made under the wrong card is undone at once from its confirmation.
    wrong = await day.say(LIAISON, "三天内把路侧单元接口文档发给您", reply_to=day.card(2))
    confirmation = day.answers(wrong)[0]
    assert "已记录承诺 4（需求 #2" in confirmation["text"]
    await day.press(LIAISON, confirmation["message_id"], "undo:4")
    await day.say(LIAISON, "三天内把路侧单元接口文档发给您", reply_to=day.card(1))  # promise 5

    # A need posted twice by mistake: its author withdraws the copy.
    await day.say(ENTERPRISE, "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持")  # #6
    await day.press(ENTERPRISE, day.card(6), "withdraw:6")
    await day.say(ENTERPRISE, "不好意思，刚才重复发了")

    # A new need in mixed English and Chinese.
    await day.say(FARMER, "We need a 测试场地 for our drone 无人机 delivery pilot in 崂山区")  # #7

    # Afternoon: the deal is announced, then announced again, then recorded by command: one agreement.
    day.at = MONDAY.replace(hour=15)
    deal = await day.say(DOCTOR, "好消息：我们和开来资本签了3000万元的A轮投资协议")
    offered = day.answers(deal)[0]
    assert "#4" in offered["text"]  # the financing need, not the latest one
    await day.press(DOCTOR, offered["message_id"], next(
        b["callback_data"] for row in offered["reply_markup"]["inline_keyboard"] for b in row))
    again = await day.say(DOCTOR, "再说一下，我们和开来资本签约了，A轮3000万元")
    assert all("记录成果" not in str(a.get("reply_markup")) for a in day.answers(again))
    await day.say(ADMIN, "/agreement 4 与开来资本签约A轮融资3000万元")
    assert "这项成果已记录（#1）" in bot.last_text()  # one deal, one agreement
    await day.say(ADMIN, "恭喜陈总！")

    # Progress, a follow-up asking for it, a date moved by 延期: asked by the liaison, approved by the admin.
    await day.say(ENTERPRISE, "#1 进度怎么样了？")
    await day.say(LIAISON, "测试路段的安全评估昨天完成了，正在走审批", reply_to=day.card(1))
    asked = await day.say(LIAISON, "/extend 1 12月20日前 审批还要走市里会签")
    assert "2026-12-14 → 2026-12-20" in day.answers(asked)[0]["text"]
    request = [c for c in bot.api.sent("sendMessage", ADMIN["id"]) if "延期申请" in str(c.params.get("text"))][-1]
    mark = await bot.press(ADMIN, request.result["message_id"], "extdo:1:y", chat_id=ADMIN["id"])  # type: ignore[index]
    told = [str(c.params.get("text")) for c in bot.calls_since(mark, "sendMessage")]
    assert any("由 2026-12-14 改为 2026-12-20" in text for text in told), told
    await day.say(ENTERPRISE, "好的，谢谢交通局！")
    await day.say(AGRI, "名单已经发您邮箱了，请查收", reply_to=day.card(2))
    await day.say(FARMER, "收到，我们这周去村里看看", reply_to=day.card(2))
    await day.say(ADMIN, "今天的对接就到这里，大家辛苦了。")

    assert not bot.errors
    # The ledger: what the people meant, exactly.
    found = await ledger(bot)
    assert found["needs"] == [
        (1, ENTERPRISE["id"], "open", "transport"),
        (2, FARMER["id"], "open", "agri"),
        (3, DOCTOR["id"], "open", "health"),
        (4, DOCTOR["id"], "open", "finreg"),
        (5, ENTERPRISE["id"], "open", "bigdata"),
        (6, ENTERPRISE["id"], "withdrawn", "transport"),
        (7, FARMER["id"], "open", found["needs"][6][3]),  # routing is not what this day tests
    ], found["needs"]
    assert found["notes"] == [
        (1, "question", LIAISON["id"]),
        (1, "followup", ENTERPRISE["id"]),
        (1, "followup", ENTERPRISE["id"]),
        (2, "question", AGRI["id"]),
        (2, "followup", FARMER["id"]),
        (4, "refusal", FINREG["id"]),  # (the liaison's "不客气" under #2 is talk, not a refusal)
        (5, "refusal", LIAISON["id"]),
        (1, "followup", ENTERPRISE["id"]),
        (1, "progress", LIAISON["id"]),
        (2, "progress", AGRI["id"]),
        (2, "followup", FARMER["id"]),
    ], found["notes"]
    assert found["promises"] == [
        (1, 1, "transport", "2026-12-20", "open"),
        (2, 2, "agri", "2026-12-04", "open"),
        (3, 4, "finreg", "2026-12-09", "open"),  # 下周三, said on a Monday
        (5, 1, "transport", "2026-12-03", "open"),
    ], found["promises"]
    assert found["agreements"] == [(4, "financing", 30_000_000)], found["agreements"]

    services = bot.app.bot_data.services  # type: ignore[union-attr]
    report = await gather(services.db, GROUP, "all", MONDAY.replace(hour=18), services.notices.policy)
    assert dict(report.funnel) == {"needs": 6, "claimed": 3, "committed": 3, "kept": 0, "resolved": 0}, report.funnel
    assert (report.agreements, report.amount_yuan) == (1, 30_000_000)
