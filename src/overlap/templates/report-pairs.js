/* The pairs table: filter, sort, and one page of rows at a time, so that even
   thousands of pairs filter in a few milliseconds and the page stays light. */

var PAGE_SIZE = 50;
var SORT_DEFAULT_DIR = {score: -1, p_duplicate: -1, informative: -1, kind: 1, a: 1, b: 1, country: 1,
                        decision: 1};
var pairView = {
  filters: emptyFilters(),
  sort: {key: "score", dir: -1},
  page: 0,
  rows: [],
  haystack: null,
  stale: true
};

function emptyFilters() {
  return {q: "", kind: "", actor: "", country: "", sector: "", min: null, max: null,
          decision: "", status: "", cluster: null, actors: null, shown: null, layer: ""};
}

/* ------------------------------------------------------------ filter controls */

function setupPairFilters() {
  var perKind = META.kinds.map(function () { return 0; });
  PAIRS.kind.forEach(function (k) { perKind[k]++; });
  fillSelect(byId("f-kind"), META.kinds.map(function (k, i) {
    return [String(i), k + " (" + fmtInt(perKind[i]) + ")"];
  }));
  fillSelect(byId("f-actor"), codesInPairs("actor"));
  fillSelect(byId("f-country"), codesInPairs("countries", countryName));
  fillSelect(byId("f-sector"), codesInPairs("sectors").map(function (o) {
    return o.concat([META.sector_groups[VOCAB.sector_group[o[0]]]]);
  }).sort(function (x, y) {
    return VOCAB.sector_group[x[0]] - VOCAB.sector_group[y[0]] || x[1].localeCompare(y[1]);
  }));
  fillSelect(byId("f-decision"), Object.keys(DECISION_LABELS).map(function (d) {
    return [d, DECISION_LABELS[d].toLowerCase() + (d === "confirmed" ? " (earlier decisions)" : "")];
  }));
  byId("f-status-label").hidden = !HAS_HISTORY;
  var form = byId("pair-filters");
  form.addEventListener("input", readPairFilters);
  form.addEventListener("change", readPairFilters);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { pairView.filters = emptyFilters(); applyPairFilters(); }, 0);
  });
  document.querySelectorAll("#pair-table th[data-sort] button").forEach(function (button) {
    button.addEventListener("click", function () { sortPairsBy(button.parentNode.dataset.sort); });
  });
  byId("sort-informative").addEventListener("click", function () { sortPairsBy("informative", -1); });
  byId("next-unreviewed").addEventListener("click", function () { openNextUnreviewed(null, byId("review-message")); });
  setupTableReach();
  var tbody = byId("pair-rows");
  tbody.addEventListener("click", function (e) {
    var row = e.target.closest("tr[data-p]");
    if (row && !e.target.closest("a")) openPair(Number(row.dataset.p));
  });
  tbody.addEventListener("keydown", rowKeys);
}

/* Options [value, text], or [value, text, group]: grouped options go under an
   <optgroup> per group, in the order the groups first appear. */
function fillSelect(select, options) {
  var groups = dict();
  options.forEach(function (o) {
    var parent = select;
    if (o[2]) {
      if (!groups[o[2]]) groups[o[2]] = select.appendChild(el("optgroup", {attrs: {label: o[2]}}));
      parent = groups[o[2]];
    }
    parent.appendChild(el("option", {text: o[1], attrs: {value: o[0]}}));
  });
}

/* The rows in reach of the keyboard: the skip links take the first Tab presses (one to
   the table's first row), and on the list J from nowhere focuses it.
   The column headers (here and in the groups table) stay under the page's sticky header
   while the table scrolls: its height is measured whenever it changes (its text wraps on
   a narrow window, the review progress line grows). */
function setupTableReach() {
  var header = document.querySelector("header.top");
  var measure = function () {
    document.documentElement.style.setProperty("--header-height", header.offsetHeight + "px");
  };
  measure();
  if (window.ResizeObserver) new ResizeObserver(throttled(measure)).observe(header);
  else window.addEventListener("resize", throttled(measure));
  byId("skip-to-rows").addEventListener("click", function (e) {
    e.preventDefault();
    if (app.view === "pairs") return focusFirstRow();
    window.addEventListener("hashchange", function () { setTimeout(focusFirstRow, 0); }, {once: true});
    location.hash = "#pairs";
  });
  document.querySelectorAll("a.skip-link[href='#main']").forEach(function (link) {
    link.addEventListener("click", function (e) { e.preventDefault(); byId("main").focus(); });
  });
  document.addEventListener("keydown", function (e) {
    if (app.view !== "pairs" || e.key !== "j" || e.altKey || e.ctrlKey ||
        e.metaKey || (document.activeElement && document.activeElement !== document.body &&
        document.activeElement !== byId("main"))) return;
    e.preventDefault();
    focusFirstRow();
  });
}

/* The table's top just under the sticky header, its first row in focus. */
function focusFirstRow() {
  var row = document.querySelector("#pair-rows tr[data-p]");
  if (!row) return;
  var header = document.querySelector("header.top").offsetHeight;
  window.scrollTo(0, byId("pair-table").getBoundingClientRect().top + window.scrollY - header);
  row.focus({preventScroll: true});
}

/* [code, "name (count)"] for each value of a field met in the pairs, by name. */
function codesInPairs(field, label) {
  var counts = dict();
  var add = function (i) {
    var codes = field === "actor" ? [ACT.actor[i]] : ACT[field][i];
    codes.forEach(function (c) { counts[c] = (counts[c] || 0) + 1; });
  };
  for (var p = 0; p < N_PAIRS; p++) { add(PAIRS.a[p]); add(PAIRS.b[p]); }
  var names = VOCAB[field === "actor" ? "actor" : LIST_VOCAB[field]];
  return Object.keys(counts).map(function (c) {
    return [c, (label ? label(names[c]) : names[c]) + " (" + fmtInt(counts[c]) + ")"];
  }).sort(function (x, y) { return x[1].localeCompare(y[1]); });
}

/* Controls fire both input and change (the latter on blur, just as a click on a row
   begins): redrawing the rows then would swallow that click, so only real changes redraw. */
function readPairFilters() {
  var f = pairView.filters, before = JSON.stringify(f);
  f.q = fold(byId("f-search").value.trim());
  f.kind = byId("f-kind").value;
  f.actor = byId("f-actor").value;
  f.country = byId("f-country").value;
  f.sector = byId("f-sector").value;
  f.min = numberOrNull(byId("f-min").value);
  f.max = numberOrNull(byId("f-max").value);
  f.decision = byId("f-decision").value;
  f.status = byId("f-status").value;
  if (JSON.stringify(f) === before) return;
  pairView.page = 0;
  applyPairFilters();
}

function numberOrNull(text) {
  var value = parseFloat(text);
  return isNaN(value) ? null : value;
}

/* Put the filter state back into the controls (after a link set it). */
function showPairFilters() {
  var f = pairView.filters;
  byId("f-search").value = f.q;
  byId("f-kind").value = f.kind;
  byId("f-actor").value = f.actor;
  byId("f-country").value = f.country;
  byId("f-sector").value = f.sector;
  byId("f-min").value = f.min === null ? "" : f.min;
  byId("f-max").value = f.max === null ? "" : f.max;
  byId("f-decision").value = f.decision;
  byId("f-status").value = f.status;
}

/* Layers of the actor matrix: similar work (every kind but conflict), or conflicts. */
var PAIR_LAYERS = {similar: "duplicates and overlaps", conflicts: "conflicts"};

/* A link like #pairs/actors=3,5, #pairs/kind=duplicate or #pairs/actors=3,5&layer=conflicts:
   start from no filters. One side may be "rest": the actors not in the matrix's columns,
   which the link lists (#pairs/actors=3,rest&shown=3,5,8, the matrix's "rest" cells). */
function setPairFilterFromLink(param) {
  var f = emptyFilters(), any = false;
  param.split("&").forEach(function (part) {
    var match = /^(kind|actors|shown|cluster|decision|status|layer)=(.*)$/.exec(part);
    if (!match) return;
    any = true;
    var value = decoded(match[2]);
    if (match[1] === "kind") f.kind = String(META.kinds.indexOf(value));
    if (match[1] === "decision") f.decision = value;
    if (match[1] === "status") f.status = value;
    if (match[1] === "cluster") f.cluster = CLUSTERS.id.indexOf(value);
    if (match[1] === "layer") f.layer = own(PAIR_LAYERS, value) ? value : "";
    if (match[1] === "shown") f.shown = actorCodes(value);
    if (match[1] === "actors") {
      f.actors = value.split(",").map(function (side) { return side === "rest" ? side : actorCodes(side)[0]; })
        .filter(function (side) { return side !== undefined; }).slice(0, 2);
      if (f.actors.length !== 2) f.actors = null;
    }
  });
  if (!any) return;
  if (f.actors && f.actors.indexOf("rest") >= 0) {
    if (!f.shown) f.actors = null;  // "the rest" of nothing named
    else f.shown = f.shown.reduce(function (set, a) { set[a] = true; return set; }, dict());
  } else f.shown = null;
  pairView.filters = f;
  pairView.page = 0;
  showPairFilters();
  pairView.stale = true;
}

/* The actor codes in "3,5,8" that the page has. */
function actorCodes(text) {
  return text.split(",").filter(function (part) { return /^[0-9]+$/.test(part); }).map(Number)
    .filter(function (n) { return n < VOCAB.actor.length; });
}

/* ------------------------------------------------------------ filtering and sorting */

/* Each pair's searchable text, folded: each activity's text is folded once, however
   many pairs it is in (folding is most of the cost of the first search). */
function pairHaystack() {
  if (!pairView.haystack) {
    var folded = new Array(N_ACTS);
    var text = function (i) {
      if (folded[i] === undefined) {
        folded[i] = fold([actorOf(i), ACT.id[i], ACT.title[i], ACT.description[i]].join("\n"));
      }
      return folded[i];
    };
    pairView.haystack = new Array(N_PAIRS);
    for (var p = 0; p < N_PAIRS; p++) {
      pairView.haystack[p] = [fold(PAIRS.id[p]), text(PAIRS.a[p]), text(PAIRS.b[p]), fold(PAIRS.reasons[p])].join("\n");
    }
  }
  return pairView.haystack;
}

function pairMatches(p, f, haystack) {
  var a = PAIRS.a[p], b = PAIRS.b[p];
  if (f.kind !== "" && PAIRS.kind[p] !== Number(f.kind)) return false;
  if (f.layer !== "" && (kindOf(p) === "conflict") !== (f.layer === "conflicts")) return false;
  if (f.min !== null && PAIRS.score[p] < f.min) return false;
  if (f.max !== null && PAIRS.score[p] > f.max) return false;
  if (f.actor !== "" && ACT.actor[a] !== Number(f.actor) && ACT.actor[b] !== Number(f.actor)) return false;
  if (f.actors) {
    var x = ACT.actor[a], y = ACT.actor[b], side = function (actor, wanted) {
      return wanted === "rest" ? !f.shown[actor] : actor === wanted;
    };
    if (!((side(x, f.actors[0]) && side(y, f.actors[1])) || (side(x, f.actors[1]) && side(y, f.actors[0])))) return false;
  }
  if (f.country !== "" && !hasCode(ACT.countries, a, b, Number(f.country))) return false;
  if (f.sector !== "" && !hasCode(ACT.sectors, a, b, Number(f.sector))) return false;
  if (f.cluster !== null && (ACT.cluster[a] !== f.cluster || ACT.cluster[b] !== f.cluster)) return false;
  if (f.status !== "" && statusOf(p) !== f.status) return false;
  if (f.decision !== "") {
    var d = decisionOf(p);
    if (f.decision === "none" ? d !== "" : d !== f.decision) return false;
  }
  return !f.q || haystack[p].indexOf(f.q) >= 0;
}

function hasCode(column, a, b, code) {
  return column[a].indexOf(code) >= 0 || column[b].indexOf(code) >= 0;
}

function applyPairFilters() {
  var f = pairView.filters, rows = [];
  var haystack = f.q ? pairHaystack() : null;
  for (var p = 0; p < N_PAIRS; p++) if (pairMatches(p, f, haystack)) rows.push(p);
  pairView.rows = sortPairs(rows);
  pairView.stale = false;
  var pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  pairView.page = Math.min(pairView.page, pages - 1);
  renderPairChips();
  renderPairPage();
}

function sortKey(p, key) {
  if (key === "kind") return META.kinds[PAIRS.kind[p]];
  if (key === "a") return fold(actorOf(PAIRS.a[p]) + " " + titleOf(PAIRS.a[p]));
  if (key === "b") return fold(actorOf(PAIRS.b[p]) + " " + titleOf(PAIRS.b[p]));
  if (key === "country") return pairCountries(p).join(" ");
  if (key === "decision") return Object.keys(DECISION_LABELS).indexOf(decisionOf(p)) + 1;
  if (key === "p_duplicate") return PAIRS.p_duplicate[p] === null ? -1 : PAIRS.p_duplicate[p];
  if (key === "informative") return PAIRS.informative[p];
  return PAIRS.score[p];
}

/* Ties keep the score order, so a sorted table still shows the strongest pairs first. */
function sortPairs(rows) {
  var key = pairView.sort.key, dir = pairView.sort.dir;
  var keys = {};
  rows.forEach(function (p) { keys[p] = sortKey(p, key); });
  return rows.sort(function (x, y) {
    var kx = keys[x], ky = keys[y];
    if (kx < ky) return -dir;
    if (kx > ky) return dir;
    return PAIRS.score[y] - PAIRS.score[x] || x - y;
  });
}

/* A column button turns its order round on a second press; ``dir`` fixes it instead. */
function sortPairsBy(key, dir) {
  var sort = pairView.sort;
  sort.dir = dir || (sort.key === key ? -sort.dir : SORT_DEFAULT_DIR[key]);
  sort.key = key;
  pairView.page = 0;
  applyPairFilters();
}

function pairCountries(p) {
  var seen = dict();
  ACT.countries[PAIRS.a[p]].concat(ACT.countries[PAIRS.b[p]]).forEach(function (c) {
    seen[VOCAB.country[c]] = true;
  });
  return Object.keys(seen).sort();
}

/* ------------------------------------------------------------ rendering */

function renderPairChips() {
  var f = pairView.filters, chips = clear(byId("filter-chips"));
  if (f.actors) {
    var named = function (side) { return side === "rest" ? "the rest (actors not in the matrix)" : VOCAB.actor[side]; };
    chips.appendChild(chip("Actors: " + named(f.actors[0]) + " × " + named(f.actors[1]),
      function () { f.actors = null; f.shown = null; }));
  }
  if (f.cluster !== null && f.cluster >= 0) {
    chips.appendChild(chip("Cluster: " + (CLUSTERS.label[f.cluster] || CLUSTERS.id[f.cluster]),
      function () { f.cluster = null; }));
  }
  if (f.layer !== "") {
    chips.appendChild(chip("Layer: " + (f.layer === "similar" ? similarKindsLabel().toLowerCase() : PAIR_LAYERS[f.layer]),
      function () { f.layer = ""; }));
  }
}

function chip(text, remove) {
  return el("span", {cls: "chip"}, [dataText("span", text), el("button", {
    text: "×", attrs: {type: "button", "aria-label": "Remove filter " + text},
    on: {click: function () { remove(); pairView.page = 0; applyPairFilters(); }}})]);
}

function renderPairPage() {
  var rows = pairView.rows, start = pairView.page * PAGE_SIZE;
  var tbody = clear(byId("pair-rows"));
  var fragment = document.createDocumentFragment();
  rows.slice(start, start + PAGE_SIZE).forEach(function (p) { fragment.appendChild(pairRow(p)); });
  tbody.appendChild(fragment);
  if (!rows.length) {
    tbody.appendChild(el("tr", null, [el("td", {attrs: {colspan: 7}, cls: "empty",
      text: N_PAIRS ? "No pair matches these filters." : "This run reported no pairs."})]));
  }
  byId("pair-status").textContent = (rows.length === N_PAIRS ? "All " : "") + plural(rows.length, "pair") +
    (rows.length === N_PAIRS ? "" : " of " + fmtInt(N_PAIRS) + " match");
  document.querySelectorAll("#pair-table th[data-sort]").forEach(function (th) {
    var active = th.dataset.sort === pairView.sort.key;
    th.setAttribute("aria-sort", active ? (pairView.sort.dir > 0 ? "ascending" : "descending") : "none");
  });
  byId("sort-informative").setAttribute("aria-pressed", String(pairView.sort.key === "informative"));
  renderPager(byId("pair-pager"), pairView.page, rows.length, PAGE_SIZE, function (page) {
    pairView.page = page;
    renderPairPage();
    byId("pair-table").scrollIntoView({block: "start"});
  });
}

function pairRow(p) {
  var a = PAIRS.a[p], b = PAIRS.b[p];
  return el("tr", {attrs: {tabindex: "0", "data-p": p,
    "aria-label": kindOf(p) + " " + fmtScore(PAIRS.score[p]) + ": " + actorOf(a) + " and " + actorOf(b)}}, [
    el("td", {cls: "kind-cell"}, [kindBadge(kindOf(p)), statusTag(statusOf(p), HAS_HISTORY && PAIRS.why[p])]),
    el("td", {cls: "num"}, [scoreBar(p)]),
    el("td", {cls: "num prob", text: fmtProb(PAIRS.p_duplicate[p], META.thresholds.duplicate)}),
    activityCell(a),
    activityCell(b),
    el("td", {cls: "countries", text: pairCountries(p).map(countryName).join(", "),
      attrs: {title: pairCountries(p).map(countryName).join(", ")}}),
    el("td", null, [decisionBadge(decisionOf(p))])
  ]);
}

/* P(genuine) (a conflict's confidence) with a bar; the digits keep it on its side of
   the reporting threshold. */
function scoreBar(p) {
  var score = PAIRS.score[p];
  return el("span", {cls: "score"}, [
    el("span", {text: PAIRS.p_genuine[p] === null ? fmtScore(score) : fmtProb(score, META.thresholds.report)}),
    el("span", {cls: "score-track", attrs: {"aria-hidden": "true"}},
      [el("span", {cls: "score-fill", style: {width: Math.round(score * 100) + "%"}})])
  ]);
}

/* Two lines: the actor, then the title cut to the column (in full on hover, with the id). */
function activityCell(i) {
  return el("td", {cls: "activity", attrs: {title: titleOf(i) + "\n" + ACT.id[i]}}, [
    dataText("span", actorOf(i), "actor"),
    dataText("span", titleOf(i), "title")
  ]);
}

/* Arrow keys move between rows, Enter or Space opens one; 1-5 decide the row's pair and
   move on to the next unreviewed one, U undoes, N opens the next unreviewed pair. */
function rowKeys(e) {
  var row = e.target.closest("tr[data-p]");
  if (!row || e.altKey || e.ctrlKey || e.metaKey) return;
  var p = Number(row.dataset.p), decision = decisionForKey(e.key);
  if (decision) {
    e.preventDefault();
    decideAndAdvance(p, decision, focusPairRow);
  } else if (e.key === "u") {
    e.preventDefault();
    var undone = undoDecision();
    focusPairRow(undone === null ? p : undone);
  } else if (e.key === "n") {
    e.preventDefault();
    openNextUnreviewed(p, byId("review-message"));
  } else if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    openPair(Number(row.dataset.p));
  } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    var next = e.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
    if (next) next.focus();
  } else if (e.key === "Home" || e.key === "End") {
    e.preventDefault();
    var rows = row.parentNode.rows;
    rows[e.key === "Home" ? 0 : rows.length - 1].focus();
  }
}

function openPair(p) { location.hash = "#pair/" + PAIRS.id[p]; }

/* The row of pair p in focus, turning to its page; the first row when p is not listed. */
function focusPairRow(p) {
  var position = pairView.rows.indexOf(p);
  var page = Math.floor(Math.max(position, 0) / PAGE_SIZE);
  if (page !== pairView.page) { pairView.page = page; renderPairPage(); }
  var row = document.querySelector("#pair-rows tr[data-p='" + p + "']") ||
    document.querySelector("#pair-rows tr[data-p]");
  if (row) row.focus();
}

/* ------------------------------------------------------------ the review queue */

/* The first pair after p in the list's order (its filters and sort, e.g. most informative
   first) with no decision, going round to the top; null when every one has a decision. */
function nextUnreviewed(p) {
  var rows = pairView.rows, start = p === null ? -1 : rows.indexOf(p);
  for (var k = 1; k <= rows.length; k++) {
    var q = rows[(start + k) % rows.length];
    if (q !== p && !decisionOf(q)) return q;
  }
  return null;
}

/* Opens the next unreviewed pair after p, or says in messageNode that none is left. */
function openNextUnreviewed(p, messageNode) {
  var next = nextUnreviewed(p);
  if (next !== null) openPair(next);
  else messageNode.textContent = "Every pair in this list has a decision.";
}

/* A decision by key, then on to the next unreviewed pair; a key that clears the
   decision (the same key again) stays. */
function decideAndAdvance(p, decision, go) {
  var next = nextUnreviewed(p);
  toggleDecision(p, decision);
  go(decisionOf(p) && next !== null ? next : p);
}

/* Previous / page numbers / next, shared by the pairs and clusters lists. */
function renderPager(node, page, total, size, go) {
  clear(node);
  var pages = Math.ceil(total / size);
  if (pages <= 1) return;
  var button = function (label, target, current) {
    return el("button", {text: label, attrs: {type: "button", "aria-current": current ? "page" : null,
      disabled: target < 0 || target >= pages || current ? "" : null},
      on: {click: function () { go(target); }}});
  };
  node.appendChild(button("‹ Previous", page - 1));
  pageNumbers(page, pages).forEach(function (n) {
    node.appendChild(n === null ? el("span", {cls: "gap", text: "…"}) : button(String(n + 1), n, n === page));
  });
  node.appendChild(button("Next ›", page + 1));
  node.appendChild(el("span", {cls: "muted", text: "rows " + fmtInt(page * size + 1) + "–" +
    fmtInt(Math.min(total, (page + 1) * size)) + " of " + fmtInt(total)}));
}

function pageNumbers(page, pages) {
  var wanted = [0, pages - 1, page - 2, page - 1, page, page + 1, page + 2];
  var list = wanted.filter(function (n, i) { return n >= 0 && n < pages && wanted.indexOf(n) === i; })
    .sort(function (x, y) { return x - y; });
  var out = [];
  list.forEach(function (n, i) {
    if (i && n - list[i - 1] > 1) out.push(null);
    out.push(n);
  });
  return out;
}
