"""Promises: logged, dated (and re-dated), kept, reported, disputed, withdrawn, and the state one is in; why a
date a person named cannot be a promise's due date."""

from __future__ import annotations

from datetime import date
from html import escape

from bot.domain import Commitment, DueProblem, DueReading, Need, Party
from bot.texts.format import mention_label, snippet
from nlp.dates import DUE_HORIZON_YEARS

__all__ = ["commitment_logged", "due_label", "due_problem", "due_set", "due_changed", "due_unchanged",
           "no_date_found", "commitment_done", "commitment_reported", "commitment_disputed", "commitment_cancelled",
           "commitment_state", "due_and_state", "commitment_settled"]

DATE_EXAMPLES = "如“12月15日前”“两周内”"
_PLAIN_DAY_WORDS = ("今", "明", "当")  # "明天" needs no "按“明天”计"


def due_label(value: date | None, today: date | None = None, phrase: str = "") -> str:
    """A due date as the group reads it: "2026-12-11"; today's or tomorrow's says so, with the words it was read
    from when they did not say it ("明天（2026-11-30，按“月底”计）": 月底前 said on 29 November)."""
    if value is None:
        return "未定"
    relative = {0: "今天", 1: "明天"}.get((value - today).days) if today is not None else None
    if relative is None:
        return value.isoformat()
    said = f"，按“{escape(phrase)}”计" if phrase and not phrase.startswith(_PLAIN_DAY_WORDS) else ""
    return f"{relative}（{value.isoformat()}{said}）"


def _named(reading: DueReading) -> str:
    """The words a refused date was read from, and the date they give when there is one."""
    words = f"“{escape(reading.phrase)}”"
    return f"{words}，即 {reading.day.isoformat()}" if reading.day is not None else words


def due_problem(reading: DueReading) -> str:
    """Why the date named cannot be the due date (past, unreadable, too far)."""
    if reading.problem is DueProblem.PAST:
        return f"这个日期（{_named(reading)}）已过"
    if reading.problem is DueProblem.TOO_FAR:
        return f"这个日期（{_named(reading)}）太远，无法识别为承诺日期（最远 {DUE_HORIZON_YEARS} 年内）"
    return f"无法识别这个日期（{_named(reading)}）"


def commitment_logged(commitment: Commitment, party: Party, number: int, due: DueReading | None = None) -> str:
    head = (f"📝 已记录承诺 {commitment.id}（需求 #{number}，{escape(party.short_name)}）："
            f"{escape(snippet(commitment.text))}\n")
    if commitment.due_date:
        today = due.today if due is not None else None
        label = due_label(commitment.due_date, today, due.phrase if due is not None else "")
        return head + f"到期日：{label}。兑现后请发送 /done {commitment.id}"
    if due is not None and due.problem is not None:
        return (head + f"⚠️ {due_problem(due)}，请重新告诉我承诺日期：回复本消息（{DATE_EXAMPLES}），"
                f"或发送 /due {commitment.id} 日期。")
    return (head + f"⚠️ 未识别到完成日期。请回复本消息告知日期（{DATE_EXAMPLES}），"
            f"或发送 /due {commitment.id} 日期。")


def due_set(commitment: Commitment, number: int, due: DueReading | None = None) -> str:
    label = due_label(commitment.due_date, due.today if due else None, due.phrase if due else "")
    return f"📅 承诺 {commitment.id}（需求 #{number}）到期日已定为 {label}。"


def due_changed(commitment: Commitment, number: int, before: date, due: DueReading | None = None) -> str:
    label = due_label(commitment.due_date, due.today if due else None, due.phrase if due else "")
    return f"📅 承诺 {commitment.id}（需求 #{number}）到期日由 {before.isoformat()} 改为 {label}。"


def due_unchanged(commitment: Commitment, number: int) -> str:
    return f"承诺 {commitment.id}（需求 #{number}）的到期日已是 {due_label(commitment.due_date)}，未作改动。"


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


def due_and_state(commitment: Commitment, today: date) -> str:
    """"到期：2026-12-11，进行中" / "到期：未定（待补日期）" in lists of promises."""
    state = commitment_state(commitment, today)
    if commitment.due_date is None:
        return f"到期：未定（{state}）"
    return f"到期：{commitment.due_date.isoformat()}，{state}"


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
