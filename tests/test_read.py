import json

import pandas as pd
import pytest

from overlap.columns import map_columns
from overlap.errors import InputError
from overlap.read import detect_format, read_inputs


def test_maps_english_french_and_spanish_headers():
    mapping = map_columns(
        ["Identifiant", "Acteur", "Titre du projet", "Objectif", "Pays", "Secteur",
         "Date de début", "Date de fin", "Budget (USD)", "Bailleur", "Socio implementador"]
    ).describe()
    assert mapping == {
        "id": "Identifiant", "actor": "Acteur", "title": "Titre du projet",
        "description": "Objectif", "countries": "Pays", "sectors": "Secteur",
        "start_date": "Date de début", "end_date": "Date de fin", "budget": "Budget (USD)",
        "funders": "Bailleur", "implementers": "Socio implementador",
    }


def test_explicit_map_wins_over_synonyms():
    mapping = map_columns(["Title", "Name", "Agency"], {"title": "Name", "actor": "agency"}).describe()
    assert mapping["title"] == "Name"
    assert mapping["actor"] == "Agency"


def test_unknown_field_in_map_is_an_error():
    with pytest.raises(InputError, match="unknown field 'colour'"):
        map_columns(["Title"], {"colour": "Title"})


def test_sniffs_semicolons_and_reads_bom(write):
    path = write("a.csv", "\ufeffTitle;Organisation\nWells;Oxfam\n")
    result = read_inputs([path])
    assert result.activities.loc[0, "title"] == "Wells"
    assert result.activities.loc[0, "actor"] == "Oxfam"
    assert result.sources[0].encoding == "utf-8-bom"


def test_cp1252_is_read_with_a_warning(write):
    path = write("a.csv", "Title,Organisation\nRéintégration,OIM\n", encoding="cp1252")
    result = read_inputs([path])
    assert result.activities.loc[0, "title"] == "Réintégration"
    assert any("cp1252" in p.message for p in result.problems)


def test_actor_is_the_file_name_when_no_actor_column(write):
    path = write("unhcr_projects.csv", "Title\nShelter\n")
    result = read_inputs([path])
    assert result.activities.loc[0, "actor"] == "unhcr projects"


def test_reads_json_jsonl_and_xlsx(tmp_path, write):
    records = [{"id": "1", "actor": "A", "title": "T", "countries": ["KE", "UG"]}]
    write("a.json", json.dumps({"activities": records}))
    write("b.jsonl", "\n".join(json.dumps(r | {"actor": "B"}) for r in records) + "\n")
    pd.DataFrame([{"ID": "1", "Organisation": "C", "Title": "T",
                   "Start date": pd.Timestamp("2021-02-03")}]).to_excel(tmp_path / "c.xlsx", index=False)
    result = read_inputs([tmp_path])
    frame = result.activities.set_index("actor")
    assert frame.loc["A", "countries"] == "KE; UG"
    assert frame.loc["B", "title"] == "T"
    assert frame.loc["C", "start_date"] == "2021-02-03"
    assert frame.loc["C", "source_row"] == 2


def test_rows_are_numbered_as_in_a_spreadsheet(write):
    path = write("a.csv", 'Title,Organisation\n"two\nlines",A\nsecond,B\n')
    result = read_inputs([path])
    assert list(result.activities["source_row"]) == [2, 3]


def test_no_text_column_is_an_error_naming_the_file(write):
    path = write("a.csv", "Organisation,Country\nA,KE\n")
    result = read_inputs([path])
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) == 1
    assert "no text column" in errors[0].message and errors[0].file == str(path)


def test_broken_json_names_the_line(write):
    path = write("a.json", '[{"title": "a"},\n{"title": }]')
    result = read_inputs([path])
    (error,) = result.problems
    assert error.row == 2 and "not valid JSON" in error.message


def test_missing_input_is_an_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_inputs([tmp_path / "missing.csv"])


def test_format_detected_by_content(write):
    assert detect_format(write("x.txt", '[{"a": 1}]')) == "json"
    assert detect_format(write("x.dat", "<?xml version='1.0'?><iati-activities/>")) == "xml"
