"""Parts of one plan: a programme and its contracts never conflict nor duplicate each other."""

import pandas as pd
import pytest

from overlap.plans import MAX_PLAN_PARTS, Family


@pytest.mark.parametrize("children, siblings", [(3, True), (MAX_PLAN_PARTS + 1, False)])
def test_children_of_a_portfolio_are_not_one_plan(children, siblings):
    """A fund's results framework above all its programmes does not make them one plan."""
    ids = ["Results Framework"] + [f"P-{i}" for i in range(children)]
    links = pd.DataFrame([{"from_id": f"P-{i}", "to_id": "Results Framework",
                           "type": "related-activity:parent"} for i in range(children)])
    family = Family.of(pd.DataFrame({"id": ids}), links)
    assert family.linked(0, 1) and family.linked(0, children)
    assert family.linked(1, 2) == siblings


def test_hierarchical_ids_make_a_plan_and_say_how():
    ids = ["T05-EUTF-HOA-REG-79", "T05-EUTF-HOA-REG-79-03", "T05-EUTF-HOA-REG-79-04", "T05-EUTF-HOA-REG-80"]
    family = Family.of(pd.DataFrame({"id": ids}))
    assert family.linked(1, 2) and family.linked(0, 2) and not family.linked(2, 3)
    assert family.in_words(1, 2, ids) == "parts of one programme: both under T05-EUTF-HOA-REG-79"
    assert family.in_words(0, 1, ids) == "parts of one programme: one is under the other"
