"""Fit the pair scorer on pairs read by people: two calibrated logistic heads.

The labels are pairs of a run's candidates read blind and labelled ``duplicate``,
``related`` or ``unrelated`` (overlap.evaluate.load_labels), plus, optionally, pairs
known to be the same money from declared links (``--truth``: duplicates).

Labelled pairs are usually drawn at random within rank bands of a run, many more
from the top than the bottom. Each pair is weighed by how many candidates of its band
it stands for, tempered (``BAND_WEIGHT_POWER``): fully weighed, the few bottom pairs
would outweigh everything; unweighed, the model would think a tenth of all
candidates genuine. Each head is a logistic regression over the standardised
evidence, calibrated by Platt scaling on held-out folds (CalibratedClassifierCV),
then folded back into one weight per feature, so the JSON stays readable and the
report can draw each feature's part.

Every figure is measured on held-out folds grouped by actor pair: the pairs of one
donor and one agency never sit on both sides of a split.
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
from overlap.evaluate import LabelledPair, Truth, band_bounds, reliability_bins, represented
from overlap.outputs import write_figure_atomic, write_json_atomic, write_text_atomic
from overlap.pipeline import prepare
from overlap.schema import FEATURES
from overlap.score import evidence
from overlap.scorer import BUILT_IN, LABELS, LinearHead, PairScorer, fit_logistic, sigmoid
from overlap.state import State

#: how strongly a band's size weighs its labelled pairs: (size / labelled) ** power
BAND_WEIGHT_POWER = 0.5
#: candidates the hand-set scorer does not report, presumed unrelated (see training_data)
PRESUMED_UNRELATED = 3000  # the CLI's --presumed default
#: inverse L2 strength of the logistic heads (on standardised features)
REGULARISATION_C = 0.3
FOLDS = 5
#: repeated grouped splits for the held-out figures
REPEATS = 3


@dataclass
class TrainingData:
    """The labelled candidates: evidence, label, weight and actor pair of each."""

    features: pd.DataFrame
    labels: np.ndarray
    weights: np.ndarray
    #: actor pair of each row: folds never split one
    groups: np.ndarray
    #: "sample" (drawn at random within a band) or "link" (a declared link)
    sources: np.ndarray
    #: labelled pairs whose two activities were read, and how many are candidates
    labelled_in_data: int
    embedder: str
    activities: int
    #: each row's pair, as the frozenset of its two activity ids
    keys: np.ndarray


def band_weights(labels: list[LabelledPair]) -> np.ndarray:
    """Each pair's weight from its rank band: (band size / pairs labelled in it) ** power."""
    return represented(labels) ** BAND_WEIGHT_POWER


def training_data(inputs: list[Path], labels: list[LabelledPair], config: Config,
                  state: State | None = None, truth: Truth | None = None,
                  presumed: int = PRESUMED_UNRELATED, seed: int = 0) -> TrainingData:
    """The candidates of a run on INPUTS that carry a label, with their evidence.

    Besides the labelled pairs and the declared links, ``presumed`` candidates drawn at
    random among those the hand-set scorer does not report are presumed unrelated: a
    blind read found 98% of them unrelated, and without them the few labelled pairs
    from that deep (and by far largest) part of the candidates leave the model too
    sure of pairs it has never seen the like of.
    """
    front = prepare(inputs, config, state, reuse_memo=False)
    activities, candidates = front.activities, front.candidates
    # evidence over every candidate: best match compares each pair with the others
    features = evidence(activities, candidates, front.index)
    ids = activities["id"].to_numpy()
    actors = activities["actor_key"].to_numpy()
    row_of = {frozenset((ids[a], ids[b])): i for i, (a, b) in enumerate(zip(candidates["a"], candidates["b"]))}
    pairs = list(labels)
    sources = ["sample"] * len(pairs)
    if presumed:
        drawn = _presumed_unrelated(features, candidates, {row_of.get(p.key) for p in pairs},
                                    [p.band for p in pairs], presumed, seed)
        pairs += [LabelledPair(frozenset((ids[candidates["a"].iat[row]], ids[candidates["b"].iat[row]])),
                               "unrelated", band) for row, band in drawn]
        sources += ["presumed"] * len(drawn)
    table = pd.DataFrame({"key": [pair.key for pair in pairs], "label": [pair.label for pair in pairs],
                          "weight": band_weights(pairs), "source": sources})
    if truth is not None:
        known = set(table["key"])
        links = [k for k in truth.positives if k not in known]
        table = pd.concat([table, pd.DataFrame({
            "key": links, "label": "duplicate", "source": "link",
            "weight": table["weight"].min() if len(table) else 1.0})], ignore_index=True)
    present = set(ids)
    labelled_in_data = int(sum(all(i in present for i in key)
                               for key, source in zip(table["key"], table["source"]) if source != "presumed"))
    table["row"] = table["key"].map(row_of)
    table = table.dropna(subset=["row"])
    if table.empty or table["label"].nunique() < 2:
        raise InputError("too few labelled pairs among the candidate pairs: check that the label "
                         "ids match the `id` column of the inputs (need duplicate or related, "
                         "and unrelated pairs)")
    rows = table["row"].astype(int).to_numpy()
    a, b = candidates["a"].to_numpy()[rows], candidates["b"].to_numpy()[rows]
    groups = np.array(["\n".join(sorted((actors[x], actors[y]))) for x, y in zip(a, b)])
    weights = table["weight"].to_numpy(dtype=float)
    data = TrainingData(features.iloc[rows][list(FEATURES)].reset_index(drop=True),
                        table["label"].to_numpy(), weights / weights.mean(),
                        groups, table["source"].to_numpy(), labelled_in_data,
                        front.embedder.identity, len(activities), table["key"].to_numpy())
    return with_copies_without_metadata(data)


def with_copies_without_metadata(data: TrainingData) -> TrainingData:
    """The data and, at WITHOUT_METADATA_WEIGHT, a copy of each pair as an export without
    place, time or organisations would show it (source "without metadata": no figure
    counts them; folds keep each copy with its original)."""
    copies = data.features.assign(**{name: 0.0 for name in METADATA})
    return TrainingData(pd.concat([data.features, copies], ignore_index=True),
                        np.concatenate([data.labels, data.labels]),
                        np.concatenate([data.weights, data.weights * WITHOUT_METADATA_WEIGHT]),
                        np.concatenate([data.groups, data.groups]),
                        np.concatenate([data.sources, np.full(len(data.labels), "without metadata")]),
                        data.labelled_in_data, data.embedder, data.activities,
                        np.concatenate([data.keys, data.keys]))


def _presumed_unrelated(features: pd.DataFrame, candidates: pd.DataFrame, labelled: set,
                        bands: list[str | None], count: int, seed: int) -> list[tuple[int, str]]:
    """Candidates the hand-set scorer does not report, drawn at random, each with its rank
    band: the labelled band holding its hand-set rank, else the band of all unreported ones."""
    genuine, _ = BUILT_IN.logits(features)
    order = np.lexsort((-candidates["similarity"].to_numpy(), -genuine))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    unreported = np.flatnonzero(genuine < 0)
    pool = np.setdiff1d(unreported, np.array([r for r in labelled if r is not None], dtype=np.int64))
    drawn = np.random.default_rng(seed).choice(pool, size=min(count, len(pool)), replace=False)
    ranges = [(band, bounds) for band in set(b for b in bands if b) if (bounds := band_bounds(band))]
    first = len(order) - len(unreported) + 1
    fallback = f"{first}-{len(order)}"

    def band_of(row: int) -> str:
        return next((band for band, (low, high) in ranges if low <= rank[row] <= high), fallback)

    return [(int(row), band_of(row)) for row in drawn]


#: evidence against the same effort: weights at or below zero (every other one: at or above)
AGAINST = ("country_differs", "dates_disjoint", "countries_max", "country_missing", "org_only")
#: features an export may lack (place, time, organisations): copies of the labelled pairs
#: without them teach the model what text alone says
METADATA = ("country", "country_differs", "location", "sector", "dates", "dates_disjoint",
            "shared_org", "role_link", "start_near", "role_title", "role_text", "role_dates",
            "role_best", "countries_max", "country_missing", "org_only")
#: those copies weigh this share of their originals
WITHOUT_METADATA_WEIGHT = 0.5


class SignedLogisticRegression:
    """Logistic regression whose weights point the way their evidence does.

    More similar text, a shared country, overlapping dates can only make a pair more
    likely; an umbrella record or a different country only less. Another sign would
    fit quirks of a few hundred labels (e.g. lexical against text, which move together)
    and break on other data. A scikit-learn classifier, so CalibratedClassifierCV can
    calibrate it.
    """

    def __init__(self, C: float = 1.0, signs: tuple[int, ...] = ()):
        self.C = C
        self.signs = signs

    def get_params(self, deep: bool = True) -> dict:
        return {"C": self.C, "signs": self.signs}

    def set_params(self, **params) -> SignedLogisticRegression:
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags())

    def fit(self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None):
        weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        bounds = [(None, 0.0) if sign < 0 else (0.0, None) if sign > 0 else (None, None)
                  for sign in self.signs] + [(None, None)]
        zeros = np.zeros(x.shape[1] + 1)
        fitted = fit_logistic(x, np.asarray(y, float), weight, start=zeros, penalty=1.0, centre=zeros,
                              penalise_bias=False, data_scale=self.C, bounds=bounds)
        self.coef_, self.intercept_ = fitted[None, :-1], fitted[-1:]
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        return x @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        p = sigmoid(self.decision_function(x))
        return np.column_stack([1 - p, p])

    def predict(self, x: np.ndarray) -> np.ndarray:
        return (self.decision_function(x) > 0).astype(int)


def _fit_head(x: np.ndarray, y: np.ndarray, weights: np.ndarray, groups: np.ndarray,
              seed: int) -> LinearHead:
    """A signed logistic regression on standardised features, Platt-calibrated on grouped
    folds, as one weight per raw feature."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import GroupKFold

    mean = np.average(x, axis=0, weights=weights)
    scale = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=weights))
    scale[scale == 0] = 1.0
    folds = min(FOLDS, len(set(groups)))
    splits = list(GroupKFold(folds, shuffle=True, random_state=seed).split(x, y, groups))
    signs = tuple(-1 if name in AGAINST else 1 for name in FEATURES)
    model = CalibratedClassifierCV(SignedLogisticRegression(C=REGULARISATION_C, signs=signs),
                                   method="sigmoid", cv=splits, ensemble=False)
    model.fit((x - mean) / scale, y, sample_weight=weights)
    fitted = model.calibrated_classifiers_[0]
    regression, platt = fitted.estimator, fitted.calibrators[0]
    # P = 1 / (1 + exp(a f + b)) with f = w . (x - mean) / scale + c: one linear logit in x
    coefficients = -platt.a_ * regression.coef_[0] / scale
    bias = -platt.a_ * (regression.intercept_[0] - np.sum(regression.coef_[0] * mean / scale)) - platt.b_
    return LinearHead(weights={name: round(float(w), 4) for name, w in zip(FEATURES, coefficients)},
                      bias=round(float(bias), 4))


def _targets(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pairs = np.array([LABELS[label] for label in labels]).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def subset(data: TrainingData, rows: np.ndarray) -> TrainingData:
    """The training data of these rows only."""
    return TrainingData(data.features.iloc[rows].reset_index(drop=True), data.labels[rows],
                        data.weights[rows], data.groups[rows], data.sources[rows], 0,
                        data.embedder, data.activities, data.keys[rows])


def fit_scorer(data: TrainingData, seed: int = 0) -> PairScorer:
    x = data.features.to_numpy(dtype=float)
    genuine, duplicate = _targets(data.labels)
    return PairScorer(genuine=_fit_head(x, genuine, data.weights, data.groups, seed),
                      duplicate=_fit_head(x, duplicate, data.weights, data.groups, seed),
                      name="learned")


def held_out(data: TrainingData) -> pd.DataFrame:
    """P(duplicate), P(genuine) of every labelled pair from models that never saw its actor pair
    (averaged over REPEATS grouped splits)."""
    from sklearn.model_selection import GroupKFold

    total = np.zeros((len(data.labels), 2))
    for repeat in range(REPEATS):
        splits = GroupKFold(min(FOLDS, len(set(data.groups))), shuffle=True, random_state=repeat)
        for train_rows, test_rows in splits.split(data.features, data.labels, data.groups):
            part = subset(data, train_rows)
            scored = fit_scorer(part, seed=repeat).predict_proba(data.features.iloc[test_rows])
            total[test_rows] += scored[["p_duplicate", "p_genuine"]].to_numpy()
    return pd.DataFrame(total / REPEATS, columns=["p_duplicate", "p_genuine"])


def metrics(data: TrainingData, predicted: pd.DataFrame) -> dict[str, object]:
    """Held-out figures: what share of each class is reported and how, calibration, ranking."""
    from sklearn.metrics import average_precision_score, brier_score_loss

    genuine, duplicate = _targets(data.labels)
    p_dup, p_gen = predicted["p_duplicate"].to_numpy(), predicted["p_genuine"].to_numpy()
    sample = data.sources == "sample"
    per_class = {}
    for label in LABELS:
        rows = sample & (data.labels == label)
        if rows.any():
            per_class[label] = {"pairs": int(rows.sum()),
                                "reported": round(float(np.mean(p_gen[rows] >= 0.5)), 3),
                                "called_duplicate": round(float(np.mean(p_dup[rows] >= 0.5)), 3)}
    links = data.sources == "link"
    if links.any():
        per_class["declared links"] = {"pairs": int(links.sum()),
                                       "reported": round(float(np.mean(p_gen[links] >= 0.5)), 3),
                                       "called_duplicate": round(float(np.mean(p_dup[links] >= 0.5)), 3)}
    heads = {}
    for name, y, p in (("genuine", genuine, p_gen), ("duplicate", duplicate, p_dup)):
        heads[name] = {
            "average_precision": round(float(average_precision_score(y[sample], p[sample])), 3),
            "brier": round(float(brier_score_loss(y[sample], p[sample])), 4),
            "reliability": reliability(p[sample], y[sample]),
        }
    return {"folds": FOLDS, "repeats": REPEATS, "grouped_by": "actor pair",
            "labelled_pairs": int(len(data.labels)), "per_class": per_class, "heads": heads}


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 5) -> list[dict[str, object]]:
    """The model card's reliability rows: the non-empty probability bins."""
    return [{"bin": f"{b.low:.1f}-{b.high:.1f}", "pairs": b.pairs, "predicted": b.mean_predicted,
             "observed": b.observed} for b in reliability_bins(p, y.astype(bool), bins) if b.pairs]


def train(data: TrainingData) -> tuple[PairScorer, dict]:
    """Held-out figures first, then the scorer fitted on every labelled pair."""
    if len(set(data.groups)) < FOLDS:
        raise InputError(f"labelled pairs from only {len(set(data.groups))} actor pairs: "
                         f"need at least {FOLDS} for grouped cross-validation")
    predicted = held_out(data)
    return fit_scorer(data), {**metrics(data, predicted), "predicted": predicted}


def save(scorer: PairScorer, figures: dict, data: TrainingData, path: Path, sources: dict) -> Path:
    """The scorer as JSON, its model card (Markdown) and reliability plot (PNG) beside it."""
    trained_at = datetime.date.today().isoformat()
    predicted = figures.pop("predicted")
    details = {"embedder": data.embedder, "trained_at": trained_at, "overlap_version": __version__,
               "metrics": figures, "data": sources}
    scorer = PairScorer(genuine=scorer.genuine, duplicate=scorer.duplicate, name=scorer.name,
                        details=details)
    write_json_atomic(path, scorer.to_dict())
    plot = path.with_name(path.stem + "-reliability.png")
    has_plot = plot_reliability(data, predicted, plot)
    card = path.with_name(path.stem + ".md")
    write_text_atomic(card, model_card(scorer, figures, data, sources, trained_at,
                                       plot.name if has_plot else None))
    return card


def plot_reliability(data: TrainingData, predicted: pd.DataFrame, path: Path) -> bool:
    """Predicted against observed, per head, on held-out folds (False without matplotlib)."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    genuine, duplicate = _targets(data.labels)
    sample = data.sources == "sample"
    figure, axes = plt.subplots(figsize=(5, 4.5), dpi=100)
    axes.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=1, label="perfect")
    for name, y, column, colour in (("P(genuine)", genuine, "p_genuine", "#2f6f4f"),
                                    ("P(duplicate)", duplicate, "p_duplicate", "#b5502b")):
        points = reliability(predicted[column].to_numpy()[sample], y[sample])
        axes.plot([p["predicted"] for p in points], [p["observed"] for p in points], marker="o",
                  color=colour, label=name)
        for p in points:
            axes.annotate(str(p["pairs"]), (p["predicted"], p["observed"]), fontsize=7,
                          textcoords="offset points", xytext=(4, -10), color=colour)
    axes.set_xlabel("predicted probability (held out)")
    axes.set_ylabel("observed share")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    axes.set_title("Reliability of the pair scorer (labels read blind)")
    axes.legend(loc="upper left")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    write_figure_atomic(path, figure)
    plt.close(figure)
    return True


def model_card(scorer: PairScorer, figures: dict, data: TrainingData, sources: dict,
               trained_at: str, plot: str | None) -> str:
    counts = pd.Series(data.labels[data.sources == "sample"]).value_counts()
    classes = "\n".join(
        f"| {label} | {row['pairs']} | {row['reported']:.1%} | {row['called_duplicate']:.1%} |"
        for label, row in figures["per_class"].items())
    heads = "\n".join(
        f"| {name} | {head['average_precision']:.3f} | {head['brier']:.4f} |"
        for name, head in figures["heads"].items())
    bins = "\n".join(
        f"| {name} | {p['bin']} | {p['pairs']} | {p['predicted']:.2f} | {p['observed']:.2f} |"
        for name, head in figures["heads"].items() for p in head["reliability"])
    weights = "\n".join(
        f"| {name} | {scorer.genuine.weights[name]:+.3f} | {scorer.duplicate.weights[name]:+.3f} |"
        for name in FEATURES)
    picture = f"\n![Reliability]({plot})\n" if plot else ""
    return f"""# Pair scorer model card

Two logistic heads over overlap's evidence features, each calibrated (Platt scaling on
grouped held-out folds, CalibratedClassifierCV) and folded back into one weight per
feature: P(genuine) = sigmoid(bias + sum of weight x feature) is the probability that a
reviewer reading both records finds the pair a duplicate or related work; P(duplicate)
that it is the same effort or money reported twice. Trained {trained_at} with overlap
{__version__}.

## Data
- Labels: {', '.join(f'`{s}`' for s in sources.get('labels', []))}: pairs of the default
  run's candidates read blind (no score shown) and labelled with the rubric
  (duplicate / related / unrelated): {int(counts.get('duplicate', 0))} duplicate,
  {int(counts.get('related', 0))} related, {int(counts.get('unrelated', 0))} unrelated.
- Declared links: `{sources.get('truth') or 'none'}` (same money declared by the
  publishers; labelled duplicate): {int((data.sources == 'link').sum())} among the candidates.
- Inputs: {', '.join(f'`{s}`' for s in sources.get('inputs', []))} ({data.activities} activities);
  {data.labelled_in_data} labelled pairs had both activities in the inputs,
  {int(np.isin(data.sources, ('sample', 'link')).sum())} were among the candidates (the others cannot be scored).
- Presumed unrelated: {int((data.sources == 'presumed').sum())} candidates the hand-set scorer does
  not report, drawn at random (a blind read found 98% of those unrelated); they teach the
  model what the deep, largest part of the candidates looks like.
- Weights: pairs drawn within rank bands (presumed ones included) weigh (band size / pairs
  drawn in it) ^ {BAND_WEIGHT_POWER}; declared links weigh as the top band.
- Without metadata: each pair also appears as an export lacking place, time and
  organisations would show it (those features at 0), at {WITHOUT_METADATA_WEIGHT} of its weight, so
  that text alone still speaks where an export has nothing else.
- Signs: every weight points the way its evidence does: at or below zero for
  {', '.join(f'`{name}`' for name in AGAINST)}; at or above zero for the others.
- Embedder: `{data.embedder}` (the text features depend on it: retrain when changing it).

## Held-out figures
{FOLDS}-fold cross-validation grouped by actor pair, repeated {REPEATS} times: each pair is
scored by models that never saw a pair of the same two actors. "Reported" is
P(genuine) >= 0.5, "called duplicate" P(duplicate) >= 0.5 (the default thresholds).

| label | pairs | reported | called duplicate |
|---|---|---|---|
{classes}

| head | average precision | Brier score |
|---|---|---|
{heads}

Reliability (labelled pairs drawn within bands, unweighted):

| head | predicted | pairs | mean predicted | observed |
|---|---|---|---|---|
{bins}
{picture}
## Weights
Bias: genuine {scorer.genuine.bias:+.3f}, duplicate {scorer.duplicate.bias:+.3f}.

| feature | genuine | duplicate |
|---|---|---|
{weights}

## Limits
Trained on IATI activities (mostly English, COVID-19 response 2020-21): funders' grants,
implementers' projects, pooled funds. The labelled pairs are few (hundreds): the
per-class figures move by several points between splits. Probabilities are calibrated
for pairs drawn like the labelled ones (a tempered weighting of rank bands), not for
every candidate of another kind of data. Texts in 3W tables (a few words) are scored by
the built-in short-text weights instead. A reviewer's decisions refine the model for a
user's data (`PairScorer.fit`).
"""
