"""Need detection (need vs chat) and need type, by explicit rules.

Issue "Routing that is measured" replaces these rules with trained models; the functions keep
their signatures so callers do not change.
"""

from __future__ import annotations

import re

_CJK_OR_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_STRONG_CUES = (
    "需要", "需求", "希望", "寻求", "寻找", "急需", "想找", "想要", "想申请", "想了解", "申请", "能否",
    "能不能", "可否", "是否可以", "可不可以", "有没有", "谁能", "哪里可以", "哪个部门", "哪家", "求助",
    "求推荐", "缺少", "缺乏", "征集", "请问", "怎么申请", "如何申请", "想对接", "求", "找一", "找个", "找家",
)
_WEAK_CUES = ("对接", "合作", "协调", "帮忙", "帮助", "开放", "提供", "融资", "支持", "落地", "试点", "引进")
_CHAT_OPENERS = (
    "谢谢", "感谢", "多谢", "收到", "好的", "明白", "了解", "嗯", "哈哈", "辛苦", "欢迎", "大家好", "你好",
    "您好", "早上好", "上午好", "下午好", "晚上好", "晚安", "早安", "加油", "赞", "ok", "OK", "恭喜", "祝贺",
)
_CHAT_ONLY = re.compile(
    r"^(谢谢|感谢|多谢|收到|好的|好|明白|了解|嗯+|哈+|辛苦了?|欢迎|大家好|你好|您好|早上好|上午好|下午好|"
    r"晚上好|晚安|早安|加油|赞|ok|OK|恭喜|祝贺|各位|老师|领导|大家|们|啦|了|呀|啊|的|哦|喔|呢|吧|[!！。.,，~～\s])+$"
)

MIN_NEED_CHARS = 6


def meaningful_chars(text: str) -> int:
    return len(_CJK_OR_WORD.findall(text))


def is_chat(text: str) -> bool:
    """Greetings, thanks, acknowledgements, emoji: nothing anyone should act on."""
    text = text.strip()
    return meaningful_chars(text) < 2 or bool(_CHAT_ONLY.match(text))


def is_need(text: str) -> bool:
    """True when a group message states a need (or asks the group about one)."""
    text = text.strip()
    if meaningful_chars(text) < MIN_NEED_CHARS:
        return False  # empty, emoji, "收到", "好的谢谢"
    if _CHAT_ONLY.match(text):
        return False
    strong = any(cue in text for cue in _STRONG_CUES)
    if strong:
        return True
    if text.startswith(_CHAT_OPENERS):
        return False  # "感谢交通局的支持" is thanks, not a need
    weak = sum(cue in text for cue in _WEAK_CUES)
    return weak >= 1 and meaningful_chars(text) >= 10


# need types --------------------------------------------------------------------------------

NEED_TYPE_CUES: dict[str, tuple[str, ...]] = {
    "funding": ("融资", "投资", "天使轮", "贷款", "资金", "基金", "股权", "A轮", "授信", "担保", "估值", "投资人"),
    "data": ("数据", "接口", "数据集", "样本", "病历", "影像资料", "地理信息"),
    "talent": ("人才", "招聘", "博士", "工程师", "引进", "培训", "团队", "人手"),
    "space": ("场地", "厂房", "办公室", "办公场所", "办公空间", "用地", "孵化", "园区", "工位", "仓库", "落户"),
    "scenario": ("场景", "试点", "测试", "开放", "示范", "应用", "路段", "医院", "验证", "首购", "村"),
    "policy": ("政策", "补贴", "资质", "审批", "许可", "认定", "申报", "标准", "牌照", "备案", "奖补"),
    "partnership": ("合作", "伙伴", "联合", "共建", "合作方", "对接", "一起", "供应商", "上下游"),
}


def need_type(text: str) -> str:
    """scenario, data, funding, partnership, policy, talent, space or other."""
    best, best_hits = "other", 0
    for kind, cues in NEED_TYPE_CUES.items():  # dict order is the tie-break priority
        hits = sum(text.count(cue) for cue in cues)
        if hits > best_hits:
            best, best_hits = kind, hits
    return best
