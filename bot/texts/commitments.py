"""Promises: logged, dated, kept, reported, disputed, withdrawn, and the state one is in."""

from __future__ import annotations

from datetime import date
from html import escape

from bot.domain import Commitment, Need, Party
from bot.texts.format import day, mention_label, snippet

__all__ = ["commitment_logged", "due_set", "no_date_found", "commitment_done", "commitment_reported",
           "commitment_disputed", "commitment_cancelled", "commitment_state", "commitment_settled"]


def commitment_logged(commitment: Commitment, party: Party, number: int) -> str:
    head = (f"📝 已记录承诺 {commitment.id}（需求 #{number}，{escape(party.short_name)}）："
            f"{escape(snippet(commitment.text))}\n")
    if commitment.due_date:
        return head + f"到期日：{commitment.due_date.isoformat()}。兑现后请发送 /done {commitment.id}"
    return (head + "⚠️ 未识别到完成日期。请回复本消息告知日期（如“12月15日前”“两周内”），"
            f"或发送 /due {commitment.id} 日期。")


def due_set(commitment: Commitment, number: int) -> str:
    return f"📅 承诺 {commitment.id}（需求 #{number}）到期日已定为 {day(commitment.due_date)}。"


def no_date_found(commitment_id: int) -> str:
    return f"未能从这段话中识别出日期，请换个说法，例如 /due {commitment_id} 12月15日前。"


def commitment_done(commitment: Commitment, party: Party | None, number: int) -> str:
    who = escape(party.short_name) if party else ""
    return f"🎉 承诺 {commitment.id}（需求 #{number}，{who}）已兑现。"


def commitment_reported(commitment: Commitment, party: Party | None, need: Need) -> str:
    who = escape(party.short_name) if party else ""
    author = mention_label(need.author_id, need.author_name) if need.author_id else "需求方"
    return (f"📨 {who} 报告承诺 {commitment.id}（需求 #{need.number}）已兑现："
            f"{escape(snippet(commitment.text, 60))}\n请 {author} 或管理员确认。")


def commitment_disputed(commitment: Commitment, number: int) -> str:
    return (f"↩️ 需求方对承诺 {commitment.id}（需求 #{number}）的兑现有异议，承诺恢复为进行中；"
            "请联络员与需求方沟通。")


def commitment_cancelled(commitment: Commitment, number: int) -> str:
    return f"🚫 承诺 {commitment.id}（需求 #{number}）已撤回，不再提醒。"


def commitment_state(commitment: Commitment, today: date) -> str:
    if commitment.status == "done":
        return "已兑现"
    if commitment.status == "cancelled":
        return "已撤回"
    if commitment.status == "reported":
        return "已报告兑现，待确认"
    if commitment.due_date is None:
        return "待补日期"
    if commitment.due_date < today:
        return f"已逾期 {(today - commitment.due_date).days} 天"
    return "进行中"


def commitment_settled(commitment: Commitment) -> str:
    """Why a promise cannot be reported, confirmed or withdrawn now: the state it is actually in."""
    head = f"承诺 {commitment.id} "
    if commitment.status == "done":
        return head + "已兑现，无需再操作。"
    if commitment.status == "cancelled":
        return head + "已撤回，无需再操作。"
    if commitment.status == "reported":
        return head + "已报告兑现，正在等待需求方或管理员确认。"
    return head + "还在进行中，尚未报告兑现，没有需要确认的内容。"
