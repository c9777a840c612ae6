"""Trips to SQLite's thread per need: the real Application handles needs posted in several groups (through
``process_update``, replies going to the local Bot API server), and every hop from the event loop to
aiosqlite's worker thread is counted. Each hop costs a thread switch and a wake-up of the event loop; under
load they were most of the bot's time per need.

    python bench/sqlite_trips.py [--needs 120] [--groups 6] [--people 60]

Prints trips per need, split by where they happen (journal, the need's unit of work, the card's message id),
and, as a ratio, against the trips of one plain INSERT-and-COMMIT per need measured in the same process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("PTB_TIMEDELTA", "1")

import aiosqlite  # noqa: E402
from telegram import Update  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.sandbox.localapi import LocalBotApi  # noqa: E402
from bot.settings import Settings  # noqa: E402

TOKEN = "123456789:BENCH-token_for_the_local_bot_api_server"
ADMIN = {"id": 1001, "first_name": "发改委", "last_name": "张处"}
TEXTS = ["我们公司需要开放自动驾驶测试路段，希望交通局支持", "希望对接三甲医院的脱敏影像数据做AI辅助诊断",
         "想申请乡村振兴试点村开展智慧农业示范", "企业急需天使轮融资，希望对接场景基金"]

trips: Counter[str] = Counter()
phase = ["setup"]
_real_execute = aiosqlite.Connection._execute  # noqa: SLF001


async def _counting_execute(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    trips[phase[0]] += 1
    return await _real_execute(self, fn, *args, **kwargs)


async def baseline(needs: int, folder: Path) -> float:
    """Trips per need of the least a durable insert takes: BEGIN, INSERT, COMMIT."""
    trips.clear()
    phase[0] = "baseline"
    async with aiosqlite.connect(folder / "baseline.sqlite3", isolation_level=None) as conn:
        await conn.execute("CREATE TABLE t (x TEXT)")
        trips.clear()
        for i in range(needs):
            await conn.execute("BEGIN IMMEDIATE")
            await conn.execute("INSERT INTO t VALUES (?)", (str(i),))
            await conn.execute("COMMIT")
    return trips["baseline"] / needs


async def measure(needs: int, groups: int, people: int, folder: Path) -> dict[str, float]:
    api = LocalBotApi(TOKEN)
    await api.start()
    settings = Settings(bot_token=TOKEN, bot_api_url=api.base_url, database_path=folder / "bot.sqlite3",
                        admin_ids=frozenset({ADMIN["id"]}), timezone=ZoneInfo("Asia/Shanghai"), log_level="WARNING",
                        flood_limits=False)
    app = build_application(settings)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    services = app.bot_data.services
    chats = [-1002000000000 - k for k in range(groups)]
    try:
        for chat in chats:  # an admin adds the bot to each group: served
            await api.member_change(chat, ADMIN, "left", "member")
            await app.process_update(Update.de_json(api.updates[-1], app.bot))
        await services.courier.idle(timeout=30)
        trips.clear()
        queue = app.update_queue
        for i in range(needs):
            person = i % people  # people post again, as in bench/e2e_load.py
            message = api.new_message(chats[i % groups], {"id": 50_000 + person, "first_name": f"企业{person}"},
                                      TEXTS[i % len(TEXTS)] + f"（第{i}号）")
            update = Update.de_json({"update_id": 10_000 + i, "message": message}, app.bot)
            phase[0] = "journal"
            await queue.put(update)  # the write-ahead journal, as polling does
            await queue.get()
            phase[0] = "handling"
            await app.process_update(update)
            phase[0] = "card"
            await services.courier.idle(timeout=30)
    finally:
        await app.post_shutdown(app)  # type: ignore[misc]
        await app.shutdown()
        await api.stop()
    return {name: count / needs for name, count in trips.items()}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", type=int, default=120)
    parser.add_argument("--groups", type=int, default=6)
    parser.add_argument("--people", type=int, default=60)
    args = parser.parse_args()
    aiosqlite.Connection._execute = _counting_execute  # type: ignore[method-assign]  # noqa: SLF001
    with tempfile.TemporaryDirectory() as folder:
        floor = await baseline(args.needs, Path(folder))
        per_need = await measure(args.needs, args.groups, args.people, Path(folder))
    total = sum(per_need.values())
    parts = ", ".join(f"{name} {value:.1f}" for name, value in per_need.items())
    print(f"SQLite trips per need: {total:.1f} ({parts}); a bare BEGIN/INSERT/COMMIT: {floor:.1f}; "
          f"ratio {total / floor:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
