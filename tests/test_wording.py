"""Issue 12's wording items: each answer says what happened in the words a person expects — a button is no
command, a number too large is a need that does not exist, a promise's refusal names its state, the card's
example fits the need, /kept is a table, and the private desk says where each need stands."""

from __future__ import annotations

import ast
import io
from datetime import datetime
from pathlib import Path

import pytest

from bot import texts
from bot.domain import LeadChange, Outcome, Refusal
from bot.domain.model import NEED_TYPES
from handlers.common import NO_SUCH_NUMBER, parse_number, parse_user_id
from nlp.outcomes import parse_amount
from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, SHANGHAI, STRANGER, RunningBot
from tests.test_commitments import NEED, need_with_promise

ROOT = Path(__file__).resolve().parent.parent
BIG = "99999999999999999999"
DATA_NEED = "希望对接医院开展癌症早筛试点，需要脱敏的体检数据"


def alert_since(bot: RunningBot, mark: int) -> str:
    return str(bot.calls_since(mark, "answerCallbackQuery")[0].params.get("text", ""))


# --- a button is not a command ----------------------------------------------------------------------------

async def test_a_non_admin_pressing_an_admin_button_is_told_it_is_a_button(served: RunningBot) -> None:
    await served.say(ENTERPRISE, NEED)
    card = served.card_of(1)
    need_id = card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1]
    mark = await served.press(STRANGER, card["message_id"], "detail:1")  # 详情 under /needs: a handler's check
    assert alert_since(served, mark) == texts.NOT_ADMIN_BUTTON
    mark = await served.press(STRANGER, card["message_id"], f"assign:{need_id}:police")  # a use case's refusal
    assert alert_since(served, mark) == texts.NOT_ADMIN_BUTTON
    assert "按钮" in texts.NOT_ADMIN_BUTTON and "命令" not in texts.NOT_ADMIN_BUTTON
    await served.say(STRANGER, "/needs")
    assert served.last_text() == texts.NOT_ADMIN  # a command still says command


def test_button_refusals_differ_from_command_refusals_only_for_not_admin() -> None:
    assert texts.button_refusal(Outcome(Refusal.NOT_ADMIN)) == texts.NOT_ADMIN_BUTTON
    assert texts.button_refusal(Outcome(Refusal.NEED_NOT_FOUND)) == texts.refusal(Outcome(Refusal.NEED_NOT_FOUND))


# --- numbers too large ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "read"), [
    ("3", 3), ("#3", 3), ("３", 3), ("000012", 12), (BIG, NO_SUCH_NUMBER), ("9" * 5000, NO_SUCH_NUMBER),
    ("0", None), ("-1", None), ("abc", None), ("²", None), ("", None), ("1e9", None),
])
def test_parse_number(typed: str, read: int | None) -> None:
    assert parse_number(typed) == read


@pytest.mark.parametrize(("typed", "read"), [
    ("1001", 1001), ("7000000001", 7000000001), (BIG, None), ("9" * 17, None), ("-5", None), ("²", None),
])
def test_parse_user_id(typed: str, read: int | None) -> None:
    assert parse_user_id(typed) == read


def test_an_absurd_amount_is_no_amount() -> None:
    assert parse_amount(f"签约融资{BIG}亿元") is None
    assert parse_amount("签约融资3000万元") == 30_000_000


async def test_numbers_too_large_are_things_that_do_not_exist(served: RunningBot) -> None:
    await served.say(ENTERPRISE, NEED)
    not_found = {
        f"/status {BIG}": texts.NEED_NOT_FOUND,
        f"/status {'9' * 5000}": texts.NEED_NOT_FOUND,
        f"/resolve {BIG}": texts.NEED_NOT_FOUND,
        f"/route {BIG} 交通局": texts.NEED_NOT_FOUND,
        f"/agreement {BIG} 与青岛天使基金签约，融资800万元": texts.NEED_NOT_FOUND,
        "/status ²": texts.STATUS_USAGE,  # a digit Python's int() refuses: no number at all
        f"/bind {BIG} transport": texts.BIND_USAGE,  # no Telegram user has such an id
        f"/forget {BIG}": texts.FORGET_USAGE,
    }
    for command, answer in not_found.items():
        await served.say(ADMIN, command)
        assert served.last_text() == answer, command
    for command, answer in {f"/commit {BIG} 两周内开放": texts.NEED_NOT_FOUND,
                            f"/done {BIG}": texts.COMMITMENT_NOT_FOUND,
                            f"/cancel {BIG}": texts.COMMITMENT_NOT_FOUND}.items():
        await served.say(LIAISON, command)
        assert served.last_text() == answer, command
    await served.say(ADMIN, f"/agreement 1 签约融资{BIG}亿元")  # recorded, with no amount read into it
    assert "已记录需求 #1 的对接成果" in served.last_text()


# --- /kept ----------------------------------------------------------------------------------------------------

async def test_kept_answers_an_unknown_argument_with_its_usage(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(ADMIN, "/kept foo")
    assert served.last_text() == texts.KEPT_USAGE
    await served.say(ADMIN, "/kept all")
    assert "承诺兑现情况</b>（全部对接群）" in served.last_text()
    await served.say(ADMIN, "/kept")
    assert "承诺兑现情况</b>（本群）" in served.last_text()


async def test_kept_is_a_table_with_a_heading_and_a_line_per_unit(served: RunningBot) -> None:
    await need_with_promise(served)  # transport claims and promises
    await served.say(ADMIN, "/route 1 工信局")  # miit leads now, no claim or promise of its own
    await served.say(LIAISON, "/done 1", date=datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI))
    await served.say(ADMIN, "/kept")
    text = served.last_text()
    assert text.startswith("<b>单位成绩单（三率）</b>")  # the scorecard first, then the promises' table
    lines = text[text.index("<b>承诺兑现情况"):].split("\n")
    heading, rows = lines[1], [line for line in lines[2:] if line.startswith("<code>")]
    for column in ("兑现率", "承诺", "按期", "晚兑", "逾期", "进行", "撤回", "认领", "认领用时", "单位"):
        assert column in heading, column
    assert len(rows) == 1 and rows[0].endswith(" 交通运输局"), lines
    figures = rows[0].removeprefix("<code>").split("</code>")[0]
    assert figures.split()[:8] == ["—", "1", "0", "0", "0", "1", "0", "1"], figures  # reported, not yet confirmed
    assert figures.endswith(("分钟", "小时", "天")), figures  # the claim took wall-clock time: its unit is said
    assert texts.cells(figures) == texts.cells(heading.removeprefix("<code>").split("</code>")[0])  # aligned


def test_durations_say_their_unit() -> None:
    assert texts.duration(0.00208) == "3 分钟"
    assert texts.duration(0.0001) == "不到 1 分钟"
    assert texts.duration(0.25) == "6.0 小时"
    assert texts.duration(3.5) == "3.5 天"


# --- a promise's state ----------------------------------------------------------------------------------------

async def test_a_refused_promise_action_says_the_promise_s_actual_state(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(LIAISON, "/done 1")
    await served.say(LIAISON, "/done 1")
    assert served.last_text() == "承诺 1 已报告兑现，正在等待需求方或管理员确认。"
    report = next(m for (c, _), m in served.api.messages.items() if c == GROUP and "报告承诺 1" in m.get("text", ""))
    await served.press(ENTERPRISE, report["message_id"], "kept:1:y")
    mark = await served.press(ENTERPRISE, report["message_id"], "kept:1:y")
    assert alert_since(served, mark) == "承诺 1 已兑现，无需再操作。"
    await served.say(LIAISON, "/cancel 1")
    assert served.last_text() == "承诺 1 已兑现，无需再操作。"
    await served.say(LIAISON, "/commit 1 下周提供路侧单元接口")
    await served.say(LIAISON, "/cancel 2")
    await served.say(ADMIN, "/cancel 2")
    assert served.last_text() == "承诺 2 已撤回，无需再操作。"
    assert "、" not in served.last_text()  # not "已经兑现、撤回或正在等待确认"


# --- the card's example ---------------------------------------------------------------------------------------

def test_every_need_type_has_its_own_promise_example() -> None:
    assert set(texts.PROMISE_EXAMPLES) == set(NEED_TYPES)
    assert len(set(texts.PROMISE_EXAMPLES.values())) == len(NEED_TYPES)


async def test_the_card_s_promise_example_fits_the_need(served: RunningBot) -> None:
    await served.say(ENTERPRISE, DATA_NEED)
    card = served.card_of(1)["text"]
    assert "（数据）" in card and "两周内开放脱敏数据接口" in card and "测试路段" not in card
    await served.say(ENTERPRISE, NEED)
    assert "两周内协调开放试点场景" in served.card_of(2)["text"]  # a scenario need: no road test unless it is one


# --- the enterprise's private desk ----------------------------------------------------------------------------

async def test_the_enterprise_s_desk_says_where_each_of_its_needs_stands(served: RunningBot) -> None:
    await served.say(ENTERPRISE, NEED)
    await served.say(ENTERPRISE, DATA_NEED)
    await served.say(ENTERPRISE, "/start", chat_id=ENTERPRISE["id"])
    desk = served.last_text()
    assert "#1（待认领，牵头：交通运输局）" in desk, desk
    card = served.card_of(1)
    await served.press(LIAISON, card["message_id"], card["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    await served.say(ENTERPRISE, "/start", chat_id=ENTERPRISE["id"])
    desk = served.last_text()
    assert "#1（已认领，牵头：交通运输局）" in desk and "#2（待认领，牵头" in desk, desk


# --- the export -----------------------------------------------------------------------------------------------

CODES = {"scenario", "data", "funding", "open", "resolved", "done", "reported", "cancelled", "lead", "assist",
         "router", "decline", "admin", "financing", "need_registered", "claimed", "committed", "agreement_recorded"}
ID_HEADERS = {"编号", "群ID", "需求号", "提出人ID", "单位ID", "联络员ID", "操作人ID", "需求内部ID"}


async def exported_sheets(bot: RunningBot) -> dict[str, list[dict[str, object]]]:
    from openpyxl import load_workbook

    await bot.say(ADMIN, "/export")
    call = [c for c in bot.api.calls if c.method == "sendDocument" and c.status == 200][-1]
    book = load_workbook(io.BytesIO(call.params["document"]["data"]))
    sheets = {}
    for sheet in book:
        rows = list(sheet.values)
        sheets[sheet.title] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return sheets


async def test_the_export_speaks_chinese_not_internal_codes(served: RunningBot) -> None:
    await need_with_promise(served)
    await served.say(LIAISON, "/agreement 1 与青岛天使基金签约，天使轮融资800万元")
    await served.say(ADMIN, "/route 1 工信局")
    sheets = await exported_sheets(served)
    for title, rows in sheets.items():
        for row in rows:
            for header, value in row.items():
                if header not in ID_HEADERS and isinstance(value, str):
                    assert value not in CODES and not value.startswith(("{", "[")), (title, header, value)
                if isinstance(value, float):
                    assert round(value, 2) == value, (title, header, value)
    need = sheets["需求"][0]
    assert (need["类型"], need["状态"]) == ("场景开放", "办理中")
    routes = {row["单位ID"]: row for row in sheets["分派"]}
    assert (routes["transport"]["单位"], routes["transport"]["角色"], routes["transport"]["有效"]) == \
        ("交通运输局", "牵头", "否")  # handed to miit by /route
    assert (routes["miit"]["角色"], routes["miit"]["来源"], routes["miit"]["有效"]) == ("牵头", "管理员指定", "是")
    assert {row["来源"] for row in sheets["分派"]} >= {"机器人分派", "管理员指定"}
    assert sheets["承诺"][0]["状态"] == "进行中" and sheets["承诺"][0]["单位"] == "交通运输局"
    assert sheets["成果"][0]["类别"] == "融资"
    events = {row["类别"]: row["详情"] for row in sheets["记录"]}
    assert "类型：场景开放" in str(events["登记需求"]) and "牵头 交通运输局" in str(events["登记需求"])
    assert events["管理员改派"] == "原单位：交通运输局；新单位：工信局"
    assert "金额：800 万元" in str(events["记录成果"])


NOT_DETAIL = ("chat_id", "need_id", "at", "actor_id")  # columns of their own


def test_every_event_the_services_record_has_a_chinese_name_and_so_has_every_detail() -> None:
    """The audit log's kinds and detail keys, as written in bot/services (the export shows them in words)."""
    kinds, keys = set(), set()
    for path in (ROOT / "bot" / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record":
                keys |= {k.arg for k in node.keywords if k.arg not in (None, *NOT_DETAIL)}
                for arg in node.args[:1]:
                    kinds |= {c.value for c in ast.walk(arg)
                              if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    kinds |= {str(change) for change in LeadChange} | {"party_added", "party_edited", "party_enabled",
                                                       "party_disabled", "commitment_done", "commitment_reported",
                                                       "commitment_confirmed", "commitment_disputed",
                                                       "commitment_cancelled"}  # passed through variables
    keys |= {"added", "updated", "unchanged"}  # directory_imported's **counts
    assert kinds - set(texts.EVENT_NAMES) == set()
    assert keys - set(texts.DETAIL_NAMES) == set()


# --- one name for one district --------------------------------------------------------------------------------

async def test_a_district_has_one_name_on_the_card_and_in_the_export(served: RunningBot) -> None:
    await served.say(ENTERPRISE, "我们想在黄岛区找一个港口场景测试自动化装卸设备，希望黄岛区支持")
    card = served.card_of(1)["text"]
    assert "西海岸新区" in card and "黄岛区" not in card.split("内容：")[1].split("\n", 1)[1], card
    sheets = await exported_sheets(served)
    names = {row["单位"] for row in sheets["分派"] if row["单位ID"] == "xihaian"}
    assert names == {"西海岸新区"}


# --- the chart's units ----------------------------------------------------------------------------------------

def test_the_chart_shows_claim_time_in_hours_and_the_on_time_rate_in_percent() -> None:
    from bot.domain.metrics import PartyRecord
    from bot.domain.reports import Report
    from bot.services.reports import chart_panels

    report = Report(since=None, funnel=[("needs", 2)], by_department=[("transport", 2)], by_type=[("data", 2)],
                    records=[PartyRecord("transport", made=2, on_time=1, overdue=1, claims=1,
                                         median_claim_days=0.00208),
                             PartyRecord("miit", made=1, on_time=1, claims=1, median_claim_days=1.5)])
    panels = {panel.heading: panel for panel in chart_panels(report, {"transport": "交通运输局", "miit": "工信局"})}
    claim = panels[texts.CHART_CLAIM_TIME]
    assert "小时" in claim.heading and claim.labels == ["交通运输局", "工信局"]
    assert [round(v, 3) for v in claim.values] == [0.05, 36.0]  # hours
    assert claim.value_labels == ["3 分钟", "36.0 小时"]
    rate = panels[texts.CHART_KEPT_RATE]
    assert rate.values == [50.0, 100.0] and rate.value_labels == ["50%", "100%"]
    assert rate.limit >= 100 and rate.ticks[-1] == (100.0, "100%") and all(t.endswith("%") for _, t in rate.ticks)


def test_the_reports_lead_line_accounts_for_every_need() -> None:
    from bot.domain.reports import Report

    ids = ["transport", "miit", "police", "hrss", "edu", "health", "agri", "urban", "housing", "eco", "sci"]
    data = Report(since=None, funnel=[("needs", 66)], by_department=[(p, 11 - k) for k, p in enumerate(ids)],
                  by_type=[])
    line = next(x for x in texts.report(data, {}, "本群", "all").splitlines() if x.startswith("牵头部门："))
    assert "其他 3 个部门共 6" in line  # 3 + 2 + 1: the figures add up to all 66 needs, not the first eight's 60
    waiting = Report(since=None, funnel=[("needs", 67)], by_type=[],
                     by_department=[(p, 11 - k) for k, p in enumerate(ids[:9])] + [("triage", 4), ("sci", 1)])
    line = next(x for x in texts.report(waiting, {}, "本群", "all").splitlines() if x.startswith("牵头部门："))
    assert "其他 2 个部门共 4" in line and f"{texts.TRIAGE_LEAD} 4" in line  # the waiting are not a department
