"""Nightly traps: a report folder among the inputs, a state folder that cannot be written."""

import errno

import pytest

import overlap.nightly
from tests.helpers import Project
from tests.test_state import snapshot


@pytest.mark.parametrize("out", ["in", "in/reports", "in/sub/../reports"])
def test_a_report_folder_inside_an_input_folder_is_refused(tmp_path, out):
    project = Project(tmp_path)
    before = snapshot(project.root / "in")
    result = project.run("--out", str(tmp_path / out))
    assert result.exit_code == 2, result.output
    assert "inside the input folder" in result.output and "--out" in result.output
    assert snapshot(project.root / "in") == before


def test_a_state_folder_inside_an_input_folder_is_refused(tmp_path):
    project = Project(tmp_path)
    result = project.run("--state", str(tmp_path / "in" / "state"))
    assert result.exit_code == 2 and "--state" in result.output
    assert "inside the input folder" in result.output


def test_hidden_folders_inside_an_input_folder_are_never_read_so_they_may_hold_a_report(tmp_path):
    project = Project(tmp_path)
    for _ in range(2):
        result = project.run("--out", str(tmp_path / "in" / ".report"))
        assert result.exit_code == 0, result.output


def test_a_report_folder_beside_symlinked_inputs_is_judged_by_where_it_really_is(tmp_path):
    project = Project(tmp_path)
    (tmp_path / "link").symlink_to(tmp_path / "in")
    result = project.run("--out", str(tmp_path / "link" / "reports"))
    assert result.exit_code == 2 and "inside the input folder" in result.output


def test_a_full_disk_on_the_state_says_the_new_report_is_out(tmp_path, monkeypatch):
    project = Project(tmp_path)
    assert project.run().exit_code == 0
    manifest = (project.state / "previous" / "manifest.json").read_text()
    (project.root / "in" / "iom.csv").write_text(
        (project.root / "in" / "iom.csv").read_text().replace("Tahoua", "Zinder"))

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(overlap.nightly, "save_history", full)
    result = project.run()
    assert result.exit_code == 1
    assert "the new report is published in" in result.output
    assert "No space left on device" in result.output
    assert "keeps the last complete report" not in result.output
    assert "Zinder" in (project.out / "activities.csv").read_text()
    assert (project.state / "previous" / "manifest.json").read_text() == manifest
