"""The 三率 scorecard where the commission reads figures (issue 14): /report's text and chart, the weekly report,
and the export's 成绩单, 评价 and 牵头记录 sheets — on a small fixed history, every figure checked by hand."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

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
             if chat == GROUP and "请您评价办理结果" in m.get("text", "") and f"#{number}" in m.get("text", "")]
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
    assert (figure.get_figwidth(), figure.get_figheight(), figure.dpi) == (12.0, 12.0, 100)  # the size it had
    rates = next(ax for ax in figure.axes if ax.get_title() == texts.CHART_SCORECARD)
    heights = [round(bar.get_height(), 6) for bar in rates.patches]
    assert heights == [100.0, 25.0, 0.0, 75.0, 0.0, 50.0]  # per rate, a bar per unit; "—" drawn as nothing
    labels = [t.get_text() for t in rates.texts]
    assert labels == ["100%", "25%", "—", "75%", "—", "50%"]
    assert [t.get_text() for t in rates.get_xticklabels()] == ["教育局", "交通运输局"]
    assert len(figure.axes) == 7  # the six panels it had, and this one


async def test_the_weekly_report_has_the_three_rates(served: RunningBot) -> None:
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    await served.say(ENTERPRISE, NEED, date=monday)
    await served.say(LIAISON, "/commit 1 两周内开放测试路段", date=monday.replace(hour=11))  # claimed within the hour
    served.clock.set_local(2026, 11, 30, 9, 0)  # the next Monday: the weekly report is due
    mark = len(served.api.calls)
    weekly = [c for c in await served.run_notices() if "每周对接简报" in c.params["text"]]
    assert len(weekly) == 1, weekly
    text = str(weekly[0].params["text"])
    assert "三率成绩单" in text and row_of(text, "交通运输局") == ["1", "100%", "—", "—", "—", "交通运输局"], text
    assert served.calls_since(mark, "sendPhoto")
