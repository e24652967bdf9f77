"""Target populations: who an activity acts on, from its own words."""

from __future__ import annotations

import numpy as np
import pytest

from overlap.conflicts import load_axes, load_populations
from overlap.errors import ConfigError
from overlap.populations import Population, Targets, population_phrases
from overlap.terms import fold_terms
from tests.helpers import AXIS


def _shipped() -> dict[str, Population]:
    return load_populations()


@pytest.mark.parametrize("text, key, found", [
    ("Assistance to stranded migrants in Sabha", "migrants", ("stranded", "migrants")),
    ("Protection des personnes migrantes à Oujda", "migrants", ("personnes migrantes",)),
    # would-be migrants and returnees are other people than migrants in the country
    ("Awareness sessions for potential migrants in Kayes", "migrants", ()),
    ("Reintegration of returning migrants in Edo State", "migrants", ()),
    ("Réinsertion des migrants tunisiens de retour à Médenine", "migrants", ()),
    # a smuggling trade names the smugglers, not the people carried
    ("Lutte contre le trafic illicite de migrants à Nouakchott", "migrants", ()),
    ("Lutte contre le trafic illicite de migrants à Nouakchott", "transit-trade",
     ("trafic illicite de migrants",)),
    ("Reintegration of returning migrants in Edo State", "returnees",
     ("Reintegration", "returning migrants")),
    ("Work permits for Syrian refugees and asylum-seekers", "refugees", ("refugees", "asylum-seekers")),
    ("Support to returning refugees in Burundi", "refugees", ()),
    ("Shelter for internally displaced families and host communities", "idps", ("internally displaced",)),
    ("Shelter for internally displaced families and host communities", "hosts", ("host communities",)),
    # the EUTF's French name mentions displaced people without acting on them
    ("Fonds fiduciaire en faveur de la stabilité et du phénomène des personnes déplacées en Afrique",
     "idps", ()),
])
def test_shipped_populations_are_found_from_their_terms(text, key, found):
    assert population_phrases(["before", text], _shipped()[key])[1] == found


def test_a_term_counts_outside_its_unless_phrases_even_in_the_same_text():
    migrants = _shipped()["migrants"]
    text = "Potential migrants in Kayes and stranded migrants in Gao"
    assert population_phrases([text], migrants)[0] == ("stranded", "migrants")


def test_targets_answer_only_for_the_rows_searched():
    people = Population(key="p", name="people", terms=fold_terms(("refugee*",)))
    targets = Targets.find(["Refugees in Amman", "Water pipes"], np.array([3, 7]), (people,))
    assert targets.of(3, "p") == ("Refugees",)
    assert targets.of(7, "p") == ()
    assert targets.of(5, "p") == ()
    assert targets.of(3, "unknown") == ()


AXES = """
[[population]]
key = "movers"
name = "people on the move"
terms.en = ["migrants"]
""" + AXIS.replace('name = "one vs other"\n', 'name = "one vs other"\npopulations = ["movers"]\n')


def test_axes_name_their_populations(write):
    path = write("axes.toml", AXES)
    assert list(load_populations(path)) == ["movers"]
    assert [p.key for p in load_axes(path)[0].populations] == ["movers"]


@pytest.mark.parametrize("text, words", [
    (AXES.replace('populations = ["movers"]', 'populations = ["nobody"]'),
     "axis 'k'.populations: no [[population]] with key nobody (known: movers)"),
    (AXES.replace('terms.en = ["migrants"]', ""), "population 'movers'.terms must be a table of language"),
    (AXES.replace('name = "people on the move"', 'name = "x"\nwho = "y"'),
     "population[1]: unknown key(s) who"),
    (AXES + AXES.split("[[axis]]")[0], "population key defined twice: movers"),
])
def test_bad_population_tables_name_the_file_and_key(write, text, words):
    path = write("axes.toml", text)
    with pytest.raises(ConfigError) as error:
        load_axes(path)
    assert str(path) in str(error.value)
    assert words in str(error.value)
