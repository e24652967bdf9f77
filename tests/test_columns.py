import pandas as pd

from overlap.columns import admin_column, hashtag_row, map_columns, map_hashtags, parse_hashtag
from overlap.read import read_inputs
from tests.conftest import DATA


def test_hashtag_row_found_under_the_headers_or_as_headers():
    frame = pd.DataFrame([["#org+name", "#adm1+name"], ["Oxfam", "Kabul"]], columns=["Org", "Province"])
    assert hashtag_row(frame) == 0
    tagged_headers = pd.DataFrame([["Oxfam", "Kabul"]], columns=["#org+name", "#adm1 +name"])
    assert hashtag_row(tagged_headers) == -1
    plain = pd.DataFrame([["Oxfam", "#1 priority"]], columns=["Org", "Note"])
    assert hashtag_row(plain) is None


def test_hashtag_attributes():
    assert parse_hashtag("#org +name +impl") == ("org", frozenset({"name", "impl"}))


def test_hxl_roles_and_admin_levels():
    headers = ["D", "P", "I", "S", "A", "A1", "A1C", "A2", "A2C", "ST", "EN", "V"]
    tags = ["#org+funder", "#org+prog", "#org+impl", "#sector+cluster", "#activity",
            "#adm1+name", "#adm1+code", "#adm2+name", "#adm2+code", "#date+start", "#date+end",
            "#value"]
    plan = map_hashtags(headers, tags)
    assert plan.fields["funders"] == ["D"] and plan.fields["actor"] == ["P"]
    assert plan.fields["implementers"] == ["I"] and plan.fields["title"] == ["A"]
    assert (plan.admin_names, plan.admin_codes) == (["A1", "A2"], ["A1C", "A2C"])
    assert plan.fields["start_date"] == ["ST"] and plan.fields["budget"] == ["V"]


def test_3w_headers_in_english_and_french():
    plan = map_columns(["Donor Name", "Donor Acronym", "Program Partner Name",
                        "Implementing Partner Name", "Region", "Zone", "Woreda", "WoredaPcod",
                        "Cluster", "Activity"])
    described = plan.describe()
    assert described["locations"] == "Region > Zone > Woreda [WoredaPcod]"
    assert described["funders"] == "Donor Name (else Donor Acronym)"
    assert described["actor"] == "Program Partner Name (else Implementing Partner Name)"
    french = map_columns(["Nom organization", "Acronyme", "NOM ACTIVITE / PROJET2",
                          "SECTEUR/DOMAINE\n(Choisir dans la liste déroulante)", "Province",
                          "Territoire", "Zone de sante", "Pcode ZS", "BAILLEUR"]).describe()
    assert french["title"] == "NOM ACTIVITE / PROJET2"
    assert french["locations"] == "Province > Territoire > Zone de sante [Pcode ZS]"
    assert french["funders"] == "BAILLEUR"


def test_admin_column_levels():
    assert admin_column("WoredaPcod") == (3, True)
    assert admin_column("PROV_CODE") == (1, True)
    assert admin_column("Zone") == (2, False)
    assert admin_column("Title") is None


def test_presence_table_without_activity_uses_the_sector_as_text(write):
    path = write("presence.csv", "Org,Province,District,Cluster\n#org+name,#adm1+name,#adm2+name,"
                 "#sector+cluster+name\nOxfam,Kabul,Paghman,WASH\n")
    result = read_inputs([path])
    row = result.activities.iloc[0]
    assert (row["actor"], row["title"], row["locations"]) == ("Oxfam", "WASH", "Kabul > Paghman")
    assert "sector" in result.sources[0].details["text_from"]


def test_hxl_file_reads_with_its_hashtag_row_dropped():
    result = read_inputs([DATA / "3w" / "hxl-3w.csv"])
    assert result.sources[0].format == "csv (HXL)"
    assert len(result.activities) == 4
    assert result.activities.iloc[0]["locations"] == "Kabul > Kabul [AF0101]"
    assert list(result.activities["source_row"]) == [3, 4, 5, 6]


def test_month_without_year_is_one_warning_not_one_per_row(write):
    path = write("4w.csv", "Month,Organisation,Activity,Region,Zone\nAugust,A,Water,Afar,Z1\n"
                 "August,B,Water,Afar,Z1\n")
    result = read_inputs([path])
    assert [p.message for p in result.problems if "without a year" in p.message] != []
    assert len(result.problems) == 1


def test_hxl_acronym_stands_in_for_an_empty_organisation_name(write):
    path = write("3w.csv", "Acronym,Name,Province,District,Cluster\n"
                 "#org+acronym,#org+name,#adm1+name,#adm2+name,#sector+cluster+name\n"
                 "WEWORLD,,Hirat,Kushk,FSAC\nOXF,Oxfam,Hirat,Kushk,FSAC\n")
    result = read_inputs([path])
    assert list(result.activities["actor"]) == ["WEWORLD", "Oxfam"]


def test_iati_flattened_to_a_table_maps_its_narrative_columns():
    mapping = map_columns(["iati_identifier", "title_narrative", "description_narrative",
                           "reporting_org_narrative", "participating_org_narrative"]).describe()
    assert mapping == {"id": "iati_identifier", "title": "title_narrative",
                       "description": "description_narrative", "actor": "reporting_org_narrative",
                       "participating_orgs": "participating_org_narrative"}


EUTF_HEADERS = ["iati_id", "prefix", "title", "summary", "partner_funding", "partner_accountable",
                "partner_extending", "partner_implementing", "date_start", "date_end", "budget",
                "recipient_country", "location", "project_parent", "project_child", "project_sibling"]


def test_a_fund_export_maps_its_roles_and_hierarchy_and_takes_the_actor_from_the_roles():
    plan = map_columns(EUTF_HEADERS)
    assert plan.describe() == {
        "id": "iati_id", "title": "title", "description": "summary",
        "countries": "recipient_country", "locations": "location", "start_date": "date_start",
        "end_date": "date_end", "budget": "budget", "funders": "partner_funding",
        "implementers": "partner_implementing", "accountable": "partner_accountable",
        "extending": "partner_extending", "parent": "project_parent", "child": "project_child",
        "sibling": "project_sibling",
    }
    assert plan.actor_from == ["partner_implementing", "partner_extending",
                               "partner_accountable", "partner_funding"]
    assert plan.actor_source() == ("partner_implementing, then partner_extending, then "
                                   "partner_accountable, then partner_funding, then the file name")


def test_partner_headers_map_to_roles_and_an_actor_column_needs_no_fallback():
    plan = map_columns(["IATI identifier", "Title", "Donor", "Implementing partner", "Agency"])
    assert plan.describe() == {"id": "IATI identifier", "actor": "Agency", "title": "Title",
                               "funders": "Donor", "implementers": "Implementing partner"}
    assert plan.actor_from == []
    assert plan.actor_source() == "file name"
    assert map_columns(["Funding partner", "Title"]).describe()["funders"] == "Funding partner"


def test_without_any_role_column_the_actor_is_the_file_name():
    plan = map_columns(["Title", "Country"])
    assert plan.actor_from == [] and plan.actor_source() == "file name"
