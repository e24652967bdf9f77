"""Candidate pairs beyond nearest neighbours: declared links and shared structure.

Text neighbours miss two kinds of pairs a reviewer must see: activities that
declare each other (an IATI funder naming the implementer's activity: the same
money reported twice), and, in 3W tables where texts are a few words, several
actors doing the same activity in the same admin area.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from overlap.config import NeighboursConfig
from overlap.neighbours import (
    NeighbourLists,
    dense,
    nearest_lists,
    pair_similarity,
    positions_now,
    update_lists,
)
from overlap.normalise import fold
from overlap.places import location_key
from overlap.text import label_like

#: link type -> how it reads in a reason
LINK_WORDS = {
    "provider-activity-id": "names it as the provider of its funds",
    "receiver-activity-id": "names it as the receiver of its funds",
    "related-activity:parent": "names it as its parent activity",
    "related-activity:child": "names it as its child activity",
    "related-activity:sibling": "names it as a sibling activity",
    "related-activity:co-funded": "names it as a co-funded activity",
    "related-activity:third-party": "names it as a third-party activity",
}

#: links between separate shares of one programme: they make the pair a candidate, scored
#: like any other (related work, not the same money reported twice)
SHARE_LINKS = ("related-activity:sibling", "related-activity:third-party")

#: a structural group larger than this many activities is not paired (too generic)
MAX_GROUP = 40


def declared_pairs(activities: pd.DataFrame, links: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Pairs of different actors that one of them declares; counts of unmatched links.

    A pair whose only link is a sibling or third-party one is returned with an empty
    ``declared``: a candidate to score, not a funding chain.
    """
    columns = ["a", "b", "declared"]
    stats = {"declared_links": int(len(links)), "funding_chain_pairs": 0, "sibling_pairs": 0,
             "dangling_references": 0, "same_actor_links": 0}
    if links.empty:
        return pd.DataFrame(columns=columns), stats
    positions: dict[str, list[int]] = {}
    for position, activity_id in enumerate(activities["id"]):
        positions.setdefault(activity_id, []).append(position)
    actors = activities["actor_key"].to_numpy()
    names = activities["actor"].to_numpy()
    found: dict[tuple[int, int], str] = {}
    for link in links.itertuples():
        sources = positions.get(link.from_id, [])
        targets = positions.get(link.to_id, [])
        if not sources or not targets:
            stats["dangling_references"] += 1
            continue
        for x, y in itertools.product(sources, targets):
            if actors[x] == actors[y]:
                stats["same_actor_links"] += 1
                continue
            words = LINK_WORDS.get(link.type, f"declares it ({link.type})").replace(
                "names it", f"names {names[y]}'s activity {link.to_id}"
            )
            reason = f"declared link: {names[x]}'s activity {link.from_id} {words} ({link.element})"
            key = (min(x, y), max(x, y))
            if link.type in SHARE_LINKS:
                found.setdefault(key, "")
            elif not found.get(key):
                found[key] = reason
    stats["funding_chain_pairs"] = sum(1 for reason in found.values() if reason)
    stats["sibling_pairs"] = len(found) - stats["funding_chain_pairs"]
    frame = pd.DataFrame(
        [(a, b, reason) for (a, b), reason in found.items()], columns=columns
    )
    return frame.astype({"a": np.int64, "b": np.int64}), stats


def structural_pairs(activities: pd.DataFrame) -> pd.DataFrame:
    """Same activity label, same admin area, different actors: every such pair.

    Only for label-like texts (3W tables), where text neighbours cannot tell
    apart hundreds of identical activity names in different places.
    """
    rows = []
    for position in np.flatnonzero(label_like(activities)):
        locations = activities["locations"].iat[position]
        text = fold(activities["title"].iat[position] or activities["description"].iat[position])
        for item in locations:
            rows.append((text, location_key(item)[-1], position))
    if not rows:
        return pd.DataFrame({"a": [], "b": []}, dtype=np.int64)
    groups = pd.DataFrame(rows, columns=["text", "place", "position"])
    actors = activities["actor_key"].to_numpy()
    pairs = set()
    for _, group in groups.groupby(["text", "place"], sort=False):
        members = group["position"].unique()
        if len(members) < 2 or len(members) > MAX_GROUP:
            continue
        for x, y in itertools.combinations(sorted(members), 2):
            if actors[x] != actors[y]:
                pairs.add((x, y))
    return pd.DataFrame(sorted(pairs), columns=["a", "b"], dtype=np.int64)


#: among a named organisation's activities, one in a country of this activity ranks
#: this much higher, one only in other countries this much lower (a grant and the
#: project it pays for are in one place); similarity is title + text cosine, up to 2
NAMED_COUNTRY_BONUS = 0.5


def _country_incidence(activities: pd.DataFrame) -> sp.csr_matrix:
    """Activities x countries, 1 where the activity names the country."""
    codes: dict[str, int] = {}
    rows, columns = [], []
    for position, countries in enumerate(activities["countries"]):
        for country in countries:
            rows.append(position)
            columns.append(codes.setdefault(country, len(codes)))
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)),
                         shape=(len(activities), max(len(codes), 1)))


@dataclass
class NamedPairs:
    """``named_actor_pairs`` per organisation key: a rerun reuses a key's pairs when none
    of the activities naming or holding it changed.

    The pairs of ``keys[i]`` are ``pairs[offsets[i]:offsets[i + 1]]``; ``counts[i]``
    holds how many activities named and held the key.
    """

    keys: np.ndarray
    counts: np.ndarray
    offsets: np.ndarray
    pairs: np.ndarray

    @classmethod
    def empty(cls) -> NamedPairs:
        return cls(keys=np.zeros(0, dtype=object), counts=np.zeros((0, 2), dtype=np.int64),
                   offsets=np.zeros(1, dtype=np.int64), pairs=np.zeros((0, 2), dtype=np.int64))

    def frame(self) -> pd.DataFrame:
        """Every key's pairs, once each."""
        pairs = np.unique(self.pairs, axis=0) if len(self.pairs) else self.pairs
        return pd.DataFrame(pairs, columns=["a", "b"], dtype=np.int64)


def _named_groups(naming: dict[str, list[int]], holders: dict[str, list[int]],
                  actors: np.ndarray):
    """(key, sources, targets) to compare, with no comparison done twice or in vain.

    Keys held by the same activities (an organisation's name and its acronym) are one
    group: each source's closest targets do not depend on which key named them. A
    source of the actor that holds every target has nothing to compare (an agency
    naming its own country as funder).
    """
    groups: dict[bytes, tuple[str, set[int], np.ndarray]] = {}
    for key in sorted(naming):
        targets = np.unique(holders[key])
        signature = targets.tobytes()
        if signature not in groups:
            groups[signature] = (key, set(), targets)
        groups[signature][1].update(naming[key])
    for key, sources, targets in groups.values():
        sources = np.array(sorted(sources), dtype=np.int64)
        owners = np.unique(actors[targets])
        if len(owners) == 1:
            sources = sources[actors[sources] != owners[0]]
        if len(sources):
            yield key, sources, targets


#: similarities held at once when comparing a named organisation's activities: a key
#: named by 20k activities and held by 10k would otherwise need 200M at once (GBs)
NAMED_BLOCK = 1 << 22


def _closest_targets(sources: np.ndarray, targets: np.ndarray, vectors, index,
                     places: sp.csr_matrix, has_country: np.ndarray, actors: np.ndarray,
                     per_actor: int) -> np.ndarray:
    """Per source, its ``per_actor`` best targets of other actors, as pairs (smaller row
    first); sources are compared a block at a time, so memory stays bounded."""
    title_targets = index.titles[targets].T.tocsr()
    vector_targets = vectors[targets].T
    if sp.issparse(vector_targets):
        vector_targets = vector_targets.tocsr()
    place_targets = places[targets].T.tocsr()
    take = min(per_actor, len(targets))
    step = max(1, NAMED_BLOCK // len(targets))
    found = []
    for start in range(0, len(sources), step):
        rows = sources[start:start + step]
        similarity = dense(index.titles[rows] @ title_targets)
        similarity += dense(vectors[rows] @ vector_targets)
        shared = dense(places[rows] @ place_targets) > 0
        differ = has_country[rows][:, None] & has_country[targets][None, :] & ~shared
        similarity += NAMED_COUNTRY_BONUS * (shared.astype(np.float32) - differ)
        similarity[actors[rows][:, None] == actors[targets][None, :]] = -np.inf
        best = np.argpartition(-similarity, take - 1, axis=1)[:, :take]
        keep = np.isfinite(np.take_along_axis(similarity, best, axis=1))
        x = np.broadcast_to(rows[:, None], best.shape)[keep]
        y = targets[best[keep]]
        found.append(np.column_stack([np.minimum(x, y), np.maximum(x, y)]))
    return np.concatenate(found)


def named_actor_pairs(activities: pd.DataFrame, vectors, index, per_actor: int,
                      previous: NamedPairs | None = None,
                      carried: np.ndarray | None = None) -> NamedPairs:
    """For each activity, the activities most like it of each organisation it names.

    A funder's grant and the implementer's project often share few words, but
    one names the other: among the named organisation's activities, the ones
    closest in title and text, and in the same country, are the likely counterpart.
    With ``previous`` (the last run's, whose rows ``carried`` maps), a key whose
    activities are all unchanged keeps its pairs.
    """
    if per_actor < 1:
        return NamedPairs.empty()
    holders: dict[str, list[int]] = {}
    for position, keys in enumerate(activities["actor_keys"]):
        for key in keys:
            holders.setdefault(key, []).append(position)
    naming: dict[str, list[int]] = {}
    for position, keys in enumerate(activities["named_keys"]):
        for key in keys:
            if key in holders:
                naming.setdefault(key, []).append(position)
    actors = activities["actor_key"].to_numpy()
    places = _country_incidence(activities)
    has_country = np.diff(places.indptr) > 0
    known: dict[str, int] = {}
    if previous is not None and carried is not None:
        known = {key: i for i, key in enumerate(previous.keys)}
        changed = carried < 0
        now = positions_now(carried, max(int(previous.pairs.max(initial=-1)),
                                         int(carried.max(initial=-1))) + 1)
    keys, counts, found = [], [], []
    for key, sources, targets in _named_groups(naming, holders, actors):
        keys.append(key)
        counts.append((len(sources), len(targets)))
        i = known.get(key)
        kept = np.zeros((0, 2), dtype=np.int64)
        if (i is not None and tuple(previous.counts[i]) == counts[-1]
                and not changed[targets].any()):
            # the same targets: an unchanged source keeps its closest ones, and only the
            # changed sources are compared (of thousands naming a key, a rerun changes few)
            kept = now[previous.pairs[previous.offsets[i]:previous.offsets[i + 1]]]
            kept = kept[(kept >= 0).all(axis=1)]
            sources = sources[changed[sources]]
        fresh = _closest_targets(sources, targets, vectors, index, places, has_country,
                                 actors, per_actor) if len(sources) else kept[:0]
        found.append(np.concatenate([kept, fresh]))
    if not keys:
        return NamedPairs.empty()
    sizes = np.array([len(f) for f in found], dtype=np.int64)
    return NamedPairs(
        keys=np.array(keys, dtype=object), counts=np.array(counts, dtype=np.int64),
        offsets=np.concatenate([[0], np.cumsum(sizes)]),
        pairs=np.concatenate(found).astype(np.int64).reshape(-1, 2),
    )


def merge_candidates(neighbours: pd.DataFrame, vectors, *extra: pd.DataFrame) -> pd.DataFrame:
    """Union of neighbour pairs and extra pairs, one row per pair, with a ``declared`` reason.

    A pair found twice keeps its declared reason; similarities are computed only
    for the pairs that lack one.
    """
    frames = [neighbours.assign(declared="")]
    for frame in extra:
        if frame.empty:
            continue
        a, b = frame["a"].to_numpy(), frame["b"].to_numpy()
        frames.append(pd.DataFrame({
            "a": np.minimum(a, b), "b": np.maximum(a, b), "similarity": np.nan,
            "declared": frame["declared"].to_numpy() if "declared" in frame else "",
        }))
    merged = pd.concat(frames, ignore_index=True)
    merged = merged.sort_values("declared", ascending=False, kind="stable")
    merged = merged.drop_duplicates(subset=["a", "b"], keep="first")
    missing = merged["similarity"].isna().to_numpy()
    merged.loc[missing, "similarity"] = pair_similarity(
        vectors, merged["a"].to_numpy()[missing], merged["b"].to_numpy()[missing])
    merged = merged.astype({"a": np.int64, "b": np.int64, "similarity": np.float32})
    return merged.sort_values(["similarity", "a", "b"], ascending=[False, True, True]).reset_index(drop=True)


#: neighbour lists are kept this many times k deep, so that a rerun can lose some
#: of a row's neighbours to changes and still know its top k without a new search
LIST_DEPTH = 2


@dataclass
class SearchLists:
    """A run's text and title neighbour lists and named-organisation pairs, which the
    next run updates."""

    text: NeighbourLists
    title: NeighbourLists
    named: NamedPairs


@dataclass
class PreviousLists:
    """The last run's lists, for the rows whose ``carried`` position is not -1
    (a list is None when it cannot be reused: vectors or vocabularies changed)."""

    carried: np.ndarray
    text: NeighbourLists | None
    title: NeighbourLists | None
    #: reusable only when both the vectors and the title vocabulary are
    named: NamedPairs | None = None


def _search(vectors, groups, k: int, config: NeighboursConfig, carried: np.ndarray,
            previous: NeighbourLists | None, device: str) -> NeighbourLists:
    if k < 1:
        return NeighbourLists.empty(vectors.shape[0], 0)
    options = {"include_same_group": config.include_same_actor, "chunk_rows": config.chunk_rows,
               "approximate_from": config.approximate_from, "device": device}
    if previous is not None and previous.width == LIST_DEPTH * k:
        return update_lists(previous, carried, vectors, groups, k, **options)
    return nearest_lists(vectors, groups, LIST_DEPTH * k, **options)


def generate_candidates(
    activities: pd.DataFrame,
    vectors,
    links: pd.DataFrame,
    config: NeighboursConfig,
    index,
    previous: PreviousLists | None = None,
    device: str = "cpu",
) -> tuple[pd.DataFrame, dict, SearchLists]:
    """Every pair worth scoring: text neighbours, declared links, shared structure.

    ``index`` is the run's TextIndex (sparse lexical views of the activities);
    ``previous`` the last run's neighbour lists, updated instead of searched again;
    ``device`` where a dense search runs (overlap.embed.resolve_device).
    Returns columns ``a, b, similarity, declared``, the declared-link counts, and
    this run's neighbour lists.
    """
    groups = (
        np.arange(len(activities)) if config.include_same_actor
        else activities["actor_key"].to_numpy()
    )
    previous = previous or PreviousLists(carried=np.full(len(activities), -1), text=None, title=None)
    lists = SearchLists(
        text=_search(vectors, groups, config.k, config, previous.carried, previous.text, device),
        title=_search(index.titles, groups, config.k_title, config, previous.carried,
                      previous.title, device),
        named=named_actor_pairs(activities, vectors, index, config.per_named_actor,
                                previous.named, previous.carried),
    )
    declared, link_stats = declared_pairs(activities, links)
    candidates = merge_candidates(
        lists.text.pairs(config.k), vectors, lists.title.pairs(config.k_title)[["a", "b"]],
        lists.named.frame(), declared, structural_pairs(activities),
    )
    return candidates, link_stats, lists
