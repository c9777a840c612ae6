"""How well ``nlp.matching`` matches needs to standing offers: the figures of issue 15, per split.

    python bench/match_eval.py [--data DIR] [--sweep] [--errors]

DIR (default bench/data) holds ``match_offers.json`` (a list of {"id", "party", "kind", "title", "text"}) and
``match_needs.csv`` (columns text,offers,split: ``offers`` the space-separated ids of every offer a domain reader
would accept for the need, empty when none fits; ``split`` dev or test). What the bot would show for a need is
``Matcher.match`` (at most three, above the threshold, close to the best).

- precision@1: of the needs shown any match, the share whose first is acceptable;
- recall@3: of the needs with at least one acceptable offer, the share shown an acceptable one;
- wrong-shown: of all needs, the share shown at least one match that is not acceptable;
- coverage: of all needs, the share shown any match.
Goals: precision@1 >= 0.85, recall@3 >= 0.90, wrong-shown <= 0.10. Thresholds and weights are tuned on split=dev
only (``--sweep``, ``--errors`` look at dev, never at test); test is measured as it comes.

Speed: matching every need of the set (the matcher's score, selection and reasons) against bare jieba cuts of the
same texts, in the same process: a ratio, not a wall-clock figure, so a busy machine does not move it.

Learning check: the dev labels fed as handshakes (good for each acceptable pair, bad for each pair shown that is
not acceptable), then test measured again.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from nlp.matching import CLOSE, FEATURES, SHOW, Matcher, OfferText, shown  # noqa: E402
from nlp.segment import Segmenter  # noqa: E402

DATA = Path(__file__).parent / "data"


class Need(NamedTuple):
    text: str
    good: frozenset[str]
    split: str


class Figures(NamedTuple):
    needs: int
    precision: float
    recall: float
    wrong_shown: float
    coverage: float

    def line(self, name: str) -> str:
        return (f"{name:<14} {self.needs:>4} needs: precision@1 {self.precision:.3f}  recall@3 {self.recall:.3f}  "
                f"wrong-shown {self.wrong_shown:.3f}  coverage {self.coverage:.3f}")


def load(data: Path) -> tuple[list[OfferText], list[Need]]:
    raw = json.loads((data / "match_offers.json").read_text(encoding="utf-8"))
    offers = [OfferText(str(o["id"]), o["party"], o["kind"], o["title"], o["text"], o.get("place", "")) for o in raw]
    with (data / "match_needs.csv").open(encoding="utf-8", newline="") as handle:
        needs = [Need(r["text"], frozenset((r["offers"] or "").split()), r["split"].strip())
                 for r in csv.DictReader(handle)]
    known = {o.id for o in offers}
    unknown = sorted({oid for n in needs for oid in n.good} - known)
    if unknown:
        print(f"warning: labels name offers not in match_offers.json: {', '.join(unknown)}", file=sys.stderr)
    return offers, needs


def figures(needs: list[Need], picks: list[list[str]]) -> Figures:
    shown_any = [(n, p) for n, p in zip(needs, picks, strict=True) if p]
    due = [(n, p) for n, p in zip(needs, picks, strict=True) if n.good]
    first_right = sum(p[0] in n.good for n, p in shown_any)
    found = sum(bool(set(p) & n.good) for n, p in due)
    wrong = sum(any(x not in n.good for x in p) for n, p in shown_any)
    count = len(needs) or 1
    return Figures(len(needs), first_right / len(shown_any) if shown_any else 1.0, found / len(due) if due else 1.0,
                   wrong / count, len(shown_any) / count)


def all_scores(matcher: Matcher, needs: list[Need]) -> list[list[tuple[OfferText, float]]]:
    return [matcher.scores(n.text) for n in needs]


def pick(scored: list[list[tuple[OfferText, float]]], show: float = SHOW, close: float = CLOSE) -> list[list[str]]:
    return [[str(o.id) for o, _ in shown(s, show=show, close=close)] for s in scored]


def speed(matcher: Matcher, cut: object, texts: list[str]) -> str:
    assert callable(cut)
    rounds = 3
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            cut(text)
    bare = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            matcher.match(text)
    matching = time.perf_counter() - started
    per_need = matching / rounds / len(texts) * 1000
    return (f"speed: matching a need against {len(matcher.offers)} offers costs {matching / bare:.0f}x a bare jieba "
            f"cut of it ({per_need:.2f} ms a need here, {len(texts)} needs x {rounds} rounds)")


def feedback_of(needs: list[Need], picks: list[list[str]]) -> list[tuple[str, str, bool]]:
    """Dev labels as handshakes: good for every acceptable pair, bad for every pair shown that is not acceptable."""
    taught = [(n.text, oid, True) for n in needs for oid in sorted(n.good)]
    taught += [(n.text, oid, False) for n, p in zip(needs, picks, strict=True) for oid in p if oid not in n.good]
    return taught


def print_errors(needs: list[Need], scored: list[list[tuple[OfferText, float]]], picks: list[list[str]]) -> None:
    for need, ranked, picked in zip(needs, scored, picks, strict=True):
        wrong = [x for x in picked if x not in need.good]
        missed = need.good and not set(picked) & need.good
        if not wrong and not missed:
            continue
        top = "  ".join(f"{o.id}:{s:.2f}{'*' if str(o.id) in need.good else ''}" for o, s in ranked[:4])
        print(f"  {'WRONG ' if wrong else 'MISSED'} {need.text}\n         gold {' '.join(sorted(need.good)) or '-'}"
              f" | shown {' '.join(picked) or '-'} | top {top}")


def fit_weights(matcher: Matcher, needs: list[Need]) -> None:
    """A logistic regression over every (dev need, offer) pair: acceptable or not."""
    from sklearn.linear_model import LogisticRegression

    rows = [matcher.feature_rows(n.text) for n in needs]
    x = np.vstack(rows)
    y = np.array([str(o.id) in n.good for n in needs for o in matcher.offers])
    model = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
    for name, weight in zip(FEATURES, model.coef_[0], strict=True):
        print(f"  {weight:+.2f}  {name}")
    print(f"COEF = np.array([{', '.join(f'{w:.2f}' for w in model.coef_[0])}])\nINTERCEPT = {model.intercept_[0]:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="folder with match_offers.json and match_needs.csv")
    parser.add_argument("--sweep", action="store_true", help="dev figures at several thresholds (dev only)")
    parser.add_argument("--dev-only", action="store_true", help="measure dev only (while tuning)")
    parser.add_argument("--fit", action="store_true",
                        help="fit the feature weights (nlp.matching.COEF) on dev's pairs and print them (dev only)")
    parser.add_argument("--errors", action="store_true", help="print dev's wrong and missed needs (never test's)")
    args = parser.parse_args(argv)

    offers, needs = load(args.data)
    segmenter = Segmenter()
    started = time.perf_counter()
    matcher = Matcher(segmenter.cut, offers)
    print(f"{len(offers)} offers, {len(needs)} needs; matcher fitted in {time.perf_counter() - started:.2f} s; "
          f"show at {SHOW:.2f}, others at {CLOSE:.2f} of the first")
    splits = {name: [n for n in needs if n.split == name] for name in ("dev",) + (() if args.dev_only else ("test",))}
    if args.fit:
        fit_weights(matcher, splits["dev"])
    scored = {name: all_scores(matcher, part) for name, part in splits.items()}
    picks = {name: pick(scored[name]) for name in splits}
    for name, part in splits.items():
        print(figures(part, picks[name]).line(name))
    if args.sweep:
        for show in [x / 100 for x in range(6, 52, 2)]:
            for close in (0.5, 0.7, 0.8, 0.9, 1.0):
                print("  " + figures(splits["dev"], pick(scored["dev"], show, close)).line(
                    f"show {show:.2f} close {close:.2f}").replace("    ", " "))
    if args.errors:
        print_errors(splits["dev"], scored["dev"], picks["dev"])
    print(speed(matcher, segmenter.cut, [n.text for n in needs]))
    if args.dev_only:
        return 0
    learned = Matcher(segmenter.cut, offers, feedback_of(splits["dev"], picks["dev"]))
    print("learning check (dev labels fed as handshakes, then test again):")
    print(figures(splits["test"], [[str(h.id) for h in learned.match(n.text)] for n in splits["test"]])
          .line("test, learned"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
