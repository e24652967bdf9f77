"""Score candidate pairs: text similarity weighed with the metadata both sides share.

Each pair gets evidence features (0 when a side lacks the data), two probabilities
from the pair scorer (overlap.scorer: P(duplicate) and P(genuine)), a kind that
follows them, and reasons in words.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

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


def _best_match(activities: pd.DataFrame, pairs: pd.DataFrame, closeness: pd.Series) -> np.ndarray:
    """Among the candidates of A from B's actor, is B the closest (and the other way)?

    An actor reporting the same effort has one counterpart activity, not many:
    being each other's best match is evidence beyond the raw similarity.
    """
    if pairs.empty:
        return np.zeros(0)
    actor_codes = pd.factorize(activities["actor_key"].to_numpy())[0]
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    closeness = closeness.to_numpy()
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


#: pairs whose shared words are looked up at once (memory ~ pairs x words per text x 16 bytes)
SPECIFICITY_BLOCK = 50_000


def shared_word_specificity(index: TextIndex, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How specific the words two texts share are: ("covid", "response") say nothing,
    a district's or a programme's name says much. Per pair: the mean IDF of the three
    rarest shared words over the largest IDF, and log(1 + the number of rare ones)."""
    idf = index.model.word_idf
    specificity, rare = np.zeros(len(a)), np.zeros(len(a))
    if len(idf) == 0 or len(a) == 0:
        return specificity, rare
    present = index.counts.astype(bool).astype(np.float32)
    # a block of pairs at a time: both sides' rows of 1.5M pairs at once held 5 GB (50k activities)
    for start in range(0, len(a), SPECIFICITY_BLOCK):
        block = slice(start, start + SPECIFICITY_BLOCK)
        specificity[block], rare[block] = _shared_word_specificity(present, idf, a[block], b[block])
    return specificity, rare


def _shared_word_specificity(present, idf: np.ndarray, a: np.ndarray,
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


def pairwise_evidence(activities: pd.DataFrame, pairs: pd.DataFrame, index: TextIndex) -> pd.DataFrame:
    """The PAIRWISE feature columns for each pair (a, b are row positions)."""
    a = pairs["a"].to_numpy()
    b = pairs["b"].to_numpy()
    out = pd.DataFrame(index=pairs.index)
    out["text"] = pairs["similarity"].to_numpy(dtype=float)
    out["title"] = pair_similarity(index.titles, a, b).astype(float)
    out["lexical"] = pair_similarity(index.words, a, b).astype(float)
    activities, x_side, y_side = _pair_rows(activities, a, b)
    # words cannot match across languages: there, a multilingual embedding's
    # similarity stands in for the lexical evidence, for the languages it aligns
    # (outside them, e.g. Finnish against Swedish, its similarity is noise)
    languages = activities["language"].to_numpy()
    aligned = np.isin(languages, list(index.aligned_languages))
    across = (languages[x_side] != languages[y_side]) & aligned[x_side] & aligned[y_side]
    standin = crosslingual_standin(out.loc[across, "text"].to_numpy())
    out.loc[across, "title"] = np.maximum(out.loc[across, "title"], standin)
    out.loc[across, "lexical"] = np.maximum(out.loc[across, "lexical"], standin)
    countries = [frozenset(c) for c in activities["countries"]]
    sectors = [_sector_keys(s) for s in activities["sectors"]]
    country = _agreement(countries, x_side, y_side)
    out["country"] = (country > 0).astype(float)
    out["country_differs"] = (country < 0).astype(float)
    locations = activities["locations"].tolist()
    out["location"] = np.fromiter((place_agreement(locations[x], locations[y])
                                   for x, y in zip(x_side, y_side)), dtype=float, count=len(a))
    out["sector"] = _agreement(sectors, x_side, y_side)
    # free-text sector labels differ between actors ("Labour mobility", "Migration de
    # travail"): only coded sectors can disagree
    coded = np.array([any(k.startswith("dac:") for k in keys) for keys in sectors], dtype=bool)
    out.loc[(out["sector"] < 0) & ~(coded[x_side] & coded[y_side]), "sector"] = 0.0
    first, last = periods(activities)
    dates, _, _ = date_agreement(first, last, x_side, y_side)
    out["dates"] = dates.clip(min=0)
    out["dates_disjoint"] = (dates < 0).astype(float)
    named, own = activities["named_keys"].tolist(), activities["actor_keys"].tolist()
    out["shared_org"] = _agreement(named, x_side, y_side).clip(min=0)
    out["role_link"] = [
        1.0 if (named[x] & own[y]) or (named[y] & own[x]) else 0.0 for x, y in zip(x_side, y_side)
    ]
    out["start_near"] = _start_near(first, x_side, y_side)
    how_many = np.array([len(c) for c in countries], dtype=np.int64)
    out["countries_max"] = np.log1p(np.maximum(how_many[x_side], how_many[y_side]))
    out["country_missing"] = ((how_many[x_side] == 0) != (how_many[y_side] == 0)).astype(float)
    titles = [fold(t) for t in activities["title"]]
    out["title_same"] = [1.0 if titles[x] and titles[x] == titles[y] else 0.0
                         for x, y in zip(x_side, y_side)]
    words = np.array([len(d.split()) for d in activities["description"]], dtype=np.int64)
    longer = np.maximum(words[x_side], words[y_side])
    out["length_ratio"] = np.minimum(words[x_side], words[y_side]) / np.maximum(longer, 1)
    out["shared_specificity"], out["shared_rare"] = shared_word_specificity(index, a, b)
    # a translation shares no word with its original: there too the embedding stands in,
    # at the specificity of the words a same-language copy shares
    out.loc[across, "shared_specificity"] = np.maximum(out.loc[across, "shared_specificity"], standin)
    out.loc[across, "shared_rare"] = np.maximum(out.loc[across, "shared_rare"], standin * RARE_STANDIN)
    return out


def evidence(activities: pd.DataFrame, pairs: pd.DataFrame, index: TextIndex,
             known: pd.DataFrame | None = None) -> pd.DataFrame:
    """Feature columns for each candidate pair (a, b are row positions).

    ``known`` holds PAIRWISE values already computed (rows aligned with ``pairs``,
    NaN where unknown): only the other pairs are compared.
    """
    if known is None:
        out = pairwise_evidence(activities, pairs, index)
    else:
        out = known.reindex(columns=list(PAIRWISE)).set_axis(pairs.index).astype(float)
        todo = out.isna().any(axis=1).to_numpy()
        if todo.any():
            out.loc[todo] = pairwise_evidence(activities, pairs.loc[todo], index).to_numpy()
    # being each other's closest activity says "the same effort" only where place
    # and time do not contradict it (the same theme elsewhere is each other's
    # closest too); likewise a grant and the project it pays for
    consistent = (1.0 - out["country_differs"]) * (1.0 - out["dates_disjoint"])
    out["best_match"] = _best_match(activities, pairs, out["text"] + out["title"]) * consistent
    same_place = out["role_link"] * consistent
    out["role_title"] = same_place * out["title"]
    out["role_text"] = same_place * out["text"]
    out["role_dates"] = same_place * out["dates"]
    out["role_best"] = same_place * out["best_match"]
    out["org_only"] = out["shared_org"] * (1.0 - out["title"]) * (1.0 - out["text"].clip(lower=0))
    return out[list(FEATURES)]


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
    kind = np.select(
        [declared, (p_duplicate >= config.duplicate_threshold) & ~short],
        ["funding-chain", "duplicate"],
        "overlap",
    )
    one_plan = _parts_of_one_plan(candidates, np.flatnonzero(kind == "duplicate"), family)
    kind[one_plan] = "overlap"
    keep = (p_genuine >= config.report_threshold) | declared
    positions = np.flatnonzero(keep)
    # only the reported rows get the candidates' and features' columns side by side: a
    # copy of every candidate's would cost GBs at 200k activities (millions of candidates)
    reported = pd.concat([candidates.iloc[positions].reset_index(drop=True),
                          features.iloc[positions].reset_index(drop=True)], axis=1)
    reported["p_duplicate"] = p_duplicate[positions].round(4)
    reported["p_genuine"] = p_genuine[positions].round(4)
    reported["score"] = reported["p_genuine"]
    reported["short_text"] = short[positions]
    reported["kind"] = kind[positions]
    reasons = np.full(len(reported), None, dtype=object)
    if known_reasons is not None:
        stored = known_reasons.iloc[positions]
        same = stored["pair_reasons"].notna().to_numpy() & (
            stored["short_text"].to_numpy() == short[positions])
        reasons[same] = stored["pair_reasons"].to_numpy()[same]
    todo = np.flatnonzero(pd.isna(reasons))
    if len(todo):
        rows = reported.iloc[todo]
        feature_rows = features.iloc[positions[todo]].to_dict("records")
        a, b = rows["a"].to_numpy(), rows["b"].to_numpy()
        used = np.unique(np.concatenate([a, b]))
        records = dict(zip(used.tolist(), activities.iloc[used].to_dict("records")))
        terms = index.shared_terms(a, b)
        shared = shared_details(activities, a, b)
        reasons[todo] = [
            _reasons(records, row, feature_rows[j], shared, j, terms[j])
            for j, row in enumerate(rows.itertuples())
        ]
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
