"""Ready-to-install schedules (a crontab line, systemd units) for a nightly `overlap run`.

Everything in them is absolute: the venv's own ``overlap``, the inputs, the
config, the report and state folders and the log, and the run starts in the
folder the schedule was made in, so relative paths inside the config resolve as
they do now. Runs are ``--quiet``: cron mails whatever a job prints, which is then
only errors.
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from overlap.config import Config
from overlap.errors import ConfigError, printable
from overlap.nightly import check_folders, state_dir_for


@dataclass(frozen=True)
class At:
    """A time of day, HH:MM."""

    hour: int
    minute: int

    @classmethod
    def parse(cls, text: str) -> At:
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValueError(f"{text!r}: expected a time of day as HH:MM, e.g. 02:30")
        return cls(int(match.group(1)), int(match.group(2)))


def overlap_executable() -> Path:
    """The ``overlap`` script next to this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).absolute().parent / "overlap"
    if beside.exists():
        return beside
    found = shutil.which("overlap")
    if found is None:
        raise FileNotFoundError("cannot find the overlap command; install overlap in a venv first")
    return Path(found).absolute()


#: characters no crontab line or unit file can hold as part of a path: a newline ends the
#: line (what follows would be read as another job or setting), the others are invisible
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _refuse_control_characters(words: list[str]) -> None:
    for word in words:
        if _CONTROL_CHARACTER.search(word):
            raise ConfigError(f"{printable(word)}: a path holding a control character (a newline, "
                              "a tab...) cannot be written into a schedule; rename it")


def run_command(inputs: list[Path], config: Config, config_path: Path | None,
                log_file: Path | None) -> list[str]:
    """The `overlap run` a schedule starts, every path absolute; refuses what that run
    would refuse, and paths that no schedule can hold (the working folder's too)."""
    out = Path(config.report.out).absolute()
    state = state_dir_for(config)
    check_folders(out, state, inputs)
    command = [str(overlap_executable()), "run", *(str(p.absolute()) for p in inputs)]
    if config_path is not None:
        command += ["--config", str(config_path.absolute())]
    command += ["--out", str(out), "--state", str(state)]
    for path in config.review.decisions:
        command += ["--decisions", str(Path(path).absolute())]
    command += ["--quiet", "--log-file", str((log_file or state / "overlap.log").absolute())]
    _refuse_control_characters([*command, str(Path.cwd().absolute())])
    return command


def cron_line(command: list[str], cwd: Path, at: At) -> str:
    """A crontab line; cron reads ``%`` as a newline, so it is escaped."""
    shell = f"cd {shlex.quote(str(cwd))} && {shlex.join(command)}"
    return f"{at.minute} {at.hour} * * * {shell.replace('%', chr(92) + '%')}"


def _systemd_path(path: str) -> str:
    """A path setting (WorkingDirectory=) as systemd reads it: verbatim, no quotes, but
    ``%`` starts a specifier."""
    return path.replace("%", "%%")


def _systemd_quote(word: str) -> str:
    """A word as systemd's command-line parser reads it: ``%`` starts a specifier, ``$``
    an environment variable (``$USER``), backslashes and quotes escape."""
    word = _systemd_path(word).replace("$", "$$")
    if re.fullmatch(r"[\w@%+=:,./-]+", word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_units(command: list[str], cwd: Path, at: At, name: str) -> dict[str, str]:
    """``NAME.service`` (one run) and ``NAME.timer`` (daily at ``at``, catching up missed runs).

    Exit code 10 (new duplicates) counts as success, so it does not mark the unit failed.
    """
    service = f"""[Unit]
Description=overlap: nightly duplicate and overlap report

[Service]
Type=oneshot
WorkingDirectory={_systemd_path(str(cwd))}
Environment=HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
ExecStart={" ".join(_systemd_quote(w) for w in command)}
SuccessExitStatus=10
Nice=10
"""
    timer = f"""[Unit]
Description=overlap: run {name}.service every night

[Timer]
OnCalendar=*-*-* {at.hour:02d}:{at.minute:02d}:00
Persistent=true

[Install]
WantedBy=timers.target
"""
    return {f"{name}.service": service, f"{name}.timer": timer}
