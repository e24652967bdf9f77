"""How good is a ranked list of pairs against pairs known to be true (or false)?

Ground truth is usually incomplete: an unlisted pair may still be a real
duplicate. So recall is exact, while precision is measured only where negatives
are labelled (a ``label`` column, or "dismissed" decisions from the report), and
average precision treats unlisted pairs as negatives: a lower bound.

Pairs read blind and labelled duplicate / related / unrelated (``load_labels``,
``evaluate_labels``) say instead how each class was reported, per rank band, and,
weighting each pair by the band it was sampled from, how precise the run is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.errors import InputError
from overlap.outputs import unguard_frame, write_figure_atomic

BUDGETS = (100, 500, 1000, 5000)
_POSITIVE = {"1", "true", "yes", "y", "confirmed", "duplicate", "positive", "genuine",
             "funding-chain", "overlap", "conflict"}
_NEGATIVE = {"0", "false", "no", "n", "dismissed", "not a duplicate", "negative", "false positive"}


@dataclass
class Truth:
    """Unordered id pairs known to be true, and those known to be false."""

    positives: set[frozenset]
    negatives: set[frozenset] = field(default_factory=set)
    #: kind per positive pair when the truth file says it (e.g. conflict)
    kinds: dict[frozenset, str] = field(default_factory=dict)


def _key(a: str, b: str) -> frozenset:
    return frozenset((str(a), str(b)))


def load_truth(path: Path) -> Truth:
    """Pairs CSV (``id_a, id_b`` [, ``label``] [, ``kind``]) or the report's decisions.csv."""
    try:
        table = unguard_frame(pd.read_csv(path, dtype=str, keep_default_na=False))
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read the truth file: {exc}", file=str(path)) from None
    table.columns = [c.strip().lower() for c in table.columns]
    missing = {"id_a", "id_b"} - set(table.columns)
    if missing:
        raise InputError(
            "missing columns " + ", ".join(sorted(missing)), file=str(path),
            expected="a CSV with columns id_a, id_b and optionally label or decision",
        )
    label_column = "label" if "label" in table else "decision" if "decision" in table else None
    truth = Truth(positives=set())
    for number, row in enumerate(table.itertuples(index=False), start=2):
        key = _key(row.id_a, row.id_b)
        if label_column is None:
            truth.positives.add(key)
        else:
            label = str(getattr(row, label_column)).strip().lower()
            if label in _POSITIVE:
                truth.positives.add(key)
            elif label in _NEGATIVE:
                truth.negatives.add(key)
            elif label not in ("", "unsure"):
                raise InputError(
                    f"unknown label {label!r}", file=str(path), row=number, column=label_column,
                    expected="1/0, true/false, confirmed/dismissed/unsure",
                )
            if label not in _POSITIVE:
                continue
        if "kind" in table:
            truth.kinds[key] = row.kind
    if not truth.positives:
        raise InputError("no positive pairs in the truth file", file=str(path))
    return truth


def load_ranking(path: Path) -> tuple[pd.DataFrame, int | None]:
    """pairs.csv (or a run folder holding it), and the activity count when known."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    pairs_path = path / "pairs.csv" if path.is_dir() else path
    try:
        pairs = pd.read_csv(pairs_path, dtype={"id_a": str, "id_b": str}, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read the pairs: {exc}", file=str(pairs_path)) from None
    if not {"id_a", "id_b", "score"} <= set(pairs.columns):
        raise InputError("not a pairs.csv", file=str(pairs_path), expected="columns id_a, id_b, score")
    pairs[["id_a", "id_b"]] = unguard_frame(pairs[["id_a", "id_b"]])
    activities = None
    if (folder / "activities.csv").exists():
        activities = sum(1 for _ in open(folder / "activities.csv", encoding="utf-8")) - 1
    return pairs.sort_values("score", ascending=False, kind="stable"), activities


def evaluate(ranking: pd.DataFrame, truth: Truth, *, activities: int | None = None,
             target_precision: float = 0.9) -> dict:
    """Recall within budgets, precision where labelled, AP, score distributions, a threshold."""
    keys = [_key(a, b) for a, b in zip(ranking["id_a"], ranking["id_b"])]
    scores = ranking["score"].to_numpy(dtype=float)
    is_true = np.array([k in truth.positives for k in keys])
    is_false = np.array([k in truth.negatives for k in keys])
    total = len(truth.positives)
    result: dict = {"truth_pairs": total, "reported_pairs": len(keys)}
    result["recall"] = {
        str(budget): round(float(is_true[:budget].sum()) / total, 4)
        for budget in (*BUDGETS, len(keys))
    }
    result["recall"]["all"] = result["recall"].pop(str(len(keys)))
    if truth.negatives:
        result["precision"] = {
            str(budget): _ratio(is_true[:budget].sum(), (is_true | is_false)[:budget].sum())
            for budget in BUDGETS
        }
        result["precision"]["all"] = _ratio(is_true.sum(), (is_true | is_false).sum())
    hits = np.flatnonzero(is_true)
    result["average_precision"] = round(
        float(np.sum((np.arange(len(hits)) + 1) / (hits + 1)) / total), 4
    ) if total else 0.0
    result["scores"] = {
        "true": _quantiles(scores[is_true]),
        "other": _quantiles(scores[~is_true]),
    }
    result["threshold"] = _threshold(scores, is_true, is_false, target_precision)
    if activities:
        result["pairs_per_activity"] = round(2 * len(keys) / activities, 2)
    by_kind: dict[str, list] = {}
    for key, kind in truth.kinds.items():
        by_kind.setdefault(kind, []).append(key)
    positions = {key: i for i, key in enumerate(keys)}
    result["recall_by_kind"] = {
        kind: round(sum(k in positions for k in members) / len(members), 4)
        for kind, members in sorted(by_kind.items())
    }
    return result


def _ratio(numerator, denominator) -> float | None:
    return round(float(numerator) / float(denominator), 4) if denominator else None


def _quantiles(values: np.ndarray) -> dict[str, float]:
    if len(values) == 0:
        return {}
    return {name: round(float(np.quantile(values, q)), 4)
            for name, q in (("p10", 0.1), ("p25", 0.25), ("median", 0.5), ("p75", 0.75), ("p90", 0.9))}


def _threshold(scores, is_true, is_false, target: float) -> dict:
    """The lowest score at which the pairs above keep the target precision.

    Without labelled negatives, every unlisted pair counts as false: the
    threshold is then conservative.
    """
    negatives = is_false if is_false.any() else ~is_true
    order = np.argsort(-scores, kind="stable")
    tp = np.cumsum(is_true[order])
    fp = np.cumsum(negatives[order])
    precision = tp / np.maximum(tp + fp, 1)
    ok = np.flatnonzero(precision >= target)
    basis = "labelled negatives" if is_false.any() else "unlisted pairs counted as false"
    if len(ok) == 0:
        return {"target_precision": target, "score": None, "basis": basis}
    last = ok[-1]
    return {"target_precision": target, "score": round(float(scores[order][last]), 4),
            "recall_at_threshold": round(float(tp[last]) / max(int(is_true.sum()), 1), 4),
            "basis": basis}


def format_table(result: dict) -> str:
    lines = [f"truth pairs: {result['truth_pairs']}   reported pairs: {result['reported_pairs']}"]
    header = "budget     " + "".join(f"{b:>9}" for b in result["recall"])
    lines.append(header)
    lines.append("recall     " + "".join(f"{v:>9.1%}" for v in result["recall"].values()))
    if "precision" in result:
        lines.append("precision  " + "".join(
            f"{v:>9.1%}" if v is not None else f"{'-':>9}" for v in result["precision"].values()))
    lines.append(f"average precision: {result['average_precision']:.3f}")
    if "pairs_per_activity" in result:
        lines.append(f"pairs per activity: {result['pairs_per_activity']}")
    threshold = result["threshold"]
    if threshold["score"] is not None:
        lines.append(f"threshold for {threshold['target_precision']:.0%} precision: "
                     f"{threshold['score']} (recall {threshold['recall_at_threshold']:.1%}; "
                     f"{threshold['basis']})")
    for kind, recall in result.get("recall_by_kind", {}).items():
        lines.append(f"recall of {kind}: {recall:.1%}")
    return "\n".join(lines)


def plot_pr_curve(ranking: pd.DataFrame, truth: Truth, path: Path) -> None:
    """Precision (unlisted pairs counted as false unless negatives are labelled) vs recall."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [_key(a, b) for a, b in zip(ranking["id_a"], ranking["id_b"])]
    is_true = np.array([k in truth.positives for k in keys])
    is_false = np.array([k in truth.negatives for k in keys]) if truth.negatives else ~is_true
    tp = np.cumsum(is_true)
    precision = tp / np.maximum(tp + np.cumsum(is_false), 1)
    recall = tp / max(len(truth.positives), 1)
    figure, axes = plt.subplots(figsize=(5, 4), dpi=100)
    axes.plot(recall, precision, color="#2f6f4f")
    axes.set_xlabel("recall")
    axes.set_ylabel("precision")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    axes.set_title("Precision-recall of the ranked pairs")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    write_figure_atomic(path, figure)
    plt.close(figure)


# --- pairs read blind and labelled duplicate / related / unrelated ---------------------

LABELS = ("duplicate", "related", "unrelated")
GENUINE = frozenset({"duplicate", "related"})
#: kinds that claim the same effort or money (the rubric counts a funding chain as a duplicate)
DUPLICATE_KINDS = frozenset({"duplicate", "funding-chain"})
OVERLAP_KINDS = frozenset({"overlap", "conflict"})
_LABEL_COLUMNS = ("id_a", "id_b", "label")
_RELIABILITY_BINS = 10


@dataclass(frozen=True)
class LabelledPair:
    """One pair read blind; ``band`` is the rank band it was sampled from, if known."""

    key: frozenset
    label: str
    band: str | None = None


@dataclass(frozen=True)
class ClassFigures:
    """How a run reported the pairs labelled with one class."""

    label: str
    labelled: int
    reported: int
    reported_duplicate: int
    reported_overlap: int
    share_reported: float | None
    share_reported_duplicate: float | None
    share_reported_overlap: float | None


@dataclass(frozen=True)
class Target:
    """One of issue 13's targets; ``met`` is None when no pair has the class."""

    name: str
    value: float | None
    goal: float
    at_least: bool
    met: bool | None


@dataclass(frozen=True)
class BandFigures:
    """Labelled pairs of one rank band, and the share of each class reported."""

    band: str
    size: int
    labelled: dict[str, int]
    share_reported: dict[str, float | None]


@dataclass(frozen=True)
class PrecisionEstimate:
    """Share of a reported set that is right, each labelled pair weighted by its band.

    ``weighted`` is False when some labels have no rank band: then every labelled
    pair weighs the same and the figures describe the labelled sample only.
    """

    weighted: bool
    genuine_share: float | None
    genuine_pairs: int
    represented_pairs: float
    duplicate_share: float | None
    duplicate_pairs: int


@dataclass(frozen=True)
class ReliabilityBin:
    """Labelled pairs whose predicted probability falls in [low, high)."""

    low: float
    high: float
    pairs: int
    mean_predicted: float | None
    observed: float | None


@dataclass(frozen=True)
class LabelEvaluation:
    """A run's pairs.csv measured against pairs read blind (see ``evaluate_labels``)."""

    labelled_pairs: int
    reported_pairs: int
    classes: dict[str, ClassFigures]
    targets: list[Target]
    bands: list[BandFigures]
    precision: PrecisionEstimate
    #: per probability column of pairs.csv (p_genuine, p_duplicate) when it has them
    reliability: dict[str, list[ReliabilityBin]] = field(default_factory=dict)


def load_labels(paths: list[Path]) -> list[LabelledPair]:
    """Label CSVs (``id_a, id_b, label`` [, ``confidence``] [, ``rank_band``]).

    A pair labelled in more than one file keeps its first label, so one pair never
    counts twice.
    """
    pairs: dict[frozenset, LabelledPair] = {}
    for path in paths:
        for pair in _read_label_file(Path(path)):
            pairs.setdefault(pair.key, pair)
    if not pairs:
        raise InputError("no labelled pairs", file=", ".join(str(p) for p in paths))
    return list(pairs.values())


def _read_label_file(path: Path) -> list[LabelledPair]:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read the labels: {exc}", file=str(path)) from None
    table.columns = [c.strip().lower() for c in table.columns]
    missing = [c for c in _LABEL_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            "missing columns " + ", ".join(missing), file=str(path),
            expected="a CSV with columns id_a, id_b, label and optionally confidence, rank_band",
        )
    pairs = []
    for number, row in enumerate(table.to_dict("records"), start=2):
        for column in ("id_a", "id_b"):
            if not row[column].strip():
                raise InputError("empty id", file=str(path), row=number, column=column)
        label = row["label"].strip().lower()
        if label not in LABELS:
            raise InputError(f"unknown label {row['label']!r}", file=str(path), row=number,
                             column="label", expected=" / ".join(LABELS))
        band = row.get("rank_band", "").strip() or None
        if band is not None and band_bounds(band) is None:
            raise InputError(f"unreadable rank band {band!r}", file=str(path), row=number,
                             column="rank_band", expected="FIRST-LAST ranks, e.g. 1-1000")
        pairs.append(LabelledPair(_key(row["id_a"].strip(), row["id_b"].strip()), label, band))
    return pairs


def band_bounds(band: str) -> tuple[int, int] | None:
    """'1,001-5,000' -> (1001, 5000); None when it is not a rank range."""
    low, _, high = band.replace(",", "").replace(" ", "").partition("-")
    if not (low.isdigit() and high.isdigit()) or int(low) > int(high):
        return None
    return int(low), int(high)


def band_size(band: str) -> int | None:
    """How many ranked pairs a band ("1-1000") holds; None when it is not a rank range."""
    bounds = band_bounds(band)
    return None if bounds is None else bounds[1] - bounds[0] + 1


def evaluate_labels(ranking: pd.DataFrame, labels: list[LabelledPair]) -> LabelEvaluation:
    """Per class, per rank band, an estimated precision and, if scored, reliability.

    A labelled pair absent from ``ranking`` (pairs.csv) is not reported. The
    precision estimate weights each labelled pair by its band's size over the pairs
    labelled in that band, so a few pairs drawn deep in the ranking stand for many.
    """
    kinds = ranking["kind"].astype(str) if "kind" in ranking else pd.Series("", index=ranking.index)
    reported: dict[frozenset, str] = {}
    for a, b, kind in zip(ranking["id_a"], ranking["id_b"], kinds):
        reported.setdefault(_key(a, b), kind)
    classes = {label: _class_figures(label, [p for p in labels if p.label == label], reported)
               for label in LABELS}
    return LabelEvaluation(
        labelled_pairs=len(labels),
        reported_pairs=len(reported),
        classes=classes,
        targets=_targets(classes),
        bands=_band_figures(labels, reported),
        precision=_precision(labels, reported),
        reliability=_reliability(ranking, labels),
    )


def _class_figures(label: str, pairs: list[LabelledPair], reported: dict[frozenset, str]) -> ClassFigures:
    found = [reported[p.key] for p in pairs if p.key in reported]
    as_duplicate = sum(kind in DUPLICATE_KINDS for kind in found)
    as_overlap = sum(kind in OVERLAP_KINDS for kind in found)
    return ClassFigures(
        label=label, labelled=len(pairs), reported=len(found),
        reported_duplicate=as_duplicate, reported_overlap=as_overlap,
        share_reported=_ratio(len(found), len(pairs)),
        share_reported_duplicate=_ratio(as_duplicate, len(pairs)),
        share_reported_overlap=_ratio(as_overlap, len(pairs)),
    )


def _targets(classes: dict[str, ClassFigures]) -> list[Target]:
    def target(name: str, value: float | None, goal: float, at_least: bool) -> Target:
        met = None if value is None else (value >= goal if at_least else value <= goal)
        return Target(name, value, goal, at_least, met)

    return [
        target("duplicates reported as duplicate or funding-chain",
               classes["duplicate"].share_reported_duplicate, 0.9, True),
        target("related reported", classes["related"].share_reported, 0.6, True),
        target("unrelated reported", classes["unrelated"].share_reported, 0.1, False),
    ]


def _band_figures(labels: list[LabelledPair], reported: dict[frozenset, str]) -> list[BandFigures]:
    bands = sorted({p.band for p in labels if p.band is not None}, key=band_bounds)
    figures = []
    for band in bands:
        members = [p for p in labels if p.band == band]
        labelled = {label: sum(p.label == label for p in members) for label in LABELS}
        found = {label: sum(p.label == label and p.key in reported for p in members) for label in LABELS}
        figures.append(BandFigures(
            band=band, size=band_size(band), labelled=labelled,
            share_reported={label: _ratio(found[label], labelled[label]) for label in LABELS},
        ))
    return figures


def _precision(labels: list[LabelledPair], reported: dict[frozenset, str]) -> PrecisionEstimate:
    weighted = all(p.band is not None for p in labels)
    weight = dict(zip(labels, represented(labels))) if weighted else dict.fromkeys(labels, 1.0)
    shown = [p for p in labels if p.key in reported]
    claimed = [p for p in shown if reported[p.key] in DUPLICATE_KINDS]
    shown_weight = sum(weight[p] for p in shown)
    claimed_weight = sum(weight[p] for p in claimed)
    return PrecisionEstimate(
        weighted=weighted,
        genuine_share=_ratio(sum(weight[p] for p in shown if p.label in GENUINE), shown_weight),
        genuine_pairs=len(shown),
        represented_pairs=round(shown_weight, 1),
        duplicate_share=_ratio(sum(weight[p] for p in claimed if p.label == "duplicate"),
                               claimed_weight),
        duplicate_pairs=len(claimed),
    )


def represented(labels: list[LabelledPair]) -> np.ndarray:
    """How many ranked pairs each labelled pair stands for: its band's size over the pairs
    labelled in that band (1 where the band is not known)."""
    labelled = Counter(pair.band for pair in labels)
    return np.array([band_size(pair.band) / labelled[pair.band]
                     if pair.band and band_size(pair.band) else 1.0 for pair in labels])


def _reliability(ranking: pd.DataFrame, labels: list[LabelledPair]) -> dict[str, list[ReliabilityBin]]:
    """Predicted probability against the observed share, for each probability pairs.csv has."""
    observed_by_column = {"p_genuine": lambda label: label in GENUINE,
                          "p_duplicate": lambda label: label == "duplicate"}
    tables = {}
    for column, is_positive in observed_by_column.items():
        if column not in ranking:
            continue
        values = pd.to_numeric(ranking[column], errors="coerce").fillna(0.0)
        predicted: dict[frozenset, float] = {}
        for a, b, value in zip(ranking["id_a"], ranking["id_b"], values):
            predicted.setdefault(_key(a, b), float(value))
        p = np.array([predicted.get(pair.key, 0.0) for pair in labels])
        positive = np.array([is_positive(pair.label) for pair in labels])
        tables[column] = reliability_bins(p, positive, _RELIABILITY_BINS)
    return tables


def reliability_bins(p: np.ndarray, positive: np.ndarray, bins: int) -> list[ReliabilityBin]:
    """Pairs per probability bin, their mean probability and the share that is positive."""
    # rounded first so that 0.3 lands in 0.3-0.4 whatever its binary value
    index = np.clip(np.floor(np.round(p * bins, 9)).astype(int), 0, bins - 1)
    return [
        ReliabilityBin(
            low=i / bins, high=(i + 1) / bins, pairs=int((index == i).sum()),
            mean_predicted=round(float(p[index == i].mean()), 4) if (index == i).any() else None,
            observed=_ratio(positive[index == i].sum(), (index == i).sum()),
        )
        for i in range(bins)
    ]


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def format_labels_table(result: LabelEvaluation) -> str:
    """The evaluation as text: classes, targets, rank bands, precision, reliability."""
    lines = [f"labelled pairs: {result.labelled_pairs}   reported pairs in the run: {result.reported_pairs:,}",
             "",
             f"{'label':<10}{'pairs':>7}{'reported':>10}{'as duplicate/funding-chain':>28}"
             f"{'as overlap/conflict':>21}"]
    for figures in result.classes.values():
        lines.append(f"{figures.label:<10}{figures.labelled:>7}{_percent(figures.share_reported):>10}"
                     f"{_percent(figures.share_reported_duplicate):>28}"
                     f"{_percent(figures.share_reported_overlap):>21}")
    lines += ["", "targets"]
    for target in result.targets:
        verdict = {True: "met", False: "NOT MET", None: "no labelled pairs"}[target.met]
        goal = f"{'>=' if target.at_least else '<='} {target.goal:.0%}"
        lines.append(f"  {target.name}: {_percent(target.value)} (target {goal}): {verdict}")
    if result.bands:
        lines += ["", "by rank band: labelled pairs per class, and the share of each reported",
                  f"{'rank band':<16}{'size':>9}{'dup':>6}{'rel':>6}{'unrel':>7}"
                  f"{'dup rep.':>10}{'rel rep.':>10}{'unrel rep.':>12}"]
        for band in result.bands:
            counts, shares = band.labelled, band.share_reported
            lines.append(f"{band.band:<16}{band.size:>9,}{counts['duplicate']:>6}{counts['related']:>6}"
                         f"{counts['unrelated']:>7}{_percent(shares['duplicate']):>10}"
                         f"{_percent(shares['related']):>10}{_percent(shares['unrelated']):>12}")
    precision = result.precision
    basis = (f"each weighted by its rank band's size / pairs labelled in it; the reported ones stand for "
             f"~{precision.represented_pairs:,.0f} pairs" if precision.weighted
             else "unweighted: some labels have no rank band")
    lines += ["", "estimated precision of everything reported (an estimate from few labelled pairs,",
              f"  {basis})",
              f"  genuine (duplicate or related) among reported pairs: {_percent(precision.genuine_share)}"
              f" (from {precision.genuine_pairs} labelled pairs)",
              f"  duplicates among pairs reported duplicate or funding-chain: "
              f"{_percent(precision.duplicate_share)} (from {precision.duplicate_pairs} labelled pairs)"]
    observed_name = {"p_genuine": "observed genuine", "p_duplicate": "observed duplicate"}
    for column, bins in result.reliability.items():
        lines += ["", f"reliability of {column} (labelled pairs; those not in pairs.csv count as p = 0)",
                  f"{column:<12}{'pairs':>7}{'mean p':>9}{observed_name[column]:>20}"]
        for row in bins:
            if row.pairs:
                lines.append(f"{row.low:.1f}-{row.high:.1f}{row.pairs:>12}{row.mean_predicted:>9.2f}"
                             f"{_percent(row.observed):>20}")
    return "\n".join(lines)
