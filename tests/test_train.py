import json

import pandas as pd
from click.testing import CliRunner

from overlap.cli import main
from overlap.config import load_config
from overlap.pipeline import run
from overlap.score import FEATURES, PairScorer
from tests.conftest import SAMPLES


def test_train_on_the_samples_writes_a_loadable_scorer_and_card(tmp_path):
    expected = pd.read_csv(SAMPLES / "expected.csv")
    truth = tmp_path / "truth.csv"
    expected[expected["kind"] == "duplicate"][["id_a", "id_b"]].to_csv(truth, index=False)
    out = tmp_path / "scorer.json"
    result = CliRunner().invoke(main, [
        "train", "--truth", str(truth), str(SAMPLES), "--embedder", "tfidf", "--folds", "3",
        "--out", str(out), "--config", str(_exclude_config(tmp_path)),
    ])
    assert result.exit_code == 0, result.output
    assert "held out: recall@100" in result.output
    model = json.loads(out.read_text())
    assert set(model["weights"]) == set(FEATURES)
    assert model["embedder"].startswith("scikit-learn:tfidf")
    held, fitted = model["metrics"]["held_out"], model["metrics"]["training"]
    assert 0 < held["recall@100"] <= 1 and fitted["recall@100"] >= held["recall@100"] - 0.2
    card = (tmp_path / "scorer.md").read_text()
    assert "held out" in card and "| role_link |" in card
    # the trained scorer drives a run
    scorer = PairScorer.load(out)
    assert scorer.name == "trained"
    config = load_config(overrides={"embed": {"embedder": "tfidf"},
                                    "score": {"model": str(out)},
                                    "input": {"exclude": ["expected.csv"]}})
    assert run([SAMPLES], config).scorer.name == "trained"


def test_truth_ids_that_match_nothing_are_a_clear_error(tmp_path, write):
    truth = write("truth.csv", "id_a,id_b\nnope-1,nope-2\n")
    result = CliRunner().invoke(main, [
        "train", "--truth", str(truth), str(SAMPLES), "--embedder", "tfidf",
        "--config", str(_exclude_config(tmp_path)), "--out", str(tmp_path / "s.json"),
    ])
    assert result.exit_code == 2
    assert "none of the truth pairs" in result.output


def _exclude_config(tmp_path):
    path = tmp_path / "overlap.toml"
    path.write_text('[input]\nexclude = ["expected.csv"]\n')
    return path
