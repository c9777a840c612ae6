"""The enterprise's verdict (回访) when a need is resolved, and the 重办 notice when it was not solved."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.domain import Need
from bot.domain.duty import Satisfaction, Solved, Verdict
from bot.texts.format import need_link, snippet

__all__ = ["SOLVED_NAMES", "SATISFACTION_NAMES", "verdict_question", "reopened", "toast_verdict", "UNRATED"]

SOLVED_NAMES = {Solved.SOLVED: "已解决", Solved.PARTLY: "部分解决", Solved.UNSOLVED: "未解决"}
SATISFACTION_NAMES = {Satisfaction.SATISFIED: "满意", Satisfaction.FAIR: "基本满意",
                      Satisfaction.UNSATISFIED: "不满意"}
UNRATED = "未评价"


def verdict_question(need: Need, verdict: Verdict, author: str, lead: str | None, closes: datetime) -> str:
    """The question put to the author (and, edited in place, what they answered so far); ``closes``: local time
    until which it may be answered."""
    by = f"（牵头单位：{escape(lead)}）" if lead else ""
    head = (f"📝 {author}，{need_link(need)} 经您评价「未解决」，已重新打开（重办）{by}。"
            if verdict.solved is Solved.UNSOLVED
            else f"📝 {author}，{need_link(need)} 已标记办结{by}。请您评价办理结果：")
    lines = [head, f"需求：{escape(snippet(need.text, 60))}"]
    solved = SOLVED_NAMES[verdict.solved] if verdict.solved else "请选择"
    satisfied = SATISFACTION_NAMES[verdict.satisfaction] if verdict.satisfaction else "请选择"
    lines += [f"1. 解决情况：{solved}", f"2. 满意度：{satisfied}"]
    if verdict.complete:
        lines.append("感谢您的评价，已记入各单位成绩单。")
    elif verdict.solved is Solved.UNSOLVED:
        lines.append("牵头单位将继续办理；办结后会再请您评价。也欢迎先评价这次的满意度。")
    if not verdict.complete:
        lines.append(f"仅提出需求的企业可评价，请于 {closes:%m月%d日 %H:%M} 前点选；逾期不计入评价。")
    return "\n".join(lines)


def reopened(need: Need, lead: str | None, liaisons: list[str]) -> str:
    who = " ".join(liaisons) or (escape(lead) if lead else "管理员")
    return (f"🔁 重办：{need_link(need)} 经提出企业评价为「未解决」，已重新打开。请 {who} 继续办理，"
            f"办结后再点「已解决」。")


def toast_verdict(answer: Solved | Satisfaction) -> str:
    name = SOLVED_NAMES[answer] if isinstance(answer, Solved) else SATISFACTION_NAMES[answer]
    return f"已记录：{name}"
