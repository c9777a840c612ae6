"""Command menus (setMyCommands) per scope: everyone; an admin in each served group; an admin's
private chat. Telegram shows the most specific menu that applies to the person and the chat. Each menu
is made from the command registry (bot.texts.commands)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeChatMember, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.texts import COMMANDS, Menu, Who

log = logging.getLogger(__name__)


def entries(which: Menu) -> list[tuple[str, str]]:
    """(command, description) of one menu, from the command registry in its order; an admin's menu starts
    with what only admins may do."""
    commands = [c for c in COMMANDS if which in c.menus]
    if which is not Menu.DEFAULT:
        commands.sort(key=lambda c: bool(c.who & ~Who.ADMIN))  # stable: registry order within each part
    return [(c.name, c.menu_text(which)) for c in commands]


def _commands(which: Menu) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in entries(which)]


async def install(bot: Bot, admin_ids: Iterable[int], served_chats: Iterable[int]) -> None:
    """At start: the default menu, each admin's private menu, each admin's menu in each served group."""
    await bot.set_my_commands(_commands(Menu.DEFAULT), scope=BotCommandScopeDefault())
    admins = list(admin_ids)
    for admin in admins:
        await _quietly(bot, _commands(Menu.PRIVATE_ADMIN), BotCommandScopeChat(admin))
    for chat_id in served_chats:
        await for_group(bot, chat_id, admins)


async def for_group(bot: Bot, chat_id: int, admin_ids: Iterable[int]) -> None:
    for admin in admin_ids:
        await _quietly(bot, _commands(Menu.GROUP_ADMIN), BotCommandScopeChatMember(chat_id, admin))


async def _quietly(bot: Bot, commands: list[BotCommand],
                   scope: BotCommandScopeChat | BotCommandScopeChatMember) -> None:
    """An admin who never opened a private chat, or is not in the group, cannot get a menu there: fine."""
    try:
        await bot.set_my_commands(commands, scope=scope)
    except TelegramError as exc:
        log.debug("command menu not set for %s: %s", scope, exc)
