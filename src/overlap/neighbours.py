"""Exact top-k neighbours among activities of other actors, in bounded memory.

Rows are compared a chunk at a time (chunk x N similarities), so memory grows with
N, never with N x N, and the result equals a brute-force search.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp


def _similarities(vectors, transposed, rows: slice) -> np.ndarray:
    block = vectors[rows] @ transposed
    if sp.issparse(block):
        block = block.toarray()
    return np.asarray(block, dtype=np.float32)


def top_k_pairs(
    vectors: np.ndarray | sp.csr_matrix,
    groups: np.ndarray,
    k: int,
    *,
    include_same_group: bool = False,
    chunk_rows: int = 1024,
) -> pd.DataFrame:
    """Each row's k most similar rows in other groups, as unique pairs.

    ``groups`` holds one label per row (the actor); rows of the same group are
    skipped unless ``include_same_group``. A row is never its own neighbour.
    Returns columns ``a, b, similarity`` with ``a < b``, one row per unordered pair,
    sorted by similarity descending then (a, b).
    """
    n = vectors.shape[0]
    if n < 2 or k < 1:
        return pd.DataFrame({"a": [], "b": [], "similarity": []}).astype(
            {"a": np.int64, "b": np.int64, "similarity": np.float32}
        )
    codes = pd.factorize(np.asarray(groups))[0]
    k = min(k, n - 1)
    sources, targets, scores = [], [], []
    # a sparse matrix's transpose is converted to CSR once, not once per chunk
    transposed = vectors.T.tocsr() if sp.issparse(vectors) else vectors.T
    for start in range(0, n, chunk_rows):
        stop = min(start + chunk_rows, n)
        block = _similarities(vectors, transposed, slice(start, stop))
        local = np.arange(stop - start)
        block[local, start + local] = -np.inf
        if not include_same_group:
            block[codes[start:stop, None] == codes[None, :]] = -np.inf
        best = np.argpartition(-block, k - 1, axis=1)[:, :k]
        best_scores = np.take_along_axis(block, best, axis=1)
        keep = np.isfinite(best_scores)
        sources.append(np.repeat(np.arange(start, stop), k)[keep.ravel()])
        targets.append(best[keep])
        scores.append(best_scores[keep])
    a = np.concatenate(sources)
    b = np.concatenate(targets)
    score = np.concatenate(scores).astype(np.float32)
    pairs = pd.DataFrame({"a": np.minimum(a, b), "b": np.maximum(a, b), "similarity": score})
    pairs = pairs.drop_duplicates(subset=["a", "b"])
    return pairs.sort_values(
        ["similarity", "a", "b"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
