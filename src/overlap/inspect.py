"""`overlap inspect`: what a run would read, without embedding anything."""

from __future__ import annotations

from pathlib import Path

from overlap.config import Config
from overlap.errors import MAX_SHOWN_LINE, printable
from overlap.pipeline import NO_ACTIVITY, read_activities


def inspect_inputs(inputs: list[Path], config: Config) -> tuple[str, bool]:
    """A readable account per file, and whether any error would stop a run."""
    read, normalised = read_activities(inputs, config)
    problems = list(read.problems)
    if normalised is not None:
        problems += normalised.problems
    activities = None if normalised is None else normalised.activities
    lines: list[str] = []
    for source in read.sources:
        lines.append(f"{source.path}")
        lines.append(f"  format: {source.format}" + (f", encoding {source.encoding}" if source.encoding else ""))
        for key, value in source.details.items():
            if key != "actor_from":
                lines.append(f"  {key}: {value}")
        lines.append(f"  rows: {source.rows}")
        if source.mapping:
            lines.append("  mapping:")
            width = max(len(k) for k in source.mapping)
            for name, column in source.mapping.items():
                lines.append(f"    {name:<{width}} <- {column}")
            if "actor_from" in source.details:  # no actor column: where each row's comes from
                lines.append(f"    actor_from: {source.details['actor_from']}")
        if source.unmapped_columns:
            lines.append("  not used: " + ", ".join(source.unmapped_columns))
        mine = [p for p in problems if p.file == str(source.path)]
        errors = sum(p.severity == "error" for p in mine)
        lines.append(f"  problems: {errors} errors, {len(mine) - errors} warnings")
        for problem in mine:
            where = ", ".join(x for x in (
                f"row {problem.row}" if problem.row is not None else "",
                f"column {problem.column!r}" if problem.column else "") if x)
            lines.append(f"    {problem.severity}: {where + ': ' if where else ''}{problem.message}")
    if activities is not None:
        lines.append(
            f"total: {len(activities)} activities, {activities['actor_key'].nunique()} actors"
        )
    has_errors = any(p.severity == "error" for p in problems)
    if activities is not None and activities.empty:  # `run` stops here too (load_activities)
        lines.append(f"error: {NO_ACTIVITY}")
        has_errors = True
    if has_errors:
        lines.append("a run would stop on the errors above")
    # names, headers and cells come from the files: no control character reaches the
    # terminal; lines are cut longer than in errors (a wide table's columns are listed)
    return "\n".join(printable(line, limit=4 * MAX_SHOWN_LINE) for line in lines), has_errors
