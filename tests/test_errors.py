"""What a user is told about hostile or careless input: nothing that drives the terminal,
no pages of binary, no option silently ignored, the same verdict from `inspect` and `run`,
and warnings for values that read but cannot be right."""

import warnings

import numpy as np
import pytest
from click.testing import CliRunner

from overlap.cli import main
from overlap.config import load_config
from overlap.errors import MAX_SHOWN_LINE, InputError, printable
from overlap.pipeline import load_activities
from overlap.projection import project_2d

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m\u202e"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_printable_shows_control_characters_and_cuts_long_lines():
    assert printable("a\x1b[31mb\x07") == "a\\x1b[31mb\\x07"
    assert printable("one\ntwo") == "one\\x0atwo"
    assert printable("one\ntwo", keep_newlines=True) == "one\ntwo"
    assert printable("right-to-left \u202e") == "right-to-left \\u202e"
    shown = printable("x" * 9000)
    assert len(shown) < MAX_SHOWN_LINE + 40 and shown.endswith("(8500 more characters)")
    assert printable(printable(ESCAPES)) == printable(ESCAPES)


def test_errors_print_no_control_character():
    error = InputError(f"bad cell {ESCAPES}", file=f"in/{ESCAPES}.csv", column=ESCAPES)
    assert not any(ch in str(error) for ch in "\x1b\x07\x9b\u202e")
    assert "\\x1b[2J" in str(error)


def test_file_names_and_headers_with_escapes_reach_neither_run_nor_inspect_raw(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"evil{ESCAPES}.csv").write_text(f"ti{ESCAPES}tle,actor\nWells,A\n")
    for command in (["inspect", folder], ["run", folder, "--out", tmp_path / "out"]):
        result = invoke(*command)
        assert result.exit_code == 2
        assert not any(ch in result.output for ch in "\x1b\x07\x9b\u202e"), result.output
        assert "evil\\x1b[2J" in result.output


def test_a_binary_file_shows_a_short_excerpt_in_the_error(tmp_path):
    rng = np.random.default_rng(0)
    noise = bytes(b for b in rng.integers(0, 256, 20000, dtype=np.uint8) if b not in b"\r\n,;\t|")
    (tmp_path / "blob.csv").write_bytes(b"id," + noise)
    result = invoke("run", tmp_path / "blob.csv", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "blob.csv" in result.output
    assert len(result.output) < MAX_SHOWN_LINE + 200
    assert "more characters" in result.output


def test_map_naming_no_column_is_an_error_naming_the_columns(write, tmp_path):
    path = write("a.csv", "ID,Agency,Project title\n1,A,Wells\n2,B,Roads\n")
    for command in ("inspect", "run"):
        extra = ["--out", tmp_path / "out"] if command == "run" else []
        result = invoke(command, path, "--map", "title=NoSuchColumn", *extra)
        assert result.exit_code == 2, result.output
        assert "--map title=NoSuchColumn: no such column" in result.output
        assert "ID, Agency, Project title" in result.output


def test_map_to_a_column_still_wins_over_the_synonyms(write):
    path = write("a.csv", "ID,Agency,Project title,Name\n1,A,Wells,Water\n")
    config = load_config(None, {"input": {"map": {"title": "name"}}})
    _, normalised = load_activities([path], config)
    assert normalised.activities["title"].tolist() == ["Water"]


def test_inspect_gives_a_header_only_file_the_verdict_run_gives(write, tmp_path):
    path = write("empty.csv", "ID,Organisation,Title\n")
    inspected = invoke("inspect", path)
    ran = invoke("run", path, "--out", tmp_path / "out")
    assert ran.exit_code == 2 and inspected.exit_code == 2
    assert "no activity with a title or description was found" in ran.output
    assert "no activity with a title or description was found" in inspected.output
    assert "a run would stop" in inspected.output


def test_reversed_periods_and_negative_budgets_are_warned_about_with_their_place(write):
    path = write("a.csv", "ID,Organisation,Title,Start,End,Budget\n"
                          "1,A,Wells,2024-05-01,2023-01-31,-500\n"
                          "2,A,Roads,2023-01-01,2023-12-31,1000\n")
    _, normalised = load_activities([path], load_config(None))
    found = {(p.row, p.column, p.message) for p in normalised.problems}
    assert found == {
        (2, "Start", "starts (2024-05-01) after it ends (2023-01-31); dates kept as given"),
        (2, "Budget", "negative budget '-500'; kept as given"),
    }
    assert all(p.file == str(path) and p.severity == "warning" for p in normalised.problems)
    row = normalised.activities.iloc[0]
    assert (row["start_date"], row["end_date"], row["budget"]) == ("2024-05-01", "2023-01-31", -500)


@pytest.mark.parametrize("sparse", [False, True])
def test_the_map_of_identical_vectors_warns_nothing(sparse):
    """A few copies of one text: TruncatedSVD or PCA divide by a zero variance; cron mails
    whatever reaches stderr."""
    vectors = np.ones((4, 6))
    if sparse:
        from scipy.sparse import csr_matrix

        vectors = csr_matrix(vectors)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert project_2d(vectors).shape == (4, 2)


def test_cells_the_fuzzing_found_crashing_normalise_read_with_a_warning_or_as_given(write):
    path = write("a.csv", "ID,Organisation,Title,Start,Participating orgs\n"
                          "1,A,Wells,2021-13,5\n2,A,Roads,0000-01,4:UNICEF\n")
    _, normalised = load_activities([path], load_config(None))
    assert [(p.row, p.message) for p in normalised.problems] == [
        (2, "unreadable date '2021-13'; value skipped (expected e.g. 2021-03-31, 31/03/2021 or 2021)"),
        (3, "unreadable date '0000-01'; value skipped (expected e.g. 2021-03-31, 31/03/2021 or 2021)"),
    ]
    assert normalised.activities["participating_orgs"].tolist() == [("5",), ("4:UNICEF",)]


def test_compact_dates_read_without_a_warning_on_stderr():
    from overlap.normalise import parse_date

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # past the cache, which may hold the dates from an earlier test
        assert parse_date.__wrapped__("20210315") == "2021-03-15"
        assert parse_date.__wrapped__("-20210315") == "2021-03-15"
