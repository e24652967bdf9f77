"""Exact top-k neighbours among activities of other actors, in bounded memory, and the
similarity of given pairs.

Rows are compared a chunk at a time (chunk x N similarities), so memory grows with
N, never with N x N, and the result equals a brute-force search.

Past a size (``approximate_from`` rows) dense rows are compared within cells of a
k-means partition instead (``approximate_lists``): sub-quadratic, recall of the exact top
k >= 0.99 on the IATI embeddings (benchmarks/neighbours.py). Sparse rows (title n-grams)
are compared exactly at every size, common terms densely and the rest sparsely
(``split_lists``, 2.4x faster than one sparse product at 14,460 IATI titles, 3.1x at
50,000). On a GPU the exact search runs in torch
(``torch_lists``), whose chunks are as exact as numpy's.

A nightly rerun need not search again: each row's list is kept deeper than k
(``NeighbourLists``), with a floor under which every unlisted row lies, so
``update_lists`` only compares the new and changed rows with everyone and still
gives every row its exact top k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from overlap.errors import ConfigError
from overlap.machine import side_by_side


@dataclass
class NeighbourLists:
    """Each row's most similar rows of other groups, best first, ``width`` deep.

    ``neighbours`` holds row positions (-1 pads a short list), ``similarity`` their
    similarities (-inf pads); every row a list leaves out is at most ``floor``
    similar to that row (-inf when nothing was left out).
    """

    neighbours: np.ndarray
    similarity: np.ndarray
    floor: np.ndarray

    @classmethod
    def empty(cls, n: int, width: int) -> NeighbourLists:
        return cls(neighbours=np.full((n, width), -1, dtype=np.int64),
                   similarity=np.full((n, width), -np.inf, dtype=np.float32),
                   floor=np.full(n, -np.inf, dtype=np.float32))

    @property
    def width(self) -> int:
        return self.neighbours.shape[1]

    def __len__(self) -> int:
        return self.neighbours.shape[0]

    def pairs(self, k: int) -> pd.DataFrame:
        """Each row's first k neighbours as unique pairs: columns ``a < b, similarity``,
        sorted by similarity descending then (a, b)."""
        k = min(k, self.width)
        top = self.neighbours[:, :k]
        keep = top >= 0
        source = np.broadcast_to(np.arange(len(self))[:, None], top.shape)[keep]
        target = top[keep]
        pairs = pd.DataFrame({"a": np.minimum(source, target), "b": np.maximum(source, target),
                              "similarity": self.similarity[:, :k][keep].astype(np.float32)})
        pairs = pairs.drop_duplicates(subset=["a", "b"])
        return pairs.sort_values(
            ["similarity", "a", "b"], ascending=[False, True, True], kind="stable"
        ).reset_index(drop=True)


def dense(matrix) -> np.ndarray:
    """A block of similarities (sparse or not) as a float32 array."""
    return np.asarray(matrix.toarray() if sp.issparse(matrix) else matrix, dtype=np.float32)


def pair_similarity(vectors, a: np.ndarray, b: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Row-wise cosine of unit vectors, a chunk of pairs at a time: rows gathered in
    small chunks stay in the CPU cache (8x faster than 64k-pair chunks, measured)."""
    out = np.zeros(len(a), dtype=np.float32)
    for start in range(0, len(a), chunk):
        x, y = a[start:start + chunk], b[start:start + chunk]
        if sp.issparse(vectors):
            out[start:start + chunk] = np.asarray(vectors[x].multiply(vectors[y]).sum(axis=1)).ravel()
        else:
            out[start:start + chunk] = np.einsum("ij,ij->i", vectors[x], vectors[y])
    return out


#: similarities one block of a search against every row holds at most: ``chunk_rows`` is
#: lowered to keep a block (with its mask and sort indices, ~17 bytes a similarity) under
#: ~0.3 GB, where 1,024 rows x 200k activities held 3.5 GB
MAX_BLOCK = 1 << 24


def _block_rows(chunk_rows: int, columns: int) -> int:
    """Rows per block against ``columns`` rows: ``chunk_rows``, fewer for a large search."""
    return max(1, min(chunk_rows, MAX_BLOCK // max(columns, 1)))


def _similarities(vectors, transposed, rows) -> np.ndarray:
    return dense(vectors[rows] @ transposed)


def _best(block: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of the block: the ``width`` best columns, best first, their values, and
    the best value left out (-inf when none)."""
    columns = block.shape[1]
    if columns > width:
        # the (width+1)-th best lands at index ``width``, the better ones before it
        parted = np.argpartition(-block, width, axis=1)[:, :width + 1]
        chosen = parted[:, :width]
        left_out = np.take_along_axis(block, parted[:, width:], axis=1)[:, 0]
    else:
        chosen = np.broadcast_to(np.arange(columns), block.shape).copy()
        left_out = np.full(block.shape[0], -np.inf, dtype=np.float32)
    values = np.take_along_axis(block, chosen, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    chosen = np.take_along_axis(chosen, order, axis=1)
    values = np.take_along_axis(values, order, axis=1)
    if columns < width:
        pad = width - columns
        chosen = np.pad(chosen, ((0, 0), (0, pad)), constant_values=-1)
        values = np.pad(values, ((0, 0), (0, pad)), constant_values=-np.inf)
    chosen = np.where(np.isfinite(values), chosen, -1)
    return chosen, values.astype(np.float32), left_out.astype(np.float32)


def nearest_lists(
    vectors: np.ndarray | sp.csr_matrix,
    groups: np.ndarray,
    width: int,
    *,
    include_same_group: bool = False,
    chunk_rows: int = 1024,
    rows: np.ndarray | None = None,
    approximate_from: int = 0,
    device: str = "cpu",
) -> NeighbourLists:
    """The neighbour lists of ``rows`` (default: every row): by brute force in chunks (in
    torch on ``device`` when that is not the CPU), or within cells (``approximate_lists``)
    when there are at least ``approximate_from`` dense rows (0: never) and enough rows to
    search to repay learning the cells. Sparse rows are searched by ``split_lists`` (as
    exact) when as many rows are searched, or SPLIT_FROM_COMPARISONS row pairs; a
    rerun's few by one sparse product, which needs no torch."""
    n = vectors.shape[0]
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    lists = NeighbourLists.empty(len(rows), width)
    if n < 2 or width < 1 or len(rows) == 0:
        return lists
    options = {"include_same_group": include_same_group, "chunk_rows": chunk_rows, "rows": rows}
    if device != "cpu" and not sp.issparse(vectors):
        return torch_lists(vectors, groups, width, device=device, **options)
    if sp.issparse(vectors) and (len(rows) >= INDEX_ROWS_SHARE * n
                                 or len(rows) * n >= SPLIT_FROM_COMPARISONS):
        return split_lists(vectors, groups, width, **options)
    if (not sp.issparse(vectors) and 0 < approximate_from <= n
            and len(rows) >= INDEX_ROWS_SHARE * n):
        return approximate_lists(vectors, groups, width, **options)
    codes = pd.factorize(np.asarray(groups))[0]
    # a sparse matrix's transpose is converted to CSR once, not once per chunk
    transposed = vectors.T.tocsr() if sp.issparse(vectors) else vectors.T
    chunk_rows = _block_rows(chunk_rows, n)
    for start in range(0, len(rows), chunk_rows):
        chunk = rows[start:start + chunk_rows]
        block = _similarities(vectors, transposed, chunk)
        block[np.arange(len(chunk)), chunk] = -np.inf
        if not include_same_group:
            block[codes[chunk, None] == codes[None, :]] = -np.inf
        found = _best(block, width)
        part = slice(start, start + len(chunk))
        lists.neighbours[part], lists.similarity[part], lists.floor[part] = found
    return lists


def torch_lists(
    vectors: np.ndarray,
    groups: np.ndarray,
    width: int,
    *,
    device: str,
    include_same_group: bool = False,
    chunk_rows: int = 1024,
    rows: np.ndarray | None = None,
) -> NeighbourLists:
    """``nearest_lists`` by brute force in torch on ``device`` (a GPU's "cuda"; "cpu" runs
    the same code, which the tests compare with the numpy search)."""
    import torch

    n = vectors.shape[0]
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    lists = NeighbourLists.empty(len(rows), width)
    if n < 2 or width < 1 or len(rows) == 0:
        return lists
    codes = torch.as_tensor(pd.factorize(np.asarray(groups))[0], device=device)
    table = torch.as_tensor(np.ascontiguousarray(vectors, dtype=np.float32), device=device)
    chunk_rows = _block_rows(chunk_rows, n)
    for start in range(0, len(rows), chunk_rows):
        chunk = torch.as_tensor(rows[start:start + chunk_rows], device=device)
        block = table[chunk] @ table.T
        block[torch.arange(len(chunk), device=device), chunk] = -torch.inf
        if not include_same_group:
            block[codes[chunk, None] == codes[None, :]] = -torch.inf
        part = slice(start, start + len(chunk))
        lists.neighbours[part], lists.similarity[part], lists.floor[part] = _top(block, width)
    return lists


#: a term (title n-gram) in more than this share of the rows is compared densely
COMMON_TERM_SHARE = 0.05


def split_lists(
    vectors: sp.csr_matrix,
    groups: np.ndarray,
    width: int,
    *,
    include_same_group: bool = False,
    chunk_rows: int = 1024,
    rows: np.ndarray | None = None,
) -> NeighbourLists:
    """``nearest_lists`` of sparse rows, as exact, 2.4-3.1x faster (benchmarks/neighbours.py).

    A sparse product costs the square of each term's row count: title n-grams as common
    as "tion" make it 9 n^2 scattered multiply-adds on IATI. The terms in more than
    ``COMMON_TERM_SHARE`` of the rows (about 370 columns) are multiplied as a dense matrix
    (BLAS), the rest sparsely (0.6 n^2), into one block; torch picks each row's best.
    Blocks are searched side by side, one core each (overlap.machine).
    Still quadratic: title neighbours are weak (the 10th at cosine 0.30 on IATI), shared
    through common n-grams, so rows sharing an n-gram of at most 200 titles held only
    0.74 of them, and 400 candidates from a 256-dimension SVD 0.94 (README, Performance).
    """
    import torch

    n = vectors.shape[0]
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    lists = NeighbourLists.empty(len(rows), width)
    vectors = sp.csr_matrix(vectors, dtype=np.float32)
    common = np.bincount(vectors.indices, minlength=vectors.shape[1]) > COMMON_TERM_SHARE * n
    frequent = torch.from_numpy(np.ascontiguousarray(vectors[:, common].toarray()))
    rare = vectors[:, ~common].tocsr()
    rare_transposed = rare.T.tocsr()
    codes = pd.factorize(np.asarray(groups))[0]
    chunk_rows = _block_rows(chunk_rows, n)

    def block_lists(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        chunk = rows[start:start + chunk_rows]
        block = dense(rare[chunk] @ rare_transposed)
        # the common terms' products added in place: one chunk x n array at a time
        torch.from_numpy(block).addmm_(frequent[chunk], frequent.T)
        block[np.arange(len(chunk)), chunk] = -np.inf
        if not include_same_group:
            block[codes[chunk, None] == codes[None, :]] = -np.inf
        return _top(torch.from_numpy(block), width)

    # blocks side by side, one core each: the sparse product is single-threaded
    starts = range(0, len(rows), chunk_rows)
    for start, found in zip(starts, side_by_side(block_lists, starts)):
        part = slice(start, start + chunk_rows)
        lists.neighbours[part], lists.similarity[part], lists.floor[part] = found
    return lists


def _top(block, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_best`` of a torch block (any device) by ``torch.topk``: each row's ``width``
    best columns and similarities, -1 (and -inf) where a row has no more, and the
    best similarity left out."""
    import torch

    take = min(width + 1, block.shape[1])
    values, chosen = torch.topk(block, take, dim=1)
    values, chosen = values.cpu().numpy(), chosen.cpu().numpy()
    left_out = values[:, width] if take > width else np.full(len(values), -np.inf)
    values, chosen = values[:, :width], chosen[:, :width]
    pad = width - values.shape[1]
    values = np.pad(values, ((0, 0), (0, pad)), constant_values=-np.inf)
    chosen = np.pad(chosen, ((0, 0), (0, pad)), constant_values=-1)
    return (np.where(np.isfinite(values), chosen, -1), values.astype(np.float32),
            left_out.astype(np.float32))


#: a sparse search of fewer rows than INDEX_ROWS_SHARE is split (``split_lists``) past
#: this many row pairs: a 1% rerun of 50k activities (1,000 rows) took 3.0 s by one sparse
#: product, 2.2 s split on one core; the IATI file's (292 rows, 4.3M pairs) keeps the one
SPLIT_FROM_COMPARISONS = 25_000_000
#: the approximate path is taken only when at least this share of the rows is searched:
#: a rerun's few changed rows are compared with every row faster than cells are learnt
INDEX_ROWS_SHARE = 0.05
#: k-means parts the rows into about this many cells per square root of the rows
CELLS_PER_ROOT = 0.5
#: each row is compared with the rows of its this many nearest cells
PROBES = 28
#: k-means learns its cells from at most this many rows per cell
TRAINING_ROWS_PER_CELL = 64


def _faiss():
    try:
        import faiss
    except ImportError:
        raise ConfigError(
            "searching this many activities approximately needs the Python package "
            "'faiss-cpu': install it with `pip install faiss-cpu` (or `make setup`), or set "
            "neighbours.approximate_from = 0 for an exact search (slower, quadratic)"
        ) from None
    return faiss


def _merge(lists: NeighbourLists, part: np.ndarray, held: np.ndarray, chosen: np.ndarray,
           values: np.ndarray, left_out: np.ndarray) -> None:
    """Fold a cell's best rows (``chosen`` positions in ``held``) into the lists of ``part``."""
    found = np.where(chosen >= 0, held[np.maximum(chosen, 0)], -1)
    neighbours = np.concatenate([lists.neighbours[part], found], axis=1)
    similarity = np.concatenate([lists.similarity[part], values], axis=1)
    best, kept, dropped = _best(similarity, lists.width)
    lists.neighbours[part] = np.where(best >= 0, np.take_along_axis(neighbours, np.maximum(best, 0),
                                                                    axis=1), -1)
    lists.similarity[part] = kept
    lists.floor[part] = np.maximum(lists.floor[part], np.maximum(left_out, dropped))


def approximate_lists(
    vectors: np.ndarray,
    groups: np.ndarray,
    width: int,
    *,
    include_same_group: bool = False,
    chunk_rows: int = 1024,
    rows: np.ndarray | None = None,
) -> NeighbourLists:
    """``nearest_lists`` within cells: about n^1.5 comparisons instead of n^2.

    k-means (faiss) parts the rows into about sqrt(n)/2 cells; each row is compared with
    the rows of its ``PROBES`` nearest cells, a cell at a time with all the rows that
    probe it, by the same matrix products as the brute-force search: an inverted-file
    index whose lists are scanned by BLAS. Similarities are exact; a neighbour in a
    cell not probed is missed. A row with fewer rows of other actors in its cells than
    its list holds is searched exactly. The floor is the best similarity the cells held
    that the list left out: the rows of other cells are taken to lie below it.

    Dense vectors only: title n-grams (sparse), parted by their projection on 128 main
    directions into sqrt(n) cells, kept 0.88 of the exact neighbours at 48 probes on IATI.
    """
    faiss = _faiss()
    n = vectors.shape[0]
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    lists = NeighbourLists.empty(len(rows), width)
    codes = pd.factorize(np.asarray(groups))[0]
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    cells = max(1, min(n // 2, int(CELLS_PER_ROOT * np.sqrt(n))))
    kmeans = faiss.Kmeans(vectors.shape[1], cells, niter=10, seed=1, spherical=True,
                          max_points_per_centroid=TRAINING_ROWS_PER_CELL,
                          min_points_per_centroid=1, verbose=False)
    kmeans.train(vectors)
    home = kmeans.index.search(vectors, 1)[1][:, 0]
    probed = kmeans.index.search(vectors[rows], min(PROBES, cells))[1]
    members = np.argsort(home, kind="stable")
    bounds = np.searchsorted(home[members], np.arange(cells + 1))
    # (position in rows, cell probed) pairs, by cell
    asking = np.repeat(np.arange(len(rows)), probed.shape[1])
    by_cell = np.argsort(probed.ravel(), kind="stable")
    asking, starts = asking[by_cell], np.searchsorted(probed.ravel()[by_cell], np.arange(cells + 1))
    for cell in range(cells):
        held = members[bounds[cell]:bounds[cell + 1]]
        mine = asking[starts[cell]:starts[cell + 1]]
        if len(held) == 0 or len(mine) == 0:
            continue
        transposed = vectors[held].T
        for start in range(0, len(mine), chunk_rows):
            part = mine[start:start + chunk_rows]
            chunk = rows[part]
            block = _similarities(vectors, transposed, chunk)
            block[held[None, :] == chunk[:, None]] = -np.inf
            if not include_same_group:
                block[codes[chunk, None] == codes[None, held]] = -np.inf
            _merge(lists, part, held, *_best(block, width))
    sizes = np.bincount(codes)
    available = np.minimum(width, n - 1 if include_same_group else n - sizes[codes[rows]])
    short = np.flatnonzero((lists.neighbours >= 0).sum(axis=1) < available)
    if len(short):
        exact = nearest_lists(vectors, groups, width, include_same_group=include_same_group,
                              chunk_rows=chunk_rows, rows=rows[short])
        lists.neighbours[short], lists.similarity[short], lists.floor[short] = (
            exact.neighbours, exact.similarity, exact.floor)
    return lists


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
    lists = nearest_lists(vectors, groups, k, include_same_group=include_same_group,
                          chunk_rows=chunk_rows)
    return lists.pairs(k)


def positions_now(carried: np.ndarray, previous_rows: int) -> np.ndarray:
    """Per row of the last run: its position in this run, -1 when changed or gone
    (``carried`` maps the other way: this run's row -> the last run's, or -1)."""
    now = np.full(previous_rows, -1, dtype=np.int64)
    kept = np.flatnonzero(carried >= 0)
    now[carried[kept]] = kept
    return now


def update_lists(
    previous: NeighbourLists,
    carried: np.ndarray,
    vectors: np.ndarray | sp.csr_matrix,
    groups: np.ndarray,
    k: int,
    *,
    include_same_group: bool = False,
    chunk_rows: int = 1024,
    approximate_from: int = 0,
    device: str = "cpu",
) -> NeighbourLists:
    """This run's lists from the last run's, comparing only what changed.

    ``carried[i]`` is row i's position in the last run when its vector is unchanged,
    else -1 (a new or changed row). New and changed rows are searched in full; an
    unchanged row keeps its unchanged neighbours and gains the changed rows above
    its floor. Where that leaves fewer than k known neighbours (too many of them
    changed or went away) the row is searched again, so every row's first k equal
    a full search's.
    """
    n = vectors.shape[0]
    width = previous.width
    carried = np.asarray(carried, dtype=np.int64)
    moved = positions_now(carried, len(previous))
    kept = np.flatnonzero(carried >= 0)
    dirty = np.flatnonzero(carried < 0)
    lists = NeighbourLists.empty(n, width)
    options = {"include_same_group": include_same_group, "chunk_rows": chunk_rows,
               "approximate_from": approximate_from, "device": device}
    fresh = nearest_lists(vectors, groups, width, rows=dirty, **options)
    lists.neighbours[dirty], lists.similarity[dirty], lists.floor[dirty] = (
        fresh.neighbours, fresh.similarity, fresh.floor)
    codes = pd.factorize(np.asarray(groups))[0]
    # transposed once (a sparse transpose is converted to CSR once, not per chunk)
    dirty_transposed = vectors[dirty].T.tocsr() if sp.issparse(vectors) else vectors[dirty].T
    again = []
    for start in range(0, len(kept), chunk_rows):
        rows = kept[start:start + chunk_rows]
        old = carried[rows]
        # the unchanged neighbours, at their new positions, with their known similarity
        neighbours = previous.neighbours[old]
        neighbours = np.where(neighbours >= 0, moved[np.maximum(neighbours, 0)], -1)
        similarity = np.where(neighbours >= 0, previous.similarity[old], -np.inf)
        floor = previous.floor[old]
        # the changed rows that now rank above the floor
        gained = _similarities(vectors, dirty_transposed, rows)
        if not include_same_group:
            gained[codes[rows, None] == codes[None, dirty]] = -np.inf
        gained[gained <= floor[:, None]] = -np.inf
        candidates = np.concatenate([similarity, gained], axis=1)
        positions = np.concatenate([neighbours, np.broadcast_to(dirty, gained.shape)], axis=1)
        best, values, left_out = _best(candidates, width)
        taken = np.take_along_axis(positions, np.maximum(best, 0), axis=1)
        lists.neighbours[rows] = np.where(best >= 0, taken, -1)
        lists.similarity[rows] = values
        lists.floor[rows] = np.maximum(floor, left_out)
        known = (lists.neighbours[rows] >= 0).sum(axis=1)
        # fewer than k known, while rows were left out: the k-th could be among them
        again.append(rows[(known < min(k, width)) & np.isfinite(lists.floor[rows])])
    again = np.concatenate(again) if again else np.zeros(0, dtype=np.int64)
    if len(again):
        redo = nearest_lists(vectors, groups, width, rows=again, **options)
        lists.neighbours[again], lists.similarity[again], lists.floor[again] = (
            redo.neighbours, redo.similarity, redo.floor)
    return lists
