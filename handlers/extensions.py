"""延期: /extend, 申请延期 on a promise's reminder (then a reply to the bot's question), and the admins' 批准延期 /
驳回. The request goes to the admins (ADMIN_CHAT_ID, or each admin privately); the decision is told in the need's
group, to the liaison and — when approved — the enterprise that posted the need."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.delivery.courier import Parcel
from bot.domain import Outcome
from bot.texts.refusals import button_refusal, refusal
from handlers import buttons
from handlers.callbacks import pressing
from handlers.common import actor_of, answer, edit, number_and_text, refuse_unless_group, reply, send, sent_at
from handlers.keyboards import decide_buttons


async def extend(update: Update, context: BotContext) -> None:
    """/extend 承诺编号 日期 理由."""
    if await refuse_unless_group(update):
        return
    commitment_id, words = number_and_text(update)
    if commitment_id is None or not words:
        await reply(update, texts.EXTEND_USAGE)
        return
    await ask(update, context, commitment_id, words)


async def ask(update: Update, context: BotContext, commitment_id: int, words: str) -> None:
    """Ask for 延期 (by command or by replying to the bot's question); the request goes to the admins."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    cases = context.cases
    outcome = await cases.extensions.ask(commitment_id, actor_of(user, context), message.chat_id, words,
                                         sent_at(update), message.message_id, update.update_id)
    if not outcome.ok:
        await reply(update, refusal(outcome))
        return
    assert outcome.extension is not None and outcome.commitment is not None and outcome.need is not None
    await reply(update, texts.extension_asked(outcome.extension, outcome.commitment, outcome.need))
    text, markup = await cases.extensions.for_admins(outcome), decide_buttons(outcome.extension.id)
    for chat_id in context.services.notices.admin_chats:
        await send(context, chat_id, text, markup)


async def answered_question(update: Update, context: BotContext, replied_message_id: int) -> bool:
    """A reply to the bot's "new date and reason?" question is a request; False when it was no such question."""
    message = update.effective_message
    if message is None or not message.text:
        return False
    commitment_id = await context.cases.extensions.asked_in(message.chat_id, replied_message_id)
    if commitment_id is None:
        return False
    await ask(update, context, commitment_id, message.text)
    return True


async def ask_pressed(update: Update, context: BotContext, button: buttons.AskExtension) -> None:
    """申请延期 on the reminder: refused with an alert, or the bot asks for the date and the reason."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = actor_of(user, context)
    extensions = context.cases.extensions
    # The bot's clock (a press carries no time of its own): now, or the tests' clock.
    outcome = await extensions.may_ask(button.commitment_id, actor, message.chat_id, context.services.clock())
    if not outcome.ok:
        await answer(update, button_refusal(outcome), alert=True)
        return
    assert outcome.commitment is not None and outcome.need is not None  # a promise that may move
    await answer(update, texts.TOAST_EXTENSION_ASKED)
    chat_id, commitment_id = message.chat_id, outcome.commitment.id

    async def asked(message_id: int) -> None:  # a reply to this message is the request
        await extensions.attach_question(chat_id, message_id, commitment_id)

    question = texts.extension_question(outcome.commitment, outcome.need,
                                        texts.mention_label(actor.user_id, actor.display_name))
    thread_id = message.message_thread_id if message.is_topic_message else None
    context.services.courier.post(Parcel.message(chat_id, question, reply_to=message.message_id,
                                                 thread_id=thread_id, on_sent=asked))


async def decide_pressed(update: Update, context: BotContext, button: buttons.DecideExtension) -> None:
    """批准延期 / 驳回: admins only (the use case checks); the group is told, the admins' copy says who decided."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = actor_of(user, context)
    extensions = context.cases.extensions
    outcome: Outcome = await extensions.decide(button.extension_id, actor, button.approve,
                                               context.services.clock(), update.update_id)
    if not outcome.ok:
        await answer(update, button_refusal(outcome), alert=True)
        return
    assert outcome.need is not None and outcome.commitment is not None  # a decision made
    await answer(update, texts.TOAST_EXTENSION_APPROVED if button.approve else texts.TOAST_EXTENSION_REFUSED)
    told, copy = await extensions.decided(outcome, actor)
    await edit(context, message.chat_id, message.message_id, copy)
    need = outcome.need
    await send(context, need.chat_id, told, reply_to=outcome.commitment.message_id, thread_id=need.topic_id)


BUTTONS: tuple[tuple[type[buttons.ButtonData], Callable[[Update, BotContext], Awaitable[None]]], ...] = (
    (buttons.AskExtension, pressing(buttons.AskExtension, ask_pressed)),
    (buttons.DecideExtension, pressing(buttons.DecideExtension, decide_pressed)),
)
