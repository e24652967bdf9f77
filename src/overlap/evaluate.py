"""How good is a ranked list of pairs against pairs known to be true (or false)?

Ground truth is usually incomplete: an unlisted pair may still be a real
duplicate. So recall is exact, while precision is measured only where negatives
are labelled (a ``label`` column, or "dismissed" decisions from the report), and
average precision treats unlisted pairs as negatives: a lower bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.errors import InputError

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
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
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
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.png")
    figure.savefig(temporary)
    plt.close(figure)
    temporary.replace(path)
