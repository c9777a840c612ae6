"""Routing that learns: the supervised blend, triage for unsure needs, refits from corrections."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain.directory import load_directory
from nlp.router import CONFIDENT, Router
from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, RunningBot

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ("元宇宙展厅", "虚拟数字人", "数字藏品", "VR沉浸式体验")
METAVERSE = [f"我们做{topic}，希望找到{place}开展{verb}" for topic in TOPICS
             for place in ("合适的单位", "几家示范点", "一个场馆") for verb in ("试点", "合作", "示范应用")]


def test_supervised_examples_move_the_lead(router: Router) -> None:
    parties = load_directory()
    cold = router  # the session's, fitted on the same directory with no examples
    text = "我们做元宇宙展厅和虚拟数字人，想找一个场馆试点"
    assert cold.route(text).lead.id != "culture"  # type: ignore[union-attr]
    examples = [(t, "culture") for t in METAVERSE] + [
        (r["text"], r["lead"])
        for r in csv.DictReader((ROOT / "nlp/data/domain_needs.csv").read_text(encoding="utf-8").splitlines())]
    learned = Router(parties, examples=examples)
    routing = learned.route(text)
    assert routing.lead is not None and routing.lead.id == "culture"
    assert learned.supervised is not None and len(learned.examples) == len(examples)


def test_unknown_labels_are_ignored_and_one_label_is_not_a_model() -> None:
    router = Router(load_directory(), examples=[("需要测试道路", "miit"), ("随便", "no_such_party")])
    assert router.supervised is None and router.examples == [("需要测试道路", "miit")]


def test_unsure_routing_abstains_with_three_suggestions(router: Router) -> None:
    unsure = router.route("我们有个新项目想找人聊聊合作")
    assert not unsure.confident and len(unsure.suggestions) == 3
    sure = router.route("希望交通局开放公交客流数据")
    assert sure.confident and sure.lead is not None and sure.lead.id == "transport"
    assert 0 < CONFIDENT < 1


async def test_triage_an_unsure_need(served: RunningBot) -> None:
    message = await served.say(ENTERPRISE, "我们有个新项目想找人聊聊合作，请问找哪个部门")
    card_call = served.calls_since(message["_calls_from"], "sendMessage")[0].params
    assert "待管理员确认" in card_call["text"]
    pick = card_call["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert pick.startswith("pick:")  # one 分派 button: the admins' choices are not shown to everyone
    await served.say(ADMIN, "/triage")
    assert "#1" in served.last_text()
    card = served.card_of(1)
    mark = await served.press(ADMIN, card["message_id"], pick)
    menu = served.calls_since(mark, "editMessageReplyMarkup")[0].params["reply_markup"]["inline_keyboard"]
    assign = [row[0]["callback_data"] for row in menu][:-1]
    assert len(assign) == 3 and all(d.startswith("assign:") for d in assign)
    mark = await served.press(LIAISON, card["message_id"], assign[1])
    assert served.calls_since(mark, "answerCallbackQuery")[0].params.get("show_alert") is True
    chosen = assign[1].split(":")[2]
    mark = await served.press(ADMIN, card["message_id"], assign[1])
    edited = served.calls_since(mark, "editMessageText")[0].params
    assert "牵头部门：" in edited["text"] and "待管理员确认" not in edited["text"]
    assert all(not b["callback_data"].startswith(("assign:", "pick:"))
               for row in edited["reply_markup"]["inline_keyboard"] for b in row)
    mark = await served.press(ADMIN, card["message_id"], assign[0])
    assert "已指派给" in served.calls_since(mark, "answerCallbackQuery")[0].params["text"]  # not a join request
    await served.say(ADMIN, "/triage")
    assert "没有待确认" in served.last_text()
    mm = served.app.bot_data.services.cases  # type: ignore[union-attr]
    await mm.learner.idle()
    assert (await mm.routing.corrections())[-1][1] == chosen  # the assignment is a labelled example
    assert mm.learner.refits >= 1 and any(label == chosen for _, label in mm.learner.router.examples)


async def test_corrections_and_claims_refit_the_router(served: RunningBot) -> None:
    mm = served.app.bot_data.services.cases  # type: ignore[union-attr]
    before = mm.learner.router
    await served.say(ENTERPRISE, "希望交通局开放公交客流数据做线路优化")
    await served.say(ADMIN, "/route 1 大数据局")
    await mm.learner.idle()
    assert mm.learner.router is not before
    assert ("希望交通局开放公交客流数据做线路优化", "bigdata") in mm.learner.router.examples
    card = served.card_of(1)
    await served.say(ADMIN, f"/bind {LIAISON['id']} bigdata")
    need_id = int(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])
    refits = mm.learner.refits
    await served.press(LIAISON, card["message_id"], f"claim:{need_id}")
    await mm.learner.idle()
    assert mm.learner.refits > refits
    # the claim confirms the correction: the router learns the need once (a twin would let cross-validation
    # recall its own answer)
    assert sum(1 for _, label in mm.learner.router.examples if label == "bigdata") == 1


def test_train_command_imports_history(tmp_path: Path) -> None:
    data = tmp_path / "history.csv"
    with open(data, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([(t, "culture") for t in METAVERSE] + [("某个需求", "not_a_party"), ("", "culture")])
    database = tmp_path / "bot.sqlite3"
    result = subprocess.run([sys.executable, "-m", "nlp", "train", "--data", str(data), "--database", str(database)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"imported {len(METAVERSE)} examples" in result.stdout and "not_a_party (1)" in result.stdout


@pytest.mark.parametrize("content", ["a,b\n1,2\n", "text\nonly\n"])
def test_train_command_rejects_bad_files(tmp_path: Path, content: str) -> None:
    data = tmp_path / "bad.csv"
    data.write_text(content, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "nlp", "train", "--data", str(data), "--database",
                             str(tmp_path / "db.sqlite3")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "text,label" in result.stderr and "Traceback" not in result.stderr


def _import_history(tmp_path: Path) -> Path:
    data = tmp_path / "history.csv"
    domain = list(csv.DictReader((ROOT / "nlp/data/domain_needs.csv").read_text(encoding="utf-8").splitlines()))
    with open(data, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([(t, "culture") for t in METAVERSE] + [(r["text"], r["lead"]) for r in domain])
    database = tmp_path / "bot.sqlite3"
    result = subprocess.run([sys.executable, "-m", "nlp", "train", "--data", str(data), "--database", str(database)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return database


async def test_imported_history_routes_over_the_wire(api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`python -m nlp train` into the bot's database, then the bot routes by what it learned."""
    from tests.conftest import make_settings

    database = _import_history(tmp_path)
    bot = RunningBot(api, make_settings(api, database))  # no shared router: fitted on what was imported
    await bot.start()
    try:
        await api.member_change(GROUP, ADMIN, "left", "member")
        await bot.settle()
        await bot.say(ENTERPRISE, "我们做元宇宙展厅和虚拟数字人，想找一个场馆试点")
        assert "牵头部门：文旅局" in bot.last_text()
    finally:
        await bot.stop()
    assert not bot.errors


async def test_an_assisting_claim_is_not_a_lead_example(served: RunningBot) -> None:
    from tests.conftest import MIIT_LIAISON

    mm = served.app.bot_data.services.cases  # type: ignore[union-attr]
    await served.say(ENTERPRISE, "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持")
    card = served.card_of(1)
    need_id = int(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])
    await served.press(MIIT_LIAISON, card["message_id"], f"claim:{need_id}")  # 工信局 assists here
    await served.press(LIAISON, card["message_id"], f"claim:{need_id}")  # 交通运输局 leads
    await mm.learner.idle()
    labels = [label for _, label in await _examples(mm)]
    assert labels == ["transport"]


async def _examples(mm):  # type: ignore[no-untyped-def]
    from bot.services.learning import load_examples

    return await load_examples(mm.work.db)
