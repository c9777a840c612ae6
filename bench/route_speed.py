"""Routing speed, start-up, memory and refit delay — each printed next to a baseline from this run.

    python bench/route_speed.py [--data ../shared/data/teddy2020]

Messages: the shipped domain needs and chat lines, plus Teddy titles when the shared data is there
(read only; nothing is copied). Targets (issue "Routing that is measured"): route() throughput
>= 0.8 x bare jieba.lcut on the same messages; start-up < 3 s; RSS < 250 MB; a refit on 6,000
examples delays no event-loop tick by more than 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEDDY_TO_PARTY = {"城乡建设": "housing", "环境保护": "eco", "交通运输": "transport", "教育文体": "edu",
                  "劳动和社会保障": "hrss", "商贸旅游": "commerce", "卫生计生": "health"}


MEMORY_PROBE = """
import csv, io, resource
from importlib import resources
import numpy, scipy.sparse, sklearn.svm, sklearn.linear_model, sklearn.feature_extraction.text, rjieba
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
from bot.domain.directory import load_directory
from bot.services.learning import fit_router
router = fit_router(load_directory(), None, [])
data = resources.files("nlp").joinpath("data")
for row in csv.DictReader(io.StringIO(data.joinpath("domain_needs.csv").read_text("utf-8"))):
    router.route(row["text"])
print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def shipped_messages() -> list[str]:
    data = resources.files("nlp").joinpath("data")
    texts = []
    for name in ("domain_needs.csv", "chat.csv"):
        texts += [r["text"] for r in csv.DictReader(io.StringIO(data.joinpath(name).read_text("utf-8")))]
    return texts


def teddy(path: Path, name: str) -> list[tuple[str, str]]:
    file = path / name
    if not file.exists():
        return []
    with open(file, encoding="utf-8") as handle:
        return [(r["text"], r["label"]) for r in csv.DictReader(handle)]


def paired_rates(baseline, candidate, messages: list[str], rounds: int = 15) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """(baseline msg/s, candidate msg/s, median ratio): each round times both back to back in CPU
    time, so a slow moment of this shared machine hits both sides of the ratio alike."""
    def seconds(fn) -> float:  # type: ignore[no-untyped-def]
        started = time.process_time()
        for message in messages:
            fn(message)
        return time.process_time() - started

    pairs = [(seconds(baseline), seconds(candidate)) for _ in range(rounds)]
    ratios = sorted(b / c for b, c in pairs)
    return len(messages) / min(b for b, _ in pairs), len(messages) / min(c for _, c in pairs), ratios[len(ratios) // 2]


def startup_seconds(code: str) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        runs.append(time.perf_counter() - started)
    return min(runs)


async def worst_tick_lag(during: asyncio.Future | None, seconds: float = 0.0) -> float:
    """Largest lateness of a 10 ms ticker while `during` runs (or for `seconds`)."""
    worst, interval = 0.0, 0.01
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (during is not None and not during.done()) or (during is None and loop.time() < deadline):
        expected = loop.time() + interval
        await asyncio.sleep(interval)
        worst = max(worst, loop.time() - expected)
    return worst


async def refit_lag(examples: list[tuple[str, str]]) -> tuple[float, float, float]:
    from bot.app import tune_gc
    from bot.domain.directory import load_directory
    from bot.services.learning import fit_router
    from nlp.router import Router

    parties = load_directory()
    base = Router(parties)
    tune_gc()  # as the bot does after start-up
    idle = await worst_tick_lag(None, seconds=2.0)
    started = time.perf_counter()
    refit = asyncio.ensure_future(asyncio.to_thread(fit_router, parties, base.segmenter, examples))  # as the bot does
    lag = await worst_tick_lag(refit)
    await refit
    return idle, lag, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "teddy2020"))
    args = parser.parse_args()
    data = Path(args.data)

    messages = shipped_messages() + [t for t, _ in teddy(data, "titles_test.csv")]
    print(f"messages: {len(messages)} (shipped domain needs + chat, Teddy test titles if present)")

    bare_start = startup_seconds("import jieba, logging; jieba.setLogLevel(60); jieba.initialize()")
    # as the bot builds it at start: bot.services.learning.fit_router (BLAS held to one thread)
    ours_start = startup_seconds("from bot.domain.directory import load_directory; "
                                 "from bot.services.learning import fit_router; fit_router(load_directory(), None, [])")
    print(f"start-up: router {ours_start:.2f} s, bare jieba.initialize {bare_start:.2f} s, "
          f"ratio {ours_start / bare_start:.2f} (target < 3 s)")

    # Memory as the bot pays it: a process that loads what the bot loads (no Python jieba).
    probe = subprocess.run([sys.executable, "-c", MEMORY_PROBE], cwd=ROOT, check=True, capture_output=True,
                           text=True).stdout.split()
    libraries, loaded = float(probe[0]), float(probe[1])
    print(f"memory: max RSS {loaded:.0f} MB with the router loaded and used, {libraries:.0f} MB after importing "
          f"its libraries, ratio {loaded / libraries:.2f} (target < 250 MB)")

    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    from bot.app import tune_gc
    from bot.domain.directory import load_directory
    from nlp.router import Router

    router = Router(load_directory())
    tune_gc()  # as the bot does after start-up
    jieba_rate, route_rate, ratio = paired_rates(jieba.lcut, router.route, messages)
    print(f"throughput: route() {route_rate:,.0f} msg/s, bare jieba.lcut {jieba_rate:,.0f} msg/s (best rounds), "
          f"ratio of best rounds {route_rate / jieba_rate:.2f}, median paired ratio {ratio:.2f} (target >= 0.80)")

    train = teddy(data, "titles_train.csv")
    if train:
        examples = [(t, TEDDY_TO_PARTY[label]) for t, label in train[:6000]]
        idle, lag, took = asyncio.run(refit_lag(examples))
        print(f"refit on {len(examples)} examples: {took:.1f} s in a worker thread; worst event-loop delay "
              f"{lag * 1000:.0f} ms, {idle * 1000:.1f} ms with no refit (target <= 50 ms)")
    else:
        print("refit: skipped (no Teddy data to make 6,000 examples from)")


if __name__ == "__main__":
    main()
