"""End-to-end load: needs from many people in several groups, through the local Bot API server, to the
real bot (`python -m bot`, a subprocess as in production) — next to a minimal echo bot (bench/echo_bot.py)
run against the same kind of server in the same run.

    python bench/e2e_load.py [--needs 300] [--groups 6] [--people 60] [--rate 50] [--skip-limits]

Prints, each against the echo bot measured here and now:
  * throughput: a burst of N needs, time from the first update to the last reply (limits off);
  * latency: N needs at --rate per second, p50/p99 from an update's arrival at the server to the bot's
    reply to it (limits off);
  * with Telegram's limits enforced by the server (30 messages/s, 20 per minute per group, 429 beyond):
    how long until every need is registered, until every card is out, how many messages, and 429s.
Targets (issue "Nothing lost, nobody let in"): throughput >= 0.5 x echo; p99 < 100 ms at 50 needs/s with
limits off; with limits on, zero 429s and every need registered.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.sandbox.localapi import LocalBotApi, reply_target  # noqa: E402

TOKEN = "123456789:BENCH-token_for_the_local_bot_api_server"
ADMIN = {"id": 1001, "first_name": "发改委", "last_name": "张处"}
TOPICS = ["自动驾驶测试路段", "三甲医院脱敏影像数据", "乡村振兴试点村", "港口5G专网场景", "工业互联网平台试点",
          "智慧社区养老场景", "充电站建设用地", "人工智能算力券", "首台套保险补贴", "孵化器办公场地",
          "海洋观测数据共享", "氢能公交示范线路"]
FORMS = ["我们公司需要{t}，希望相关部门支持", "想申请{t}，请问找哪个部门对接", "企业急需{t}，希望尽快协调",
         "我们团队计划开展{t}相关项目，需要政府帮助对接", "请求协调{t}，用于第{i}期示范应用"]


def need_text(i: int) -> str:
    pick = random.Random(i * 7919)
    return pick.choice(FORMS).format(t=pick.choice(TOPICS), i=i) + f"（第{i}号）"


def groups(count: int) -> list[int]:
    return [-1002000000000 - k for k in range(count)]


class Run:
    """One bot process against its own local server and database."""

    def __init__(self, kind: str, limits: bool, workdir: Path) -> None:
        self.kind, self.limits, self.workdir = kind, limits, workdir
        self.api = LocalBotApi(TOKEN)
        self.db = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=workdir)) / "bot.sqlite3"  # a new database each run
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Run:
        print(f"  … {self.kind}, limits {'on' if self.limits else 'off'}", file=sys.stderr, flush=True)
        await self.api.start()
        if self.limits:
            self.api.limits = ((30, 1.0), (20, 60.0))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN", "DATABASE_", "WEBHOOK"))}
        env.update(BOT_TOKEN=TOKEN, BOT_API_URL=self.api.base_url, DATABASE_PATH=str(self.db),
                   ADMIN_IDS=str(ADMIN["id"]), LOG_LEVEL="WARNING", NO_PROXY="127.0.0.1,localhost",
                   FLOOD_LIMITS="true" if self.limits else "false")
        command = ["-m", "bot"] if self.kind == "bot" else [str(ROOT / "bench" / "echo_bot.py")]
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, *command, env=env, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL)
        await self.api.wait_for(lambda c: c.method == "deleteWebhook", timeout=180)  # polling begins
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            async with self.api._changed:  # noqa: SLF001 - wake the long poll
                self.api._changed.notify_all()  # noqa: SLF001
            try:
                await asyncio.wait_for(self.process.wait(), 60)
            except TimeoutError:
                self.process.kill()
        await self.api.stop()

    async def serve(self, chats: list[int]) -> None:
        if self.kind != "bot":
            return
        for chat in chats:
            await self.api.member_change(chat, ADMIN, "left", "member")
        welcomed: set[int] = set()
        deadline = time.monotonic() + 60
        while welcomed != set(chats):  # each group's welcome: it is served
            if time.monotonic() > deadline:
                raise RuntimeError("the bot did not start serving the groups")
            await asyncio.sleep(0.05)
            welcomed = {int(c.params.get("chat_id", 0)) for c in self.api.calls if c.method == "sendMessage"}

    async def push(self, n: int, chats: list[int], people: int, rate: float | None) -> dict[tuple[int, int], float]:
        pushed: dict[tuple[int, int], float] = {}
        start = time.monotonic()
        for i in range(n):
            chat = chats[i % len(chats)]
            user = {"id": 50_000 + i % people, "first_name": f"企业{i % people}"}
            message = await self.api.send_text(chat, user, need_text(i))
            pushed[(chat, message["message_id"])] = time.monotonic()
            if rate:
                delay = start + (i + 1) / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
        return pushed

    def replies(self, pushed: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
        found: dict[tuple[int, int], float] = {}
        for call in self.api.calls:
            if call.method == "sendMessage" and call.status == 200:
                key = (int(call.params.get("chat_id", 0)), reply_target(call.params) or 0)
                if key in pushed and key not in found:
                    found[key] = call.at
        return found

    async def wait_replies(self, pushed: dict[tuple[int, int], float], timeout: float) -> dict[tuple[int, int], float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.replies(pushed)
            if len(found) == len(pushed):
                return found
            await asyncio.sleep(0.05)
        return self.replies(pushed)

    def count(self, sql: str) -> int:
        if not self.db.exists():
            return 0
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10) as conn:
            return int(conn.execute(sql).fetchone()[0])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def burst(kind: str, args: argparse.Namespace, workdir: Path) -> float:
    async with Run(kind, False, workdir) as run:
        chats = groups(args.groups)
        await run.serve(chats)
        pushed = await run.push(args.needs, chats, args.people, None)
        found = await run.wait_replies(pushed, timeout=300)
        if len(found) < len(pushed):
            print(f"  {kind}: only {len(found)}/{len(pushed)} replies", file=sys.stderr)
        return len(found) / (max(found.values()) - min(pushed.values()))


async def paced(kind: str, args: argparse.Namespace, workdir: Path) -> list[float]:
    async with Run(kind, False, workdir) as run:
        chats = groups(args.groups)
        await run.serve(chats)
        pushed = await run.push(args.needs, chats, args.people, args.rate)
        found = await run.wait_replies(pushed, timeout=120)
        return [(found[k] - pushed[k]) * 1000 for k in found]


async def limited(args: argparse.Namespace, workdir: Path) -> str:
    async with Run("bot", True, workdir) as run:
        chats = groups(args.groups)
        await run.serve(chats)
        mark = len(run.api.calls)
        start = time.monotonic()
        await run.push(args.needs, chats, args.people, args.rate)
        registered_at = announced_at = None
        deadline = start + 600
        while time.monotonic() < deadline:
            if registered_at is None and run.count("SELECT COUNT(*) FROM needs") >= args.needs:
                registered_at = time.monotonic() - start
            if run.count("SELECT COUNT(*) FROM needs WHERE bot_message_id IS NOT NULL") >= args.needs:
                announced_at = time.monotonic() - start
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        sent = [c for c in run.api.calls[mark:] if c.method == "sendMessage" and c.status == 200]
        combined = [c for c in sent if "合并发送" in str(c.params.get("text", ""))]
        registered = run.count("SELECT COUNT(*) FROM needs")
        return (f"limits on ({args.needs} needs at {args.rate:g}/s in {args.groups} groups; the server enforces "
                f"30/s and 20/min per group): registered {registered}/{args.needs}"
                + (f" in {registered_at:.1f} s" if registered_at is not None else "")
                + (f", every card out after {announced_at:.1f} s" if announced_at is not None
                   else ", cards NOT all out")
                + f" in {len(sent)} messages ({len(combined)} combined), 429 errors: {run.api.too_many}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", type=int, default=300)
    parser.add_argument("--groups", type=int, default=6)
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--rate", type=float, default=50.0, help="needs per second in the paced runs")
    parser.add_argument("--skip-limits", action="store_true", help="leave out the run under Telegram's limits")
    parser.add_argument("--rounds", type=int, default=3,
                        help="burst rounds, echo and bot alternating; the ratio is the median of the rounds' ratios "
                             "(one round on this shared 2-core machine moves by +-0.1)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="e2e-load-") as tmp:
        workdir = Path(tmp)
        rounds = []
        for _ in range(max(1, args.rounds)):
            echo_rate = await burst("echo", args, workdir)
            bot_rate = await burst("bot", args, workdir)
            rounds.append((bot_rate, echo_rate, bot_rate / echo_rate))
        each = ", ".join(f"{b:.0f}/{e:.0f} = {r:.2f}" for b, e, r in rounds)
        print(f"throughput (burst of {args.needs}, limits off, bot needs/s / echo msg/s): {each}; median ratio "
              f"{statistics.median(r for _, _, r in rounds):.2f} (target >= 0.5)")
        echo_ms = await paced("echo", args, workdir)
        bot_ms = await paced("bot", args, workdir)
        print(f"latency at {args.rate:g}/s ({args.needs} needs, limits off): bot p50 "
              f"{statistics.median(bot_ms):.1f} ms p99 {percentile(bot_ms, 0.99):.1f} ms ({len(bot_ms)} replies); "
              f"echo p50 {statistics.median(echo_ms):.1f} ms p99 {percentile(echo_ms, 0.99):.1f} ms "
              f"(target: bot p99 < 100 ms)")
        if not args.skip_limits:
            print(await limited(args, workdir))


if __name__ == "__main__":
    asyncio.run(main())
