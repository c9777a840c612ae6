"""One list of commands (bot.texts.commands.COMMANDS): the handler table, the command menus and /help are
made from it, and the README's command table says the same about which commands there are and who may
use each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from telegram.ext import Application, CommandHandler

from bot import texts
from bot.app import COMMAND_CALLBACKS, command_table, register_handlers
from bot.delivery import menus
from bot.domain import Role
from bot.texts import COMMANDS, Menu, Who

README = Path(__file__).resolve().parent.parent / "README.md"
NAMES = [c.name for c in COMMANDS]
BY_NAME = {c.name: c for c in COMMANDS}


def readme_rows() -> list[tuple[list[str], str]]:
    """(command names, 谁可以用) of each row of the README's "## 命令 · Commands" table."""
    section = README.read_text(encoding="utf-8").split("## 命令 · Commands", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) < 3 or set(cells[0]) <= {"-"} or cells[0] == "命令":
            continue
        rows.append((re.findall(r"`/([a-z_]+)", cells[0]), cells[1]))
    return rows


def commands_in(text: str) -> set[str]:
    return set(re.findall(r"^/([a-z_]+)", text, re.MULTILINE))


def test_each_command_is_listed_once_and_described() -> None:
    assert len(NAMES) == len(set(NAMES))
    for command in COMMANDS:
        assert re.fullmatch(r"[a-z][a-z0-9_]{0,31}", command.name), command.name  # Telegram's rule
        assert command.usage == f"/{command.name}" or command.usage.startswith(f"/{command.name} "), command
        assert command.description.strip(), command.name
        assert command.who, command.name
        for which in command.menus:
            assert 1 <= len(command.menu_text(which)) <= 256, (command.name, which)  # Telegram's limit


def test_readme_table_lists_the_registry() -> None:
    rows = readme_rows()
    assert rows and all(names for names, _ in rows), rows
    assert {name for names, _ in rows for name in names} == set(NAMES)


def test_readme_says_who_may_use_each_command_as_the_registry_does() -> None:
    for names, who in readme_rows():
        for name in names:
            assert who == texts.who_label(BY_NAME[name].who), name


def test_the_handler_table_is_the_registry() -> None:
    assert [name for name, _ in command_table()] == NAMES
    application = Application.builder().token("123:TEST").build()
    register_handlers(application)
    registered = [next(iter(h.commands)) for h in application.handlers[0] if isinstance(h, CommandHandler)]
    assert registered == NAMES


def test_a_command_without_a_callback_or_a_callback_without_a_command_fails_the_build() -> None:
    without = {name: callback for name, callback in COMMAND_CALLBACKS.items() if name != "kept"}
    with pytest.raises(LookupError, match="kept"):
        command_table(without)
    with pytest.raises(LookupError, match="unlisted"):
        command_table({**COMMAND_CALLBACKS, "unlisted": COMMAND_CALLBACKS["help"]})


@pytest.mark.parametrize(("role", "may"), [
    (Role.ENTERPRISE, Who.EVERYONE | Who.AUTHOR),
    (Role.MEMBER, Who.EVERYONE | Who.AUTHOR | Who.BOUND),
    (Role.LIAISON, Who.EVERYONE | Who.AUTHOR | Who.BOUND),
])
def test_help_lists_what_the_role_may_use(role: Role, may: Who) -> None:
    text = texts.help_text(role, served=True)
    assert commands_in(text) == {c.name for c in COMMANDS if c.who & may}
    for command in COMMANDS:
        if command.who & may:
            assert f"{command.usage} — {command.description}" in text


def test_help_for_an_admin_lists_every_command() -> None:
    assert commands_in(texts.help_text(Role.ADMIN, served=True)) == set(NAMES)
    assert commands_in(texts.help_text(Role.ADMIN, served=False)) == set(NAMES)
    assert commands_in(texts.help_text(Role.LIAISON, served=False)) == set()
    # In the bot's private chat a liaison is told the commands are the group's (there only /start and /help answer).
    assert "在对接群里使用" in texts.help_text(Role.LIAISON, served=True, private=True)
    assert "在对接群里使用" not in texts.help_text(Role.ADMIN, served=True, private=True)


def test_menus_are_made_from_the_registry() -> None:
    for which in Menu:
        shown = menus.entries(which)
        assert sorted(name for name, _ in shown) == sorted(c.name for c in COMMANDS if which in c.menus)
        assert all(description == BY_NAME[name].menu_text(which) for name, description in shown)
    assert dict(menus.entries(Menu.PRIVATE_ADMIN))["report"] == "全部群的对接成效报告"  # it covers every group there
    assert dict(menus.entries(Menu.GROUP_ADMIN))["report"] == "对接成效报告"


def test_each_menu_offers_only_what_its_people_may_use_there() -> None:
    usable = {Menu.DEFAULT: Who.EVERYONE | Who.AUTHOR | Who.BOUND,
              Menu.GROUP_ADMIN: Who.EVERYONE | Who.AUTHOR | Who.BOUND | Who.ADMIN_GROUP,
              Menu.PRIVATE_ADMIN: Who.ADMIN_PRIVATE}
    for which, may in usable.items():
        for name, _ in menus.entries(which):
            assert BY_NAME[name].who & may, (which, name)


def test_an_admins_group_menu_keeps_everything_the_default_menu_offers() -> None:
    """Telegram shows an admin in a served group their own menu instead of the default one."""
    default = {name for name, _ in menus.entries(Menu.DEFAULT)}
    in_group = {name for name, _ in menus.entries(Menu.GROUP_ADMIN)}
    assert default <= in_group
    assert {"help", "parties"} <= {name for name, _ in menus.entries(Menu.PRIVATE_ADMIN)}


def test_every_command_but_start_is_in_a_menu() -> None:
    assert [c.name for c in COMMANDS if not c.menus] == ["start"]  # Telegram offers /start itself
