"""The batch pipeline: read -> normalise -> embed -> neighbours -> conflicts -> score ->
review -> cluster -> changes, in memory; the report stage writes the result out.

``prepare`` (read to candidate pairs) is the front that ``run`` and ``overlap train``
share; ``read_activities`` its reading part, which ``overlap inspect`` uses alone.
"""

from __future__ import annotations

import hashlib
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from overlap import __version__
from overlap.cache import text_digest, with_cache
from overlap.candidates import SearchLists, generate_candidates
from overlap.changes import (
    CHANGE_COLUMNS,
    STORED_DECISION_COLUMNS,
    History,
    apply_review,
    changes_table,
    keep_cluster_ids,
    load_history,
    pair_statuses,
    remember_decisions,
    resolved_pairs,
    summarise_changes,
    text_hashes,
)
from overlap.cluster import assign_clusters, summarise_clusters
from overlap.config import Config
from overlap.conflicts import Axis, all_hits, find_conflicts, load_axes
from overlap.decisions import load_decisions
from overlap.embed import Embedder, get_embedder, resolve_device
from overlap.errors import InputError
from overlap.language import language_counts
from overlap.learn import Reviewed, refine, reviewed_candidates
from overlap.machine import release_freed_memory
from overlap.memo import (
    Memo,
    Reuse,
    axes_digest,
    load_languages,
    load_memo,
    plan_reuse,
    row_digests,
    sparse_hits,
)
from overlap.memo import fingerprint as memo_fingerprint
from overlap.normalise import Normalised, activity_keys, fold, normalise
from overlap.places import smallest_areas_in_common
from overlap.plans import Family
from overlap.projection import keeps_layout, lay_out, place_new
from overlap.read import Problem, ReadResult, read_inputs
from overlap.schema import complete_pairs
from overlap.score import TextIndex, add_conflicts, evidence, score_pairs
from overlap.scorer import PairScorer, load_scorer
from overlap.state import State
from overlap.text import activity_texts

MAX_PROBLEMS_SHOWN = 20
#: why a run stops when every row was skipped; `overlap inspect` says the same
NO_ACTIVITY = "no activity with a title or description was found"
#: warnings (and skipped rows) listed in run.json; all are counted. A million-row file with a
#: warning per row would otherwise write a run.json of hundreds of megabytes.
MAX_WARNINGS_LISTED = 200


@dataclass
class RunResult:
    """Everything a run produced, as frames: what the report stage writes out.

    ``pairs`` has every column of schema.PAIR_COLUMNS (and the evidence features).
    """

    config: Config
    read: ReadResult
    activities: pd.DataFrame
    pairs: pd.DataFrame
    clusters: pd.DataFrame
    scorer: PairScorer
    model: str
    problems: list[Problem]
    skipped_rows: list[Problem]
    candidates: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)
    projection: np.ndarray | None = None
    #: declared cross-references: how many, how many became pairs, how many dangle
    links: dict[str, int] = field(default_factory=dict)
    #: since the last run: pairs and clusters by status, why pairs resolved, new alerts
    changes: dict[str, object] = field(default_factory=dict)
    #: new, changed and resolved pairs (changes.csv)
    changed_pairs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    #: decisions read, confirmed, unsure, dismissed (hidden), unmatched, reopened
    decisions: dict[str, int] = field(default_factory=dict)
    #: every decision to remember, with its activities' text hashes
    stored_decisions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=STORED_DECISION_COLUMNS))
    #: the state folder used (None without one): folder, run number, repairs, cache use
    state: dict[str, object] | None = None
    #: the activities' embeddings, row for row (for evaluation and the 2-D map)
    vectors: object = None
    #: conflict pairs found per strategy axis
    conflicts_per_axis: dict[str, int] = field(default_factory=dict)
    #: the strategy axes searched for conflicts ([] with conflicts off)
    axes: list[Axis] = field(default_factory=list)
    #: what the next run reuses (saved in the state with the outputs); None without a state
    memo: Memo | None = None
    #: what this run reused from the last one: activities carried, pairs' evidence reused
    reused: dict[str, object] = field(default_factory=dict)

    @property
    def new_alerts(self) -> int:
        """New duplicate or funding-chain pairs since the last run (0 on a first run)."""
        if not self.changes.get("previous_run"):
            return 0
        return int(self.changes.get("new_alerts", 0))

    @property
    def counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.pairs["kind"].value_counts().items()}

    def summary(self) -> dict[str, object]:
        warnings = [p for p in self.problems if p.severity == "warning"]
        return {
            "tool": "overlap",
            "version": __version__,
            "command": self.command,
            "config": self.config.to_dict(),
            "inputs": [s.to_dict() for s in self.read.sources],
            "model": {"embedder": self.model, "scorer": self.scorer.to_dict()},
            "activities": int(len(self.activities)),
            "actors": int(self.activities["actor_key"].nunique()),
            "languages": language_counts(self.activities["language"].tolist()),
            "candidate_pairs": self.candidates,
            "reported_pairs": int(len(self.pairs)),
            "counts": self.counts,
            "clusters": int(len(self.clusters)),
            "links": self.links,
            "conflicts_per_axis": self.conflicts_per_axis,
            "changes": self.changes,
            "decisions": self.decisions,
            "state": self.state,
            "reused": self.reused,
            # a finding, not a fault: one organisation's rows that may count an activity twice
            "repeated_ids": [{"file": str(s.path), **s.repeated_ids}
                             for s in self.read.sources if s.repeated_ids],
            "skipped_rows": _listed(self.skipped_rows),
            "skipped_rows_total": len(self.skipped_rows),
            "warnings": _listed(warnings),
            "warnings_total": len(warnings),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def _listed(problems: list[Problem]) -> list[dict[str, object]]:
    return [p.to_dict() for p in problems[:MAX_WARNINGS_LISTED]]


def raise_for_errors(problems: list[Problem]) -> None:
    """Stop with every input error listed (up to a limit), before anything is written."""
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        return
    if len(errors) == 1:
        e = errors[0]
        raise InputError(e.message, file=e.file, row=e.row, column=e.column)
    lines = [f"  - {e}" for e in errors[:MAX_PROBLEMS_SHOWN]]
    if len(errors) > MAX_PROBLEMS_SHOWN:
        lines.append(f"  ... and {len(errors) - MAX_PROBLEMS_SHOWN} more")
    raise InputError(f"{len(errors)} problems in the input:\n" + "\n".join(lines))


def pair_id(key_a: str, key_b: str) -> str:
    """An id from the two activities' (actor, id) keys, whatever their order."""
    first, second = sorted((key_a, key_b))
    return "P" + hashlib.sha1(f"{first}\n{second}".encode()).hexdigest()[:10]


def _orient(pairs: pd.DataFrame, keys: np.ndarray) -> pd.DataFrame:
    """Put the side with the smaller key first, so a pair reads the same in every run."""
    swap = keys[pairs["a"].to_numpy()] > keys[pairs["b"].to_numpy()]
    a = np.where(swap, pairs["b"], pairs["a"])
    b = np.where(swap, pairs["a"], pairs["b"])
    return pairs.assign(a=a, b=b)


def load_aliases(path: str) -> dict[str, str]:
    """``alias, canonical`` rows from a CSV, keyed by the folded alias."""
    if not path:
        return {}
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read the aliases file: {exc}", file=path) from None
    missing = {"alias", "canonical"} - set(c.strip().lower() for c in table.columns)
    if missing:
        raise InputError("missing columns " + ", ".join(sorted(missing)), file=path,
                         expected="a CSV with columns alias, canonical")
    table.columns = [c.strip().lower() for c in table.columns]
    return {fold(a): c.strip() for a, c in zip(table["alias"], table["canonical"]) if a and c}


class _Timer:
    def __init__(self, seconds: dict[str, float] | None = None) -> None:
        self.seconds: dict[str, float] = dict(seconds or {})

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def read_activities(inputs: list[Path], config: Config, detected: dict[str, str] | None = None,
                    ) -> tuple[ReadResult, Normalised | None]:
    """Read and normalise, collecting every problem; None when reading found errors
    (normalising would only add noise to them). Never embeds: ``overlap inspect`` uses it."""
    read = read_inputs(inputs, config.input.map, config.input.exclude, config.input.strict)
    if any(p.severity == "error" for p in read.problems):
        return read, None
    normalised = normalise(read, load_aliases(config.input.aliases), config.input.publisher_aliases,
                           detected)
    # the raw text frame is normalising's input only: dropped, and its pages given back
    # to the system, it leaves 0.5 GB more for the rest of a run of 200k activities
    read = replace(read, activities=read.activities.iloc[:0].copy())  # a view would keep it
    release_freed_memory()
    return read, normalised


def load_activities(inputs: list[Path], config: Config,
                    detected: dict[str, str] | None = None) -> tuple[ReadResult, Normalised]:
    """Read and normalise; raises InputError listing every error found."""
    read, normalised = read_activities(inputs, config, detected)
    raise_for_errors(read.problems)
    raise_for_errors(normalised.problems)
    if normalised.activities.empty:
        raise InputError(NO_ACTIVITY, file=", ".join(str(s.path) for s in read.sources))
    return read, normalised


@dataclass
class Prepared:
    """The activities read, embedded, indexed and paired up: what a run scores, and what
    training fits on."""

    read: ReadResult
    #: the normalising's problems, skipped rows and detected languages
    normalised: Normalised
    #: the normalised activities, each with its ``text_hash``
    activities: pd.DataFrame
    #: each activity's (actor, id) key
    keys: np.ndarray
    embedder: Embedder
    #: the activities' embeddings, row for row
    vectors: object
    #: each activity's digest of the fields the comparison reads (memo.row_digests)
    digests: np.ndarray
    #: the settings the memo depends on
    memo_fingerprint: str
    #: what is taken from the last run (nothing without a state)
    reuse: Reuse
    index: TextIndex
    #: the pairs worth scoring (``a, b, similarity, declared``), the smaller key first
    candidates: pd.DataFrame
    #: declared cross-references: how many, how many became pairs, how many dangle
    links: dict[str, int]
    #: the neighbour lists and named-organisation pairs the next run updates
    lists: SearchLists
    #: seconds spent reading, embedding and searching neighbours
    seconds: dict[str, float]


def prepare(inputs: list[Path], config: Config, state: State | None = None, *,
            embedder: Embedder | None = None, reuse_memo: bool = True) -> Prepared:
    """Read, normalise, embed, index and find the candidate pairs: the front every
    command that compares activities shares.

    With a state folder, embeddings come from its cache and detected languages from
    the last run; with ``reuse_memo`` too, the last run's vocabularies and neighbour
    lists (overlap.memo). ``embedder`` replaces the configured one (still cached).
    """
    timer = _Timer()
    with timer.stage("read"):
        read, normalised = load_activities(inputs, config, load_languages(state))
    texts = activity_texts(normalised.activities)
    activities = normalised.activities.assign(text_hash=text_hashes(texts))
    keys = activity_keys(activities)
    embedder = _embedder_for(activities, config, state, embedder)
    with timer.stage("embed"):
        vectors = embedder.embed(texts)
    # the digests' cache holds the texts it digested (0.2 GB at 200k): both digests of
    # each text (its hash, the embedding cache's key) are taken by now
    text_digest.cache_clear()
    with timer.stage("neighbours"):
        digests = row_digests(activities)
        memo_print = _memo_fingerprint(config, embedder)
        memo = load_memo(state, memo_print) if reuse_memo else None
        reuse = plan_reuse(memo, activities, digests, config.state.refit_share,
                           stable_vectors=embedder.cache_key is not None)
        index = TextIndex.build(activities, embedder.aligned_languages,
                                model=reuse.model, previous=reuse.rows)
        candidates, links, lists = generate_candidates(
            activities, vectors, read.links, config.neighbours, index, reuse.lists,
            # torch is imported only where a dense search could use a GPU
            device=resolve_device(config.embed.device) if isinstance(vectors, np.ndarray) else "cpu",
        )
        candidates = _orient(candidates, keys)
    return Prepared(
        read=read, normalised=normalised, activities=activities, keys=keys, embedder=embedder,
        vectors=vectors, digests=digests, memo_fingerprint=memo_print, reuse=reuse, index=index,
        candidates=candidates, links=links, lists=lists, seconds=timer.seconds,
    )


def _with_sides(pairs: pd.DataFrame, keys: np.ndarray, hashes: np.ndarray) -> pd.DataFrame:
    """Each pair's activity keys and text hashes, which the comparison with earlier runs uses."""
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    return pairs.assign(key_a=keys[a], key_b=keys[b], text_hash_a=hashes[a], text_hash_b=hashes[b])


def run(inputs: list[Path], config: Config, command: list[str] | None = None,
        state: State | None = None, *, embedder: Embedder | None = None) -> RunResult:
    """Run every stage in memory; the caller writes the outputs.

    With a state folder, embeddings come from its cache, and the run is compared
    with the last published one (statuses, cluster ids, remembered decisions);
    the caller saves it back (``changes.save_history``) once the outputs are out.
    ``embedder`` replaces the configured one.
    """
    decided = load_decisions(config.review.decisions)
    front = prepare(inputs, config, state, embedder=embedder)
    timer = _Timer(front.seconds)
    activities, keys, index, reuse = front.activities, front.keys, front.index, front.reuse
    candidates = front.candidates
    with timer.stage("read"):
        history = load_history(state)
    family = Family.of(activities, front.read.links)
    with timer.stage("conflicts"):
        conflicts, hits, axes = _conflicts(activities, front.vectors, front.embedder, config, reuse,
                                           family)
    with timer.stage("score"):
        features = evidence(activities, candidates, index, reuse.known_features(candidates))
        scorer = _scorer_for(config, features, candidates, keys, activities, history, decided)
        pairs = score_pairs(activities, candidates, config.score, scorer, index, features,
                            reuse.known_reasons(candidates), family)
        reuse.forget_pairs()
        reported_reasons = pairs[["a", "b", "pair_reasons", "short_text"]]
        pairs = add_conflicts(activities, pairs, conflicts, index)
        pairs.insert(0, "pair_id", [pair_id(keys[a], keys[b]) for a, b in zip(pairs["a"], pairs["b"])])
        pairs = _with_sides(pairs, keys, activities["text_hash"].to_numpy())
        pairs["areas"] = _conflict_areas(activities, pairs)
        pairs["population"] = _conflict_population(pairs, conflicts)
    with timer.stage("review"):
        stored_decisions = remember_decisions(history, decided, pairs)
        reviewed, decision_counts, reopened = apply_review(pairs, stored_decisions)
        dismissed = set(pairs["pair_id"]) - set(reviewed["pair_id"])
        pairs = reviewed
    with timer.stage("cluster"):
        labels = assign_clusters(activities, pairs, config.cluster)
        labels, cluster_status = keep_cluster_ids(labels, keys, history.previous,
                                                  config.changes.cluster_match)
        activities = activities.assign(cluster_id=labels)
        pairs["cluster_id"] = labels[pairs["a"].to_numpy()]
        clusters = summarise_clusters(activities, labels, config.cluster, index)
        clusters["status"] = clusters["cluster_id"].map(cluster_status)
    with timer.stage("changes"):
        pairs = pairs.join(pair_statuses(pairs, history.previous, reopened,
                                         config.changes.score_change))
        resolved = resolved_pairs(history.previous, activities, set(pairs["pair_id"]), dismissed)
        changes = summarise_changes(pairs, resolved, cluster_status, history.previous)
        changed_pairs = changes_table(pairs, activities, resolved)
    reused = reuse.summary()
    with timer.stage("project"):
        if keeps_layout(reuse.layout, reuse.carried, config.report.map, config.report.map_sample):
            layout = place_new(front.vectors, reuse.layout, reuse.carried)
            reused["map_placed"] = int((reuse.carried < 0).sum())
        else:
            layout = lay_out(front.vectors, config.report.map, config.report.map_sample)
    memo = None if state is None else Memo(
        fingerprint=front.memo_fingerprint, keys=keys, digests=front.digests, model=index.model,
        unseen=reuse.unseen, word_counts=index.counts, title_counts=index.title_counts,
        lists=front.lists,
        # the features with the pairs' rows beside them, uncopied (millions of candidates at 200k)
        pairs=features.assign(a=candidates["a"].to_numpy(), b=candidates["b"].to_numpy()),
        reasons=reported_reasons, stable_vectors=front.embedder.cache_key is not None,
        hits=None if hits is None else sparse_hits(hits),
        axes_digest=axes_digest(axes) if hits is not None else "",
        languages=front.normalised.detected_languages, layout=layout,
    )
    if state is not None:
        state.notes.extend(reuse.notes)
    normalised = front.normalised
    return RunResult(
        config=config, read=front.read, activities=activities, pairs=complete_pairs(pairs),
        clusters=clusters, scorer=scorer, model=front.embedder.identity,
        problems=normalised.problems + front.read.problems, skipped_rows=normalised.skipped_rows,
        candidates=int(len(candidates)), seconds=timer.seconds, command=command or [],
        projection=layout.points, links=front.links, changes=changes, changed_pairs=changed_pairs,
        decisions=decision_counts, stored_decisions=stored_decisions,
        state=None if state is None else {**state.to_dict(), "cache": front.embedder.cache_stats},
        vectors=front.vectors,
        conflicts_per_axis={str(k): int(v) for k, v in conflicts["axis"].value_counts().items()}
        if not conflicts.empty else {},
        axes=axes, memo=memo, reused=reused,
    )


def _scorer_for(config: Config, features: pd.DataFrame, candidates: pd.DataFrame, keys: np.ndarray,
                activities: pd.DataFrame, history: History, decided: pd.DataFrame) -> PairScorer:
    """The configured scorer, refined on the reviewer's decisions in force (overlap.learn)."""
    scorer = load_scorer(config.score.model)
    decisions = pd.concat([history.decisions, decided], ignore_index=True).fillna("")
    if decisions.empty or not config.review.learn:
        return scorer
    decisions = decisions.drop_duplicates("pair_id", keep="last")
    a, b = candidates["a"].to_numpy(), candidates["b"].to_numpy()
    # pair ids (a hash each) only for the candidates whose two ids some decision names
    named = set(decisions["id_a"]) | set(decisions["id_b"]) if "id_a" in decisions else set()
    if named and "" not in named:
        ids = activities["id"].to_numpy()
        near = np.flatnonzero(np.isin(ids[a], list(named)) & np.isin(ids[b], list(named)))
    else:
        near = np.arange(len(a))
    hashes = activities["text_hash"].to_numpy()
    previous = history.previous.pairs if history.previous is not None else None
    kinds = dict(zip(previous["pair_id"], previous["kind"])) if previous is not None else {}
    reviewed = reviewed_candidates(
        decisions, np.array([pair_id(keys[a[i]], keys[b[i]]) for i in near]),
        hashes[a[near]], hashes[b[near]], kinds)
    reviewed = Reviewed(near[reviewed.rows], reviewed.labels)
    return refine(scorer, features, reviewed, config.review)


def _memo_fingerprint(config: Config, embedder: Embedder) -> str:
    """The settings a memo's content depends on (its rows carry their own digests)."""
    embedding = embedder.cache_key if embedder.cache_key is not None else embedder.identity
    return memo_fingerprint({
        "version": __version__, "embedding": embedding, "neighbours": config.neighbours,
        "aligned": sorted(embedder.aligned_languages),
    })


def _conflicts(activities: pd.DataFrame, vectors, embedder: Embedder, config: Config,
               reuse: Reuse, family: Family) -> tuple[pd.DataFrame, dict | None, list[Axis]]:
    """Opposite strategies for the same target (see overlap.conflicts), with the term
    searches (kept for the next run) and the axes searched; parts of one plan
    (``family``) never conflict."""
    if not config.conflicts.enabled:
        return pd.DataFrame(), None, []
    axes = load_axes(Path(config.conflicts.axes) if config.conflicts.axes else None)
    hits = _conflict_hits(activities, axes, reuse)
    found = find_conflicts(activities, vectors, embedder, axes,
                           min_confidence=config.conflicts.min_confidence, hits=hits, family=family)
    return found, hits, axes


def _conflict_hits(activities: pd.DataFrame, axes: list[Axis], reuse: Reuse) -> dict:
    """The conflict term searches: the last run's for unchanged activities, searched
    afresh for new and changed ones (for all when the axes changed)."""
    kept = reuse.known_hits(axes)
    if kept is None:
        return all_hits(activities, axes)
    dirty = np.flatnonzero(reuse.carried < 0)
    fresh = all_hits(activities.iloc[dirty], axes)
    for axis, kinds in kept.items():
        for kind, rows in kinds.items():
            for position, phrases in zip(dirty, fresh[axis][kind]):
                rows[position] = phrases
    return kept


def _conflict_areas(activities: pd.DataFrame, pairs: pd.DataFrame) -> list[tuple[str, ...]]:
    """Per pair, the admin areas both sides of a conflict work in (other kinds: none)."""
    places = activities["locations"].to_numpy()
    return [tuple(smallest_areas_in_common(places[a], places[b])) if kind == "conflict" else ()
            for a, b, kind in zip(pairs["a"], pairs["b"], pairs["kind"])]


def _conflict_population(pairs: pd.DataFrame, conflicts: pd.DataFrame) -> list[str]:
    """Per pair, the people both sides of a conflict act on (other kinds: none)."""
    found = {} if conflicts.empty else {
        (a, b): people for a, b, people in zip(conflicts["a"], conflicts["b"], conflicts["population"])}
    return [found.get((a, b), "") if kind == "conflict" else ""
            for a, b, kind in zip(pairs["a"], pairs["b"], pairs["kind"])]


def _embedder_for(activities: pd.DataFrame, config: Config, state: State | None,
                 embedder: Embedder | None = None) -> Embedder:
    """The embedder for these activities' languages (or the one given), behind the
    state's cache if any."""
    embedder = embedder or get_embedder(config.embed, activities["language"].tolist())
    if state is not None:
        embedder = with_cache(embedder, config.embed, state, config.state.cache_max_idle_runs)
    return embedder
