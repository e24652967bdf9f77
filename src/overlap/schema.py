"""The canonical activity record every reader produces and every stage consumes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: Text fields: at least one of title/description must be non-empty.
TEXT_FIELDS = ("title", "description")

#: Fields holding several values; in DataFrames they are tuples of strings,
#: in CSV outputs they are joined with "; ".
LIST_FIELDS = (
    "countries",
    "locations",
    "sectors",
    "funders",
    "implementers",
    "participating_orgs",
)

#: Every canonical field, in output order.
CANONICAL_FIELDS = (
    "id",
    "actor",
    "title",
    "description",
    "countries",
    "locations",
    "sectors",
    "start_date",
    "end_date",
    "budget",
    "currency",
    "funders",
    "implementers",
    "participating_orgs",
    "language",
)

#: Provenance columns added by the reader.
SOURCE_FIELDS = ("source_file", "source_row")

LIST_SEPARATOR = "; "


# ---------------------------------------------------------------- the pairs frame

#: the default of a column every pair has its own value in
REQUIRED = object()


@dataclass(frozen=True)
class PairColumn:
    """One column of a run's pairs frame (``RunResult.pairs``)."""

    #: the values' type: str, int, float, bool, or tuple (of strings)
    dtype: str
    #: the module that fills it
    stage: str
    #: what it holds
    meaning: str
    #: the value of pairs the stage leaves empty (the conflict columns on other kinds of
    #: pair, the last run's score of a new pair)
    default: object = REQUIRED

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


NAN = float("nan")

#: The evidence features (filled by overlap.score.evidence): one float column each in
#: the pairs frame, between ``similarity`` and ``score``, and the pair scorer's inputs.
FEATURES = (
    "text",       # embedding cosine of the whole texts
    "title",      # character n-gram cosine of the titles
    "lexical",    # word TF-IDF cosine of the whole texts
    "country",    # 1 a shared country
    "country_differs",  # 1 both sides name countries and none is shared
    "location",   # +1 a shared location name, -1 both known and none shared
    "sector",     # +1 a shared sector (or DAC category), -1 both DAC-coded and none shared
    "dates",      # share of the shorter period that overlaps
    "dates_disjoint",   # 1 both periods known and they do not overlap
    "shared_org", # +1 a funder or implementer named on both sides
    "role_link",  # +1 one side names the other's actor as funder/implementer/partner
    "best_match", # 1 when each side is the other's closest activity of that actor, 0.5 one way
                  # (0 when countries differ or periods are disjoint)
    "start_near", # exp(-days between the start dates / 90): a grant and its project start together
    # a named partner's activity that also looks like this one: the role link
    # matters most when the texts, periods or best-match agree (and place and time do not contradict)
    "role_title", "role_text", "role_dates", "role_best",
    # evidence against: an umbrella record, generic words, a name in common and little else
    "countries_max",       # log(1 + the larger side's number of countries): regional or global records
    "country_missing",     # 1 one side names countries and the other none
    "title_same",          # 1 the folded titles are identical
    "length_ratio",        # the shorter description's words / the longer's
    "shared_specificity",  # mean IDF of the three rarest words both texts use / the largest IDF
    "shared_rare",         # log(1 + words both use that are rarer than RARE_IDF_SHARE of the largest IDF)
    "org_only",            # a shared organisation while titles and texts differ
)

#: Every column of a run's pairs frame besides one float column per evidence
#: feature (FEATURES above) between ``similarity`` and
#: ``score``. A run's frame has each of them (``complete_pairs``): the report reads them
#: without checking whether they exist.
PAIR_COLUMNS: dict[str, PairColumn] = {
    "pair_id": PairColumn("str", "pipeline", "P and 10 hex digits from the two activity keys"),
    "a": PairColumn("int", "candidates", "row of the side whose key sorts first"),
    "b": PairColumn("int", "candidates", "row of the other side"),
    "similarity": PairColumn("float", "candidates", "embedding cosine of the two texts"),
    "p_duplicate": PairColumn("float", "score", "P(the same effort or money reported twice); "
                              "conflicts: not scored", NAN),
    "p_genuine": PairColumn("float", "score", "P(a reviewer finds the pair duplicate or related); "
                            "conflicts: not scored", NAN),
    "score": PairColumn("float", "score", "P(genuine); a conflict's confidence"),
    "short_text": PairColumn("bool", "score", "both texts are labels: the short-text weights scored it"),
    "kind": PairColumn("str", "score", "duplicate, overlap, funding-chain; conflict (conflicts)"),
    "pair_reasons": PairColumn("str", "score", "the reasons the pair's own evidence gives "
                               "(kept for the next run)", ""),
    "reasons": PairColumn("str", "score", "why the pair is reported (conflicts: the axis and phrases)"),
    "axis": PairColumn("str", "conflicts", "a conflict's strategy axis", ""),
    "position_a": PairColumn("float", "conflicts", "side a's position on the axis (< 0: its first pole)",
                             NAN),
    "evidence_a": PairColumn("tuple", "conflicts", "side a's pole phrases", ()),
    "evidence_b": PairColumn("tuple", "conflicts", "side b's pole phrases", ()),
    "areas": PairColumn("tuple", "pipeline", "the admin areas both sides of a conflict work in", ()),
    "population": PairColumn("str", "conflicts", "the people both sides of a conflict act on", ""),
    "key_a": PairColumn("str", "pipeline", "side a's (actor, id) key"),
    "key_b": PairColumn("str", "pipeline", "side b's (actor, id) key"),
    "text_hash_a": PairColumn("str", "pipeline", "side a's text hash: a decision holds while it stays"),
    "text_hash_b": PairColumn("str", "pipeline", "side b's text hash"),
    "decision": PairColumn("str", "changes", "confirmed or unsure; dismissed pairs are dropped", ""),
    "decision_note": PairColumn("str", "changes", "the reviewer's note", ""),
    "review_note": PairColumn("str", "changes", "a decision whose texts changed since", ""),
    "cluster_id": PairColumn("str", "cluster", "the cluster of both sides"),
    "status": PairColumn("str", "changes", "new, changed or unchanged since the last run"),
    "previous_kind": PairColumn("str", "changes", "the kind in the last run", ""),
    "previous_score": PairColumn("float", "changes", "the score in the last run", NAN),
    "why": PairColumn("str", "changes", "why that status"),
}


def complete_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """The pairs with every optional column of PAIR_COLUMNS, holding its default where empty.

    Raises ValueError when a required column is missing: a stage did not run.
    """
    missing = [name for name, column in PAIR_COLUMNS.items() if column.required and name not in pairs]
    if missing:
        raise ValueError("the pairs lack the columns " + ", ".join(missing))
    filled = {}
    for name, column in PAIR_COLUMNS.items():
        if column.required or (name in pairs and not pairs[name].isna().any()):
            continue
        values = pairs[name] if name in pairs else [None] * len(pairs)
        filled[name] = pd.Series([column.default if _empty(v) else v for v in values], index=pairs.index,
                                 dtype=_DTYPES.get(column.dtype))
    return pairs.assign(**filled)


#: pandas dtypes that inference would not pick for a column of defaults
_DTYPES = {"float": "float64", "tuple": "object"}


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)
