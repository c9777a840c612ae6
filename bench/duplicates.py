"""How well ``nlp.similar`` finds the need a new one duplicates: precision and recall on a tuning and a held-out half.

    python bench/duplicates.py [--sweep] [--errors]

Also, when present, bench/data/duplicates_fresh.csv: needs another writer wrote afterwards, blind to the method and
to this set (voices unlike its own), measured whole and never tuned on.

bench/data/duplicates.csv holds needs in varied voices (columns text,group,kind,topic): ``dup`` lines share a
group id with their rewordings (2-4 each), ``near`` lines are near-misses written against a group of their topic
(same department or same product, a different need), ``single`` lines stand alone. The set is split by topic (a
near-miss stays in the half of what it is near) with a fixed seed: one half for tuning the threshold, one held out.
Each half is read in a fixed shuffled order, as needs would arrive, every line against the lines before it.

A line's ``similar_to`` is *found* when it names an earlier line of its group, *wrong* when it names any other
line. Precision = found / lines with a similar_to; recall = found / lines that have an earlier line of their group.
Goal (issue 14), on the held-out half: precision >= 0.90 at recall >= 0.80.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp.segment import Segmenter  # noqa: E402
from nlp.similar import Match, Similarity  # noqa: E402

DATA = Path(__file__).parent / "data" / "duplicates.csv"
FRESH = Path(__file__).parent / "data" / "duplicates_fresh.csv"
SEED = 14


class Line(NamedTuple):
    text: str
    group: str
    kind: str
    topic: str


def load(path: Path = DATA) -> list[Line]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Line(r["text"], r["group"], r["kind"], r["topic"]) for r in csv.DictReader(handle)]


def split(lines: list[Line], seed: int = SEED) -> tuple[list[Line], list[Line]]:
    """(tuning, held-out): topics shuffled with the seed, alternately to each half; each half then shuffled."""
    topics = sorted({line.topic for line in lines})
    random.Random(seed).shuffle(topics)
    tuning_topics = set(topics[0::2])
    tuning = [line for line in lines if line.topic in tuning_topics]
    held_out = [line for line in lines if line.topic not in tuning_topics]
    random.Random(seed + 1).shuffle(tuning)
    random.Random(seed + 2).shuffle(held_out)
    return tuning, held_out


class Score(NamedTuple):
    precision: float
    recall: float
    found: int
    said: int
    due: int


def score(lines: list[Line], matches: list[Match], threshold: float) -> Score:
    found = said = due = 0
    for i, (line, match) in enumerate(zip(lines, matches, strict=True)):
        due += any(earlier.group == line.group for earlier in lines[:i])
        if match.similar_to is not None and match.score >= threshold:
            said += 1
            found += lines[match.similar_to].group == line.group
    return Score(found / said if said else 1.0, found / due if due else 1.0, found, said, due)


def best_matches(similarity: Similarity, lines: list[Line]) -> list[Match]:
    """Every line's best earlier match whatever its score (the threshold is applied in ``score``)."""
    threshold, similarity.threshold = similarity.threshold, -1.0
    try:
        return similarity.stream([line.text for line in lines])
    finally:
        similarity.threshold = threshold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", action="store_true", help="precision and recall at several thresholds")
    parser.add_argument("--errors", action="store_true",
                        help="print the wrong and the missed pairs of the tuning half (never the held-out one)")
    args = parser.parse_args(argv)

    lines = load()
    tuning, held_out = split(lines)
    started = time.perf_counter()
    similarity = Similarity(Segmenter().cut)
    print(f"{len(lines)} needs, {len({x.group for x in lines if x.kind == 'dup'})} duplicate groups, "
          f"{sum(x.kind == 'near' for x in lines)} near-misses; similarity fitted in "
          f"{time.perf_counter() - started:.2f} s; threshold {similarity.threshold:.2f}")
    halves = [("tuning", tuning), ("held-out", held_out)]
    if FRESH.exists():
        fresh = load(FRESH)
        random.Random(SEED + 3).shuffle(fresh)
        halves.append(("fresh", fresh))
    for name, half in halves:
        started = time.perf_counter()
        matches = best_matches(similarity, half)
        per_line = (time.perf_counter() - started) / len(half) * 1000
        if args.sweep:
            for threshold in [t / 100 for t in range(30, 56)]:
                s = score(half, matches, threshold)
                print(f"  {name:<9} threshold {threshold:.2f}: precision {s.precision:.3f} recall {s.recall:.3f}")
        s = score(half, matches, similarity.threshold)
        print(f"{name:<9} {len(half):>4} needs: precision {s.precision:.3f} ({s.found}/{s.said}), "
              f"recall {s.recall:.3f} ({s.found}/{s.due}); {per_line:.2f} ms per need")
        if args.errors and half is tuning:
            for i, (line, match) in enumerate(zip(half, matches, strict=True)):
                due = any(earlier.group == line.group for earlier in half[:i])
                said = match.similar_to is not None and match.score >= similarity.threshold
                right = said and match.similar_to is not None and half[match.similar_to].group == line.group
                if said and not right and match.similar_to is not None:
                    print(f"  WRONG {match.score:.2f} {line.text}\n        ~ {half[match.similar_to].text}")
                elif due and not right:
                    other = f"\n        ~ {half[match.similar_to].text}" if match.similar_to is not None else ""
                    print(f"  MISSED {match.score:.2f} {line.text}{other}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
