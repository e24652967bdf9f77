"""Write a run's outputs: pairs.csv, clusters.csv, activities.csv, run.json, report.html.

The HTML report is one self-contained file a reviewer works in offline: the run's
data is embedded once as JSON (activities as columns, pairs pointing at activity
positions) and the page's own script renders every view from it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from overlap.decisions import WORDING as DECISION_WORDING
from overlap.decisions import input_fingerprint
from overlap.groups import area_activity_groups
from overlap.labels import SECTOR_GROUPS, country_name, readable_reasons, sector_name
from overlap.outputs import write_csv_atomic, write_json_atomic, write_text_atomic
from overlap.pipeline import RunResult
from overlap.projection import map_method
from overlap.schema import CANONICAL_FIELDS, FEATURES, LIST_FIELDS, LIST_SEPARATOR, SOURCE_FIELDS
from overlap.score import pair_contributions
from overlap.scorer import SHORT_TEXT, PairScorer
from overlap.text import STOP_WORDS

#: Pair columns (schema.PAIR_COLUMNS) the page shows under their own key: the review
#: and the comparison with the last run (status new/changed/unchanged, and why).
PAGE_PAIR_COLUMNS = {"decision": "decision", "decision_note": "note",
                     "review_note": "review_note", "status": "status", "why": "why"}
#: Problems listed in the report; run.json lists them all.
MAX_PROBLEMS_IN_HTML = 200
#: Phrases quoted per side of a conflict in the report (pairs.csv's reasons quote fewer).
MAX_CONFLICT_PHRASES = 8
#: Map coordinates are integers in 0..MAP_SCALE: a tenth of a pixel on a 1000-pixel map.
MAP_SCALE = 10000
#: Bins of the overview's histogram of every reported pair's score.
HISTOGRAM_BINS = 20
#: Characters kept of the description of an activity the page lists (in a cluster) but
#: shows in no pair: enough to recognise it; activities.csv has the whole text.
DESCRIPTION_PREVIEW = 240
#: Organisation roles as the page lists them: IATI participating-org role codes 1-4
#: (funders and implementers read from columns are roles 1 and 4), then any other.
ORG_ROLES = ("Funding", "Accountable", "Extending", "Implementing", "Other")
_ROLE_OF_CODE = {"1": 0, "2": 1, "3": 2, "4": 3}
#: Where each list field's values are looked up: fields sharing a vocabulary share names.
_VOCABULARY_OF = {
    "countries": "country", "locations": "location", "sectors": "sector",
    "funders": "org", "implementers": "org",
}


def _joined(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in LIST_FIELDS:
        if name in out:
            out[name] = [LIST_SEPARATOR.join(v) for v in out[name]]
    return out


def pairs_table(result: RunResult) -> pd.DataFrame:
    """pairs.csv: the required columns first, then each evidence feature."""
    pairs, activities = result.pairs, result.activities
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    table = pd.DataFrame({
        "pair_id": pairs["pair_id"],
        "kind": pairs["kind"],
        "score": pairs["score"].round(4),
        "p_duplicate": pairs["p_duplicate"].round(4),
        "p_genuine": pairs["p_genuine"].round(4),
        "similarity": pairs["similarity"].astype(float).round(4),
        "id_a": activities["id"].to_numpy()[a],
        "actor_a": activities["actor"].to_numpy()[a],
        "title_a": activities["title"].to_numpy()[a],
        "id_b": activities["id"].to_numpy()[b],
        "actor_b": activities["actor"].to_numpy()[b],
        "title_b": activities["title"].to_numpy()[b],
        "cluster_id": pairs["cluster_id"],
        "reasons": pairs["reasons"],
        "decision": pairs["decision"],
        "decision_note": pairs["decision_note"],
        "axis": pairs["axis"],
        "population": pairs["population"],
    })
    for name in FEATURES:
        table[f"feature_{name}"] = pairs[name].astype(float).round(4)
    return table


def area_groups_table(groups: pd.DataFrame) -> pd.DataFrame:
    """area-groups.csv: one row per admin area and activity (overlap.groups), its
    organisations as "name (rows)" joined like list fields, the pairs' ids likewise."""
    return pd.DataFrame({
        "area": groups["area"], "activity": groups["activity"], "sector": groups["sector"],
        "organisations": [LIST_SEPARATOR.join(f"{name} ({rows})" for name, rows in orgs)
                          for orgs in groups["organisations"]],
        "n_organisations": groups["organisations"].map(len),
        "activities": groups["activities"], "pairs": groups["pairs"],
        "pair_ids": [LIST_SEPARATOR.join(ids) for ids in groups["pair_ids"]],
    })


def activities_table(result: RunResult) -> pd.DataFrame:
    columns = [*CANONICAL_FIELDS, *SOURCE_FIELDS, "cluster_id"]
    return _joined(result.activities[columns])


# ---------------------------------------------------------------- the report's data


class _Vocabulary:
    """Repeated strings (actors, countries, organisations) stored once, referenced by index."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._index: dict[str, int] = {}

    def code(self, name: str) -> int:
        if name not in self._index:
            self._index[name] = len(self.names)
            self.names.append(name)
        return self._index[name]

    def codes(self, names: Iterable[str]) -> list[int]:
        return [self.code(n) for n in names]


def _rounded(values: Iterable[float], digits: int = 3) -> list[float | None]:
    """Floats rounded for a compact page; NaN and infinities become null, which JSON allows."""
    return [round(float(v), digits) if math.isfinite(v) else None for v in values]


def _file_names(paths: pd.Series) -> list[str]:
    """Each path's file name, worked out once per distinct path (not once per activity)."""
    names = {path: Path(path).name for path in paths.unique()}
    return [names[path] for path in paths]


def organisations_by_role(funders: Iterable[str], implementers: Iterable[str],
                          participants: Iterable[str]) -> list[tuple[int, str]]:
    """(role, name) for each organisation an activity names, each once per role.

    Participants are "code:name" (IATI's participating-org role codes, as the XML
    reader, flattened IATI tables and accountable/extending columns give them); an item
    without a role code is role "Other".
    """
    seen: dict[tuple[int, str], None] = {}
    for role, names in ((0, funders), (3, implementers)):
        seen.update(((role, n.strip()), None) for n in names if n.strip())
    for participant in participants:
        code, colon, name = participant.partition(":")
        role = _ROLE_OF_CODE.get(code.strip(), 4) if colon and code.strip().isdigit() else 4
        name = name if colon and code.strip().isdigit() else participant
        if name.strip():
            seen[(role, name.strip())] = None
    return list(seen)


def _activities_data(activities: pd.DataFrame, vocabularies: dict[str, _Vocabulary],
                     clusters: dict[str, int], previews: np.ndarray) -> dict[str, list]:
    """Activities as columns: one list per field, so the page holds each value once.

    ``orgs`` is flat (role, organisation, role, organisation...) with roles indexing
    ``meta.org_roles``. Where ``previews`` is set, the description is only its start
    (``partial`` lists those positions).
    """
    files, orgs = vocabularies["file"], vocabularies["org"]
    descriptions = activities["description"].tolist()
    for position in np.flatnonzero(previews):
        text = descriptions[position]
        descriptions[position] = text[:DESCRIPTION_PREVIEW - 1] + "…" if len(text) > DESCRIPTION_PREVIEW else text
    sectors = vocabularies["sector"]
    return {
        "id": activities["id"].tolist(),
        "actor": vocabularies["actor"].codes(activities["actor"]),
        "title": activities["title"].tolist(),
        "description": descriptions,
        "partial": [int(p) for p in np.flatnonzero(previews)],
        **{
            name: [vocabularies[_VOCABULARY_OF[name]].codes(v) for v in activities[name]]
            for name in _VOCABULARY_OF if name != "sectors"
        },
        # sectors by name, so '14031' and '14031 Basic drinking water supply' are one
        "sectors": [list(dict.fromkeys(sectors.codes(sector_name(s)[0] for s in v)))
                    for v in activities["sectors"]],
        "orgs": [[value for role, name in organisations_by_role(*lists) for value in (role, orgs.code(name))]
                 for lists in zip(activities["funders"], activities["implementers"],
                                  activities["participating_orgs"])],
        "start": activities["start_date"].tolist(),
        "end": activities["end_date"].tolist(),
        "budget": _rounded(activities["budget"].astype(float), 2),
        "currency": activities["currency"].tolist(),
        "file": [files.code(name) for name in _file_names(activities["source_file"])],
        "row": [int(r) for r in activities["source_row"]],
        "cluster": [clusters.get(c, -1) for c in activities["cluster_id"]],
    }


def informativeness(p_duplicate: pd.Series, p_genuine: pd.Series) -> np.ndarray:
    """How much a reviewer's answer would teach the scorer: 1 where it is least sure.

    Per head, 1 - |2p - 1| is 1 at p = 0.5 and 0 at p = 0 or 1; a pair counts by its
    less certain head. Pairs without probabilities (conflicts) teach it nothing: 0.
    """
    uncertainty = [1 - np.abs(2 * column.to_numpy(dtype=np.float64) - 1)
                   for column in (p_duplicate, p_genuine)]
    return np.nan_to_num(np.fmax(*uncertainty), nan=0.0)


def _pairs_data(result: RunResult, shown: pd.DataFrame, kinds: _Vocabulary,
                clusters: dict[str, int]) -> dict[str, list]:
    """The shown pairs as columns; ``a``/``b`` are activity positions.

    ``contributions`` is flat, one value per pair and feature in the order of
    ``meta.features``: what the page's score bars draw. ``scorer`` says which of
    ``meta.scorers`` scored each pair (short texts have their own weights).
    ``p_duplicate`` and ``p_genuine`` are null for conflicts; ``informative`` orders
    the review queue (see ``informativeness``). Probabilities keep pairs.csv's four
    digits, so the page can show which side of a threshold a pair fell. Reasons name
    countries and sectors (pairs.csv keeps their codes).
    """
    contributions = pair_contributions(shown, result.scorer).to_numpy(dtype=np.float64)
    data = {
        "id": shown["pair_id"].tolist(),
        "kind": kinds.codes(shown["kind"]),
        "score": _rounded(shown["score"], 4),
        "p_duplicate": _rounded(shown["p_duplicate"], 4),
        "p_genuine": _rounded(shown["p_genuine"], 4),
        "informative": _rounded(informativeness(shown["p_duplicate"], shown["p_genuine"])),
        "a": [int(x) for x in shown["a"]],
        "b": [int(x) for x in shown["b"]],
        "reasons": [readable_reasons(r) for r in shown["reasons"]],
        "cluster": [clusters.get(c, -1) for c in shown["cluster_id"]],
        "contributions": _rounded(contributions.ravel()),
        "scorer": [int(s) for s in shown["short_text"]],
    }
    for column, key in PAGE_PAIR_COLUMNS.items():
        data[key] = shown[column].astype(str).tolist()
    return data


def _clusters_data(clusters: pd.DataFrame, activities: pd.DataFrame) -> dict[str, list]:
    """Each cluster's id, label and member positions; the page derives the rest from members."""
    positions = pd.Series(np.arange(len(activities))).groupby(activities["cluster_id"].to_numpy())
    members = {name: group.tolist() for name, group in positions}
    data = {
        "id": clusters["cluster_id"].tolist(),
        "label": clusters["label"].fillna("").tolist(),
        "members": [members.get(c, []) for c in clusters["cluster_id"]],
    }
    if "status" in clusters:
        data["status"] = clusters["status"].fillna("").astype(str).tolist()
    return data


def _phrases(column: pd.Series, rows: np.ndarray, known: np.ndarray) -> list[list[str]]:
    """The pole phrases the pipeline found on one side of each conflict; none where
    the axis is no longer in the axes file (its poles cannot be named)."""
    values = column.to_numpy()
    return [list(values[r])[:MAX_CONFLICT_PHRASES] if known[r] else [] for r in rows]


def _conflicts_data(result: RunResult, shown: pd.DataFrame, locations: _Vocabulary) -> dict[str, object]:
    """What the conflicts view and the matrix's conflict layer need.

    ``axes``: every axis checked (name, pole names, conflicts in the whole run), then
    any axis named by a pair but not among them. ``pairs``: one entry per conflict on
    the page: its pair position ``p``, ``axis`` (index into ``axes``), ``pole`` of
    side a (0: the axis' first pole; side b is at the other), each side's phrases,
    and the admin ``areas`` (location codes) both sides work in. Countries, actors,
    titles and dates are the activities' own.
    """
    kinds = result.pairs["kind"].to_numpy()
    run_axes = result.pairs["axis"].to_numpy()[kinds == "conflict"]
    totals = pd.Series(run_axes, dtype=object).value_counts().to_dict()
    names = [axis.name for axis in result.axes]
    names += [str(n) for n in dict.fromkeys(run_axes) if n and n not in names]
    by_name = {axis.name: axis for axis in result.axes}
    axes = [{"name": n, "a": by_name[n].a.name if n in by_name else "",
             "b": by_name[n].b.name if n in by_name else "", "total": int(totals.get(n, 0))}
            for n in names]
    index = {n: k for k, n in enumerate(names)}
    rows = np.flatnonzero(shown["kind"].to_numpy() == "conflict")
    axis_of = shown["axis"].to_numpy()
    known = np.array([name in by_name for name in axis_of], dtype=bool)
    # side a of a conflict sits at the axis' first pole (position < 0), as found
    position_a = shown["position_a"].to_numpy()
    areas = shown["areas"].to_numpy()
    conflicts = result.config.conflicts
    return {
        "enabled": bool(conflicts.enabled),
        "file": Path(conflicts.axes).name if conflicts.axes else "",
        "axes": axes,
        "pairs": {
            "p": [int(r) for r in rows],
            "axis": [index.get(axis_of[r], -1) for r in rows],
            "pole": [int(position_a[r] > 0) for r in rows],
            "phrases_a": _phrases(shown["evidence_a"], rows, known),
            "phrases_b": _phrases(shown["evidence_b"], rows, known),
            "areas": [locations.codes(areas[r]) for r in rows],
        },
    }


def _map_data(projection: np.ndarray | None, n: int) -> dict[str, list[int]]:
    """The 2-D projection scaled to integers 0..MAP_SCALE, x and y as flat lists.

    Each axis is centred on its median, divided by its interquartile range and
    passed through asinh: near-linear in the crowded middle, compressed in the long
    tails, so a few far-off texts do not squeeze everything else into one corner.
    """
    if projection is None or len(projection) != n or n == 0:
        return {"x": [], "y": []}
    points = np.nan_to_num(np.asarray(projection, dtype=np.float64)[:, :2])
    low, middle, high = np.percentile(points, [25, 50, 75], axis=0)
    spread = np.where(high > low, high - low, 1.0)
    squashed = np.arcsinh((points - middle) / spread)
    lowest, highest = squashed.min(axis=0), squashed.max(axis=0)
    span = np.where(highest > lowest, highest - lowest, 1.0)
    scaled = np.rint((squashed - lowest) / span * MAP_SCALE).astype(int)
    return {"x": scaled[:, 0].tolist(), "y": scaled[:, 1].tolist()}


def _areas_data(groups: pd.DataFrame, shown: pd.DataFrame) -> dict[str, object]:
    """The area x activity groups (overlap.groups) for the page: names once in ``names``,
    each group's area, activity and sector as indexes into them, its organisations as
    [name, rows], its pairs in the run and the positions of those this page shows."""
    names = _Vocabulary()
    position = {pair_id: p for p, pair_id in enumerate(shown["pair_id"])}
    return {
        "names": names.names,
        "groups": {
            "area": names.codes(groups["area"]),
            "activity": names.codes(groups["activity"]),
            "sector": names.codes(sector_name(s)[0] for s in groups["sector"]),
            "orgs": [[[names.code(org), int(rows)] for org, rows in orgs] for orgs in groups["organisations"]],
            "pairs_total": [int(n) for n in groups["pairs"]],
            "pairs": [[position[i] for i in ids if i in position] for ids in groups["pair_ids"]],
        },
    }


def _country_names(codes: list[str]) -> dict[str, str]:
    """English names for the ISO codes the activities use, for labels and filters."""
    return {code: name for code in codes if (name := country_name(code)) != code}


def score_histogram(pairs: pd.DataFrame, kinds: list[str]) -> dict[str, list[int]]:
    """Every reported pair (not only those in the page) per score band, by kind:
    ``HISTOGRAM_BINS`` equal bands of 0..1, the last one closed."""
    bands = np.minimum((pairs["score"].to_numpy(dtype=np.float64) * HISTOGRAM_BINS).astype(int),
                       HISTOGRAM_BINS - 1)
    kind_of = pairs["kind"].to_numpy()
    return {kind: np.bincount(bands[kind_of == kind], minlength=HISTOGRAM_BINS).tolist() for kind in kinds}


def _iati_files(result: RunResult) -> list[str]:
    """Names of the files whose ids are IATI identifiers: IATI XML, or tables with IATI's
    participating organisations or an IATI id column. Their ids link to d-portal."""
    return [Path(s.path).name for s in result.read.sources
            if s.format.startswith("IATI") or "participating_orgs" in s.mapping
            or "iati" in s.mapping.get("id", "").lower()]


def _scorer_view(scorer: PairScorer) -> dict[str, object]:
    """A scorer's name, bias and weights in ``FEATURES`` order (0 for unused features)."""
    return {"name": scorer.name, "bias": float(scorer.bias),
            "weights": [float(scorer.weights.get(name, 0.0)) for name in FEATURES]}


def _meta(result: RunResult, shown: int, kinds: _Vocabulary, embedded: int) -> dict[str, object]:
    """What the overview shows: inputs, counts, thresholds, model, problems.

    ``warnings`` counts the warnings other than skipped rows (each skipped row is a
    warning too, and is counted in ``skipped_rows``); ``problems`` lists both.
    """
    summary = result.summary()
    warnings = summary["warnings"]
    config = result.config
    return {
        "version": summary["version"],
        "command": summary["command"],
        "fingerprint": input_fingerprint(s.sha256 for s in result.read.sources),
        "files": [
            {"name": Path(s["path"]).name, "path": s["path"], "format": s["format"],
             "rows": s["rows"], "sha256": s["sha256"]}
            for s in summary["inputs"]
        ],
        "activities": summary["activities"],
        "actors": summary["actors"],
        "languages": summary.get("languages", {}),
        "links": summary.get("links", {}),
        "candidates": summary["candidate_pairs"],
        "total_pairs": summary["reported_pairs"],
        "shown_pairs": shown,
        "max_pairs_in_html": config.report.max_pairs_in_html,
        "counts": summary["counts"],
        "kinds": kinds.names,
        "clusters": summary["clusters"],
        "skipped_rows": len(result.skipped_rows),
        "warnings": summary["warnings_total"] - len(result.skipped_rows),
        "problems": warnings[:MAX_PROBLEMS_IN_HTML],
        "thresholds": {"report": config.score.report_threshold,
                       "duplicate": config.score.duplicate_threshold},
        "histogram": score_histogram(result.pairs, kinds.names),
        "embedded_activities": embedded,
        "org_roles": list(ORG_ROLES),
        "sector_groups": list(SECTOR_GROUPS),
        "iati_files": _iati_files(result),
        "stop_words": sorted(STOP_WORDS),
        "neighbours": config.neighbours.k,
        "embedder": result.model,
        "features": list(FEATURES),
        "scorers": [_scorer_view(result.scorer), _scorer_view(SHORT_TEXT)],
        "decisions": summary.get("decisions"),
        "decision_wording": DECISION_WORDING,
        "changes": summary.get("changes"),
        "reused": summary.get("reused") or {},
    }


def embedded_activities(result: RunResult, shown: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in ``result.activities``) of the activities the page uses, and which
    of them only as a cluster's member (their description is cut to a preview).

    An activity no shown pair and no cluster names is left out: on a large run most
    are, and their texts were most of the page.
    """
    in_pairs = np.zeros(len(result.activities), dtype=bool)
    in_pairs[shown["a"].to_numpy(dtype=int)] = True
    in_pairs[shown["b"].to_numpy(dtype=int)] = True
    clustered = result.activities["cluster_id"].fillna("").astype(str).to_numpy() != ""
    positions = np.flatnonzero(in_pairs | clustered)
    return positions, ~in_pairs[positions]


def report_data(result: RunResult, area_groups: pd.DataFrame | None = None) -> dict[str, object]:
    """Everything the page renders, built once; pairs are the top ``max_pairs_in_html``,
    activities those they and the clusters use (``embedded_activities``).
    ``area_groups``: ``groups.area_activity_groups`` of the run, when already made."""
    shown = result.pairs.head(result.config.report.max_pairs_in_html)
    positions, previews = embedded_activities(result, shown)
    page_position = np.full(len(result.activities), -1, dtype=np.int64)
    page_position[positions] = np.arange(len(positions))
    shown = shown.assign(a=page_position[shown["a"].to_numpy(dtype=int)],
                         b=page_position[shown["b"].to_numpy(dtype=int)])
    activities_frame = result.activities.iloc[positions].reset_index(drop=True)
    kinds = _Vocabulary()
    kinds.codes(["duplicate", "overlap", *result.pairs["kind"].unique()])
    vocabularies = {name: _Vocabulary() for name in ("actor", "country", "location", "sector",
                                                     "org", "file")}
    clusters = {c: i for i, c in enumerate(result.clusters["cluster_id"])}
    activities = _activities_data(activities_frame, vocabularies, clusters, previews)
    pairs = _pairs_data(result, shown, kinds, clusters)
    conflicts = _conflicts_data(result, shown, vocabularies["location"])
    vocab = {name: v.names for name, v in vocabularies.items()}
    group_of = {name: group for sectors in activities_frame["sectors"]
                for name, group in map(sector_name, sectors)}
    vocab["sector_group"] = [SECTOR_GROUPS.index(group_of[name]) for name in vocab["sector"]]
    projection = None if result.projection is None or len(result.projection) != len(result.activities) \
        else np.asarray(result.projection)[positions]
    return {
        "meta": _meta(result, len(shown), kinds, len(positions)),
        "vocab": vocab,
        "country_names": _country_names(vocabularies["country"].names),
        "activities": activities,
        "pairs": pairs,
        "clusters": _clusters_data(result.clusters, activities_frame),
        "conflicts": conflicts,
        # the map's layout, named for the reader: t-SNE, or PCA (overlap.projection)
        "map": {**_map_data(projection, len(positions)),
                "method": map_method(len(result.activities), result.config.report.map)},
        "areas": _areas_data(area_activity_groups(result.activities, result.pairs)
                             if area_groups is None else area_groups, shown),
    }


# ---------------------------------------------------------------- rendering


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("overlap", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def json_for_script(data: object) -> Markup:
    """JSON that is safe inside <script>: no input text can close the tag or open a comment."""
    text = json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


def render_html(result: RunResult, area_groups: pd.DataFrame | None = None) -> str:
    data = report_data(result, area_groups)
    meta = data["meta"]
    return _environment().get_template("report.html.j2").render(
        meta=meta,
        truncated=meta["shown_pairs"] < meta["total_pairs"],
        data_json=json_for_script(data),
    )


def write_outputs(result: RunResult, out: Path) -> dict[str, Path]:
    """Write every output into ``out``, each file atomically."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "pairs": out / "pairs.csv",
        "clusters": out / "clusters.csv",
        "activities": out / "activities.csv",
        "report": out / "report.html",
        "run": out / "run.json",
    }
    area_groups = area_activity_groups(result.activities, result.pairs)
    html = render_html(result, area_groups)
    if len(area_groups):  # 3W tables: who does what where, as coordinators read them
        paths["area_groups"] = out / "area-groups.csv"
        write_csv_atomic(paths["area_groups"], area_groups_table(area_groups))
    write_csv_atomic(paths["pairs"], pairs_table(result))
    write_csv_atomic(paths["clusters"], result.clusters)
    write_csv_atomic(paths["activities"], activities_table(result))
    write_text_atomic(paths["report"], html)
    write_json_atomic(paths["run"], result.summary())
    return paths
