"""How the matcher's cost grows with the number of offers and needs: issue 15's matcher at a city's scale.

    python bench/match_speed.py [--offers 300] [--needs 3000] [--rounds 3]

The labelled set (bench/data/match_offers.json, match_needs.csv) is too small to show scaling, so offers and needs
are made by recombining its texts (fixed seed): an offer is one offer's title and kind with clauses of its own text
and of another offer's of the same kind; a need is two or three clauses of different needs. Their words are the
set's words, so the matcher has as much to compare per pair as on real text.

Every figure is a ratio against a bare jieba cut of the same texts measured in the same process (the per-need and
per-call times in milliseconds are printed too, but a busy 2-core machine moves those, not the ratios much):
- fit: building a Matcher on the offers (it also cuts the background needs it takes its IDF from);
- match: ``Matcher.match(need, limit=9)`` for each need, as the bot calls it for every new need;
- needs_for: ``Matcher.needs_for(offer, needs, limit=5)`` over all the needs, as the bot calls it when an offer is
  published (once per offer; a few offers timed).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.match_eval import DATA, load  # noqa: E402
from nlp.matching import Matcher, OfferText  # noqa: E402
from nlp.segment import Segmenter  # noqa: E402

_CLAUSES = re.compile(r"(?<=[，。；！？,;])")


def clauses(text: str) -> list[str]:
    return [c for c in _CLAUSES.split(text) if c.strip()] or [text]


def synthetic(offers: list[OfferText], needs: list[str], n_offers: int, n_needs: int,
              seed: int = 15) -> tuple[list[OfferText], list[str]]:
    """``n_offers`` offers and ``n_needs`` needs recombined from the labelled set's texts."""
    rng = random.Random(seed)
    made: list[OfferText] = []
    for i in range(n_offers):
        base = offers[i % len(offers)]
        other = rng.choice([o for o in offers if o.kind == base.kind])
        own, theirs = clauses(base.text), clauses(other.text)
        text = "".join(own[:max(1, len(own) // 2 + rng.randint(0, 1))] + theirs[len(theirs) // 2:])
        made.append(OfferText(f"s{i}", base.party, base.kind, base.title, text, base.place))
    pieces = [clauses(n) for n in needs]
    written = []
    for _ in range(n_needs):
        picked = rng.sample(pieces, rng.choice((2, 2, 3)))
        written.append("".join(rng.choice(p) for p in picked))
    return made, written


def timed(call: object, *args: object) -> float:
    assert callable(call)
    started = time.perf_counter()
    call(*args)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offers", type=int, default=300)
    parser.add_argument("--needs", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3, help="the match loop is timed this many times (the best)")
    args = parser.parse_args(argv)

    labelled_offers, labelled_needs = load(DATA)
    offers, needs = synthetic(labelled_offers, [n.text for n in labelled_needs], args.offers, args.needs)
    cut = Segmenter().cut
    for text in needs[:200]:  # warm up the tokenizer (and its caches) before anything is timed
        cut(text)

    def cut_all(texts: list[str]) -> None:
        for text in texts:
            cut(text)

    def match_all(matcher: Matcher, texts: list[str]) -> None:
        for text in texts:
            matcher.match(text, limit=9)

    bare_needs = min(timed(cut_all, needs) for _ in range(args.rounds))
    bare_offers = min(timed(cut_all, [o.words for o in offers]) for _ in range(args.rounds))
    started = time.perf_counter()
    matcher = Matcher(cut, offers)
    fit = time.perf_counter() - started
    print(f"{len(offers)} offers, {len(needs)} needs (recombined from the labelled set); a bare jieba cut: "
          f"{bare_needs / len(needs) * 1e3:.3f} ms a need")
    print(f"fit:       {fit:.2f} s = {fit / bare_offers:.0f}x a bare cut of the offers' texts")
    match = min(timed(match_all, matcher, needs) for _ in range(args.rounds))
    print(f"match:     {match / len(needs) * 1e3:.3f} ms a need against {len(offers)} offers = "
          f"{match / bare_needs:.1f}x a bare cut of the need")
    pairs = list(enumerate(needs))
    calls = [timed(matcher.needs_for, offer, pairs, 5) for offer in offers[:: max(1, len(offers) // 5)]]
    best = min(calls)
    print(f"needs_for: {best:.3f} s an offer over {len(needs)} needs (best of {len(calls)} offers; worst "
          f"{max(calls):.3f} s) = {best / bare_needs:.1f}x a bare cut of those needs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
