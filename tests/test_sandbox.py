"""`python -m bot sandbox` driven through a pseudo-terminal, as a newcomer would use it."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Terminal:
    def __init__(self) -> None:
        self.master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "ADMIN_IDS", "DATABASE_PATH")}
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "sandbox"], stdin=slave, stdout=slave,
                                        stderr=slave, cwd=ROOT, env=env, close_fds=True)
        os.close(slave)
        self.output = ""

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
                    self.output += os.read(self.master, 65536).decode("utf-8", errors="replace")
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


def test_a_newcomer_tries_the_loop_in_the_sandbox() -> None:
    term = Terminal()
    try:
        term.expect(r"管理员 发改委 张处> ")
        term.send("我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持")
        card = term.expect(r"\(3\)已解决")
        assert "已登记需求 #1" in card and "牵头部门：交通运输局" in card
        card_id = re.search(r"助手 \[消息 (\d+)\]: 📌 已登记需求 #1", card)
        assert card_id is not None
        term.send("/as liaison transport")
        term.expect(r"你现在是 transport 的联络员。")
        term.send("/press 1")
        assert "已认领" in term.expect(r"已认领需求 #1")
        term.send(f"/reply {card_id.group(1)} 两周内开放测试路段")
        assert "已记录承诺 1" in term.expect(r"兑现后请发送 /done 1")
        term.send("/press 2")  # 转交: the card's buttons become the parties it could go to
        choices = term.expect(r"（按钮更新）:\s+\(\d+\)\S+[^\n]*\(\d+\)取消")
        assert "请选择更合适的承办单位" in choices
        term.send("/as admin")
        term.expect(r"你现在是 管理员")
        term.send("/report")
        chart = term.expect(r"\[图片 report\.png，已保存到 (\S+)\]")
        path = Path(re.findall(r"已保存到 (\S+)\]", chart)[-1])
        assert path.read_bytes()[:4] == b"\x89PNG"
        term.send("/quit")
        term.expect("沙盒已退出")
    finally:
        assert term.close() == 0
