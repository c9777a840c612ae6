"""Duplicates and 附议: the hint a new need gets when it says the same as an open need, and who may act on it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.model import Need


@dataclass(frozen=True)
class DuplicateHint:
    """A new need may say the same as ``similar_to`` (an open need when the hint was made). open: shown on the
    card; seconded: its author pressed 附议 (merged); rejected: 不是同一件事 (or the merge undone) — remembered."""

    need_id: int
    similar_to: Need
    score: float
    status: str = "open"

    @property
    def open(self) -> bool:
        return self.status == "open"


def co_requester_ids(need: Need, merged: list[Need]) -> list[int]:
    """The authors who seconded ``need`` (the authors of the needs merged into it), each once, in the order they
    joined, its own author left out (an author who posted the same need twice is still one requester)."""
    seen: list[int] = []
    for other in merged:
        if other.author_id is not None and other.author_id != need.author_id and other.author_id not in seen:
            seen.append(other.author_id)
    return seen
