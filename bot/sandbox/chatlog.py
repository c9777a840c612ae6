"""What the local Bot API server knows of Telegram's side: chats, people, messages, and the updates they make.

:class:`ChatLog` keeps every message sent in a chat — by people and by the bot — so that a person can reply
to the bot's card or press its buttons, and builds the update dicts Telegram would deliver for what people
do (a message, a document, an edit, a button press, a membership change). It does no I/O: the server
(``bot.sandbox.localapi``) pushes these updates to the bot over ``getUpdates``, and tests may hand the same
dicts to ``Application.process_update`` directly.
"""

from __future__ import annotations

import html
import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "对接群助手", "username": "matchmaking_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": True, "supports_inline_queries": False}
MAX_TEXT = 4096
_TAG = re.compile(r"<[^>]+>")
_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")


class ApiError(Exception):
    """A Telegram-shaped error answer (400 Bad Request, 403 Forbidden …)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


@dataclass(kw_only=True)
class ChatLog:
    bot_user: dict[str, Any] = field(default_factory=lambda: dict(BOT_USER))
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    admins: dict[int, list[int]] = field(default_factory=dict)
    blocked_chats: set[int] = field(default_factory=set)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # file_id → content, for getFile and downloads
    _update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _message_ids: dict[int, itertools.count] = field(default_factory=dict)

    # --- people and chats ----------------------------------------------------------------

    def add_user(self, user: dict[str, Any]) -> None:
        """Make a user known to getChatMember without them saying anything."""
        self.users[user["id"]] = {"is_bot": False, **user}

    def chat(self, chat_id: int, title: str = "场景对接群", kind: str | None = None) -> dict[str, Any]:
        kind = kind or ("private" if chat_id > 0 else "supergroup")
        if chat_id not in self.chats:
            self.chats[chat_id] = {"id": chat_id, "type": kind, "title": title} if kind != "private" \
                else {"id": chat_id, "type": "private", "first_name": title}
        return self.chats[chat_id]

    def next_update_id(self) -> int:
        return next(self._update_ids)

    # --- what people do, as Telegram would deliver it --------------------------------------

    def new_message(self, chat_id: int, user: dict[str, Any], text: str | None, *,
                    reply_to: int | None = None, date: datetime | None = None,
                    extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """A person's message, kept so that later replies can refer to it (not yet delivered)."""
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
            command = _COMMAND.match(text)
            if command:
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group(0))}]
        if reply_to is not None and (chat_id, reply_to) in self.messages:
            message["reply_to_message"] = self.messages[(chat_id, reply_to)]
        if extra:
            message.update(extra)
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def document_message(self, chat_id: int, user: dict[str, Any], file_name: str, data: bytes,
                         caption: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """A person uploads a file (with an optional caption, which may be a command)."""
        file_id = f"upload{len(self.files) + 1}"
        self.files[file_id] = data
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
                    "file_size": len(data)}
        extra: dict[str, Any] = {"document": document}
        if caption is not None:
            extra["caption"] = caption
            command = _COMMAND.match(caption)
            if command:
                extra["caption_entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group(0))}]
        return self.new_message(chat_id, user, None, extra=extra, **kwargs)

    def edited_message(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        message = dict(self.messages[(chat_id, message_id)])
        message["text"] = text
        message["edit_date"] = int(time.time())
        self.messages[(chat_id, message_id)] = message
        return message

    def callback_query(self, chat_id: int, user: dict[str, Any], message_id: int, data: str) -> dict[str, Any]:
        """A person presses a button of a message in the chat."""
        return {"id": str(self.next_update_id() * 1000), "from": {"is_bot": False, **user},
                "chat_instance": str(chat_id), "message": self.messages[(chat_id, message_id)], "data": data}

    def member_update(self, chat_id: int, by: dict[str, Any], old: str, new: str,
                      member: dict[str, Any] | None = None) -> dict[str, Any]:
        """``{"my_chat_member": …}`` when the bot's own membership changes, else ``{"chat_member": …}``."""
        member = member or self.bot_user
        change = {
            "chat": self.chat(chat_id), "from": {"is_bot": False, **by}, "date": int(time.time()),
            "old_chat_member": member_of(old, member),
            "new_chat_member": member_of(new, member),
        }
        key = "my_chat_member" if member.get("id") == self.bot_user["id"] else "chat_member"
        return {key: change}

    # --- what the bot sends ----------------------------------------------------------------

    def bot_message(self, chat_id: int, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        """A message the bot sent (text, document or photo), kept so that people can reply to it."""
        if chat_id in self.blocked_chats:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
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

    def existing(self, params: dict[str, Any]) -> dict[str, Any]:
        """The message an edit refers to (chat_id, message_id)."""
        key = (int_param(params, "chat_id"), int_param(params, "message_id"))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)


_ADMIN_RIGHTS = dict.fromkeys(
    ("can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
     "can_change_info", "can_invite_users", "can_pin_messages"), True) | dict.fromkeys(
    ("can_be_edited", "is_anonymous", "can_promote_members", "can_post_stories", "can_edit_stories",
     "can_delete_stories"), False)


def member_of(status: str, user: dict[str, Any]) -> dict[str, Any]:
    """A ChatMember of this status (an administrator with the usual rights)."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "administrator":
        member.update(_ADMIN_RIGHTS)
    return member


def int_param(params: dict[str, Any], name: str) -> int:
    try:
        return int(params[name])
    except (KeyError, TypeError, ValueError):
        raise ApiError(400, f"Bad Request: {name} is required") from None


def plain(text: str, parse_mode: Any) -> str:
    """The text a person sees: HTML tags removed and entities unescaped when parse_mode is HTML."""
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


def check_markup(markup: Any) -> None:
    if not isinstance(markup, dict):
        return
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and len(str(data).encode()) > 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
