"""The report's map: the activities laid out in 2-D so that near is similar.

PCA, the first map, keeps the two directions of most variance: on a real run (IATI,
14,460 activities) it is a hairball in which a text's nearest neighbours are often far
away. t-SNE keeps each text's nearest neighbours near, at the price of time: so it runs
on at most ``sample`` activities (after a PCA to 50 dimensions), and every other
activity is placed next to its nearest text of the sample. On IATI the neighbours kept
(trustworthiness at 10, scikit-learn) rise from 0.75 (PCA) to 0.90 with a sample of
2000 (5 s of CPU), where t-SNE of all 14,460 texts reaches 0.91 at many times the time.
Small runs keep the PCA map.

A rerun keeps the last run's t-SNE map (overlap.memo stores it): the unchanged
activities stay where they were, and each new or changed one is placed next to its
most similar unchanged one, as the activities outside the sample are. The map is laid
out again once the activities placed since exceed ``RELAYOUT_SHARE`` of those laid out.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

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
#: A kept map is laid out again once the activities placed on it since exceed this
#: share of the activities it was laid out with (as the vocabularies' refit_share).
RELAYOUT_SHARE = 0.1
#: Rows of new activities compared with all kept ones at a time (memory: this x N floats).
PLACE_CHUNK = 1024


@dataclass
class MapLayout:
    """A map as the next run keeps it: the points, row for row, and how it was made."""

    #: (n, 2) float32 coordinates
    points: np.ndarray
    #: the layout's method (``map_method``) and the t-SNE sample size asked for
    method: str
    sample: int
    #: activities when it was laid out, and activities placed on it since
    laid_out: int
    placed: int
    #: the typical gap between two dots of the t-SNE layout: how far a placed one lies
    gap: float


def project_2d(vectors, method: str = "tsne", sample: int = 2000) -> np.ndarray:
    """A 2-D map of the activities for the report: ``method`` "tsne" or "pca"."""
    return lay_out(vectors, method, sample).points


def lay_out(vectors, method: str = "tsne", sample: int = 2000) -> MapLayout:
    """``project_2d``'s map with what a rerun needs to keep it (``place_new``)."""
    n, width = vectors.shape
    if n < 3 or width < 3 or map_method(n, method) == "pca":
        points = _linear(vectors) if n >= 3 else np.zeros((n, 2), dtype=np.float32)
        return MapLayout(points, "pca", sample, laid_out=n, placed=0, gap=0.0)
    points, gap = _tsne(_reduce(vectors, min(PCA_DIMENSIONS, width - 1, n - 1)), sample)
    return MapLayout(points.astype(np.float32), "tsne", sample, laid_out=n, placed=0, gap=gap)


def keeps_layout(previous: MapLayout | None, carried: np.ndarray, method: str = "tsne",
                 sample: int = 2000) -> bool:
    """Whether this run's map is ``previous`` (the last run's; ``carried``: each activity's
    row in it, -1 when new or changed) with the new and changed activities placed: when it
    is a t-SNE map asked for again, and the placed ones stay a small share."""
    n, fresh = len(carried), int((carried < 0).sum())
    return (previous is not None and previous.method == "tsne" and map_method(n, method) == "tsne"
            and previous.sample == sample and fresh < n
            and previous.placed + fresh <= RELAYOUT_SHARE * previous.laid_out)


def place_new(vectors, previous: MapLayout, carried: np.ndarray) -> MapLayout:
    """``previous`` for the carried activities; each other one next to its most similar
    carried one (a seeded jitter of half a typical gap, as outside the t-SNE sample).

    ``vectors`` must be those ``previous`` was laid out from, for the carried rows (the
    memo keeps a map only for cached embeddings).
    """
    points = np.empty((len(carried), 2), dtype=np.float32)
    kept, fresh = np.flatnonzero(carried >= 0), np.flatnonzero(carried < 0)
    points[kept] = previous.points[carried[kept]]
    if len(fresh):
        nearest = _most_similar(vectors, fresh, excluded=fresh)
        jitter = np.random.default_rng(SEED).normal(size=(len(fresh), 2)) * JITTER * previous.gap
        points[fresh] = points[nearest] + jitter
    return MapLayout(points, previous.method, previous.sample, laid_out=previous.laid_out,
                     placed=previous.placed + len(fresh), gap=previous.gap)


def _most_similar(vectors, rows: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """For each of ``rows``, the row of its most similar vector (cosine: the vectors are
    unit rows) but the ``excluded`` ones, PLACE_CHUNK rows at a time (no copy of the
    vectors: at a million rows they are gigabytes)."""
    found = np.empty(len(rows), dtype=np.int64)
    for start in range(0, len(rows), PLACE_CHUNK):
        chunk = rows[start:start + PLACE_CHUNK]
        similarity = vectors[chunk] @ vectors.T
        similarity = similarity.toarray() if hasattr(similarity, "toarray") else np.asarray(similarity)
        similarity[:, excluded] = -np.inf
        found[start:start + len(chunk)] = similarity.argmax(axis=1)
    return found


def _linear(vectors) -> np.ndarray:
    """The PCA map (a vocabulary of one or two words: the vectors are their own map)."""
    n, width = vectors.shape
    if width < 3:
        dense = vectors.toarray() if hasattr(vectors, "toarray") else np.asarray(vectors)
        reduced = np.zeros((n, 2), dtype=np.float32)
        reduced[:, :width] = dense - dense.mean(axis=0)
        return reduced
    return _reduce(vectors, 2).astype(np.float32)


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


def _tsne(reduced: np.ndarray, sample: int) -> tuple[np.ndarray, float]:
    """t-SNE of a seeded sample; each other activity next to its nearest sampled one.
    Also the typical gap between two dots of the t-SNE layout.

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
    gap = float(np.median(NearestNeighbors(n_neighbors=2).fit(laid).kneighbors(laid)[0][:, 1]))
    if len(chosen) == n:
        return laid, gap
    nearest = NearestNeighbors(n_neighbors=1).fit(reduced[chosen]).kneighbors(reduced, return_distance=False)[:, 0]
    placed = laid[nearest] + rng.normal(size=(n, 2)) * JITTER * gap
    placed[chosen] = laid
    return placed, gap
