import json

import numpy as np
import pandas as pd
from click.testing import CliRunner

from overlap.cli import main
from overlap.config import load_config
from overlap.evaluate import LabelledPair
from overlap.pipeline import run
from overlap.schema import FEATURES
from overlap.scorer import PairScorer
from overlap.train import (
    BAND_WEIGHT_POWER,
    SignedLogisticRegression,
    band_weights,
    with_copies_without_metadata,
)
from tests.conftest import SAMPLES


def _labels(tmp_path):
    """The samples' known pairs (duplicates; overlaps and conflicts as related work) and
    pairs of other actors in other countries, unrelated."""
    expected = pd.read_csv(SAMPLES / "expected.csv", dtype=str)
    rows = [(a, b, "duplicate" if kind == "duplicate" else "related")
            for a, b, kind in zip(expected["id_a"], expected["id_b"], expected["kind"])]
    known = {frozenset(r[:2]) for r in rows}
    ids = sorted(set(expected["id_a"]) | set(expected["id_b"]))
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if frozenset((a, b)) not in known and a.split("-")[0] != b.split("-")[0]:
                rows.append((a, b, "unrelated"))
    path = tmp_path / "labels.csv"
    pd.DataFrame(rows, columns=["id_a", "id_b", "label"]).to_csv(path, index=False)
    return path


def test_train_on_the_samples_writes_a_calibrated_scorer_card_and_plot(tmp_path):
    out = tmp_path / "scorer.json"
    result = CliRunner().invoke(main, [
        "train", "--labels", str(_labels(tmp_path)), str(SAMPLES), "--embedder", "tfidf",
        "--out", str(out), "--config", str(_exclude_config(tmp_path)),
    ])
    assert result.exit_code == 0, result.output
    assert "held out, duplicate" in result.output
    model = json.loads(out.read_text())
    assert set(model["genuine"]["weights"]) == set(FEATURES) == set(model["duplicate"]["weights"])
    assert model["embedder"].startswith("scikit-learn:tfidf")
    assert model["metrics"]["grouped_by"] == "actor pair"
    # weights point the way their evidence does
    for head in ("genuine", "duplicate"):
        weights = model[head]["weights"]
        assert weights["country_differs"] <= 0 and weights["countries_max"] <= 0
        assert weights["text"] >= 0 and weights["title"] >= 0 and weights["lexical"] >= 0
    duplicates = model["metrics"]["per_class"]["duplicate"]
    assert 0 <= duplicates["called_duplicate"] <= duplicates["reported"] <= 1
    card = (tmp_path / "scorer.md").read_text()
    assert "Held-out figures" in card and "| role_link |" in card and "scorer-reliability.png" in card
    assert (tmp_path / "scorer-reliability.png").stat().st_size > 1000
    # the trained scorer drives a run: both probabilities in every reported pair
    scorer = PairScorer.load(out)
    assert scorer.name == "learned"
    config = load_config(overrides={"embed": {"embedder": "tfidf"}, "score": {"model": str(out)},
                                    "input": {"exclude": ["expected.csv"]}})
    pairs = run([SAMPLES], config).pairs
    scored = pairs[pairs["kind"] != "conflict"]
    assert (scored["p_duplicate"] <= scored["p_genuine"]).all()
    assert (scored.loc[scored["kind"] == "duplicate", "p_duplicate"] >= 0.5).all()


def test_labels_that_match_no_candidate_are_a_clear_error(tmp_path, write):
    labels = write("labels.csv", "id_a,id_b,label\nnope-1,nope-2,duplicate\nnope-3,nope-4,unrelated\n")
    result = CliRunner().invoke(main, [
        "train", "--labels", str(labels), str(SAMPLES), "--embedder", "tfidf",
        "--config", str(_exclude_config(tmp_path)), "--out", str(tmp_path / "s.json"),
    ])
    assert result.exit_code == 2
    assert "too few labelled pairs among the candidate pairs" in result.output


def test_pairs_drawn_deep_in_the_ranking_weigh_more():
    labels = [LabelledPair(frozenset(("a", str(i))), "unrelated", "1-1000") for i in range(10)]
    labels += [LabelledPair(frozenset(("b", "c")), "unrelated", "1001-100000"),
               LabelledPair(frozenset(("d", "e")), "related", None)]
    weights = band_weights(labels)
    assert weights[0] == (1000 / 10) ** BAND_WEIGHT_POWER
    assert weights[10] == 99000 ** BAND_WEIGHT_POWER
    assert weights[11] == 1.0


def _exclude_config(tmp_path):
    path = tmp_path / "overlap.toml"
    path.write_text('[input]\nexclude = ["expected.csv"]\n')
    return path


def test_a_signed_regression_keeps_each_weight_on_its_side():
    """Two features that move together: unconstrained, one would take a negative weight."""
    rng = np.random.default_rng(0)
    text = rng.random(400)
    lexical = text + rng.normal(0, 0.05, 400)
    y = (text + rng.normal(0, 0.2, 400) > 0.6).astype(int)
    x = np.column_stack([text, lexical, rng.random(400)])
    model = SignedLogisticRegression(C=10.0, signs=(1, 1, -1)).fit(x, y)
    assert model.coef_[0][0] >= 0 and model.coef_[0][1] >= 0 and model.coef_[0][2] <= 0
    assert ((model.predict_proba(x)[:, 1] > 0.5) == y).mean() > 0.8


def test_copies_without_metadata_keep_text_and_label_at_half_weight():
    from overlap.train import TrainingData

    features = pd.DataFrame({name: [1.0, 0.5] for name in FEATURES})
    data = TrainingData(features, np.array(["duplicate", "unrelated"]), np.array([2.0, 1.0]),
                        np.array(["g1", "g2"]), np.array(["sample", "presumed"]), 2, "e", 2,
                        np.array([frozenset(("a", "b")), frozenset(("c", "d"))]))
    both = with_copies_without_metadata(data)
    assert len(both.labels) == 4 and both.labels.tolist()[2:] == ["duplicate", "unrelated"]
    assert both.features["country"].tolist()[2:] == [0.0, 0.0]
    assert both.features["text"].tolist()[2:] == [1.0, 0.5]
    assert both.weights.tolist()[2:] == [1.0, 0.5] and both.groups.tolist()[2:] == ["g1", "g2"]
    assert set(both.sources[2:]) == {"without metadata"}
