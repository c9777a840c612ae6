"""Duplicates and 附议: the hint on a new need's card, its buttons, the co-requesters, /merge and /unmerge."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.domain import Need, Person, Refusal
from bot.domain.duplicates import DuplicateHint
from bot.texts.format import mention

__all__ = ["BUTTON_SECOND", "BUTTON_NOT_SAME", "BUTTON_UNMERGE", "TOAST_SECONDED", "TOAST_NOT_SAME",
           "TOAST_UNMERGED", "MERGE_USAGE", "UNMERGE_USAGE", "DUPLICATE_REFUSALS", "hint_line", "seconds_line",
           "merged_line", "merged_status", "co_requesters_line", "seconded", "merged", "unmerged"]

BUTTON_SECOND = "附议 #{number}"
BUTTON_NOT_SAME = "不是同一件事"
BUTTON_UNMERGE = "撤销合并"
TOAST_SECONDED = "已附议"
TOAST_NOT_SAME = "已记录：不是同一件事"
TOAST_UNMERGED = "已撤销合并"
MERGE_USAGE = ("用法：/merge 需求编号 并入的需求编号，例如 /merge 13 12"
               "（把 #13 合并到 #12，#13 的提出人成为 #12 的附议方）")
UNMERGE_USAGE = "用法：/unmerge 需求编号，例如 /unmerge 13（撤销合并，#13 重新作为独立需求办理）"

DUPLICATE_REFUSALS = {
    Refusal.NOT_HINT_AUTHOR: "只有提出这条需求的企业可以选择附议或“不是同一件事”。",
    Refusal.HINT_GONE: "这条提示已经处理过了。",
    Refusal.MERGE_SAME: "不能把一条需求合并到它自己。",
    Refusal.MERGE_INTO_MERGED: "要并入的需求本身已合并到另一条需求，请合并到那一条。",
    Refusal.MERGE_HAS_RECORDS: "这条需求已有承诺或成果，合并后它们会从统计中消失，不能合并。",
    Refusal.MERGE_HAS_SECONDS: "已有其他需求合并到这条需求，请先用 /unmerge 撤销那些合并。",
    Refusal.MERGE_OTHER_CHAT: "只能合并同一对接群的需求。",
    Refusal.NOT_MERGED: "这条需求没有被合并，无需撤销。",
}


def _number(need: Need, here: int) -> str:
    """" #12" (after 与 / 到), or "另一对接群的 #12"."""
    return f" #{need.number}" if need.chat_id == here else f"另一对接群的 #{need.number}"


def hint_line(hint: DuplicateHint, chat_id: int) -> str:
    """On the new need's card while its author has not answered."""
    return (f"🔁 可能与{_number(hint.similar_to, chat_id)} 相同：提出人可点「附议」并入该需求，"
            f"或点「{BUTTON_NOT_SAME}」。")


def seconds_line(co_requesters: Sequence[Person]) -> str:
    """On the card of a need others seconded."""
    return f"附议 {len(co_requesters)} 家"


def merged_status(into: Need, chat_id: int) -> str:
    return f"已合并到{_number(into, chat_id)}（附议）"


def merged_line(into: Need, chat_id: int) -> str:
    return f"状态：{merged_status(into, chat_id)}，不单独计入统计"


def co_requesters_line(co_requesters: Sequence[Person]) -> str:
    """/status: who seconded the need."""
    names = "、".join(escape(p.display_name or str(p.user_id)) for p in co_requesters)
    return f"<b>附议</b>：{len(co_requesters)} 家（{names}）"


def seconded(need: Need, into: Need, author: Person) -> str:
    return (f"🤝 {mention(author)} 附议需求 #{into.number}：需求 #{need.number} 已并入 #{into.number}，"
            f"办结后双方都会收到评价邀请。")


def merged(need: Need, into: Need) -> str:
    return (f"🔗 需求 #{need.number} 已合并到 #{into.number}，#{need.number} 的提出人成为 #{into.number} 的附议方。"
            f"如合并有误，可点「{BUTTON_UNMERGE}」或发送 /unmerge {need.number}。")


def unmerged(need: Need, into: Need) -> str:
    return f"↩️ 已撤销合并：需求 #{need.number} 不再并入 #{into.number}，重新作为独立需求办理。"

