"""What changed since the last run: statuses, resolved pairs, stable ids, review memory."""


import numpy as np
import pandas as pd
import pytest

from overlap.changes import PreviousRun, keep_cluster_ids, match_clusters, pair_statuses
from tests.helpers import CARITAS_ROWS, Project


@pytest.fixture
def project(tmp_path):
    return Project(tmp_path)


def test_ids_and_statuses_are_stable_across_an_identical_rerun(project):
    assert project.run().exit_code == 0
    first = project.pairs()
    clusters = pd.read_csv(project.out / "clusters.csv")
    assert set(project.changes()["status"]) == {"new"}
    assert project.summary()["changes"]["previous_run"] is None

    assert project.run().exit_code == 0
    assert project.pairs()["pair_id"].tolist() == first["pair_id"].tolist()
    assert project.pairs()["cluster_id"].tolist() == first["cluster_id"].tolist()
    again = pd.read_csv(project.out / "clusters.csv")
    assert again["cluster_id"].tolist() == clusters["cluster_id"].tolist()
    assert set(again["status"]) == {"unchanged"}
    changes = project.summary()["changes"]
    assert changes["pairs"] == {"new": 0, "changed": 0, "unchanged": 2, "resolved": 0}
    assert changes["previous_run"]
    assert project.changes().empty


def test_a_cluster_keeps_its_id_when_it_gains_a_member(project):
    project.run()
    before = project.pairs()
    edo = before.loc[before["id_a"].isin(["1", "X1"]), "cluster_id"].iloc[0]
    (project.root / "in" / "unhcr.csv").write_text(
        "ID,Organisation,Title,Description,Country\n"
        "U1,UNHCR,Reintegration of returnees in Edo State,Reintegration grants and counselling "
        "for returnees from Libya in Edo State,Nigeria\n")
    result = project.run()
    assert result.exit_code in (0, 10), result.output
    clusters = pd.read_csv(project.out / "clusters.csv").set_index("cluster_id")
    assert clusters.loc[edo, "size"] == 3
    assert clusters.loc[edo, "status"] == "changed"
    assert "U1" in clusters.loc[edo, "activity_ids"]


def test_new_pairs_exit_10_and_resolved_pairs_say_why(project):
    rows = dict(CARITAS_ROWS)
    water = rows.pop("X2")
    project.caritas(rows)
    assert project.run().exit_code == 0  # the first run sets the baseline: nothing is "new" yet
    project.caritas({**rows, "X2": water})
    result = project.run()
    assert result.exit_code == 10, result.output
    changes = project.changes()
    new = changes[changes["status"] == "new"].iloc[0]
    assert {new["id_a"], new["id_b"]} == {"2", "X2"} and new["kind"] == "duplicate"
    assert new["why"] == "new activity"
    assert project.summary()["changes"]["new_alerts"] == 1
    assert project.run().exit_code == 0

    project.caritas({"X1": "X1,Caritas,Road repair in Kano,Repairing 30 km of rural roads "
                           "around Kano,Nigeria,2020-03-01,2021-12-31\n", "X3": rows["X3"]})
    assert project.run().exit_code == 0
    resolved = project.changes().set_index("status").loc["resolved"].set_index("id_a")
    assert resolved["why"].to_dict() == {"X1": "text changed", "X2": "activity removed"}
    assert set(resolved["previous_kind"]) == {"duplicate"}


def test_raising_the_threshold_resolves_pairs_as_below_threshold(project):
    project.run()
    result = project.run("--threshold", "0.9999", "--duplicate-threshold", "0.9999")
    assert result.exit_code == 0, result.output
    changes = project.changes()
    assert set(changes["status"]) == {"resolved"}
    assert set(changes["why"]) == {"below threshold"}
    assert changes["previous_kind"].tolist() == ["duplicate", "duplicate"]


def test_dismissed_pairs_stay_hidden_until_a_text_changes(project):
    project.run()
    edo = project.pair_of("1", "X1")
    decisions = project.root / "decisions.csv"
    decisions.write_text("pair_id,id_a,id_b,decision,note,reviewer,decided_at\n"
                         f"{edo},1,X1,dismissed,different phases,Ana,2026-11-20T10:00:00Z\n")
    assert project.run("--decisions", str(decisions)).exit_code == 0
    assert edo not in set(project.pairs()["pair_id"])
    resolved = project.changes().set_index("pair_id")
    assert resolved.loc[edo, "status"] == "resolved" and resolved.loc[edo, "why"] == "dismissed"

    assert project.run().exit_code == 0  # no --decisions: the state remembers
    assert edo not in set(project.pairs()["pair_id"])
    assert project.summary()["decisions"]["dismissed"] == 1

    project.caritas({**CARITAS_ROWS, "X1": CARITAS_ROWS["X1"].replace(
        "to Edo State", "to Edo State with psychosocial support")})
    result = project.run()
    assert result.exit_code == 10, result.output  # a dismissed duplicate is back: worth a look
    pairs = project.pairs().set_index("pair_id")
    assert edo in pairs.index
    change = project.changes().set_index("pair_id").loc[edo]
    assert change["status"] == "changed"
    assert change["review_note"] == "dismissed on 2026-11-20, text changed since"
    assert project.summary()["decisions"]["reopened"] == 1


def test_a_decision_on_unchanged_texts_is_kept_confirmed(project):
    project.run()
    edo = project.pair_of("1", "X1")
    decisions = project.root / "decisions.csv"
    decisions.write_text(f"pair_id,decision,note\n{edo},confirmed,same grants\n")
    project.run("--decisions", str(decisions))
    project.run()
    pairs = project.pairs().set_index("pair_id")
    assert pairs.loc[edo, "decision"] == "confirmed"
    stored = pd.read_csv(project.state / "decisions.csv", dtype=str, keep_default_na=False)
    assert stored.loc[0, "text_hash_a"] and stored.loc[0, "text_hash_b"]


def test_a_damaged_previous_run_is_noted_and_rebuilt(project):
    project.run()
    (project.state / "previous" / "pairs.csv").write_text("pair_id\nPbroken\n")
    result = project.run()
    assert result.exit_code == 0, result.output
    notes = project.summary()["state"]["notes"]
    assert len(notes) == 1 and "does not match its checksum" in notes[0]
    assert "warning:" in result.output
    assert set(project.changes()["status"]) == {"new"}
    assert project.run().exit_code == 0 and project.changes().empty


# ---------------------------------------------------------------- units


def _sets(**clusters):
    return {name: frozenset(members) for name, members in clusters.items()}


def test_match_clusters_is_best_first_one_to_one_and_needs_half_overlap():
    previous = _sets(P1=["a", "b", "c", "d"], P2=["x", "y"])
    current = _sets(C1=["a", "b", "c"], C2=["a2", "d"], C3=["x", "q", "r", "s", "t"])
    assert match_clusters(current, previous, 0.5) == {"C1": "P1"}
    tie = match_clusters(_sets(C1=["a"], C2=["b"]), _sets(P=["a", "b"]), 0.5)
    assert list(tie.values()) == ["P"]


def _previous(members: dict[str, list[str]]) -> PreviousRun:
    rows = [(key, "", "", cluster) for cluster, keys in members.items() for key in keys]
    activities = pd.DataFrame(rows, columns=["actor_key", "id", "text_hash", "cluster_id"])
    return PreviousRun(finished="t", activities=activities, pairs=pd.DataFrame())


def test_keep_cluster_ids_renames_matches_and_never_reuses_an_id():
    previous = _previous({"Cold": ["a", "b", "c"], "Cnew": ["z", "y"]})
    keys = np.array(["a\x1f", "b\x1f", "c\x1f", "d\x1f", "e\x1f", "f\x1f"], dtype=object)
    labels = np.array(["Cx", "Cx", "Cx", "Cx", "Cnew", "Cnew"], dtype=object)
    renamed, status = keep_cluster_ids(labels, keys, previous, 0.5)
    assert renamed[:4].tolist() == ["Cold"] * 4 and status["Cold"] == "changed"
    assert renamed[4] not in ("Cnew", "Cold") and status[renamed[4]] == "new"


def test_pair_statuses_follow_score_moves_and_kind_changes():
    activities = pd.DataFrame({"actor_key": ["a"], "id": [""], "text_hash": ["h"], "cluster_id": [""]})
    previous = PreviousRun("t", activities, pd.DataFrame({
        "pair_id": ["P1", "P2", "P3"], "kind": ["overlap", "overlap", "duplicate"],
        "score": [0.6, 0.6, 0.9]}))
    pairs = pd.DataFrame({
        "pair_id": ["P1", "P2", "P3", "P4"], "kind": ["overlap", "overlap", "overlap", "overlap"],
        "score": [0.64, 0.65, 0.79, 0.6], "key_a": "a", "key_b": "b", "text_hash_a": "h",
        "text_hash_b": "h", "review_note": ""})
    statuses = pair_statuses(pairs, previous, set(), 0.05)
    assert statuses["status"].tolist() == ["unchanged", "changed", "changed", "new"]
    assert statuses["why"].tolist()[1:3] == ["score 0.60 -> 0.65", "kind duplicate -> overlap"]
