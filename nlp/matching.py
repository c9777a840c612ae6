"""Matching needs and offers both ways: which standing offers (scenarios, capabilities, investment theses) a need
fits, and which open needs a new offer fits, each with a score and a one-line reason (what in the need meets what
in the offer). jieba terms weighted by TF-IDF over the offers and a background of needs; a pair is shown only
above a threshold. What the handshakes taught (both 感兴趣: good; 不合适: bad) moves an offer's profile towards the
needs it suited and away from those it did not (Rocchio).

The interface the bot and ``python -m nlp match`` use: :class:`OfferText`, :class:`Hit`, :class:`Matcher`
(``match`` a need against the offers, ``needs_for`` an offer against needs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

SHOW = 0.18  # score at or above which a match is shown
SHOW_NEEDS = 5  # needs a new offer's owner gets at most
SHOW_OFFERS = 3  # offers a need's card shows at most
LEARN_GOOD, LEARN_BAD = 0.5, 0.5  # Rocchio weights of a handshake's need towards (good) or away from (bad)
STOP = frozenset("的 了 和 与 及 或 在 是 有 我们 我司 你们 希望 需要 想 求 寻求 对接 一个 一些 相关 进行 开展 "
                 "提供 能够 可以 帮助 支持 合作 企业 公司 项目 方面 如何 什么 哪里 谁 吗 呢 吧 请 请问 一下 "
                 "目前 现在 已经 正在".split())


@dataclass(frozen=True)
class OfferText:
    """What the matcher knows of an offer."""

    id: int | str
    party: str
    kind: str  # scenario | capability | investment
    title: str
    text: str

    @property
    def words(self) -> str:
        return f"{self.title} {self.title} {self.text}"  # the title says what it is: counted twice


@dataclass(frozen=True)
class Hit:
    id: int | str
    party: str
    score: float
    reason: str


class Matcher:
    """Fitted on the current offers (and what the handshakes taught); cheap to refit (a few hundred offers)."""

    def __init__(self, cut: Callable[[str], list[str]], offers: Sequence[OfferText],
                 feedback: Iterable[tuple[str, int | str, bool]] = ()) -> None:
        self.cut = cut
        self.offers = list(offers)
        self._index = {o.id: k for k, o in enumerate(self.offers)}
        self.vectoriser = TfidfVectorizer(analyzer=self._terms, sublinear_tf=True, norm="l2")
        corpus = [o.words for o in self.offers] or [""]
        matrix = self.vectoriser.fit_transform(corpus) if self.offers else None
        self.matrix: sp.csr_matrix | None = None if matrix is None else sp.csr_matrix(matrix)
        if self.matrix is not None:
            self._learn(list(feedback))

    def _terms(self, text: str) -> list[str]:
        return [t for t in self.cut(text) if len(t) > 1 and t not in STOP and not t.isspace()]

    def _learn(self, feedback: list[tuple[str, int | str, bool]]) -> None:
        assert self.matrix is not None
        known = [(text, self._index[oid], good) for text, oid, good in feedback if oid in self._index]
        if not known:
            return
        rows = self.matrix.toarray()
        needs = self.vectoriser.transform([t for t, _, _ in known]).toarray()
        for (_, k, good), vector in zip(known, needs, strict=True):
            rows[k] += (LEARN_GOOD if good else -LEARN_BAD) * vector
        rows = np.clip(rows, 0.0, None)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        self.matrix = sp.csr_matrix(rows / np.where(norms == 0, 1.0, norms))

    def _scores(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        assert self.matrix is not None
        vectors = sp.csr_matrix(self.vectoriser.transform(list(texts)))
        return vectors, (vectors @ self.matrix.T).toarray()

    def match(self, need: str, limit: int = SHOW_OFFERS, exclude: Iterable[int | str] = ()) -> list[Hit]:
        """The offers this need fits that the bot would show, best first."""
        if self.matrix is None:
            return []
        skip = set(exclude)
        vectors, scores = self._scores([need])
        order = np.argsort(-scores[0], kind="stable")
        hits: list[Hit] = []
        for k in order:
            offer = self.offers[k]
            if scores[0, k] < SHOW or len(hits) >= limit:
                break
            if offer.id not in skip:
                hits.append(Hit(offer.id, offer.party, float(scores[0, k]), self.reason(need, offer)))
        return hits

    def needs_for(self, offer: OfferText, needs: Sequence[tuple[int, str]], limit: int = SHOW_NEEDS,
                  exclude: Iterable[int] = ()) -> list[tuple[int, float, str]]:
        """(need id, score, reason) of the needs a (new) offer fits, best first, that the bot would show."""
        if offer.id not in self._index or not needs:
            return []
        skip = set(exclude)
        _, scores = self._scores([t for _, t in needs])
        column = scores[:, self._index[offer.id]]
        order = np.argsort(-column, kind="stable")
        found: list[tuple[int, float, str]] = []
        for i in order:
            if column[i] < SHOW or len(found) >= limit:
                break
            if needs[i][0] not in skip:
                found.append((needs[i][0], float(column[i]), self.reason(needs[i][1], offer)))
        return found

    def reason(self, need: str, offer: OfferText) -> str:
        """One line: the need's words that meet the offer's, most telling first."""
        weights = dict(zip(self.vectoriser.get_feature_names_out(), self.vectoriser.idf_, strict=True))
        offer_terms = set(self._terms(offer.words))
        shared = sorted({t for t in self._terms(need) if t in offer_terms}, key=lambda t: -weights.get(t, 0.0))
        return "、".join(shared[:3]) if shared else offer.title
