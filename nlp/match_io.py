"""`python -m nlp match --offers FILE.json`: the offers file read and checked whole, then needs from stdin one per
line, one JSON line out per input line: ``{"text", "matches": [{"id", "party", "score", "reason"}]}``, best first,
only the matches the bot would show (at most three; none for a blank line)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, TextIO, cast

from nlp.matching import Matcher, OfferText

KINDS = ("scenario", "capability", "investment")


def load_offers(path: str | Path) -> list[OfferText]:
    """The offers of a JSON file: a list of {"id", "party", "kind", "title", "text"} ("place" optional). Anything
    else raises ValueError naming the file and the entry, so the command can say it in one line."""
    try:
        raw: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a JSON list of offers, found {type(raw).__name__}")
    offers: list[OfferText] = []
    seen: set[int | str] = set()
    for n, item in enumerate(raw, start=1):
        where = f"{path}: offer {n}"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: expected an object with id, party, kind, title, text")
        missing = [key for key in ("id", "party", "kind", "title", "text") if key not in item]
        if missing:
            raise ValueError(f"{where}: missing {', '.join(missing)}")
        oid = item["id"]
        if isinstance(oid, bool) or not isinstance(oid, (int, str)) or oid == "":
            raise ValueError(f"{where}: id must be a number or a non-empty string")
        if oid in seen:
            raise ValueError(f"{where}: id {oid!r} is used twice")
        seen.add(oid)
        if item["kind"] not in KINDS:
            raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}, not {item['kind']!r}")
        for key in ("party", "title", "text", "place"):
            if key in item and not isinstance(item[key], str):
                raise ValueError(f"{where}: {key} must be a string")
        if not item["party"].strip() or not (item["title"].strip() or item["text"].strip()):
            raise ValueError(f"{where}: party and a title or text are required")
        offers.append(OfferText(oid, item["party"], item["kind"], item["title"], item["text"], item.get("place", "")))
    return offers


def match_stream(matcher: Matcher, source: TextIO, sink: TextIO) -> None:
    """One JSON line per input line (so output line n answers input line n). Whatever has arrived is read at once,
    matched, written in one piece and flushed: a co-process sending one line gets its answer at once."""
    read = cast(io.BufferedIOBase, source.buffer).read1
    encoding, errors = source.encoding, source.errors or "strict"
    encode = json.JSONEncoder(ensure_ascii=False).encode
    pending = b""
    while True:
        chunk = read(1 << 16)
        data = pending + chunk
        end = data.rfind(b"\n") + 1 if chunk else len(data)  # at the end of input: the rest, if any
        pending = data[end:]
        if end:
            lines = [line.removesuffix("\r") for line in data[:end].decode(encoding, errors).removesuffix("\n")
                     .split("\n")]
            sink.write("".join(encode({"text": text, "matches": [
                {"id": h.id, "party": h.party, "score": h.score, "reason": h.reason}
                for h in (matcher.match(text) if text.strip() else [])]}) + "\n" for text in lines))
            sink.flush()
        if not chunk:
            return
