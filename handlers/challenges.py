"""揭榜挂帅: /challenge N 截止日期 (an admin publishes; the group is told under the need's card, with 揭榜), 揭榜 and a
reply to the bot's question or /bid N 方案 (a bid), /challenge N (the author or an admin sees the bids and, after the
deadline, picks with 选 k / 都不选). The pick is told in the group and to the chosen bidder."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.delivery.courier import Parcel
from bot.domain.challenges import ChallengeOutcome
from handlers.buttons import ButtonData
from handlers.callbacks import pressing
from handlers.challenge_buttons import OfferBid, PickBid, PickNone, bid_button, pick_buttons
from handlers.common import actor_of, answer, edit_markup, number_and_text, refuse_unless_group, reply, send, sent_at


async def challenge(update: Update, context: BotContext) -> None:
    """/challenge N 截止日期: publish (admins); /challenge N: the bids, and the pick once the deadline passed."""
    message, user = update.effective_message, update.effective_user
    if await refuse_unless_group(update) or message is None or user is None:
        return
    number, words = number_and_text(update)
    if number is None:
        await reply(update, texts.CHALLENGE_USAGE)
        return
    cases, actor = context.cases, actor_of(user, context)
    if not words:
        outcome, pick_open = await cases.challenges.review(message.chat_id, number, actor, sent_at(update))
        if not outcome.ok:
            await reply(update, texts.challenge_refusal(outcome))
            return
        assert outcome.challenge is not None  # a round found
        text = await cases.challenges.listing(outcome, sent_at(update), pick_open)
        await reply(update, text, pick_buttons(outcome.challenge.id, tuple(b.id for b in outcome.bids))
                    if pick_open else None)
        return
    outcome = await cases.challenges.publish(message.chat_id, number, actor, words, sent_at(update),
                                             update.update_id)
    if not outcome.ok:
        await reply(update, texts.challenge_refusal(outcome))
        return
    need, published = outcome.need, outcome.challenge
    assert need is not None and published is not None  # a challenge published
    challenges, today = cases.challenges, cases.challenges.today(sent_at(update))

    async def announced(message_id: int) -> None:  # the notice at the deadline answers this message
        await challenges.attach_announcement(published.id, message_id)

    context.services.courier.post(Parcel.message(
        need.chat_id, texts.challenge_announced(need, published, today), bid_button(published.id),
        reply_to=need.bot_message_id or need.message_id, thread_id=need.topic_id, on_sent=announced))
    if (message.message_thread_id if message.is_topic_message else None) != need.topic_id:
        await reply(update, texts.challenge_published(need, published, today))  # announced in the need's topic


async def bid(update: Update, context: BotContext) -> None:
    """/bid N 方案."""
    message, user = update.effective_message, update.effective_user
    if await refuse_unless_group(update) or message is None or user is None:
        return
    number, plan = number_and_text(update)
    if number is None:
        await reply(update, texts.BID_USAGE)
        return
    outcome = await context.cases.challenges.bid(message.chat_id, actor_of(user, context), plan, sent_at(update),
                                                 update.update_id, number=number)
    await _bid_answered(update, context, outcome)


async def answered_plan(update: Update, context: BotContext, replied_message_id: int) -> bool:
    """A reply to the bot's "your plan?" from the person it asked: their bid. False when it was no such question (or
    someone else replied: theirs is an ordinary message)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return False
    asked = await context.cases.challenges.plan_asked(message.chat_id, replied_message_id)
    if asked is None or asked[1] != user.id:
        return False
    outcome = await context.cases.challenges.bid(message.chat_id, actor_of(user, context), message.text,
                                                 sent_at(update), update.update_id, challenge_id=asked[0])
    await _bid_answered(update, context, outcome)
    return True


async def _bid_answered(update: Update, context: BotContext, outcome: ChallengeOutcome) -> None:
    if not outcome.ok:
        await reply(update, texts.challenge_refusal(outcome))
        return
    assert outcome.bid is not None  # a bid made
    challenges = context.cases.challenges
    await reply(update, texts.bid_made(outcome, await challenges.bidder(outcome.bid),
                                       challenges.today(sent_at(update))))


async def offer_bid_pressed(update: Update, context: BotContext, button: OfferBid) -> None:
    """揭榜: refused with an alert, or the presser is asked (in a reply to the announcement) for a short plan."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    challenges, now = context.cases.challenges, context.services.clock()  # a press carries no time of its own
    outcome = await challenges.may_bid(button.challenge_id, actor_of(user, context), message.chat_id, now)
    if not outcome.ok:
        await answer(update, texts.challenge_refusal(outcome), alert=True)
        return
    need, round_ = outcome.need, outcome.challenge
    assert need is not None and round_ is not None  # a round open to this person
    await answer(update, texts.TOAST_PLAN_ASKED)
    chat_id, user_id = message.chat_id, user.id

    async def asked(message_id: int) -> None:  # a reply to this message from the presser is the bid
        await challenges.ask_plan(chat_id, message_id, round_.id, user_id)

    question = texts.plan_question(need, round_, texts.mention_label(user.id, user.full_name), challenges.today(now))
    context.services.courier.post(Parcel.message(
        chat_id, question, reply_to=message.message_id,
        thread_id=message.message_thread_id if message.is_topic_message else None, on_sent=asked))


async def pick_pressed(update: Update, context: BotContext, button: PickBid | PickNone) -> None:
    """选 k / 都不选: the author or an admin, once, after the deadline; the group and the chosen bidder are told."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    challenges = context.cases.challenges
    outcome = await challenges.pick(button.challenge_id, button.bid_id if isinstance(button, PickBid) else None,
                                    actor_of(user, context), message.chat_id, context.services.clock(),
                                    update.update_id)
    if not outcome.ok:
        await answer(update, texts.challenge_refusal(outcome), alert=True)
        return
    need, decided, chosen = outcome.need, outcome.challenge, outcome.bid
    assert need is not None and decided is not None  # a decision made
    await answer(update, texts.TOAST_PICKED if chosen is not None else texts.TOAST_PICKED_NONE)
    await edit_markup(context, message.chat_id, message.message_id, None)  # the buttons have done their work
    bidder = await challenges.bidder(chosen) if chosen is not None else None
    await send(context, need.chat_id, texts.challenge_picked(outcome, bidder),
               reply_to=decided.message_id or need.bot_message_id, thread_id=need.topic_id)
    if chosen is not None:  # the chosen bidder, privately too (when they have opened a chat with the bot)
        await send(context, chosen.user_id,
                   texts.challenge_picked_private(need, chosen, await challenges.chat_title(need.chat_id)))


BUTTONS: tuple[tuple[type[ButtonData], Callable[[Update, BotContext], Awaitable[None]]], ...] = (
    (OfferBid, pressing(OfferBid, offer_bid_pressed)),
    (PickBid, pressing(PickBid, pick_pressed)),
    (PickNone, pressing(PickNone, pick_pressed)),
)
