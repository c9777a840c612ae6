"""The matcher's features (nlp.matching) computed for many needs against every offer at once, with numpy and scipy
instead of a Python loop per (need, offer) pair.

A need's words and an offer's words meet in four ways (``covered``): the same word, a word of one inside the other's
text (Chinese only: ct is not inside ctc), a synonym, or — partly — most of a three-character-or-longer word's
character pairs found in the other's text. ``OfferTable`` indexes the offers once so that each of these is a lookup:
- a need's word against every offer: the offers that hold the word, its synonym group, or all its character pairs
  (then checked as a substring), kept per word (the words of needs recur);
- every word of the offers against a need: the offers' words (as a synonym group) among the need's, the offers'
  Chinese words that are substrings of the need's text (every substring of the lengths those words have, looked up),
  and the character pairs of the longer ones found in the need's text (one sparse product).
The shares are then sparse products with the IDF weights, and the other features (fields, places, kind, stage,
buyer) products of small indicator matrices. ``covered`` itself (one pair, in Python) is kept for the reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from nlp.match_words import asks_of, canonical, need_stage, word_asks

MASS_SCALE = 10.0  # IDF mass of the need's met words (ask words aside) that counts as 1
PARTLY = 0.7  # a word covered by most of its character pairs counts this share of them
PARTLY_FROM = 0.5  # ... when at least this share of its pairs is found
FEW = 16  # rows multiplied with numpy alone (scipy's checks cost more than the work for a few); more with scipy


@dataclass
class Prepared:
    """A text made ready: its content words with their IDF, the normalised text, fields and places."""

    terms: list[str]  # content words in order, lower-cased
    idf: dict[str, float]
    text: str
    fields: frozenset[str]
    places: frozenset[str]
    canon: set[str] = field(default_factory=set)
    buyer: bool = False  # looks for a supplier (match_words.buyer)


def _pairs(term: str) -> list[str]:
    return [term[i:i + 2] for i in range(len(term) - 1)]


def _partly(term: str) -> bool:
    return len(term) >= 3 and not term.isascii()


def covered(side: Prepared, other: Prepared) -> dict[str, float]:
    """How much of each of ``side``'s words ``other`` covers (1 as a word, inside its text or by a synonym; partly by
    the share of the word's character pairs found in it)."""
    found: dict[str, float] = {}
    for term in side.idf:
        inside = not term.isascii() and term in other.text  # ct is not inside ctc: Latin words match whole
        if term in other.idf or inside or canonical(term) in other.canon:
            found[term] = 1.0
        elif _partly(term):
            pairs = _pairs(term)
            share = sum(p in other.text for p in pairs) / len(pairs)
            if share >= PARTLY_FROM:
                found[term] = share * PARTLY
    return found


def share(side: Prepared, found: dict[str, float]) -> float:
    total = sum(side.idf.values())
    return sum(side.idf[t] * v for t, v in found.items()) / total if total else 0.0


class Rows(NamedTuple):
    """Sparse rows as numpy arrays (CSR without scipy's per-call checks, which cost more than the work for one
    need): row n holds ``columns[indptr[n]:indptr[n + 1]]`` with ``values`` alike."""

    indptr: np.ndarray
    columns: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[dict[int, float]]) -> Rows:
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(r) for r in rows])
        columns = np.fromiter((c for r in rows for c in r), dtype=np.int64, count=int(indptr[-1]))
        values = np.fromiter((v for r in rows for v in r.values()), dtype=float, count=int(indptr[-1]))
        return cls(indptr, columns, values)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def matrix(self, width: int) -> sp.csr_matrix:
        return sp.csr_matrix((self.values, self.columns, self.indptr), shape=(len(self), width))

    def times(self, postings: sp.csr_matrix, width: int) -> np.ndarray:
        """These rows times a sparse matrix (``postings``: one row per column of these rows), dense: rows × width."""
        if len(self) > FEW:
            return (self.matrix(postings.shape[0]) @ postings).toarray()
        owner = np.repeat(np.arange(len(self)), np.diff(self.indptr))
        starts = postings.indptr[self.columns]
        lengths = postings.indptr[self.columns + 1] - starts
        entry = np.repeat(np.arange(len(self.columns)), lengths)
        at = np.arange(int(lengths.sum())) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return np.bincount(owner[entry] * width + postings.indices[at], weights=postings.data[at] *
                           self.values[entry], minlength=len(self) * width).reshape(len(self), width)

    def times_dense(self, dense: np.ndarray) -> np.ndarray:
        """These rows times a dense matrix (one row per column of these rows): rows × its width."""
        if len(self) > FEW:
            return np.asarray(self.matrix(dense.shape[0]) @ dense)
        out = np.zeros((len(self), dense.shape[1]))
        filled = np.flatnonzero(np.diff(self.indptr))
        if len(filled):
            out[filled] = np.add.reduceat(dense[self.columns] * self.values[:, None], self.indptr[filled], axis=0)
        return out


def _csr(rows: Sequence[dict[int, float]], width: int) -> sp.csr_matrix:
    indptr, columns, values = Rows.of(rows)
    return sp.csr_matrix((values, columns, indptr), shape=(len(rows), width))


def _indicator(sets: Sequence[frozenset[str] | set[str]], names: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(sets), len(names)), dtype=float)
    for row, found in enumerate(sets):
        for name in found:
            if name in names:
                matrix[row, names[name]] = 1.0
    return matrix


class OfferTable:
    """The offers indexed for the features of many needs at once. ``kinds`` and ``stages`` per offer;
    ``offers``/``titles`` their prepared words (title, text and place together; the title alone)."""

    def __init__(self, kinds: Sequence[str], offers: Sequence[Prepared], titles: Sequence[Prepared],
                 stages: Sequence[tuple[int, int] | None], idf_of: Callable[[str], float]) -> None:
        self.size = len(offers)
        self._texts = [o.text for o in offers]
        self._by_canon: dict[str, set[int]] = {}
        self._by_pair: dict[str, set[int]] = {}
        for k, offer in enumerate(offers):
            for c in offer.canon:
                self._by_canon.setdefault(c, set()).add(k)
            for p in _pairs(offer.text):
                self._by_pair.setdefault(p, set()).add(k)
        self._need_words: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # a need's word → (offers, how covered)
        kind = np.array(kinds)
        self.investment, self.scenario, self.capability = (kind == "investment"), (kind == "scenario"), \
            (kind == "capability")
        self._fields = {name: n for n, name in enumerate(sorted({f for o in offers for f in o.fields}))}
        self._offer_fields = _indicator([o.fields for o in offers], self._fields)
        self._places = {name: n for n, name in enumerate(sorted({p for o in offers for p in o.places}))}
        self._offer_places = _indicator([o.places for o in offers], self._places)
        self._has_fields = np.array([bool(o.fields) for o in offers])
        self._has_places = np.array([bool(o.places) for o in offers])
        self._takes = np.array([s if s else (-1, -1) for s in stages], dtype=float).reshape(len(stages), 2)
        self._has_takes = np.array([s is not None for s in stages])
        # every word of the offers (and of their titles), for covering them by a need
        vocab: dict[str, int] = {}
        for side in (*offers, *titles):
            for t in side.idf:
                vocab.setdefault(t, len(vocab))
        self._vocab_size = len(vocab)
        self._canon_columns: dict[str, list[int]] = {}
        for t, col in vocab.items():
            self._canon_columns.setdefault(canonical(t), []).append(col)
        self._inside = {t: col for t, col in vocab.items() if not t.isascii()}
        starts: dict[str, set[int]] = {}
        for t in self._inside:
            starts.setdefault(t[:2], set()).add(len(t))
        self._starts = {pair: sorted(sizes) for pair, sizes in starts.items()}  # a word's first two characters
        self._pair_count: dict[int, int] = {}  # the longer words: how many character pairs they have
        self._pair_terms: dict[str, list[tuple[int, int]]] = {}  # a pair → the longer words holding it, how often
        for t, col in vocab.items():
            if _partly(t):
                pairs = _pairs(t)
                self._pair_count[col] = len(pairs)
                for p in set(pairs):
                    self._pair_terms.setdefault(p, []).append((col, pairs.count(p)))
        # vocabulary × (offers' titles, then offers): IDF weights summing to 1 per title and per offer
        self._weights = sp.hstack([self._weighted(titles, vocab, idf_of), self._weighted(offers, vocab, idf_of)],
                                  format="csr")

    @staticmethod
    def _weighted(sides: Sequence[Prepared], vocab: dict[str, int], idf_of: Callable[[str], float]) -> sp.csr_matrix:
        """Vocabulary × offers: each offer's words weighted by their IDF, summing to 1 per offer."""
        rows = []
        for side in sides:
            total = sum(side.idf.values())
            rows.append({vocab[t]: idf / total for t, idf in side.idf.items()} if total else {})
        return _csr(rows, len(vocab)).T.tocsr()

    # a need's words against every offer ---------------------------------------------------------------------------

    def _need_word(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The offers covering a need's word and how much (1, or partly by its character pairs); kept per word."""
        kept = self._need_words.get(term)
        if kept is not None:
            return kept
        full = set(self._by_canon.get(canonical(term), ()))
        pairs = _pairs(term)
        if not term.isascii():
            holding = set.intersection(*(self._by_pair.get(p, set()) for p in pairs)) if pairs else set()
            full.update(k for k in holding if term in self._texts[k])
        partly: dict[int, float] = {}
        if _partly(term):
            found: dict[int, int] = {}
            for p in pairs:
                for k in self._by_pair.get(p, ()):
                    if k not in full:
                        found[k] = found.get(k, 0) + 1
            partly = {k: n / len(pairs) * PARTLY for k, n in found.items() if n / len(pairs) >= PARTLY_FROM}
        ids = sorted(full) + sorted(partly)
        values = [1.0] * len(full) + [partly[k] for k in sorted(partly)]
        kept = (np.array(ids, dtype=np.int64), np.array(values, dtype=float))
        if len(self._need_words) >= 50_000:  # a long-lived matcher: words seen once a while ago are dropped
            self._need_words.clear()
        self._need_words[term] = kept
        return kept

    def _need_shares(self, needs: Sequence[Prepared]) -> tuple[np.ndarray, np.ndarray]:
        """(the share of each need's words each offer covers, IDF-weighted; the IDF mass met, ask words aside)."""
        columns: dict[str, int] = {}
        rows: list[dict[int, float]] = []
        masses: list[dict[int, float]] = []
        totals = np.zeros(len(needs))
        for n, need in enumerate(needs):
            row, mass = {}, {}
            for t, idf in need.idf.items():
                col = columns.setdefault(t, len(columns))
                row[col] = idf
                if not word_asks(t):
                    mass[col] = idf
            rows.append(row)
            masses.append(mass)
            totals[n] = sum(need.idf.values())
        found = [self._need_word(t) for t in columns]
        cover = np.zeros((len(columns), self.size))
        if found:
            cover[np.repeat(np.arange(len(found)), [len(ids) for ids, _ in found]),
                  np.concatenate([ids for ids, _ in found])] = np.concatenate([values for _, values in found])
        share = Rows.of(rows).times_dense(cover) / np.where(totals == 0, 1.0, totals)[:, None]
        return share, Rows.of(masses).times_dense(cover) / MASS_SCALE

    # the offers' words against each need -----------------------------------------------------------------------

    def _offer_words_covered(self, needs: Sequence[Prepared]) -> Rows:
        """Needs × the offers' vocabulary: how much each need covers each word (1, or partly by its pairs)."""
        rows: list[dict[int, float]] = []
        for need in needs:
            found: dict[int, float] = {}
            for c in need.canon:
                for col in self._canon_columns.get(c, ()):
                    found[col] = 1.0
            text, inside = need.text, self._inside
            for i in range(len(text) - 1):
                for size in self._starts.get(text[i:i + 2], ()):
                    at = inside.get(text[i:i + size])
                    if at is not None:
                        found[at] = 1.0
            pairs: dict[int, int] = {}
            for p in set(_pairs(text)):
                for col, n in self._pair_terms.get(p, ()):
                    if col not in found:
                        pairs[col] = pairs.get(col, 0) + n
            for col, n in pairs.items():
                part = n / self._pair_count[col]
                if part >= PARTLY_FROM:
                    found[col] = part * PARTLY
            rows.append(found)
        return Rows.of(rows)

    # all features ---------------------------------------------------------------------------------------------------

    def shared_fields(self, needs: Sequence[Prepared]) -> np.ndarray:
        return _indicator([n.fields for n in needs], self._fields) @ self._offer_fields.T > 0

    def planes(self, needs: Sequence[Prepared]) -> Iterator[np.ndarray]:
        """The features after the two cosines (nlp.matching.FEATURES from "need covered" on), each a needs × offers
        array, in order."""
        need_share, mass = self._need_shares(needs)
        yield need_share
        yield np.minimum(mass, 1.5)
        covered = self._offer_words_covered(needs).times(self._weights, 2 * self.size)
        yield covered[:, :self.size]
        yield covered[:, self.size:]
        shared = self.shared_fields(needs)
        yield shared.astype(float)
        has_fields = np.array([bool(n.fields) for n in needs])
        yield (has_fields[:, None] & self._has_fields[None, :] & ~shared).astype(float)
        met = _indicator([n.places for n in needs], self._places) @ self._offer_places.T > 0
        has_places = np.array([bool(n.places) for n in needs])
        yield (has_places[:, None] & self._has_places[None, :] & ~met).astype(float)
        asks = [asks_of(n.text) for n in needs]
        money = np.array(["money" in a for a in asks])
        money_alone = np.array([not a - {"money"} for a in asks])
        yield (self.investment[None, :] & ~money[:, None]).astype(float)
        yield (~self.investment[None, :] & (money & money_alone)[:, None]).astype(float)
        stage = np.array([s if (s := need_stage(n.text)) is not None else -1 for n in needs], dtype=float)[:, None]
        judged = self._has_takes[None, :] & (stage >= 0)
        inside = (self._takes[None, :, 0] <= stage) & (stage <= self._takes[None, :, 1])
        yield (judged & inside).astype(float)
        yield (judged & ~inside).astype(float)
        yield np.broadcast_to(self.scenario.astype(float), (len(needs), self.size))
        yield np.broadcast_to(self.capability.astype(float), (len(needs), self.size))
        buyer = np.array([n.buyer for n in needs])
        yield (buyer[:, None] & self.scenario[None, :]).astype(float)
        yield (buyer[:, None] & self.capability[None, :]).astype(float)
