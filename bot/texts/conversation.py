"""What the bot says about the conversation on a need: notes, a redirection to hand over, a need withdrawn,
a promise undone."""

from __future__ import annotations

from bot.domain.intents import Intent

__all__ = ["NOTE_KINDS_NAMES", "NOTED_REACTION", "BUTTON_WITHDRAW", "BUTTON_UNDO_PROMISE", "BUTTON_HAND_OVER_TO",
           "TOAST_WITHDRAWN", "TOAST_UNDONE", "redirect_offer", "withdrawn", "promise_undone"]

NOTE_KINDS_NAMES = {Intent.FOLLOWUP: "补充", Intent.QUESTION: "提问", Intent.REFUSAL: "答复（不能办理或建议转交）",
                    Intent.PROGRESS: "进展"}
NOTED_REACTION = "✍"  # set on a message kept as a note (one of Telegram's reaction emoji)
BUTTON_WITHDRAW = "不是需求"
BUTTON_UNDO_PROMISE = "撤销（记错了）"
BUTTON_HAND_OVER_TO = "转交给 {name}"
TOAST_WITHDRAWN = "已撤销"
TOAST_UNDONE = "已撤销这条承诺"


def redirect_offer(number: int, name: str) -> str:
    return f"已记下对需求 #{number} 的答复。如应由{name}办理，可一键转交："


def withdrawn(number: int, by_author: bool) -> str:
    who = "提出人" if by_author else "管理员"
    return f"需求 #{number} 已由{who}撤销（不是需求），不计入统计。"


def promise_undone(commitment_id: int, number: int) -> str:
    return f"承诺 {commitment_id}（需求 #{number}）已撤销：它被记错了，不计入兑现率。"
