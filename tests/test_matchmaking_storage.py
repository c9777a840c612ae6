"""The standing lists, matches and 揭榜 in the database (012_matchmaking.sql), and the handshake's pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.directory import load_directory
from bot.domain.offers import Answer, Funnel, Match, MatchStage, OfferKind, Side, after_answer, cap_left
from storage.challenges import ChallengeRepo
from storage.db import Database
from storage.needs import NeedRepo
from storage.offers import MatchRepo, OfferRepo
from storage.parties import seed_directory

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = Database(tmp_path / "t.sqlite3")
    await database.open()
    await seed_directory(database, load_directory(), NOW)
    yield database
    await database.close()


async def test_offers_are_listed_edited_and_closed(db: Database) -> None:
    async with db.transaction() as conn:
        offers = OfferRepo(conn)
        road = await offers.add(party_id="lab_5gcar", kind=OfferKind.CAPABILITY, title="车路协同测试",
                                text="5G测试场", until=date(2027, 3, 31), created_by=7, at=NOW)
        fund = await offers.add(party_id="fund_songyan", kind=OfferKind.INVESTMENT, title="新材料",
                                text="A轮前", example=True, created_by=None, at=NOW)
        assert road.until == date(2027, 3, 31) and fund.example and road.open
        assert [o.id for o in await offers.listed(kind=OfferKind.INVESTMENT)] == [fund.id]
        assert await offers.update(road.id, NOW, title="车路协同测试场", until=None)
        assert await offers.close(fund.id, NOW) and not await offers.close(fund.id, NOW)
        assert [o.id for o in await offers.listed()] == [road.id]
        assert len(await offers.listed(open_only=False)) == 2
        changed = await offers.get(road.id)
        assert changed is not None and changed.title == "车路协同测试场" and changed.until is None
        assert changed.current(date(2030, 1, 1))
        with pytest.raises(ValueError):
            await offers.update(road.id, NOW, party_id="x")


async def test_a_pair_is_suggested_once_and_each_side_answers_once(db: Database) -> None:
    async with db.transaction() as conn:
        need = await NeedRepo(conn).add(chat_id=-1, author_id=5, author_name="企业", message_id=1,
                                        text="需要测试道路", need_type="scenario", at=NOW)
        assert need is not None
        offer = await OfferRepo(conn).add(party_id="lab_5gcar", kind=OfferKind.CAPABILITY, title="测试场",
                                          text="5G", created_by=7, at=NOW)
        matches = MatchRepo(conn)
        match = await matches.add(need_id=need.id, offer_id=offer.id, score=0.4, reason="测试", origin=Side.NEED,
                                  at=NOW)
        assert match is not None and match.stage is MatchStage.SUGGESTED
        assert await matches.add(need_id=need.id, offer_id=offer.id, score=0.9, reason="x", origin=Side.OFFER,
                                 at=NOW) is None
        assert await matches.answer(match.id, Side.NEED, Answer.YES, 5, NOW)
        assert not await matches.answer(match.id, Side.NEED, Answer.NO, 5, NOW)
        assert await matches.answer(match.id, Side.OFFER, Answer.YES, 7, NOW)
        assert await matches.introduce(match.id, NOW)
        assert await matches.labelled() == [("需要测试道路", offer.id, True)]
        assert await matches.sent_to_party_since("lab_5gcar", NOW) == 1
        assert await matches.sent_to_party_since("lab_5gcar", NOW + timedelta(seconds=1)) == 0
        assert [m.id for m in await matches.made_between(NOW, None, [-1])] == [match.id]
        assert await matches.made_between(NOW, None, [-2]) == []


async def test_a_challenge_takes_one_bid_a_person_and_one_pick(db: Database) -> None:
    async with db.transaction() as conn:
        need = await NeedRepo(conn).add(chat_id=-1, author_id=5, author_name="企业", message_id=1,
                                        text="揭榜：海洋监测", need_type="scenario", at=NOW)
        assert need is not None
        challenges = ChallengeRepo(conn)
        challenge = await challenges.add(need.id, date(2026, 12, 15), 1, NOW)
        assert challenge is not None and await challenges.add(need.id, date(2026, 12, 20), 1, NOW) is None
        assert challenge.taking_bids(date(2026, 12, 15)) and not challenge.taking_bids(date(2026, 12, 16))
        bid = await challenges.bid(challenge.id, 9, "lab_remotesensing", "激光雷达", NOW)
        assert bid is not None and await challenges.bid(challenge.id, 9, None, "again", NOW) is None
        assert await challenges.decide(challenge.id, bid.id, 5, NOW)
        assert not await challenges.decide(challenge.id, None, 5, NOW)
        assert [b.id for b in await challenges.bids(challenge.id)] == [bid.id]


def _match(need: Answer | None = None, offer: Answer | None = None, introduced: bool = False,
           signed: bool = False) -> Match:
    return Match(1, 1, 1, 0.5, "r", Side.NEED, need_answer=need, offer_answer=offer,
                 introduced_at=NOW if introduced else None, agreement_id=3 if signed else None)


@pytest.mark.parametrize(("match", "side", "answer", "expected"), [
    (_match(), Side.NEED, Answer.YES, (True, False)),
    (_match(offer=Answer.YES), Side.NEED, Answer.YES, (True, True)),
    (_match(offer=Answer.YES), Side.NEED, Answer.NO, (True, False)),
    (_match(need=Answer.YES), Side.NEED, Answer.NO, (False, False)),  # a side answers once
    (_match(need=Answer.NO), Side.OFFER, Answer.YES, (False, False)),  # refused: closed
])
def test_the_handshake(match: Match, side: Side, answer: Answer, expected: tuple[bool, bool]) -> None:
    assert after_answer(match, side, answer) == expected


def test_the_funnel_and_the_daily_cap() -> None:
    funnel = Funnel.of([_match(), _match(need=Answer.NO), _match(Answer.YES, Answer.YES, introduced=True),
                        _match(Answer.YES, Answer.YES, introduced=True, signed=True)])
    assert funnel == Funnel(suggested=4, introduced=2, signed=1, refused=1)
    assert (cap_left(3, 10), cap_left(12, 10)) == (7, 0)
