"""Does a new need say the same as an earlier one? (duplicates and 附议, issue 14)

Two needs are compared by three numbers, averaged into one score:
- the cosine of their TF-IDF vectors, two blocks side by side: jieba words (stop words out) and character bi- and
  trigrams (short Chinese is often reworded inside a word: 测试路段 / 测试道路);
- how much of each need's content the other one covers: the IDF-weighted share of its words found in the other
  (as a word, or inside the other's text: 软磁 in 非晶软磁材料) — the larger and the smaller share both count.
The IDF comes from the needs shipped in nlp/data (their text only), so the words every need of a field shares (测试,
道路, 开放, 数据, 试点) weigh little, and what tells two needs of one department apart — the road, the company, the
data, the action asked for (融资 / 保险补偿, 试点 / 认证) — weighs much. The coverage is what keeps near-misses
apart: a need about the same product or place that asks for something else brings words of its own the other
never covers, while a reworded need, even a terse one typed on a phone, is mostly covered by its longer twin.
Chinese numbers before a measure word are written as digits first (两台 / 2台, 一万例 / 1万例). Last, two needs
that each say what they ask for (``ASKS``: a subsidy, financing, a trial, data, a licence, space…) and share none of
it lose a fifth of their score: the same robot on a trial run and asking for a subsidy are two needs. Two needs
that each name a district of the city and share none are never one: the same pilot in 市北 and in 市南 is two needs
(found on the fresh writer's set, bench/data/duplicates_fresh.csv).

``THRESHOLD`` is calibrated on the tuning half of bench/data/duplicates.csv (``python bench/duplicates.py``).
Cost per new need: one vectorisation, one sparse product with the earlier needs' matrix, and the coverage of the
``CANDIDATES`` nearest by cosine.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
from collections.abc import Callable, Sequence
from importlib import resources
from typing import NamedTuple, TextIO, cast

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.domain.directory import load_directory
from nlp.dates import chinese_number
from nlp.segment import STOPWORDS

THRESHOLD = 0.42  # the middle of the thresholds (0.40-0.45) at which the tuning half of bench/data/duplicates.csv
# reaches precision >= 0.90 at recall >= 0.80 (python bench/duplicates.py --sweep)
CANDIDATES = 8  # earlier needs, nearest by cosine, whose coverage is computed
WORD_SHARE = 0.5  # the words block's share of the cosine (the characters have the rest)

_NOT_TEXT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
_NUMBER = re.compile(r"[零一二两三四五六七八九十百]+(?=[千万个台所名例张座条家位平人米年月周天辆栋间套项])")
_BACKGROUND = ("domain_needs.csv", "need_types.csv", "needs_everyday.csv")
# What a need asks for, by the words that say it. Two needs that each say what they ask for, and share none of it,
# are about the same thing but not the same need (试运行 / 补贴): their score is multiplied by ASK_PENALTY.
ASKS: dict[str, tuple[str, ...]] = {
    "subsidy": ("补贴", "补助", "奖励", "资助", "补偿", "贴息", "免租", "减免"),
    "finance": ("融资", "投资", "跟投", "贷款", "授信", "基金", "天使轮", "a轮"),
    "trial": ("试点", "试用", "试运行", "试跑", "试装", "测试", "示范"),
    "data": ("数据", "接口"),
    "licence": ("认证", "认定", "备案", "许可", "审批", "资质", "执照", "牌照", "证书", "环评", "退税", "报销"),
    "space": ("场地", "厂房", "办公", "孵化器", "仓库", "场所"),
    "talent": ("人才", "招聘", "博士后", "实习生", "培训"),
    "procurement": ("采购", "目录"),
    "partner": ("伙伴", "联合", "合作"),
    "exhibition": ("参展", "展位", "展会"),
}
ASK_PENALTY = 0.8
PLACE_PENALTY = 0.0  # two needs that each name a district of the city and share none: the same request elsewhere


@functools.lru_cache(maxsize=1)
def _district_names() -> tuple[tuple[str, str], ...]:
    """(name, district id) for every district of the shipped directory (its name and aliases)."""
    names = {(name, p.id) for p in load_directory() if p.kind == "district" for name in (p.name, *p.aliases)}
    return tuple(sorted(names, key=lambda pair: -len(pair[0])))


@functools.lru_cache(maxsize=8192)
def places_of(normalised: str) -> frozenset[str]:
    """The districts a need names (市北 and 市南 are two places; 黄岛 and 西海岸 one)."""
    return frozenset(district for name, district in _district_names() if name in normalised)


class Match(NamedTuple):
    similar_to: int | None  # the earlier need it says the same as (its position), or None
    score: float  # the best score found (0 when there was nothing to compare with)


class Prepared(NamedTuple):
    """Needs made ready for comparison: their vectors (rows, l2-normalised) and their weighted words."""
    matrix: sp.csr_matrix
    words: list[dict[str, float]]  # word -> IDF, per need
    texts: list[str]  # normalised, lower-cased
    asks: list[frozenset[str]]  # what each need asks for (ASKS)

    def __len__(self) -> int:
        return len(self.texts)


def background_needs() -> list[str]:
    """Needs shipped in nlp/data: the corpus the IDF is fitted on (text only; no label is used)."""
    data = resources.files("nlp").joinpath("data")
    texts: list[str] = []
    for name in _BACKGROUND:
        texts += [row["text"] for row in csv.DictReader(io.StringIO(data.joinpath(name).read_text("utf-8")))]
    return texts


def normalise(text: str) -> str:
    """Lower-cased, Chinese numbers before a measure word as digits: '两台' → '2台', '一万例' → '1万例'."""
    def digits(match: re.Match[str]) -> str:
        value = chinese_number(match.group())
        return match.group() if value is None else str(value)
    return _NUMBER.sub(digits, text).lower()


def asks_of(normalised: str) -> frozenset[str]:
    return frozenset(ask for ask, words in ASKS.items() if any(word in normalised for word in words))


def char_grams(text: str) -> list[str]:
    grams: list[str] = []
    for run in _NOT_TEXT.split(text):
        grams += [run[i:i + 2] for i in range(len(run) - 1)]
        grams += [run[i:i + 3] for i in range(len(run) - 2)]
    return grams


def _identity(terms: list[str]) -> list[str]:
    return terms


def _cover(words: dict[str, float], other_words: dict[str, float], other_text: str) -> float:
    """The IDF-weighted share of ``words`` found in the other need (as a word or inside its text)."""
    total = sum(words.values())
    if not total:
        return 0.0
    return sum(w for word, w in words.items() if word in other_words or word in other_text) / total


class Similarity:
    """Fitted once (the IDF of the background needs, ~0.3 s); then ``prepare`` and ``best`` are cheap."""

    def __init__(self, cut: Callable[[str], list[str]], background: Sequence[str] | None = None,
                 threshold: float = THRESHOLD) -> None:
        self.cut = cut
        self.threshold = threshold
        corpus = [normalise(t) for t in (background_needs() if background is None else background)] or [""]
        self.words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self.words.fit([self._word_terms(t) for t in corpus])
        self.chars.fit([char_grams(t) for t in corpus])
        self._idf = dict(zip(self.words.get_feature_names_out(), self.words.idf_.tolist(), strict=True))
        self._unknown_idf = float(self.words.idf_.max())  # a word no shipped need has: as rare as the rarest
        # For vectorising without scikit-learn's per-call checks (~0.9 ms a need, on the registration path): each
        # block's vocabulary → (column in the joined matrix, IDF × the block's weight); a test checks both agree.
        word_weight, char_weight = np.sqrt(WORD_SHARE), np.sqrt(1 - WORD_SHARE)
        offset = len(self.words.vocabulary_)
        self._word_columns = {t: (i, float(self.words.idf_[i])) for t, i in self.words.vocabulary_.items()}
        self._char_columns = {t: (offset + i, float(self.chars.idf_[i])) for t, i in self.chars.vocabulary_.items()}
        self._weights = (float(word_weight), float(char_weight))
        self._width = offset + len(self.chars.vocabulary_)

    def _word_terms(self, normalised: str) -> list[str]:
        return [w for w in self.cut(normalised) if w not in STOPWORDS]

    def prepare(self, texts: Sequence[str]) -> Prepared:
        if not texts:
            return Prepared(sp.csr_matrix((0, self._width)), [], [], [])
        normalised = [normalise(t) for t in texts]
        terms = [self._word_terms(t) for t in normalised]
        indptr, columns, values = [0], [], []
        for need_terms, text in zip(terms, normalised, strict=True):
            for block, weight in ((self._block(need_terms, self._word_columns), self._weights[0]),
                                  (self._block(char_grams(text), self._char_columns), self._weights[1])):
                columns += block[0]
                values += [v * weight for v in block[1]]
            indptr.append(len(columns))
        matrix = sp.csr_matrix((np.array(values), np.array(columns, dtype=np.int32), np.array(indptr)),
                               shape=(len(texts), self._width))
        idf, unknown = self._idf, self._unknown_idf
        words = [{word: idf.get(word, unknown) for word in need} for need in terms]
        return Prepared(matrix, words, normalised, [asks_of(t) for t in normalised])

    @staticmethod
    def _block(terms: list[str], vocabulary: dict[str, tuple[int, float]]) -> tuple[list[int], list[float]]:
        """One block of a need's vector, as TfidfVectorizer(sublinear_tf=True) makes it: (1 + log tf) × IDF,
        l2-normalised, columns in ascending order."""
        counts: dict[str, int] = {}
        for term in terms:
            if term in vocabulary:
                counts[term] = counts.get(term, 0) + 1
        found = sorted((vocabulary[t][0], (1.0 + math.log(n)) * vocabulary[t][1]) for t, n in counts.items())
        norm = math.sqrt(sum(v * v for _, v in found)) or 1.0
        return [c for c, _ in found], [v / norm for _, v in found]

    def pair_score(self, new: Prepared, i: int, earlier: Prepared, j: int, cosine: float) -> float:
        there = _cover(new.words[i], earlier.words[j], earlier.texts[j])
        back = _cover(earlier.words[j], new.words[i], new.texts[i])
        score = (cosine + there + back) / 3
        asks, other_asks = new.asks[i], earlier.asks[j]
        if asks and other_asks and not asks & other_asks:
            score *= ASK_PENALTY
        places, other_places = places_of(new.texts[i]), places_of(earlier.texts[j])
        return score * PLACE_PENALTY if places and other_places and not places & other_places else score

    def _best(self, new: Prepared, i: int, earlier: Prepared, cosines: np.ndarray) -> Match:
        if not len(cosines) or not new.words[i]:  # nothing before it, or nothing to compare (a blank line)
            return Match(None, 0.0)
        nearest = np.argsort(-cosines, kind="stable")[:CANDIDATES]
        scored = [(self.pair_score(new, i, earlier, int(j), float(cosines[j])), -int(j)) for j in nearest]
        score, minus_j = max(scored)
        return Match(-minus_j if score >= self.threshold else None, round(score, 4))

    def best(self, text: str, earlier: Prepared) -> Match:
        """The earlier need ``text`` says the same as (its score at least the threshold), else similar_to None."""
        return self.match(self.prepare([text]), earlier)

    def match(self, new: Prepared, earlier: Prepared) -> Match:
        """As ``best``, for a need prepared already (one row)."""
        cosines = (earlier.matrix @ new.matrix.T).toarray().ravel() if len(earlier) else np.zeros(0)
        return self._best(new, 0, earlier, cosines)

    def extend(self, earlier: Prepared, texts: Sequence[str]) -> tuple[list[Match], Prepared]:
        """Each of ``texts`` against ``earlier`` and the texts before it; positions count ``earlier`` first.
        Returns the matches and everything prepared so far (``earlier`` then ``texts``)."""
        new = self.prepare(texts)
        joined = Prepared(sp.vstack([earlier.matrix, new.matrix], format="csr"), earlier.words + new.words,
                          earlier.texts + new.texts, earlier.asks + new.asks)
        products = (new.matrix @ joined.matrix.T).toarray()
        offset = len(earlier)
        return [self._best(new, i, joined, products[i, :offset + i]) for i in range(len(new))], joined

    def stream(self, texts: Sequence[str]) -> list[Match]:
        """Each text against the texts before it (the bench)."""
        return self.extend(self.prepare([]), texts)[0]


def similar_stream(similarity: Similarity, source: TextIO, sink: TextIO) -> None:
    """``python -m nlp similar``: one JSON line per input line, ``{"text", "similar_to", "score"}``, where
    ``similar_to`` is the 0-based number of the earlier input line this one says the same as, or null. Every line
    answers (a blank one with null, and it is never matched), so the numbers are the input's line numbers.
    Whatever has arrived is read at once and compared as one batch, then written and flushed."""
    read = cast(io.BufferedIOBase, source.buffer).read1
    encoding, errors = source.encoding, source.errors or "strict"
    encode = json.JSONEncoder(ensure_ascii=False).encode
    seen = similarity.prepare([])
    pending = b""  # the start of a line whose end has not arrived yet
    while True:
        chunk = read(1 << 16)
        data = pending + chunk
        end = data.rfind(b"\n") + 1 if chunk else len(data)  # at the end of input: the rest, if any
        pending = data[end:]
        if end:
            text = data[:end].decode(encoding, errors)
            texts = [line.removesuffix("\r") for line in text.removesuffix("\n").split("\n")]
            matches, seen = similarity.extend(seen, texts)
            sink.write("".join(encode({"text": t, "similar_to": m.similar_to, "score": m.score}) + "\n"
                               for t, m in zip(texts, matches, strict=True)))
            sink.flush()
        if not chunk:
            return
