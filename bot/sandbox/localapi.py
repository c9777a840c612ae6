"""A local Telegram Bot API server speaking the real HTTP wire, for tests and the sandbox.

It serves ``POST /bot<token>/<method>`` with form, multipart or JSON bodies, long-polls
``getUpdates`` with offsets, keeps the messages the bot sent (so users can reply to them and
press their buttons), records every call, and answers with Telegram-shaped errors.
Point the bot at it with ``BOT_API_URL=<server.base_url>``.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import BodyPartReader, web

BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "对接群助手", "username": "matchmaking_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": True, "supports_inline_queries": False}
MAX_TEXT = 4096
_TAG = re.compile(r"<[^>]+>")


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
class LocalBotApi:
    token: str
    bot_user: dict[str, Any] = field(default_factory=lambda: dict(BOT_USER))
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    admins: dict[int, list[int]] = field(default_factory=dict)
    blocked_chats: set[int] = field(default_factory=set)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    webhook: dict[str, Any] | None = None  # what setWebhook asked for  # file_id → content, for getFile and downloads
    # Telegram's flood limits, when set: ((N, seconds) overall, (N, seconds) per group); beyond them 429.
    limits: tuple[tuple[int, float], tuple[int, float]] | None = None
    too_many: int = 0  # requests answered 429 because of `limits`
    _sent_times: dict[int | None, list[float]] = field(default_factory=dict)
    _faults: list[_Fault] = field(default_factory=list)
    _update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _message_ids: dict[int, itertools.count] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    port: int = 0

    def __post_init__(self) -> None:
        self._changed = asyncio.Condition()

    # --- server lifecycle ----------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
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
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what tests and the sandbox do ---------------------------------------------------

    def add_user(self, user: dict[str, Any]) -> None:
        """Make a user known to getChatMember without them saying anything."""
        self.users[user["id"]] = {"is_bot": False, **user}

    def chat(self, chat_id: int, title: str = "场景对接群", kind: str | None = None) -> dict[str, Any]:
        kind = kind or ("private" if chat_id > 0 else "supergroup")
        if chat_id not in self.chats:
            self.chats[chat_id] = {"id": chat_id, "type": kind, "title": title} if kind != "private" \
                else {"id": chat_id, "type": "private", "first_name": title}
        return self.chats[chat_id]

    async def push(self, update: dict[str, Any]) -> int:
        update = {"update_id": next(self._update_ids), **update}
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()
        return update["update_id"]

    async def push_raw(self, update: dict[str, Any]) -> None:
        """Push an update with its own update_id (to test repeats)."""
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()

    def new_message(self, chat_id: int, user: dict[str, Any], text: str | None, *,
                    reply_to: int | None = None, date: datetime | None = None,
                    extra: dict[str, Any] | None = None) -> dict[str, Any]:
        chat = self.chat(chat_id)
        self.users[user["id"]] = {"is_bot": False, **user}
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(date.timestamp() if date else time.time()),
            "chat": chat,
            "from": {"is_bot": False, **user},
        }
        if text is not None:
            message["text"] = text
            command = re.match(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
            if command:
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group(0))}]
        if reply_to is not None and (chat_id, reply_to) in self.messages:
            message["reply_to_message"] = self.messages[(chat_id, reply_to)]
        if extra:
            message.update(extra)
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def send_document(self, chat_id: int, user: dict[str, Any], file_name: str, data: bytes,
                            caption: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """A person uploads a file (with an optional caption, which may be a command)."""
        file_id = f"upload{len(self.files) + 1}"
        self.files[file_id] = data
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
                    "file_size": len(data)}
        extra: dict[str, Any] = {"document": document}
        if caption is not None:
            extra["caption"] = caption
            command = re.match(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", caption)
            if command:
                extra["caption_entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group(0))}]
        message = self.new_message(chat_id, user, None, extra=extra, **kwargs)
        await self.push({"message": message})
        return message

    async def send_text(self, chat_id: int, user: dict[str, Any], text: str, **kwargs: Any) -> dict[str, Any]:
        message = self.new_message(chat_id, user, text, **kwargs)
        await self.push({"message": message})
        return message

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> None:
        message = dict(self.messages[(chat_id, message_id)])
        message["text"] = text
        message["edit_date"] = int(time.time())
        self.messages[(chat_id, message_id)] = message
        await self.push({"edited_message": message})

    async def press(self, chat_id: int, user: dict[str, Any], message_id: int, data: str) -> int:
        message = self.messages[(chat_id, message_id)]
        query = {"id": str(next(self._update_ids) * 1000), "from": {"is_bot": False, **user},
                 "chat_instance": str(chat_id), "message": message, "data": data}
        return await self.push({"callback_query": query})

    async def member_change(self, chat_id: int, by: dict[str, Any], old: str, new: str,
                            member: dict[str, Any] | None = None) -> int:
        member = member or self.bot_user
        change = {
            "chat": self.chat(chat_id), "from": {"is_bot": False, **by}, "date": int(time.time()),
            "old_chat_member": _member(old, member),
            "new_chat_member": _member(new, member),
        }
        key = "my_chat_member" if member.get("id") == self.bot_user["id"] else "chat_member"
        return await self.push({key: change})

    def fail_next(self, method: str, status: int, description: str, retry_after: int | None = None) -> None:
        """The next call of `method` answers with this error."""
        self._faults.append(_Fault(method, status, description, retry_after))

    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls
                if (method is None or c.method == method)
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 10.0,
                       start: int = 0) -> Call:
        """Wait until a recorded call from index `start` on matches."""
        deadline = asyncio.get_running_loop().time() + timeout
        async with self._changed:
            while True:
                for call in self.calls[start:]:
                    if predicate(call):
                        return call
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    raise TimeoutError(f"no matching call; last calls: {[c.method for c in self.calls[-5:]]}")
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    pass

    async def wait_confirmed(self, timeout: float = 10.0) -> None:
        """Wait until the bot has confirmed (asked past) every pushed update."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: not self.updates), timeout)

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
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            await self._record(Call(method, params, 404))
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except _ApiError as exc:
            await self._record(Call(method, params, exc.status))
            return _error(exc.status, exc.description)
        if method != "getUpdates":
            await self._record(Call(method, params, 200, result))
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

    async def _m_getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(self.files[file_id]),
                "file_path": f"documents/{file_id}"}

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _m_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    async def _m_setWebhook(self, params: dict[str, Any]) -> Any:
        url = str(params.get("url", ""))
        if not url.startswith(("http://", "https://")):
            raise _ApiError(400, "Bad Request: bad webhook: an HTTP URL must be provided for webhook")
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
            if not self.updates and timeout > 0:
                try:
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.updates)), timeout)
                except TimeoutError:
                    pass
            return self.updates[:limit]

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params, "chat_id")
        text = str(params.get("text", ""))
        plain = _plain(text, params.get("parse_mode"))
        if chat_id in self.blocked_chats:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if not plain.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(plain) > MAX_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        _check_markup(params.get("reply_markup"))
        return self._bot_message(chat_id, params, text=plain)

    async def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        message = self._existing(params)
        plain = _plain(str(params.get("text", "")), params.get("parse_mode"))
        if len(plain) > MAX_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        _check_markup(markup)
        if message.get("text") == plain and message.get("reply_markup") == markup:
            raise _ApiError(400, "Bad Request: message is not modified")
        message["text"] = plain
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return message

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        message = self._existing(params)
        markup = params.get("reply_markup")
        _check_markup(markup)
        if message.get("reply_markup") == markup:
            raise _ApiError(400, "Bad Request: message is not modified")
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return message

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_getChatMember(self, params: dict[str, Any]) -> Any:
        chat_id, user_id = _int(params, "chat_id"), _int(params, "user_id")
        if user_id not in self.users:
            raise _ApiError(400, "Bad Request: user not found")
        status = "administrator" if user_id in self.admins.get(chat_id, []) else "member"
        return _member(status, self.users[user_id])

    async def _m_getChatAdministrators(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params, "chat_id")
        return [_member("administrator", self.users.get(uid, {"id": uid, "is_bot": False, "first_name": str(uid)}))
                for uid in self.admins.get(chat_id, [])]

    async def _m_getChat(self, params: dict[str, Any]) -> Any:
        chat = self.chat(_int(params, "chat_id"))
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types":
                {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                 "premium_subscription": False}}

    async def _m_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _ApiError(400, "Bad Request: commands must be a list of at most 100")
        for command in commands:
            name, description = str(command.get("command", "")), str(command.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name) or not 1 <= len(description) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        return True

    async def _m_createForumTopic(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params, "chat_id")
        if not self.chat(chat_id).get("is_forum"):
            raise _ApiError(400, "Bad Request: the chat is not a forum")
        name = str(params.get("name", ""))
        if not 1 <= len(name) <= 128:
            raise _ApiError(400, "Bad Request: TOPIC_TITLE_EMPTY" if not name else "Bad Request: topic name too long")
        created = self._bot_message(chat_id, {}, text=None)
        created.pop("text", None)
        created["forum_topic_created"] = {"name": name, "icon_color": 7322096}
        created["message_thread_id"] = created["message_id"]
        created["is_topic_message"] = True
        return {"message_thread_id": created["message_id"], "name": name, "icon_color": 7322096}

    async def _m_deleteMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_leaveChat(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_sendDocument(self, params: dict[str, Any]) -> Any:
        return self._bot_message(_int(params, "chat_id"), params, document=params.get("document"))

    async def _m_sendPhoto(self, params: dict[str, Any]) -> Any:
        return self._bot_message(_int(params, "chat_id"), params, photo=params.get("photo"))

    # helpers ---------------------------------------------------------------------------

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def _bot_message(self, chat_id: int, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        if chat_id in self.blocked_chats:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        message: dict[str, Any] = {"message_id": self._next_message_id(chat_id), "date": int(time.time()),
                                   "chat": self.chat(chat_id), "from": self.bot_user}
        if "text" in content:
            message["text"] = content["text"]
        for kind in ("document", "photo"):
            if content.get(kind) is not None:
                upload = content[kind]
                name = upload.get("filename", "file") if isinstance(upload, dict) else "file"
                size = upload.get("size", 0) if isinstance(upload, dict) else 0
                if kind == "document":
                    message["document"] = {"file_id": f"doc{message['message_id']}", "file_unique_id": "u",
                                           "file_name": name, "file_size": size}
                else:
                    message["photo"] = [{"file_id": f"ph{message['message_id']}", "file_unique_id": "p",
                                         "width": 1, "height": 1, "file_size": size}]
        if params.get("caption"):
            message["caption"] = str(params["caption"])
        if params.get("message_thread_id"):
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        reply_to = reply_target(params)
        if reply_to is not None and (chat_id, reply_to) in self.messages:
            message["reply_to_message"] = self.messages[(chat_id, reply_to)]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _existing(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (_int(params, "chat_id"), _int(params, "message_id"))
        if key not in self.messages:
            raise _ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


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


_ADMIN_RIGHTS = dict.fromkeys(
    ("can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
     "can_change_info", "can_invite_users", "can_pin_messages"), True) | dict.fromkeys(
    ("can_be_edited", "is_anonymous", "can_promote_members", "can_post_stories", "can_edit_stories",
     "can_delete_stories"), False)


def _member(status: str, user: dict[str, Any]) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "administrator":
        member.update(_ADMIN_RIGHTS)
    return member


def _int(params: dict[str, Any], name: str) -> int:
    try:
        return int(params[name])
    except (KeyError, TypeError, ValueError):
        raise _ApiError(400, f"Bad Request: {name} is required") from None


def _plain(text: str, parse_mode: Any) -> str:
    if str(parse_mode).upper() == "HTML":
        return html.unescape(_TAG.sub("", text))
    return text


def reply_target(params: dict[str, Any]) -> int | None:
    parameters = params.get("reply_parameters")
    if isinstance(parameters, dict) and "message_id" in parameters:
        return int(parameters["message_id"])
    if params.get("reply_to_message_id") is not None:
        return int(params["reply_to_message_id"])
    return None


def _check_markup(markup: Any) -> None:
    if not isinstance(markup, dict):
        return
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and len(str(data).encode()) > 64:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
