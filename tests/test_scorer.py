import json

import numpy as np
import pandas as pd
import pytest

from overlap.errors import ConfigError
from overlap.schema import FEATURES
from overlap.scorer import BUILT_IN, SHIPPED_MODEL, LinearHead, PairScorer, load_scorer


def _features(rows: int, seed: int = 0) -> pd.DataFrame:
    return pd.DataFrame({name: np.random.default_rng(seed).random(rows) for name in FEATURES})


def test_the_shipped_scorer_is_the_default_and_uses_every_feature():
    scorer = load_scorer("")
    assert scorer.name == "learned" and SHIPPED_MODEL.exists()
    assert set(scorer.genuine.weights) == set(FEATURES) == set(scorer.duplicate.weights)
    assert load_scorer("built-in") is BUILT_IN


def test_a_duplicate_is_never_more_likely_than_genuine():
    features = _features(200)
    genuine = LinearHead(weights={"text": 1.0}, bias=-2.0)
    eager = LinearHead(weights={"text": 5.0}, bias=3.0)  # a duplicate head above the genuine one
    p = PairScorer(genuine=genuine, duplicate=eager).predict_proba(features)
    assert (p["p_duplicate"] <= p["p_genuine"]).all()
    assert p["p_genuine"].between(0, 1).all()


def test_refining_on_reviewed_pairs_moves_the_scorer_towards_them():
    """A reviewer who keeps dismissing pairs that share only an organisation teaches
    the scorer to weigh that evidence less; a strong prior keeps the shipped weights."""
    scorer = load_scorer("built-in")
    features = _features(60, seed=1).assign(shared_org=1.0, text=0.55, title=0.1, best_match=1.0)
    before = scorer.predict_proba(features)["p_genuine"].mean()
    refined = scorer.fit(features, ["unrelated"] * 60)
    assert refined.predict_proba(features)["p_genuine"].mean() < before - 0.2
    assert refined.name == "built-in + 60 reviewed"
    stubborn = scorer.fit(features, ["unrelated"] * 60, prior=1e6)
    assert stubborn.genuine.weights["shared_org"] == pytest.approx(scorer.genuine.weights["shared_org"], abs=0.01)
    with pytest.raises(ValueError, match="unknown labels"):
        scorer.fit(features.head(1), ["maybe"])


def test_a_two_head_scorer_file_round_trips(tmp_path):
    path = tmp_path / "scorer.json"
    path.write_text(json.dumps(BUILT_IN.to_dict()))
    loaded = PairScorer.load(path)
    assert loaded.genuine == BUILT_IN.genuine and loaded.duplicate == BUILT_IN.duplicate
    path.write_text('{"genuine": {"weights": {"text": 1}, "bias": 0}}')
    with pytest.raises(ConfigError, match="not a pair scorer"):
        PairScorer.load(path)
    with pytest.raises(ConfigError, match="not found"):
        load_scorer(str(tmp_path / "missing.json"))
