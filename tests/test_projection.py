"""The report's map: near is similar, bounded in time by a sample, PCA where t-SNE is not worth it."""

import numpy as np
import pytest
from sklearn.manifold import trustworthiness

from overlap.projection import MIN_FOR_TSNE, map_method, project_2d


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
