"""Area x activity groups of 3W tables: who does what where, with the pairs inside."""

import pandas as pd

from overlap.config import load_config
from overlap.groups import GROUP_COLUMNS, area_activity_groups
from overlap.pipeline import run
from tests.conftest import DATA


def activities(rows: list[tuple[str, str, tuple[str, ...]]]) -> pd.DataFrame:
    """(actor, title, areas) per activity, as normalise gives them."""
    return pd.DataFrame({
        "actor": [r[0] for r in rows], "title": [r[1] for r in rows], "description": [""] * len(rows),
        "locations": [r[2] for r in rows], "sectors": [("WASH",)] * len(rows),
    })


def pairs(ab: list[tuple[int, int]]) -> pd.DataFrame:
    return pd.DataFrame({"pair_id": [f"P{a}{b}" for a, b in ab], "a": [a for a, _ in ab], "b": [b for _, b in ab]})


def test_the_3w_fixtures_group_by_area_and_activity_with_their_organisations():
    result = run([DATA / "3w"], load_config(None, {"embed": {"embedder": "tfidf"}}))
    groups = area_activity_groups(result.activities, result.pairs)
    assert list(groups.columns) == GROUP_COLUMNS
    rows = {(g.area, g.activity): g for g in groups.itertuples()}
    zone = rows[("Amhara > North Wollo [ET0301]", "Water trucking")]
    # Oxfam trucks water zone-wide; the three others in districts inside the zone
    assert zone.organisations == [("Oxfam", 1), ("Plan International", 1), ("Save the Children", 1),
                                  ("World Vision", 1)]
    assert zone.pairs == 3 and zone.sector == "WASH"
    bugna = rows[("Amhara > North Wollo > Bugna [ET030101]", "Water trucking")]
    assert bugna.organisations == [("Save the Children", 1), ("World Vision", 1)] and bugna.pairs == 1
    kabul = rows[("Kabul > Kabul [AF0101]", "Emergency sanitation")]
    assert kabul.organisations == [("Aid Org One", 1), ("Aid Org Two", 1)]
    # every reported pair lies in a group; the most pairs first
    assert set(result.pairs["pair_id"]) == {i for ids in groups["pair_ids"] for i in ids}
    assert groups["pairs"].tolist() == sorted(groups["pairs"], reverse=True)


def test_an_organisation_counts_its_rows_and_names_match_without_case():
    table = activities([
        ("NRC", "Cash for rent", ("Kabul [AF01]",)),
        ("NRC", "cash for rent", ("Kabul [AF01]",)),
        ("IRC", "Cash for Rent", ("Kabul [AF01]",)),
        ("IRC", "Cash for rent", ("Herat [AF21]",)),
    ])
    groups = area_activity_groups(table, pairs([(0, 2), (1, 2), (2, 3)]))
    assert len(groups) == 1  # Herat and Kabul do not nest: their pair is in no group
    group = groups.iloc[0]
    assert (group.area, group.activity) == ("Kabul [AF01]", "Cash for rent")
    assert group.organisations == [("NRC", 2), ("IRC", 1)] and group.pairs == 2
    assert group.activities == 3


def test_descriptions_and_activities_without_an_area_make_no_group():
    table = activities([("A", "Water", ()), ("B", "Water", ())])
    long = " ".join(["word"] * 30)
    table = pd.concat([table, activities([("C", long, ("X [X1]",)), ("D", long + " more", ("X [X1]",))])],
                      ignore_index=True)
    groups = area_activity_groups(table, pairs([(0, 1), (2, 3)]))
    assert groups.empty and list(groups.columns) == GROUP_COLUMNS
