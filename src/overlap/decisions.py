"""Reviewers' decisions on pairs: read them back from decisions.csv and apply them to a run.

The HTML report lets a reviewer mark each pair and export ``decisions.csv``.
Feeding that file to the next run keeps confirmed pairs marked and drops the
dismissed ones, so nobody reviews the same false lead twice. Pair ids come from
the two activities' (actor, id) keys, so a decision matches the same pair in a
later run even when rows moved or scores changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from overlap.errors import InputError
from overlap.outputs import unguard_frame

#: The columns the report exports, in order.
DECISION_COLUMNS = ("pair_id", "id_a", "id_b", "decision", "note", "reviewer", "decided_at")
#: Columns a decisions file must have; the others are kept when present.
REQUIRED_COLUMNS = ("pair_id", "decision")
DECISIONS = ("duplicate", "funding link", "related", "confirmed", "dismissed", "unsure")
#: Decisions that keep a pair and say it is genuine: what it is (or "confirmed": as reported).
GENUINE = ("duplicate", "funding link", "related", "confirmed")

#: What people write (or what the report's buttons say) -> the stored decision.
WORDING = {
    "confirmed": "confirmed",
    "confirm": "confirmed",
    "duplicate": "duplicate",
    "confirmed duplicate": "duplicate",
    "funding link": "funding link",
    "funding-chain": "funding link",
    "funding chain": "funding link",
    "related": "related",
    "overlap": "related",
    "dismissed": "dismissed",
    "dismiss": "dismissed",
    "not related": "dismissed",
    "unrelated": "dismissed",
    "not a duplicate": "dismissed",
    "not duplicate": "dismissed",
    "unsure": "unsure",
    "not sure": "unsure",
}


def decision_value(text: str) -> str | None:
    """The stored decision for a cell's text, or None when it is not one we know."""
    return WORDING.get(" ".join(text.strip().lower().replace("_", " ").split()))


def input_fingerprint(sha256s: Iterable[str]) -> str:
    """One id for a set of input files, whatever their order or names.

    The report keys a reviewer's saved decisions by it, so two reports of the
    same inputs share decisions and a report of other inputs starts empty.
    """
    joined = "\n".join(sorted(s for s in sha256s if s))
    return hashlib.sha256(joined.encode("ascii")).hexdigest()[:16]


def _read_one(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("decisions file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"cannot read the decisions file: {exc}", file=str(path)) from None
    except pd.errors.EmptyDataError:
        raise InputError("the decisions file is empty", file=str(path),
                         expected="a CSV with columns " + ", ".join(DECISION_COLUMNS)) from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise InputError("missing columns " + ", ".join(missing), file=str(path),
                         expected="a CSV with columns " + ", ".join(DECISION_COLUMNS))
    for column in DECISION_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    # the report's export guards formula-like cells with a quote (outputs.guard_cell)
    table = unguard_frame(table[list(DECISION_COLUMNS)]).apply(lambda s: s.str.strip())
    _validate(table, path)
    table["decision"] = table["decision"].map(decision_value)
    return table


def _validate(table: pd.DataFrame, path: Path) -> None:
    """Stop at the first bad row, naming it as a spreadsheet shows it (header = row 1)."""
    for position, (pair, decision) in enumerate(zip(table["pair_id"], table["decision"])):
        row = position + 2
        if not pair:
            raise InputError("empty pair_id", file=str(path), row=row, column="pair_id",
                             expected="the pair id from pairs.csv or the report")
        if decision_value(decision) is None:
            raise InputError(f"unknown decision {decision!r}", file=str(path), row=row,
                             column="decision",
                             expected="duplicate, funding link, related, not related (or dismissed), "
                                      "confirmed or unsure")


def load_decisions(paths: str | Path | Iterable[str | Path]) -> pd.DataFrame:
    """Every decision from one or more decisions.csv files, one row per pair.

    When a pair is decided more than once, the last row wins (files in the
    order given, rows in file order), so a later export overrides an earlier one.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    tables = [_read_one(Path(p)) for p in paths]
    if not tables:
        return pd.DataFrame(columns=list(DECISION_COLUMNS))
    table = pd.concat(tables, ignore_index=True)
    return table.drop_duplicates("pair_id", keep="last").reset_index(drop=True)


def apply_decisions(pairs: pd.DataFrame, decisions: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Mark genuine and unsure pairs, drop dismissed (not related) ones; counts for run.json.

    Returns the pairs with ``decision`` and ``decision_note`` columns ('' when
    undecided) and the counts: decisions read, confirmed, unsure, dismissed
    (removed), and unmatched (decided pairs this run did not report).
    """
    decision_of = dict(zip(decisions["pair_id"], decisions["decision"]))
    note_of = dict(zip(decisions["pair_id"], decisions["note"]))
    decided = pd.Series([decision_of.get(p, "") for p in pairs["pair_id"]], index=pairs.index)
    notes = [note_of.get(p, "") for p in pairs["pair_id"]]
    kept = decided != "dismissed"
    marked = pairs.assign(decision=decided, decision_note=notes)[kept].reset_index(drop=True)
    stats = {
        "read": int(len(decisions)),
        "confirmed": int(decided.isin(GENUINE).sum()),
        "unsure": int((decided == "unsure").sum()),
        "dismissed": int((~kept).sum()),
        "unmatched": int((~decisions["pair_id"].isin(pairs["pair_id"])).sum()),
    }
    return marked, stats
