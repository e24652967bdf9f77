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
from overlap.candidates import generate_candidates
from overlap.config import Config
from overlap.embed import get_embedder
from overlap.errors import InputError
from overlap.evaluate import Truth
from overlap.outputs import write_json_atomic, write_text_atomic
from overlap.pipeline import _orient, load_activities
from overlap.score import FEATURES, PairScorer, TextIndex, evidence
from overlap.text import activity_texts

BUDGETS = (100, 500, 1000, 5000)


@dataclass
class TrainingData:
    features: pd.DataFrame
    labels: np.ndarray
    #: truth pairs among the activities read, and how many became candidates
    truth_in_data: int
    embedder: str
    activities: int


def training_data(inputs: list[Path], truth: Truth, config: Config) -> TrainingData:
    """Every candidate pair of a run with its features, labelled by the truth.

    Candidates not in the truth count as negatives: truth files are incomplete,
    so a few real duplicates are labelled negative and scores come out a little
    low rather than high.
    """
    read, normalised = load_activities(inputs, config)
    activities = normalised.activities
    embedder = get_embedder(config.embed, activities["language"].tolist())
    vectors = embedder.embed(activity_texts(activities))
    index = TextIndex.build(activities)
    candidates, _ = generate_candidates(activities, vectors, read.links, config.neighbours, index)
    keys = (activities["actor_key"] + "\x1f" + activities["id"]).to_numpy()
    candidates = _orient(candidates, keys)
    features, _ = evidence(activities, candidates, index)
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
    return TrainingData(features[list(FEATURES)], labels, truth_in_data, embedder.identity,
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


def train(data: TrainingData, *, folds: int = 5, seed: int = 0, c: float = 1.0) -> tuple[PairScorer, dict]:
    """Cross-validated figures on held-out folds, then a model fitted on all pairs."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    x = data.features.to_numpy(dtype=float)
    y = data.labels.astype(int)
    if y.sum() < folds:
        raise InputError(f"only {int(y.sum())} truth pairs among the candidates: need at least {folds}")
    held_out = np.zeros(len(y))
    for train_rows, test_rows in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        model = LogisticRegression(C=c, max_iter=5000).fit(x[train_rows], y[train_rows])
        held_out[test_rows] = model.predict_proba(x[test_rows])[:, 1]
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    fitted = model.predict_proba(x)[:, 1]
    metrics = {
        "held_out": _ranking_metrics(held_out, data.labels, data.truth_in_data),
        "training": _ranking_metrics(fitted, data.labels, data.truth_in_data),
        "folds": folds,
        "positives": int(y.sum()),
        "negatives": int(len(y) - y.sum()),
    }
    scorer = PairScorer(
        weights={name: round(float(w), 4) for name, w in zip(FEATURES, model.coef_[0])},
        bias=round(float(model.intercept_[0]), 4),
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
  real duplicates are among them).
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
