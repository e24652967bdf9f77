"""Behaviour of the IATI reader that users rely on: fields, language rule, links, safety."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from overlap.errors import InputError
from overlap.iati import IatiRead, looks_like_iati, read_iati
from overlap.schema import CANONICAL_FIELDS

DATA = Path(__file__).parent / "data" / "iati"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "iati" / "xml"
SHARED_FILES = sorted(SHARED.glob("*.xml")) if SHARED.is_dir() else []
needs_shared = pytest.mark.skipif(not SHARED_FILES, reason=f"{SHARED} is not available")


@pytest.fixture(scope="module")
def v2() -> dict[str, dict]:
    return {r["id"]: r for r in read_iati(DATA / "activities-2.03.xml").records}


@pytest.fixture(scope="module")
def v1() -> IatiRead:
    return read_iati(DATA / "activities-1.03.xml")


# --- detection -------------------------------------------------------------


def test_detects_iati_by_content_whatever_the_extension(tmp_path: Path) -> None:
    renamed = tmp_path / "export.txt"
    shutil.copy(DATA / "activities-2.03.xml", renamed)
    assert looks_like_iati(renamed)
    assert read_iati(renamed).records


def test_does_not_claim_other_files(tmp_path: Path) -> None:
    csv = tmp_path / "projects.csv"
    csv.write_text("id,title\n1,<iati-activity> mentioned in a cell\n")
    other_xml = tmp_path / "feed.xml"
    other_xml.write_text("<?xml version='1.0'?><rss><channel/></rss>")
    assert not looks_like_iati(csv)
    assert not looks_like_iati(other_xml)
    assert not looks_like_iati(tmp_path / "missing.xml")


# --- IATI 2.0x fields ------------------------------------------------------


def test_record_has_every_canonical_field(v2: dict[str, dict]) -> None:
    for record in v2.values():
        assert set(CANONICAL_FIELDS) <= set(record)


def test_v2_fields(v2: dict[str, dict]) -> None:
    record = v2["XM-TEST-1"]
    assert record["actor"] == "Sweden"
    assert (record["actor_ref"], record["actor_type"]) == ("SE-0", "10")
    assert record["countries"] == ("SD",)
    assert record["regions"] == ("South of Sahara, regional",)
    assert record["locations"] == ("Nyala",)
    assert record["status"] == "2"
    assert record["humanitarian"] is True
    assert record["source_row"] == 3


def test_v2_participating_orgs_by_role_fall_back_to_ref(v2: dict[str, dict]) -> None:
    record = v2["XM-TEST-1"]
    assert record["funders"] == ("Sida",)
    assert record["accountable"] == ("Accountable Agency",)
    assert record["extending"] == ("Swedish Embassy",)
    assert record["implementers"] == ("XM-DAC-41122",)
    assert record["participating_orgs"] == (
        "1:Sida",
        "2:Accountable Agency",
        "3:Swedish Embassy",
        "4:XM-DAC-41122",
    )


def test_nested_titles_and_descriptions_are_not_the_activitys(v2: dict[str, dict]) -> None:
    record = v2["XM-TEST-1"]
    text = " ".join([*record["titles"].values(), *record["descriptions"].values()])
    assert "Result title" not in text
    assert "Transaction text" not in text


# --- language rule ---------------------------------------------------------


def test_title_prefers_english_and_keeps_every_language(v2: dict[str, dict]) -> None:
    record = v2["XM-TEST-1"]
    assert record["title"] == "Basic health care in Darfur"
    assert set(record["titles"]) == {"fr", "en", "es"}
    assert record["titles"]["fr"] == "Soins de santé de base au Darfour"


def test_description_prefers_general_type_over_english(v2: dict[str, dict]) -> None:
    """The English text is an objective (type 2); the general text is French only."""
    record = v2["XM-TEST-1"]
    assert record["description"] == (
        "Cliniques mobiles dans trois camps.\n\nFormation de sages-femmes."
    )
    assert record["language"] == "fr"
    assert record["descriptions"]["es"] == "Clínicas móviles en tres campamentos."
    assert "Objective" in record["descriptions"]["en"]


def test_unlabelled_narratives_take_the_activity_default_language(
    v2: dict[str, dict],
) -> None:
    record = v2["XM-TEST-2"]  # xml:lang="SV" on the activity, none on narratives
    assert record["language"] == "sv"
    assert record["title"] == "Vatten och sanitet i Kassala"
    assert record["actor"] == "Sverige"


# --- dates, money, sectors -------------------------------------------------


def test_actual_dates_win_over_planned(v2: dict[str, dict], v1: IatiRead) -> None:
    assert (v2["XM-TEST-1"]["start_date"], v2["XM-TEST-1"]["end_date"]) == (
        "2020-02-15",
        "2022-12-31",
    )
    assert (v2["XM-TEST-2"]["start_date"], v2["XM-TEST-2"]["end_date"]) == (
        "2021-03-01",
        "2023-06-30",
    )
    assert v1.records[0]["start_date"] == "2013-05-20"


def test_budget_uses_revised_value_per_period(v2: dict[str, dict]) -> None:
    record = v2["XM-TEST-1"]
    assert record["budget"] == pytest.approx(1500 + 2000.50)
    assert record["currency"] == "EUR"
    assert v2["XM-TEST-2"]["currency"] == "SEK"  # default-currency


def test_dac_sectors_have_readable_names(v2: dict[str, dict]) -> None:
    assert v2["XM-TEST-1"]["sectors"] == (
        "12220 Basic health care",
        "72010 Material relief assistance and services",
        "v2:122",
        "v99:01",
    )


# --- IATI 1.0x -------------------------------------------------------------


def test_v1_fields(v1: IatiRead) -> None:
    assert v1.version == "1.03"
    record = v1.records[0]
    assert record["id"] == "GB-CHC-000000-P1"
    assert record["actor"] == "Example Relief UK"
    assert record["title"] == "Emergency shelter after the floods"
    assert record["titles"]["fr"] == "Abris d'urgence après les inondations"
    assert record["description"] == "Tents and blankets for displaced families."
    assert record["funders"] == ("Department for International Development",)
    assert record["implementers"] == ("Local Partner Pakistan",)
    assert record["accountable"] == ("GB-CHC-000000",)
    assert "3:Example Relief UK" in record["participating_orgs"]
    assert record["sectors"] == (
        "72010 Material relief assistance and services",
        "12345 A code the table does not know",
        "74010 Disaster prevention and preparedness",
    )
    assert (record["budget"], record["currency"]) == (250000.0, "GBP")


def test_activity_without_text_is_kept_with_its_line(v1: IatiRead) -> None:
    """Kept so that normalising skips and counts it like any row without text."""
    records = {r["id"]: r for r in v1.records}
    empty = records["GB-CHC-000000-P2"]
    assert (empty["title"], empty["description"], empty["source_row"]) == ("", "", 33)


# --- links -----------------------------------------------------------------


def test_links_between_activities() -> None:
    links = read_iati(DATA / "activities-2.03.xml").links
    found = {(x["from_id"], x["to_id"], x["type"]) for x in links}
    assert found == {
        ("XM-TEST-1", "XM-DONOR-FUND-7", "provider-activity-id"),
        ("XM-TEST-1", "XM-TEST-2", "receiver-activity-id"),
        ("XM-TEST-1", "XM-PARENT-0", "related-activity:parent"),
        ("XM-TEST-1", "XM-TEST-2", "related-activity:sibling"),
        ("XM-TEST-2", "XM-TEST-1", "related-activity:sibling"),
    }
    assert len(links) == len(found)  # duplicates, self and empty refs dropped
    assert {x["element"] for x in links} == {
        "transaction/provider-org",
        "transaction/receiver-org",
        "related-activity",
    }


# --- hostile and broken files ----------------------------------------------


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_entity_declarations_are_refused(name: str) -> None:
    with pytest.raises(InputError) as caught:
        read_iati(DATA / name)
    message = str(caught.value)
    assert name in message
    assert "refused: the file declares XML entities" in message


def test_malformed_xml_names_file_and_line() -> None:
    with pytest.raises(InputError) as caught:
        read_iati(DATA / "malformed.xml")
    assert caught.value.row == 7
    assert "malformed.xml" in str(caught.value)
    assert "line 7" in str(caught.value)


def test_truncated_file_is_malformed(tmp_path: Path) -> None:
    truncated = tmp_path / "cut.xml"
    data = (DATA / "activities-2.03.xml").read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="malformed XML"):
        read_iati(truncated)


def test_xml_that_is_not_iati_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "feed.xml"
    other.write_text("<rss><channel/></rss>")
    with pytest.raises(InputError, match="not an IATI activity file"):
        read_iati(other)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.xml"):
        read_iati(tmp_path / "missing.xml")


# --- the shared real-world files -------------------------------------------


@needs_shared
@pytest.mark.parametrize("path", SHARED_FILES, ids=lambda p: p.name)
def test_every_shared_file_reads(path: Path) -> None:
    """Each activity becomes a record carrying the canonical fields."""
    assert looks_like_iati(path)
    result = read_iati(path)
    activities = len(re.findall(rb"<iati-activity[\s>]", path.read_bytes()))
    assert len(result.records) == activities
    for record in result.records:
        assert set(CANONICAL_FIELDS) <= set(record)
        assert isinstance(record["source_row"], int)


@needs_shared
def test_shared_swedish_and_english_narratives() -> None:
    records = read_iati(SHARED / "dportal_50.xml").records
    both = [r for r in records if {"en", "sv"} <= set(r["titles"])]
    assert both
    assert all(r["title"] == r["titles"]["en"] for r in both)


@needs_shared
def test_shared_spanish_file() -> None:
    result = read_iati(SHARED / "MAEC_IATI_INDONESIA.xml")
    assert result.version == "2.01"
    assert {r["language"] for r in result.records} == {"es"}
    assert all(r["sectors"] for r in result.records)


@needs_shared
def test_shared_v1_roles_and_links() -> None:
    result = read_iati(SHARED / "worldbank-tz.xml")
    assert result.version == "1.01"
    assert all(r["funders"] and r["extending"] for r in result.records)
    assert {x["type"] for x in result.links} == {"related-activity:child"}


@needs_shared
def test_shared_links_include_funding_sources() -> None:
    links = read_iati(SHARED / "ukraine_prefiltered_2022-07-20.xml").links
    assert any(x["type"] == "provider-activity-id" for x in links)
    assert all(x["from_id"] != x["to_id"] for x in links)


def test_a_long_comment_before_the_root_is_still_iati(tmp_path: Path) -> None:
    text = (DATA / "activities-2.03.xml").read_text(encoding="utf-8")
    declaration, _, rest = text.partition("?>")
    path = tmp_path / "commented.xml"
    path.write_text(f"{declaration}?>\n<!-- {'licence text ' * 800} -->\n<?pi x?>{rest}", encoding="utf-8")
    assert looks_like_iati(path)
    assert read_iati(path).records


def test_a_prolog_that_never_ends_is_not_iati(tmp_path: Path) -> None:
    path = tmp_path / "endless.xml"
    path.write_bytes(b"<!-- " + b"x" * 3_000_000)
    assert not looks_like_iati(path)


@pytest.mark.parametrize("declared, encoding", [("Shift_JIS", "shift_jis"), ("x-unknown", "ascii")])
def test_xml_in_an_encoding_expat_cannot_read_is_an_input_error(tmp_path: Path, declared: str,
                                                                encoding: str) -> None:
    path = tmp_path / "jp.xml"
    path.write_bytes((f'<?xml version="1.0" encoding="{declared}"?>\n<iati-activities>'
                      "<iati-activity><iati-identifier>XM-1</iati-identifier></iati-activity>"
                      "</iati-activities>").encode(encoding))
    with pytest.raises(InputError, match=f"cannot read the XML in {declared}"):
        read_iati(path)
