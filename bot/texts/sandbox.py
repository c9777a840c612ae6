"""What the developer's sandbox (`python -m bot sandbox`) says in the terminal: its help, the people it plays,
and how it shows what the bot sent (messages, edits, buttons, files)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.domain import Party

__all__ = ["SANDBOX_HELP", "SANDBOX_ADMIN_NAME", "SANDBOX_ENTERPRISE_NAME", "SANDBOX_ADMIN_LABEL",
           "SANDBOX_ENTERPRISE_LABEL", "SANDBOX_LIAISON_SURNAME", "SANDBOX_GROUP_TITLE", "SANDBOX_AS_USAGE",
           "SANDBOX_NO_BUTTON", "SANDBOX_BOT", "SANDBOX_BUTTONS_REMOVED", "SANDBOX_STILL_WORKING",
           "SANDBOX_QUIT", "sandbox_welcome", "sandbox_liaison_label", "sandbox_auto_bind", "sandbox_you_are",
           "sandbox_stale_button", "sandbox_unknown_party", "sandbox_ambiguous_party", "sandbox_message_head",
           "sandbox_edited_head", "sandbox_alert", "sandbox_reaction", "sandbox_file", "sandbox_goodbye",
           "sandbox_sent"]

SANDBOX_HELP = """沙盒命令 Sandbox commands:
  直接输入文字            以当前身份在群里发言（/need、/commit 等命令同样可用）
  /as admin               切换为管理员（发改委 张处）
  /as enterprise          切换为企业（李总）
  /as liaison <单位>      切换为某单位的联络员，单位写 id 或名称，例如 /as liaison transport 或 /as liaison 交通局
                          （首次切换时由管理员自动绑定；/parties 列出全部单位）
  /press <n>              点击按钮 n（按钮显示为 (n)认领；消息被编辑后，请按新显示的编号）
  /reply <消息号> <文字>  回复机器人的某条消息，例如对需求卡片作出承诺：/reply 5 两周内开放测试路段
  /private <文字>         以当前身份私聊机器人
  /quit                   退出（机器人发出的文件会保留）
"""
# The people the sandbox plays: (first name, last name) as Telegram shows them, and the prompt's label.
SANDBOX_ADMIN_NAME = ("发改委", "张处")
SANDBOX_ENTERPRISE_NAME = ("企业", "李总")  # shown "企业 李总", like "发改委 张处"
SANDBOX_ADMIN_LABEL = "管理员 发改委 张处"
SANDBOX_ENTERPRISE_LABEL = "企业 李总"
SANDBOX_LIAISON_SURNAME = "联络员"  # a liaison is "<party id> 联络员"
SANDBOX_GROUP_TITLE = "场景对接群（沙盒）"
SANDBOX_AS_USAGE = "用法：/as admin | /as enterprise | /as liaison <单位id或名称>"
SANDBOX_NO_BUTTON = "没有这个按钮编号。"
SANDBOX_BOT = "助手"
SANDBOX_BUTTONS_REMOVED = "（按钮已移除）"
SANDBOX_QUIT = ("/quit", "/exit", "退出")  # what the user may type to leave
SANDBOX_STILL_WORKING = "（机器人仍在处理，回复到达时会显示在这里。）"


def sandbox_welcome(label: str, files: Path) -> str:
    return (f"对接群助手 · 沙盒。你现在是 {label}；管理员已把机器人拉进「{SANDBOX_GROUP_TITLE}」。\n"
            f"机器人发出的文件（报告图表、导出表格）保存到 {files}，退出后保留；数据库是临时的，退出即丢弃。")


def sandbox_liaison_label(party: Party) -> str:
    return f"{party.short_name} 的联络员"


def sandbox_auto_bind(user_id: int, party_id: str) -> str:
    return f"（管理员自动绑定：/bind {user_id} {party_id}）"


def sandbox_you_are(label: str) -> str:
    return f"你现在是 {label}。"


def sandbox_stale_button(number: int, message_id: int) -> str:
    return f"按钮 ({number}) 已失效：消息 {message_id} 已编辑，请按它新显示的编号。"


def _party_list(parties: Iterable[Party]) -> str:
    entries = [f"{p.id} {p.short_name}" for p in parties]
    return "\n".join("  " + "、".join(entries[i:i + 6]) for i in range(0, len(entries), 6))


def sandbox_unknown_party(query: str, parties: Iterable[Party]) -> str:
    return (f"名录中没有「{query}」这个单位，身份未切换。可用的单位（id 名称）：\n{_party_list(parties)}\n"
            "例如：/as liaison transport")


def sandbox_ambiguous_party(query: str, matches: Iterable[Party]) -> str:
    return f"「{query}」对应多个单位，身份未切换。请写得更具体，或写 id：\n{_party_list(matches)}"


def _where(private_to: str | None) -> str:
    """Nothing in the group; in a private chat, with whom."""
    return "" if private_to is None else f"（私聊 {private_to}）"


def sandbox_message_head(private_to: str | None, message_id: int | None) -> str:
    return SANDBOX_BOT + _where(private_to) + (f" [消息 {message_id}]" if message_id else "")


def sandbox_edited_head(private_to: str | None, message_id: int | None) -> str:
    """An edited message, as Telegram marks it: shown again whole, with its new buttons."""
    return f"{SANDBOX_BOT}{_where(private_to)} ✎ 已编辑 [消息 {message_id}]"


def sandbox_sent(message_id: int) -> str:
    return f"  （你的消息 {message_id}；回复它：/reply {message_id} 文字）"


def sandbox_reaction(message_id: int, emoji: str) -> str:
    return f"  （助手给消息 {message_id} 加了 {emoji}：已记入该需求的对话）"


def sandbox_alert(text: str) -> str:
    return f"  （按钮提示）{text}"


def sandbox_file(private_to: str | None, photo: bool, name: str, path: Path, caption: str) -> str:
    kind = "图片" if photo else "文件"
    return f"{SANDBOX_BOT}{_where(private_to)}: [{kind} {name}，已保存到 {path}] {caption}".rstrip()


def sandbox_goodbye(saved: int, files: Path) -> str:
    kept = f"机器人发出的 {saved} 个文件保留在 {files}。" if saved else "机器人没有发出文件。"
    return f"沙盒已退出，临时数据库已丢弃；{kept}\n"
