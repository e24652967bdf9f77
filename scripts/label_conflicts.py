#!/usr/bin/env python3
"""Read the top conflicts of a run and label them, to measure the share that are real.

    .venv/bin/python scripts/label_conflicts.py INPUT... [--vectors V.npy] [--top 30]
        [--labels tests/data/conflicts/iati-top30-labels.csv]

Embeds the activities with the multilingual `use` encoder (or loads the vectors
saved by an earlier call at --vectors, same row order), finds the conflicts with
the default axes, prints the top ones with their texts for a reviewer, and writes
the labels file: one row per conflict with ids and axis only (never any text, so
that labels of third-party data can be kept in the repository). Labels already in
the file are kept; fill the empty ones with real / complementary / unrelated and
run again to get the share that are real.

--embedding-only TOPICAL MARGIN measures the alternative that overlap does not use:
positions from the embedding alone (pole b when the text is at least MARGIN closer
to pole b's phrases than to pole a's, and at least TOPICAL close to one of them).
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.config import EmbedConfig, load_config
from overlap.conflicts import (
    AxisPositions,
    _axis_conflicts,
    _pole_similarity,
    find_conflicts,
    load_axes,
)
from overlap.embed import get_embedder
from overlap.pipeline import load_activities
from overlap.places import periods
from overlap.text import activity_texts

LABELS = ("real", "complementary", "unrelated")


def vectors_for(activities: pd.DataFrame, embedder, path: Path | None) -> np.ndarray:
    """Embedding 15k texts takes many minutes: reuse saved vectors when their rows match."""
    if path and path.exists():
        vectors = np.load(path)
        if len(vectors) == len(activities):
            return vectors
    vectors = embedder.embed(activity_texts(activities))
    if path:
        np.save(path, vectors)
    return vectors


def show(activities: pd.DataFrame, rank: int, row) -> None:
    print(f"\n#{rank + 1}  {row.reasons}\n    similarity {row.similarity:.2f}, confidence {row.confidence:.2f}")
    for side in (row.a, row.b):
        item = activities.iloc[side]
        text = textwrap.shorten(f"{item['title']} :: {item['description']}", 700)
        print(f"  [{item['id']}] {item['actor']} {item['start_date'][:7]}..{item['end_date'][:7]}")
        print(textwrap.indent(textwrap.fill(text, 100), "      "))


def embedding_only(activities: pd.DataFrame, vectors, embedder, topical: float,
                   margin: float) -> pd.DataFrame:
    """Conflicts with positions from pole-phrase similarity alone, same pairing rules."""
    frames = []
    for axis in load_axes():
        near_a = _pole_similarity(vectors, embedder, axis.a)
        near_b = _pole_similarity(vectors, embedder, axis.b)
        decided = (np.maximum(near_a, near_b) >= topical) & (np.abs(near_b - near_a) >= margin)
        evidence = [(f"pole similarity {x:.2f} vs {y:.2f}",) for x, y in zip(near_a, near_b)]
        positions = AxisPositions(axis, np.where(decided, np.sign(near_b - near_a), np.nan),
                                  decided.astype(float), evidence)
        frames.append(_axis_conflicts(activities, vectors, positions, 0.5, periods(activities)))
    found = pd.concat([f for f in frames if len(f)], ignore_index=True)
    return found.sort_values("similarity", ascending=False, kind="stable").reset_index(drop=True)


def merge_labels(found: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The labels file for these conflicts, keeping labels given earlier."""
    if path.exists():
        old = pd.read_csv(path, dtype=str, keep_default_na=False)
        known = {(r.id_a, r.id_b, r.axis): r.label for r in old.itertuples()}
        found["label"] = [known.get((a, b, x), "") for a, b, x in
                          zip(found["id_a"], found["id_b"], found["axis"])]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--vectors", type=Path, default=None)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--min-confidence", type=float, default=None)
    parser.add_argument("--labels", type=Path, default=None)
    parser.add_argument("--embedding-only", nargs=2, type=float, metavar=("TOPICAL", "MARGIN"))
    args = parser.parse_args()

    activities = load_activities(args.inputs, load_config())[1].activities
    embedder = get_embedder(EmbedConfig(embedder="use"))
    vectors = vectors_for(activities, embedder, args.vectors)
    options = {} if args.min_confidence is None else {"min_confidence": args.min_confidence}
    if args.embedding_only:
        conflicts = embedding_only(activities, vectors, embedder, *args.embedding_only)
    else:
        conflicts = find_conflicts(activities, vectors, embedder, load_axes(), **options)
    print(f"{len(conflicts)} conflicts")
    for axis, count in conflicts["axis"].value_counts().items():
        print(f"  {axis}: {count}")
    top = conflicts.head(args.top)
    for rank, row in enumerate(top.itertuples()):
        show(activities, rank, row)
    if not args.labels:
        return
    ids = activities["id"].to_numpy()
    found = pd.DataFrame({"id_a": ids[top["a"]], "id_b": ids[top["b"]], "axis": top["axis"],
                          "label": ""})
    labels = merge_labels(found, args.labels)
    labels.to_csv(args.labels, index=False, lineterminator="\n")
    done = labels[labels["label"].isin(LABELS)]
    if len(done):
        share = (done["label"] == "real").mean()
        print(f"\nlabelled {len(done)} of {len(labels)}: {share:.0%} real "
              f"({done['label'].value_counts().to_dict()})")


if __name__ == "__main__":
    main()
