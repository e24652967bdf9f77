"""Every tunable of a run, with its default, in one place.

A run's configuration comes from three layers, later ones winning: the defaults
below, an optional ``overlap.toml``, and command-line options.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from overlap.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


def setting(default: Any, doc: str) -> Any:
    """A config key: its default and the comment `overlap init` writes above it."""
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class InputConfig:
    map: dict[str, str] = setting(
        {}, 'Column mapping: canonical field = "column header in your files", overriding the '
        "automatic mapping. Fields: id, actor, title, description, countries, locations, "
        "sectors, start_date, end_date, budget, currency, funders, implementers, "
        "participating_orgs, language.")
    aliases: str = setting(
        "", 'CSV of "alias,canonical" organisation names ("" = none), so one organisation '
        "is one actor.")
    publisher_aliases: bool = setting(
        True, "Actors whose activity ids start with one organisation identifier (IATI ids "
        "such as XM-DAC-5-7-...) are one actor: a publisher named in two languages.")
    exclude: tuple[str, ...] = setting(
        (), 'Glob patterns of files to skip when reading folders, e.g. ["expected.csv", '
        '"old/*"].')
    strict: bool = setting(
        False, "Refuse a file in which one organisation repeats an activity id (e.g. a 3W "
        "project listed twice at one place with other figures) instead of numbering the "
        "repeated rows and reporting them as possible double counting.")


@dataclass(frozen=True)
class EmbedConfig:
    embedder: str = setting(
        "auto", "auto (use when the run mixes languages, else minilm), minilm "
        "(sentence-transformers all-MiniLM-L6-v2, bundled), tfidf (no model), use "
        "(multilingual Universal Sentence Encoder, 16 languages).")
    model: str = setting(
        "", "A sentence-transformers model folder to load instead of the embedder's bundled "
        'model (e.g. one under models/; "" = the bundled model).')
    device: str = setting(
        "auto", "auto (a CUDA GPU when torch sees one, else the CPU), cpu, cuda: where the "
        "neural embedders and the exact neighbour search run.")
    precision: str = setting(
        "auto", "auto (USE multiplies in bfloat16 where the processor does so natively: "
        "about three times as fast, cosine >= 0.9999 to float32; elsewhere it computes each "
        "distinct token's first layers once per batch: about twice as fast, the same vectors "
        "to 1e-6; MiniLM on a CPU runs with int8 weights through ONNX Runtime: about twice as "
        "fast, cosine >= 0.99), float32 (exact, slower).")
    batch_size: int = setting(32, "Texts (or windows of long texts) embedded at once.")
    window_words: int = setting(
        180, "Long texts are cut into windows of this many words, embedded and averaged.")
    max_windows: int = setting(
        4, "At most this many windows per text (the rest of a very long text is ignored).")
    progress: bool = setting(
        True, "Show a progress bar on stderr while embedding (--quiet turns it off).")
    progress_min_texts: int = setting(
        200, "Only when there are at least this many texts to embed.")


#: the size from which the search within cells is clearly faster than the exact one
#: (benchmarks/neighbours.py on IATI embeddings: 1.00x at 14,460, 1.87x at 30,000)
APPROXIMATE_FROM = 30000


@dataclass(frozen=True)
class NeighboursConfig:
    k: int = setting(10, "Candidates per activity: its k most similar activities of other actors.")
    k_title: int = setting(
        10, "And its k_title activities of other actors with the most similar titles (0 = off).")
    per_named_actor: int = setting(
        20, "And, for each organisation it names as funder, implementer or partner, that "
        "organisation's per_named_actor activities most similar to it (0 = off).")
    include_same_actor: bool = setting(False, "Also pair activities of the same actor.")
    chunk_rows: int = setting(
        1024, "Rows compared at once: memory is about chunk_rows x activities x 17 bytes (fewer rows "
        "when that passes 16M similarities: overlap.neighbours.MAX_BLOCK).")
    approximate_from: int = setting(
        APPROXIMATE_FROM, "From this many activities, each is compared only with those in the "
        "cells (a k-means partition, faiss) nearest to its text: at least 99% of the exact "
        "text neighbours (measured on IATI), in time growing as activities^1.5; below it, "
        "or at 0, every pair is compared (time grows with the square). Title neighbours "
        "stay exact; on a GPU the text search stays exact too.")


@dataclass(frozen=True)
class ScoreConfig:
    report_threshold: float = setting(
        0.5, "Pairs are reported from this P(genuine): the probability that a reviewer "
        "finds them duplicate or related.")
    duplicate_threshold: float = setting(
        0.5, "Reported pairs are called duplicates from this P(duplicate), the rest overlaps.")
    model: str = setting(
        "", 'A pair scorer (JSON written by `overlap train`); "" = the shipped learned scorer, '
        '"built-in" = the hand-set weights.')


@dataclass(frozen=True)
class ClusterConfig:
    max_size: int = setting(
        40, "A cluster larger than this is split by raising its link threshold.")
    label_terms: int = setting(4, "Words in a cluster's label.")


#: How the report's map can lay out the activities (overlap.projection).
MAP_METHODS = ("tsne", "pca")


@dataclass(frozen=True)
class ReportConfig:
    out: str = setting("reports", "The folder the report and its CSVs are written to.")
    max_pairs_in_html: int = setting(
        5000, "The HTML report keeps the top N pairs (the CSVs keep all).")
    map: str = setting(
        "tsne", 'How the report\'s map lays out the activities: "tsne" keeps similar texts '
        'near each other; "pca" is faster and linear, but mixes far-apart texts.')
    map_sample: int = setting(
        2000, "t-SNE lays out at most this many activities (a seeded sample); the others are "
        "placed among their nearest neighbours in it. More: a finer map, a slower run.")


@dataclass(frozen=True)
class StateConfig:
    dir: str = setting(
        "", "Folder kept between runs: the embedding cache, the last run's results and the "
        'review decisions. "" = a folder ".overlap" next to the report folder.')
    cache_max_idle_runs: int = setting(
        30, "Cached embeddings that no run used for this many runs are dropped.")
    refit_share: float = setting(
        0.1, "A rerun reuses the last run's vocabularies, counts, neighbour lists and pair "
        "evidence for unchanged activities; it fits the vocabularies again once the new or "
        "changed texts since the last fit exceed this share of the texts fitted.")


@dataclass(frozen=True)
class ReviewConfig:
    decisions: tuple[str, ...] = setting(
        (), "decisions.csv files exported from the report. Decisions are remembered in the "
        "state: a dismissed pair stays hidden until one of its activities' text changes.")
    learn: bool = setting(
        True, "Refine the pair scorer on the decisions remembered in the state (duplicate, "
        "funding link, related, not related), starting from the shipped model.")
    learn_min_pairs: int = setting(10, "Refine only once at least this many decided pairs are candidates.")
    learn_prior: float = setting(
        10.0, "How strongly the refined weights stay near the shipped ones (an L2 pull): "
        "higher keeps more of the shipped model.")


@dataclass(frozen=True)
class ChangesConfig:
    score_change: float = setting(
        0.05, 'A pair whose score moved by at least this since the last run is "changed".')
    cluster_match: float = setting(
        0.5, "A cluster keeps the last run's id when their members overlap at least this "
        "much (Jaccard: shared members / all members of both).")


@dataclass(frozen=True)
class ConflictsConfig:
    enabled: bool = setting(
        True, "Report activities of different actors aimed at the same country, place and "
        "period from opposite poles of a strategy axis (e.g. return vs local integration).")
    axes: str = setting(
        "", 'A TOML file of strategy axes ("" = the shipped axes for migration and '
        "displacement; see src/overlap/data/axes.toml).")
    min_confidence: float = setting(
        0.6, "How sure each side's position on an axis must be (0..1): two distinct pole "
        "terms, or one in the title, reach 0.6.")


@dataclass(frozen=True)
class Config:
    """One section per TOML table; frozen, so a stage cannot change what the next one reads
    (derive a variant with ``dataclasses.replace``)."""

    input: InputConfig = field(default_factory=InputConfig)
    embed: EmbedConfig = field(default_factory=EmbedConfig)
    neighbours: NeighboursConfig = field(default_factory=NeighboursConfig)
    score: ScoreConfig = field(default_factory=ScoreConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    state: StateConfig = field(default_factory=StateConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    changes: ChangesConfig = field(default_factory=ChangesConfig)
    conflicts: ConflictsConfig = field(default_factory=ConflictsConfig)

    def to_dict(self) -> dict[str, Any]:
        """Sections as plain dicts, tuples as lists: as run.json records them."""
        return {
            section: {key: list(value) if isinstance(value, tuple) else value
                      for key, value in values.items()}
            for section, values in dataclasses.asdict(self).items()
        }

    def validate(self) -> None:
        for name, value in (("score.report_threshold", self.score.report_threshold),
                            ("score.duplicate_threshold", self.score.duplicate_threshold)):
            if not 0 <= value <= 1:
                raise ConfigError(f"{name} must be between 0 and 1, got {value}")
        for name, value in (("changes.score_change", self.changes.score_change),
                            ("changes.cluster_match", self.changes.cluster_match),
                            ("state.refit_share", self.state.refit_share)):
            if not 0 < value <= 1:
                raise ConfigError(f"{name} must be above 0 and at most 1, got {value}")
        for name, value in (
            ("neighbours.k", self.neighbours.k),
            ("neighbours.chunk_rows", self.neighbours.chunk_rows),
            ("embed.batch_size", self.embed.batch_size),
            ("embed.window_words", self.embed.window_words),
            ("embed.max_windows", self.embed.max_windows),
            ("cluster.max_size", self.cluster.max_size),
            ("state.cache_max_idle_runs", self.state.cache_max_idle_runs),
            ("report.map_sample", self.report.map_sample),
        ):
            if value < 1:
                raise ConfigError(f"{name} must be at least 1, got {value}")
        for name, value in (("neighbours.k_title", self.neighbours.k_title),
                            ("neighbours.per_named_actor", self.neighbours.per_named_actor),
                            ("neighbours.approximate_from", self.neighbours.approximate_from)):
            if value < 0:
                raise ConfigError(f"{name} must be 0 (off) or more, got {value}")
        if self.report.map not in MAP_METHODS:
            raise ConfigError(f"report.map must be one of {', '.join(MAP_METHODS)}, got {self.report.map!r}")


def _same_kind(current: Any, value: Any) -> bool:
    """TOML ints are accepted where a float is expected, TOML arrays where a tuple is;
    bools are never numbers."""
    if isinstance(current, bool) or isinstance(value, bool):
        return isinstance(current, bool) and isinstance(value, bool)
    if isinstance(current, float):
        return isinstance(value, (int, float))
    if isinstance(current, tuple):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(current))


def _as_kind(current: Any, value: Any) -> Any:
    if isinstance(current, float):
        return float(value)
    if isinstance(current, tuple):
        return tuple(value)
    return value


def _updated(section: Any, values: dict[str, Any], where: str) -> Any:
    """``section`` with ``values`` checked against its keys and their types."""
    known = {f.name for f in dataclasses.fields(section)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(
                f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})"
            )
        current = getattr(section, key)
        if not _same_kind(current, value):
            raise ConfigError(
                f"{where}.{key}: expected {type(current).__name__}, got {value!r}"
            )
    return dataclasses.replace(
        section, **{key: _as_kind(getattr(section, key), value) for key, value in values.items()}
    )


def load_config(path: Path | None = None, overrides: dict[str, dict[str, Any]] | None = None) -> Config:
    """Defaults, then the TOML file (if any), then ``overrides`` per section."""
    config = Config()
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        config = _merged(config, data, str(path))
    if overrides:
        config = _merged(config, overrides, "option")
    config.validate()
    return config


def _merged(config: Config, data: dict[str, Any], where: str) -> Config:
    sections = {f.name for f in dataclasses.fields(config)}
    for name, values in data.items():
        if name not in sections or not isinstance(values, dict):
            raise ConfigError(
                f"{where}: unknown section [{name}] (known: {', '.join(sorted(sections))})"
            )
    return dataclasses.replace(config, **{
        name: _updated(getattr(config, name), values, f"{where} [{name}]")
        for name, values in data.items()
    })


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML form for {value!r}")


def default_toml() -> str:
    """The commented configuration `overlap init` writes: every key of every section with
    its default and its doc, taken from the dataclasses above so none can be left out."""
    lines = [
        "# overlap configuration. Every key is optional; the values shown are the defaults.",
        "# Command-line options override this file.",
    ]
    defaults = Config()
    for section in dataclasses.fields(defaults):
        lines += ["", f"[{section.name}]"]
        values = getattr(defaults, section.name)
        for key in dataclasses.fields(values):
            lines += textwrap.wrap(key.metadata["doc"], 86, initial_indent="# ",
                                   subsequent_indent="# ", break_on_hyphens=False)
            lines.append(f"{key.name} = {_toml_value(getattr(values, key.name))}")
    return "\n".join(lines) + "\n"
