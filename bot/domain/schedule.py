"""When reminders, overdue digests and escalations are due: pure functions of state and a policy.

The database is the truth: what is owed comes from commitments and needs, what went out from the
``notices`` table. Nothing here reads a clock; callers pass ``now`` (UTC), so the schedule is the
same whether computed at the moment or after a restart, and tests fix the time.

- A dated commitment reminds its liaison on the working day before the due date and on the due
  date's morning, at ``reminder_hour`` local time. A reminder whose time had passed when the promise
  was made is not owed (a promise for tomorrow made in the afternoon gets only the morning one).
- Every day at ``reminder_hour`` the admins get one digest of overdue commitments (dated ones
  past due; undated ones older than the grace), for as long as any is overdue.
- 签收: a need's lead must claim it within ``claim_days`` working days of being made lead (the clock starts when
  the office opens); its liaisons are reminded ``CLAIM_REMINDER_LEAD`` before the limit, and the admins get a
  督办 when it runs out. A need still awaiting its lead is escalated on the same clock from its posting.
- Nothing goes out in quiet hours: a notice falling in them waits for their end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.calendar import is_working_day, working_day_before, working_days_after
from bot.domain.model import Commitment, Need

CLAIM_REMINDER_LEAD = timedelta(hours=4)  # the lead's liaisons are reminded this long before the 签收 limit
UNDO_WINDOW = timedelta(minutes=10)  # a promise recorded by mistake can be undone from its confirmation this long


@dataclass(frozen=True)
class Policy:
    timezone: ZoneInfo
    reminder_hour: int = 9
    quiet_start: int = 21  # local hour at which quiet hours begin
    quiet_end: int = 8  # local hour at which they end
    claim_days: int = 1  # 签收 limit in working days
    undated_grace: timedelta = timedelta(days=7)
    weekly_day: int = 0  # the weekly report goes out on this weekday (0 = Monday) ...
    weekly_hour: int = 9  # ... at this local hour

    def local_day(self, now: datetime) -> date:
        return now.astimezone(self.timezone).date()

    def at_local(self, day: date, hour: int) -> datetime:
        """``hour`` o'clock local on ``day``, in UTC."""
        return datetime.combine(day, time(hour), self.timezone).astimezone(UTC)

    def is_quiet(self, at: datetime) -> bool:
        hour = at.astimezone(self.timezone).hour
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= hour < self.quiet_end
        return hour >= self.quiet_start or hour < self.quiet_end

    def outside_quiet(self, at: datetime) -> datetime:
        """``at``, or the end of the quiet hours it falls in."""
        if not self.is_quiet(at):
            return at
        local = at.astimezone(self.timezone)
        day = local.date()
        if self.quiet_start > self.quiet_end and local.hour >= self.quiet_start:
            day += timedelta(days=1)  # 22:00 waits for tomorrow 08:00
        return self.at_local(day, self.quiet_end)

    def overdue_since(self, now: datetime) -> datetime:
        """Undated commitments made before this are overdue."""
        return now - self.undated_grace


@dataclass(frozen=True)
class Notice:
    key: str  # unique forever: a notice with a recorded key never goes out again
    kind: str  # before | morning | unclaimed | digest
    at: datetime  # UTC, already moved out of quiet hours
    commitment_id: int | None = None
    need_id: int | None = None
    chat_id: int | None = None  # where it goes, when that is not the admins nor the need's group (a monthly list)


def commitment_reminders(commitment: Commitment, policy: Policy) -> list[Notice]:
    """The liaison's reminders for one commitment (none once it is reported, kept or cancelled)."""
    if commitment.status != "open" or commitment.due_date is None:
        return []
    due = commitment.due_date
    notices = []
    for kind, day in (("before", working_day_before(due)), ("morning", due)):
        at = policy.outside_quiet(policy.at_local(day, policy.reminder_hour))
        if at > commitment.created_at:
            # Keyed by the date too: a promise whose date was changed is reminded of the new one.
            notices.append(Notice(f"{kind}:{commitment.id}@{due.isoformat()}", kind, at,
                                  commitment_id=commitment.id, need_id=commitment.need_id))
    return notices


def working_deadline(at: datetime, days: int, policy: Policy) -> datetime:
    """``days`` working days after ``at``, counted from when the office is open: a need routed at 22:00 or on a
    Saturday starts its clock at the next working morning (the end of the quiet hours)."""
    start = policy.outside_quiet(at).astimezone(policy.timezone)
    day = start.date()
    if not is_working_day(day):
        while not is_working_day(day):
            day += timedelta(days=1)
        start = datetime.combine(day, time(policy.quiet_end), policy.timezone)
    end = datetime.combine(working_days_after(start.date(), days), start.time(), policy.timezone)
    return end.astimezone(UTC)


def _office_time_before(deadline: datetime, lead: timedelta, policy: Policy) -> datetime:
    """``lead`` before ``deadline``; in quiet hours, the morning they end if that is still before the deadline (a
    10:00 limit is reminded at 08:00), else the evening of the working day before (an 08:00 limit, the evening
    before it at the hour the quiet hours begin, less one)."""
    at = deadline - lead
    if not policy.is_quiet(at):
        return at
    morning = policy.outside_quiet(at)
    if morning < deadline:
        return morning
    return policy.at_local(working_day_before(policy.local_day(deadline)), policy.quiet_start) - timedelta(hours=1)


def claim_notices(need: Need, since: datetime, term_id: int | None, first: bool, policy: Policy) -> list[Notice]:
    """The 签收 clock of a need whose lead (made lead at ``since``, its term ``term_id``) has not claimed it: a
    reminder to the lead's liaisons before the limit, the admins' 督办 when it runs out. A need awaiting its lead
    (``term_id`` None) gets the 督办 only. The first term's 督办 keeps the key escalations always had."""
    if need.status != "open":
        return []
    deadline = working_deadline(since, policy.claim_days, policy)
    key = f"unclaimed:{need.id}" if first or term_id is None else f"unclaimed:{need.id}:{term_id}"
    notices = [Notice(key, "unclaimed", policy.outside_quiet(deadline), need_id=need.id)]
    if term_id is not None:
        remind = _office_time_before(deadline, CLAIM_REMINDER_LEAD, policy)
        if since < remind < deadline:
            notices.append(Notice(f"claim:{term_id}", "claim", remind, need_id=need.id))
    return notices


def digest(now: datetime, policy: Policy) -> Notice:
    """Today's overdue digest (sent only if something is overdue when it falls due)."""
    day = policy.local_day(now)
    at = policy.outside_quiet(policy.at_local(day, policy.reminder_hour))
    return Notice(f"digest:{day.isoformat()}", "digest", at)


def next_digest(now: datetime, policy: Policy) -> Notice:
    today = digest(now, policy)
    if today.at > now:
        return today
    return digest(now + timedelta(days=1), policy)


def weekly(now: datetime, policy: Policy) -> Notice:
    """This week's report slot (keyed by ISO year and week, so it goes out once a week)."""
    today = policy.local_day(now)
    day = today - timedelta(days=today.weekday()) + timedelta(days=policy.weekly_day)
    year, week, _ = day.isocalendar()
    at = policy.outside_quiet(policy.at_local(day, policy.weekly_hour))
    return Notice(f"weekly:{year}-W{week:02d}", "weekly", at)


def next_weekly(now: datetime, policy: Policy) -> Notice:
    this_week = weekly(now, policy)
    return this_week if this_week.at > now else weekly(now + timedelta(days=7), policy)


def resolve_notices(need: Need, since: datetime, days: int, policy: Policy) -> list[Notice]:
    """The 办结 clock of an open need led since ``since`` (or reopened then: 重办 restarts it): a reminder to the
    lead's liaisons at ``reminder_hour`` on the working day before the limit, the admins' 督办 when it passes.
    Keyed by the limit's date, so a reopened need's new limit is reminded afresh."""
    if need.status != "open":
        return []
    deadline = working_deadline(since, days, policy)
    stamp = policy.local_day(deadline).isoformat()
    notices = [Notice(f"resolve-late:{need.id}@{stamp}", "resolve_late", policy.outside_quiet(deadline),
                      need_id=need.id)]
    before = policy.outside_quiet(policy.at_local(working_day_before(policy.local_day(deadline)),
                                                  policy.reminder_hour))
    if since < before < deadline:
        notices.append(Notice(f"resolve-before:{need.id}@{stamp}", "resolve_before", before, need_id=need.id))
    return notices


def due_now(candidates: Iterable[Notice], sent: set[str], now: datetime) -> list[Notice]:
    """Notices whose time has come and that have not gone out, oldest first."""
    return sorted((n for n in candidates if n.at <= now and n.key not in sent), key=lambda n: (n.at, n.key))


def next_time(candidates: Iterable[Notice], sent: set[str], now: datetime) -> datetime | None:
    """When the next notice falls due (for arming the job); None when nothing is pending."""
    future = [n.at for n in candidates if n.at > now and n.key not in sent]
    return min(future) if future else None


def is_overdue(commitment: Commitment, now: datetime, policy: Policy) -> bool:
    return commitment.is_overdue(policy.local_day(now), policy.overdue_since(now))
