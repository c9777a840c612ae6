"""每月一题 against a labelled month: how well nlp.themes groups needs that a person grouped by hand.

    python bench/themes.py [--csv bench/data/themes.csv]

The CSV (text, theme, lead) was labelled before any clustering was run; a theme starting ``misc_`` is a need
that belongs to no theme. Printed: each theme found with its biggest label; the adjusted Rand index against the
labels (a need the clustering leaves out counts as a group of its own, as does every ``misc_`` need), themes
found vs labelled and the time taken, with the seed the bot uses; the time for three times the needs; then the
same figures over ``--seeds`` other seeds, to show how much they owe to the seed.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sklearn.metrics import adjusted_rand_score  # noqa: E402

from bot.domain.directory import load_directory  # noqa: E402
from bot.domain.themes import Theme  # noqa: E402
from nlp.segment import Segmenter  # noqa: E402
from nlp.themes import SEED, find_themes  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=HERE / "data" / "themes.csv")
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    with args.csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    segmenter = Segmenter()
    needs = [(row["text"], row["lead"] or None) for row in rows]
    unnamed = {name for party in load_directory() for name in (party.name, *party.aliases)}  # as the bot does
    truth = [row["theme"] if not row["theme"].startswith("misc_") else f"misc:{i}" for i, row in enumerate(rows)]
    labelled = len({row["theme"] for row in rows if not row["theme"].startswith("misc_")})
    find_themes(needs[:20], segmenter.cut, unnamed)  # warm: scikit-learn's first fit loads its thread pools
    started = time.perf_counter()
    themes = find_themes(needs, segmenter.cut, unnamed)
    took = time.perf_counter() - started
    for theme in themes:
        label, hits = Counter(rows[i]["theme"] for i in theme.members).most_common(1)[0]
        print(f"  {'·'.join(theme.words):<24} {theme.count:>3}  mostly {label} ({hits}/{theme.count})")
    score, left_out = agreement(truth, themes)
    print(f"needs {len(rows)}: themes found {len(themes)} vs labelled {labelled}, left out {left_out}, "
          f"adjusted Rand index {score:.3f}, {took * 1000:.0f} ms (seed {SEED})")
    started = time.perf_counter()
    find_themes(needs * 3, segmenter.cut, unnamed)
    print(f"{len(needs) * 3} needs (each three times): {(time.perf_counter() - started) * 1000:.0f} ms")
    if args.seeds:
        seeds = range(SEED + 1, SEED + 1 + args.seeds)
        runs = [find_themes(needs, segmenter.cut, unnamed, seed=seed) for seed in seeds]
        scores = sorted(agreement(truth, run)[0] for run in runs)
        counts = sorted(len(run) for run in runs)
        print(f"over {args.seeds} other seeds: adjusted Rand index {scores[0]:.3f}–{scores[-1]:.3f} "
              f"(median {statistics.median(scores):.3f}), themes found {counts[0]}–{counts[-1]}")


def agreement(truth: list[str], themes: list[Theme]) -> tuple[float, int]:
    """The adjusted Rand index of the themes against the labels, and how many needs no theme holds."""
    found = [f"left out:{i}" for i in range(len(truth))]
    for number, theme in enumerate(themes):
        for i in theme.members:
            found[i] = f"theme:{number}"
    return adjusted_rand_score(truth, found), sum(f.startswith("left out") for f in found)


if __name__ == "__main__":
    main()
