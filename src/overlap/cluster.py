"""Group activities linked by reported pairs into overlap clusters, and label them.

Clusters are connected components of the pair graph. Chains of moderate links can
join unrelated work into one giant component, so a component larger than
``max_size`` is split again using only its stronger links.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from overlap.config import ClusterConfig
from overlap.normalise import activity_keys
from overlap.score import TextIndex


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = sp.coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _members(components: np.ndarray) -> list[np.ndarray]:
    """Each component's rows (ascending), for components of two rows or more: one sort,
    not a scan of every row per component (quadratic at 200k activities)."""
    order = np.argsort(components, kind="stable")
    starts = np.flatnonzero(np.diff(components[order], prepend=-1))
    groups = np.split(order, starts[1:])
    return [group for group in groups if len(group) > 1]


def _split(members: np.ndarray, pairs: pd.DataFrame, max_size: int) -> list[np.ndarray]:
    """Members of one component, split by dropping its weakest links until small enough.

    Raising the threshold only ever splits components, so the lowest threshold that
    brings every group under ``max_size`` is found by binary search.
    """
    inside = pairs[pairs["a"].isin(members) & pairs["b"].isin(members)]
    local = {m: i for i, m in enumerate(members)}
    a = inside["a"].map(local).to_numpy()
    b = inside["b"].map(local).to_numpy()
    scores = inside["score"].to_numpy()
    thresholds = np.unique(scores)

    def groups_at(threshold: float) -> list[np.ndarray]:
        strong = scores >= threshold
        labels = _components(len(members), a[strong], b[strong])
        sizes = np.bincount(labels)
        return [members[labels == label] for label in np.flatnonzero(sizes > 1)]

    low, high = 1, len(thresholds) - 1
    best: list[np.ndarray] | None = None
    while low <= high:
        middle = (low + high) // 2
        groups = groups_at(thresholds[middle])
        if groups and max(len(g) for g in groups) <= max_size:
            best, high = groups, middle - 1
        else:
            low = middle + 1
    return best if best else [members]


def cluster_id(keys: list[str]) -> str:
    """An id from the members' (actor, id) keys, so it does not depend on run order."""
    digest = hashlib.sha1("\n".join(sorted(keys)).encode("utf-8")).hexdigest()
    return "C" + digest[:8]


def assign_clusters(
    activities: pd.DataFrame, pairs: pd.DataFrame, config: ClusterConfig
) -> np.ndarray:
    """A cluster id per activity ('' when it is in no reported pair)."""
    n = len(activities)
    labels = np.full(n, "", dtype=object)
    if pairs.empty:
        return labels
    components = _components(n, pairs["a"].to_numpy(), pairs["b"].to_numpy())
    keys = activity_keys(activities)
    for members in _members(components):
        groups = [members] if len(members) <= config.max_size else _split(
            members, pairs, config.max_size
        )
        for group in groups:
            labels[group] = cluster_id(list(keys[group]))
    return labels


def label_clusters(labels: np.ndarray, counts: sp.csr_matrix, vocabulary: np.ndarray,
                   terms: int) -> dict[str, str]:
    """Each cluster's most distinctive terms, c-TF-IDF style.

    All texts of a cluster form one document (the sum of its activities' word
    counts, which the run's TextIndex already holds); a term weighs by its
    frequency in the cluster times log(1 + average cluster size in words / its
    frequency across clusters), so words every cluster uses fall away.
    """
    clustered = np.flatnonzero(labels != "")
    if len(clustered) == 0:
        return {}
    names = sorted(set(labels[clustered]))
    row_of = {name: row for row, name in enumerate(names)}
    membership = sp.csr_matrix(
        (np.ones(len(clustered)), ([row_of[name] for name in labels[clustered]], clustered)),
        shape=(len(names), len(labels)),
    )
    counts = sp.csr_matrix(membership @ counts.astype(np.float64))
    if counts.sum() == 0:
        return dict.fromkeys(names, "")
    term_frequency = sp.csr_matrix(counts.multiply(1.0 / np.maximum(counts.sum(axis=1), 1)))
    average_words = counts.sum() / len(names)
    idf = np.log1p(average_words / np.maximum(np.asarray(counts.sum(axis=0)).ravel(), 1e-12))
    weights = sp.csr_matrix(term_frequency.multiply(idf))
    result = {}
    for row, name in enumerate(names):
        line = weights.getrow(row)
        order = np.argsort(-line.data, kind="stable")
        chosen: list[str] = []
        for term in vocabulary[line.indices[order]]:
            if any(term in c or c in term for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) >= terms:
                break
        result[name] = ", ".join(chosen)
    return result


def _joined(values) -> str:
    seen: dict[str, None] = {}
    for value in values:
        for item in value if isinstance(value, tuple) else (value,):
            if item:
                seen.setdefault(item, None)
    return "; ".join(seen)


def summarise_clusters(
    activities: pd.DataFrame, labels: np.ndarray, config: ClusterConfig, index: TextIndex
) -> pd.DataFrame:
    """One row per cluster: label, size, actors, countries, sectors, activity ids."""
    columns = ["cluster_id", "label", "size", "actors", "countries", "sectors", "activity_ids"]
    names = label_clusters(labels, index.counts, index.vocabulary, config.label_terms)
    rows = []
    for name, members in activities.groupby(labels, sort=False):
        if not name:
            continue
        rows.append({
            "cluster_id": name,
            "label": names.get(name, ""),
            "size": len(members),
            "actors": _joined(members["actor"]),
            "countries": _joined(members["countries"]),
            "sectors": _joined(members["sectors"]),
            "activity_ids": _joined(members["id"]),
        })
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["size", "cluster_id"], ascending=[False, True]).reset_index(drop=True)
