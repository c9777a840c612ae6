"""The desk's sign-in and API (issue 16, first part): initData checked as Telegram specifies, over HTTP against the
bot's own web server (WEB_URL set), and the role read from the bot's database."""

from __future__ import annotations

import dataclasses
import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.delivery.webapp_auth import AuthFailure, WebAppUser, check_init_data, sign_init_data
from bot.sandbox.localapi import LocalBotApi
from nlp.router import Router
from tests.conftest import ADMIN, ENTERPRISE, LIAISON, TOKEN, RunningBot, _running, make_settings, serve

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def init_data(user: dict[str, object], at: datetime = NOW, token: str = TOKEN) -> str:
    fields = {"auth_date": str(int(at.timestamp())), "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
              "user": json.dumps({k: user[k] for k in ("id", "first_name", "username") if k in user},
                                 ensure_ascii=False)}
    return sign_init_data(fields, token)


def test_a_signed_init_data_names_its_user() -> None:
    who = check_init_data(init_data(LIAISON), TOKEN, NOW + timedelta(minutes=3), DAY)
    assert who == WebAppUser(LIAISON["id"], LIAISON["first_name"], "", LIAISON["username"])


@pytest.mark.parametrize(("data", "now", "refused"), [
    (None, NOW, AuthFailure.MISSING),
    ("", NOW, AuthFailure.MISSING),
    ("no=signature", NOW, AuthFailure.FORGED),
    ("%%%", NOW, AuthFailure.MALFORMED),
    (init_data(LIAISON, token="123:another-bots-token"), NOW, AuthFailure.FORGED),  # another bot signed it
    (init_data(LIAISON).replace("2001", "1001"), NOW, AuthFailure.FORGED),  # someone else's id put in
    (init_data(LIAISON), NOW + DAY + timedelta(seconds=1), AuthFailure.EXPIRED),
    (init_data(LIAISON, at=NOW + timedelta(hours=1)), NOW, AuthFailure.EXPIRED),  # signed in the future
    (sign_init_data({"auth_date": str(int(NOW.timestamp()))}, TOKEN), NOW, AuthFailure.MALFORMED),  # no user
])
def test_forged_expired_or_missing_init_data_is_refused(data: str | None, now: datetime,
                                                       refused: AuthFailure) -> None:
    assert check_init_data(data, TOKEN, now, DAY) is refused


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def desk(api: LocalBotApi, tmp_path: Path, router: Router) -> AsyncIterator[tuple[RunningBot, str]]:
    port = _free_port()
    settings = dataclasses.replace(make_settings(api, tmp_path / "bot.sqlite3"), web_url="https://example.org/app",
                                   web_listen="127.0.0.1", web_port=port)
    async for running in _running(RunningBot(api, settings, router)):
        yield await serve(running), f"http://127.0.0.1:{port}/app/api"


async def test_api_me_says_who_is_signed_in_and_refuses_everyone_else(desk: tuple[RunningBot, str]) -> None:
    _, api_url = desk
    now = datetime.now(UTC)
    async with aiohttp.ClientSession() as session:
        for user, role, party in ((ADMIN, "admin", None), (LIAISON, "liaison", "transport"),
                                  (ENTERPRISE, "enterprise", None)):
            headers = {"Authorization": f"tma {init_data(user, at=now)}"}
            async with session.get(f"{api_url}/me", headers=headers) as response:
                assert response.status == 200
                body = await response.json()
            assert (body["id"], body["role"]) == (user["id"], role)
            assert (body["party"] or {}).get("id") == party
        for headers in ({}, {"Authorization": "tma " + init_data(LIAISON, at=now - timedelta(days=2))},
                        {"Authorization": "tma " + init_data(LIAISON, at=now, token="1:x")},
                        {"Authorization": "Bearer " + init_data(LIAISON, at=now)}):
            async with session.get(f"{api_url}/me", headers=headers) as response:
                assert response.status == 401, headers
                assert (await response.json())["error"] == "unauthorized"


async def test_without_web_url_nothing_listens(served: RunningBot) -> None:
    services = served.app.bot_data.services  # type: ignore[union-attr]
    assert services.settings.web_url is None and services.desk is None
