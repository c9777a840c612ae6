"""How well the intent reader reads group lines it was not trained on: per-intent precision and recall.

    python bench/intent_eval.py [--folds 5]

Two measurements on the labelled lines shipped in nlp/data/intents.csv (two writers, in two voices: ``a``
formal officials and established firms, ``b`` founders and staff on their phones):
- cross-voice: trained on one writer's lines, read the other's (the hardest test of what it learned);
- k-fold: stratified folds over all lines, each read by a reader trained on the other folds.
Target (issue 12): the promise intent at precision >= 0.95 with recall >= 0.90 (k-fold).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sklearn.model_selection import StratifiedKFold  # noqa: E402

from bot.domain.intents import Intent  # noqa: E402
from nlp.intent import IntentReader, shipped_lines, training_set  # noqa: E402
from nlp.segment import Segmenter  # noqa: E402


def table(pairs: list[tuple[Intent, Intent]]) -> tuple[list[str], float]:
    """Lines of a per-intent table from (truth, read) pairs, and the accuracy."""
    lines = [f"{'intent':<10}{'n':>5}{'precision':>11}{'recall':>8}{'f1':>7}"]
    for intent in Intent:
        n = sum(t is intent for t, _ in pairs)
        read = sum(r is intent for _, r in pairs)
        hit = sum(t is intent and r is intent for t, r in pairs)
        p = hit / read if read else 0.0
        r = hit / n if n else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        lines.append(f"{intent.value:<10}{n:>5}{p:>11.3f}{r:>8.3f}{f:>7.3f}")
    accuracy = sum(t is r for t, r in pairs) / len(pairs)
    return lines, accuracy


def confusions(pairs: list[tuple[Intent, Intent]], top: int = 8) -> str:
    wrong = Counter((t.value, r.value) for t, r in pairs if t is not r)
    return ", ".join(f"{t}→{r} {n}" for (t, r), n in wrong.most_common(top))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    cut = Segmenter().cut
    texts, roles, intents = shipped_lines()
    print(f"{len(texts)} labelled lines: " + ", ".join(f"{k.value} {n}" for k, n in Counter(intents).most_common()))

    for train_voice, test_voice in (("a", "b"), ("b", "a")):
        train, test = shipped_lines(train_voice), shipped_lines(test_voice)
        if not train[0] or not test[0]:
            continue
        reader = IntentReader(cut).fit(*training_set(train))
        pairs = [(truth, reader.read(t, r)) for t, r, truth in zip(*test, strict=True)]
        lines, accuracy = table(pairs)
        print(f"\ncross-voice: trained on voice {train_voice} ({len(train[0])}), read voice {test_voice} "
              f"({len(test[0])}): accuracy {accuracy:.3f}")
        print("\n".join(lines))
        print("most confused:", confusions(pairs))

    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=12)
    pairs = []
    for train_rows, test_rows in folds.split(texts, [i.value for i in intents]):
        reader = IntentReader(cut).fit(*training_set(([texts[i] for i in train_rows], [roles[i] for i in train_rows],
                                                       [intents[i] for i in train_rows])))
        pairs += [(intents[i], reader.read(texts[i], roles[i])) for i in test_rows]
    lines, accuracy = table(pairs)
    print(f"\n{args.folds}-fold over all {len(texts)} lines: accuracy {accuracy:.3f}")
    print("\n".join(lines))
    print("most confused:", confusions(pairs))
    promise = [(t, r) for t, r in pairs if Intent.PROMISE in (t, r)]
    hit = sum(t is r for t, r in promise)
    precision = hit / max(1, sum(r is Intent.PROMISE for _, r in pairs))
    recall = hit / max(1, sum(t is Intent.PROMISE for t, _ in pairs))
    verdict = "meets" if precision >= 0.95 and recall >= 0.90 else "MISSES"
    print(f"promise: precision {precision:.3f} recall {recall:.3f} — {verdict} the target (P >= 0.95 at R >= 0.90)")


if __name__ == "__main__":
    main()
