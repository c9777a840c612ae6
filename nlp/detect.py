"""Need detection (need vs chat) and need type.

Detection is a logistic regression over the router's TF-IDF features, trained on the labelled set
shipped in nlp/data (needs: domain_needs.csv; chat: chat.csv), behind two rules that need no model:
too little text, or nothing but greetings, thanks and acknowledgements, is never a need.
Need type is a logistic regression over the same features plus cue-word counts per type, trained on
need_types.csv (written for it) and the domain set.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from importlib import resources

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from nlp.features import Features
from nlp.model import fit_on_used_columns

_STRONG_CUES = (
    "需要", "需求", "希望", "寻求", "寻找", "急需", "想找", "想要", "想申请", "想了解", "申请", "能否",
    "能不能", "可否", "是否可以", "可不可以", "有没有", "谁能", "哪里可以", "哪个部门", "哪家", "求助",
    "求推荐", "缺少", "缺乏", "征集", "请问", "怎么申请", "如何申请", "想对接", "求", "找一", "找个", "找家",
)
# "想 + an action" states an intention to act: 想在…试点, 想接入…, 想参与…
_WANT = r"想(在|把|进入|参与|试用|接入|获取|申报|申请|揭榜|和|与|跟|找|做|推广|对接|了解|要|借助|引进|落户|部署|开展)"
_STRONG = re.compile("|".join(re.escape(c) for c in _STRONG_CUES) + "|" + _WANT)
_WEAK_CUES = ("对接", "合作", "协调", "帮忙", "帮助", "开放", "提供", "融资", "支持", "落地", "试点", "引进")
_WEAK = re.compile("|".join(map(re.escape, _WEAK_CUES)))
_CHAT_OPENERS = (
    "谢谢", "感谢", "多谢", "收到", "好的", "明白", "了解", "嗯", "哈哈", "辛苦", "欢迎", "大家好", "你好",
    "您好", "早上好", "上午好", "下午好", "晚上好", "晚安", "早安", "加油", "赞", "ok", "OK", "恭喜", "祝贺",
)
_CHAT_ONLY = re.compile(
    r"^(谢谢|感谢|多谢|收到|好的|好|明白|了解|嗯+|哈+|辛苦了?|欢迎|大家好|你好|您好|早上好|上午好|下午好|不客气|不用谢|客气|"
    r"晚上好|晚安|早安|加油|赞|ok|OK|恭喜|祝贺|各位|老师|领导|大家|们|啦|了|呀|啊|的|哦|喔|呢|吧|[!！。.,，~～\s])+$"
)

MIN_NEED_CHARS = 6
FLOOR_PERCENTILE = 2  # NeedDetector.floor: the nearness all but this percent of the shipped needs reach


def meaningful_chars(text: str) -> int:
    """Letters, digits and Chinese characters (emoji, punctuation and spaces do not count)."""
    return sum(map(str.isalnum, text))


def is_chat(text: str) -> bool:
    """Greetings, thanks, acknowledgements, emoji: nothing anyone should act on."""
    text = text.strip()
    return meaningful_chars(text) < 2 or bool(_CHAT_ONLY.match(text))


def is_need(text: str) -> bool:
    """The rule-only detector: cue words. Kept as the fallback and as a feature of the model."""
    text = text.strip()
    if meaningful_chars(text) < MIN_NEED_CHARS:
        return False  # empty, emoji, "收到", "好的谢谢"
    if _CHAT_ONLY.match(text):
        return False
    return _has_cue(text)


def _has_cue(text: str) -> bool:
    """Cue words of a need (the rule part of is_need, after the length and chat checks)."""
    if _STRONG.search(text):
        return True
    if text.startswith(_CHAT_OPENERS):
        return False  # "感谢交通局的支持" is thanks, not a need
    return _WEAK.search(text) is not None and meaningful_chars(text) >= 10


# need types --------------------------------------------------------------------------------

NEED_TYPE_CUES: dict[str, tuple[str, ...]] = {
    "funding": ("融资", "投资", "天使轮", "贷款", "资金", "基金", "股权", "A轮", "授信", "担保", "估值", "投资人"),
    "data": ("数据", "接口", "数据集", "样本", "病历", "影像资料", "地理信息"),
    "talent": ("人才", "招聘", "博士", "工程师", "引进", "培训", "团队", "人手"),
    "space": ("场地", "厂房", "办公室", "办公场所", "办公空间", "用地", "孵化", "园区", "工位", "仓库", "落户"),
    "scenario": ("场景", "试点", "测试", "开放", "示范", "应用", "路段", "医院", "验证", "首购", "村", "试用",
                 "推广", "部署", "布点", "落地", "接入", "运营", "揭榜"),
    "policy": ("政策", "补贴", "资质", "审批", "许可", "认定", "申报", "标准", "牌照", "备案", "奖补", "流程",
               "条件", "办理", "认证", "扶持", "指导", "一网通办", "报销", "目录"),
    "partnership": ("合作", "伙伴", "联合", "共建", "合作方", "对接", "一起", "供应商", "上下游"),
}


_TYPE_OF_CUE = {cue: kind for kind, cues in reversed(NEED_TYPE_CUES.items()) for cue in cues}
_TYPE_CUE = re.compile("|".join(re.escape(c) for c in sorted(_TYPE_OF_CUE, key=len, reverse=True)))
_TYPE_ORDER = {kind: i for i, kind in enumerate(NEED_TYPE_CUES)}


def type_cues(text: str) -> np.ndarray:
    """How many cue words of each type (in NEED_TYPE_CUES order) the text holds."""
    counts = [0.0] * len(_TYPE_ORDER)
    for cue in _TYPE_CUE.findall(text):
        counts[_TYPE_ORDER[_TYPE_OF_CUE[cue]]] += 1
    return np.array(counts)


def shipped_types(include_domain: bool = True) -> tuple[list[str], list[str]]:
    """Type-labelled needs in nlp/data: need_types.csv (written for training), plus the domain set."""
    data = resources.files("nlp").joinpath("data")
    rows = list(csv.DictReader(io.StringIO(data.joinpath("need_types.csv").read_text("utf-8"))))
    pairs = [(r["text"], r["need_type"]) for r in rows]
    if include_domain:
        domain = csv.DictReader(io.StringIO(data.joinpath("domain_needs.csv").read_text("utf-8")))
        pairs += [(r["text"], r["need_type"]) for r in domain]
    return [t for t, _ in pairs], [k for _, k in pairs]


class NeedTyper:
    """Need type: a logistic regression over the shared features plus the cue-word counts per type."""

    def __init__(self, cut: Callable[[str], list[str]], features: Features) -> None:
        self.cut = cut
        self.features = features
        self.labels: list[str] = []
        self._weights = np.zeros((0, 0))
        self._cue_weights = np.zeros((0, 0))
        self._bias = np.zeros(0)

    def fit(self, texts: Sequence[str], kinds: Sequence[str]) -> NeedTyper:
        matrix = self.features.matrix(texts, [self.cut(t) for t in texts])
        cues = sp.csr_matrix(np.array([type_cues(t) for t in texts]))
        model = LogisticRegression(C=10.0, max_iter=3000)
        coef = fit_on_used_columns(model, sp.hstack([matrix, cues], format="csr"), kinds)
        width = matrix.shape[1]
        self.labels = [str(k) for k in model.classes_]
        self._weights = coef[:, :width]
        self._cue_weights = coef[:, width:]
        self._bias = np.asarray(model.intercept_)
        return self

    def type_of(self, text: str, columns: np.ndarray, values: np.ndarray, chat: bool = False) -> str:
        return self.decide(text, self._weights[:, columns] @ values, chat)

    @property
    def weights(self) -> np.ndarray:
        """Weights on the shared features (labels x columns), for a caller that stacks heads."""
        return self._weights

    def decide(self, text: str, linear: np.ndarray, chat: bool = False) -> str:
        """The type from the feature part of the scores (``weights`` times the message's vector);
        a message taken for chat with no type cue at all is "other"."""
        if _TYPE_CUE.search(text) is None:  # most messages: the cue part is zero, and chat is "other"
            return "other" if chat else self.labels[int((linear + self._bias).argmax())]
        scores = linear + self._cue_weights @ type_cues(text) + self._bias
        return self.labels[int(scores.argmax())]


def shipped_examples() -> tuple[list[str], list[int]]:
    """The labelled need/chat set in nlp/data: (texts, 1 = need / 0 = chat). Needs: the domain set, the needs
    written for need types, requests to bureaus in everyday voices (needs_everyday.csv) and the group lines read as
    needs in intents.csv; chat: chat.csv (everyday and office talk full of 需要/希望/想要, in two voices) and the
    group lines read as chat."""
    data = resources.files("nlp").joinpath("data")

    def read(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(data.joinpath(name).read_text("utf-8"))))

    group = read("intents.csv")
    needs = [r["text"] for name in ("domain_needs.csv", "need_types.csv", "needs_everyday.csv") for r in read(name)]
    needs += [r["text"] for r in group if r["intent"] == "need"]
    chat = [r["text"] for r in read("chat.csv")] + [r["text"] for r in group if r["intent"] == "chat"]
    return needs + chat, [1] * len(needs) + [0] * len(chat)


class NeedDetector:
    """need vs chat: rules first, then a trained model over words and characters, the cue rule, and how close the
    message is to what some party deals with (``near``: the router's best profile similarity — "我想要一只橘猫"
    is close to nothing, a need to something)."""

    THRESHOLD = 0.5

    def __init__(self, cut: Callable[[str], list[str]], features: Features | None = None,
                 near: Callable[[sp.csr_matrix], np.ndarray] | None = None) -> None:
        """With ``features`` already fitted (the router's shared space), only the model is fitted."""
        self.cut = cut
        self._shared = features is not None
        self.features = features or Features()
        self.near = near
        self._weights = np.zeros(0)
        self._bias = 0.0
        self._cue_weight = 0.0
        self._near_weight = 0.0
        self.floor = 0.0

    @classmethod
    def default(cls, cut: Callable[[str], list[str]]) -> NeedDetector:
        texts, labels = shipped_examples()
        return cls(cut).fit(texts, labels)

    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> NeedDetector:
        tokens = [self.cut(t) for t in texts]
        matrix = self.features.matrix(texts, tokens) if self._shared else self.features.fit(texts, tokens)
        cues = [1.0 if is_need(t) else 0.0 for t in texts]
        # in one product: row by row, thousands of small sparse calls kept a refit's thread on the GIL long
        # enough to delay the event loop by 20-40 ms
        near = self.near(matrix) if self.near is not None else np.zeros(len(texts))
        # how near a need is at least, but for 2% of the shipped ones (Router.grounded)
        self.floor = float(np.percentile(near[np.asarray(labels) == 1], FLOOR_PERCENTILE)) if any(labels) else 0.0
        model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000)
        coef = fit_on_used_columns(model, sp.hstack([matrix, sp.csr_matrix(np.array([cues, near]).T)],
                                                    format="csr"), labels)
        self._weights = coef[0][:-2]
        self._cue_weight, self._near_weight = float(coef[0][-2]), float(coef[0][-1])
        self._bias = float(model.intercept_[0])
        return self

    def _near(self, text: str, tokens: Sequence[str]) -> float:
        return float(self.near(self.features.matrix([text], [tokens]))[0]) if self.near is not None else 0.0

    def is_need(self, text: str, tokens: Sequence[str] | None = None) -> bool:
        if meaningful_chars(text) < MIN_NEED_CHARS or is_chat(text):
            return False
        tokens = self.cut(text) if tokens is None else tokens
        columns, values = self.features.one(text, tokens)
        return self.decide(text, float(self._weights[columns] @ values), self._near(text, tokens))

    @property
    def weights(self) -> np.ndarray:
        """Weights on the shared features, for a caller that stacks heads."""
        return self._weights

    def decide(self, text: str, margin: float, near: float = 0.0) -> bool:
        """The decision from the feature part of the margin (``weights`` times the message's vector) and the
        message's ``near`` (what ``self.near`` gives for it)."""
        if meaningful_chars(text) < MIN_NEED_CHARS or _CHAT_ONLY.match(text.strip()):
            return False
        margin += self._bias + (self._cue_weight if _has_cue(text) else 0.0) + self._near_weight * near
        return margin >= math.log(self.THRESHOLD / (1.0 - self.THRESHOLD))
