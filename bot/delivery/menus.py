"""Command menus (setMyCommands) per scope: everyone; an admin in each served group; an admin's
private chat. Telegram shows the most specific menu that applies to the person and the chat."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeChatMember, BotCommandScopeDefault
from telegram.error import TelegramError

log = logging.getLogger(__name__)

EVERYONE = [
    ("help", "查看可用命令"),
    ("need", "登记一条需求"),
    ("commit", "对需求作出承诺"),
    ("done", "报告承诺已兑现"),
    ("agreement", "记录对接成果"),
    ("join", "申请绑定单位"),
    ("parties", "查看对接名录"),
]
GROUP_ADMIN = [
    ("needs", "需求列表"),
    ("status", "需求详情"),
    ("triage", "待确认牵头部门的需求"),
    ("overdue", "逾期和未定日期的承诺"),
    ("route", "改派牵头部门"),
    ("resolve", "标记需求已解决"),
    ("kept", "各单位承诺兑现率"),
    ("report", "对接成效报告"),
    ("export", "导出本群记录"),
    ("agreement", "记录对接成果"),
    ("bind", "绑定联络员"),
    ("help", "查看可用命令"),
]
PRIVATE_ADMIN = [
    ("report", "全部群的对接成效报告"),
    ("export", "导出全部群的记录"),
    ("kept", "全部群的承诺兑现率"),
    ("party", "查看、新增、修改、停用单位"),
    ("directory", "导出或导入名录文件"),
    ("backup", "数据库备份文件"),
    ("parties", "查看对接名录"),
    ("bind", "绑定联络员"),
    ("help", "查看可用命令"),
]


def _commands(pairs: list[tuple[str, str]]) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in pairs]


async def install(bot: Bot, admin_ids: Iterable[int], served_chats: Iterable[int]) -> None:
    """At start: the default menu, each admin's private menu, each admin's menu in each served group."""
    await bot.set_my_commands(_commands(EVERYONE), scope=BotCommandScopeDefault())
    admins = list(admin_ids)
    for admin in admins:
        await _quietly(bot, _commands(PRIVATE_ADMIN), BotCommandScopeChat(admin))
    for chat_id in served_chats:
        await for_group(bot, chat_id, admins)


async def for_group(bot: Bot, chat_id: int, admin_ids: Iterable[int]) -> None:
    for admin in admin_ids:
        await _quietly(bot, _commands(GROUP_ADMIN), BotCommandScopeChatMember(chat_id, admin))


async def _quietly(bot: Bot, commands: list[BotCommand],
                   scope: BotCommandScopeChat | BotCommandScopeChatMember) -> None:
    """An admin who never opened a private chat, or is not in the group, cannot get a menu there: fine."""
    try:
        await bot.set_my_commands(commands, scope=scope)
    except TelegramError as exc:
        log.debug("command menu not set for %s: %s", scope, exc)
