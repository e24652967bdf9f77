"""Conflicting strategies: actors working on the same people and places in opposite directions.

A strategy *axis* (loaded from a TOML file, see ``data/axes.toml``) has two opposing
poles, e.g. return vs local integration. Each activity gets a position on each axis
only when its text says something about the axis: literal key terms of one pole give
the direction and are the evidence a reviewer reads; with a neural embedder, the
text's closeness to the pole phrases says how much it is about the axis at all (an
embedding tells topics apart well and stances badly, so it never sets a direction).
Two activities of different actors that share a target (country, places, period,
topic) and sit at opposite poles are a conflict.

Precision comes first: an activity without a pole term has no position, one with
terms of both poles in similar measure has none either, a single passing mention
is not enough, and pairs are only formed within a country.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from overlap.errors import ConfigError
from overlap.neighbours import pair_similarity
from overlap.normalise import fold
from overlap.places import date_agreement, periods, place_agreement
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
TOPICAL_RANGE = 0.2
#: a text with terms of both poles has a position only when one pole weighs this much
#: more: (b - a) / (a + b) at least 0.5 means three times as much
MIN_DOMINANCE = 0.5
#: '...' in a term stands for at most this many words ("relocat* ... camp")
GAP_WORDS = 10
#: each activity is paired with at most this many of the other pole (the most similar)
MAX_PARTNERS = 10
#: evidence phrases quoted per side in a reason
MAX_EVIDENCE = 4
#: per country and pole, only the most confident activities are paired (bounds the work)
MAX_GROUP = 300

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Pole:
    """One end of an axis: phrases to embed, literal terms to find."""

    name: str
    phrases: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Axis:
    """Two poles that, pursued for the same people at the same time, undermine each other."""

    key: str
    name: str
    a: Pole
    b: Pole
    #: terms naming both poles at once ("camp and out-of-camp settings"): no position
    neutral: tuple[str, ...] = ()


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


_WILDCARDS = ("*", "...")


def _fold_term(term: str) -> str:
    """Fold a term as texts are folded, keeping its wildcards ('*', '...')."""
    words = []
    for word in term.split():
        if word in _WILDCARDS:
            words.append(word)
        elif fold(word):
            words.append(" ".join(fold(word).split()) + ("*" if word.endswith("*") else ""))
    return " ".join(words)


def _fold_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in (_fold_term(term) for term in terms) if t))


def _pole(data: object, where: str, file: str) -> Pole:
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: {where} is missing (expected a table with name, phrases, terms)")
    unknown = set(data) - {"name", "phrases", "terms"}
    if unknown:
        raise ConfigError(f"{file}: {where}: unknown key(s) {', '.join(sorted(unknown))} "
                          "(expected name, phrases, terms)")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{file}: {where}.name must be a non-empty string")
    phrases = _by_language(data.get("phrases"), f"{where}.phrases", file)
    if not phrases:
        raise ConfigError(f"{file}: {where}.phrases is empty: a pole needs phrases to embed")
    terms = _by_language(data.get("terms", {}), f"{where}.terms", file)
    if not terms:
        raise ConfigError(f"{file}: {where}.terms is empty: a pole needs literal terms as evidence")
    return Pole(name=name.strip(), phrases=phrases, terms=_fold_terms(terms))


def _axis(data: object, number: int, file: str) -> Axis:
    where = f"axis[{number}]"
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: {where} must be a table")
    unknown = set(data) - {"key", "name", "a", "b", "neutral"}
    if unknown:
        raise ConfigError(f"{file}: {where}: unknown key(s) {', '.join(sorted(unknown))} "
                          "(expected key, name, a, b, neutral)")
    key = data.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ConfigError(f"{file}: {where}.key must be a short id of letters, digits, '-' or '_'")
    where = f"axis {key!r}"
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{file}: {where}: name must be a non-empty string")
    neutral = _by_language(data.get("neutral", {}), f"{where}.neutral", file)
    return Axis(key=key, name=name.strip(), a=_pole(data.get("a"), f"{where}.a", file),
                b=_pole(data.get("b"), f"{where}.b", file), neutral=_fold_terms(neutral))


def load_axes(path: Path | None = None) -> list[Axis]:
    """The axes of a TOML file (None: the packaged default); ConfigError names what is wrong."""
    path = Path(path) if path is not None else default_axes_path()
    file = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: axes file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    unknown = set(data) - {"axis"}
    if unknown:
        raise ConfigError(f"{file}: unknown key(s) {', '.join(sorted(unknown))} (expected [[axis]] tables)")
    items = data.get("axis")
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{file}: no axis defined (expected one or more [[axis]] tables)")
    axes = [_axis(item, number, file) for number, item in enumerate(items, start=1)]
    keys = [axis.key for axis in axes]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ConfigError(f"{file}: axis key(s) defined twice: {', '.join(repeated)}")
    return axes


# ---------------------------------------------------------------- lexical evidence


def _folding_table(texts: list[str]) -> dict[int, str]:
    """Per character: lower case, no accent, punctuation as a space, one character each.

    Keeping one character per character lets a match in the folded text point back
    at the original words, which are what the evidence shows.
    """
    table: dict[int, str] = {}
    for ch in set("".join(texts)):
        plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        single = plain.lower() if len(plain) == 1 else ch
        if len(single) != 1:  # a few characters lengthen in lower case; keep them as they are
            single = ch
        table[ord(ch)] = single if single.isalnum() else " "
    return table


def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a pole's folded terms: whole words, '*' as a word ending or any word."""
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):
        words = []
        for word in term.split():
            if word == "...":
                words.append(rf"(?:\w+\s+){{0,{GAP_WORDS}}}")
                continue
            if word == "*":
                words.append(r"\w+")
            elif word.endswith("*"):
                words.append(re.escape(word[:-1]) + r"\w*")
            else:
                words.append(re.escape(word))
        alternatives.append(r"\s+".join(words).replace(r"}\s+", "}"))
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


@dataclass
class Corpus:
    """The run's texts joined once, original and folded, for one regex pass per pole.

    Folding keeps one character per character, so an offset in the folded text is
    the same offset in the original; texts are joined by NUL, which neither a word
    nor a space pattern crosses.
    """

    original: str
    folded: str
    starts: np.ndarray

    @classmethod
    def build(cls, texts: list[str]) -> Corpus:
        texts = [t.replace("\0", " ") for t in texts]
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]) if texts else np.zeros(0)
        original = "\0".join(texts)
        return cls(original=original, folded=original.translate(_folding_table(texts)),
                   starts=np.asarray(starts, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.starts)


def _first_literals(terms: tuple[str, ...]) -> list[str] | None:
    """What every match of the terms starts with (shortest first), None when a term
    starts with a wildcard and could start anywhere."""
    firsts = sorted({term.split()[0].rstrip("*") for term in terms}, key=len)
    if not all(first and first not in _WILDCARDS for first in firsts):
        return None
    kept: list[str] = []
    for first in firsts:
        if not any(first.startswith(k) for k in kept):
            kept.append(first)
    return kept


def _finditer(pattern: re.Pattern[str], terms: tuple[str, ...], text: str):
    """``pattern.finditer(text)``, trying the regex only where a term's first word occurs.

    A regex scan tries every offset of the corpus, ten times slower than finding
    the first words with ``str.find``; trying those offsets in order, each after
    the last match's end, yields the same matches.
    """
    literals = _first_literals(terms)
    if literals is None:
        yield from pattern.finditer(text)
        return
    starts = set()
    for literal in literals:
        at = text.find(literal)
        while at != -1:
            starts.add(at)
            at = text.find(literal, at + 1)
    end = 0
    for start in sorted(starts):
        if start < end:
            continue
        match = pattern.match(text, start)
        if match:
            yield match
            end = match.end()


def term_hits(corpus: Corpus, terms: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Per text: the distinct phrases of the original text that match a pole's terms."""
    found: list[dict[str, str]] = [{} for _ in range(len(corpus))]
    for match in _finditer(_term_pattern(terms), terms, corpus.folded):
        row = int(np.searchsorted(corpus.starts, match.start(), side="right")) - 1
        phrase = " ".join(corpus.original[match.start():match.end()].split())
        found[row].setdefault(phrase.lower(), phrase)
    return [tuple(hits.values()) for hits in found]


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


def _weight(hits: list[tuple[str, ...]], title_hits: list[tuple[str, ...]]) -> np.ndarray:
    """How much a text says for a pole: one per distinct term, three for a term in the title.

    A title names the strategy of the whole activity, while one passing mention in
    a description ("migrants who wish to go home are offered voluntary return") is
    often one service among many.
    """
    return np.array([len(h) + 2 * len(t) for h, t in zip(hits, title_hits)], dtype=float)


#: what the term search of one axis records per activity: the phrases of each pole
#: found in the text and in the title, and the neutral terms found in the text
HIT_KINDS = ("a", "a_title", "b", "b_title", "neutral")


def axis_hits(texts: Corpus, titles: Corpus, axis: Axis) -> dict[str, list[tuple[str, ...]]]:
    """Per HIT_KINDS, per activity, the distinct phrases found."""
    return {
        "a": term_hits(texts, axis.a.terms), "a_title": term_hits(titles, axis.a.terms),
        "b": term_hits(texts, axis.b.terms), "b_title": term_hits(titles, axis.b.terms),
        "neutral": term_hits(texts, axis.neutral) if axis.neutral else [()] * len(texts),
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
    weight = {side: _weight(hits[side], hits[side + "_title"]) for side in ("a", "b")}
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
    evidence = [
        () if np.isnan(p) else (hits["b"][i] if p > 0 else hits["a"][i])
        for i, p in enumerate(position)
    ]
    return AxisPositions(axis=axis, position=position, confidence=confidence, evidence=evidence)


def all_positions(activities: pd.DataFrame, vectors, embedder, axes: list[Axis],
                  hits: dict | None = None) -> list[AxisPositions]:
    """Every activity's position on every axis (``hits``: ``all_hits`` already done)."""
    hits = hits if hits is not None else all_hits(activities, axes)
    return [axis_positions(hits[axis.key], vectors, embedder, axis) for axis in axes]


# ---------------------------------------------------------------- pairing


COLUMNS = ["a", "b", "axis", "position_a", "position_b", "evidence_a", "evidence_b",
           "similarity", "confidence", "reasons"]


def _no_conflicts() -> pd.DataFrame:
    """An empty result with the column types of a full one."""
    return pd.DataFrame({
        "a": np.zeros(0, np.int64), "b": np.zeros(0, np.int64), "axis": np.zeros(0, object),
        "position_a": np.zeros(0), "position_b": np.zeros(0),
        "evidence_a": np.zeros(0, object), "evidence_b": np.zeros(0, object),
        "similarity": np.zeros(0), "confidence": np.zeros(0), "reasons": np.zeros(0, object),
    })


def _cross_pole_pairs(activities: pd.DataFrame, positions: AxisPositions, min_confidence: float) -> np.ndarray:
    """(a, b) rows: pole-a and pole-b activities of different actors sharing a country.

    Only pairs within a country are formed, and each country keeps at most
    MAX_GROUP activities per pole (the most confident), so the work grows with the
    number of positioned activities per country, not with the square of the run.
    """
    confident = positions.confidence >= min_confidence
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
    dates, _, _ = date_agreement(first, last, a, b)
    similarity = pair_similarity(vectors, a, b)
    floor = MIN_SIMILARITY_SPARSE if sp.issparse(vectors) else MIN_SIMILARITY
    keep = (dates >= 0) & (similarity >= floor)
    # no locations on a side says nothing; with both, one area must lie in or contain the other
    locations = activities["locations"].to_numpy()
    for i in np.flatnonzero(keep):
        keep[i] = place_agreement(locations[a[i]], locations[b[i]]) >= 0
    return keep, similarity


def _period_words(start_a: str, end_a: str, start_b: str, end_b: str) -> str:
    """The common years, e.g. '2022-2024' or '2022', or '' when neither side has dates."""
    starts = [d[:4] for d in (start_a, start_b) if d]
    ends = [d[:4] for d in (end_a, end_b) if d]
    first, last = (max(starts) if starts else ""), (min(ends) if ends else "")
    return first if first == last else "-".join(v for v in (first, last) if v)


def _side_words(actor: str, evidence: tuple[str, ...]) -> str:
    return f"{actor}: " + ", ".join(f"'{e}'" for e in evidence[:MAX_EVIDENCE])


def _reasons(activities: pd.DataFrame, axis: Axis, pairs: np.ndarray,
             evidence: list[tuple[str, ...]]) -> list[str]:
    """'Axis return vs integration: return (IOM: 'voluntary return') vs integration
    (DRC: 'local integration'); same country LY, 2022-2024', one per pair."""
    actors = activities["actor"].to_numpy()
    countries = activities["countries"].to_numpy()
    starts = activities["start_date"].to_numpy()
    ends = activities["end_date"].to_numpy()
    reasons = []
    for x, y in pairs:
        shared = ", ".join(sorted(set(countries[x]) & set(countries[y])))
        period = _period_words(starts[x], ends[x], starts[y], ends[y])
        reasons.append(
            f"Axis {axis.name}: {axis.a.name} ({_side_words(actors[x], evidence[x])}) vs "
            f"{axis.b.name} ({_side_words(actors[y], evidence[y])}); same country {shared}"
            + (f", {period}" if period else "")
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


def _axis_conflicts(activities: pd.DataFrame, vectors, positions: AxisPositions,
                    min_confidence: float, periods) -> pd.DataFrame:
    pairs = _cross_pole_pairs(activities, positions, min_confidence)
    if len(pairs) == 0:
        return _no_conflicts()
    keep, similarity = _same_target(activities, vectors, pairs, periods)
    pairs, similarity = pairs[keep], similarity[keep]
    chosen = _closest_partners(pairs, similarity)
    pairs, similarity = pairs[chosen], similarity[chosen]
    a, b = pairs[:, 0], pairs[:, 1]
    evidence = np.empty(len(positions.evidence), dtype=object)
    evidence[:] = positions.evidence
    return pd.DataFrame({
        "a": a.astype(np.int64), "b": b.astype(np.int64), "axis": positions.axis.name,
        "position_a": positions.position[a], "position_b": positions.position[b],
        "evidence_a": evidence[a], "evidence_b": evidence[b],
        "similarity": similarity.round(4),
        "confidence": np.sqrt(positions.confidence[a] * positions.confidence[b]).round(4),
        "reasons": _reasons(activities, positions.axis, pairs, positions.evidence),
    }, columns=COLUMNS)


def find_conflicts(
    activities: pd.DataFrame,
    vectors,
    embedder,
    axes: list[Axis],
    *,
    min_confidence: float = 0.6,
    hits: dict | None = None,
) -> pd.DataFrame:
    """Pairs of activities of different actors at opposite poles of an axis, on the same target.

    ``vectors`` are the run's L2-normalised embeddings (row i = activity i);
    ``embedder`` embeds the pole phrases in the same space (None, or sparse TF-IDF
    vectors, mean lexical positions only). Each side must be at least
    ``min_confidence`` sure of its pole: 0.6 takes two distinct pole terms, or one in
    the title, in a text on the axis' topic. Side ``a`` of each row is at the axis'
    first pole. Sorted by confidence x similarity, most telling first. ``hits``
    are the term searches (``all_hits``) when already done.
    """
    days = periods(activities)
    frames = [
        _axis_conflicts(activities, vectors, positions, min_confidence, days)
        for positions in all_positions(activities, vectors, embedder, axes, hits)
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return _no_conflicts()
    found = pd.concat(frames, ignore_index=True)
    rank = found["confidence"] * found["similarity"]
    return found.iloc[np.argsort(-rank.to_numpy(), kind="stable")].reset_index(drop=True)
