"""How learned and profile-based routing are mixed (nlp.router): pure functions over per-department arrays."""

from __future__ import annotations

import numpy as np

NOVELTY = 1.0  # before calibration: how readily the group's next need goes to a department it has not used (weighed)


def weighed(counts: np.ndarray, prior: float, novelty: float = NOVELTY) -> tuple[np.ndarray, np.ndarray]:
    """(share, weight) per department from its example count.

    share = n / (n + prior): how much its learned score counts against its profile's. weight: departments
    with examples 1; those without keep their profile's probability scaled by the chance that the group's
    next need goes to a department it has not routed to yet, over the share of departments still unseen. That
    chance is a Dirichlet estimate, novelty × unseen / (examples + novelty × departments): early on the unseen
    keep nearly all their profile mass; after hundreds of examples over a few departments, little. How fast
    (``novelty``) is chosen by cross-validation with the prior.
    """
    share = counts / (counts + prior)
    seen = counts > 0
    unseen = float((~seen).sum())
    weight = np.ones(len(counts))
    if unseen:
        chance = novelty * unseen / (counts.sum() + novelty * len(counts))
        weight[~seen] = min(1.0, chance / (unseen / len(counts)))
    return share, weight


def blend(learned: np.ndarray, cold: np.ndarray, share: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per department, the learned part weighs by the evidence for it (``share``), and ``weight`` is how
    likely the group's needs go to it at all (see ``weighed``)."""
    if not learned.any():
        return cold
    blended = (share * learned + (1.0 - share) * cold) * weight
    return blended / blended.sum()


def recalled(p: np.ndarray, votes: np.ndarray, nearest: float) -> np.ndarray:
    """``p`` with the recalled examples' departments mixed in as much as the nearest is alike."""
    if nearest <= 0.0:
        return p
    weight = min(1.0, nearest)
    return (1.0 - weight) * p + weight * votes


__all__ = ["NOVELTY", "blend", "recalled", "weighed"]
