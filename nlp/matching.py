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

What the handshakes taught (both 感兴趣: good; 不合适: bad) adds to a pair's score the need's nearness to the needs
the offer was good for and takes off its nearness to those it was refused for, counting only nearness above a floor
(``LEARNING``): a refused pair scores lower afterwards, and so do rewordings of it, while needs that merely share some
words with it are left alone — on needs it was not taught, learning more widely made wrong suggestions more frequent
(cross-validated within dev: bench/match_learning.py). Rocchio (moving an offer's profile towards or away from the
needs) is there but off. ``Matcher.taught`` re-teaches a fitted matcher without fitting it again.

Cost: a need is cut once and scored against every offer at once (nlp.match_table: sparse products and needs × offers
arrays, no loop per pair), so it costs about the same against 38 offers as against 300 (~0.6 ms a need here, most of
it fixed overhead), and ``needs_for`` scores thousands of waiting needs in one batch (~0.4 s for 3,000 against 300
offers; ``python bench/match_speed.py``). Only the offers near a need (``CANDIDATES`` by cosine, its fields, those
taught) keep a score; the rest score 0, as when only they were scored.

The interface the bot and ``python -m nlp match`` use: :class:`OfferText`, :class:`Hit`, :class:`Matcher`
(``match`` a need against the offers, ``needs_for`` an offer against needs, ``reason`` one line for a pair).
Weights and thresholds are tuned on the dev split of bench/data/match_needs.csv only (``python bench/match_eval.py``).
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.match_table import OfferTable, Prepared, Rows, covered
from nlp.match_words import (
    FIELDS,
    KIND_NAMES,
    buyer,
    canonical,
    clause_around,
    fields_of,
    reason_line,
    stage_range,
    word_asks,
)
from nlp.segment import STOPWORDS
from nlp.similar import background_needs, char_grams, normalise, places_of

SHOW = 0.14  # score at or above which a match is shown: the middle of the dev plateau 0.10-0.18 (CLOSE 0.90)
CLOSE = 0.90  # a second or third offer is shown only at this share of the first one's score or more
CANDIDATES = 12  # offers nearest to a need by cosine that are scored (and those of its fields); the rest score 0
SHOW_NEEDS = 5  # needs a new offer's owner gets at most
SHOW_OFFERS = 3  # offers a need's card shows at most
WORD_SHARE = 0.6  # the words block's share of the cosine (the characters have the rest)
BATCH = 1000  # needs scored at once (needs × offers arrays of this many rows)
FEATURES = ("cosine of words", "cosine of characters", "need covered", "need's substance met", "title covered",
            "offer covered", "field shared", "fields apart", "places apart", "thesis, no money asked",
            "money alone asked, no thesis", "stage taken", "stage not taken", "scenario", "capability",
            "a buyer and a scenario", "a buyer and a capability")
# Pairs never shown whatever else they share: a thesis that names its stages and not the round the need raises (a
# fund does not invest outside its stages; of the ~80 such pairs in dev, none is acceptable, but the fitted weight
# alone left a sodium-battery angel round shown an A-to-C fund first).
RULED_OUT = frozenset({"stage not taken"})
# The weights of FEATURES and the intercept: a logistic regression fitted on the dev split's pairs
# (python bench/match_eval.py --fit), written down here.
COEF = np.array([0.88, 0.52, 2.04, 3.51, -0.15, 0.63, 0.69, -2.05, -0.05, -1.80, -1.38, 1.62, -0.67, 0.33, -0.18,
                 -1.30, 1.40])
INTERCEPT = -5.89
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


@dataclass(frozen=True)
class Learning:
    """How strongly what the handshakes taught moves scores (``LEARNING``: chosen by cross-validation within the dev
    split, python bench/match_learning.py)."""

    toward: float = 0.5  # Rocchio: a good handshake's need is added to the offer's profile at this weight
    away: float = 0.5  # ... a bad one's is taken off at this weight
    good: float = 2.0  # logit added per unit of a need's nearness to the offer's good handshake needs (the nearest)
    bad: float = 4.0  # logit taken off per unit of its nearness to the offer's bad ones
    floor: float = 0.0  # nearness (cosine) up to this counts nothing: only needs like the taught one are moved


# Chosen by 5-fold cross-validation within dev, 4 shuffles (python bench/match_learning.py): the other folds' shown
# pairs answered as labelled, the held-out fold measured, J = precision@1 + recall@3 - 2 x wrong-shown. No setting
# beat no learning on needs it was not taught (J 1.680). Below a nearness floor of 0.3 most settings hurt (good
# handshakes lift their offer for needs that merely share some words: wrong-shown up to 0.11; the old setting, floor 0
# with Rocchio, 0.101); from 0.3 on none moves a held-out figure (dev's needs for one offer are rarely nearer than
# 0.4 to each other). So: the old weights at the middle of that plateau, 0.4, where only a reworded or reposted need is
# moved, and no Rocchio (it changed nothing held-out, and it moves the offer for every need).
LEARNING = Learning(toward=0.0, away=0.0, good=2.0, bad=4.0, floor=0.4)


def _identity(terms: list[str]) -> list[str]:
    return terms


class Matcher:
    """Fitted on the current offers (and what the handshakes taught); cheap to refit (a few hundred offers).

    A need is scored against every offer at once (nlp.match_table): one jieba cut of it, sparse products, and the
    features as needs × offers arrays; only the offers worth it (``_candidates``) keep their score."""

    def __init__(self, cut: Callable[[str], list[str]], offers: Sequence[OfferText],
                 feedback: Iterable[tuple[str, int | str, bool]] = (), background: Sequence[str] | None = None,
                 learning: Learning = LEARNING) -> None:
        self.cut = cut
        self.learning = learning
        self.offers = list(offers)
        self._index = {o.id: k for k, o in enumerate(self.offers)}
        self._background = background
        corpus = [normalise(t) for t in (background_needs() if background is None else background)]
        corpus += [normalise(o.words) for o in self.offers]
        corpus = corpus or [""]
        self._words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self._words.fit([self._terms(t) for t in corpus])
        self._chars.fit([char_grams(t) for t in corpus])
        self._idf = dict(zip(self._words.get_feature_names_out(), self._words.idf_.tolist(), strict=True))
        self._rare = float(self._words.idf_.max())  # a word no text of the corpus has: as rare as the rarest
        self._split = len(self._words.vocabulary_)
        self._word_columns = {t: (int(i), float(self._words.idf_[i])) for t, i in self._words.vocabulary_.items()}
        self._char_columns = {t: (int(i), float(self._chars.idf_[i]))
                              for t, i in self._chars.vocabulary_.items()}
        self._offer_sides = [self._side(o.words) for o in self.offers]
        self._title_sides = [self._side(o.title) for o in self.offers]
        self._text_sides = [self._side(o.text) for o in self.offers]
        self._stage_ranges = [stage_range(side.text) if o.kind == "investment" else None
                              for o, side in zip(self.offers, self._offer_sides, strict=True)]
        self._table = OfferTable([o.kind for o in self.offers], self._offer_sides, self._title_sides,
                                 self._stage_ranges, lambda t: self._idf.get(t, self._rare))
        self._untaught = self._vectors(self._offer_sides)  # the offers' profiles before any handshake
        self.matrix: sp.csr_matrix | None = self._untaught if self.offers else None
        self._learn(list(feedback))

    def taught(self, feedback: Iterable[tuple[str, int | str, bool]], learning: Learning | None = None) -> Matcher:
        """This matcher taught ``feedback`` (instead of what it was taught), the fit on the offers kept: cheap."""
        other = copy.copy(self)
        other.learning = self.learning if learning is None else learning
        other._learn(list(feedback))
        return other

    @property
    def _width(self) -> int:
        return len(self._words.vocabulary_) + len(self._chars.vocabulary_)

    # text → terms, vectors -------------------------------------------------------------------------------------

    def _terms(self, normalised: str) -> list[str]:
        return [t for t in self.cut(normalised)
                if t not in STOP and (len(t) > 1 or t.isascii() and t.isalnum() and not t.isdigit()) and
                not t.isdigit()]

    def _side(self, text: str) -> Prepared:
        norm = normalise(text)
        terms = self._terms(norm)
        idf = {t: self._idf.get(t, self._rare) for t in terms}
        return Prepared(terms, idf, norm, fields_of(norm), places_of(norm), {canonical(t) for t in terms}, buyer(norm))

    def _rows(self, sides: Sequence[Prepared]) -> tuple[Rows, Rows]:
        """The words block and the characters block of the texts' vectors, each row l2-normalised and weighted by
        its share of the cosine (WORD_SHARE), as TfidfVectorizer(sublinear_tf=True) makes each block."""
        blocks: tuple[list[dict[int, float]], list[dict[int, float]]] = ([], [])
        for side in sides:
            for terms, columns, weight, rows in ((side.terms, self._word_columns, math.sqrt(WORD_SHARE), blocks[0]),
                                                 (char_grams(side.text), self._char_columns,
                                                  math.sqrt(1 - WORD_SHARE), blocks[1])):
                found = {}
                for term, n in Counter(terms).items():
                    column = columns.get(term)
                    if column is not None:
                        found[column[0]] = (1.0 + math.log(n)) * column[1]
                length = math.sqrt(sum(v * v for v in found.values())) or 1.0
                rows.append({c: v / length * weight for c, v in found.items()})
        return Rows.of(blocks[0]), Rows.of(blocks[1])

    def _vectors(self, sides: Sequence[Prepared]) -> sp.csr_matrix:
        """The texts' vectors, both blocks side by side (the characters' columns after the words')."""
        words, chars = self._rows(sides)
        return sp.hstack([sp.csr_matrix((words.values, words.columns, words.indptr), shape=(len(sides), self._split)),
                          sp.csr_matrix((chars.values, chars.columns, chars.indptr),
                                        shape=(len(sides), self._width - self._split))], format="csr")

    # learning ----------------------------------------------------------------------------------------------------

    def _learn(self, feedback: list[tuple[str, int | str, bool]]) -> None:
        """What the handshakes taught (need text, offer id, good): those needs kept (``_taught_nearness``), and the
        offers' profiles moved towards the needs they suited and away from the others (Rocchio, when on)."""
        self._feedback = feedback
        known = [(text, self._index[oid], good) for text, oid, good in feedback if oid in self._index]
        self._taught = self._vectors([self._side(t) for t, _, _ in known])
        self._taught_offer = np.array([k for _, k, _ in known], dtype=np.int64)  # per row of _taught: its offer
        self._taught_good = np.array([good for _, _, good in known], dtype=bool)  # ... and whether it was good
        if self.matrix is None:
            return
        self.matrix = self._untaught
        if known and (self.learning.toward or self.learning.away):
            rows = self.matrix.toarray()
            for row, (_, k, good) in enumerate(known):
                rows[k] += (self.learning.toward if good else -self.learning.away) * self._taught[row].toarray().ravel()
            rows = np.clip(rows, 0.0, None)
            norms = np.linalg.norm(rows, axis=1, keepdims=True)
            self.matrix = sp.csr_matrix(rows / np.where(norms == 0, 1.0, norms))
        self._offer_blocks = _blocks(self.matrix, self._split)
        self._taught_blocks = _blocks(self._taught, self._split)

    def _taught_nearness(self, vectors: tuple[Rows, Rows]) -> np.ndarray:
        """Per need and offer: the need's nearness to the offer's good handshake needs (the nearest), minus
        (weighted) its nearness to the bad ones; in logit units."""
        taught = np.zeros((len(vectors[0]), len(self.offers)))
        if not self._taught.shape[0]:
            return taught
        width = self._taught.shape[0]
        near = vectors[0].times(self._taught_blocks[0], width) + vectors[1].times(self._taught_blocks[1], width)
        near = np.maximum(near - self.learning.floor, 0.0)  # near >= 0: no nearness at all is 0
        for good, weight in ((True, self.learning.good), (False, -self.learning.bad)):
            if not weight:
                continue
            rows = np.flatnonzero(self._taught_good == good)
            if not len(rows):
                continue
            rows = rows[np.argsort(self._taught_offer[rows], kind="stable")]
            offers, starts = np.unique(self._taught_offer[rows], return_index=True)
            taught[:, offers] += weight * np.maximum.reduceat(near[:, rows], starts, axis=1)
        return taught

    # scoring ------------------------------------------------------------------------------------------------------

    def _score_rows(self, sides: Sequence[Prepared]) -> np.ndarray:
        """Every need made ready against every offer: scores of shape needs × offers (0 for those not scored)."""
        scores = np.zeros((len(sides), len(self.offers)))
        for start in range(0, len(sides), BATCH):
            part = sides[start:start + BATCH]
            logit, candidates = self._logits(part)
            scores[start:start + len(part)] = np.where(candidates, 1.0 / (1.0 + np.exp(-logit)), 0.0)
        return scores

    def _cosines(self, sides: Sequence[Prepared]) -> tuple[tuple[Rows, Rows], np.ndarray, np.ndarray]:
        vectors = self._rows(sides)
        size = len(self.offers)
        return vectors, vectors[0].times(self._offer_blocks[0], size), vectors[1].times(self._offer_blocks[1], size)

    def _logits(self, sides: Sequence[Prepared]) -> tuple[np.ndarray, np.ndarray]:
        """(the logit of every pair, which pairs are scored at all)."""
        vectors, words, chars = self._cosines(sides)
        taught = self._taught_nearness(vectors)
        logit = INTERCEPT + COEF[0] * words + COEF[1] * chars + taught
        ruled_out = np.zeros(logit.shape, dtype=bool)
        for name, weight, plane in zip(FEATURES[2:], COEF[2:], self._table.planes(sides), strict=True):
            logit += weight * plane
            if name in RULED_OUT:
                ruled_out |= plane > 0
        return logit, (self._candidates(sides, words + chars) | (taught != 0)) & ~ruled_out

    def _near(self, sides: Sequence[Prepared], k: int) -> np.ndarray:
        """Which of the needs have offer ``k`` among their candidates (``_candidates``, or moved by a handshake): the
        positions of those that can score anything for it."""
        near = []
        for start in range(0, len(sides), BATCH):
            part = sides[start:start + BATCH]
            vectors, words, chars = self._cosines(part)
            picked = self._candidates(part, words + chars)[:, k] | (self._taught_nearness(vectors)[:, k] != 0)
            near.append(start + np.flatnonzero(picked))
        return np.concatenate(near)

    def feature_rows(self, need: str) -> np.ndarray:
        """The features of ``need`` against every offer, one row an offer (fitting the weights: the bench)."""
        assert self.matrix is not None
        side = [self._side(need)]
        _, words, chars = self._cosines(side)
        return np.stack([words[0], chars[0], *(plane[0] for plane in self._table.planes(side))], axis=1)

    def _candidates(self, sides: Sequence[Prepared], cosines: np.ndarray) -> np.ndarray:
        """The pairs worth scoring: per need, the CANDIDATES offers nearest by cosine and those of its fields (and, in
        _logits, those whose score the handshakes moved); the rest score 0: they share next to nothing with it."""
        picked = _nearest(cosines, CANDIDATES) & (cosines > 0)
        picked |= self._table.shared_fields(sides)
        picked &= np.array([bool(side.terms) for side in sides])[:, None]
        return picked

    def scores(self, need: str) -> list[tuple[OfferText, float]]:
        """Every offer with its score for ``need``, best first (the bench and tests look at all of them)."""
        if self.matrix is None:
            return []
        row = self._score_rows([self._side(need)])[0]
        return [(self.offers[k], float(row[k])) for k in np.argsort(-row, kind="stable")]

    # the interface -------------------------------------------------------------------------------------------------

    def match(self, need: str, limit: int = SHOW_OFFERS, exclude: Iterable[int | str] = ()) -> list[Hit]:
        """The offers this need fits that the bot would show, best first."""
        if self.matrix is None:
            return []
        side = self._side(need)
        skip = set(exclude)
        row = self._score_rows([side])[0]
        above = np.flatnonzero(row >= SHOW)  # shown() stops at the first below SHOW
        scored = [(self.offers[k], float(row[k])) for k in above[np.argsort(-row[above], kind="stable")]
                  if self.offers[k].id not in skip]
        return [Hit(offer.id, offer.party, round(score, 4), self._reason(need, side, offer))
                for offer, score in shown(scored, limit)]

    def needs_for(self, offer: OfferText, needs: Sequence[tuple[int, str]], limit: int = SHOW_NEEDS,
                  exclude: Iterable[int] = ()) -> list[tuple[int, float, str]]:
        """(need id, score, reason) of the needs a (new) offer fits, best first, that the bot would show. A need is
        offered only when this offer would be shown on its card among the current ones (it is the need's best, or
        close to it), so an offer's owner is not sent needs that fit another offer far better."""
        if not needs:
            return []
        matcher = self if offer.id in self._index else Matcher(self.cut, [*self.offers, offer], self._feedback,
                                                               self._background, self.learning)
        k = matcher._index[offer.id]
        skip = set(exclude)
        sides = [matcher._side(t) for _, t in needs]
        near = matcher._near(sides, k)  # the others score 0 for this offer: only these are scored in full
        scores = matcher._score_rows([sides[i] for i in near])
        column, best = np.zeros(len(needs)), np.zeros(len(needs))
        column[near], best[near] = scores[:, k], scores.max(axis=1, initial=0.0)
        found: list[tuple[int, float, str]] = []
        for i in np.argsort(-column, kind="stable"):
            if column[i] < SHOW or len(found) >= limit:
                break
            if needs[i][0] not in skip and column[i] >= CLOSE * best[i]:
                side = sides[i] if matcher is self else self._side(needs[i][1])
                found.append((needs[i][0], round(float(column[i]), 4), self._reason(needs[i][1], side, offer)))
        return found

    def reason(self, need: str, offer: OfferText) -> str:
        """One short line: what in the need meets what in the offer, e.g.
        需求的「自动驾驶路测」↔ 该场景的「车路协同测试场」."""
        return self._reason(need, self._side(need), offer)

    def _reason(self, need: str, need_side: Prepared, offer: OfferText) -> str:
        k = self._index.get(offer.id)
        if k is not None and self.offers[k] == offer:  # made ready once, at the fit
            offer_side, title, text = self._offer_sides[k], self._title_sides[k], self._text_sides[k]
        else:
            offer_side, title, text = self._side(offer.words), self._side(offer.title), self._side(offer.text)
        found = covered(need_side, offer_side)
        # the need's substance before what it asks (融资, 试点), then the words of the offer's title, then the rarest
        strong = sorted((t for t, v in found.items() if v >= 0.5 and len(t) > 1),
                        key=lambda t: (bool(word_asks(t)), not (t in title.text or canonical(t) in title.text),
                                       -need_side.idf[t]))
        kind = KIND_NAMES.get(offer.kind, "对接方")
        shared = sorted(need_side.fields & offer_side.fields)
        if shared and (not strong or word_asks(strong[0])):  # a field, not a word, is what they share
            return reason_line(_field_words(need_side, shared[0]), kind, offer.title)
        if not strong:
            return reason_line(max(need_side.terms, key=lambda t: need_side.idf[t], default=need[:12]), kind,
                               offer.title)
        need_part = _run_around(need_side, set(strong), strong[0])
        if need_part == strong[0] and len(strong) > 1 and not word_asks(strong[1]) and \
                len(strong[0]) + len(strong[1]) < 12:
            need_part = f"{strong[0]}、{strong[1]}" if need_side.text.find(strong[0]) < need_side.text.find(
                strong[1]) else f"{strong[1]}、{strong[0]}"
        return reason_line(_as_written(need, need_part), kind, _offer_part(need_side, offer, title, text, strong))


def _offer_part(need: Prepared, offer: OfferText, title: Prepared, offer_side: Prepared, strong: list[str]) -> str:
    """What the offer says of what the need met: its title when the title holds it (or the need's field); else the
    run of the offer's words (``offer_side``: its text) the need meets around it (a short clause as it is)."""
    if any(t in title.text or canonical(t) in title.canon for t in strong) or need.fields & title.fields:
        return offer.title
    met = covered(offer_side, need)
    best = next((t for t in offer_side.terms if met.get(t, 0) >= 0.5 and
                 (strong[0] in t or t in strong[0] or canonical(t) == canonical(strong[0]))), None)
    if best is None:
        return clause_around(offer, [strong[0], canonical(strong[0]), *strong[1:]])
    return _as_written(offer.text, _run_around(offer_side, {t for t, v in met.items() if v >= 0.5}, best))


def _nearest(values: np.ndarray, n: int) -> np.ndarray:
    """Per row, the ``n`` largest values (of equal ones, those in the first columns): a mask, as the first ``n`` of a
    stable sort would pick them, without sorting."""
    if values.shape[1] <= n:
        return np.ones(values.shape, dtype=bool)
    nth = np.partition(values, -n, axis=1)[:, -n][:, None]  # the n-th largest
    picked = values > nth
    ties = values == nth
    return picked | ties & (np.cumsum(ties, axis=1) <= n - picked.sum(axis=1, keepdims=True))


def _blocks(matrix: sp.csr_matrix, split: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The words block and the characters block of ``matrix``, transposed: one row per column (its postings)."""
    return matrix[:, :split].T.tocsr(), matrix[:, split:].T.tocsr()


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


def _run_around(side: Prepared, matched: set[str], best: str, longest: int = 14) -> str:
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


def _field_words(side: Prepared, name: str) -> str:
    words = [t for t in side.terms if any(w in t or t in w for w in FIELDS[name])]
    return max(words, key=len) if words else name
