"""The supervised text classifier the router uses: TF-IDF features + a linear SVM.

The same class serves ``python -m nlp evaluate`` (any label set) and the bot's router (labels are
party ids), so the figures printed by evaluate are the figures of the code the bot runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from nlp.features import Features

SVM_C = 1.0  # chosen on the Teddy split (full text and titles), see README performance section


class TextModel:
    def __init__(self, cut: Callable[[str], list[str]], features: Features | None = None) -> None:
        """With ``features`` already fitted (the router's shared space), only the SVM is fitted."""
        self.cut = cut
        self._shared = features is not None
        self.features = features or Features()
        self.labels: list[str] = []
        self._weights = np.zeros((0, 0))
        self._bias = np.zeros(0)

    def fit(self, texts: Sequence[str], labels: Sequence[str],
            tokens: Sequence[Sequence[str]] | None = None) -> TextModel:
        """Fit on texts (``tokens``: their segmentation, when the caller already has it)."""
        if tokens is None:
            tokens = [self.cut(t) for t in texts]
        matrix = self.features.matrix(texts, tokens) if self._shared else self.features.fit(texts, tokens)
        classes = sorted(set(labels))
        if len(classes) < 2:
            raise ValueError("a classifier needs at least two labels")
        svm = LinearSVC(C=SVM_C, random_state=0).fit(matrix, list(labels))  # the same examples, the same routes
        self.labels = [str(c) for c in svm.classes_]
        weights = svm.coef_ if len(self.labels) > 2 else np.vstack([-svm.coef_[0], svm.coef_[0]])
        bias = svm.intercept_ if len(self.labels) > 2 else np.array([-svm.intercept_[0], svm.intercept_[0]])
        self._weights = np.asarray(weights, dtype=np.float64)
        self._bias = np.asarray(bias, dtype=np.float64)
        return self

    def decision(self, text: str, tokens: Sequence[str] | None = None) -> np.ndarray:
        """Margins for every label (in ``self.labels`` order)."""
        return self.decision_of(*self.features.one(text, self.cut(text) if tokens is None else tokens))

    def decision_of(self, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Margins from an already computed feature vector (columns, values)."""
        return self._weights[:, columns] @ values + self._bias

    def predict(self, texts: Sequence[str]) -> list[str]:
        tokens = [self.cut(t) for t in texts]
        matrix = self.features.matrix(texts, tokens)
        scores = matrix @ self._weights.T + self._bias
        return [self.labels[i] for i in np.asarray(scores).argmax(axis=1)]

    def probabilities_of(self, columns: np.ndarray, values: np.ndarray, sharpness: float = 3.0) -> np.ndarray:
        """Margins turned into a distribution (softmax); sharper for larger margins."""
        return softmax(self.decision_of(columns, values), 1.0 / sharpness)


def fit_on_used_columns(estimator: Any, matrix: sp.spmatrix, labels: Sequence[object]) -> np.ndarray:
    """Fit a linear ``estimator`` on only the columns some row uses; return its coefficients at full width.

    The result is the same: under L2 regularisation a column that is zero in every row keeps
    weight 0. But the optimiser's step (scipy's L-BFGS-B, which holds the GIL) then works on the
    few thousand columns a small training set uses instead of the router's whole vocabulary:
    fitted in a worker thread on a 6,000-example vocabulary it stalled the event loop ~150 ms.
    BLAS is held to one thread while it fits, wherever the router is built (the bot's refits, python -m nlp,
    the tests' routers): these problems are small, and on this shared 2-core machine OpenBLAS's second thread
    spinning made the need detector's fit take seconds instead of a tenth of one.
    """
    columns = matrix.tocsc()
    used = np.flatnonzero(np.diff(columns.indptr))
    with threadpool_limits(1):
        estimator.fit(columns[:, used].tocsr(), list(labels))
    coef = np.zeros((estimator.coef_.shape[0], matrix.shape[1]))
    coef[:, used] = estimator.coef_
    return coef


def softmax(values: np.ndarray, temperature: float) -> np.ndarray:
    exp = np.exp((values - values.max()) * (1.0 / max(temperature, 1e-9)))
    exp /= exp.sum()
    return exp


__all__ = ["TextModel", "fit_on_used_columns", "softmax"]
