"""每月一题: nlp.themes groups a month's needs into named themes — and finds none where there are none."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import pytest

from nlp.segment import Segmenter
from nlp.themes import GENERIC_WORDS, find_themes, theme_terms
from tests.conftest import ADMIN, ENTERPRISE, GROUP, SHANGHAI, RunningBot

ROADS = [
    ("我们做自动驾驶，需要开放一段测试道路", "transport"),
    ("自动驾驶汽车想申请道路测试牌照，找谁办", "police"),
    ("无人驾驶小巴需要一条测试道路做载人测试", "transport"),
    ("自动驾驶卡车想上公共道路做测试", "transport"),
]
HOSPITALS = [
    ("医疗AI需要医院开放脱敏的影像数据", "health"),
    ("想找三甲医院合作，用病历数据做临床研究", "health"),
    ("医院的CT影像数据能否共享给我们训练模型", "health"),
    ("心电算法需要几家医院的临床数据做验证", "medsec"),
]
MONEY = [
    ("初创公司想找天使投资，有没有基金可以对接", "finreg"),
    ("B轮融资5000万元，希望对接投资机构", "finreg"),
    ("场景应用基金的投资条件是什么", "ndrc"),
    ("订单多流动资金紧张，想做供应链融资，有没有投资机构或基金", "finreg"),
]


@pytest.fixture(scope="module")
def segmenter() -> Iterator[Segmenter]:
    yield Segmenter()


def test_an_obvious_month_falls_into_its_three_themes(segmenter: Segmenter) -> None:
    needs = ROADS + HOSPITALS + MONEY
    themes = find_themes(needs, segmenter.cut)
    assert sorted(t.members for t in themes) == [(0, 1, 2, 3), (4, 5, 6, 7), (8, 9, 10, 11)]
    by_group = {min(t.members) // 4: t for t in themes}
    assert "自动驾驶" in by_group[0].words or "道路" in by_group[0].words
    assert "医院" in by_group[1].words
    assert {"投资", "基金", "融资"} & set(by_group[2].words)
    for theme in themes:
        assert 1 <= len(theme.words) <= 3 and theme.count == 4
        assert theme.example == needs[theme.example_index][0] and theme.example_index in theme.members
        assert sum(n for _, n in theme.departments) == theme.count
    assert by_group[1].departments == (("health", 3), ("medsec", 1))  # most first


def test_the_same_needs_give_the_same_themes(segmenter: Segmenter) -> None:
    needs = MONEY + ROADS + HOSPITALS
    assert find_themes(needs, segmenter.cut) == find_themes(needs, segmenter.cut)


def test_a_need_without_a_lead_is_counted_as_such(segmenter: Segmenter) -> None:
    needs = ROADS + [(text, None) for text, _ in HOSPITALS]
    hospital = next(t for t in find_themes(needs, segmenter.cut) if 4 in t.members)
    assert hospital.departments == ((None, 4),)


def test_party_names_find_themes_but_never_name_them(segmenter: Segmenter) -> None:
    needs = [(text + "，请交通局支持", lead) for text, lead in ROADS] + [(text + "，请卫健委支持", lead)
                                                                      for text, lead in HOSPITALS]
    named = {word for theme in find_themes(needs, segmenter.cut) for word in theme.words}
    assert {"交通局", "卫健委"} & named
    unnamed = find_themes(needs, segmenter.cut, unnamed=["交通局", "卫健委"])
    assert [t.members for t in unnamed] == [(0, 1, 2, 3), (4, 5, 6, 7)]
    assert not {"交通局", "卫健委"} & {word for theme in unnamed for word in theme.words}


@pytest.mark.parametrize("needs", [
    pytest.param(ROADS[:3], id="three needs"),
    pytest.param([], id="none"),
    pytest.param([("我们做自动驾驶，需要开放测试路段", None), ("医院的影像数据能否共享给我们训练模型", None),
                  ("想找一个试点村部署农业物联网", None), ("天使轮融资找投资机构", None), ("需要招聘算法工程师", None),
                  ("厂房租金太贵，想找便宜的场地", None), ("养老院想引入陪护机器人", None)], id="seven unrelated"),
])
def test_few_or_scattered_needs_make_no_theme(segmenter: Segmenter, needs: list[tuple[str, str | None]]) -> None:
    assert find_themes(needs, segmenter.cut) == []


def test_a_stray_need_joins_no_theme_and_no_theme_is_one_need(segmenter: Segmenter) -> None:
    stray = ("海上风电运维需要无人船巡检，海域使用怎么申请", "ocean")
    needs = ROADS + [stray] + HOSPITALS
    themes = find_themes(needs, segmenter.cut)
    assert len(themes) == 2 and all(t.count >= 2 for t in themes)
    assert 4 not in {i for t in themes for i in t.members}


def test_names_leave_out_the_words_every_need_says(segmenter: Segmenter) -> None:
    assert theme_terms(segmenter.cut("我们公司希望政府支持，需要协调开放测试道路")) == ["测试道路"]
    needs = [(f"我们公司希望政府支持协调，{text}", lead) for text, lead in ROADS + HOSPITALS]
    for theme in find_themes(needs, segmenter.cut):
        assert not set(theme.words) & GENERIC_WORDS


MONTH = [
    "我们公司做自动驾驶，需要开放一段测试道路，希望交通局支持",
    "我们的自动驾驶小巴需要一段测试道路做载人测试，请交通局帮忙",
    "自动驾驶卡车想上公共道路做测试，需要交警和交通局支持",
    "我们做医疗AI，需要医院开放脱敏的影像数据，希望卫健委支持",
    "想和三甲医院合作，需要医院的临床数据做研究，请卫健委协调",
    "心电算法需要几家医院的临床数据做验证，希望卫健委牵线",
]


async def test_report_month_names_the_months_themes(served: RunningBot) -> None:
    # Forty days ago: outside the month, in no theme.
    await served.say(ENTERPRISE, "我们做自动驾驶，需要开放测试道路，希望交通局支持",
                     date=datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI))
    for day, text in enumerate(MONTH, 20):
        await served.say(ENTERPRISE, text, date=datetime(2026, 11, day, 10, 0, tzinfo=SHANGHAI))
    assert served.card_of(7)  # every one of them registered as a need
    served.clock.set_local(2026, 11, 30, 10, 0)

    mark = (await served.say(ADMIN, "/report month", chat_id=GROUP))["_calls_from"]
    summary = next(t for t in served.replies_since(mark) if "对接成效报告" in t)
    assert "需求 6 →" in summary, summary
    section = summary[summary.index("🔥 本月热点"):]
    lines = section.split("\n")
    roads = next(line for line in lines if "自动驾驶" in line or "道路" in line)
    assert "（3 条）" in roads and "交通运输局 3" in roads, section
    names = re.findall(r"<b>(.*?)</b>", section)
    assert len(names) == 2 and not any("交通局" in name or "卫健委" in name for name in names), section
    hospitals = next(line for line in lines if "医院" in line)
    assert "（3 条）" in hospitals and "卫健委 3" in hospitals, section
    examples = [line for line in lines if line.strip().startswith("例：")]
    assert len(examples) == 2 and all(any(text[:10] in line for text in MONTH) for line in examples), section

    mark = (await served.say(ADMIN, "/report week", chat_id=GROUP))["_calls_from"]
    assert not any("本月热点" in t for t in served.replies_since(mark))


async def test_a_quiet_month_says_it_has_no_theme(served: RunningBot) -> None:
    await served.say(ENTERPRISE, MONTH[0], date=datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    served.clock.set_local(2026, 11, 30, 10, 0)
    mark = (await served.say(ADMIN, "/report month"))["_calls_from"]
    summary = next(t for t in served.replies_since(mark) if "对接成效报告" in t)
    assert "本月热点：需求较少或较分散，暂无集中的主题" in summary
