"""Benchmark: chunked exact top-k (overlap) against scikit-learn's brute-force search, and
the approximate search (cells of a k-means partition) against the exact one.

Both run in this process on the same vectors; the figures are ratios, so they
hold on a slower or faster machine. Peak memory is measured with tracemalloc
(numpy reports its buffers to it); the approximate search's times are taken without
it (tracing its many small arrays doubled them), and its memory at the first size only.

The approximate search is measured on the IATI embeddings when ``--iati-state`` names a
state folder whose cache holds them (a run of ../shared/data/iati/activities.csv made
it), else on synthetic clustered vectors. Sizes above the real rows are made by
recombining real vectors: each added row is ``v_i + 0.3 v_j + noise`` (i, j drawn at
random, noise of norm about 0.15), normalised, with the actor of a random real row, so
that actor sizes, similarity levels and near-duplicates scale with it.

The title searches (sparse character n-grams; ``--title-sizes``: the exact split search and
the rare-n-gram one past ``approximate_from``) are measured on the IATI titles, indexed as a
run indexes them (TextIndex), against the exact search: past the real
rows each added row copies a random real row (actor, description) and takes as its title
the first half of one real title's words and the second half of another's. Above
``--title-exact-rows`` rows the exact search runs on that many random rows (its time is
scaled to all rows) and recall is counted on them.

    python benchmarks/neighbours.py [--n 20000] [--dim 384] [--k 10]
        [--sizes 14600,50000] [--iati-state DIR] [--title-sizes 14460,50000]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd


def measure(function, *args, **options):
    tracemalloc.start()
    result, seconds = timed(function, *args, **options)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def timed(function, *args, **options):
    started = time.perf_counter()
    result = function(*args, **options)
    return result, time.perf_counter() - started


def against_sklearn(n: int, dim: int, k: int) -> None:
    from sklearn.neighbors import NearestNeighbors

    from overlap.neighbours import top_k_pairs

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = np.arange(n)  # every row its own actor: plain top-k

    ours, our_seconds, our_peak = measure(lambda: top_k_pairs(vectors, groups, k))

    def brute():
        model = NearestNeighbors(n_neighbors=k + 1, metric="cosine", algorithm="brute")
        return model.fit(vectors).kneighbors(vectors)

    (distances, indices), their_seconds, their_peak = measure(brute)
    theirs = {(min(i, j), max(i, j)) for i, row in enumerate(indices) for j in row if i != j}
    agreement = len(set(zip(ours["a"], ours["b"])) & theirs) / max(len(theirs), 1)
    print(f"exact top-{k} of {n} x {dim} vectors")
    print(f"  overlap chunked : {our_seconds:7.2f} s  peak {our_peak:8.1f} MiB")
    print(f"  sklearn brute   : {their_seconds:7.2f} s  peak {their_peak:8.1f} MiB")
    print(f"  ratio (sklearn / overlap): time {their_seconds / our_seconds:.2f}x, "
          f"memory {their_peak / our_peak:.2f}x; same pairs: {agreement:.1%}")


def iati_vectors(state: Path) -> tuple[np.ndarray, np.ndarray]:
    """The IATI activities' embeddings, from the state's cache (no model runs on a hit),
    and their actors."""
    from overlap.config import load_config
    from overlap.pipeline import _embedder_for, load_activities
    from overlap.state import open_locked
    from overlap.text import activity_texts

    config = load_config()
    source = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "iati" / "activities.csv"
    with open_locked(state) as opened:
        _, normalised = load_activities([source], config, None)
        activities = normalised.activities
        embedder = _embedder_for(activities, config, opened)
        vectors = np.asarray(embedder.embed(activity_texts(activities)), dtype=np.float32)
    return vectors, activities["actor_key"].to_numpy()


def clustered_vectors(n: int, dim: int = 384) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic texts on a few hundred themes, by 200 actors of very unequal size."""
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(300, dim)).astype(np.float32)
    vectors = centres[rng.integers(0, 300, size=n)] + 0.9 * rng.normal(size=(n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    actors = rng.zipf(1.6, size=n) % 200
    return vectors, actors


def grown(vectors: np.ndarray, groups: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` rows: the real ones, then recombinations of them (see the module's doc)."""
    if n <= len(vectors):
        return vectors[:n], groups[:n]
    rng = np.random.default_rng(0)
    extra = n - len(vectors)
    first, second = rng.integers(0, len(vectors), extra), rng.integers(0, len(vectors), extra)
    noise = rng.normal(size=(extra, vectors.shape[1])).astype(np.float32) / np.sqrt(vectors.shape[1])
    added = vectors[first] + 0.3 * vectors[second] + 0.15 * noise
    added /= np.linalg.norm(added, axis=1, keepdims=True)
    return (np.vstack([vectors, added]).astype(np.float32),
            np.concatenate([groups, groups[rng.integers(0, len(groups), extra)]]))


def recall(found, exact, k: int) -> float:
    """Share of each row's exact top k the found lists hold; a found neighbour at least as
    similar as the exact k-th stands for any of its equals (identical texts tie)."""
    kth = exact.similarity[:, k - 1]
    hits = (found.similarity[:, :k] >= kth[:, None] - 1e-5) & (found.neighbours[:, :k] >= 0)
    return hits.sum() / max((exact.neighbours[:, :k] >= 0).sum(), 1)


def pairs_agreement(found, exact, k: int) -> tuple[float, float]:
    """Share of the approximate top-k pairs the exact search gives too; and that share
    counting as well a pair as similar as one side's exact k-th neighbour (a tie, which
    the exact search broke the other way)."""
    exact_pairs, found_pairs = exact.pairs(k), found.pairs(k)
    known = set(zip(exact_pairs["a"], exact_pairs["b"]))
    a, b = found_pairs["a"].to_numpy(), found_pairs["b"].to_numpy()
    same = np.fromiter(((x, y) in known for x, y in zip(a, b)), dtype=bool, count=len(a))
    kth = exact.similarity[:, k - 1]
    tied = found_pairs["similarity"].to_numpy() >= np.minimum(kth[a], kth[b]) - 1e-5
    total = max(len(found_pairs), 1)
    return same.sum() / total, (same | tied).sum() / total


def approximate_against_exact(vectors: np.ndarray, groups: np.ndarray, sizes: list[int],
                              k: int, source: str) -> None:
    from overlap.candidates import LIST_DEPTH
    from overlap.neighbours import nearest_lists

    print(f"approximate (cells) against exact top-{k} neighbours of other actors, {source}, "
          f"lists {LIST_DEPTH * k} deep as a run keeps them")
    width = LIST_DEPTH * k
    for n in sizes:
        these, actors = grown(vectors, groups, n)
        codes = pd.factorize(actors)[0]
        exact, exact_seconds = timed(nearest_lists, these, codes, width)
        found, found_seconds = timed(nearest_lists, these, codes, width, approximate_from=1)
        same, tied = pairs_agreement(found, exact, k)
        print(f"  {n:>7} x {these.shape[1]}: exact {exact_seconds:7.1f} s;"
              f" approximate {found_seconds:6.1f} s; ratio {exact_seconds / found_seconds:5.2f}x;"
              f" recall@{k} {recall(found, exact, k):.4f};"
              f" top-{k} pairs identical {same:.2%}, identical or tied {tied:.2%}")
        if n == sizes[0]:
            exact_peak = measure(nearest_lists, these, codes, width)[2]
            found_peak = measure(nearest_lists, these, codes, width, approximate_from=1)[2]
            print(f"  {'':>7}   peak memory of the search: exact {exact_peak:.0f} MiB,"
                  f" approximate {found_peak:.0f} MiB")


def clocked(function, *args, **options):
    """The result, wall seconds and CPU seconds (every thread's: both cores count)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **options)
    return result, time.perf_counter() - started, time.process_time() - cpu


def iati_activities() -> pd.DataFrame:
    from overlap.config import load_config
    from overlap.pipeline import load_activities

    source = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "iati" / "activities.csv"
    return load_activities([source], load_config(), None)[1].activities


def half_titles(activities: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` activities: the real ones, then copies of random real ones whose title joins
    the first half of one real title's words to the second half of another's."""
    if n <= len(activities):
        return activities.iloc[:n]
    rng = np.random.default_rng(0)
    extra = n - len(activities)
    words = [title.split() for title in activities["title"] if title.split()]
    first, second = rng.integers(0, len(words), extra), rng.integers(0, len(words), extra)
    titles = [" ".join(words[i][:(len(words[i]) + 1) // 2] + words[j][(len(words[j]) + 1) // 2:])
              for i, j in zip(first, second)]
    added = activities.iloc[rng.integers(0, len(activities), extra)].assign(title=titles)
    return pd.concat([activities, added], ignore_index=True)


def _first_per_row(rows: np.ndarray, columns: np.ndarray, values: np.ndarray, count: int,
                   take: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Of (row, column, value) triples (values in [-1, 1]), each row's ``take`` best,
    ordered by row then value; and each one's rank in its row (one float64 sort key:
    10x faster than ``np.lexsort`` on the three)."""
    order = np.argsort(rows * 4.0 + (2.0 - values), kind="stable")
    rows, columns, values = rows[order], columns[order], values[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, np.arange(count))[rows]
    keep = rank < take
    return rows[keep], columns[keep], values[keep], rank[keep]


def rare_lists(vectors, groups: np.ndarray, width: int, per_root: float = 2.0,
               candidates: int = 50, chunk_rows: int = 1024):
    """The approximate title search tried and rejected (README, Scale): rows sharing an
    n-gram found in at most ``per_root`` sqrt(n) rows are candidates; each row's
    ``candidates`` best by those n-grams are re-scored exactly (the other n-grams'
    products added pair by pair) and the best kept; a row with too few candidates is
    searched exactly. About n^1.5 multiply-adds at most, but it misses the neighbours
    that share only common n-grams."""
    import scipy.sparse as sp

    from overlap.neighbours import NeighbourLists, pair_similarity, split_lists

    n = vectors.shape[0]
    lists = NeighbourLists.empty(n, width)
    counts = np.bincount(vectors.indices, minlength=vectors.shape[1])
    is_rare = counts <= per_root * np.sqrt(n)
    rare, common = vectors[:, is_rare].tocsr(), vectors[:, ~is_rare].tocsr()
    rare_transposed = rare.T.tocsr()
    codes = pd.factorize(np.asarray(groups))[0]
    for start in range(0, n, chunk_rows):
        chunk = np.arange(start, min(n, start + chunk_rows))
        shared = sp.coo_matrix(rare[chunk] @ rare_transposed)
        at, column, value = shared.row, shared.col.astype(np.int64), shared.data
        other = (column != chunk[at]) & (codes[chunk[at]] != codes[column])
        at, column, value, _ = _first_per_row(at[other], column[other], value[other],
                                              len(chunk), candidates)
        exact = value + pair_similarity(common, chunk[at], column)
        at, column, exact, rank = _first_per_row(at, column, exact, len(chunk), width + 1)
        listed = rank < width
        lists.neighbours[start + at[listed], rank[listed]] = column[listed]
        lists.similarity[start + at[listed], rank[listed]] = exact[listed]
        lists.floor[start + at[~listed]] = exact[~listed]
    available = np.minimum(width, n - np.bincount(codes)[codes])
    short = np.flatnonzero((lists.neighbours >= 0).sum(axis=1) < available)
    if len(short):
        found = split_lists(vectors, groups, width, rows=short)
        lists.neighbours[short], lists.similarity[short], lists.floor[short] = (
            found.neighbours, found.similarity, found.floor)
    return lists


def one_product(vectors, groups: np.ndarray, width: int, rows: np.ndarray):
    """The exact sparse search by one sparse product a chunk at a time: what
    ``nearest_lists`` does for a rerun's few rows, here for every row asked."""
    import overlap.neighbours as neighbours

    share, neighbours.INDEX_ROWS_SHARE = neighbours.INDEX_ROWS_SHARE, 2.0
    try:
        return neighbours.nearest_lists(vectors, groups, width, rows=rows)
    finally:
        neighbours.INDEX_ROWS_SHARE = share


def titles_against_exact(sizes: list[int], k: int, exact_rows: int) -> None:
    import torch  # noqa: F401 (imported before timing: a run has it loaded by then)

    from overlap.candidates import LIST_DEPTH
    from overlap.lexical import TextIndex
    from overlap.neighbours import NeighbourLists, split_lists

    real = iati_activities()
    width = LIST_DEPTH * k
    print(f"title neighbours: split (exact, common n-grams dense) and rare (candidates through "
          f"rare n-grams, re-scored) against exact top-{k}, IATI titles ({len(real)} real rows), "
          f"lists {width} deep")
    previous = None
    for n in sizes:
        activities = half_titles(real, n)
        titles = TextIndex.build(activities).titles
        codes = pd.factorize(activities["actor_key"])[0]
        rows = np.arange(n)
        if n > exact_rows:
            rows = np.sort(np.random.default_rng(1).choice(n, exact_rows, replace=False))
        exact, exact_seconds, exact_cpu = clocked(one_product, titles, codes, width, rows)
        exact_seconds, exact_cpu = exact_seconds * n / len(rows), exact_cpu * n / len(rows)
        split, split_seconds, split_cpu = clocked(split_lists, titles, codes, width)
        rare, rare_seconds, rare_cpu = clocked(rare_lists, titles, codes, width)
        sampled = "" if len(rows) == n else f" (timed on {len(rows)} rows, scaled)"
        print(f"  {n:>7} rows, {titles.shape[1]} n-grams: exact {exact_seconds:7.1f} s"
              f" ({exact_cpu:.1f} s CPU){sampled}; split {split_seconds:6.1f} s ({split_cpu:.1f} s"
              f" CPU); rare {rare_seconds:6.1f} s ({rare_cpu:.1f} s CPU)")
        for name, found in (("split", split), ("rare", rare)):
            chosen = NeighbourLists(found.neighbours[rows], found.similarity[rows],
                                    found.floor[rows])
            agreement = ""
            if len(rows) == n:  # pairs need every row's list
                same, tied = pairs_agreement(chosen, exact, k)
                agreement = f"; top-{k} pairs identical {same:.2%} (or tied {tied:.2%})"
            print(f"  {'':>7}   {name}: recall@{k} {recall(chosen, exact, k):.4f}{agreement}")
        peaks = [measure(search, titles, codes, width)[2] for search in (split_lists, rare_lists)]
        print(f"  {'':>7}   peak memory (tracemalloc): split {peaks[0]:.0f} MiB, rare {peaks[1]:.0f} MiB")
        if previous is not None:
            grown_by = np.log(n / previous[0])
            print(f"  {'':>7}   growth from {previous[0]}: split N^{np.log(split_cpu / previous[1]) / grown_by:.2f},"
                  f" rare N^{np.log(rare_cpu / previous[2]) / grown_by:.2f} (CPU)")
        previous = (n, split_cpu, rare_cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--sizes", default="14600,50000",
                        help="comma-separated sizes for the approximate search ('' = skip)")
    parser.add_argument("--iati-state", type=Path,
                        help="a state folder whose cache holds the IATI embeddings")
    parser.add_argument("--title-sizes", default="",
                        help="comma-separated sizes for the title search on IATI ('' = skip)")
    parser.add_argument("--title-exact-rows", type=int, default=15000,
                        help="above this many rows the exact title search runs on this many")
    parser.add_argument("--skip-dense", action="store_true",
                        help="only the title search")
    args = parser.parse_args()
    if args.title_sizes:
        titles_against_exact([int(size) for size in args.title_sizes.split(",")], args.k,
                             args.title_exact_rows)
    if args.skip_dense:
        return
    against_sklearn(args.n, args.dim, args.k)
    sizes = [int(size) for size in args.sizes.split(",") if size]
    if not sizes:
        return
    if args.iati_state:
        vectors, groups = iati_vectors(args.iati_state)
        source = f"IATI embeddings ({len(vectors)} real rows)"
    else:
        vectors, groups = clustered_vectors(max(sizes), args.dim)
        source = "synthetic clustered vectors"
    approximate_against_exact(vectors, groups, sizes, args.k, source)


if __name__ == "__main__":
    main()
