"""The local Bot API server speaks the real wire: PTB's own Bot and plain HTTP clients agree."""

from __future__ import annotations

import asyncio
import io
import json

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.request import HTTPXRequest

from bot.sandbox.localapi import LocalBotApi
from tests.conftest import ADMIN, GROUP, TOKEN


@pytest.fixture
async def client(api: LocalBotApi):  # type: ignore[no-untyped-def]
    bot = Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest(httpx_kwargs={"trust_env": False}))
    async with bot:
        yield bot


async def test_form_and_json_bodies(api: LocalBotApi) -> None:
    async with httpx.AsyncClient(trust_env=False) as http:
        keyboard = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]})
        form = await http.post(f"{api.base_url}{TOKEN}/sendMessage",
                               data={"chat_id": str(GROUP), "text": "你好", "reply_markup": keyboard})
        body = await http.post(f"{api.base_url}{TOKEN}/sendMessage", json={"chat_id": GROUP, "text": "再见"})
        wrong = await http.post(f"{api.base_url}123:wrong/getMe")
        missing = await http.post(f"{api.base_url}{TOKEN}/noSuchMethod")
    assert form.json()["ok"] and form.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "a"
    assert body.json()["result"]["text"] == "再见" and body.json()["result"]["message_id"] == 2
    assert wrong.status_code == 401 and missing.status_code == 404
    assert [c.params["text"] for c in api.sent("sendMessage")] == ["你好", "再见"]


async def test_errors_map_to_ptb_exceptions(api: LocalBotApi, client: Bot) -> None:
    with pytest.raises(BadRequest, match="too long"):
        await client.send_message(GROUP, "长" * 4097)
    await client.send_message(GROUP, "长" * 4096)
    with pytest.raises(BadRequest, match="empty"):
        await client.send_message(GROUP, "   ")
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await client.send_message(GROUP, "x", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("按钮", callback_data="数" * 22)]]))
    api.blocked_chats.add(ADMIN["id"])
    with pytest.raises(Forbidden):
        await client.send_message(ADMIN["id"], "hi")
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(RetryAfter) as raised:
        await client.send_message(GROUP, "hi")
    assert "7" in str(raised.value)
    with pytest.raises(BadRequest, match="not found"):
        await client.edit_message_text("x", chat_id=GROUP, message_id=999)
    sent = await client.send_message(GROUP, "原文")
    with pytest.raises(BadRequest, match="not modified"):
        await client.edit_message_text("原文", chat_id=GROUP, message_id=sent.message_id)
    edited = await client.edit_message_text("新文", chat_id=GROUP, message_id=sent.message_id)
    assert edited.text == "新文"  # type: ignore[union-attr]
    request = HTTPXRequest(httpx_kwargs={"trust_env": False})
    bad = Bot("999:nope_nope_nope_nope", base_url=api.base_url, request=request)
    try:
        with pytest.raises(InvalidToken):
            await bad.get_me()
    finally:
        await request.shutdown()


async def test_uploads_members_and_commands(api: LocalBotApi, client: Bot) -> None:
    api.admins[GROUP] = [ADMIN["id"]]
    api.add_user(ADMIN)
    doc = await client.send_document(GROUP, io.BytesIO(b"a,b\n1,2\n"), filename="needs.csv", caption="导出")
    photo = await client.send_photo(GROUP, io.BytesIO(b"\x89PNG fake"), caption="图")
    assert doc.document is not None and doc.document.file_name == "needs.csv" and doc.caption == "导出"
    assert photo.photo
    upload = api.sent("sendDocument")[0].params["document"]
    assert upload["filename"] == "needs.csv" and upload["data"] == b"a,b\n1,2\n"
    admins = await client.get_chat_administrators(GROUP)
    assert [a.user.id for a in admins] == [ADMIN["id"]]
    member = await client.get_chat_member(GROUP, ADMIN["id"])
    assert member.status == "administrator" and member.user.full_name == "发改委 张处"
    assert await client.set_my_commands([("help", "帮助")])
    assert await client.answer_callback_query("1", text="ok")
    assert await client.edit_message_reply_markup(GROUP, doc.message_id, reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("a", callback_data="b")]]))


async def test_long_poll_honours_offset_and_timeout(api: LocalBotApi, client: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await client.get_updates(timeout=1) == ()
    assert loop.time() - started >= 0.9  # it really waited
    waiting = asyncio.create_task(client.get_updates(timeout=5))
    await api.wait_polling()  # the request is at the server, waiting
    await api.send_text(GROUP, ADMIN, "/needs")
    updates = await asyncio.wait_for(waiting, 3)
    assert len(updates) == 1 and updates[0].message.text == "/needs"  # type: ignore[union-attr]
    assert updates[0].message.entities[0].type == "bot_command"  # type: ignore[union-attr]
    # Not confirmed yet: delivered again; confirmed by a higher offset: gone for good.
    again = await client.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    await api.send_text(GROUP, ADMIN, "第二条")
    rest = await client.get_updates(offset=updates[0].update_id + 1, timeout=0)
    assert [u.message.text for u in rest] == ["第二条"]  # type: ignore[union-attr]
    assert await client.get_updates(offset=rest[0].update_id + 1, timeout=0) == ()


async def test_stop_answers_a_pending_long_poll_at_once(api: LocalBotApi, client: Bot) -> None:
    """A bot still long-polling (say, a killed `python -m bot`) does not hold the server's stop for its timeout."""
    waiting = asyncio.create_task(client.get_updates(timeout=30))
    await api.wait_polling()
    await asyncio.wait_for(api.stop(), 5)  # without the wake-up: 30 s
    assert await asyncio.wait_for(waiting, 5) == ()
    assert api.polls_waiting == 0
