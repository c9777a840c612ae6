"""The duty loop (issue 14) through the real Application: the enterprise's verdict and 重办, the 三率 scorecard in
/kept, and the scorecard's figures checked by hand on a small fixed history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import Claim, Commitment, Need
from bot.domain.duty import DutyLimits, LeadTerm, Satisfaction, Solved, Verdict, scorecard
from bot.domain.metrics import kept_rates
from bot.domain.schedule import Policy
from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, MIIT_LIAISON, SHANGHAI, STRANGER, RunningBot

NEED = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"


def buttons_of(message: dict[str, Any]) -> dict[str, str]:
    """label → callback data of a message's inline buttons."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def verdict_message(bot: RunningBot, round_: int = 1) -> dict[str, Any]:
    found = [m for (chat, _), m in sorted(bot.api.messages.items(), key=lambda kv: kv[0][1])
             if chat == GROUP and "1. 解决情况" in m.get("text", "")]
    assert len(found) >= round_, [m.get("text") for m in found]
    return found[round_ - 1]


def alert_after(bot: RunningBot, mark: int) -> str:
    answers = bot.calls_since(mark, "answerCallbackQuery")
    assert answers and answers[0].params.get("show_alert") is True, [a.params for a in answers]
    return str(answers[0].params["text"])


async def claimed_need(bot: RunningBot) -> dict[str, Any]:
    await bot.say(ENTERPRISE, NEED)
    card = bot.card_of(1)
    await bot.press(LIAISON, card["message_id"], buttons_of(card)["认领"])
    return card


async def test_the_lead_resolves_the_author_judges_and_not_solved_reopens_the_need(served: RunningBot) -> None:
    card = await claimed_need(served)
    await served.say(MIIT_LIAISON, "/resolve 1")  # not the lead's: refused
    assert "牵头单位的联络员" in served.last_text()
    await served.say(LIAISON, "/resolve 1")  # 办结 by the lead's liaison
    question = verdict_message(served)
    assert question["reply_to_message"]["message_id"] == card["message_id"]
    asked = next(str(c.params["text"]) for c in served.api.sent("sendMessage") if "请您评价" in str(c.params["text"]))
    assert f'tg://user?id={ENTERPRISE["id"]}' in asked and "牵头单位：交通运输局" in asked
    choices = buttons_of(question)
    assert set(choices) == {"已解决", "部分解决", "未解决", "满意", "基本满意", "不满意"}

    mark = await served.press(STRANGER, question["message_id"], choices["已解决"])
    assert "只有提出这条需求的企业可以评价" in alert_after(served, mark)
    mark = await served.press(LIAISON, question["message_id"], choices["已解决"])  # nor the lead grading itself
    assert "只有提出这条需求的企业可以评价" in alert_after(served, mark)

    mark = await served.press(ENTERPRISE, question["message_id"], choices["未解决"])
    said = served.replies_since(mark)
    assert any("重办" in t and f'tg://user?id={LIAISON["id"]}' in t for t in said), said  # the lead is told
    assert "解决情况：未解决" in served.api.messages[(GROUP, question["message_id"])]["text"]
    assert "认领" in buttons_of(served.card_of(1))  # open again: the card's buttons are back
    await served.say(ADMIN, "/status 1")
    assert "办理中" in served.last_text()
    assert "企业评价（第 1 轮：未解决）" in served.last_text() and "重办" in served.last_text()  # what was said
    mark = await served.press(ENTERPRISE, question["message_id"], choices["已解决"])  # one answer per question
    assert "已经评价过" in alert_after(served, mark)

    await served.say(LIAISON, "/resolve 1")  # resolved again: round 2
    second = verdict_message(served, 2)
    assert not buttons_of(served.api.messages[(GROUP, question["message_id"])])  # round 1's buttons are gone
    mark = await served.press(ENTERPRISE, question["message_id"], choices["满意"])  # and a stale press is refused
    assert "最新的评价消息" in alert_after(served, mark)
    await served.press(ENTERPRISE, second["message_id"], buttons_of(second)["已解决"])
    await served.press(ENTERPRISE, second["message_id"], buttons_of(served.api.messages[(GROUP, second["message_id"])])
                       ["满意"])
    final = served.api.messages[(GROUP, second["message_id"])]
    assert "感谢您的评价" in final["text"] and not buttons_of(final)
    await served.say(ADMIN, "/kept")
    table = served.last_text()
    line = next(row for row in table.splitlines() if row.endswith("交通运输局") and "%" in row)
    # claimed at once (响应率 100%), the latest verdict 已解决 and 满意 (100%, 100%), one 重办
    assert line.count("100%") == 3 and "单位成绩单" in table, table


async def test_a_verdict_not_given_in_time_is_unrated_and_left_out(served: RunningBot) -> None:
    await claimed_need(served)
    long_ago = datetime(2026, 1, 5, 10, 0, tzinfo=SHANGHAI)
    await served.say(ENTERPRISE, "/resolve 1", date=long_ago)  # the author resolves it; the question is asked
    question = verdict_message(served)
    mark = await served.press(ENTERPRISE, question["message_id"], buttons_of(question)["满意"])
    assert "评价期限已过" in alert_after(served, mark)
    await served.say(ADMIN, "/kept")
    table = served.last_text()
    line = next(row for row in table.splitlines() if row.endswith("交通运输局") and "%" in row)
    cells = line.replace("<code>", "").replace("</code>", "").split()
    assert cells[2:4] == ["—", "—"] and cells[8] == "1", cells  # no 解决率 nor 满意率; one 未评价


# --- the scorecard by hand ----------------------------------------------------------------

TZ = ZoneInfo("Asia/Shanghai")
POLICY = Policy(TZ)
LIMITS = DutyLimits(verdict_days=3)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=TZ).astimezone(UTC)


def need(number: int, status: str = "open", resolved: datetime | None = None) -> Need:
    return Need(id=number, chat_id=GROUP, number=number, author_id=3001, author_name="李总", text="需要",
                need_type="scenario", status=status, created_at=at(2, 10), resolved_at=resolved)


def test_every_figure_of_the_scorecard_by_hand() -> None:
    # Monday 2 November 2026, 10:00: five needs. transport leads #1 (claimed in time), #2 (claimed a day late),
    # #3 (handed over in time to edu, 退单; edu claims it), #4 (handed over, the 退单 overruled: back to
    # transport, never claimed); #5 is led by edu and resolved by its author before anyone had to claim it.
    needs = {n.id: n for n in (need(1, "resolved", at(6, 10)), need(2, "resolved", at(6, 10)), need(3), need(4),
                               need(5, "resolved", at(2, 12)), need(6, "withdrawn"))}
    terms = [
        LeadTerm(1, 1, "transport", at(2, 10)),
        LeadTerm(2, 2, "transport", at(2, 10)),
        LeadTerm(3, 3, "transport", at(2, 10), at(2, 15), "handover", "duty"),
        LeadTerm(4, 3, "edu", at(2, 15)),
        LeadTerm(5, 4, "transport", at(2, 10), at(2, 11), "handover", "duty", "overruled", 1001, at(2, 14)),
        LeadTerm(6, 4, "edu", at(2, 11), at(2, 14), "reroute"),
        LeadTerm(7, 4, "transport", at(2, 14)),
        LeadTerm(8, 5, "edu", at(2, 10)),
        LeadTerm(9, 6, "edu", at(2, 10)),  # withdrawn: not counted anywhere
    ]
    claims = {(1, "transport"): at(2, 16), (2, "transport"): at(4, 9), (3, "edu"): at(3, 9)}
    verdicts = [
        Verdict(1, 1, 1, 3001, "transport", at(6, 10), Solved.UNSOLVED, Satisfaction.UNSATISFIED, at(6, 11),
                reopened_at=at(6, 11)),
        Verdict(2, 1, 2, 3001, "transport", at(9, 10), Solved.SOLVED, Satisfaction.SATISFIED, at(9, 11)),
        Verdict(3, 2, 1, 3001, "transport", at(6, 10), Solved.PARTLY, Satisfaction.FAIR, at(6, 12)),
        Verdict(4, 5, 1, 3001, "edu", at(2, 12)),  # never answered: 未评价 once three working days have passed
        Verdict(5, 6, 1, 3001, "edu", at(2, 12), Solved.UNSOLVED),  # withdrawn need
    ]
    promises = [Commitment(1, 1, "transport", 2001, "两周内开放", datetime(2026, 11, 6).date(), "done", at(2, 16),
                           done_at=at(5, 10), reported_at=at(5, 10)),
                Commitment(2, 2, "transport", 2001, "下周给方案", datetime(2026, 11, 4).date(), "open", at(2, 16))]
    claim_rows = [(Claim(n, p, 2001, t), at(2, 10)) for (n, p), t in claims.items()]
    now = at(20, 10)
    records = kept_rates(promises, claim_rows, now, POLICY)
    scores = {s.party_id: s for s in scorecard(needs, terms, claims, verdicts, records, now, POLICY, LIMITS)}

    transport, edu = scores["transport"], scores["edu"]
    # 响应率: #1 in time, #2 late, #3 handed over in time (not counted), #4 overruled and never claimed → 1 of 3
    assert (transport.led, transport.responded) == (3, 1)
    assert (transport.handovers, transport.improper) == (2, 1)
    # 解决率: the latest verdict per need: #1 已解决 (1), #2 部分解决 (½) → 0.75; 满意率: 满意, 基本满意 → 1.0
    assert transport.solve_rate == 0.75 and transport.satisfaction_rate == 1.0 and transport.redo == 1
    # 按期率: one kept on time, one overdue → ½
    assert transport.kept_rate == 0.5
    # edu: #3 claimed the next morning, within one working day of being made lead; #4 was rerouted away from it
    # at 14:00 before its limit (not counted); #5 resolved before the limit; its verdict unanswered: 未评价
    assert (edu.led, edu.responded, edu.unrated, edu.solve_rate) == (1, 1, 1, None)
    # ranked once an enterprise has judged the work: transport is; edu (a claim in time, no verdict) is not yet
    assert transport.rank == 1 and edu.rank is None
    assert abs(transport.composite - (1 / 3 + 0.75 + 1.0) / 3) < 1e-9  # type: ignore[operator]


def test_a_verdict_still_within_its_limit_is_neither_given_nor_unrated() -> None:
    needs = {1: need(1, "resolved", at(2, 12))}
    verdicts = [Verdict(1, 1, 1, 3001, "edu", at(2, 12))]
    scores = scorecard(needs, [], {}, verdicts, [], at(3, 12), POLICY, LIMITS)
    assert scores == [] or scores[0].unrated == 0
    later = scorecard(needs, [], {}, verdicts, [], at(2, 12) + timedelta(days=10), POLICY, LIMITS)
    assert later[0].unrated == 1 and later[0].rank is None


async def test_the_lead_is_reminded_before_the_resolution_limit_and_the_admins_when_it_passes(
        served: RunningBot) -> None:
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
    await served.say(ENTERPRISE, NEED, date=friday)  # a scenario need: 15 working days to 办结
    card = served.card_of(1)
    await served.press(LIAISON, card["message_id"], buttons_of(card)["认领"])

    def said(calls: list[Any], words: str) -> list[str]:
        return [str(c.params["text"]) for c in calls if words in str(c.params["text"])]

    served.clock.set_local(2026, 12, 17, 8, 59)  # 15 working days from Friday 27 November: Friday 18 December
    assert not said(await served.run_notices(), "办结")
    served.clock.set_local(2026, 12, 17, 9, 0)  # the working day before, at the reminder hour
    reminder = said(await served.run_notices(), "办结提醒")
    assert len(reminder) == 1 and f'tg://user?id={LIAISON["id"]}' in reminder[0] and "15 个工作日" in reminder[0]
    served.clock.set_local(2026, 12, 18, 9, 59)
    assert not said(await served.run_notices(), "办结时限")
    served.clock.set_local(2026, 12, 18, 10, 0)
    late = await served.run_notices()
    assert [int(c.params["chat_id"]) for c in late if "超过办结时限" in str(c.params["text"])] == [ADMIN["id"]]
    assert "牵头单位 交通运输局 仍未办结" in said(late, "超过办结时限")[0]
    assert not said(await served.run_notices(), "办结")  # once


async def test_a_need_claimed_after_its_claim_limit_shows_in_the_response_rate(served: RunningBot) -> None:
    await served.say(ENTERPRISE, NEED, date=datetime(2026, 1, 5, 10, 0, tzinfo=SHANGHAI))  # limit: 6 January 10:00
    await served.press(LIAISON, served.card_of(1)["message_id"], buttons_of(served.card_of(1))["认领"])  # now: late
    await served.say(ADMIN, "/kept")
    line = next(row for row in served.last_text().splitlines() if row.endswith("交通运输局") and "%" in row)
    cells = line.replace("<code>", "").replace("</code>", "").split()
    assert cells[1] == "0%", cells  # one need led and judged, claimed late


def test_each_question_keeps_its_latest_answer() -> None:
    # round 1: 未解决 + 不满意; round 2 answered in part (部分解决 only): round 1's 不满意 still counts
    needs = {1: need(1, "resolved", at(9, 10))}
    verdicts = [Verdict(1, 1, 1, 3001, "transport", at(6, 10), Solved.UNSOLVED, Satisfaction.UNSATISFIED, at(6, 11),
                        reopened_at=at(6, 11)),
                Verdict(2, 1, 2, 3001, "transport", at(9, 10), Solved.PARTLY, None, at(9, 11))]
    [transport] = scorecard(needs, [], {}, verdicts, [], at(10, 10), POLICY, LIMITS)
    assert (transport.solve_rate, transport.satisfaction_rate, transport.redo) == (0.5, 0.0, 1)


async def test_a_promise_still_owed_when_its_need_is_resolved_counts_nowhere(served: RunningBot) -> None:
    await claimed_need(served)
    await served.say(LIAISON, "/commit 1 12月11日前开放测试路段", date=datetime(2026, 11, 27, 10, tzinfo=SHANGHAI))
    await served.say(ENTERPRISE, "/resolve 1")  # settled before the promise was kept
    served.clock.set_local(2026, 12, 15, 10, 0)  # the promise's date has passed
    await served.say(ADMIN, "/kept")
    promises = served.last_text()[served.last_text().index("承诺兑现情况"):]
    row = next(line for line in promises.splitlines() if line.endswith(" 交通运输局"))
    assert row.removeprefix("<code>").split()[:6] == ["—", "0", "0", "0", "0", "0"], row  # not overdue: moot
    await served.say(ADMIN, "/overdue")
    assert "承诺 1" not in served.last_text()


def test_a_unit_given_a_need_back_is_judged_on_the_spell_that_counts() -> None:
    # edu led #1 for an hour (an admin took it away in time), transport for a week, then edu again: it claimed
    # two hours into its second spell — in time
    needs = {1: need(1)}
    terms = [LeadTerm(1, 1, "edu", at(2, 10), at(2, 11), "reroute"),
             LeadTerm(2, 1, "transport", at(2, 11), at(9, 10), "reroute"),
             LeadTerm(3, 1, "edu", at(9, 10))]
    scores = {s.party_id: s for s in scorecard(needs, terms, {(1, "edu"): at(9, 12)}, [], [], at(20, 10), POLICY,
                                               LIMITS)}
    assert (scores["edu"].led, scores["edu"].responded) == (1, 1)
    assert (scores["transport"].led, scores["transport"].responded) == (1, 0)  # a week, never claimed: late


def test_a_question_taken_back_after_a_reopening_is_not_unrated() -> None:
    # the author's 未解决 reopened #1; the co-requester (3002) never answered round 1, but answered round 2
    needs = {1: need(1, "resolved", at(9, 10))}
    verdicts = [Verdict(1, 1, 1, 3001, "edu", at(6, 10), Solved.UNSOLVED, None, at(6, 11), reopened_at=at(6, 11)),
                Verdict(2, 1, 1, 3002, "edu", at(6, 10)),
                Verdict(3, 1, 2, 3001, "edu", at(9, 10), Solved.SOLVED, Satisfaction.SATISFIED, at(9, 11)),
                Verdict(4, 1, 2, 3002, "edu", at(9, 10), Solved.SOLVED, Satisfaction.FAIR, at(9, 12)),
                Verdict(5, 1, 1, 3003, "edu", at(6, 10), Solved.UNSOLVED, None, at(6, 12))]  # after the reopening
    [edu] = scorecard(needs, [], {}, verdicts, [], at(30, 10), POLICY, LIMITS)
    assert edu.unrated == 0 and edu.redo == 1  # one reopening, one 重办


async def test_reminders_overtaken_while_the_bot_was_down_are_not_sent_late(served: RunningBot) -> None:
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
    await served.say(ENTERPRISE, NEED, date=friday)  # 签收 by Monday 10:00, reminded at 08:00
    served.clock.set_local(2026, 11, 30, 11, 0)  # the bot comes back after both
    sent = [str(c.params["text"]) for c in await served.run_notices()]
    assert not [t for t in sent if "签收提醒" in t], sent  # "please claim before 10:00" at 11:00 helps nobody
    assert [t for t in sent if "督办" in t]


async def test_the_author_finds_the_questions_waiting_in_a_private_chat(served: RunningBot) -> None:
    await claimed_need(served)
    await served.say(LIAISON, "/resolve 1")
    served.api.chat(ENTERPRISE["id"], "李总", kind="private")
    message = await served.say(ENTERPRISE, "/start", chat_id=ENTERPRISE["id"])
    asked = [c for c in served.calls_since(message["_calls_from"], "sendMessage") if "1. 解决情况" in c.params["text"]]
    assert len(asked) == 1 and int(asked[0].params["chat_id"]) == ENTERPRISE["id"]
    question = asked[0].result
    await served.press(ENTERPRISE, question["message_id"], buttons_of(question)["已解决"], chat_id=ENTERPRISE["id"])
    message = await served.say(ENTERPRISE, "/start", chat_id=ENTERPRISE["id"])  # still 满意度 to give
    again = [c.params["text"] for c in served.calls_since(message["_calls_from"], "sendMessage")
             if "1. 解决情况" in c.params["text"]]
    assert len(again) == 1 and "解决情况：已解决" in again[0]
    await served.say(STRANGER, "/start", chat_id=STRANGER["id"])  # someone else is asked nothing
    assert "1. 解决情况" not in served.last_text()
