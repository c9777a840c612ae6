"""How strongly the matcher should learn from handshakes, chosen by cross-validation within the dev split only.

    python bench/match_learning.py [--folds 5] [--repeats 4]

The dev needs of bench/data/match_needs.csv are split into ``--folds`` folds (shuffled, ``--repeats`` times with
other seeds). For each fold, the other folds' handshakes are fed to the matcher — only what the bot would get: the
pairs it shows on a need's card (untaught), each answered as the labels say (good when acceptable, bad when not) —
and the held-out fold is measured. The held-out picks of all folds are pooled (every dev need measured once per
repeat) and the figures averaged over the repeats.

Each setting of nlp.matching.Learning is judged by one number, the same for every setting:
    J = precision@1 + recall@3 - 2 x wrong-shown
(a wrong suggestion costs two parties' time and the list's credibility, so it counts twice). The setting with the
highest J is printed first (ties: the weakest first); the setting with no learning at all (the untaught matcher) and
the shipped one (nlp.matching.LEARNING) are printed as the baselines, and J's range per nearness floor.
Test is not read here; it is measured by bench/match_eval.py with the chosen setting.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench.match_eval import DATA, Figures, Need, figures, handshakes, load, pick  # noqa: E402
from nlp.matching import LEARNING, Learning, Matcher  # noqa: E402
from nlp.segment import Segmenter  # noqa: E402

RATES = (0.0, 0.25, 0.5)  # Rocchio, towards and away alike
GOOD = (0.0, 1.0, 2.0, 4.0)
BAD = (0.0, 2.0, 4.0, 8.0)
FLOORS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


def folds_of(count: int, folds: int, seed: int) -> list[list[int]]:
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return [order[f::folds] for f in range(folds)]


def cross_validated(base: Matcher, dev: list[Need], shown: list[list[str]], learning: Learning,
                    splits: list[list[list[int]]]) -> Figures:
    """The held-out figures, pooled over the folds of each split and averaged over the splits."""
    results = []
    for folds in splits:
        picks: list[list[str]] = [[] for _ in dev]
        for held in folds:
            out = set(held)
            taught = base.taught(handshakes([n for i, n in enumerate(dev) if i not in out],
                                            [p for i, p in enumerate(shown) if i not in out]), learning)
            for i, ranked in zip(held, [taught.scores(dev[i].text) for i in held], strict=True):
                picks[i] = pick([ranked])[0]
        results.append(figures(dev, picks))
    return Figures(len(dev), *(float(np.mean([getattr(r, f) for r in results]))
                               for f in ("precision", "recall", "wrong_shown", "coverage")))


def judged(f: Figures) -> float:
    return f.precision + f.recall - 2 * f.wrong_shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--top", type=int, default=12, help="settings printed (0: all)")
    args = parser.parse_args(argv)

    offers, needs = load(args.data)
    dev = [n for n in needs if n.split == "dev"]
    base = Matcher(Segmenter().cut, offers)
    shown = pick([base.scores(n.text) for n in dev])  # what the untaught bot shows, so what can be answered
    splits = [folds_of(len(dev), args.folds, seed) for seed in range(args.repeats)]
    none = Learning(0.0, 0.0, 0.0, 0.0, 0.0)
    settings = [none, LEARNING] + [Learning(rate, rate, good, bad, floor) for rate, good, bad, floor in
                                   itertools.product(RATES, GOOD, BAD, FLOORS) if rate or good or bad]
    print(f"{len(dev)} dev needs, {args.folds} folds x {args.repeats} repeats; {len(settings)} settings; "
          f"{sum(map(len, shown))} pairs shown in all (answered when their need is in the taught folds)")
    scored = []
    for learning in dict.fromkeys(settings):
        f = cross_validated(base, dev, shown, learning, splits)
        scored.append((judged(f), learning, f))
    scored.sort(key=lambda s: (-round(s[0], 6), s[1].toward + s[1].good + s[1].bad))  # ties: the weakest first
    for name, learning in (("no learning", none), ("current LEARNING", LEARNING)):
        j, _, f = next(s for s in scored if s[1] == learning)
        print(f.line(name) + f"  J {j:.3f}")
    for j, learning, f in scored[:args.top] if args.top > 0 else scored:
        print(f.line("") + f"  J {j:.3f}  {learning}")
    print("J by floor (the nearness below which a handshake moves nothing), over the other settings:")
    for floor in FLOORS:
        js = [j for j, learning, _ in scored if learning.floor == floor and (learning.good or learning.bad)]
        worst = min(scored, key=lambda s: (s[1].floor != floor or not (s[1].good or s[1].bad), s[0]))
        print(f"  floor {floor:.1f}: J {min(js):.3f}-{max(js):.3f} over {len(js)} settings; worst wrong-shown "
              f"{worst[2].wrong_shown:.3f} ({worst[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
