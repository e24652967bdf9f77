import pandas as pd
import pytest

from overlap.decisions import (
    DECISION_COLUMNS,
    apply_decisions,
    input_fingerprint,
    load_decisions,
)
from overlap.errors import InputError

HEADER = ",".join(DECISION_COLUMNS) + "\n"


def test_reads_the_report_export_with_bom_and_crlf(write):
    path = write("decisions.csv", "\ufeff" + HEADER.replace("\n", "\r\n") +
                 'P1,a1,b1,confirmed,"same wells, same place",Ana,2024-05-01T10:00:00Z\r\n'
                 "P2,a2,b2,dismissed,,Ana,2024-05-01T10:01:00Z\r\n")
    table = load_decisions(path)
    assert list(table.columns) == list(DECISION_COLUMNS)
    assert table["decision"].tolist() == ["confirmed", "dismissed"]
    assert table.loc[0, "note"] == "same wells, same place"


def test_accepts_the_button_wording_and_only_the_required_columns(write):
    path = write("d.csv", "Pair_ID,Decision\nP1,Confirmed duplicate\nP2, Not a duplicate \nP3,UNSURE\n"
                 "P4,Funding link\nP5,related\nP6,Not related\nP7,confirmed\n")
    table = load_decisions(path)
    assert table["decision"].tolist() == ["duplicate", "dismissed", "unsure", "funding link", "related",
                                          "dismissed", "confirmed"]
    assert table["note"].tolist() == [""] * 7


def test_a_bad_decision_names_file_row_and_column(write):
    path = write("d.csv", HEADER + "P1,a,b,confirmed,,,\nP2,a,b,maybe,,,\n")
    with pytest.raises(InputError) as error:
        load_decisions(path)
    message = str(error.value)
    assert "d.csv, row 3, column 'decision': unknown decision 'maybe'" in message
    assert "duplicate, funding link, related, not related" in message


def test_an_empty_pair_id_is_an_error(write):
    path = write("d.csv", "pair_id,decision\n,confirmed\n")
    with pytest.raises(InputError, match="row 2, column 'pair_id': empty pair_id"):
        load_decisions(path)


def test_missing_columns_and_missing_files_are_clear(write, tmp_path):
    path = write("d.csv", "pair_id,verdict\nP1,confirmed\n")
    with pytest.raises(InputError, match="d.csv: missing columns decision"):
        load_decisions(path)
    with pytest.raises(InputError, match="decisions file not found"):
        load_decisions(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is empty"):
        load_decisions(write("empty.csv", ""))


def test_the_last_decision_on_a_pair_wins(write):
    first = write("one.csv", "pair_id,decision\nP1,confirmed\nP2,unsure\n")
    second = write("two.csv", "pair_id,decision\nP2,dismissed\n")
    table = load_decisions([first, second]).set_index("pair_id")
    assert table["decision"].to_dict() == {"P1": "confirmed", "P2": "dismissed"}


def test_apply_marks_confirmed_and_drops_dismissed():
    pairs = pd.DataFrame({"pair_id": ["P1", "P2", "P3", "P4"], "score": [0.9, 0.8, 0.7, 0.6]})
    decisions = pd.DataFrame({
        "pair_id": ["P1", "P2", "P3", "P9"], "decision": ["confirmed", "dismissed", "unsure", "confirmed"],
        "note": ["same", "", "check dates", ""],
    })
    kept, stats = apply_decisions(pairs, decisions)
    assert kept["pair_id"].tolist() == ["P1", "P3", "P4"]
    assert kept["decision"].tolist() == ["confirmed", "unsure", ""]
    assert kept["decision_note"].tolist() == ["same", "check dates", ""]
    assert stats == {"read": 4, "confirmed": 1, "unsure": 1, "dismissed": 1, "unmatched": 1}


def test_apply_with_no_decisions_keeps_every_pair():
    pairs = pd.DataFrame({"pair_id": ["P1", "P2"]})
    kept, stats = apply_decisions(pairs, load_decisions([]))
    assert kept["pair_id"].tolist() == ["P1", "P2"]
    assert set(kept["decision"]) == {""}
    assert stats["read"] == 0 and stats["dismissed"] == 0


def test_fingerprint_ignores_order_and_changes_with_content():
    assert input_fingerprint(["b" * 64, "a" * 64]) == input_fingerprint(["a" * 64, "b" * 64])
    assert input_fingerprint(["a" * 64]) != input_fingerprint(["c" * 64])
