"""Exact top-k neighbours among activities of other actors, in bounded memory, and the
similarity of given pairs.

Rows are compared a chunk at a time (chunk x N similarities), so memory grows with
N, never with N x N, and the result equals a brute-force search.

Past a size (``approximate_from`` rows) the dense text vectors are searched with an
approximate index instead (faiss, ``approximate_lists``): sub-quadratic, recall of the
exact top k >= 0.99 on the IATI embeddings (benchmarks/neighbours.py). On a GPU the
exact search runs in torch (``torch_lists``), whose chunks are as exact as numpy's.

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
    torch on ``device`` when that is not the CPU), or from an approximate index when there
    are at least ``approximate_from`` dense vectors (0: never) and enough rows to search
    to repay building it."""
    n = vectors.shape[0]
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    lists = NeighbourLists.empty(len(rows), width)
    if n < 2 or width < 1 or len(rows) == 0:
        return lists
    options = {"include_same_group": include_same_group, "chunk_rows": chunk_rows, "rows": rows}
    if device != "cpu" and not sp.issparse(vectors):
        return torch_lists(vectors, groups, width, device=device, **options)
    if (not sp.issparse(vectors) and 0 < approximate_from <= n
            and len(rows) >= INDEX_ROWS_SHARE * n):
        return approximate_lists(vectors, groups, width, **options)
    codes = pd.factorize(np.asarray(groups))[0]
    # a sparse matrix's transpose is converted to CSR once, not once per chunk
    transposed = vectors.T.tocsr() if sp.issparse(vectors) else vectors.T
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
    take = min(width + 1, n)
    for start in range(0, len(rows), chunk_rows):
        chunk = torch.as_tensor(rows[start:start + chunk_rows], device=device)
        block = table[chunk] @ table.T
        block[torch.arange(len(chunk), device=device), chunk] = -torch.inf
        if not include_same_group:
            block[codes[chunk, None] == codes[None, :]] = -torch.inf
        values, chosen = torch.topk(block, take, dim=1)
        values, chosen = values.cpu().numpy(), chosen.cpu().numpy()
        left_out = values[:, width] if take > width else np.full(len(chunk), -np.inf)
        values, chosen = _padded(values[:, :width], chosen[:, :width], width)
        part = slice(start, start + len(chunk))
        lists.neighbours[part], lists.similarity[part], lists.floor[part] = chosen, values, left_out
    return lists


def _padded(values: np.ndarray, chosen: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Lists ``width`` wide, -1 (and -inf) where a row has no more neighbours."""
    pad = width - values.shape[1]
    values = np.pad(values, ((0, 0), (0, pad)), constant_values=-np.inf)
    chosen = np.pad(chosen, ((0, 0), (0, pad)), constant_values=-1)
    return values.astype(np.float32), np.where(np.isfinite(values), chosen, -1)


#: the approximate path is taken only when at least this share of the rows is searched:
#: a rerun's few changed rows are compared with every row faster than an index is built
INDEX_ROWS_SHARE = 0.05
#: each row asks the index for this many more neighbours than its list holds, to make up
#: for the ones of its own actor that are dropped
SEARCH_MARGIN = 20
#: rows asked of the index at once (bounds the memory of the answers)
QUERY_ROWS = 16384


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


def approximate_lists(
    vectors: np.ndarray,
    groups: np.ndarray,
    width: int,
    *,
    include_same_group: bool = False,
    chunk_rows: int = 1024,
    rows: np.ndarray | None = None,
) -> NeighbourLists:
    """``nearest_lists`` from an approximate index (faiss): near-linear in the rows.

    Each row asks for ``SEARCH_MARGIN`` more neighbours than it keeps; a row whose
    answers were mostly its own actor's asks again with that actor's rows excluded,
    and a row still short is searched exactly. The floor is the best similarity the
    index answered but the list left out, or the index's last answer: the index
    guesses that the rest lie below it.
    """
    n = vectors.shape[0]
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    lists = NeighbourLists.empty(len(rows), width)
    codes = pd.factorize(np.asarray(groups))[0]
    index, parameters = _build_index(_faiss(), np.ascontiguousarray(vectors, dtype=np.float32))
    depth = min(n, width + SEARCH_MARGIN)
    for start in range(0, len(rows), QUERY_ROWS):
        chunk = rows[start:start + QUERY_ROWS]
        similarity, found = index.search(vectors[chunk], depth, params=parameters(None))
        part = slice(start, start + len(chunk))
        lists.neighbours[part], lists.similarity[part], lists.floor[part] = _answers(
            similarity, found, chunk, codes, width, include_same_group)
    sizes = np.bincount(codes)
    available = np.minimum(width, n - 1 if include_same_group else n - sizes[codes[rows]])
    short = np.flatnonzero((lists.neighbours >= 0).sum(axis=1) < available)
    if not include_same_group:
        short = _ask_again(index, parameters, vectors, codes, rows, short, lists, depth)
    if len(short):
        exact = nearest_lists(vectors, groups, width, include_same_group=include_same_group,
                              chunk_rows=chunk_rows, rows=rows[short])
        lists.neighbours[short], lists.similarity[short], lists.floor[short] = (
            exact.neighbours, exact.similarity, exact.floor)
    return lists


def _answers(similarity: np.ndarray, found: np.ndarray, chunk: np.ndarray, codes: np.ndarray,
             width: int, include_same_group: bool):
    """An index's answers for ``chunk`` as lists: self and (unless asked) the same actor
    dropped, the best ``width`` kept."""
    valid = (found >= 0) & (found != chunk[:, None])
    if not include_same_group:
        valid &= codes[np.maximum(found, 0)] != codes[chunk, None]
    chosen, values, left_out = _best(np.where(valid, similarity, -np.inf), width)
    neighbours = np.where(chosen >= 0, np.take_along_axis(found, np.maximum(chosen, 0), axis=1), -1)
    floor = np.maximum(left_out, np.where(found[:, -1] >= 0, similarity[:, -1], -np.inf))
    return neighbours, values, floor.astype(np.float32)


def _ask_again(index, parameters, vectors, codes, rows, short, lists, depth) -> np.ndarray:
    """Search the short rows again, their own actor's rows excluded; the rows still short."""
    faiss = _faiss()
    width = lists.width
    still = []
    for code in np.unique(codes[rows[short]]):
        mine = short[codes[rows[short]] == code]
        members = faiss.IDSelectorBatch(np.flatnonzero(codes == code).astype(np.int64))
        others = faiss.IDSelectorNot(members)
        similarity, found = index.search(vectors[rows[mine]], depth, params=parameters(others))
        answers = _answers(similarity, found, rows[mine], codes, width, False)
        lists.neighbours[mine], lists.similarity[mine], lists.floor[mine] = answers
        available = min(width, len(codes) - len(np.flatnonzero(codes == code)))
        still.append(mine[(answers[0] >= 0).sum(axis=1) < available])
    return np.concatenate(still) if still else short


#: the index (chosen by measurement, benchmarks/neighbours.py): "hnsw" or "ivf"
INDEX_KIND = "hnsw"
HNSW_LINKS = 32
HNSW_BUILD_DEPTH = 100
HNSW_SEARCH_DEPTH = 128
#: IVF: lists per square root of the rows, and lists searched per query
IVF_LISTS_PER_ROOT = 4
IVF_PROBES = 32


def _build_index(faiss, vectors: np.ndarray):
    """The index over every vector, and the search parameters for a row selector."""
    dim = vectors.shape[1]
    if INDEX_KIND == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_BUILD_DEPTH
        index.add(vectors)
        return index, lambda selector: faiss.SearchParametersHNSW(
            sel=selector, efSearch=HNSW_SEARCH_DEPTH)
    lists = max(1, int(IVF_LISTS_PER_ROOT * np.sqrt(len(vectors))))
    quantiser = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantiser, dim, lists, faiss.METRIC_INNER_PRODUCT)
    index.cp.min_points_per_centroid = 1
    index.train(vectors)
    index.add(vectors)
    return index, lambda selector: faiss.SearchParametersIVF(sel=selector, nprobe=IVF_PROBES)


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
