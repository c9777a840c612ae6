"""Bad input at scale (hypothesis): arbitrary text, commands, button data and update shapes go through the
real handlers; nothing escapes as an exception and the database stays consistent after every example."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, OTHER_GROUP, STRANGER, RunningBot

COMMANDS = ["start", "help", "parties", "need", "needs", "status", "route", "resolve", "overdue", "bind", "join",
            "commit", "due", "done", "cancel", "triage", "agreement", "kept", "export", "report", "party",
            "directory", "backup", "forget", "unknown", "NEED", "start@matchmaking_test_bot", "needs@other_bot"]
ACTIONS = ["claim", "decline", "xfer", "cancel", "solve", "assign", "join", "kept", "agree", "agreeto", "fulfil",
           "npage", "detail", "pick", "lpage", "", "x"]
PEOPLE = [ADMIN, ENTERPRISE, LIAISON, STRANGER, {"id": 1087968824, "first_name": "Group"},
          {"id": 9_000_000_001, "first_name": "新用户", "username": "n" * 32}]
CHATS = [GROUP, OTHER_GROUP, -1005555555555, ADMIN["id"], ENTERPRISE["id"], STRANGER["id"]]
EXAMPLES = settings(max_examples=120, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

words = st.sampled_from(["需要", "测试路段", "希望", "交通局", "两周内", "#1", "#999999999999", "签约", "融资500万元",
                         "下周五", "０", "-1", "transport", "police", "all", "week", "csv", "\u200b", "<b>", "&",
                         "\n", " ", "'; DROP TABLE needs; --", "🙂", "x" * 300])
texts = st.one_of(st.text(max_size=200), st.lists(words, max_size=12).map("".join),
                  st.lists(st.one_of(words, st.text(max_size=5)), max_size=8).map(" ".join))
numbers = st.one_of(st.integers(-5, 12), st.integers(-(2**63), 2**63), st.just(2**31))
update_ids = itertools.count(500_000)


def chat_of(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "私聊"}
    return {"id": chat_id, "type": "supergroup", "title": "某群"}


def message(chat_id: int, user: dict[str, Any], text: str | None, message_id: int, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"message_id": message_id, "date": 1_795_000_000, "chat": chat_of(chat_id),
                            "from": {"is_bot": False, **user}, **extra}
    if text is not None:
        data["text"] = text
    return data


async def consistent(bot: RunningBot) -> None:
    """No error reached a handler's error hook, and the database holds together."""
    assert not bot.errors, bot.errors
    services = bot.app.bot_data.services  # type: ignore[union-attr]
    await services.courier.idle(timeout=30)
    assert services.courier.failures == 0
    async with services.db.read() as conn:
        async with conn.execute("PRAGMA integrity_check") as cur:
            assert (await cur.fetchone())[0] == "ok"
        async with conn.execute("PRAGMA foreign_key_check") as cur:
            assert await cur.fetchall() == []
        async with conn.execute(
                "SELECT chat_id, COUNT(*), MAX(number), COUNT(DISTINCT number) FROM needs GROUP BY chat_id") as cur:
            for _, count, highest, distinct in await cur.fetchall():
                assert count == highest == distinct  # #1..#N in every group, no gap, no repeat
        for sql in ("SELECT COUNT(*) FROM routes WHERE need_id NOT IN (SELECT id FROM needs)",
                    "SELECT COUNT(*) FROM claims WHERE need_id NOT IN (SELECT id FROM needs)",
                    "SELECT COUNT(*) FROM commitments WHERE need_id NOT IN (SELECT id FROM needs)",
                    "SELECT COUNT(*) FROM needs WHERE chat_id NOT IN (SELECT chat_id FROM chats)",
                    "SELECT COUNT(*) FROM update_journal"):
            async with conn.execute(sql) as cur:
                assert (await cur.fetchone())[0] == 0, sql


async def feed(bot: RunningBot, data: dict[str, Any]) -> None:
    app = bot.app
    assert app is not None
    try:
        update = Update.de_json({"update_id": next(update_ids), **data}, app.bot)
    except Exception:  # noqa: BLE001 - a shape PTB itself cannot read never reaches the handlers
        return
    await app.process_update(update)
    await bot.settle()


@EXAMPLES
@given(text=texts, who=st.sampled_from(PEOPLE), chat=st.sampled_from(CHATS), reply_to=st.none() | numbers)
async def test_arbitrary_text(served: RunningBot, text: str, who: dict[str, Any], chat: int,
                              reply_to: int | None) -> None:
    extra = {}
    if reply_to is not None and reply_to > 0:
        extra["reply_to_message"] = message(chat, {"id": 7000000001, "first_name": "bot", "is_bot": True}, "卡片",
                                            reply_to)
    await feed(served, {"message": message(chat, who, text, 10_000 + next(update_ids) % 100_000, **extra)})
    await consistent(served)


@EXAMPLES
@given(command=st.sampled_from(COMMANDS), args=texts, who=st.sampled_from(PEOPLE), chat=st.sampled_from(CHATS))
async def test_arbitrary_commands(served: RunningBot, command: str, args: str, who: dict[str, Any],
                                  chat: int) -> None:
    text = f"/{command} {args}" if args else f"/{command}"
    entity = [{"type": "bot_command", "offset": 0, "length": len(command) + 1}]
    await feed(served, {"message": message(chat, who, text, 20_000 + next(update_ids) % 100_000, entities=entity)})
    await consistent(served)


callback_data = st.one_of(
    st.text(max_size=80),
    st.tuples(st.sampled_from(ACTIONS), numbers, st.one_of(st.none(), numbers.map(str), st.text(max_size=10)))
    .map(lambda t: ":".join(str(p) for p in t if p is not None)),
)


@EXAMPLES
@given(data=callback_data, who=st.sampled_from(PEOPLE), chat=st.sampled_from(CHATS), on=numbers)
async def test_arbitrary_button_presses(served: RunningBot, data: str, who: dict[str, Any], chat: int,
                                        on: int) -> None:
    await served.say(ENTERPRISE, "我们公司做自动驾驶，需要开放一段测试路段，希望交通运输局支持")
    target = message(chat, {"id": 7000000001, "first_name": "bot", "is_bot": True}, "卡片", max(on, 1) % 2**31)
    await feed(served, {"callback_query": {"id": str(next(update_ids)), "from": {"is_bot": False, **who},
                                           "chat_instance": "x", "message": target, "data": data}})
    await consistent(served)


shapes = st.fixed_dictionaries({}, optional={
    "message_id": numbers, "date": numbers, "text": texts, "caption": texts,
    # Field types as the Bot API documents them (PTB does not check them; Telegram never sends a list as a
    # title), values anything: missing fields, unknown chat types, odd ids.
    "chat": st.sampled_from(CHATS).map(chat_of) | st.fixed_dictionaries(
        {}, optional={"id": numbers, "type": st.sampled_from(["private", "group", "supergroup", "channel", "x"]),
                      "title": texts, "is_forum": st.booleans()}),
    "from": st.sampled_from(PEOPLE).map(lambda p: {"is_bot": False, **p}),
    "sender_chat": st.sampled_from(CHATS).map(chat_of),
    "entities": st.lists(st.fixed_dictionaries({"type": st.sampled_from(["bot_command", "mention", "bold"]),
                                                "offset": st.integers(-2, 30), "length": st.integers(-2, 30)}),
                         max_size=3),
    "reply_to_message": st.builds(lambda i, c: message(c, ENTERPRISE, "x", i), st.integers(1, 50),
                                  st.sampled_from(CHATS)),
    "is_topic_message": st.booleans(), "message_thread_id": numbers,
    "new_chat_members": st.lists(st.sampled_from(PEOPLE).map(lambda p: {"is_bot": False, **p}), max_size=2),
    "document": st.fixed_dictionaries({"file_id": st.text(max_size=10), "file_unique_id": st.just("u")}),
    "old_chat_member": st.sampled_from(["member", "left", "administrator", "kicked"]).map(
        lambda s: {"status": s, "user": {"id": 7000000001, "is_bot": True, "first_name": "bot"}}),
    "new_chat_member": st.sampled_from(["member", "left", "administrator", "kicked"]).map(
        lambda s: {"status": s, "user": {"id": 7000000001, "is_bot": True, "first_name": "bot"}}),
    "data": texts, "id": st.text(max_size=5), "chat_instance": st.just("x"),
})


@EXAMPLES
@given(kind=st.sampled_from(["message", "edited_message", "channel_post", "my_chat_member", "chat_member",
                             "callback_query", "poll", "unknown_kind"]), body=shapes)
async def test_arbitrary_update_shapes(served: RunningBot, kind: str, body: dict[str, Any]) -> None:
    await feed(served, {kind: body})
    await consistent(served)

