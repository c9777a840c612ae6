"""Who may do what: every command and button against every role; only the allowed cells change anything.

Roles: an admin (ADMIN_IDS); the liaison of the party the need is routed to; a liaison of another party;
the need's author (an enterprise member of the group); a stranger in the group the bot has never seen;
and a user of another served group, acting from there (commands in their group, buttons of GROUP's needs
pressed on a message in their group). Each cell starts from a fresh need with a fresh promise on it; the
database is fingerprinted (every table but the handled-update marks, the journal, the people seen and the
notices) before and after, and the reply is checked for the refusal a person should see.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.sandbox.localapi import LocalBotApi
from nlp.router import Router
from tests.conftest import (
    ADMIN,
    ENTERPRISE,
    GROUP,
    LIAISON,
    MIIT_LIAISON,
    OTHER_GROUP,
    STRANGER,
    RunningBot,
    make_settings,
)

OUTSIDER = {"id": 3900, "first_name": "别群成员"}
ROLES = {"admin": ADMIN, "routed": LIAISON, "other_liaison": MIIT_LIAISON, "author": ENTERPRISE,
         "stranger": STRANGER, "other_chat": OUTSIDER}
NOT_IN_FINGERPRINT = ("processed_updates", "update_journal", "users", "notices")
PROMISE_TABLES = ("commitments", "claims", "routes")  # what a promise changes


@dataclass
class Cell:
    need_id: int
    number: int
    card: int  # the card's message id
    commitment: int
    mark: int


async def fingerprint(bot: RunningBot, only: tuple[str, ...] = ()) -> str:
    db = bot.app.bot_data.services.db  # type: ignore[union-attr]
    digest = hashlib.sha256()
    async with db.read() as conn:
        async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") as cur:
            tables = [r[0] for r in await cur.fetchall() if r[0] not in NOT_IN_FINGERPRINT
                      and (not only or r[0] in only)]
        for table in tables:
            async with conn.execute(f"SELECT * FROM {table} ORDER BY rowid") as cur:  # noqa: S608
                digest.update(repr([tuple(r) for r in await cur.fetchall()]).encode())
    return digest.hexdigest()


@pytest.fixture
async def world(served: RunningBot) -> RunningBot:
    api = served.api
    await api.member_change(OTHER_GROUP, ADMIN, "left", "member")
    await served.settle()
    await served.say(OUTSIDER, "大家好，我是别的群的", chat_id=OTHER_GROUP)
    return served


counter = {"n": 0}


async def fresh_cell(bot: RunningBot, reported: bool | None = False) -> Cell:
    """A need routed to transport (LIAISON's party, not MIIT_LIAISON's), with LIAISON's promise on it."""
    counter["n"] += 1
    await bot.say(ENTERPRISE, f"我们公司做自动驾驶，需要开放一段测试路段，希望交通运输局支持（第{counter['n']}批）")
    card = [c for c in bot.api.sent("sendMessage", GROUP) if "已登记需求" in str(c.params.get("text"))][-1]
    data = card.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
    need_id = int(data.split(":")[1])
    view = await bot.app.bot_data.services.cases.needs.view(need_id)  # type: ignore[union-attr]
    assert view is not None and view.lead is not None and view.lead.party.id == "transport"
    assert "miit" not in {r.party.id for r in view.routed}
    if reported is None:  # no promise (nor claim) on this need
        return Cell(need_id, view.need.number, card.result["message_id"], 0, len(bot.api.calls))  # type: ignore[index]
    await bot.say(LIAISON, f"/commit {view.need.number} 两周内开放测试路段")
    commitment = int(bot.last_text().split("已记录承诺 ")[1].split("（")[0])
    if reported:
        await bot.say(LIAISON, f"/done {commitment}")
    return Cell(need_id, view.need.number, card.result["message_id"], commitment, len(bot.api.calls))  # type: ignore[index]


# (action, roles whose action changes the database). Commands are typed in GROUP ({n}: the need's
# number, {c}: the promise's id); the other chat's user types them in OTHER_GROUP, where #n is not theirs.
COMMANDS: list[tuple[str, set[str]]] = [
    ("/route {n} police", {"admin"}),
    ("/resolve {n}", {"admin", "author", "routed"}),  # routed: the lead's liaison (办结)
    ("/commit {n} 下周五前提供路侧单元接口", {"routed", "other_liaison"}),  # another party steps in (assist)
    ("/done {c}", {"admin", "routed"}),
    ("/cancel {c}", {"admin", "routed"}),
    ("/due {c} 下周五", {"admin"}),  # the promise is dated: its liaison asks for 延期 instead
    ("/extend {c} 一个月内 路侧单元到货推迟", {"routed"}),  # a request (the date moves when an admin approves)
    ("/agreement {n} 与青岛场景基金签约，融资500万元", {"admin", "author", "routed", "other_liaison"}),
    ("/bind 3777 police", {"admin"}),
    ("/party add perm_lab_{k} lab 权限测试实验室{k}", {"admin"}),
    ("/forget 3001", {"admin"}),
    ("/join police", set(ROLES)),  # a request to be bound (or to move), for an admin to approve
    ("/need 希望协调一块用地建设充电站（{k}）", {"admin", "routed", "other_liaison", "author", "stranger",
                                               "other_chat"}),
    # a reply to the card: only a bound party's is a promise (what else it may be is not a permission: notes are not
    # compared for it, see PROMISE_TABLES)
    ("两周内开放测试路段", {"routed", "other_liaison"}),
]
READ_ONLY_ADMIN = ["/needs", "/status {n}", "/overdue", "/kept", "/triage", "/report", "/export", "/backup",
                   "/monthly", "/offers export"]
READ_ONLY_OPEN = ["/parties", "/help", "/start", "/offers", "/offers 1", "/offers 能力"]
BUTTONS: list[tuple[str, set[str], bool | None]] = [  # (data, roles that change something, promise reported)
    ("claim:{need}", {"routed"}, None),  # None: no promise yet (a promise claims the need)
    ("decline:{need}", set(), False),  # only opens the 转交 menu
    ("xfer:{need}:police", {"admin"}, False),  # an admin may hand a need on too; a liaison is asked why first
    ("why:{need}:police:duty", {"admin", "routed"}, False),  # the liaison's 转交 with its reason (退单)
    ("cancel:{need}", set(), False),  # closes the 转交 menu
    ("solve:{need}", {"admin", "author", "routed"}, False),
    ("kept:{c}:y", {"admin", "author"}, True),
    ("kept:{c}:n", {"admin", "author"}, True),
    ("fulfil:{c}", {"admin", "routed"}, False),
    # a fresh need says the same as the one before it: the hint's buttons are its author's alone
    ("second:{need}", {"author"}, None),
    ("notsame:{need}", {"author"}, None),
]
READ_ONLY_BUTTONS = ["detail:{n}", "npage:1:o", "lpage:1:overdue", "lpage:1:kept"]


async def act(bot: RunningBot, role: str, cell: Cell, text: str) -> None:
    user = ROLES[role]
    if text.startswith("/") or role == "other_chat":
        if role == "other_chat" and text.startswith("两周内"):
            # No card of that need there to reply to: a reply to their own greeting, about no need of theirs.
            greeting = next(m for (c, _), m in bot.api.messages.items()
                            if c == OTHER_GROUP and "别的群" in m.get("text", ""))
            await bot.say(user, text, chat_id=OTHER_GROUP, reply_to=greeting["message_id"])
            return
        chat = OTHER_GROUP if role == "other_chat" else GROUP
        await bot.say(user, text, chat_id=chat)
    else:
        await bot.say(user, text, reply_to=cell.card)


async def press(bot: RunningBot, role: str, cell: Cell, data: str) -> None:
    if role == "other_chat":  # GROUP's callback data on the bot's message in the other group
        message = [c for c in bot.api.sent("sendMessage", OTHER_GROUP) if c.status == 200][0]
        await bot.press(OUTSIDER, message.result["message_id"], data, chat_id=OTHER_GROUP)  # type: ignore[index]
    else:
        await bot.press(ROLES[role], cell.card, data)


def _format(template: str, cell: Cell) -> str:
    return template.format(n=cell.number, c=cell.commitment, need=cell.need_id, k=counter["n"])


async def test_every_command_against_every_role(world: RunningBot) -> None:
    wrong = {}
    for template, allowed in COMMANDS:
        for role in ROLES:
            cell = await fresh_cell(world)
            only = PROMISE_TABLES if not template.startswith("/") else ()
            before = await fingerprint(world, only)
            await act(world, role, cell, _format(template, cell))
            changed = before != await fingerprint(world, only)
            if changed != (role in allowed):
                wrong[(template, role)] = changed
    assert not wrong, "cells that changed when they should not (True) or did not when they should (False): " \
        + repr(wrong)


async def test_read_only_admin_commands_are_refused_to_everyone_else(world: RunningBot) -> None:
    cell = await fresh_cell(world)
    for template in READ_ONLY_ADMIN + READ_ONLY_OPEN:
        for role in ROLES:
            mark = len(world.api.calls)
            before = await fingerprint(world)
            await act(world, role, cell, _format(template, cell))
            assert before == await fingerprint(world), (template, role)
            replies = world.replies_since(mark)
            refused = any(r in (texts.NOT_ADMIN, texts.BACKUP_PRIVATE_ONLY) for r in replies)
            if template in READ_ONLY_OPEN:
                assert replies and not refused, (template, role)
            elif template == "/backup":
                assert refused and not world.calls_since(mark, "sendDocument"), (template, role)  # private only
            else:
                assert refused == (role != "admin"), (template, role, replies)


async def test_every_button_against_every_role(world: RunningBot) -> None:
    wrong = {}
    for template, allowed, reported in BUTTONS:
        for role in ROLES:
            cell = await fresh_cell(world, reported=reported)
            before = await fingerprint(world)
            await press(world, role, cell, _format(template, cell))
            changed = before != await fingerprint(world)
            if changed != (role in allowed):
                wrong[(template, role)] = changed
    for template in READ_ONLY_BUTTONS:
        for role in ROLES:
            cell = await fresh_cell(world)
            before = await fingerprint(world)
            await press(world, role, cell, _format(template, cell))
            alerts = [c for c in world.calls_since(cell.mark, "answerCallbackQuery") if c.params.get("show_alert")]
            if before != await fingerprint(world) or bool(alerts) == (role == "admin"):
                wrong[(template, role)] = True
    assert not wrong, repr(wrong)


async def test_a_merge_is_an_admins_and_its_undo_an_admins_or_the_authors(world: RunningBot) -> None:
    """/merge N M changes something for an admin only; /unmerge N and 撤销合并 for an admin or #N's author."""
    wrong = {}
    for role in ROLES:
        into, cell = await fresh_cell(world, reported=None), await fresh_cell(world, reported=None)
        before = await fingerprint(world)
        await act(world, role, cell, f"/merge {cell.number} {into.number}")
        if (before != await fingerprint(world)) != (role == "admin"):
            wrong[("/merge", role)] = True
    for undo in ("/unmerge {n}", "unmerge:{need}"):
        for role in ROLES:
            into, cell = await fresh_cell(world, reported=None), await fresh_cell(world, reported=None)
            await world.say(ADMIN, f"/merge {cell.number} {into.number}")
            before = await fingerprint(world)
            if undo.startswith("/"):
                await act(world, role, cell, _format(undo, cell))
            else:
                await press(world, role, cell, _format(undo, cell))
            if (before != await fingerprint(world)) != (role in ("admin", "author")):
                wrong[(undo, role)] = True
    assert not wrong, repr(wrong)


async def test_a_join_request_is_decided_by_an_admin_only(world: RunningBot) -> None:
    await world.say(STRANGER, "/join police")
    request = [c for c in world.api.sent("sendMessage") if "join:" in str(c.params.get("reply_markup", ""))][-1]
    data = next(b["callback_data"] for row in request.params["reply_markup"]["inline_keyboard"] for b in row
                if b["callback_data"].endswith(":y"))
    chat = int(request.params["chat_id"])
    for role in ("routed", "other_liaison", "author", "stranger"):
        before = await fingerprint(world)
        await world.press(ROLES[role], request.result["message_id"], data, chat_id=chat)  # type: ignore[index]
        assert before == await fingerprint(world), role
    before = await fingerprint(world)
    await world.press(ADMIN, request.result["message_id"], data, chat_id=chat)  # type: ignore[index]
    assert before != await fingerprint(world)
    mm = world.app.bot_data.services.cases  # type: ignore[union-attr]
    _, party = await mm.people.role(STRANGER["id"])
    assert party is not None and party.id == "police"


GROUP_OWNER = {"id": 4100, "first_name": "群主", "last_name": "孙"}


async def test_admins_from_chat(api: LocalBotApi, tmp_path: Path, router: Router) -> None:
    """ADMINS_FROM_CHAT=true: the group's Telegram administrators are admins for that group's needs —
    not in another group, not for the directory, bindings or /forget — asked once and cached until a
    membership change in the group."""
    settings = replace(make_settings(api, tmp_path / "bot.sqlite3"), admins_from_chat=True)
    bot = RunningBot(api, settings, router)
    await bot.start()
    try:
        for group in (GROUP, OTHER_GROUP):
            await api.member_change(group, ADMIN, "left", "member")
        api.admins[GROUP] = [GROUP_OWNER["id"]]
        api.add_user(GROUP_OWNER)
        mark = len(api.calls)
        await bot.say(ENTERPRISE, "我们公司做自动驾驶，需要开放一段测试路段，希望交通运输局支持")
        await bot.say(GROUP_OWNER, "/needs")
        assert "#1" in bot.last_text() and texts.NOT_ADMIN not in bot.last_text()
        await bot.say(GROUP_OWNER, "/route 1 police")
        assert texts.NOT_ADMIN not in bot.last_text()
        mm = bot.app.bot_data.services.cases  # type: ignore[union-attr]
        view = await mm.needs.view(1)
        assert view is not None and view.lead is not None and view.lead.party.id == "police"
        lookups = [c for c in bot.calls_since(mark, "getChatAdministrators") if c.params["chat_id"] == GROUP]
        assert len(lookups) == 1  # asked once, then cached
        for command in ("/party add owner_lab lab 群主实验室", "/bind 3002 police", "/forget 3001"):
            await bot.say(GROUP_OWNER, command)
            assert bot.last_text() == texts.NOT_ADMIN, command
        await bot.say(GROUP_OWNER, "/needs", chat_id=OTHER_GROUP)
        assert bot.last_text() == texts.NOT_ADMIN
        # An anonymous administrator posts as the group itself.
        anonymous = {"id": 1087968824, "first_name": "Group", "username": "GroupAnonymousBot"}
        message = api.new_message(GROUP, anonymous, "/needs", extra={"sender_chat": api.chat(GROUP)})
        await api.push({"message": message})
        await bot.settle()
        assert "#1" in bot.last_text()
        # Demoted: the membership change drops the cache, and Telegram is asked again.
        api.admins[GROUP] = []
        await api.member_change(GROUP, ADMIN, "administrator", "member", member={"is_bot": False, **GROUP_OWNER})
        await bot.settle()
        await bot.say(GROUP_OWNER, "/needs")
        assert bot.last_text() == texts.NOT_ADMIN
        assert len([c for c in bot.calls_since(mark, "getChatAdministrators") if c.params["chat_id"] == GROUP]) == 2
    finally:
        await bot.stop()
    assert not bot.errors


# --- 揭榜挂帅 (bot.services.challenges) ---------------------------------------------------------------------------

CHALLENGE_DAY = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # the bot's clock's day too


async def challenged_cell(bot: RunningBot, bid: bool = False) -> tuple[Cell, int, int]:
    """A fresh need published as a challenge (deadline tomorrow), with transport's bid on it if ``bid``:
    (cell, challenge id, bid id)."""
    bot.clock.set_local(2026, 11, 27, 12, 0)
    cell = await fresh_cell(bot, reported=None)
    await bot.say(ADMIN, f"/challenge {cell.number} 明天", date=CHALLENGE_DAY)
    if bid:
        await bot.say(LIAISON, f"/bid {cell.number} 一个月内开放测试路段", date=CHALLENGE_DAY)
    [(challenge, bid_id)] = await _one_row(bot, "SELECT c.id, (SELECT max(b.id) FROM bids b WHERE b.challenge_id"
                                                " = c.id) FROM challenges c ORDER BY c.id DESC LIMIT 1")
    return cell, challenge, bid_id or 0


async def _one_row(bot: RunningBot, sql: str) -> list[tuple[int, int | None]]:
    async with bot.app.bot_data.services.db.read() as conn:  # type: ignore[union-attr]
        async with conn.execute(sql) as cur:
            return [(r[0], r[1]) for r in await cur.fetchall()]


async def test_challenge_commands_and_buttons_against_every_role(world: RunningBot) -> None:
    """/challenge N 日期: admins; /bid N and 揭榜: anyone in the group but the need's author; 选 k / 都不选 (after the
    deadline): the author or an admin; /challenge N (the bids): read-only, the author's or an admin's."""
    wrong: dict[tuple[str, str], bool] = {}
    for role in ROLES:  # publish
        world.clock.set_local(2026, 11, 27, 12, 0)
        cell = await fresh_cell(world, reported=None)
        before = await fingerprint(world)
        chat = OTHER_GROUP if role == "other_chat" else GROUP
        await world.say(ROLES[role], f"/challenge {cell.number} 12月20日", chat_id=chat, date=CHALLENGE_DAY)
        if (before != await fingerprint(world)) != (role == "admin"):
            wrong[("/challenge N 日期", role)] = True
    bidders = set(ROLES) - {"author", "other_chat"}
    for role in ROLES:  # bid, by command and by button (the button writes the question it asks)
        cell, challenge, _ = await challenged_cell(world)
        before = await fingerprint(world)
        chat = OTHER_GROUP if role == "other_chat" else GROUP
        await world.say(ROLES[role], f"/bid {cell.number} 我们可以做", chat_id=chat, date=CHALLENGE_DAY)
        if (before != await fingerprint(world)) != (role in bidders):
            wrong[("/bid N 方案", role)] = True
        cell, challenge, _ = await challenged_cell(world)
        before = await fingerprint(world)
        await press(world, role, cell, f"bidask:{challenge}")
        if (before != await fingerprint(world)) != (role in bidders):
            wrong[("bidask", role)] = True
    for template in ("bidpick:{ch}:{bid}", "bidnone:{ch}"):  # the pick, the day after the deadline
        for role in ROLES:
            cell, challenge, bid_id = await challenged_cell(world, bid=True)
            world.clock.set_local(2026, 11, 29, 10, 0)
            before = await fingerprint(world)
            await press(world, role, cell, template.format(ch=challenge, bid=bid_id))
            if (before != await fingerprint(world)) != (role in ("admin", "author")):
                wrong[(template, role)] = True
    cell, _, _ = await challenged_cell(world, bid=True)
    for role in ROLES:  # the bids: shown to the author and the admins, nothing changes
        before = await fingerprint(world)
        mark = len(world.api.calls)
        chat = OTHER_GROUP if role == "other_chat" else GROUP
        await world.say(ROLES[role], f"/challenge {cell.number}", chat_id=chat, date=CHALLENGE_DAY)
        shown = any("共 1 份方案" in r for r in world.replies_since(mark))
        if before != await fingerprint(world) or shown != (role in ("admin", "author")):
            wrong[("/challenge N", role)] = True
    assert not wrong, repr(wrong)


# The standing lists (issue 15, part C): each cell starts from a fresh offer of transport (the "routed" liaison's
# party; {o}: its number). An admin bound to no party names the party it publishes for.
OFFER_COMMANDS: list[tuple[str, set[str]]] = [
    ("/offer 场景 权限测试场景{k}；内容", {"routed", "other_liaison"}),  # each for their own department
    ("/offer transport 场景 代发场景{k}；内容", {"admin", "routed"}),  # a party named: an admin's, or one's own
    ("/offers edit {o} 标题 新标题{k}", {"admin", "routed"}),
    ("/offers close {o}", {"admin", "routed"}),
    ("/offers import", {"admin"}),  # with a spreadsheet that adds a row
]


def _sheet(k: int) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(texts.OFFERS_HEADERS))
    sheet.append([None, "能力", "lab_aiot", "", f"导入的能力{k}", "", "", "", "开放", "否"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_the_standing_lists_against_every_role(world: RunningBot) -> None:
    wrong = {}
    for template, allowed in OFFER_COMMANDS:
        for role in ROLES:
            counter["n"] += 1
            await world.say(ADMIN, f"/offer transport 场景 供给{counter['n']}；内容")
            offer_id = int(world.last_text().split("供给 #")[1].split("（")[0])
            before = await fingerprint(world)
            text = template.format(o=offer_id, k=counter["n"])
            chat = OTHER_GROUP if role == "other_chat" else GROUP
            if template == "/offers import":
                await world.api.send_document(chat, ROLES[role], "offers.xlsx", _sheet(counter["n"]), caption=text)
                await world.settle()
            else:
                await world.say(ROLES[role], text, chat_id=chat)
            if (before != await fingerprint(world)) != (role in allowed):
                wrong[(template, role)] = world.last_text()
    assert not wrong, repr(wrong)


async def test_the_handshake_against_every_role(world: RunningBot) -> None:
    """感兴趣 / 不合适 change something for the need's author and the offer's party only (here other_liaison: the
    offer is 工信局's); 记录签约 under an introduction for them and an admin. Each need gets its match written
    straight in (what matching would write: the answers teach the matcher, so it stops suggesting these needs)."""
    from datetime import UTC, datetime

    from bot.domain.offers import OfferKind, Side
    from storage.offers import MatchRepo, OfferRepo

    services = world.app.bot_data.services  # type: ignore[union-attr]
    async with services.db.transaction() as conn:
        offer = await OfferRepo(conn).add(party_id="miit", kind=OfferKind.SCENARIO, title="自动驾驶测试路段开放",
                                          text="开放智能网联汽车测试路段，供自动驾驶企业开展路测", created_by=None,
                                          at=datetime.now(UTC))

    async def match_of(cell: Cell) -> int:
        async with services.db.transaction() as conn:
            repo = MatchRepo(conn)
            made = [m for m in (await repo.of_needs([cell.need_id])).get(cell.need_id, []) if m.offer_id == offer.id]
            match = made[0] if made else await repo.add(need_id=cell.need_id, offer_id=offer.id, score=0.5,
                                                        reason="自动驾驶", origin=Side.NEED, at=datetime.now(UTC))
        assert match is not None
        return match.id

    wrong = {}
    for answer in ("y", "n"):
        for role in ROLES:
            cell = await fresh_cell(world, reported=None)
            data = f"match:{await match_of(cell)}:{answer}"
            before = await fingerprint(world)
            await press(world, role, cell, data)
            if (before != await fingerprint(world)) != (role in ("author", "other_liaison")):
                wrong[(data, role)] = True
    for role in ROLES:
        cell = await fresh_cell(world, reported=None)
        match = await match_of(cell)
        await world.press(ENTERPRISE, cell.card, f"match:{match}:y")
        await world.press(MIIT_LIAISON, cell.card, f"match:{match}:y")
        before = await fingerprint(world)
        await press(world, role, cell, f"msign:{match}")
        if (before != await fingerprint(world)) != (role in ("admin", "author", "other_liaison")):
            wrong[("msign", role)] = True
    assert not wrong, repr(wrong)
