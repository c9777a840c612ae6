"""A local Telegram Bot API server speaking the real HTTP wire, for tests and the sandbox.

It serves ``POST /bot<token>/<method>`` with form, multipart or JSON bodies, long-polls
``getUpdates`` with offsets, keeps the messages the bot sent (so users can reply to them and
press their buttons; ``bot.sandbox.chatlog``), records every call, and answers with Telegram-shaped errors.
Point the bot at it with ``BOT_API_URL=<server.base_url>``.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from bot.sandbox.chatlog import (
    BOT_USER,
    MAX_TEXT,
    ApiError,
    ChatLog,
    reply_target,
)
from bot.sandbox.methods import METHODS

__all__ = ["BOT_USER", "MAX_TEXT", "Call", "LocalBotApi", "reply_target"]


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None  # what the server answered (e.g. the sent message), for successful calls
    at: float = field(default_factory=time.monotonic)  # when the server received it (benchmarks)


@dataclass
class _Fault:
    method: str
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class LocalBotApi(ChatLog):
    token: str
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)  # pushed and not yet confirmed by the bot
    webhook: dict[str, Any] | None = None  # what setWebhook asked for
    # Telegram's flood limits, when set: ((N, seconds) overall, (N, seconds) per group); beyond them 429.
    limits: tuple[tuple[int, float], tuple[int, float]] | None = None
    too_many: int = 0  # requests answered 429 because of `limits`
    polls_waiting: int = 0  # getUpdates requests waiting for an update right now
    _sent_times: dict[int | None, list[float]] = field(default_factory=dict)
    _faults: list[_Fault] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _stopping: bool = False
    port: int = 0

    def __post_init__(self) -> None:
        self._changed = asyncio.Condition()

    # --- server lifecycle ----------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._stopping = False
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server  # noqa: SLF001 - aiohttp exposes the bound port only here
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.base_url

    async def stop(self) -> None:
        """Stop serving. Every pending long poll answers at once (else the server's clean-up would wait
        out each one's timeout — up to PTB's 10 s for a `python -m bot` that was killed or stopped)."""
        async with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what tests and the sandbox do ---------------------------------------------------

    async def push(self, update: dict[str, Any]) -> int:
        update = {"update_id": self.next_update_id(), **update}
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()
        return int(update["update_id"])

    async def push_raw(self, update: dict[str, Any]) -> None:
        """Push an update with its own update_id (to test repeats)."""
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()

    async def take_updates(self) -> list[dict[str, Any]]:
        """Every pushed update, handed over and confirmed at once, as `getUpdates` followed by a call with a
        higher offset would: for a bot that is given its updates directly instead of polling."""
        async with self._changed:
            taken, self.updates = self.updates, []
            if taken:
                self._changed.notify_all()
        return taken

    async def send_document(self, chat_id: int, user: dict[str, Any], file_name: str, data: bytes,
                            caption: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """A person uploads a file (with an optional caption, which may be a command)."""
        message = self.document_message(chat_id, user, file_name, data, caption, **kwargs)
        await self.push({"message": message})
        return message

    async def send_text(self, chat_id: int, user: dict[str, Any], text: str, **kwargs: Any) -> dict[str, Any]:
        message = self.new_message(chat_id, user, text, **kwargs)
        await self.push({"message": message})
        return message

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> None:
        await self.push({"edited_message": self.edited_message(chat_id, message_id, text)})

    async def press(self, chat_id: int, user: dict[str, Any], message_id: int, data: str) -> int:
        return await self.push({"callback_query": self.callback_query(chat_id, user, message_id, data)})

    async def member_change(self, chat_id: int, by: dict[str, Any], old: str, new: str,
                            member: dict[str, Any] | None = None) -> int:
        return await self.push(self.member_update(chat_id, by, old, new, member))

    def fail_next(self, method: str, status: int, description: str, retry_after: int | None = None) -> None:
        """The next call of `method` answers with this error."""
        self._faults.append(_Fault(method, status, description, retry_after))

    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls
                if (method is None or c.method == method)
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `condition` holds; it is checked again whenever a call is recorded or updates are
        pushed, fetched or confirmed."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(condition), timeout)
            except TimeoutError:
                raise TimeoutError(f"condition not met; last calls: {[c.method for c in self.calls[-5:]]}") \
                    from None

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 10.0,
                       start: int = 0) -> Call:
        """Wait until a recorded call from index `start` on matches."""
        found: list[Call] = []

        def matched() -> bool:
            found[:] = [call for call in self.calls[start:] if predicate(call)][:1]
            return bool(found)

        await self.wait_until(matched, timeout)
        return found[0]

    async def wait_confirmed(self, timeout: float = 10.0) -> None:
        """Wait until the bot has confirmed (asked past) every pushed update."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: not self.updates), timeout)

    async def wait_polling(self, timeout: float = 10.0) -> None:
        """Wait until a getUpdates long poll is waiting for an update."""
        await self.wait_until(lambda: self.polls_waiting > 0, timeout)

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until the bot has fetched every update and then made no call for a moment."""
        deadline = asyncio.get_running_loop().time() + timeout
        last = -1
        while asyncio.get_running_loop().time() < deadline:
            if not self.updates and len(self.calls) == last:
                return
            last = len(self.calls)
            await asyncio.sleep(0.15)
        raise TimeoutError("bot did not become idle")

    # --- the wire ------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        params = await _read_params(request)
        for fault in self._faults:
            if fault.method == method:
                self._faults.remove(fault)
                await self._record(Call(method, params, fault.status))
                return _error(fault.status, fault.description, fault.retry_after)
        limited = self._over_limit(method, params)
        if limited is not None:
            self.too_many += 1
            await self._record(Call(method, params, 429))
            return _error(429, f"Too Many Requests: retry after {limited}", limited)
        own = getattr(self, f"_m_{method}", None)
        answered = METHODS.get(method)
        if own is None and answered is None:
            await self._record(Call(method, params, 404))
            return _error(404, "Not Found: method not found")
        try:
            result = await own(params) if own is not None else await answered(self, params)  # type: ignore[misc]
        except ApiError as exc:
            await self._record(Call(method, params, exc.status))
            return _error(exc.status, exc.description)
        if method != "getUpdates":  # a copy: the message as it was then (a later edit changes the log's own)
            await self._record(Call(method, params, 200, dict(result) if isinstance(result, dict) else result))
        return web.json_response({"ok": True, "result": result})

    def _over_limit(self, method: str, params: dict[str, Any]) -> int | None:
        """retry_after (seconds) when this message would exceed `limits` (sliding windows), else None."""
        if self.limits is None or not method.startswith(("send", "edit", "copy", "forward")):
            return None
        try:
            chat_id = int(params.get("chat_id", ""))
        except (TypeError, ValueError):
            return None
        now = time.monotonic()
        checks = [(None, self.limits[0])] + ([(chat_id, self.limits[1])] if chat_id < 0 else [])
        for key, (limit, period) in checks:
            times = self._sent_times.setdefault(key, [])
            times[:] = [t for t in times if t > now - period]
            if len(times) >= limit:
                return max(1, math.ceil(times[0] + period - now))
        for key, _ in checks:
            self._sent_times[key].append(now)
        return None

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        data = self.files.get(request.match_info["path"].rsplit("/", 1)[-1])
        if data is None:
            return _error(404, "Not Found")
        return web.Response(body=data, content_type="application/octet-stream")

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # --- Bot API methods -----------------------------------------------------------------

    async def _m_setWebhook(self, params: dict[str, Any]) -> Any:
        url = str(params.get("url", ""))
        if not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: an HTTP URL must be provided for webhook")
        self.webhook = {"url": url, "secret_token": params.get("secret_token")}
        return True

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        async with self._changed:
            if offset:
                before = len(self.updates)
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                if len(self.updates) != before:
                    self._changed.notify_all()
            if not self.updates and timeout > 0 and not self._stopping:
                self.polls_waiting += 1
                self._changed.notify_all()
                try:
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.updates) or self._stopping),
                                           timeout)
                except TimeoutError:
                    pass
                finally:
                    self.polls_waiting -= 1
            return self.updates[:limit]
















def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename:
                data = await part.read()
                params[part.name] = {"filename": part.filename, "size": len(data), "data": data}
            else:
                params[part.name] = _decode(await part.text())
        return params
    form = await request.post()
    for key, value in form.items():
        params[key] = _decode(value) if isinstance(value, str) else value
    return params


def _decode(value: str) -> Any:
    try:
        decoded = json.loads(value)
    except (json.JSONDecodeError, ValueError):
        return value
    # Keep plain numbers-as-strings (e.g. text "123") as the original string only for text fields;
    # ids come back as ints, which is what the real server accepts as well.
    return decoded if isinstance(decoded, (dict, list, int, bool)) else value
