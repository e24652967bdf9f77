import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from overlap import read
from overlap.cli import main
from overlap.columns import map_columns
from overlap.errors import InputError
from overlap.read import Problem, detect_format, read_inputs


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


# ---------------------------------------------------------------- hostile and malformed files


def _error(result) -> Problem:
    (error,) = [p for p in result.problems if p.severity == "error"]
    return error


def test_rows_one_field_longer_than_the_header_stop_instead_of_shifting(write):
    # pandas would take the ids for an index and read the actor as the id, the title as the actor
    path = write("a.csv", "ID,Organisation,Title\n1,A,Wells,2021\n2,B,Roads,2022\n")
    error = _error(read_inputs([path]))
    assert error.file == str(path) and error.row == 2
    assert "4 fields where the header has 3" in error.message


def test_a_trailing_delimiter_on_every_line_and_the_header_is_fine(write):
    result = read_inputs([write("a.csv", "ID,Organisation,Title,\n1,A,Wells,\n")])
    assert not result.problems and result.activities.loc[0, "id"] == "1"


def test_an_unclosed_quote_swallowing_rows_stops_naming_the_row(write):
    rows = [f'{n},Org {n},Title number {n},Kenya' for n in range(3, 14)]
    rows[-1] = '13,Org 13,Title with a "quoted" word,Kenya'
    text = "ID,Organisation,Title,Country\n1,Org 1,Fine,Kenya\n" + '2,Org 2,"Water for all,Kenya\n' + \
        "\n".join(rows) + "\n14,Org 14,Last,Kenya\n"
    path = write("a.csv", text)
    error = _error(read_inputs([path]))
    assert error.file == str(path) and error.row == 3 and error.column == "Title"
    assert "quote" in error.message and "not closed" in error.message


def test_a_cell_over_several_lines_of_prose_is_kept(write):
    path = write("a.csv", 'ID,Organisation,Title,Description\n1,A,Wells,"Drilling, in Tahoua.\n'
                          'Training committees, pumps, and spare parts.\nMaintenance"\n2,B,Roads,Paving\n')
    result = read_inputs([path])
    assert not result.problems and len(result.activities) == 2


def _workbook(tmp_path, rows: int = 3) -> Path:
    path = tmp_path / "w.xlsx"
    pd.DataFrame({"Title": [f"Wells {n}" for n in range(rows)], "Organisation": "A"}).to_excel(path, index=False)
    return path


def test_a_zip_bomb_posing_as_a_workbook_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row>" + b"0" * (4 * 2**20) + b"</row>")
    assert path.stat().st_size < 50_000
    error = _error(read_inputs([path]))
    assert error.file == str(path) and "xl/worksheets/sheet1.xml unpacks" in error.message
    assert "over the limit of 100" in error.message


def test_a_workbook_declaring_more_than_the_size_limit_is_refused(tmp_path, monkeypatch):
    path = _workbook(tmp_path)
    monkeypatch.setattr(read, "MAX_WORKBOOK_UNPACKED_BYTES", 1000)
    error = _error(read_inputs([path]))
    assert error.file == str(path) and "unpacks to" in error.message and "over the limit" in error.message


def test_a_sheet_over_the_row_limit_is_refused_not_cut_short(tmp_path, monkeypatch):
    path = _workbook(tmp_path, rows=6)
    monkeypatch.setattr(read, "MAX_SHEET_ROWS", 5)
    error = _error(read_inputs([path]))
    assert error.file == str(path) and "sheet 'Sheet1' has more than 5 rows" in error.message
    monkeypatch.setattr(read, "MAX_SHEET_ROWS", 6)
    assert len(read_inputs([path]).activities) == 6


def test_a_zip_that_is_no_workbook_is_an_input_error(write):
    error = _error(read_inputs([write("w.xlsx", "PK\x03\x04 not really a zip")]))
    assert "cannot read as an Excel workbook" in error.message


def test_a_run_on_a_zip_bomb_exits_2_naming_the_file(tmp_path):
    path = tmp_path / "in" / "bomb.xlsx"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (4 * 2**20))
    result = CliRunner().invoke(main, ["run", str(path.parent), "--out", str(tmp_path / "out"),
                                       "--embedder", "tfidf"])
    assert result.exit_code == 2 and "bomb.xlsx" in result.output and "unpacks" in result.output


def test_reads_utf16_text_from_excel(write):
    path = write("unicode.txt", "\ufeffID\tOrganisation\tTitle\n1\tONG Équité\tPuits à Kita\n",
                 "utf-16-le")
    result = read_inputs([path])
    assert result.sources[0].encoding == "utf-16" and not result.problems
    assert result.activities.loc[0, ["actor", "title"]].tolist() == ["ONG Équité", "Puits à Kita"]


def test_broken_utf16_names_the_encoding(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\xff\xfeT\x00i\x00\x00\xdc")  # a lone low surrogate
    [problem] = read_inputs([path]).problems
    assert problem.severity == "error" and "UTF-16" in problem.message


def test_utf16_iati_xml_is_detected_as_xml(write):
    path = write("iati.xml", (
        '<?xml version="1.0" encoding="UTF-16"?>\n<iati-activities version="2.03">'
        "<iati-activity><iati-identifier>XM-1</iati-identifier><reporting-org ref='XM'>"
        "<narrative>Org</narrative></reporting-org><title><narrative>Wells in Kita</narrative>"
        "</title></iati-activity></iati-activities>\n"), "utf-16")
    assert detect_format(path) == "xml"
    result = read_inputs([path])
    assert result.sources[0].format.startswith("IATI") and result.activities["id"].tolist() == ["XM-1"]


def test_deeply_nested_json_is_an_input_error(write):
    path = write("deep.json", "[" * 100_000 + "]" * 100_000)
    [problem] = read_inputs([path]).problems
    assert problem.severity == "error" and "too deep to read" in problem.message


def test_repeated_ids_within_one_organisation_are_numbered_and_listed(write):
    path = write("a.csv", "ID,Organisation,Title\n1,A,Wells\n1,A,Roads\n1, a ,Bridges\n1,B,Wells\n")
    result = read_inputs([path])
    assert result.activities["id"].tolist() == ["1", "1 #2", "1 #3", "1"]
    source = result.sources[0]
    assert source.repeated_ids["rows"] == 2 and source.repeated_ids["activities"] == 1
    assert source.repeated_ids["listed"] == [{"actor": "A", "id": "1", "rows": [2, 3, 4], "count": 3}]
    [warning] = result.problems
    assert warning.severity == "warning" and warning.message.startswith(
        "possible double counting within one organisation: 2 repeated rows")
    strict = read_inputs([path], strict=True)
    assert strict.activities["id"].tolist() == ["1"] * 4 and not strict.problems


def test_a_numbered_repeat_never_takes_an_id_in_use(write):
    path = write("a.csv", "ID,Organisation,Title\n1,A,Wells\n1,A,Roads\n1 #2,A,Bridges\n")
    assert read_inputs([path]).activities["id"].tolist() == ["1", "1 #3", "1 #2"]


def test_activities_nested_one_level_down_become_one_record_each(write):
    path = write("mapping.json", json.dumps([
        {"countryName": "Niger", "programmes": [
            {"programmeName": "Return desks", "summary": "Counselling returnees at the border posts of Agadez"},
            {"programmeName": "Job centres", "summary": "Placement of young returnees in Niamey and Zinder"}]},
        {"countryName": "Mali", "programmes": [
            {"programmeName": "Shelters", "summary": "Shelters for migrants in transit through Gao"}]},
    ]))
    result = read_inputs([path])
    assert not result.problems
    activities = result.activities
    assert activities["title"].tolist() == ["Return desks", "Job centres", "Shelters"]
    assert activities["countries"].tolist() == ["Niger", "Niger", "Mali"]
    assert activities["source_row"].tolist() == [1, 2, 3]


def test_activities_with_nested_transactions_stay_activities(write):
    path = write("acts.json", json.dumps([
        {"id": "A1", "title": "Cash transfers for returnees in Kano state",
         "transactions": [{"value": 100, "note": "first disbursement of the grant to IOM"}]},
    ]))
    activities = read_inputs([path]).activities
    assert activities["id"].tolist() == ["A1"]


ROLES_HEADER = "iati_id,title,partner_funding,partner_accountable,partner_extending,partner_implementing\n"


def test_the_actor_falls_back_per_row_from_implementer_to_extending_accountable_and_funder(write):
    path = write("fund_export.csv", ROLES_HEADER +
                 "A-1,Wells,EUTF,EU Delegation Mali,CARE,IOM\n"
                 "A-2,Roads,EUTF,EU Delegation Mali,CARE,\n"
                 "A-3,Camps,EUTF,EU Delegation Mali,,\n"
                 "A-4,Seeds,EUTF,,,\n"
                 "A-5,Boats,,,,\n")
    result = read_inputs([path])
    assert list(result.activities["actor"]) == [
        "IOM", "CARE", "EU Delegation Mali", "EUTF", "fund export"]
    assert list(result.activities["id"]) == ["A-1", "A-2", "A-3", "A-4", "A-5"]
    assert result.sources[0].details["actor_from"] == (
        "partner_implementing, then partner_extending, then partner_accountable, "
        "then partner_funding, then the file name")


def test_accountable_and_extending_organisations_join_the_participants_with_their_role(write):
    path = write("fund.csv", ROLES_HEADER + "A-1,Wells,EUTF,EU Delegation Mali,CARE; Oxfam,IOM\n")
    row = read_inputs([path]).activities.iloc[0]
    assert row["funders"] == "EUTF" and row["implementers"] == "IOM"
    assert row["participating_orgs"] == "2:EU Delegation Mali; 3:CARE; 3:Oxfam"


def test_list_literal_cells_are_read_as_lists_text_or_their_first_value(write):
    path = write("iati_flat.csv",
                 "iati_identifier,title_narrative,description_narrative,reporting_org_narrative,"
                 "participating_org_narrative\n"
                 "\"['XM-1']\",\"['Moving towards a Child Labour Free Jordan', 'Vers une Jordanie']\","
                 "\"[\"\"Jordan's children\"\", 'Second paragraph']\","
                 "\"['Federal Ministry (BMZ)', 'Bundesministerium (BMZ)']\",\"['ILO', 'UNICEF']\"\n"
                 "XM-2,[see annex],[],\"['UNICEF']\",[]\n")
    activities = read_inputs([path]).activities
    first, second = activities.iloc[0], activities.iloc[1]
    assert first["id"] == "XM-1"
    assert first["title"] == "Moving towards a Child Labour Free Jordan\nVers une Jordanie"
    assert first["description"] == "Jordan's children\nSecond paragraph"
    assert first["actor"] == "Federal Ministry (BMZ)"  # one organisation in two languages
    assert first["participating_orgs"] == "ILO; UNICEF"
    assert second["title"] == "[see annex]"  # not a list of strings: kept as written
    assert second["description"] == "" and second["participating_orgs"] == ""


def test_list_literal_parses_only_lists_of_strings_and_never_runs_anything():
    assert read.list_literal("['a', \"b's\", 'a']") == ["a", "b's"]
    assert read.list_literal("[]") == []
    for text in ("['a'] + ['b']", "[__import__('os').system('echo x')]", "['a', 1]",
                 "[see annex]", "['unclosed]", "(['a'])", "[[['a']]]"):
        assert read.list_literal(text) is None, text


def test_parent_child_and_sibling_columns_become_declared_links(write):
    path = write("fund.csv", "iati_id,title,partner_implementing,project_parent,project_child,"
                 "project_sibling\n"
                 "P-1,Programme,,,\"P-1-01, P-1-02\",\n"
                 "P-1-01,Contract one,IOM,P-1,,\"['P-1-02', 'P-1-01']\"\n"
                 "P-1-02,Contract two,GIZ,P-1,,P-1-01; P-1-03\n"
                 ",Untitled row,GIZ,P-1,,\n")
    result = read_inputs([path])
    links = result.links
    assert set(links.columns) >= {"from_id", "to_id", "type", "element", "source_file"}
    assert sorted(zip(links["from_id"], links["to_id"], links["type"], links["element"])) == [
        ("P-1", "P-1-01", "related-activity:child", "project_child"),
        ("P-1", "P-1-02", "related-activity:child", "project_child"),
        ("P-1-01", "P-1", "related-activity:parent", "project_parent"),
        ("P-1-01", "P-1-02", "related-activity:sibling", "project_sibling"),
        ("P-1-02", "P-1", "related-activity:parent", "project_parent"),
        ("P-1-02", "P-1-01", "related-activity:sibling", "project_sibling"),
        ("P-1-02", "P-1-03", "related-activity:sibling", "project_sibling"),
    ]
    assert result.sources[0].details["links"] == 7


def test_inspect_shows_where_the_actor_comes_from_in_the_mapping(write):
    path = write("fund.csv", ROLES_HEADER + "A-1,Wells,EUTF,EU Delegation Mali,CARE,IOM\n")
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    mapping = result.output.split("  mapping:\n", 1)[1]
    assert "    actor_from: partner_implementing, then partner_extending, then " \
           "partner_accountable, then partner_funding, then the file name\n" in mapping
    assert "    accountable  <- partner_accountable" in mapping
    assert "total: 1 activities, 1 actors" in result.output
