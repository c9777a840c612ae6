"""Bad input gets a clear Chinese reply or is ignored on purpose; the bot never crashes."""

from __future__ import annotations

from bot import texts
from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, OTHER_GROUP, STRANGER, RunningBot

NEED = "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持"


async def count_needs(bot: RunningBot) -> str:
    await bot.say(ADMIN, "/needs all")
    return bot.last_text()


async def test_odd_messages_never_crash(served: RunningBot) -> None:
    odd = [
        " ", "\n\t ", "🙂🙂🙂🚗🚗", "ok", "Hello need a test road please",
        "我们需要 test road 和 V2X RSU 接入，能否支持？", "'; DROP TABLE needs; --",
        "需要\"测试\"道路'); DELETE FROM needs; -- 能否开放", "<b>需要</b> &amp; <script>开放数据</script>",
        "需要" + "开放测试道路" * 700,  # ~4,200 characters
        "\u200b\u200b需要\u200b", "１２３４５６７８９",
    ]
    for text in odd:
        await served.say(ENTERPRISE, text)
    listing = await count_needs(served)
    # needs: the English one, the mixed-script one, the SQL-looking one with a need cue, the HTML one, the long one
    assert "共 5 条" in listing, listing
    await served.say(ADMIN, "/status 1")
    assert "Hello need a test road" in served.last_text()
    await served.say(ADMIN, "/status 2")
    assert "test road 和 V2X" in served.last_text()
    await served.say(ADMIN, "/status 3")
    assert "DELETE FROM needs" in served.last_text()  # stored as text, escaped in the reply
    await served.say(ADMIN, "/status 4")
    assert "&lt;script&gt;开放数据&lt;/script&gt;" in served.last_text()
    await served.say(ADMIN, "/status 5")
    assert len(served.last_text()) <= 4096


async def test_commands_with_missing_or_garbage_arguments(served: RunningBot) -> None:
    await served.say(ENTERPRISE, NEED)
    cases = {
        "/need": "请在命令后写上需求内容",
        "/need    ": "请在命令后写上需求内容",
        "/status": "用法",
        "/status abc": "用法",
        "/status -1": "用法",
        "/status 99999999999999999999": "没有这个编号",
        "/status 42": "没有这个编号",
        "/route": "用法",
        "/route 1": "用法",
        "/route x 交通局": "用法",
        "/route 1 不存在的单位": "名录中没有找到",
        "/route 9 交通局": "没有这个编号",
        "/route 1 交通局": "无需变更",
        "/resolve": "用法",
        "/resolve 1; DROP TABLE needs": "用法",
        "/needs foo": "用法",
        "/bind": "用法",
        "/bind abc transport": "用法",
        "/join": "用法",
        "/join 火星局": "名录中没有找到",
        "/commit": "用法",
        "/commit 1": "请写明承诺内容",
        "/commit 7 两周内": "没有这个编号",
        "/done": "用法",
        "/done abc": "用法",
        "/done 12": "没有这个编号",
        "/due 1": "用法",
        "/due 5 明天": "没有这个编号的承诺",
    }
    for command, expected in cases.items():
        user = LIAISON if command.startswith(("/commit", "/done", "/due", "/join")) else ADMIN
        await served.say(user, command)
        assert expected in served.last_text(), (command, served.last_text())
    await served.say(ENTERPRISE, "/commit 1 两周内开放")
    assert "还没有绑定单位" in served.last_text()
    listing = await count_needs(served)
    assert "共 1 条" in listing


async def test_garbage_and_stale_buttons(served: RunningBot) -> None:
    await served.say(ENTERPRISE, NEED)
    card = served.card_of(1)
    garbage = ("", "claim", "claim:abc", "xfer:1", "solve:-3", "join:1:maybe", "unknown:1", "claim:1:extra", "x" * 64)
    for data in garbage:
        mark = await served.press(LIAISON, card["message_id"], data)
        answers = served.calls_since(mark, "answerCallbackQuery")
        assert answers and answers[0].params.get("text") == texts.BUTTON_STALE, data  # reaches no use case
    for data, words in (("claim:999", texts.NEED_NOT_FOUND), ("xfer:1:nowhere", texts.PARTY_UNKNOWN)):
        mark = await served.press(LIAISON, card["message_id"], data)  # well-formed: the use case refuses
        assert served.calls_since(mark, "answerCallbackQuery")[0].params.get("text") == words, data
    listing = await count_needs(served)
    assert "共 1 条" in listing


async def test_edited_messages_are_ignored(served: RunningBot) -> None:
    message = await served.say(ENTERPRISE, "大家好")
    mark = len(served.api.calls)
    await served.api.edit_text(GROUP, message["message_id"], NEED)
    await served.settle()
    assert not served.calls_since(mark, "sendMessage")
    message = await served.say(ENTERPRISE, NEED)
    mark = len(served.api.calls)
    await served.api.edit_text(GROUP, message["message_id"], "/need 改过的需求：需要开放数据")
    await served.settle()
    assert not served.calls_since(mark, "sendMessage")
    assert "共 1 条" in await count_needs(served)


async def test_bot_added_by_a_non_admin_does_not_serve(bot: RunningBot) -> None:
    mark = len(bot.api.calls)
    await bot.api.member_change(OTHER_GROUP, STRANGER, "left", "member")
    await bot.settle()
    assert "尚未由管理员启用" in bot.calls_since(mark, "sendMessage")[0].params["text"]
    mark = len(bot.api.calls)
    await bot.say(STRANGER, NEED, chat_id=OTHER_GROUP)
    await bot.say(STRANGER, "/needs", chat_id=OTHER_GROUP)
    await bot.say(STRANGER, "/need 需要测试道路", chat_id=OTHER_GROUP)
    assert not bot.calls_since(mark, "sendMessage")  # ignored on purpose
    await bot.say(STRANGER, "/help", chat_id=OTHER_GROUP)
    assert "尚未启用" in bot.last_text()
    await bot.say(STRANGER, "/start", chat_id=OTHER_GROUP)
    assert "对接群助手" in bot.last_text()
    # An admin's command serves the group from then on.
    await bot.say(ADMIN, "/needs", chat_id=OTHER_GROUP)
    assert "没有办理中的需求" in bot.last_text()
    await bot.say(STRANGER, NEED, chat_id=OTHER_GROUP)
    assert "已登记需求" in bot.last_text()


async def test_groups_keep_their_own_needs(served: RunningBot) -> None:
    await served.say(ENTERPRISE, NEED)
    await served.say(ADMIN, "/needs", chat_id=OTHER_GROUP)
    await served.say(ENTERPRISE, "希望对接医院开展癌症早筛试点", chat_id=OTHER_GROUP)
    assert "#1" in served.last_text()
    await served.say(ADMIN, "/status 1", chat_id=OTHER_GROUP)
    assert "癌症早筛" in served.last_text() and "测试路段" not in served.last_text()
    # A commitment id from another group is not found here.
    await served.say(LIAISON, "/commit 1 两周内开放测试路段")
    await served.say(LIAISON, "/done 1", chat_id=OTHER_GROUP)
    assert "没有这个编号" in served.last_text()


async def test_private_chat_answers_only_start_and_help(bot: RunningBot) -> None:
    private = STRANGER["id"]
    bot.api.chat(private, "路人", kind="private")
    await bot.say(STRANGER, "/start", chat_id=private)
    assert "对接群助手" in bot.last_text()
    await bot.say(STRANGER, "/help", chat_id=private)
    assert "尚未启用" in bot.last_text()
    mark = len(bot.api.calls)
    await bot.say(STRANGER, NEED, chat_id=private)
    assert not bot.calls_since(mark, "sendMessage")
    for command in ("/needs", "/need 需要测试道路", "/parties", "/join 交通局", "/done 1"):
        await bot.say(STRANGER, command, chat_id=private)
    assert not bot.calls_since(mark, "sendMessage")  # ignored on purpose
    # An admin's private chat takes the commands that make sense there.
    admin_chat = ADMIN["id"]
    bot.api.chat(admin_chat, "张处", kind="private")
    await bot.say(ADMIN, "/parties", chat_id=admin_chat)
    assert "对接名录" in bot.last_text()
    await bot.say(ADMIN, "/needs", chat_id=admin_chat)
    assert "请在对接群中使用" in bot.last_text()
    await bot.say(ADMIN, "/help", chat_id=admin_chat)
    assert "/route" in bot.last_text()


async def test_telegram_errors_do_not_lose_a_need(served: RunningBot) -> None:
    # 403: the reply is refused — the need is still registered.
    served.api.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat")
    await served.say(ENTERPRISE, NEED)
    # 429 with retry_after: the bot waits and retries once.
    served.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await served.say(ENTERPRISE, "希望对接医院开展癌症早筛试点，需要脱敏的体检数据")
    assert "#2" in served.last_text()
    # 400 for a message that is too long: the bot carries on.
    served.api.fail_next("sendMessage", 400, "Bad Request: message is too long")
    await served.say(ENTERPRISE, "需要在平度找一个试点村做智慧农业")
    listing = await count_needs(served)
    assert "共 3 条" in listing
    # A reply to a card that never arrived is not a promise, but the need is there to commit on.
    await served.say(LIAISON, "/commit 1 两周内开放测试路段")
    assert "已记录承诺 1" in served.last_text()


async def test_a_hand_over_to_an_unknown_party_says_so(served: RunningBot) -> None:
    """Typed refusals: 转交 to a party not in the directory was answered "need not found" once."""
    await served.say(ENTERPRISE, NEED)
    card = served.card_of(1)
    mark = await served.press(LIAISON, card["message_id"], "xfer:1:nowhere")
    alert = served.calls_since(mark, "answerCallbackQuery")[0].params
    assert alert.get("show_alert") is True and "名录中没有找到这个单位" in alert["text"]
