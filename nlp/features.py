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
        exactly the numbers ``one(texts[i], tokens[i])`` gives, in the same order (a test checks), computed with
        one vectorised pass per block instead of a Python loop over every term."""
        count = len(texts)
        if not count:
            return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (rows, columns, values) per block
        for block, documents in ((0, [word_terms(t, self.plain_words) for t in tokens]),
                                 (1, [char_terms(t) for t in texts])):
            index = self._index[block]
            terms = list(chain.from_iterable(documents))
            found = np.fromiter(map(index.get, terms, repeat(-1)), np.int64, len(terms))
            rows = np.repeat(np.arange(count, dtype=np.int64), np.fromiter(map(len, documents), np.int64, count))
            known = found >= 0
            # Each row's distinct columns in order of first appearance (Counter's order in ``one``), with counts.
            keys, first, counts = np.unique(rows[known] * len(index) + found[known], return_index=True,
                                            return_counts=True)
            order = np.argsort(first, kind="stable")
            keys, counts = keys[order], counts[order]
            rows, columns = np.divmod(keys, len(index))
            # 1 + log(n) exactly as ``one`` computes it (math.log); for n == 1 it is 1.0, so w == idf exactly.
            sublinear = np.array([1.0 + math.log(n) for n in range(1, int(counts.max(initial=1)) + 1)])
            weights = sublinear[counts - 1] * self._idf_arrays[block][columns]
            ends = np.cumsum(np.bincount(rows, minlength=count)).tolist()
            listed = weights.tolist()
            scales = [1.0 / math.hypot(*listed[start:end]) if end > start else 0.0
                      for start, end in zip([0, *ends[:-1]], ends, strict=True)]
            parts.append((rows, columns + self._offset if block else columns, weights * np.array(scales)[rows]))
        rows = np.concatenate([parts[0][0], parts[1][0]])
        order = np.argsort(rows, kind="stable")  # words before characters within a row, as in ``one``
        indptr = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=count), out=indptr[1:])
        return (indptr, np.concatenate([parts[0][1], parts[1][1]])[order],
                np.concatenate([parts[0][2], parts[1][2]])[order])
