"""The intent reader (nlp/intent.py): the rules for what is certain, the promise floor, and lines it was not
trained on. How well it reads on the whole is measured by bench/intent_eval.py, not here."""

from __future__ import annotations

import pytest

from bot.domain.intents import Intent
from nlp.intent import PROMISE_FLOOR, IntentReader, rule, shipped_lines, shipped_voices
from nlp.router import Router


@pytest.mark.parametrize(("text", "intent"), [
    ("", Intent.CHAT), ("🙂🙂", Intent.CHAT), ("收到", Intent.ACK), ("好的，谢谢！", Intent.ACK),
    ("不客气", Intent.CHAT), ("大家早上好", Intent.CHAT),
    ("请贵公司在周五前提交申报材料", Intent.QUESTION), ("你们需要在月底前完成备案", Intent.QUESTION),
    ("麻烦把营业执照发一下", Intent.QUESTION),
])
def test_what_is_certain_needs_no_model(text: str, intent: Intent) -> None:
    assert rule(text, "party") is intent


@pytest.mark.parametrize("text", ["麻烦各位帮忙推荐一家做高精地图的实验室", "请求协调测试路段，用于示范应用",
                                  "请问有没有单位能提供测试场地？"])
def test_an_enterprise_asking_is_left_to_the_model(text: str) -> None:
    assert rule(text, "enterprise") is None


@pytest.mark.parametrize("text", ["请放心，我们下周开放", "麻烦您稍等，我马上问一下", "两周内开放测试路段",
                                  "我们需要一块测试场地"])
def test_a_request_the_speaker_takes_on_is_left_to_the_model(text: str) -> None:
    assert rule(text, "party") is None


@pytest.fixture
def reader(router: Router) -> IntentReader:
    from nlp.intent import shipped_reader

    return shipped_reader(router.segmenter.cut)


@pytest.mark.parametrize(("text", "role", "intent"), [
    ("我们下周二前把测试场地的安全评估报告发给您", "liaison", Intent.PROMISE),
    ("这件事我们来牵头协调", "liaison", Intent.PROMISE),
    ("请问你们的无人机最大载重是多少？", "liaison", Intent.QUESTION),
    ("不好意思，这个不属于我们局的职责范围", "liaison", Intent.REFUSAL),
    ("我们公司需要一块带5G覆盖的测试场地，希望相关部门支持", "enterprise", Intent.NEED),
    ("请问周四的路演活动在几楼举行？", "enterprise", Intent.QUESTION),
])
def test_lines_it_was_not_trained_on(reader: IntentReader, text: str, role: str, intent: Intent) -> None:
    assert text not in shipped_lines()[0]
    assert reader.read(text, role) is intent


def test_a_doubtful_promise_is_read_as_the_next_likeliest_intent(reader: IntentReader) -> None:
    text = "伦理委员会下周开会 你们排第三个"  # progress another body scheduled, not the speaker's promise
    chances = reader.probabilities(text, "party")
    if chances[Intent.PROMISE] < PROMISE_FLOOR:
        assert reader.read(text, "party") is not Intent.PROMISE
    ranked = sorted(chances, key=chances.__getitem__, reverse=True)
    assert reader.read(text, "party") in ranked[:2]


def test_the_shipped_lines_are_labelled_by_six_writers() -> None:
    texts, roles, intents = shipped_lines()
    assert len(texts) >= 400
    labels: dict[str, set[Intent]] = {}
    for text, intent in zip(texts, intents, strict=True):
        labels.setdefault(text, set()).add(intent)
    assert all(len(found) == 1 for found in labels.values())  # a line two writers both wrote means one thing
    assert set(shipped_voices()) == {"a", "b", "c", "d", "e", "f"}
    assert {i for i in intents} == set(Intent)


def test_the_shipped_model_is_fitted_on_the_shipped_lines_and_reads_as_a_fresh_fit(router: Router) -> None:
    from importlib import resources

    import numpy as np

    from nlp.intent import MODEL_FILE, training_digest, training_set

    model = resources.files("nlp").joinpath("data").joinpath(MODEL_FILE)
    with model.open("rb") as stream, np.load(stream) as data:
        assert str(data["digest"]) == training_digest(), "stale: run `python -m nlp intents` and commit the model"
        loaded = IntentReader.load(dict(data), router.segmenter.cut)
    fitted = IntentReader(router.segmenter.cut).fit(*training_set())
    for text in ("两周内开放测试路段", "请问你们的无人机最大载重是多少？", "收到，我们内部研究一下"):
        ours, fresh = loaded.probabilities(text, "party"), fitted.probabilities(text, "party")
        assert max(abs(ours[k] - fresh[k]) for k in fresh) < 1e-6
