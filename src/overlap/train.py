"""Fit the pair scorer on labelled pairs: a logistic regression over the evidence features.

The model is small and readable on purpose: one weight per feature, so a
reviewer can see why a pair scores as it does, and the report can draw each
feature's contribution. Figures are measured on held-out folds, never on the
pairs the model was fitted on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from overlap import __version__
from overlap.config import Config
from overlap.errors import InputError
from overlap.evaluate import Truth
from overlap.outputs import write_json_atomic, write_text_atomic
from overlap.pipeline import prepare
from overlap.score import FEATURES, PairScorer, evidence
from overlap.state import State

BUDGETS = (100, 500, 1000, 5000)


@dataclass
class TrainingData:
    features: pd.DataFrame
    labels: np.ndarray
    #: truth pairs among the activities read, and how many became candidates
    truth_in_data: int
    embedder: str
    activities: int


def training_data(inputs: list[Path], truth: Truth, config: Config,
                  state: State | None = None) -> TrainingData:
    """Every candidate pair of a run with its features, labelled by the truth.

    With a state folder, embeddings come from (and go to) its cache, as in a run; the
    evidence is computed afresh (not taken from the last run's memo).

    Candidates not in the truth count as negatives: truth files are incomplete,
    so a few real duplicates are labelled negative and scores come out a little
    low rather than high.
    """
    front = prepare(inputs, config, state, reuse_memo=False)
    activities, candidates = front.activities, front.candidates
    features = evidence(activities, candidates, front.index)
    ids = activities["id"].to_numpy()
    labels = np.array([
        frozenset((ids[a], ids[b])) in truth.positives
        for a, b in zip(candidates["a"], candidates["b"])
    ])
    present = set(ids)
    truth_in_data = sum(all(i in present for i in pair) for pair in truth.positives)
    if not labels.any():
        raise InputError(
            "none of the truth pairs is among the candidate pairs: check that the truth "
            "ids match the `id` column of the inputs"
        )
    return TrainingData(features[list(FEATURES)], labels, truth_in_data, front.embedder.identity,
                        len(activities))


def _ranking_metrics(scores: np.ndarray, labels: np.ndarray, total: int) -> dict[str, float]:
    order = np.argsort(-scores, kind="stable")
    hits = labels[order]
    found = np.flatnonzero(hits)
    metrics = {f"recall@{b}": round(float(hits[:b].sum()) / total, 4) for b in BUDGETS}
    metrics["recall_of_candidates"] = round(float(labels.sum()) / total, 4)
    metrics["average_precision"] = round(
        float(np.sum((np.arange(len(found)) + 1) / (found + 1)) / total), 4
    )
    return metrics


def _sample_negatives(labels: np.ndarray, similarity: np.ndarray, ratio: int, rng) -> np.ndarray:
    """Rows to fit on: every positive, and ``ratio`` negatives per positive, half of
    them the most text-similar (the hard cases), half drawn at random."""
    positives = np.flatnonzero(labels)
    negatives = np.flatnonzero(~labels)
    wanted = min(len(negatives), ratio * len(positives))
    hard = negatives[np.argsort(-similarity[negatives], kind="stable")[: wanted // 2]]
    rest = np.setdiff1d(negatives, hard)
    drawn = rng.choice(rest, size=min(len(rest), wanted - len(hard)), replace=False)
    return np.concatenate([positives, hard, drawn])


#: features that are evidence *against* the same effort: their weights stay <= 0
AGAINST = ("country_differs", "dates_disjoint")


def fit_monotone(x: np.ndarray, y: np.ndarray, penalty: float = 1.0) -> tuple[np.ndarray, float]:
    """Logistic regression whose weights point the way the evidence does.

    Every feature but AGAINST is evidence *for* the same effort (more similar
    text, a shared country, overlapping dates): its weight is >= 0; AGAINST
    weights are <= 0. Another sign would only fit quirks of an incomplete truth;
    bounding them keeps the model sensible on other data.
    """
    from scipy.optimize import minimize

    def loss(params):
        weights, bias = params[:-1], params[-1]
        z = x @ weights + bias
        probability = 1.0 / (1.0 + np.exp(-z))
        value = np.sum(np.logaddexp(0, z) - y * z) + 0.5 * penalty * weights @ weights
        gradient = x.T @ (probability - y) + penalty * weights
        return value, np.append(gradient, np.sum(probability - y))

    start = np.zeros(x.shape[1] + 1)
    bounds = [(None, 0.0) if name in AGAINST else (0.0, None) for name in FEATURES]
    bounds += [(None, None)]
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x[:-1], float(result.x[-1])


def train(data: TrainingData, *, folds: int = 5, seed: int = 0, ratio: int = 20) -> tuple[PairScorer, dict]:
    """Held-out figures from a stratified k-fold split, then a model fitted on all pairs.

    Each fold's model is fitted on its training rows (positives plus sampled
    negatives) and ranks *every* candidate of the held-out fold, so the figures
    are those of a real run.
    """
    from sklearn.model_selection import StratifiedKFold

    x = data.features.to_numpy(dtype=float)
    labels = data.labels.astype(bool)
    similarity = data.features["text"].to_numpy(dtype=float)
    if labels.sum() < folds:
        raise InputError(f"only {int(labels.sum())} truth pairs among the candidates: need at least {folds}")
    rng = np.random.default_rng(seed)
    held_out = np.zeros(len(labels))
    for train_rows, test_rows in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, labels):
        rows = train_rows[_sample_negatives(labels[train_rows], similarity[train_rows], ratio, rng)]
        weights, bias = fit_monotone(x[rows], labels[rows].astype(float))
        held_out[test_rows] = x[test_rows] @ weights + bias
    rows = _sample_negatives(labels, similarity, ratio, rng)
    weights, bias = fit_monotone(x[rows], labels[rows].astype(float))
    metrics = {
        "held_out": _ranking_metrics(held_out, labels, data.truth_in_data),
        "training": _ranking_metrics(x @ weights + bias, labels, data.truth_in_data),
        "folds": folds,
        "positives": int(labels.sum()),
        "negatives": int(len(labels) - labels.sum()),
        "negatives_per_positive_fitted": ratio,
    }
    scorer = PairScorer(
        weights={name: round(float(w), 4) for name, w in zip(FEATURES, weights)},
        bias=round(bias, 4),
        name="trained",
    )
    return scorer, metrics


def save(scorer: PairScorer, metrics: dict, data: TrainingData, path: Path, sources: dict) -> Path:
    """The scorer as JSON, and its model card as Markdown beside it."""
    trained_at = datetime.date.today().isoformat()
    scorer.details = {
        "embedder": data.embedder, "trained_at": trained_at, "overlap_version": __version__,
        "metrics": metrics, "data": sources,
    }
    write_json_atomic(path, scorer.to_dict())
    card = path.with_name(path.stem + ".md")
    write_text_atomic(card, model_card(scorer, metrics, data, sources, trained_at))
    return card


def model_card(scorer: PairScorer, metrics: dict, data: TrainingData, sources: dict, trained_at: str) -> str:
    held, fitted = metrics["held_out"], metrics["training"]
    rows = "\n".join(
        f"| {name} | {held[name]:.3f} | {fitted[name]:.3f} |" for name in held
    )
    weights = "\n".join(f"| {name} | {weight:+.3f} |" for name, weight in scorer.weights.items())
    return f"""# Pair scorer model card

A logistic regression over overlap's evidence features: score = sigmoid(bias + sum of
weight x feature). Trained {trained_at} with overlap {__version__}.

## Data
- Truth: `{sources.get('truth', '')}` ({data.truth_in_data} pairs among the activities read).
- Inputs: {', '.join(f'`{s}`' for s in sources.get('inputs', []))} ({data.activities} activities).
- Candidates: every pair the run would score ({metrics['positives']} truth pairs,
  {metrics['negatives']} others, taken as negatives: the truth is incomplete, so some
  real duplicates are among them). The model is fitted on every truth pair and
  {metrics['negatives_per_positive_fitted']} negatives per truth pair, half the most
  text-similar, half drawn at random: scores read as probabilities under that 1 in
  {metrics['negatives_per_positive_fitted'] + 1} prior, not the real (much rarer) base rate.
- Weights are bounded to point the way their evidence does: at or above zero, except
  `country_differs` and `dates_disjoint` (at or below zero).
- Embedder: `{data.embedder}` (the text feature depends on it: retrain when changing it).

## Metrics
Recall of the truth pairs within the top-B candidates ranked by the model, and average
precision (unlisted pairs counted as false). Held out: each pair scored by a model fitted
on the other {metrics['folds'] - 1} folds of a stratified {metrics['folds']}-fold split.

| metric | held out | training |
|---|---|---|
{rows}

## Weights
Bias {scorer.bias:+.3f}.

| feature | weight |
|---|---|
{weights}

## Limits
Trained on IATI activities (mostly English, COVID-19 response 2020-21): funders' grants
and implementers' projects. Texts in 3W tables (a few words) are scored by the built-in
short-text weights instead. The training figures are optimistic; use the held-out ones.
"""
