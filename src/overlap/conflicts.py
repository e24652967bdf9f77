"""Conflicting strategies: actors working on the same people and places in opposite directions.

A strategy *axis* (loaded from a TOML file, see ``data/axes.toml``) has two opposing
poles, e.g. return vs local integration. Each activity gets a position on each axis
only when its text says something about the axis: literal key terms of one pole give
the direction and are the evidence a reviewer reads; with a neural embedder, the
text's closeness to the pole phrases says how much it is about the axis at all (an
embedding tells topics apart well and stances badly, so it never sets a direction).
Two activities of different actors that share a target (country, places, period,
topic), act on the same people (overlap.populations) and sit at opposite poles are a
conflict, unless they are parts of one plan (a programme and its contracts).

Precision comes first: an activity without a pole term has no position, one with
terms of both poles in similar measure has none either, a single passing mention
is not enough, pairs are only formed within a country, and a regional umbrella
opposes no one.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from overlap.errors import ConfigError, reject_unknown_keys
from overlap.neighbours import pair_similarity
from overlap.places import periods, place_agreement
from overlap.plans import Family
from overlap.populations import Population, Targets, parse_population
from overlap.terms import Corpus, fold_terms, term_hits
from overlap.text import activity_texts

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: at least this cosine between the two activities' texts: they concern the same thing
MIN_SIMILARITY = 0.35
#: the same floor for TF-IDF vectors, whose cosines run much lower (about the 90th
#: percentile of all pairs in the samples; cross-lingual pairs fall below it)
MIN_SIMILARITY_SPARSE = 0.05
#: a text whose highest cosine to the axis' phrases is at most this is off topic (confidence 0)
MIN_TOPICAL = 0.25
#: ... and fully on topic this far above it, linearly in between
TOPICAL_RANGE = 0.15
#: a text with terms of both poles has a position only when one pole weighs this much
#: more: (b - a) / (a + b) at least 0.5 means three times as much
MIN_DOMINANCE = 0.5
#: a side working in more countries than this is a regional umbrella: what it does for
#: which people in any one of them is not known, so it opposes no one
MAX_COUNTRIES = 5
#: each activity is paired with at most this many of the other pole (the most similar)
MAX_PARTNERS = 10
#: evidence phrases quoted per side in a reason
MAX_EVIDENCE = 4
#: phrases naming the shared people quoted per side in a reason
MAX_PEOPLE_QUOTED = 2
#: per country and pole, only the most confident activities are paired (bounds the work)
MAX_GROUP = 300

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Pole:
    """One end of an axis: phrases to embed, literal terms to find."""

    name: str
    phrases: tuple[str, ...]
    terms: tuple[str, ...]
    #: terms that add weight only to a text that has one of ``terms``: they go with the
    #: pole without taking it on their own (anti-smuggling work beside border control)
    support: tuple[str, ...] = ()


@dataclass(frozen=True)
class Axis:
    """Two poles that, pursued for the same people at the same time, undermine each other."""

    key: str
    name: str
    a: Pole
    b: Pole
    #: terms naming both poles at once ("camp and out-of-camp settings"): no position
    neutral: tuple[str, ...] = ()
    #: the people the two poles can be pursued for: a conflict needs both sides to act on
    #: one of them (none: no such condition)
    populations: tuple[Population, ...] = ()


# ---------------------------------------------------------------- loading axes


def default_axes_path() -> Path:
    return Path(str(resources.files("overlap") / "data" / "axes.toml"))


def _strings(value: object, where: str, file: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{file}: {where} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _by_language(value: object, where: str, file: str) -> tuple[str, ...]:
    """``{en = [...], fr = [...]}`` -> every string, in file order."""
    if not isinstance(value, dict):
        raise ConfigError(f"{file}: {where} must be a table of language = [strings], "
                          f"e.g. {where}.en = [\"...\"]")
    found: list[str] = []
    for language, items in value.items():
        found.extend(_strings(items, f"{where}.{language}", file))
    return tuple(dict.fromkeys(found))



def _population_keys(data: dict, where: str, file: str,
                     populations: dict[str, Population]) -> tuple[str, ...]:
    """An axis' ``populations``: keys of [[population]] tables."""
    keys = _strings(data["populations"], f"{where}.populations", file) if "populations" in data else ()
    unknown = [k for k in keys if k not in populations]
    if unknown:
        raise ConfigError(f"{file}: {where}.populations: no [[population]] with key "
                          f"{', '.join(unknown)} (known: {', '.join(populations) or 'none'})")
    return keys


def _pole(data: object, where: str, file: str) -> Pole:
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: {where} is missing (expected a table with name, phrases, terms)")
    reject_unknown_keys(data, ("name", "phrases", "terms", "support"), f"{file}: {where}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{file}: {where}.name must be a non-empty string")
    phrases = _by_language(data.get("phrases"), f"{where}.phrases", file)
    if not phrases:
        raise ConfigError(f"{file}: {where}.phrases is empty: a pole needs phrases to embed")
    terms = _by_language(data.get("terms", {}), f"{where}.terms", file)
    if not terms:
        raise ConfigError(f"{file}: {where}.terms is empty: a pole needs literal terms as evidence")
    support = _by_language(data.get("support", {}), f"{where}.support", file)
    return Pole(name=name.strip(), phrases=phrases, terms=fold_terms(terms), support=fold_terms(support))


def _axis(data: object, number: int, file: str, populations: dict[str, Population]) -> Axis:
    where = f"axis[{number}]"
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: {where} must be a table")
    reject_unknown_keys(data, ("key", "name", "a", "b", "neutral", "populations"), f"{file}: {where}")
    key = data.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ConfigError(f"{file}: {where}.key must be a short id of letters, digits, '-' or '_'")
    where = f"axis {key!r}"
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{file}: {where}: name must be a non-empty string")
    neutral = _by_language(data.get("neutral", {}), f"{where}.neutral", file)
    named = _population_keys(data, where, file, populations)
    return Axis(key=key, name=name.strip(), a=_pole(data.get("a"), f"{where}.a", file),
                b=_pole(data.get("b"), f"{where}.b", file), neutral=fold_terms(neutral),
                populations=tuple(populations[k] for k in named))


def _read_axes_file(path: Path | None) -> tuple[dict, str]:
    path = Path(path) if path is not None else default_axes_path()
    file = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: axes file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    reject_unknown_keys(data, ("axis", "population"), file, "[[axis]] and [[population]] tables")
    return data, file


def load_populations(path: Path | None = None) -> dict[str, Population]:
    """The ``[[population]]`` tables of an axes file (None: the packaged default), by key."""
    return _populations(*_read_axes_file(path))


def _populations(data: dict, file: str) -> dict[str, Population]:
    people = data.get("population", [])
    if not isinstance(people, list):
        raise ConfigError(f"{file}: population must be [[population]] tables")
    populations: dict[str, Population] = {}
    for number, item in enumerate(people, start=1):
        population = parse_population(item, number, file, _by_language)
        if population.key in populations:
            raise ConfigError(f"{file}: population key defined twice: {population.key}")
        populations[population.key] = population
    return populations


def load_axes(path: Path | None = None) -> list[Axis]:
    """The axes of a TOML file (None: the packaged default); ConfigError names what is wrong."""
    data, file = _read_axes_file(path)
    populations = _populations(data, file)
    items = data.get("axis")
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{file}: no axis defined (expected one or more [[axis]] tables)")
    axes = [_axis(item, number, file, populations) for number, item in enumerate(items, start=1)]
    keys = [axis.key for axis in axes]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ConfigError(f"{file}: axis key(s) defined twice: {', '.join(repeated)}")
    return axes


# ---------------------------------------------------------------- lexical evidence




# ---------------------------------------------------------------- positions


@dataclass
class AxisPositions:
    """Where each activity stands on one axis.

    ``position`` runs from -1 (pole a) to +1 (pole b), NaN where the text says
    nothing about the axis; ``confidence`` is in [0, 1]; ``evidence`` holds the
    phrases of the text that put it there.
    """

    axis: Axis
    position: np.ndarray
    confidence: np.ndarray
    evidence: list[tuple[str, ...]]


def _pole_similarity(vectors, embedder, pole: Pole) -> np.ndarray:
    """Per activity: the highest cosine between its text and one of the pole's phrases."""
    phrases = np.asarray(embedder.embed(list(pole.phrases)), dtype=np.float32)
    return (np.asarray(vectors, dtype=np.float32) @ phrases.T).max(axis=1)


def _topicality(vectors, embedder, axis: Axis) -> np.ndarray:
    """How much the text is about the axis at all, in [0, 1]; all 1 without a neural model.

    Sentence embeddings tell a topic well and a stance badly (a text opposing the
    recruitment of nurses abroad is close to a phrase about recruiting them), so
    the embedding only says whether the text is on the axis' subject, never which way.
    """
    if embedder is None or sp.issparse(vectors):
        return np.ones(vectors.shape[0])
    closest = np.maximum(
        _pole_similarity(vectors, embedder, axis.a), _pole_similarity(vectors, embedder, axis.b)
    )
    return np.clip((closest - MIN_TOPICAL) / TOPICAL_RANGE, 0.0, 1.0)


def _weight(hits: list[tuple[str, ...]], title_hits: list[tuple[str, ...]],
            support_hits: list[tuple[str, ...]]) -> np.ndarray:
    """How much a text says for a pole: one per distinct term, three for a term in the
    title, and one per supporting term where a term of the pole is there too.

    A title names the strategy of the whole activity, while one passing mention in
    a description ("migrants who wish to go home are offered voluntary return") is
    often one service among many.
    """
    return np.array([len(h) + 2 * len(t) + (len(s) if h else 0)
                     for h, t, s in zip(hits, title_hits, support_hits)], dtype=float)


#: what the term search of one axis records per activity: the phrases of each pole
#: found in the text, in the title and among its supporting terms, and the neutral
#: terms found in the text
HIT_KINDS = ("a", "a_title", "a_support", "b", "b_title", "b_support", "neutral")


def axis_hits(texts: Corpus, titles: Corpus, axis: Axis) -> dict[str, list[tuple[str, ...]]]:
    """Per HIT_KINDS, per activity, the distinct phrases found."""
    def found(corpus: Corpus, terms: tuple[str, ...]) -> list[tuple[str, ...]]:
        return term_hits(corpus, terms) if terms else [()] * len(corpus)

    return {
        "a": found(texts, axis.a.terms), "a_title": found(titles, axis.a.terms),
        "a_support": found(texts, axis.a.support),
        "b": found(texts, axis.b.terms), "b_title": found(titles, axis.b.terms),
        "b_support": found(texts, axis.b.support),
        "neutral": found(texts, axis.neutral),
    }


def all_hits(activities: pd.DataFrame, axes: list[Axis]) -> dict[str, dict[str, list[tuple[str, ...]]]]:
    """The term searches of every axis (keyed by axis key): the costly part of positions,
    which depends on each activity's own text alone, so a rerun keeps it for unchanged ones."""
    texts = Corpus.build(activity_texts(activities))
    titles = Corpus.build(activities["title"].tolist())
    return {axis.key: axis_hits(texts, titles, axis) for axis in axes}


def axis_positions(hits: dict[str, list[tuple[str, ...]]], vectors, embedder, axis: Axis) -> AxisPositions:
    """Position from the pole terms found; confidence from their weight and the topicality.

    Terms of both poles in one text (an integration project that criticises
    returns) leave it a position only when one pole weighs at least three times
    the other.
    """
    weight = {side: _weight(hits[side], hits[side + "_title"], hits[side + "_support"]) for side in ("a", "b")}
    total = weight["a"] + weight["b"]
    with np.errstate(invalid="ignore", divide="ignore"):
        position = np.where(total > 0, (weight["b"] - weight["a"]) / total, np.nan)
    decided = np.abs(position) >= MIN_DOMINANCE
    if axis.neutral:
        decided &= np.array([not found for found in hits["neutral"]])
    # each term weighs half of what is left: 1 term 0.5, 2 terms 0.75, a title term 0.875
    strength = 1.0 - 0.5 ** np.maximum(weight["a"], weight["b"])
    confidence = np.where(decided, np.abs(position) * strength, 0.0)
    confidence *= _topicality(vectors, embedder, axis)
    position = np.where(decided & (confidence > 0), position, np.nan)
    evidence: list[tuple[str, ...]] = [()] * len(position)
    for i in np.flatnonzero(~np.isnan(position)).tolist():  # the few placed: 0.4 s less a run
        side = "b" if position[i] > 0 else "a"
        evidence[i] = hits[side][i] + hits[side + "_support"][i]
    return AxisPositions(axis=axis, position=position, confidence=confidence, evidence=evidence)


def all_positions(activities: pd.DataFrame, vectors, embedder, axes: list[Axis],
                  hits: dict | None = None) -> list[AxisPositions]:
    """Every activity's position on every axis (``hits``: ``all_hits`` already done)."""
    hits = hits if hits is not None else all_hits(activities, axes)
    return [axis_positions(hits[axis.key], vectors, embedder, axis) for axis in axes]


# ---------------------------------------------------------------- pairing


COLUMNS = ["a", "b", "axis", "position_a", "position_b", "evidence_a", "evidence_b",
           "similarity", "confidence", "population", "reasons"]

def _no_conflicts() -> pd.DataFrame:
    """An empty result with the column types of a full one."""
    return pd.DataFrame({
        "a": np.zeros(0, np.int64), "b": np.zeros(0, np.int64), "axis": np.zeros(0, object),
        "position_a": np.zeros(0), "position_b": np.zeros(0),
        "evidence_a": np.zeros(0, object), "evidence_b": np.zeros(0, object),
        "similarity": np.zeros(0), "confidence": np.zeros(0),
        "population": np.zeros(0, object), "reasons": np.zeros(0, object),
    })


def _placed(activities: pd.DataFrame) -> np.ndarray:
    """Per activity: whether it works in a few countries (at least one, at most MAX_COUNTRIES)."""
    return np.array([0 < len(c) <= MAX_COUNTRIES for c in activities["countries"]], dtype=bool)


def _cross_pole_pairs(activities: pd.DataFrame, positions: AxisPositions, min_confidence: float) -> np.ndarray:
    """(a, b) rows: pole-a and pole-b activities of different actors sharing a country.

    Only pairs within a country are formed, and each country keeps at most
    MAX_GROUP activities per pole (the most confident), so the work grows with the
    number of positioned activities per country, not with the square of the run.
    Regional umbrellas (more than MAX_COUNTRIES countries) take part in none.
    """
    confident = (positions.confidence >= min_confidence) & _placed(activities)
    side_a = np.flatnonzero(confident & (positions.position < 0))
    side_b = np.flatnonzero(confident & (positions.position > 0))
    if len(side_a) == 0 or len(side_b) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    countries = activities["countries"].to_numpy()
    actors = activities["actor_key"].to_numpy()

    def by_country(rows: np.ndarray) -> dict[str, np.ndarray]:
        groups: dict[str, list[int]] = {}
        for row in rows:
            for country in countries[row]:
                groups.setdefault(country, []).append(row)
        return {c: _most_confident(np.array(g), positions.confidence) for c, g in groups.items()}

    groups_a, groups_b = by_country(side_a), by_country(side_b)
    found = []
    for country in groups_a.keys() & groups_b.keys():
        left, right = np.meshgrid(groups_a[country], groups_b[country], indexing="ij")
        pairs = np.column_stack([left.ravel(), right.ravel()])
        found.append(pairs[actors[pairs[:, 0]] != actors[pairs[:, 1]]])
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0)


def _most_confident(rows: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    if len(rows) <= MAX_GROUP:
        return rows
    return rows[np.argsort(-confidence[rows], kind="stable")[:MAX_GROUP]]


def _same_target(activities: pd.DataFrame, vectors, pairs: np.ndarray, periods) -> tuple[np.ndarray, np.ndarray]:
    """Which pairs share a target (period, places, topic), and their text similarity."""
    a, b = pairs[:, 0], pairs[:, 1]
    first, last = periods
    # periods known to be apart (an unknown or open end is not: NaN compares False)
    apart = np.minimum(last[a], last[b]) < np.maximum(first[a], first[b])
    similarity = pair_similarity(vectors, a, b)
    floor = MIN_SIMILARITY_SPARSE if sp.issparse(vectors) else MIN_SIMILARITY
    keep = ~apart & (similarity >= floor)
    # no locations on a side says nothing; with both, one area must lie in or contain the other
    locations = activities["locations"].to_numpy()
    for i in np.flatnonzero(keep):
        keep[i] = place_agreement(locations[a[i]], locations[b[i]]) >= 0
    return keep, similarity


def _shared_people(axis: Axis, pairs: np.ndarray, targets: Targets | None) -> list[list[str]]:
    """Per pair, the axis' populations both sides' texts name (['*'] for an axis naming none)."""
    if not axis.populations:
        return [["*"]] * len(pairs)
    if targets is None:
        return [[] for _ in pairs]
    keys = [p.key for p in axis.populations]
    return [[k for k in keys if targets.of(int(x), k) and targets.of(int(y), k)] for x, y in pairs]


def _period_words(start_a: str, end_a: str, start_b: str, end_b: str) -> str:
    """The common years, e.g. '2022-2024' or '2022', or '' when neither side has dates."""
    starts = [d[:4] for d in (start_a, start_b) if d]
    ends = [d[:4] for d in (end_a, end_b) if d]
    first, last = (max(starts) if starts else ""), (min(ends) if ends else "")
    return first if first == last else "-".join(v for v in (first, last) if v)


def _side_words(actor: str, evidence: tuple[str, ...]) -> str:
    return f"{actor}: " + ", ".join(f"'{e}'" for e in evidence[:MAX_EVIDENCE])


def _people_words(axis: Axis, keys: list[str], x: int, y: int, targets: Targets | None) -> str:
    """'; same people: migrants in the country ('stranded migrants' / 'personnes migrantes')'."""
    if not axis.populations or targets is None:
        return ""
    names = {p.key: p.name for p in axis.populations}
    described = []
    for key in keys:
        sides = [", ".join(f"'{e}'" for e in targets.of(row, key)[:MAX_PEOPLE_QUOTED]) for row in (x, y)]
        described.append(f"{names[key]} ({' / '.join(sides)})")
    return "; same people: " + ", ".join(described)


def _reasons(activities: pd.DataFrame, axis: Axis, pairs: np.ndarray,
             evidence: list[tuple[str, ...]], people: list[list[str]] | None = None,
             targets: Targets | None = None) -> list[str]:
    """'Axis return vs integration: return (IOM: 'voluntary return') vs integration
    (DRC: 'local integration'); same country LY, 2022-2024; same people: migrants in
    the country ('Nigerian migrants' / 'migrants')', one per pair."""
    actors = activities["actor"].to_numpy()
    countries = activities["countries"].to_numpy()
    starts = activities["start_date"].to_numpy()
    ends = activities["end_date"].to_numpy()
    people = people if people is not None else [[] for _ in pairs]
    reasons = []
    for (x, y), keys in zip(pairs, people):
        shared = ", ".join(sorted(set(countries[x]) & set(countries[y])))
        period = _period_words(starts[x], ends[x], starts[y], ends[y])
        reasons.append(
            f"Axis {axis.name}: {axis.a.name} ({_side_words(actors[x], evidence[x])}) vs "
            f"{axis.b.name} ({_side_words(actors[y], evidence[y])}); same country {shared}"
            + (f", {period}" if period else "") + _people_words(axis, keys, x, y, targets)
        )
    return reasons


def _closest_partners(pairs: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """Indices of the pairs to keep: each activity's MAX_PARTNERS most similar opposites.

    An activity at one pole in a busy country can face hundreds at the other; the
    closest few are the ones on the same target, and a reviewer reads no more.
    """
    order = np.argsort(-similarity, kind="stable")
    frame = pd.DataFrame({"a": pairs[order, 0], "b": pairs[order, 1], "order": order})
    frame = frame[frame.groupby("a").cumcount() < MAX_PARTNERS]
    frame = frame[frame.groupby("b").cumcount() < MAX_PARTNERS]
    return frame["order"].to_numpy()


def _narrowest(pairs: np.ndarray, family: Family) -> np.ndarray:
    """Which pairs to keep: not those echoed by a pair of their parts.

    When a programme decision and one of its own contracts both face the same
    activity, the contract is the one doing the work: the decision's pair repeats it.
    """
    found = {(int(x), int(y)) for x, y in pairs}
    keep = np.ones(len(pairs), dtype=bool)
    for i, (x, y) in enumerate(pairs):
        lefts = family.narrower(int(x)) | {int(x)}
        rights = family.narrower(int(y)) | {int(y)}
        keep[i] = not any((u, v) in found for u in lefts for v in rights if (u, v) != (x, y))
    return keep


def _axis_conflicts(activities: pd.DataFrame, vectors, positions: AxisPositions,
                    min_confidence: float, periods, *, targets: Targets | None = None,
                    family: Family | None = None) -> pd.DataFrame:
    """The conflicts on one axis: opposite poles, same target, same people, not one plan."""
    family = family if family is not None else Family.of(activities)
    axis = positions.axis
    pairs = _cross_pole_pairs(activities, positions, min_confidence)
    pairs = pairs[[not family.linked(int(x), int(y)) for x, y in pairs]] if len(pairs) else pairs
    people = _shared_people(axis, pairs, targets)
    pairs = pairs[[bool(keys) for keys in people]] if len(pairs) else pairs
    people = [keys for keys in people if keys]
    if len(pairs) == 0:
        return _no_conflicts()
    keep, similarity = _same_target(activities, vectors, pairs, periods)
    chosen = np.flatnonzero(keep)[_closest_partners(pairs[keep], similarity[keep])]
    chosen = chosen[_narrowest(pairs[chosen], family)]
    pairs, similarity = pairs[chosen], similarity[chosen]
    people = [people[i] if axis.populations else [] for i in chosen]
    names = {p.key: p.name for p in axis.populations}
    a, b = pairs[:, 0], pairs[:, 1]
    evidence = np.empty(len(positions.evidence), dtype=object)
    evidence[:] = positions.evidence
    return pd.DataFrame({
        "a": a.astype(np.int64), "b": b.astype(np.int64), "axis": axis.name,
        "position_a": positions.position[a], "position_b": positions.position[b],
        "evidence_a": evidence[a], "evidence_b": evidence[b],
        "similarity": similarity.round(4),
        "confidence": np.sqrt(positions.confidence[a] * positions.confidence[b]).round(4),
        "population": ["; ".join(names[k] for k in keys) for keys in people],
        "reasons": _reasons(activities, axis, pairs, positions.evidence, people, targets),
    }, columns=COLUMNS)


def _targets(activities: pd.DataFrame, positions: list[AxisPositions], min_confidence: float) -> Targets:
    """The populations of every activity confidently at a pole of an axis that names some."""
    gated = [p for p in positions if p.axis.populations]
    populations = tuple({pop.key: pop for p in gated for pop in p.axis.populations}.values())
    found = [np.flatnonzero(p.confidence >= min_confidence) for p in gated]
    rows = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    return Targets.find(activity_texts(activities.iloc[rows]) if len(rows) else [], rows, populations)


def find_conflicts(
    activities: pd.DataFrame,
    vectors,
    embedder,
    axes: list[Axis],
    *,
    min_confidence: float = 0.6,
    hits: dict | None = None,
    links: pd.DataFrame | None = None,
    family: Family | None = None,
) -> pd.DataFrame:
    """Pairs of activities of different actors at opposite poles of an axis, on the same target.

    ``vectors`` are the run's L2-normalised embeddings (row i = activity i);
    ``embedder`` embeds the pole phrases in the same space (None, or sparse TF-IDF
    vectors, mean lexical positions only). Each side must be at least
    ``min_confidence`` sure of its pole: 0.6 takes two distinct pole terms, or one in
    the title, in a text on the axis' topic. On an axis naming populations, both
    sides must act on one of them (overlap.populations). Parts of one plan (declared
    ``links``, hierarchical ids) never conflict. Side ``a`` of each row is at the
    axis' first pole. Sorted by confidence x similarity, most telling first.
    ``hits`` are the term searches (``all_hits``) when already done, ``family`` the
    plans (``Family.of(activities, links)``) when already known.
    """
    days = periods(activities, open_ended=True)
    family = family if family is not None else Family.of(activities, links)
    activities = activities.assign(countries=family.countries(activities))
    positions = all_positions(activities, vectors, embedder, axes, hits)
    targets = _targets(activities, positions, min_confidence)
    frames = [
        _axis_conflicts(activities, vectors, p, min_confidence, days, targets=targets, family=family)
        for p in positions
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return _no_conflicts()
    found = pd.concat(frames, ignore_index=True)
    rank = found["confidence"] * found["similarity"]
    return found.iloc[np.argsort(-rank.to_numpy(), kind="stable")].reset_index(drop=True)
