"""Matching in the bot (issue 15) through the real Application: a new need meets the standing offers (可对接 on
its card, naming the offering party's people); each side answers 感兴趣 or 不合适 once; both interested → an
introduction and a funnel entry; a signing recorded against it; 不合适 → never again; the daily cap."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.offers import MatchStage, OfferKind
from bot.sandbox.localapi import LocalBotApi
from nlp.router import Router
from storage.offers import MatchRepo, OfferRepo
from tests.conftest import ENTERPRISE, GROUP, LAB_MEMBER, STRANGER, RunningBot, _running, make_settings, serve
from tests.test_duty import alert_after, buttons_of

ROAD_NEED = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元做路测"
FIRM = {"id": 3003, "first_name": "王总", "username": "wang_robotaxi"}


async def add_offer(bot: RunningBot, party: str = "lab_5gcar", kind: OfferKind = OfferKind.CAPABILITY,
                    title: str = "车路协同测试场", text: str = "提供5G车路协同测试道路、路侧单元和自动驾驶测试车辆，"
                    "寻找自动驾驶算法企业合作路测") -> int:
    db = bot.app.bot_data.services.db  # type: ignore[union-attr]
    async with db.transaction() as conn:
        offer = await OfferRepo(conn).add(party_id=party, kind=kind, title=title, text=text, created_by=None,
                                          at=datetime.now(UTC))
    await bot.app.bot_data.services.cases.matching.matcher()  # written behind the services' back: refit now
    return offer.id


async def matches_of(bot: RunningBot) -> list[Any]:
    db = bot.app.bot_data.services.db  # type: ignore[union-attr]
    async with db.read() as conn:
        return await MatchRepo(conn).made_between(None, None)


async def test_a_need_meets_an_offer_and_both_sides_shake_hands(served: RunningBot) -> None:
    await add_offer(served)
    await served.say(ENTERPRISE, ROAD_NEED)
    card = served.card_of(1)
    assert "可对接" in card["text"] and "车路协同测试场" in card["text"], card["text"]
    assert "「车路协同测试场」（网联实验室 陈工）" in card["text"]  # the offering party's member is named
    choices = buttons_of(card)
    assert {"① 感兴趣", "① 不合适"} <= set(choices), choices

    mark = await served.press(STRANGER, card["message_id"], choices["① 感兴趣"])
    assert "只有需求的提出方" in alert_after(served, mark)

    mark = await served.press(ENTERPRISE, card["message_id"], choices["① 感兴趣"])
    asked = [c for c in served.calls_since(mark, "sendMessage") if "是否有意对接" in str(c.params["text"])]
    assert len(asked) == 1 and f'tg://user?id={LAB_MEMBER["id"]}' in str(asked[0].params["text"])
    mark2 = await served.press(ENTERPRISE, card["message_id"], choices["① 感兴趣"])
    assert "已经回应过" in alert_after(served, mark2)
    assert "需求方有意，待供给方回应" in served.card_of(1)["text"]

    question = served.api.messages[(asked[0].params["chat_id"], asked[0].result["message_id"])]
    mark = await served.press(LAB_MEMBER, question["message_id"], buttons_of(question)["感兴趣"])
    told = served.replies_since(mark)
    intro = next(t for t in told if "对接成功" in t)
    assert f'tg://user?id={ENTERPRISE["id"]}' in intro and f'tg://user?id={LAB_MEMBER["id"]}' in intro
    assert "@li_autodrive" in intro  # contacts
    assert "双方有意，已牵线" in served.card_of(1)["text"]
    assert not buttons_of(served.card_of(1)).keys() & {"① 感兴趣", "① 不合适"}
    [match] = await matches_of(served)
    assert match.stage is MatchStage.INTRODUCED

    introduction = next(m for m in served.api.messages.values() if "对接成功" in m.get("text", ""))
    sign = buttons_of(introduction)["记录签约"]
    mark = await served.press(STRANGER, introduction["message_id"], sign)
    assert "只有需求的提出方" in alert_after(served, mark)
    await served.press(LAB_MEMBER, introduction["message_id"], sign)
    [match] = await matches_of(served)
    assert match.stage is MatchStage.SIGNED
    assert "已签约" in served.card_of(1)["text"]
    assert "已签约" in introduction["text"] and not buttons_of(introduction)
    mark = await served.press(ENTERPRISE, introduction["message_id"], sign)
    assert "已经记录过" in alert_after(served, mark)


async def test_not_fit_ends_the_pair_for_good_and_teaches_the_matcher(served: RunningBot) -> None:
    offer_id = await add_offer(served)
    await served.say(ENTERPRISE, ROAD_NEED)
    card = served.card_of(1)
    await served.press(LAB_MEMBER, card["message_id"], buttons_of(card)["① 不合适"])
    [match] = await matches_of(served)
    assert match.stage is MatchStage.REFUSED
    assert "可对接" not in served.card_of(1)["text"]  # the refused offer leaves the card
    cases = served.app.bot_data.services.cases  # type: ignore[union-attr]
    again = await cases.matching.suggest_for_offer(offer_id, None, datetime.now(UTC))
    assert again is not None and again.found == ()  # never suggested again
    matcher, _ = await cases.matching.matcher()
    fresh = await cases.matching.hits_for(ROAD_NEED)
    assert matcher.offers and (not fresh or fresh[0].score < match.score)  # what it learned lowers the pair


async def test_a_new_offer_finds_the_open_needs_that_fit(served: RunningBot) -> None:
    await served.say(ENTERPRISE, ROAD_NEED)
    await served.say(FIRM, "希望卫健委开放医院脱敏数据，用于癌症早筛模型训练")
    offer_id = await add_offer(served)
    cases = served.app.bot_data.services.cases  # type: ignore[union-attr]
    found = await cases.matching.suggest_for_offer(offer_id, None, datetime.now(UTC))
    assert found is not None and [need.number for need, _ in found.found] == [1]


@pytest.fixture
async def capped(api: LocalBotApi, tmp_path: Path, router: Router) -> AsyncIterator[RunningBot]:
    settings = dataclasses.replace(make_settings(api, tmp_path / "bot.sqlite3"), matches_per_day=2)
    async for running in _running(RunningBot(api, settings, router)):
        yield await serve(running)


async def test_at_most_matches_per_day_reach_one_party(capped: RunningBot) -> None:
    await add_offer(capped)
    for k in range(3):
        await capped.say(ENTERPRISE, f"{ROAD_NEED}，第{k + 1}批车辆")
    assert [("可对接" in capped.card_of(n)["text"]) for n in (1, 2, 3)] == [True, True, False]
    assert len(await matches_of(capped)) == 2


async def introduced(bot: RunningBot) -> None:
    """#1 with the lab's offer, both sides interested (pressed on the card)."""
    await add_offer(bot)
    await bot.say(ENTERPRISE, ROAD_NEED)
    card = bot.card_of(1)
    choices = buttons_of(card)
    await bot.press(ENTERPRISE, card["message_id"], choices["① 感兴趣"])
    await bot.press(LAB_MEMBER, card["message_id"], choices["① 感兴趣"])
    [match] = await matches_of(bot)
    assert match.stage is MatchStage.INTRODUCED


async def test_an_agreement_naming_the_introduced_party_is_its_signing(served: RunningBot) -> None:
    await introduced(served)
    await served.say(ENTERPRISE, "/agreement 1 与交通运输局签订测试路段使用协议")  # another party: not this match
    [match] = await matches_of(served)
    assert match.stage is MatchStage.INTRODUCED
    await served.say(ENTERPRISE, "/agreement 1 与5G智能网联汽车实验室签署路测合作协议，金额200万元")
    [match] = await matches_of(served)
    assert match.stage is MatchStage.SIGNED and match.agreement_id is not None


async def test_over_the_wire_an_offer_finds_a_waiting_need_and_both_sides_agree(wire_served: RunningBot) -> None:
    """The whole round on the wire: a need waits; a lab publishes an offer; its member gets the need with buttons,
    presses 感兴趣; the need's author is asked under the card and agrees; the introduction names both."""
    bot = wire_served
    await bot.say(ENTERPRISE, ROAD_NEED)
    await bot.say(FIRM, "希望卫健委开放医院脱敏数据，用于癌症早筛模型训练")
    mark = len(bot.api.calls)
    await bot.say(LAB_MEMBER, "/offer 能力 车路协同测试场；提供5G车路协同测试道路、路侧单元和自动驾驶测试车辆，"
                              "寻找自动驾驶算法企业合作路测")
    [told] = [c for c in bot.calls_since(mark, "sendMessage") if "已发布供给" in str(c.params["text"])]
    text = str(told.params["text"])
    assert "与以下 1 条需求可能对接" in text and "#1" in text and "#2" not in text, text
    listing = bot.api.messages[(told.params["chat_id"], told.result["message_id"])]
    assert set(buttons_of(listing)) == {"① 感兴趣", "① 不合适"}

    offer_id = max(m.offer_id for m in await matches_of(bot))  # the new offer (starter entries came first)
    mark = await bot.press(LAB_MEMBER, listing["message_id"], buttons_of(listing)["① 感兴趣"])
    [match] = [m for m in await matches_of(bot) if m.offer_id == offer_id]
    assert match.offer_answer is not None and match.need_answer is None
    asked = [c for c in bot.calls_since(mark, "sendMessage") if "是否有意对接" in str(c.params["text"])]
    assert len(asked) == 1 and f'tg://user?id={ENTERPRISE["id"]}' in str(asked[0].params["text"])
    question = bot.api.messages[(asked[0].params["chat_id"], asked[0].result["message_id"])]
    mark = await bot.press(FIRM, question["message_id"], buttons_of(question)["感兴趣"])
    assert "只有需求的提出方" in alert_after(bot, mark)
    mark = await bot.press(ENTERPRISE, question["message_id"], buttons_of(question)["感兴趣"])
    assert any("对接成功" in t for t in bot.replies_since(mark))
    [match] = [m for m in await matches_of(bot) if m.offer_id == offer_id]
    assert match.stage is MatchStage.INTRODUCED


async def test_a_card_shows_at_most_three_waiting_matches_however_many_offers_meet_it(served: RunningBot) -> None:
    """New offers keep adding matches to a waiting need: its card lists the best three still waiting (and any that
    led somewhere), so it never outgrows its numbered buttons."""
    from bot.domain.offers import Side

    await served.say(ENTERPRISE, ROAD_NEED)
    db = served.app.bot_data.services.db  # type: ignore[union-attr]
    async with db.transaction() as conn:
        need_id = (await conn.execute_fetchall("SELECT id FROM needs WHERE number = 1"))[0][0]
        for k in range(12):
            offer = await OfferRepo(conn).add(party_id="lab_5gcar", kind=OfferKind.CAPABILITY, title=f"测试场{k}",
                                              text="自动驾驶测试道路", created_by=None, at=datetime.now(UTC))
            await MatchRepo(conn).add(need_id=need_id, offer_id=offer.id, score=k / 20, reason=f"理由{k}",
                                      origin=Side.OFFER, at=datetime.now(UTC))
    await served.say(LAB_MEMBER, "/commit 1 两周内开放测试场")  # anything that redraws the card
    card = served.card_of(1)
    assert card["text"].count("理由：") == 3 and "理由11" in card["text"] and "理由8" not in card["text"]
    assert {"③ 感兴趣", "③ 不合适"} <= set(buttons_of(card)) and "④ 感兴趣" not in buttons_of(card)


async def test_a_closed_offer_takes_no_more_answers_and_leaves_the_card(served: RunningBot) -> None:
    offer_id = await add_offer(served)
    await served.say(ENTERPRISE, ROAD_NEED)
    card = served.card_of(1)
    interested = buttons_of(card)["① 感兴趣"]
    await served.say(LAB_MEMBER, f"/offers close {offer_id}")
    mark = await served.press(ENTERPRISE, card["message_id"], interested)
    assert "供给已关闭" in alert_after(served, mark)
    [match] = await matches_of(served)
    assert match.need_answer is None
    await served.say(LAB_MEMBER, "/commit 1 两周内开放测试场")
    assert "可对接" not in served.card_of(1)["text"]


async def test_no_match_is_suggested_that_nobody_can_answer(served: RunningBot) -> None:
    """An offer of a party with nobody bound, and a shipped example, are not suggested: the handshake needs someone
    on the other side."""
    await add_offer(served, party="lab_agri", kind=OfferKind.CAPABILITY, title="数字乡村物联网平台",
                    text="为乡村提供物联网平台和智慧农业大脑，寻找果蔬种植合作社试点")
    await served.say(ENTERPRISE, "我们是果蔬种植合作社，想找物联网平台做智慧农业试点")
    assert "可对接" not in served.card_of(1)["text"]
    assert await matches_of(served) == []


async def test_an_offer_an_admin_publishes_for_a_party_waits_for_new_needs(served: RunningBot) -> None:
    from tests.conftest import ADMIN

    await served.say(ENTERPRISE, ROAD_NEED)
    await served.say(ADMIN, "/offer lab_5gcar 能力 车路协同测试场；提供5G车路协同测试道路、路侧单元和自动驾驶测试车辆")
    reply = served.api.sent("sendMessage")[-1]
    assert "由管理员代为发布" in str(reply.params["text"]) and "reply_markup" not in reply.params
    assert await matches_of(served) == []
    await served.say(FIRM, "我们也做自动驾驶，想找测试道路和路侧单元做路测")  # a new need meets it
    assert "可对接" in served.card_of(2)["text"]


async def test_an_agreement_with_the_matched_party_signs_a_match_nobody_answered(served: RunningBot) -> None:
    """From the sandbox walk-through: a deal recorded with the matched party is that match's 签约 (and 双方有意) even
    when nobody pressed 感兴趣 first; the card says so and keeps no buttons for it."""
    await add_offer(served)
    await served.say(ENTERPRISE, ROAD_NEED)
    await served.say(ENTERPRISE, "/agreement 1 与5G智能网联汽车实验室签署路测合作协议")
    [match] = await matches_of(served)
    assert match.stage is MatchStage.SIGNED and match.introduced_at is not None
    card = served.card_of(1)
    assert "已签约" in card["text"] and "① 感兴趣" not in buttons_of(card)


async def test_a_new_offer_meets_the_needs_of_other_groups_on_their_own_cards(served: RunningBot) -> None:
    """An offer published in one group fits a need waiting in another: its publisher is told how many, never the
    other group's words; the need's card there lists it (可对接, naming the lab's member) with its buttons."""
    from tests.conftest import ADMIN, OTHER_GROUP

    await served.api.member_change(OTHER_GROUP, ADMIN, "left", "member")
    await served.settle()
    await served.say(FIRM, ROAD_NEED, chat_id=OTHER_GROUP)
    assert "可对接" not in served.card_of(1, chat_id=OTHER_GROUP)["text"]
    mark = len(served.api.calls)
    await served.say(LAB_MEMBER, "/offer 能力 车路协同测试场；提供5G车路协同测试道路、路侧单元和自动驾驶测试车辆，"
                                 "寻找自动驾驶算法企业合作路测")
    told = [str(c.params["text"]) for c in served.calls_since(mark, "sendMessage") if c.params["chat_id"] == GROUP]
    assert any("另有 1 条其他对接群的需求" in t for t in told), told
    assert not any("我们公司做自动驾驶" in t for t in told)  # the other group's words stay there
    card = served.card_of(1, chat_id=OTHER_GROUP)
    assert "可对接" in card["text"] and "车路协同测试场" in card["text"] and "网联实验室 陈工" in card["text"]
    assert {"① 感兴趣", "① 不合适"} <= set(buttons_of(card))


async def run_rematch(bot: RunningBot) -> None:
    from handlers.jobs import REMATCH_JOB

    assert bot.app is not None and bot.app.job_queue is not None
    [job] = bot.app.job_queue.get_jobs_by_name(REMATCH_JOB)
    await job.run(bot.app)
    await bot.settle()


async def test_what_the_daily_cap_held_back_meets_its_offer_the_next_day(capped: RunningBot) -> None:
    from datetime import timedelta

    await add_offer(capped)
    for k in range(3):
        await capped.say(ENTERPRISE, f"{ROAD_NEED}，第{k + 1}批车辆")
    assert "可对接" not in capped.card_of(3)["text"]
    await run_rematch(capped)  # the same day: still capped
    assert "可对接" not in capped.card_of(3)["text"]
    capped.clock.now = datetime.now(UTC) + timedelta(days=1)
    await run_rematch(capped)
    assert "可对接" in capped.card_of(3)["text"]
    assert len(await matches_of(capped)) == 3
    await run_rematch(capped)  # idempotent: a pair is suggested once
    assert len(await matches_of(capped)) == 3


async def test_an_offer_kept_for_a_party_meets_the_waiting_needs_once_someone_is_bound(served: RunningBot) -> None:
    from tests.conftest import ADMIN

    await served.say(ENTERPRISE, "我们是果蔬种植合作社，想找物联网平台做智慧农业试点")
    await served.say(ADMIN, "/offer lab_agri 能力 数字乡村物联网平台；"
                            "为乡村提供物联网平台和智慧农业大脑，寻找果蔬种植合作社试点")
    await run_rematch(served)
    assert "可对接" not in served.card_of(1)["text"]  # nobody to answer for the lab yet
    served.api.add_user(FIRM)
    await served.say(ADMIN, f"/bind {FIRM['id']} lab_agri")
    await run_rematch(served)
    card = served.card_of(1)
    assert "可对接" in card["text"] and "数字乡村物联网平台" in card["text"]
