"""Parts of one plan: a programme decision and its contracts, two contracts of one decision.

Known from declared links (any kind) and from hierarchical ids. Two parts of one plan
carry it out together: they never conflict, and the same wording in both is one
programme described twice, not one effort duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: a parent with more children than this is a portfolio (a fund's results framework over
#: all its programmes), not one plan: its children are not siblings of each other
MAX_PLAN_PARTS = 20
#: characters after which the start of an id may be another activity's id: the parent
#: of a hierarchical id ("T05-EUTF-SAH-NE-05" is the programme of "T05-EUTF-SAH-NE-05-01")
_ID_SEPARATORS = "-_./"


@dataclass
class Family:
    """Activities that are parts of one another: never a conflict.

    A programme decision and its contracts, two contracts of one decision (up to
    MAX_PLAN_PARTS), a funder's activity and its implementer's: whatever each side
    says, they carry out one plan.
    Known from declared links (any kind) and from hierarchical ids (an activity's id
    followed by a separator starts its children's ids).
    """

    related: set[tuple[int, int]]
    #: activity -> the activities directly under it
    children: dict[int, set[int]]
    #: activity -> the activities directly above it (``children`` the other way)
    parents: dict[int, list[int]]

    @classmethod
    def of(cls, activities: pd.DataFrame, links: pd.DataFrame | None = None) -> Family:
        rows: dict[str, list[int]] = {}
        for row, activity_id in enumerate(activities["id"]):
            rows.setdefault(activity_id, []).append(row)
        related: set[tuple[int, int]] = set()
        children: dict[int, set[int]] = {}

        def under(parent: str, child: str) -> None:
            for x in rows.get(parent, []):
                for y in rows.get(child, []):
                    if x != y:
                        children.setdefault(x, set()).add(y)

        for activity_id in rows:
            for end, character in enumerate(activity_id):
                if character in _ID_SEPARATORS and activity_id[:end] in rows:
                    under(activity_id[:end], activity_id)
        if links is not None and not links.empty:
            for link in links.itertuples():
                if link.type.endswith(":parent"):
                    under(link.to_id, link.from_id)
                elif link.type.endswith(":child"):
                    under(link.from_id, link.to_id)
                for x in rows.get(link.from_id, []):
                    related.update((min(x, y), max(x, y)) for y in rows.get(link.to_id, []) if x != y)
        for parent, kids in children.items():
            related.update((min(parent, kid), max(parent, kid)) for kid in kids)
            if len(kids) <= MAX_PLAN_PARTS:
                family = sorted(kids)
                related.update((x, y) for i, x in enumerate(family) for y in family[i + 1:])
        parents: dict[int, list[int]] = {}
        for parent, kids in children.items():
            for kid in kids:
                parents.setdefault(kid, []).append(parent)
        return cls(related=related, children=children, parents=parents)

    def linked(self, x: int, y: int) -> bool:
        return (min(x, y), max(x, y)) in self.related

    def in_words(self, x: int, y: int, ids: list[str]) -> str:
        """How ``x`` and ``y`` (linked) make one plan, for a reason."""
        if y in self.children.get(x, ()) or x in self.children.get(y, ()):
            return "parts of one programme: one is under the other"
        common = set(self.parents.get(x, ())) & set(self.parents.get(y, ()))
        if common:
            return f"parts of one programme: both under {ids[min(common)]}"
        return "parts of one programme: the files link them"

    def countries(self, activities: pd.DataFrame) -> list[tuple[str, ...]]:
        """Each activity's countries; one naming none takes those of the programme above it
        (a contract of a national programme decision works where the decision says)."""
        own = activities["countries"].tolist()
        parents = self.parents
        found = list(own)
        for row, countries in enumerate(own):
            todo, seen = list(parents.get(row, ())), set()
            while not countries and todo:
                parent = todo.pop(0)
                if parent not in seen:
                    seen.add(parent)
                    countries = tuple(own[parent])
                    todo.extend(parents.get(parent, ()))
            found[row] = tuple(countries)
        return found

    def narrower(self, row: int) -> set[int]:
        """The activities under ``row``, at any depth."""
        found: set[int] = set()
        todo = list(self.children.get(row, ()))
        while todo:
            child = todo.pop()
            if child not in found:
                found.add(child)
                todo.extend(self.children.get(child, ()))
        return found
