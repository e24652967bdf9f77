"""The report's map: the activities laid out in 2-D so that near is similar.

PCA, the first map, keeps the two directions of most variance: on a real run (IATI,
14,460 activities) it is a hairball in which a text's nearest neighbours are often far
away. t-SNE keeps each text's nearest neighbours near, at the price of time: so it runs
on at most ``sample`` activities (after a PCA to 50 dimensions), and every other
activity is placed next to its nearest text of the sample. On IATI the neighbours kept
(trustworthiness at 10, scikit-learn) rise from 0.75 (PCA) to 0.90 with a sample of
2000 (5 s of CPU), where t-SNE of all 14,460 texts reaches 0.91 at many times the time.
Small runs keep the PCA map.
"""

from __future__ import annotations

import warnings

import numpy as np

#: Below this many activities the PCA map is kept: it reads well and costs nothing.
MIN_FOR_TSNE = 200
#: Dimensions the texts are reduced to before t-SNE (its usual preprocessing).
PCA_DIMENSIONS = 50
#: How far an activity outside the sample lies from its nearest sampled one, in typical
#: gaps between two dots of the layout.
JITTER = 0.5
#: t-SNE iterations: enough for the layout to settle on runs of a few thousand texts.
TSNE_ITERATIONS = 500
SEED = 0


def project_2d(vectors, method: str = "tsne", sample: int = 2000) -> np.ndarray:
    """A 2-D map of the activities for the report: ``method`` "tsne" or "pca"."""
    n, width = vectors.shape
    if n < 3:
        return np.zeros((n, 2), dtype=np.float32)
    if width < 3:  # a vocabulary of one or two words: the vectors are their own map
        dense = vectors.toarray() if hasattr(vectors, "toarray") else np.asarray(vectors)
        reduced = np.zeros((n, 2), dtype=np.float32)
        reduced[:, :width] = dense - dense.mean(axis=0)
        return reduced
    if map_method(n, method) == "pca":
        return _reduce(vectors, 2).astype(np.float32)
    return _tsne(_reduce(vectors, min(PCA_DIMENSIONS, width - 1, n - 1)), sample).astype(np.float32)


def map_method(n: int, method: str) -> str:
    """The layout ``project_2d`` gives n activities when asked for ``method``: what the
    report tells its reader."""
    return "tsne" if method == "tsne" and n >= MIN_FOR_TSNE else "pca"


def _reduce(vectors, dimensions: int) -> np.ndarray:
    """PCA (TruncatedSVD for sparse TF-IDF vectors) to ``dimensions``."""
    from sklearn.decomposition import PCA, TruncatedSVD

    reducer = TruncatedSVD if hasattr(vectors, "toarray") else PCA
    with warnings.catch_warnings():
        # identical vectors (a few copies of one text) have no variance: the explained
        # variance ratio, unused here, divides by zero; cron would mail the warning
        warnings.filterwarnings("ignore", "invalid value encountered in divide", RuntimeWarning)
        return reducer(n_components=dimensions, random_state=SEED).fit_transform(vectors)


def _tsne(reduced: np.ndarray, sample: int) -> np.ndarray:
    """t-SNE of a seeded sample; each other activity next to its nearest sampled one.

    Next to, not on: a seeded jitter of half the layout's typical gap between dots keeps
    the dots apart. (Placing it at the weighted mean of a few sampled neighbours puts it
    between groups it does not belong to: on IATI, 0.81 of its neighbours kept, not 0.89.)
    """
    from sklearn.manifold import TSNE
    from sklearn.neighbors import NearestNeighbors
    from threadpoolctl import threadpool_limits

    n = len(reduced)
    rng = np.random.default_rng(SEED)
    chosen = np.arange(n) if n <= sample else np.sort(rng.choice(n, size=sample, replace=False))
    perplexity = min(30.0, (len(chosen) - 1) / 3)
    # one OpenMP thread: on a busy machine (a server running other jobs) t-SNE's threads
    # spin-wait for each other: 25 s of CPU where one thread needs 8 (IATI, 3,000 texts)
    with threadpool_limits(limits=1, user_api="openmp"):
        laid = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=SEED,
                    max_iter=TSNE_ITERATIONS).fit_transform(reduced[chosen])
    if len(chosen) == n:
        return laid
    gaps = NearestNeighbors(n_neighbors=2).fit(laid).kneighbors(laid)[0][:, 1]
    nearest = NearestNeighbors(n_neighbors=1).fit(reduced[chosen]).kneighbors(reduced, return_distance=False)[:, 0]
    placed = laid[nearest] + rng.normal(size=(n, 2)) * JITTER * float(np.median(gaps))
    placed[chosen] = laid
    return placed
