/* The map: every activity as a dot on a canvas at its 2-D text projection (t-SNE, made
   by the run: near is similar), so tens of thousands of dots draw in milliseconds.
   Scroll zooms, dragging pans, hovering names a dot and clicking opens it. An actor or
   country filter greys out the other dots; pair lines are off until asked for. */

var MAP_PAD = 14;
var MAP_SCALE = 10000;
var MAP_ACTOR_COLOURS = 11;
var MAP_GREY = "#a3abb6";
var MAP_FADED = "#d3d8df";
var MAP_KEPT = "#1b2430";
var mapView = {scale: 1, dx: 0, dy: 0, hover: -1, groups: null, paired: null, partners: null,
               drag: null, width: 0, height: 0, match: null};

/* What the run's layout keeps, in words (overlap.projection). */
var MAP_METHODS = {
  tsne: " (a t-SNE map of the text embeddings: each activity's nearest texts sit near it; distances between far-apart groups mean little)",
  pca: " (a PCA projection of the text embeddings: the two directions in which the texts differ most)"
};

function setupMap() {
  var canvas = byId("map-canvas");
  var read = DATA.meta.activities || N_ACTS;
  byId("map-method").textContent = (own(MAP_METHODS, DATA.map.method || "") || "") +
    (N_ACTS < read ? ". It shows the " + fmtInt(N_ACTS) + " activities the page holds (those its pairs " +
     "and clusters use), of " + fmtInt(read) + " read" : "");
  byId("map-colour").addEventListener("change", function () { mapView.groups = null; drawMap(); });
  byId("map-paired").addEventListener("change", drawMap);
  byId("map-links").addEventListener("change", drawMap);
  setupMapFilters();
  byId("map-reset").addEventListener("click", function () {
    mapView.scale = 1; mapView.dx = 0; mapView.dy = 0; drawMap();
  });
  byId("map-filters").addEventListener("submit", function (e) { e.preventDefault(); });
  canvas.addEventListener("wheel", zoomMap, {passive: false});
  canvas.addEventListener("mousedown", function (e) {
    mapView.drag = {x: e.clientX, y: e.clientY, dx: mapView.dx, dy: mapView.dy, moved: false};
  });
  window.addEventListener("mouseup", function (e) {
    var drag = mapView.drag;
    mapView.drag = null;
    if (drag && !drag.moved && e.target === canvas && mapView.hover >= 0) {
      location.hash = "#activity/" + mapView.hover;
    }
  });
  canvas.addEventListener("mousemove", function (e) {
    var drag = mapView.drag;
    if (drag) {
      var mx = e.clientX - drag.x, my = e.clientY - drag.y;
      if (Math.abs(mx) + Math.abs(my) > 3) drag.moved = true;
      if (drag.moved) { mapView.dx = drag.dx + mx; mapView.dy = drag.dy + my; drawMapSoon(); }
      return;
    }
    var rect = canvas.getBoundingClientRect();
    mapView.pointer = {x: e.clientX - rect.left, y: e.clientY - rect.top};
    hoverMapSoon();
  });
  canvas.addEventListener("mouseleave", function () { setHover(-1); });
  window.addEventListener("resize", throttled(function () { if (!byId("view-map").hidden) drawMap(); }));
}

var drawMapSoon = throttled(function () { drawMap(); });
var hoverMapSoon = throttled(function () {
  if (mapView.pointer) setHover(nearestDot(mapView.pointer.x, mapView.pointer.y));
});

function zoomMap(e) {
  e.preventDefault();
  var rect = e.target.getBoundingClientRect();
  var mx = e.clientX - rect.left, my = e.clientY - rect.top;
  var scale = Math.min(60, Math.max(1, mapView.scale * Math.exp(-e.deltaY * 0.0015)));
  var k = scale / mapView.scale;
  mapView.dx = mx - (mx - mapView.dx) * k;
  mapView.dy = my - (my - mapView.dy) * k;
  mapView.scale = scale;
  drawMapSoon();
}

/* ------------------------------------------------------------ data for drawing */

function pairedActivities() {
  if (!mapView.paired) {
    mapView.paired = new Uint8Array(N_ACTS);
    mapView.partners = {};
    for (var p = 0; p < N_PAIRS; p++) {
      var a = PAIRS.a[p], b = PAIRS.b[p];
      mapView.paired[a] = mapView.paired[b] = 1;
      (mapView.partners[a] = mapView.partners[a] || []).push(b);
      (mapView.partners[b] = mapView.partners[b] || []).push(a);
    }
  }
  return mapView.paired;
}

/* The actor search offers every actor's name; the country list every country, by name,
   with its number of activities. */
function setupMapFilters() {
  var actors = byId("map-actor-names"), perCountry = dict();
  VOCAB.actor.slice().sort(function (x, y) { return x.localeCompare(y); }).forEach(function (name) {
    actors.appendChild(el("option", {attrs: {value: name}}));
  });
  ACT.countries.forEach(function (codes) {
    codes.forEach(function (c) { perCountry[c] = (perCountry[c] || 0) + 1; });
  });
  Object.keys(perCountry).map(Number).sort(function (x, y) {
    return countryName(VOCAB.country[x]).localeCompare(countryName(VOCAB.country[y]));
  }).forEach(function (c) {
    byId("map-country").appendChild(el("option", {attrs: {value: c},
      text: countryName(VOCAB.country[c]) + " (" + fmtInt(perCountry[c]) + ")"}));
  });
  var refilter = function () { mapView.match = null; mapView.hover = -1; drawMap(); };
  byId("map-actor").addEventListener("input", throttled(refilter));
  byId("map-country").addEventListener("change", refilter);
}

/* Which activities the actor and country filters keep (1), or null when neither is set.
   The actor filter keeps every actor whose name holds the typed text. */
function mapMatches() {
  if (mapView.match !== null) return mapView.match || null;
  var q = fold(byId("map-actor").value.trim()), country = byId("map-country").value;
  if (!q && country === "") { mapView.match = false; return null; }
  var actorOk = VOCAB.actor.map(function (name) { return !q || fold(name).indexOf(q) >= 0; });
  var match = new Uint8Array(N_ACTS), code = Number(country);
  for (var i = 0; i < N_ACTS; i++) {
    match[i] = actorOk[ACT.actor[i]] && (country === "" || ACT.countries[i].indexOf(code) >= 0) ? 1 : 0;
  }
  mapView.match = match;
  return match;
}

/* Whether dot i is drawn in colour and can be hovered: kept by the filters and, when
   asked, in a pair. */
function mapShown(i, match, onlyPaired, paired) {
  return (!match || match[i]) && (!onlyPaired || paired[i]);
}

/* Dots grouped by colour, grey first so coloured dots draw on top; and the legend. */
function colourGroups() {
  if (mapView.groups) return mapView.groups;
  var byCluster = byId("map-colour").value === "cluster";
  var colourOf = byCluster ? clusterColours() : actorColours();
  var groups = {}, order = [];
  for (var i = 0; i < N_ACTS; i++) {
    var colour = colourOf.colours[i];
    if (!groups[colour]) { groups[colour] = []; order.push(colour); }
    groups[colour].push(i);
  }
  order.sort(function (x, y) { return (y === MAP_GREY) - (x === MAP_GREY); });
  mapView.groups = {order: order, members: groups, legend: colourOf.legend};
  return mapView.groups;
}

function actorColours() {
  var counts = {};
  ACT.actor.forEach(function (a) { counts[a] = (counts[a] || 0) + 1; });
  var top = Object.keys(counts).map(Number).sort(function (x, y) { return counts[y] - counts[x] || x - y; })
    .slice(0, MAP_ACTOR_COLOURS);
  var colourOfActor = {};
  top.forEach(function (a, k) { colourOfActor[a] = PALETTE[k]; });
  var legend = top.map(function (a) { return [PALETTE[top.indexOf(a)], VOCAB.actor[a] + " (" + fmtInt(counts[a]) + ")"]; });
  if (Object.keys(counts).length > top.length) legend.push([MAP_GREY, "other actors"]);
  return {colours: ACT.actor.map(function (a) { return colourOfActor[a] || MAP_GREY; }), legend: legend};
}

function clusterColours() {
  return {
    colours: ACT.cluster.map(function (c) { return c < 0 ? MAP_GREY : PALETTE[hashIndex(CLUSTERS.id[c], PALETTE.length)]; }),
    legend: [[PALETTE[0], "in a cluster (one colour per cluster)"], [MAP_GREY, "in no cluster"]]
  };
}

/* Canvas position (CSS pixels) of activity i at the current zoom. */
function dotX(i) { return (MAP_PAD + DATA.map.x[i] / MAP_SCALE * (mapView.width - 2 * MAP_PAD)) * mapView.scale + mapView.dx; }
function dotY(i) { return (MAP_PAD + (1 - DATA.map.y[i] / MAP_SCALE) * (mapView.height - 2 * MAP_PAD)) * mapView.scale + mapView.dy; }

/* ------------------------------------------------------------ drawing */

function drawMap() {
  var canvas = byId("map-canvas"), wrap = byId("map-wrap");
  var ratio = window.devicePixelRatio || 1;
  mapView.width = wrap.clientWidth;
  mapView.height = Math.round(Math.max(360, Math.min(680, mapView.width * 0.6)));
  canvas.width = Math.round(mapView.width * ratio);
  canvas.height = Math.round(mapView.height * ratio);
  canvas.style.height = mapView.height + "px";
  var ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, mapView.width, mapView.height);
  if (!DATA.map.x.length) {
    ctx.fillStyle = "#4d5766";
    ctx.font = "15px system-ui, sans-serif";
    ctx.fillText("This run has no map.", 20, 30);
    return;
  }
  var paired = pairedActivities(), onlyPaired = byId("map-paired").checked, match = mapMatches();
  var groups = colourGroups(), shown = 0;
  if (byId("map-links").checked) drawPairLines(ctx, match);
  /* Round dots read better; past a few thousand, squares draw several times faster. */
  var size = Math.min(8, (N_ACTS > 5000 ? 3 : N_ACTS > 500 ? 4 : 7) + Math.log(mapView.scale));
  var round = N_ACTS <= 5000;
  var dots = function (colour, alpha, members, keep) {
    ctx.fillStyle = colour;
    ctx.globalAlpha = alpha;
    ctx.beginPath();
    members.forEach(function (i) {
      if (!keep(i)) return;
      var x = dotX(i), y = dotY(i);
      if (round) { ctx.moveTo(x + size / 2, y); ctx.arc(x, y, size / 2, 0, 2 * Math.PI); }
      else ctx.rect(x - size / 2, y - size / 2, size, size);
    });
    ctx.fill();
  };
  if (match) {  /* the activities the filters leave out, faint, for context */
    groups.order.forEach(function (colour) {
      dots(MAP_FADED, 0.5, groups.members[colour], function (i) { return !match[i] && (!onlyPaired || paired[i]); });
    });
  }
  groups.order.forEach(function (colour) {
    /* with a filter, the kept activities of actors without a colour of their own stand out in ink */
    var grey = colour === MAP_GREY;
    dots(grey && match ? MAP_KEPT : colour, grey && !match ? 0.55 : 0.85, groups.members[colour], function (i) {
      var keep = mapShown(i, match, onlyPaired, paired);
      if (keep) shown++;
      return keep;
    });
  });
  ctx.globalAlpha = 1;
  if (mapView.hover >= 0) drawHover(ctx, mapView.hover);
  renderMapLegend(match ? groups.legend.map(function (entry) {
    return entry[0] === MAP_GREY ? [MAP_KEPT, entry[1] + " (kept by the filter)"] : entry;
  }).concat([[MAP_FADED, "left out by the filter"]]) : groups.legend);
  byId("map-status").textContent = match || onlyPaired ?
    plural(shown, "activity", "activities") + " of " + fmtInt(N_ACTS) + " shown in colour." : "";
}

/* Each pair as a line; with a filter, only pairs with a side it keeps. */
function drawPairLines(ctx, match) {
  ctx.strokeStyle = "rgba(27, 36, 48, 0.25)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (var p = 0; p < N_PAIRS; p++) {
    if (match && !match[PAIRS.a[p]] && !match[PAIRS.b[p]]) continue;
    ctx.moveTo(dotX(PAIRS.a[p]), dotY(PAIRS.a[p]));
    ctx.lineTo(dotX(PAIRS.b[p]), dotY(PAIRS.b[p]));
  }
  ctx.stroke();
}

/* The hovered dot ringed, with lines to the activities it is paired with. */
function drawHover(ctx, i) {
  var x = dotX(i), y = dotY(i);
  ctx.strokeStyle = "#1b2430";
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  (mapView.partners[i] || []).forEach(function (j) { ctx.moveTo(x, y); ctx.lineTo(dotX(j), dotY(j)); });
  ctx.stroke();
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(x, y, 7, 0, 2 * Math.PI);
  ctx.stroke();
}

function renderMapLegend(legend) {
  var node = clear(byId("map-legend"));
  legend.forEach(function (entry) {
    node.appendChild(el("span", {cls: "legend-item"}, [
      el("span", {cls: "dot", style: {"background-color": entry[0]}}), dataText("span", entry[1])]));
  });
}

/* ------------------------------------------------------------ hover */

function nearestDot(x, y) {
  var best = -1, bestDistance = 64, onlyPaired = byId("map-paired").checked, paired = pairedActivities();
  var match = mapMatches();
  for (var i = 0; i < N_ACTS; i++) {
    if (!mapShown(i, match, onlyPaired, paired)) continue;
    var ddx = dotX(i) - x, ddy = dotY(i) - y, d = ddx * ddx + ddy * ddy;
    if (d < bestDistance) { bestDistance = d; best = i; }
  }
  return best;
}

function setHover(i) {
  if (i === mapView.hover) return;
  mapView.hover = i;
  var tip = byId("map-tip"), canvas = byId("map-canvas");
  canvas.style.cursor = i >= 0 ? "pointer" : "default";
  drawMap();
  if (i < 0) { tip.hidden = true; return; }
  clear(tip);
  tip.appendChild(dataText("strong", actorOf(i)));
  tip.appendChild(dataText("span", truncate(titleOf(i), 140)));
  var partners = (mapView.partners[i] || []).length;
  tip.appendChild(el("span", {cls: "muted", text: partners ? plural(partners, "pair") + " · click to open" : "click to open"}));
  tip.hidden = false;
  var left = Math.min(dotX(i) + 12, mapView.width - tip.offsetWidth - 4);
  tip.style.left = Math.max(4, left) + "px";
  tip.style.top = Math.max(4, dotY(i) - tip.offsetHeight - 10) + "px";
}
