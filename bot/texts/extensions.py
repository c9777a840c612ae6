"""延期: a liaison's request to move a promise's due date, the admins' decision, and why one is refused."""

from __future__ import annotations

from html import escape

from bot.domain import Commitment, Need, Outcome, Refusal
from bot.domain.model import Extension
from bot.texts.format import mention_label, need_link, snippet

__all__ = ["EXTEND_USAGE", "BUTTON_ASK_EXTENSION", "BUTTON_APPROVE_EXTENSION", "BUTTON_REFUSE_EXTENSION",
           "TOAST_EXTENSION_ASKED", "TOAST_EXTENSION_APPROVED", "TOAST_EXTENSION_REFUSED", "EXTENSION_REFUSALS",
           "EXTENSION_EVENTS", "extension_question", "extension_asked", "extension_for_admins", "extension_decided",
           "extension_decided_for_admins", "extension_refusal", "due_needs_extension"]

EXTEND_USAGE = ("用法：/extend 承诺编号 新日期 理由，例如 /extend 5 12月25日前 需等市里会签"
                "（到期前提出，由管理员审批）")
BUTTON_ASK_EXTENSION = "申请延期"
BUTTON_APPROVE_EXTENSION = "批准延期"
BUTTON_REFUSE_EXTENSION = "驳回"
TOAST_EXTENSION_ASKED = "请回复机器人的消息，写明新日期和理由"
TOAST_EXTENSION_APPROVED = "已批准延期"
TOAST_EXTENSION_REFUSED = "已驳回延期申请"
# Audit events of a request (their names are in bot.texts.names.EVENT_NAMES).
EXTENSION_EVENTS = ("extension_requested", "extension_approved", "extension_refused")

EXTENSION_REFUSALS: dict[Refusal, str] = {
    Refusal.NOT_EXTENDER: "只有作出承诺的单位的联络员可以申请延期；管理员可直接用 /due 承诺编号 日期 更正到期日。",
    Refusal.EXTENSION_UNDATED: "这条承诺还没有到期日，请用 /due 承诺编号 日期 补充，无需申请延期。",
    Refusal.EXTENSION_OVERDUE: "这条承诺已过到期日，不能再申请延期；逾期情况请向管理员说明。",
    Refusal.EXTENSION_PENDING: "这条承诺已有一条延期申请在等待管理员审批。",
    Refusal.EXTENSION_NO_DATE: "未能识别新的到期日。" + EXTEND_USAGE,
    Refusal.EXTENSION_NOT_LATER: "延期的新日期须晚于现在的到期日。",
    Refusal.EXTENSION_NO_REASON: "申请延期须写明理由。" + EXTEND_USAGE,
    Refusal.EXTENSION_NOT_FOUND: "这条延期申请不存在。",
    Refusal.DUE_NEEDS_EXTENSION: "这条承诺已定到期日；修改到期日须申请延期，由管理员审批。",
}


def extension_refusal(outcome: Outcome) -> str | None:
    """The refusals of 延期 that name the promise and its date; None for the others."""
    reason, commitment = outcome.refusal, outcome.commitment
    if commitment is None or commitment.due_date is None:
        return None
    due, cid = commitment.due_date.isoformat(), commitment.id
    if reason is Refusal.EXTENSION_OVERDUE:
        return (f"⚠️ 承诺 {cid} 已于 {due} 到期，现已逾期，不能再申请延期。"
                "请向管理员说明逾期原因（管理员会在逾期日报中看到这条承诺）。")
    if reason is Refusal.EXTENSION_NOT_LATER and outcome.due is not None and outcome.due.day is not None:
        return (f"延期的新日期（{outcome.due.day.isoformat()}）须晚于现在的到期日 {due}。"
                f"请重新发送 /extend {cid} 新日期 理由。")
    if reason is Refusal.EXTENSION_PENDING and outcome.extension is not None:
        return (f"承诺 {cid} 已申请延期到 {outcome.extension.to_date.isoformat()}，正在等待管理员审批，"
                "请勿重复申请。")
    if reason is Refusal.DUE_NEEDS_EXTENSION:
        return (f"承诺 {cid} 的到期日已定为 {due}。修改到期日须在到期前申请延期，由管理员审批：\n"
                f"/extend {cid} 新日期 理由，例如 /extend {cid} 12月25日前 需等市里会签")
    if reason is Refusal.EXTENSION_NO_REASON:
        return f"申请延期须写明理由，例如 /extend {cid} 12月25日前 需等市里会签。"
    if reason is Refusal.EXTENSION_NO_DATE:
        return f"未能识别新的到期日，请写明日期，例如 /extend {cid} 12月25日前 需等市里会签。"
    return None


def due_needs_extension(commitment: Commitment) -> str:
    return extension_refusal(Outcome(Refusal.DUE_NEEDS_EXTENSION, commitment=commitment)) or ""


def extension_question(commitment: Commitment, need: Need, liaison: str) -> str:
    """After 申请延期 was pressed: a reply to this message is the request."""
    due = commitment.due_date.isoformat() if commitment.due_date else "未定"
    return (f"🕒 {liaison} 申请延期承诺 {commitment.id}（需求 #{need.number}，现到期日 {due}）：\n"
            "请<b>回复本消息</b>，写明新的到期日和理由，例如：12月25日前 需等市里会签")


def extension_asked(extension: Extension, commitment: Commitment, need: Need) -> str:
    return (f"🕒 已提交延期申请：承诺 {commitment.id}（需求 #{need.number}）到期日 "
            f"{extension.from_date.isoformat()} → {extension.to_date.isoformat()}，"
            f"理由：{escape(snippet(extension.reason, 80))}\n等待管理员审批；批准前仍以 "
            f"{extension.from_date.isoformat()} 为准。")


def extension_for_admins(extension: Extension, commitment: Commitment, need: Need, party: str, liaison: str,
                         chat_title: str, approved_before: int) -> str:
    """The request, as the admins get it with 批准 / 驳回."""
    before = f"\n此前已批准延期 {approved_before} 次。" if approved_before else ""
    return (f"🕒 延期申请 #{extension.id}：{escape(chat_title)} 的{need_link(need)}\n"
            f"承诺 {commitment.id}（{escape(party)}，{liaison}）：{escape(snippet(commitment.text, 60))}\n"
            f"到期日 {extension.from_date.isoformat()} → <b>{extension.to_date.isoformat()}</b>\n"
            f"理由：{escape(extension.reason)}{before}")


def extension_decided(extension: Extension, commitment: Commitment, need: Need, liaison: str) -> str:
    """Told in the need's group: the liaison and, on approval, the need's author."""
    if extension.status == "approved":
        author = mention_label(need.author_id, need.author_name) if need.author_id else "需求方"
        return (f"✅ 管理员已批准承诺 {commitment.id}（需求 #{need.number}）延期：到期日由 "
                f"{extension.from_date.isoformat()} 改为 {extension.to_date.isoformat()}。\n"
                f"理由：{escape(snippet(extension.reason, 80))}\n"
                f"{'、'.join(p for p in (liaison, author) if p)} 请知悉。")
    return (f"❌ {liaison}：承诺 {commitment.id}（需求 #{need.number}）的延期申请（改为 "
            f"{extension.to_date.isoformat()}）未获批准，到期日仍为 {extension.from_date.isoformat()}。")


def extension_decided_for_admins(extension: Extension, commitment: Commitment, need: Need, admin: str) -> str:
    """The admins' copy of the request once decided: who decided what (its buttons are gone)."""
    verdict = "✅ 已批准" if extension.status == "approved" else "❌ 已驳回"
    return (f"🕒 延期申请 #{extension.id}：承诺 {commitment.id}（{need_link(need)}）到期日 "
            f"{extension.from_date.isoformat()} → {extension.to_date.isoformat()}\n"
            f"理由：{escape(extension.reason)}\n{verdict}（{admin}）")
