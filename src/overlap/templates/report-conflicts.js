/* Conflicts: activities of different actors aimed at the same people, place and time
   from opposite poles of a strategy axis (return vs integration...), grouped by axis
   or by place. Each side shows its pole and the phrases of its own text that put it
   there; a row opens the pair. */

var CONFLICTS = DATA.conflicts || {enabled: false, file: "", axes: [],
  pairs: {p: [], axis: [], pole: [], phrases_a: [], phrases_b: [], areas: []}};
var N_CONFLICTS = CONFLICTS.pairs.p.length;
/* Rows a group shows before its "show all" button. */
var CONFLICT_ROWS = 25;
var conflictView = {by: "axis", q: "", haystack: null, ofPair: null, open: dict()};

function setupConflicts() {
  var form = byId("conflict-filters");
  form.addEventListener("change", function (e) {
    if (e.target.name !== "k-by") return;
    conflictView.by = e.target.value;
    history.replaceState(null, "", "#conflicts/" + conflictView.by);
    renderConflicts();
  });
  byId("k-search").addEventListener("input", function (e) {
    conflictView.q = fold(e.target.value.trim());
    renderConflicts();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  var list = byId("conflict-list");
  list.addEventListener("click", function (e) {
    var row = e.target.closest("tr[data-p]");
    if (row && !e.target.closest("a, button")) openPair(Number(row.dataset.p));
  });
  list.addEventListener("keydown", rowKeys);
}

/* The conflict entry of pair p, or -1. */
function conflictOfPair(p) {
  if (!conflictView.ofPair) {
    conflictView.ofPair = dict();
    CONFLICTS.pairs.p.forEach(function (q, c) { conflictView.ofPair[q] = c; });
  }
  var c = conflictView.ofPair[p];
  return c === undefined ? -1 : c;
}

function conflictAxis(c) {
  return CONFLICTS.axes[CONFLICTS.pairs.axis[c]] || {name: "(axis not named)", a: "", b: "", total: 0};
}

/* The two sides in pole order: [first pole, second pole], each {i, pole, phrases}. */
function conflictSides(c) {
  var p = CONFLICTS.pairs.p[c], first = CONFLICTS.pairs.pole[c];
  var sideA = {i: PAIRS.a[p], pole: first, phrases: CONFLICTS.pairs.phrases_a[c]};
  var sideB = {i: PAIRS.b[p], pole: 1 - first, phrases: CONFLICTS.pairs.phrases_b[c]};
  return first === 0 ? [sideA, sideB] : [sideB, sideA];
}

function poleName(axis, pole) { return (pole === 0 ? axis.a : axis.b) || (pole === 0 ? "one pole" : "the other pole"); }

/* Country codes (vocabulary) both sides name; the pairing requires one. */
function conflictCountries(c) {
  var p = CONFLICTS.pairs.p[c], b = ACT.countries[PAIRS.b[p]];
  return ACT.countries[PAIRS.a[p]].filter(function (code) { return b.indexOf(code) >= 0; });
}

function conflictPlaceText(c) {
  var countries = conflictCountries(c).map(function (code) { return countryName(VOCAB.country[code]); });
  var areas = CONFLICTS.pairs.areas[c].map(function (code) { return VOCAB.location[code]; });
  return (countries.join(", ") || "no common country") + (areas.length ? " · " + areas.join("; ") : "");
}

/* When both run, by month. A missing date is left open, as the run compares them: a
   programme giving only its start may still run, one giving only its end may have
   begun long before. */
function conflictPeriodText(c) {
  var p = CONFLICTS.pairs.p[c], sides = [PAIRS.a[p], PAIRS.b[p]];
  var known = function (dates) {
    return sides.map(function (i) { return parseDay(dates[i]); }).filter(function (d) { return d !== null; });
  };
  var starts = known(ACT.start), ends = known(ACT.end);
  if (!starts.length && !ends.length) return "no dates";
  var s = starts.length ? Math.max.apply(null, starts) : null;
  var e = ends.length ? Math.min.apply(null, ends) : null;
  var text = s !== null && e !== null ? isoMonth(s) + " to " + isoMonth(e)
    : s !== null ? "from " + isoMonth(s) : "until " + isoMonth(e);
  return text + (starts.length < 2 || ends.length < 2 ? " (a date missing on one side)" : "");
}

function conflictHaystack() {
  if (!conflictView.haystack) {
    conflictView.haystack = CONFLICTS.pairs.p.map(function (p, c) {
      var axis = conflictAxis(c);
      return fold([axis.name, axis.a, axis.b, conflictPlaceText(c), PAIRS.id[p]].concat(
        conflictSides(c).map(function (s) { return actorOf(s.i) + "\n" + titleOf(s.i) + "\n" + s.phrases.join("\n"); })
      ).join("\n"));
    });
  }
  return conflictView.haystack;
}

/* ------------------------------------------------------------ grouping */

/* [{key, label, detail, axis (or -1), rows: [c...]}], the biggest first. */
function conflictGroups(rows) {
  var groups = dict(), order = [];
  var add = function (key, make, c) {
    if (!groups[key]) { groups[key] = make(); groups[key].key = key; groups[key].rows = []; order.push(key); }
    groups[key].rows.push(c);
  };
  rows.forEach(function (c) {
    if (conflictView.by === "axis") {
      var k = CONFLICTS.pairs.axis[c];
      add("axis:" + k, function () {
        var axis = conflictAxis(c);
        return {label: axis.name, detail: polesText(axis, " ↔ "), axis: k};
      }, c);
      return;
    }
    var countries = conflictCountries(c), areas = CONFLICTS.pairs.areas[c];
    (countries.length ? countries : [-1]).forEach(function (country) {
      (areas.length ? areas : [-1]).forEach(function (area) {
        add("place:" + country + ":" + area, function () {
          var name = country >= 0 ? countryName(VOCAB.country[country]) : "No common country";
          return {label: area >= 0 ? name + " › " + VOCAB.location[area] : name,
                  detail: area >= 0 ? "" : "admin area not named by both sides", axis: -1};
        }, c);
      });
    });
  });
  return order.map(function (key) { return groups[key]; }).sort(function (x, y) {
    return y.rows.length - x.rows.length || x.axis - y.axis || x.label.localeCompare(y.label);
  });
}

/* "return ↔ integration", or "" when the axis' name already says it. */
function polesText(axis, between) {
  if (!axis.a || !axis.b || axis.name === axis.a + " vs " + axis.b) return "";
  return axis.a + between + axis.b;
}

/* ------------------------------------------------------------ rendering */

function renderConflicts() {
  var list = clear(byId("conflict-list")), status = byId("conflict-status");
  byId("conflict-filters").hidden = !N_CONFLICTS;
  document.querySelectorAll("#conflict-filters input[name='k-by']").forEach(function (input) {
    input.checked = input.value === conflictView.by;
  });
  if (!N_CONFLICTS) {
    status.textContent = "";
    list.appendChild(noConflicts());
    return;
  }
  var haystack = conflictView.q ? conflictHaystack() : null, rows = [];
  for (var c = 0; c < N_CONFLICTS; c++) if (!haystack || haystack[c].indexOf(conflictView.q) >= 0) rows.push(c);
  var groups = conflictGroups(rows);
  status.textContent = (rows.length === N_CONFLICTS ? "All " : "") + plural(rows.length, "conflict") +
    (rows.length === N_CONFLICTS ? "" : " of " + fmtInt(N_CONFLICTS) + " match") + ", in " +
    plural(groups.length, conflictView.by === "axis" ? "axis" : "place", conflictView.by === "axis" ? "axes" : "places") + ".";
  groups.forEach(function (g, k) { list.appendChild(conflictGroup(g, "kg-" + k)); });
  if (!rows.length) list.appendChild(el("p", {cls: "muted", text: "No conflict matches this search."}));
  list.appendChild(axesChecked());
}

function conflictGroup(g, id) {
  var byAxis = conflictView.by === "axis";
  var axis = byAxis ? conflictAxis(g.rows[0]) : null;
  var open = conflictView.open[g.key], shown = open ? g.rows : g.rows.slice(0, CONFLICT_ROWS);
  var head = byAxis ? [[poleHead(axis, 0), "side"], [poleHead(axis, 1), "side"], ["Place", "narrow"], ["Period", "narrow"]] :
    [["Axis", "narrow"], ["One side", "side"], ["Other side", "side"], ["Period", "narrow"]];
  var table = el("table", {cls: "plain conflicts", attrs: {"aria-labelledby": id}}, [
    el("caption", {cls: "visually-hidden", text: "Conflicts: open a pair with Enter"}),
    el("thead", null, [el("tr", null, head.map(function (h) {
      return el("th", {cls: h[1], attrs: {scope: "col"}}, [h[0]]);
    }))]),
    el("tbody", null, shown.map(function (c) { return conflictRow(c, byAxis); }))
  ]);
  var more = g.rows.length > shown.length ? el("button", {text: "Show all " + fmtInt(g.rows.length),
    attrs: {type: "button"}, on: {click: function () { conflictView.open[g.key] = true; renderConflicts(); }}}) : null;
  var total = axis ? axis.total : 0;
  return el("article", {cls: "panel conflict-group", attrs: {"aria-labelledby": id, "data-group": g.key}}, [
    el("header", {cls: "cluster-head"}, [
      el("h3", {attrs: {id: id}}, [dataText("span", g.label)]),
      el("span", {cls: "muted"}, [g.detail ? dataText("span", g.detail) : null, g.detail ? " · " : null,
        el("span", {cls: "conflict-count", text: plural(g.rows.length, "conflict")}),
        byAxis && total > g.rows.length && !conflictView.q ? " (" + fmtInt(total) + " in pairs.csv)" : null])
    ]),
    el("div", {cls: "table-wrap"}, [table]),
    more
  ]);
}

function poleHead(axis, pole) {
  return el("span", {cls: "pole pole-" + pole, dir: "auto", text: poleName(axis, pole)});
}

function conflictRow(c, byAxis) {
  var p = CONFLICTS.pairs.p[c], axis = conflictAxis(c), sides = conflictSides(c);
  var label = "Conflict on " + axis.name + ": " + sides.map(function (s) {
    return actorOf(s.i) + " (" + poleName(axis, s.pole) + ")";
  }).join(" and ") + ", " + conflictPlaceText(c) + ". Open the pair";
  var cells = byAxis ? [sideCell(sides[0], axis, false), sideCell(sides[1], axis, false),
    dataText("td", conflictPlaceText(c), "place")] :
    [dataText("td", axis.name, "axis-name"), sideCell(sides[0], axis, true), sideCell(sides[1], axis, true)];
  cells.push(el("td", {cls: "period", text: conflictPeriodText(c)}));
  return el("tr", {attrs: {tabindex: "0", "data-p": p, "aria-label": label}}, cells);
}

function sideCell(side, axis, withPole) {
  return el("td", {cls: "side"}, [
    withPole ? poleHead(axis, side.pole) : null,
    dataText("span", actorOf(side.i), "actor"),
    dataText("span", titleOf(side.i), "title"),
    phraseList(side.phrases)
  ]);
}

function phraseList(phrases) {
  if (!phrases.length) return el("span", {cls: "muted small", text: "(phrases not found again)"});
  return el("ul", {cls: "phrases", attrs: {"aria-label": "phrases that put it there"}},
    phrases.map(function (text) { return el("li", null, [dataText("q", text)]); }));
}

/* Which axes the run looked at, with what it found on each: also what an empty view says. */
function axesChecked() {
  var items = CONFLICTS.axes.map(function (axis) {
    var poles = polesText(axis, " vs ");
    return el("li", null, [dataText("b", axis.name), poles ? ": " : "", poles ? dataText("span", poles) : null,
      el("span", {cls: "muted", text: " · " + (axis.total ? plural(axis.total, "conflict") : "none found")})]);
  });
  var source = CONFLICTS.file ? "the axes file " + CONFLICTS.file : "the axes shipped with overlap";
  return el("div", {cls: "panel axes-checked"}, [
    el("h3", {text: "Axes checked"}),
    items.length ? el("p", {cls: "muted", text: plural(items.length, "axis", "axes") + " from " + source +
      " (--axes or [conflicts] axes chooses another file)."}) : null,
    items.length ? el("ul", null, items) : el("p", {cls: "muted", text: "The axes of this run are not known."})
  ]);
}

function noConflicts() {
  var total = CONFLICTS.axes.reduce(function (s, axis) { return s + axis.total; }, 0);
  var parts = [];
  if (!CONFLICTS.enabled) {
    parts.push(el("p", {cls: "notice", text: "Conflicts were not looked for in this run " +
      "([conflicts] enabled = false in the configuration), so no axis was checked."}));
    return el("div", {attrs: {id: "no-conflicts"}}, parts);
  }
  parts.push(el("p", {cls: "notice", text: total ?
    plural(total, "conflict was", "conflicts were") + " reported, but none is among the pairs on this page " +
      "(report.max_pairs_in_html): pairs.csv lists them with kind conflict." :
    "This run found no conflicts: no two activities of different actors state opposite poles of an " +
      "axis below for the same country, period and place."}));
  parts.push(el("p", {cls: "muted", text: "A side has a pole only when its own text names it in so many " +
    "words (two distinct terms, or one in the title), so a run can miss conflicts its texts leave implicit."}));
  parts.push(axesChecked());
  return el("div", {attrs: {id: "no-conflicts"}}, parts);
}

/* On a conflict's own page: the axis and each side's pole with its phrases. */
function conflictPanel(c) {
  var axis = conflictAxis(c);
  return el("div", {cls: "panel conflict-detail"}, [
    el("h3", null, ["Opposite strategies: ", dataText("span", axis.name)]),
    el("div", {cls: "two-col"}, conflictSides(c).map(function (s) {
      return el("div", null, [poleHead(axis, s.pole), " ", dataText("span", actorOf(s.i), "strong"),
        phraseList(s.phrases)]);
    })),
    el("p", {cls: "muted small"}, [dataText("span", "Where: " + conflictPlaceText(c)),
      " · when: " + conflictPeriodText(c) + " · ", viewLink("conflicts", "all conflicts by axis and place")])
  ]);
}
