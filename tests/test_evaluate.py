import json

import pandas as pd
import pytest
from click.testing import CliRunner

from overlap.cli import main
from overlap.errors import InputError
from overlap.evaluate import evaluate, load_truth


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
