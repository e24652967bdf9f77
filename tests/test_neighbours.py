import numpy as np
import scipy.sparse as sp

from overlap.neighbours import top_k_pairs


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
