"""The pure rules of the domain and the shipped directory."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain import Commitment, Need, Party, Role, Route, lead_of, may_claim, may_mark_done, may_resolve, role_of
from bot.domain.directory import DirectoryError, load_directory

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
DEPT = Party("transport", "department", "青岛市交通运输局", ("交通局",))
DISTRICT = Party("laoshan", "district", "崂山区")
LAB = Party("lab_5gcar", "lab", "青岛市5G智能网联汽车场景应用实验室")
FUND = Party("inv_kailai", "fund", "开来资本")


@pytest.mark.parametrize(("user", "party", "role"), [
    (1, None, Role.ADMIN), (1, DEPT, Role.ADMIN), (2, DEPT, Role.LIAISON), (2, DISTRICT, Role.LIAISON),
    (2, LAB, Role.MEMBER), (2, FUND, Role.MEMBER), (2, None, Role.ENTERPRISE),
])
def test_role_of(user: int, party: Party | None, role: Role) -> None:
    assert role_of(user, frozenset({1}), party) is role


ROUTES = [Route(1, "miit", "lead", 0.3, "router"), Route(1, "transport", "assist", 0.2, "router"),
          Route(1, "police", "assist", 0.1, "router", active=False)]


@pytest.mark.parametrize(("party", "allowed"), [("miit", True), ("transport", True), ("police", False),
                                                ("health", False), (None, False)])
def test_may_claim(party: str | None, allowed: bool) -> None:
    assert may_claim(party, ROUTES) is allowed


def test_lead_of_skips_inactive() -> None:
    assert lead_of(ROUTES).party_id == "miit"  # type: ignore[union-attr]
    assert lead_of([Route(1, "miit", "lead", 0.3, "router", active=False)]) is None


NEED = Need(1, -100, 1, 30, "李总", "需要测试道路", "scenario", "open", NOW)


@pytest.mark.parametrize(("user", "admin", "allowed"), [(30, False, True), (31, False, False), (31, True, True)])
def test_may_resolve(user: int, admin: bool, allowed: bool) -> None:
    assert may_resolve(user, NEED, admin) is allowed


PROMISE = Commitment(5, 1, "transport", 20, "两周内", date(2026, 12, 11), "open", NOW)


@pytest.mark.parametrize(("user", "party", "admin", "allowed"), [
    (20, "transport", False, True), (21, "transport", False, True), (21, "miit", False, False),
    (21, None, False, False), (21, None, True, True),
])
def test_may_mark_done(user: int, party: str | None, admin: bool, allowed: bool) -> None:
    assert may_mark_done(user, PROMISE, party, admin) is allowed


@pytest.mark.parametrize(("today", "overdue"), [(date(2026, 12, 11), False), (date(2026, 12, 12), True)])
def test_overdue(today: date, overdue: bool) -> None:
    assert PROMISE.is_overdue(today) is overdue


def test_undated_and_done_are_never_overdue() -> None:
    undated = Commitment(6, 1, "transport", 20, "尽快", None, "open", NOW)
    done = Commitment(7, 1, "transport", 20, "明天", date(2020, 1, 1), "done", NOW)
    assert not undated.is_overdue(date(2030, 1, 1)) and not done.is_overdue(date(2030, 1, 1))


REFERENCE_IDS = (
    "ndrc edu sci miit police civil finance hrss nrp eco housing urban transport water agri ocean commerce "
    "culture health emergency sasac samr sports medsec private approval bigdata finreg shinan shibei licang "
    "laoshan xihaian chengyang jimo jiaozhou pingdu laixi lab_softmag lab_liquidbiopsy lab_remotesensing "
    "lab_imaging lab_agri lab_aiot lab_5gcar lab_parking fund_yingchuang fund_caitong fund_haichuang "
    "fund_milestone fund_songyan inv_sdkc inv_kailai").split()


def test_directory_keeps_every_reference_id_with_a_profile() -> None:
    parties = {p.id: p for p in load_directory()}
    assert set(REFERENCE_IDS) <= set(parties)
    for party in parties.values():
        assert party.name and party.profile, party.id
        if party.kind in ("department", "lab"):
            assert party.aliases and len(party.keywords) >= 5, party.id


def test_directory_rejects_duplicates_and_unknown_kinds(tmp_path: Path) -> None:
    bad = tmp_path / "d.json"
    bad.write_text('{"parties": [{"id": "a", "kind": "planet", "name": "x"}]}', encoding="utf-8")
    with pytest.raises(DirectoryError):
        load_directory(bad)
    bad.write_text('{"parties": [{"id": "a", "kind": "lab", "name": "x"}, {"id": "a", "kind": "lab", "name": "y"}]}',
                   encoding="utf-8")
    with pytest.raises(DirectoryError):
        load_directory(bad)
