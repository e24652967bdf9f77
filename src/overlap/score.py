"""Score candidate pairs: text similarity weighed with the metadata both sides share.

Each pair gets evidence features (0 when a side lacks the data), two probabilities
from the pair scorer (overlap.scorer: P(duplicate) and P(genuine)), a kind that
follows them, and reasons in words.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from overlap.config import ScoreConfig
from overlap.lexical import TextIndex
from overlap.neighbours import pair_similarity
from overlap.normalise import fold, named_organisations, org_keys
from overlap.places import areas_in_common, date_agreement, periods, place_agreement
from overlap.plans import Family
from overlap.schema import FEATURES
from overlap.scorer import SHORT_TEXT, PairScorer, probabilities
from overlap.text import label_like

# ---------------------------------------------------------------- evidence features


def _best_match(activities: pd.DataFrame, pairs: pd.DataFrame, closeness: np.ndarray) -> np.ndarray:
    """Among the candidates of A from B's actor, is B the closest (and the other way)?

    An actor reporting the same effort has one counterpart activity, not many:
    being each other's best match is evidence beyond the raw similarity.
    """
    if pairs.empty:
        return np.zeros(0)
    actor_codes = pd.factorize(activities["actor_key"].to_numpy())[0]
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    return (_first_of_groups(a, actor_codes[b], closeness)
            + _first_of_groups(b, actor_codes[a], closeness)) / 2


def _first_of_groups(row: np.ndarray, actor: np.ndarray, closeness: np.ndarray) -> np.ndarray:
    """1 for the closest pair of each (row, other actor) group, the first one on ties."""
    order = np.lexsort((np.arange(len(row)), -closeness, actor, row))
    first = np.ones(len(row), dtype=bool)
    first[1:] = (row[order][1:] != row[order][:-1]) | (actor[order][1:] != actor[order][:-1])
    best = np.zeros(len(row))
    best[order[first]] = 1.0
    return best


def _start_near(first: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    gap = np.abs(first[a] - first[b])
    return np.where(np.isnan(gap), 0.0, np.exp(-np.nan_to_num(gap) / 90.0))


def _sector_keys(sectors: tuple[str, ...]) -> frozenset:
    """Sectors compare by folded name, and DAC codes also by their 3-digit category."""
    keys = set()
    for sector in sectors:
        folded = fold(sector)
        keys.add(folded)
        code = folded.split(" ", 1)[0]
        if code.isdigit() and len(code) == 5:
            keys.add(code)
            keys.add("dac:" + code[:3])
    return frozenset(keys)


#: a translation's embedding cosine to its original (multilingual USE): about 0.6
#: to 0.86 on real bilingual IATI activities, where two texts in one language
#: share most words only above about 0.85; so a cosine is mapped onto the word
#: overlap scale before it stands in for it (0.5 -> 0, 0.8 and above -> 1)
STANDIN_FLOOR, STANDIN_CEILING = 0.5, 0.8


def crosslingual_standin(similarity: np.ndarray) -> np.ndarray:
    return np.clip((similarity - STANDIN_FLOOR) / (STANDIN_CEILING - STANDIN_FLOOR), 0.0, 1.0)


#: features that depend on the two activities alone: a rerun reuses them for the
#: pairs of unchanged activities (the others depend on every candidate of a side)
PAIRWISE = ("text", "title", "lexical", "country", "country_differs", "location", "sector",
            "dates", "dates_disjoint", "shared_org", "role_link", "start_near",
            "countries_max", "country_missing", "title_same", "length_ratio",
            "shared_specificity", "shared_rare")

#: a word is rare (specific to few efforts: a place, a programme's name) above this
#: share of the largest IDF of the run's vocabulary
RARE_IDF_SHARE = 0.6
#: what a translation stands in for on the shared_rare scale: log(1 + 8 rare words), about
#: what a reworded copy in one language shares
RARE_STANDIN = float(np.log1p(8))


#: pairs whose shared words are looked up at once (memory ~ pairs x words per text x 16
#: bytes: 50,000 pairs of long texts, near-copies sharing most words, took 1.0 GB)
SPECIFICITY_BLOCK = 10_000


def word_presence(index: TextIndex) -> sp.csr_matrix:
    """1 where a text uses a word: what shared_word_specificity multiplies (float32: 2.4x
    faster to gather and multiply than the int64 counts)."""
    return index.counts.astype(bool).astype(np.float32)


def shared_word_specificity(index: TextIndex, a: np.ndarray, b: np.ndarray,
                            present: sp.csr_matrix | None = None) -> tuple[np.ndarray, np.ndarray]:
    """How specific the words two texts share are: ("covid", "response") say nothing,
    a district's or a programme's name says much. Per pair: the mean IDF of the three
    rarest shared words over the largest IDF, and log(1 + the number of rare ones).
    ``present`` is ``word_presence(index)`` when already made."""
    idf = index.model.word_idf
    specificity, rare = np.zeros(len(a)), np.zeros(len(a))
    if len(idf) == 0 or len(a) == 0:
        return specificity, rare
    present = word_presence(index) if present is None else present
    # a block of pairs at a time: both sides' rows of 1.5M pairs at once held 5 GB (50k activities)
    for start in range(0, len(a), SPECIFICITY_BLOCK):
        block = slice(start, start + SPECIFICITY_BLOCK)
        specificity[block], rare[block] = _shared_word_specificity(present, idf, a[block], b[block])
    return specificity, rare


def _shared_word_specificity(present: sp.csr_matrix, idf: np.ndarray, a: np.ndarray,
                             b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """shared_word_specificity of one block of pairs, from the texts' word-presence rows."""
    specificity = np.zeros(len(a))
    shared = present[a].multiply(present[b]).tocsr()
    rows = np.repeat(np.arange(len(a)), np.diff(shared.indptr))
    values = idf[shared.indices] / idf.max()
    order = np.lexsort((-values, rows))
    rows, values = rows[order], values[order]
    rank = np.arange(len(rows)) - shared.indptr[rows]
    top = rank < 3
    sums = np.bincount(rows[top], weights=values[top], minlength=len(a))
    counts = np.bincount(rows[top], minlength=len(a))
    specificity = np.divide(sums, counts, out=specificity, where=counts > 0)
    rare = np.log1p(np.bincount(rows, weights=(values > RARE_IDF_SHARE).astype(float), minlength=len(a)))
    return specificity, rare


def _agreement(sets: list[frozenset], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """+1 when the two sets share an element, -1 when both are non-empty and do not."""
    values = np.zeros(len(a))
    for i, (x, y) in enumerate(zip(a, b)):
        left, right = sets[x], sets[y]
        if not left.isdisjoint(right):
            values[i] = 1.0
        elif left and right:
            values[i] = -1.0
    return values


def _pair_rows(activities: pd.DataFrame, a: np.ndarray, b: np.ndarray,
               ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The activities that pairs (a, b) name, and the pairs as positions among them: the
    per-activity facts are prepared for these only (a rerun, or the reported pairs of
    200k activities, name a small share of them)."""
    used = np.unique(np.concatenate([a, b]))
    return activities.iloc[used], np.searchsorted(used, a), np.searchsorted(used, b)


@dataclass
class _Facts:
    """What pairwise_evidence compares of each activity some pairs name (``used``, row
    positions): prepared once, then compared a chunk of pairs at a time."""

    used: np.ndarray
    languages: np.ndarray
    aligned: np.ndarray
    countries: list[frozenset]
    sectors: list[frozenset]
    #: the activity has a DAC-coded sector
    coded: np.ndarray
    locations: list
    first: np.ndarray
    last: np.ndarray
    named: list[frozenset]
    own: list[frozenset]
    #: how many countries
    how_many: np.ndarray
    titles: list[str]
    #: the description's words
    words: np.ndarray

    @classmethod
    def of(cls, activities: pd.DataFrame, a: np.ndarray, b: np.ndarray, aligned_languages) -> _Facts:
        used = np.unique(np.concatenate([a, b]))
        activities = activities.iloc[used]
        languages = activities["language"].to_numpy()
        countries = [frozenset(c) for c in activities["countries"]]
        sectors = [_sector_keys(s) for s in activities["sectors"]]
        first, last = periods(activities)
        return cls(
            used=used, languages=languages, aligned=np.isin(languages, list(aligned_languages)),
            countries=countries, sectors=sectors,
            coded=np.array([any(k.startswith("dac:") for k in keys) for keys in sectors], dtype=bool),
            locations=activities["locations"].tolist(), first=first, last=last,
            named=activities["named_keys"].tolist(), own=activities["actor_keys"].tolist(),
            how_many=np.array([len(c) for c in countries], dtype=np.int64),
            titles=[fold(t) for t in activities["title"]],
            words=np.array([len(d.split()) for d in activities["description"]], dtype=np.int64),
        )

    def sides(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs of row positions as positions among ``used``."""
        return np.searchsorted(self.used, a), np.searchsorted(self.used, b)


#: candidate pairs compared at once (a multiple of pair_similarity's chunk): the per-pair
#: intermediates of all 1.3M candidates of 50k activities at once held about 1 GB
EVIDENCE_CHUNK = 100 * 2048

#: where each PAIRWISE feature sits among FEATURES
PAIRWISE_COLUMNS = np.array([FEATURES.index(name) for name in PAIRWISE])


def _pairwise_block(facts: _Facts, index: TextIndex, present: sp.csr_matrix, a: np.ndarray,
                    b: np.ndarray, similarity: np.ndarray) -> list[np.ndarray]:
    """The PAIRWISE features (in that order) of one chunk of pairs (a, b are row positions)."""
    x, y = facts.sides(a, b)
    text = similarity.astype(float)
    title = pair_similarity(index.titles, a, b).astype(float)
    lexical = pair_similarity(index.words, a, b).astype(float)
    # words cannot match across languages: there, a multilingual embedding's
    # similarity stands in for the lexical evidence, for the languages it aligns
    # (outside them, e.g. Finnish against Swedish, its similarity is noise)
    across = (facts.languages[x] != facts.languages[y]) & facts.aligned[x] & facts.aligned[y]
    standin = crosslingual_standin(text[across])
    title[across] = np.maximum(title[across], standin)
    lexical[across] = np.maximum(lexical[across], standin)
    country = _agreement(facts.countries, x, y)
    locations = facts.locations
    location = np.fromiter((place_agreement(locations[i], locations[j]) for i, j in zip(x, y)),
                           dtype=float, count=len(x))
    sector = _agreement(facts.sectors, x, y)
    # free-text sector labels differ between actors ("Labour mobility", "Migration de
    # travail"): only coded sectors can disagree
    sector[(sector < 0) & ~(facts.coded[x] & facts.coded[y])] = 0.0
    dates, _, _ = date_agreement(facts.first, facts.last, x, y)
    named, own = facts.named, facts.own
    role_link = np.fromiter((1.0 if (named[i] & own[j]) or (named[j] & own[i]) else 0.0
                             for i, j in zip(x, y)), dtype=float, count=len(x))
    how_many, titles, words = facts.how_many, facts.titles, facts.words
    title_same = np.fromiter((1.0 if titles[i] and titles[i] == titles[j] else 0.0
                              for i, j in zip(x, y)), dtype=float, count=len(x))
    longer = np.maximum(words[x], words[y])
    specificity, rare = shared_word_specificity(index, a, b, present)
    # a translation shares no word with its original: there too the embedding stands in,
    # at the specificity of the words a same-language copy shares
    specificity[across] = np.maximum(specificity[across], standin)
    rare[across] = np.maximum(rare[across], standin * RARE_STANDIN)
    return [
        text, title, lexical, (country > 0).astype(float), (country < 0).astype(float),
        location, sector, dates.clip(min=0), (dates < 0).astype(float),
        _agreement(named, x, y).clip(min=0), role_link, _start_near(facts.first, x, y),
        np.log1p(np.maximum(how_many[x], how_many[y])),
        ((how_many[x] == 0) != (how_many[y] == 0)).astype(float), title_same,
        np.minimum(words[x], words[y]) / np.maximum(longer, 1), specificity, rare,
    ]


def _fill_pairwise(values: np.ndarray, columns: np.ndarray, rows: np.ndarray,
                   activities: pd.DataFrame, pairs: pd.DataFrame, index: TextIndex) -> None:
    """values[columns[i], r] = PAIRWISE[i] of the pair at position r, for each r of
    ``rows``: EVIDENCE_CHUNK pairs at a time, so that memory beyond ``values`` stays
    bounded whatever the number of candidates."""
    if not len(rows):
        return
    a, b = pairs["a"].to_numpy()[rows], pairs["b"].to_numpy()[rows]
    similarity = pairs["similarity"].to_numpy()[rows]
    facts = _Facts.of(activities, a, b, index.aligned_languages)
    present = word_presence(index)
    for start in range(0, len(rows), EVIDENCE_CHUNK):
        block = slice(start, start + EVIDENCE_CHUNK)
        chunk = rows[block]
        for column, feature in zip(columns, _pairwise_block(facts, index, present, a[block],
                                                            b[block], similarity[block])):
            values[column, chunk] = feature


def pairwise_evidence(activities: pd.DataFrame, pairs: pd.DataFrame, index: TextIndex) -> pd.DataFrame:
    """The PAIRWISE feature columns for each pair (a, b are row positions)."""
    values = np.empty((len(PAIRWISE), len(pairs)))
    _fill_pairwise(values, np.arange(len(PAIRWISE)), np.arange(len(pairs)), activities, pairs, index)
    return pd.DataFrame(values.T, index=pairs.index, columns=list(PAIRWISE), copy=False)


def evidence(activities: pd.DataFrame, pairs: pd.DataFrame, index: TextIndex,
             known: pd.DataFrame | None = None) -> pd.DataFrame:
    """Feature columns for each candidate pair (a, b are row positions), as one float block.

    ``known`` holds PAIRWISE values already computed (rows aligned with ``pairs``,
    NaN where unknown): only the other pairs are compared.
    """
    # one row per feature: each feature's values lie together, and the frame wraps them uncopied
    values = np.empty((len(FEATURES), len(pairs)))
    if known is None:
        todo = np.arange(len(pairs))
    else:
        # a feature at a time: the block's rows taken at once are a copy of them all
        unknown = np.zeros(len(pairs), dtype=bool)
        for column, name in zip(PAIRWISE_COLUMNS, PAIRWISE):
            values[column] = known[name].to_numpy(dtype=float) if name in known else np.nan
            unknown |= np.isnan(values[column])
        todo = np.flatnonzero(unknown)
    _fill_pairwise(values, PAIRWISE_COLUMNS, todo, activities, pairs, index)
    feature = dict(zip(FEATURES, values))
    # being each other's closest activity says "the same effort" only where place
    # and time do not contradict it (the same theme elsewhere is each other's
    # closest too); likewise a grant and the project it pays for
    consistent = (1.0 - feature["country_differs"]) * (1.0 - feature["dates_disjoint"])
    feature["best_match"][:] = _best_match(activities, pairs,
                                           feature["text"] + feature["title"]) * consistent
    same_place = feature["role_link"] * consistent
    feature["role_title"][:] = same_place * feature["title"]
    feature["role_text"][:] = same_place * feature["text"]
    feature["role_dates"][:] = same_place * feature["dates"]
    feature["role_best"][:] = same_place * feature["best_match"]
    feature["org_only"][:] = (feature["shared_org"] * (1.0 - feature["title"])
                              * (1.0 - np.clip(feature["text"], 0.0, None)))
    return pd.DataFrame(values.T, index=pairs.index, columns=list(FEATURES), copy=False)


def shared_details(activities: pd.DataFrame, a: np.ndarray, b: np.ndarray) -> dict[str, object]:
    """What each pair shares (countries, places, organisations, the common period): the reasons' facts."""
    activities, a, b = _pair_rows(activities, a, b)
    countries = [frozenset(c) for c in activities["countries"]]
    named = activities["named_keys"].tolist()
    locations = activities["locations"].tolist()
    first, last = periods(activities)
    _, lo, hi = date_agreement(first, last, a, b)
    return {
        "countries": [tuple(sorted(countries[x] & countries[y])) for x, y in zip(a, b)],
        "locations": [areas_in_common(locations[x], locations[y]) for x, y in zip(a, b)],
        "orgs": [tuple(sorted(named[x] & named[y])) for x, y in zip(a, b)],
        "overlap_start": lo, "overlap_end": hi,
    }


# ---------------------------------------------------------------- scoring and reasons


@functools.cache
def _month(day_number: float) -> str:
    return (pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(day_number))).strftime("%Y-%m")


#: reported pairs whose reasons are written at once: the 207,419 pairs of 200k activities
#: at once took both sides' word rows, a dict per pair and one per activity (GBs); 20,000
#: at once still 0.5 GB
REASONS_CHUNK = 5_000


def _written_reasons(activities: pd.DataFrame, rows: pd.DataFrame, features: pd.DataFrame,
                     index: TextIndex) -> list[str]:
    """The reasons of reported pairs (``rows``, with their ``features``), in words."""
    feature_rows = features.to_dict("records")
    a, b = rows["a"].to_numpy(), rows["b"].to_numpy()
    used = np.unique(np.concatenate([a, b]))
    records = dict(zip(used.tolist(), activities.iloc[used].to_dict("records")))
    terms = index.shared_terms(a, b)
    shared = shared_details(activities, a, b)
    return [_reasons(records, row, feature_rows[j], shared, j, terms[j])
            for j, row in enumerate(rows.itertuples())]


def _reasons(records: dict[int, dict], row, features, shared, position, terms: list[str]) -> str:
    a, b = int(row.a), int(row.b)
    left, right = records[a], records[b]
    parts: list[str] = []
    if features["role_link"]:
        if left["named_keys"] & right["actor_keys"]:
            parts.append(f"{left['actor']} names {right['actor']} as partner")
        else:
            parts.append(f"{right['actor']} names {left['actor']} as partner")
    if shared["countries"][position]:
        parts.append("same country: " + ", ".join(shared["countries"][position]))
    elif features["country_differs"]:
        parts.append(
            f"different countries: {', '.join(left['countries'])} vs {', '.join(right['countries'])}"
        )
    if shared["locations"][position]:
        parts.append("same admin area: " + ", ".join(shared["locations"][position][:3]))
    elif features["location"] < 0:
        parts.append("different admin areas")
    if row.short_text and fold(left["title"]) == fold(right["title"]):
        parts.append(f"same activity: {left['title']}")
    if features["dates"] > 0:
        parts.append(
            f"dates overlap {_month(shared['overlap_start'][position])}.."
            f"{_month(shared['overlap_end'][position])}"
        )
    elif features["dates_disjoint"]:
        parts.append(
            f"dates do not overlap ({left['start_date'][:7]}..{left['end_date'][:7]} vs "
            f"{right['start_date'][:7]}..{right['end_date'][:7]})"
        )
    if features["sector"] > 0:
        common = set(left["sectors"]) & set(right["sectors"])
        parts.append("same sector: " + ("; ".join(sorted(common)[:2]) if common else "same category"))
    if shared["orgs"][position]:
        common = set(shared["orgs"][position])
        names = named_organisations(left["funders"], left["implementers"], left["participating_orgs"])
        shown = list(dict.fromkeys(n for n in names if org_keys(n) & common))[:3]
        parts.append("shared funder/implementer: " + ", ".join(shown or sorted(common)[:3]))
    if terms:
        parts.append("shared terms: " + ", ".join(terms))
    parts.append(f"text similarity {features['text']:.2f}")
    return "; ".join(parts)


def pair_contributions(pairs: pd.DataFrame, scorer: PairScorer) -> pd.DataFrame:
    """Each feature's contribution for scored pairs, with the weights each pair was scored by."""
    features = pairs[list(FEATURES)]
    contributions = scorer.explain(features).reindex(columns=list(FEATURES), fill_value=0.0)
    short = pairs["short_text"].to_numpy(dtype=bool)
    if short.any():
        contributions.loc[short] = (
            SHORT_TEXT.explain(features.loc[short])
            .reindex(columns=list(FEATURES), fill_value=0.0).to_numpy()
        )
    return contributions


def _is_short(activities: pd.DataFrame, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Both texts of the pair are labels rather than descriptions."""
    label = label_like(activities)
    return label[a] & label[b]


def _parts_of_one_plan(candidates: pd.DataFrame, rows: np.ndarray, family: Family | None) -> np.ndarray:
    """Which of the candidate ``rows`` join two parts of one plan."""
    if family is None or not len(rows):
        return rows[:0]
    a, b = candidates["a"].to_numpy()[rows], candidates["b"].to_numpy()[rows]
    return rows[[family.linked(int(x), int(y)) for x, y in zip(a, b)]]


def score_pairs(
    activities: pd.DataFrame,
    candidates: pd.DataFrame,
    config: ScoreConfig,
    scorer: PairScorer,
    index: TextIndex | None = None,
    features: pd.DataFrame | None = None,
    known_reasons: pd.DataFrame | None = None,
    family: Family | None = None,
) -> pd.DataFrame:
    """Score every candidate; keep those at or above the reporting threshold.

    Returns the candidates with the feature columns, ``p_duplicate``, ``p_genuine``,
    ``score`` (= ``p_genuine``), ``kind``, ``reasons`` and ``pair_reasons`` (the reasons
    before a declared link's), sorted by P(genuine) then P(duplicate), descending.
    A pair is reported where P(genuine) reaches ``report_threshold`` (or a link
    declares it), and called a duplicate where P(duplicate) reaches ``duplicate_threshold``. ``features`` are the candidates' evidence when already
    computed, ``known_reasons`` their ``pair_reasons`` and ``short_text`` when
    already written (rows aligned with the candidates; None where unknown).
    Two parts of one plan (``family``: a programme's contracts) are never called
    duplicates: alike wording there is one programme described twice.
    """
    index = index or TextIndex.build(activities)
    if features is None:
        features = evidence(activities, candidates, index)
    short = _is_short(activities, candidates["a"].to_numpy(), candidates["b"].to_numpy())
    # ranked by the unrounded logits: many probabilities round to 1.0000, and among
    # those the stronger evidence must come first, not the higher text similarity
    genuine, duplicate = scorer.logits(features)
    if short.any():
        short_genuine, short_duplicate = SHORT_TEXT.logits(features)
        genuine, duplicate = np.where(short, short_genuine, genuine), np.where(short, short_duplicate, duplicate)
    p_duplicate, p_genuine = probabilities(genuine, duplicate)
    declared = (candidates["declared"].to_numpy() != "" if "declared" in candidates
                else np.zeros(len(candidates), bool))
    positions = np.flatnonzero((p_genuine >= config.report_threshold) | declared)
    # kinds of the reported pairs only (a string per candidate: 52 bytes each)
    kind = np.select(
        [declared[positions],
         (p_duplicate[positions] >= config.duplicate_threshold) & ~short[positions]],
        ["funding-chain", "duplicate"],
        "overlap",
    )
    one_plan = _parts_of_one_plan(candidates, positions[kind == "duplicate"], family)
    kind[np.isin(positions, one_plan)] = "overlap"
    # only the reported rows get the candidates' and features' columns side by side: a
    # copy of every candidate's would cost GBs at 200k activities (millions of candidates)
    reported = pd.concat([candidates.iloc[positions].reset_index(drop=True),
                          features.iloc[positions].reset_index(drop=True)], axis=1)
    reported["p_duplicate"] = p_duplicate[positions].round(4)
    reported["p_genuine"] = p_genuine[positions].round(4)
    reported["score"] = reported["p_genuine"]
    reported["short_text"] = short[positions]
    reported["kind"] = kind
    reasons = np.full(len(reported), None, dtype=object)
    if known_reasons is not None:
        stored = known_reasons.iloc[positions]
        same = stored["pair_reasons"].notna().to_numpy() & (
            stored["short_text"].to_numpy() == short[positions])
        reasons[same] = stored["pair_reasons"].to_numpy()[same]
    todo = np.flatnonzero(pd.isna(reasons))
    for start in range(0, len(todo), REASONS_CHUNK):
        chunk = todo[start:start + REASONS_CHUNK]
        reasons[chunk] = _written_reasons(activities, reported.iloc[chunk],
                                          features.iloc[positions[chunk]], index)
    reported["pair_reasons"] = reasons
    reported["reasons"] = reasons
    if len(one_plan):
        ids = activities["id"].tolist()
        rows = np.flatnonzero(np.isin(positions, one_plan))
        a, b = reported["a"].to_numpy(), reported["b"].to_numpy()
        reported.loc[rows, "reasons"] = [family.in_words(int(a[r]), int(b[r]), ids) + "; " + reasons[r]
                                         for r in rows]
    if "declared" in reported:
        has = reported["declared"] != ""
        reported.loc[has, "reasons"] = reported.loc[has, "declared"] + "; " + reported.loc[has, "reasons"]
        reported = reported.drop(columns="declared")
    order = np.lexsort((-reported["similarity"].to_numpy(), -duplicate[positions], -genuine[positions]))
    return reported.iloc[order].reset_index(drop=True)



def add_conflicts(
    activities: pd.DataFrame, pairs: pd.DataFrame, conflicts: pd.DataFrame, index: TextIndex
) -> pd.DataFrame:
    """Conflict pairs join the reported pairs, replacing the same pair of another kind.

    Their score is the conflict's confidence; their evidence features are computed
    like any pair's, so the report can show what the two activities share.
    """
    if conflicts.empty:
        return pairs
    rows = conflicts[["a", "b", "similarity"]].reset_index(drop=True)
    features = evidence(activities, rows, index)
    rows = pd.concat([rows, features.reset_index(drop=True)], axis=1)
    rows["score"] = conflicts["confidence"].round(4).to_numpy()
    rows["kind"] = "conflict"
    rows["short_text"] = False
    rows["reasons"] = conflicts["reasons"].to_numpy()
    rows["axis"] = conflicts["axis"].to_numpy()
    # each side's position and pole phrases, which the report's conflicts view quotes
    for column in ("position_a", "evidence_a", "evidence_b"):
        rows[column] = conflicts[column].to_numpy()
    taken = {frozenset(p) for p in zip(rows["a"], rows["b"])}
    keep = [frozenset(p) not in taken for p in zip(pairs["a"], pairs["b"])]
    merged = pd.concat([pairs.loc[keep], rows], ignore_index=True)
    # stable: pairs of equal rounded score keep their order (by unrounded strength)
    return merged.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
