/* Actor x actor: how many reported pairs each two actors share, as a heatmap table, one
   layer at a time: similar work (duplicates, overlaps, funding chains) or conflicts,
   each with its own counts and colours. Each cell is a button that lists those pairs.
   Only the top actors get columns (hundreds would not fit a screen); the others are
   counted together as "the rest", and a search brings any actor in as a row. */

/* The actors shown by default, and at most (search brings any other in as a row). */
var MATRIX_TOP = 25;
var MATRIX_MAX_TOP = 120;

/* Which kinds each layer counts, its colour ramp (light to dark) and what it counts. */
var MATRIX_LAYERS = {
  similar: {test: function (kind) { return kind !== "conflict"; }, light: [232, 240, 251],
            dark: [16, 56, 122], one: "pair", many: "pairs"},
  conflicts: {test: function (kind) { return kind === "conflict"; }, light: [245, 237, 252],
              dark: [79, 27, 125], one: "conflict", many: "conflicts"},
  all: {test: function () { return true; }, light: [232, 240, 251], dark: [16, 56, 122],
        one: "pair", many: "pairs"}
};

function setupMatrix() {
  var perLayer = {similar: 0, conflicts: 0, all: N_PAIRS};
  for (var p = 0; p < N_PAIRS; p++) perLayer[kindOf(p) === "conflict" ? "conflicts" : "similar"]++;
  byId("m-layer-similar").textContent = similarKindsLabel() + " (" + fmtInt(perLayer.similar) + ")";
  byId("m-layer-conflicts").textContent = "Conflicts (" + fmtInt(perLayer.conflicts) + ")";
  byId("m-layer-all").textContent = "All pairs (" + fmtInt(perLayer.all) + ")";
  byId("m-top").max = String(MATRIX_MAX_TOP);
  byId("matrix-filters").addEventListener("change", renderMatrix);
  byId("m-search").addEventListener("input", throttled(renderMatrix));
  byId("matrix-filters").addEventListener("submit", function (e) { e.preventDefault(); });
}

/* "Duplicates and overlaps", "Duplicates, overlaps and funding chains": the kinds of this run. */
function similarKindsLabel() {
  var names = META.kinds.filter(function (k) { return k !== "conflict"; }).map(function (k) {
    return k.replace(/-/g, " ") + "s";
  });
  var text = names.length > 1 ? names.slice(0, -1).join(", ") + " and " + names[names.length - 1] : names.join("");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function matrixLayer() {
  var checked = document.querySelector("#m-layers input:checked");
  return checked && own(MATRIX_LAYERS, checked.value) ? checked.value : "similar";
}

/* counts["x,y"] for actor codes x < y (and x = y when a run pairs an actor with itself). */
function matrixCounts(layer) {
  var counts = {}, totals = {}, test = MATRIX_LAYERS[layer].test;
  for (var p = 0; p < N_PAIRS; p++) {
    if (!test(kindOf(p))) continue;
    var x = ACT.actor[PAIRS.a[p]], y = ACT.actor[PAIRS.b[p]];
    var key = Math.min(x, y) + "," + Math.max(x, y);
    counts[key] = (counts[key] || 0) + 1;
    totals[x] = (totals[x] || 0) + 1;
    if (y !== x) totals[y] = (totals[y] || 0) + 1;
  }
  return {counts: counts, totals: totals};
}

/* The actors shown: the top ones by count in the layer; a search shows the matching
   actors as rows (any of them, top or not) against the top ones as columns. */
function matrixActors(data) {
  var actors = Object.keys(data.totals).map(Number).sort(function (x, y) {
    return data.totals[y] - data.totals[x] || VOCAB.actor[x].localeCompare(VOCAB.actor[y]);
  });
  var top = Math.min(MATRIX_MAX_TOP, Math.max(1, Math.round(Number(byId("m-top").value)) || MATRIX_TOP));
  var q = fold(byId("m-search").value.trim());
  var columns = actors.slice(0, top);
  var rows = q ? actors.filter(function (a) { return fold(VOCAB.actor[a]).indexOf(q) >= 0; }).slice(0, MATRIX_MAX_TOP) : columns;
  return {all: actors, columns: columns, rows: rows, query: q};
}

/* The controls the matrix was last drawn for: a field's change event on leaving it (as a
   click on a cell begins) must not redraw the cells under the click. */
var matrixDrawnFor = null;

function renderMatrix() {
  var layer = matrixLayer(), spec = MATRIX_LAYERS[layer];
  var controls = [layer, byId("m-top").value, byId("m-search").value].join("\n");
  if (controls === matrixDrawnFor) return;
  matrixDrawnFor = controls;
  var data = matrixCounts(layer), shown = matrixActors(data);
  var max = 1;
  for (var key in data.counts) max = Math.max(max, data.counts[key]);
  var rest = shown.all.length - shown.columns.length;
  byId("matrix-status").textContent = shown.all.length ?
    (rest ? "The " + shown.columns.length + " actors with the most " + spec.many + ", of the " + shown.all.length +
      " with " + spec.many + " on this page; the other " + plural(rest, "actor") + " are counted together as “the rest”. " : "") +
    (shown.query ? plural(shown.rows.length, "actor") + " match the search. " : "") +
    "Darker cells: more " + spec.many + ". Rows and columns are in order of " + spec.many + " per actor." :
    (layer === "conflicts" ? "No conflicts to count: this run found none on this page (see Conflicts)." :
      "No pairs to count.");
  var body = clear(byId("matrix-body"));
  body.setAttribute("data-layer", layer);
  if (!shown.rows.length) return;
  body.appendChild(matrixTable(shown, data, max, layer));
  body.appendChild(matrixLegend(max, layer));
}

/* Pairs of actor x with actors outside the columns; of the rest row, pairs with neither
   side in the columns. */
function restCounts(shown, data) {
  var inColumns = dict(), rest = dict(), restOfRest = 0;
  shown.columns.forEach(function (a) { inColumns[a] = true; });
  Object.keys(data.counts).forEach(function (key) {
    var xy = key.split(",").map(Number), n = data.counts[key];
    if (!inColumns[xy[1]]) rest[xy[0]] = (rest[xy[0]] || 0) + n;
    if (!inColumns[xy[0]] && xy[1] !== xy[0]) rest[xy[1]] = (rest[xy[1]] || 0) + n;
    if (!inColumns[xy[0]] && !inColumns[xy[1]]) restOfRest += n;
  });
  return {of: rest, restOfRest: restOfRest, inColumns: inColumns};
}

function matrixTable(shown, data, max, layer) {
  var spec = MATRIX_LAYERS[layer], actors = shown.columns, hasRest = shown.all.length > actors.length;
  var rest = restCounts(shown, data);
  var restName = "the rest (" + plural(shown.all.length - actors.length, "actor") + ")";
  var head = el("tr", null, [el("td", {cls: "corner"})].concat(actors.map(function (y) {
    return el("th", {cls: "col-head", attrs: {scope: "col", title: VOCAB.actor[y]}},
      [dataText("span", truncate(VOCAB.actor[y], 34))]);
  })).concat(hasRest ? [el("th", {cls: "col-head rest", attrs: {scope: "col"}}, [el("span", {text: restName})])] : [])
    .concat([el("th", {cls: "col-head total", attrs: {scope: "col"}}, [el("span", {text: "all " + spec.many})])]));
  var rows = shown.rows.map(function (x) {
    return el("tr", null, [el("th", {cls: "row-head" + (rest.inColumns[x] ? "" : " outside"),
      attrs: {scope: "row", title: VOCAB.actor[x]}}, [dataText("span", truncate(VOCAB.actor[x], 40))])]
      .concat(actors.map(function (y) {
        return matrixCell(x, y, data.counts[Math.min(x, y) + "," + Math.max(x, y)] || 0, max, layer);
      }))
      .concat(hasRest ? [restCell(rest.of[x] || 0, VOCAB.actor[x] + " and " + restName, [x, "rest"], shown, layer)] : [])
      .concat([el("td", {cls: "num total", text: fmtInt(data.totals[x])})]));
  });
  if (hasRest && !shown.query) rows.push(restRow(shown, rest, restName, layer));
  return el("table", {cls: "matrix layer-" + layer, attrs: {"aria-label": spec.many.charAt(0).toUpperCase() +
    spec.many.slice(1) + " per two actors"}}, [el("thead", null, [head]), el("tbody", null, rows)]);
}

/* The rest as one row: its pairs with each column's actor, and among themselves. */
function restRow(shown, rest, restName, layer) {
  var total = rest.restOfRest;
  shown.columns.forEach(function (y) { total += rest.of[y] || 0; });
  return el("tr", {cls: "rest"}, [el("th", {cls: "row-head rest", attrs: {scope: "row"}}, [el("span", {text: restName})])]
    .concat(shown.columns.map(function (y) {
      return restCell(rest.of[y] || 0, restName + " and " + VOCAB.actor[y], ["rest", y], shown, layer);
    }))
    .concat([restCell(rest.restOfRest, "among " + restName, ["rest", "rest"], shown, layer),
             el("td", {cls: "num total", text: fmtInt(total)})]));
}

/* A cell of the rest: a button listing the pairs between ``sides`` (an actor code or
   "rest", the actors not in the columns, which the link names). */
function restCell(n, between, sides, shown, layer) {
  if (!n) return el("td", {cls: "cell rest num"});
  var spec = MATRIX_LAYERS[layer], label = plural(n, spec.one, spec.many) + " between " + between;
  return el("td", {cls: "cell rest num"}, [el("button", {text: fmtInt(n), attrs: {type: "button", title: label,
    "aria-label": label, "data-actors": sides.join(",")},
    on: {click: function () { location.hash = matrixLink(sides, layer) + "&shown=" + shown.columns.join(","); }}})]);
}

/* The pairs list of two sides of the matrix, in its layer. */
function matrixLink(sides, layer) {
  return "#pairs/actors=" + sides.join(",") + (layer === "all" ? "" : "&layer=" + layer);
}

function matrixCell(x, y, n, max, layer) {
  if (!n) return el("td", {cls: "cell empty"});
  var spec = MATRIX_LAYERS[layer], level = Math.sqrt(n / max);
  var label = plural(n, spec.one, spec.many) + " between " + VOCAB.actor[x] + " and " + VOCAB.actor[y];
  var link = matrixLink([x, y], layer);
  return el("td", {cls: "cell"}, [el("button", {text: n, attrs: {type: "button", title: label,
    "aria-label": label, "data-actors": x + "," + y},
    style: {"background-color": heat(level, layer), color: level > 0.45 ? "#fff" : "#1b2430"},
    on: {click: function () { location.hash = link; }}})]);
}

/* Light to dark in the layer's colour; level in 0..1 (square root of the share, so small
   counts still show). */
function heat(level, layer) {
  var spec = MATRIX_LAYERS[layer || "similar"], light = spec.light, dark = spec.dark;
  return "rgb(" + light.map(function (c, i) { return Math.round(c + (dark[i] - c) * level); }).join(",") + ")";
}

function matrixLegend(max, layer) {
  var spec = MATRIX_LAYERS[layer];
  var steps = [1, Math.max(1, Math.round(max / 4)), Math.max(1, Math.round(max / 2)), max]
    .filter(function (v, i, all) { return all.indexOf(v) === i; });
  return el("p", {cls: "legend"}, [spec.many.charAt(0).toUpperCase() + spec.many.slice(1) + ": "].concat(steps.map(function (v) {
    var level = Math.sqrt(v / max);
    return el("span", {cls: "swatch", text: fmtInt(v), style: {"background-color": heat(level, layer),
      color: level > 0.45 ? "#fff" : "#1b2430"}});
  })));
}
