"""Area x activity groups: a 3W table's pairs as coordinators read them.

A 3W table ("who does what where") lists one row per organisation, activity and admin
area, and every two organisations doing one activity in one area make a pair: 30,523
pairs for one country's table. Coordinators think in groups instead: in this district,
these organisations do water trucking (one row each, or more). A group here is one
admin area and one activity name, with the organisations in it and the reported pairs
inside it (both activities in the group), counted over the whole run.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from overlap.normalise import fold
from overlap.places import area_depth, location_key, places_overlap
from overlap.text import label_like

#: The columns of ``area_activity_groups``' table.
GROUP_COLUMNS = ["area", "activity", "sector", "organisations", "activities", "pairs", "pair_ids"]


def area_activity_groups(activities: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per admin area and activity name that holds a reported pair.

    Only activities whose text names an activity type (``text.label_like``: the rows of a
    3W table) and that name an admin area are grouped; an activity in several areas is
    in each area's group. Activity names match without case or accents and show as
    first written. ``organisations`` lists (name, rows) by rows then name; ``pair_ids``
    the reported pairs inside; groups come by pairs, then organisations, most first.
    """
    members: dict[tuple[str, str], list[int]] = {}
    shown_name: dict[str, str] = {}
    labels = label_like(activities) if len(activities) else []
    titles = [t or d for t, d in zip(activities["title"], activities["description"])]
    for position, (is_label, title, areas) in enumerate(zip(labels, titles, activities["locations"])):
        if not is_label or not areas or not title.strip():
            continue
        activity = fold(title)
        shown_name.setdefault(activity, title.strip())
        for area in dict.fromkeys(areas):
            members.setdefault((area, activity), []).append(position)
    group_of: dict[int, list[tuple[str, str]]] = {}
    for key, positions in members.items():
        for position in positions:
            group_of.setdefault(position, []).append(key)
    inside: dict[tuple[str, str], list[str]] = {}
    for pair_id, a, b in zip(pairs["pair_id"], pairs["a"], pairs["b"]):
        for key, nested in _shared_groups(group_of.get(int(a), []), group_of.get(int(b), [])):
            inside.setdefault(key, []).append(pair_id)
            if nested:  # the side in an area inside the group's area joins the group
                for position in (int(a), int(b)):
                    if key not in group_of[position]:
                        members[key].append(position)
                        group_of[position].append(key)
    rows = []
    actors, sectors = activities["actor"].to_numpy(), activities["sectors"].to_numpy()
    for key, pair_ids in inside.items():
        positions = members[key]
        organisations = Counter(actors[p] for p in positions)
        sector = Counter(s for p in positions for s in sectors[p]).most_common(1)
        rows.append({
            "area": key[0], "activity": shown_name[key[1]], "sector": sector[0][0] if sector else "",
            "organisations": sorted(organisations.items(), key=lambda item: (-item[1], item[0])),
            "activities": len(positions), "pairs": len(pair_ids), "pair_ids": pair_ids,
        })
    table = pd.DataFrame(rows, columns=GROUP_COLUMNS)
    if table.empty:
        return table
    table["n_organisations"] = table["organisations"].map(len)
    table = table.sort_values(["pairs", "n_organisations", "area", "activity"],
                              ascending=[False, False, True, True], kind="stable")
    return table.drop(columns="n_organisations").reset_index(drop=True)


def _shared_groups(left: list[tuple[str, str]], right: list[tuple[str, str]]):
    """The groups a pair lies inside, each with whether it got there through nesting.

    A group both sides are in; else, for the same activity in nested areas (a zone and
    a district in it), the larger area's group: the pair is about that area's work.
    """
    common = set(left) & set(right)
    if common:
        return [(key, False) for key in common]
    found = []
    for x_area, x_activity in left:
        for y_area, y_activity in right:
            if x_activity != y_activity:
                continue
            x_key, y_key = location_key(x_area), location_key(y_area)
            if x_key and y_key and places_overlap(x_key, y_key):
                larger = x_area if area_depth(x_key) <= area_depth(y_key) else y_area
                found.append(((larger, x_activity), True))
    return list(dict.fromkeys(found))
