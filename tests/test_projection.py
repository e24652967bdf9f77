"""The report's map: near is similar, bounded in time by a sample, PCA where t-SNE is not worth it."""

from dataclasses import replace

import numpy as np
import pytest
from sklearn.manifold import trustworthiness

from overlap.projection import (
    MIN_FOR_TSNE,
    RELAYOUT_SHARE,
    keeps_layout,
    lay_out,
    map_method,
    place_new,
    project_2d,
)


def blobs(groups: int, size: int, width: int = 40, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors in ``groups`` tight groups, as texts on a few themes are; and each one's group."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(groups, width))
    labels = np.repeat(np.arange(groups), size)
    vectors = centres[labels] + 0.35 * rng.normal(size=(groups * size, width))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32), labels


def nearest_share(points: np.ndarray, labels: np.ndarray) -> float:
    """How often a dot's nearest dot is of its own group."""
    distances = np.linalg.norm(points[:, None] - points[None], axis=2)
    np.fill_diagonal(distances, np.inf)
    return float(np.mean(labels[distances.argmin(axis=1)] == labels))


def test_tsne_keeps_neighbours_near_where_pca_mixes_them():
    vectors, labels = blobs(groups=12, size=30)
    tsne, pca = project_2d(vectors, "tsne"), project_2d(vectors, "pca")
    assert tsne.shape == pca.shape == (len(vectors), 2) and np.isfinite(tsne).all()
    assert nearest_share(tsne, labels) > 0.95 > nearest_share(pca, labels)
    assert trustworthiness(vectors, tsne, n_neighbors=10) > trustworthiness(vectors, pca, n_neighbors=10)


def test_a_sample_is_laid_out_and_the_others_land_among_their_neighbours():
    vectors, labels = blobs(groups=8, size=60)
    points = project_2d(vectors, "tsne", sample=200)
    assert np.isfinite(points).all()
    assert nearest_share(points, labels) > 0.9
    assert np.array_equal(points, project_2d(vectors, "tsne", sample=200))  # seeded: the same map each run


def test_copies_of_one_text_outside_the_sample_land_side_by_side():
    vectors, _ = blobs(groups=4, size=80)
    vectors[-1] = vectors[-2]
    points = project_2d(vectors, "tsne", sample=100)
    distances = np.linalg.norm(points[:, None] - points[None], axis=2)
    np.fill_diagonal(distances, np.inf)
    typical_gap = np.median(distances.min(axis=1))
    assert distances[-1, -2] < 4 * typical_gap < np.median(distances[-1][np.isfinite(distances[-1])])


@pytest.mark.parametrize("n", [MIN_FOR_TSNE - 1, 2])
def test_small_runs_keep_the_linear_map(n):
    vectors, _ = blobs(groups=3, size=(n + 2) // 3)
    vectors = vectors[:n]
    assert np.allclose(project_2d(vectors, "tsne"), project_2d(vectors, "pca"))
    assert map_method(n, "tsne") == "pca"  # and the report says so


def test_the_report_names_the_layout_it_was_given():
    assert map_method(MIN_FOR_TSNE, "tsne") == "tsne"
    assert map_method(100_000, "pca") == "pca"


def _kept(vectors: np.ndarray, laid: int, sample: int = 2000):
    """The map of the first ``laid`` vectors, and ``carried`` for all of them: the first
    ``laid`` unchanged but the first, which changed, the rest new."""
    previous = lay_out(vectors[:laid], "tsne", sample)
    carried = np.concatenate([np.arange(laid), np.full(len(vectors) - laid, -1)])
    carried[0] = -1
    return previous, carried


def test_a_rerun_keeps_the_map_and_places_new_activities_among_their_neighbours():
    vectors, labels = blobs(groups=8, size=60)
    order = np.random.default_rng(2).permutation(len(vectors))  # the new ones of every group
    vectors, labels = vectors[order], labels[order]
    previous, carried = _kept(vectors, laid=len(vectors) - 20, sample=200)
    assert previous.method == "tsne" and previous.gap > 0
    assert keeps_layout(previous, carried, "tsne", 200)
    kept = place_new(vectors, previous, carried)
    unchanged = np.flatnonzero(carried >= 0)
    assert np.array_equal(kept.points[unchanged], previous.points[carried[unchanged]])
    assert kept.placed == 21 and kept.laid_out == previous.laid_out and kept.gap == previous.gap
    # each placed dot lands among its group: its nearest unchanged dot is of its group
    placed = np.flatnonzero(carried < 0)
    distances = np.linalg.norm(kept.points[placed, None] - kept.points[None, unchanged], axis=2)
    assert np.mean(labels[unchanged[distances.argmin(axis=1)]] == labels[placed]) > 0.9
    assert np.array_equal(kept.points, place_new(vectors, previous, carried).points)  # seeded


def test_the_map_is_laid_out_again_when_much_changed_or_another_map_is_asked_for():
    vectors, _ = blobs(groups=6, size=50)
    previous, carried = _kept(vectors, laid=len(vectors) - 10)
    assert keeps_layout(previous, carried)
    assert not keeps_layout(None, carried)
    assert not keeps_layout(previous, carried, "pca")
    assert not keeps_layout(previous, carried, "tsne", sample=1000)  # another sample size
    assert not keeps_layout(lay_out(vectors[:-10], "pca"), carried, "pca")  # PCA costs little
    assert not keeps_layout(previous, np.full(len(vectors), -1))  # nothing to keep
    # the placed ones add up over reruns until they pass RELAYOUT_SHARE of those laid out
    share = int(RELAYOUT_SHARE * previous.laid_out)
    assert keeps_layout(replace(previous, placed=share - 11), carried)
    assert not keeps_layout(replace(previous, placed=share - 10), carried)
