"""Screenshots of an overlap report's main views, and (with --measure) its load and filter timings.

    python scripts/screenshots.py reports/sample/report.html reports/sample/screenshots
    python scripts/screenshots.py /tmp/iati/report.html --measure

Drives the system Chromium (Debian package ``chromium``) through Playwright, never a
downloaded browser, so it runs offline like the report itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1360, "height": 1000}
#: file name -> the page address (after '#') it shows; long lists are cut to the window
VIEWS = {
    "overview": "overview",
    "pairs": "pairs",
    "clusters": "clusters",
    "conflicts": "conflicts",
    "matrix": "matrix",
    "map": "map",
    "groups": "groups",
}
FULL_PAGE = {"overview"}

#: Runs in the page: apply each filter through its control, wait for the next paint,
#: and return the milliseconds each took (the table redraw included).
FILTER_TIMINGS_JS = """
async () => {
  const paint = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const steps = [
    ["search 'water'", "#f-search", "water", "input"],
    ["search 'zz-no-match'", "#f-search", "zz-no-match", "input"],
    ["clear search", "#f-search", "", "input"],
    ["kind", "#f-kind", "0", "change"],
    ["actor", "#f-actor", document.querySelector("#f-actor option:nth-child(2)")?.value ?? "", "change"],
    ["country", "#f-country", document.querySelector("#f-country option:nth-child(2)")?.value ?? "", "change"],
    ["sector", "#f-sector", document.querySelector("#f-sector option[value]:not([value=''])")?.value ?? "", "change"],
    ["decision: not reviewed", "#f-decision", "none", "change"],
    ["minimum score 0.9", "#f-min", "0.9", "input"],
  ];
  location.hash = "#pairs";
  await paint();
  const idle = performance.now();
  await paint();
  const out = {"no change (two frames, for scale)": Math.round(performance.now() - idle)};
  for (const [name, selector, value, event] of steps) {
    const control = document.querySelector(selector);
    const started = performance.now();
    control.value = value;
    control.dispatchEvent(new Event(event, {bubbles: true}));
    await paint();
    out[name] = Math.round(performance.now() - started);
  }
  const sortStarted = performance.now();
  document.querySelector("th[data-sort='a'] button").click();
  await paint();
  out["sort by activity A"] = Math.round(performance.now() - sortStarted);
  return out;
}
"""


def launch(playwright):
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} not found: install it with "
                 "`apt-get install chromium chromium-driver` (Debian)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def open_report(browser, report: Path, requests: list[str] | None = None):
    """A fresh page on the report, ready (its script has drawn the first view); page
    errors and console errors go to the list returned, requests other than the file's
    own (file:, data:, blob:) to ``requests``."""
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    if requests is not None:
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else requests.append(r.url))
    page.goto(report.resolve().as_uri())
    page.wait_for_selector("html[data-ready]")
    return page, errors


def show(page, view: str) -> None:
    page.evaluate("view => { location.hash = '#' + view; }", view)
    page.wait_for_function("view => location.hash === '#' + view", arg=view)
    page.wait_for_timeout(150)


def screenshots(browser, report: Path, out: Path) -> list[Path]:
    """One PNG per main view (the map with its busiest actor found), plus the first group
    of pairs opened with two exceptions unticked and a pair opened with a decision made."""
    out.mkdir(parents=True, exist_ok=True)
    page, errors = open_report(browser, report)
    written = []
    for name, view in VIEWS.items():
        show(page, view)
        if name == "map":
            find_busiest_actor(page)
        written.append(out / f"{name}.png")
        page.screenshot(path=str(written[-1]), full_page=name in FULL_PAGE)
    show(page, "groups")
    if page.locator("#group-list tr[data-g]").count():
        page.keyboard.press("Enter")  # the first group (in focus), opened with its pairs ticked
        page.wait_for_selector("#group-list .group-panel")
        boxes = page.locator("#group-list .group-members input[type=checkbox]")
        if boxes.count() >= 5:  # two exceptions unticked: one key from deciding the others
            boxes.nth(1).uncheck()
            boxes.nth(3).uncheck()
        written.append(out / "group.png")
        page.screenshot(path=str(written[-1]))
    show(page, "pairs")
    if page.locator("#pair-rows tr[data-p]").count():
        page.locator("#pair-rows tr[data-p]").first.click()
        page.wait_for_selector("#view-pair:not([hidden])")
        page.locator("button[data-decision='duplicate']").click()
        written.append(out / "pair.png")
        page.screenshot(path=str(written[-1]), full_page=True)
    page.close()
    if errors:
        sys.exit("the page reported errors: " + "; ".join(errors))
    return written


def find_busiest_actor(page) -> None:
    """The map with the actor of the most activities in pairs typed into its filter."""
    name = page.evaluate("""() => {
      const d = JSON.parse(document.getElementById('overlap-data').textContent), count = {};
      const seen = new Set([...d.pairs.a, ...d.pairs.b]);
      seen.forEach(i => { const a = d.activities.actor[i]; count[a] = (count[a] || 0) + 1; });
      const top = Object.keys(count).sort((x, y) => count[y] - count[x])[0];
      return top === undefined ? '' : d.vocab.actor[top];
    }""")
    if name:
        page.fill("#map-actor", name)
        page.wait_for_function("() => document.getElementById('map-status').textContent.length > 0")
        page.wait_for_timeout(150)


def measure(browser, report: Path) -> dict[str, object]:
    """Size, first paint, time until drawn, filter timings, errors and requests, in a fresh page."""
    requests: list[str] = []
    page, errors = open_report(browser, report, requests)
    timings = page.evaluate("""() => ({
      first_contentful_paint_ms: Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1),
      ready_ms: Math.round(performance.getEntriesByName('overlap-ready')[0]?.startTime ?? -1),
      dom_content_loaded_ms: Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd),
    })""")
    timings["filters_ms"] = page.evaluate(FILTER_TIMINGS_JS)
    timings["decide_100_pairs_by_key_ms"], timings["decide_100_pairs_key_presses"] = decide_by_key(page, 100)
    page.close()
    timings["size_mb"] = round(report.stat().st_size / 1e6, 2)
    timings["errors"] = errors
    timings["requests"] = requests
    return timings


def decide_by_key(page, count: int) -> tuple[int | None, int]:
    """Milliseconds a reviewer's keyboard takes to decide ``count`` pairs on the table's
    rows, and the keys pressed (J to the first row, then one key a pair, each moving on
    to the next unreviewed pair; the decisions land in this fresh page's own storage)."""
    import time

    page.evaluate("() => { location.hash = '#pairs'; }")
    page.wait_for_selector("#view-pairs:not([hidden])")
    page.click("#f-clear")
    page.wait_for_function("() => document.getElementById('pair-status').innerText.startsWith('All')")
    if page.locator("#pair-rows tr[data-p]").count() == 0:
        return None, 0
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    started = time.perf_counter()
    page.keyboard.press("j")
    for k in range(count):
        page.keyboard.press("12345"[k % 5])
    page.wait_for_function("n => document.getElementById('progress').innerText.startsWith(n + ' of')",
                           arg=min(count, page.evaluate("JSON.parse(document.getElementById('overlap-data')"
                                                        ".textContent).pairs.id.length")))
    return round((time.perf_counter() - started) * 1000), count + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report", type=Path, help="a report.html written by `overlap run`")
    parser.add_argument("out", type=Path, nargs="?", help="folder for the PNG files")
    parser.add_argument("--measure", action="store_true",
                        help="print load and filter timings as JSON instead of (or as well as) screenshots")
    args = parser.parse_args()
    if not args.out and not args.measure:
        parser.error("give an output folder, --measure, or both")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        if args.out:
            for path in screenshots(browser, args.report, args.out):
                print(path)
        if args.measure:
            print(json.dumps(measure(browser, args.report), indent=2))
        browser.close()


if __name__ == "__main__":
    main()
