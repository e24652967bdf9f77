"""Fault injection: a run made to fail at each stage exits 1 and leaves the last report and
the state's memory of it as they were; past the publishing, it says the new report is out."""

import pytest

import overlap.embed
import overlap.nightly
import overlap.pipeline
import overlap.report
from tests.helpers import Project
from tests.test_state import snapshot

#: stage -> (module, function) that the stage calls; each is made to raise in turn
STAGES = {
    "read": (overlap.pipeline, "load_activities"),
    "embed": (overlap.embed.TfidfEmbedder, "embed"),
    "neighbours": (overlap.pipeline, "generate_candidates"),
    "conflicts": (overlap.pipeline, "find_conflicts"),
    "score": (overlap.pipeline, "score_pairs"),
    "review": (overlap.pipeline, "apply_review"),
    "cluster": (overlap.pipeline, "assign_clusters"),
    "changes": (overlap.pipeline, "changes_table"),
    "project": (overlap.pipeline, "lay_out"),
    "report": (overlap.report, "write_outputs"),
    "changes.csv": (overlap.nightly, "write_csv_atomic"),
    "permissions": (overlap.nightly, "_readable_as_umask_allows"),
    "swap": (overlap.nightly, "_carry_over"),
}
#: what the state remembers of the last published run (the cache and the run counter
#: may move on: entries added are only reused when their digests match)
REMEMBERED = ("previous", "memo", "decisions.csv")


class Fault(Exception):
    pass


def fail_in(monkeypatch, owner, name: str) -> list[str]:
    """Make ``owner.name`` raise; returns a list that records that it was called."""
    calls: list[str] = []

    def broken(*args, **kwargs):
        calls.append(name)
        raise Fault(f"injected in {name}")

    monkeypatch.setattr(owner, name, broken)
    return calls


def remembered(project: Project) -> dict:
    return {path: content for path, content in snapshot(project.state).items()
            if any(f"/{part}" in path for part in REMEMBERED)}


@pytest.fixture
def project(tmp_path):
    """A project run once, its Tahoua activity since renamed: a run would change the report."""
    project = Project(tmp_path)
    assert project.run().exit_code == 0
    iom = project.root / "in" / "iom.csv"
    iom.write_text(iom.read_text().replace("Tahoua", "Zinder"))
    return project


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_run_failing_at_any_stage_leaves_the_last_report_and_its_memory(project, monkeypatch,
                                                                          stage):
    before, memory = snapshot(project.out), remembered(project)
    assert memory, "the first run left nothing to remember"
    calls = fail_in(monkeypatch, *STAGES[stage])
    result = project.run()
    assert calls, f"the {stage} stage was never reached"
    assert result.exit_code == 1, result.output
    assert f"Fault: injected in {STAGES[stage][1]}" in result.output
    assert "the report folder keeps the last complete report" in result.output
    assert snapshot(project.out) == before
    assert remembered(project) == memory
    assert not [p for p in project.root.iterdir() if p.name.startswith(".out.")]
    monkeypatch.undo()
    rerun = project.run()
    assert rerun.exit_code in (0, 10), rerun.output
    assert "Zinder" in (project.out / "activities.csv").read_text()


@pytest.mark.parametrize("name", ["save_history", "save_memo"])
def test_a_run_failing_after_publishing_says_the_new_report_is_out(project, monkeypatch, name):
    calls = fail_in(monkeypatch, overlap.nightly, name)
    result = project.run()
    assert calls and result.exit_code == 1, result.output
    assert "the new report is published in" in result.output
    assert "keeps the last complete report" not in result.output
    assert "Zinder" in (project.out / "activities.csv").read_text()
    monkeypatch.undo()
    rerun = project.run()
    assert rerun.exit_code in (0, 10), rerun.output
