"""`overlap schedule`: crontab lines and systemd units with absolute paths."""

import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from overlap.cli import main
from overlap.schedule import At, cron_line, systemd_units


def schedule(tmp_path, monkeypatch, *options):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "overlap.toml").write_text('[report]\nout = "reports/nightly"\n')
    return CliRunner().invoke(main, ["schedule", "in", "--config", "overlap.toml", *options])


def test_cron_line_runs_the_venvs_overlap_with_absolute_paths(tmp_path, monkeypatch):
    result = schedule(tmp_path, monkeypatch, "--cron", "--at", "3:07")
    assert result.exit_code == 0, result.output
    line = [x for x in result.output.splitlines() if not x.startswith("#")][0]
    assert line.startswith("7 3 * * * cd ")
    words = shlex.split(line.split(" * * * ", 1)[1])
    run = words[words.index("&&") + 1:]
    assert run[0] == str(Path(sys.executable).absolute().parent / "overlap") and run[1] == "run"
    assert run[2] == str(tmp_path / "in")
    assert "--quiet" in run
    rest = [w for w in run[3:] if w != "--quiet"]
    options = dict(zip(rest[::2], rest[1::2]))
    assert options == {
        "--config": str(tmp_path / "overlap.toml"),
        "--out": str(tmp_path / "reports" / "nightly"),
        "--state": str(tmp_path / "reports" / ".overlap"),
        "--log-file": str(tmp_path / "reports" / ".overlap" / "overlap.log"),
    }


def test_systemd_units_treat_exit_10_as_success(tmp_path, monkeypatch):
    result = schedule(tmp_path, monkeypatch, "--systemd", "--state", "st", "--log-file", "x.log")
    assert result.exit_code == 0, result.output
    assert "# ~/.config/systemd/user/overlap-nightly.service" in result.output
    assert "SuccessExitStatus=10" in result.output
    assert "OnCalendar=*-*-* 02:30:00" in result.output and "Persistent=true" in result.output
    assert f"WorkingDirectory={tmp_path}" in result.output
    assert f"--state {tmp_path / 'st'} --quiet --log-file {tmp_path / 'x.log'}" in result.output


def test_schedule_needs_a_style_and_a_valid_time(tmp_path, monkeypatch):
    assert schedule(tmp_path, monkeypatch).exit_code == 2
    result = schedule(tmp_path, monkeypatch, "--cron", "--at", "25:00")
    assert result.exit_code == 2 and "HH:MM" in result.output


def test_percent_signs_and_spaces_are_escaped():
    command = ["/opt/over lap/bin/overlap", "run", "/data/50%"]
    assert cron_line(command, Path("/srv"), At(2, 30)).endswith(
        "cd /srv && '/opt/over lap/bin/overlap' run /data/50\\%")
    service = systemd_units(command, Path("/srv"), At(2, 30), "n")["n.service"]
    assert 'ExecStart="/opt/over lap/bin/overlap" run /data/50%%' in service


@pytest.mark.parametrize("text", ["2", "24:00", "12:60", "ab:cd"])
def test_bad_times_are_refused(text):
    with pytest.raises(ValueError):
        At.parse(text)


def test_dollar_signs_are_escaped_for_systemd_and_paths_are_verbatim():
    command = ["/opt/overlap/bin/overlap", "run", "/data/$USER/in", "/data/${HOME}"]
    service = systemd_units(command, Path("/srv/a b/50%"), At(2, 30), "n")["n.service"]
    assert 'ExecStart=/opt/overlap/bin/overlap run "/data/$$USER/in" "/data/$${HOME}"' in service
    # WorkingDirectory= is read verbatim: quotes would become part of the path
    assert "WorkingDirectory=/srv/a b/50%%\n" in service
    assert "'/data/$USER/in'" in cron_line(command, Path("/srv"), At(2, 30))


@pytest.mark.parametrize("name", ["in\nevil", "in\rx", "in\x1b[2J", "in\tx"])
def test_a_path_with_a_control_character_is_refused(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).mkdir()
    for style in ("--cron", "--systemd"):
        result = CliRunner().invoke(main, ["schedule", name, "--out", "reports", style])
        assert result.exit_code == 2, result.output
        assert "control character" in result.output
        assert "* * *" not in result.output and "ExecStart" not in result.output


def test_a_working_folder_with_a_newline_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "odd\nfolder"
    (folder / "in").mkdir(parents=True)
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["schedule", "in", "--out", str(tmp_path / "r"), "--cron"])
    assert result.exit_code == 2 and "odd\\x0afolder" in result.output


def test_a_schedule_whose_run_would_read_its_own_outputs_is_refused(tmp_path, monkeypatch):
    result = schedule(tmp_path, monkeypatch, "--cron", "--out", "in/reports")
    assert result.exit_code == 2 and "inside the input folder" in result.output
