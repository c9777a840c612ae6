"""`python -m nlp route [--directory PATH]`: one message per line on stdin, one JSON per line out."""

from __future__ import annotations

import argparse
import json
import sys

from bot.domain.directory import load_directory
from nlp.router import Router


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
    args = parser.parse_args(argv)

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
        router = Router(parties, examples=examples)
        for line in sys.stdin:
            text = line.rstrip("\n")
            if not text.strip():
                continue
            print(json.dumps(router.route(text).as_json(), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
