"""The matching funnel where the commission reads figures (/report, the weekly report, the export) and the monthly
场景机会清单 (/monthly, and the first working day of each month) — issue 15, part E.

The offers and matches are seeded straight through the repositories in a unit of work, as the /offer commands and
the matching will write them. The history, checked by hand (times local, November 2026; the clock's "now" is
Friday 27 November 12:00, so /report's week starts on the 20th at 12:00):

  offers  o1 场景 transport 车路协同测试道路 (until 2027-03-31)  o2 能力 lab_5gcar 5G车联网测试场
          o3 投资 fund_yingchuang 智能网联早期投资  o4 场景 transport 港口集卡 (closed 10 Nov)
          o5 能力 lab_5gcar 高精地图采集 (until 15 Nov: expired)
  needs   n1..n4 in GROUP (21 Nov; n4 withdrawn 24 Nov), n5 in OTHER_GROUP
  matches m1 n1×o1 22 Nov, both 感兴趣, introduced 23 Nov, agreement 25 Nov   → 签约
          m2 n1×o2 22 Nov, need 感兴趣, offer 不合适                             → 不合适
          m3 n2×o2 22 Nov, both 感兴趣, introduced 24 Nov                       → 双方有意
          m4 n3×o3 23 Nov, unanswered                                           → 匹配
          m5 n2×o1 10 Nov (before the week), unanswered                         → 匹配
          m6 n4×o1 22 Nov (its need withdrawn: in no count)
          m7 n5×o2 22 Nov (OTHER_GROUP), introduced 24 Nov                      → 双方有意

  GROUP, the week:  匹配 4 (m1-m4) → 双方有意 2 (m1, m3) → 签约 1 (m1), 不合适 1 (m2);
                    transport 1/1/1, lab_5gcar 2/1/0 (不合适 1), fund_yingchuang 1/0/0.
  Private, all:     匹配 6 (+m5, m7) → 双方有意 3 → 签约 1, 不合适 1.
  /monthly, GROUP, November (as of the 27th): open o1, o2, o3 (o4 closed, o5 expired); matches m1-m5 (5),
                    introductions m1, m3 (2), signed m1 (1). Private: 6 matches, 3 introductions.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from bot import texts
from bot.domain.model import Need
from bot.domain.offers import Answer, Funnel, Match, Offer, OfferKind, Side
from bot.domain.opportunities import Month, MonthlyList, first_working_day, open_on, party_funnels
from bot.sandbox.localapi import Call, LocalBotApi
from nlp.router import Router
from tests.conftest import ADMIN, GROUP, LIAISON, OTHER_GROUP, SHANGHAI, STRANGER, RunningBot, make_settings


def at(day: int, hour: int = 10, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


async def history(bot: RunningBot) -> None:
    """The history in the module's docstring (OTHER_GROUP served too)."""
    await bot.api.member_change(OTHER_GROUP, ADMIN, "left", "member")
    await bot.settle()
    work = bot.app.bot_data.services.cases.work  # type: ignore[union-attr]
    async with work.unit(None, at(2)) as unit:
        # The starter list seeded into every new database is no part of this history: o1-o5 are offers 1-5.
        await unit.conn.execute("DELETE FROM offers")
        offers = unit.offers

        async def offer(party: str, kind: OfferKind, title: str, **more: object) -> Offer:
            return await offers.add(party_id=party, kind=kind, title=title, text=f"{title}：详细说明",
                                    created_by=LIAISON["id"], at=at(2), **more)  # type: ignore[arg-type]

        o1 = await offer("transport", OfferKind.SCENARIO, "车路协同测试道路开放", place="崂山区",
                         until=date(2027, 3, 31))
        o2 = await offer("lab_5gcar", OfferKind.CAPABILITY, "5G车联网测试场")
        o3 = await offer("fund_yingchuang", OfferKind.INVESTMENT, "智能网联早期投资", example=True)
        o4 = await offer("transport", OfferKind.SCENARIO, "港口集卡自动驾驶场景")
        await offer("lab_5gcar", OfferKind.CAPABILITY, "高精地图采集", until=date(2026, 11, 15))
        await offers.close(o4.id, at(10))
        needs = []
        for number, (chat, text) in enumerate([(GROUP, "需要开放自动驾驶测试道路"), (GROUP, "需要5G车联网测试环境"),
                                               (GROUP, "寻求智能网联天使轮融资"), (GROUP, "需要测试道路（重复）"),
                                               (OTHER_GROUP, "需要5G测试场做车路协同验证")], 1):
            need = await unit.needs.add(chat_id=chat, author_id=3001, author_name="李总", message_id=9000 + number,
                                        text=text, need_type="scenario", at=at(21))
            assert need is not None
            needs.append(need.id)
        n1, n2, n3, n4, n5 = needs
        matches = unit.matches

        async def match(need: int, offer: Offer, made: datetime, need_says: Answer | None = None,
                        offer_says: Answer | None = None, introduced: datetime | None = None) -> Match:
            found = await matches.add(need_id=need, offer_id=offer.id, score=0.61, reason="测试道路 ↔ 车路协同",
                                      origin=Side.NEED, at=made)
            assert found is not None
            if need_says:
                await matches.answer(found.id, Side.NEED, need_says, 3001, made)
            if offer_says:
                await matches.answer(found.id, Side.OFFER, offer_says, LIAISON["id"], made)
            if introduced:
                await matches.introduce(found.id, introduced)
            return found

        m1 = await match(n1, o1, at(22), Answer.YES, Answer.YES, at(23))
        agreement = await unit.agreements.add(need_id=n1, kind="cooperation", amount_yuan=5_000_000,
                                              parties=["transport"], text="签订测试道路开放协议", actor_id=ADMIN["id"],
                                              at=at(25))
        assert await matches.sign(m1.id, agreement.id)
        await match(n1, o2, at(22), Answer.YES, Answer.NO)
        await match(n2, o2, at(22), Answer.YES, Answer.YES, at(24))
        await match(n3, o3, at(23))
        await match(n2, o1, at(10))
        await match(n4, o1, at(22))
        assert await unit.needs.withdraw(n4, ADMIN["id"], at(24))
        await match(n5, o2, at(22), Answer.YES, Answer.YES, at(24))


def test_the_funnel_per_offering_party_puts_the_most_signed_first() -> None:
    def made(offer: int, stage: str) -> Match:
        yes = Answer.YES
        return Match(id=0, need_id=1, offer_id=offer, score=0.5, reason="", origin=Side.NEED,
                     need_answer=yes if stage != "refused" else Answer.NO,
                     offer_answer=yes if stage in ("introduced", "signed") else None,
                     introduced_at=at(1) if stage in ("introduced", "signed") else None,
                     agreement_id=7 if stage == "signed" else None)

    matches = [made(1, "signed"), made(2, "refused"), made(2, "introduced"), made(3, "suggested"),
               made(3, "suggested"), made(9, "signed")]  # offer 9: unknown, left out
    funnels = party_funnels(matches, {1: "transport", 2: "lab_5gcar", 3: "fund"})
    assert funnels == [("transport", Funnel(1, 1, 1, 0)), ("lab_5gcar", Funnel(2, 1, 0, 1)),
                       ("fund", Funnel(2, 0, 0, 0))]


def test_what_is_open_at_a_months_end_and_its_first_working_day() -> None:
    offer = Offer(id=1, party_id="transport", kind=OfferKind.SCENARIO, title="t", text="x", until=date(2026, 11, 30),
                  created_at=at(2), status="closed", closed_at=at(5, month=12))
    end = at(1, 0, month=12)
    assert open_on(offer, end, date(2026, 11, 30))  # closed later: it was open then
    assert not open_on(offer, at(6, month=12), date(2026, 12, 6))
    assert not open_on(replace(offer, created_at=at(2, month=12)), end, date(2026, 11, 30))  # not yet published
    assert not open_on(replace(offer, status="open", closed_at=None), at(1, month=12), date(2026, 12, 1))  # expired
    assert first_working_day(Month(2026, 12)) == date(2026, 12, 1)  # a Tuesday
    assert first_working_day(Month(2027, 1)) == date(2027, 1, 4)  # 元旦, then the weekend
    assert first_working_day(Month(2026, 10)) == date(2026, 10, 8)  # 国庆
    assert Month.parse("2026-11") == Month.parse("2026年11月") == Month(2026, 11)
    assert Month.parse("2026-13") is None and Month.parse("上个月") is None
    assert Month(2027, 1).previous == Month(2026, 12) and Month(2026, 12).following == Month(2027, 1)


async def test_the_report_shows_the_matching_funnel_of_the_period(served: RunningBot) -> None:
    await history(served)
    names = await served.app.bot_data.services.cases.parties.names()  # type: ignore[union-attr]
    mark = len(served.api.calls)
    await served.say(ADMIN, "/report")
    text = served.replies_since(mark)[0]
    assert "供需对接：匹配 4 → 双方有意 2 → 签约 1（不合适 1）" in text
    lines = text.split("\n")
    parties = [line for line in lines if line.startswith("  · ") and "：匹配 " in line]
    assert parties == [f"  · {names['transport']}：匹配 1，双方有意 1，签约 1",
                       f"  · {names['lab_5gcar']}：匹配 2，双方有意 1，签约 0，不合适 1",
                       f"  · {names['fund_yingchuang']}：匹配 1，双方有意 0，签约 0"]
    assert len(served.calls_since(mark, "sendPhoto")) == 1  # the chart, with its 供需对接 panels (below)
    await served.say(ADMIN, "/report all", chat_id=ADMIN["id"])
    assert "供需对接：匹配 6 → 双方有意 3 → 签约 1（不合适 1）" in served.last_text()  # every group, m5 and m7


async def test_the_charts_matching_panels(served: RunningBot) -> None:
    await history(served)
    cases = served.app.bot_data.services.cases  # type: ignore[union-attr]
    from bot.services.reports import chart_figure

    data = await cases.records.report(GROUP, "week", served.clock())
    names = await cases.parties.names()
    figure = chart_figure(data, names, "对接成效")
    funnel = next(ax for ax in figure.axes if ax.get_title() == texts.CHART_MATCHING)
    assert [round(bar.get_width()) for bar in funnel.patches] == [4, 2, 1, 1]
    assert [t.get_text() for t in funnel.get_yticklabels()] == ["匹配", "双方有意", "签约", "不合适"]
    parties = next(ax for ax in figure.axes if ax.get_title() == texts.CHART_MATCHING_PARTIES)
    assert [t.get_text().strip() for t in parties.texts] == ["1（有意 1 / 签约 1）", "2（有意 1 / 签约 0）",
                                                             "1（有意 0 / 签约 0）"]


def last_document(bot: RunningBot) -> tuple[str, bytes, str]:
    call = [c for c in bot.api.calls if c.method == "sendDocument" and c.status == 200][-1]
    return call.params["document"]["filename"], call.params["document"]["data"], str(call.params.get("caption"))


async def test_the_export_has_the_offers_and_the_matches_of_its_groups(served: RunningBot) -> None:
    await history(served)
    await served.say(ADMIN, "/export")
    name, data, caption = last_document(served)
    assert "供给一览 5 条" in caption and "对接 6 条" in caption  # m1-m6 are GROUP's (m6's need withdrawn)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[-2:] == ["供给一览", "对接"]
    offers = list(book["供给一览"].values)
    assert offers[0] == texts.OFFER_SHEET_HEADERS
    names = await served.app.bot_data.services.cases.parties.names()  # type: ignore[union-attr]
    assert offers[1] == (1, "场景", names["transport"], "车路协同测试道路开放", "车路协同测试道路开放：详细说明",
                         "崂山区", "2027-03-31", "开放", "2026-11-02 10:00")  # local time
    assert [row[7] for row in offers[1:]] == ["开放", "开放", "开放（示例）", "已关闭", "已过期"]
    matches = list(book["对接"].values)
    assert matches[0][:12] == ("需求编号", "需求", "供给编号", "供给单位", "匹配度", "理由", "来源", "需求方", "供给方",
                               "双方有意时间", "成果编号", "阶段")
    first = matches[1]
    assert first[:12] == (1, "需要开放自动驾驶测试道路", 1, names["transport"], 0.61, "测试道路 ↔ 车路协同",
                          "新需求匹配供给", "感兴趣", "感兴趣", "2026-11-23 10:00", 1, "已签约")
    assert [(row[0], row[2], row[11]) for row in matches[1:]] == [
        (1, 1, "已签约"), (1, 2, "不合适"), (2, 2, "双方有意"), (3, 3, "已匹配（待答复）"), (2, 1, "已匹配（待答复）"),
        (4, 1, "已匹配（待答复）")]
    assert matches[2][7:9] == ("感兴趣", "不合适") and matches[4][7:9] == ("未答复", "未答复")

    await served.say(ADMIN, "/export csv", chat_id=ADMIN["id"])  # every group: m7 too
    name, data, _ = last_document(served)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {"offers.csv", "matches.csv"} <= set(archive.namelist())
        rows = archive.read("matches.csv").decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 1 + 7 and rows[0].startswith("需求编号,需求,供给编号")


def monthly_calls(bot: RunningBot, mark: int, chat_id: int) -> tuple[list[Call], list[Call], list[Call]]:
    """(messages, photos, documents) of the monthly list the bot sent to a chat since ``mark``."""
    calls = [c for c in bot.calls_since(mark) if c.status == 200 and str(c.params.get("chat_id")) == str(chat_id)]
    return ([c for c in calls if c.method == "sendMessage" and "场景机会清单" in str(c.params.get("text"))],
            [c for c in calls if c.method == "sendPhoto" and str(c.params["photo"]["filename"]).startswith("opport")],
            [c for c in calls if c.method == "sendDocument" and str(c.params["document"]["filename"]).startswith(
                "opport")])


async def test_monthly_in_a_group_sends_the_groups_list_as_message_png_and_xlsx(served: RunningBot) -> None:
    await history(served)
    mark = len(served.api.calls)
    await served.say(ADMIN, "/monthly")
    messages, photos, documents = monthly_calls(served, mark, GROUP)
    assert len(messages) == len(photos) == len(documents) == 1
    text = str(messages[0].params["text"])
    assert "场景机会清单 · 2026年11月</b>（本群）" in text
    assert ("截至 2026-11-27：开放场景 1 项、能力 1 项、投资方向 1 项（其中 1 项为预置示例，待各单位补充）；"
            "本月新匹配 5 条（不合适 1），双方有意 2 条，签约 1 项") in text
    assert "「示例」" in text and "匹配度" not in text  # a starter entry is marked; a raw score means nothing here
    assert "车路协同测试道路开放（崂山区，至 2027-03-31）" in text and "港口集卡" not in text and "高精地图" not in text
    assert "需求 #1：需要开放自动驾驶测试道路 × " in text and "合作，500 万元" in text
    assert photos[0].params["photo"]["data"][:8] == b"\x89PNG\r\n\x1a\n"
    document = documents[0].params["document"]
    assert document["filename"] == "opportunities-2026-11.xlsx"
    book = load_workbook(io.BytesIO(document["data"]))
    assert book.sheetnames == ["开放清单", "本月匹配", "本月双方有意", "本月签约"]
    assert [row[3] for row in list(book["开放清单"].values)[1:]] == ["车路协同测试道路开放", "5G车联网测试场",
                                                                    "智能网联早期投资"]
    assert [(row[0], row[2]) for row in list(book["本月匹配"].values)[1:]] == [(1, 1), (1, 2), (2, 2), (3, 3), (2, 1)]
    assert [(row[0], row[2]) for row in list(book["本月双方有意"].values)[1:]] == [(1, 1), (2, 2)]
    signed = list(book["本月签约"].values)[1:]
    assert len(signed) == 1 and signed[0][4:8] == (1, "合作", 5_000_000, "签订测试道路开放协议")

    await served.say(ADMIN, "/monthly 2026-10")  # before anything was published
    assert "开放场景 0 项" in served.last_text() and "本月新匹配 0 条" in served.last_text()
    await served.say(ADMIN, "/monthly 2027-01")
    assert served.last_text() == texts.MONTHLY_NOT_YET
    await served.say(ADMIN, "/monthly 上个月")
    assert served.last_text() == texts.MONTHLY_USAGE


async def test_monthly_in_private_covers_every_group(served: RunningBot) -> None:
    await history(served)
    mark = len(served.api.calls)
    await served.say(ADMIN, "/monthly 2026-11", chat_id=ADMIN["id"])
    messages, photos, documents = monthly_calls(served, mark, ADMIN["id"])
    assert len(messages) == len(photos) == len(documents) == 1
    text = str(messages[0].params["text"])
    assert f"（{texts.SCOPE_EVERYWHERE}）" in text and "本月新匹配 6 条（不合适 1），双方有意 3 条，签约 1 项" in text
    book = load_workbook(io.BytesIO(documents[0].params["document"]["data"]))
    assert len(list(book["本月匹配"].values)) == 1 + 6
    await served.say(STRANGER, "/monthly")
    assert served.last_text() == texts.NOT_ADMIN


def test_a_long_list_is_cut_to_fit_one_message_with_what_is_left_counted() -> None:
    offers = [Offer(id=i, party_id="transport", kind=kind, title=f"开放第{i}项：" + "车路协同测试道路" * 3,
                    text="x", place="崂山区" * 4, until=date(2027, 3, 31))
              for i, kind in enumerate([OfferKind.SCENARIO] * 40 + [OfferKind.CAPABILITY] * 30
                                       + [OfferKind.INVESTMENT] * 20, 1)]
    need = Need(id=1, chat_id=GROUP, number=1, author_id=1, author_name="李总", message_id=1,
                text="需要开放自动驾驶测试道路和路侧单元" * 3, need_type="scenario", status="open", created_at=at(2))
    matches = [Match(id=i, need_id=1, offer_id=1, score=0.5, reason="r", origin=Side.NEED) for i in range(25)]
    data = MonthlyList(month=Month(2026, 11), as_of=date(2026, 11, 30), chat_id=None, open_offers=offers,
                       matches=matches, introduced=matches[:12], signed=[], needs={1: need},
                       offers={o.id: o for o in offers})
    text = texts.monthly_message(data, {"transport": "青岛市交通运输局智能网联汽车测试示范管理办公室"}, "全部对接群",
                                  {GROUP: "青岛市场景应用实验室对接一群"})
    assert len(text.encode("utf-16-le")) // 2 <= 4096
    sections = {part.split("\n")[0]: part.split("\n")[1:] for part in text.split("\n\n")}
    shown = {heading: len([line for line in lines if line.startswith("· ")]) for heading, lines in sections.items()}
    each = shown["🏙 <b>开放场景</b>（40）"]
    assert 3 <= each < 10  # cut, the same in every list
    assert list(shown.values())[1:7] == [each, each, each, each, each, 1]  # 1: "· 暂无" (nothing signed)
    for heading, total in (("🏙 <b>开放场景</b>（40）", 40), ("🔬 <b>开放能力</b>（30）", 30),
                           ("💰 <b>投资方向</b>（20）", 20), ("🤝 <b>本月新匹配</b>（25）", 25),
                           ("🎉 <b>本月双方有意</b>（12）", 12)):
        assert sections[heading][-1] == f"…另有 {total - each} 条", heading
    assert "青岛市场景应用实验室对接一群 需求 #1：" in text  # every group's list names the group


def monthly_to(sent: list[Call], chat_id: int) -> list[Call]:
    return [c for c in sent if "场景机会清单" in str(c.params["text"]) and str(c.params["chat_id"]) == str(chat_id)]


async def test_the_monthly_list_goes_out_once_on_the_first_working_day_even_across_a_restart(
        api: LocalBotApi, tmp_path: Path, router: Router) -> None:
    settings = make_settings(api, tmp_path / "bot.sqlite3")
    bot = RunningBot(api, settings, router)
    await bot.start()
    try:
        await api.member_change(GROUP, ADMIN, "left", "member")
        await bot.settle()
        await history(bot)
        bot.clock.set_local(2026, 12, 1, 8, 59)  # the first working day of December, before the hour
        assert [c for c in await bot.run_notices() if "场景机会清单" in str(c.params["text"])] == []
        bot.clock.set_local(2026, 12, 1, 9, 0)
        mark = len(api.calls)
        sent = await bot.run_notices()
        for chat, scope in ((GROUP, "本群"), (OTHER_GROUP, "本群"), (ADMIN["id"], texts.SCOPE_EVERYWHERE)):
            messages, photos, documents = monthly_calls(bot, mark, chat)
            assert len(monthly_to(sent, chat)) == len(messages) == len(photos) == len(documents) == 1, chat
            assert f"2026年11月</b>（{scope}）" in str(messages[0].params["text"])
        assert "本月新匹配 5 条" in str(monthly_to(sent, GROUP)[0].params["text"])
        assert "本月新匹配 1 条" in str(monthly_to(sent, OTHER_GROUP)[0].params["text"])  # its own: m7
        bot.clock.set_local(2026, 12, 1, 15, 0)
        assert [c for c in await bot.run_notices() if "场景机会清单" in str(c.params["text"])] == []  # once
    finally:
        await bot.stop()
    assert not bot.errors
    again = RunningBot(api, settings, router)
    again.clock.set_local(2026, 12, 1, 10, 0)  # restarted the same morning
    mark = len(api.calls)
    await again.start()
    try:
        await again.jobs_finished(1)  # the notices job, run at once on start
        sent = await again.run_notices()
        assert [c for c in api.calls[mark:] if "场景机会清单" in str(c.params.get("text", ""))] == [], sent
        assert not [c for c in api.calls[mark:] if c.method == "sendDocument"]
    finally:
        await again.stop()
    assert not again.errors


async def test_the_list_waits_for_the_first_working_day_and_skips_an_empty_month(served: RunningBot) -> None:
    work = served.app.bot_data.services.cases.work  # type: ignore[union-attr]
    served.clock.set_local(2026, 11, 2, 9, 30)  # October had nothing: nothing is sent
    assert [c for c in await served.run_notices() if "场景机会清单" in str(c.params["text"])] == []
    async with work.unit(None, at(3, month=12)) as unit:
        await unit.offers.add(party_id="transport", kind=OfferKind.SCENARIO, title="智慧港口场景", text="开放码头",
                              created_by=None, at=at(3, month=12))
    for day in (1, 2, 3):  # 元旦 and the weekend
        served.clock.set_local(2027, 1, day, 9, 30)
        assert [c for c in await served.run_notices() if "场景机会清单" in str(c.params["text"])] == [], day
    served.clock.set_local(2027, 1, 4, 9, 30)
    sent = [c for c in await served.run_notices() if "场景机会清单" in str(c.params["text"])]
    assert {int(c.params["chat_id"]) for c in sent} == {GROUP, ADMIN["id"]}
    assert all("2026年12月" in str(c.params["text"]) and "智慧港口场景" in str(c.params["text"]) for c in sent)


async def test_the_weekly_report_has_the_matching_funnel_of_its_week(served: RunningBot) -> None:
    await history(served)
    served.clock.set_local(2026, 11, 30, 9, 0)  # Monday: the week since 23 November 09:00 holds m4 only
    weekly = [c for c in await served.run_notices() if "每周对接简报" in str(c.params["text"])]
    assert len(weekly) == 1 and "供需对接：匹配 1 → 双方有意 0 → 签约 0（不合适 0）" in str(weekly[0].params["text"])
