"""The duplicate finder (nlp.similar) and `python -m nlp similar`. Needs here are written for the tests, not taken
from bench/data/duplicates.csv."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.segment import Segmenter
from nlp.similar import THRESHOLD, Similarity

ROOT = Path(__file__).resolve().parent.parent

ROBOT_TRIAL = "我们的智能巡检机器人想在李村河污水处理厂试运行三个月，需要水务局帮忙协调。"
ROBOT_TRIAL_ON_A_PHONE = "李村河污水厂能不能让我们的巡检机器人试跑3个月 水务局给协调下"
ROBOT_SUBSIDY = "我们的智能巡检机器人想申请水务局的首购首用补贴。"
BINS_CLERK = "我司拟在即墨区选取两个社区开展智能垃圾分类回收箱试点，恳请城管局协调点位。"
BINS_FOUNDER = "即墨找两个社区试点我们的智能垃圾分类回收箱，城管局能帮忙定点位吗？"
HOSPITAL_DATA = "申请开放三甲医院的门诊电子病历数据（脱敏），用于训练AI预问诊模型。"
TAXI_DATA = "申请开放全市出租车GPS轨迹数据，用于打车需求预测。"
ROAD_CHENGYANG = "我们智行未来的无人小巴想在城阳区春阳路开放测试，需要工信局协调测试路段。"
ROAD_LICANG = "鲲鹏物流的无人配送车想申请在李沧区重庆中路开放测试道路。"


@pytest.fixture(scope="module")
def similarity() -> Similarity:
    return Similarity(Segmenter().cut)


def test_command_line_answers_every_line_with_the_earlier_line_it_duplicates() -> None:
    result = subprocess.run([sys.executable, "-m", "nlp", "similar"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, input="\n".join([ROBOT_TRIAL, "", ROBOT_SUBSIDY, ROBOT_TRIAL_ON_A_PHONE]))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["text"] for line in lines] == [ROBOT_TRIAL, "", ROBOT_SUBSIDY, ROBOT_TRIAL_ON_A_PHONE]
    assert all(set(line) == {"text", "similar_to", "score"} for line in lines)
    assert [line["similar_to"] for line in lines] == [None, None, None, 0]  # the 0-based input line number
    assert all(isinstance(line["score"], float) and 0.0 <= line["score"] <= 1.0 for line in lines)
    assert lines[3]["score"] >= THRESHOLD > lines[2]["score"]


@pytest.mark.parametrize("original, rewording", [
    (ROBOT_TRIAL, ROBOT_TRIAL_ON_A_PHONE),  # an engineer, then a boss on a phone; 三个月 / 3个月
    (BINS_CLERK, BINS_FOUNDER),  # a formal clerk, then a founder, in another order
    ("我们要在董家口港区放两台激光雷达测扬尘", "董家口港区能不能放2台激光雷达测扬尘，麻烦各位领导了，谢谢！"),
], ids=["robot-on-a-phone", "bins-reordered", "lidar-digits-and-politeness"])
def test_a_rewording_in_another_voice_is_found(similarity: Similarity, original: str, rewording: str) -> None:
    earlier = similarity.prepare([HOSPITAL_DATA, original, ROAD_LICANG])
    match = similarity.best(rewording, earlier)
    assert match.similar_to == 1 and match.score >= THRESHOLD


@pytest.mark.parametrize("first, second", [
    (HOSPITAL_DATA, TAXI_DATA),  # 数据开放 both, of other data
    (ROAD_CHENGYANG, ROAD_LICANG),  # test roads both, other companies on other roads
    (ROBOT_TRIAL, ROBOT_SUBSIDY),  # the same robot, asking for something else
], ids=["hospital-vs-taxi-data", "two-test-roads", "robot-trial-vs-subsidy"])
def test_a_near_miss_is_not_a_duplicate(similarity: Similarity, first: str, second: str) -> None:
    for earlier, new in ((first, second), (second, first)):
        match = similarity.best(new, similarity.prepare([earlier]))
        assert match.similar_to is None and match.score < THRESHOLD


def test_the_same_robot_asking_for_a_subsidy_is_close_by_words_alone(similarity: Similarity) -> None:
    """Why the score is more than the cosine: by TF-IDF alone the subsidy would pass for the trial."""
    both = similarity.prepare([ROBOT_TRIAL, ROBOT_SUBSIDY])
    cosine = float((both.matrix[0] @ both.matrix[1].T).toarray()[0, 0])
    assert cosine >= THRESHOLD > similarity.stream([ROBOT_TRIAL, ROBOT_SUBSIDY])[1].score


def test_blank_and_textless_lines_neither_match_nor_are_matched(similarity: Similarity) -> None:
    matches = similarity.stream(["", "？？？", BINS_CLERK, "", "  ", BINS_FOUNDER, "？？？"])
    assert [m.similar_to for m in matches] == [None, None, None, None, None, 2, None]
    assert matches[0].score == matches[1].score == matches[6].score == 0.0
    assert similarity.best("", similarity.prepare([BINS_CLERK])).similar_to is None
    assert similarity.best(BINS_FOUNDER, similarity.prepare([])).similar_to is None


def test_one_need_against_the_open_ones_agrees_with_the_stream(similarity: Similarity) -> None:
    """The bot compares one need with the open ones (best); the command line and the bench read a stream."""
    texts = [ROAD_CHENGYANG, ROBOT_TRIAL, BINS_CLERK, ROBOT_SUBSIDY, ROAD_LICANG, BINS_FOUNDER, ROBOT_TRIAL_ON_A_PHONE]
    streamed = similarity.stream(texts)
    assert [similarity.best(text, similarity.prepare(texts[:i])) for i, text in enumerate(texts)] == streamed
    assert [m.similar_to for m in streamed] == [None, None, None, None, None, 2, 1]


def test_the_fast_vectors_are_scikit_learns() -> None:
    """prepare() vectorises without scikit-learn's per-call checks (it is on the registration path); the vectors
    are the ones TfidfVectorizer makes."""
    import numpy as np
    import scipy.sparse as sp

    from nlp.segment import Segmenter
    from nlp.similar import WORD_SHARE, Similarity, char_grams, normalise

    similarity = Similarity(Segmenter().cut)
    texts = ["我们需要在崂山区开放5公里测试道路，两台车", "希望对接医院获取脱敏的肺部CT影像数据", "", "！！",
             "abc 测试 测试 测试"]
    normalised = [normalise(t) for t in texts]
    words = similarity.words.transform([similarity._word_terms(t) for t in normalised])
    chars = similarity.chars.transform([char_grams(t) for t in normalised])
    reference = sp.hstack([words * np.sqrt(WORD_SHARE), chars * np.sqrt(1 - WORD_SHARE)], format="csr")
    assert abs(similarity.prepare(texts).matrix - reference).max() < 1e-12


def test_the_same_request_in_another_district_is_another_need() -> None:
    from nlp.segment import Segmenter
    from nlp.similar import Similarity

    similarity = Similarity(Segmenter().cut)
    earlier = similarity.prepare(["我们的智慧停车系统想在市南区几条道路的路边车位试点高位视频收费，请城管局支持"])
    elsewhere = similarity.best("我们的智慧停车系统想在市北区几条道路的路边车位试点高位视频收费，请城管局支持", earlier)
    same_place = similarity.best("智慧停车高位视频收费想在市南区的路边车位先试点，城管局能否支持", earlier)
    assert elsewhere.similar_to is None and same_place.similar_to == 0, (elsewhere, same_place)
