"""揭榜挂帅: the announcement, the plan question, bids, the list the author picks from, the result, /status's part,
and why each step is refused."""

from __future__ import annotations

from datetime import date, tzinfo
from html import escape

from bot.domain import DueProblem, DueReading, Need, Person, Refusal
from bot.domain.challenges import ChallengeOutcome, pick_opens
from bot.domain.offers import Bid, Challenge, ChallengeStatus
from bot.texts.format import fit, local_time, mention_label, need_link, snippet

__all__ = ["CHALLENGE_USAGE", "BID_USAGE", "BUTTON_BID", "BUTTON_PICK", "BUTTON_PICK_NONE", "TOAST_PLAN_ASKED",
           "TOAST_PICKED", "TOAST_PICKED_NONE", "CHALLENGE_EVENTS", "CHALLENGE_STATUS_NAMES", "CHALLENGE_REFUSALS",
           "deadline_label", "challenge_announced", "challenge_published", "plan_question", "bid_made", "bid_list",
           "deadline_reached", "challenge_picked", "challenge_picked_private", "challenge_status",
           "challenge_refusal", "bidder_label"]

CHALLENGE_USAGE = ("用法：/challenge 需求编号 截止日期，例如 /challenge 3 12月20日（管理员发布揭榜挂帅）；"
                   "截止后发送 /challenge 3 查看方案并选择（需求发布者或管理员）")
BID_USAGE = "用法：/bid 需求编号 方案，例如 /bid 3 我们有自动驾驶测试车队和路侧单元，可在两个月内完成封闭道路测试"
BUTTON_BID = "揭榜"
BUTTON_PICK = "选 {number}"
BUTTON_PICK_NONE = "都不选"
TOAST_PLAN_ASKED = "请回复机器人的消息，写下简要方案"
TOAST_PICKED = "已选定方案"
TOAST_PICKED_NONE = "已结束揭榜（都不选）"
# Audit events of a round (their names are in bot.texts.names.EVENT_NAMES).
CHALLENGE_EVENTS = ("challenge_published", "bid_made", "challenge_picked", "challenge_closed")
CHALLENGE_STATUS_NAMES = {"open": "征集中", "picked": "已选定", "none": "都不选（已结束）"}

_MORE = "…（方案较多，完整内容见 /export 的「揭榜」表）"
_PLAN_HINT = "做什么、怎么做、多久完成"
CHALLENGE_REFUSALS: dict[Refusal, str] = {
    Refusal.CHALLENGE_EXISTS: "这条需求已经发布为揭榜挂帅。",
    Refusal.CHALLENGE_NOT_FOUND: "这条需求没有发布揭榜挂帅。",
    Refusal.CHALLENGE_NO_DEADLINE: "未能识别截止日期。" + CHALLENGE_USAGE,
    Refusal.CHALLENGE_BAD_DEADLINE: "这个截止日期不能使用，请写一个今天或以后的日期，例如 12月20日、两周内。",
    Refusal.OWN_CHALLENGE: "需求发布者不能揭榜自己的需求。",
    Refusal.ALREADY_BID: "您已揭榜这条需求：每人限一份方案，提交后不能修改。",
    Refusal.BIDDING_CLOSED: "已截止：这条需求的揭榜已过截止日期，不再接受方案。",
    Refusal.EMPTY_PLAN: "请写下简要方案（" + _PLAN_HINT + "）。" + BID_USAGE,
    Refusal.CHALLENGE_DECIDED: "这条需求的揭榜已经有了结果。",
    Refusal.NOT_PICKER: "只有需求发布者或管理员可以选定揭榜方案。",
    Refusal.PICK_NOT_YET: "揭榜还在征集方案，截止后才能选择。",
    Refusal.BID_NOT_FOUND: "没有找到这份方案。",
}


def deadline_label(day: date, today: date | None = None) -> str:
    """"12月20日" (with the year when it is not this year's)."""
    label = f"{day.month}月{day.day}日"
    return label if today is not None and day.year == today.year else f"{day.year}年{label}"


def bidder_label(bid: Bid, persons: dict[int, Person], names: dict[str, str]) -> str:
    """Who bid: a mention, with their party when they bid as its member."""
    person = persons.get(bid.user_id)
    who = mention_label(bid.user_id, person.display_name if person else None)
    return f"{who}（{escape(names.get(bid.party_id, bid.party_id))}）" if bid.party_id else who


def challenge_announced(need: Need, challenge: Challenge, today: date) -> str:
    """In the group, under the need's card, with the 揭榜 button."""
    return (f"🏆 <b>揭榜挂帅</b>：#{need.number} {escape(snippet(need.text, 80))}\n"
            f"截止 {deadline_label(challenge.deadline, today)}（当天仍可揭榜）。"
            f"实验室和企业可点「{BUTTON_BID}」并写下简要方案（{_PLAN_HINT}），也可发送 /bid {need.number} 方案。\n"
            "每人一份方案；截止后由需求发布者选定一份。")


def challenge_published(need: Need, challenge: Challenge, today: date) -> str:
    """The admin's confirmation."""
    return (f"已把{need_link(need)}发布为揭榜挂帅，截止 {deadline_label(challenge.deadline, today)}。"
            f"截止后需求发布者会收到全部方案并选择；也可随时发送 /challenge {need.number} 查看。")


def plan_question(need: Need, challenge: Challenge, bidder: str, today: date) -> str:
    """After 揭榜 was pressed: a reply to this message from the presser is their bid."""
    return (f"✍️ {bidder}：请<b>回复本消息</b>，写下揭榜需求 #{need.number} 的简要方案（{_PLAN_HINT}）。\n"
            f"截止 {deadline_label(challenge.deadline, today)}；每人一份，提交后不能修改。")


def bid_made(outcome: ChallengeOutcome, bidder: str, today: date) -> str:
    need, challenge, bid = outcome.need, outcome.challenge, outcome.bid
    assert need is not None and challenge is not None and bid is not None  # a bid made
    return (f"📋 已收到 {bidder} 对需求 #{need.number} 的揭榜方案（第 {outcome.number_of(bid)} 份）：\n"
            f"{escape(snippet(bid.plan, 160))}\n"
            f"截止 {deadline_label(challenge.deadline, today)} 后由需求发布者选定。")


def _bid_lines(bids: tuple[Bid, ...], persons: dict[int, Person], names: dict[str, str], tz: tzinfo,
               picked: int | None = None, indent: str = "") -> list[str]:
    return [f"{indent}{i}. {bidder_label(b, persons, names)}"
            f"{'（' + local_time(b.created_at, tz) + '）' if b.created_at else ''}"
            f"{' ✅ 入选' if picked == b.id else ''}\n{indent}   {escape(snippet(b.plan, 120))}"
            for i, b in enumerate(bids, 1)]


def bid_list(outcome: ChallengeOutcome, persons: dict[int, Person], names: dict[str, str], tz: tzinfo,
             today: date, pick_open: bool) -> str:
    """/challenge N for the author or an admin: every bid, and whether (and how) to pick now."""
    need, challenge, bids = outcome.need, outcome.challenge, outcome.bids
    assert need is not None and challenge is not None  # a challenge found
    head = (f"🏆 需求 #{need.number} 的揭榜（截止 {deadline_label(challenge.deadline, today)}，"
            f"{_state(challenge, today)}）：共 {len(bids)} 份方案")
    lines = [head]
    if challenge.status is ChallengeStatus.OPEN and pick_open:
        lines.append(f"请点「{BUTTON_PICK.format(number='N')}」选定一份方案，或点「{BUTTON_PICK_NONE}」结束揭榜。"
                     if bids else f"无人揭榜。可点「{BUTTON_PICK_NONE}」结束揭榜。")
    elif challenge.status is ChallengeStatus.OPEN:
        lines.append(f"仍在征集方案；{deadline_label(pick_opens(challenge), today)}起可以选择。")
    return fit([*lines, *_bid_lines(bids, persons, names, tz, challenge.picked_bid)], _MORE)


def _state(challenge: Challenge, today: date) -> str:
    if challenge.status is ChallengeStatus.OPEN and not challenge.taking_bids(today):
        return "已截止，待选定"
    return CHALLENGE_STATUS_NAMES[challenge.status.value]


def deadline_reached(need: Need, challenge: Challenge, bids: tuple[Bid, ...], persons: dict[int, Person],
                     names: dict[str, str], tz: tzinfo, today: date) -> str:
    """The notice the morning after the deadline: the author is asked to pick (the buttons come with it)."""
    author = mention_label(need.author_id, need.author_name) if need.author_id else "需求发布者"
    head = (f"⏰ 需求 #{need.number} 的揭榜已于 {deadline_label(challenge.deadline, today)} 截止，"
            f"共收到 {len(bids)} 份方案。")
    if not bids:
        return head + f"\n{author}：无人揭榜，可点「{BUTTON_PICK_NONE}」结束揭榜。"
    return fit([head, f"{author}：请点「{BUTTON_PICK.format(number='N')}」选定一份方案，"
                      f"或点「{BUTTON_PICK_NONE}」结束揭榜（管理员也可代为选择）。",
                *_bid_lines(bids, persons, names, tz)], _MORE)


def challenge_picked(outcome: ChallengeOutcome, bidder: str | None) -> str:
    """Told in the group once the author picked (``bidder`` None: none of them)."""
    need, bid = outcome.need, outcome.bid
    assert need is not None  # a decision made
    if bid is None or bidder is None:
        return f"🏆 需求 #{need.number} 的揭榜已结束：需求发布者没有选定方案（共 {len(outcome.bids)} 份）。"
    return (f"🏅 需求 #{need.number} 揭榜结果：选定 {bidder} 的方案（第 {outcome.number_of(bid)} 份）：\n"
            f"{escape(snippet(bid.plan, 160))}\n请双方对接；签约后可用 /agreement {need.number} 记录成果。")


def challenge_picked_private(need: Need, bid: Bid, chat_title: str) -> str:
    """The chosen bidder, privately."""
    author = mention_label(need.author_id, need.author_name) if need.author_id else "需求发布者"
    return (f"🏅 您在「{escape(chat_title)}」对需求 #{need.number} 的揭榜方案已被选定：\n"
            f"{escape(snippet(bid.plan, 160))}\n请与 {author} 联系对接。")


def challenge_status(challenge: Challenge, bids: tuple[Bid, ...], persons: dict[int, Person],
                     names: dict[str, str], tz: tzinfo, today: date) -> str:
    """/status N's part about the need's challenge."""
    lines = [f"<b>揭榜挂帅</b>：截止 {challenge.deadline.isoformat()}，{_state(challenge, today)}，"
             f"{len(bids)} 份方案"]
    lines += _bid_lines(bids, persons, names, tz, challenge.picked_bid, indent="  ")
    return "\n".join(lines)


def challenge_refusal(outcome: ChallengeOutcome) -> str:
    """Why a step of a round was refused, naming the need and the dates where that helps."""
    reason, need, challenge = outcome.refusal, outcome.need, outcome.challenge
    number = f"需求 #{need.number} " if need is not None else "这条需求"
    if reason is Refusal.NOT_ADMIN:
        return "只有管理员可以发布揭榜挂帅。"
    if reason is Refusal.NEED_NOT_FOUND:
        return "本群没有这个编号的需求，请核对揭榜公告里的需求编号。"
    if reason is Refusal.NEED_RESOLVED:
        return f"{number}已经解决，不能再揭榜。"
    if reason is Refusal.NEED_WITHDRAWN:
        return f"{number}已撤销或合并，不能揭榜。"
    if reason is Refusal.CHALLENGE_BAD_DEADLINE and outcome.due is not None:
        return (f"⚠️ {_deadline_problem(outcome.due)}，不能作为揭榜截止日期。"
                "请写一个今天或以后的日期，例如 12月20日、两周内。")
    if reason is Refusal.CHALLENGE_EXISTS and challenge is not None:
        return f"{number}已经发布为揭榜挂帅（截止 {challenge.deadline.isoformat()}），不能重复发布。"
    if reason is Refusal.CHALLENGE_NOT_FOUND:
        return f"{number}没有发布揭榜挂帅。"
    if reason is Refusal.BIDDING_CLOSED and challenge is not None:
        return f"已截止：{number}的揭榜已于 {challenge.deadline.isoformat()} 截止，不再接受方案。"
    if reason is Refusal.ALREADY_BID and outcome.bid is not None:
        return (f"您已揭榜{number.strip()}（方案：{escape(snippet(outcome.bid.plan, 40))}）。"
                "每人限一份方案，提交后不能修改：需求发布者和其他揭榜方看到的是同一份方案。")
    if reason is Refusal.PICK_NOT_YET and challenge is not None:
        return (f"{number}的揭榜截止 {challenge.deadline.isoformat()}，当天仍可揭榜；"
                f"{pick_opens(challenge).isoformat()} 起可以选择。")
    if reason is Refusal.CHALLENGE_DECIDED and challenge is not None:
        return f"{number}的揭榜已经有了结果（{CHALLENGE_STATUS_NAMES[challenge.status.value]}），不能再更改。"
    if reason is None:
        raise ValueError("challenge_refusal() of an outcome that was not refused")
    return CHALLENGE_REFUSALS[reason]


def _deadline_problem(reading: DueReading) -> str:
    named = escape(reading.phrase)
    if reading.problem is DueProblem.PAST:
        return f"这个日期（{named}）已过"
    if reading.problem is DueProblem.TOO_FAR:
        return f"这个日期（{named}）太远"
    return f"无法识别这个日期（{named}）"
