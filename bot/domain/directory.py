"""The directory file format, and the default directory shipped as bot/domain/data/directory.json."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from bot.domain.model import PARTY_KINDS, Party


class DirectoryError(ValueError):
    pass


PARTY_ID = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


def load_directory(path: Path | str | None = None) -> list[Party]:
    if path is None:
        raw = resources.files(__package__).joinpath("data/directory.json").read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    return parse_directory(raw)


def _strings(entry: dict[str, Any], key: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DirectoryError(f"party {entry.get('id')}: {key} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def parse_directory(raw: str | bytes) -> list[Party]:
    """The directory file's parties; a DirectoryError (in English, for logs) names what is wrong."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DirectoryError(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("parties"), list):
        raise DirectoryError('expected an object with a "parties" list')
    parties, seen = [], set()
    for entry in data["parties"]:
        if not isinstance(entry, dict):
            raise DirectoryError("every party must be an object")
        for key in ("id", "kind", "name"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise DirectoryError(f"a party lacks {key!r}")
        party = Party(
            id=entry["id"].strip(),
            kind=entry["kind"].strip(),
            name=entry["name"].strip(),
            aliases=_strings(entry, "aliases"),
            profile=str(entry.get("profile", "")),
            keywords=_strings(entry, "keywords"),
            enabled=bool(entry.get("enabled", True)),
        )
        if not PARTY_ID.match(party.id):
            raise DirectoryError(f"party {party.id!r}: ids are lower-case letters, digits and _")
        if party.kind not in PARTY_KINDS:
            raise DirectoryError(f"party {party.id}: unknown kind {party.kind!r}")
        if party.id in seen:
            raise DirectoryError(f"party {party.id} appears twice")
        seen.add(party.id)
        parties.append(party)
    return parties


def dump_directory(parties: list[Party], source: str) -> str:
    """The directory file format (what load_directory reads), every party including disabled ones."""
    return json.dumps({"version": 1, "source": source, "parties": [
        {"id": p.id, "kind": p.kind, "name": p.name, "aliases": list(p.aliases), "profile": p.profile,
         "keywords": list(p.keywords), "enabled": p.enabled} for p in parties]}, ensure_ascii=False, indent=1)
