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
