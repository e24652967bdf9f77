"""Write a run's outputs: pairs.csv, clusters.csv, activities.csv, run.json, report.html."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from overlap.outputs import write_csv_atomic, write_json_atomic, write_text_atomic
from overlap.pipeline import RunResult
from overlap.schema import CANONICAL_FIELDS, LIST_FIELDS, LIST_SEPARATOR, SOURCE_FIELDS
from overlap.score import FEATURES

PAIR_COLUMNS = [
    "pair_id", "kind", "score", "similarity", "id_a", "actor_a", "title_a",
    "id_b", "actor_b", "title_b", "cluster_id", "reasons",
]


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
        "similarity": pairs["similarity"].astype(float).round(4),
        "id_a": activities["id"].to_numpy()[a],
        "actor_a": activities["actor"].to_numpy()[a],
        "title_a": activities["title"].to_numpy()[a],
        "id_b": activities["id"].to_numpy()[b],
        "actor_b": activities["actor"].to_numpy()[b],
        "title_b": activities["title"].to_numpy()[b],
        "cluster_id": pairs["cluster_id"],
        "reasons": pairs["reasons"],
    })
    for name in FEATURES:
        table[f"feature_{name}"] = pairs[name].astype(float).round(4)
    return table


def activities_table(result: RunResult) -> pd.DataFrame:
    columns = [*CANONICAL_FIELDS, *SOURCE_FIELDS, "cluster_id"]
    return _joined(result.activities[columns])


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("overlap", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _activity_view(activities: pd.DataFrame, position: int) -> dict[str, object]:
    row = activities.iloc[position]
    return {
        "id": row["id"], "actor": row["actor"], "title": row["title"],
        "description": row["description"], "countries": list(row["countries"]),
        "locations": list(row["locations"]), "sectors": list(row["sectors"]),
        "start_date": row["start_date"], "end_date": row["end_date"],
        "budget": None if pd.isna(row["budget"]) else float(row["budget"]),
        "currency": row["currency"], "funders": list(row["funders"]),
        "implementers": list(row["implementers"]),
        "source": f"{Path(row['source_file']).name} row {row['source_row']}",
        "cluster_id": row["cluster_id"],
    }


def render_html(result: RunResult) -> str:
    limit = result.config.report.max_pairs_in_html
    shown = result.pairs.head(limit)
    contributions = result.scorer.contributions(shown[list(result.scorer.weights)])
    pairs = []
    for position, row in enumerate(shown.itertuples()):
        pairs.append({
            "pair_id": row.pair_id, "kind": row.kind, "score": float(row.score),
            "similarity": float(row.similarity), "reasons": row.reasons,
            "cluster_id": row.cluster_id,
            "a": _activity_view(result.activities, int(row.a)),
            "b": _activity_view(result.activities, int(row.b)),
            "contributions": {k: round(float(v), 3) for k, v in contributions.iloc[position].items()},
        })
    clusters = []
    for row in result.clusters.itertuples():
        members = result.activities[result.activities["cluster_id"] == row.cluster_id]
        clusters.append({
            "cluster_id": row.cluster_id, "label": row.label, "size": int(row.size),
            "actors": row.actors, "countries": row.countries, "sectors": row.sectors,
            "activities": [
                {"id": m.id, "actor": m.actor, "title": m.title or m.description[:120]}
                for m in members.itertuples()
            ],
        })
    summary = result.summary()
    return _environment().get_template("report.html.j2").render(
        summary=summary,
        pairs=pairs,
        clusters=clusters,
        total_pairs=len(result.pairs),
        shown_pairs=len(pairs),
        inputs=summary["inputs"],
        config=result.config,
        languages=sorted(set(result.activities["language"]) - {""}),
        summary_json=json_for_script(summary),
    )


def json_for_script(data: object) -> Markup:
    """JSON that is safe inside <script>: no input text can close the tag or open a comment."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


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
    html = render_html(result)
    write_csv_atomic(paths["pairs"], pairs_table(result))
    write_csv_atomic(paths["clusters"], result.clusters)
    write_csv_atomic(paths["activities"], activities_table(result))
    write_text_atomic(paths["report"], html)
    write_json_atomic(paths["run"], result.summary())
    return paths
