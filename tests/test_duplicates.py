"""Duplicates and 附议 (issue 14) through the real Application: a new need that says the same as an open one is
hinted on its card; its author seconds the earlier need (附议) or says it is another matter; admins /merge and undo;
both authors are asked for the verdict when the need is resolved."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from bot import texts
from bot.domain import Refusal
from storage.duty import LeadTermRepo
from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, OTHER_GROUP, STRANGER, RunningBot
from tests.test_duty import alert_after, buttons_of

FIRST = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"
SAME = "我们也是做自动驾驶的，希望交通局开放一段测试路段，并提供路侧单元"
OTHER = "希望市卫健委开放医院脱敏数据，用于癌症早筛模型训练"
FIRM = {"id": 3003, "first_name": "王总", "username": "wang_robotaxi"}  # a second enterprise


async def hinted(bot: RunningBot) -> dict[str, Any]:
    """#1 by ENTERPRISE, then the same need said again by FIRM as #2: #2's card."""
    await bot.say(ENTERPRISE, FIRST)
    await bot.say(FIRM, SAME)
    return bot.card_of(2)


async def hint_status(bot: RunningBot, need_id: int) -> str | None:
    db = bot.app.bot_data.services.db  # type: ignore[union-attr]
    async with db.read() as conn:
        async with conn.execute("SELECT status FROM duplicate_hints WHERE need_id = ?", (need_id,)) as cur:
            row = await cur.fetchone()
    return row[0] if row else None


async def test_a_duplicate_is_hinted_and_seconded(served: RunningBot) -> None:
    card = await hinted(served)
    assert "可能与 #1 相同" in card["text"], card["text"]
    choices = buttons_of(card)
    assert {"附议 #1", "不是同一件事", "认领"} <= set(choices), choices
    assert "可能与" not in served.card_of(1)["text"]  # the first need has nothing to second

    for someone in (STRANGER, ENTERPRISE, ADMIN):  # only the new need's author answers the hint
        mark = await served.press(someone, card["message_id"], choices["附议 #1"])
        assert "只有提出这条需求的企业" in alert_after(served, mark)
    assert await hint_status(served, 2) == "open"

    mark = await served.press(FIRM, card["message_id"], choices["附议 #1"])
    told = served.replies_since(mark)
    assert any("附议需求 #1" in t and f'tg://user?id={FIRM["id"]}' in t for t in told), told
    merged = served.card_of(2)
    assert "已合并到 #1" in merged["text"] and not buttons_of(merged)  # out of the running: no buttons
    assert "附议 1 家" in served.card_of(1)["text"]
    assert await hint_status(served, 2) == "seconded"
    mark = await served.press(FIRM, card["message_id"], choices["附议 #1"])  # once
    assert "已经处理过" in alert_after(served, mark)

    await served.say(ADMIN, "/status 1")
    status = served.last_text()
    assert "附议</b>：1 家（王总）" in status, status
    await served.say(ADMIN, "/status 2")
    assert "已合并到 #1（附议）" in served.last_text()
    await served.say(ADMIN, "/needs")
    listed = served.last_text()
    assert "#1" in listed and "#2" not in listed, listed  # a merged need leaves the list as a withdrawn one
    await served.say(ADMIN, "/needs all")
    every = next(line for line in served.last_text().splitlines() if line.startswith("#2"))
    assert every.endswith("已合并到 #1（附议）") and "撤销" not in every and "牵头" not in every, every
    asked = await served.say(ADMIN, "/report")
    report = next(t for t in served.replies_since(asked["_calls_from"]) if "对接成效报告" in t)
    assert "附议：1 家企业附议了 1 条需求" in report and "需求 1 →" in report, report  # counted once

    await served.say(ADMIN, "/export")  # the merged need stays in the export, explained
    document = [c for c in served.api.calls if c.method == "sendDocument"][-1]
    book = load_workbook(io.BytesIO(document.params["document"]["data"]))
    sheet = list(book["需求"].values)
    needs = {row["需求号"]: row for row in (dict(zip(sheet[0], r, strict=True)) for r in sheet[1:])}
    assert (needs[1]["状态"], needs[1]["附议企业"], needs[1]["合并到需求号"]) == ("办理中", "王总", None)
    assert (needs[2]["状态"], needs[2]["附议企业"], needs[2]["合并到需求号"]) == ("已合并（附议）", None, 1)
    events = [str(r) for r in list(book["记录"].values)[1:]]
    assert any("附议（并入另一需求）" in e and "并入需求号" in e for e in events), events

    await served.say(FIRM, "/unmerge 2")  # its author takes it back: a need of its own, never hinted again
    assert "需求 #2 不再并入 #1" in served.last_text()
    assert await hint_status(served, 2) == "rejected"
    again = served.card_of(2)
    assert "可能与" not in again["text"] and "附议 #1" not in buttons_of(again) and "认领" in buttons_of(again)
    assert "附议" not in served.card_of(1)["text"]


async def test_not_the_same_removes_the_hint_for_good(served: RunningBot) -> None:
    card = await hinted(served)
    choices = buttons_of(card)
    mark = await served.press(STRANGER, card["message_id"], choices["不是同一件事"])
    assert "只有提出这条需求的企业" in alert_after(served, mark)
    await served.press(FIRM, card["message_id"], choices["不是同一件事"])
    after = served.card_of(2)
    assert "可能与" not in after["text"] and "附议 #1" not in buttons_of(after) and "认领" in buttons_of(after)
    assert await hint_status(served, 2) == "rejected"
    await served.press(LIAISON, card["message_id"], buttons_of(after)["认领"])  # the card is drawn again
    assert "可能与" not in served.card_of(2)["text"]  # remembered: never suggested again
    mark = await served.press(FIRM, card["message_id"], choices["附议 #1"])  # the old button is spent
    assert "已经处理过" in alert_after(served, mark)
    await served.say(ADMIN, "/needs")
    assert "#2" in served.last_text()  # still a need of its own


async def test_different_needs_are_not_hinted(served: RunningBot) -> None:
    await served.say(ENTERPRISE, FIRST)
    await served.say(FIRM, OTHER)
    card = served.card_of(2)
    assert "可能与" not in card["text"] and not any(k.startswith("附议") for k in buttons_of(card))


async def test_only_open_needs_are_candidates(served: RunningBot) -> None:
    await served.say(ENTERPRISE, OTHER)
    await served.say(FIRM, FIRST)
    await served.say(ADMIN, "/resolve 1")  # #1 leaves the candidates: the next need is compared with #2 alone
    await served.say(STRANGER, SAME)
    assert "可能与 #2 相同" in served.card_of(3)["text"], served.card_of(3)["text"]
    await served.say(ADMIN, "/resolve 2")
    await served.say(LIAISON, "/need " + FIRST)  # the very words of #2, resolved: #3 is the one still open
    assert "可能与 #3 相同" in served.card_of(4)["text"], served.card_of(4)["text"]


async def test_an_admins_need_is_compared_with_every_group(served: RunningBot) -> None:
    await served.api.member_change(OTHER_GROUP, ADMIN, "left", "member")  # a second served group
    await served.settle()
    await served.say(ENTERPRISE, FIRST, chat_id=OTHER_GROUP)
    await served.say(FIRM, SAME)  # an enterprise's: compared with its own group only
    assert "可能与" not in served.card_of(1)["text"]
    await served.say(ADMIN, "/need " + FIRST)  # the very words of the other group's #1
    assert "可能与另一对接群的 #1 相同" in served.card_of(2)["text"], served.card_of(2)["text"]


async def test_an_admin_merges_and_undoes(served: RunningBot) -> None:
    await served.say(ENTERPRISE, FIRST)
    await served.say(FIRM, OTHER)  # not alike: only an admin's judgement merges them

    mark = len(served.api.calls)
    await served.say(STRANGER, "/merge 2 1")
    await served.say(ENTERPRISE, "/merge 2 1")
    assert served.replies_since(mark) == [texts.NOT_ADMIN, texts.NOT_ADMIN]
    assert "附议" not in served.card_of(1)["text"]
    await served.say(ADMIN, "/merge 2 2")
    assert served.last_text() == texts.DUPLICATE_REFUSALS[Refusal.MERGE_SAME]
    await served.say(ADMIN, "/merge 2")
    assert served.last_text() == texts.MERGE_USAGE

    confirmation = await served.say(ADMIN, "/merge 2 1")
    assert "需求 #2 已合并到 #1" in served.last_text()
    assert "附议 1 家" in served.card_of(1)["text"] and "已合并到 #1" in served.card_of(2)["text"]
    await served.say(ADMIN, "/merge 1 2")  # #2 is merged: nothing goes into it
    assert "已合并到另一条需求" in served.last_text()
    await served.say(ADMIN, "/needs")
    assert "#2" not in served.last_text()

    answer = next(m for (chat, _), m in sorted(served.api.messages.items(), key=lambda kv: kv[0][1])
                  if chat == GROUP and "已合并到 #1" in m.get("text", "") and "撤销合并" in buttons_of(m))
    assert answer["message_id"] > confirmation["message_id"]
    undo = buttons_of(answer)["撤销合并"]
    mark = await served.press(STRANGER, answer["message_id"], undo)
    assert "管理员" in alert_after(served, mark)
    assert "已合并到 #1" in served.card_of(2)["text"]
    mark = await served.press(ADMIN, answer["message_id"], undo)
    assert any("已撤销合并" in t for t in served.replies_since(mark))
    assert "附议" not in served.card_of(1)["text"] and "认领" in buttons_of(served.card_of(2))
    await served.say(ADMIN, "/needs")
    assert "#2" in served.last_text()
    await served.say(ADMIN, "/unmerge 2")  # undone already
    assert served.last_text() == texts.DUPLICATE_REFUSALS[Refusal.NOT_MERGED]

    await served.say(ADMIN, "/merge 2 1")  # and by command
    await served.say(ADMIN, "/unmerge 2")
    assert "需求 #2 不再并入 #1" in served.last_text()
    await served.say(ADMIN, "/status 2")
    status = served.last_text()
    assert "管理员合并需求" in status and "撤销合并" in status and "办理中" in status, status
    # its lead's 签收 clock stopped while it was merged and starts afresh: every merge ended a spell, every
    # undo began one, and exactly one is open
    services = served.app.bot_data.services  # type: ignore[union-attr]
    need = await services.cases.needs.by_number(GROUP, 2)
    async with services.db.read() as conn:
        spells = await LeadTermRepo(conn).of_need(need.id)  # type: ignore[union-attr]
    assert len(spells) == 3 and [s.ended_by for s in spells] == ["reroute", "reroute", None], spells


async def test_both_authors_are_asked_for_the_verdict(served: RunningBot) -> None:
    card = await hinted(served)
    await served.press(FIRM, card["message_id"], buttons_of(card)["附议 #1"])
    first = served.card_of(1)
    await served.press(LIAISON, first["message_id"], buttons_of(first)["认领"])
    mark = len(served.api.calls)
    await served.say(LIAISON, "/resolve 1")
    asked = [c for c in served.calls_since(mark, "sendMessage") if "请您评价" in str(c.params.get("text"))]
    assert len(asked) == 2, [c.params.get("text") for c in asked]
    texts_of = [str(c.params["text"]) for c in asked]
    assert any(f'tg://user?id={ENTERPRISE["id"]}' in t and "李总" in t for t in texts_of), texts_of
    assert any(f'tg://user?id={FIRM["id"]}' in t and "王总" in t for t in texts_of), texts_of
    theirs = next(c for c in asked if f'tg://user?id={FIRM["id"]}' in str(c.params["text"]))
    mine = next(c for c in asked if f'tg://user?id={ENTERPRISE["id"]}' in str(c.params["text"]))
    question = served.api.messages[(GROUP, theirs.result["message_id"])]  # type: ignore[index]
    mark = await served.press(ENTERPRISE, question["message_id"], buttons_of(question)["满意"])
    assert "只有提出这条需求的企业可以评价" in alert_after(served, mark)  # each answers their own
    await served.press(FIRM, question["message_id"], buttons_of(question)["满意"])
    assert "满意度：满意" in served.api.messages[(GROUP, question["message_id"])]["text"]
    assert mine.result["message_id"] != theirs.result["message_id"]  # type: ignore[index]
