import numpy as np
import scipy.sparse as sp

from overlap.neighbours import nearest_lists, pair_similarity, top_k_pairs, update_lists


def _brute_force(vectors, groups, k):
    dense = vectors.toarray() if sp.issparse(vectors) else vectors
    sims = dense @ dense.T
    pairs = {}
    for i in range(len(dense)):
        candidates = [j for j in range(len(dense)) if groups[j] != groups[i]]
        best = sorted(candidates, key=lambda j: -sims[i, j])[:k]
        for j in best:
            pairs[(min(i, j), max(i, j))] = sims[i, j]
    return pairs


def test_chunked_equals_brute_force_on_random_data():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = rng.integers(0, 7, size=300)
    result = top_k_pairs(vectors, groups, k=5, chunk_rows=37)
    expected = _brute_force(vectors, groups, 5)
    got = {(a, b): s for a, b, s in result.itertuples(index=False)}
    assert set(got) == set(expected)
    assert all(abs(got[p] - expected[p]) < 1e-5 for p in got)
    assert (np.diff(result["similarity"].to_numpy()) <= 1e-7).all()


def test_same_group_never_paired_unless_asked():
    vectors = np.eye(4, dtype=np.float32)[[0, 0, 1, 1]]
    groups = np.array(["a", "a", "b", "b"])
    pairs = top_k_pairs(vectors, groups, k=1)
    assert all(groups[a] != groups[b] for a, b in zip(pairs["a"], pairs["b"]))
    pairs = top_k_pairs(vectors, np.arange(4), k=1, include_same_group=True)
    assert {(0, 1), (2, 3)} <= set(zip(pairs["a"], pairs["b"]))


def test_sparse_vectors_are_supported():
    rng = np.random.default_rng(1)
    dense = rng.random((50, 30)).astype(np.float32)
    dense[dense < 0.7] = 0
    dense /= np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-9)
    groups = rng.integers(0, 3, size=50)
    sparse = top_k_pairs(sp.csr_matrix(dense), groups, k=3, chunk_rows=8)
    exact = top_k_pairs(dense, groups, k=3)
    assert set(zip(sparse["a"], sparse["b"])) == set(zip(exact["a"], exact["b"]))


def test_tiny_inputs():
    assert top_k_pairs(np.ones((1, 3), dtype=np.float32), np.array([0]), k=3).empty


def _unit(rng, n, d=16):
    vectors = rng.normal(size=(n, d)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _rerun(rng, vectors, groups, changed, removed, added):
    """The next run's rows: some changed, some removed, some added; and where each was."""
    keep = np.setdiff1d(np.arange(len(vectors)), removed)
    carried = keep.copy()
    vectors = vectors[keep].copy()
    groups = groups[keep]
    changed_now = np.flatnonzero(np.isin(keep, changed))
    d = vectors.shape[1]
    vectors[changed_now] = _unit(rng, len(changed_now), d)
    carried[changed_now] = -1
    vectors = np.vstack([vectors, _unit(rng, added, d)])
    groups = np.concatenate([groups, rng.integers(0, 7, size=added)])
    carried = np.concatenate([carried, np.full(added, -1)])
    return vectors, groups, carried


def test_updated_lists_equal_a_full_search():
    """A rerun compares only new and changed rows, and every row still gets its exact top k."""
    rng = np.random.default_rng(3)
    vectors = _unit(rng, 400)
    groups = rng.integers(0, 7, size=400)
    previous = nearest_lists(vectors, groups, 10, chunk_rows=64)
    changed = rng.choice(400, 20, replace=False)
    removed = rng.choice(np.setdiff1d(np.arange(400), changed), 15, replace=False)
    new_vectors, new_groups, carried = _rerun(rng, vectors, groups, changed, removed, 25)
    updated = update_lists(previous, carried, new_vectors, new_groups, 5, chunk_rows=64)
    full = top_k_pairs(new_vectors, new_groups, 5)
    got = updated.pairs(5)
    assert set(zip(got["a"], got["b"])) == set(zip(full["a"], full["b"]))
    assert np.allclose(np.sort(got["similarity"]), np.sort(full["similarity"]), atol=1e-5)


def test_rows_that_lost_most_neighbours_are_searched_again():
    """When more of a row's neighbours changed than its list's margin, its top k stays exact."""
    rng = np.random.default_rng(4)
    vectors = _unit(rng, 120, d=4)
    groups = np.arange(120) % 5
    previous = nearest_lists(vectors, groups, 4)
    target = 0
    changed = previous.neighbours[target][:4]  # every listed neighbour of row 0 changes
    new_vectors, new_groups, carried = _rerun(rng, vectors, groups, changed, np.array([], int), 0)
    updated = update_lists(previous, carried, new_vectors, new_groups, 3)
    full = nearest_lists(new_vectors, new_groups, 4)
    assert list(updated.neighbours[target][:3]) == list(full.neighbours[target][:3])


def test_sparse_lists_update_like_dense_ones():
    rng = np.random.default_rng(5)
    dense = rng.random((150, 30)).astype(np.float32)
    dense[dense < 0.7] = 0
    dense /= np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-9)
    groups = rng.integers(0, 4, size=150)
    previous = nearest_lists(sp.csr_matrix(dense), groups, 6)
    carried = np.arange(150)
    carried[:10] = -1
    fresh = rng.random((10, 30)).astype(np.float32)
    fresh[fresh < 0.7] = 0
    dense[:10] = fresh / np.maximum(np.linalg.norm(fresh, axis=1, keepdims=True), 1e-9)
    updated = update_lists(previous, carried, sp.csr_matrix(dense), groups, 3)
    full = top_k_pairs(dense, groups, 3)
    got = updated.pairs(3)
    assert set(zip(got["a"], got["b"])) == set(zip(full["a"], full["b"]))


def test_pair_similarity_is_the_cosine_of_each_pair_across_chunks():
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(50, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    a, b = rng.integers(0, 50, size=(2, 123))
    expected = (vectors[a] * vectors[b]).sum(axis=1)
    assert np.allclose(pair_similarity(vectors, a, b, chunk=10), expected, atol=1e-6)
    sparse = sp.csr_matrix(vectors)
    assert np.allclose(pair_similarity(sparse, a, b, chunk=10), expected, atol=1e-6)
    assert pair_similarity(vectors, a[:0], b[:0]).shape == (0,)
