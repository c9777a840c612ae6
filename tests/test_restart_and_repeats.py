"""Nothing is lost across a restart; a repeated update is handled once; writes are atomic."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.sandbox.localapi import LocalBotApi
from nlp.router import Router
from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, TOKEN, RunningBot, make_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEED = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"


async def test_restart_keeps_needs_claims_and_commitments(api: LocalBotApi, tmp_path: Path, router: Router) -> None:
    settings = make_settings(api, tmp_path / "bot.sqlite3")
    first = RunningBot(api, settings, router, wire=True)
    await first.start()
    await api.member_change(GROUP, ADMIN, "left", "member")
    api.add_user(LIAISON)
    await first.say(ADMIN, f"/bind {LIAISON['id']} transport")
    await first.say(ENTERPRISE, NEED)
    card = first.card_of(1)
    need_id = int(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])
    await first.press(LIAISON, card["message_id"], f"claim:{need_id}")
    await first.say(LIAISON, "两周内开放测试路段", reply_to=card["message_id"],
                    date=datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI))
    await first.stop()
    assert not first.errors

    second = RunningBot(api, settings, wire=True)  # its router is fitted on the database, claims included
    await second.start()
    try:
        await second.say(ADMIN, "/status 1")
        status = second.last_text()
        for expected in ("需求 #1", "交通运输局", "认领", "2026-12-11", "作出承诺"):
            assert expected in status, expected
        # The card made before the restart still takes promises and button presses.
        await second.say(LIAISON, "/done 1")
        assert "已兑现" in second.last_text()
        await second.say(LIAISON, "下周五前提供路侧单元接口文档", reply_to=card["message_id"],
                         date=datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI))
        assert "已记录承诺 2" in second.last_text() and "2026-12-04" in second.last_text()
        await second.say(ENTERPRISE, "我们公司需要一块5G覆盖的测试场地，希望工信局支持")
        assert "#2" in second.last_text()
    finally:
        await second.stop()
    assert not second.errors


async def test_a_repeated_update_is_handled_once(served: RunningBot) -> None:
    """Telegram re-sends an update the bot fetched but did not confirm before a crash."""
    from telegram import Update

    app = served.app
    assert app is not None
    message = served.api.new_message(GROUP, ENTERPRISE, NEED)
    data = {"update_id": 90001, "message": message}
    await app.process_update(Update.de_json(data, app.bot))
    await app.process_update(Update.de_json(dict(data), app.bot))
    await served.settle()  # the card leaves through the group's outbox
    # The button press too: a second delivery must not claim twice or answer twice.
    card = served.card_of(1)
    need_id = int(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])
    press = {"update_id": 90002, "callback_query": {
        "id": "q1", "from": {"is_bot": False, **LIAISON}, "chat_instance": "x", "message": card,
        "data": f"claim:{need_id}"}}
    await served.say(ADMIN, f"/bind {LIAISON['id']} transport")
    mark = len(served.api.calls)
    await app.process_update(Update.de_json(press, app.bot))
    await app.process_update(Update.de_json(dict(press), app.bot))
    await served.settle()
    assert len(served.calls_since(mark, "answerCallbackQuery")) == 1
    await served.say(ADMIN, "/needs all")
    listing = served.last_text()
    assert "共 1 条" in listing and "#2" not in listing
    cards = [c for c in served.api.sent("sendMessage") if "已登记需求" in str(c.params.get("text"))]
    assert len(cards) == 1
    await served.say(ADMIN, "/status 1")
    assert served.last_text().count("认领") == 2  # the "认领" heading and one claim event
    # A read-only command delivered twice is answered once.
    command = {"update_id": 90003, "message": served.api.new_message(GROUP, ADMIN, "/needs all")}
    mark = len(served.api.calls)
    await app.process_update(Update.de_json(command, app.bot))
    await app.process_update(Update.de_json(dict(command), app.bot))
    await served.settle()
    assert len(served.calls_since(mark, "sendMessage")) == 1


async def test_a_failing_write_leaves_nothing_half_done(served: RunningBot) -> None:
    """If a unit of work fails midway, none of its writes (need, routes, audit, mark) remain."""
    services = served.app.bot_data.services  # type: ignore[union-attr]
    cases, db = services.cases, services.db
    async with db.read() as conn:
        async with conn.execute("SELECT COUNT(*) FROM needs") as cur:
            before_needs = (await cur.fetchone())[0]
        async with conn.execute("SELECT COUNT(*) FROM events") as cur:
            before_events = (await cur.fetchone())[0]

    original = cases.learner.router.route

    class Boom(Exception):
        pass

    from storage import audit as audit_module

    real_record = audit_module.AuditRepo.record

    async def failing_record(self, kind, **kwargs):  # type: ignore[no-untyped-def]
        if kind == "need_registered":  # the unit's last write: the need, its routes and triage are written
            raise Boom("disk full")
        return await real_record(self, kind, **kwargs)

    audit_module.AuditRepo.record = failing_record  # type: ignore[method-assign]
    try:
        from bot.domain import Actor
        with pytest.raises(Boom):
            await cases.needs.register(GROUP, Actor(ENTERPRISE["id"], "李总"), NEED, 4242,
                                       datetime.now(SHANGHAI), 777777)
    finally:
        audit_module.AuditRepo.record = real_record  # type: ignore[method-assign]
    assert cases.learner.router.route == original
    async with db.read() as conn:
        async with conn.execute("SELECT COUNT(*) FROM needs") as cur:
            assert (await cur.fetchone())[0] == before_needs
        async with conn.execute("SELECT COUNT(*) FROM events") as cur:
            assert (await cur.fetchone())[0] == before_events
        async with conn.execute("SELECT COUNT(*) FROM routes") as cur:
            assert (await cur.fetchone())[0] == 0
        async with conn.execute("SELECT 1 FROM processed_updates WHERE update_id = 777777") as cur:
            assert await cur.fetchone() is None
    # The same update can then be handled for real.
    from bot.domain import Actor
    outcome = await cases.needs.register(GROUP, Actor(ENTERPRISE["id"], "李总"), NEED, 4242,
                                         datetime.now(SHANGHAI), 777777)
    assert outcome.ok and outcome.need is not None and outcome.need.number == 1


def _bot_env(api: LocalBotApi, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_", "DATABASE_"))}
    env.update(BOT_TOKEN=TOKEN, BOT_API_URL=api.base_url, DATABASE_PATH=str(db),
               ADMIN_IDS=str(ADMIN["id"]), LOG_LEVEL="DEBUG", NO_PROXY="127.0.0.1,localhost")
    return env


_LOGS: dict[int, Path] = {}  # process id → the file its output goes to


async def _run_bot(env: dict[str, str], cwd: Path, pipe: bool = False) -> asyncio.subprocess.Process:
    """``pipe``: its output on a pipe the test reads as it goes (at INFO); otherwise to a file (:func:`_stop`)."""
    if pipe:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", env=env, cwd=cwd,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    # Its output goes to a file, not a pipe: at DEBUG the start-up alone (every migration's SQL, logged) can fill a
    # pipe's 64 KB before anyone reads it, and the bot would then block on its next log line.
    log = Path(env["DATABASE_PATH"]).parent / f"bot-{len(_LOGS)}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", env=env, cwd=cwd,
                                                       stdout=sink, stderr=asyncio.subprocess.STDOUT)
    _LOGS[process.pid] = log
    return process


async def _stop(process: asyncio.subprocess.Process, api: LocalBotApi) -> str:
    process.send_signal(signal.SIGINT)  # PTB cancels its pending long poll and stops at once
    await asyncio.wait_for(process.wait(), 30)
    return _LOGS.pop(process.pid).read_text(encoding="utf-8", errors="replace")


async def test_python_m_bot_restarts_on_the_same_database(api: LocalBotApi, tmp_path: Path) -> None:
    """`python -m bot` as a real process: stop it, start it again, nothing lost, token never logged."""
    env = _bot_env(api, tmp_path / "db" / "bot.sqlite3")
    root = Path(__file__).resolve().parents[1]
    process = await _run_bot(env, root)
    try:
        await api.wait_for(lambda c: c.method == "setMyCommands", timeout=60)
        await api.member_change(GROUP, ADMIN, "left", "member")
        await api.send_text(GROUP, ENTERPRISE, NEED)
        await api.wait_for(lambda c: "已登记需求" in str(c.params.get("text", "")), timeout=20)
    finally:
        logs = await _stop(process, api)
    assert process.returncode == 0, logs
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs
    assert "getUpdates" in logs or "bot ready" in logs  # DEBUG logging did happen

    mark = len(api.calls)
    process = await _run_bot(env, root)
    try:
        await api.wait_for(lambda c: c.method == "setMyCommands", timeout=60, start=mark)
        await api.send_text(GROUP, ADMIN, "/status 1")
        status = await api.wait_for(lambda c: "需求 #1" in str(c.params.get("text", "")), timeout=20,
                                    start=mark)
        assert "交通运输局" in status.params["text"]
        await api.send_text(GROUP, ENTERPRISE, "另外希望对接医院开展癌症早筛试点")
        await api.wait_for(lambda c: "#2" in str(c.params.get("text", "")), timeout=20, start=mark)
    finally:
        logs = await _stop(process, api)
    assert TOKEN.split(":")[1] not in logs


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_takes_updates_only_with_the_secret(api: LocalBotApi, tmp_path: Path) -> None:
    """WEBHOOK_URL: the bot registers its webhook and serves it; a request without the secret is refused."""
    import aiohttp

    port, secret = _free_port(), "s3cret-token-for-the-webhook-test"
    env = _bot_env(api, tmp_path / "bot.sqlite3")
    env.update(WEBHOOK_URL=f"http://127.0.0.1:{port}/tg-hook", WEBHOOK_SECRET=secret, WEBHOOK_PORT=str(port),
               LOG_LEVEL="INFO")
    process = await _run_bot(env, Path(__file__).resolve().parents[1], pipe=True)
    early = ""  # what the bot logged before it was ready
    try:
        await api.wait_for(lambda c: c.method == "setWebhook", timeout=60)
        assert api.webhook == {"url": f"http://127.0.0.1:{port}/tg-hook", "secret_token": secret}
        # PTB starts its webhook server after setWebhook and logs "Application started" once it listens.
        assert process.stderr is not None
        async with asyncio.timeout(30):
            while "Application started" not in early:
                line = await process.stderr.readline()
                assert line, early  # the bot did not exit
                early += line.decode()
        update = {"update_id": 1, "message": api.new_message(ADMIN["id"], ADMIN, "/start")}
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/tg-hook"
            async with session.post(url, json=update) as response:
                assert response.status == 403  # no secret
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret-token-value"}
            async with session.post(url, json=update, headers=wrong) as response:
                assert response.status == 403
            assert not [c for c in api.calls if c.method == "sendMessage"]
            async with session.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as response:
                assert response.status == 200
        reply = await api.wait_for(lambda c: c.method == "sendMessage", timeout=20)
        assert "对接群助手" in reply.params["text"]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    logs = early + stderr.decode()
    assert process.returncode == 0, logs
    assert secret not in logs and TOKEN.split(":")[1] not in logs
