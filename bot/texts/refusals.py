"""The words for every Refusal a use case returns (one entry each: a new Refusal without words fails a test)."""

from __future__ import annotations

from bot.domain import Commitment, DueReading, Outcome, Refusal
from bot.domain.offer_lists import OfferOutcome
from bot.texts.cards import already_led, already_recorded
from bot.texts.challenges import CHALLENGE_REFUSALS
from bot.texts.commands import AGREEMENT_USAGE, EMPTY_COMMIT, EMPTY_NEED
from bot.texts.commitments import DATE_EXAMPLES, commitment_settled, due_label, due_problem, no_date_found
from bot.texts.directory import PARTY_REFUSALS, party_ambiguous
from bot.texts.duplicates import DUPLICATE_REFUSALS
from bot.texts.extensions import EXTENSION_REFUSALS, extension_refusal
from bot.texts.matching import MATCH_REFUSALS
from bot.texts.names import STATUS_NAMES
from bot.texts.offers import OFFER_REFUSALS, offer_refusal

__all__ = [
    "NOT_ADMIN", "GROUP_ONLY", "NEED_NOT_FOUND", "COMMITMENT_NOT_FOUND", "PARTY_UNKNOWN", "PARTY_MISSING",
    "NOT_ROUTED", "NOT_BOUND", "ALREADY_CLAIMED", "NEED_RESOLVED", "NOT_AUTHOR", "ALREADY_RESOLVED",
    "ALREADY_DONE", "COMMITMENT_CANCELLED", "NOT_CONFIRMER", "NOT_RECORDER", "ALREADY_RECORDED",
    "NOT_COMMITMENT_OWNER", "SAME_PARTY", "ALREADY_BOUND", "ALREADY_PENDING", "ALREADY_DECIDED", "REFUSALS",
    "refused_date", "NOT_ADMIN_BUTTON", "refusal", "button_refusal", "offer_refused",
]


NOT_ADMIN = "抱歉，这个命令仅限管理员使用。"
NOT_ADMIN_BUTTON = "只有管理员可以使用这个按钮。"  # a button is not a command
GROUP_ONLY = "请在对接群中使用这个命令。"
NEED_NOT_FOUND = "本群没有这个编号的需求，请用 /needs 查看。"
COMMITMENT_NOT_FOUND = "本群没有这个编号的承诺。"
PARTY_UNKNOWN = "名录中没有找到这个单位，请用 /parties 查看 id 和名称。"
PARTY_MISSING = "请写明单位的 id 或名称，例如 transport 或 交通运输局。"
NOT_ROUTED = ("只有被分派单位的联络员可以这样操作。还没有绑定单位的，请先发送 /join 单位名称；"
              "已绑定的，如这条需求应由贵单位负责，请联系管理员改派。")
NOT_BOUND = "您还没有绑定单位，承诺需要由部门联络员作出。请发送 /join 单位名称 申请绑定。"
ALREADY_CLAIMED = "您的单位已经认领过这条需求。"
NEED_RESOLVED = "这条需求已经解决。"
NOT_AUTHOR = "只有提出需求的企业、牵头单位的联络员或管理员可以标记解决。"
ALREADY_RESOLVED = "这条需求此前已标记为解决。"
# When the outcome carries the promise, its actual state is said instead (commitment_settled).
ALREADY_DONE = "这条承诺的状态已经变化，请用 /status 查看。"
COMMITMENT_CANCELLED = "这条承诺已经撤回。"
NOT_CONFIRMER = "只有提出需求的企业或管理员可以确认兑现。"
NOT_RECORDER = "只有管理员、提出需求的企业或已绑定单位的联络员可以记录成果。"
ALREADY_RECORDED = "这条成果已经记录过了。"
NOT_COMMITMENT_OWNER = "只有作出承诺的单位联络员或管理员可以操作这条承诺。"
SAME_PARTY = "需求已由这个单位负责，无需变更。"
ALREADY_BOUND = "您已经绑定在这个单位。"
ALREADY_PENDING = "您的申请正在等待管理员审核。"
ALREADY_DECIDED = "这个申请已经处理过了。"

REFUSALS: dict[Refusal, str] = {
    Refusal.NOT_ADMIN: NOT_ADMIN,
    Refusal.NEED_NOT_FOUND: NEED_NOT_FOUND,
    Refusal.NEED_RESOLVED: NEED_RESOLVED,
    Refusal.DUPLICATE_NEED: "这条消息已经登记为需求。",
    Refusal.EMPTY_NEED: EMPTY_NEED,
    Refusal.PARTY_MISSING: PARTY_MISSING,
    Refusal.PARTY_UNKNOWN: PARTY_UNKNOWN,
    Refusal.PARTY_AMBIGUOUS: "有多个单位符合，请写得更具体一些。",  # with the candidates: see refusal()
    Refusal.SAME_PARTY: SAME_PARTY,
    Refusal.NOT_ROUTED: NOT_ROUTED,
    Refusal.NOT_BOUND: NOT_BOUND,
    Refusal.NOT_AUTHOR: NOT_AUTHOR,
    Refusal.ALREADY_CLAIMED: ALREADY_CLAIMED,
    Refusal.ALREADY_RESOLVED: ALREADY_RESOLVED,
    Refusal.NEED_WITHDRAWN: f"这条需求{STATUS_NAMES['withdrawn']}。",
    Refusal.NOT_AUTHOR_WITHDRAW: "只有提出需求的人或管理员可以撤销这条需求。",
    Refusal.DUPLICATE_NOTE: "这条消息已经记下了。",
    Refusal.UNDO_EXPIRED: "已超过撤销时限；如需撤回这条承诺，请发送 /cancel 承诺编号。",
    Refusal.UNDO_NOT_MAKER: "只有作出这条承诺的人可以把它当作记错撤销；如需撤回，请用 /cancel 承诺编号。",
    Refusal.HAS_RECORDS: "这条需求已有承诺或成果，不能作为“不是需求”撤销；办结后请点「已解决」。",
    Refusal.ALREADY_TRIAGED: "这条需求的牵头部门已经确定，无需再指派。",
    Refusal.EMPTY_COMMITMENT: EMPTY_COMMIT,
    Refusal.COMMITMENT_NOT_FOUND: COMMITMENT_NOT_FOUND,
    Refusal.NOT_COMMITMENT_OWNER: NOT_COMMITMENT_OWNER,
    Refusal.NOT_CONFIRMER: NOT_CONFIRMER,
    Refusal.COMMITMENT_CANCELLED: COMMITMENT_CANCELLED,
    Refusal.ALREADY_SETTLED: ALREADY_DONE,
    Refusal.NO_DATE: "未能从这段话中识别出日期，请换个说法，例如“12月15日前”。",  # with the id: see refusal()
    # With the words and the promise: see refusal().
    Refusal.DATE_PAST: "这个日期已过，请重新告诉我承诺日期。",
    Refusal.DATE_UNREADABLE: "无法识别这个日期，请重新告诉我承诺日期。",
    Refusal.DATE_TOO_FAR: "这个日期太远，无法识别为承诺日期，请重新告诉我承诺日期。",
    Refusal.ALREADY_BOUND: ALREADY_BOUND,
    Refusal.ALREADY_PENDING: ALREADY_PENDING,
    Refusal.JOIN_REQUEST_NOT_FOUND: "这个申请不存在。",
    Refusal.ALREADY_DECIDED: ALREADY_DECIDED,
    Refusal.EMPTY_AGREEMENT: AGREEMENT_USAGE,
    Refusal.NOT_RECORDER: NOT_RECORDER,
    Refusal.OFFER_NOT_FOUND: "本群没有这条待记录的成果。",
    Refusal.ALREADY_RECORDED: ALREADY_RECORDED,
    Refusal.NO_NEED_FOR_OFFER: "没有找到这条消息对应的需求，请用 /agreement 需求编号 成果内容 记录。",
    Refusal.BAD_PARTY_ID: PARTY_REFUSALS["bad_party_id"],
    Refusal.BAD_PARTY_KIND: PARTY_REFUSALS["bad_party_kind"],
    Refusal.BAD_PARTY_NAME: PARTY_REFUSALS["bad_party_name"],
    Refusal.BAD_PARTY_FIELD: PARTY_REFUSALS["bad_party_field"],
    Refusal.PARTY_EXISTS: PARTY_REFUSALS["party_exists"],
    Refusal.UNCHANGED: PARTY_REFUSALS["unchanged"],
    Refusal.REASON_REQUIRED: "请选择转交理由。",
    Refusal.HANDOVER_NOT_FOUND: "没有找到这次退单。",
    Refusal.ALREADY_RULED: "这次退单已经驳回过了。",
    Refusal.RULING_CLOSED: "退单已超过 1 个工作日，不能再驳回；如需调整请用 /route 改派。",
    Refusal.RULING_STALE: "这条需求在退单后已再次转交或改派，不能驳回这次退单；如需调整请用 /route 改派。",
    Refusal.VERDICT_NOT_FOUND: "这份评价已不存在。",
    Refusal.NOT_VERDICT_AUTHOR: "只有提出这条需求的企业可以评价。",
    Refusal.VERDICT_CLOSED: "评价期限已过，这次办理记为「未评价」。",
    Refusal.ALREADY_ANSWERED: "这一项您已经评价过了。",
    Refusal.VERDICT_SUPERSEDED: "这条需求已重新办结，请在最新的评价消息中作答。",
    **EXTENSION_REFUSALS,
    **DUPLICATE_REFUSALS,
    **OFFER_REFUSALS,
    **MATCH_REFUSALS,
    **CHALLENGE_REFUSALS,
}


def refused_date(commitment: Commitment, due: DueReading) -> str:
    """A date that cannot be the promise's due date: why, what stays, and ask again."""
    again = (f"请重新告诉我承诺日期：回复本消息（{DATE_EXAMPLES}），或发送 /due {commitment.id} 日期。"
             if commitment.due_date is None else
             f"承诺 {commitment.id} 的到期日未改动（仍为 {due_label(commitment.due_date)}）；"
             f"如需延期，请在到期前发送 /extend {commitment.id} 新日期 理由。")
    return f"⚠️ {due_problem(due)}。{again}"


def refusal(outcome: Outcome) -> str:
    """Why nothing was done, in words; the refusals that name something say it."""
    reason = outcome.refusal
    if reason is Refusal.PARTY_AMBIGUOUS:
        return party_ambiguous(outcome.matches)
    if reason is Refusal.ALREADY_SETTLED and outcome.commitment is not None:
        return commitment_settled(outcome.commitment)
    if reason is Refusal.ALREADY_TRIAGED and outcome.party is not None:
        return already_led(outcome.party)
    if reason is Refusal.ALREADY_RECORDED and outcome.agreement is not None:
        return already_recorded(outcome.agreement.id)
    if reason is Refusal.NO_DATE and outcome.commitment is not None:
        return no_date_found(outcome.commitment.id)
    if reason in (Refusal.DATE_PAST, Refusal.DATE_UNREADABLE, Refusal.DATE_TOO_FAR) and outcome.due is not None \
            and outcome.commitment is not None:
        return refused_date(outcome.commitment, outcome.due)
    if (worded := extension_refusal(outcome)) is not None:
        return worded
    if reason is None:
        raise ValueError("refusal() of an outcome that was not refused")
    return REFUSALS[reason]


def button_refusal(outcome: Outcome) -> str:
    """Why a button press did nothing: as refusal(), but a button is not a command."""
    if outcome.refusal is Refusal.NOT_ADMIN:
        return NOT_ADMIN_BUTTON
    return refusal(outcome)


def offer_refused(outcome: OfferOutcome) -> str:
    """Why a standing-list use case (bot.services.offers) did nothing."""
    if outcome.refusal is Refusal.PARTY_AMBIGUOUS:
        return party_ambiguous(outcome.matches)
    if outcome.refusal is None:
        raise ValueError("offer_refused() of an outcome that was not refused")
    return offer_refusal(outcome) or REFUSALS[outcome.refusal]
