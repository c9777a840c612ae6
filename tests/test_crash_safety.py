"""The write-ahead journal: an update Telegram was told arrived is handled even if the bot dies."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import signal
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.sandbox.localapi import LocalBotApi
from nlp.router import Router
from tests.conftest import ADMIN, ENTERPRISE, GROUP, OTHER_GROUP, RunningBot, make_settings
from tests.test_restart_and_repeats import _bot_env, _run_bot, _stop

SUBJECTS = ["自动驾驶测试路段", "医院脱敏数据", "乡村振兴试点村", "5G智慧港口场景", "工业互联网平台试点",
            "智慧社区应用场景", "新能源汽车充电桩用地", "人工智能算力资源", "中小企业贷款贴息", "孵化器办公场地"]
ASKS = ["我们公司需要{s}，希望相关部门支持", "想申请{s}，请问找哪个部门对接", "企业急需{s}，希望尽快协调",
        "我们团队计划开展{s}相关项目，需要政府帮助对接", "请求协调{s}，用于第{i}期示范应用"]


def need_text(i: int) -> str:
    pick = random.Random(i)
    return pick.choice(ASKS).format(s=pick.choice(SUBJECTS), i=i) + f"（编号{i}）"


def enterprise(i: int) -> dict[str, object]:
    return {"id": 50_000 + i % 37, "first_name": f"企业{i % 37}"}


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        return conn.execute(sql).fetchall()


CARD = re.compile(r"已登记需求 (?:<b>)?#(\d+)")
TAIL = 20  # needs held back until the last kill (then all that are left come at once), so that every kill
# happens while needs are still coming in


async def test_sigkill_while_needs_stream_in_loses_nothing(api: LocalBotApi, tmp_path: Path) -> None:
    """300 needs from 37 people in two groups; the bot is SIGKILLed five times at random moments
    (during start-up, replay and handling) while they stream in, and restarted; every need is
    registered exactly once."""
    db = tmp_path / "bot.sqlite3"
    env = _bot_env(api, db)
    env.update(LOG_LEVEL="WARNING", FLOOD_LIMITS="false")  # 20 cards a minute would make this test minutes long
    root = Path(__file__).resolve().parents[1]
    process = await _run_bot(env, root)
    await api.wait_for(lambda c: c.method == "setMyCommands", timeout=60)
    for group in (GROUP, OTHER_GROUP):
        await api.member_change(group, ADMIN, "left", "member")
    sent: list[tuple[int, int]] = []
    kills_over = asyncio.Event()

    async def stream() -> None:
        for i in range(300):
            if i == 300 - TAIL:
                await kills_over.wait()
            group = GROUP if i % 3 else OTHER_GROUP
            message = await api.send_text(group, enterprise(i), need_text(i))
            sent.append((group, message["message_id"]))
            if not kills_over.is_set():
                await asyncio.sleep(0.06)  # the pace needs come in at while the bot is being killed

    announced: set[tuple[int, int]] = set()  # (chat, need number) of every card the bot sent
    scanned = 0

    def all_announced() -> bool:
        nonlocal scanned
        for call in api.calls[scanned:]:
            if call.method == "sendMessage" and call.status == 200:
                announced.update((int(call.params["chat_id"]), int(n)) for n in CARD.findall(str(call.params["text"])))
        scanned = len(api.calls)
        return len(sent) == 300 and not api.updates and len(announced) >= len(sent)

    pusher = asyncio.create_task(stream())
    pick = random.Random(20261127)
    kills: list[tuple[int | None, int]] = []  # (exit status, needs sent so far) at each kill
    try:
        for _ in range(5):
            await asyncio.sleep(pick.uniform(0.2, 2.5))  # a random moment of this run (not a wait for anything)
            process.kill()  # SIGKILL: no clean-up of any kind
            await process.wait()
            kills.append((process.returncode, len(sent)))
            mark = len(api.calls)
            process = await _run_bot(env, root)
            await api.wait_for(lambda c: c.method == "getMe", timeout=60, start=mark)
        kills_over.set()
        await pusher
        with contextlib.suppress(TimeoutError):  # the assertions below say what is missing
            await api.wait_until(all_announced, timeout=120)
    finally:
        pusher.cancel()
        logs = await _stop(process, api)
    assert process.returncode == 0, logs[-3000:]
    # Five real kills, each of a running bot (-9: ended by SIGKILL, not by itself), each while needs were
    # still coming in (fewer than 300 sent; the last TAIL wait for the last kill).
    assert [status for status, _ in kills] == [-signal.SIGKILL] * 5, kills
    assert all(0 < so_far < 300 for _, so_far in kills), kills
    assert len(announced) == 300
    registered = Counter((int(c), int(m)) for c, m in _rows(db, "SELECT chat_id, message_id FROM needs"))  # type: ignore[call-overload]
    assert len(sent) == 300
    missing = [key for key in sent if key not in registered]
    assert not missing, f"{len(missing)} needs lost, e.g. {missing[:5]}"
    assert set(registered) == set(sent) and max(registered.values()) == 1
    numbers = _rows(db, "SELECT chat_id, COUNT(*), COUNT(DISTINCT number), MAX(number) FROM needs GROUP BY chat_id")
    for _, count, distinct, highest in numbers:
        assert count == distinct == highest  # #1..#N per group, no gap, no repeat
    assert _rows(db, "SELECT COUNT(*) FROM update_journal") == [(0,)]
    # Every need was announced too: a card the killed run never sent went out after the restart.
    assert _rows(db, "SELECT COUNT(*) FROM needs WHERE bot_message_id IS NULL") == [(0,)]
    assert "Traceback" not in logs, logs[-8000:]


async def test_a_journalled_update_is_handled_at_start(api: LocalBotApi, tmp_path: Path, router: Router) -> None:
    """An update in the journal but not handled (the process died after acknowledging it) is handled
    before new ones; a journalled update that kept killing the bot is set aside after three tries."""
    settings = make_settings(api, tmp_path / "bot.sqlite3")
    first = RunningBot(api, settings, router, wire=True)
    await first.start()
    await api.member_change(GROUP, ADMIN, "left", "member")
    await first.settle()
    await first.stop()
    lost = {"update_id": 777001, "message": api.new_message(GROUP, ENTERPRISE, need_text(1))}
    poison = {"update_id": 777000, "message": api.new_message(GROUP, ENTERPRISE, need_text(2))}
    now = datetime.now(UTC).isoformat()
    with sqlite3.connect(settings.database_path) as conn:
        conn.execute("INSERT INTO update_journal (update_id, payload, received_at, attempts) VALUES (?, ?, ?, 0)",
                     (777001, json.dumps(lost), now))
        conn.execute("INSERT INTO update_journal (update_id, payload, received_at, attempts) VALUES (?, ?, ?, 3)",
                     (777000, json.dumps(poison), now))
    mark = len(api.calls)
    second = RunningBot(api, settings, wire=True)  # re-sent updates pass the journal: polling
    await second.start()
    try:
        cards = [c for c in api.calls[mark:] if "已登记需求" in str(c.params.get("text", ""))]
        assert len(cards) == 1 and "编号1" in cards[0].params["text"]
        # Telegram re-sends what it was never told arrived: handled once already, so not again.
        await api.push_raw(dict(lost))
        await api.push_raw(dict(poison))
        await second.settle()
        assert len([c for c in api.calls[mark:] if "已登记需求" in str(c.params.get("text", ""))]) == 1
    finally:
        await second.stop()
    assert not second.errors
    with sqlite3.connect(settings.database_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM update_journal").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM needs").fetchone() == (1,)
        assert conn.execute("SELECT COUNT(*) FROM processed_updates WHERE update_id IN (777000, 777001)"
                            ).fetchone() == (2,)


async def test_every_handled_update_leaves_the_journal(wire_served: RunningBot) -> None:
    """Polled updates are journalled before they are handled, and leave the journal once handled."""
    served = wire_served
    await served.say(ENTERPRISE, need_text(3))
    await served.say(ADMIN, "/needs")
    await served.say(ENTERPRISE, "大家好")
    db = served.app.bot_data.services.db  # type: ignore[union-attr]
    async with db.read() as conn:
        async with conn.execute("SELECT COUNT(*) FROM update_journal") as cur:
            assert (await cur.fetchone())[0] == 0
        async with conn.execute("SELECT COUNT(*) FROM processed_updates") as cur:
            assert (await cur.fetchone())[0] >= 4
