"""The state folder a nightly run keeps between runs, and the lock that guards it.

Layout of the folder (``.overlap/`` next to the report folder unless ``--state``)::

    lock            held (flock) while a run is on; names the holder's pid, host, start
    state.json      {"format": STATE_FORMAT, "runs": N, ...}: what wrote the folder
    cache/          embedding cache, one sub-folder per embedder setting (overlap.cache)
    previous/       the last published run's pairs and activities (overlap.changes)
    decisions.csv   every review decision seen, with its activities' text hashes
    memo/           what a rerun reuses: vocabularies, neighbour lists, pair evidence (overlap.memo)

Nothing in it is trusted blindly: a folder written by another format, or whose
``state.json`` is damaged, is set aside (``discarded-<time>/``, never deleted, as
it may hold review decisions) and rebuilt; each part checks its own files too.
Every command enters the folder through ``open_locked``.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from overlap import __version__
from overlap.errors import ConfigError, OverlapError
from overlap.outputs import write_json_atomic

#: bump when a file in the state folder changes meaning; older states are set aside
STATE_FORMAT = 1
STATE_FILE = "state.json"
LOCK_FILE = "lock"
#: what a run writes in the folder; only these are ever moved or removed
STATE_ENTRIES = (STATE_FILE, "cache", "previous", "decisions.csv", "memo")


class LockedError(OverlapError):
    """Another run holds the state folder: this run stops before changing anything."""

    exit_code = 3


class StateDamaged(Exception):
    """A file in the state folder cannot be trusted; the message says why."""


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def default_state_dir(out: Path) -> Path:
    """``.overlap`` next to the report folder, so one report's memory stays with it."""
    return Path(out).absolute().parent / ".overlap"


@dataclass
class State:
    """An opened state folder: where its parts live, this run's number, what was found."""

    directory: Path
    #: counts runs in this folder; the cache ages its entries by it
    run: int
    #: problems found and repaired (damaged or outdated parts), for run.json and the log
    notes: list[str] = field(default_factory=list)

    @property
    def cache_dir(self) -> Path:
        return self.directory / "cache"

    @property
    def previous_dir(self) -> Path:
        return self.directory / "previous"

    @property
    def decisions_path(self) -> Path:
        return self.directory / "decisions.csv"

    def set_aside(self, path: Path, reason: str) -> None:
        """Move a damaged part out of the way (kept for inspection) and note it."""
        target = path.with_name(f"{path.name}.damaged-{_stamp()}")
        path.rename(target)
        self.notes.append(f"{path}: {reason}; moved to {target.name} and rebuilt")

    def to_dict(self) -> dict[str, object]:
        return {"dir": str(self.directory), "format": STATE_FORMAT, "run": self.run,
                "notes": list(self.notes)}


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def check_state_dir(directory: Path) -> None:
    """Refuse a folder holding other things, before the lock file is put in it.

    A mistyped ``--state`` (a home or project folder) must not get a lock file,
    let alone have entries set aside.
    """
    if not directory.exists():
        return
    if not directory.is_dir():
        raise ConfigError(f"{directory}: the state folder is a file")
    if (directory / STATE_FILE).exists():
        return
    ours = {*STATE_ENTRIES, LOCK_FILE}
    foreign = sorted(p.name for p in directory.iterdir()
                     if p.name.split(".damaged-")[0] not in ours
                     and not p.name.startswith("discarded-"))
    if foreign:
        raise ConfigError(
            f"{directory} is not an overlap state folder (no {STATE_FILE}; holds "
            f"{', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}): "
            "choose a new or empty folder with --state"
        )


@dataclass
class Lock:
    """An exclusive hold on the state folder, released by ``release`` or process death.

    ``flock`` is dropped by the kernel when its holder dies, so a lock left by a
    killed run is free again; its file still names that run (``stale``).
    """

    path: Path
    fd: int
    #: the holder a dead run left in the lock file ({} when the last run ended cleanly)
    stale: dict[str, object]

    def release(self) -> None:
        os.ftruncate(self.fd, 0)
        os.close(self.fd)


def _holder(fd: int) -> dict[str, object]:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", "replace").strip()
    if not text:
        return {}
    try:
        holder = json.loads(text)
    except json.JSONDecodeError:
        return {"unreadable": text[:80]}
    return holder if isinstance(holder, dict) else {"unreadable": text[:80]}


def describe_holder(holder: dict[str, object]) -> str:
    if not holder:
        return "a run that has not written its details yet"
    if "unreadable" in holder:
        return f"unknown holder ({holder['unreadable']!r})"
    return f"pid {holder.get('pid')} on {holder.get('host')}, started {holder.get('started')}"


def acquire_lock(directory: Path) -> Lock:
    """Take the state folder, or raise LockedError without writing anything."""
    path = directory / LOCK_FILE
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise ConfigError(
            f"cannot take the state folder's lock {path}: {error.strerror or error}"
            + (" (remove that folder: the lock must be a file)" if path.is_dir() else "")
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        raise LockedError(
            f"another overlap run is using the state folder {directory} "
            f"({describe_holder(holder)}); this run stopped and changed nothing"
        ) from None
    stale = _holder(fd)
    me = {"pid": os.getpid(), "host": socket.gethostname(), "started": now_utc()}
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(me).encode("utf-8"))
    return Lock(path=path, fd=fd, stale=stale)


def _read_state_file(directory: Path) -> dict[str, object] | None:
    """state.json's content; None for a new folder; StateDamaged when it cannot be trusted."""
    path = directory / STATE_FILE
    if not path.exists():
        if any((directory / name).exists() for name in STATE_ENTRIES):
            raise StateDamaged(f"{STATE_FILE} is missing")
        return None
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StateDamaged(f"{STATE_FILE} is unreadable ({exc})") from None
    if not isinstance(info, dict) or not isinstance(info.get("runs"), int):
        raise StateDamaged(f"{STATE_FILE} is not an overlap state file")
    if info.get("format") != STATE_FORMAT:
        raise StateDamaged(
            f"it was written in state format {info.get('format')!r}, this overlap "
            f"({__version__}) reads format {STATE_FORMAT}"
        )
    return info


def _discard(directory: Path) -> Path:
    """Move every state entry into ``discarded-<time>/``; the lock stays where it is."""
    target = directory / f"discarded-{_stamp()}"
    target.mkdir()
    for name in STATE_ENTRIES:
        if (directory / name).exists():
            (directory / name).rename(target / name)
    return target


def open_state(directory: Path, lock: Lock) -> State:
    """Check the (locked) folder, set aside what cannot be trusted, count this run."""
    notes = []
    if lock.stale:
        notes.append(f"took over the lock left by a run that ended without releasing it "
                     f"({describe_holder(lock.stale)})")
    try:
        info = _read_state_file(directory)
    except StateDamaged as damage:
        target = _discard(directory)
        notes.append(
            f"state folder {directory}: {damage}; set aside in {target.name} and started "
            f"afresh (review decisions kept there: pass {target / 'decisions.csv'} with "
            "--decisions to use them again)"
        )
        info = None
    info = info or {"format": STATE_FORMAT, "runs": 0, "created": now_utc()}
    run = int(info["runs"]) + 1
    write_json_atomic(directory / STATE_FILE, {
        **info, "runs": run, "last_started": now_utc(), "overlap": __version__,
    })
    return State(directory=directory, run=run, notes=notes)


@contextmanager
def open_locked(directory: Path) -> Iterator[State]:
    """The one way into a state folder: refuse a foreign folder, lock, open (repairing
    what cannot be trusted), and release the lock on leaving, whatever happened.

    Raises ConfigError for a folder that is not a state folder and LockedError
    (exit code 3) when another run holds it; neither writes anything.
    """
    check_state_dir(directory)
    lock = acquire_lock(directory)
    try:
        yield open_state(directory, lock)
    finally:
        lock.release()
