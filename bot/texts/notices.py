"""What the bot says unasked: reminders before a promise falls due, escalations of unclaimed needs, and
the admins' daily list of overdue promises."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape

from bot.domain import Commitment, Need
from bot.texts.format import day, fit, need_link, snippet
from bot.texts.names import NEED_TYPE_NAMES, NOBODY

__all__ = ["reminder", "escalation", "claim_reminder", "resolve_reminder", "resolve_escalation", "digest"]


def reminder(kind: str, commitment: Commitment, need: Need, liaison: str, today: date) -> str:
    when = "今天" if kind == "morning" else ("明天" if commitment.due_date == today + timedelta(days=1)
                                              else f"{day(commitment.due_date)}")
    return (f"⏰ 提醒 {liaison}：承诺 {commitment.id}（{need_link(need)}）{when}到期"
            f"（{day(commitment.due_date)}）：{escape(snippet(commitment.text, 60))}\n"
            f"兑现后请发送 /done {commitment.id}；如需延期，请在到期前点「申请延期」"
            f"或发送 /extend {commitment.id} 新日期 理由，由管理员审批。")


def escalation(need: Need, chat_title: str, days: int, lead: str | None, routed: list[str]) -> str:
    """The admins' 督办 when the 签收 limit runs out: the lead has not claimed the need (or it still awaits one)."""
    names = "、".join(escape(n) for n in routed) or NOBODY
    if lead is None:
        head = (f"🚨 督办：{escape(chat_title)} 的{need_link(need)} 发布已超过 {days} 个工作日，"
                "仍未确定牵头单位、无人认领。")
        ask = "请用 /triage 分派牵头单位。"
    else:
        head = (f"🚨 督办：{escape(chat_title)} 的{need_link(need)} 已超过签收时限（{days} 个工作日），"
                f"牵头单位 {escape(lead)} 仍未认领。")
        ask = "请督促牵头单位签收，或用 /route 改派。"
    return f"{head}\n需求：{escape(snippet(need.text, 80))}\n已分派：{names}\n{ask}"


def resolve_reminder(need: Need, lead: str, liaisons: list[str], days: int, deadline: datetime, today: date) -> str:
    """The lead's liaisons, the working day before the 办结 limit."""
    when = ("今天" if deadline.date() == today else "明天" if deadline.date() == today + timedelta(days=1)
            else day(deadline.date())) + f" {deadline:%H:%M}"
    who = " ".join(liaisons) or escape(lead)
    return (f"⏰ 办结提醒 {who}：{need_link(need)}（{NEED_TYPE_NAMES.get(need.need_type, need.need_type)}，办结时限 "
            f"{days} 个工作日）将于{when}到期，请抓紧办理；办结后点需求卡片上的「已解决」，由提出企业评价。\n"
            f"需求：{escape(snippet(need.text, 60))}")


def resolve_escalation(need: Need, chat_title: str, lead: str, days: int, deadline: datetime) -> str:
    """The admins' 督办 when the 办结 limit has passed and the need is still open."""
    return (f"🚨 督办：{escape(chat_title)} 的{need_link(need)} 已超过办结时限（{days} 个工作日，"
            f"{deadline:%m月%d日 %H:%M}），牵头单位 {escape(lead)} 仍未办结。\n需求：{escape(snippet(need.text, 80))}\n"
            f"请督促牵头单位办理，或用 /route 改派。")


def claim_reminder(need: Need, lead: str, liaisons: list[str], deadline: datetime, today: date) -> str:
    """The lead's liaisons, before the 签收 limit runs out."""
    when = ("今天" if deadline.date() == today else "明天" if deadline.date() == today + timedelta(days=1)
            else day(deadline.date())) + f" {deadline:%H:%M}"
    who = " ".join(liaisons) or escape(lead)
    return (f"⏰ 签收提醒 {who}：{need_link(need)} 由 {escape(lead)} 牵头，请在{when}前认领（签收时限）；"
            f"如不属于本单位职责，请点需求卡片上的「转交」并说明理由。\n需求：{escape(snippet(need.text, 60))}")


def digest(items: list[tuple[Need, Commitment, str, str]], today: date) -> str:
    """Admins' daily list: (need, commitment, party name, chat title) of every overdue commitment."""
    lines = [f"📋 逾期承诺日报（{today.isoformat()}，共 {len(items)} 条）"]
    for need, c, party, chat in items:
        late = f"逾期 {(today - c.due_date).days} 天" if c.due_date else "超过期限仍未定日期"
        lines.append(f"  · {escape(chat)} {need_link(need)} 承诺 {c.id} {escape(party)}："
                     f"{escape(snippet(c.text, 40))}，{late}")
    return fit(lines, "…其余请在各群用 /overdue 查看")
