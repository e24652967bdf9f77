"""Every tunable of a run, with its default, in one place.

A run's configuration comes from three layers, later ones winning: the defaults
below, an optional ``overlap.toml``, and command-line options.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from overlap.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@dataclass
class InputConfig:
    #: canonical field -> column header, overriding the automatic mapping
    map: dict[str, str] = field(default_factory=dict)
    #: CSV of ``alias, canonical`` organisation names ("" = none)
    aliases: str = ""
    #: actors whose activity ids start with one organisation identifier (IATI) are one actor
    publisher_aliases: bool = True
    #: glob patterns of files to skip when reading folders
    exclude: list[str] = field(default_factory=list)


@dataclass
class EmbedConfig:
    #: auto | minilm | tfidf | use (auto: use when the run mixes languages, else minilm)
    embedder: str = "auto"
    #: a sentence-transformers model folder; overrides the embedder's bundled model
    model: str = ""
    batch_size: int = 32
    #: long texts are cut into windows of this many words, embedded, and averaged
    window_words: int = 180
    #: at most this many windows per text (the rest of a very long text is ignored)
    max_windows: int = 4
    #: show a progress bar on stderr when there are at least this many texts
    progress_min_texts: int = 200


@dataclass
class NeighboursConfig:
    #: candidates per activity: its k most similar activities of other actors
    k: int = 10
    #: and its k_title activities of other actors with the most similar titles
    k_title: int = 10
    #: and, for each organisation it names (funder, implementer, partner), that
    #: organisation's per_named_actor activities most similar to it
    per_named_actor: int = 20
    include_same_actor: bool = False
    #: rows compared at once; memory is about chunk_rows x N x 4 bytes
    chunk_rows: int = 1024


@dataclass
class ScoreConfig:
    #: pairs scoring below this are not reported
    report_threshold: float = 0.5
    #: pairs scoring at least this are reported as duplicates, the rest as overlaps
    duplicate_threshold: float = 0.99
    #: a trained pair scorer (JSON) to use instead of the built-in weights ("" = built-in)
    model: str = ""


@dataclass
class ClusterConfig:
    #: a cluster larger than this is split by raising its link threshold
    max_size: int = 40
    #: words in a cluster's label
    label_terms: int = 4


@dataclass
class ReportConfig:
    out: str = "reports"
    #: the HTML report keeps the top N pairs; the CSVs keep all
    max_pairs_in_html: int = 5000


@dataclass
class StateConfig:
    #: folder kept between runs (embedding cache, last results, decisions); "" = .overlap next to report.out
    dir: str = ""
    #: cached embeddings no run has used for this many runs are dropped
    cache_max_idle_runs: int = 30
    #: a rerun fits the word and title vocabularies again once the texts counted since
    #: the last fit exceed this share of the texts fitted (until then it reuses them)
    refit_share: float = 0.1


@dataclass
class ReviewConfig:
    #: decisions.csv files exported from the report; the state remembers them for later runs
    decisions: list[str] = field(default_factory=list)


@dataclass
class ChangesConfig:
    #: a pair whose score moved at least this much since the last run is "changed"
    score_change: float = 0.05
    #: a cluster keeps the last run's id when their members overlap at least this much (Jaccard)
    cluster_match: float = 0.5


@dataclass
class ConflictsConfig:
    #: look for activities pursuing opposite strategies for the same target
    enabled: bool = True
    #: a TOML file of strategy axes ("" = the shipped axes for migration and displacement)
    axes: str = ""
    #: how sure each side's position on an axis must be (0..1)
    min_confidence: float = 0.6


@dataclass
class Config:
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
        return dataclasses.asdict(self)

    def validate(self) -> None:
        if not 0 <= self.score.report_threshold <= 1:
            raise ConfigError("score.report_threshold must be between 0 and 1")
        if not self.score.report_threshold <= self.score.duplicate_threshold <= 1:
            raise ConfigError(
                "score.duplicate_threshold must be between report_threshold and 1"
            )
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
        ):
            if value < 1:
                raise ConfigError(f"{name} must be at least 1, got {value}")
        for name, value in (("neighbours.k_title", self.neighbours.k_title),
                            ("neighbours.per_named_actor", self.neighbours.per_named_actor)):
            if value < 0:
                raise ConfigError(f"{name} must be 0 (off) or more, got {value}")


def _same_kind(current: Any, value: Any) -> bool:
    """TOML ints are accepted where a float is expected; bools are never numbers."""
    if isinstance(current, bool) or isinstance(value, bool):
        return isinstance(current, bool) and isinstance(value, bool)
    if isinstance(current, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(current))


def _apply(section: Any, values: dict[str, Any], where: str) -> None:
    known = {f.name: f for f in dataclasses.fields(section)}
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
        setattr(section, key, float(value) if isinstance(current, float) else value)


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
        _merge(config, data, str(path))
    if overrides:
        _merge(config, overrides, "option")
    config.validate()
    return config


def _merge(config: Config, data: dict[str, Any], where: str) -> None:
    sections = {f.name for f in dataclasses.fields(config)}
    for name, values in data.items():
        if name not in sections or not isinstance(values, dict):
            raise ConfigError(
                f"{where}: unknown section [{name}] (known: {', '.join(sorted(sections))})"
            )
        _apply(getattr(config, name), values, f"{where} [{name}]")


DEFAULT_TOML = '''\
# overlap configuration. Every key is optional; the values shown are the defaults.
# Command-line options override this file.

[input]
# Column mapping: canonical field = "column header in your files".
# Fields: id, actor, title, description, countries, locations, sectors,
# start_date, end_date, budget, currency, funders, implementers,
# participating_orgs, language.
map = {}
# CSV of "alias,canonical" organisation names, so one organisation is one actor.
aliases = ""
# Actors whose activity ids start with one organisation identifier (IATI ids such
# as XM-DAC-5-7-...) are one actor: a publisher named in two languages.
publisher_aliases = true
# Glob patterns of files to skip when reading folders, e.g. ["expected.csv", "old/*"].
exclude = []

[embed]
# auto (use when the run mixes languages, else minilm), minilm
# (sentence-transformers all-MiniLM-L6-v2, bundled), tfidf (no model),
# use (multilingual Universal Sentence Encoder, 16 languages).
embedder = "auto"
# A sentence-transformers model folder to load instead (e.g. one under models/).
model = ""
batch_size = 32
# Long texts are cut into windows of this many words, embedded and averaged.
window_words = 180
max_windows = 4
progress_min_texts = 200

[neighbours]
# Candidates per activity: its k most similar activities of other actors,
# its k_title activities of other actors with the most similar titles, and for
# each organisation it names as funder/implementer/partner, that organisation's
# per_named_actor activities most similar to it (0 turns a source off).
k = 10
k_title = 10
per_named_actor = 20
include_same_actor = false
# Rows compared at once: memory is about chunk_rows x activities x 4 bytes.
chunk_rows = 1024

[score]
# Pairs below report_threshold are not reported; at or above
# duplicate_threshold they are duplicates, otherwise overlaps.
report_threshold = 0.5
duplicate_threshold = 0.99
# A trained pair scorer (JSON written by `overlap train`); "" = built-in weights.
model = ""

[cluster]
# A cluster larger than this is split by raising its link threshold.
max_size = 40
label_terms = 4

[report]
out = "reports"
# The HTML report keeps the top N pairs (the CSVs keep all).
max_pairs_in_html = 5000

[state]
# Folder kept between runs: the embedding cache, the last run's results and the
# review decisions. "" = a folder ".overlap" next to the report folder.
dir = ""
# Cached embeddings that no run used for this many runs are dropped.
cache_max_idle_runs = 30
# A rerun reuses the last run's vocabularies, counts, neighbour lists and pair
# evidence for unchanged activities; it fits the vocabularies again once the new
# or changed texts since the last fit exceed this share of the texts fitted.
refit_share = 0.1

[review]
# decisions.csv files exported from the report. Decisions are remembered in the
# state: a dismissed pair stays hidden until one of its activities' text changes.
decisions = []

[changes]
# A pair whose score moved by at least this since the last run is "changed".
score_change = 0.05
# A cluster keeps the last run's id when their members overlap at least this much
# (Jaccard: shared members / all members of both).
cluster_match = 0.5

[conflicts]
# Report activities of different actors aimed at the same country, place and
# period from opposite poles of a strategy axis (e.g. return vs local integration).
enabled = true
# A TOML file of axes ("" = the shipped axes; see src/overlap/data/axes.toml).
axes = ""
# How sure each side's position must be (0..1): two distinct pole terms, or one
# in the title, reach 0.6.
min_confidence = 0.6
'''
