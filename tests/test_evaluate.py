import json

import pandas as pd
import pytest
from click.testing import CliRunner

from overlap.cli import main
from overlap.errors import InputError
from overlap.evaluate import (
    evaluate,
    evaluate_labels,
    format_labels_table,
    load_labels,
    load_ranking,
    load_truth,
)


def _ranking(pairs):
    return pd.DataFrame(pairs, columns=["id_a", "id_b", "score"])


def test_recall_precision_and_average_precision(write):
    truth = load_truth(write("truth.csv", "id_a,id_b,label\na,b,1\nd,c,1\nx,y,1\ne,f,0\n"))
    ranking = _ranking([("b", "a", 0.9), ("e", "f", 0.8), ("c", "d", 0.7), ("g", "h", 0.6)])
    result = evaluate(ranking, truth, activities=8)
    assert result["recall"]["100"] == pytest.approx(2 / 3, abs=1e-4)
    assert result["precision"]["all"] == pytest.approx(2 / 3, abs=1e-4)
    # positives at ranks 1 and 3; the third is never found
    assert result["average_precision"] == pytest.approx((1 / 1 + 2 / 3) / 3, abs=1e-4)
    assert result["pairs_per_activity"] == 1.0
    assert result["threshold"]["score"] == 0.9


def test_decisions_file_is_accepted_as_truth(write):
    truth = load_truth(write("decisions.csv", "pair_id,id_a,id_b,decision,note\n"
                                              "P1,a,b,confirmed,\nP2,c,d,dismissed,\nP3,e,f,unsure,\n"))
    assert truth.positives == {frozenset("ab")} and truth.negatives == {frozenset("cd")}


def test_bad_truth_files(write):
    with pytest.raises(InputError, match="missing columns id_b"):
        load_truth(write("t.csv", "id_a,x\n1,2\n"))
    with pytest.raises(InputError, match="row 2, column 'label': unknown label 'maybe'"):
        load_truth(write("t2.csv", "id_a,id_b,label\n1,2,maybe\n"))


def test_cli_prints_a_table_and_writes_json_and_png(write, tmp_path):
    write("run/pairs.csv", "pair_id,kind,score,id_a,id_b\nP1,duplicate,0.9,a,b\nP2,overlap,0.6,c,d\n")
    write("run/activities.csv", "id\na\nb\nc\nd\n")
    truth = write("truth.csv", "id_a,id_b\nb,a\n")
    result = CliRunner().invoke(main, ["evaluate", "--truth", str(truth), str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "recall" in result.output and "100.0%" in result.output
    data = json.loads((tmp_path / "run" / "evaluation.json").read_text())
    assert data["recall"]["all"] == 1.0
    assert (tmp_path / "run" / "pr-curve.png").stat().st_size > 1000


# --- evaluate --labels: pairs read blind -------------------------------------------------

LABELS_A = """id_a,id_b,label,confidence,rank_band
a1,b1,duplicate,high,1-10
a2,b2,duplicate,high,1-10
a3,b3,related,low,1-10
a4,b4,unrelated,high,1-10
b5,a5,related,high,11-100
a6,b6,unrelated,high,11-100
a7,b7,unrelated,high,11-100
"""
# a second file: a8 adds to band 11-100; a1 repeats a pair already labelled and is ignored
LABELS_B = "id_a,id_b,label,rank_band\na8,b8,unrelated,11-100\na1,b1,unrelated,1-10\n"
PAIRS = """pair_id,kind,score,id_a,id_b,p_genuine,p_duplicate
P1,duplicate,0.9,a1,b1,0.95,0.85
P2,overlap,0.8,b2,a2,0.75,0.35
P3,overlap,0.7,a3,b3,0.72,0.05
P4,duplicate,0.6,a4,b4,0.15,0.12
P5,funding-chain,0.5,a5,b5,0.55,0.2
P8,conflict,0.4,a8,b8,0.05,0.01
P9,overlap,0.3,x,y,0.5,0.1
"""


def _label_result(write, pairs=PAIRS):
    labels = load_labels([write("a.csv", LABELS_A), write("b.csv", LABELS_B)])
    ranking, _ = load_ranking(write("run/pairs.csv", pairs))
    return evaluate_labels(ranking, labels)


def test_labels_per_class_and_targets(write):
    result = _label_result(write)
    assert result.labelled_pairs == 8 and result.reported_pairs == 7
    duplicate, related, unrelated = (result.classes[c] for c in ("duplicate", "related", "unrelated"))
    assert (duplicate.labelled, duplicate.share_reported, duplicate.share_reported_duplicate,
            duplicate.share_reported_overlap) == (2, 1.0, 0.5, 0.5)
    # the funding chain counts as a duplicate claim; b5,a5 matches a5,b5
    assert (related.labelled, related.share_reported, related.share_reported_duplicate) == (2, 1.0, 0.5)
    assert (unrelated.labelled, unrelated.share_reported, unrelated.share_reported_duplicate,
            unrelated.share_reported_overlap) == (4, 0.5, 0.25, 0.25)
    assert [(t.value, t.met) for t in result.targets] == [(0.5, False), (1.0, True), (0.5, False)]


def test_labels_per_rank_band(write):
    first, second = _label_result(write).bands
    assert (first.band, first.size, first.labelled) == (
        "1-10", 10, {"duplicate": 2, "related": 1, "unrelated": 1})
    assert (second.band, second.size, second.labelled) == (
        "11-100", 90, {"duplicate": 0, "related": 1, "unrelated": 3})
    assert second.share_reported == {"duplicate": None, "related": 1.0, "unrelated": pytest.approx(1 / 3, abs=1e-4)}


def test_precision_weights_each_pair_by_its_band(write):
    precision = _label_result(write).precision
    # band 1-10: 10 pairs / 4 labelled = 2.5 each; band 11-100: 90 / 4 = 22.5 each.
    # reported: a1 a2 a3 a4 (2.5 each), a5 a8 (22.5 each); genuine: a1 a2 a3 a5
    assert precision.weighted and precision.represented_pairs == 55.0
    assert precision.genuine_share == pytest.approx(30 / 55, abs=1e-4) and precision.genuine_pairs == 6
    # claimed duplicates: a1 (duplicate), a4 (unrelated), a5 (related, funding-chain)
    assert precision.duplicate_share == pytest.approx(2.5 / 27.5, abs=1e-4) and precision.duplicate_pairs == 3


def test_precision_is_unweighted_when_a_band_is_missing(write):
    labels = load_labels([write("c.csv", "id_a,id_b,label\na1,b1,duplicate\na4,b4,unrelated\na6,b6,unrelated\n")])
    ranking, _ = load_ranking(write("run/pairs.csv", PAIRS))
    result = evaluate_labels(ranking, labels)
    assert not result.precision.weighted and result.precision.genuine_share == 0.5
    assert result.bands == []
    assert "unweighted" in format_labels_table(result)


def test_reliability_bins_count_unreported_pairs_as_zero(write):
    reliability = _label_result(write).reliability
    genuine = [(b.low, b.pairs, b.mean_predicted, b.observed) for b in reliability["p_genuine"] if b.pairs]
    # a6 and a7 are not in pairs.csv: p = 0, with a8's 0.05 in the first bin
    assert genuine == [(0.0, 3, 0.0167, 0.0), (0.1, 1, 0.15, 0.0), (0.5, 1, 0.55, 1.0),
                       (0.7, 2, 0.735, 1.0), (0.9, 1, 0.95, 1.0)]
    duplicate = [(b.low, b.pairs, b.observed) for b in reliability["p_duplicate"] if b.pairs]
    assert duplicate == [(0.0, 4, 0.0), (0.1, 1, 0.0), (0.2, 1, 0.0), (0.3, 1, 1.0), (0.8, 1, 1.0)]


def test_no_reliability_without_probabilities(write):
    pairs = "\n".join(",".join(line.split(",")[:5]) for line in PAIRS.splitlines()) + "\n"
    result = _label_result(write, pairs)
    assert result.reliability == {}
    assert "reliability" not in format_labels_table(result)


def test_bad_label_files(write):
    with pytest.raises(InputError, match=r"l1\.csv: missing columns label"):
        load_labels([write("l1.csv", "id_a,id_b,rank_band\n1,2,1-10\n")])
    with pytest.raises(InputError, match=r"l2\.csv, row 3, column 'label': unknown label 'maybe'"):
        load_labels([write("l2.csv", "id_a,id_b,label\n1,2,related\n3,4,maybe\n")])
    with pytest.raises(InputError, match=r"l3\.csv, row 2, column 'rank_band': unreadable rank band"):
        load_labels([write("l3.csv", "id_a,id_b,label,rank_band\n1,2,related,top\n")])
    with pytest.raises(InputError, match=r"l4\.csv, row 2, column 'id_b': empty id"):
        load_labels([write("l4.csv", "id_a,id_b,label\n1,,related\n")])


def test_cli_labels_prints_targets_and_writes_json(write, tmp_path):
    write("run/pairs.csv", PAIRS)
    args = ["evaluate", "--labels", str(write("a.csv", LABELS_A)), "--labels", str(write("b.csv", LABELS_B)),
            str(tmp_path / "run"), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "unrelated reported: 50.0% (target <= 10%): NOT MET" in result.output
    assert "related reported: 100.0% (target >= 60%): met" in result.output
    assert "an estimate from few labelled pairs" in result.output
    data = json.loads((tmp_path / "out" / "label-evaluation.json").read_text())
    assert data["classes"]["duplicate"]["share_reported_duplicate"] == 0.5
    assert data["precision"]["duplicate_pairs"] == 3
    assert not (tmp_path / "run" / "evaluation.json").exists()


def test_cli_needs_truth_or_labels(tmp_path, write):
    write("run/pairs.csv", PAIRS)
    result = CliRunner().invoke(main, ["evaluate", str(tmp_path / "run")])
    assert result.exit_code == 2 and "give --truth PAIRS.csv, --labels FILE, or both" in result.output
    bad = write("bad.csv", "id_a,id_b,label\n1,2,maybe\n")
    result = CliRunner().invoke(main, ["evaluate", "--labels", str(bad), str(tmp_path / "run")])
    assert result.exit_code == 2 and "unknown label 'maybe'" in result.output
