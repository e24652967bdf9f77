"""The HTML report in a real browser: offline, safe with hostile text, and usable for review.

Needs the system Chromium (Debian: apt-get install chromium chromium-driver), driven by
Playwright for Python; `playwright install` is never used.
"""

import csv
from pathlib import Path

import pytest

from overlap.config import load_config
from overlap.conflicts import load_axes
from overlap.decisions import DECISION_COLUMNS, load_decisions
from overlap.pipeline import run
from overlap.report import write_outputs
from tests.conftest import DATA, SAMPLES

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
    arabic = page.evaluate("JSON.parse(document.getElementById('overlap-data').textContent).activities.title.indexOf('مشروع المياه في طاوة')")
    watched.go(f"#activity/{arabic}")
    heading = page.locator("#h-activity span[dir='auto']").nth(1)
    assert heading.inner_text() == "مشروع المياه في طاوة"
    assert "{{ 7*7 }}" in page.inner_text("#activity-body") and "${alert(3)}" in page.inner_text("#activity-body")
    assert watched.errors == []


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
