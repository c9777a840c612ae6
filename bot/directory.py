"""The default directory of parties, shipped as bot/data/directory.json."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from bot.domain import PARTY_KINDS, Party


class DirectoryError(ValueError):
    pass


def load_directory(path: Path | str | None = None) -> list[Party]:
    if path is None:
        raw = resources.files("bot").joinpath("data/directory.json").read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    data = json.loads(raw)
    parties, seen = [], set()
    for entry in data["parties"]:
        party = Party(
            id=entry["id"],
            kind=entry["kind"],
            name=entry["name"],
            aliases=tuple(entry.get("aliases", ())),
            profile=entry.get("profile", ""),
            keywords=tuple(entry.get("keywords", ())),
            enabled=bool(entry.get("enabled", True)),
        )
        if party.kind not in PARTY_KINDS:
            raise DirectoryError(f"party {party.id}: unknown kind {party.kind!r}")
        if party.id in seen:
            raise DirectoryError(f"party {party.id} appears twice")
        seen.add(party.id)
        parties.append(party)
    return parties
