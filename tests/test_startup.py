"""Start-up against a Bot API that refuses the token or cannot be reached (bot/delivery/startup.py).

The subprocess tests run `python -m bot` as an operator would, against the local Bot API server or a closed
port on 127.0.0.1: nothing here reaches the internet."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import shlex
import signal
import socket
import sys
from collections.abc import Iterator
from itertools import islice, repeat
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bot.app import build_application
from bot.delivery import startup
from bot.sandbox.localapi import LocalBotApi
from bot.settings import RedactingFilter
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
WRONG_TOKEN = "987654321:WRONG-token_the_server_does_not_know_abcdef"
SECRET = WRONG_TOKEN.split(":")[1]


def _env(api_url: str, db: Path, log_level: str = "INFO") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BOT_", "ADMIN_", "DATABASE_", "WEBHOOK_")) and k != "LOG_LEVEL"}
    env.update(BOT_TOKEN=WRONG_TOKEN, BOT_API_URL=api_url, DATABASE_PATH=str(db), LOG_LEVEL=log_level,
               NO_PROXY="127.0.0.1,localhost", PYTHONPATH=str(ROOT))
    return env


async def _python_m_bot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    # cwd is the test's own folder: no .env of the repository is read.
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", env=env, cwd=cwd,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 bound by nobody listening (connections are refused), held for the test."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


def test_backoff_doubles_up_to_a_minute() -> None:
    assert list(islice(startup.backoff(), 9)) == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.parametrize(("description", "status"), [("Unauthorized", 401), ("Not Found", 404)])
def test_the_rejection_names_bot_token_and_its_status_never_the_token(description: str, status: int) -> None:
    try:
        try:
            raise InvalidToken(description)
        except InvalidToken as inner:  # as Bot.initialize wraps it
            raise InvalidToken(f"The token `{WRONG_TOKEN}` was rejected by the server.") from inner
    except InvalidToken as error:
        rejected = startup.TokenRejected(startup.rejected_status(error))
    assert rejected.status == status
    assert "BOT_TOKEN" in str(rejected) and f"（{status}）" in str(rejected) and SECRET not in str(rejected)


def test_a_logged_traceback_never_names_the_token() -> None:
    """PTB's InvalidToken names the token in its message: a traceback logged with it must not."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(WRONG_TOKEN))
    logger = logging.getLogger("test_startup.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise InvalidToken(f"The token `{WRONG_TOKEN}` was rejected by the server.")
        except InvalidToken:
            logger.exception("start-up failed")
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert "Traceback" in logged and "<token>" in logged
    assert SECRET not in logged


@pytest.mark.parametrize("log_level", ["INFO", "DEBUG"])
async def test_a_rejected_token_is_one_line_and_exit_2(api: LocalBotApi, tmp_path: Path, log_level: str) -> None:
    """The local server answers 401 to any token but its own, as Telegram does to a revoked one."""
    process = await _python_m_bot(_env(api.base_url, tmp_path / "bot.sqlite3", log_level), tmp_path)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    out, err = stdout.decode(), stderr.decode()
    assert process.returncode == 2, err
    assert SECRET not in out + err and WRONG_TOKEN not in out + err
    assert "Traceback" not in err and "Unclosed" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert "BOT_TOKEN" in lines[-1] and "401" in lines[-1] and "rejected by the Bot API" in lines[-1]
    if log_level == "INFO":
        assert lines == [lines[-1]]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
async def test_an_unreachable_api_is_a_warning_per_try_until_stopped(
        tmp_path: Path, closed_port: int, stop_signal: signal.Signals) -> None:
    process = await _python_m_bot(_env(f"http://127.0.0.1:{closed_port}/bot", tmp_path / "bot.sqlite3"), tmp_path)
    assert process.stderr is not None
    lines: list[str] = []
    try:
        while sum("Bot API unreachable" in line for line in lines) < 2:
            line = (await asyncio.wait_for(process.stderr.readline(), 60)).decode()
            assert line, f"stderr closed (exit {await process.wait()}): {lines}"
            lines.append(line.rstrip("\n"))
        assert process.returncode is None  # still running, trying again
    finally:
        if process.returncode is None:
            process.send_signal(stop_signal)
        stdout, rest = await asyncio.wait_for(process.communicate(), 30)
    # One line per try, each with its wait: 1 s, then 2 s (doubling up to a minute).
    assert len(lines) == 2, lines
    assert "WARNING" in lines[0] and "retrying in 1 s (attempt 1)" in lines[0] and "1 秒后重试" in lines[0]
    assert "WARNING" in lines[1] and "retrying in 2 s (attempt 2)" in lines[1]
    # Stopped cleanly: exit 0, no traceback, nothing left open, the token nowhere.
    tail = rest.decode()
    assert process.returncode == 0, tail
    assert "Traceback" not in tail and "Unclosed" not in tail and "ERROR" not in tail, tail
    assert SECRET not in "\n".join(lines) + tail + stdout.decode()


async def test_the_bot_carries_on_once_the_api_answers(api: LocalBotApi, tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    """A failed getMe (a proxy's 502) is tried again, then a failed deleteWebhook, without asking getMe again."""
    application = build_application(make_settings(api, tmp_path / "bot.sqlite3"))
    api.fail_next("getMe", 502, "Bad Gateway")
    api.fail_next("deleteWebhook", 502, "Bad Gateway")
    try:
        with caplog.at_level(logging.WARNING, logger="bot.delivery.startup"):
            reached = await startup.reach_bot_api(application, polling=True, stop=asyncio.Event(),
                                                   delays=repeat(0.0))
    finally:
        await application.shutdown()
    assert reached
    assert [(c.method, c.status) for c in api.calls] == [
        ("getMe", 502), ("getMe", 200), ("deleteWebhook", 502), ("deleteWebhook", 200)]
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.delivery.startup"]
    assert len(warnings) == 2 and all("Bad Gateway" in warning for warning in warnings)
    assert "(attempt 1)" in warnings[0] and "(attempt 2)" in warnings[1]


async def test_a_stop_during_a_try_ends_it_at_once(tmp_path: Path) -> None:
    """A Bot API that accepts the connection and never answers: the stop does not wait for the timeout."""
    connected, hung_up = asyncio.Event(), asyncio.Event()

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connected.set()
        while await reader.read(4096):  # reads the request, answers nothing, until the bot hangs up
            pass
        writer.close()
        await writer.wait_closed()
        hung_up.set()

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    api = LocalBotApi("1:unused")
    api.port = port
    application = build_application(make_settings(api, tmp_path / "bot.sqlite3"))
    stop = asyncio.Event()
    try:
        task = asyncio.create_task(startup.reach_bot_api(application, polling=True, stop=stop))
        await asyncio.wait_for(connected.wait(), 10)  # getMe is waiting for its answer
        stop.set()
        assert await asyncio.wait_for(task, 2) is False
    finally:
        await application.shutdown()
        await application.bot.shutdown()
        await asyncio.wait_for(hung_up.wait(), 10)
        server.close()
        await server.wait_closed()


def test_the_readme_commands_paste_into_bash() -> None:
    """`BOT_TOKEN=<token from BotFather>` was read by bash as a redirection (bash: token: No such file or
    directory): the README's commands hold no redirection, and CI runs its test command word for word."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```bash\n")[1:]
    commands = [line for block in blocks for line in block.split("```", 1)[0].splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert any("python -m bot" in line and "BOT_TOKEN=" in line for line in commands), commands
    for line in commands:
        words = list(shlex.shlex(line, posix=True, punctuation_chars=True))
        assert not {"<", ">", ">>", "<<", "<>"} & set(words), line
    tests = [line for line in commands if "pytest" in line]
    assert tests and tests[0] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
