"""The small fits on the router's path (need detector, typer) run with BLAS on one thread, wherever a router is
built: with two threads on this shared 2-core machine the detector's fit took seconds instead of a tenth of one."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_info, threadpool_limits

from nlp.model import fit_on_used_columns


def test_fit_on_used_columns_holds_blas_to_one_thread() -> None:
    seen: list[list[int]] = []

    class Probe:
        coef_ = np.zeros((1, 1))

        def fit(self, matrix, labels):  # type: ignore[no-untyped-def]
            seen.append([pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"])
            self.coef_ = np.zeros((1, matrix.shape[1]))
            return self

    with threadpool_limits(2):  # as a process starts on a machine with two cores
        fit_on_used_columns(Probe(), sp.csr_matrix(np.eye(3)), [0, 1, 0])
    assert seen and seen[0] and set(seen[0]) == {1}
