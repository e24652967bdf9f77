"""Quality on real data: overlap's default against plain text-similarity baselines.

Evaluations on the data in ../shared (skipped cleanly when it is absent):

- IATI: 14,643 real activities and the 82 pairs of `links-dev.csv` (two organisations
  reporting the same money or project). Recall of those pairs within the top-B
  ranked pairs, average precision (unlisted pairs counted as false: a lower
  bound), and reported pairs per activity.
- Pairs read blind (`pair-labels-dev.csv`, and apart the labels of
  `tests/data/iati-pair-labels-extra.csv`): for the default run, `overlap evaluate
  --labels`'s table: per class, per rank band, an estimated precision.
- Cross-lingual: the 910 rows of `bilingual-dev.csv` (455 activities, each written
  in two languages) mixed into the IATI activities, after removing the 455 IATI
  activities they duplicate. For each row: is its twin the top-ranked activity of
  another actor?

Methods: TF-IDF, MiniLM and USE raw cosine (each activity's 10 nearest
activities of other actors, ranked by cosine), and overlap's default run.
Embeddings are cached in .overlap-eval/ so reruns are fast.

    python benchmarks/eval.py [--methods tfidf,minilm,use,default] [--state DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
IATI = SHARED / "iati" / "activities.csv"
LINKS = SHARED / "iati" / "links-dev.csv"
BILINGUAL = SHARED / "crosslingual" / "bilingual-dev.csv"
LABEL_FILES = {"dev labels": SHARED / "iati" / "pair-labels-dev.csv",
               "extra labels": ROOT / "tests" / "data" / "iati-pair-labels-extra.csv"}
BUDGETS = (100, 500, 1000, 5000)


def run_method(inputs: list[Path], method: str, state_dir: Path, publisher_aliases: bool = True):
    """One pipeline run; raw methods keep their vectors for the cosine baseline."""
    from overlap.config import load_config
    from overlap.pipeline import run
    from overlap.state import open_locked

    embedder = "auto" if method == "default" else method
    config = load_config(overrides={"embed": {"embedder": embedder},
                                    "input": {"publisher_aliases": publisher_aliases}})
    with open_locked(state_dir) as state:
        started = time.perf_counter()
        result = run(inputs, config, state=state)
        seconds = time.perf_counter() - started
    return result, seconds


def raw_ranking(result) -> pd.DataFrame:
    """Each activity's 10 nearest activities of other actors, ranked by cosine."""
    from overlap.neighbours import top_k_pairs

    pairs = top_k_pairs(result.vectors, result.activities["actor_key"].to_numpy(), 10)
    return pairs.rename(columns={"similarity": "score"})


def iati_metrics(ranking: pd.DataFrame, activities: pd.DataFrame) -> dict[str, float]:
    links = pd.read_csv(LINKS, dtype=str)
    ids = activities["id"].to_numpy()
    truth = {frozenset(p) for p in zip(links["id_a"], links["id_b"])}
    hits = np.array([frozenset((ids[a], ids[b])) in truth for a, b in zip(ranking["a"], ranking["b"])])
    found = np.flatnonzero(hits)
    metrics = {f"recall@{b}": hits[:b].sum() / len(truth) for b in BUDGETS}
    metrics["recall all"] = hits.sum() / len(truth)
    metrics["AP"] = float(np.sum((np.arange(len(found)) + 1) / (found + 1)) / len(truth))
    metrics["pairs/activity"] = 2 * len(ranking) / len(activities)
    return metrics


def label_tables(result) -> str:
    """`overlap evaluate --labels` on the run's pairs.csv, for each label file apart."""
    from overlap.evaluate import evaluate_labels, format_labels_table, load_labels
    from overlap.report import pairs_table

    ranking = pairs_table(result)
    return "\n\n".join(f"== {name}: {path.name} ==\n"
                       + format_labels_table(evaluate_labels(ranking, load_labels([path])))
                       for name, path in LABEL_FILES.items())


def mixed_inputs(folder: Path) -> Path:
    """IATI activities without the bilingual ones' originals, plus the 910 bilingual rows."""
    iati = pd.read_csv(IATI, dtype=str, keep_default_na=False)
    bilingual = pd.read_csv(BILINGUAL, dtype=str, keep_default_na=False)
    iati = iati[~iati["id"].isin(set(bilingual["twin"]))]
    rows = bilingual[["id", "organisation", "title", "description", "language"]]
    mixed = pd.concat([iati, rows], ignore_index=True).fillna("")
    path = folder / "iati-plus-bilingual.csv"
    mixed.to_csv(path, index=False)
    return path


def twin_top_share(result, ranking: pd.DataFrame | None) -> float:
    """Share of bilingual rows whose top-ranked activity of another actor is its twin."""
    activities = result.activities
    ids = activities["id"].to_numpy()
    rows = np.flatnonzero(activities["id"].str.contains("#").to_numpy())
    twin = {i: ids[i].split("#")[0] for i in rows}
    if ranking is None:  # raw cosine: the nearest activity of another actor
        vectors = result.vectors
        actors = activities["actor_key"].to_numpy()
        similarity = vectors[rows] @ vectors.T
        similarity = similarity.toarray() if hasattr(similarity, "toarray") else similarity
        similarity[actors[rows][:, None] == actors[None, :]] = -np.inf
        best = similarity.argmax(axis=1)
        top = {i: b for i, b in zip(rows, best)}
    else:  # overlap: the partner in the highest-scored pair of the row
        top = {}
        for a, b in zip(ranking["a"], ranking["b"]):
            top.setdefault(a, b)
            top.setdefault(b, a)
    good = sum(1 for i in rows if i in top and ids[top[i]].split("#")[0] == twin[i])
    return good / len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default="tfidf,minilm,use,default")
    parser.add_argument("--state", type=Path, default=ROOT / ".overlap-eval")
    args = parser.parse_args()
    if not IATI.exists():
        print(f"skipped: {IATI} is absent (the evaluation data lives in ../shared)")
        return 0
    table = {}
    labels = None
    with tempfile.TemporaryDirectory() as folder:
        mixed = mixed_inputs(Path(folder))
        for method in args.methods.split(","):
            result, seconds = run_method([IATI], method, args.state)
            ranking = raw_ranking(result) if method != "default" else result.pairs
            row = iati_metrics(ranking, result.activities)
            row["run seconds"] = seconds
            if method == "default" and LABEL_FILES["dev labels"].exists():
                labels = label_tables(result)
            # the bilingual rows split one publisher into two actors on purpose (its
            # name suffixed with the language): their shared id prefix must not merge them
            mixed_result, _ = run_method([mixed], method, args.state, publisher_aliases=False)
            row["twin top-1"] = twin_top_share(
                mixed_result, None if method != "default" else mixed_result.pairs
            )
            name = {"default": "overlap default"}.get(method, f"{method} raw cosine")
            table[name] = row
            print(_format(table), file=sys.stderr, flush=True)
    print(_format(table))
    if labels is not None:
        print("\nThe default run against pairs read blind\n")
        print(labels)
    return 0


def _format(table: dict) -> str:
    frame = pd.DataFrame(table).T
    percent = [c for c in frame.columns if c.startswith(("recall", "twin"))]
    shown = frame.copy()
    for column in percent:
        shown[column] = (frame[column] * 100).map("{:.1f}%".format)
    shown["AP"] = frame["AP"].map("{:.3f}".format)
    shown["pairs/activity"] = frame["pairs/activity"].map("{:.1f}".format)
    shown["run seconds"] = frame["run seconds"].map("{:.0f}".format)
    return shown.to_string()


if __name__ == "__main__":
    sys.exit(main())
