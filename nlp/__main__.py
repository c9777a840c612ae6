"""`python -m nlp route [--directory PATH]`: one message per line on stdin, one JSON per line out.
`python -m nlp similar`: one need per line on stdin; per line, the earlier line it duplicates (nlp.similar).
`python -m nlp match --offers FILE.json`: one need per line on stdin; per line, the offers it matches (nlp.match_io)."""

from __future__ import annotations

import argparse
import gc
import io
import json
import sys
from typing import TextIO, cast

from threadpoolctl import threadpool_limits

from bot.domain.directory import load_directory
from nlp.router import Router

CHUNK = 1 << 16  # bytes read at most at once: about 2,000 short messages routed as one batch


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except (ValueError, OSError) as exc:  # a bad file: one clear line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp", description="对接群助手 text tools")
    commands = parser.add_subparsers(dest="command", required=True)
    route = commands.add_parser("route", help="route messages read from stdin, one per line")
    route.add_argument("--directory", help="directory JSON file (default: the shipped one)")
    route.add_argument("--examples", help="CSV with columns text,label (party id): route as the bot would after "
                                          "learning these examples")
    evaluate = commands.add_parser("evaluate", help="train on one labelled CSV, report on another")
    evaluate.add_argument("--train", required=True, help="CSV with columns text,label")
    evaluate.add_argument("--test", required=True, help="CSV with columns text,label")
    train = commands.add_parser("train", help="import historical routed needs (text,label = party id)")
    train.add_argument("--data", required=True, help="CSV with columns text,label")
    train.add_argument("--database", help="the bot's database (default: $DATABASE_PATH or data/matchbot.sqlite3)")
    commands.add_parser("intents", help="refit the intent reader on nlp/data and ship it (nlp/data/intent_model.npz)")
    commands.add_parser("similar", help="needs read from stdin, one per line: the earlier line each one duplicates")
    match = commands.add_parser("match", help="needs read from stdin, one per line: the offers each one matches")
    match.add_argument("--offers", required=True,
                       help='JSON file: a list of {"id", "party", "kind": scenario|capability|investment, "title", '
                            '"text"}')
    args = parser.parse_args(argv)

    if args.command == "match":
        from nlp.match_io import load_offers, match_stream
        from nlp.matching import Matcher
        from nlp.segment import Segmenter

        offers = load_offers(args.offers)  # a bad file fails before jieba loads
        match_stream(Matcher(Segmenter().cut, offers), sys.stdin, sys.stdout)
        return 0

    if args.command == "similar":
        from nlp.segment import Segmenter
        from nlp.similar import Similarity, similar_stream

        similar_stream(Similarity(Segmenter().cut), sys.stdin, sys.stdout)
        return 0

    if args.command == "intents":
        from pathlib import Path

        from nlp.intent import MODEL_FILE, fit_shipped

        path = Path(__file__).parent / "data" / MODEL_FILE
        fit_shipped(Router(load_directory()).segmenter.cut, path)
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
        return 0

    if args.command == "train":
        import asyncio
        import os

        from nlp.training import import_examples

        database = args.database or os.environ.get("DATABASE_PATH") or "data/matchbot.sqlite3"
        return asyncio.run(import_examples(args.data, database, sys.stdout))

    if args.command == "evaluate":
        from nlp.evaluate import evaluate as run_evaluation
        from nlp.segment import Segmenter

        run_evaluation(args.train, args.test, Segmenter().cut, sys.stdout)
        return 0

    if args.command == "route":
        parties = load_directory(args.directory)
        examples: list[tuple[str, str]] = []
        if args.examples:
            from collections import Counter

            from nlp.evaluate import read_labelled

            known = {p.id for p in parties}
            texts, labels = read_labelled(args.examples)
            examples = [(t, label) for t, label in zip(texts, labels, strict=True) if label in known]
            unknown = Counter(label for label in labels if label not in known)
            if unknown:
                listed = ", ".join(f"{label} ({n})" for label, n in unknown.most_common(10))
                print(f"skipped {sum(unknown.values())} examples whose label is not a party id: {listed}",
                      file=sys.stderr)
        with threadpool_limits(1):  # BLAS threads spinning on small products cost more than they give (2 cores)
            router = Router(parties, examples=examples)
            gc.freeze()  # what start-up built lives as long as the process (as the bot's tune_gc does)
            gc.set_threshold(20_000, 20, 20)
            route_stream(router, sys.stdin, sys.stdout)
    return 0


def route_stream(router: Router, source: TextIO, sink: TextIO) -> None:
    """One JSON line per non-blank input line. Whatever has arrived is read at once (``read1`` returns what is
    there without waiting for more), routed as one batch (``Router.route_many``), written in one piece and
    flushed: a file or a burst costs one write per chunk rather than per line, and a user or a co-process
    sending a single line gets its answer at once."""
    read = cast(io.BufferedIOBase, source.buffer).read1
    encoding, errors = source.encoding, source.errors or "strict"
    encode = json.JSONEncoder(ensure_ascii=False).encode  # made once; json.dumps would make one per line
    pending: list[bytes] = []  # the start of a line whose end has not arrived yet
    while True:
        chunk = read(CHUNK)
        end = chunk.rfind(b"\n") + 1  # in UTF-8 (and GBK) the byte of "\n" is never part of another character
        if chunk and not end:
            pending.append(chunk)
            continue
        lines = b"".join([*pending, chunk[:end]]).decode(encoding, errors).split("\n")  # at the end: the rest
        pending = [chunk[end:]]
        texts = [t for t in lines if t.strip()]
        if texts:
            sink.write("".join([encode(r.as_json()) + "\n" for r in router.route_many(texts)]))
            sink.flush()
        if not chunk:
            return


if __name__ == "__main__":
    sys.exit(main())
