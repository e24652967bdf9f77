"""Does the scorer learn from a reviewer? A simulation on the IATI pairs read blind.

A scorer is trained without the dev labels (on the extra labels, the declared links
and the presumed-unrelated candidates). A simulated reviewer then answers 50 dev
pairs with their blind labels, chosen the way the report's queue offers them (least
sure first, in rounds of 10 as nightly runs would refit) or at random; the scorer is
refined on the answers (``PairScorer.fit``, as `overlap run` does with stored
decisions) and measured on the other dev pairs, before and after.

    python benchmarks/review_simulation.py [--answers 50] [--prior 10] [--state DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
IATI = SHARED / "iati" / "activities.csv"
DEV = SHARED / "iati" / "pair-labels-dev.csv"
EXTRA = ROOT / "tests" / "data" / "iati-pair-labels-extra.csv"
LINKS = SHARED / "iati" / "links-dev.csv"


def figures(scorer, data, rows) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, log_loss

    p = scorer.predict_proba(data.features.iloc[rows])
    labels = data.labels[rows]
    genuine = labels != "unrelated"
    reported = p["p_genuine"].to_numpy() >= 0.5
    return {
        "duplicate reported": float(reported[labels == "duplicate"].mean()),
        "related reported": float(reported[labels == "related"].mean()),
        "unrelated reported": float(reported[labels == "unrelated"].mean()),
        "precision of reported": float(genuine[reported].mean()) if reported.any() else float("nan"),
        "AP (genuine)": float(average_precision_score(genuine, p["p_genuine"])),
        "log loss (genuine)": float(log_loss(genuine, np.clip(p["p_genuine"], 1e-6, 1 - 1e-6))),
    }


def informative(scorer, features) -> np.ndarray:
    p = scorer.predict_proba(features)
    return np.maximum(1 - np.abs(2 * p["p_genuine"] - 1), 1 - np.abs(2 * p["p_duplicate"] - 1)).to_numpy()


def simulate(base, data, pool, answers, prior, rounds, rng=None):
    """Refined scorer after ``answers`` pairs from ``pool``: least sure first in ``rounds``, or random."""
    chosen: list[int] = []
    scorer = base
    per_round = answers // rounds
    for _ in range(rounds):
        left = np.setdiff1d(pool, chosen)
        if rng is None:
            order = left[np.argsort(-informative(scorer, data.features.iloc[left]), kind="stable")]
        else:
            order = rng.permutation(left)
        chosen += order[:per_round].tolist()
        scorer = base.fit(data.features.iloc[chosen], data.labels[chosen], prior=prior)
    return scorer, np.array(chosen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--prior", type=float, default=10.0)
    parser.add_argument("--state", type=Path, default=ROOT / ".overlap-eval")
    args = parser.parse_args()
    if not IATI.exists():
        print(f"skipped: {IATI} is absent (the evaluation data lives in ../shared)")
        return 0
    import pandas as pd

    from overlap.config import load_config
    from overlap.evaluate import load_labels, load_truth
    from overlap.state import open_locked
    from overlap.train import fit_scorer, subset, training_data

    with open_locked(args.state) as state:
        data = training_data([IATI], load_labels([DEV, EXTRA]), load_config(), state, load_truth(LINKS))
    dev_keys = {pair.key for pair in load_labels([DEV])}
    is_dev = np.array([k in dev_keys for k in data.keys]) & (data.sources == "sample")
    base = fit_scorer(subset(data, np.flatnonzero(~is_dev)))
    dev = np.flatnonzero(is_dev)
    table = {}
    table["shipped-like scorer, no answers"] = figures(base, data, dev)
    # every variant is measured on the dev pairs no variant was shown: the same pairs for all
    active, asked = simulate(base, data, dev, args.answers, args.prior, rounds=5)
    random_runs = [simulate(base, data, dev, args.answers, args.prior, rounds=5,
                            rng=np.random.default_rng(seed)) for seed in range(5)]
    for name, (scorer, shown) in [("least sure first, 5 rounds of 10", (active, asked))]:
        rest = np.setdiff1d(dev, shown)
        table[f"{name}: before"] = figures(base, data, rest)
        table[f"{name}: after"] = figures(scorer, data, rest)
    before, after = [], []
    for scorer, shown in random_runs:
        rest = np.setdiff1d(dev, shown)
        before.append(figures(base, data, rest))
        after.append(figures(scorer, data, rest))
    table["at random (mean of 5): before"] = pd.DataFrame(before).mean().to_dict()
    table["at random (mean of 5): after"] = pd.DataFrame(after).mean().to_dict()
    frame = pd.DataFrame(table).T
    print(f"{is_dev.sum()} dev pairs; {args.answers} answered, the rest measured; prior {args.prior}")
    print(frame.to_string(float_format=lambda v: f"{v:.3f}"))
    return 0



if __name__ == "__main__":
    sys.exit(main())
