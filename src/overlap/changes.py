"""What changed since the last run, stable cluster ids, and reviewers' decisions remembered.

The state keeps the last published run (``previous/``: its pairs and each
activity's text hash and cluster) and every decision seen (``decisions.csv``,
with the text hashes of the pair's two activities when it was decided). A run
compares itself with them:

- each pair is ``new``, ``changed`` (score moved by ``score_change`` or kind
  changed) or ``unchanged``; last run's pairs that are gone are ``resolved`` with
  why (an activity removed, its text changed, dismissed, now below threshold);
- a cluster keeps the id of the previous cluster it overlaps most (Jaccard at
  least ``cluster_match``, one-to-one), so ids survive members coming and going;
- a dismissed pair stays hidden until one of its activities' text changes; then
  it comes back as ``changed`` with a ``review_note`` saying so.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from overlap.cache import text_digest
from overlap.cluster import cluster_id
from overlap.decisions import DECISION_COLUMNS, apply_decisions
from overlap.normalise import activity_keys
from overlap.outputs import unguard_frame, write_csv_atomic, write_json_atomic
from overlap.state import State, StateDamaged, now_utc

#: bump when previous/ changes meaning; a previous run of another format is ignored
PREVIOUS_FORMAT = 1
#: kinds whose new appearance is worth an alert (exit code 10)
ALERT_KINDS = ("duplicate", "funding-chain")
STATUSES = ("new", "changed", "unchanged", "resolved")
PREVIOUS_PAIR_COLUMNS = ["pair_id", "kind", "score", "actor_key_a", "id_a", "actor_a", "title_a",
                         "text_hash_a", "actor_key_b", "id_b", "actor_b", "title_b", "text_hash_b"]
PREVIOUS_ACTIVITY_COLUMNS = ["actor_key", "id", "text_hash", "cluster_id"]
#: stored decisions: the report's columns, the decided texts' hashes, when the state got it
STORED_DECISION_COLUMNS = [*DECISION_COLUMNS, "text_hash_a", "text_hash_b", "stored_at"]
CHANGE_COLUMNS = ["pair_id", "status", "kind", "previous_kind", "score", "previous_score", "why",
                  "review_note", "id_a", "actor_a", "title_a", "id_b", "actor_b", "title_b",
                  "cluster_id"]


def text_hashes(texts: list[str]) -> list[str]:
    """The text hash stored per activity: a changed hash means a material text change."""
    return [f"{text_digest(t):016x}" for t in texts]


@dataclass
class PreviousRun:
    """The last published run, as much of it as comparing needs."""

    finished: str
    #: actor_key, id, text_hash, cluster_id per activity
    activities: pd.DataFrame
    #: PREVIOUS_PAIR_COLUMNS per reported pair
    pairs: pd.DataFrame


@dataclass
class History:
    """What a run remembers: the last published run (None at first) and stored decisions."""

    previous: PreviousRun | None = None
    decisions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=STORED_DECISION_COLUMNS)
    )


# ---------------------------------------------------------------- reading and writing


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_csv(path, columns: list[str]) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise StateDamaged(f"{path.name} lacks columns {', '.join(missing)}")
    return unguard_frame(table[columns])


def _load_previous(state: State) -> PreviousRun | None:
    folder = state.previous_dir
    if not folder.exists():
        return None
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != PREVIOUS_FORMAT:
            raise StateDamaged(f"format {manifest.get('format')!r}, expected {PREVIOUS_FORMAT}")
        for name, digest in manifest["files"].items():
            if _sha256((folder / name).read_bytes()) != digest:
                raise StateDamaged(f"{name} does not match its checksum")
        activities = _read_csv(folder / "activities.csv", PREVIOUS_ACTIVITY_COLUMNS)
        pairs = _read_csv(folder / "pairs.csv", PREVIOUS_PAIR_COLUMNS)
        pairs["score"] = pairs["score"].astype(float)
    except StateDamaged:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError, pd.errors.ParserError) as exc:
        raise StateDamaged(f"unreadable ({exc})") from None
    return PreviousRun(finished=str(manifest.get("finished", "")), activities=activities, pairs=pairs)


def _load_decisions(state: State) -> pd.DataFrame:
    path = state.decisions_path
    if not path.exists():
        return pd.DataFrame(columns=STORED_DECISION_COLUMNS)
    try:
        return _read_csv(path, STORED_DECISION_COLUMNS)
    except StateDamaged:
        raise
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise StateDamaged(f"unreadable ({exc})") from None


def load_history(state: State | None) -> History:
    """The state's memory; a damaged part is noted and dropped (decisions set aside)."""
    if state is None:
        return History()
    history = History()
    try:
        history.previous = _load_previous(state)
    except StateDamaged as damage:
        state.set_aside(state.previous_dir, f"last run's results damaged: {damage}")
    try:
        history.decisions = _load_decisions(state)
    except StateDamaged as damage:
        state.set_aside(state.decisions_path, f"stored decisions damaged: {damage}")
    return history


def _previous_pairs(pairs: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    table = {"pair_id": pairs["pair_id"], "kind": pairs["kind"], "score": pairs["score"]}
    for side, rows in (("a", a), ("b", b)):
        for column, source in (("actor_key", "actor_key"), ("id", "id"), ("actor", "actor"),
                               ("title", "title"), ("text_hash", "text_hash")):
            table[f"{column}_{side}"] = activities[source].to_numpy()[rows]
    return pd.DataFrame(table)[PREVIOUS_PAIR_COLUMNS]


def save_history(state: State, activities: pd.DataFrame, pairs: pd.DataFrame,
                 decisions: pd.DataFrame) -> None:
    """Remember a published run; the manifest, written last, vouches for the files."""
    folder = state.previous_dir
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "activities.csv": activities[PREVIOUS_ACTIVITY_COLUMNS],
        "pairs.csv": _previous_pairs(pairs, activities),
    }
    digests = {}
    for name, frame in files.items():
        write_csv_atomic(folder / name, frame)
        digests[name] = _sha256((folder / name).read_bytes())
    write_json_atomic(folder / "manifest.json",
                      {"format": PREVIOUS_FORMAT, "finished": now_utc(), "files": digests})
    write_csv_atomic(state.decisions_path, decisions[STORED_DECISION_COLUMNS])


# ---------------------------------------------------------------- review memory


def _newer(candidate: pd.Series, stored: pd.Series) -> bool:
    """A decision from a file replaces the stored one unless it is the same or older."""
    same = all(candidate[c] == stored[c] for c in ("decision", "note", "reviewer", "decided_at"))
    older = bool(candidate["decided_at"]) and candidate["decided_at"] < stored["decided_at"]
    return not same and not older


def remember_decisions(history: History, from_files: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Stored decisions updated with the files' ones, each with its texts' hashes.

    A new decision was made on the last published report, so its hashes are that
    run's; a pair it did not report takes this run's; one in neither gets them
    when a run first reports it.
    """
    stored = history.decisions.set_index("pair_id", drop=False)
    seen_then = (history.previous.pairs.set_index("pair_id") if history.previous is not None
                 else pd.DataFrame(columns=["text_hash_a", "text_hash_b"]))
    seen_now = pairs.set_index("pair_id")[["text_hash_a", "text_hash_b"]]
    rows = {pair: row for pair, row in stored.iterrows()}
    for _, row in from_files.iterrows():
        pair = row["pair_id"]
        if pair in rows and not _newer(row, rows[pair]):
            continue
        source = seen_then if pair in seen_then.index else seen_now
        hash_a, hash_b = (source.loc[pair, ["text_hash_a", "text_hash_b"]].tolist()
                          if pair in source.index else ("", ""))
        rows[pair] = pd.Series({**row.to_dict(), "text_hash_a": hash_a,
                                "text_hash_b": hash_b, "stored_at": now_utc()})
    table = pd.DataFrame(list(rows.values()), columns=STORED_DECISION_COLUMNS).fillna("")
    unknown = (table["text_hash_a"] == "") & table["pair_id"].isin(seen_now.index)
    for side in ("text_hash_a", "text_hash_b"):
        table.loc[unknown, side] = seen_now.loc[table.loc[unknown, "pair_id"], side].to_numpy()
    return table.reset_index(drop=True)


def _review_note(decision: str, decided_at: str, stored_at: str) -> str:
    day = (decided_at or stored_at)[:10]
    return f"{decision} on {day}, text changed since" if day else f"{decision}, text changed since"


def texts_changed(then_a, then_b, now_a, now_b):
    """Whether a pair's texts changed since a decision on it (hashes then and now, element
    by element; a decision stored without hashes holds)."""
    return (then_a != "") & ((now_a != then_a) | (now_b != then_b))


def apply_review(pairs: pd.DataFrame, decisions: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int], set[str]]:
    """Apply the decisions still in force; returns pairs, counts and the reopened pair ids.

    A decision stays in force while both texts hash as when it was made. A
    dismissal whose texts changed no longer hides its pair; every decision whose
    texts changed gets a ``review_note`` on its pair.
    """
    decided = pairs[["pair_id", "text_hash_a", "text_hash_b"]].astype(str).merge(
        decisions, on="pair_id", how="inner", suffixes=("", "_decided"))
    moved = texts_changed(decided["text_hash_a_decided"], decided["text_hash_b_decided"],
                          decided["text_hash_a"], decided["text_hash_b"])
    reopened = set(decided.loc[moved & (decided["decision"] == "dismissed"), "pair_id"])
    notes = {row.pair_id: _review_note(row.decision, row.decided_at, row.stored_at)
             for row in decided[moved].itertuples()}
    in_force = decisions[~decisions["pair_id"].isin(reopened)]
    marked, stats = apply_decisions(pairs, in_force[list(DECISION_COLUMNS)])
    marked["review_note"] = [notes.get(p, "") for p in marked["pair_id"]]
    stats["reopened"] = len(reopened)
    return marked, stats, reopened


# ---------------------------------------------------------------- stable cluster ids


def _members(labels: np.ndarray, keys: np.ndarray) -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for label, key in zip(labels, keys):
        if label:
            groups.setdefault(label, set()).add(key)
    return {label: frozenset(members) for label, members in groups.items()}


def match_clusters(current: dict[str, frozenset[str]], previous: dict[str, frozenset[str]],
                   min_jaccard: float) -> dict[str, str]:
    """current id -> previous id, best Jaccard first, each previous cluster used once."""
    owner = {key: label for label, members in previous.items() for key in members}
    scored = []
    for label, members in current.items():
        shared = Counter(owner[k] for k in members if k in owner)
        for old, inter in shared.items():
            jaccard = inter / (len(members) + len(previous[old]) - inter)
            if jaccard >= min_jaccard:
                scored.append((-jaccard, -inter, label, old))
    matches: dict[str, str] = {}
    for _, _, label, old in sorted(scored):
        if label not in matches and old not in matches.values():
            matches[label] = old
    return matches


def keep_cluster_ids(labels: np.ndarray, keys: np.ndarray, previous: PreviousRun | None,
                     min_jaccard: float) -> tuple[np.ndarray, dict[str, str]]:
    """Labels renamed to the previous run's ids where clusters match; the status per id.

    An unmatched cluster keeps its member-based id unless an older cluster holds
    it, then gets a derived one, so one id never names two clusters.
    """
    current = _members(labels, keys)
    if previous is None:
        return labels, dict.fromkeys(current, "new")
    before = _members(previous.activities["cluster_id"].to_numpy(),
                      activity_keys(previous.activities))
    matches = match_clusters(current, before, min_jaccard)
    taken = set(before) | set(matches.values())
    renamed, status = {}, {}
    for label, members in current.items():
        if label in matches:
            renamed[label] = matches[label]
            status[matches[label]] = "unchanged" if before[matches[label]] == members else "changed"
            continue
        fresh = label
        while fresh in taken:
            fresh = cluster_id([fresh])
        taken.add(fresh)
        renamed[label] = fresh
        status[fresh] = "new"
    new_labels = np.array([renamed.get(label, "") for label in labels], dtype=object)
    return new_labels, status


# ---------------------------------------------------------------- pair statuses


def _new_why(pairs: pd.DataFrame, previous: PreviousRun | None) -> np.ndarray:
    if previous is None:
        return np.full(len(pairs), "first run", dtype=object)
    hash_of = dict(zip(activity_keys(previous.activities), previous.activities["text_hash"]))
    why = []
    for row in pairs[["key_a", "key_b", "text_hash_a", "text_hash_b"]].itertuples(index=False):
        before = (hash_of.get(row.key_a), hash_of.get(row.key_b))
        if None in before:
            why.append("new activity")
        elif before != (row.text_hash_a, row.text_hash_b):
            why.append("text changed")
        else:
            why.append("now above threshold")
    return np.array(why, dtype=object)


def pair_statuses(pairs: pd.DataFrame, previous: PreviousRun | None, reopened: set[str],
                  score_change: float) -> pd.DataFrame:
    """status, previous_kind, previous_score and why for each reported pair.

    ``pairs`` needs key_a/key_b and text_hash_a/b besides pair_id, kind, score.
    """
    kind_of, score_of = {}, {}
    if previous is not None:
        kind_of = dict(zip(previous.pairs["pair_id"], previous.pairs["kind"]))
        score_of = dict(zip(previous.pairs["pair_id"], previous.pairs["score"]))
    ids = pairs["pair_id"]
    previous_kind = np.array([kind_of.get(p, "") for p in ids], dtype=object)
    previous_score = np.array([score_of.get(p, np.nan) for p in ids], dtype=float)
    score = pairs["score"].to_numpy(dtype=float)
    seen = previous_kind != ""
    moved = np.abs(score - previous_score) >= score_change - 1e-9
    kind_changed = seen & (previous_kind != pairs["kind"].to_numpy())
    returned = pairs["pair_id"].isin(reopened).to_numpy()
    status = np.select([returned, ~seen, moved | kind_changed], ["changed", "new", "changed"],
                       "unchanged")
    why = np.where(kind_changed, "kind " + previous_kind + " -> " + pairs["kind"].to_numpy(dtype=object),
                   np.where(moved & seen, [f"score {p:.2f} -> {s:.2f}" for p, s in
                                           zip(previous_score, score)], ""))
    why = np.where(status == "new", _new_why(pairs, previous), why)
    why = np.where(returned, pairs["review_note"].to_numpy(dtype=object), why)
    return pd.DataFrame({"status": status, "previous_kind": previous_kind,
                         "previous_score": previous_score, "why": why}, index=pairs.index)


def resolved_pairs(previous: PreviousRun | None, activities: pd.DataFrame,
                   reported: set[str], dismissed: set[str]) -> pd.DataFrame:
    """Last run's pairs this run does not report, each with why."""
    if previous is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    gone = previous.pairs[~previous.pairs["pair_id"].isin(reported)]
    hash_now = dict(zip(activity_keys(activities), activities["text_hash"]))
    why = []
    for row in gone.itertuples(index=False):
        now = (hash_now.get(f"{row.actor_key_a}\x1f{row.id_a}"),
               hash_now.get(f"{row.actor_key_b}\x1f{row.id_b}"))
        if None in now:
            why.append("activity removed")
        elif now != (row.text_hash_a, row.text_hash_b):
            why.append("text changed")
        elif row.pair_id in dismissed:
            why.append("dismissed")
        else:
            why.append("below threshold")
    return pd.DataFrame({
        "pair_id": gone["pair_id"], "status": "resolved", "kind": "", "previous_kind": gone["kind"],
        "score": np.nan, "previous_score": gone["score"], "why": why, "review_note": "",
        "id_a": gone["id_a"], "actor_a": gone["actor_a"], "title_a": gone["title_a"],
        "id_b": gone["id_b"], "actor_b": gone["actor_b"], "title_b": gone["title_b"],
        "cluster_id": "",
    })[CHANGE_COLUMNS]


def changes_table(pairs: pd.DataFrame, activities: pd.DataFrame, resolved: pd.DataFrame) -> pd.DataFrame:
    """changes.csv: new and changed pairs, then resolved ones."""
    moved = pairs[pairs["status"] != "unchanged"]
    a, b = moved["a"].to_numpy(), moved["b"].to_numpy()
    table = pd.DataFrame({
        "pair_id": moved["pair_id"], "status": moved["status"], "kind": moved["kind"],
        "previous_kind": moved["previous_kind"], "score": moved["score"],
        "previous_score": moved["previous_score"], "why": moved["why"],
        "review_note": moved["review_note"],
        "id_a": activities["id"].to_numpy()[a], "actor_a": activities["actor"].to_numpy()[a],
        "title_a": activities["title"].to_numpy()[a],
        "id_b": activities["id"].to_numpy()[b], "actor_b": activities["actor"].to_numpy()[b],
        "title_b": activities["title"].to_numpy()[b], "cluster_id": moved["cluster_id"],
    })
    frames = [f for f in (table, resolved) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[CHANGE_COLUMNS]


def summarise_changes(pairs: pd.DataFrame, resolved: pd.DataFrame, cluster_status: dict[str, str],
                      previous: PreviousRun | None) -> dict[str, object]:
    """run.json's ``changes``: counts by status, why pairs resolved, new alerts."""
    pair_counts = {s: int((pairs["status"] == s).sum()) for s in STATUSES[:3]}
    pair_counts["resolved"] = int(len(resolved))
    clusters = Counter(cluster_status.values())
    matched_before = sum(1 for s in cluster_status.values() if s != "new")
    before = (previous.activities["cluster_id"].replace("", np.nan).nunique()
              if previous is not None else 0)
    alerts = pairs["kind"].isin(ALERT_KINDS) & ~pairs["previous_kind"].isin(ALERT_KINDS)
    return {
        "previous_run": previous.finished if previous is not None else None,
        "pairs": pair_counts,
        "resolved_why": dict(Counter(resolved["why"])),
        "clusters": {**{s: int(clusters.get(s, 0)) for s in STATUSES[:3]},
                     "resolved": int(before - matched_before)},
        "new_alerts": int(alerts.sum()),
    }
