"""The commission's desk (a Telegram Mini App) over HTTP, in the bot's own process and event loop: the JSON API
under ``/api/``, every request signed in with the initData Telegram handed the page (``Authorization: tma …``,
bot.delivery.webapp_auth). A thin adapter like the Telegram handlers: it reads the request, calls one use case,
renders JSON. Built so far: sign-in and ``GET /api/me``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from aiohttp import web

from bot.context import Services
from bot.delivery.webapp_auth import AuthFailure, WebAppUser, check_init_data

SERVICES = web.AppKey("services", Services)
BASE = web.AppKey("base", str)  # the path of WEB_URL the desk is served under
USER = web.RequestKey("user", WebAppUser)  # the request's signed-in user (set by the sign-in middleware)


@web.middleware
async def sign_in(request: web.Request,
                  handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    """Every API request carries ``Authorization: tma <initData>``; forged, expired or missing → 401."""
    if not request.path.startswith(api_prefix(request.app) + "/"):
        return await handler(request)
    services = request.app[SERVICES]
    header = request.headers.get("Authorization", "")
    init_data = header[4:] if header.startswith("tma ") else None
    user = check_init_data(init_data, services.settings.bot_token, datetime.now(UTC),
                           timedelta(hours=services.settings.web_session_hours))
    if isinstance(user, AuthFailure):
        return web.json_response({"error": "unauthorized", "reason": user.value}, status=401)
    request[USER] = user
    return await handler(request)


async def me(request: web.Request) -> web.Response:
    """Who is signed in, and what the desk will show them: admins every group, a liaison their party's needs, an
    enterprise its own."""
    user = request[USER]
    role, party = await request.app[SERVICES].cases.people.role(user.id)
    return web.json_response({"id": user.id, "name": user.display_name, "username": user.username,
                              "role": role.value,
                              "party": {"id": party.id, "name": party.name} if party is not None else None})


def base_path(web_url: str) -> str:
    """Where the page is served: the path of WEB_URL (``https://example.org/app`` → ``/app``; ``/`` → ``""``)."""
    return urlparse(web_url).path.rstrip("/")


def api_prefix(app: web.Application) -> str:
    return app[BASE] + "/api"


def desk_app(services: Services) -> web.Application:
    """The desk's web application (served when WEB_URL is set)."""
    app = web.Application(middlewares=[sign_in])
    app[SERVICES] = services
    app[BASE] = base_path(services.settings.web_url or "")
    app.router.add_get(api_prefix(app) + "/me", me)
    return app
