"""`python -m nlp train`: import historical routed needs into the bot's database.

The bot fits its router on these together with corrections, 转交 choices and claims at start and
after every such change; this command only stores them (labels are checked against the directory).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.domain.directory import load_directory
from nlp.evaluate import read_labelled
from storage.db import Database
from storage.learning import LearningRepo
from storage.parties import load_parties, seed_directory


async def import_examples(data: str | Path, database: str | Path, out: TextIO) -> int:
    texts, labels = read_labelled(data)
    db = Database(database)
    await db.open()
    try:
        now = datetime.now(UTC)
        await seed_directory(db, load_directory(), now)
        known = {p.id for p in await load_parties(db)}
        rows = [(t, label) for t, label in zip(texts, labels, strict=True) if label in known]
        unknown = Counter(label for label in labels if label not in known)
        async with db.transaction() as conn:
            await LearningRepo(conn).import_examples(rows, Path(data).name, now)
    finally:
        await db.close()
    print(f"imported {len(rows)} examples into {database}", file=out)
    if unknown:
        listed = ", ".join(f"{label} ({n})" for label, n in unknown.most_common(10))
        print(f"skipped {sum(unknown.values())} rows whose label is not a party id: {listed}", file=out)
    return 0 if rows else 1
