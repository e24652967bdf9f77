import numpy as np
import scipy.sparse as sp

from overlap.neighbours import (
    NeighbourLists,
    nearest_lists,
    pair_similarity,
    top_k_pairs,
    update_lists,
)


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


def _clustered(rng, n, centres=60, d=32, spread=0.35):
    """Unit vectors around random centres (texts on a few themes), many near-ties apart."""
    middle = _unit(rng, centres, d)
    vectors = middle[rng.integers(0, centres, size=n)] + spread * _unit(rng, n, d) / np.sqrt(2)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _recall(found, exact, k):
    """Share of each row's exact top k the found lists hold, ties counted as found: a
    neighbour at least as similar as the exact k-th stands for any of its equals."""
    kth = exact.similarity[:, k - 1]
    hits = (found.similarity[:, :k] >= kth[:, None] - 1e-5) & (found.neighbours[:, :k] >= 0)
    return hits.sum() / (exact.neighbours[:, :k] >= 0).sum()


def _spy(monkeypatch, name):
    """Calls of ``overlap.neighbours.<name>`` (the rows each searched), still made."""
    import overlap.neighbours as neighbours

    original, calls = getattr(neighbours, name), []

    def spy(vectors, groups, width, **options):
        rows = options.get("rows")
        calls.append(len(vectors) if rows is None else len(rows))
        return original(vectors, groups, width, **options)

    monkeypatch.setattr(neighbours, name, spy)
    return calls


def test_approximate_lists_find_the_exact_neighbours_above_the_threshold(monkeypatch):
    import overlap.neighbours as neighbours

    rng = np.random.default_rng(5)
    vectors = _clustered(rng, 3000)
    # a few large actors, as in IATI: many rows find mostly their own actor's rows first
    groups = rng.choice(12, size=3000, p=np.r_[0.4, np.full(11, 0.6 / 11)])
    calls = _spy(monkeypatch, "approximate_lists")
    # 4 of 27 cells probed: most rows are never compared
    monkeypatch.setattr(neighbours, "PROBES", 4)
    exact = nearest_lists(vectors, groups, 20)
    assert not calls
    found = nearest_lists(vectors, groups, 20, approximate_from=2000)
    assert calls == [3000]
    assert _recall(found, exact, 10) >= 0.99
    listed = found.neighbours >= 0
    assert listed.all()
    assert (groups[found.neighbours] != groups[:, None]).all()
    assert (found.neighbours != np.arange(3000)[:, None]).all()
    assert (np.diff(found.similarity, axis=1) <= 1e-6).all()
    # every row a list leaves out is (by the index's estimate) at most its floor
    assert (found.floor <= found.similarity[:, -1] + 1e-6).all()
    # with its own actor's rows allowed, a row's list is never itself
    same = nearest_lists(vectors, groups, 20, approximate_from=2000, include_same_group=True)
    assert _recall(same, nearest_lists(vectors, groups, 20, include_same_group=True), 10) >= 0.99
    assert (same.neighbours != np.arange(3000)[:, None]).all()


def test_the_threshold_and_the_rows_searched_choose_the_approximate_path(monkeypatch):
    rng = np.random.default_rng(6)
    vectors, groups = _clustered(rng, 1200), rng.integers(0, 5, size=1200)
    calls = _spy(monkeypatch, "approximate_lists")
    nearest_lists(vectors, groups, 4, approximate_from=1201)
    nearest_lists(vectors, groups, 4, approximate_from=0)
    nearest_lists(sp.csr_matrix(vectors), groups, 4, approximate_from=100)  # sparse: split
    assert not calls
    nearest_lists(vectors, groups, 4, approximate_from=1200)
    assert calls == [1200]
    # a rerun's few changed rows are compared with every row, not through an index
    nearest_lists(vectors, groups, 4, approximate_from=100, rows=np.arange(10))
    assert calls == [1200]


def test_a_missing_faiss_names_the_package_and_the_way_around(monkeypatch):
    import sys

    import pytest

    from overlap.errors import ConfigError

    monkeypatch.setitem(sys.modules, "faiss", None)  # import faiss raises ImportError
    rng = np.random.default_rng(7)
    with pytest.raises(ConfigError, match=r"faiss-cpu.*approximate_from = 0"):
        nearest_lists(_unit(rng, 50), np.arange(50), 3, approximate_from=10)


def test_torch_search_equals_the_exact_one():
    """The chunked torch search a GPU runs gives the numpy search's lists (run here on the
    CPU through the same code)."""
    from overlap.neighbours import torch_lists

    rng = np.random.default_rng(8)
    vectors, groups = _clustered(rng, 700, d=24), rng.integers(0, 9, size=700)
    for options in ({}, {"include_same_group": True}, {"rows": rng.permutation(700)[:90]}):
        exact = nearest_lists(vectors, groups, 12, chunk_rows=64, **options)
        torch = torch_lists(vectors, groups, 12, device="cpu", chunk_rows=100, **options)
        assert np.allclose(torch.similarity, exact.similarity, atol=1e-5)
        assert np.allclose(torch.floor, exact.floor, atol=1e-5)
        assert _recall(torch, exact, 12) == 1.0
    # fewer rows of other actors than the list is wide: padded as the exact lists are
    small = torch_lists(vectors[:6], groups[:6], 12, device="cpu")
    exact = nearest_lists(vectors[:6], groups[:6], 12)
    assert (small.neighbours == exact.neighbours).all()
    assert np.array_equal(small.floor, exact.floor)


def test_a_gpu_device_sends_the_dense_search_to_torch(monkeypatch):
    import overlap.neighbours as neighbours

    devices = []
    monkeypatch.setattr(neighbours, "torch_lists", lambda vectors, groups, width, device, **_:
                        devices.append(device) or NeighbourLists.empty(len(vectors), width))
    rng = np.random.default_rng(9)
    vectors, groups = _unit(rng, 40), np.arange(40)
    nearest_lists(vectors, groups, 3, device="cuda", approximate_from=10)
    nearest_lists(sp.csr_matrix(vectors), groups, 3, device="cuda")  # sparse: numpy
    nearest_lists(vectors, groups, 3)
    assert devices == ["cuda"]


def _titles(rng, n, terms=80, common=6):
    """Sparse unit rows like title n-grams: a few terms in most rows, the rest rare."""
    share = np.r_[np.full(common, 0.8), np.full(terms - common, 0.06)]
    weights = rng.random((n, terms)).astype(np.float32) * (rng.random((n, terms)) < share)
    weights[:, common] += 0.01  # no empty row
    return sp.csr_matrix(weights / np.linalg.norm(weights, axis=1, keepdims=True))


def test_split_lists_equal_the_exact_sparse_search(monkeypatch):
    """Common terms multiplied densely, rare ones sparsely: the same lists as a brute-force
    search, on every path a run takes (all rows, a rerun's rows, own actor allowed)."""
    import overlap.neighbours as neighbours
    from overlap.neighbours import split_lists

    rng = np.random.default_rng(10)
    vectors, groups = _titles(rng, 600), rng.integers(0, 9, size=600)
    frequency = np.bincount(vectors.indices, minlength=vectors.shape[1])
    common = frequency > neighbours.COMMON_TERM_SHARE * 600
    assert 0 < common.sum() < len(common)  # both halves of the product are used
    for options in ({}, {"include_same_group": True}, {"rows": rng.permutation(600)[:70]}):
        exact = nearest_lists(vectors.toarray(), groups, 12, chunk_rows=64, **options)
        split = split_lists(vectors, groups, 12, chunk_rows=50, **options)
        assert np.allclose(split.similarity, exact.similarity, atol=1e-5)
        assert np.allclose(split.floor, exact.floor, atol=1e-5)
        assert _recall(split, exact, 12) == 1.0
    small = split_lists(vectors[:6], groups[:6], 12)
    exact = nearest_lists(vectors[:6].toarray(), groups[:6], 12)
    assert (small.neighbours == exact.neighbours).all()
    assert np.array_equal(small.floor, exact.floor)


def test_sparse_rows_are_split_at_every_size_but_a_rerun_s_few(monkeypatch):
    """The split search at any size and threshold; a rerun's few rows (under
    ``INDEX_ROWS_SHARE``) of a small run by one sparse product, which needs no torch."""
    rng = np.random.default_rng(12)
    vectors, groups = _titles(rng, 600), rng.integers(0, 9, size=600)
    calls = _spy(monkeypatch, "split_lists")
    nearest_lists(vectors, groups, 4)
    nearest_lists(vectors, groups, 4, approximate_from=601)
    nearest_lists(vectors, groups, 4, approximate_from=100, rows=np.arange(30))
    assert calls == [600, 600, 30]
    few = nearest_lists(vectors, groups, 4, rows=np.arange(10))
    assert calls == [600, 600, 30]
    exact = nearest_lists(vectors.toarray(), groups, 4, rows=np.arange(10))
    assert np.allclose(few.similarity, exact.similarity, atol=1e-5)
    # a rerun's few rows of many activities are split too, past SPLIT_FROM_COMPARISONS
    import overlap.neighbours as neighbours

    monkeypatch.setattr(neighbours, "SPLIT_FROM_COMPARISONS", 10 * 600)
    nearest_lists(vectors, groups, 4, rows=np.arange(10))
    assert calls == [600, 600, 30, 10]


def test_split_lists_update_to_a_full_search():
    """A rerun past the size threshold updates title lists to the exact top k."""
    rng = np.random.default_rng(11)
    vectors, groups = _titles(rng, 400), rng.integers(0, 7, size=400)
    previous = nearest_lists(vectors, groups, 10, approximate_from=100)
    carried = np.arange(400)
    carried[rng.choice(400, 30, replace=False)] = -1
    changed = _titles(rng, 400)
    now = sp.vstack([changed[i] if carried[i] < 0 else vectors[i] for i in range(400)]).tocsr()
    updated = update_lists(previous, carried, now, groups, 5, approximate_from=100)
    full = nearest_lists(now, groups, 10)
    assert _recall(updated, full, 5) == 1.0
    assert np.allclose(updated.similarity[:, :5], full.similarity[:, :5], atol=1e-5)


def test_a_large_search_takes_fewer_rows_a_block_and_finds_the_same_lists(monkeypatch):
    """MAX_BLOCK bounds a block's similarities (rows x every row): past it, fewer rows are
    compared at once, and the lists stay those of the configured chunks (BLAS may round
    a float32 product of another shape in its last bit)."""
    import overlap.neighbours as neighbours
    from overlap.neighbours import split_lists, torch_lists

    rng = np.random.default_rng(12)
    dense, titles, groups = _unit(rng, 300), _titles(rng, 300), rng.integers(0, 9, size=300)
    searches = {
        "exact": lambda: nearest_lists(dense, groups, 8, chunk_rows=64),
        "sparse": lambda: nearest_lists(titles, groups, 8, chunk_rows=64),
        "split": lambda: split_lists(titles, groups, 8, chunk_rows=64),
        "torch": lambda: torch_lists(dense, groups, 8, device="cpu", chunk_rows=64),
    }
    whole = {name: search() for name, search in searches.items()}
    monkeypatch.setattr(neighbours, "MAX_BLOCK", 300 * 7)
    assert neighbours._block_rows(64, 300) == 7 and neighbours._block_rows(64, 30) == 64
    for name, search in searches.items():
        bounded = search()
        assert np.allclose(bounded.similarity, whole[name].similarity, atol=1e-6), name
        assert np.allclose(bounded.floor, whole[name].floor, atol=1e-6), name
        assert _recall(bounded, whole[name], 8) == 1.0, name
