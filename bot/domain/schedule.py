"""When reminders, overdue digests and escalations are due: pure functions of state and a policy.

The database is the truth: what is owed comes from commitments and needs, what went out from the
``notices`` table. Nothing here reads a clock; callers pass ``now`` (UTC), so the schedule is the
same whether computed at the moment or after a restart, and tests fix the time.

- A dated commitment reminds its liaison on the working day before the due date and on the due
  date's morning, at ``reminder_hour`` local time. A reminder whose time had passed when the promise
  was made is not owed (a promise for tomorrow made in the afternoon gets only the morning one).
- Every day at ``reminder_hour`` the admins get one digest of overdue commitments (dated ones
  past due; undated ones older than the grace), for as long as any is overdue.
- A need nobody claimed within ``escalate_after`` is escalated to the admins once (督办).
- Nothing goes out in quiet hours: a notice falling in them waits for their end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.calendar import working_day_before
from bot.domain.model import Commitment, Need

UNDO_WINDOW = timedelta(minutes=10)  # a promise recorded by mistake can be undone from its confirmation this long


@dataclass(frozen=True)
class Policy:
    timezone: ZoneInfo
    reminder_hour: int = 9
    quiet_start: int = 21  # local hour at which quiet hours begin
    quiet_end: int = 8  # local hour at which they end
    escalate_after: timedelta = timedelta(hours=48)
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


def escalation(need: Need, claimed: bool, policy: Policy) -> Notice | None:
    if claimed or need.status != "open":
        return None
    at = policy.outside_quiet(need.created_at + policy.escalate_after)
    return Notice(f"unclaimed:{need.id}", "unclaimed", at, need_id=need.id)


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


def due_now(candidates: Iterable[Notice], sent: set[str], now: datetime) -> list[Notice]:
    """Notices whose time has come and that have not gone out, oldest first."""
    return sorted((n for n in candidates if n.at <= now and n.key not in sent), key=lambda n: (n.at, n.key))


def next_time(candidates: Iterable[Notice], sent: set[str], now: datetime) -> datetime | None:
    """When the next notice falls due (for arming the job); None when nothing is pending."""
    future = [n.at for n in candidates if n.at > now and n.key not in sent]
    return min(future) if future else None


def is_overdue(commitment: Commitment, now: datetime, policy: Policy) -> bool:
    return commitment.is_overdue(policy.local_day(now), policy.overdue_since(now))
