"""The 三率 scorecard where the commission reads figures (issue 14): /report's text and chart, the weekly report,
and the export's 成绩单, 评价 and 牵头记录 sheets — on a small fixed history, every figure checked by hand."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from openpyxl import load_workbook

from bot import texts
from bot.domain.duty import UnitScore
from bot.domain.reports import Report
from bot.services.reports import chart_figure, scorecard_panel
from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, SHANGHAI, RunningBot

NEED = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"


def buttons_of(message: dict[str, Any]) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def wall_clock() -> datetime:
    """Now, to the second (a message's date). Button presses happen at the wall clock's time, so a history with
    verdicts in it is laid out around it, and the bot's clock is set just after."""
    return datetime.fromtimestamp(int(time.time()), UTC)


def need_text(number: int) -> str:
    return NEED.replace("测试路段", f"第{number}号测试路段")


async def answer(bot: RunningBot, round_: int, *choices: str, number: int) -> None:
    """The author answers round ``round_`` of the question on need #number."""
    asked = [m for (chat, _), m in sorted(bot.api.messages.items(), key=lambda kv: kv[0][1])
             if chat == GROUP and "1. 解决情况" in m.get("text", "") and f"#{number}" in m.get("text", "")]
    question = asked[round_ - 1]
    for choice in choices:
        await bot.press(ENTERPRISE, question["message_id"],
                        buttons_of(bot.api.messages[(GROUP, question["message_id"])])[choice])


async def history(bot: RunningBot) -> datetime:
    """#1 (fifty days ago): transport made lead, never claimed. #2 (two hours ago): claimed within the hour by a
    promise, resolved now by the lead; its author answers 已解决 and 满意. The bot's clock: just after now."""
    now = wall_clock()
    await bot.say(ENTERPRISE, need_text(1), date=now - timedelta(days=50))
    await bot.say(ENTERPRISE, need_text(2), date=now - timedelta(hours=2))
    await bot.say(LIAISON, "/commit 2 两周内开放测试路段", date=now - timedelta(hours=1))
    await bot.say(LIAISON, "/resolve 2", date=now)
    await answer(bot, 1, "已解决", "满意", number=2)
    bot.clock.now = now + timedelta(minutes=1)
    return now


def row_of(text: str, unit: str) -> list[str]:
    """A unit's cells in the report's 三率 table."""
    line = next(x for x in text.splitlines() if x.endswith(f"</code> {unit}") and "%" in x)
    return line.replace("<code>", "").replace("</code>", "").split()


async def report_text(bot: RunningBot, words: str) -> str:
    mark = (await bot.say(ADMIN, words))["_calls_from"]
    return next(t for t in bot.replies_since(mark) if "对接成效报告" in t)


async def test_report_shows_the_periods_three_rates(served: RunningBot) -> None:
    await history(served)
    week = await report_text(served, "/report week")
    assert "三率成绩单" in week and "响应率＝" in week, week
    # this week: #2 claimed within its 签收 limit, judged 已解决 and 满意 → 100% each; its promise is not due yet
    assert row_of(week, "交通运输局") == ["1", "100%", "100%", "100%", "—", "交通运输局"], week
    everything = await report_text(served, "/report all")
    # all time: #1 was never claimed, its limit long run out → 响应率 1 of 2
    assert row_of(everything, "交通运输局") == ["1", "50%", "100%", "100%", "—", "交通运输局"], everything
    assert "成果：" in everything.split("三率成绩单")[0]  # the report's other parts are still there, above it


async def test_the_report_chart_is_drawn_from_the_scorecard(served: RunningBot) -> None:
    await history(served)
    mark = (await served.say(ADMIN, "/report all"))["_calls_from"]
    photos = served.calls_since(mark, "sendPhoto")
    assert len(photos) == 1 and photos[0].params["photo"]["data"].startswith(b"\x89PNG")
    services = served.app.bot_data.services  # type: ignore[union-attr]
    data = await services.cases.records.report(GROUP, "all", served.clock())
    assert [(s.party_id, s.rank, s.led, s.responded) for s in data.scores if s.rank] == [("transport", 1, 2, 1)]
    panel = scorecard_panel(data, {"transport": "交通运输局"})
    assert panel.labels == ["交通运输局"]
    assert panel.series == [("响应率", [50.0]), ("解决率", [100.0]), ("满意率", [100.0])]


def test_the_rates_panel_ranks_the_units_and_draws_a_bar_per_rate() -> None:
    scores = [UnitScore("transport", led=4, responded=1, solved_given=2, solved_points=1.5, satisfaction_given=2,
                        content=1, rank=2),
              UnitScore("edu", led=1, responded=1, rank=1),
              UnitScore("miit", unrated=1)]  # no figure for any rate: unranked, not on the panel
    data = Report(since=None, funnel=[("needs", 5)], by_department=[], by_type=[], scores=scores)
    names = {"transport": "交通运输局", "edu": "教育局"}
    panel = scorecard_panel(data, names)
    assert panel.labels == ["教育局", "交通运输局"]  # by rank, not by the list's order
    assert panel.series == [("响应率", [100.0, 25.0]), ("解决率", [None, 75.0]), ("满意率", [None, 50.0])]
    figure = chart_figure(data, names, "对接成效")
    assert (figure.get_figwidth(), figure.get_figheight(), figure.dpi) == (12.0, 15.0, 100)  # a row for 供需对接
    rates = next(ax for ax in figure.axes if ax.get_title() == texts.CHART_SCORECARD)
    heights = [round(bar.get_height(), 6) for bar in rates.patches]
    assert heights == [100.0, 25.0, 0.0, 75.0, 0.0, 50.0]  # per rate, a bar per unit; "—" drawn as nothing
    labels = [t.get_text() for t in rates.texts]
    assert labels == ["100%", "25%", "—", "75%", "—", "50%"]
    assert [t.get_text() for t in rates.get_xticklabels()] == ["教育局", "交通运输局"]
    assert len(figure.axes) == 9  # the six panels it had, this one, and the two of 供需对接


async def test_the_weekly_report_has_the_three_rates(served: RunningBot) -> None:
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    await served.say(ENTERPRISE, NEED, date=monday)
    await served.say(LIAISON, "/commit 1 两周内开放测试路段", date=monday.replace(hour=11))  # claimed within the hour
    served.clock.set_local(2026, 11, 30, 9, 0)  # the next Monday: the weekly report is due
    mark = len(served.api.calls)
    weekly = [c for c in await served.run_notices() if "每周对接简报" in c.params["text"]]
    assert len(weekly) == 1, weekly
    text = str(weekly[0].params["text"])
    assert "三率成绩单" in text and row_of(text, "交通运输局") == ["—", "100%", "—", "—", "—", "交通运输局"], text
    # (not ranked: no enterprise has judged its work yet)
    assert served.calls_since(mark, "sendPhoto")


# --- the export's 成绩单, 评价 and 牵头记录 -----------------------------------------------------------------------

async def exported(bot: RunningBot, kind: str = "xlsx") -> tuple[str, bytes]:
    mark = (await bot.say(ADMIN, f"/export {kind}"))["_calls_from"]
    document = bot.calls_since(mark, "sendDocument")[-1]
    return str(document.params["caption"]), document.params["document"]["data"]


def sheet(book: Any, title: str) -> list[dict[str, Any]]:
    rows = list(book[title].values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def duty_history(bot: RunningBot) -> datetime:
    """Laid out around now (the presses' time), the clock just after:
    #1 (50 days ago): transport claims it by a promise within the hour and resolves it the next day; its author
       never answers (未评价).
    #2 (2 h ago): claimed within the hour, resolved now; the author answers 未解决 and 不满意 (重办), it is
       resolved again and answered 部分解决 and 基本满意.
    #3 (3 h ago): an admin reroutes it to 工信局 an hour later (管理员改派); 工信局's 签收 limit is still running.
    #4 (5 h ago): transport hands it to 教育局 now (退单, 不属于本单位职责); an admin overrules it (驳回): it is
       transport's again, its 签收 limit still running.
    #5 (1 h ago): claimed, resolved; the question is still open (待评价)."""
    now = wall_clock()
    long_ago = now - timedelta(days=50)
    await bot.say(ENTERPRISE, need_text(1), date=long_ago)
    await bot.say(LIAISON, "/commit 1 两周内开放测试路段", date=long_ago + timedelta(hours=1))
    await bot.say(LIAISON, "/resolve 1", date=long_ago + timedelta(days=1))
    await bot.say(ENTERPRISE, need_text(2), date=now - timedelta(hours=2))
    await bot.say(LIAISON, "/commit 2 下周给方案", date=now - timedelta(hours=1))
    await bot.say(LIAISON, "/resolve 2", date=now)
    await answer(bot, 1, "未解决", "不满意", number=2)
    await bot.say(LIAISON, "/resolve 2", date=now)
    await answer(bot, 2, "部分解决", "基本满意", number=2)
    await bot.say(ENTERPRISE, need_text(3), date=now - timedelta(hours=3))
    await bot.say(ADMIN, "/route 3 工信局", date=now - timedelta(hours=2))
    await bot.say(ENTERPRISE, need_text(4), date=now - timedelta(hours=5))
    card = bot.card_of(4)
    need_id = next(d for d in buttons_of(card).values() if d.startswith("claim:")).split(":")[1]
    mark = await bot.press(LIAISON, card["message_id"], f"why:{need_id}:edu:duty")
    to_admin = next(c.params for c in bot.calls_since(mark, "sendMessage") if c.params["chat_id"] == ADMIN["id"])
    ruling = next(m for (chat, _), m in bot.api.messages.items() if chat == ADMIN["id"] and "退单" in m["text"])
    await bot.press(ADMIN, ruling["message_id"], next(iter(buttons_of(to_admin).values())), chat_id=ADMIN["id"])
    await bot.say(ENTERPRISE, need_text(5), date=now - timedelta(hours=1))
    await bot.say(LIAISON, "/commit 5 三天内对接", date=now - timedelta(minutes=50))
    await bot.say(LIAISON, "/resolve 5", date=now - timedelta(minutes=30))
    bot.clock.now = now + timedelta(minutes=1)
    return now


def local(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


async def test_the_export_has_the_scorecard_the_verdicts_and_the_lead_terms(served: RunningBot) -> None:
    now = await duty_history(served)
    caption, data = await exported(served)
    assert "成绩单 2 条" in caption and "评价 4 条" in caption and "牵头记录 8 条" in caption, caption
    book = load_workbook(io.BytesIO(data))
    assert list(book.sheetnames)[-5:-2] == ["成绩单", "评价", "牵头记录"]  # (then 供给一览, 对接)

    units = {row["单位"]: row for row in sheet(book, "成绩单")}
    # ranked first, then the units without a rate yet; 教育局 led #4 for a moment, overruled: nothing to score
    assert list(units) == ["交通运输局", "工信局"]
    transport = units["交通运输局"]
    # 响应率: #1, #2, #5 claimed within the hour; #3 rerouted in time (not its to claim); #4's 退单 overruled and
    # its limit still running
    assert (transport["排名"], transport["应签收（牵头且时限已到或已认领）"], transport["时限内签收"],
            transport["待签收（时限未到）"], transport["响应率（%）"]) == (1, 3, 3, 1, 100.0)
    # 解决率 and 满意率 from #2's latest verdict (部分解决, 基本满意); #1 未评价, #5 still waiting: in neither
    points = transport["解决得分（已解决1、部分解决0.5）"]
    assert (transport["已评价解决情况"], points, transport["解决率（%）"]) == (1, 0.5, 50.0)
    assert (transport["已评价满意度"], transport["满意或基本满意"], transport["满意率（%）"]) == (1, 1, 100.0)
    assert (transport["未评价"], transport["重办"], transport["退单"], transport["不当退单（被驳回）"]) == (1, 1, 1, 1)
    assert transport["三率平均（%）"] == round((1 + 0.5 + 1) / 3 * 100, 2)
    assert units["工信局"]["排名"] is None and units["工信局"]["待签收（时限未到）"] == 1

    verdicts = sheet(book, "评价")
    assert [(v["需求号"], v["轮次"], v["解决情况"], v["满意度"], v["状态"]) for v in verdicts] == [
        (1, 1, None, None, "未评价"),
        (2, 1, "未解决", "不满意", "已评价"),
        (2, 2, "部分解决", "基本满意", "已评价"),
        (5, 1, None, None, "待评价"),
    ]
    assert all(v["提出人ID"] == ENTERPRISE["id"] and v["提出人"] == "李总" for v in verdicts)
    assert all(v["牵头单位（当时）"] == "交通运输局" and v["群名称"] for v in verdicts)
    assert verdicts[0]["询问时间"] == local(now - timedelta(days=49)) and verdicts[0]["评价时间"] is None
    assert verdicts[1]["询问时间"] == local(now) and verdicts[1]["评价时间"] is not None

    terms = sheet(book, "牵头记录")
    assert [(t["需求号"], t["单位"], t["结束方式"], t["退单理由"], t["裁定"]) for t in terms] == [
        (1, "交通运输局", None, None, None),
        (2, "交通运输局", None, None, None),
        (3, "交通运输局", "管理员改派", None, None),
        (3, "工信局", None, None, None),
        (4, "交通运输局", "退单", "不属于本单位职责", "驳回（不当退单）"),
        (4, "教育局", "驳回，退回原单位", None, None),
        (4, "交通运输局", None, None, None),
        (5, "交通运输局", None, None, None),
    ]
    overruled, returned = terms[4], terms[5]
    assert (overruled["开始时间"], overruled["裁定人ID"]) == (local(now - timedelta(hours=5)), ADMIN["id"])
    later = local(wall_clock())  # the presses' time: between now and now
    assert local(now) <= overruled["结束时间"] <= overruled["裁定时间"] <= later
    assert returned["开始时间"] == overruled["结束时间"] and returned["结束时间"] == overruled["裁定时间"]
    assert terms[2]["结束时间"] == local(now - timedelta(hours=2))


def recomputed(count: Any, of: Any) -> float | None:
    return round(count / of * 100, 2) if of else None


async def test_every_figure_of_a_scorecard_row_recomputes_from_its_counts(served: RunningBot) -> None:
    await duty_history(served)
    _, data = await exported(served)
    rows = sheet(load_workbook(io.BytesIO(data)), "成绩单")
    assert rows and any(row["解决率（%）"] is not None for row in rows)
    for row in rows:
        response = recomputed(row["时限内签收"], row["应签收（牵头且时限已到或已认领）"])
        solve = recomputed(row["解决得分（已解决1、部分解决0.5）"], row["已评价解决情况"])
        satisfaction = recomputed(row["满意或基本满意"], row["已评价满意度"])
        assert (row["响应率（%）"], row["解决率（%）"], row["满意率（%）"]) == (response, solve, satisfaction), row
        assert row["按期率（%）"] == recomputed(row["按期兑现的承诺"], row["结果已知的承诺"]), row
        rates = [r for r in (response, solve, satisfaction) if r is not None]
        assert row["三率平均（%）"] == (round(sum(rates) / len(rates), 2) if rates else None), row
        assert (row["排名"] is None) == (solve is None and satisfaction is None), row  # ranked once judged


async def test_the_csv_export_has_the_duty_tables_too(served: RunningBot) -> None:
    await duty_history(served)
    caption, data = await exported(served, "csv")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        scorecard = archive.read("scorecard.csv").decode("utf-8-sig").splitlines()
    assert {"scorecard.csv", "verdicts.csv", "lead_terms.csv"} <= names
    assert scorecard[0].startswith("排名,单位ID,单位,响应率（%）") and len(scorecard) == 3  # a header, two units
