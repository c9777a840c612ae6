"""The duty loop as government runs it: the 签收 limit, 退单 and its ruling, the enterprise's verdict, and the
三率 scorecard that ranks the units by them.

Pure: records in, figures out; ``now`` and the policy are passed in. The definitions (also in the README):

- **响应率** — of the needs a unit was made lead of whose 签收 limit has run out (or that it claimed), the share
  it claimed within the limit. A spell as lead that an admin ended, or the unit ended by a 退单 not overruled,
  before its limit and before a claim, does not count; the unit is judged on its first spell that does (a need
  given back to it later starts a new limit); a need resolved before the limit ran out counts neither way; an
  overruled 退单 counts as the unit's.
- **解决率** — of the verdicts its needs' authors gave (the latest one per author and need), 已解决 counts 1 and
  部分解决 ½.
- **满意率** — of the satisfaction answers given, the share 满意 or 基本满意.
- A verdict not given within the verdict limit is **未评价** and left out of both.
- **重办** — verdicts 未解决 that reopened the need (a second 未解决 on a need already reopened is not another).
  **不当退单** — 退单 an admin overruled (驳回).
- **排名** — by the mean of the 三率 a unit has figures for, then its on-time promise rate; a unit no enterprise
  has judged yet (no 解决率 nor 满意率) is listed unranked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.metrics import PartyRecord
from bot.domain.model import Need
from bot.domain.schedule import Policy, working_deadline


class Solved(StrEnum):
    """解决情况, as the need's author answers it."""

    SOLVED = "solved"  # 已解决
    PARTLY = "partly"  # 部分解决
    UNSOLVED = "unsolved"  # 未解决: the need is reopened (重办)

    @property
    def points(self) -> float:
        return {Solved.SOLVED: 1.0, Solved.PARTLY: 0.5}.get(self, 0.0)


class Satisfaction(StrEnum):
    """满意度, as the need's author answers it."""

    SATISFIED = "satisfied"  # 满意
    FAIR = "fair"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意

    @property
    def content(self) -> bool:
        return self is not Satisfaction.UNSATISFIED


class HandOverReason(StrEnum):
    """Why a unit hands a need it leads over to another (退单)."""

    NOT_OUR_DUTY = "duty"  # 不属于本单位职责
    OTHER_SHOULD_LEAD = "lead"  # 需其他单位牵头
    INCOMPLETE = "info"  # 信息不全
    OTHER = "other"  # 其他


# 办结 limits in working days by need type, after the hotline's practice (a consultation 2-5 days, a request 10,
# a complex matter 15): a policy question is answered within 5, a scenario, funding or partnership takes 15.
RESOLVE_DAYS: tuple[tuple[str, int], ...] = (("scenario", 15), ("data", 10), ("funding", 15), ("partnership", 15),
                                             ("policy", 5), ("talent", 10), ("space", 10), ("other", 10))
DEFAULT_RESOLVE_DAYS = 10  # a need type without a limit of its own


@dataclass(frozen=True)
class DutyLimits:
    """The loop's time limits, in working days (China's calendar, 调休 included); the 签收 limit is the schedule's
    (``Policy.claim_days``)."""

    verdict_days: int = 3  # the author's verdict: unanswered after this, it is 未评价
    resolve_days: Mapping[str, int] = field(default_factory=lambda: dict(RESOLVE_DAYS))  # 办结 by need type

    def resolve_days_of(self, need_type: str) -> int:
        return self.resolve_days.get(need_type, DEFAULT_RESOLVE_DAYS)


@dataclass(frozen=True)
class LeadTerm:
    """One spell of a party leading a need."""

    id: int
    need_id: int
    party_id: str
    started_at: datetime
    ended_at: datetime | None = None
    ended_by: str | None = None  # reroute (an admin) | handover (the party itself: 退单)
    reason: str | None = None  # the 退单's reason
    ruling: str | None = None  # overruled: the admins ruled the 退单 improper (驳回)
    ruled_by: int | None = None
    ruled_at: datetime | None = None
    prior_role: str | None = None  # its role on the need before it led it ("assist"): given back if overruled

    @property
    def handed_over(self) -> bool:
        return self.ended_by == "handover"

    @property
    def overruled(self) -> bool:
        return self.ruling == "overruled"


@dataclass(frozen=True)
class Verdict:
    """The need's author's answer, once it was resolved: round 1, and round 2… after a 重办."""

    id: int
    need_id: int
    round: int
    author_id: int
    lead_party: str | None
    asked_at: datetime
    solved: Solved | None = None
    satisfaction: Satisfaction | None = None
    answered_at: datetime | None = None  # its first answer
    message_id: int | None = None
    reopened_at: datetime | None = None  # its 未解决 reopened the need (重办) then

    @property
    def given(self) -> bool:
        return self.solved is not None or self.satisfaction is not None

    @property
    def complete(self) -> bool:
        return self.solved is not None and self.satisfaction is not None


RULING_DAYS = 1  # admins may overrule a 退单 (驳回) within this many working days of it


def ruling_closes(term: LeadTerm, policy: Policy) -> datetime | None:
    """Until when the admins may overrule this 退单 (None: it is not one)."""
    if not term.handed_over or term.ended_at is None:
        return None
    return working_deadline(term.ended_at, RULING_DAYS, policy)


def verdict_closes(verdict: Verdict, limits: DutyLimits, policy: Policy) -> datetime:
    """When an unanswered verdict becomes 未评价."""
    return working_deadline(verdict.asked_at, limits.verdict_days, policy)


def may_answer_verdict(user_id: int, verdict: Verdict) -> bool:
    """Only the author the question was put to."""
    return verdict.author_id == user_id


@dataclass
class UnitScore:
    """One unit's scorecard."""

    party_id: str
    led: int = 0  # needs judged for 响应率
    responded: int = 0  # of them, claimed within the 签收 limit
    awaiting_claim: int = 0  # limit still running, not claimed yet
    solved_given: int = 0
    solved_points: float = 0.0
    satisfaction_given: int = 0
    content: int = 0
    unrated: int = 0  # 未评价
    redo: int = 0  # 重办
    handovers: int = 0  # 退单
    improper: int = 0  # 不当退单
    kept_on_time: int = 0  # promises: kept on time …
    kept_judged: int = 0  # … of those whose outcome is known
    rank: int | None = None

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.led if self.led else None

    @property
    def solve_rate(self) -> float | None:
        return self.solved_points / self.solved_given if self.solved_given else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.content / self.satisfaction_given if self.satisfaction_given else None

    @property
    def kept_rate(self) -> float | None:
        return self.kept_on_time / self.kept_judged if self.kept_judged else None

    @property
    def composite(self) -> float | None:
        """The mean of the 三率 the unit has figures for (the ranking's key)."""
        rates = [r for r in (self.response_rate, self.solve_rate, self.satisfaction_rate) if r is not None]
        return sum(rates) / len(rates) if rates else None

    @property
    def rankable(self) -> bool:
        """Ranked once an enterprise has judged its work: a unit with only a response rate (a claim or two) is not
        put above one the enterprises have judged."""
        return self.solve_rate is not None or self.satisfaction_rate is not None

    @property
    def empty(self) -> bool:
        return not (self.led or self.awaiting_claim or self.solved_given or self.satisfaction_given
                    or self.unrated or self.redo or self.handovers or self.kept_judged)


def scorecard(needs: Mapping[int, Need], terms: Iterable[LeadTerm], claims: Mapping[tuple[int, str], datetime],
              verdicts: Iterable[Verdict], records: Iterable[PartyRecord], now: datetime, policy: Policy,
              limits: DutyLimits) -> list[UnitScore]:
    """Every unit's scorecard, ranked (see the module's definitions). ``needs`` are the needs in scope (withdrawn
    ones left out by the caller or here); ``claims`` maps (need id, party) to when it was claimed."""
    scores: dict[str, UnitScore] = {}

    def of(party_id: str) -> UnitScore:
        return scores.setdefault(party_id, UnitScore(party_id))

    by_pair: dict[tuple[int, str], list[LeadTerm]] = defaultdict(list)
    for term in sorted(terms, key=lambda t: (t.started_at, t.id)):
        need = needs.get(term.need_id)
        if need is None or need.status == "withdrawn":
            continue
        by_pair[(term.need_id, term.party_id)].append(term)
        if term.handed_over:
            of(term.party_id).handovers += 1
            of(term.party_id).improper += term.overruled
    for (need_id, party_id), spells in by_pair.items():
        score = of(party_id)
        claimed = claims.get((need_id, party_id))
        need = needs[need_id]
        # judged on its first spell that was not excused: one taken away by an admin, or handed over (not
        # overruled), before its limit and before the unit claimed it, is not its to answer for
        for spell in spells:
            deadline = working_deadline(spell.started_at, policy.claim_days, policy)
            ended = spell.ended_at
            if not (ended is not None and ended <= deadline and not spell.overruled
                    and (claimed is None or claimed > ended)):
                break
        else:
            continue
        if claimed is not None:
            score.led += 1
            score.responded += claimed <= deadline
            continue
        if need.status == "resolved" and need.resolved_at is not None and need.resolved_at <= deadline:
            continue  # settled before anyone had to claim it
        if now >= deadline:
            score.led += 1
        else:
            score.awaiting_claim += 1

    # each question's latest answer per author and need: a round 2 answered in part keeps round 1's other answer
    solved: dict[tuple[int, int], Verdict] = {}
    satisfied: dict[tuple[int, int], Verdict] = {}
    last_round: dict[tuple[int, int], int] = {}
    for verdict in verdicts:
        key = (verdict.need_id, verdict.author_id)
        last_round[key] = max(last_round.get(key, 0), verdict.round)
    for verdict in sorted(verdicts, key=lambda v: (v.round, v.id)):
        need = needs.get(verdict.need_id)
        if need is None or need.status == "withdrawn" or verdict.lead_party is None:
            continue
        score = of(verdict.lead_party)
        score.redo += verdict.reopened_at is not None  # a 未解决 that reopened the need (not a second one after it)
        key = (verdict.need_id, verdict.author_id)
        if verdict.solved is not None:
            solved[key] = verdict
        if verdict.satisfaction is not None:
            satisfied[key] = verdict
        superseded = verdict.round < last_round[key]  # asked again after a 重办: its question was taken back
        if not verdict.given and not superseded and now >= verdict_closes(verdict, limits, policy):
            score.unrated += 1
    for verdict in solved.values():
        score = of(verdict.lead_party)  # type: ignore[arg-type]
        score.solved_given += 1
        score.solved_points += verdict.solved.points  # type: ignore[union-attr]
    for verdict in satisfied.values():
        score = of(verdict.lead_party)  # type: ignore[arg-type]
        score.satisfaction_given += 1
        score.content += verdict.satisfaction.content  # type: ignore[union-attr]

    for record in records:
        score = of(record.party_id)
        score.kept_on_time = record.on_time
        score.kept_judged = record.on_time + record.late + record.overdue

    ranked = sorted((s for s in scores.values() if s.rankable),
                    key=lambda s: (-(s.composite or 0.0), -(s.kept_rate or 0.0), s.party_id))
    for place, score in enumerate(ranked, start=1):
        score.rank = place
    unranked = sorted((s for s in scores.values() if not s.rankable and not s.empty), key=lambda s: s.party_id)
    return ranked + unranked
