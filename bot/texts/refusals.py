"""The words for every Refusal a use case returns (one entry each: a new Refusal without words fails a test)."""

from __future__ import annotations

from bot import texts
from bot.domain import Outcome, Refusal

REFUSALS: dict[Refusal, str] = {
    Refusal.NOT_ADMIN: texts.NOT_ADMIN,
    Refusal.NEED_NOT_FOUND: texts.NEED_NOT_FOUND,
    Refusal.NEED_RESOLVED: texts.NEED_RESOLVED,
    Refusal.DUPLICATE_NEED: "这条消息已经登记为需求。",
    Refusal.EMPTY_NEED: texts.EMPTY_NEED,
    Refusal.PARTY_MISSING: texts.PARTY_MISSING,
    Refusal.PARTY_UNKNOWN: texts.PARTY_UNKNOWN,
    Refusal.PARTY_AMBIGUOUS: "有多个单位符合，请写得更具体一些。",  # with the candidates: see refusal()
    Refusal.SAME_PARTY: texts.SAME_PARTY,
    Refusal.NOT_ROUTED: texts.NOT_ROUTED,
    Refusal.NOT_BOUND: texts.NOT_BOUND,
    Refusal.NOT_AUTHOR: texts.NOT_AUTHOR,
    Refusal.ALREADY_CLAIMED: texts.ALREADY_CLAIMED,
    Refusal.ALREADY_RESOLVED: texts.ALREADY_RESOLVED,
    Refusal.ALREADY_TRIAGED: texts.ALREADY_DECIDED,
    Refusal.EMPTY_COMMITMENT: texts.EMPTY_COMMIT,
    Refusal.COMMITMENT_NOT_FOUND: texts.COMMITMENT_NOT_FOUND,
    Refusal.NOT_COMMITMENT_OWNER: texts.NOT_COMMITMENT_OWNER,
    Refusal.NOT_CONFIRMER: texts.NOT_CONFIRMER,
    Refusal.COMMITMENT_CANCELLED: texts.COMMITMENT_CANCELLED,
    Refusal.ALREADY_SETTLED: texts.ALREADY_DONE,
    Refusal.NO_DATE: "未能从这段话中识别出日期，请换个说法，例如“12月15日前”。",  # with the id: see refusal()
    Refusal.ALREADY_BOUND: texts.ALREADY_BOUND,
    Refusal.ALREADY_PENDING: texts.ALREADY_PENDING,
    Refusal.JOIN_REQUEST_NOT_FOUND: "这个申请不存在。",
    Refusal.ALREADY_DECIDED: texts.ALREADY_DECIDED,
    Refusal.EMPTY_AGREEMENT: texts.AGREEMENT_USAGE,
    Refusal.NOT_RECORDER: texts.NOT_RECORDER,
    Refusal.OFFER_NOT_FOUND: "本群没有这条待记录的成果。",
    Refusal.ALREADY_RECORDED: texts.ALREADY_RECORDED,
    Refusal.NO_NEED_FOR_OFFER: "没有找到这条消息对应的需求，请用 /agreement 需求编号 成果内容 记录。",
    Refusal.BAD_PARTY_ID: texts.PARTY_REFUSALS["bad_party_id"],
    Refusal.BAD_PARTY_KIND: texts.PARTY_REFUSALS["bad_party_kind"],
    Refusal.BAD_PARTY_NAME: texts.PARTY_REFUSALS["bad_party_name"],
    Refusal.BAD_PARTY_FIELD: texts.PARTY_REFUSALS["bad_party_field"],
    Refusal.PARTY_EXISTS: texts.PARTY_REFUSALS["party_exists"],
    Refusal.UNCHANGED: texts.PARTY_REFUSALS["unchanged"],
}


def refusal(outcome: Outcome) -> str:
    """Why nothing was done, in words; the refusals that name something say it."""
    reason = outcome.refusal
    if reason is Refusal.PARTY_AMBIGUOUS:
        return texts.party_ambiguous(outcome.matches)
    if reason is Refusal.NO_DATE and outcome.commitment is not None:
        return texts.no_date_found(outcome.commitment.id)
    if reason is None:
        raise ValueError("refusal() of an outcome that was not refused")
    return REFUSALS[reason]
