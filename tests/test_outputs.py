"""Every CSV written is safe to open in a spreadsheet (OWASP, CSV injection), and reads back."""

import csv
import io
import json
import re
import shutil
import subprocess

import pandas as pd
import pytest

from overlap import pipeline
from overlap.decisions import DECISION_COLUMNS, load_decisions
from overlap.outputs import guard_cell, unguard_cell, write_csv_atomic
from tests.conftest import ROOT
from tests.helpers import Project

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "-", "'=1+1", "''@x"]
HARMLESS = ["plain text", "-0.5", "+3", "-1e5", "12.", ".5", "'quoted", "", "a=b", " =x"]
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def runs_as_formula(cell: str) -> bool:
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(cell)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_gets_a_quote_and_reads_back_exactly(text):
    guarded = guard_cell(text)
    assert guarded == "'" + text and not runs_as_formula(guarded)
    assert unguard_cell(guarded) == text


@pytest.mark.parametrize("text", HARMLESS)
def test_numbers_and_plain_text_are_left_alone(text):
    assert guard_cell(text) == text and unguard_cell(text) == text


def test_numeric_columns_stay_numbers_and_text_columns_are_guarded(tmp_path):
    path = tmp_path / "t.csv"
    frame = pd.DataFrame({"title": ["=1+1", "-0.5", "ok"], "budget": [-1500.0, -0.5, 2.0],
                          "score": [0.5, -0.25, 1.0]})
    write_csv_atomic(path, frame)
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert [r["title"] for r in rows] == ["'=1+1", "-0.5", "ok"]
    assert [r["budget"] for r in rows] == ["-1500.0", "-0.5", "2.0"]
    assert [r["score"] for r in rows] == ["0.5", "-0.25", "1.0"]


def test_our_own_decisions_csv_reads_back_as_written(tmp_path):
    path = tmp_path / "decisions.csv"
    decisions = pd.DataFrame([["P1", "=a1", "-b1", "confirmed", "=HYPERLINK(\"x\")", "@ana", "2024"],
                              ["P2", "'=kept", "b2", "dismissed", "'plain", "", ""]],
                             columns=list(DECISION_COLUMNS))
    write_csv_atomic(path, decisions)
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8")
    table = load_decisions(path)
    assert table["id_a"].tolist() == ["=a1", "'=kept"] and table["id_b"].tolist() == ["-b1", "b2"]
    assert table["note"].tolist() == ['=HYPERLINK("x")', "'plain"] and table["reviewer"][0] == "@ana"


def test_a_run_neutralises_every_csv_and_a_rerun_sees_nothing_changed(tmp_path):
    project = Project(tmp_path)
    # no actor column: the actor is the file's name, itself a formula
    hostile_file = tmp_path / "in" / "=cmd|' C calc'!A0.csv"
    hostile_file.write_text(
        "Ref,Title,Summary,Country,Start,End,Budget\n"
        '=1+1,"=HYPERLINK(""http://evil.example"",""Reintegration of returnees in Edo"")",'
        '"@SUM Reintegration grants and counselling for 2000 returnees from Libya in Edo State",'
        "Nigeria,2020-01-01,2021-12-31,-1500\n"
    )
    first = project.run()
    assert first.exit_code in (0, 10), first.output
    written = {name: project.out / name for name in ("pairs.csv", "changes.csv", "activities.csv",
                                                     "clusters.csv")}
    for name, path in written.items():
        for row in csv.reader(path.open(encoding="utf-8", newline="")):
            formulas = [cell for cell in row if runs_as_formula(cell)]
            assert not formulas, f"{name}: {formulas}"
    activities = pd.read_csv(written["activities.csv"], dtype=str, keep_default_na=False)
    hostile = activities[activities["actor"].str.contains("calc")].iloc[0]
    assert hostile["actor"] == "'=cmd|' C calc'!A0" and hostile["id"] == "'=1+1"
    assert hostile["title"].startswith("'=HYPERLINK(")
    pairs = project.pairs()
    assert (pairs["actor_a"] + pairs["actor_b"]).str.contains("calc").any()
    # the state keeps the ids and names unguarded: the same input is the same run
    again = project.run()
    assert again.exit_code == 0, again.output
    changes = project.summary()["changes"]["pairs"]
    assert changes["unchanged"] >= 1 and changes["new"] == changes["changed"] == changes["resolved"] == 0
    # a resolved pair is told from the state: its names come back as the file had them
    hostile_file.unlink()
    assert project.run().exit_code == 0
    resolved = project.changes().query("status == 'resolved'")
    assert "'=cmd|' C calc'!A0" in set(resolved["actor_a"]) | set(resolved["actor_b"])


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="needs node to run the report's script")
def test_the_reports_export_guards_as_the_python_writer_does():
    script = (ROOT / "src" / "overlap" / "templates" / "report-review.js").read_text(encoding="utf-8")
    start = script.index("/* ------------------------------------------------------------ decisions.csv */")
    csv_part = script[start:script.index("/* Rows for every decided pair", start)]
    cases = HOSTILE + HARMLESS + ['=a,"b"']
    program = csv_part + (
        f"var cases = {json.dumps(cases)};"
        "console.log(JSON.stringify(cases.map(function (c) {"
        " return [csvField(c), guardCell(c), unguardCell(guardCell(c))]; })));"
    )
    result = subprocess.run([NODE, "-e", program], capture_output=True, text=True, timeout=60, check=True)
    for case, (field, guarded, back) in zip(cases, json.loads(result.stdout)):
        assert guarded == guard_cell(case) and back == case
        assert next(csv.reader(io.StringIO(field + "\r\n", newline="")), []) == ([guarded] if case else [])


def test_run_json_lists_the_first_warnings_and_counts_them_all(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_WARNINGS_LISTED", 5)
    project = Project(tmp_path)
    (tmp_path / "in" / "late.csv").write_text(
        "Ref,Organisation,Title,Start\n" + "".join(f"L{n},Late,Wells number {n},someday\n" for n in range(30)))
    result = project.run()
    assert result.exit_code == 0, result.output
    summary = project.summary()
    assert len(summary["warnings"]) == 5 and summary["warnings_total"] >= 30
    assert summary["warnings"][0]["row"] == 2
    assert summary["skipped_rows"] == [] and summary["skipped_rows_total"] == 0


def test_every_text_column_is_guarded_cell_by_cell_where_any_cell_needs_it():
    from overlap.outputs import guard_frame

    frame = pd.DataFrame({"plain": ["a", "b", ""], "late": ["a", "b", "=1+1"],
                          "quoted": ["'x", "y", "z"], "mixed": [1, "@x", 2.5]})
    guarded = guard_frame(frame)
    assert guarded["plain"].tolist() == ["a", "b", ""]
    assert guarded["late"].tolist() == ["a", "b", "'=1+1"]
    assert guarded["quoted"].tolist() == ["'x", "y", "z"]
    assert guarded["mixed"].tolist() == [1, "'@x", 2.5]
