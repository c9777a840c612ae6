"""揭榜挂帅 through the wire: an admin publishes a need as a challenge with a deadline; people in the group bid with a
short plan (揭榜 and a reply to the bot's question, or /bid N 方案) until the deadline; the morning after it the author
is asked to pick (选 k / 都不选); the pick is recorded, audited and told in the group and to the chosen bidder."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot import texts
from bot.domain import Need, Refusal
from bot.domain.challenges import ChallengeOutcome, bid_refusal, deadline_notice, deadline_refusal, pick_refusal
from bot.domain.model import DueProblem, DueReading
from bot.domain.offers import Challenge, ChallengeStatus
from bot.domain.schedule import Policy
from bot.sandbox.localapi import Call
from tests.conftest import (
    ADMIN,
    ENTERPRISE,
    GROUP,
    LAB_MEMBER,
    LIAISON,
    SHANGHAI,
    STRANGER,
    RunningBot,
)

NEED = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"
FRIDAY_10 = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)  # the need and the challenge; deadline Friday 4 December
DEADLINE_DAY = datetime(2026, 12, 4, 20, 0, tzinfo=SHANGHAI)
DAY_AFTER = datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI)
LAB_PLAN = "我们实验室有5G-V2X路侧单元和L4测试车队，可在两个月内完成封闭道路测试"
TRANSPORT_PLAN = "交通局可协调胶州湾隧道以东3公里测试路段，一个月内开放"


def buttons(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def rows(bot: RunningBot, sql: str) -> list[tuple[Any, ...]]:
    async with bot.app.bot_data.services.db.read() as conn:  # type: ignore[union-attr]
        async with conn.execute(sql) as cur:
            return [tuple(r) for r in await cur.fetchall()]


async def published(bot: RunningBot, deadline: str = "12月4日") -> Call:
    """Need #1 by the enterprise, published by the admin as a challenge; the announcement."""
    await bot.say(ENTERPRISE, NEED, date=FRIDAY_10)
    said = await bot.say(ADMIN, f"/challenge 1 {deadline}", date=FRIDAY_10)
    [announcement] = [c for c in bot.calls_since(said["_calls_from"], "sendMessage") if c.status == 200]
    return announcement


async def plan_by_button(bot: RunningBot, user: dict[str, Any], announcement: Call, plan: str,
                         at: datetime = FRIDAY_10) -> list[str]:
    """揭榜 pressed, and the bot's question answered in a reply; what the bot said to the reply."""
    mark = await bot.press(user, announcement.result["message_id"], buttons(announcement)[0])  # type: ignore[index]
    [question] = [c for c in bot.calls_since(mark, "sendMessage") if c.status == 200]
    assert "回复本消息" in question.params["text"] and str(user["id"]) in question.params["text"]
    answered = await bot.say(user, plan, reply_to=question.result["message_id"], date=at)  # type: ignore[index]
    return bot.replies_since(answered["_calls_from"])


async def challenge_notices(bot: RunningBot) -> list[Call]:
    """The notices job's run now: what it said of challenges (the need's 签收 and 办结 clocks run as well)."""
    return [c for c in await bot.run_notices() if "揭榜" in str(c.params.get("text"))]


def alerts_since(bot: RunningBot, mark: int) -> list[str]:
    return [str(c.params.get("text")) for c in bot.calls_since(mark, "answerCallbackQuery")
            if c.params.get("show_alert")]


async def test_a_whole_round_publish_two_bids_the_deadline_passes_the_author_picks(wire_served: RunningBot) -> None:
    bot = wire_served
    announcement = await published(bot)
    text = announcement.params["text"]
    assert "揭榜挂帅</b>：#1" in text and "截止 12月4日" in text, text
    assert "实验室和企业可点「揭榜」并写下简要方案" in text
    assert announcement.params["reply_parameters"]["message_id"] == bot.card_of(1)["message_id"]  # under its card
    assert buttons(announcement) == ["bidask:1"]

    said = await plan_by_button(bot, LAB_MEMBER, announcement, LAB_PLAN)
    assert "已收到" in said[0] and "5G" in said[0] and "第 1 份" in said[0], said  # the lab member's party
    made = await bot.say(LIAISON, f"/bid 1 {TRANSPORT_PLAN}", date=DEADLINE_DAY)  # the deadline day still counts
    assert "第 2 份" in bot.replies_since(made["_calls_from"])[0]

    bot.clock.set_local(2026, 12, 4, 21, 0)
    assert await challenge_notices(bot) == []  # nothing before the deadline has passed
    bot.clock.set_local(2026, 12, 5, 9, 0)  # the morning after: the author is asked to pick
    [notice] = await challenge_notices(bot)
    assert notice.params["chat_id"] == GROUP
    assert notice.params["reply_parameters"]["message_id"] == announcement.result["message_id"]  # type: ignore[index]
    text = notice.params["text"]
    assert "共收到 2 份方案" in text and str(ENTERPRISE["id"]) in text and LAB_PLAN[:20] in text, text
    assert buttons(notice) == ["bidpick:1:1", "bidpick:1:2", "bidnone:1"]
    assert await challenge_notices(bot) == []  # once

    mark = await bot.press(ENTERPRISE, notice.result["message_id"], "bidpick:1:2")  # type: ignore[index]
    told = [c for c in bot.calls_since(mark, "sendMessage") if c.status == 200]
    group = [c.params["text"] for c in told if c.params["chat_id"] == GROUP]
    assert len(group) == 1 and "揭榜结果" in group[0] and str(LIAISON["id"]) in group[0], group
    assert "交通运输局" in group[0] and TRANSPORT_PLAN[:10] in group[0]
    private = [c.params["text"] for c in told if c.params["chat_id"] == LIAISON["id"]]
    assert len(private) == 1 and "已被选定" in private[0], told
    assert [c for c in bot.calls_since(mark, "editMessageReplyMarkup")]  # the pick buttons are gone
    assert await rows(bot, "SELECT status, picked_bid, decided_by FROM challenges") == [("picked", 2, ENTERPRISE["id"])]
    kinds = [r[0] for r in await rows(bot, "SELECT kind FROM events WHERE kind LIKE '%challenge%' OR kind = 'bid_made'"
                                           " ORDER BY id")]
    assert kinds == ["challenge_published", "bid_made", "bid_made", "challenge_picked"]

    await bot.say(ADMIN, "/status 1", date=DAY_AFTER)
    status = bot.last_text()
    assert "<b>揭榜挂帅</b>：截止 2026-12-04，已选定，2 份方案" in status and "✅ 入选" in status, status


async def test_only_an_admin_publishes_and_the_deadline_must_be_a_day_to_come(served: RunningBot) -> None:
    await served.say(ENTERPRISE, NEED, date=FRIDAY_10)
    for user in (ENTERPRISE, LIAISON, STRANGER):
        await served.say(user, "/challenge 1 12月20日", date=FRIDAY_10)
        assert served.last_text() == "只有管理员可以发布揭榜挂帅。"
    await served.say(ADMIN, "/challenge 1 11月1日", date=FRIDAY_10)
    assert "这个日期（11月1日）已过" in served.last_text()
    await served.say(ADMIN, "/challenge 1 9999年12月31日", date=FRIDAY_10)
    assert "无法识别这个日期" in served.last_text()
    await served.say(ADMIN, "/challenge 1 尽快", date=FRIDAY_10)
    assert served.last_text().startswith("未能识别截止日期")
    await served.say(ADMIN, "/challenge 7 12月20日", date=FRIDAY_10)
    assert "没有这个编号的需求" in served.last_text()
    assert await rows(served, "SELECT * FROM challenges") == []

    await served.say(ADMIN, "/challenge 1 两周内", date=FRIDAY_10)
    assert "截止 12月11日" in served.last_text()
    await served.say(ADMIN, "/challenge 1 12月20日", date=FRIDAY_10)
    assert "已经发布为揭榜挂帅（截止 2026-12-11）" in served.last_text()
    await served.say(ADMIN, "/resolve 1")
    await served.say(ENTERPRISE, "我们还需要一处数据中心机房用于测试数据存储，希望大数据局支持", date=FRIDAY_10)
    await served.say(ADMIN, "/resolve 2")
    await served.say(ADMIN, "/challenge 2 12月20日", date=FRIDAY_10)
    assert "已经解决" in served.last_text()


async def test_the_author_does_not_bid_and_nobody_bids_twice(served: RunningBot) -> None:
    announcement = await published(served)
    await served.say(ENTERPRISE, "/bid 1 我们自己来做", date=FRIDAY_10)
    assert served.last_text() == texts.CHALLENGE_REFUSALS[Refusal.OWN_CHALLENGE]
    mark = await served.press(ENTERPRISE, announcement.result["message_id"], "bidask:1")  # type: ignore[index]
    assert alerts_since(served, mark) == [texts.CHALLENGE_REFUSALS[Refusal.OWN_CHALLENGE]]
    assert not served.calls_since(mark, "sendMessage")  # not asked for a plan

    await served.say(LIAISON, f"/bid 1 {TRANSPORT_PLAN}", date=FRIDAY_10)
    await served.say(LIAISON, "/bid 1 改一下：两周内开放", date=FRIDAY_10)
    assert "每人限一份方案" in served.last_text() and TRANSPORT_PLAN[:10] in served.last_text()
    mark = await served.press(LIAISON, announcement.result["message_id"], "bidask:1")  # type: ignore[index]
    assert "每人限一份方案" in alerts_since(served, mark)[0]
    await served.say(STRANGER, "/bid 1", date=FRIDAY_10)
    assert served.last_text().startswith("请写下简要方案")
    assert await rows(served, "SELECT user_id, plan FROM bids") == [(LIAISON["id"], TRANSPORT_PLAN)]


async def test_only_the_person_asked_answers_the_plan_question(served: RunningBot) -> None:
    announcement = await published(served)
    mark = await served.press(STRANGER, announcement.result["message_id"], "bidask:1")  # type: ignore[index]
    [question] = [c for c in served.calls_since(mark, "sendMessage") if c.status == 200]
    await served.say(LAB_MEMBER, "这个我们也能做", reply_to=question.result["message_id"], date=FRIDAY_10)  # type: ignore[index]
    assert await rows(served, "SELECT * FROM bids") == []
    await served.say(STRANGER, "我们有测试车队，一个月内完成", reply_to=question.result["message_id"],  # type: ignore[index]
                     date=FRIDAY_10)
    assert await rows(served, "SELECT user_id, party_id FROM bids") == [(STRANGER["id"], None)]  # not bound: no party


async def test_after_the_deadline_bids_are_refused(served: RunningBot) -> None:
    announcement = await published(served)
    mark = await served.press(LAB_MEMBER, announcement.result["message_id"], "bidask:1")  # type: ignore[index]
    [question] = [c for c in served.calls_since(mark, "sendMessage") if c.status == 200]
    await served.say(LAB_MEMBER, LAB_PLAN, reply_to=question.result["message_id"], date=DAY_AFTER)  # type: ignore[index]
    assert served.last_text() == "已截止：需求 #1 的揭榜已于 2026-12-04 截止，不再接受方案。"
    await served.say(LIAISON, f"/bid 1 {TRANSPORT_PLAN}", date=DAY_AFTER)
    assert served.last_text().startswith("已截止")
    served.clock.set_local(2026, 12, 5, 10, 0)
    mark = await served.press(STRANGER, announcement.result["message_id"], "bidask:1")  # type: ignore[index]
    assert alerts_since(served, mark)[0].startswith("已截止")
    assert await rows(served, "SELECT * FROM bids") == []


async def test_the_pick_is_the_authors_or_an_admins_once_and_after_the_deadline(served: RunningBot) -> None:
    announcement = await published(served)
    await plan_by_button(served, LAB_MEMBER, announcement, LAB_PLAN)
    # Before the deadline the author sees the bids, without buttons.
    await served.say(ENTERPRISE, "/challenge 1", date=FRIDAY_10)
    listing = [c for c in served.api.sent("sendMessage", GROUP) if c.status == 200][-1]
    assert "共 1 份方案" in listing.params["text"] and "12月5日起可以选择" in listing.params["text"]
    assert buttons(listing) == []
    mark = await served.press(ENTERPRISE, listing.result["message_id"], "bidpick:1:1")  # type: ignore[index]
    assert "2026-12-05 起可以选择" in alerts_since(served, mark)[0]
    await served.say(STRANGER, "/challenge 1", date=DAY_AFTER)
    assert served.last_text() == texts.CHALLENGE_REFUSALS[Refusal.NOT_PICKER]

    served.clock.set_local(2026, 12, 5, 10, 0)
    await served.say(ENTERPRISE, "/challenge 1", date=DAY_AFTER)
    listing = [c for c in served.api.sent("sendMessage", GROUP) if c.status == 200][-1]
    assert buttons(listing) == ["bidpick:1:1", "bidnone:1"]
    for user in (STRANGER, LIAISON, LAB_MEMBER):
        mark = await served.press(user, listing.result["message_id"], "bidpick:1:1")  # type: ignore[index]
        assert alerts_since(served, mark) == [texts.CHALLENGE_REFUSALS[Refusal.NOT_PICKER]], user
    mark = await served.press(ENTERPRISE, listing.result["message_id"], "bidpick:1:9")  # type: ignore[index]
    assert alerts_since(served, mark) == [texts.CHALLENGE_REFUSALS[Refusal.BID_NOT_FOUND]]
    assert await rows(served, "SELECT status FROM challenges") == [("open",)]

    mark = await served.press(ENTERPRISE, listing.result["message_id"], "bidnone:1")  # type: ignore[index]
    assert any("没有选定方案" in t for t in served.replies_since(mark))
    for data in ("bidpick:1:1", "bidnone:1"):
        mark = await served.press(ADMIN, listing.result["message_id"], data)  # type: ignore[index]
        assert "已经有了结果（都不选（已结束））" in alerts_since(served, mark)[0]
    assert await rows(served, "SELECT status, picked_bid FROM challenges") == [("none", None)]
    assert await rows(served, "SELECT kind FROM events WHERE kind = 'challenge_closed'") == [("challenge_closed",)]


async def test_an_admin_may_pick_for_the_author(served: RunningBot) -> None:
    announcement = await published(served)
    await plan_by_button(served, LAB_MEMBER, announcement, LAB_PLAN)
    served.clock.set_local(2026, 12, 5, 10, 0)
    await served.say(ADMIN, "/challenge 1", date=DAY_AFTER)
    listing = [c for c in served.api.sent("sendMessage", GROUP) if c.status == 200][-1]
    await served.press(ADMIN, listing.result["message_id"], "bidpick:1:1")  # type: ignore[index]
    assert await rows(served, "SELECT status, picked_bid, decided_by FROM challenges") == [("picked", 1, ADMIN["id"])]


async def test_the_deadline_notice_without_bids_and_after_an_early_close(served: RunningBot) -> None:
    await published(served)
    served.clock.set_local(2026, 12, 5, 9, 0)
    [notice] = await challenge_notices(served)
    assert "共收到 0 份方案" in notice.params["text"] and "无人揭榜" in notice.params["text"]
    assert buttons(notice) == ["bidnone:1"]


async def test_the_export_has_a_challenge_sheet(served: RunningBot) -> None:
    announcement = await published(served)
    await plan_by_button(served, LAB_MEMBER, announcement, LAB_PLAN)
    await served.say(LIAISON, f"/bid 1 {TRANSPORT_PLAN}", date=FRIDAY_10)
    served.clock.set_local(2026, 12, 5, 10, 0)
    await served.say(ENTERPRISE, "/challenge 1", date=DAY_AFTER)
    listing = [c for c in served.api.sent("sendMessage", GROUP) if c.status == 200][-1]
    await served.press(ENTERPRISE, listing.result["message_id"], "bidpick:1:1")  # type: ignore[index]
    await served.say(ADMIN, "/export")
    call = [c for c in served.api.calls if c.method == "sendDocument" and c.status == 200][-1]
    book = load_workbook(io.BytesIO(call.params["document"]["data"]))
    sheet = list(book["揭榜"].values)
    found = [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]
    assert [(r["需求号"], r["截止日期"], r["揭榜状态"], r["单位"], r["入选"]) for r in found] == [
        (1, "2026-12-04", "已选定", "5G智能网联汽车实验室", "是"), (1, "2026-12-04", "已选定", "交通运输局", "否")]
    assert found[0]["方案"] == LAB_PLAN and found[1]["揭榜人"]


# --- the rules, pure ------------------------------------------------------------------------------------------

NEED_1 = Need(id=1, chat_id=GROUP, number=1, author_id=3001, author_name="李总", text=NEED,
              need_type="scenario", status="open", created_at=FRIDAY_10)
OPEN = Challenge(id=1, need_id=1, deadline=date(2026, 12, 4))


@pytest.mark.parametrize(("challenge", "user", "today", "has_bid", "refused"), [
    (OPEN, 2001, date(2026, 12, 4), False, None),  # the deadline day counts
    (OPEN, 2001, date(2026, 12, 5), False, Refusal.BIDDING_CLOSED),
    (OPEN, ENTERPRISE["id"], date(2026, 12, 1), False, Refusal.OWN_CHALLENGE),
    (OPEN, 2001, date(2026, 12, 1), True, Refusal.ALREADY_BID),
    (Challenge(id=1, need_id=1, deadline=date(2026, 12, 4), status=ChallengeStatus.NONE), 2001,
     date(2026, 12, 1), False, Refusal.CHALLENGE_DECIDED),
])
def test_who_may_bid_when(challenge: Challenge, user: int, today: date, has_bid: bool,
                          refused: Refusal | None) -> None:
    assert bid_refusal(challenge, NEED_1, user, today, has_bid) is refused


@pytest.mark.parametrize(("picker", "today", "refused"), [
    (True, date(2026, 12, 5), None), (True, date(2026, 12, 4), Refusal.PICK_NOT_YET),
    (False, date(2026, 12, 5), Refusal.NOT_PICKER),
])
def test_who_may_pick_when(picker: bool, today: date, refused: Refusal | None) -> None:
    assert pick_refusal(OPEN, picker, today) is refused


def test_the_deadline_notice_is_the_morning_after_and_none_once_decided() -> None:
    policy = Policy(ZoneInfo("Asia/Shanghai"))
    notice = deadline_notice(OPEN, policy)
    assert notice is not None and notice.at == datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI)
    assert notice.key == "challenge:1" and notice.need_id == 1
    assert deadline_notice(Challenge(id=1, need_id=1, deadline=date(2026, 12, 4), status=ChallengeStatus.PICKED),
                           policy) is None


def test_a_deadline_is_a_named_usable_date() -> None:
    today = date(2026, 11, 27)
    assert deadline_refusal(DueReading(today, date(2026, 12, 4), "12月4日")) is None
    assert deadline_refusal(DueReading(today)) is Refusal.CHALLENGE_NO_DEADLINE
    assert deadline_refusal(DueReading(today, date(2026, 11, 1), "11月1日", DueProblem.PAST)) \
        is Refusal.CHALLENGE_BAD_DEADLINE


@pytest.mark.parametrize("reason", [*texts.CHALLENGE_REFUSALS, Refusal.NOT_ADMIN, Refusal.NEED_NOT_FOUND,
                                    Refusal.NEED_RESOLVED, Refusal.NEED_WITHDRAWN])
def test_every_refusal_of_a_round_has_words(reason: Refusal) -> None:
    assert texts.challenge_refusal(ChallengeOutcome(reason)).strip()
    assert texts.challenge_refusal(ChallengeOutcome(reason, need=NEED_1, challenge=OPEN)).strip()
