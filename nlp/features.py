"""TF-IDF features: jieba word uni- and bi-grams plus character uni- and bi-grams.

Chosen by measurement on the Teddy split (see README, performance): character n-grams carry most
of the signal on short messages, words add the rest. scikit-learn fits the vocabularies and the
IDF; ``Features.one`` computes the same vector for a single message without scikit-learn's
per-call overhead (it is on the per-message path), and a test checks the two agree.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.segment import STOPWORDS

_NOT_TEXT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
# The same characters for arrays of code points: _TEXT_POINT[min(point, _SPAN)] is True for text characters.
_SPAN = 0xA000
_TEXT_POINT = np.zeros(_SPAN + 1, dtype=bool)
for _low, _high in (("0", "9"), ("A", "Z"), ("a", "z"), ("\u4e00", "\u9fff")):
    _TEXT_POINT[ord(_low):ord(_high) + 1] = True


def word_terms(tokens: Sequence[str], plain: bool = False) -> list[str]:
    """Words (as ``Segmenter.cut`` gives them: no punctuation) lower-cased, stop words out, and bigrams.
    ``plain``: every word, and no bigrams (for what a message does rather than what it is about: "我们",
    "将", "吗" carry it)."""
    if plain:
        return [t.lower() for t in tokens]
    words = [t.lower() for t in tokens if t not in STOPWORDS]
    return words + list(map(_join_pair, words, words[1:]))


def char_terms(text: str) -> list[str]:
    terms: list[str] = []
    for run in _NOT_TEXT.split(text.lower()):
        terms += run
        terms += map(str.__add__, run, run[1:])
    return terms


def _join_pair(a: str, b: str) -> str:
    return a + "|" + b


def _identity(terms: list[str]) -> list[str]:
    return terms


def _vocabulary(documents: Sequence[Sequence[str]]) -> dict[str, int]:
    vocabulary: dict[str, int] = {}
    for document in documents:
        for term in document:
            if term not in vocabulary:
                vocabulary[term] = len(vocabulary)
    return vocabulary


class Features:
    """Two TF-IDF blocks (words, characters), each l2-normalised, side by side."""

    def __init__(self, plain_words: bool = False) -> None:
        self.plain_words = plain_words  # word_terms(plain=True)
        self.words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self._index: list[dict[str, int]] = []
        self._idf: list[list[float]] = []
        self._idf_arrays: list[np.ndarray] = []
        self._offset = 0
        self._unigrams = np.zeros(0, dtype=np.int64)
        self._bigram_keys = np.zeros(0, dtype=np.int64)
        self._bigram_index = np.zeros(0, dtype=np.int64)

    @property
    def word_index(self) -> dict[str, int]:
        """Word (and word-bigram) terms to their columns."""
        return self._index[0] if self._index else {}

    @property
    def size(self) -> int:
        return self._offset + len(self._index[1]) if self._index else 0

    def fit(self, texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> sp.csr_matrix:
        word_docs = [word_terms(t, self.plain_words) for t in tokens]
        char_docs = [char_terms(t) for t in texts]
        # The vocabularies are built here, in order of appearance, rather than by scikit-learn:
        # its fit sorts the whole vocabulary in one call that holds the GIL (70-85 ms for 6,000
        # examples), which would stall the event loop while the router refits in a thread.
        self.words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, vocabulary=_vocabulary(word_docs))
        self.chars = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, vocabulary=_vocabulary(char_docs))
        w = self.words.fit_transform(word_docs)
        c = self.chars.fit_transform(char_docs)
        self._index = [dict(self.words.vocabulary_), dict(self.chars.vocabulary_)]
        # Plain floats: numpy scalars would make the per-message loop several times slower.
        self._idf = [self.words.idf_.tolist(), self.chars.idf_.tolist()]
        self._idf_arrays = [np.array(idf) for idf in self._idf]
        self._offset = w.shape[1]
        # For ``many``: the character block's columns by code point (characters) and by pair of code points.
        self._unigrams = np.full(_SPAN + 1, -1, dtype=np.int64)
        pairs = []
        for term, column in self._index[1].items():
            if len(term) == 1:
                self._unigrams[ord(term)] = column
            else:
                pairs.append((ord(term[0]) * _SPAN + ord(term[1]), column))
        pairs.sort()
        self._bigram_keys = np.array([k for k, _ in pairs], dtype=np.int64)
        self._bigram_index = np.array([c for _, c in pairs], dtype=np.int64)
        return sp.hstack([w, c], format="csr")

    def matrix(self, texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> sp.csr_matrix:
        w = self.words.transform([word_terms(t, self.plain_words) for t in tokens])
        c = self.chars.transform([char_terms(t) for t in texts])
        return sp.hstack([w, c], format="csr")

    def one(self, text: str, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(column indexes, values) of one message — the same numbers as ``matrix``."""
        columns: list[int] = []
        values: list[float] = []
        for block, terms in ((0, word_terms(tokens, self.plain_words)), (1, char_terms(text))):
            index, idf = self._index[block], self._idf[block]
            get = index.get
            found: list[int] = []
            weights: list[float] = []
            for term, n in Counter(terms).items():
                c = get(term)
                if c is not None:
                    found.append(c)
                    weights.append(idf[c] if n == 1 else (1.0 + math.log(n)) * idf[c])
            if not found:
                continue
            scale = 1.0 / math.hypot(*weights)
            columns += [c + self._offset for c in found] if block else found
            values += [w * scale for w in weights]
        return np.array(columns, dtype=np.int64), np.array(values, dtype=np.float64)

    def many(self, texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``one`` for many messages at once, as the parts of a CSR matrix (indptr, columns, values): row i holds
        exactly the numbers ``one(texts[i], tokens[i])`` gives, in the same order (a test checks), computed in
        vectorised passes over the whole batch instead of a Python loop over every term."""
        count = len(texts)
        if not count:
            return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
        documents = [word_terms(t, self.plain_words) for t in tokens]
        lengths = np.fromiter(map(len, documents), np.int64, count)
        word_columns = np.fromiter(map(self._index[0].get, chain.from_iterable(documents), repeat(-1)), np.int64,
                                   int(lengths.sum()))
        word_rows = np.repeat(np.arange(count, dtype=np.int64), lengths)
        words = self._weighted(0, word_rows, word_columns, count)
        chars = self._weighted(1, *self._char_columns(texts), count)
        rows = np.concatenate([words[0], chars[0]])
        order = np.argsort(rows, kind="stable")  # words before characters within a row, as in ``one``
        indptr = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=count), out=indptr[1:])
        return indptr, np.concatenate([words[1], chars[1] + self._offset])[order], \
            np.concatenate([words[2], chars[2]])[order]

    def _char_columns(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column or -1) of every term ``char_terms`` gives for each text, in its order (each run of text
        characters: its characters, then its bigrams), from the texts' code points rather than term strings."""
        lowered = [t.lower() for t in texts]
        points = np.frombuffer("\n".join(lowered).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        text = _TEXT_POINT[np.minimum(points, _SPAN)]  # "\n" between texts is not text: no run crosses them
        edges = np.diff(text.astype(np.int8), prepend=0, append=0)
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        lengths = ends - starts
        sizes = 2 * lengths - 1  # a run's terms: its characters, then its bigrams
        base = np.cumsum(sizes) - sizes  # where each run's terms begin
        run = np.repeat(np.arange(len(starts)), lengths)  # the run of each text character
        positions = np.flatnonzero(text)
        within = positions - starts[run]
        columns = np.empty(int(sizes.sum()), dtype=np.int64)
        columns[base[run] + within] = self._unigrams[points[positions]]
        pair = within < lengths[run] - 1  # a bigram starts at every character of a run but its last
        first = positions[pair]
        keys = points[first].astype(np.int64) * _SPAN + points[first + 1]
        columns[base[run[pair]] + lengths[run[pair]] + within[pair]] = self._bigram_columns(keys)
        row_of_point = np.repeat(np.arange(len(texts), dtype=np.int64), np.fromiter(map(len, lowered), np.int64) + 1)
        return np.repeat(row_of_point[starts], sizes), columns

    def _bigram_columns(self, keys: np.ndarray) -> np.ndarray:
        known = self._bigram_keys
        if not len(known):
            return np.full(len(keys), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
        return np.where(known[at] == keys, self._bigram_index[at], -1)

    def _weighted(self, block: int, rows: np.ndarray, found: np.ndarray,
                  count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns, values) of one block from every term's row and column (-1: not in the vocabulary)."""
        width = len(self._index[block])
        known = found >= 0
        # Each row's distinct columns in order of first appearance (Counter's order in ``one``), with counts.
        keys, first, counts = np.unique(rows[known] * width + found[known], return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        keys, counts = keys[order], counts[order]
        rows, columns = np.divmod(keys, width)
        # 1 + log(n) exactly as ``one`` computes it (math.log); for n == 1 it is 1.0, so w == idf exactly.
        sublinear = np.array([1.0 + math.log(n) for n in range(1, int(counts.max(initial=1)) + 1)])
        weights = sublinear[counts - 1] * self._idf_arrays[block][columns]
        ends = np.cumsum(np.bincount(rows, minlength=count)).tolist()
        listed = weights.tolist()
        scales = [1.0 / math.hypot(*listed[start:end]) if end > start else 0.0
                  for start, end in zip([0, *ends[:-1]], ends, strict=True)]
        return rows, columns, weights * np.array(scales)[rows]
