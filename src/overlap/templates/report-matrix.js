/* Actor x actor: how many reported pairs each two actors share, as a heatmap table.
   Each cell is a button that lists those pairs. */

function setupMatrix() {
  fillSelect(byId("m-kind"), META.kinds.map(function (k, i) { return [String(i), k]; }));
  byId("matrix-filters").addEventListener("change", renderMatrix);
  byId("matrix-filters").addEventListener("submit", function (e) { e.preventDefault(); });
}

/* counts["x,y"] for actor codes x < y (and x = y when a run pairs an actor with itself). */
function matrixCounts(kind) {
  var counts = {}, totals = {};
  for (var p = 0; p < N_PAIRS; p++) {
    if (kind !== "" && PAIRS.kind[p] !== Number(kind)) continue;
    var x = ACT.actor[PAIRS.a[p]], y = ACT.actor[PAIRS.b[p]];
    var key = Math.min(x, y) + "," + Math.max(x, y);
    counts[key] = (counts[key] || 0) + 1;
    totals[x] = (totals[x] || 0) + 1;
    if (y !== x) totals[y] = (totals[y] || 0) + 1;
  }
  return {counts: counts, totals: totals};
}

function renderMatrix() {
  var kind = byId("m-kind").value, limit = Number(byId("m-limit").value);
  var data = matrixCounts(kind);
  var actors = Object.keys(data.totals).map(Number).sort(function (x, y) {
    return data.totals[y] - data.totals[x] || VOCAB.actor[x].localeCompare(VOCAB.actor[y]);
  });
  var shown = limit ? actors.slice(0, limit) : actors;
  var max = 1;
  for (var key in data.counts) max = Math.max(max, data.counts[key]);
  byId("matrix-status").textContent = actors.length ?
    (shown.length < actors.length ? "The " + shown.length + " actors with the most pairs, of " + actors.length + ". " : "") +
    "Darker cells: more pairs. Rows and columns are in order of pairs per actor." :
    "No pairs to count.";
  var body = clear(byId("matrix-body"));
  if (!shown.length) return;
  body.appendChild(matrixTable(shown, data, max));
  body.appendChild(matrixLegend(max));
}

function matrixTable(actors, data, max) {
  var head = el("tr", null, [el("td", {cls: "corner"})].concat(actors.map(function (y) {
    return el("th", {cls: "col-head", attrs: {scope: "col", title: VOCAB.actor[y]}},
      [dataText("span", truncate(VOCAB.actor[y], 34))]);
  })).concat([el("th", {cls: "col-head total", attrs: {scope: "col"}}, [el("span", {text: "all pairs"})])]));
  var rows = actors.map(function (x) {
    return el("tr", null, [el("th", {cls: "row-head", attrs: {scope: "row", title: VOCAB.actor[x]}},
      [dataText("span", truncate(VOCAB.actor[x], 40))])].concat(actors.map(function (y) {
      return matrixCell(x, y, data.counts[Math.min(x, y) + "," + Math.max(x, y)] || 0, max);
    })).concat([el("td", {cls: "num total", text: fmtInt(data.totals[x])})]));
  });
  return el("table", {cls: "matrix", attrs: {"aria-label": "Pairs per two actors"}},
    [el("thead", null, [head]), el("tbody", null, rows)]);
}

function matrixCell(x, y, n, max) {
  if (!n) return el("td", {cls: "cell empty"});
  var level = Math.sqrt(n / max);
  var label = plural(n, "pair") + " between " + VOCAB.actor[x] + " and " + VOCAB.actor[y];
  return el("td", {cls: "cell"}, [el("button", {text: n, attrs: {type: "button", title: label,
    "aria-label": label, "data-actors": x + "," + y},
    style: {"background-color": heat(level), color: level > 0.45 ? "#fff" : "#1b2430"},
    on: {click: function () { location.hash = "#pairs/actors=" + x + "," + y; }}})]);
}

/* Light to dark blue; level in 0..1 (square root of the share, so small counts still show). */
function heat(level) {
  var light = [232, 240, 251], dark = [16, 56, 122];
  return "rgb(" + light.map(function (c, i) { return Math.round(c + (dark[i] - c) * level); }).join(",") + ")";
}

function matrixLegend(max) {
  var steps = [1, Math.max(1, Math.round(max / 4)), Math.max(1, Math.round(max / 2)), max]
    .filter(function (v, i, all) { return all.indexOf(v) === i; });
  return el("p", {cls: "legend"}, ["Pairs: "].concat(steps.map(function (v) {
    var level = Math.sqrt(v / max);
    return el("span", {cls: "swatch", text: fmtInt(v), style: {"background-color": heat(level),
      color: level > 0.45 ? "#fff" : "#1b2430"}});
  })));
}
