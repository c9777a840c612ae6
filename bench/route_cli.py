"""Routing throughput end to end: `python -m nlp route` against a bare jieba.lcut script, both fed one file.

    python bench/route_cli.py [--data ../shared/data/teddy2020] [--lines 70000] [--rounds 5]

The input is the Teddy titles (titles_train.csv then titles_test.csv, column ``text``) repeated in order
until ``--lines`` lines, written to a temporary file at run time (nothing is copied into the repository).
Each round runs, back to back as subprocesses with that file on stdin and stdout to a temporary file:
(a) ``python -m nlp route`` on the shipped directory, no examples — start-up, routing and one JSON line per
message, all included; (b) a bare baseline: ``import jieba; jieba.initialize()`` then ``jieba.lcut`` per
line, writing the tokens joined by spaces. Time is each child's CPU time (user + system, from
``RUSAGE_CHILDREN`` deltas) and wall time. The ratio is baseline time / ours (issue 13's target: >= 0.8);
it is printed as the median of the paired rounds and as the ratio of the best rounds. This shared machine's
numbers move by about ±0.1 between runs: pairing the two sides in each round is what makes the ratio mean
something.
"""

from __future__ import annotations

import argparse
import csv
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BASELINE = """
import logging, sys
import jieba
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
write = sys.stdout.write
for line in sys.stdin:
    text = line.rstrip("\\n")
    if text.strip():
        write(" ".join(jieba.lcut(text)) + "\\n")
"""


def titles(data: Path) -> list[str]:
    texts: list[str] = []
    for name in ("titles_train.csv", "titles_test.csv"):
        with open(data / name, encoding="utf-8") as handle:
            texts += [r["text"].replace("\n", " ").strip() for r in csv.DictReader(handle)]
    return [t for t in texts if t]


def run(command: list[str], source: Path, sink: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one child reading ``source`` and writing ``sink``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(source, "rb") as stdin, open(sink, "wb") as stdout:
        started = time.perf_counter()
        subprocess.run(command, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT, check=True)
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def lines_in(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "teddy2020"))
    parser.add_argument("--lines", type=int, default=70_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    texts = titles(Path(args.data))
    ours = [sys.executable, "-m", "nlp", "route"]
    bare = [sys.executable, "-c", BASELINE]
    with tempfile.TemporaryDirectory() as scratch:
        source, out_ours, out_bare = Path(scratch, "in.txt"), Path(scratch, "ours.jsonl"), Path(scratch, "bare.txt")
        with open(source, "w", encoding="utf-8") as handle:
            handle.writelines(texts[i % len(texts)] + "\n" for i in range(args.lines))
        print(f"input: {args.lines:,} lines ({len(texts):,} Teddy titles repeated in order); "
              f"{args.rounds} paired rounds, start-up included")
        pairs: list[tuple[tuple[float, float], tuple[float, float]]] = []
        for number in range(args.rounds):
            first, second = (bare, ours) if number % 2 == 0 else (ours, bare)  # alternate who goes first
            a = run(first, source, out_bare if first is bare else out_ours)
            b = run(second, source, out_bare if second is bare else out_ours)
            base, mine = (a, b) if first is bare else (b, a)
            pairs.append((base, mine))
            print(f"  round {number + 1}: route {mine[0]:.2f} s CPU ({mine[1]:.2f} s wall), "
                  f"jieba.lcut {base[0]:.2f} s CPU ({base[1]:.2f} s wall), ratio {base[0] / mine[0]:.2f}")
        for name, out in (("route", out_ours), ("baseline", out_bare)):
            if lines_in(out) != args.lines:
                raise SystemExit(f"{name} wrote {lines_in(out)} lines for {args.lines} input lines")

    n = args.lines
    for kind, k in (("CPU", 0), ("wall", 1)):
        ratios = [b[k] / m[k] for b, m in pairs]
        best_bare, best_ours = min(b[k] for b, _ in pairs), min(m[k] for _, m in pairs)
        print(f"{kind}: python -m nlp route {n / best_ours:,.0f} msg/s, bare jieba.lcut {n / best_bare:,.0f} msg/s "
              f"(best rounds), ratio of best rounds {best_bare / best_ours:.2f}, median paired ratio "
              f"{statistics.median(ratios):.2f} (range {min(ratios):.2f}-{max(ratios):.2f}; target >= 0.80)")


if __name__ == "__main__":
    main()
