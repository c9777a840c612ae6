"""The schedule of reminders, digests and escalations, and the commitment lifecycle rules: pure, fixed clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import Commitment, Need
from bot.domain.calendar import is_working_day, working_day_before
from bot.domain.schedule import (
    Notice,
    Policy,
    claim_notices,
    commitment_reminders,
    digest,
    due_now,
    is_overdue,
    next_digest,
    next_time,
    next_weekly,
    resolve_notices,
    weekly,
    working_deadline,
)

TZ = ZoneInfo("Asia/Shanghai")
POLICY = Policy(TZ)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


FRIDAY_10 = local(2026, 11, 27, 10)


def promise(due: date | None, made: datetime = FRIDAY_10, status: str = "open", **kw: object) -> Commitment:
    return Commitment(id=7, need_id=3, party_id="transport", user_id=2001, text="两周内开放测试路段",
                      due_date=due, status=status, created_at=made, **kw)  # type: ignore[arg-type]


def need(created: datetime, status: str = "open") -> Need:
    return Need(id=3, chat_id=-100, number=1, author_id=3001, author_name="李总", text="需要测试路段",
                need_type="scenario", status=status, created_at=created)


# --- quiet hours -----------------------------------------------------------------------------

@pytest.mark.parametrize(("at", "expected"), [
    (local(2026, 12, 1, 9), local(2026, 12, 1, 9)),  # working hours: unchanged
    (local(2026, 12, 1, 20, 59), local(2026, 12, 1, 20, 59)),
    (local(2026, 12, 1, 21), local(2026, 12, 2, 8)),  # 21:00 waits for tomorrow 08:00
    (local(2026, 12, 1, 23, 30), local(2026, 12, 2, 8)),
    (local(2026, 12, 2, 3), local(2026, 12, 2, 8)),  # after midnight: the same morning
    (local(2026, 12, 2, 7, 59), local(2026, 12, 2, 8)),
    (local(2026, 12, 2, 8), local(2026, 12, 2, 8)),
])
def test_quiet_hours_defer_to_their_end(at: datetime, expected: datetime) -> None:
    assert POLICY.outside_quiet(at) == expected


def test_quiet_hours_within_one_day_and_none() -> None:
    lunch = Policy(TZ, quiet_start=12, quiet_end=14)
    assert lunch.outside_quiet(local(2026, 12, 1, 13)) == local(2026, 12, 1, 14)
    assert not lunch.is_quiet(local(2026, 12, 1, 23))
    never = Policy(TZ, quiet_start=0, quiet_end=0)
    assert not never.is_quiet(local(2026, 12, 1, 3))


# --- the working calendar --------------------------------------------------------------------

@pytest.mark.parametrize(("due", "before"), [
    (date(2026, 12, 11), date(2026, 12, 10)),  # Friday → Thursday
    (date(2026, 12, 14), date(2026, 12, 11)),  # Monday → the Friday before
    (date(2026, 10, 12), date(2026, 10, 10)),  # Monday after National Day → Saturday 10 October, a working day
    (date(2026, 10, 8), date(2026, 9, 30)),  # Thursday after the holiday → the last day before it
    (date(2027, 1, 4), date(2026, 12, 31)),  # over New Year's Day
])
def test_working_day_before(due: date, before: date) -> None:
    assert working_day_before(due) == before


def test_exchanged_weekend_days_are_working_days() -> None:
    assert is_working_day(date(2026, 1, 4))  # a Sunday worked for the New Year holiday
    assert not is_working_day(date(2026, 2, 17))  # Spring Festival
    assert not is_working_day(date(2026, 11, 28))  # an ordinary Saturday


# --- reminders --------------------------------------------------------------------------------

def test_a_dated_promise_is_reminded_the_working_day_before_and_on_the_morning() -> None:
    notices = commitment_reminders(promise(date(2026, 12, 14)), POLICY)
    assert [(n.kind, n.at) for n in notices] == [("before", local(2026, 12, 11, 9)),
                                                 ("morning", local(2026, 12, 14, 9))]
    assert [n.key for n in notices] == ["before:7@2026-12-14", "morning:7@2026-12-14"]  # a new date: new reminders


def test_a_reminder_already_past_when_the_promise_was_made_is_not_owed() -> None:
    made_in_the_afternoon = promise(date(2026, 11, 28), made=local(2026, 11, 27, 15))  # 明天 (a Saturday)
    assert [n.kind for n in commitment_reminders(made_in_the_afternoon, POLICY)] == ["morning"]
    same_day = promise(date(2026, 11, 27), made=local(2026, 11, 27, 10))
    assert commitment_reminders(same_day, POLICY) == []


@pytest.mark.parametrize("status", ["reported", "done", "cancelled"])
def test_no_reminders_once_reported_kept_or_withdrawn(status: str) -> None:
    assert commitment_reminders(promise(date(2026, 12, 14), status=status), POLICY) == []


def test_undated_promises_get_no_reminders_but_turn_overdue_after_the_grace() -> None:
    undated = promise(None, made=local(2026, 11, 27, 10))
    assert commitment_reminders(undated, POLICY) == []
    assert not is_overdue(undated, local(2026, 12, 4, 9), POLICY)
    assert is_overdue(undated, local(2026, 12, 4, 11), POLICY)
    assert not is_overdue(undated, local(2026, 12, 4, 11), Policy(TZ, undated_grace=timedelta(days=10)))


def test_reminder_hour_in_quiet_hours_moves_to_their_end() -> None:
    early = Policy(TZ, reminder_hour=7)
    assert commitment_reminders(promise(date(2026, 12, 14)), early)[1].at == local(2026, 12, 14, 8)


def test_overdue_is_by_the_local_day() -> None:
    due = promise(date(2026, 12, 11))
    assert not is_overdue(due, local(2026, 12, 11, 23, 59), POLICY)
    assert is_overdue(due, local(2026, 12, 12, 0, 1), POLICY)  # 16:01 UTC on the 11th
    assert not is_overdue(promise(date(2026, 12, 11), status="reported"), local(2026, 12, 20), POLICY)


# --- escalation and digest --------------------------------------------------------------------

def test_the_claim_limit_counts_working_days_from_when_the_office_opens() -> None:
    assert working_deadline(FRIDAY_10, 1, POLICY) == local(2026, 11, 30, 10)  # the weekend does not count
    assert working_deadline(local(2026, 11, 27, 22, 30), 1, POLICY) == local(2026, 12, 1, 8)  # from Monday 08:00
    assert working_deadline(local(2026, 11, 28, 15), 1, POLICY) == local(2026, 12, 1, 8)  # routed on a Saturday
    assert working_deadline(local(2026, 11, 30, 7), 2, POLICY) == local(2026, 12, 2, 8)
    # 国庆: routed on 30 September 2026 (a Wednesday), the holiday week does not count
    assert working_deadline(local(2026, 9, 30, 15), 1, POLICY).astimezone(TZ).date() > date(2026, 10, 7)


def test_the_lead_is_reminded_before_the_limit_and_the_admins_when_it_runs_out() -> None:
    notices = {n.kind: n for n in claim_notices(need(FRIDAY_10), FRIDAY_10, term_id=4, first=True, policy=POLICY)}
    assert notices["unclaimed"].at == local(2026, 11, 30, 10) and notices["unclaimed"].key == "unclaimed:3"
    assert notices["claim"].at == local(2026, 11, 30, 8) and notices["claim"].key == "claim:4"  # 06:00 is quiet
    # the limit at 08:00 (routed late on Friday): reminded the evening before, before the quiet hours
    late = {n.kind: n for n in claim_notices(need(FRIDAY_10), local(2026, 11, 27, 22, 30), 4, True, POLICY)}
    assert late["claim"].at == local(2026, 11, 30, 20) and late["unclaimed"].at == local(2026, 12, 1, 8)
    # a later lead has its own clock and its own 督办; a need awaiting its lead gets the 督办 only
    later = claim_notices(need(FRIDAY_10), local(2026, 12, 1, 14), term_id=9, first=False, policy=POLICY)
    assert {n.key for n in later} == {"unclaimed:3:9", "claim:9"}
    assert [n.kind for n in claim_notices(need(FRIDAY_10), FRIDAY_10, None, True, POLICY)] == ["unclaimed"]
    assert claim_notices(need(FRIDAY_10, status="resolved"), FRIDAY_10, 4, True, POLICY) == []
    custom = claim_notices(need(FRIDAY_10), FRIDAY_10, None, True, Policy(TZ, claim_days=3))
    assert custom[0].at == local(2026, 12, 2, 10)


def test_the_resolution_limit_is_reminded_the_working_day_before_and_escalated_when_it_passes() -> None:
    notices = {n.kind: n for n in resolve_notices(need(FRIDAY_10), FRIDAY_10, 5, POLICY)}
    assert notices["resolve_late"].at == local(2026, 12, 4, 10)  # five working days after Friday 27 November
    assert notices["resolve_before"].at == local(2026, 12, 3, 9)
    assert notices["resolve_late"].key == "resolve-late:3@2026-12-04"
    # reopened (重办) on Thursday 3 December 15:00: a new limit, reminded afresh under a new key
    again = {n.kind: n for n in resolve_notices(need(FRIDAY_10), local(2026, 12, 3, 15), 5, POLICY)}
    assert again["resolve_late"].at == local(2026, 12, 10, 15) and again["resolve_late"].key.endswith("2026-12-10")
    assert resolve_notices(need(FRIDAY_10, status="resolved"), FRIDAY_10, 5, POLICY) == []
    # a one-day limit set on Friday afternoon: the working day before is Friday itself, before the start: none
    short = resolve_notices(need(FRIDAY_10), local(2026, 11, 27, 15), 1, POLICY)
    assert [n.kind for n in short] == ["resolve_late"]


def test_the_digest_is_daily_and_keyed_by_the_local_day() -> None:
    morning = digest(local(2026, 12, 12, 7), POLICY)
    assert morning.key == "digest:2026-12-12" and morning.at == local(2026, 12, 12, 9)
    assert digest(local(2026, 12, 12, 23, 30), POLICY).key == "digest:2026-12-12"
    assert next_digest(local(2026, 12, 12, 10), POLICY).key == "digest:2026-12-13"
    assert next_digest(local(2026, 12, 12, 8), POLICY).key == "digest:2026-12-12"


def test_the_weekly_report_slot() -> None:
    monday_nine = Policy(TZ)
    assert weekly(local(2026, 12, 2, 15), monday_nine).key == "weekly:2026-W49"
    assert weekly(local(2026, 12, 2, 15), monday_nine).at == local(2026, 11, 30, 9)
    assert next_weekly(local(2026, 12, 2, 15), monday_nine).at == local(2026, 12, 7, 9)
    friday_five = Policy(TZ, weekly_day=4, weekly_hour=17)
    assert next_weekly(local(2026, 12, 2, 15), friday_five).at == local(2026, 12, 4, 17)


def test_due_now_skips_what_was_sent_and_next_time_finds_the_next() -> None:
    a = Notice("before:1", "before", local(2026, 12, 10, 9), commitment_id=1)
    b = Notice("morning:1", "morning", local(2026, 12, 11, 9), commitment_id=1)
    c = Notice("unclaimed:4", "unclaimed", local(2026, 12, 9, 15), need_id=4)
    now = local(2026, 12, 10, 12)
    assert due_now([a, b, c], set(), now) == [c, a]  # oldest first
    assert due_now([a, b, c], {"unclaimed:4"}, now) == [a]
    assert next_time([a, b, c], set(), now) == b.at
    assert next_time([a, c], set(), now) is None


# --- lifecycle rules --------------------------------------------------------------------------

def test_kept_on_time_counts_the_day_the_liaison_reported_it() -> None:
    on_time = promise(date(2026, 12, 11), status="done", reported_at=local(2026, 12, 11, 23),
                      done_at=local(2026, 12, 14, 10))
    assert on_time.kept_on_time(TZ) is True  # confirmed later, reported in time
    late = promise(date(2026, 12, 11), status="done", reported_at=local(2026, 12, 12, 9),
                   done_at=local(2026, 12, 12, 9))
    assert late.kept_on_time(TZ) is False
    assert promise(date(2026, 12, 11)).kept_on_time(TZ) is None
    assert promise(None, status="done", done_at=local(2026, 12, 1)).kept_on_time(TZ) is None
    assert promise(date(2026, 12, 11), status="cancelled").settled
    assert promise(date(2026, 12, 11), status="reported").pending
