import numpy as np
import pandas as pd

from overlap.candidates import (
    declared_pairs,
    merge_candidates,
    named_actor_pairs,
    structural_pairs,
)
from overlap.normalise import add_org_keys
from overlap.score import TextIndex


def _activities(rows):
    base = {"title": "", "description": "", "locations": ()}
    return pd.DataFrame([base | r for r in rows])


def test_declared_links_become_pairs_and_dangling_ones_are_counted():
    activities = _activities([
        {"id": "DONOR-1", "actor": "Donor", "actor_key": "donor"},
        {"id": "NGO-1", "actor": "NGO", "actor_key": "ngo"},
        {"id": "NGO-2", "actor": "NGO", "actor_key": "ngo"},
    ])
    links = pd.DataFrame([
        {"from_id": "NGO-1", "to_id": "DONOR-1", "type": "provider-activity-id",
         "element": "transaction/provider-org/@provider-activity-id"},
        {"from_id": "NGO-1", "to_id": "NGO-2", "type": "related-activity:sibling", "element": "related-activity"},
        {"from_id": "NGO-1", "to_id": "ELSEWHERE-9", "type": "provider-activity-id", "element": "x"},
    ])
    pairs, stats = declared_pairs(activities, links)
    assert list(zip(pairs["a"], pairs["b"])) == [(0, 1)]
    assert "NGO's activity NGO-1 names Donor's activity DONOR-1 as the provider" in pairs["declared"][0]
    assert stats == {"declared_links": 3, "funding_chain_pairs": 1, "sibling_pairs": 0,
                     "dangling_references": 1, "same_actor_links": 1}


def test_sibling_links_make_candidates_not_funding_chains():
    """Two contracts under one programme are shares of it: related work, not the same money."""
    activities = _activities([
        {"id": "PROG-1-01", "actor": "Civipol", "actor_key": "civipol"},
        {"id": "PROG-1-02", "actor": "Enabel", "actor_key": "enabel"},
        {"id": "PROG-1", "actor": "EUTF", "actor_key": "eutf"},
    ])
    links = pd.DataFrame([
        {"from_id": "PROG-1-01", "to_id": "PROG-1-02", "type": "related-activity:sibling", "element": "project_sibling"},
        {"from_id": "PROG-1-01", "to_id": "PROG-1", "type": "related-activity:parent", "element": "project_parent"},
        {"from_id": "PROG-1", "to_id": "PROG-1-01", "type": "related-activity:child", "element": "project_child"},
    ])
    pairs, stats = declared_pairs(activities, links)
    declared = {(a, b): d for a, b, d in zip(pairs["a"], pairs["b"], pairs["declared"])}
    assert declared[(0, 1)] == ""
    assert "names EUTF's activity PROG-1 as its parent" in declared[(0, 2)]
    assert stats["funding_chain_pairs"] == 1 and stats["sibling_pairs"] == 1


def test_structural_pairs_need_the_same_label_place_and_different_actors():
    activities = _activities([
        {"actor_key": "a", "title": "Water trucking", "locations": ("Afar > Z1 [ET0201]",)},
        {"actor_key": "b", "title": "Water trucking", "locations": ("Afar > Z1 [ET0201]",)},
        {"actor_key": "a", "title": "Water trucking", "locations": ("Afar > Z1 [ET0201]",)},
        {"actor_key": "c", "title": "Water trucking", "locations": ("Afar > Z2 [ET0202]",)},
        {"actor_key": "d", "title": "Mobile clinics", "locations": ("Afar > Z1 [ET0201]",)},
    ])
    pairs = structural_pairs(activities)
    assert set(zip(pairs["a"], pairs["b"])) == {(0, 1), (1, 2)}


def test_merge_keeps_one_row_per_pair_with_its_declaration():
    vectors = np.eye(3, dtype=np.float32)
    neighbours = pd.DataFrame({"a": [0], "b": [1], "similarity": [0.0]})
    declared = pd.DataFrame({"a": [1, 2], "b": [0, 0], "declared": ["d1", "d2"]})
    merged = merge_candidates(neighbours, vectors, declared).set_index(["a", "b"])
    assert merged.loc[(0, 1), "declared"] == "d1"
    assert merged.loc[(0, 2), "declared"] == "d2"
    assert len(merged) == 2


def test_a_named_organisations_activity_in_the_same_country_is_preferred():
    """A donor's grant names its implementer; of the implementer's many look-alike
    projects, the one in the grant's country is the counterpart to compare."""
    base = {"description": "", "locations": (), "funders": (), "implementers": (),
            "participating_orgs": ()}
    grant = base | {"actor": "Donor", "actor_key": "donor", "title": "Cash assistance grant",
                    "countries": ("SO",), "implementers": ("NGO",)}
    elsewhere = [base | {"actor": "NGO", "actor_key": "ngo", "title": "Cash assistance grant",
                         "countries": (country,)} for country in ("KE", "ET", "UG")]
    here = base | {"actor": "NGO", "actor_key": "ngo", "title": "Cash assistance project",
                   "countries": ("SO",)}
    activities = pd.DataFrame([grant, *elsewhere, here])
    add_org_keys(activities)
    vectors = np.ones((5, 2), dtype=np.float32) / np.sqrt(2)
    pairs = named_actor_pairs(activities, vectors, TextIndex.build(activities), per_actor=1).frame()
    assert list(zip(pairs["a"], pairs["b"])) == [(0, 4)]


def test_named_organisations_are_compared_a_chunk_of_sources_at_a_time(monkeypatch):
    """Memory stays a block of similarities however many name an organisation, with the
    same pairs."""
    rng = np.random.default_rng(0)
    base = {"description": "", "locations": (), "funders": (), "participating_orgs": ()}
    words = ["water", "health", "cash", "school", "road", "seeds", "shelter", "clinic"]
    rows = [base | {"actor": "NGO", "actor_key": "ngo", "implementers": (),
                    "title": " ".join(rng.choice(words, 3)), "countries": (str(c),)}
            for c in rng.choice(["SO", "KE", "ET"], 12)]
    rows += [base | {"actor": f"Donor {i}", "actor_key": f"donor{i % 3}", "implementers": ("NGO",),
                     "title": " ".join(rng.choice(words, 3)), "countries": (str(c),)}
             for i, c in enumerate(rng.choice(["SO", "KE", "ET"], 9))]
    activities = pd.DataFrame(rows)
    add_org_keys(activities)
    vectors = rng.normal(size=(len(rows), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = TextIndex.build(activities)
    whole = named_actor_pairs(activities, vectors, index, per_actor=3).frame()
    monkeypatch.setattr("overlap.candidates.NAMED_BLOCK", 2 * 12)  # two sources of 12 targets a block
    chunked = named_actor_pairs(activities, vectors, index, per_actor=3).frame()
    assert len(whole) == 9 * 3
    assert whole.equals(chunked)
