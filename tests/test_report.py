import json
import re
from dataclasses import replace
from importlib import resources

import pandas as pd
import pytest

from overlap.config import load_config
from overlap.conflicts import load_axes
from overlap.decisions import apply_decisions, decision_value, input_fingerprint, load_decisions
from overlap.pipeline import run
from overlap.report import (
    informativeness,
    json_for_script,
    pairs_table,
    render_html,
    report_data,
    write_outputs,
)
from tests.conftest import DATA, SAMPLES
from tests.helpers import make_run_result

FIXTURES = DATA / "report"
ASSETS = ("report.css", "report-util.js", "report-review.js", "report-overview.js",
          "report-pairs.js", "report-detail.js", "report-clusters.js", "report-conflicts.js", "report-matrix.js",
          "report-map.js", "report-print.js", "report-app.js", "report-groups.js")


#: What a run finds among the fixtures: three organisations' overlapping projects, and
#: a hostile one copying UNICEF's.
FIXTURE_PAIRS = [
    {"a": "U-02", "b": "W-10", "kind": "duplicate", "similarity": 0.73},
    {"a": "A-7", "b": "U-01", "kind": "duplicate", "similarity": 0.62},
    {"a": "A-8", "b": "W-12", "kind": "duplicate", "similarity": 0.71},
    {"a": "U-03", "b": "W-11", "kind": "duplicate", "similarity": 0.58},
    {"a": "H-1", "b": "U-01", "kind": "duplicate", "similarity": 0.52},
    {"a": "A-7", "b": "H-1", "kind": "duplicate", "similarity": 0.41},
    {"a": "U-04", "b": "W-12", "similarity": 0.27},
    {"a": "A-8", "b": "U-04", "similarity": 0.22},
    {"a": "A-9", "b": "U-05", "similarity": 0.23},
]


def fixture_result(**report):
    """The fixtures' activities and pairs as a run result, without running the pipeline."""
    config = load_config(None, {"embed": {"embedder": "tfidf"}, **({"report": report} if report else {})})
    return make_run_result([FIXTURES], FIXTURE_PAIRS, config)


@pytest.fixture(scope="module")
def result():
    return fixture_result()


#: The planted conflicts a TF-IDF run finds: every one of tests/data/conflicts/expected.csv
#: but the two written in English on one side and French on the other, which only the
#: multilingual encoder matches (test_conflicts checks those with USE vectors).
CROSS_LINGUAL = {frozenset(("IOM-TN-RR-0623", "RMST-23-03")), frozenset(("T05-EUTF-SAH-NE-17", "RSM-22-02"))}


def conflict_run():
    """The samples and the conflict look-alikes, embedded with TF-IDF (a few seconds)."""
    config = load_config(None, {"embed": {"embedder": "tfidf"}, "input": {"exclude": ["expected.csv"]}})
    return run([SAMPLES, DATA / "conflicts" / "lookalikes.csv"], config)


@pytest.fixture(scope="module")
def conflicted():
    return conflict_run()


def embedded_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="overlap-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_json_for_script_cannot_close_the_tag():
    hostile = {"t": "</script><script>alert(1)</script><!-- \u2028 & \u2029 'x' \"y\""}
    text = str(json_for_script(hostile))
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == hostile


def test_hostile_input_stays_inside_the_data(result):
    html = render_html(result)
    assert html.count("<script") == 2 and html.count("</script>") == 2
    data = embedded_data(html)
    outside = html.replace(re.search(r'id="overlap-data">(.*?)</script>', html, re.S).group(1), "")
    assert "<img" not in outside and "javascript:" not in outside and "Hostile" not in outside
    assert "</script><script>alert('title')</script>" in data["activities"]["title"]
    assert any("<img src=x onerror=alert(1)>" in d for d in data["activities"]["description"])


def test_page_assets_are_inlined_verbatim(result):
    """Jinja must not have read template syntax in the CSS or JS."""
    html = render_html(result)
    for name in ASSETS:
        text = resources.files("overlap").joinpath("templates", name).read_text(encoding="utf-8")
        assert text.strip() in html, name


def test_the_page_fetches_nothing(result):
    html = render_html(result)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert not re.search(r"@import|url\(", html)
    # the one address besides the SVG namespace: IATI records' public pages, a link the
    # reader may click (test_report_browser checks that opening a pair requests nothing)
    assert set(re.findall(r"https?://[^\s\"']+", html)) <= {"http://www.w3.org/2000/svg",
                                                            "https://d-portal.org/ctrack.html#view=act&aid="}
    assert "default-src 'none'" in html


def test_payload_embeds_activities_once_and_pairs_by_position(result):
    data = report_data(result)
    activities, pairs, meta = data["activities"], data["pairs"], data["meta"]
    table = pairs_table(result)
    used = set(table["id_a"]) | set(table["id_b"])
    assert sorted(activities["id"]) == sorted(used) and len(used) < len(result.activities)
    assert meta["embedded_activities"] == len(used) and activities["partial"] == []
    for position, pair_id in enumerate(pairs["id"]):
        row = table[table["pair_id"] == pair_id].iloc[0]
        assert activities["id"][pairs["a"][position]] == row["id_a"]
        assert activities["id"][pairs["b"][position]] == row["id_b"]
        assert meta["kinds"][pairs["kind"][position]] == row["kind"]
    assert len(pairs["contributions"]) == len(pairs["id"]) * len(meta["features"])
    assert len(data["map"]["x"]) == len(data["map"]["y"]) == len(activities["id"])
    assert all(0 <= v <= 10000 for v in data["map"]["x"] + data["map"]["y"])
    assert meta["fingerprint"] == input_fingerprint(s.sha256 for s in result.read.sources)
    assert meta["total_pairs"] == meta["shown_pairs"] == len(result.pairs)


def test_contributions_add_up_to_the_score(result):
    data = report_data(result)
    n = len(data["meta"]["features"])
    for p, score in enumerate(data["pairs"]["score"]):
        bias = data["meta"]["scorers"][data["pairs"]["scorer"][p]]["bias"]
        linear = bias + sum(data["pairs"]["contributions"][p * n:(p + 1) * n])
        assert abs(1 / (1 + 2.718281828459045 ** -linear) - score) < 0.01


def test_pairs_carry_both_probabilities_and_how_informative_an_answer_is(result):
    pairs = report_data(result)["pairs"]
    assert pairs["p_duplicate"] == [round(v, 4) for v in result.pairs["p_duplicate"]]
    assert pairs["p_genuine"] == [round(v, 4) for v in result.pairs["p_genuine"]]
    for p_duplicate, p_genuine, informative in zip(pairs["p_duplicate"], pairs["p_genuine"],
                                                   pairs["informative"]):
        expected = max(1 - abs(2 * p_duplicate - 1), 1 - abs(2 * p_genuine - 1))
        assert informative == pytest.approx(expected, abs=0.002)


def test_the_scorer_learns_most_where_it_is_least_sure():
    p_duplicate = pd.Series([0.5, 0.1, 0.02, 0.97, float("nan")])
    p_genuine = pd.Series([0.9, 0.6, 0.99, 0.99, float("nan")])
    informative = informativeness(p_duplicate, p_genuine).tolist()
    assert informative == pytest.approx([1.0, 0.8, 0.04, 0.06, 0.0])


def test_conflicts_are_never_first_in_the_review_queue(conflicted):
    data = report_data(conflicted)
    pairs, kinds = data["pairs"], data["meta"]["kinds"]
    conflicts = [p for p, k in enumerate(pairs["kind"]) if kinds[k] == "conflict"]
    assert conflicts
    for p in conflicts:
        assert pairs["p_duplicate"][p] is None and pairs["p_genuine"][p] is None
        assert pairs["informative"][p] == 0


def test_the_page_reads_decisions_in_the_words_decisions_py_reads():
    """The page's import understands every wording a decisions file may use, as the run does."""
    wording = report_data(fixture_result())["meta"]["decision_wording"]
    for text in ("duplicate", "funding link", "related", "not related", "unsure", "confirmed",
                 "dismissed", "not a duplicate"):
        assert wording[text] == decision_value(text)


def test_truncated_pages_say_so(result):
    truncated = fixture_result(max_pairs_in_html=2)
    html = render_html(truncated)
    total = len(truncated.pairs)
    assert total > 2
    assert f"This page holds the top 2 of {total:,} reported pairs; pairs.csv holds all of them" in html
    assert len(embedded_data(html)["pairs"]["id"]) == 2
    assert "truncation-notice" not in render_html(result)


def test_applied_decisions_reach_the_page_and_pairs_csv(result, write, tmp_path):
    first, second = result.pairs["pair_id"].iloc[:2]
    path = write("decisions.csv", f"pair_id,decision,note\n{first},confirmed,same wells\n{second},dismissed,\n")
    pairs, stats = apply_decisions(result.pairs, load_decisions(path))
    result_with = replace(result, pairs=pairs)
    data = report_data(result_with)
    assert data["pairs"]["decision"][0] == "confirmed" and data["pairs"]["note"][0] == "same wells"
    assert second not in data["pairs"]["id"]
    assert stats["dismissed"] == 1
    written = write_outputs(result_with, tmp_path / "out")
    header = written["pairs"].read_text().splitlines()[0]
    assert "decision,decision_note" in header


def test_dac_codes_and_countries_get_their_names(result):
    data = report_data(result)
    sectors = data["vocab"]["sector"]
    assert "Basic drinking water supply and basic sanitation" in sectors
    assert not any(name[:5].isdigit() for name in sectors)
    groups = [data["meta"]["sector_groups"][g] for g in data["vocab"]["sector_group"]]
    assert groups[sectors.index("Basic drinking water supply and basic sanitation")] == "DAC sectors"
    assert groups[sectors.index("WASH")] == "As written"
    assert data["country_names"]["NE"] == "Niger"


def test_only_the_activities_the_page_uses_are_embedded(result):
    """A pair in the page embeds both activities in full; an activity only a cluster
    names keeps the start of its description; one nothing names is left out."""
    shown = fixture_result(max_pairs_in_html=2)
    data = report_data(shown)
    acts, pairs = data["activities"], data["pairs"]
    in_pairs = {acts["id"][i] for i in pairs["a"] + pairs["b"]}
    clustered = set(shown.activities.loc[shown.activities["cluster_id"] != "", "id"])
    assert set(acts["id"]) == in_pairs | clustered
    assert acts["partial"] and {acts["id"][i] for i in acts["partial"]} == clustered - in_pairs
    assert all(len(acts["description"][i]) <= 240 for i in acts["partial"])
    members = {acts["id"][i] for members in data["clusters"]["members"] for i in members}
    assert members == clustered
    assert len(data["map"]["x"]) == len(acts["id"])


def test_the_histogram_counts_every_reported_pair_not_only_the_page(result):
    data = report_data(fixture_result(max_pairs_in_html=2))
    histogram = data["meta"]["histogram"]
    assert sum(sum(counts) for counts in histogram.values()) == len(result.pairs) > 2
    for kind, counts in histogram.items():
        scores = result.pairs.loc[result.pairs["kind"] == kind, "score"]
        assert len(counts) == 20 and sum(counts) == len(scores)
        top = scores.max()
        assert counts[min(19, int(top * 20))] >= 1


def test_reasons_name_countries_and_sectors_and_orgs_keep_their_roles():
    from overlap.labels import readable_reasons, sector_name
    from overlap.report import organisations_by_role

    assert readable_reasons("same country: SL, NE; same sector: 14031; 12220; shared terms: water") == \
        "same country: Sierra Leone, Niger; same sector: Basic drinking water supply; " \
        "Basic health care; shared terms: water"
    assert readable_reasons("different countries: CD vs SL, NE; text similarity 0.80") == \
        "different countries: DR Congo vs Sierra Leone, Niger; text similarity 0.80"
    assert readable_reasons("Axis x: a (IOM: 'y') vs b (DRC: 'z'); same country LY, 2022-2024") == \
        "Axis x: a (IOM: 'y') vs b (DRC: 'z'); same country Libya, 2022-2024"
    assert sector_name("14031 Basic drinking water supply")[0] == "Basic drinking water supply"
    assert sector_name("720") == ("Emergency response", "DAC categories")
    assert sector_name("v7:3")[0] == "SDG 3: Good health and well-being"
    assert sector_name("v99:18") == ("Publisher's own sector 18", "Publishers' own sectors")
    assert sector_name("Protection") == ("Protection", "As written")
    roles = organisations_by_role(["BMZ"], [], ["4:GIZ", "1:BMZ", "2:KfW", "Oxfam"])
    assert roles == [(0, "BMZ"), (3, "GIZ"), (1, "KfW"), (4, "Oxfam")]


def test_any_kind_string_gets_listed(result):
    pairs = result.pairs.assign(kind=["funding-chain", *result.pairs["kind"].iloc[1:]])
    meta = report_data(replace(result, pairs=pairs))["meta"]
    assert meta["kinds"][:2] == ["duplicate", "overlap"] and "funding-chain" in meta["kinds"]


def test_comparison_with_the_last_run_reaches_the_page(result):
    pairs = result.pairs.assign(status="unchanged", why="")
    pairs.loc[0, ["status", "why"]] = ["new", "new activity"]
    changes = {"previous_run": "2024-05-01T10:00:00Z", "pairs": {"new": 1}, "new_alerts": 1}
    data = report_data(replace(result, pairs=pairs, changes=changes))
    assert data["pairs"]["status"][0] == "new" and data["pairs"]["why"][0] == "new activity"
    assert data["meta"]["changes"]["previous_run"] == "2024-05-01T10:00:00Z"


def test_short_text_pairs_show_the_weights_they_were_scored_with(result):
    pairs = result.pairs.assign(short_text=[True, *[False] * (len(result.pairs) - 1)])
    data = report_data(replace(result, pairs=pairs))
    n = len(data["meta"]["features"])
    assert data["pairs"]["scorer"][:2] == [1, 0]
    short = data["meta"]["scorers"][1]
    expected = [w * pairs.loc[0, f] for w, f in zip(short["weights"], data["meta"]["features"])]
    assert data["pairs"]["contributions"][:n] == pytest.approx(expected, abs=1e-3)


# ---------------------------------------------------------------- conflicts


def _conflict_rows(data: dict) -> list[dict]:
    """Each conflict on the page as the view reads it: axis, sides in pole order, areas."""
    acts, pairs, conflicts = data["activities"], data["pairs"], data["conflicts"]
    rows = []
    for c, p in enumerate(conflicts["pairs"]["p"]):
        axis = conflicts["axes"][conflicts["pairs"]["axis"][c]]
        side_a = (acts["id"][pairs["a"][p]], conflicts["pairs"]["phrases_a"][c])
        side_b = (acts["id"][pairs["b"][p]], conflicts["pairs"]["phrases_b"][c])
        first, second = (side_a, side_b) if conflicts["pairs"]["pole"][c] == 0 else (side_b, side_a)
        rows.append({"p": p, "axis": axis["name"], "poles": (axis["a"], axis["b"]), "first": first,
                     "second": second, "areas": [data["vocab"]["location"][k] for k in conflicts["pairs"]["areas"][c]]})
    return rows


def test_conflicts_reach_the_page_with_their_axis_poles_and_phrases(conflicted):
    data = report_data(conflicted)
    rows = _conflict_rows(data)
    expected = pd.read_csv(DATA / "conflicts" / "expected.csv")
    wanted = {(frozenset((r.id_a, r.id_b)), r.axis) for r in expected.itertuples()
              if frozenset((r.id_a, r.id_b)) not in CROSS_LINGUAL}
    assert {(frozenset((r["first"][0], r["second"][0])), r["axis"]) for r in rows} == wanted
    kinds = data["meta"]["kinds"]
    assert all(kinds[data["pairs"]["kind"][r["p"]]] == "conflict" for r in rows)
    assert sorted(data["conflicts"]["pairs"]["p"]) == [
        p for p, k in enumerate(data["pairs"]["kind"]) if kinds[k] == "conflict"]
    by_axis = {r["axis"]: r for r in rows}
    libya = by_axis["return vs integration"]
    assert libya["poles"] == ("return", "integration")
    assert libya["first"] == ("IOM-LY-RR-0322", ["voluntary return", "return home"])
    assert libya["second"][0] == "DRC-LY-22-01" and "Local integration" in libya["second"][1]
    care = by_axis["institutional vs family-based care"]
    assert care["first"][0] == "UG-ORPH-01" and "orphanage" in care["first"][1]
    assert care["second"][0] == "UG-CARE-02" and "foster care" in care["second"][1]
    # every phrase the reasons quote is among the phrases shown for that side
    for r in rows:
        reasons = data["pairs"]["reasons"][r["p"]]
        for phrase in r["first"][1][:4] + r["second"][1][:4]:
            assert f"'{phrase}'" in reasons, (phrase, reasons)


def test_conflicts_are_grouped_by_place_with_the_areas_both_sides_name(conflicted):
    rows = {r["axis"]: r for r in _conflict_rows(report_data(conflicted))}
    assert rows["institutional vs family-based care"]["areas"] == ["Jinja"]
    assert rows["detention vs alternatives to detention"]["areas"] == ["Tapachula"]
    # IOM names places in Libya and Nigeria, DRC none: the place is the country only
    assert rows["return vs integration"]["areas"] == []


def test_the_page_lists_the_axes_checked_with_counts(conflicted, result):
    names = [axis.name for axis in load_axes()]
    axes = report_data(conflicted)["conflicts"]["axes"]
    assert [a["name"] for a in axes] == names
    assert {a["name"]: a["total"] for a in axes if a["total"]} == conflicted.conflicts_per_axis
    assert axes[0]["a"] == "return" and axes[0]["b"] == "integration"
    none = report_data(result)["conflicts"]
    assert none["enabled"] and none["pairs"]["p"] == [] and [a["name"] for a in none["axes"]] == names
    assert all(a["total"] == 0 for a in none["axes"])


def test_conflicts_switched_off_or_from_another_axes_file(result, write):
    config = result.config
    off = replace(config, conflicts=replace(config.conflicts, enabled=False))
    data = report_data(replace(result, config=off, axes=[]))["conflicts"]
    assert data["enabled"] is False and data["axes"] == []
    path = write("my-axes.toml", (resources.files("overlap") / "data" / "axes.toml").read_text(encoding="utf-8")
                 .replace('name = "return vs integration"', 'name = "going home vs staying"'))
    own = replace(config, conflicts=replace(config.conflicts, axes=str(path)))
    data = report_data(replace(result, config=own, axes=load_axes(path)))["conflicts"]
    assert data["file"] == "my-axes.toml" and data["axes"][0]["name"] == "going home vs staying"
    # the page shows the axes the run searched, whatever the file holds by now
    path.unlink()
    assert report_data(replace(result, config=own, axes=load_axes(None)))["conflicts"]["axes"][0]["name"] \
        == "return vs integration"


def test_a_conflict_of_an_axis_no_longer_in_the_file_still_shows(conflicted):
    pairs = conflicted.pairs.assign(axis=conflicted.pairs["axis"].replace("return vs integration", "old axis"))
    data = report_data(replace(conflicted, pairs=pairs))
    rows = {r["axis"]: r for r in _conflict_rows(data)}
    assert rows["old axis"]["poles"] == ("", "") and rows["old axis"]["first"][1] == []
    assert data["conflicts"]["axes"][-1] == {"name": "old axis", "a": "", "b": "", "total": 1}


def test_skipped_rows_are_not_counted_again_among_the_warnings(result):
    from overlap.read import Problem

    skipped = [Problem("warning", "no title or description; row skipped", "x.csv", row) for row in (3, 4)]
    other = Problem("warning", "a date could not be read", "x.csv", 5, "start")
    meta = report_data(replace(result, problems=[*skipped, other], skipped_rows=skipped))["meta"]
    assert meta["skipped_rows"] == 2 and meta["warnings"] == 1
    assert len(meta["problems"]) == 3


def test_participating_organisations_of_a_flattened_iati_table_reach_the_page_by_role(write):
    """IATI activities flattened to CSV name their organisations only as 'role:name' in
    participating_orgs (funders and implementers stay empty): the page lists them by role,
    and their ids link to d-portal."""
    path = write("iati/activities.csv",
                 "id,organisation,title,description,countries,participating_orgs\n"
                 "DE-1-201,BMZ,Wells in Tahoua,Drilling 40 boreholes in Tahoua,NE,"
                 '"1:Federal Ministry (BMZ) ; 4:GIZ ; 3:KfW"\n'
                 "XM-DAC-41122-9,UNICEF,Water points in Tahoua,Drilling 40 boreholes with hand pumps,NE,"
                 '"1:Federal Ministry (BMZ) ; 4:UNICEF Niger ; 7:Someone"\n')
    data = report_data(make_run_result([path.parent], [{"a": "DE-1-201", "b": "XM-DAC-41122-9"}]))
    acts, orgs, roles = data["activities"], data["vocab"]["org"], data["meta"]["org_roles"]
    named = [{(roles[o[k]], orgs[o[k + 1]]) for k in range(0, len(o), 2)} for o in acts["orgs"]]
    assert named[acts["id"].index("DE-1-201")] == {
        ("Funding", "Federal Ministry (BMZ)"), ("Implementing", "GIZ"), ("Extending", "KfW")}
    assert ("Other", "Someone") in named[acts["id"].index("XM-DAC-41122-9")]
    assert acts["funders"] == [[], []]
    assert data["meta"]["iati_files"] == ["activities.csv"]


def test_a_3w_run_writes_its_area_groups_and_others_do_not(tmp_path):
    """area-groups.csv: who does what where, one row per admin area and activity."""
    result = run([DATA / "3w"], load_config(None, {"embed": {"embedder": "tfidf"}}))
    paths = write_outputs(result, tmp_path / "3w")
    groups = pd.read_csv(paths["area_groups"], keep_default_na=False)
    assert list(groups.columns) == ["area", "activity", "sector", "organisations", "n_organisations",
                                    "activities", "pairs", "pair_ids"]
    zone = groups[groups["area"] == "Amhara > North Wollo [ET0301]"].iloc[0]
    assert zone["activity"] == "Water trucking" and zone["n_organisations"] == 4 and zone["pairs"] == 3
    assert zone["organisations"].startswith("Oxfam (1); Plan International (1)")
    assert set(zone["pair_ids"].split("; ")) <= set(pd.read_csv(paths["pairs"])["pair_id"])
    others = write_outputs(fixture_result(), tmp_path / "descriptions")
    assert "area_groups" not in others and not (tmp_path / "descriptions" / "area-groups.csv").exists()
