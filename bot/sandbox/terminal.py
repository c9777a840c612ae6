"""`python -m bot sandbox`: try the bot without a Telegram token.

Starts the local Bot API server (``bot.sandbox.localapi``, the one the tests use) on 127.0.0.1, the real bot
against it with a temporary database, and a terminal in which you speak in a group as an admin, an
enterprise or a liaison of any party. You see exactly what the group would see; buttons are pressed
by number. Everything is thrown away on exit.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from telegram import Update

from bot.app import build_application
from bot.sandbox.localapi import Call, LocalBotApi
from bot.settings import Settings

TOKEN = "100000001:SANDBOX-token-for-the-local-bot-api"
GROUP = -1000000000001
ADMIN_ID = 1001
ADMIN: dict[str, Any] = {"id": ADMIN_ID, "first_name": "发改委", "last_name": "张处"}
ENTERPRISE: dict[str, Any] = {"id": 3001, "first_name": "李总", "last_name": "（企业）"}
HELP = """沙盒命令 Sandbox commands:
  直接输入文字            以当前身份在群里发言（/need、/commit 等命令同样可用）
  /as admin               切换为管理员（发改委 张处）
  /as enterprise          切换为企业（李总）
  /as liaison <单位>      切换为某单位的联络员，例如 /as liaison transport（首次切换时由管理员自动绑定）
  /press <n>              点击按钮 n（按钮显示为 (n)认领）
  /reply <消息号> <文字>  回复机器人的某条消息，例如对需求卡片作出承诺：/reply 5 两周内开放测试路段
  /private <文字>         以当前身份私聊机器人
  /quit                   退出
"""


class Sandbox:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.api = LocalBotApi(TOKEN)
        self.persona: dict[str, Any] = ADMIN
        self.persona_label = "管理员 发改委 张处"
        self.liaisons: dict[str, dict[str, Any]] = {}
        self.buttons: list[tuple[int, int, str]] = []  # (chat, message id, callback data), numbered from 1
        self.seen = 0
        self.files = Path(tempfile.mkdtemp(prefix="matchbot-sandbox-"))

    # --- running ----------------------------------------------------------------------------

    async def start(self) -> None:
        await self.api.start()
        settings = Settings(bot_token=TOKEN, bot_api_url=self.api.base_url,
                            database_path=self.files / "sandbox.sqlite3", admin_ids=frozenset({ADMIN_ID}),
                            timezone=ZoneInfo("Asia/Shanghai"), log_level="WARNING")
        self.app = build_application(settings)
        await self.app.initialize()
        await self.app.post_init(self.app)  # type: ignore[misc]
        await self.app.updater.start_polling(poll_interval=0, timeout=1,  # type: ignore[union-attr]
                                             allowed_updates=Update.ALL_TYPES)
        await self.app.start()
        self.api.chat(GROUP, title="场景对接群（沙盒）")
        self.print("对接群助手 · 沙盒。你现在是 管理员 发改委 张处；管理员已把机器人拉进「场景对接群（沙盒）」。")
        self.print(HELP)
        await self.api.member_change(GROUP, ADMIN, "left", "member")
        await self.show()

    async def stop(self) -> None:
        await self.settle()
        await self.app.updater.stop()  # type: ignore[union-attr]
        await self.app.stop()
        await self.app.post_shutdown(self.app)  # type: ignore[misc]
        await self.app.shutdown()
        await self.api.stop()
        shutil.rmtree(self.files, ignore_errors=True)

    async def settle(self) -> None:
        """Until what was typed was fetched and handled, and everything it made the bot send went out
        (every message leaves through the outbox; a chart is drawn before the handler returns)."""
        await self.api.wait_confirmed()
        await self.app.update_queue.join()
        services = self.app.bot_data.services
        if services is not None:
            await services.courier.idle(timeout=60)

    # --- one line of input --------------------------------------------------------------------

    async def handle(self, line: str) -> bool:
        """False to quit."""
        line = line.strip()
        if not line:
            return True
        if line in ("/quit", "/exit", "退出"):
            return False
        if line in ("/sandbox", "/?"):
            self.print(HELP)
            return True
        words = line.split(maxsplit=2)
        if words[0] == "/as":
            await self.switch(words[1:] if len(words) > 1 else [])
        elif words[0] == "/press":
            await self.press(words[1] if len(words) > 1 else "")
        elif words[0] == "/reply" and len(words) == 3 and words[1].isdigit():
            await self.api.send_text(GROUP, self.persona, words[2], reply_to=int(words[1]))
        elif words[0] == "/private" and len(words) >= 2:
            await self.api.send_text(int(self.persona["id"]), self.persona, line.split(maxsplit=1)[1])
        else:
            await self.api.send_text(GROUP, self.persona, line)
        await self.show()
        return True

    async def switch(self, args: list[str]) -> None:
        role = args[0] if args else ""
        if role == "admin":
            self.persona, self.persona_label = ADMIN, "管理员 发改委 张处"
        elif role == "enterprise":
            self.persona, self.persona_label = ENTERPRISE, "企业 李总"
        elif role in ("liaison", "member") and len(args) == 2:
            party = args[1].split()[0]
            if party not in self.liaisons:
                user = {"id": 2000 + len(self.liaisons) + 1, "first_name": party, "last_name": "联络员"}
                self.api.add_user(user)
                self.print(f"（管理员自动绑定：/bind {user['id']} {party}）")
                await self.api.send_text(GROUP, ADMIN, f"/bind {user['id']} {party}")
                await self.show()
                self.liaisons[party] = user
            self.persona, self.persona_label = self.liaisons[party], f"{party} 的联络员"
        else:
            self.print("用法：/as admin | /as enterprise | /as liaison <单位id或名称>")
            return
        self.print(f"你现在是 {self.persona_label}。")

    async def press(self, which: str) -> None:
        if not which.isdigit() or not 1 <= int(which) <= len(self.buttons):
            self.print("没有这个按钮编号。")
            return
        chat, message_id, data = self.buttons[int(which) - 1]
        await self.api.press(chat, self.persona, message_id, data)

    # --- output ---------------------------------------------------------------------------------

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def show(self) -> None:
        await self.settle()
        for call in self.api.calls[self.seen:]:
            if call.status == 200:
                self.render(call)
        self.seen = len(self.api.calls)

    def render(self, call: Call) -> None:
        p = call.params
        where = "（私聊）" if str(p.get("chat_id", GROUP)) != str(GROUP) else ""
        if call.method in ("sendMessage", "editMessageText"):
            message_id = self._message_id(call)
            head = "助手" + where + (f" [消息 {message_id}]" if message_id else "")
            if call.method == "editMessageText":
                head += "（更新）"
            self.print(f"{head}: " + plain(str(p.get("text", ""))).replace("\n", "\n    ")
                       + self.keyboard(p, message_id))
        elif call.method == "editMessageReplyMarkup":  # the buttons of a message changed (e.g. 转交's choices)
            message_id = self._message_id(call)
            buttons = self.keyboard(p, message_id)
            self.print(f"助手{where} [消息 {message_id}]（按钮更新）:" + (buttons or " 按钮已移除"))
        elif call.method == "answerCallbackQuery" and p.get("text"):
            self.print(f"  （按钮提示）{plain(str(p['text']))}")
        elif call.method in ("sendPhoto", "sendDocument"):
            upload = p.get("photo") or p.get("document") or {}
            name = upload.get("filename", "file") if isinstance(upload, dict) else "file"
            path = self.files / name
            if isinstance(upload, dict) and "data" in upload:
                path.write_bytes(upload["data"])
            caption = plain(str(p.get("caption", "")))
            kind = "图片" if call.method == "sendPhoto" else "文件"
            self.print(f"助手{where}: [{kind} {name}，已保存到 {path}] {caption}")

    def _message_id(self, call: Call) -> int | None:
        if call.method in ("editMessageText", "editMessageReplyMarkup"):
            return int(call.params["message_id"]) if "message_id" in call.params else None
        return int(call.result["message_id"]) if isinstance(call.result, dict) else None

    def keyboard(self, params: dict[str, Any], message_id: int | None) -> str:
        markup = params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        labels = []
        for row in rows:
            for button in row:
                if message_id is None or "callback_data" not in button:
                    continue
                self.buttons.append((int(params.get("chat_id", GROUP)), message_id, button["callback_data"]))
                labels.append(f"({len(self.buttons)}){button['text']}")
        return ("\n    " + " ".join(labels)) if labels else ""


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


async def run(stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    sandbox = Sandbox(out)
    await sandbox.start()
    loop = asyncio.get_running_loop()
    try:
        while True:
            out.write(f"\n{sandbox.persona_label}> ")
            out.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:  # end of input
                break
            if not await sandbox.handle(line):
                break
    finally:
        await sandbox.stop()
    out.write("沙盒已退出，临时数据已丢弃。\n")
    return 0


def main() -> int:
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    return asyncio.run(run())
