"""Matching needs and offers both ways: which standing offers (scenarios, capabilities, investment theses) a need
fits, and which open needs a new offer fits, each with a score and a one-line reason (what in the need meets what
in the offer).

A pair's score is built from the same jieba + TF-IDF stack as the router and the duplicate finder (the IDF fitted on
the needs shipped in nlp/data and the offers' own texts, so the words every need shares weigh little):
- ``cosine``: the cosine of the two TF-IDF vectors, jieba words and character bi-/trigrams side by side (a need is
  often worded otherwise than the offer: 路测 / 道路测试, 无人驾驶 / 自动驾驶 share characters, not words);
- ``substance``: the IDF-weighted share of the need's content words the offer covers (as a word, inside its text, by
  a synonym, or — partly — by most of the word's characters). A match needs the need's substance, not one shared
  word: a medical-imaging need shares 影像 with the city imaging lab, and little else of what it asks for;
- ``topic``: how much of the offer's title the need covers (what the offer *is*);
- fields (``FIELDS``): a need and an offer of the same field (新材料, 生物医疗…) meet even when worded apart (a soft
  magnetic material start-up and a new-materials fund); of two different fields and none shared, they do not meet
  (医学影像 is medicine, 城市影像 is city management);
- the offer's kind against what the need asks for: an investment thesis fits a need that asks for money, a need
  that asks for money alone fits little else; a scenario fits a need that asks to test, pilot or deploy;
- places: a need that names a district and an offer placed in another one do not meet.
These are combined by a logistic function whose weights (``COEF``) were fitted on the dev split's pairs.
A pair is shown at ``SHOW`` and above; a second or third offer only when it is close to the first (``CLOSE``).

What the handshakes taught (both 感兴趣: good; 不合适: bad) moves an offer's profile towards the needs it suited and
away from those it did not (Rocchio, on the vectors) and, more directly, adds to a pair's score the nearness of the
need to the needs the offer was good for and takes off its nearness to those it was refused for: a refused pair
scores lower afterwards, and so do needs like it.

The interface the bot and ``python -m nlp match`` use: :class:`OfferText`, :class:`Hit`, :class:`Matcher`
(``match`` a need against the offers, ``needs_for`` an offer against needs, ``reason`` one line for a pair).
Weights and thresholds are tuned on the dev split of bench/data/match_needs.csv only (``python bench/match_eval.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.match_words import (
    FIELDS,
    KIND_NAMES,
    asks_of,
    buyer,
    canonical,
    clause_around,
    fields_of,
    need_stage,
    reason_line,
    stage_range,
)
from nlp.segment import STOPWORDS
from nlp.similar import background_needs, char_grams, normalise, places_of

SHOW = 0.14  # score at or above which a match is shown: the middle of the dev plateau 0.10-0.18 (CLOSE 0.90)
CLOSE = 0.90  # a second or third offer is shown only at this share of the first one's score or more
CANDIDATES = 12  # offers nearest to a need by cosine that are scored in full (and those of its fields)
SHOW_NEEDS = 5  # needs a new offer's owner gets at most
SHOW_OFFERS = 3  # offers a need's card shows at most
WORD_SHARE = 0.6  # the words block's share of the cosine (the characters have the rest)
FEATURES = ("cosine of words", "cosine of characters", "need covered", "need's substance met", "title covered",
            "offer covered", "field shared", "fields apart", "places apart", "thesis, no money asked",
            "money alone asked, no thesis", "stage taken", "stage not taken", "scenario", "capability",
            "a buyer and a scenario", "a buyer and a capability")
# The weights of FEATURES and the intercept: a logistic regression fitted on the dev split's pairs
# (python bench/match_eval.py --fit), written down here.
COEF = np.array([0.88, 0.52, 2.04, 3.51, -0.15, 0.63, 0.69, -2.05, -0.05, -1.80, -1.38, 1.62, -0.67, 0.33, -0.18,
                 -1.30, 1.40])
INTERCEPT = -5.89
MASS_SCALE = 10.0  # IDF mass of the need's met words (ask words aside) that counts as 1
LEARN_GOOD, LEARN_BAD = 0.5, 0.5  # Rocchio weights of a handshake's need towards (good) or away from (bad)
NEAR_GOOD, NEAR_BAD = 2.0, 4.0  # logit added per unit of a need's nearness to an offer's good (bad) handshake needs:
# a need the offer was refused for loses 4 (never shown again), one it suited gains 2
STOP = frozenset("我们 我司 你们 希望 需要 想 求 寻求 对接 一个 一些 相关 进行 开展 提供 能够 可以 帮助 支持 合作 "
                 "企业 公司 项目 方面 寻找 找到 想找 欢迎 用于 服务 主要 重点 关注 领域 方向 单位 初创 左右 之间 "
                 "我们的 自己 看看 有意 意向 做个 一家 一款 一套 一批 几个 万元 元".split()) | STOPWORDS


@dataclass(frozen=True)
class OfferText:
    """What the matcher knows of an offer."""

    id: int | str
    party: str
    kind: str  # scenario | capability | investment
    title: str
    text: str
    place: str = ""  # where a scenario is open (a district's name), if it says

    @property
    def words(self) -> str:
        return " ".join(part for part in (self.title, self.text, self.place) if part)


@dataclass(frozen=True)
class Hit:
    id: int | str
    party: str
    score: float
    reason: str


@dataclass
class _Side:
    """A text made ready: its content words with their IDF, the normalised text, fields and places."""

    terms: list[str]  # content words in order, lower-cased
    idf: dict[str, float]
    text: str
    fields: frozenset[str]
    places: frozenset[str]
    canon: set[str] = field(default_factory=set)
    buyer: bool = False  # looks for a supplier (match_words.buyer)


def _identity(terms: list[str]) -> list[str]:
    return terms


class Matcher:
    """Fitted on the current offers (and what the handshakes taught); cheap to refit (a few hundred offers)."""

    def __init__(self, cut: Callable[[str], list[str]], offers: Sequence[OfferText],
                 feedback: Iterable[tuple[str, int | str, bool]] = (), background: Sequence[str] | None = None) -> None:
        self.cut = cut
        self.offers = list(offers)
        self._index = {o.id: k for k, o in enumerate(self.offers)}
        corpus = [normalise(t) for t in (background_needs() if background is None else background)]
        corpus += [normalise(o.words) for o in self.offers]
        corpus = corpus or [""]
        self._words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self._words.fit([self._terms(t) for t in corpus])
        self._chars.fit([char_grams(t) for t in corpus])
        self._idf = dict(zip(self._words.get_feature_names_out(), self._words.idf_.tolist(), strict=True))
        self._rare = float(self._words.idf_.max())  # a word no text of the corpus has: as rare as the rarest
        offset = len(self._words.vocabulary_)
        self._word_columns = {t: (int(i), float(self._words.idf_[i])) for t, i in self._words.vocabulary_.items()}
        self._char_columns = {t: (offset + int(i), float(self._chars.idf_[i]))
                              for t, i in self._chars.vocabulary_.items()}
        self._offer_sides = [self._side(o.words) for o in self.offers]
        self._title_sides = [self._side(o.title) for o in self.offers]
        self._stage_ranges = [stage_range(side.text) if o.kind == "investment" else None
                              for o, side in zip(self.offers, self._offer_sides, strict=True)]
        self.matrix: sp.csr_matrix | None = self._vectors([o.words for o in self.offers]) if self.offers else None
        self._good: list[list[int]] = [[] for _ in self.offers]  # rows of _taught, per offer
        self._bad: list[list[int]] = [[] for _ in self.offers]
        self._taught = sp.csr_matrix((0, self._width))
        if self.matrix is not None:
            self._learn(list(feedback))

    @property
    def _width(self) -> int:
        return len(self._words.vocabulary_) + len(self._chars.vocabulary_)

    # text → terms, vectors -------------------------------------------------------------------------------------

    def _terms(self, normalised: str) -> list[str]:
        return [t for t in self.cut(normalised)
                if t not in STOP and (len(t) > 1 or t.isascii() and t.isalnum() and not t.isdigit()) and
                not t.isdigit()]

    def _side(self, text: str) -> _Side:
        norm = normalise(text)
        terms = self._terms(norm)
        idf = {t: self._idf.get(t, self._rare) for t in terms}
        return _Side(terms, idf, norm, fields_of(norm), places_of(norm), {canonical(t) for t in terms}, buyer(norm))

    def _vectors(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Rows l2-normalised: the words block and the characters block side by side (WORD_SHARE of the cosine),
        as TfidfVectorizer(sublinear_tf=True) makes each block, without its per-call checks (~1 ms a call)."""
        indptr, columns, values = [0], [], []
        for text in texts:
            norm = normalise(text)
            for terms, block, weight in ((self._terms(norm), self._word_columns, math.sqrt(WORD_SHARE)),
                                         (char_grams(norm), self._char_columns, math.sqrt(1 - WORD_SHARE))):
                counts: dict[str, int] = {}
                for term in terms:
                    if term in block:
                        counts[term] = counts.get(term, 0) + 1
                found = sorted((block[t][0], (1.0 + math.log(n)) * block[t][1]) for t, n in counts.items())
                length = math.sqrt(sum(v * v for _, v in found)) or 1.0
                columns += [c for c, _ in found]
                values += [v / length * weight for _, v in found]
            indptr.append(len(columns))
        return sp.csr_matrix((np.array(values, dtype=float), np.array(columns, dtype=np.int32), np.array(indptr)),
                             shape=(len(texts), self._width))

    # learning ----------------------------------------------------------------------------------------------------

    def _learn(self, feedback: list[tuple[str, int | str, bool]]) -> None:
        assert self.matrix is not None
        known = [(text, self._index[oid], good) for text, oid, good in feedback if oid in self._index]
        if not known:
            return
        taught = self._vectors([t for t, _, _ in known])
        rows = self.matrix.toarray()
        for row, (_, k, good) in enumerate(known):
            rows[k] += (LEARN_GOOD if good else -LEARN_BAD) * taught[row].toarray().ravel()
            (self._good if good else self._bad)[k].append(row)
        rows = np.clip(rows, 0.0, None)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        self.matrix = sp.csr_matrix(rows / np.where(norms == 0, 1.0, norms))
        self._taught = taught

    def _taught_nearness(self, k: int, near: np.ndarray) -> float:
        """The need's nearness to the offer's good handshake needs, minus (weighted) its nearness to the bad."""
        good = max((near[r] for r in self._good[k]), default=0.0)
        bad = max((near[r] for r in self._bad[k]), default=0.0)
        return NEAR_GOOD * good - NEAR_BAD * bad

    # scoring ------------------------------------------------------------------------------------------------------

    def _covered(self, side: _Side, other: _Side) -> dict[str, float]:
        """How much of each of ``side``'s words ``other`` covers (1 as a word, inside its text or by a synonym;
        partly by the share of the word's characters found in it)."""
        found: dict[str, float] = {}
        for term in side.idf:
            inside = not term.isascii() and term in other.text  # ct is not inside ctc: Latin words match whole
            if term in other.idf or inside or canonical(term) in other.canon:
                found[term] = 1.0
            elif len(term) >= 3 and not term.isascii():
                pairs = [term[i:i + 2] for i in range(len(term) - 1)]
                share = sum(p in other.text for p in pairs) / len(pairs)
                if share >= 0.5:
                    found[term] = share * 0.7
        return found

    @staticmethod
    def _share(side: _Side, found: dict[str, float]) -> float:
        total = sum(side.idf.values())
        return sum(side.idf[t] * v for t, v in found.items()) / total if total else 0.0

    def features(self, need: _Side, asks: frozenset[str], k: int, cosines: tuple[float, float]) -> np.ndarray:
        """What is known of a (need, offer) pair, in FEATURES order."""
        offer, title, kind = self._offer_sides[k], self._title_sides[k], self.offers[k].kind
        found = self._covered(need, offer)
        mass = sum(need.idf[t] * v for t, v in found.items() if not asks_of(t)) / MASS_SCALE
        shared_field = bool(need.fields & offer.fields)
        money = "money" in asks
        stage = need_stage(need.text) if kind == "investment" else None
        takes = self._stage_ranges[k]
        stage_fit = 0 if stage is None or takes is None else 1 if takes[0] <= stage <= takes[1] else -1
        return np.array([
            cosines[0], cosines[1], self._share(need, found), min(mass, 1.5),
            self._share(title, self._covered(title, need)), self._share(offer, self._covered(offer, need)),
            shared_field, bool(need.fields and offer.fields and not shared_field),
            bool(need.places and offer.places and not need.places & offer.places),
            kind == "investment" and not money, kind != "investment" and money and not asks - {"money"},
            stage_fit == 1, stage_fit == -1, kind == "scenario", kind == "capability",
            need.buyer and kind == "scenario", need.buyer and kind == "capability",
        ], dtype=float)

    def _pair(self, need: _Side, asks: frozenset[str], k: int, cosines: tuple[float, float], taught: float) -> float:
        """The pair's score: a logistic function of its features (weights fitted on the dev split) and of what the
        handshakes taught (``taught``, in the same logit units)."""
        logit = INTERCEPT + COEF @ self.features(need, asks, k, cosines) + taught
        return float(1.0 / (1.0 + math.exp(-logit)))

    def _score_rows(self, texts: Sequence[str]) -> tuple[list[_Side], np.ndarray]:
        """Every text against every offer: (the texts made ready, scores of shape texts × offers)."""
        assert self.matrix is not None
        vectors = self._vectors(texts)
        split = len(self._words.vocabulary_)
        words = (vectors[:, :split] @ self.matrix[:, :split].T).toarray()
        chars = (vectors[:, split:] @ self.matrix[:, split:].T).toarray()
        near = (vectors @ self._taught.T).toarray() if self._taught.shape[0] else np.zeros((len(texts), 0))
        sides = [self._side(t) for t in texts]
        scores = np.zeros(words.shape)
        for i, side in enumerate(sides):
            if not side.terms:
                continue
            asks = asks_of(side.text)
            for k in self._candidates(side, words[i] + chars[i]):
                scores[i, k] = self._pair(side, asks, k, (float(words[i, k]), float(chars[i, k])),
                                          self._taught_nearness(k, near[i]))
        return sides, scores

    def feature_rows(self, need: str) -> np.ndarray:
        """The features of ``need`` against every offer, one row an offer (fitting the weights: the bench)."""
        assert self.matrix is not None
        vectors = self._vectors([need])
        split = len(self._words.vocabulary_)
        words = (vectors[:, :split] @ self.matrix[:, :split].T).toarray()[0]
        chars = (vectors[:, split:] @ self.matrix[:, split:].T).toarray()[0]
        side = self._side(need)
        asks = asks_of(side.text)
        return np.array([self.features(side, asks, k, (float(words[k]), float(chars[k])))
                         for k in range(len(self.offers))])

    def _candidates(self, side: _Side, cosines: np.ndarray) -> set[int]:
        """The offers worth scoring in full: the CANDIDATES nearest by cosine, those of the need's fields, and those
        the handshakes taught something about (the rest score 0: they share next to nothing with the need)."""
        nearest = np.argsort(-cosines, kind="stable")[:CANDIDATES]
        picked = {int(k) for k in nearest if cosines[k] > 0}
        if side.fields:
            picked.update(k for k, offer in enumerate(self._offer_sides) if offer.fields & side.fields)
        picked.update(k for k in range(len(self.offers)) if self._good[k] or self._bad[k])
        return picked

    def scores(self, need: str) -> list[tuple[OfferText, float]]:
        """Every offer with its score for ``need``, best first (the bench and tests look at all of them)."""
        if self.matrix is None:
            return []
        _, rows = self._score_rows([need])
        order = np.argsort(-rows[0], kind="stable")
        return [(self.offers[k], float(rows[0, k])) for k in order]

    # the interface -------------------------------------------------------------------------------------------------

    def match(self, need: str, limit: int = SHOW_OFFERS, exclude: Iterable[int | str] = ()) -> list[Hit]:
        """The offers this need fits that the bot would show, best first."""
        if self.matrix is None:
            return []
        skip = set(exclude)
        scored = [(offer, score) for offer, score in self.scores(need) if offer.id not in skip]
        return [Hit(offer.id, offer.party, round(score, 4), self.reason(need, offer))
                for offer, score in shown(scored, limit)]

    def needs_for(self, offer: OfferText, needs: Sequence[tuple[int, str]], limit: int = SHOW_NEEDS,
                  exclude: Iterable[int] = ()) -> list[tuple[int, float, str]]:
        """(need id, score, reason) of the needs a (new) offer fits, best first, that the bot would show. A need is
        offered only when this offer would be shown on its card among the current ones (it is the need's best, or
        close to it), so an offer's owner is not sent needs that fit another offer far better."""
        if not needs:
            return []
        matcher = self if offer.id in self._index else Matcher(self.cut, [*self.offers, offer], ())
        k = matcher._index[offer.id]
        skip = set(exclude)
        _, scores = matcher._score_rows([t for _, t in needs])
        column = scores[:, k]
        found: list[tuple[int, float, str]] = []
        for i in np.argsort(-column, kind="stable"):
            if column[i] < SHOW or len(found) >= limit:
                break
            if needs[i][0] not in skip and column[i] >= CLOSE * scores[i].max():
                found.append((needs[i][0], round(float(column[i]), 4), self.reason(needs[i][1], offer)))
        return found

    def reason(self, need: str, offer: OfferText) -> str:
        """One short line: what in the need meets what in the offer, e.g.
        需求的「自动驾驶路测」↔ 该场景的「车路协同测试场」."""
        need_side, offer_side = self._side(need), self._side(offer.words)
        found = self._covered(need_side, offer_side)
        title = normalise(offer.title)
        # the need's substance before what it asks (融资, 试点), then the words of the offer's title, then the rarest
        strong = sorted((t for t, v in found.items() if v >= 0.5 and len(t) > 1),
                        key=lambda t: (bool(asks_of(t)), not (t in title or canonical(t) in title), -need_side.idf[t]))
        kind = KIND_NAMES.get(offer.kind, "对接方")
        shared = sorted(need_side.fields & offer_side.fields)
        if shared and (not strong or asks_of(strong[0])):  # a field, not a word, is what they share
            return reason_line(_field_words(need_side, shared[0]), kind, offer.title)
        if not strong:
            return reason_line(max(need_side.terms, key=lambda t: need_side.idf[t], default=need[:12]), kind,
                               offer.title)
        need_part = _run_around(need_side, set(strong), strong[0])
        if need_part == strong[0] and len(strong) > 1 and not asks_of(strong[1]) and \
                len(strong[0]) + len(strong[1]) < 12:
            need_part = f"{strong[0]}、{strong[1]}" if need_side.text.find(strong[0]) < need_side.text.find(
                strong[1]) else f"{strong[1]}、{strong[0]}"
        return reason_line(_as_written(need, need_part), kind, self._offer_part(need_side, offer, strong))

    def _offer_part(self, need: _Side, offer: OfferText, strong: list[str]) -> str:
        """What the offer says of what the need met: its title when the title holds it (or the need's field); else
        the run of the offer's words the need meets around it (a short clause as it is)."""
        title = self._side(offer.title)
        if any(t in title.text or canonical(t) in title.canon for t in strong) or need.fields & title.fields:
            return offer.title
        offer_side = self._side(offer.text)
        met = self._covered(offer_side, need)
        best = next((t for t in offer_side.terms if met.get(t, 0) >= 0.5 and
                     (strong[0] in t or t in strong[0] or canonical(t) == canonical(strong[0]))), None)
        if best is None:
            return clause_around(offer, [strong[0], canonical(strong[0]), *strong[1:]])
        return _as_written(offer.text, _run_around(offer_side, {t for t, v in met.items() if v >= 0.5}, best))


def shown(scored: Sequence[tuple[OfferText, float]], limit: int = SHOW_OFFERS, show: float = SHOW,
          close: float = CLOSE) -> list[tuple[OfferText, float]]:
    """Of the offers with their scores, best first, those the bot shows: at ``show`` or above, and (after the first)
    at ``close`` times the first one's score or above, at most ``limit``."""
    picked: list[tuple[OfferText, float]] = []
    for offer, score in scored[:limit]:
        if score < show or picked and score < close * picked[0][1]:
            break
        picked.append((offer, score))
    return picked


def _run_around(side: _Side, matched: set[str], best: str, longest: int = 14) -> str:
    """The run of matched words standing side by side in the need around its best one (自动驾驶 + 路测 →
    自动驾驶路测)."""
    terms = side.terms
    start = end = terms.index(best)

    def fits(first: int, last: int) -> bool:
        run = "".join(terms[first:last + 1])
        return all(t in matched for t in terms[first:last + 1]) and len(run) <= longest and run in side.text

    while start > 0 and fits(start - 1, end):
        start -= 1
    while end + 1 < len(terms) and fits(start, end + 1):
        end += 1
    return "".join(terms[start:end + 1])


def _as_written(text: str, part: str) -> str:
    """``part`` (found lower-cased) as the text writes it (CTC, not ctc)."""
    at = text.lower().find(part)
    return text[at:at + len(part)] if at >= 0 else part


def _field_words(side: _Side, name: str) -> str:
    words = [t for t in side.terms if any(w in t or t in w for w in FIELDS[name])]
    return max(words, key=len) if words else name
