"""The `overlap` command: a thin click layer over the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from overlap import __version__
from overlap.config import DEFAULT_TOML, load_config
from overlap.errors import OverlapError
from overlap.outputs import write_text_atomic


def _parse_maps(values: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for value in values:
        field, sep, column = value.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(f"{value!r}: expected FIELD=COLUMN, e.g. title='Project name'",
                                     param_hint="--map")
        mapping[field.strip()] = column.strip()
    return mapping


def _input_overrides(maps: tuple[str, ...], exclude: tuple[str, ...]) -> dict[str, object]:
    overrides: dict[str, object] = {}
    if maps:
        overrides["map"] = _parse_maps(maps)
    if exclude:
        overrides["exclude"] = list(exclude)
    return overrides


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


@click.group()
@click.version_option(__version__, prog_name="overlap")
def main() -> None:
    """Find duplicated and overlapping activities across actors' project exports."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: reports/].")
@config_option
@map_option
@exclude_option
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
              help="Call pairs scoring at least this duplicates [default: 0.8].")
@click.option("--scorer", type=click.Path(dir_okay=False, path_type=Path),
              help="A trained pair scorer (JSON) instead of the built-in weights.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def run(inputs, out, config_path, maps, exclude, embedder, model, k, include_same_actor,
        threshold, duplicate_threshold, scorer, quiet) -> None:
    """Read INPUTS (files or folders), find overlapping activities, write the report."""
    from overlap.pipeline import run as run_pipeline
    from overlap.report import write_outputs

    overrides = {
        "input": _input_overrides(maps, exclude),
        "embed": {k_: v for k_, v in (("embedder", embedder), ("model", str(model) if model else None)) if v},
        "neighbours": {k_: v for k_, v in (("k", k), ("include_same_actor", include_same_actor)) if v is not None},
        "score": {k_: v for k_, v in (("report_threshold", threshold),
                                       ("duplicate_threshold", duplicate_threshold),
                                       ("model", str(scorer) if scorer else None)) if v is not None},
        "report": {"out": str(out)} if out else {},
    }
    try:
        config = load_config(config_path, {s: v for s, v in overrides.items() if v})
        result = run_pipeline(list(inputs), config, command=["overlap", *sys.argv[1:]])
        paths = write_outputs(result, Path(config.report.out))
    except OverlapError as error:
        _fail(error)
    if not quiet:
        counts = result.counts
        click.echo(
            f"{len(result.activities)} activities from {len(result.read.sources)} files, "
            f"{result.activities['actor_key'].nunique()} actors: "
            f"{counts.get('duplicate', 0)} likely duplicates, {counts.get('overlap', 0)} overlaps, "
            f"{len(result.clusters)} clusters",
            err=True,
        )
        warnings = [p for p in result.problems if p.severity == "warning"]
        if warnings:
            click.echo(f"{len(warnings)} warnings (listed in run.json)", err=True)
        click.echo(str(paths["report"]))


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@config_option
@map_option
@exclude_option
def inspect(inputs, config_path, maps, exclude) -> None:
    """Show how each file is read: format, column mapping, row counts and problems."""
    from overlap.inspect import inspect_inputs

    try:
        config = load_config(config_path, {"input": _input_overrides(maps, exclude)})
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
    write_text_atomic(path, DEFAULT_TOML)
    click.echo(f"wrote {path}")


@main.command()
@click.option("--truth", "truth_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Pairs known to be true: CSV with id_a, id_b [, label], or the report's decisions.csv.")
@click.argument("run_output", type=click.Path(exists=True, path_type=Path))
@click.option("--target-precision", type=click.FloatRange(0, 1), default=0.9, show_default=True,
              help="Recommend the lowest threshold keeping this precision.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write evaluation.json and pr-curve.png [default: beside pairs.csv].")
def evaluate(truth_path: Path, run_output: Path, target_precision: float, out: Path | None) -> None:
    """Measure a run's pairs (RUN_OUTPUT: its folder or pairs.csv) against known pairs."""
    from overlap.evaluate import evaluate as measure
    from overlap.evaluate import format_table, load_ranking, load_truth, plot_pr_curve
    from overlap.outputs import write_json_atomic

    try:
        truth = load_truth(truth_path)
        ranking, activities = load_ranking(run_output)
    except OverlapError as error:
        _fail(error)
    result = measure(ranking, truth, activities=activities, target_precision=target_precision)
    folder = out or (run_output if run_output.is_dir() else run_output.parent)
    write_json_atomic(folder / "evaluation.json", result)
    plot_pr_curve(ranking, truth, folder / "pr-curve.png")
    click.echo(format_table(result))
    click.echo(f"wrote {folder / 'evaluation.json'} and {folder / 'pr-curve.png'}", err=True)
