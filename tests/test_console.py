"""The commission's console through the wire: exports, reports, directory, menus, desks, paging, forum topics."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.sandbox.localapi import LocalBotApi
from nlp.router import Router
from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, SHANGHAI, STRANGER, RunningBot
from tests.test_commitments import need_with_promise


def last_document(bot: RunningBot) -> tuple[str, bytes, str]:
    call = [c for c in bot.api.calls if c.method == "sendDocument" and c.status == 200][-1]
    document = call.params["document"]
    return document["filename"], document["data"], str(call.params.get("caption", ""))


async def test_export_xlsx_has_a_sheet_per_table_with_local_times(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(LIAISON, "/agreement 1 与青岛天使基金签约，天使轮融资800万元",
                     date=datetime(2026, 11, 27, 11, 0, tzinfo=SHANGHAI))
    await served.say(STRANGER, "/export")
    assert "管理员" in served.last_text()
    assert not [c for c in served.api.calls if c.method == "sendDocument"]

    await served.say(ADMIN, "/export")
    name, data, caption = last_document(served)
    assert name.endswith(".xlsx") and "需求 1 条" in caption and "承诺 1 条" in caption and "成果 1 条" in caption
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["需求", "分派", "承诺", "成果", "对话", "延期", "揭榜", "记录", "成绩单", "评价",
                               "牵头记录", "供给一览", "对接"]
    needs = list(book["需求"].values)
    assert needs[0][:4] == ("编号", "群ID", "群名称", "需求号")
    assert len(needs) == 2 and "自动驾驶" in needs[1][6] and needs[1][9] == "2026-11-27 10:00"  # local time
    commitments = list(book["承诺"].values)
    assert commitments[1][6] == "两周内开放测试路段" and commitments[1][7] == "2026-12-11"
    agreements = list(book["成果"].values)
    assert agreements[1][3] == "融资" and agreements[1][4] == 8_000_000
    routes = list(book["分派"].values)
    assert any(row[2] == "transport" and row[4] == "牵头" for row in routes[1:])
    events = [row[5] for row in list(book["记录"].values)[1:]]
    assert {"登记需求", "认领", "作出承诺", "记录成果"} <= set(events)


async def test_export_csv_is_a_zip_excel_reads_and_private_chat_exports_every_group(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(ADMIN, "/export csv")
    name, data, _ = last_document(served)
    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["agreements.csv", "challenges.csv", "commitments.csv", "events.csv",
                                              "extensions.csv", "lead_terms.csv", "matches.csv", "needs.csv",
                                              "notes.csv", "offers.csv", "routes.csv", "scorecard.csv",
                                              "verdicts.csv"]
        raw = archive.read("needs.csv")
    assert raw.startswith("\ufeff".encode())  # BOM: Excel opens UTF-8 Chinese correctly
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "编号" and len(rows) == 2

    await served.say(ADMIN, "/export pdf")
    assert "用法：/export" in served.last_text()
    # An admin's private chat exports every group.
    await served.say(ENTERPRISE, "需要对接医院开展癌症早筛试点", chat_id=GROUP)
    await served.say(ADMIN, "/export", chat_id=ADMIN["id"])
    _, data, caption = last_document(served)
    assert "全部对接群" in caption and "需求 2 条" in caption


def last_photo(bot: RunningBot) -> bytes:
    call = [c for c in bot.api.calls if c.method == "sendPhoto" and c.status == 200][-1]
    return bytes(call.params["photo"]["data"])


async def test_report_sends_a_summary_and_a_chart(served: RunningBot) -> None:
    from matplotlib.image import imread

    await need_with_promise(served)
    await served.say(LIAISON, "/done 1", date=datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI))
    report = next(m for (c, _), m in served.api.messages.items() if c == GROUP and "报告承诺 1" in m.get("text", ""))
    await served.press(ENTERPRISE, report["message_id"], "kept:1:y")
    await served.say(ENTERPRISE, "希望对接医院开展癌症早筛试点，需要脱敏的体检数据",
                     date=datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI))
    await served.say(LIAISON, "/agreement 1 与城阳区签订协议，开放5公里测试道路，总投资2亿元")
    served.clock.set_local(2026, 11, 30, 10, 0)

    await served.say(ADMIN, "/report week")
    texts = [str(c.params.get("text")) for c in served.api.calls if c.method == "sendMessage"]
    summary = next(t for t in reversed(texts) if "对接成效报告" in t)
    assert "需求 2 → 已认领 1 → 已承诺 1 → 已兑现 1 → 已解决 0" in summary, summary
    assert "交通运输局 1" in summary and "场景开放" in summary
    assert "按期兑现率 100%" in summary and "成果：1 项（场景开放 1），金额合计 2 亿元" in summary
    png = last_photo(served)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = imread(io.BytesIO(png), format="png")
    assert image.shape[:2] == (1500, 1200)  # decodes, 1200 × 1500 pixels (a row for 供需对接)

    await served.say(ADMIN, "/report year")
    assert "用法：/report" in served.last_text()
    await served.say(STRANGER, "/report")
    assert "管理员" in served.last_text()


async def refits_done(bot: RunningBot) -> None:
    assert bot.app is not None and bot.app.bot_data.services is not None
    await bot.app.bot_data.services.cases.learner.idle()


async def test_party_add_edit_disable_and_the_router_follows_without_a_restart(served: RunningBot) -> None:
    await served.say(STRANGER, "/party add seaport department 青岛港集团")
    assert "管理员" in served.last_text()
    await served.say(ADMIN, "/party add Sea-Port department 青岛港集团")
    assert "单位id 只能用小写字母" in served.last_text()
    await served.say(ADMIN, "/party add seaport agency 青岛港集团")
    assert "类别应为" in served.last_text()
    await served.say(ADMIN, "/party add seaport department 青岛港口管理局")
    assert "已新增单位" in served.last_text() and "seaport" in served.last_text()
    await served.say(ADMIN, "/party add seaport department 青岛港口管理局")
    assert "已经存在" in served.last_text()
    await served.say(ADMIN, "/party edit seaport aliases 港口局、港务局")
    await served.say(ADMIN, "/party edit seaport keywords 港口，码头，集装箱，航运，无人集卡")
    await served.say(ADMIN, "/party edit seaport profile 负责港口规划建设、码头运营和航运安全，推动智慧港口建设。")
    assert "码头运营" in served.last_text()
    await served.say(ADMIN, "/party edit seaport colour 蓝色")
    assert "可修改的字段" in served.last_text()
    await refits_done(served)

    await served.say(ENTERPRISE, "我们做无人集卡，希望在码头开展自动驾驶集装箱运输试点，需要港口局支持")
    assert "牵头部门：港口局" in served.card_of(1)["text"]

    await served.say(ADMIN, "/party disable seaport")
    assert "已停用单位" in served.last_text() and "已停用" in served.last_text()
    await refits_done(served)
    await served.say(ENTERPRISE, "我们做无人集卡，还希望在码头开展夜间集装箱运输测试")
    assert "港口局" not in served.card_of(2)["text"]
    await served.say(ADMIN, "/party seaport")
    assert "青岛港口管理局" in served.last_text() and "已停用" in served.last_text()
    await served.say(ADMIN, "/party")
    assert "用法" in served.last_text()


async def test_directory_round_trips_and_a_bad_file_changes_nothing(served: RunningBot) -> None:
    import json

    await served.say(ADMIN, "/directory export", chat_id=ADMIN["id"])
    name, data, _ = last_document(served)
    exported = json.loads(data)
    assert name.startswith("directory-") and len(exported["parties"]) == 53

    # Edit the file: a new party and a changed alias; import it back as a captioned file.
    exported["parties"].append({"id": "seaport", "kind": "department", "name": "青岛港口管理局",
                                "aliases": ["港口局"], "profile": "港口规划建设、码头运营", "keywords": ["码头"]})
    transport = next(p for p in exported["parties"] if p["id"] == "transport")
    transport["aliases"] = [*transport["aliases"], "交通部门"]
    payload = json.dumps(exported, ensure_ascii=False).encode("utf-8")
    await served.api.send_document(ADMIN["id"], ADMIN, "directory.json", payload, caption="/directory import")
    await served.settle()
    assert "新增 1，更新 1，未变 52" in served.last_text()
    await served.say(ADMIN, "/party seaport", chat_id=ADMIN["id"])
    assert "港口规划建设" in served.last_text()

    # Export again: the same content comes back (a round trip).
    await served.say(ADMIN, "/directory export", chat_id=ADMIN["id"])
    again = json.loads(last_document(served)[1])
    assert {p["id"]: p for p in again["parties"]}["seaport"]["aliases"] == ["港口局"]
    assert "交通部门" in {p["id"]: p for p in again["parties"]}["transport"]["aliases"]
    assert len(again["parties"]) == 54

    # A broken file, by reply: refused whole.
    broken = json.dumps({"parties": [{"id": "x y", "kind": "department", "name": "坏"}]}).encode()
    upload = await served.api.send_document(ADMIN["id"], ADMIN, "bad.json", broken)
    await served.settle()
    await served.say(ADMIN, "/directory import", chat_id=ADMIN["id"], reply_to=upload["message_id"])
    assert "名录文件有误，未导入任何内容" in served.last_text()
    await served.api.send_document(ADMIN["id"], ADMIN, "notjson.json", b"\xff\xfe garbage",
                                   caption="/directory import")
    await served.settle()
    assert "名录文件有误" in served.last_text()
    await served.say(ADMIN, "/directory import", chat_id=ADMIN["id"])
    assert "请把名录 JSON 文件发到本对话" in served.last_text()
    await served.say(ADMIN, "/directory export", chat_id=ADMIN["id"])
    assert len(json.loads(last_document(served)[1])["parties"]) == 54  # nothing changed


def menus_set(bot: RunningBot) -> dict[str, list[str]]:
    """scope (as JSON text) → command names, from every setMyCommands call."""
    import json

    found = {}
    for call in bot.api.calls:
        if call.method == "setMyCommands" and call.status == 200:
            scope = call.params.get("scope") or {"type": "default"}
            found[json.dumps(scope, sort_keys=True)] = [c["command"] for c in call.params["commands"]]
    return found


async def test_command_menus_per_scope(served: RunningBot) -> None:
    menus = menus_set(served)
    default = menus['{"type": "default"}']
    assert "need" in default and "report" not in default
    private = menus[f'{{"chat_id": {ADMIN["id"]}, "type": "chat"}}']
    assert {"report", "export", "party", "directory"} <= set(private)
    in_group = menus[f'{{"chat_id": {GROUP}, "type": "chat_member", "user_id": {ADMIN["id"]}}}']
    assert {"needs", "status", "triage", "report", "export"} <= set(in_group)


async def test_private_desks_for_a_liaison_an_enterprise_and_an_admin(served: RunningBot) -> None:
    await served.say(ENTERPRISE, "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持",
                     date=datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI))
    card = served.card_of(1)
    # The liaison opens the bot privately: the need routed to transport, unclaimed, with a claim button.
    await served.say(LIAISON, "/start", chat_id=LIAISON["id"])
    call = [c for c in served.api.calls if c.method == "sendMessage"][-1]
    assert "交通运输局 的需求" in call.params["text"] and "#1（牵头，待认领）" in call.params["text"]
    buttons = [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons[0]["text"] == "认领 #1"
    desk = next(m for (c, _), m in served.api.messages.items() if c == LIAISON["id"] and "的需求" in m.get("text", ""))
    mark = await served.press(LIAISON, desk["message_id"], buttons[0]["callback_data"], chat_id=LIAISON["id"])
    assert any("已认领需求 #1" in t for t in served.replies_since(mark))  # announced in the group
    assert any(c.method == "editMessageText" and int(c.params["chat_id"]) == GROUP
               for c in served.calls_since(mark))  # and the group's card shows it

    await served.say(LIAISON, "两周内开放测试路段", reply_to=card["message_id"],
                     date=datetime(2026, 11, 27, 10, 5, tzinfo=SHANGHAI))
    await served.say(LIAISON, "/start", chat_id=LIAISON["id"])
    call = [c for c in served.api.calls if c.method == "sendMessage"][-1]
    assert "承诺 1（需求 #1）两周内开放测试路段 — 到期：2026-12-11" in call.params["text"]
    fulfil = [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row if b["text"] == "报告兑现 承诺1"]
    desk = [m for (c, _), m in sorted(served.api.messages.items()) if c == LIAISON["id"]][-1]
    mark = await served.press(LIAISON, desk["message_id"], fulfil[0]["callback_data"], chat_id=LIAISON["id"])
    report = [c for c in served.calls_since(mark, "sendMessage") if int(c.params["chat_id"]) == GROUP]
    assert report and "报告承诺 1" in report[0].params["text"]  # in the group, for the enterprise to confirm

    # The enterprise's desk lists its own need; a stranger's button press in a private chat changes nothing.
    await served.say(ENTERPRISE, "/start", chat_id=ENTERPRISE["id"])
    assert "我提出的需求" in served.last_text() and "#1" in served.last_text()
    mark = await served.press(STRANGER, desk["message_id"], fulfil[0]["callback_data"], chat_id=LIAISON["id"])
    assert served.calls_since(mark, "answerCallbackQuery")[0].params["show_alert"] is True
    assert not served.calls_since(mark, "sendMessage")

    # The admin's desk: the triage queue across groups (none waiting here), and where to look next.
    await served.say(ADMIN, "/start", chat_id=ADMIN["id"])
    assert "没有待确认牵头部门的需求" in served.last_text() and "/report" in served.last_text()


async def test_a_long_needs_list_is_paged_with_buttons(served: RunningBot) -> None:
    for i in range(23):
        await served.say(ENTERPRISE, f"/need 需要对接第{i + 1}个测试场景，开放道路做自动驾驶验证")
    await served.say(ADMIN, "/needs")
    call = [c for c in served.api.calls if c.method == "sendMessage"][-1]
    assert "共 23 条，第 1/3 页" in call.params["text"] and "#10 " in call.params["text"]
    assert "#11 " not in call.params["text"]
    rows = call.params["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[0]] == ["#1 详情", "#2 详情", "#3 详情", "#4 详情", "#5 详情"]
    buttons = rows[-1]
    assert [b["text"] for b in buttons] == ["下一页 ▶"]
    listing = [m for (c, _), m in sorted(served.api.messages.items()) if c == GROUP][-1]
    mark = await served.press(ADMIN, listing["message_id"], rows[0][2]["callback_data"])  # 详情 instead of /status 3
    assert "需求 #3" in served.calls_since(mark, "sendMessage")[0].params["text"]
    mark = await served.press(ADMIN, listing["message_id"], buttons[0]["callback_data"])
    page2 = served.calls_since(mark, "editMessageText")[0].params
    assert "第 2/3 页" in page2["text"] and "#11 " in page2["text"] and "#20 " in page2["text"]
    assert [b["text"] for b in page2["reply_markup"]["inline_keyboard"][-1]] == ["◀ 上一页", "下一页 ▶"]
    mark = await served.press(ADMIN, listing["message_id"], "npage:3:o")
    assert "#23 " in served.calls_since(mark, "editMessageText")[0].params["text"]
    mark = await served.press(STRANGER, listing["message_id"], "npage:1:o")
    assert served.calls_since(mark, "answerCallbackQuery")[0].params["show_alert"] is True
    assert not served.calls_since(mark, "editMessageText")


async def test_forum_topic_mode_gives_each_need_its_own_topic(api: LocalBotApi, tmp_path: Path, router: Router) -> None:
    from dataclasses import replace

    from tests.conftest import make_settings

    forum = -1007770000000
    api.chat(forum, title="场景对接论坛")
    api.chats[forum]["is_forum"] = True
    bot = RunningBot(api, replace(make_settings(api, tmp_path / "bot.sqlite3"), forum_topics=True), router)
    await bot.start()
    try:
        await api.member_change(forum, ADMIN, "left", "member")
        api.add_user(LIAISON)
        await bot.say(ADMIN, f"/bind {LIAISON['id']} transport", chat_id=forum)
        message = await bot.say(ENTERPRISE, "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持",
                                chat_id=forum, date=datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI))
        topic = bot.calls_since(message["_calls_from"], "createForumTopic")
        assert topic and topic[0].params["name"].startswith("#1 我们公司做自动驾驶")
        thread = topic[0].result["message_thread_id"]
        sent = bot.calls_since(message["_calls_from"], "sendMessage")
        card = next(c for c in sent if "牵头部门" in c.params["text"])
        assert card.params["message_thread_id"] == thread  # the card lives in the need's topic
        assert any("已为它开设话题" in c.params["text"] for c in sent)  # and General gets a pointer

        in_topic = {"message_thread_id": thread, "is_topic_message": True}
        # In the topic, the liaison's words are a promise — no reply to the card needed.
        message = await bot.api.send_text(forum, LIAISON, "两周内开放测试路段", extra=in_topic,
                                          date=datetime(2026, 11, 27, 10, 5, tzinfo=SHANGHAI))
        await bot.settle()
        assert "已记录承诺 1" in bot.last_text() and "2026-12-11" in bot.last_text()
        # The enterprise discussing in the topic does not register new needs.
        mark = len(api.calls)
        await bot.api.send_text(forum, ENTERPRISE, "另外还需要开放路侧单元的数据接口，希望大数据局支持", extra=in_topic)
        await bot.settle()
        assert not bot.calls_since(mark, "sendMessage")
        # The reminder goes to the topic.
        bot.clock.set_local(2026, 12, 10, 9, 0)
        reminder = [c for c in await bot.run_notices() if "⏰ 提醒" in c.params["text"]]
        assert reminder and reminder[0].params["message_thread_id"] == thread

        # Without the right to create topics the bot posts the card where the need was written.
        api.fail_next("createForumTopic", 400, "Bad Request: not enough rights to create a topic")
        message = await bot.say(ENTERPRISE, "希望对接医院开展癌症早筛试点，需要脱敏的体检数据", chat_id=forum)
        card = [c for c in bot.calls_since(message["_calls_from"], "sendMessage") if "牵头部门" in c.params["text"]]
        assert card and "message_thread_id" not in card[0].params
    finally:
        await bot.stop()
    assert not bot.errors


async def test_a_long_overdue_list_is_paged_not_cut(served: RunningBot) -> None:
    from bot.texts import pages_of

    await need_with_promise(served)
    early = datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)
    for i in range(70):
        await served.say(LIAISON, f"/commit 1 3天内提供第{i + 2}批路侧单元的接口文档和测试数据，并安排现场对接",
                         date=early)
    await served.say(ADMIN, "/overdue", date=datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI))
    first = [c for c in served.api.calls if c.method == "sendMessage"][-1].params
    assert first["text"].startswith("（第 1/") and len(first["text"]) <= 4096
    pages = int(first["text"].split("/")[1].split(" ")[0])
    assert pages >= 2
    listing = [m for (c, _), m in sorted(served.api.messages.items()) if c == GROUP][-1]
    seen = first["text"]
    for page in range(2, pages + 1):
        mark = await served.press(ADMIN, listing["message_id"], f"lpage:{page}:overdue")
        seen += served.calls_since(mark, "editMessageText")[0].params["text"]
    assert all(f"承诺 {n}（需求 #1）" in seen for n in range(2, 72))  # every one of them, none cut
    assert pages_of("a\nb", limit=2) == ["a", "b"] and pages_of("short") == ["short"]


async def test_a_long_directory_list_pages_for_anyone(served: RunningBot) -> None:
    import json

    extra = [{"id": f"lab_extra{i}", "kind": "lab", "name": f"青岛第{i}号场景创新应用实验室（示例单位，名称较长）"}
             for i in range(120)]
    payload = json.dumps({"parties": extra}, ensure_ascii=False).encode("utf-8")
    await served.api.send_document(ADMIN["id"], ADMIN, "more.json", payload, caption="/directory import")
    await served.settle()
    assert "新增 120" in served.last_text()
    await served.say(STRANGER, "/parties")
    first = [c for c in served.api.calls if c.method == "sendMessage"][-1].params
    assert first["text"].startswith("（第 1/") and len(first["text"]) <= 4096
    pages = int(first["text"].split("/")[1].split(" ")[0])
    listing = [m for (c, _), m in sorted(served.api.messages.items()) if c == GROUP][-1]
    seen = first["text"]
    for page in range(2, pages + 1):
        mark = await served.press(STRANGER, listing["message_id"], f"lpage:{page}:parties")
        seen += served.calls_since(mark, "editMessageText")[0].params["text"]
    assert "lab_extra0" in seen and "lab_extra119" in seen and "transport" in seen
    mark = await served.press(STRANGER, listing["message_id"], "lpage:1:overdue")  # admins' lists stay theirs
    assert served.calls_since(mark, "answerCallbackQuery")[0].params["show_alert"] is True


async def test_backup_is_a_consistent_database_sent_only_privately(served: RunningBot, tmp_path: Path) -> None:
    import sqlite3

    await need_with_promise(served)
    await served.say(ADMIN, "/backup")
    assert "私聊" in served.last_text()
    assert not [c for c in served.api.calls if c.method == "sendDocument"]
    await served.say(STRANGER, "/backup", chat_id=STRANGER["id"])
    assert not [c for c in served.api.calls if c.method == "sendDocument"]
    await served.say(ADMIN, "/backup", chat_id=ADMIN["id"])
    name, data, caption = last_document(served)
    assert name.endswith(".sqlite3") and "恢复方法" in caption
    copy = tmp_path / "restored.sqlite3"
    copy.write_bytes(data)
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM needs").fetchone()[0] == 1
        assert conn.execute("SELECT text FROM commitments").fetchone()[0] == "两周内开放测试路段"
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 4


async def test_forget_removes_identity_and_keeps_the_work_anonymised(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(STRANGER, f"/forget {LIAISON['id']}")
    assert "管理员" in served.last_text()
    await served.say(ADMIN, "/forget")
    assert "用法：/forget" in served.last_text()
    await served.say(ADMIN, f"/forget {LIAISON['id']}")
    assert "已删除该用户的身份信息" in served.last_text() and "承诺 1 条" in served.last_text()
    assert served.app is not None and served.app.bot_data.services is not None
    async with served.app.bot_data.services.db.read() as conn:
        for table, column in (("users", "user_id"), ("bindings", "user_id"), ("commitments", "user_id"),
                              ("claims", "user_id"), ("events", "actor_id")):
            sql = f"SELECT COUNT(*) FROM {table} WHERE {column} = ?"
            async with conn.execute(sql, (LIAISON["id"],)) as cur:
                assert (await cur.fetchone())[0] == 0, sql
        async with conn.execute("SELECT COUNT(*) FROM events WHERE detail LIKE ?", (f"%{LIAISON['id']}%",)) as cur:
            assert (await cur.fetchone())[0] == 0
    await served.say(ADMIN, "/status 1")
    status = served.last_text()
    assert "两周内开放测试路段" in status and "交通运输局" in status and "王科" not in status  # kept, anonymised
    # The enterprise, by reply: its need stays, without its name.
    message = await served.say(ENTERPRISE, "谢谢大家")
    await served.say(ADMIN, "/forget", reply_to=message["message_id"])
    await served.say(ADMIN, "/status 1")
    assert "李总" not in served.last_text() and "需求 #1" in served.last_text()
