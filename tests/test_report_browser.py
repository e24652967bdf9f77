"""The HTML report in a real browser: offline, safe with hostile text, and usable for review.

Needs the system Chromium (Debian: apt-get install chromium chromium-driver), driven by
Playwright for Python; `playwright install` is never used.
"""

import csv
import itertools
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from overlap.config import load_config
from overlap.conflicts import load_axes
from overlap.decisions import DECISION_COLUMNS, load_decisions
from overlap.pipeline import load_activities, run
from overlap.report import json_for_script, write_outputs
from tests.conftest import DATA, SAMPLES
from tests.helpers import make_run_result

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    config = load_config(None, {"embed": {"embedder": "tfidf"}})
    result = run([DATA / "report"], config)
    return write_outputs(result, tmp_path_factory.mktemp("report"))["report"]


@pytest.fixture(scope="module")
def conflict_report(tmp_path_factory) -> Path:
    """The samples and the conflict look-alikes: 5 planted conflicts a TF-IDF run finds."""
    config = load_config(None, {"embed": {"embedder": "tfidf"}, "input": {"exclude": ["expected.csv"]}})
    result = run([SAMPLES, DATA / "conflicts" / "lookalikes.csv"], config)
    return write_outputs(result, tmp_path_factory.mktemp("conflicts"))["report"]


#: The review report's inputs: an IATI file (organisations by role, IATI ids), the
#: report fixtures and the samples: 170 activities of 23 actors.
REVIEW_INPUTS = [DATA / "iati" / "activities-2.03.xml", DATA / "report", SAMPLES]
#: Its pairs: this many, of which the page holds REVIEW_SHOWN (the rest only in pairs.csv).
REVIEW_PAIRS, REVIEW_SHOWN = 130, 110


@pytest.fixture(scope="module")
def review_report(tmp_path_factory) -> Path:
    """REVIEW_PAIRS pairs of different actors' activities, built without a pipeline run
    (cheap), led by an IATI activity's duplicate and an overlap whose P(duplicate) 0.9859
    sits just under a duplicate threshold of 0.99."""
    config = load_config(None, {"embed": {"embedder": "tfidf"}, "input": {"exclude": ["expected.csv"]},
                                "score": {"duplicate_threshold": 0.99},
                                "report": {"max_pairs_in_html": REVIEW_SHOWN}})
    activities = load_activities(REVIEW_INPUTS, config)[1].activities
    actor = dict(zip(activities["id"], activities["actor"]))
    pairs = [{"a": "XM-TEST-1", "b": "U-01", "kind": "duplicate", "score": 0.999, "p_genuine": 0.999,
              "p_duplicate": 0.995},
             {"a": "U-02", "b": "W-10", "kind": "overlap", "p_duplicate": 0.9859, "score": 0.998,
              "p_genuine": 0.998}]
    for x, y in itertools.combinations(activities["id"], 2):
        if len(pairs) == REVIEW_PAIRS:
            break
        if actor[x] != actor[y] and {x, y} != {"XM-TEST-1", "U-01"} and {x, y} != {"U-02", "W-10"}:
            pairs.append({"a": x, "b": y})
    result = make_run_result(REVIEW_INPUTS, pairs, config)
    return write_outputs(result, tmp_path_factory.mktemp("review"))["report"]


@pytest.fixture
def review_page(context, review_report):
    watched = Watched(context, review_report.resolve().as_uri())
    yield watched
    assert not watched.dialogs, f"the page opened dialogs: {watched.dialogs}"
    assert watched.errors == []
    assert all(u.startswith(LOCAL_SCHEMES) for u in watched.requests), watched.requests


def write_group_inputs(folder: Path, n: int) -> None:
    """Two actors reporting the same n activities, one per district: n duplicate pairs
    between one actor pair, each district's name making its two texts alike."""
    syllables = ["ka", "lo", "mi", "ra", "tu", "be", "so", "ne", "di", "fa", "go", "zu", "pe", "wi"]
    places = sorted({a.capitalize() + b + c for a in syllables for b in syllables for c in syllables})[::37][:n]
    works = ["boreholes", "latrines", "school meals", "seed fairs", "cash transfers", "clinics"]
    for actor, name, shift in (("Donor Agency", "donor.csv", 0), ("Field Partner", "partner.csv", 1)):
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["id", "organisation", "title", "description", "country", "location", "sector",
                          "start date", "end date"])
            for k, place in enumerate(places):
                work = works[k % len(works)]
                out.writerow([f"{name[0].upper()}-{k}", actor, f"{work.capitalize()} for {place} district",
                              f"{work.capitalize()} for {place} district: {100 + k + shift} households of "
                              f"{place} town and {place} villages reached with {work}.",
                              "Niger", place, "WASH", "2022-01-01", "2023-12-31"])


@pytest.fixture(scope="module")
def group_report(tmp_path_factory) -> Path:
    """60 duplicate pairs between two actors: one group to decide at once."""
    folder = tmp_path_factory.mktemp("group-in")
    write_group_inputs(folder, 60)
    result = run([folder], load_config(None, {"embed": {"embedder": "tfidf"}}))
    return write_outputs(result, tmp_path_factory.mktemp("group"))["report"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("browser tests need /usr/bin/chromium: "
                    "apt-get install chromium chromium-driver (or `make browser` as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A page plus everything it did that a test may want to forbid."""

    def __init__(self, context, url: str):
        self.url = url
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, hash_: str = "") -> None:
        self.page.goto(self.url + hash_)
        self.page.wait_for_selector("html[data-ready]")

    def go(self, hash_: str, settle: bool = False) -> None:
        """Change the address; ``settle`` for ones the page rewrites, else wait for the exact one."""
        self.page.evaluate("h => { location.hash = h; }", hash_)
        if settle:
            self.page.wait_for_timeout(50)
        else:
            self.page.wait_for_function("h => location.hash === h", arg=hash_)

    def rows(self):
        return self.page.locator("#pair-rows tr[data-p]")


@pytest.fixture
def context(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def watched(context, report):
    watched = Watched(context, report.resolve().as_uri())
    yield watched
    assert not watched.dialogs, f"the page opened dialogs: {watched.dialogs}"


@pytest.fixture
def conflicts_page(context, conflict_report):
    watched = Watched(context, conflict_report.resolve().as_uri())
    yield watched
    assert not watched.dialogs, f"the page opened dialogs: {watched.dialogs}"
    assert watched.errors == []


def test_loads_from_file_offline_without_errors(watched):
    watched.open()
    assert watched.page.locator(".card").first.is_visible()
    first_pair = watched.page.evaluate("JSON.parse(document.getElementById('overlap-data').textContent).pairs.id[0]")
    for view in ("#overview", "#pairs", "#clusters", "#conflicts", "#conflicts/place", "#matrix", "#map",
                 f"#pair/{first_pair}", "#activity/0"):
        watched.go(view)
        assert watched.page.locator("main > .view:not([hidden])").count() == 1, view
    for odd in ("#pair/constructor", "#pair/__proto__", "#cluster/%E0%A4%A", "#activity/99999",
                "#pairs/kind=%", "#pairs/actors=1", "#pairs/actors=0,1&layer=constructor", "#conflicts/x",
                "#pairs/actors=rest,rest", "#pairs/actors=0,rest&shown=x,__proto__", "#groups/cluster/99999",
                "#nonsense"):
        watched.go(odd, settle=True)
    assert watched.errors == []
    assert watched.requests and all(u.startswith(LOCAL_SCHEMES) for u in watched.requests), watched.requests


def test_filters_and_sorting(watched):
    watched.open("#pairs")
    page, rows = watched.page, watched.rows()
    total = rows.count()
    assert total >= 4
    page.fill("#f-search", "maradi")
    assert rows.count() == 1 and "Maradi" in rows.first.inner_text()
    page.fill("#f-search", "")
    assert rows.count() == total
    page.select_option("#f-kind", value="1")  # kinds are listed duplicate, overlap, then others
    assert rows.count() >= 1
    assert all(t.strip() == "overlap" for t in page.locator("#pair-rows .kind").all_inner_texts())
    page.click("#f-clear")
    shown = sorted(float(s) for s in page.locator("#pair-rows .score > span:first-child").all_inner_texts())
    cut = round(shown[len(shown) // 2] - 0.005, 3)  # scores show two digits: a cut between them
    assert shown[0] < cut
    page.fill("#f-min", str(cut))
    scores = [float(s) for s in page.locator("#pair-rows .score > span:first-child").all_inner_texts()]
    assert scores and min(scores) >= cut and rows.count() < total
    page.click("#f-clear")
    page.wait_for_function(f"() => document.querySelectorAll('#pair-rows tr[data-p]').length === {total}")
    page.click("th[data-sort='score'] button")
    assert page.get_attribute("th[data-sort='score']", "aria-sort") == "ascending"
    scores = [float(s) for s in page.locator("#pair-rows .score > span:first-child").all_inner_texts()]
    assert scores == sorted(scores)
    page.click("th[data-sort='a'] button")
    actors = page.locator("#pair-rows td:nth-child(3) .actor").all_inner_texts()
    assert actors == sorted(actors, key=str.lower)


#: The decision buttons, in order: (stored value, label, key).
DECISION_BUTTONS = [("duplicate", "Duplicate", "1"), ("funding link", "Funding link", "2"),
                    ("related", "Related", "3"), ("dismissed", "Not related", "4"), ("unsure", "Unsure", "5")]


def page_data(watched) -> dict:
    return watched.page.evaluate("JSON.parse(document.getElementById('overlap-data').textContent)")


def on_pair(page, position: int) -> None:
    """Wait until the pair page shows the pair at this position (1-based) of the list."""
    page.wait_for_function(f"() => document.querySelector('.pair-nav')"
                           f" && document.querySelector('.pair-nav').innerText.includes('pair {position} of')")


def test_five_decisions_by_key_on_the_pair_page_move_on_and_undo(watched):
    watched.open("#pairs")
    page = watched.page
    watched.rows().first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#view-pair:not([hidden])")
    on_pair(page, 2)
    buttons = page.locator("#pair-body button[data-decision]")
    labels = buttons.evaluate_all("bs => bs.map(b => [b.dataset.decision, b.firstChild.textContent.trim(),"
                                  " b.querySelector('kbd').textContent])")
    assert [tuple(label) for label in labels] == DECISION_BUTTONS
    page.keyboard.press("1")  # duplicate, then on to the next unreviewed pair
    on_pair(page, 3)
    page.keyboard.press("k")
    on_pair(page, 2)
    assert page.get_attribute("button[data-decision='duplicate']", "aria-pressed") == "true"
    page.keyboard.press("4")  # not related instead
    on_pair(page, 3)
    page.keyboard.press("u")  # undo: back to pair 2, a duplicate again
    on_pair(page, 2)
    assert page.get_attribute("button[data-decision='duplicate']", "aria-pressed") == "true"
    page.keyboard.press("2")
    on_pair(page, 3)
    page.keyboard.press("k")
    on_pair(page, 2)
    page.keyboard.press("2")  # the same key again clears the decision and stays
    page.wait_for_function("() => document.querySelector(\"button[data-decision='funding link']\")"
                           ".getAttribute('aria-pressed') === 'false'")
    assert "pair 2 of" in page.inner_text(".pair-nav")
    page.keyboard.press("3")
    on_pair(page, 3)
    page.keyboard.press("Escape")
    page.wait_for_selector("#view-pairs:not([hidden])")
    assert watched.rows().nth(1).locator(".decision.related").inner_text() == "Related"
    assert "1 related" in page.inner_text("#progress")
    assert watched.errors == []


def test_decision_keys_work_on_a_table_row_and_move_to_the_next_unreviewed(watched):
    watched.open("#pairs")
    page, rows = watched.page, watched.rows()
    focused = "() => document.activeElement.dataset.p"
    rows.first.focus()
    second, third = (rows.nth(k).get_attribute("data-p") for k in (1, 2))
    page.keyboard.press("3")
    rows.first.locator(".decision.related").wait_for()
    assert page.evaluate(focused) == second
    page.keyboard.press("2")
    assert rows.nth(1).locator(".decision.funding-link").inner_text() == "Funding link"
    assert page.evaluate(focused) == third
    page.keyboard.press("u")
    rows.nth(1).locator(".decision.none").wait_for()
    assert page.evaluate(focused) == second
    assert "1 of " in page.inner_text("#progress") and "1 related" in page.inner_text("#progress")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("n")  # the next unreviewed after the first row: the second
    page.wait_for_selector("#view-pair:not([hidden])")
    on_pair(page, 2)
    assert watched.errors == []


def test_most_informative_first_orders_the_table_and_the_review_queue(watched):
    watched.open("#pairs")
    page = watched.page
    pairs = page_data(watched)["pairs"]
    queue = sorted(range(len(pairs["id"])), key=lambda p: (-pairs["informative"][p], -pairs["score"][p], p))
    assert len(set(pairs["informative"])) > 1
    page.click("#sort-informative")
    assert page.get_attribute("#sort-informative", "aria-pressed") == "true"
    assert [int(p) for p in watched.rows().evaluate_all("rows => rows.map(r => r.dataset.p)")] == queue
    page.click("#next-unreviewed")
    page.wait_for_selector("#view-pair:not([hidden])")
    on_pair(page, 1)
    assert page.inner_text(".pair-head .mono") == pairs["id"][queue[0]]
    page.keyboard.press("5")  # unsure, then the next in the queue
    on_pair(page, 2)
    page.keyboard.press("n")  # skipped, undecided
    on_pair(page, 3)
    assert page.inner_text(".pair-head .mono") == pairs["id"][queue[2]]
    page.click("#pair-next-unreviewed")
    on_pair(page, 4)
    page.keyboard.press("Escape")
    page.wait_for_selector("#view-pairs:not([hidden])")
    assert page.get_attribute("#sort-informative", "aria-pressed") == "true"
    page.click("th[data-sort='score'] button")
    assert page.get_attribute("#sort-informative", "aria-pressed") == "false"


def test_both_probabilities_are_shown_and_explained(watched):
    watched.open("#pairs")
    page = watched.page
    pairs = page_data(watched)["pairs"]
    headers = page.locator("#pair-table thead th").all_inner_texts()
    assert any("P(genuine)" in h for h in headers) and any("P(duplicate)" in h for h in headers)
    help_text = page.inner_text("#prob-help")
    assert "P(genuine): how likely" in help_text and "P(duplicate): how likely" in help_text
    p = int(watched.rows().first.get_attribute("data-p"))
    assert watched.rows().first.locator("td.prob").inner_text() == f"{pairs['p_duplicate'][p]:.2f}"
    watched.rows().first.click()
    page.wait_for_selector("#view-pair:not([hidden])")
    head = page.inner_text(".pair-head")
    assert (f"P(genuine) {pairs['p_genuine'][p]:.2f} · P(duplicate) {pairs['p_duplicate'][p]:.2f}") in head
    assert "one effort or the same money reported twice" in page.inner_text(".prob-help")


def test_decisions_of_earlier_reports_still_show(watched, tmp_path):
    """localStorage from before the five decisions (confirmed / dismissed) keeps working."""
    watched.open("#pairs")
    page = watched.page
    data = page_data(watched)
    ids = data["pairs"]["id"]
    page.evaluate("""([key, first, second]) => localStorage.setItem(key, JSON.stringify({
      [first]: {decision: "confirmed", note: "", reviewer: "", decided_at: "2024-01-01T00:00:00Z"},
      [second]: {decision: "dismissed", note: "", reviewer: "", decided_at: "2024-01-01T00:00:00Z"}}))""",
                  ["overlap:decisions:" + data["meta"]["fingerprint"], ids[0], ids[1]])
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert watched.rows().first.locator(".decision.confirmed").inner_text() == "Confirmed"
    assert watched.rows().nth(1).locator(".decision.dismissed").inner_text() == "Not related"
    assert "1 not related · 0 unsure · 1 confirmed" in page.inner_text("#progress")
    watched.go(f"#pair/{ids[0]}")
    assert page.locator("#review-confirmed").is_visible()
    assert page.locator("#pair-body button[data-decision][aria-pressed='true']").count() == 0
    watched.go("#pairs")
    with page.expect_download() as download:
        page.click("#export-decisions")
    path = tmp_path / "decisions.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    assert [r["decision"] for r in rows] == ["confirmed", "not related"]


def test_a_decision_survives_a_reload_and_exports(watched, tmp_path):
    watched.open("#pairs")
    page = watched.page
    watched.rows().first.click()
    page.wait_for_selector("#view-pair:not([hidden])")
    pair_id = page.inner_text(".pair-head .mono")
    page.click("button[data-decision='duplicate']")
    page.fill("#review-note", 'same wells, "same" place')
    page.fill("#review-reviewer", "Ana")
    page.press("#review-reviewer", "Tab")
    # the note is saved 300 ms after the last keystroke: wait until it is stored
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('overlap:decisions:')"
        " && localStorage.getItem(k).includes('Ana'))"
    )
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert page.get_attribute("button[data-decision='duplicate']", "aria-pressed") == "true"
    assert page.input_value("#review-note") == 'same wells, "same" place'
    assert page.inner_text("#progress").startswith("1 of ")
    watched.go("#pairs")
    for key, row in zip("2345", range(1, 5)):  # one pair of each other decision, by key on its row
        watched.rows().nth(row).focus()
        page.keyboard.press(key)
    with page.expect_download() as download:
        page.click("#export-decisions")
    assert download.value.suggested_filename == "decisions.csv"
    path = tmp_path / "decisions.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    assert list(rows[0]) == list(DECISION_COLUMNS)
    assert [r["decision"] for r in rows] == ["duplicate", "funding link", "related", "not related", "unsure"]
    assert rows[0]["pair_id"] == pair_id
    assert rows[0]["note"] == 'same wells, "same" place' and rows[0]["reviewer"] == "Ana"
    assert rows[0]["id_a"] and rows[0]["id_b"] and rows[0]["decided_at"].endswith("Z")
    assert load_decisions(path)["decision"].tolist() == ["duplicate", "funding link", "related", "dismissed",
                                                         "unsure"]


def test_importing_decisions_marks_pairs(watched, tmp_path):
    watched.open("#pairs")
    page = watched.page
    pair_id = page.evaluate("JSON.parse(document.getElementById('overlap-data').textContent).pairs.id[0]")
    path = tmp_path / "in.csv"
    second = page.evaluate("JSON.parse(document.getElementById('overlap-data').textContent).pairs.id[1]")
    path.write_text(f"pair_id,decision,note\n{pair_id},Not a duplicate,different wells\n{second},funding_chain,\n"
                    "PX,maybe,\n")
    page.set_input_files("#import-file", str(path))
    page.wait_for_function("() => document.getElementById('review-message').textContent.length > 0")
    assert "Imported 2 decisions" in page.inner_text("#review-message")
    assert "skipped 1 row" in page.inner_text("#review-message")
    assert watched.rows().first.locator(".decision.dismissed").inner_text() == "Not related"
    assert watched.rows().nth(1).locator(".decision.funding-link").inner_text() == "Funding link"


def test_hostile_text_is_shown_as_text(watched):
    watched.open("#pairs")
    page = watched.page
    page.fill("#f-search", "hostile")
    assert watched.rows().count() >= 1
    watched.rows().first.click()
    page.wait_for_selector("#view-pair:not([hidden])")
    body = page.inner_text("#pair-body")
    assert "</script><script>alert('title')</script>" in body
    assert "<img src=x onerror=alert(1)>" in body
    assert '<a href="javascript:alert(2)">click</a>' in body
    assert "🚰💧" in body and "Hostile <b>Org</b>" in body
    injected = page.evaluate("""() => ({
      img: document.querySelectorAll('img').length,
      b: document.querySelectorAll('main b, main a[href^="javascript"]').length,
      scripts: document.scripts.length,
    })""")
    assert injected["img"] == 0 and injected["scripts"] == 2
    assert page.locator("main a[href^='javascript']").count() == 0
    assert watched.errors == []


def test_the_map_says_it_shows_only_the_activities_the_page_holds(review_page, review_report):
    html = review_report.read_text(encoding="utf-8")
    data = json.loads(html.split('<script type="application/json" id="overlap-data">', 1)[1].split("</script>", 1)[0])
    held, read = len(data["activities"]["id"]), data["meta"]["activities"]
    assert held < read
    review_page.open("#map")
    assert (f"It shows the {held:,} activities the page holds (those its pairs and clusters use), "
            f"of {read:,} read") in review_page.page.inner_text("#map-method")


def test_hostile_right_to_left_text_stays_text(review_page):
    review_page.open("#pairs")
    page = review_page.page
    arabic = page.evaluate("JSON.parse(document.getElementById('overlap-data').textContent).activities.title"
                           ".indexOf('مشروع المياه في طاوة')")
    assert arabic >= 0
    review_page.go(f"#activity/{arabic}")
    heading = page.locator("#h-activity span[dir='auto']").nth(1)
    assert heading.inner_text() == "مشروع المياه في طاوة"
    assert "{{ 7*7 }}" in page.inner_text("#activity-body") and "${alert(3)}" in page.inner_text("#activity-body")


def test_a_matrix_cell_filters_the_pairs(watched):
    watched.open("#matrix")
    page = watched.page
    cell = page.locator("button[aria-label*='between UNICEF and WFP'], button[aria-label*='between WFP and UNICEF']").first
    expected = int(cell.inner_text())
    cell.click()
    page.wait_for_selector("#view-pairs:not([hidden])")
    assert watched.rows().count() == expected
    for text in watched.rows().all_inner_texts():
        assert "UNICEF" in text and "WFP" in text
    assert "UNICEF" in page.inner_text("#filter-chips")
    page.click("#filter-chips button")
    assert watched.rows().count() > expected


def test_print_shows_the_confirmed_pairs(watched):
    watched.open("#pairs")
    page = watched.page
    watched.rows().first.click()
    page.click("button[data-decision='related']")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("#print-view").is_visible()
    assert not page.locator("main").is_visible()
    assert page.locator("#print-view .print-pair").count() == 1


# ---------------------------------------------------------------- conflicts

#: The planted conflicts of tests/data/conflicts/expected.csv a TF-IDF run finds (the two
#: written in English on one side and French on the other need the multilingual encoder).
PLANTED = {
    "return vs integration": ("IOM", "Danish Refugee Council", "voluntary return", "Local integration"),
    "recruitment abroad vs retention": ("IOM", "Ghana Health Workforce Coalition", "skills partnership",
                                        "retention incentives"),
    "camp-based vs out-of-camp": ("EU Trust Fund for Africa", "Norwegian Refugee Council", "", "cash for rent"),
    "detention vs alternatives to detention": ("Instituto de Cooperación Fronteriza", "Red de Acogida Chiapas",
                                               "capacidad de detención", "Alternativas a la detención"),
    "institutional vs family-based care": ("Hope Builders Foundation", "Family First Uganda", "orphanage",
                                           "foster care"),
}


def test_the_conflicts_view_groups_the_planted_conflicts_by_axis(conflicts_page):
    conflicts_page.open("#conflicts")
    page = conflicts_page.page
    groups = page.locator("#conflict-list .conflict-group")
    headings = groups.locator("h3").all_inner_texts()
    assert sorted(headings) == sorted(PLANTED)
    assert "All 5 conflicts, in 5 axes." in page.inner_text("#conflict-status")
    for axis, (first, second, phrase_a, phrase_b) in PLANTED.items():
        group = groups.filter(has=page.locator("h3", has_text=axis))
        assert group.locator(".conflict-count").inner_text() == "1 conflict"
        poles = group.locator("thead .pole").all_inner_texts()
        assert len(poles) == 2 and axis.startswith(poles[0].split()[0])
        cells = group.locator("tbody tr[data-p] td.side")
        assert cells.nth(0).locator(".actor").inner_text() == first
        assert cells.nth(1).locator(".actor").inner_text() == second
        assert phrase_a in cells.nth(0).inner_text() and phrase_b in cells.nth(1).inner_text()
    uganda = groups.filter(has=page.locator("h3", has_text="institutional vs family-based care"))
    assert "Uganda · Jinja" in uganda.locator("td.place").inner_text()
    assert "2022-01 to 2023-12" in uganda.locator("td.period").inner_text()
    checked = page.inner_text(".axes-checked")
    assert f"{len(load_axes())} axes" in checked and "fossil-fuel expansion vs clean energy transition · none found" in checked


@pytest.mark.parametrize(("dates", "shown"), [
    (("2020-09-01", "", "2016-12-16", ""), "from 2020-09 (a date missing on one side)"),
    (("", "2021-12-13", "2017-07-15", "2018-08-31"), "2017-07 to 2018-08 (a date missing on one side)"),
    (("2022-01-01", "2023-12-31", "2022-06-01", "2024-06-30"), "2022-06 to 2023-12"),
    (("", "", "", ""), "no dates"),
])
def test_a_conflicts_period_leaves_a_missing_date_open(context, conflict_report, tmp_path, dates, shown):
    """As the run compares them: a side giving only its start may still run, one giving
    only its end may have begun long before (the page's data edited to these dates)."""
    html = conflict_report.read_text(encoding="utf-8")
    opening = '<script type="application/json" id="overlap-data">'
    head, rest = html.split(opening, 1)
    text, tail = rest.split("</script>", 1)
    data = json.loads(text)
    pair = data["conflicts"]["pairs"]["p"][0]
    a, b = data["pairs"]["a"][pair], data["pairs"]["b"][pair]
    for side, start, end in ((a, dates[0], dates[1]), (b, dates[2], dates[3])):
        data["activities"]["start"][side], data["activities"]["end"][side] = start, end
    edited = tmp_path / "report.html"
    edited.write_text(head + opening + str(json_for_script(data)) + "</script>" + tail, encoding="utf-8")
    page = Watched(context, edited.resolve().as_uri())
    page.open("#conflicts")
    row = page.page.locator(f'#conflict-list tr[data-p="{pair}"] td.period')
    assert row.inner_text() == shown
    assert page.errors == []


def test_conflicts_by_place_search_and_open_a_pair_by_keyboard(conflicts_page):
    conflicts_page.open("#conflicts")
    page = conflicts_page.page
    page.click("#conflict-filters label:has(input[value='place'])")
    page.wait_for_function("() => location.hash === '#conflicts/place'")
    headings = page.locator("#conflict-list .conflict-group h3").all_inner_texts()
    assert {"Uganda › Jinja", "Mexico › Tapachula", "Libya", "Ghana", "Niger"} == set(headings)
    page.fill("#k-search", "orphanage")
    rows = page.locator("#conflict-list tr[data-p]")
    assert rows.count() == 1 and "1 conflict of 5 match" in page.inner_text("#conflict-status")
    rows.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#view-pair:not([hidden])")
    detail = page.inner_text(".conflict-detail")
    assert "institutional vs family-based care" in detail and "orphanage" in detail and "foster care" in detail
    assert page.inner_text("#h-pair").count("conflict") == 1
    page.click(".pair-nav a:has-text('Conflicts')")
    page.wait_for_selector("#view-conflicts:not([hidden])")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('#conflict-list tr[data-p]')")
    assert page.is_checked("input[name='k-by'][value='place']")


def test_the_matrix_shows_conflicts_as_their_own_layer(conflicts_page):
    conflicts_page.open("#matrix")
    page = conflicts_page.page
    similar = page.evaluate("""() => {
      const d = JSON.parse(document.getElementById('overlap-data').textContent);
      return d.pairs.kind.filter(k => d.meta.kinds[k] !== 'conflict').length;
    }""")
    assert "Conflicts (5)" in page.inner_text("#m-layers")
    # each pair counts in its row and in its column (no run here pairs an actor with itself)
    cells = page.locator("#matrix-body td.cell button")
    assert sum(int(t) for t in cells.all_inner_texts()) == 2 * similar
    page.click("#m-layers label:has(input[value='conflicts'])")
    page.wait_for_selector("#matrix-body[data-layer='conflicts'] table.layer-conflicts")
    assert sum(int(t) for t in cells.all_inner_texts()) == 2 * 5
    assert "Conflicts:" in page.inner_text("#matrix-body .legend")
    cell = page.locator("#matrix-body button[aria-label='1 conflict between IOM and Danish Refugee Council'],"
                        " #matrix-body button[aria-label='1 conflict between Danish Refugee Council and IOM']").first
    cell.click()
    page.wait_for_selector("#view-pairs:not([hidden])")
    rows = conflicts_page.rows()
    assert rows.count() == 1
    assert rows.first.locator(".kind").inner_text() == "conflict"
    assert "IOM" in rows.first.inner_text() and "Danish Refugee Council" in rows.first.inner_text()
    assert "Layer: conflicts" in page.inner_text("#filter-chips")
    page.click("#filter-chips button[aria-label='Remove filter Layer: conflicts']")
    page.wait_for_function("() => !document.getElementById('filter-chips').textContent.includes('Layer')")
    assert rows.count() >= 1


def test_a_run_without_conflicts_says_so_and_names_the_axes(watched):
    watched.open("#conflicts")
    page = watched.page
    assert "This run found no conflicts" in page.inner_text("#no-conflicts")
    assert "return vs integration" in page.inner_text(".axes-checked")
    assert page.locator("#conflict-filters").is_hidden()
    watched.go("#matrix")
    page.click("#m-layers label:has(input[value='conflicts'])")
    page.wait_for_function("() => document.getElementById('matrix-status').textContent.includes('No conflicts')")
    assert page.locator("#matrix-body td.cell button").count() == 0
    assert watched.errors == []


def test_a_rerun_says_how_much_it_compared_afresh(context, tmp_path):
    """A nightly rerun's overview says how many activities were new or changed."""
    config = load_config(None, {"embed": {"embedder": "tfidf"}})
    result = run([DATA / "report"], config)
    total = len(result.activities)
    result.reused = {"activities_carried": total - 2, "activities_compared": 2}
    page = Watched(context, write_outputs(result, tmp_path)["report"].resolve().as_uri())
    page.open("#overview")
    facts = page.page.locator("dl.facts").inner_text()
    assert f"2 new or changed of {total} activities" in facts
    assert page.errors == []


# ---------------------------------------------------------------- triage at speed


def stored_decisions(page) -> dict:
    return page.evaluate("() => { const k = Object.keys(localStorage).find(k => k.startsWith('overlap:decisions:'));"
                         " return k ? JSON.parse(localStorage.getItem(k)) : {}; }")


def test_a_reviewer_decides_100_pairs_with_at_most_two_key_presses_each(review_page):
    """Tab and Enter reach the first row; then one key a pair, on the table (90) and on
    the pair page (10), each moving on to the next unreviewed pair, across table pages."""
    review_page.open("#pairs")
    page, presses = review_page.page, 0

    def press(key: str) -> None:
        nonlocal presses
        page.keyboard.press(key)
        presses += 1

    press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip-to-rows"
    press("Enter")
    assert page.evaluate("document.activeElement.dataset.p") is not None
    for k in range(90):
        press("12345"[k % 5])
    page.wait_for_function("() => document.activeElement && document.activeElement.dataset.p !== undefined")
    assert len([d for d in stored_decisions(page).values() if d["decision"]]) == 90
    press("Enter")  # the focused row, the 91st pair, opens
    page.wait_for_selector("#view-pair:not([hidden])")
    for k in range(10):
        on_pair(page, 91 + k)
        press("14"[k % 2])
    decided = [d for d in stored_decisions(page).values() if d["decision"]]
    assert len(decided) == 100
    assert presses <= 2 * len(decided)
    assert "100 of " + str(REVIEW_SHOWN) in page.inner_text("#progress")


def test_the_table_is_dense_with_headers_that_stay(context, review_report):
    context.close()
    small = context.browser.new_context(viewport={"width": 1280, "height": 800})
    watched = Watched(small, review_report.resolve().as_uri())
    watched.open("#pairs")
    page = watched.page
    page.keyboard.press("j")  # from nowhere on the list: the first row
    assert page.evaluate("document.activeElement.dataset.p") == watched.rows().first.get_attribute("data-p")
    visible = page.evaluate("""() => {
      const head = document.querySelector('#pair-table thead').getBoundingClientRect().bottom;
      return [...document.querySelectorAll('#pair-rows tr')].filter(r => {
        const b = r.getBoundingClientRect(); return b.top >= head - 1 && b.bottom <= innerHeight; }).length; }""")
    assert visible >= 15
    page.mouse.wheel(0, 900)
    page.wait_for_timeout(100)
    stuck = page.evaluate("""() => [document.querySelector('#pair-table th').getBoundingClientRect().top,
                                    document.querySelector('header.top').getBoundingClientRect().bottom]""")
    assert abs(stuck[0] - stuck[1]) <= 2
    assert watched.errors == []
    small.close()


def test_the_pair_page_opens_on_the_two_records_in_names(review_page):
    review_page.open("#pairs")
    page = review_page.page
    data = page_data(review_page)
    first = data["pairs"]["id"][0]
    review_page.go(f"#pair/{first}")
    records = page.locator("#pair-records").bounding_box()
    breakdown = page.locator("#score-breakdown").bounding_box()
    assert records["y"] < 900 and records["y"] < breakdown["y"]
    assert page.get_attribute("#score-breakdown", "open") is None  # folded
    text = page.inner_text("#pair-records")
    assert not re.search(r"same (country|sector): [A-Z0-9]{2,5}\b", text)
    rows = dict(r.split("\t", 1) for r in page.locator("#pair-records table.compare tbody tr")
                .evaluate_all("rows => rows.map(r => r.innerText)") if "\t" in r)
    assert "Sudan" in rows["Countries"] and "Niger" in rows["Countries"]  # SD, NE
    assert "Basic health care" in rows["Sectors"] and not re.search(r"\b\d{3,5}\b", rows["Sectors"])
    assert "Sida" in rows["Funders"]
    assert "Accountable" in rows and "Implementers" in rows
    assert "Extending (passes the money on)" in rows
    link = page.locator("#pair-records a.external")
    assert link.count() == 1
    assert link.get_attribute("href") == "https://d-portal.org/ctrack.html#view=act&aid=XM-TEST-1"
    assert link.get_attribute("rel") == "noopener noreferrer external"


def test_a_probability_shows_which_side_of_its_threshold_it_fell(review_page):
    review_page.open("#pairs")
    page = review_page.page
    data = page_data(review_page)
    p = data["pairs"]["p_duplicate"].index(0.9859)
    row = page.locator(f"#pair-rows tr[data-p='{p}']")
    assert row.locator(".kind").inner_text() == "overlap"
    assert row.locator("td.prob").inner_text() == "0.986"
    review_page.go(f"#pair/{data['pairs']['id'][p]}")
    head = page.inner_text(".pair-head")
    assert "P(duplicate) 0.986 (below the duplicate threshold 0.99)" in head


def test_the_overview_counts_every_pair_and_says_how_many_the_page_holds(review_page):
    review_page.open("#overview")
    page = review_page.page
    bars = page.locator(".histogram rect title").evaluate_all("ts => ts.map(t => t.textContent)")
    assert sum(int(t.split()[0].replace(",", "")) for t in bars) == REVIEW_PAIRS
    cards = page.locator(".card").all_inner_texts()
    assert any(f"{REVIEW_SHOWN} of {REVIEW_PAIRS} in this page" in c for c in cards)
    kind_card = page.locator("a.card[href='#pairs/kind=overlap']")
    shown = kind_card.locator(".card-shown").inner_text().split()[0]
    kind_card.click()
    page.wait_for_selector("#view-pairs:not([hidden])")
    assert review_page.rows().count() == min(50, int(shown))
    assert int(shown) < REVIEW_SHOWN
    assert page.inner_text("#pair-status").startswith(f"{shown} pairs of {REVIEW_SHOWN} match")


def test_shared_terms_of_the_reasons_are_marked_word_by_word(watched):
    """On a real run's pair: every word of the shared terms its reasons name is marked in
    both records, and single shared words are marked too, not only 3-word phrases."""
    watched.open("#pairs")
    page = watched.page
    data = page_data(watched)
    p = next(p for p, r in enumerate(data["pairs"]["reasons"]) if "shared terms: " in r)
    terms = re.search(r"shared terms: ([^;]*)", data["pairs"]["reasons"][p]).group(1)
    words = {w for w in re.split(r"[ ,]+", terms) if w}
    watched.go(f"#pair/{data['pairs']['id'][p]}")
    table = page.locator("#pair-records table.compare")
    for column in (2, 3):  # A and B
        marked = " ".join(table.locator(f"tbody td:nth-child({column}) mark.term").all_inner_texts()).lower()
        assert all(w in marked for w in words), (words, marked)
    assert table.locator("mark.word").count() >= 1
    assert watched.errors == []


def test_a_long_description_starts_folded_with_a_cue_to_unfold(review_page):
    review_page.open("#pairs")
    page = review_page.page
    data = page_data(review_page)
    acts, pairs = data["activities"], data["pairs"]
    p = next(p for p in range(len(pairs["id"]))
             if max(len(acts["description"][pairs["a"][p]]), len(acts["description"][pairs["b"][p]])) > 600)
    review_page.go(f"#pair/{pairs['id'][p]}")
    button = page.locator("#pair-records button.expand").first
    assert re.fullmatch(r"Show all \d+ words", button.inner_text())
    long_sides = sum(len(acts["description"][pairs[side][p]]) > 600 for side in "ab")
    assert page.locator("#pair-records .description.folded").count() == long_sides
    button.click()  # unfolds both sides
    assert page.locator("#pair-records .description.folded").count() == 0
    assert button.get_attribute("aria-expanded") == "true" and button.inner_text() == "Show less"
# ---------------------------------------------------------------- groups, matrix, map


class Counted:
    """A page's key presses and clicks, counted: what a reviewer had to do."""

    def __init__(self, page):
        self.page, self.actions = page, 0

    def press(self, key: str) -> None:
        self.actions += 1
        self.page.keyboard.press(key)

    def click(self, selector: str) -> None:
        self.actions += 1
        self.page.click(selector)


def test_a_group_of_fifty_is_decided_in_four_actions_with_exceptions(context, group_report, tmp_path):
    watched = Watched(context, group_report.resolve().as_uri())
    watched.open("#groups")
    page, reviewer = watched.page, Counted(watched.page)
    data = page_data(watched)
    assert len(data["pairs"]["id"]) >= 50
    # the view opens on the largest group, in focus: the two actors' pairs
    page.wait_for_function("() => document.activeElement.matches('#group-list tr[data-g]')")
    assert "Donor Agency — Field Partner" in page.inner_text("#group-list tr[data-g]:focus")
    reviewer.press("Enter")
    members = page.locator("#group-list .group-members input[type=checkbox]")
    assert members.count() >= 50
    exceptions = [int(members.nth(k).get_attribute("data-p")) for k in (3, 17)]
    reviewer.click(f"#group-list input[data-p='{exceptions[0]}']")
    reviewer.click(f"#group-list input[data-p='{exceptions[1]}']")
    ticked = members.count() - 2
    assert f"{ticked} pairs of {members.count()} ticked" in page.inner_text(".group-ticked")
    reviewer.press("1")
    assert reviewer.actions <= 5
    page.wait_for_function("() => document.getElementById('group-status').textContent.includes('marked duplicate')")
    assert "(2 pairs left as they were)" in page.inner_text("#group-status")
    assert f"{ticked} of " in page.inner_text("#progress") and f"{ticked} duplicate" in page.inner_text("#progress")
    watched.go("#pairs")
    with page.expect_download() as download:
        page.click("#export-decisions")
    path = tmp_path / "decisions.csv"
    download.value.save_as(path)
    decided = load_decisions(path)
    ids = data["pairs"]["id"]
    assert len(decided) == ticked and set(decided["decision"]) == {"duplicate"}
    assert not {ids[p] for p in exceptions} & set(decided["pair_id"])
    watched.go("#groups")
    page.keyboard.press("u")  # the whole group's decision is one step to undo
    page.wait_for_function("() => document.getElementById('progress').textContent.startsWith('0 of')")
    assert watched.errors == []


def test_groups_by_cluster_and_by_reason_pattern(watched):
    watched.open("#groups/reasons")
    page = watched.page
    data = page_data(watched)
    assert not page.is_visible("#g-by-area")  # no 3W rows: no area x activity groups
    names = page.locator("#group-list .group-name").all_inner_texts()
    assert names and all(" · " in n for n in names)
    assert any("same country" in n and "text similarity" in n for n in names)
    assert not any(":" in n for n in names)  # the reasons' values are left out of the pattern
    counts = [int(t) for t in page.locator("#group-list tr[data-g] td:nth-child(2)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 2
    page.click("#group-filters label:has(input[value='cluster'])")
    page.wait_for_function("() => location.hash === '#groups/cluster'")
    clusters = data["clusters"]
    in_cluster = Counter(c for c in data["pairs"]["cluster"] if c >= 0)
    largest = max(in_cluster, key=lambda c: (in_cluster[c], -c))
    assert page.locator("#group-list tr[data-g]").count() == sum(1 for n in in_cluster.values() if n > 1)
    watched.go(f"#cluster/{clusters['id'][largest]}")
    page.click("#cluster-list a:has-text('Decide these pairs as a group')")
    page.wait_for_selector("#view-groups:not([hidden]) .group-panel")
    assert page.locator("#group-list .group-members tr[data-p]").count() == in_cluster[largest]
    page.locator("#group-list .group-members input[type=checkbox]").first.uncheck()
    page.locator("#group-list .group-members a").first.click()  # a pair looked at, then back
    page.wait_for_selector("#view-pair:not([hidden])")
    page.go_back()
    page.wait_for_selector("#view-groups:not([hidden]) .group-panel")
    assert not page.locator("#group-list .group-members input[type=checkbox]").first.is_checked()
    page.locator("#group-list tr[data-g]").first.focus()
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('#group-list .group-panel')")
    page.fill("#g-search", "no such group anywhere")
    assert page.locator("#group-list tr[data-g]").count() == 0
    assert watched.errors == []


def test_a_3w_report_opens_on_area_by_activity_groups(context, tmp_path):
    result = run([DATA / "3w"], load_config(None, {"embed": {"embedder": "tfidf"}}))
    page = Watched(context, write_outputs(result, tmp_path)["report"].resolve().as_uri())
    page.open("#groups")
    assert page.page.is_checked("input[name='g-by'][value='area']")
    rows = page.page.locator("#group-list tr[data-g]")
    first = rows.first.inner_text()
    assert "Water trucking (WASH) in Amhara > North Wollo [ET0301]" in first
    assert "Oxfam (1) · Plan International (1) · Save the Children (1) · World Vision (1)" in first
    rows.first.click()
    sides = page.page.locator("#group-list .group-members tr[data-p]").all_inner_texts()
    assert len(sides) == 3 and all("Oxfam" in s for s in sides)
    assert page.errors == []


def matrix_cells(page) -> list[dict]:
    """Each body row of the matrix: its name and its cells' numbers ('' for empty)."""
    return page.evaluate("""() => [...document.querySelectorAll('#matrix-body tbody tr')].map(r => ({
      name: r.querySelector('th').textContent,
      cells: [...r.querySelectorAll('td.cell')].map(td => td.textContent),
      total: r.querySelector('td.total').textContent}))""")


def test_the_matrix_shows_the_top_actors_the_rest_and_finds_any(conflicts_page):
    conflicts_page.open("#matrix")
    page = conflicts_page.page
    page.fill("#m-top", "3")
    page.dispatch_event("#m-top", "change")
    heads = page.locator("#matrix-body th.col-head").all_inner_texts()
    assert len(heads) == 5 and heads[3].startswith("the rest (") and heads[4] == "all pairs"
    rows = matrix_cells(page)
    assert len(rows) == 4 and rows[-1]["name"].startswith("the rest (")
    for row in rows:  # each row's cells, the rest's included, add up to its total
        assert sum(int(c or 0) for c in row["cells"]) == int(row["total"].replace(",", ""))
    sticky = page.evaluate("getComputedStyle(document.querySelector('#matrix-body th.col-head')).position")
    assert sticky == "sticky"
    hidden = page.evaluate("""() => {
      const d = JSON.parse(document.getElementById('overlap-data').textContent);
      const shown = [...document.querySelectorAll('#matrix-body th.col-head')].map(t => t.title);
      const paired = new Set();
      d.pairs.a.forEach((a, p) => { paired.add(d.activities.actor[a]); paired.add(d.activities.actor[d.pairs.b[p]]); });
      return [...paired].map(c => d.vocab.actor[c]).filter(n => !shown.includes(n));
    }""")
    page.fill("#m-search", hidden[0][:6])
    page.wait_for_function("n => [...document.querySelectorAll('#matrix-body tbody th')]"
                           ".some(t => t.title === n)", arg=hidden[0])
    assert all(r["name"] != "the rest" and not r["name"].startswith("the rest (") for r in matrix_cells(page))
    assert conflicts_page.page.locator("#matrix-body th.col-head").count() == 5


def test_the_map_filters_by_actor_and_country_and_draws_no_lines_at_first(watched):
    watched.open("#map")
    page = watched.page
    data = page_data(watched)
    assert not page.is_checked("#map-links")
    assert "a PCA projection" in page.inner_text("#view-map .lead")  # a run this small keeps PCA
    assert page.inner_text("#map-status") == ""
    unicef = data["vocab"]["actor"].index("UNICEF")
    expected = sum(1 for a in data["activities"]["actor"] if a == unicef)
    page.fill("#map-actor", "unicef")
    page.wait_for_function("() => document.getElementById('map-status').textContent.length > 0")
    total = len(data["activities"]["id"])
    assert page.inner_text("#map-status") == f"{expected} activities of {total} shown in colour."
    page.fill("#map-actor", "")
    nigeria = data["vocab"]["country"].index("NG")
    in_nigeria = sum(1 for cs in data["activities"]["countries"] if nigeria in cs)
    page.select_option("#map-country", str(nigeria))
    assert "Nigeria" in page.inner_text("#map-country option:checked")
    assert page.inner_text("#map-status").startswith(f"{in_nigeria} activit")
    page.check("#map-links")
    assert watched.errors == []


def test_a_rest_cell_of_the_matrix_lists_the_pairs_with_the_actors_not_shown(conflicts_page):
    conflicts_page.open("#matrix")
    page = conflicts_page.page
    page.check("#m-layers input[value='all']")
    page.fill("#m-top", "3")
    page.dispatch_event("#m-top", "change")
    data = page_data(conflicts_page)
    shown = [data["vocab"]["actor"].index(t) for t in
             page.locator("#matrix-body th.col-head[title]").evaluate_all("ts => ts.map(t => t.title)")]
    acts, pairs = data["activities"]["actor"], data["pairs"]

    def sides(p):
        return acts[pairs["a"][p]], acts[pairs["b"][p]]

    first = shown[0]
    cases = [  # (a rest cell, which pairs it stands for)
        ("#matrix-body tbody tr:first-child td.cell.rest button",
         lambda x, y: (x == first and y not in shown) or (y == first and x not in shown)),
        ("#matrix-body tr.rest td.cell.rest button >> nth=-1", lambda x, y: x not in shown and y not in shown),
    ]
    for cell, expected in cases:
        count = int(page.inner_text(cell).replace(",", ""))
        page.click(cell)
        page.wait_for_selector("#view-pairs:not([hidden])")
        listed = page.locator("#pair-rows tr[data-p]").evaluate_all("rs => rs.map(r => Number(r.dataset.p))")
        assert count == sum(1 for p in range(len(pairs["id"])) if expected(*sides(p))), cell
        assert page.inner_text("#pair-status").startswith(f"{count} pair"), cell
        assert listed and all(expected(*sides(p)) for p in listed), cell
        assert "the rest (actors not in the matrix)" in page.inner_text("#filter-chips"), cell
        page.go_back()
        page.wait_for_selector("#view-matrix:not([hidden]) td.cell.rest button")
    assert conflicts_page.errors == []


def test_the_groups_header_stays_below_the_top_bar(context, group_report):
    context.close()
    small = context.browser.new_context(viewport={"width": 1280, "height": 800})
    watched = Watched(small, group_report.resolve().as_uri())
    watched.open("#groups")
    page = watched.page
    page.keyboard.press("Enter")  # the group opened: its 60 pairs make the page scroll
    page.wait_for_selector("#group-list .group-panel")
    page.mouse.wheel(0, 1200)
    page.wait_for_function("() => scrollY > 600")
    page.wait_for_timeout(100)
    head, bar = page.evaluate("""() => [document.querySelector('table.groups thead th').getBoundingClientRect().toJSON(),
                                        document.querySelector('header.top').getBoundingClientRect().toJSON()]""")
    assert head["top"] >= bar["bottom"] - 1 and head["bottom"] <= bar["bottom"] + 60
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('table.groups thead') !== null",
                         [head["left"] + 20, (head["top"] + head["bottom"]) / 2])
    assert watched.errors == []
    small.close()


def test_a_cluster_group_link_names_the_cluster_by_its_id(watched):
    watched.open("#groups/cluster")
    page = watched.page
    data = page_data(watched)
    keys = page.locator("#group-list tr[data-g]").evaluate_all("rs => rs.map(r => r.dataset.g)")
    assert keys and set(keys) <= set(data["clusters"]["id"])
    cluster = keys[-1]
    index = data["clusters"]["id"].index(cluster)
    in_page = sum(1 for c in data["pairs"]["cluster"] if c == index)
    for link in (f"#groups/cluster/{cluster}", f"#groups/cluster/{index}"):  # its id, or (earlier pages) its place
        watched.go("#overview")
        watched.go(link)
        page.wait_for_selector("#group-list .group-panel")
        assert page.get_attribute("#group-list tr.group-row.open", "data-g") == cluster
        assert page.locator("#group-list .group-members tr[data-p]").count() == in_page
    assert watched.errors == []


def test_cluster_facts_name_sectors_and_count_the_ones_known_only_by_a_code(review_page):
    review_page.open("#clusters")
    page = review_page.page
    data = page_data(review_page)
    acts = data["activities"]
    cluster = acts["cluster"][acts["id"].index("XM-TEST-1")]  # a member has sector v99:01
    review_page.go(f"#cluster/{data['clusters']['id'][cluster]}")
    facts = page.locator("#cluster-list dl.facts")
    terms = facts.locator("dt").all_inner_texts()
    sectors = facts.locator("dd").nth(terms.index("Sectors")).inner_text()
    assert sectors.endswith("; 1 sector known only by a code") and "Basic drinking water supply" in sectors
    assert "Publisher's own" not in sectors and not re.search(r"\b\d{3,5}\b|v\d+:", sectors)
    assert review_page.errors == []
