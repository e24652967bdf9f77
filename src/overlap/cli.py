"""The `overlap` command: a thin click layer over the library."""

from __future__ import annotations

import gc
import logging
import operator
import shlex
import sys
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from overlap import __version__
from overlap.config import Config, default_toml, load_config
from overlap.errors import ConfigError, OverlapError
from overlap.outputs import write_text_atomic

if TYPE_CHECKING:  # the pipeline's imports are heavy: `overlap --help` stays fast
    from overlap.pipeline import RunResult


def _parse_maps(values: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for value in values:
        field, sep, column = value.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(f"{value!r}: expected FIELD=COLUMN, e.g. title='Project name'",
                                     param_hint="--map")
        mapping[field.strip()] = column.strip()
    return mapping


def _strings(paths: tuple[Path, ...]) -> tuple[str, ...]:
    return tuple(str(path) for path in paths)


#: which command-line option (by its parameter name) sets which config key, and how its
#: value becomes the key's; options win over the config file. The same name means the
#: same key in every command (`train --out` is the scorer's file: train maps only --embedder).
OPTION_KEYS: tuple[tuple[str, str, str, Callable[[Any], object]], ...] = (
    ("out", "report", "out", str),
    ("maps", "input", "map", _parse_maps),
    ("exclude", "input", "exclude", tuple),
    ("strict", "input", "strict", bool),
    ("embedder", "embed", "embedder", str),
    ("model", "embed", "model", str),
    # no progress bar: under cron, anything on stderr is mailed
    ("quiet", "embed", "progress", operator.not_),
    ("k", "neighbours", "k", int),
    ("include_same_actor", "neighbours", "include_same_actor", bool),
    ("threshold", "score", "report_threshold", float),
    ("duplicate_threshold", "score", "duplicate_threshold", float),
    ("scorer", "score", "model", str),
    ("axes", "conflicts", "axes", str),
    ("state_dir", "state", "dir", str),
    ("decisions", "review", "decisions", _strings),
)


def config_overrides(options: Mapping[str, object]) -> dict[str, dict[str, object]]:
    """The config keys that the given options set, per section, by OPTION_KEYS. An option
    not given (None, a repeatable option used no time, a flag left off) sets nothing."""
    overrides: dict[str, dict[str, object]] = {}
    for option, section, key, convert in OPTION_KEYS:
        value = options.get(option)
        if value is None or value is False or value == ():
            continue
        overrides.setdefault(section, {})[key] = convert(value)
    return overrides


def _given_overrides() -> dict[str, dict[str, object]]:
    """The config keys set by the options of the command being run (the commands take
    the options that only set config keys as ``**config_options``, read here)."""
    return config_overrides(click.get_current_context().params)


def _fail(error: OverlapError) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


map_option = click.option(
    "--map", "maps", multiple=True, metavar="FIELD=COLUMN",
    help="Use COLUMN for a canonical field (repeatable), e.g. --map actor=Agency.",
)
exclude_option = click.option(
    "--exclude", multiple=True, metavar="GLOB",
    help="Skip files matching GLOB when reading folders (repeatable), e.g. --exclude expected.csv.",
)
config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    help="An overlap.toml file (see `overlap init`).",
)


state_option = click.option(
    "--state", "state_dir", type=click.Path(file_okay=False, path_type=Path),
    help="Folder kept between runs: embedding cache, last results, decisions "
         "[default: .overlap next to the --out folder].",
)
decisions_option = click.option(
    "--decisions", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
    help="A decisions.csv exported from the report (repeatable); remembered in the state.",
)
log_file_option = click.option(
    "--log-file", type=click.Path(dir_okay=False, path_type=Path),
    help="Append what the run did (and any error, in full) to this file.",
)
#: `overlap run` exits with this when it found duplicate or funding-chain pairs
#: that the last run did not report, so a scheduler can alert someone
ALERT_EXIT_CODE = 10


def _open_log(log_file: Path | None) -> tuple[logging.Logger, logging.Handler]:
    """The `overlap` logger, writing to ``log_file`` (nowhere without one) for this command."""
    log = logging.getLogger("overlap")
    log.setLevel(logging.INFO)
    log.propagate = False
    if log_file:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"--log-file {log_file}: cannot write to it "
                              f"({error.strerror or error})") from None
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    else:
        handler = logging.NullHandler()
    log.addHandler(handler)
    return log, handler


def _check_out_folder(out: Path) -> None:
    """Refuse, before any work, a report folder that cannot be made: one whose path
    runs through a file."""
    for folder in (out, *out.parents):
        if folder.exists():
            if not folder.is_dir():
                raise ConfigError(f"--out {out}: {folder} is a file, not a folder")
            return


def _close_log(log: logging.Logger, handler: logging.Handler) -> None:
    log.removeHandler(handler)
    handler.close()


def _crash(error: Exception, log_file: Path | None) -> None:
    """An unexpected error: one line on stderr, the traceback in the log, exit 1."""
    where = f"details in {log_file}" if log_file else "rerun with --debug for details"
    click.echo(f"error: unexpected failure: {type(error).__name__}: {error} ({where}); "
               "the report folder keeps the last complete report", err=True)
    sys.exit(1)


def _run_summary(result: RunResult) -> list[str]:
    """What a run found and what changed since the last one, as lines for stderr and the log."""
    counts, changes = result.counts, result.changes
    lines = [
        f"{len(result.activities)} activities from {len(result.read.sources)} files, "
        f"{result.activities['actor_key'].nunique()} actors: "
        f"{counts.get('duplicate', 0)} likely duplicates, {counts.get('overlap', 0)} overlaps, "
        f"{len(result.clusters)} clusters",
    ]
    warnings = [p for p in result.problems if p.severity == "warning"]
    if warnings:
        lines.append(f"{len(warnings)} warnings (listed in run.json)")
    pairs = changes.get("pairs", {})
    if changes.get("previous_run"):
        lines.append(
            f"since the last run ({changes['previous_run']}): {pairs.get('new', 0)} new, "
            f"{pairs.get('changed', 0)} changed, {pairs.get('resolved', 0)} resolved pairs; "
            f"{result.new_alerts} new duplicates or funding chains"
        )
    state = result.state or {}
    cache = state.get("cache")
    if cache:
        lines.append(f"embeddings: {cache['hits']} from the cache, {cache['misses']} computed")
    lines.extend(f"warning: {note}" for note in state.get("notes", []))
    return lines


@click.group()
@click.version_option(__version__, prog_name="overlap")
def main() -> None:
    """Find duplicated and overlapping activities across actors' project exports."""
    # a run holds millions of small objects (pairs, reasons, organisation sets) and
    # makes few reference cycles: with the default thresholds the collector ran 721
    # times in a 13 s nightly rerun for 0.37 s (measured); collect 70x less often
    gc.set_threshold(50_000, 20, 100)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: reports/].")
@config_option
@map_option
@exclude_option
@click.option("--strict", is_flag=True, default=None,
              help="Refuse repeated activity ids within one organisation instead of "
                   "numbering them (a warning and a finding in run.json).")
@click.option("--embedder", type=click.Choice(["auto", "minilm", "tfidf", "use"]),
              help="Text embedder [default: auto: use when languages mix, else minilm].")
@click.option("--model", type=click.Path(file_okay=False, path_type=Path),
              help="A sentence-transformers model folder to load instead of the bundled model.")
@click.option("-k", "--k", "k", type=click.IntRange(min=1),
              help="Candidates per activity [default: 10].")
@click.option("--include-same-actor", is_flag=True, default=None,
              help="Also pair activities of the same actor.")
@click.option("--threshold", type=click.FloatRange(0, 1),
              help="Report pairs scoring at least this [default: 0.5].")
@click.option("--duplicate-threshold", type=click.FloatRange(0, 1),
              help="Call pairs scoring at least this duplicates [default: 0.99].")
@click.option("--scorer", type=click.Path(dir_okay=False, path_type=Path),
              help="A trained pair scorer (JSON) instead of the built-in weights.")
@click.option("--axes", type=click.Path(dir_okay=False, path_type=Path),
              help="A TOML file of strategy axes for conflicts [default: the shipped axes].")
@state_option
@decisions_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@log_file_option
@click.option("--debug", is_flag=True, help="Show the traceback of an unexpected error.")
def run(inputs, config_path, quiet, log_file, debug, **config_options) -> None:
    """Read INPUTS (files or folders), find overlapping activities, write the report.

    Exit codes: 0 ran, nothing new since the last run; 10 ran, new duplicate or
    funding-chain pairs; 2 bad input or option; 3 another run holds the state
    folder; 1 unexpected failure (the previous report is left as it was).
    """
    overrides = _given_overrides()
    try:
        log, handler = _open_log(log_file)
    except OverlapError as error:
        _fail(error)
    try:
        config = load_config(config_path, overrides)
        _check_out_folder(Path(config.report.out))
        code = _run_and_tell(list(inputs), config, quiet, log)
    except OverlapError as error:
        log.error("%s (exit code %d)", error, error.exit_code)
        _fail(error)
    except Exception as error:
        log.exception("unexpected failure")
        if debug:
            raise
        _crash(error, log_file)
    finally:
        _close_log(log, handler)
    sys.exit(code)


def _run_and_tell(inputs: list[Path], config: Config, quiet: bool, log: logging.Logger) -> int:
    """One locked run, published; its summary to the log and stderr; the exit code."""
    from overlap.nightly import run_nightly

    command = ["overlap", *sys.argv[1:]]
    log.info("run started: %s", shlex.join(command))
    outcome = run_nightly(inputs, config, command)
    result = outcome.result
    code = ALERT_EXIT_CODE if result.new_alerts else 0
    lines = _run_summary(result)
    for line in lines:
        log.info("%s", line)
    log.info("wrote %s (exit code %d)", outcome.paths["report"], code)
    if not quiet:
        for line in lines:
            click.echo(line, err=True)
        click.echo(str(outcome.paths["report"]))
    return code


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@config_option
@map_option
@exclude_option
def inspect(inputs, config_path, **config_options) -> None:
    """Show how each file is read: format, column mapping, row counts and problems."""
    from overlap.inspect import inspect_inputs

    try:
        config = load_config(config_path, _given_overrides())
        report, has_errors = inspect_inputs(list(inputs), config)
    except OverlapError as error:
        _fail(error)
    click.echo(report)
    if has_errors:
        sys.exit(2)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="overlap.toml")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented default configuration to PATH (default overlap.toml)."""
    if path.exists() and not force:
        click.echo(f"error: {path} exists; use --force to overwrite it", err=True)
        sys.exit(2)
    write_text_atomic(path, default_toml())
    click.echo(f"wrote {path}")


@main.command()
@click.option("--truth", "truth_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Pairs known to be true: CSV with id_a, id_b [, label], or the report's decisions.csv.")
@click.option("--labels", "label_paths", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Pairs read blind: CSV with id_a, id_b, label (duplicate/related/unrelated) "
                   "[, rank_band]. Repeatable.")
@click.argument("run_output", type=click.Path(exists=True, path_type=Path))
@click.option("--target-precision", type=click.FloatRange(0, 1), default=0.9, show_default=True,
              help="Recommend the lowest threshold keeping this precision.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write evaluation.json and pr-curve.png [default: beside pairs.csv]; "
                   "with --labels, label-evaluation.json too.")
def evaluate(truth_path: Path | None, label_paths: tuple[Path, ...], run_output: Path,
             target_precision: float, out: Path | None) -> None:
    """Measure a run's pairs (RUN_OUTPUT: its folder or pairs.csv) against known or labelled pairs."""
    from dataclasses import asdict

    from overlap.evaluate import evaluate as measure
    from overlap.evaluate import (
        evaluate_labels,
        format_labels_table,
        format_table,
        load_labels,
        load_ranking,
        load_truth,
        plot_pr_curve,
    )
    from overlap.outputs import write_json_atomic

    if truth_path is None and not label_paths:
        raise click.UsageError("give --truth PAIRS.csv, --labels FILE, or both")
    try:
        truth = load_truth(truth_path) if truth_path is not None else None
        labels = load_labels(list(label_paths)) if label_paths else None
        ranking, activities = load_ranking(run_output)
    except OverlapError as error:
        _fail(error)
    if truth is not None:
        result = measure(ranking, truth, activities=activities, target_precision=target_precision)
        folder = out or (run_output if run_output.is_dir() else run_output.parent)
        write_json_atomic(folder / "evaluation.json", result)
        plot_pr_curve(ranking, truth, folder / "pr-curve.png")
        click.echo(format_table(result))
        click.echo(f"wrote {folder / 'evaluation.json'} and {folder / 'pr-curve.png'}", err=True)
    if labels is not None:
        label_result = evaluate_labels(ranking, labels)
        if truth is not None:
            click.echo()
        click.echo(format_labels_table(label_result))
        if out is not None:
            write_json_atomic(out / "label-evaluation.json", asdict(label_result))
            click.echo(f"wrote {out / 'label-evaluation.json'}", err=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Report folder [default: the config's report.out].")
@config_option
@state_option
@decisions_option
@log_file_option
@click.option("--cron", "style", flag_value="cron", help="Print a crontab line.")
@click.option("--systemd", "style", flag_value="systemd", help="Print a systemd service and timer.")
@click.option("--at", "at_text", default="02:30", show_default=True, help="Time of day, HH:MM.")
@click.option("--name", default="overlap-nightly", show_default=True, help="systemd unit name.")
def schedule(inputs, config_path, log_file, style, at_text, name, **config_options) -> None:
    """Print a schedule running `overlap run INPUTS` every night with this config.

    Options other than the ones here belong in the config file (`overlap init`),
    which the scheduled run reads. The log defaults to overlap.log in the state folder.
    """
    from overlap.schedule import At, cron_line, run_command, systemd_units

    if style is None:
        click.echo("error: choose --cron or --systemd", err=True)
        sys.exit(2)
    try:
        at = At.parse(at_text)
    except ValueError as error:
        click.echo(f"error: --at {error}", err=True)
        sys.exit(2)
    try:
        config = load_config(config_path, _given_overrides())
        command = run_command(list(inputs), config, config_path, log_file)
    except OverlapError as error:
        _fail(error)
    cwd = Path.cwd().absolute()
    if style == "cron":
        click.echo("# overlap nightly report; add it with: (crontab -l; overlap schedule --cron ...) | crontab -")
        click.echo("# exit code 10 = new duplicates: append  ; [ $? -eq 10 ] && <your alert>  to act on it")
        click.echo(cron_line(command, cwd, at))
        return
    for filename, text in systemd_units(command, cwd, at, name).items():
        click.echo(f"# ~/.config/systemd/user/{filename}")
        click.echo(text)
    click.echo(f"# then: systemctl --user daemon-reload && systemctl --user enable --now {name}.timer")
    click.echo("#       (and `loginctl enable-linger $USER` so it runs while you are logged out)")


@main.command()
@click.option("--labels", "label_paths", multiple=True, required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Pairs read blind: CSV with id_a, id_b, label (duplicate/related/unrelated) "
                   "[, rank_band] (repeatable).")
@click.option("--truth", "truth_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Pairs known to be the same money (declared links): CSV with id_a, id_b.")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@config_option
@click.option("--embedder", type=click.Choice(["auto", "minilm", "tfidf", "use"]),
              help="Text embedder; the scorer is only valid with the one it was trained with.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("models/pair-scorer.json"), show_default=True,
              help="Where to save the scorer (its model card and reliability plot go beside it).")
@click.option("--state", "state_dir", type=click.Path(file_okay=False, path_type=Path),
              help="A state folder whose embedding cache to use (e.g. a nightly run's).")
@click.option("--presumed", type=click.IntRange(min=0), default=3000, show_default=True,
              help="Candidates the hand-set scorer does not report, drawn at random and presumed "
                   "unrelated (0 = none).")
def train(label_paths, truth_path: Path | None, inputs, config_path, embedder, out: Path,
          state_dir: Path | None, presumed: int) -> None:
    """Fit the pair scorer on INPUTS' candidate pairs labelled by --labels; report held-out figures."""
    from overlap.evaluate import load_labels, load_truth
    from overlap.state import open_locked
    from overlap.train import save, training_data
    from overlap.train import train as fit

    try:
        config = load_config(config_path, config_overrides({"embedder": embedder}))
        labels = load_labels(list(label_paths))
        truth = load_truth(truth_path) if truth_path else None
        with open_locked(state_dir) if state_dir is not None else nullcontext() as state:
            data = training_data(list(inputs), labels, config, state, truth, presumed)
        scorer, figures = fit(data)
    except OverlapError as error:
        _fail(error)
    sources = {"labels": [str(p) for p in label_paths], "truth": str(truth_path or ""),
               "inputs": [str(i) for i in inputs]}
    card = save(scorer, figures, data, out, sources)
    for label, row in figures["per_class"].items():
        click.echo(f"held out, {label} ({row['pairs']} pairs): {row['reported']:.1%} reported, "
                   f"{row['called_duplicate']:.1%} called duplicate")
    click.echo(f"wrote {out} and {card}")
