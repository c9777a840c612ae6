"""`python -m bot sandbox`: try the bot without a Telegram token.

Starts the local Bot API server (``bot.sandbox.localapi``, the one the tests use) on 127.0.0.1, the real bot
against it with a temporary database, and a terminal in which you speak in a group as an admin, an
enterprise or a liaison of any party. You see what the group would see, as it arrives — an edited message is
shown again whole with its new buttons; buttons are pressed by number. The files the bot sends are kept in
./sandbox-files/; the database is thrown away on exit.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from telegram import Update

from bot import texts
from bot.app import build_application
from bot.context import Services
from bot.domain import Refusal
from bot.sandbox.localapi import Call, LocalBotApi
from bot.settings import Settings
from nlp.router import Router

TOKEN = "100000001:SANDBOX-token-for-the-local-bot-api"
GROUP = -1000000000001
ADMIN_ID = 1001
ADMIN: dict[str, Any] = {"id": ADMIN_ID, "first_name": texts.SANDBOX_ADMIN_NAME[0],
                         "last_name": texts.SANDBOX_ADMIN_NAME[1]}
ENTERPRISE: dict[str, Any] = {"id": 3001, "first_name": texts.SANDBOX_ENTERPRISE_NAME[0],
                              "last_name": texts.SANDBOX_ENTERPRISE_NAME[1]}
FILES = "sandbox-files"  # under the working directory: the files the bot sent, kept after the sandbox quits
SETTLE_SECONDS = 30.0  # how long a typed line may keep the bot busy before the prompt comes back anyway
CLEAR_LINE = "\r\x1b[K"


@dataclass(frozen=True)
class Button:
    chat: int
    message_id: int
    data: str


class LineReader:
    """Lines typed at the terminal, read in a daemon thread: the event loop goes on printing what the bot sends
    meanwhile. At a terminal ``input()`` with readline (line editing, history; what was typed so far can be
    shown again under a message that arrived); from a pipe, plain lines."""

    def __init__(self, stdin: TextIO, out: TextIO) -> None:
        self.stdin = stdin
        self.tty = stdin is sys.stdin and out is sys.stdout and stdin.isatty() and out.isatty()
        self.readline: ModuleType | None = None
        if self.tty:
            try:
                import readline
            except ImportError:  # pragma: no cover - every Linux Python has it
                pass
            else:
                self.readline = readline

    async def read(self, prompt: str) -> str:
        """The next line, with its newline; "" at the end of input."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()

        def deliver(line: str) -> None:
            if not future.done():
                future.set_result(line)

        def work() -> None:
            try:
                line = input(prompt) + "\n" if self.tty else self.stdin.readline()
            except (EOFError, OSError, ValueError):
                line = ""
            try:
                loop.call_soon_threadsafe(deliver, line)
            except RuntimeError:  # the loop is gone: the sandbox already quit
                pass

        threading.Thread(target=work, name="sandbox-input", daemon=True).start()
        return await future

    def typed(self) -> str:
        """What was typed on the pending line so far."""
        return self.readline.get_line_buffer() if self.readline is not None else ""


class Sandbox:
    def __init__(self, out: TextIO, files: Path, router: Router | None = None) -> None:
        self.out = out
        self.files = files.resolve()
        self.router = router
        self.api = LocalBotApi(TOKEN)
        self.persona: dict[str, Any] = ADMIN
        self.persona_label = texts.SANDBOX_ADMIN_LABEL
        self.liaisons: dict[str, dict[str, Any]] = {}  # party id → the liaison the sandbox plays
        self.buttons: dict[int, Button] = {}  # the buttons on screen now, by their number
        self.stale: dict[int, int] = {}  # number → the message whose edit took that button away
        self.next_button = 1
        self.seen = 0  # calls of the server already shown
        self.saved: list[Path] = []
        self.prompt: str | None = None  # shown and waiting for a line
        self.reader: LineReader | None = None
        self.awaiting_input = asyncio.Event()
        self.settle_seconds = SETTLE_SECONDS
        self.workdir = Path(tempfile.mkdtemp(prefix="matchbot-sandbox-"))  # the throwaway database
        self._watcher: asyncio.Task[None] | None = None

    # --- running ----------------------------------------------------------------------------

    async def start(self) -> None:
        await self.api.start()
        settings = Settings(bot_token=TOKEN, bot_api_url=self.api.base_url,
                            database_path=self.workdir / "sandbox.sqlite3", admin_ids=frozenset({ADMIN_ID}),
                            timezone=ZoneInfo("Asia/Shanghai"), log_level="WARNING")
        self.app = build_application(settings, router=self.router)
        await self.app.initialize()
        await self.app.post_init(self.app)  # type: ignore[misc]
        await self.app.updater.start_polling(poll_interval=0, timeout=1,  # type: ignore[union-attr]
                                             allowed_updates=Update.ALL_TYPES)
        await self.app.start()
        self.api.chat(GROUP, title=texts.SANDBOX_GROUP_TITLE)
        self.print(texts.sandbox_welcome(self.persona_label, self.files))
        self.print(texts.SANDBOX_HELP)
        await self.api.member_change(GROUP, ADMIN, "left", "member")
        await self.show()
        self._watcher = asyncio.create_task(self.watch(), name="sandbox-watcher")

    async def stop(self) -> None:
        await self.settle()
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.gather(self._watcher, return_exceptions=True)
        self.drain()
        await self.app.updater.stop()  # type: ignore[union-attr]
        await self.app.stop()
        await self.app.post_shutdown(self.app)  # type: ignore[misc]
        await self.app.shutdown()
        await self.api.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    @property
    def services(self) -> Services:
        services = self.app.bot_data.services
        assert services is not None, "the sandbox's bot has not started"
        return services

    async def settle(self) -> None:
        """Until what was typed was fetched and handled, and everything it made the bot send went out
        (every message leaves through the outbox; a chart is drawn before the handler returns). A handler
        slower than ``settle_seconds`` gives the prompt back: its replies are printed when they arrive."""
        try:
            async with asyncio.timeout(self.settle_seconds):
                await self.api.wait_confirmed(timeout=self.settle_seconds)
                await self.app.update_queue.join()
                await self.services.courier.idle()
        except TimeoutError:
            self.print(texts.SANDBOX_STILL_WORKING)

    async def converse(self, reader: LineReader) -> None:
        """Prompt, read a line, act on it, until /quit or the end of input."""
        self.reader = reader
        while True:
            prompt = f"{self.persona_label}> "
            self.out.write("\n" if reader.tty else f"\n{prompt}")
            self.out.flush()
            self.prompt = prompt
            self.awaiting_input.set()
            try:
                line = await reader.read(prompt)
            finally:
                self.prompt = None
                self.awaiting_input.clear()
            if not line or not await self.handle(line):
                return

    async def watch(self) -> None:
        """Print what the bot sends as it arrives, also while the terminal waits for a line (a notice, a late reply)."""
        while True:
            try:
                await self.api.wait_until(lambda: len(self.api.calls) > self.seen, timeout=3600)
            except TimeoutError:
                continue
            self.drain()

    # --- one line of input --------------------------------------------------------------------

    async def handle(self, line: str) -> bool:
        """False to quit."""
        line = line.strip()
        if not line:
            return True
        if line in texts.SANDBOX_QUIT:
            return False
        if line in ("/sandbox", "/?"):
            self.print(texts.SANDBOX_HELP)
            return True
        words = line.split(maxsplit=2)
        if words[0] == "/as":
            await self.switch(words[1:])
        elif words[0] == "/press":
            await self.press(words[1] if len(words) > 1 else "")
        elif words[0] == "/reply" and len(words) == 3 and words[1].isdigit():
            self.sent(await self.api.send_text(GROUP, self.persona, words[2], reply_to=int(words[1])))
        elif words[0] == "/private" and len(words) >= 2:
            await self.api.send_text(int(self.persona["id"]), self.persona, line.split(maxsplit=1)[1])
        else:
            self.sent(await self.api.send_text(GROUP, self.persona, line))
        await self.show()
        return True

    def sent(self, message: dict[str, Any]) -> None:
        """Say which number the person's own group message got, so that others can /reply to it."""
        if not str(message.get("text", "")).startswith("/"):
            self.print(texts.sandbox_sent(int(message["message_id"])))

    async def switch(self, args: list[str]) -> None:
        role = args[0] if args else ""
        if role == "admin":
            self.persona, self.persona_label = ADMIN, texts.SANDBOX_ADMIN_LABEL
        elif role == "enterprise":
            self.persona, self.persona_label = ENTERPRISE, texts.SANDBOX_ENTERPRISE_LABEL
        elif role in ("liaison", "member") and len(args) == 2:
            query = args[1].strip()
            found = await self.services.cases.parties.find(query)
            party = found.party
            if party is None:
                if found.refusal is Refusal.PARTY_AMBIGUOUS:
                    self.print(texts.sandbox_ambiguous_party(query, found.matches))
                else:
                    self.print(texts.sandbox_unknown_party(query, await self.services.cases.parties.enabled()))
                return
            if party.id not in self.liaisons:
                user_id = 2000 + len(self.liaisons) + 1
                user = {"id": user_id, "first_name": party.id, "last_name": texts.SANDBOX_LIAISON_SURNAME}
                self.api.add_user(user)
                self.print(texts.sandbox_auto_bind(user_id, party.id))
                await self.api.send_text(GROUP, ADMIN, f"/bind {user_id} {party.id}")
                await self.show()
                self.liaisons[party.id] = user
            self.persona, self.persona_label = self.liaisons[party.id], texts.sandbox_liaison_label(party)
        else:
            self.print(texts.SANDBOX_AS_USAGE)
            return
        self.print(texts.sandbox_you_are(self.persona_label))

    async def press(self, which: str) -> None:
        number = int(which) if which.isdigit() else 0
        if number in self.stale:
            self.print(texts.sandbox_stale_button(number, self.stale[number]))
            return
        button = self.buttons.get(number)
        if button is None:
            self.print(texts.SANDBOX_NO_BUTTON)
            return
        await self.api.press(button.chat, self.persona, button.message_id, button.data)

    # --- output ---------------------------------------------------------------------------------

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def show(self) -> None:
        await self.settle()
        self.drain()

    def drain(self) -> None:
        """Print the calls not yet shown. When the terminal is waiting for a line, the prompt (and what was
        typed after it) is cleared first and drawn again below the bot's messages."""
        calls, self.seen = self.api.calls[self.seen:], len(self.api.calls)
        shown = [text for text in (self.render(call) for call in calls if call.status == 200) if text is not None]
        if not shown:
            return
        if self.prompt is not None:
            self.out.write(CLEAR_LINE if self.out.isatty() else "\n")
        self.out.write("\n".join(shown) + "\n")
        if self.prompt is not None:
            self.out.write(self.prompt + (self.reader.typed() if self.reader is not None else ""))
        self.out.flush()

    def render(self, call: Call) -> str | None:
        p = call.params
        chat = int(p.get("chat_id", GROUP))
        to = self.private_name(chat)
        if call.method == "sendMessage":
            message_id = int(call.result["message_id"]) if isinstance(call.result, dict) else None
            return (f"{texts.sandbox_message_head(to, message_id)}: " + indent(plain(str(p.get("text", ""))))
                    + self.keyboard(chat, message_id, p.get("reply_markup")))
        if call.method in ("editMessageText", "editMessageReplyMarkup"):
            # Shown again whole, marked edited, with its new buttons (numbered anew; the old numbers go stale).
            message_id = int(p["message_id"]) if "message_id" in p else None
            message = call.result if isinstance(call.result, dict) else {}
            text = plain(str(p["text"])) if "text" in p else str(message.get("text", ""))
            had_buttons = any((b.chat, b.message_id) == (chat, message_id) for b in self.buttons.values())
            buttons = self.keyboard(chat, message_id, p.get("reply_markup"))
            if not buttons and had_buttons:
                buttons = "\n    " + texts.SANDBOX_BUTTONS_REMOVED
            return f"{texts.sandbox_edited_head(to, message_id)}: " + indent(text) + buttons
        if call.method == "setMessageReaction":
            emoji = "".join(str(r.get("emoji", "")) for r in p.get("reaction") or [] if isinstance(r, dict))
            return texts.sandbox_reaction(int(p.get("message_id", 0)), emoji)
        if call.method == "answerCallbackQuery" and p.get("text"):
            return texts.sandbox_alert(plain(str(p["text"])))
        if call.method in ("sendPhoto", "sendDocument"):
            upload = p.get("photo") or p.get("document") or {}
            name = str(upload.get("filename", "file")) if isinstance(upload, dict) else "file"
            data = upload.get("data", b"") if isinstance(upload, dict) else b""
            path = self.save(name, bytes(data))
            return texts.sandbox_file(to, call.method == "sendPhoto", name, path, plain(str(p.get("caption", ""))))
        return None

    def private_name(self, chat: int) -> str | None:
        """None for the group; for a private chat, the person's name as Telegram shows it."""
        if chat == GROUP:
            return None
        user = self.api.users.get(chat, {})
        return " ".join(str(user[k]) for k in ("first_name", "last_name") if user.get(k)) or str(chat)

    def save(self, name: str, data: bytes) -> Path:
        """Keep a file the bot sent in the files folder, never over an earlier one."""
        self.files.mkdir(parents=True, exist_ok=True)
        base = Path(Path(name).name or "file")
        path, copy = self.files / base, 2
        while path.exists():
            path, copy = self.files / f"{base.stem}-{copy}{base.suffix}", copy + 1
        path.write_bytes(data)
        self.saved.append(path)
        return path

    def keyboard(self, chat: int, message_id: int | None, markup: Any) -> str:
        """The message's buttons, numbered for /press; a message's earlier buttons are gone (Telegram shows only
        the current keyboard), so their numbers go stale."""
        if message_id is None:
            return ""
        for number, button in list(self.buttons.items()):
            if (button.chat, button.message_id) == (chat, message_id):
                del self.buttons[number]
                self.stale[number] = message_id
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        labels = []
        for row in rows:
            for button in row:
                if "callback_data" not in button:
                    continue
                self.buttons[self.next_button] = Button(chat, message_id, str(button["callback_data"]))
                labels.append(f"({self.next_button}){button['text']}")
                self.next_button += 1
        return ("\n    " + " ".join(labels)) if labels else ""


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def indent(text: str) -> str:
    return text.replace("\n", "\n    ")


async def run(stdin: TextIO = sys.stdin, out: TextIO = sys.stdout, files: Path | None = None,
              router: Router | None = None) -> int:
    sandbox = Sandbox(out, files if files is not None else Path.cwd() / FILES, router)
    await sandbox.start()
    try:
        await sandbox.converse(LineReader(stdin, out))
    finally:
        await sandbox.stop()
    out.write(texts.sandbox_goodbye(len(sandbox.saved), sandbox.files))
    out.flush()
    return 0


def main() -> int:
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    try:
        return asyncio.run(run())
    except KeyboardInterrupt:  # Ctrl-C: the files are already saved; no traceback for it
        sys.stdout.write("\n")
        return 130
