"""How fast `python -m bot` reports a missing setting, against `python -c "import telegram.ext"` measured in
the same run (target: within 1.5x). The settings are read before python-telegram-bot, scikit-learn or jieba
load, so a misconfigured deployment hears about it at once.

    python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN",)}
    env["DATABASE_PATH"] = os.devnull  # never touched: the token is missing
    check = subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, env=env, capture_output=True, text=True)
    if check.returncode != 2 or "BOT_TOKEN" not in check.stderr:
        raise SystemExit(f"expected exit 2 naming BOT_TOKEN, got {check.returncode}: {check.stderr!r}")
    baseline = median_seconds([sys.executable, "-c", "import telegram.ext"], args.runs, env)
    bot = median_seconds([sys.executable, "-m", "bot"], args.runs, env)
    print(f"python -m bot without BOT_TOKEN: {bot * 1000:.0f} ms (exit 2, one line); import telegram.ext: "
          f"{baseline * 1000:.0f} ms; ratio {bot / baseline:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
