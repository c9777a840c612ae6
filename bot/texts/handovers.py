"""退单: a unit hands a need it leads over with a reason; the admins may overrule it (驳回) within a working day."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.domain import Need, Party
from bot.domain.duty import HandOverReason
from bot.texts.format import need_link

__all__ = ["HAND_OVER_REASON_NAMES", "BUTTON_OVERRULE", "TOAST_OVERRULED", "TOAST_REASON_ASKED", "reason_prompt",
           "reason_question", "handover_for_ruling",
           "overruled", "ruled"]

HAND_OVER_REASON_NAMES = {HandOverReason.NOT_OUR_DUTY: "不属于本单位职责",
                          HandOverReason.OTHER_SHOULD_LEAD: "需其他单位牵头",
                          HandOverReason.INCOMPLETE: "信息不全", HandOverReason.OTHER: "其他原因"}
BUTTON_OVERRULE = "驳回退单（退回原单位）"
TOAST_REASON_ASKED = "请回复机器人的提问，说明理由"
TOAST_OVERRULED = "已驳回退单"


def reason_question(number: int, to_party: Party, liaison: str) -> str:
    return (f"✍️ {liaison}：请直接回复本消息，说明把需求 #{number} 转交给 {escape(to_party.short_name)} 的理由"
            f"（回复后即转交；不转交则不必回复）。")


def reason_prompt(number: int, to_party: Party) -> str:
    return f"转交需求 #{number} 给 {to_party.short_name}：请选择理由"


def handover_for_ruling(need: Need, chat_title: str, from_party: Party, to_party: Party, reason: str | None,
                        closes: datetime) -> str:
    """What the admins see of every 退单."""
    why = HAND_OVER_REASON_NAMES.get(HandOverReason(reason), reason) if reason in set(HandOverReason) else reason
    return (f"↩️ 退单：{escape(chat_title)} 的{need_link(need)} 由 {escape(from_party.short_name)} 转交给 "
            f"{escape(to_party.short_name)}，理由：{escape(why or '未说明')}。\n"
            f"如认为退单不当，可在 {closes:%m月%d日 %H:%M} 前驳回：需求退回 {escape(from_party.short_name)} 牵头，"
            f"计入其「不当退单」。")


def overruled(need: Need, back_to: Party, from_party: Party | None, liaisons: list[str]) -> str:
    who = " ".join(liaisons) or escape(back_to.short_name)
    by = f"，{escape(from_party.short_name)} 不再牵头" if from_party else ""
    return (f"⚖️ 管理员驳回了 {escape(back_to.short_name)} 对{need_link(need)} 的退单：需求退回 "
            f"{escape(back_to.short_name)} 牵头办理{by}。请 {who} 认领并办理。")


def ruled(text: str, admin: str) -> str:
    """The admins' copy of a 退单, once it was overruled."""
    return f"{text}\n✅ 已由 {escape(admin)} 驳回。"
