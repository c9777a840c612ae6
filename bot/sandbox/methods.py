"""The Bot API methods the local server answers from its chat log (messages, chats, members, files), each a
function of the log and the call's parameters, with Telegram-shaped errors."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox.chatlog import MAX_TEXT, ApiError, ChatLog, check_markup, int_param, member_of, plain


async def get_file(log: ChatLog, params: dict[str, Any]) -> Any:
    file_id = str(params.get("file_id", ""))
    if file_id not in log.files:
        raise ApiError(400, "Bad Request: invalid file_id")
    return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(log.files[file_id]),
            "file_path": f"documents/{file_id}"}


async def get_me(log: ChatLog, params: dict[str, Any]) -> Any:
    return log.bot_user


async def send_message(log: ChatLog, params: dict[str, Any]) -> Any:
    chat_id = int_param(params, "chat_id")
    text = plain(str(params.get("text", "")), params.get("parse_mode"))
    if chat_id in log.blocked_chats:
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    check_markup(params.get("reply_markup"))
    return log.bot_message(chat_id, params, text=text)


async def edit_message_text(log: ChatLog, params: dict[str, Any]) -> Any:
    message = log.existing(params)
    text = plain(str(params.get("text", "")), params.get("parse_mode"))
    if len(text) > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    markup = params.get("reply_markup")
    check_markup(markup)
    if message.get("text") == text and message.get("reply_markup") == markup:
        raise ApiError(400, "Bad Request: message is not modified")
    message["text"] = text
    if markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)
    return message


async def edit_message_reply_markup(log: ChatLog, params: dict[str, Any]) -> Any:
    message = log.existing(params)
    markup = params.get("reply_markup")
    check_markup(markup)
    if message.get("reply_markup") == markup:
        raise ApiError(400, "Bad Request: message is not modified")
    if markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)
    return message


async def set_message_reaction(log: ChatLog, params: dict[str, Any]) -> Any:
    message = log.existing(params)
    message["reactions"] = params.get("reaction") or []
    return True


async def answer_callback_query(log: ChatLog, params: dict[str, Any]) -> Any:
    return True


async def get_chat_member(log: ChatLog, params: dict[str, Any]) -> Any:
    chat_id, user_id = int_param(params, "chat_id"), int_param(params, "user_id")
    if user_id not in log.users:
        raise ApiError(400, "Bad Request: user not found")
    status = "administrator" if user_id in log.admins.get(chat_id, []) else "member"
    return member_of(status, log.users[user_id])


async def get_chat_administrators(log: ChatLog, params: dict[str, Any]) -> Any:
    chat_id = int_param(params, "chat_id")
    return [member_of("administrator", log.users.get(uid, {"id": uid, "is_bot": False, "first_name": str(uid)}))
            for uid in log.admins.get(chat_id, [])]


async def get_chat(log: ChatLog, params: dict[str, Any]) -> Any:
    chat = log.chat(int_param(params, "chat_id"))
    return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types":
            {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
             "premium_subscription": False}}


async def set_my_commands(log: ChatLog, params: dict[str, Any]) -> Any:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError(400, "Bad Request: commands must be a list of at most 100")
    for command in commands:
        name, description = str(command.get("command", "")), str(command.get("description", ""))
        if not re.fullmatch(r"[a-z0-9_]{1,32}", name) or not 1 <= len(description) <= 256:
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
    return True


async def create_forum_topic(log: ChatLog, params: dict[str, Any]) -> Any:
    chat_id = int_param(params, "chat_id")
    if not log.chat(chat_id).get("is_forum"):
        raise ApiError(400, "Bad Request: the chat is not a forum")
    name = str(params.get("name", ""))
    if not 1 <= len(name) <= 128:
        raise ApiError(400, "Bad Request: TOPIC_TITLE_EMPTY" if not name else "Bad Request: topic name too long")
    created = log.bot_message(chat_id, {}, text=None)
    created.pop("text", None)
    created["forum_topic_created"] = {"name": name, "icon_color": 7322096}
    created["message_thread_id"] = created["message_id"]
    created["is_topic_message"] = True
    return {"message_thread_id": created["message_id"], "name": name, "icon_color": 7322096}


async def delete_my_commands(log: ChatLog, params: dict[str, Any]) -> Any:
    return True


async def leave_chat(log: ChatLog, params: dict[str, Any]) -> Any:
    return True


async def send_document(log: ChatLog, params: dict[str, Any]) -> Any:
    return log.bot_message(int_param(params, "chat_id"), params, document=params.get("document"))


async def send_photo(log: ChatLog, params: dict[str, Any]) -> Any:
    return log.bot_message(int_param(params, "chat_id"), params, photo=params.get("photo"))



# The Bot API methods the server answers from its chat log, by the name the bot calls (getUpdates and the
# webhook methods are the server's own: bot/sandbox/localapi.py).
METHODS: dict[str, Callable[[ChatLog, dict[str, Any]], Awaitable[Any]]] = {
    "getFile": get_file,
    "getMe": get_me,
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "answerCallbackQuery": answer_callback_query,
    "setMessageReaction": set_message_reaction,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "getChat": get_chat,
    "setMyCommands": set_my_commands,
    "createForumTopic": create_forum_topic,
    "deleteMyCommands": delete_my_commands,
    "leaveChat": leave_chat,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
}
