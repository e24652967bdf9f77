"""Learning from the reviewer: the decisions recorded on earlier reports refine the scorer.

A reviewer's decisions (report or decisions.csv: duplicate, funding link, related,
not related) are kept in the state. Each run labels the candidate pairs they name,
and refines the shipped scorer on them (``PairScorer.fit``: the weights move only as
far as the decisions pull them), so the next report ranks this user's data the way
this user reads it. A decision whose texts changed since it was made teaches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from overlap.changes import texts_changed
from overlap.config import ReviewConfig
from overlap.scorer import PairScorer

#: a decision -> the label it gives the pair ("confirmed" depends on the kind it confirmed)
_LABEL_OF = {"duplicate": "duplicate", "funding link": "duplicate", "related": "related",
             "dismissed": "unrelated"}
_DUPLICATE_KINDS = ("duplicate", "funding-chain")


@dataclass(frozen=True)
class Reviewed:
    """Candidate rows a reviewer decided, with the label each decision gives."""

    rows: np.ndarray
    labels: np.ndarray


def reviewed_candidates(decisions: pd.DataFrame, candidate_ids: np.ndarray,
                        hashes_a: np.ndarray, hashes_b: np.ndarray,
                        previous_kinds: dict[str, str]) -> Reviewed:
    """The candidates (by pair id, row for row) that decisions in force label.

    ``decisions`` has pair_id, decision and, when stored, the texts' hashes at the
    time (text_hash_a/b, "" when unknown); ``previous_kinds`` the kind each pair had
    when last reported, which a bare "confirmed" confirms.
    """
    row_of = {pair: row for row, pair in enumerate(candidate_ids)}
    rows, labels = [], []
    for decision in decisions.itertuples(index=False):
        row = row_of.get(decision.pair_id)
        if row is None:
            continue
        if texts_changed(getattr(decision, "text_hash_a", ""), getattr(decision, "text_hash_b", ""),
                         hashes_a[row], hashes_b[row]):
            continue
        if decision.decision == "confirmed":
            kind = previous_kinds.get(decision.pair_id, "")
            label = "duplicate" if kind in _DUPLICATE_KINDS else "related"
        else:
            label = _LABEL_OF.get(decision.decision)
        if label:
            rows.append(row)
            labels.append(label)
    return Reviewed(np.array(rows, dtype=np.int64), np.array(labels, dtype=object))


def refine(scorer: PairScorer, features: pd.DataFrame, reviewed: Reviewed,
           config: ReviewConfig) -> PairScorer:
    """The scorer refined on the reviewed candidates, or as it was when too few are."""
    if not config.learn or len(reviewed.rows) < config.learn_min_pairs:
        return scorer
    return scorer.fit(features.iloc[reviewed.rows], reviewed.labels, prior=config.learn_prior)
