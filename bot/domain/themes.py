"""每月一题: a theme of a period's needs — found by nlp.themes, shown in the monthly report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """Needs that ask for the same kind of thing, named by the words that set them apart from the others."""

    words: tuple[str, ...]  # its name: the 2–3 most telling words, most telling first
    count: int  # needs in it
    departments: tuple[tuple[str | None, int], ...]  # lead party id (None: no lead yet) and its needs, most first
    example: str  # the need nearest the theme's centre
    example_index: int  # that need's position among the needs clustered
    members: tuple[int, ...] = ()  # positions of every need in it, in order
