"""The standing lists (issue 15, part C) through the real Application: /offer publishes for one's own party, /offers
lists the open ones with ◀ ▶ pages and shows one in full, owners edit and close, admins export and import the
lists as a spreadsheet (a bad file changes nothing), and the starter list is seeded once."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from bot import texts
from bot.domain import Refusal
from bot.domain.offer_lists import load_starter_offers
from bot.domain.offers import OfferKind
from bot.sandbox.localapi import LocalBotApi
from nlp.offer_words import kind_of, read_offer_words, sheet_date
from nlp.router import Router
from tests.conftest import (
    ADMIN,
    ENTERPRISE,
    GROUP,
    LAB_MEMBER,
    LIAISON,
    STRANGER,
    FakeClock,
    RunningBot,
    make_settings,
    serve,
)

STARTERS = 15  # one per lab (8) and per fund or investor (7) of the reference directory
ROAD = "/offer 场景 开放自动驾驶测试道路；市北区3公里城市道路，可安装路侧单元；地点：市北区；截止：2027年6月30日"


async def offer_rows(bot: RunningBot) -> list[tuple[Any, ...]]:
    db = bot.app.bot_data.services.db  # type: ignore[union-attr]
    async with db.read() as conn:
        async with conn.execute("SELECT * FROM offers ORDER BY id") as cur:
            return [tuple(r) for r in await cur.fetchall()]


async def offer(bot: RunningBot, offer_id: int) -> Any:
    return await bot.app.bot_data.services.cases.offers.get(offer_id)  # type: ignore[union-attr]


def last_document(bot: RunningBot) -> tuple[str, bytes, str]:
    call = [c for c in bot.api.calls if c.method == "sendDocument" and c.status == 200][-1]
    document = call.params["document"]
    return document["filename"], document["data"], str(call.params.get("caption", ""))


def sheet_rows(data: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [texts.OFFERS_SHEET]
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def buttons(call_params: dict[str, Any]) -> list[str]:
    markup = call_params.get("reply_markup") or {"inline_keyboard": []}
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


# --- the words -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    ("能力 车路协同 测试验证；可提供测试场；地点：市北区；截止：2027年6月30日",
     ("能力", "", "车路协同 测试验证", "可提供测试场", "市北区", "2027年6月30日")),
    ("lab_5gcar 能力\n标题\n内容", ("能力", "lab_5gcar", "标题", "内容", "", "")),
    ("能力；标题；内容", ("能力", "", "标题", "内容", "", "")),
    ("场景 开放道路", ("场景", "", "开放道路", "", "", "")),
    ("交通运输局 场景 开放道路;3公里;有效期至12月底", ("场景", "交通运输局", "开放道路", "3公里", "", "12月底")),
    ("服务 标题", ("服务", "", "标题", "", "", "")),  # no kind: the use case answers with the usage
])
def test_the_words_of_an_offer(args: str, expected: tuple[str, ...]) -> None:
    words = read_offer_words(args)
    assert words is not None
    assert (words.kind_word, words.party_word, words.title, words.text, words.place, words.until) == expected
    assert read_offer_words("  ") is None


def test_a_spreadsheet_date() -> None:
    assert sheet_date("2027-06-30") == sheet_date("2027/6/30") == sheet_date("2027年6月30日") == \
        sheet_date(datetime(2027, 6, 30, 0, 0)) == (True, date(2027, 6, 30))
    assert sheet_date(None) == sheet_date("") == sheet_date("长期") == (True, None)
    assert sheet_date("2027-02-30") == sheet_date("明年春天") == (False, None)


# --- publishing ----------------------------------------------------------------------------------------------

async def test_a_liaison_a_member_and_an_admin_publish_an_enterprise_is_refused(served: RunningBot) -> None:
    await served.say(LIAISON, ROAD)
    assert served.last_text().startswith(f"📌 已发布供给 #{STARTERS + 1}（场景 · ")
    road = await offer(served, STARTERS + 1)
    assert (road.party_id, road.kind, road.title, road.place, str(road.until), road.created_by, road.example) == \
        ("transport", OfferKind.SCENARIO, "开放自动驾驶测试道路", "市北区", "2027-06-30", LIAISON["id"], False)
    assert road.text == "市北区3公里城市道路，可安装路侧单元"

    # A lab member, with a new line as the separator; a lab may publish a capability.
    await served.say(LAB_MEMBER, "/offer 能力 车路协同测试验证\n可提供封闭测试场和路侧单元")
    lab = await offer(served, STARTERS + 2)
    assert (lab.party_id, lab.kind, lab.title, lab.text) == \
        ("lab_5gcar", OfferKind.CAPABILITY, "车路协同测试验证", "可提供封闭测试场和路侧单元")
    # …not an investment thesis, and only for its own party.
    await served.say(LAB_MEMBER, "/offer 投资 天使轮；投早期项目")
    assert "可以发布的供给类别：能力、场景" in served.last_text()
    await served.say(LIAISON, "/offer lab_5gcar 能力 代发；内容")
    assert "只能为本单位发布供给" in served.last_text()

    # An admin publishes for any party, any kind — but names the party.
    await served.say(ADMIN, "/offer lab_aiot 能力 城市安全监测；物联平台+智慧大脑")
    assert (await offer(served, STARTERS + 3)).party_id == "lab_aiot"
    await served.say(ADMIN, "/offer transport 投资 交通产业基金；ASCII 分号也可以;地点：青岛")
    third = await offer(served, STARTERS + 4)
    assert (third.party_id, third.kind, third.place) == ("transport", OfferKind.INVESTMENT, "青岛")
    await served.say(ADMIN, "/offer 能力 没有单位；内容")
    assert served.last_text() == texts.OFFER_REFUSALS[Refusal.OFFER_PARTY_NEEDED]

    before = await offer_rows(served)
    for user, words in ((ENTERPRISE, "/offer 场景 我们有场地；内容"), (STRANGER, ROAD)):
        await served.say(user, words)
        assert served.last_text() == texts.OFFER_REFUSALS[Refusal.OFFER_NOT_BOUND]
    await served.say(LIAISON, "/offer")
    assert served.last_text() == texts.OFFER_USAGE and "例如：/offer 场景" in served.last_text()
    await served.say(LIAISON, "/offer 服务 不是类别；内容")
    assert served.last_text() == texts.OFFER_USAGE
    await served.say(LIAISON, "/offer 场景 过期的场景；内容；截止：2020年1月1日")
    assert served.last_text() == texts.OFFER_REFUSALS[Refusal.OFFER_UNTIL_PAST]
    await served.say(LIAISON, "/offer 场景 " + "很长的标题" * 13)
    assert served.last_text() == texts.OFFER_REFUSALS[Refusal.OFFER_TITLE_TOO_LONG]
    assert await offer_rows(served) == before


# --- listing -------------------------------------------------------------------------------------------------

async def test_the_lists_page_by_ten_for_anyone_by_kind_and_by_party(served: RunningBot) -> None:
    await served.say(LIAISON, ROAD)
    await served.say(STRANGER, "/offers")
    first = served.api.sent("sendMessage", GROUP)[-1].params
    text = first["text"]
    assert text.startswith("（第 1/2 页）") and f"开放中 {STARTERS + 1} 条" in text
    assert text.count("供给 #") == 10 and "供给 #1</b> 【能力】软磁材料实验室：软磁材料技术创新应用 「示例」" in text
    assert buttons(first) == ["opage:2:all:n"]
    listing = [m for (c, _), m in sorted(served.api.messages.items()) if c == GROUP][-1]
    mark = await served.press(STRANGER, listing["message_id"], "opage:2:all:n")
    page2 = served.calls_since(mark, "editMessageText")[0].params
    assert page2["text"].startswith("（第 2/2 页）") and page2["text"].count("供给 #") == STARTERS + 1 - 10
    assert f"供给 #{STARTERS + 1}</b> 【场景】交通运输局：开放自动驾驶测试道路（地点：市北区，有效期至 2027-06-30）" \
        in page2["text"]
    assert buttons(page2) == ["opage:1:all:n"]

    await served.say(STRANGER, "/offers 全部")
    assert served.last_text() == text
    await served.say(STRANGER, "/offers 投资")
    assert served.last_text().count("供给 #") == 7 and "【能力】" not in served.last_text()
    for query in ("lab_5gcar", "网联汽车实验室"):
        await served.say(STRANGER, f"/offers {query}")
        assert served.last_text().count("供给 #") == 1 and "5G智能网联汽车" in served.last_text()
    await served.say(STRANGER, "/offers 火星基地")
    assert served.last_text() == texts.OFFER_REFUSALS[Refusal.OFFERS_FILTER_UNKNOWN]

    # A filtered list pages within its filter.
    for n in range(3):
        await served.say(LAB_MEMBER, f"/offer 能力 测试能力{n}；内容")
    await served.say(STRANGER, "/offers 能力")
    capability = served.api.sent("sendMessage", GROUP)[-1].params
    assert buttons(capability) == ["opage:2:capability:n"] and "开放中 11 条" in capability["text"]
    listing = [m for (c, _), m in sorted(served.api.messages.items()) if c == GROUP][-1]
    mark = await served.press(STRANGER, listing["message_id"], "opage:2:capability:n")
    assert served.calls_since(mark, "editMessageText")[0].params["text"].count("【能力】") == 1


async def test_an_offer_past_its_date_is_no_longer_listed(served: RunningBot) -> None:
    await served.say(LIAISON, "/offer 场景 年底前开放的场景；内容；截止：12月31日")
    assert str((await offer(served, STARTERS + 1)).until) == "2026-12-31"
    await served.say(STRANGER, "/offers 场景")
    assert "年底前开放的场景" in served.last_text()
    served.clock.set_local(2027, 1, 2, 10)
    await served.say(STRANGER, "/offers 场景")
    assert "目前没有开放的供给" in served.last_text()


async def test_one_offer_in_full_names_its_partys_liaisons(served: RunningBot) -> None:
    await served.say(STRANGER, "/offers 7")
    text = served.last_text()
    assert text.startswith("<b>供给 #7</b>（能力，开放中） 「示例」")
    assert "单位：青岛市5G智能网联汽车场景应用实验室（<code>lab_5gcar</code>）" in text
    assert f'联络人：<a href="tg://user?id={LAB_MEMBER["id"]}">' in text and "有效期至：长期" in text
    await served.say(STRANGER, "/offers 9")  # a fund nobody is bound to
    assert "暂无绑定的联络员或成员" in served.last_text()
    await served.say(STRANGER, "/offers 999")
    assert served.last_text() == texts.OFFER_REFUSALS[Refusal.NO_SUCH_OFFER]


# --- owners edit and close -----------------------------------------------------------------------------------

async def test_owners_and_admins_edit_and_close_others_are_refused(served: RunningBot) -> None:
    for user in (LIAISON, ENTERPRISE, STRANGER):
        before = await offer_rows(served)
        await served.say(user, "/offers edit 7 标题 不是我的")
        assert served.last_text() == "只有 5G智能网联汽车实验室 的联络员、成员或管理员可以修改或关闭供给 #7。", user
        await served.say(user, "/offers close 7")
        assert "只有 5G智能网联汽车实验室 的联络员" in served.last_text()
        assert await offer_rows(served) == before

    await served.say(LAB_MEMBER, "/offers edit 7 内容 车路协同、自动驾驶测试验证，可提供路侧单元接入")
    edited = await offer(served, 7)
    assert edited.text == "车路协同、自动驾驶测试验证，可提供路侧单元接入" and not edited.example
    assert served.last_text().startswith("✏️ 已修改供给 #7 的内容：车路协同、自动驾驶测试验证")
    await served.say(LAB_MEMBER, "/offers edit 7 截止 2027年12月31日")
    assert str((await offer(served, 7)).until) == "2027-12-31"
    await served.say(LAB_MEMBER, "/offers edit 7 截止 不限")
    assert (await offer(served, 7)).until is None
    await served.say(LAB_MEMBER, "/offers edit 7 颜色 红")
    assert served.last_text() == texts.OFFER_REFUSALS[Refusal.OFFER_BAD_FIELD]
    await served.say(LAB_MEMBER, "/offers edit 7 截止 下辈子")
    assert served.last_text() == texts.OFFER_REFUSALS[Refusal.OFFER_BAD_UNTIL]
    await served.say(LAB_MEMBER, "/offers edit 7 标题")
    assert served.last_text() == texts.OFFERS_USAGE

    await served.say(LAB_MEMBER, "/offers close 7")
    assert served.last_text().startswith("🔒 供给 #7 已关闭") and not (await offer(served, 7)).open
    await served.say(STRANGER, "/offers lab_5gcar")
    assert "目前没有开放的供给" in served.last_text()
    await served.say(LAB_MEMBER, "/offers close 7")
    assert served.last_text() == "供给 #7 已经关闭。"
    await served.say(ADMIN, "/offers edit 8 地点 市南区")  # an admin edits any party's
    assert (await offer(served, 8)).place == "市南区"
    await served.say(ADMIN, "/offers close 999")
    assert served.last_text() == texts.OFFER_REFUSALS[Refusal.NO_SUCH_OFFER]


# --- the spreadsheet ----------------------------------------------------------------------------------------

async def test_export_and_import_round_trip(served: RunningBot) -> None:
    await served.say(LIAISON, ROAD)
    await served.say(LAB_MEMBER, "/offers close 7")
    await served.say(STRANGER, "/offers export")
    assert served.last_text() == texts.NOT_ADMIN
    await served.say(ADMIN, "/offers export", chat_id=ADMIN["id"])
    name, data, caption = last_document(served)
    rows = sheet_rows(data)
    assert name.startswith("offers-") and name.endswith(".xlsx") and f"共 {STARTERS + 1} 条" in caption
    assert tuple(rows[0]) == texts.OFFERS_HEADERS
    assert rows[1] == [1, "能力", "lab_softmag", "软磁材料实验室", "软磁材料技术创新应用", rows[1][5], None, None,
                       "开放", "是"]
    assert rows[7][8] == "已关闭" and rows[16][7] == "2027-06-30" and rows[16][9] == "否"

    # Edited in the spreadsheet: one title changed, #7 opened again, a new row without 编号.
    rows[2][4] = "液体活检癌症早筛（CTC），可合作开展临床验证"
    rows[7][8] = "开放"
    rows.append([None, "场景", "health", "", "医院脱敏数据开放", "三甲医院影像数据，脱敏后开放", "市南区", "2027-03-31",
                 "开放", "否"])
    await served.api.send_document(ADMIN["id"], ADMIN, "offers.xlsx", xlsx(rows), caption="/offers import")
    await served.settle()
    assert served.last_text() == texts.offers_imported({"added": 1, "updated": 2, "unchanged": STARTERS - 1})
    assert (await offer(served, 2)).title == "液体活检癌症早筛（CTC），可合作开展临床验证"
    assert (await offer(served, 7)).open
    new = await offer(served, STARTERS + 2)
    assert (new.party_id, new.kind, new.place, str(new.until)) == ("health", OfferKind.SCENARIO, "市南区", "2027-03-31")

    # Exported again: what was imported comes back; imported again: nothing changes.
    await served.say(ADMIN, "/offers export", chat_id=ADMIN["id"])
    again = sheet_rows(last_document(served)[1])
    assert again[2][4] == rows[2][4] and again[-1][:5] == [STARTERS + 2, "场景", "health", "卫健委", "医院脱敏数据开放"]
    upload = await served.api.send_document(ADMIN["id"], ADMIN, "again.xlsx", last_document(served)[1])
    await served.settle()
    await served.say(ADMIN, "/offers import", chat_id=ADMIN["id"], reply_to=upload["message_id"])
    assert served.last_text() == texts.offers_imported({"added": 0, "updated": 0, "unchanged": STARTERS + 2})
    await served.say(ADMIN, "/offers import", chat_id=ADMIN["id"])
    assert served.last_text() == texts.OFFERS_NO_FILE


async def test_an_import_with_a_bad_row_changes_nothing(wire_served: RunningBot) -> None:
    """Over the wire: a real upload through the local Bot API server, fetched with getFile."""
    bot = wire_served
    await bot.say(ADMIN, "/offers export", chat_id=ADMIN["id"])
    rows = sheet_rows(last_document(bot)[1])
    good_change = [list(r) for r in rows]
    good_change[1][4] = "这一行本身没有错"
    bad = [*good_change,
           [None, "能力", "lab_nowhere", "", "不存在的单位", "", "", "", "开放", "否"],  # row 17
           [None, "服务", "lab_aiot", "", "不存在的类别", "", "", "", "开放", "否"],  # row 18
           [None, "能力", "lab_aiot", "", "", "没有标题", "", "", "开放", "否"],  # row 19
           [None, "能力", "lab_aiot", "", "日期不对", "", "", "明年春天", "开放", "否"],  # row 20
           [3, "能力", "lab_remotesensing", "", "编号重复", "", "", "", "开放", "否"],  # row 21
           [777, "能力", "lab_aiot", "", "编号不存在", "", "", "", "开放", "否"]]  # row 22
    bad[4][2] = "lab_aiot"  # #4 (sheet row 5) moved to another party
    before = await offer_rows(bot)
    await bot.api.send_document(ADMIN["id"], ADMIN, "bad.xlsx", xlsx(bad), caption="/offers import")
    await bot.settle()
    reply = bot.last_text()
    assert reply.startswith("供给清单文件有误，未导入任何内容")
    for expected in ("第 17 行：单位「lab_nowhere」不在名录中", "第 18 行：类别「服务」应为 场景、能力 或 投资",
                     "第 19 行：标题为空", "第 20 行：有效期至「明年春天」不是日期", "第 21 行：编号 3 重复出现",
                     "第 22 行：编号 777 的供给不存在", "第 5 行：已有的供给不能换单位（lab_imaging → lab_aiot）"):
        assert expected in reply, expected
    assert "第 2 行" not in reply
    assert await offer_rows(bot) == before  # not even the good row's change

    wrong_headers = [["编号", "类型", "单位"], [1, "能力", "lab_softmag"]]
    await bot.api.send_document(ADMIN["id"], ADMIN, "headers.xlsx", xlsx(wrong_headers), caption="/offers import")
    await bot.settle()
    assert "第 1 行的表头应为：编号、类别、单位id" in bot.last_text()
    await bot.api.send_document(ADMIN["id"], ADMIN, "junk.xlsx", b"not a spreadsheet", caption="/offers import")
    await bot.settle()
    assert "不是可以读取的 XLSX 文件" in bot.last_text()
    assert await offer_rows(bot) == before


# --- the starter list ----------------------------------------------------------------------------------------

async def test_the_starter_list_has_an_example_for_every_lab_and_fund(served: RunningBot) -> None:
    rows = await offer_rows(served)
    cases = served.app.bot_data.services.cases  # type: ignore[union-attr]
    parties = {p.id: p for p in await cases.parties.everything()}
    labs = {p for p, party in parties.items() if party.kind == "lab"}
    funds = {p for p, party in parties.items() if party.kind == "fund"}
    starters = [await offer(served, r[0]) for r in rows]
    assert len(starters) == STARTERS and all(o.example and o.open for o in starters)
    assert {o.party_id for o in starters if o.kind is OfferKind.CAPABILITY} == labs
    assert {o.party_id for o in starters if o.kind is OfferKind.INVESTMENT} == funds
    assert len(labs) == 8 and len(funds) == 7
    assert {kind_of(name) for name in texts.OFFER_KIND_NAMES.values()} == set(OfferKind)  # shown as read back


async def test_the_starter_list_is_seeded_once(api: LocalBotApi, tmp_path: Path, router: Router) -> None:
    settings = make_settings(api, tmp_path / "bot.sqlite3")
    first = RunningBot(api, settings, router, clock=FakeClock())
    await first.start()
    await serve(first)
    await first.say(LAB_MEMBER, "/offers close 7")
    await first.say(ADMIN, "/offers edit 9 内容 已由基金改写")
    kept = await offer_rows(first)
    await first.stop()

    again = RunningBot(api, replace(settings), router)
    await again.start()
    try:
        assert await offer_rows(again) == kept  # not seeded again: #7 stays closed, #9 as edited
        # A database made before the lists existed (no offers, never seeded) gets them once at its next start.
        db = again.app.bot_data.services.db  # type: ignore[union-attr]
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM offers")
            await conn.execute("DELETE FROM events WHERE kind = 'offers_seeded'")
    finally:
        await again.stop()
    third = RunningBot(api, replace(settings), router)
    await third.start()
    try:
        assert [r[3] for r in await offer_rows(third)] == [s.title for s in load_starter_offers()]
    finally:
        await third.stop()
    assert not first.errors and not again.errors and not third.errors


async def test_a_bad_sheet_with_long_cells_is_still_answered_within_telegrams_limit(served: RunningBot) -> None:
    """Every cell quoted back is cut short and the whole reply fits one message (from the review: 3,000-character
    cells made a refusal Telegram would not send, and the admin heard nothing)."""
    import io as _io

    from openpyxl import Workbook

    from tests.conftest import ADMIN as _ADMIN

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [list(texts.OFFERS_HEADERS)] + [[None, "类" * 3000, "lab_aiot", "", "t", "", "", "", "开放", "否"]] * 30:
        sheet.append(row)
    data = _io.BytesIO()
    book.save(data)
    mark = len(served.api.calls)
    await served.api.send_document(_ADMIN["id"], _ADMIN, "bad.xlsx", data.getvalue(), caption="/offers import")
    await served.settle()
    told = [c for c in served.calls_since(mark, "sendMessage") if c.status == 200]
    assert told and "未导入任何内容" in str(told[-1].params["text"])
    assert all(len(str(c.params["text"])) <= 4096 for c in served.calls_since(mark, "sendMessage"))
