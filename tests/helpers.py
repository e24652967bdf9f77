"""Helpers shared by the tests: a counting embedder, a small project run through the
CLI, and run results built without running the pipeline."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner

from overlap.changes import text_hashes
from overlap.cli import main
from overlap.cluster import assign_clusters, summarise_clusters
from overlap.config import Config, EmbedConfig, load_config
from overlap.conflicts import load_axes
from overlap.embed import WindowedEmbedder
from overlap.normalise import activity_keys
from overlap.pipeline import RunResult, load_activities, pair_id
from overlap.schema import complete_pairs
from overlap.score import TextIndex, evidence
from overlap.scorer import load_scorer
from overlap.text import activity_texts


class CountingEmbedder(WindowedEmbedder):
    """Deterministic 16-dimension vectors from word hashes; counts the windows it encodes."""

    name = "counting"
    identity = "test:counting"

    def __init__(self, config: EmbedConfig | None = None) -> None:
        super().__init__(config or EmbedConfig(progress_min_texts=10**9))
        self.encoded: list[str] = []

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        self.encoded.extend(texts)
        vectors = np.zeros((len(texts), 16), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                vectors[row, hashlib.md5(word.encode()).digest()[0] % 16] += 1.0
        return vectors + 0.01


# ---------------------------------------------------------------- a project run through the CLI


IOM = (
    "Project ID,Organisation,Project title,Description,Country,Start date,End date\n"
    "1,IOM,Reintegration of returnees in Edo,Reintegration grants and counselling for 2000 "
    "returnees from Libya in Edo State,Nigeria,2020-01-01,2021-12-31\n"
    "2,IOM,Borehole drilling in Tahoua,Drilling 40 boreholes and training water committees "
    "in Tahoua region,Niger,2020-01-01,2021-12-31\n"
    "3,IOM,Border management in Agadez,Training of border police and provision of equipment "
    "at Agadez crossings,Niger,2019-01-01,2020-12-31\n"
)
CARITAS_ROWS = {
    "X1": 'X1,Caritas,Returnee reintegration in Edo State,"Reintegration grants and counselling '
          'for 2,000 migrants returned from Libya to Edo State",Nigeria,2020-03-01,2021-12-31\n',
    "X2": "X2,Caritas,Water points for Tahoua,Drilling 40 boreholes and training water "
          "committees across Tahoua,Niger,2020-02-01,2021-12-31\n",
    "X3": "X3,Caritas,School feeding in Maradi,Daily meals for 5000 pupils in Maradi primary "
          "schools,Niger,2020-01-01,2020-12-31\n",
}
CARITAS_HEADER = "Ref,Partner,Title,Summary,Countries,From,To\n"


class Project:
    """Two actors' exports in tmp_path, run with TF-IDF and the hand-set scorer through the CLI
    (what these tests follow is how runs compare, whatever the scorer)."""

    def __init__(self, tmp_path):
        self.root = tmp_path
        self.out = tmp_path / "out"
        self.state = tmp_path / ".overlap"
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "iom.csv").write_text(IOM)
        self.caritas(CARITAS_ROWS)

    def caritas(self, rows: dict[str, str]) -> None:
        (self.root / "in" / "caritas.csv").write_text(CARITAS_HEADER + "".join(rows.values()))

    def run(self, *extra: str):
        return CliRunner().invoke(main, ["run", str(self.root / "in"), "--out", str(self.out),
                                         "--embedder", "tfidf", "--scorer", "built-in", "--threshold", "0.3",
                                         *extra])

    def pairs(self) -> pd.DataFrame:
        return pd.read_csv(self.out / "pairs.csv", dtype=str, keep_default_na=False)

    def changes(self) -> pd.DataFrame:
        return pd.read_csv(self.out / "changes.csv", dtype=str, keep_default_na=False)

    def summary(self) -> dict:
        return json.loads((self.out / "run.json").read_text())

    def pair_of(self, id_a: str, id_b: str) -> str:
        pairs = self.pairs()
        match = pairs[pairs[["id_a", "id_b"]].apply(set, axis=1) == {id_a, id_b}]
        return match["pair_id"].iloc[0]


# ---------------------------------------------------------------- run results without a run


def make_run_result(inputs: list[Path], pairs: list[dict], config: Config | None = None,
                    **fields) -> RunResult:
    """A run result of the activities in ``inputs`` (read and normalised, never embedded)
    and the ``pairs`` given, for tests of what comes after the pipeline.

    Each pair names its two activities by id (``a``, ``b``) and may set any column of
    schema.PAIR_COLUMNS. Its evidence is computed as a run computes it, with the given
    ``similarity`` (default 0.5) as the text cosine, and its score is the configured
    scorer's unless given; clusters come from the pairs. ``fields`` set other RunResult
    fields (by default the axes of the config, a first run, TF-IDF).
    """
    config = config or load_config(None, {"embed": {"embedder": "tfidf"}})
    read, normalised = load_activities(inputs, config)
    activities = normalised.activities
    activities = activities.assign(text_hash=text_hashes(activity_texts(activities)))
    row_of = {identifier: row for row, identifier in enumerate(activities["id"])}
    given = pd.DataFrame(pairs)
    keys, hashes = activity_keys(activities), activities["text_hash"].to_numpy()
    a, b = given.pop("a").map(row_of).to_numpy(), given.pop("b").map(row_of).to_numpy()
    frame = pd.DataFrame({"a": a, "b": b,
                          "similarity": given.pop("similarity") if "similarity" in given else 0.5})
    index = TextIndex.build(activities)
    frame = pd.concat([frame, evidence(activities, frame, index)], axis=1)
    scorer = load_scorer(config.score.model)
    probabilities = scorer.predict_proba(frame).round(4)
    frame = frame.assign(
        p_duplicate=probabilities["p_duplicate"], p_genuine=probabilities["p_genuine"],
        score=probabilities["p_genuine"], short_text=False, kind="overlap", reasons="shared evidence",
        pair_id=[pair_id(keys[x], keys[y]) for x, y in zip(a, b)], key_a=keys[a], key_b=keys[b],
        text_hash_a=hashes[a], text_hash_b=hashes[b], status="new", why="first run",
    )
    for column in given:  # a value given where given, the default elsewhere
        values = given[column].to_numpy(dtype=object)
        frame[column] = np.where(pd.isna(values), frame[column], values) if column in frame else values
    frame = frame.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    labels = assign_clusters(activities, frame, config.cluster)
    activities = activities.assign(cluster_id=labels)
    frame["cluster_id"] = labels[frame["a"].to_numpy()]
    defaults = {
        "model": "test:none", "problems": normalised.problems + read.problems,
        "skipped_rows": normalised.skipped_rows, "candidates": len(frame),
        "projection": np.column_stack([np.arange(len(activities)), np.arange(len(activities)) % 3]),
        "axes": load_axes(Path(config.conflicts.axes) if config.conflicts.axes else None)
        if config.conflicts.enabled else [],
    }
    return RunResult(
        config=config, read=read, activities=activities, pairs=complete_pairs(frame),
        clusters=summarise_clusters(activities, labels, config.cluster, index), scorer=scorer,
        **{**defaults, **fields},
    )


#: The smallest axes file: one axis of two poles, a phrase and a term each.
AXIS = """
[[axis]]
key = "k"
name = "one vs other"
[axis.a]
name = "one"
phrases.en = ["first phrase"]
terms.en = ["first term"]
[axis.b]
name = "other"
phrases.en = ["second phrase"]
terms.en = ["second term"]
"""
