"""Kept-rate: per party, promises made, kept on time, kept late, overdue, and how fast needs are claimed.

Pure functions over commitments and claims; ``now`` and the policy decide what counts as overdue.
The kept-rate is kept-on-time over every promise whose outcome is known (kept on time, kept late,
or overdue); open promises not yet due and withdrawn ones do not count either way.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.model import Claim, Commitment
from bot.domain.schedule import Policy, is_overdue


@dataclass(frozen=True)
class PartyRecord:
    party_id: str
    made: int = 0
    on_time: int = 0
    late: int = 0
    kept_undated: int = 0  # kept, but no date was ever set: neither on time nor late
    overdue: int = 0
    pending: int = 0  # open or reported, not overdue
    cancelled: int = 0
    claims: int = 0
    median_claim_days: float | None = None

    @property
    def kept_rate(self) -> float | None:
        judged = self.on_time + self.late + self.overdue
        return self.on_time / judged if judged else None


def kept_rates(commitments: Iterable[Commitment], claims: Iterable[tuple[Claim, datetime]], now: datetime,
               policy: Policy) -> list[PartyRecord]:
    """One record per party with a promise or a claim; most promises first."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in commitments:
        row = counts[c.party_id]
        row["made"] += 1
        if c.status == "cancelled":
            row["cancelled"] += 1
        elif c.status == "done":
            kept = c.kept_on_time(policy.timezone)
            row["kept_undated" if kept is None else "on_time" if kept else "late"] += 1
        elif is_overdue(c, now, policy):
            row["overdue"] += 1
        else:
            row["pending"] += 1
    delays: dict[str, list[float]] = defaultdict(list)
    for claim, need_created in claims:
        delays[claim.party_id].append((claim.claimed_at - need_created).total_seconds() / 86400)
    records = []
    for party_id in set(counts) | set(delays):
        days = delays.get(party_id, [])
        records.append(PartyRecord(party_id, **counts.get(party_id, {}), claims=len(days),
                                   median_claim_days=statistics.median(days) if days else None))
    return sorted(records, key=lambda r: (-r.made, -r.claims, r.party_id))
