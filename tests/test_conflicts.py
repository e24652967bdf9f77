"""Conflicting strategies: axes file, positions, and the planted conflicts and look-alikes."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from overlap.config import EmbedConfig, load_config
from overlap.conflicts import (
    COLUMNS,
    MAX_GROUP,
    all_positions,
    default_axes_path,
    find_conflicts,
    load_axes,
)
from overlap.embed import get_embedder
from overlap.errors import ConfigError
from overlap.pipeline import load_activities
from overlap.terms import Corpus, fold_term, fold_terms, term_hits, term_pattern
from overlap.text import activity_texts
from tests.conftest import DATA, SAMPLES
from tests.helpers import AXIS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = DATA / "conflicts"


def _load(paths: list[Path]) -> pd.DataFrame:
    config = load_config(overrides={"input": {"exclude": ["expected.csv"]}})
    return load_activities(paths, config)[1].activities


@pytest.fixture(scope="session")
def planted() -> pd.DataFrame:
    """The samples and the conflict look-alikes, as one run would see them."""
    samples = _load([SAMPLES])
    lookalikes = _load([FIXTURES / "lookalikes.csv"])
    return pd.concat([samples, lookalikes], ignore_index=True)


@pytest.fixture(scope="session")
def use_run(planted):
    """USE vectors of every planted activity, embedded once for the session (~15 s)."""
    embedder = get_embedder(EmbedConfig(embedder="use"))
    return embedder, embedder.embed(activity_texts(planted))


def _found(activities: pd.DataFrame, conflicts: pd.DataFrame) -> set[tuple[frozenset, str]]:
    ids = activities["id"].to_numpy()
    return {(frozenset((ids[a], ids[b])), axis)
            for a, b, axis in zip(conflicts["a"], conflicts["b"], conflicts["axis"])}


def _expected() -> set[tuple[frozenset, str]]:
    table = pd.read_csv(FIXTURES / "expected.csv")
    return {(frozenset((r.id_a, r.id_b)), r.axis) for r in table.itertuples()}


# ---------------------------------------------------------------- the axes file


def test_default_axes_load_with_opposing_poles_in_three_languages():
    axes = load_axes()
    assert len(axes) >= 5
    raw = tomllib.loads(default_axes_path().read_text(encoding="utf-8"))["axis"]
    for axis in raw:
        for pole in ("a", "b"):
            assert {"en", "fr", "es"} <= set(axis[pole]["phrases"]), (axis["key"], pole)
            assert {"en", "fr", "es"} <= set(axis[pole]["terms"]), (axis["key"], pole)
    text = default_axes_path().read_text(encoding="utf-8")
    assert text.count("Sources:") == len(axes)


def test_default_axes_are_package_data():
    assert default_axes_path().parent.name == "data"
    assert default_axes_path().parent.parent.name == "overlap"




def test_user_axes_file(write):
    axes = load_axes(write("axes.toml", AXIS))
    assert [(a.key, a.name, a.a.name, a.b.terms) for a in axes] == [
        ("k", "one vs other", "one", ("second term",))
    ]


@pytest.mark.parametrize("text, words", [
    ("[[axis]]\nkey = 'x'\n[axis.a\n", "not valid TOML"),
    ("title = 'x'\n", "unknown key(s) title"),
    ("", "no axis defined"),
    (AXIS.replace('key = "k"', 'key = "bad key!"'), "axis[1].key"),
    (AXIS.replace("phrases.en = [\"first phrase\"]", "phrase.en = [\"first phrase\"]"),
     "axis 'k'.a: unknown key(s) phrase"),
    (AXIS.replace('terms.en = ["second term"]', ""), "axis 'k'.b.terms is empty"),
    (AXIS.replace('terms.en = ["first term"]', 'terms.en = "first term"'),
     "axis 'k'.a.terms.en must be a list"),
    (AXIS.replace('terms.en = ["first term"]', 'terms = ["first term"]'),
     "axis 'k'.a.terms must be a table of language"),
    (AXIS.split("[axis.b]")[0], "axis 'k'.b is missing"),
    (AXIS + AXIS, "defined twice: k"),
])
def test_bad_axes_files_name_the_file_and_key(write, text, words):
    path = write("my-axes.toml", text)
    with pytest.raises(ConfigError) as error:
        load_axes(path)
    assert str(path) in str(error.value)
    assert words in str(error.value)


def test_missing_axes_file(tmp_path):
    with pytest.raises(ConfigError, match="axes file not found"):
        load_axes(tmp_path / "nope.toml")


# ---------------------------------------------------------------- lexical evidence


def _hits(text: str, *terms: str) -> tuple[str, ...]:
    corpus = Corpus.build(["before", text, "after"])
    return term_hits(corpus, tuple(fold_term(t) for t in terms))[1]


def test_terms_match_whole_words_ignoring_case_and_accents_and_keep_the_original_words():
    assert _hits("Intégration locale des migrants", "integration locale") == ("Intégration locale",)
    assert _hits("reintegration of returnees", "integration") == ()
    assert _hits("Regularised migrants; regularisation", "regulari*") == (
        "Regularised", "regularisation")
    assert _hits("Out-of-camp assistance", "out-of-camp") == ("Out-of-camp",)


def test_gap_wildcard_spans_a_few_words_only():
    text = "supports the relocation of about 12,000 people to the Sayam Forage camp"
    assert _hits(text, "relocat* ... camp") == (
        "relocation of about 12,000 people to the Sayam Forage camp",)
    far = "relocation " + "word " * 11 + "camp"
    assert _hits(far, "relocat* ... camp") == ()


def test_same_term_twice_is_one_piece_of_evidence():
    assert _hits("Voluntary return. voluntary return again", "voluntary return") == (
        "Voluntary return",)


@pytest.mark.parametrize("terms", [
    ("return*", "voluntary return*", "return home"),
    ("de institutionali*", "de la", "in and out of camp*", "out of camp*"),
    ("* home", "relocat* ... camp"),  # a leading wildcard: the plain regex scan
])
def test_matches_found_from_first_words_are_those_of_a_full_scan(terms):
    texts = ["The voluntary returns, xreturn home; return   home. Returnees",
             "de institutionalisation de  la famille, dela", "camp and out of camps",
             "relocation of people to the camp; relocated home"]
    corpus = Corpus.build(texts)
    folded = fold_terms(terms)
    scanned = [[] for _ in texts]
    for match in term_pattern(folded).finditer(corpus.folded):
        row = int(np.searchsorted(corpus.starts, match.start(), side="right")) - 1
        phrase = " ".join(corpus.original[match.start():match.end()].split())
        if phrase.lower() not in [p.lower() for p in scanned[row]]:
            scanned[row].append(phrase)
    assert term_hits(corpus, folded) == [tuple(found) for found in scanned]
    assert any(scanned)


# ---------------------------------------------------------------- conflicts


def test_every_planted_conflict_is_found_and_nothing_else(planted, use_run):
    embedder, vectors = use_run
    conflicts = find_conflicts(planted, vectors, embedder, load_axes())
    assert list(conflicts.columns) == COLUMNS
    assert _found(planted, conflicts) == _expected()


def test_complementary_pairs_and_duplicates_are_not_conflicts(planted, use_run):
    embedder, vectors = use_run
    conflicts = find_conflicts(planted, vectors, embedder, load_axes())
    found = {pair for pair, _ in _found(planted, conflicts)}
    expected = pd.read_csv(SAMPLES / "expected.csv")
    for kind in ("complementary", "duplicate", "near-miss"):
        pairs = expected[expected["kind"] == kind]
        assert len(pairs) > 0
        assert not found & {frozenset((r.id_a, r.id_b)) for r in pairs.itertuples()}, kind


def test_conflict_rows_explain_themselves(planted, use_run):
    embedder, vectors = use_run
    conflicts = find_conflicts(planted, vectors, embedder, load_axes())
    ids = planted["id"].to_numpy()
    row = next(r for r in conflicts.itertuples() if {ids[r.a], ids[r.b]} == {
        "IOM-LY-RR-0322", "DRC-LY-22-01"})
    assert ids[row.a] == "IOM-LY-RR-0322"  # side a is the axis' first pole
    assert row.position_a < 0 < row.position_b
    assert "voluntary return" in row.evidence_a
    assert "Local integration" in row.evidence_b
    assert row.reasons.startswith(
        "Axis return vs integration: return (IOM: 'voluntary return'")
    assert "vs integration (Danish Refugee Council: 'Local integration'" in row.reasons
    assert "same country LY, 2022-2024; same people: migrants in the country (" in row.reasons
    assert row.population == "migrants in the country"
    assert (conflicts["similarity"] >= 0.35).all()
    assert planted["actor_key"].to_numpy()[conflicts["a"]].tolist() != \
        planted["actor_key"].to_numpy()[conflicts["b"]].tolist()


def test_tfidf_runs_fall_back_to_lexical_positions(planted):
    embedder = get_embedder(EmbedConfig(embedder="tfidf"))
    vectors = embedder.embed(activity_texts(planted))
    conflicts = find_conflicts(planted, vectors, embedder, load_axes())
    assert _found(planted, conflicts) <= _expected()
    assert len(_found(planted, conflicts)) >= 5


def test_text_silent_on_every_axis_has_no_position_and_no_conflict(planted, use_run):
    embedder, vectors = use_run
    silent = planted.assign(title="Water supply", description="Boreholes and water committees.")
    assert find_conflicts(silent, vectors, embedder, load_axes()).empty


def test_pairing_is_bounded_per_country_and_pole():
    """15,000 activities, thousands at each pole in one country: capped, and quick."""
    n = 15_000
    half = n // 2
    activities = pd.DataFrame({
        "id": [f"A{i}" for i in range(n)],
        "actor": [f"Actor {i % 50}" for i in range(n)],
        "actor_key": [f"actor {i % 50}" for i in range(n)],
        "title": ["Voluntary return and repatriation"] * half + ["Local integration"] * half,
        "description": ["For stranded migrants"] * half + ["Regularisation and residence permits for migrants"] * half,
        "countries": [("TN",)] * n,
        "locations": [()] * n,
        "sectors": [()] * n,
        "start_date": ["2022-01-01"] * n,
        "end_date": ["2023-12-31"] * n,
        "language": ["en"] * n,
    })
    vectors = np.ones((n, 4), dtype=np.float32) / 2.0
    started = time.perf_counter()
    conflicts = find_conflicts(activities, vectors, None, load_axes())
    assert 0 < len(conflicts) <= MAX_GROUP * MAX_GROUP
    assert time.perf_counter() - started < 60


def _opposites(side_b: dict) -> pd.DataFrame:
    """A return activity in Tunis in 2022 and an integration activity of another actor."""
    base = {"countries": ("TN",), "sectors": (), "language": "en"}
    return pd.DataFrame([
        {**base, "id": "1", "actor": "A", "actor_key": "a", "title": "Voluntary return and repatriation",
         "description": "Stranded migrants go home.", "locations": ("Tunis [TN11]",), "start_date": "2022-01-01",
         "end_date": "2022-12-31"},
        {**base, "id": "2", "actor": "B", "actor_key": "b", "title": "Local integration",
         "description": "Regularisation and residence permits for migrants",
         "locations": ("Tunis > Bab Bhar [TN1111]",),
         "start_date": "2022-06-01", "end_date": "2023-05-31"} | side_b,
    ])


@pytest.mark.parametrize(("side_b", "conflict"), [
    ({}, True),
    ({"locations": ()}, True),  # a side naming no area says nothing about places
    ({"locations": ("Sfax [TN61]",)}, False),
    ({"start_date": "2024-01-01", "end_date": "2024-12-31"}, False),
    ({"start_date": "2023-05-31", "end_date": "2022-06-01"}, True),  # dates typed the wrong way round
    ({"start_date": "", "end_date": ""}, True),
    # only an end, years after the other side's period: it may have started long before
    ({"start_date": "", "end_date": "2025-12-31"}, True),
    ({"start_date": "2024-01-01", "end_date": ""}, False),  # began after the other ended
])
def test_a_conflict_needs_a_common_period_and_area(side_b, conflict):
    activities = _opposites(side_b)
    vectors = np.ones((2, 4), dtype=np.float32) / 2.0
    found = find_conflicts(activities, vectors, None, load_axes())
    assert (len(found) == 1) == conflict


def test_neutral_terms_and_balanced_texts_take_no_side(write):
    text = AXIS.replace('name = "one vs other"\n',
                        'name = "one vs other"\nneutral.en = ["first term and second term"]\n')
    axes = load_axes(write("axes.toml", text))
    assert axes[0].neutral == ("first term and second term",)
    base = {"actor": "X", "actor_key": "x", "description": "", "countries": ("TN",),
            "locations": (), "sectors": (), "start_date": "", "end_date": "", "language": "en"}
    activities = pd.DataFrame([
        {**base, "id": "1", "title": "first term and second term"},
        {**base, "id": "2", "title": "first term, then second term"},
        {**base, "id": "3", "title": "first term"},
    ])
    positions = all_positions(activities, np.ones((3, 2)), None, axes)[0]
    assert np.isnan(positions.position[0]) and np.isnan(positions.position[1])
    assert positions.position[2] == -1.0
    assert positions.evidence[2] == ("first term",)


def test_supporting_terms_weigh_only_beside_a_term_of_their_pole(write):
    """Anti-smuggling work goes with border control and with protection alike: its terms
    add to a border programme's position but never make one on their own."""
    text = AXIS.replace('terms.en = ["first term"]\n', 'terms.en = ["first term"]\nsupport.en = ["helper*"]\n')
    axes = load_axes(write("axes.toml", text))
    assert axes[0].a.support == ("helper*",)
    base = {"actor": "X", "actor_key": "x", "title": "", "countries": ("TN",), "locations": (),
            "sectors": (), "start_date": "", "end_date": "", "language": "en"}
    activities = pd.DataFrame([
        {**base, "id": "1", "description": "helpers and more helping"},
        {**base, "id": "2", "description": "the first term"},
        {**base, "id": "3", "description": "the first term with helpers"},
    ])
    positions = all_positions(activities, np.ones((3, 2)), None, axes)[0]
    assert np.isnan(positions.position[0]) and positions.confidence[0] == 0
    assert positions.confidence[1] == 0.5 and positions.confidence[2] == 0.75
    assert positions.evidence[2] == ("first term", "helpers")


def test_iati_labels_hold_ids_and_labels_only():
    labels = pd.read_csv(FIXTURES / "iati-top30-labels.csv", dtype=str, keep_default_na=False)
    assert list(labels.columns) == ["id_a", "id_b", "axis", "label"]
    assert len(labels) == 30
    assert set(labels["label"]) <= {"real", "complementary", "unrelated"}
    assert set(labels["axis"]) <= {axis.name for axis in load_axes()}


# ---------------------------------------------------------------- people and plans


@pytest.fixture(scope="session")
def people(use_run) -> tuple[pd.DataFrame, np.ndarray]:
    """tests/data/conflicts/people.csv as a run sees it, with USE vectors."""
    embedder, _ = use_run
    activities = _load([FIXTURES / "people.csv"])
    return activities, embedder.embed(activity_texts(activities))


def test_a_conflict_needs_the_same_people(people, use_run):
    """Coast guard vs protection of the migrants it brings back: a conflict. Return of
    Ethiopians vs integration of refugees hosted in Ethiopia, or the coast guard vs
    protection of displaced Libyans: same country and period, other people."""
    activities, vectors = people
    conflicts = find_conflicts(activities, vectors, use_run[0], load_axes())
    assert _found(activities, conflicts) == {
        (frozenset({"LY-CG-03", "LY-PROT-04"}), "border control vs protection")}
    row = conflicts.iloc[0]
    assert row.population == "migrants in the country"
    assert "same people: migrants in the country ('migration management' / 'migrants', " in row.reasons


def test_the_ethiopian_pair_has_opposite_poles_but_other_people(people, use_run):
    activities, vectors = people
    return_axis = [axis for axis in load_axes() if axis.key == "return"]
    positions = all_positions(activities, vectors, use_run[0], return_axis)[0]
    ids = activities["id"].tolist()
    assert positions.position[ids.index("ET-RET-01")] < 0 < positions.position[ids.index("ET-INT-02")]
    ungated = [replace(return_axis[0], populations=())]
    assert _found(activities, find_conflicts(activities, vectors, use_run[0], ungated)) == {
        (frozenset({"ET-RET-01", "ET-INT-02"}), "return vs integration")}
    assert find_conflicts(activities, vectors, use_run[0], return_axis).empty


def _plan(links: pd.DataFrame | None = None, ids=("P-1", "P-1-01")) -> list[int]:
    """Conflicts between a coast guard activity and a protection one, given their ids."""
    base = {"countries": ("LY",), "locations": (), "sectors": (), "language": "en",
            "start_date": "2022-01-01", "end_date": "2022-12-31"}
    activities = pd.DataFrame([
        {**base, "id": ids[0], "actor": "A", "actor_key": "a", "title": "Coast guard training",
         "description": "Border control and border surveillance for the coast guard: migration management."},
        {**base, "id": ids[1], "actor": "B", "actor_key": "b", "title": "Protection of migrants",
         "description": "Protection and assistance at disembarkation points for migrants."},
    ])
    found = find_conflicts(activities, np.ones((2, 4)) / 2.0, None, load_axes(), links=links)
    return found["a"].tolist()


def test_parts_of_one_plan_never_conflict():
    assert _plan(ids=("P-1", "P-2")) == [0]  # two programmes: a conflict
    assert _plan(ids=("P-1", "P-1-01")) == []  # a programme decision and its contract
    declared = pd.DataFrame([{"from_id": "P-2", "to_id": "P-1", "type": "related-activity:sibling"}])
    assert _plan(declared, ids=("P-1", "P-2")) == []


def test_a_programme_repeating_its_contract_is_not_reported_twice():
    """A decision and its contract both face the same activity: the contract's pair stays."""
    base = {"countries": ("LY",), "locations": (), "sectors": (), "language": "en",
            "start_date": "2022-01-01", "end_date": "2022-12-31"}
    control = "Border control and border surveillance for the coast guard: migration management."
    activities = pd.DataFrame([
        {**base, "id": "D-1", "actor": "Fund", "actor_key": "fund", "title": "Coast guard", "description": control},
        {**base, "id": "D-1-01", "actor": "A", "actor_key": "a", "title": "Coast guard", "description": control},
        {**base, "id": "X-9", "actor": "B", "actor_key": "b", "title": "Protection of migrants",
         "description": "Protection and assistance at disembarkation points for migrants."},
    ])
    found = find_conflicts(activities, np.ones((3, 4)) / 2.0, None, load_axes())
    assert list(zip(found["a"], found["b"])) == [(1, 2)]


def test_contracts_naming_no_country_work_where_their_programme_does():
    base = {"locations": (), "sectors": (), "language": "en", "start_date": "", "end_date": ""}
    activities = pd.DataFrame([
        {**base, "id": "D-1", "actor": "Fund", "actor_key": "fund", "countries": ("LY",),
         "title": "Water", "description": ""},
        {**base, "id": "D-1-01", "actor": "A", "actor_key": "a", "countries": (),
         "title": "Coast guard", "description": "Border control and border surveillance of migrants."},
        {**base, "id": "X-9", "actor": "B", "actor_key": "b", "countries": ("LY",),
         "title": "Protection of migrants", "description": "Protection and assistance for migrants."},
    ])
    found = find_conflicts(activities, np.ones((3, 4)) / 2.0, None, load_axes())
    assert list(zip(found["a"], found["b"])) == [(1, 2)]
    assert "same country LY" in found["reasons"].iat[0]


def test_regional_umbrellas_oppose_no_one():
    many = ("LY", "NE", "ML", "TD", "SD", "ET")
    activities = _opposites({}).assign(countries=[many, ("TN",)])
    assert find_conflicts(activities, np.ones((2, 4)) / 2.0, None, load_axes()).empty
