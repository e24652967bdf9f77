"""The state folder, its lock, and unattended runs: exit codes, atomic outputs, logs."""

import json
import os
import stat
import subprocess
import sys

import pytest

from overlap.errors import ConfigError
from overlap.nightly import publish, recover
from overlap.state import (
    STATE_FORMAT,
    LockedError,
    acquire_lock,
    open_locked,
    open_state,
)
from tests.helpers import Project


def snapshot(*folders):
    """Every file under the folders with its bytes and modification time."""
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                found[str(path)] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def open_fresh(folder):
    with open_locked(folder) as state:
        return state


def test_a_new_state_is_versioned_and_counts_runs(tmp_path):
    assert open_fresh(tmp_path / "s").run == 1
    state = open_fresh(tmp_path / "s")
    assert state.run == 2 and state.notes == []
    info = json.loads((tmp_path / "s" / "state.json").read_text())
    assert info["format"] == STATE_FORMAT and info["runs"] == 2


@pytest.mark.parametrize("content", ['{"format": 0, "runs": 4}', "{not json", '"a string"'])
def test_an_old_or_damaged_state_is_set_aside_and_rebuilt(tmp_path, content):
    folder = tmp_path / "s"
    open_fresh(folder)
    (folder / "decisions.csv").write_text("pair_id,decision\nP1,dismissed\n")
    (folder / "state.json").write_text(content)
    state = open_fresh(folder)
    assert state.run == 1
    assert len(state.notes) == 1 and "set aside" in state.notes[0]
    discarded = [p for p in folder.iterdir() if p.name.startswith("discarded-")]
    assert len(discarded) == 1
    assert (discarded[0] / "decisions.csv").exists() and not (folder / "decisions.csv").exists()
    assert "--decisions" in state.notes[0]


def test_the_lock_is_exclusive_and_names_its_holder(tmp_path):
    lock = acquire_lock(tmp_path)
    with pytest.raises(LockedError, match=f"pid {os.getpid()}") as error:
        acquire_lock(tmp_path)
    assert error.value.exit_code == 3
    lock.release()
    acquire_lock(tmp_path).release()


def test_open_locked_releases_the_folder_however_it_is_left(tmp_path):
    with pytest.raises(RuntimeError), open_locked(tmp_path) as state:
        assert state.run == 1
        with pytest.raises(LockedError) as error, open_locked(tmp_path):
            pass
        assert error.value.exit_code == 3
        raise RuntimeError("the run failed")
    with open_locked(tmp_path) as state:
        assert state.run == 2 and state.notes == []


def test_a_folder_of_other_things_is_refused_before_anything_is_written(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not an overlap state folder"), open_locked(tmp_path):
        pass
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_lock_that_is_a_folder_is_a_clear_error_exit_2(tmp_path):
    (tmp_path / "lock").mkdir()
    with pytest.raises(ConfigError, match="lock must be a file") as error:
        acquire_lock(tmp_path)
    assert error.value.exit_code == 2


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    (tmp_path / "lock").write_text(json.dumps({"pid": child.pid, "host": "h", "started": "t"}))
    lock = acquire_lock(tmp_path)
    assert lock.stale["pid"] == child.pid
    state = open_state(tmp_path, lock)
    assert any(f"pid {child.pid}" in note and "took over" in note for note in state.notes)
    lock.release()


def test_a_second_concurrent_run_exits_3_and_touches_nothing(tmp_path):
    project = Project(tmp_path)
    assert project.run().exit_code == 0
    before = snapshot(project.out, project.state)
    lock = acquire_lock(project.state)
    try:
        result = project.run()
    finally:
        lock.release()
    assert result.exit_code == 3
    assert "another overlap run is using the state folder" in result.output
    assert "changed nothing" in result.output
    lock_file = str(project.state / "lock")
    after = snapshot(project.out, project.state)
    assert {k: v for k, v in after.items() if k != lock_file} == \
        {k: v for k, v in before.items() if k != lock_file}
    assert project.run().exit_code == 0


def _fail_in_report(monkeypatch):
    import overlap.report

    def broken(result, out):
        (out / "pairs.csv").write_text("half written")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(overlap.report, "write_outputs", broken)


def test_a_run_failing_in_the_report_stage_leaves_the_previous_outputs(tmp_path, monkeypatch):
    project = Project(tmp_path)
    project.run()
    previous_manifest = (project.state / "previous" / "manifest.json").read_text()
    before = snapshot(project.out)
    _fail_in_report(monkeypatch)
    log = tmp_path / "logs" / "overlap.log"
    result = project.run("--log-file", str(log))
    assert result.exit_code == 1
    assert "unexpected failure: RuntimeError: disk on fire" in result.output
    assert "the report folder keeps the last complete report" in result.output
    assert "Traceback" not in result.output
    assert snapshot(project.out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
    assert (project.state / "previous" / "manifest.json").read_text() == previous_manifest
    logged = log.read_text()
    assert "unexpected failure" in logged and "Traceback" in logged and "disk on fire" in logged


def test_debug_lets_the_traceback_through(tmp_path, monkeypatch):
    project = Project(tmp_path)
    _fail_in_report(monkeypatch)
    result = project.run("--debug")
    assert result.exit_code == 1 and isinstance(result.exception, RuntimeError)


def test_input_errors_still_exit_2(tmp_path):
    project = Project(tmp_path)
    (project.root / "in" / "bad.csv").write_text("ID,Organisation,Title\n1,,Wells\n")
    result = project.run()
    assert result.exit_code == 2 and "no actor" in result.output
    assert not project.out.exists()


def test_quiet_runs_print_nothing_and_log_what_they_did(tmp_path):
    project = Project(tmp_path)
    log = tmp_path / "overlap.log"
    result = project.run("--quiet", "--log-file", str(log))
    assert result.exit_code == 0 and result.output == ""
    assert json.loads((project.out / "run.json").read_text())["config"]["embed"]["embedder"] == "tfidf"
    logged = log.read_text()
    assert "run started: overlap" in logged and "wrote " in logged and "(exit code 0)" in logged


def test_published_outputs_are_readable_and_foreign_files_survive(tmp_path):
    project = Project(tmp_path)
    project.out.mkdir()
    (project.out / "README.txt").write_text("published nightly")
    (project.out / "archive").mkdir()
    (project.out / "archive" / "old.html").write_text("old")
    assert project.run().exit_code == 0
    assert (project.out / "README.txt").read_text() == "published nightly"
    assert (project.out / "archive" / "old.html").read_text() == "old"
    umask = os.umask(0)
    os.umask(umask)
    mode = stat.S_IMODE((project.out / "report.html").stat().st_mode)
    assert mode == 0o666 & ~umask


def test_recover_puts_back_a_folder_taken_away_mid_swap(tmp_path):
    out = tmp_path / "out"
    publish(out, lambda folder: {"report": _write(folder / "report.html", "v1")})
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    out.rename(tmp_path / f".out.old-{child.pid}")
    (tmp_path / f".out.new-{child.pid}").mkdir()
    recover(out)
    assert (out / "report.html").read_text() == "v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _write(path, text):
    path.write_text(text)
    return path
