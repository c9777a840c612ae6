"""The matcher (nlp.matching) and `python -m nlp match`: a match needs the need's substance, not one shared word;
handshakes move scores; the reason says what meets what; the command line's contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.matching import Matcher, OfferText
from nlp.segment import Segmenter

OFFERS = [
    OfferText("car", "lab_5gcar", "capability", "车路协同测试验证",
              "提供C-V2X通信测试、车路协同场景仿真、封闭场地测试，欢迎车企、自动驾驶公司、新能源汽车企业来测。"),
    OfferText("roads", "miit", "scenario", "智能网联汽车开放测试道路",
              "全市开放测试道路121条，面向自动驾驶乘用车、无人小巴开展道路测试和示范应用。"),
    OfferText("city", "lab_imaging", "capability", "城市公共影像服务",
              "用车载和固定摄像头采集城市街景影像，AI识别占道经营、道路破损等城市管理问题，开放影像数据接口。"),
    OfferText("ctc", "lab_liquidbiopsy", "capability", "CTC液体活检癌症早筛",
              "循环肿瘤细胞捕获与识别，抽一管血做多癌种早期筛查，寻找医院和体检中心合作推广。"),
    OfferText("materials", "fund_songyan", "investment", "新材料创业投资",
              "投资磁性材料、高分子材料、先进陶瓷，天使轮至B轮，单笔500万-3000万元。"),
    OfferText("farm", "agri", "scenario", "数字乡村试点村招募应用",
              "20个数字乡村试点村开放：智慧大棚、水肥一体化、农产品溯源等场景都可以进村试点。"),
]
REASON = re.compile(r"^需求的「[^「」]{1,16}」↔ 该(场景|能力|投资方向)的「[^「」]{1,16}」$")


@pytest.fixture(scope="module")
def cut():
    return Segmenter().cut


@pytest.fixture(scope="module")
def matcher(cut):
    return Matcher(cut, OFFERS)


def shown(matcher: Matcher, need: str) -> list[str]:
    return [str(h.id) for h in matcher.match(need)]


def score_of(matcher: Matcher, need: str, offer_id: str) -> float:
    return next(score for offer, score in matcher.scores(need) if offer.id == offer_id)


def test_a_need_meets_the_offer_of_its_substance(matcher):
    assert shown(matcher, "我们做L4自动驾驶，想在开放的测试道路上做路测")[0] == "roads"
    assert shown(matcher, "体检中心想加一个癌症早筛套餐，找技术方") == ["ctc"]
    assert shown(matcher, "做农产品溯源系统的，想找村里试点用起来") == ["farm"]


def test_one_shared_word_is_not_a_match(matcher):
    # 影像 is all a medical-imaging need shares with the city imaging lab; 新能源汽车 all a soft-magnetic need
    # shares with the connected-car lab.
    assert "city" not in shown(matcher, "医学影像AI辅助诊断，需要医院的CT影像数据做训练")
    assert "car" not in shown(matcher, "我们做非晶软磁材料，用在新能源汽车电机上，想找下游客户")
    assert shown(matcher, "公司员工社保怎么补缴") == []


def test_a_thesis_fits_a_need_for_money_in_its_sector(matcher):
    assert shown(matcher, "做软磁材料的初创公司，中试完成，想融天使轮") == ["materials"]
    assert "materials" not in shown(matcher, "磁性材料企业想找检测平台做来料检验")


def test_a_refused_pair_scores_lower_afterwards_and_so_do_needs_like_it(cut, matcher):
    refused = "新能源汽车企业想找封闭场地做车辆测试"
    like_it = "新能源汽车厂想在封闭场地测一下新车"
    before, before_like = score_of(matcher, refused, "car"), score_of(matcher, like_it, "car")
    taught = Matcher(cut, OFFERS, [(refused, "car", False)])
    assert score_of(taught, refused, "car") < before / 2
    assert score_of(taught, like_it, "car") < before_like
    assert score_of(taught, "我们做L4自动驾驶，想在开放的测试道路上做路测", "roads") == pytest.approx(
        score_of(matcher, "我们做L4自动驾驶，想在开放的测试道路上做路测", "roads"))  # other offers are untouched


def test_a_good_handshake_raises_the_pair_and_needs_like_it(cut, matcher):
    good = "想找医院合作开展肿瘤标志物检测"
    like_it = "医院肿瘤科想找合作的检测方"
    taught = Matcher(cut, OFFERS, [(good, "ctc", True)])
    assert score_of(taught, good, "ctc") > score_of(matcher, good, "ctc")
    assert score_of(taught, like_it, "ctc") > score_of(matcher, like_it, "ctc")


def test_the_reason_says_what_in_the_need_meets_what_in_the_offer(matcher):
    hit = matcher.match("我们做L4自动驾驶，想在开放的测试道路上做路测")[0]
    assert REASON.match(hit.reason), hit.reason
    assert "自动驾驶" in hit.reason.split("↔")[0] and "该场景" in hit.reason
    money = matcher.match("做软磁材料的初创公司，中试完成，想融天使轮")[0]
    assert REASON.match(money.reason) and "软磁材料" in money.reason
    assert "该投资方向的「新材料创业投资」" in money.reason


def test_excluded_offers_are_skipped_not_blocking(matcher):
    need = "我们做L4自动驾驶，想在开放的测试道路上做路测"
    first = shown(matcher, need)[0]
    assert first not in shown(matcher.__class__(matcher.cut, OFFERS), need)[1:]
    assert first not in [str(h.id) for h in matcher.match(need, exclude=[first])]


def test_a_new_offer_finds_the_waiting_needs_it_fits(matcher):
    needs = [(1, "做塔吊防碰撞系统的，想找几个在建工地装一下试用"), (2, "公司员工社保怎么补缴"),
             (3, "我们做L4自动驾驶，想在开放的测试道路上做路测")]
    site = OfferText("site", "housing", "scenario", "智慧工地试点项目",
                     "在建房建、市政项目30余个可作试点：塔吊防碰撞与吊钩可视化、AI识别未戴安全帽、扬尘噪声监测。")
    found = matcher.needs_for(site, needs)
    assert [need_id for need_id, _, _ in found] == [1]
    assert REASON.match(found[0][2])


def run_match(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nlp", "match", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent)


def test_the_command_line_answers_each_need_with_what_the_bot_would_show(tmp_path):
    offers = tmp_path / "offers.json"
    offers.write_text(json.dumps([{"id": o.id, "party": o.party, "kind": o.kind, "title": o.title, "text": o.text}
                                  for o in OFFERS], ensure_ascii=False), encoding="utf-8")
    roads = "我们做L4自动驾驶，想在开放的测试道路上做路测"
    done = run_match(["--offers", str(offers)], f"{roads}\n\n公司员工社保怎么补缴\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["text"] for line in lines] == [roads, "", "公司员工社保怎么补缴"]
    first = lines[0]["matches"]
    assert first[0]["id"] == "roads" and first[0]["party"] == "miit" and 0 < first[0]["score"] <= 1
    assert set(first[0]) == {"id", "party", "score", "reason"} and REASON.match(first[0]["reason"])
    assert len(first) <= 3 and [m["score"] for m in first] == sorted((m["score"] for m in first), reverse=True)
    assert lines[1]["matches"] == [] and lines[2]["matches"] == []


@pytest.mark.parametrize("content, says", [
    ("{not json", "not JSON"),
    ('{"id": 1}', "expected a JSON list"),
    ('[{"id": 1, "party": "miit", "kind": "wish", "title": "t", "text": "x"}]', "kind must be one of"),
    ('[{"id": 1, "party": "miit", "title": "t"}]', "missing kind, text"),
    ('[{"id": 1, "party": "miit", "kind": "scenario", "title": "t", "text": "x"},'
     ' {"id": 1, "party": "miit", "kind": "scenario", "title": "t", "text": "x"}]', "used twice"),
])
def test_a_bad_offers_file_is_one_clear_line_and_exit_2(tmp_path, content, says):
    offers = tmp_path / "offers.json"
    offers.write_text(content, encoding="utf-8")
    done = run_match(["--offers", str(offers)], "想找测试道路\n")
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and says in done.stderr and "offers.json" in done.stderr


def test_a_missing_offers_file_is_exit_2(tmp_path):
    done = run_match(["--offers", str(tmp_path / "none.json")])
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
