"""The matcher's small domain lexicon (nlp.matching): what a need asks for, which field a text is in, words that
say the same thing, and the wording of a match's reason.

Written from the domain (the directory's labs, funds and departments, and the needs in nlp/data), not from the
evaluation set: each list names what a reader of the field would call the same thing or the same field."""

from __future__ import annotations

import re
from typing import Protocol

# What a need asks for, by the words that say it (lower-cased, normalised text).
ASK_WORDS: dict[str, tuple[str, ...]] = {
    "money": ("融资", "投资", "资金", "天使轮", "a轮", "b轮", "c轮", "pre-a", "股权", "估值", "投资人", "投资方",
              "基金", "跟投", "募资", "风投", "创投", "找钱", "的钱", "一轮", "融个", "ipo", "轮融"),
    "trial": ("试点", "测试", "试用", "试运行", "验证", "场景", "路测", "示范", "部署", "落地", "应用", "开放",
              "试跑", "检测", "临床", "试验", "安装", "铺设", "接入"),
    "data": ("数据", "样本", "病历"),
    "partner": ("合作", "技术", "研发", "联合", "方案", "平台", "伙伴", "供应", "采购", "设备", "服务", "共建"),
}

def asks_of(normalised: str) -> frozenset[str]:
    return frozenset(ask for ask, words in ASK_WORDS.items() if any(w in normalised for w in words))


# Fields: a need and an offer that each name a field and share none do not meet (医学影像 / 城市影像).
FIELDS: dict[str, tuple[str, ...]] = {
    "vehicles": ("自动驾驶", "无人驾驶", "智能驾驶", "车路协同", "智能网联", "车联网", "v2x", "路侧", "路测",
                 "道路测试", "测试道路", "测试路段", "无人配送", "无人车", "激光雷达"),
    "materials": ("新材料", "软磁", "磁性材料", "磁芯", "石墨烯", "复合材料", "非晶", "纳米材料", "合金",
                  "高分子", "碳纤维", "电感"),
    "medicine": ("医疗", "医院", "医学", "临床", "癌症", "肿瘤", "诊断", "基因", "生物医药", "生物医疗",
                 "医药", "制药", "病历", "患者", "体检", "早筛", "筛查", "药品", "医生", "健康"),
    "agriculture": ("农业", "乡村", "农村", "种植", "养殖", "农田", "大棚", "果园", "农产品", "土壤", "灌溉",
                    "农机", "农户", "合作社"),
    "parking": ("停车", "泊位", "车位", "充电桩"),
    "environment": ("环保", "环境监测", "大气", "空气质量", "污染", "排放", "风场", "气象", "测风", "气溶胶",
                    "遥感", "生态"),
    "city": ("城市管理", "城管", "街景", "市容", "文旅", "景区", "公共空间", "城市影像", "公共影像", "城市治理",
             "旅游", "航拍"),
    "community": ("社区", "小区", "物业", "楼宇", "消防", "烟感", "燃气", "养老", "居民"),
    "ocean": ("海洋", "渔业", "海水", "船舶", "港口", "海上", "海域", "近海"),
    "energy": ("光伏", "储能", "电池", "新能源", "风电", "氢能", "电网", "变电站"),
    "manufacturing": ("工厂", "制造", "产线", "生产线", "工业互联网", "家电", "机床", "车间", "工业"),
    "education": ("学校", "校园", "教育", "学生", "课堂", "教学"),
    "logistics": ("物流", "配送", "快递", "仓储", "冷链"),
    "transport": ("公交", "出租车", "地铁", "交通信号", "红绿灯", "路口"),
}


def fields_of(normalised: str) -> frozenset[str]:
    return frozenset(name for name, words in FIELDS.items() if any(w in normalised for w in words))


# Words that say the same thing (lower-cased); the first of a group stands for it.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("自动驾驶", "无人驾驶", "智能驾驶"),
    ("道路测试", "路测", "测试道路", "测试路段", "开放道路", "公开道路"),
    ("车路协同", "v2x", "车联网"),
    ("智能网联", "网联汽车", "智能网联汽车"),
    ("癌症", "肿瘤"),
    ("早筛", "早期筛查", "癌症筛查", "早诊"),
    ("液体活检", "ctc", "循环肿瘤细胞"),
    ("医院", "三甲医院", "医疗机构"),
    ("泊位", "车位", "停车位"),
    ("充电桩", "充电设施", "充电站"),
    ("物联网", "iot", "aiot"),
    ("航拍", "无人机"),
    ("社区", "小区"),
    ("融资", "投资", "募资", "资金"),
    ("试点", "试用", "试运行", "示范"),
    ("检测", "测试"),
    ("磁芯", "磁性材料", "软磁材料", "软磁"),
    ("激光雷达", "雷达"),
    ("传感器", "探头"),
    ("初创", "早期", "天使轮"),
)
_CANON = {word: group[0] for group in SYNONYMS for word in group}


def canonical(word: str) -> str:
    return _CANON.get(word, word)


# The reason's wording (shown to users on a need's card).
KIND_NAMES = {"scenario": "场景", "capability": "能力", "investment": "投资方向"}
REASON = "需求的「{need}」↔ 该{kind}的「{offer}」"
PART_CHARS = 16  # either side of a reason at most this many characters
_CLAUSE = re.compile(r"[，。；;,.、:：！!？?\s]+")


class _Titled(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def text(self) -> str: ...


def reason_line(need_part: str, kind: str, offer_part: str) -> str:
    return REASON.format(need=_short(need_part), kind=kind, offer=_short(offer_part))


def _short(part: str) -> str:
    part = part.strip()
    return part if len(part) <= PART_CHARS else part[:PART_CHARS - 1] + "…"


def clause_around(offer: _Titled, words: list[str]) -> str:
    """What the offer says of the first of ``words`` it holds: its title, when the title holds one of them; else the
    clause of its text that does, cut to PART_CHARS around the word; else its title."""
    title = offer.title.lower()
    if any(w and w in title for w in words):
        return offer.title
    for clause in _CLAUSE.split(offer.text):
        low = clause.lower()
        for word in words:
            at = low.find(word) if word else -1
            if at < 0:
                continue
            if len(clause) <= PART_CHARS:
                return clause
            start = max(0, min(at - (PART_CHARS - len(word)) // 2, len(clause) - PART_CHARS))
            return clause[start:start + PART_CHARS]
    return offer.title


# Investment stages, in order. A thesis names the stages it takes (天使轮至A轮, B轮及以后); a need names its own.
STAGES: tuple[tuple[str, ...], ...] = (
    ("种子轮", "种子"),
    ("天使轮", "天使", "刚注册", "刚成立", "成立三年内"),
    ("pre-a", "prea"),
    ("a轮", "a+轮"),
    ("b轮",),
    ("c轮", "d轮"),
    ("pre-ipo", "ipo", "上市", "北交所", "科创板", "创业板"),
)
_NEXT_ROUND = ("下一轮", "下轮", "后续轮", "最后一轮")


def _stages_named(normalised: str) -> list[int]:
    return sorted({n for n, words in enumerate(STAGES) for w in words if w in normalised})


def stage_range(normalised: str) -> tuple[int, int] | None:
    """The stages a thesis takes, lowest and highest (``及以后``: to the last), or None when it names none."""
    named = _stages_named(normalised)
    if not named:
        return None
    last = len(STAGES) - 1 if re.search(r"轮(及|或)?(以后|之后|以上)", normalised) else named[-1]
    return named[0], last


def need_stage(normalised: str) -> int | None:
    """The round a need raises: the one it names (the one after it, when it says 下一轮 after an A轮 ends)."""
    named = _stages_named(normalised)
    if not named:
        return None
    stage = named[0] if "上市" not in normalised and "ipo" not in normalised else named[-1]
    if any(w in normalised for w in _NEXT_ROUND) and stage < len(STAGES) - 1 and "结束" in normalised:
        stage += 1
    return stage


# A need that looks for a supplier (a buyer) is served by a capability, not by a scenario (which is for providers
# who want to pilot or sell into it).
_BUYER = re.compile(r"找(一?[个家些])?(技术方|技术供应|供应方|供应商|服务商|服务方|厂家|厂商|专业公司|专业团队|"
                    r"合作方|人)|有(没有)?(推荐|靠谱|现成)|推荐一下|托管|外包|采购|谁能提供|谁家能|哪家")
_PROVIDER = re.compile(r"(我们|我司|公司|团队)(是)?(做|研发|开发|自研|有)|我们的|"
                       r"想(进|推广|推给|落地|试点|铺|找场景|找客户)|找(个|块)?(场景|客户|试点|地方|码头|村)")


def buyer(normalised: str) -> bool:
    """The need looks for a supplier rather than offering a product of its own."""
    return bool(_BUYER.search(normalised)) and not _PROVIDER.search(normalised)
