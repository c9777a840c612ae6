"""How fast routing learns from the group: top-1 and what the bot announces after 0, 12, 25, 50, 100, 200, 400 examples.

    python bench/learning_curve.py [--data ../shared/data/teddy2020] [--rounds 3]

Examples are drawn from the Teddy Cup training titles (real citizen messages, one line each, like chat) with a
category → department mapping of our own (below); the router is tested on the Teddy test titles mapped the same
way. The data is read here at run time and never shipped. The blind set (dept_replies.csv) is not used: it stays
unseen. Each size is drawn ``--rounds`` times with different seeds; the figures are their means.

Printed per size: lead top-1, top-3 (the triage suggestions), the share of needs the bot announces a lead for
(confident) and how often that lead is right (issue 13's goals: confident precision >= 0.85 on real text, top-1
>= 0.65 after 200 and >= 0.70 after 400 corrections, and a confident share that grows with examples).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.directory import load_directory  # noqa: E402
from nlp.router import Router  # noqa: E402
from nlp.segment import Segmenter  # noqa: E402

# Teddy's seven first-level categories → the Qingdao department that handles them (our reading of their remits).
DEPARTMENT_OF = {"城乡建设": "housing", "环境保护": "eco", "交通运输": "transport", "教育文体": "edu",
                 "劳动和社会保障": "hrss", "商贸旅游": "commerce", "卫生计生": "health"}
SIZES = (0, 12, 25, 50, 100, 200, 400)


def read(path: Path) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return [(r["text"], DEPARTMENT_OF[r["label"]]) for r in csv.DictReader(handle) if r["label"] in DEPARTMENT_OF]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "teddy2020"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--test", type=int, default=600, help="test titles used (a fixed sample)")
    args = parser.parse_args()
    data = Path(args.data)
    train, test = read(data / "titles_train.csv"), read(data / "titles_test.csv")
    test = random.Random(13).sample(test, min(args.test, len(test)))
    parties, segmenter = load_directory(), Segmenter()
    print(f"learning curve: {len(train)} training titles to draw from, {len(test)} test titles, "
          f"{args.rounds} draws per size")
    print(f"{'examples':>8} {'top1':>7} {'top3':>7} {'confident':>10} {'precision':>10}")
    for size in SIZES:
        totals = [0.0, 0.0, 0.0, 0.0]
        for seed in range(args.rounds if size else 1):
            examples = random.Random(seed).sample(train, size) if size else []
            router = Router(parties, segmenter, examples)
            routed = [(router.route(text), label) for text, label in test]
            sure = [(r, label) for r, label in routed if r.confident]
            figures = (
                sum(r.lead is not None and r.lead.id == label for r, label in routed) / len(routed),
                sum(label in r.suggestions[:3] for r, label in routed) / len(routed),
                len(sure) / len(routed),
                sum(r.lead is not None and r.lead.id == label for r, label in sure) / len(sure) if sure else 0.0,
            )
            totals = [t + f for t, f in zip(totals, figures, strict=True)]
        n = args.rounds if size else 1
        top1, top3, share, precision = (t / n for t in totals)
        print(f"{size:>8} {top1:>7.3f} {top3:>7.3f} {share:>10.3f} {precision:>10.3f}")


if __name__ == "__main__":
    main()
