"""What a group message says: its intent (bot.domain.intents.Intent), from its words and who says it.

Rules decide what is certain (nothing to read, or nothing but greetings and acknowledgements); a multinomial
logistic regression decides the rest, over the same kind of features as the router (TF-IDF of jieba words and
characters, ``nlp.features``) plus who speaks (an enterprise, a bound party, an admin) and a few cue counts
(a question's marks, a date or deadline, first-person commitment words, refusal, progress and outcome words).
It is trained on the labelled group lines shipped in ``nlp/data/intents.csv`` (``python -m bench.intent_eval``
prints how well it reads lines it was not trained on).

A promise is the costly mistake (a question recorded as a promise turns overdue in a department's report), so
the promise intent must also clear ``PROMISE_FLOOR``; below it the next most likely intent is taken.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from bot.domain.intents import Intent
from nlp.detect import MIN_NEED_CHARS, is_chat, is_need, meaningful_chars
from nlp.features import Features
from nlp.model import fit_on_used_columns
from nlp.outcomes import is_announcement

ROLES = ("enterprise", "party", "admin")  # who speaks: anyone, someone bound to a party, a commission admin
_ROLE_OF_LABEL = {"enterprise": "enterprise", "liaison": "party", "lab": "party", "fund": "party",
                  "admin": "admin", "party": "party"}
PROMISE_FLOOR = 0.6  # the promise intent's probability must reach this to be read as a promise
C = 30.0  # the logistic regression's inverse regularisation (chosen by 5-fold measurement: bench/intent_eval.py)

_ACK_WORDS = re.compile(r"收到|好的|明白|了解|知道了|知悉|已阅|ok|OK|好嘞|嗯")
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern)) for name, pattern in (
    ("question", r"[?？]|吗[。！!]?$|请问|是否|能不能|可不可以|有没有|多少|怎么|什么|哪|啥|几|么$|不[？?]?$"),
    ("request", r"请(?:贵|你|您|提供|发|把|补充|报送|提交)|麻烦|需要(?:贵|你们|您)|发一下|发我|提交一下|报一下"),
    ("deadline", r"天内|日内|周内|月内|小时内|前完成|前[给把将]|[号日月周底末]前|之前|明天|今天|今晚|后天|"
                 r"下周|本周|这周|月底|年底|周[一二三四五六日末]|工作日|尽快|马上|立即|随后|回头"),
    ("first_person", r"我们|我局|我委|我处|我方|我区|我司|我来|我这边|咱们|本局"),
    ("commit", r"负责|安排|协调|对接|牵头|落实|开放|提供|给您|给你|联系您|联系你|发给|反馈|答复|回复|"
               r"支持|推动|跟进|来办|搞定"),
    ("refusal", r"不能|无法|没法|不行|不属于|不归|不在.{0,4}(?:职责|范围)|归.{1,8}管|建议(?:找|联系|咨询)|"
                r"找.{1,6}(?:局|委|办|区)|暂不|暂时不|没有(?:这|相关|额度|资金|名额|预算)|额度.{0,3}用完|不符合|不予|涉密|不开放|爱莫能助"),
    ("progress", r"已经|已[报提交送转完开启]|正在|在走|在办|在审|审批中|进行中|推进中|还在|目前|完成了?\d|"
                 r"评估|初审|上会|排期"),
    ("outcome", r"签[了约署订]|已开通|已开放|落地了|搞定了?[！!。]?$|完成了|拿到了|到账|成功|获批|中标"),
    ("followup", r"补充|另外|对了|还需要|还要|还得|进度|怎么样了|有消息|催|一直没|还没|说好|之前(?:说|提)|上次"),
    ("i_will", r"我(?:来|去|跟|帮|找|给|带|拉|写|让|们来|们去|们会|们将|们可以|们负责|局将|委将|局会|们帮|"
               r"们安排|们协调)|"
               r"(?:将|会)(?:在|于|把|为|配合|推荐|纳入|尽快|及时|第一时间|安排|协调|组织)"),
    ("i_will_en", r"(?i)\b(?:i'll|i will|we'll|we will|will)\b"),
    ("on_me", r"包在|交给我|我们接了|我接了|没问题"),
    ("thanks", r"谢谢|感谢|多谢|辛苦|点赞|恭喜|祝贺|哈哈|早上好|大家好|晚安"),
))


def _cue_vector(text: str, role: str) -> list[float]:
    values = [1.0 if role == r else 0.0 for r in ROLES]
    values += [float(len(p.findall(text)) > 0) for _, p in _CUES]
    values += [float(is_need(text)), float(is_announcement(text)), min(meaningful_chars(text), 60) / 60.0]
    return values


# A request addressed to the other side ("请贵公司在周五前提交材料", "你们需要在月底前完成备案"): asks for something
# by a date, promises nothing — unless the speaker also commits ("麻烦稍等，我马上问").
_REQUEST = re.compile(r"^\W*(?:(?:请|烦请|麻烦|劳烦|务必)(?!问|求|放心|稍等|稍候|等等|注意查收)|"
                      r"(?:贵公司|贵单位|贵司|你们|您|你)(?:那边|这边)?(?:需要|要|须|得|务必|尽快|先))")
_SPEAKER_COMMITS = re.compile(r"我|咱|本局|我局|我委|我区|我们")


def rule(text: str, role: str = "party") -> Intent | None:
    """What is certain without a model: nothing to read is talk; greetings and acknowledgements alone are so; a
    party's request addressed to the other side, with nothing the speaker takes on, is a request (QUESTION) — an
    enterprise's "麻烦帮忙推荐一家实验室" is a need, so that rule is for those speaking for a party or admins."""
    stripped = text.strip()
    if is_chat(stripped):  # nothing to read, or greetings, thanks and acknowledgements alone (nlp.detect)
        return Intent.ACK if _ACK_WORDS.search(stripped) else Intent.CHAT
    if role != "enterprise" and _REQUEST.match(stripped) and not _SPEAKER_COMMITS.search(stripped):
        return Intent.QUESTION
    return None


def shipped_lines(voice: str | None = None) -> tuple[list[str], list[str], list[Intent]]:
    """The labelled group lines in nlp/data/intents.csv: (texts, roles, intents); ``voice`` picks one writer's."""
    data = resources.files("nlp").joinpath("data").joinpath("intents.csv").read_text("utf-8")
    rows = [r for r in csv.DictReader(io.StringIO(data)) if voice is None or r["voice"] == voice]
    return ([r["text"] for r in rows], [_ROLE_OF_LABEL[r["role"]] for r in rows], [Intent(r["intent"]) for r in rows])


def shipped_voices() -> list[str]:
    """Which writer wrote each of the shipped lines (in shipped_lines' order)."""
    data = resources.files("nlp").joinpath("data").joinpath("intents.csv").read_text("utf-8")
    return [r["voice"] for r in csv.DictReader(io.StringIO(data))]


def role_of(label: str) -> str:
    """enterprise | party | admin from a person's role (liaison, lab and fund speak for a party)."""
    return _ROLE_OF_LABEL.get(label, "enterprise")


def shipped_needs() -> list[str]:
    """The needs written for routing and need types (nlp/data): more of the "need" intent, in the commission's
    words, to train on beside the group lines."""
    data = resources.files("nlp").joinpath("data")
    return [r["text"] for name in ("domain_needs.csv", "need_types.csv", "needs_everyday.csv")
            for r in csv.DictReader(io.StringIO(data.joinpath(name).read_text("utf-8")))]


def shipped_chat() -> list[str]:
    """Everyday and office talk (nlp/data/chat.csv, full of 需要/希望/想要 said of nothing anyone should act on)."""
    data = resources.files("nlp").joinpath("data").joinpath("chat.csv").read_text("utf-8")
    return [r["text"] for r in csv.DictReader(io.StringIO(data))]


def training_set(lines: tuple[list[str], list[str], list[Intent]] | None = None
                 ) -> tuple[list[str], list[str], list[Intent]]:
    """The group lines (all shipped ones by default), the shipped needs and the shipped chat, as (texts, roles,
    intents)."""
    texts, roles, intents = lines if lines is not None else shipped_lines()
    needs, chat = shipped_needs(), shipped_chat()
    return (texts + needs + chat, roles + ["enterprise"] * (len(needs) + len(chat)),
            intents + [Intent.NEED] * len(needs) + [Intent.CHAT] * len(chat))


class IntentReader:
    def __init__(self, cut: Callable[[str], list[str]]) -> None:
        self.cut = cut
        self.features = Features(plain_words=True)
        self.labels: list[Intent] = []
        self._weights = np.zeros((0, 0))
        self._party_weights = np.zeros((0, 0))
        self._cue_weights = np.zeros((0, 0))
        self._bias = np.zeros(0)

    def fit(self, texts: Sequence[str], roles: Sequence[str], intents: Sequence[Intent]) -> IntentReader:
        roles = [_ROLE_OF_LABEL[r] for r in roles]
        matrix = self.features.fit(texts, [self.cut(t) for t in texts])
        # The words again, for what someone speaking for a party says: "我们来对接" from a liaison is a promise,
        # from an enterprise it is not.
        party = sp.diags([1.0 if r == "party" else 0.0 for r in roles]) @ matrix
        cues = sp.csr_matrix(np.array([_cue_vector(t, r) for t, r in zip(texts, roles, strict=True)]))
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
        coef = fit_on_used_columns(model, sp.hstack([matrix, party, cues], format="csr"), [i.value for i in intents])
        width = matrix.shape[1]
        self.labels = [Intent(str(k)) for k in model.classes_]
        self._weights, self._party_weights = coef[:, :width], coef[:, width:2 * width]
        self._cue_weights = coef[:, 2 * width:]
        self._bias = np.asarray(model.intercept_)
        return self

    def probabilities(self, text: str, role: str = "enterprise") -> dict[Intent, float]:
        columns, values = self.features.one(text, self.cut(text))
        scores = self._weights[:, columns] @ values + self._cue_weights @ np.array(_cue_vector(text, role))
        if role == "party":
            scores = scores + self._party_weights[:, columns] @ values
        scores = scores + self._bias
        scores = np.exp(scores - scores.max())
        scores /= scores.sum()
        return dict(zip(self.labels, scores.tolist(), strict=True))

    def read(self, text: str, role: str = "enterprise") -> Intent:
        certain = rule(text, role_of(role))
        if certain is not None:
            return certain
        chances = self.probabilities(text, role_of(role))
        ranked = sorted(chances, key=chances.__getitem__, reverse=True)
        if ranked[0] is Intent.PROMISE and chances[Intent.PROMISE] < PROMISE_FLOOR:
            ranked.pop(0)
        if ranked[0] is Intent.NEED and meaningful_chars(text) < MIN_NEED_CHARS:
            return Intent.CHAT  # "需要" alone says no need
        return ranked[0]


    def save(self, path: Path, digest: str) -> None:
        """The fitted reader as arrays (``python -m nlp intents`` ships it: fitting takes seconds, loading none)."""
        words, chars = (sorted(index, key=index.__getitem__) for index in self.features._index)
        np.savez_compressed(
            path, digest=np.array(digest), labels=np.array([i.value for i in self.labels]),
            words=np.array(words), chars=np.array(chars),
            word_idf=np.array(self.features._idf[0]), char_idf=np.array(self.features._idf[1]),
            weights=self._weights.astype(np.float32), party_weights=self._party_weights.astype(np.float32),
            cue_weights=self._cue_weights, bias=self._bias)

    @classmethod
    def load(cls, data: Mapping[str, np.ndarray], cut: Callable[[str], list[str]]) -> IntentReader:
        reader = cls(cut)
        words, chars = [str(w) for w in data["words"]], [str(c) for c in data["chars"]]
        reader.features._index = [{w: i for i, w in enumerate(words)}, {c: i for i, c in enumerate(chars)}]
        reader.features._idf = [data["word_idf"].tolist(), data["char_idf"].tolist()]
        reader.features._offset = len(words)
        reader.labels = [Intent(str(label)) for label in data["labels"]]
        reader._weights = data["weights"].astype(np.float64)
        reader._party_weights = data["party_weights"].astype(np.float64)
        reader._cue_weights, reader._bias = data["cue_weights"], data["bias"]
        return reader


MODEL_FILE = "intent_model.npz"


def training_digest() -> str:
    """What the shipped model was fitted on and how: a model whose digest differs is stale."""
    data = resources.files("nlp").joinpath("data")
    digest = hashlib.sha256(f"C={C};features=plain;cues={[n for n, _ in _CUES]}".encode())
    for name in ("intents.csv", "domain_needs.csv", "need_types.csv", "needs_everyday.csv", "chat.csv"):
        digest.update(data.joinpath(name).read_bytes())
    return digest.hexdigest()


def fit_shipped(cut: Callable[[str], list[str]], path: Path) -> IntentReader:
    reader = IntentReader(cut).fit(*training_set())
    reader.save(path, training_digest())
    return reader


@cache
def shipped_reader(cut: Callable[[str], list[str]]) -> IntentReader:
    """The reader fitted on the shipped lines: loaded from nlp/data/intent_model.npz when it was fitted on them as
    they are (``python -m nlp intents`` refits it), fitted here otherwise (a few seconds). Once per process and
    segmenter."""
    model = resources.files("nlp").joinpath("data").joinpath(MODEL_FILE)
    if model.is_file():
        with model.open("rb") as stream, np.load(stream) as data:
            if str(data["digest"]) == training_digest():
                return IntentReader.load(dict(data), cut)
    return IntentReader(cut).fit(*training_set())
