"""Typed results, typed buttons and the intake rule: pure, no Telegram, no database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from bot.domain import Commitment, Need, Outcome, Party, Refusal
from bot.domain.intents import Intent
from bot.services.intake import Action, Facts, decide
from bot.texts.refusals import REFUSALS, refusal
from handlers import buttons

NOW = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)


def need(number: int) -> Need:
    return Need(number, -100, number, 3001, "李总", "需要测试道路", "scenario", "open", NOW)


def test_every_refusal_has_its_own_words() -> None:
    assert set(REFUSALS) == set(Refusal)
    assert all(words.strip() for words in REFUSALS.values())
    # Two refusals with the same words are a refusal that says the wrong thing (a hand-over to an unknown party
    # once answered "need not found"; a second 指派 once answered about a join request).
    assert len(set(REFUSALS.values())) == len(REFUSALS)


def test_refusals_that_name_something_say_it() -> None:
    parties = (Party("a_one", "lab", "甲实验室"), Party("a_two", "lab", "乙实验室"))
    assert "a_one" in refusal(Outcome(Refusal.PARTY_AMBIGUOUS, matches=parties))
    promise = Commitment(7, 1, "transport", 2001, "尽快", None, "open", NOW)
    assert "/due 7" in refusal(Outcome(Refusal.NO_DATE, commitment=promise))
    with pytest.raises(ValueError):
        refusal(Outcome())


KINDS = [kind for kind in vars(buttons).values()
         if isinstance(kind, type) and issubclass(kind, buttons.ButtonData) and kind is not buttons.ButtonData]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_every_button_round_trips_within_64_bytes(kind: type[buttons.ButtonData]) -> None:
    values = {}
    for field in dataclasses.fields(kind):  # type: ignore[arg-type]
        hint = kind.__annotations__[field.name]
        values[field.name] = {"int": 999_999_999, "bool": True}.get(hint) or \
            kind.choices.get(field.name, ("a_long_party_id_of_32_characters",))[-1][:32]
    button = kind(**values)
    data = button.encode()
    assert len(data.encode()) <= 64 and kind.decode(data) == button and kind.matches(data)
    others = [k for k in KINDS if k is not kind]
    assert not any(k.matches(data) for k in others)  # one handler per kind


@pytest.mark.parametrize("data", ["", "claim", "claim:abc", "claim:0", "claim:-3", "claim:1:extra", "x" * 65,
                                  "join:1:maybe", "lpage:2:everything", "xfer:1:Not-An-Id", None, 5])
def test_garbage_decodes_to_nothing(data: object) -> None:
    assert not any(kind.matches(data) for kind in KINDS)


def test_the_wire_format_of_buttons_already_in_chats_still_decodes() -> None:
    assert buttons.Claim.decode("claim:12") == buttons.Claim(12)
    assert buttons.HandOverTo.decode("xfer:3:transport") == buttons.HandOverTo(3, "transport")
    assert buttons.DecideJoin.decode("join:5:n") == buttons.DecideJoin(5, False)
    assert buttons.NeedsPage.decode("npage:2:o") == buttons.NeedsPage(2, "o")


PROMISE = Commitment(9, 1, "transport", 2001, "尽快", None, "open", NOW)
LIAISON = {"sender_id": 2001, "sender_party": "transport"}
AUTHOR = {"sender_id": 3001}  # need()'s author
OTHER = {"sender_id": 3002}
ON_CARD = {"to_bot": True, "card_needs": (need(1),)}


@pytest.mark.parametrize(("text", "facts", "action"), [
    ("我们需要开放一段自动驾驶测试道路，希望交通局支持", Facts(said=Intent.NEED), "register"),
    ("大家早上好", Facts(said=Intent.CHAT), "ignore"),
    ("请问下周的对接会在哪里开？", Facts(said=Intent.QUESTION, **OTHER), "ignore"),
    ("两周内开放测试路段", Facts(said=Intent.PROMISE, **ON_CARD, **LIAISON), "commit"),
    ("收到！", Facts(said=Intent.ACK, **ON_CARD, **LIAISON), "ignore"),
    ("收到，我们内部研究一下", Facts(said=Intent.ACK, **ON_CARD, **LIAISON), "ignore"),
    ("请问你们的大棚传感器需要村里提供电源和网络吗？", Facts(said=Intent.QUESTION, **ON_CARD, **LIAISON), "note"),
    ("按规定不能直接开放", Facts(said=Intent.REFUSAL, **ON_CARD, **LIAISON), "note"),
    ("方案已报局领导审批", Facts(said=Intent.PROGRESS, **ON_CARD, **LIAISON), "note"),
    # the author under their own card: a follow-up, even when it reads like a need
    ("补充一下：试点村最好离市区近一点", Facts(said=Intent.FOLLOWUP, **ON_CARD, **AUTHOR), "note"),
    ("我们还需要一块5G覆盖的场地", Facts(said=Intent.NEED, **ON_CARD, **AUTHOR), "note"),
    # ... and when the words alone read as everyday talk but say something; a short thanks stays talk
    ("收到，我们这周去村里看看", Facts(said=Intent.CHAT, **ON_CARD, **AUTHOR), "note"),
    ("好的，辛苦周科", Facts(said=Intent.CHAT, **ON_CARD, **AUTHOR), "ignore"),
    ("收到，我们这周去村里看看", Facts(said=Intent.CHAT, **ON_CARD, **OTHER), "ignore"),
    # someone else, not bound to a party, replying to a card: a need if it reads as one, never a promise
    ("我们也需要开放测试道路，希望交通局支持", Facts(said=Intent.NEED, **ON_CARD, **OTHER), "register"),
    ("两周内开放测试路段", Facts(said=Intent.PROMISE, **ON_CARD, **OTHER), "ignore"),
    # a reply to the need's own message or to a note on it
    ("村里有电，网络需要你们拉", Facts(said=Intent.FOLLOWUP, replied_need=need(1), **AUTHOR), "note"),
    ("12月15日前", Facts(said=Intent.PROMISE, to_bot=True, asked_date_of=PROMISE, **LIAISON), "set_due"),
    ("两周内开放测试路段", Facts(said=Intent.PROMISE, to_bot=True, card_needs=(need(1), need(2)), **LIAISON),
     "ask_which"),
    ("#9 两周内开放", Facts(said=Intent.PROMISE, to_bot=True, card_needs=(need(1), need(2)), **LIAISON), "ask_which"),
    ("两周内开放测试路段", Facts(said=Intent.PROMISE, topic_need=need(3), **LIAISON), "commit"),
    ("这个需求大概需要多长时间？", Facts(said=Intent.QUESTION, topic_need=need(3), **OTHER), "ignore"),
    ("#1 两周内开放测试路段", Facts(said=Intent.PROMISE, named_need=need(1), **LIAISON), "commit"),
    # a follow-up said plainly: to the sender's open need; a need in follow-up words is still registered
    ("进度怎么样了？", Facts(said=Intent.FOLLOWUP, own_need=need(1), **AUTHOR), "note"),
    ("另外希望对接医院开展癌症早筛试点", Facts(said=Intent.FOLLOWUP, stands_alone=True, **AUTHOR),
     "register"),
    ("进度怎么样了？", Facts(said=Intent.FOLLOWUP, **OTHER), "ignore"),
    ("还需要协调交警支队配合测试", Facts(said=Intent.FOLLOWUP, stands_alone=True, **OTHER), "register"),
    # a follow-up like one of the sender's needs is about it, need words or not
    ("上次说的需要医院数据那个事，有进展吗？", Facts(said=Intent.FOLLOWUP, own_need=need(1), about_own=True, **AUTHOR),
     "note"),
    # an admin is not bound to a party: their words on a need are notes, never promises
    ("@交通局 下周能给个答复吗？", Facts(said=Intent.QUESTION, sender_is_admin=True, **ON_CARD), "note"),
    ("我委将于本周五组织协调会", Facts(said=Intent.PROMISE, sender_is_admin=True, **ON_CARD), "ignore"),
])
def test_what_a_group_message_is(text: str, facts: Facts, action: str) -> None:
    assert decide(text, facts).action == action


def test_a_note_says_its_kind() -> None:
    assert decide("按规定不能直接开放", Facts(said=Intent.REFUSAL, **ON_CARD, **LIAISON)).kind is Intent.REFUSAL
    assert decide("补充一下", Facts(said=Intent.QUESTION, **ON_CARD, **AUTHOR)).kind is Intent.FOLLOWUP
    reading = decide("测试路段已开放", Facts(said=Intent.OUTCOME, **ON_CARD, **LIAISON))
    assert reading.action is Action.NOTE and reading.kind is Intent.PROGRESS and not reading.offer_first


def test_a_promise_under_a_combined_card_names_its_need() -> None:
    facts = Facts(said=Intent.PROMISE, to_bot=True, card_needs=(need(1), need(2)), **LIAISON)
    reading = decide("#2 两周内开放测试路段", facts)
    assert reading.action is Action.COMMIT and reading.need == need(2) and reading.text == "两周内开放测试路段"


def test_an_announced_outcome_is_offered_first() -> None:
    reading = decide("今天和青岛天使基金签约了，融资800万元", Facts(said=Intent.OUTCOME, announces=True))
    assert reading.offer_first
    under_card = decide("我们和海尔资本签约了", Facts(said=Intent.OUTCOME, announces=True, **ON_CARD, **AUTHOR))
    assert under_card.offer_first and under_card.need == need(1)
