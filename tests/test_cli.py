import json

import pandas as pd
import pytest
from click.testing import CliRunner

from overlap.cli import OPTION_KEYS, config_overrides, main
from overlap.config import Config, load_config

A = (
    "Project ID,Organisation,Project title,Description,Country,Start date,End date\n"
    "1,IOM,Reintegration of returnees in Edo,Reintegration grants and counselling for 2000 "
    "returnees from Libya in Edo State,Nigeria,2020-01-01,2021-12-31\n"
    "2,IOM,Border management in Agadez,Training of border police in Agadez,Niger,2019,2020\n"
)
B = (
    "Ref;Partner;Title;Summary;Countries;From;To\n"
    "X1;Caritas;Returnee reintegration in Edo State;Reintegration grants and counselling "
    "for 2,000 migrants returned from Libya to Edo State;Nigeria;01/03/2020;31/12/2021\n"
    "X2;Caritas;Water supply;Boreholes in Tahoua;Niger;2020;sometime 2021\n"
)


def _inputs(write):
    write("in/iom.csv", A)
    return write("in/caritas.csv", B).parent


def test_run_writes_every_output(write, tmp_path):
    folder = _inputs(write)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(out), "--embedder", "tfidf",
                                       "--threshold", "0.3"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("report.html")
    for name in ("pairs.csv", "clusters.csv", "activities.csv", "report.html", "run.json"):
        assert (out / name).exists()
    header = (out / "pairs.csv").read_text().splitlines()[0]
    assert header.startswith("pair_id,kind,score,p_duplicate,p_genuine,similarity,id_a,actor_a,title_a,id_b,actor_b,"
                             "title_b,cluster_id,reasons")
    run = json.loads((out / "run.json").read_text())
    assert run["activities"] == 4
    assert run["inputs"][0]["sha256"]
    assert any(w["column"] == "To" for w in run["warnings"])
    assert set(run["seconds"]) >= {"read", "embed", "neighbours", "score", "cluster"}


def test_bad_input_exits_2_with_a_message_and_writes_nothing(write, tmp_path):
    path = write("bad.csv", "ID,Organisation,Title\n1,A,Wells\n1,A,Roads\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(out), "--embedder", "tfidf",
                                       "--strict"])
    assert result.exit_code == 2
    assert "bad.csv, row 3, column 'ID': duplicate id '1'" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_unreadable_xlsx_is_a_clear_error(write, tmp_path):
    path = write("broken.xlsx", "PK\x03\x04 not really a workbook")
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "broken.xlsx" in result.output and "Excel" in result.output


def test_map_option(write, tmp_path):
    path = write("a.csv", "Agency,Name\nA,Wells in Tahoua\nB,Wells in Tahoua region\n")
    result = CliRunner().invoke(main, ["inspect", str(path), "--map", "actor=Agency",
                                       "--map", "title=Name"])
    assert result.exit_code == 0, result.output
    assert "actor <- Agency" in result.output and "title <- Name" in result.output
    result = CliRunner().invoke(main, ["inspect", str(path), "--map", "title"])
    assert result.exit_code == 2 and "FIELD=COLUMN" in result.output


def test_inspect_lists_problems_and_exits_2_on_errors(write):
    path = write("a.csv", "ID,Organisation,Title\n1,,Wells\n")
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 2
    assert "row 2, column 'Organisation': no actor" in result.output


def test_init_writes_a_loadable_config(tmp_path):
    path = tmp_path / "overlap.toml"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(path)]).exit_code == 0
    assert "[neighbours]" in path.read_text()
    assert load_config(path) == Config()
    again = runner.invoke(main, ["init", str(path)])
    assert again.exit_code == 2 and "--force" in again.output


def test_bad_config_value_exits_2(write, tmp_path):
    folder = _inputs(write)
    config = write("bad.toml", "[neighbours]\nk = 0\n")
    result = CliRunner().invoke(main, ["run", str(folder), "--config", str(config)])
    assert result.exit_code == 2 and "neighbours.k must be at least 1" in result.output


def test_quiet_keeps_the_chosen_embedder(write, tmp_path):
    folder = _inputs(write)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(out), "--embedder", "tfidf", "-q"])
    assert result.exit_code in (0, 10), result.output
    assert json.loads((out / "run.json").read_text())["model"]["embedder"].startswith("scikit-learn:tfidf")


def test_every_run_option_but_a_few_sets_a_config_key():
    """A new `overlap run` option must be declared in OPTION_KEYS (or here, if it is no setting)."""
    table = {option for option, _, _, _ in OPTION_KEYS}
    params = {param.name for param in main.commands["run"].params}
    assert params - table == {"inputs", "config_path", "log_file", "debug"}
    assert table <= params
    for _, section, key, _ in OPTION_KEYS:
        assert hasattr(getattr(Config(), section), key), f"{section}.{key}"


def test_options_not_given_set_nothing_and_quiet_turns_the_progress_bar_off(tmp_path):
    overrides = config_overrides({"quiet": True, "threshold": 0.0, "k": None, "exclude": (),
                                  "include_same_actor": None, "decisions": (tmp_path / "d.csv",)})
    assert overrides == {"embed": {"progress": False}, "score": {"report_threshold": 0.0},
                         "review": {"decisions": (str(tmp_path / "d.csv"),)}}
    config = load_config(overrides=overrides)
    assert not config.embed.progress and config.embed.progress_min_texts == 200
    assert config_overrides({"quiet": False}) == {}


def test_repeated_ids_of_one_organisation_run_numbered_with_one_warning(write, tmp_path):
    path = write("threew.csv", (
        "ID,Organisation,Title,Zone,Beneficiaries\n"
        "P1,A,Nutrition at Masuika,Masuika,100\nP1,A,Nutrition at Masuika clinic,Masuika,250\n"
        "P1,A,Nutrition at Masuika clinic,Masuika,250\nP2,B,Water wells in Luiza,Luiza,40\n"
    ))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(out), "--embedder", "tfidf"])
    assert result.exit_code == 0, result.output
    run = json.loads((out / "run.json").read_text())
    [repeats] = run["repeated_ids"]
    assert repeats["rows"] == 1 and repeats["listed"][0]["rows"] == [2, 3]
    counting = [w for w in run["warnings"] if "double counting" in w["message"]]
    assert len(counting) == 1 and "1 repeated rows" in counting[0]["message"]
    ids = pd.read_csv(out / "activities.csv", dtype=str)["id"]
    # a project's rows are told apart by place, then the repeats at one place by number;
    # the word-for-word repeat is skipped
    assert sorted(ids) == ["P1 @ Masuika", "P1 @ Masuika #2", "P2"]

    strict = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "o2"),
                                       "--embedder", "tfidf", "--strict"])
    assert strict.exit_code == 2 and "duplicate id 'P1 @ Masuika'" in strict.output


def test_out_under_a_file_and_an_unwritable_log_exit_2_with_a_message(write, tmp_path):
    path = write("a.csv", A)
    blocker = write("blocker", "a file")
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(blocker / "out"),
                                       "--embedder", "tfidf"])
    assert result.exit_code == 2 and "is a file, not a folder" in result.output
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "out"),
                                       "--embedder", "tfidf", "--log-file", str(blocker / "x.log")])
    assert result.exit_code == 2 and "--log-file" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


@pytest.mark.parametrize("declared, encoding", [("Shift_JIS", "shift_jis"), ("x-klingon", "ascii")])
def test_inspect_of_xml_in_an_unreadable_encoding_exits_2_naming_it(write, declared, encoding):
    path = write("jp.xml", (
        f'<?xml version="1.0" encoding="{declared}"?>\n<iati-activities version="2.03">'
        "<iati-activity><iati-identifier>XM-1</iati-identifier><title><narrative>Wells"
        "</narrative></title></iati-activity></iati-activities>\n"), encoding)
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert f"cannot read the XML in {declared}" in result.output


def test_inspect_of_deeply_nested_json_exits_2(write):
    path = write("deep.json", "[" * 100_000 + "]" * 100_000)
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "too deep to read" in result.output


def test_nine_copies_of_one_tiny_file_still_get_a_map(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(9):
        (folder / f"actor{number}.csv").write_text("title\nwater\nwater\nwater\n")
    result = CliRunner().invoke(main, ["run", str(folder), "--out", str(tmp_path / "out"),
                                       "--embedder", "tfidf"])
    assert result.exit_code == 0, result.output
