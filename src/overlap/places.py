"""Where and when activities take place, and whether two agree: admin areas and periods.

Scoring, conflicts and the report all ask whether two activities work in the same
area and at the same time; this module gives the one answer each of them uses.
An admin area is a name path ('Amhara > North Wollo > Bugna'), optionally ending
in a P-code ('[ET030101]') whose prefixes are the codes of the areas around it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from overlap.normalise import fold

#: a period with one known date is taken to last this long
ASSUMED_DURATION = pd.Timedelta(days=365)

_PCODE = re.compile(r"\[([^\]]+)\]\s*$")
_EPOCH = pd.Timestamp("1970-01-01")


# ---------------------------------------------------------------- admin areas


@functools.lru_cache(maxsize=1 << 16)
def location_key(item: str) -> tuple[str, ...]:
    """'Amhara > North Wollo > Bugna [ET030101]' -> ('#ET030101',); else folded name path.

    Cached: every pair compares its sides' areas, and the same areas recur in many pairs.
    """
    code = _PCODE.search(item)
    if code:
        return ("#" + code.group(1).strip().upper(),)
    return tuple(fold(part) for part in item.split(">") if part.strip())


def places_overlap(left: tuple[str, ...], right: tuple[str, ...]) -> bool:
    """Nested areas overlap: a P-code inside another (prefix), or a name path inside another."""
    if left[0].startswith("#") and right[0].startswith("#"):
        return left[0].startswith(right[0]) or right[0].startswith(left[0])
    if left[0].startswith("#") or right[0].startswith("#"):
        return False
    shorter = min(len(left), len(right))
    return left[:shorter] == right[:shorter]


def nested_areas(left: Sequence[str], right: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Each (area of left, area of right) of which one lies in or contains the other."""
    right_keys = [(y, key) for y in right if (key := location_key(y))]
    for x in left:
        x_key = location_key(x)
        if x_key:
            for y, y_key in right_keys:
                if places_overlap(x_key, y_key):
                    yield x, y


def place_agreement(left: Sequence[str], right: Sequence[str]) -> float:
    """+1 when an area of one side lies in (or contains) an area of the other, -1 when
    both sides name areas and none do, 0 when a side names none (no evidence either way)."""
    if not left or not right:
        return 0.0
    return 1.0 if next(nested_areas(left, right), None) else -1.0


def areas_in_common(left: Sequence[str], right: Sequence[str]) -> tuple[str, ...]:
    """The areas of ``left`` that lie in or contain an area of ``right``: what a reason names."""
    return tuple(dict.fromkeys(x for x, _ in nested_areas(left, right)))


def area_depth(key: tuple[str, ...]) -> int:
    """How deep an area lies: the length of its P-code, or of its name path."""
    return len(key[0]) if key[0].startswith("#") else len(key)


def smallest_areas_in_common(left: Sequence[str], right: Sequence[str]) -> list[str]:
    """The admin areas both sides work in: of each two nested areas, the smaller one."""
    found: dict[str, None] = {}
    for x, y in nested_areas(left, right):
        found[x if area_depth(location_key(x)) >= area_depth(location_key(y)) else y] = None
    return list(found)


# ---------------------------------------------------------------- periods


def _day_numbers(dates: pd.Series) -> np.ndarray:
    return (dates - _EPOCH).dt.days.to_numpy(dtype=float, copy=True)


def periods(activities: pd.DataFrame, *, open_ended: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """First and last day of each activity as day numbers, NaN when no date is known.

    A missing end is start + 1 year and a missing start end - 1 year; with
    ``open_ended`` a missing end or start stays open (+/- infinity): a programme that
    gives only its end may have run for years before it. An end before its start
    (dates typed the wrong way round) is swapped with it.
    """
    start = pd.to_datetime(activities["start_date"].replace("", None), errors="coerce")
    end = pd.to_datetime(activities["end_date"].replace("", None), errors="coerce")
    first, last = _day_numbers(start), _day_numbers(end)
    swapped = first > last
    first[swapped], last[swapped] = last[swapped], first[swapped]
    one_known = np.isnan(first) != np.isnan(last)
    if open_ended:
        first[one_known & np.isnan(first)] = -np.inf
        last[one_known & np.isnan(last)] = np.inf
    else:
        duration = ASSUMED_DURATION.days
        first = np.where(one_known & np.isnan(first), last - duration, first)
        last = np.where(one_known & np.isnan(last), first + duration, last)
    return first, last


def date_agreement(first: np.ndarray, last: np.ndarray, a: np.ndarray,
                   b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair (rows ``a``, ``b`` of ``periods``): the share of the shorter period that
    overlaps (0 when a period is unknown, -1 when both are known and disjoint), and the
    first and last day of the common period."""
    lo = np.maximum(first[a], first[b])
    hi = np.minimum(last[a], last[b])
    known = ~(np.isnan(first[a]) | np.isnan(first[b]))
    shorter = np.maximum(np.minimum(last[a] - first[a], last[b] - first[b]), 1.0)
    overlap = np.where(known, np.clip((hi - lo) / shorter, 0, 1), 0.0)
    value = np.where(known & (hi < lo), -1.0, overlap)
    return value, lo, hi
