"""`python -m bot sandbox` driven through a pseudo-terminal, as a newcomer would use it."""

from __future__ import annotations

import ast
import asyncio
import codecs
import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import MessageHandler, filters

from bot.sandbox.terminal import GROUP, LineReader, Sandbox, run
from nlp.router import Router
from tests.test_texts import CJK, _docstrings

ROOT = Path(__file__).resolve().parents[1]


class Terminal:
    def __init__(self, cwd: Path = ROOT) -> None:
        self.master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "ADMIN_IDS", "DATABASE_PATH")}
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "sandbox"], stdin=slave, stdout=slave,
                                        stderr=slave, cwd=cwd, env=env, close_fds=True)
        os.close(slave)
        self.output = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # a read may split a character

    def expect(self, pattern: str, timeout: float = 60.0) -> str:
        """Read until ``pattern`` (a regex) appears in what was printed since the last match."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output)
            if match:
                seen, self.output = self.output[:match.end()], self.output[match.end():]
                return seen
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.output += self._decoder.decode(os.read(self.master, 65536))
                except OSError:
                    break
        raise AssertionError(f"{pattern!r} not seen; output so far:\n{self.output}")

    def send(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode("utf-8"))

    def close(self) -> int:
        try:
            return self.process.wait(timeout=30)
        finally:
            os.close(self.master)


def test_a_newcomer_tries_the_loop_in_the_sandbox(tmp_path: Path) -> None:
    term = Terminal(cwd=tmp_path)
    try:
        started = term.expect(r"管理员 发改委 张处> ")
        assert f"保存到 {tmp_path / 'sandbox-files'}，退出后保留" in started
        term.send("我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持")
        card = term.expect(r"\(3\)已解决")
        assert "已登记需求 #1" in card and "牵头部门：交通运输局" in card
        card_id = re.search(r"助手 \[消息 (\d+)\]: 📌 已登记需求 #1", card)
        assert card_id is not None
        term.send("/as liaison 不存在的单位")
        assert "你现在是" not in term.expect(r"身份未切换[^>]*> ")
        term.send("/as liaison transport")
        term.expect(r"你现在是 交通运输局 的联络员。")
        term.send("/press 1")
        claimed = term.expect(r"已认领需求 #1")
        assert f"✎ 已编辑 [消息 {card_id.group(1)}]" in claimed
        term.send(f"/reply {card_id.group(1)} 两周内开放测试路段")
        promised = term.expect(r"承诺1项[^>]*\(\d+\)不是需求")  # the confirmation, then the card edited again
        assert "已记录承诺 1" in promised
        term.send(f"/press {numbered(promised, '转交')}")  # the card's buttons become the parties it could go to
        choices = term.expect(r"✎ 已编辑 \[消息 \d+\]: 📌[^>]*\(\d+\)\S+[^\n]*\((\d+)\)取消")
        assert "请选择更合适的承办单位" in choices
        term.send("/as admin")
        term.expect(r"你现在是 管理员")
        term.send("/report")
        chart = term.expect(r"\[图片 report\.png，已保存到 (\S+)\]")
        path = Path(re.findall(r"已保存到 (\S+)\]", chart)[-1])
        assert path.parent == tmp_path / "sandbox-files"
        term.send("/quit")
        quit_ = term.expect("沙盒已退出[^\n]*个文件保留在")
        # The sandbox runs on the real clock: a weekly report (or monthly list) due now goes out too, with its files.
        kept = int(re.findall(r"(\d+) 个文件保留在", quit_)[-1])
        assert kept >= 1 and kept == len(list((tmp_path / "sandbox-files").iterdir()))
    finally:
        assert term.close() == 0
    assert path.read_bytes()[:4] == b"\x89PNG"  # kept after the sandbox quit


# --- the sandbox in this process: what it prints for each thing a user does -----------------------------------


class Screen(io.StringIO):
    """What the sandbox printed; a terminal when ``tty`` (the prompt is redrawn in place)."""

    def __init__(self, tty: bool = False) -> None:
        super().__init__()
        self.tty = tty
        self.wrote = asyncio.Event()

    def write(self, text: str) -> int:
        self.wrote.set()
        return super().write(text)

    def isatty(self) -> bool:
        return self.tty

    def since(self, mark: int) -> str:
        return self.getvalue()[mark:]


async def printed(screen: Screen, text: str, timeout: float = 10.0) -> None:
    """Until the sandbox has printed `text` (it prints from its own task)."""
    async with asyncio.timeout(timeout):
        while text not in screen.getvalue():
            screen.wrote.clear()
            await screen.wrote.wait()


@pytest.fixture
async def sandbox(tmp_path: Path, router: Router) -> AsyncIterator[Sandbox]:
    box = Sandbox(Screen(), tmp_path / "files", router)
    await box.start()
    yield box
    await box.stop()


async def say(box: Sandbox, line: str) -> str:
    """Type a line; what the sandbox printed for it."""
    assert isinstance(box.out, Screen)
    mark = len(box.out.getvalue())
    assert await box.handle(line)
    return box.out.since(mark)


def numbered(shown: str, label: str) -> int:
    """The number of the button called `label` in what was shown last."""
    return int(re.findall(rf"\((\d+)\){label}", shown)[-1])


async def test_an_edited_card_is_shown_whole_with_its_new_buttons_and_the_old_numbers_go_stale(
        sandbox: Sandbox) -> None:
    card = await say(sandbox, "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持")
    card_id = re.search(r"助手 \[消息 (\d+)\]: 📌 已登记需求 #1", card)
    assert card_id is not None
    await say(sandbox, "/as liaison transport")
    claimed = await say(sandbox, f"/press {numbered(card, '认领')}")
    edited = re.search(rf"助手 ✎ 已编辑 \[消息 {card_id.group(1)}\]: 📌 已登记需求 #1（场景开放）\n(.*\n)*?    \(\d+\)",
                       claimed)
    assert edited is not None and "✅已认领" in claimed, claimed

    calls = len(sandbox.api.calls)
    old_transfer = numbered(card, "转交")
    assert "已失效" in await say(sandbox, f"/press {old_transfer}")  # the card's first buttons are gone
    assert len(sandbox.api.calls) == calls  # and nothing was pressed

    choices = await say(sandbox, f"/press {numbered(claimed, '转交')}")  # the card's keyboard becomes the choices
    assert f"✎ 已编辑 [消息 {card_id.group(1)}]: 📌 已登记需求 #1" in choices and "内容：" in choices, choices
    options = re.findall(r"\((\d+)\)(\S+)", choices.rsplit("\n", 2)[-2])
    target = next((number, name) for number, name in options if name != "取消")
    reasons = await say(sandbox, f"/press {target[0]}")  # then why (the hand-over happens on that press)
    why = re.search(r"\((\d+)\)不属于本单位职责", reasons)
    assert why is not None and "请选择理由" in reasons, reasons
    handed = await say(sandbox, f"/press {why.group(1)}")
    assert f"转交给 {target[1]}（理由：不属于本单位职责）" in handed and f"牵头部门：{target[1]}" in handed, handed


async def test_an_edit_says_buttons_were_removed_only_when_there_were_some_and_private_chats_name_the_person(
        sandbox: Sandbox) -> None:
    bot, screen = sandbox.app.bot, sandbox.out
    assert isinstance(screen, Screen)
    mark = len(screen.getvalue())
    with_button = await bot.send_message(GROUP, "甲", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("确认", callback_data="x")]]))
    plain_one = await bot.send_message(GROUP, "乙")
    await bot.edit_message_text("甲（已处理）", chat_id=GROUP, message_id=with_button.message_id)
    await bot.edit_message_text("乙（改过）", chat_id=GROUP, message_id=plain_one.message_id)
    await printed(screen, "乙（改过）")
    shown = screen.since(mark)
    assert f"✎ 已编辑 [消息 {with_button.message_id}]: 甲（已处理）\n    （按钮已移除）" in shown
    assert shown.endswith(f"✎ 已编辑 [消息 {plain_one.message_id}]: 乙（改过）\n"), shown

    await say(sandbox, "/as enterprise")
    assert "助手（私聊 企业 李总） [消息 " in await say(sandbox, "/private /start")


async def test_an_unknown_party_is_refused_with_the_parties_to_choose_from(sandbox: Sandbox) -> None:
    shown = await say(sandbox, "/as liaison 不存在的单位")
    assert "名录中没有「不存在的单位」" in shown and "身份未切换" in shown and "transport 交通运输局" in shown
    assert "你现在是" not in shown and sandbox.persona_label == "管理员 发改委 张处"
    assert not [m for m in sandbox.api.messages.values() if "/bind" in m.get("text", "")]  # nobody was bound

    shown = await say(sandbox, "/as liaison 局")
    assert "对应多个单位" in shown and "身份未切换" in shown and "miit 工信局" in shown

    shown = await say(sandbox, "/as liaison 交通局")  # a name finds the party as /bind does
    assert "/bind 2001 transport" in shown and "你现在是 交通运输局 的联络员。" in shown
    shown = await say(sandbox, "/as liaison transport")  # the same liaison, not bound again
    assert "/bind" not in shown and sandbox.persona["id"] == 2001


async def test_the_files_the_bot_sends_are_kept_after_quitting_and_their_place_is_said(
        tmp_path: Path, router: Router) -> None:
    files = tmp_path / "kept"
    screen = Screen()
    typed = io.StringIO("/export\n/export\n/report\n/quit\n")
    assert await run(typed, screen, files, router) == 0
    out = screen.getvalue()
    assert f"保存到 {files}，退出后保留" in out  # said at start
    workbooks = re.findall(r"\[文件 matchmaking-\S+\.xlsx，已保存到 (\S+)\]", out)
    chart = re.findall(r"\[图片 report\.png，已保存到 (\S+)\]", out)
    assert len(workbooks) == 2 and workbooks[0] != workbooks[1] and len(chart) == 1  # the second did not overwrite
    for path in workbooks:
        assert Path(path).parent == files and Path(path).read_bytes()[:2] == b"PK"
    assert Path(chart[0]).read_bytes()[:4] == b"\x89PNG"
    # The sandbox runs on the real clock: a weekly report (or monthly list) due now goes out as well, with its files.
    sent = len(re.findall(r"\[(?:文件|图片) \S+，已保存到 ", out))
    assert sent >= 3 and out.endswith(f"机器人发出的 {sent} 个文件保留在 {files}。\n")


async def test_a_message_sent_while_waiting_for_input_is_printed_at_once_above_a_redrawn_prompt(
        sandbox: Sandbox) -> None:
    class Typing(LineReader):
        def typed(self) -> str:
            return "两周内"  # what the user had typed when the message came

    screen = sandbox.out
    assert isinstance(screen, Screen)
    screen.tty = True
    reading, writing = os.pipe()
    with os.fdopen(reading, encoding="utf-8") as stdin:
        talking = asyncio.create_task(sandbox.converse(Typing(stdin, screen)))
        await sandbox.awaiting_input.wait()
        mark = len(screen.getvalue())
        late = await sandbox.app.bot.send_message(GROUP, "⏰ 提醒：承诺 1 明天到期")  # a notice, nobody typed
        await printed(screen, "明天到期")
        assert screen.since(mark) == (f"\r\x1b[K助手 [消息 {late.message_id}]: ⏰ 提醒：承诺 1 明天到期\n"
                                      "管理员 发改委 张处> 两周内")
        os.write(writing, b"/quit\n")
        await talking
    os.close(writing)


async def test_a_slow_reply_gives_the_prompt_back_and_is_printed_when_it_arrives(sandbox: Sandbox) -> None:
    release = asyncio.Event()

    async def slow(update: Update, context: Any) -> None:
        await release.wait()
        await context.bot.send_message(GROUP, "慢慢来的回复")

    sandbox.app.add_handler(MessageHandler(filters.Regex("^慢一点$"), slow), group=-100)
    sandbox.settle_seconds = 0.3
    shown = await say(sandbox, "慢一点")
    assert "机器人仍在处理" in shown and "慢慢来的回复" not in shown
    release.set()
    assert isinstance(sandbox.out, Screen)
    await printed(sandbox.out, "慢慢来的回复")


def test_the_sandbox_says_nothing_in_chinese_outside_bot_texts() -> None:
    """Only the chat log's data keeps Chinese: the bot account's name and a group's default title."""
    data = {"对接群助手", "场景对接群"}
    found = []
    for path in (ROOT / "bot" / "sandbox").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        found += [f"{path.name}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                  and CJK.search(node.value) and node.value not in data]
    assert found == []


async def test_the_server_records_a_message_as_it_was_when_the_call_was_made(sandbox: Sandbox) -> None:
    """The sandbox shows a buttons-only edit with the message's text from the recorded call: a later edit must
    not rewrite what an earlier call recorded."""
    bot = sandbox.app.bot
    sent = await bot.send_message(GROUP, "第一版", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("甲", callback_data="a")]]))
    await bot.edit_message_reply_markup(GROUP, sent.message_id, reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("乙", callback_data="b")]]))
    await bot.edit_message_text("第二版", chat_id=GROUP, message_id=sent.message_id)
    markup_edit = sandbox.api.sent("editMessageReplyMarkup")[-1]
    assert markup_edit.result["text"] == "第一版"
    assert markup_edit.result["reply_markup"]["inline_keyboard"][0][0]["text"] == "乙"
