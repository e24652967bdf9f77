import json

import numpy as np
import pandas as pd

from overlap.config import ReviewConfig
from overlap.learn import refine, reviewed_candidates
from overlap.schema import FEATURES
from overlap.scorer import BUILT_IN
from tests.helpers import Project


def test_decisions_in_force_label_the_candidates_they_name():
    decisions = pd.DataFrame({
        "pair_id": ["P1", "P2", "P3", "P4", "P5", "P9"],
        "decision": ["funding link", "dismissed", "confirmed", "related", "unsure", "duplicate"],
        "text_hash_a": ["h1", "", "", "old", "", ""], "text_hash_b": ["h1", "", "", "h4", "", ""],
    })
    ids = np.array(["P1", "P2", "P3", "P4", "P5"])
    hashes = np.array(["h1", "h2", "h3", "h4", "h5"])
    reviewed = reviewed_candidates(decisions, ids, hashes, hashes, {"P3": "duplicate"})
    # P4's text changed since it was decided, P5 is unsure, P9 is not a candidate
    assert reviewed.rows.tolist() == [0, 1, 2]
    assert reviewed.labels.tolist() == ["duplicate", "unrelated", "duplicate"]


def test_too_few_decisions_leave_the_scorer_as_it_is():
    features = pd.DataFrame({name: [0.5, 0.2] for name in FEATURES})
    reviewed = reviewed_candidates(pd.DataFrame({"pair_id": ["P1"], "decision": ["related"]}),
                                   np.array(["P1", "P2"]), np.zeros(2), np.zeros(2), {})
    assert refine(BUILT_IN, features, reviewed, ReviewConfig()) is BUILT_IN
    assert refine(BUILT_IN, features, reviewed, ReviewConfig(learn_min_pairs=1)) is not BUILT_IN


def test_the_next_run_learns_from_the_reviewers_decisions(tmp_path):
    project = Project(tmp_path)
    assert project.run().exit_code == 0
    pairs = project.pairs()
    edo = project.pair_of("1", "X1")
    before = float(pairs.set_index("pair_id").loc[edo, "p_duplicate"])
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("pair_id,decision\n" + "".join(f"{p},duplicate\n" for p in pairs["pair_id"]))
    config = tmp_path / "overlap.toml"
    config.write_text("[review]\nlearn_min_pairs = 1\n")
    assert project.run("--decisions", str(decisions), "--config", str(config)).exit_code in (0, 10)
    after = float(project.pairs().set_index("pair_id").loc[edo, "p_duplicate"])
    assert after > before
    scorer = json.loads((project.out / "run.json").read_text())["model"]["scorer"]
    assert scorer["name"] == f"built-in + {len(pairs)} reviewed"
    # the decisions are remembered: the run after learns from them without the file
    assert project.run("--config", str(config)).exit_code == 0
    assert json.loads((project.out / "run.json").read_text())["model"]["scorer"]["refined_on"] == len(pairs)


def test_decisions_naming_their_activities_teach_the_same(tmp_path):
    """With id_a/id_b (as the report exports them) only the candidates between those
    activities are looked up: the same pairs are learnt from."""
    project = Project(tmp_path)
    assert project.run().exit_code == 0
    pairs = project.pairs()
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("pair_id,id_a,id_b,decision\n" + "".join(
        f"{p},{a},{b},duplicate\n" for p, a, b in zip(pairs["pair_id"], pairs["id_a"], pairs["id_b"])))
    config = tmp_path / "overlap.toml"
    config.write_text("[review]\nlearn_min_pairs = 1\n")
    assert project.run("--decisions", str(decisions), "--config", str(config)).exit_code in (0, 10)
    scorer = json.loads((project.out / "run.json").read_text())["model"]["scorer"]
    assert scorer["refined_on"] == len(pairs)
