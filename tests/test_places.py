"""Admin areas and periods: when two activities count as working in the same place and time."""

import numpy as np
import pandas as pd
import pytest

from overlap.places import (
    areas_in_common,
    date_agreement,
    location_key,
    periods,
    place_agreement,
    places_overlap,
    smallest_areas_in_common,
)

WOREDA = "Amhara > North Wollo > Bugna [ET030101]"
ZONE = "Amhara > North Wollo [ET0301]"
OTHER_WOREDA = "Amhara > North Wollo > Gidan [ET030102]"


def test_a_pcode_is_the_key_and_names_are_folded():
    assert location_key(WOREDA) == ("#ET030101",)
    assert location_key("Bugna [ et030101 ]") == ("#ET030101",)
    assert location_key("Île-de-France >  Paris ") == location_key("ile-de-france > PARIS")
    assert len(location_key("Kano > Nassarawa")) == 2


def test_an_admin_area_lies_inside_its_parent_by_pcode():
    woreda, zone, other = (location_key(x) for x in (WOREDA, ZONE, OTHER_WOREDA))
    assert places_overlap(woreda, zone) and places_overlap(zone, woreda)
    assert not places_overlap(woreda, other)


def test_name_paths_nest_and_never_match_a_pcode():
    assert places_overlap(location_key("Kano > Nassarawa"), location_key("kano"))
    assert not places_overlap(location_key("Kano > Nassarawa"), location_key("Kano > Fagge"))
    assert not places_overlap(location_key("Amhara > North Wollo"), location_key(ZONE))


@pytest.mark.parametrize(("left", "right", "agreement"), [
    ((WOREDA,), (ZONE,), 1.0),
    (("Tigray", WOREDA), ("Afar", ZONE), 1.0),
    ((WOREDA,), (OTHER_WOREDA,), -1.0),
    ((WOREDA,), (), 0.0),
    ((), (), 0.0),
])
def test_place_agreement_is_evidence_only_when_both_sides_name_areas(left, right, agreement):
    assert place_agreement(left, right) == agreement
    assert place_agreement(right, left) == agreement


def test_areas_in_common_are_named_as_one_side_wrote_them():
    assert areas_in_common(("Tigray", ZONE), (WOREDA, "Afar")) == (ZONE,)
    assert areas_in_common((WOREDA,), (OTHER_WOREDA,)) == ()


def test_of_two_nested_areas_the_smaller_one_is_shared():
    assert smallest_areas_in_common((ZONE,), (WOREDA,)) == [WOREDA]
    assert smallest_areas_in_common(("Tigray",), ("Amhara > North Wollo",)) == []
    assert smallest_areas_in_common(("Amhara",), ("Amhara > North Wollo",)) == ["Amhara > North Wollo"]


def _days(*dates: str) -> list[float]:
    return [float((pd.Timestamp(d) - pd.Timestamp("1970-01-01")).days) for d in dates]


def test_periods_fill_a_missing_date_with_a_year_and_swap_reversed_dates():
    activities = pd.DataFrame({
        "start_date": ["2022-01-01", "2022-01-01", "", "2023-12-31", ""],
        "end_date": ["2022-06-30", "", "2022-12-31", "2022-01-01", ""],
    })
    first, last = periods(activities)
    assert list(first[:4]) == _days("2022-01-01", "2022-01-01", "2021-12-31", "2022-01-01")
    assert list(last[:4]) == _days("2022-06-30", "2023-01-01", "2022-12-31", "2023-12-31")
    assert np.isnan(first[4]) and np.isnan(last[4])


def test_open_ended_periods_leave_a_missing_date_open():
    """A programme that gives only its end may have run for years before it (conflicts
    do not claim two periods apart on a guessed year)."""
    activities = pd.DataFrame({"start_date": ["", "2016-12-01", ""], "end_date": ["2021-12-31", "", ""]})
    first, last = periods(activities, open_ended=True)
    assert first[0] == -np.inf and last[0] == _days("2021-12-31")[0]
    assert first[1] == _days("2016-12-01")[0] and last[1] == np.inf
    assert np.isnan(first[2]) and np.isnan(last[2])


def test_date_agreement_is_the_overlapping_share_of_the_shorter_period():
    activities = pd.DataFrame({
        "start_date": ["2022-01-01", "2022-04-01", "2024-01-01", ""],
        "end_date": ["2022-12-31", "2023-06-30", "2024-12-31", ""],
    })
    first, last = periods(activities)
    a, b = np.array([0, 0, 0]), np.array([1, 2, 3])
    value, lo, hi = date_agreement(first, last, a, b)
    # nine of the first period's twelve months fall in the second's fifteen
    assert value[0] == pytest.approx(274 / 364)
    assert (lo[0], hi[0]) == tuple(_days("2022-04-01", "2022-12-31"))
    assert value[1] == -1.0  # both known, disjoint
    assert value[2] == 0.0  # one side without dates says nothing
