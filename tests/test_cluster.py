import numpy as np
import pandas as pd

from overlap.cluster import assign_clusters, cluster_id, summarise_clusters
from overlap.config import ClusterConfig
from overlap.score import TextIndex


def _activities(n):
    return pd.DataFrame({
        "id": [str(i) for i in range(n)],
        "actor": [f"Actor {i % 3}" for i in range(n)],
        "actor_key": [f"actor {i % 3}" for i in range(n)],
        "title": ["water wells borehole"] * 3 + ["returnee reintegration grants"] * (n - 3),
        "description": [""] * n,
        "countries": [("NE",)] * n,
        "sectors": [()] * n,
    })


def test_clusters_are_components_with_order_free_ids():
    activities = _activities(6)
    pairs = pd.DataFrame({"a": [0, 1, 3], "b": [1, 2, 4], "score": [0.9, 0.9, 0.9]})
    labels = assign_clusters(activities, pairs, ClusterConfig())
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4]
    assert labels[5] == ""
    shuffled = activities.iloc[::-1].reset_index(drop=True)
    flipped = pd.DataFrame({"a": [5, 4, 2], "b": [4, 3, 1], "score": [0.9, 0.9, 0.9]})
    again = assign_clusters(shuffled, flipped, ClusterConfig())
    assert set(again) == set(labels)
    assert labels[0] == cluster_id(["actor 0\x1f0", "actor 1\x1f1", "actor 2\x1f2"])


def test_a_large_component_is_split_on_its_weak_links():
    activities = _activities(8)
    pairs = pd.DataFrame({
        "a": [0, 1, 2, 3, 4, 5, 6], "b": [1, 2, 3, 4, 5, 6, 7],
        "score": [0.9, 0.9, 0.9, 0.55, 0.9, 0.9, 0.9],
    })
    labels = assign_clusters(activities, pairs, ClusterConfig(max_size=4))
    assert len(set(labels[:4])) == 1 and len(set(labels[4:])) == 1
    assert labels[0] != labels[4]


def test_summary_has_a_distinctive_label():
    activities = _activities(6)
    labels = np.array(["C1", "C1", "C1", "C2", "C2", ""], dtype=object)
    summary = summarise_clusters(activities, labels, ClusterConfig(),
                                 TextIndex.build(activities)).set_index("cluster_id")
    assert "wells" in summary.loc["C1", "label"] or "borehole" in summary.loc["C1", "label"]
    assert "reintegration" in summary.loc["C2", "label"] or "grants" in summary.loc["C2", "label"]
    assert summary.loc["C1", "size"] == 3
    assert summary.loc["C1", "actors"] == "Actor 0; Actor 1; Actor 2"
