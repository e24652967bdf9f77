import pandas as pd
import pytest

from overlap.normalise import actor_key, country_code, normalise, parse_budget, parse_date
from overlap.read import read_inputs


def test_dates_in_many_forms():
    assert parse_date("2021-03-31") == "2021-03-31"
    assert parse_date("31/03/2021") == "2021-03-31"
    assert parse_date("2021") == "2021-01-01"
    assert parse_date("2021", end=True) == "2021-12-31"
    assert parse_date("2021-02", end=True) == "2021-02-28"
    assert parse_date("15 mars 2022") == "2022-03-15"
    assert parse_date("2021-03-31 00:00:00") == "2021-03-31"
    assert parse_date("sometime soon") is None


def test_budgets():
    assert parse_budget("USD 1,250,000") == 1250000.0
    assert parse_budget("1.234,50 €") == 1234.5
    assert parse_budget("n/a") is None


@pytest.mark.parametrize(("text", "amount"), [("12e3", 12000.0), ("1.5E+6 USD", 1.5e6), ("USD 2.5e-1", 0.25),
                                              ("-12e3", -12000.0), ("1e400", None), ("9" * 400, None),
                                              ("-1e400", None)])
def test_budgets_in_scientific_notation_and_out_of_range(text, amount):
    assert parse_budget(text) == amount


def test_an_infinite_budget_is_refused_with_a_warning(write):
    result = _normalise(write, "Title,Organisation,Budget\nWells,A,1e400\nRoads,A,12e3\n")
    assert result.activities["budget"].isna().tolist() == [True, False]
    assert result.activities["budget"].iloc[1] == 12000.0
    (warning,) = [p for p in result.problems if p.column == "Budget"]
    assert warning.severity == "warning" and warning.row == 2 and "'1e400'" in warning.message


def test_countries_in_english_french_spanish_and_codes():
    assert country_code("Nigeria") == "NG"
    assert country_code("Sénégal") == "SN"
    assert country_code("Marruecos") == "MA"
    assert country_code("TUN") == "TN"
    assert country_code("Côte d'Ivoire") == "CI"


def test_one_organisation_is_one_actor_whatever_the_spelling():
    assert actor_key("United Nations High Commissioner for Refugees (UNHCR)") == actor_key("unhcr")
    assert actor_key("Caritas Sénégal") == actor_key("CARITAS SENEGAL")
    aliases = {"hcr": "UNHCR"}
    assert actor_key("HCR", aliases) == actor_key("UNHCR")


def _normalise(write, text):
    return normalise(read_inputs([write("a.csv", text)]))


def test_empty_text_rows_are_skipped_with_a_warning(write):
    result = _normalise(write, "ID,Organisation,Title,Description\n1,A,Wells,\n2,A,,\n")
    assert list(result.activities["id"]) == ["1"]
    assert result.skipped_rows[0].row == 3


def test_duplicate_id_within_an_actor_is_an_error_naming_both_rows(write):
    """In strict reading (input.strict); otherwise reading numbers the repeats."""
    path = write("a.csv", "ID,Organisation,Title\n1,A,Wells\n1,A,Roads\n1,B,Roads\n")
    result = normalise(read_inputs([path], strict=True))
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].row == 3 and errors[0].column == "ID" and "row 2" in errors[0].message


def test_empty_actor_is_an_error(write):
    result = _normalise(write, "ID,Organisation,Title\n1,,Wells\n")
    (error,) = [p for p in result.problems if p.severity == "error"]
    assert (error.row, error.column) == (2, "Organisation")


def test_bad_date_is_a_warning_and_the_value_is_dropped(write):
    result = _normalise(write, "Title,Organisation,Start date\nWells,A,someday\n")
    (warning,) = result.problems
    assert warning.severity == "warning" and warning.column == "Start date"
    assert result.activities.loc[0, "start_date"] == ""


def test_lists_are_split_and_countries_coded(write):
    result = _normalise(write, 'Title,Organisation,Country,Donor\nWells,A,"Niger; Mali",EU | Sida\n')
    row = result.activities.iloc[0]
    assert row["countries"] == ("NE", "ML")
    assert row["funders"] == ("EU", "Sida")
    assert isinstance(result.activities, pd.DataFrame)


def test_a_row_repeated_word_for_word_is_skipped_with_a_warning(write):
    result = _normalise(write, "ID,Organisation,Title\n1,A,Wells\n1,A,Wells\n")
    assert len(result.activities) == 1
    assert [p.severity for p in result.problems] == ["warning"]
    assert result.skipped_rows[0].row == 3


def test_a_publisher_under_two_names_is_one_actor(write):
    """IATI ids begin with the publisher's identifier: its German and English names merge."""
    result = _normalise(write, (
        "id,organisation,title\n"
        "XM-DAC-5-7-100,Deutschland - Auswärtiges Amt,Hilfe für Tunesien\n"
        "XM-DAC-5-7-101,Deutschland - Auswärtiges Amt,Hilfe für Jordanien\n"
        "XM-DAC-5-7-200,Germany - Federal Foreign Office,Aid to Tunisia\n"
        "XM-DAC-5-7-201,Germany - Federal Foreign Office,Aid to Jordan\n"
        "XM-DAC-5-7-202,Germany - Federal Foreign Office,Aid to Iraq\n"
        "XI-IATI-EC_NEAR-1,EC NEAR,Support to Ukraine\n"
        "XI-IATI-EC_NEAR-2,EC NEAR,Support to Georgia\n"
        "XI-IATI-EC_INTPA-1,EC INTPA,Support to Chad\n"
        "XI-IATI-EC_INTPA-2,EC INTPA,Support to Niger\n"
        "2021-001,Local NGO,Food parcels\n"
        "2021-002,Local NGO,School meals\n"
        "2021-003,Other NGO,Cash for work\n"
        "2021-004,Other NGO,Water points\n"
    ))
    keys = result.activities.set_index("id")["actor_key"]
    assert keys["XM-DAC-5-7-100"] == keys["XM-DAC-5-7-200"] == actor_key("Germany - Federal Foreign Office")
    assert result.activities.set_index("id").at["XM-DAC-5-7-100", "actor"] == "Deutschland - Auswärtiges Amt"
    # a registration agency alone (XI-IATI) is not an organisation; nor are plain numbers
    assert keys["XI-IATI-EC_NEAR-1"] != keys["XI-IATI-EC_INTPA-1"]
    assert keys["2021-001"] != keys["2021-003"]
    merged = [p for p in result.problems if "one organisation identifier" in p.message]
    assert len(merged) == 1 and "XM-DAC-5-7" in merged[0].message


def test_publisher_merging_can_be_turned_off(write):
    read = read_inputs([write("a.csv", (
        "id,organisation,title\n"
        "CA-3-1,Canada (DFATD),Health\nCA-3-2,Canada (DFATD),Water\n"
        "CA-3-3,Canada (MAECD),Santé\nCA-3-4,Canada (MAECD),Eau\n"
    ))])
    assert normalise(read).activities["actor_key"].nunique() == 1
    assert normalise(read, publisher_ids=False).activities["actor_key"].nunique() == 2


def test_an_activity_without_text_is_named_by_its_sectors_and_one_without_either_skipped(write):
    """Presence records (no title, no description) still say what is done: their sectors."""
    path = write("presence.csv", "ID,Organisation,Title,Sector,Country\n"
                                 "1,A,,Education; NULL,Tanzania\n2,A,,,Tanzania\n3,A,Wells,WASH,Tanzania\n")
    result = normalise(read_inputs([path]))
    assert result.activities["title"].tolist() == ["Education", "Wells"]
    messages = [p.message for p in result.problems]
    assert any(m.startswith("1 activities have no title or description: their sectors stand in") for m in messages)
    assert [p.row for p in result.skipped_rows] == [3]


def test_folding_ascii_skips_the_accent_pass_and_gives_the_same_names():
    import re
    import unicodedata

    from overlap.normalise import fold

    def folded_the_long_way(text: str) -> str:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
        return re.sub(r"\s+", " ", re.sub(r"[^\w]+", " ", text)).strip()

    names = ["".join(map(chr, range(128))), "UNHCR (Geneva)", "Médecins Sans Frontières",
             "ＡＢＣ ﬁnance", "Straße e.V.", "  Save the  Children_UK "]
    assert [fold(n) for n in names] == [folded_the_long_way(n) for n in names]
