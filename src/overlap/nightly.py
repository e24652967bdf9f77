"""One unattended run: lock the state, run, swap the outputs in whole, remember the run.

Outputs are written into a temporary folder next to ``--out`` and renamed into
place, so a run that fails or is killed before the swap leaves the previous
report as it was. A swap is two renames (old folder away, new folder in); a run
killed between them, a few microseconds, leaves the old folder as
``.NAME.old-PID``, which the next run puts back. Files in ``--out`` that overlap
did not write (a README, a web server's index) are carried into the new folder
as hard links, so publishing into a shared folder never deletes anything.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from overlap.changes import save_history
from overlap.config import Config
from overlap.embed import Embedder
from overlap.errors import ConfigError, OverlapError
from overlap.memo import save_memo
from overlap.outputs import write_csv_atomic
from overlap.pipeline import RunResult
from overlap.pipeline import run as run_pipeline
from overlap.state import default_state_dir, open_locked

log = logging.getLogger("overlap")


@dataclass
class Outcome:
    result: RunResult
    paths: dict[str, Path]


def state_dir_for(config: Config) -> Path:
    return Path(config.state.dir).absolute() if config.state.dir else default_state_dir(
        Path(config.report.out))


class StateNotSavedError(OverlapError):
    """The new report is out, but the state folder could not remember it (e.g. disk full)."""

    exit_code = 1


def _input_folder_reading(folder: Path, inputs: list[Path]) -> Path | None:
    """The input folder whose files a run would read from ``folder`` (discovery skips
    hidden folders), if any."""
    target = folder.resolve()
    for given in inputs:
        source = Path(given).resolve()
        if source.is_dir() and target.is_relative_to(source) and not any(
                part.startswith(".") for part in target.relative_to(source).parts):
            return source
    return None


def check_folders(out: Path, state_dir: Path, inputs: list[Path]) -> None:
    """Refuse an --out the swap would wreck (the working folder, or one holding the
    state), and an --out or --state inside an input folder: every later run would read
    the outputs of the last one as input."""
    cwd = Path.cwd().absolute()
    if out == cwd or out in cwd.parents:
        raise ConfigError(f"--out {out}: a report folder cannot be the working folder or hold it")
    if out == state_dir or out in state_dir.parents:
        raise ConfigError(f"--state {state_dir} is inside --out {out}: put it beside the report folder")
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file")
    for option, folder in (("--out", out), ("--state", state_dir)):
        source = _input_folder_reading(folder, inputs)
        if source is not None:
            raise ConfigError(f"{option} {folder} is inside the input folder {source}: every later "
                              "run would read this run's outputs as input; put it beside the inputs")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(out: Path, kind: str) -> list[tuple[Path, int]]:
    """Temporary folders ``.NAME.<kind>-PID`` that earlier runs left next to ``out``."""
    found = []
    for path in out.parent.glob(f".{out.name}.{kind}-*"):
        pid = path.name.rsplit("-", 1)[1]
        if pid.isdigit():
            found.append((path, int(pid)))
    return found


def recover(out: Path) -> None:
    """Undo what killed runs left: put back a folder taken away mid-swap, remove their drafts."""
    for path, pid in _leftovers(out, "old"):
        if _pid_alive(pid) and pid != os.getpid():
            continue
        if not out.exists():
            path.rename(out)
            log.warning("put back %s, left aside by a run killed while swapping it", out)
        else:
            shutil.rmtree(path, ignore_errors=True)
    for path, pid in _leftovers(out, "new"):
        if not _pid_alive(pid) or pid == os.getpid():
            shutil.rmtree(path, ignore_errors=True)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _carry_over(out: Path, staging: Path) -> None:
    """Hard-link into the new folder what the old one holds and this run did not write."""
    for entry in out.iterdir():
        target = staging / entry.name
        if target.exists() or target.is_symlink():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
        elif entry.is_symlink():
            target.symlink_to(os.readlink(entry))
        else:
            _link_or_copy(str(entry), str(target))


def _readable_as_umask_allows(folder: Path) -> None:
    """Files written atomically are private (mkstemp: 0600); a published report must
    be as readable as any file this user creates, e.g. for a shared folder."""
    umask = os.umask(0)
    os.umask(umask)
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(0o666 & ~umask)


def publish(out: Path, write: Callable[[Path], dict[str, Path]]) -> dict[str, Path]:
    """Have ``write`` fill a fresh folder, then swap it in for ``out``; returns final paths."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    staging = out.parent / f".{out.name}.new-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        written = write(staging)
        _readable_as_umask_allows(staging)
        if out.exists():
            _carry_over(out, staging)
            shutil.copymode(out, staging)
            backup = out.parent / f".{out.name}.old-{os.getpid()}"
            out.rename(backup)
            staging.rename(out)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {name: out / path.relative_to(staging) for name, path in written.items()}


def write_all(result: RunResult, folder: Path) -> dict[str, Path]:
    """The report's outputs plus changes.csv."""
    from overlap.report import write_outputs

    paths = write_outputs(result, folder)
    paths["changes"] = folder / "changes.csv"
    write_csv_atomic(paths["changes"], result.changed_pairs)
    return paths


def run_nightly(inputs: list[Path], config: Config, command: list[str], *,
                embedder: Embedder | None = None) -> Outcome:
    """Lock the state, run, publish, remember; raises LockedError (exit 3) when busy.
    ``embedder`` replaces the configured one (benchmarks/scale.py runs a fixed cheap one)."""
    out = Path(config.report.out).absolute()
    state_dir = state_dir_for(config)
    check_folders(out, state_dir, inputs)
    with open_locked(state_dir) as state:
        result = run_pipeline(inputs, config, command=command, state=state, embedder=embedder)
        paths = publish(out, lambda folder: write_all(result, folder))
        try:
            save_history(state, result.activities, result.pairs, result.stored_decisions)
            if result.memo is not None:
                save_memo(state, result.memo)
        except Exception as error:
            raise StateNotSavedError(
                f"the new report is published in {out}, but the state folder {state_dir} could "
                f"not remember this run ({type(error).__name__}: {error}); the next run may not "
                "tell what changed since this one") from error
    return Outcome(result=result, paths=paths)
