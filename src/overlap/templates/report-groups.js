/* Group review, as OpenRefine's cluster dialog: the page's pairs grouped by actor pair, by
   cluster, by reason pattern or (3W tables) by area x activity; a group opens as a list of
   its pairs, each ticked or not, and one decision goes to the ticked ones. Decisions go
   through the review store (report-review.js), so they export as single ones do. */

var GROUP_PAGE = 50;
/* Organisations or actors named on a closed group's row; an open group names them all. */
var GROUP_FACTS_SHOWN = 8;
var GROUP_MODES = ["actors", "cluster", "reasons", "area"];
var GROUP_MODE_LABELS = {actors: "Actor pair", cluster: "Cluster", reasons: "Reason pattern",
                         area: "Area × activity"};
var AREAS = DATA.areas;
var groupView = {by: "actors", q: "", undecidedOnly: false, page: 0, open: null, ticked: null,
                 cache: dict(), rows: [], message: "", arg: null, clusterAt: null};

/* A reason's kind, without its values: "same country: SL" -> "same country"; text
   similarity in three bands (near copies, alike, loosely alike). Parts that continue a
   reason ("same sector: a; b") add none. */
var REASON_LABELS = [
  [/^same country\b/, "same country"], [/^different countries\b/, "different countries"],
  [/^same admin area\b/, "same admin area"], [/^different admin areas\b/, "different admin areas"],
  [/^same activity\b/, "same activity"], [/^dates overlap\b/, "dates overlap"],
  [/^dates do not overlap\b/, "dates do not overlap"], [/^same sector\b/, "same sector"],
  [/^shared funder\/implementer\b/, "shared funder/implementer"], [/^shared terms\b/, "shared terms"],
  [/^.+ names .+ as partner$/, "one names the other as partner"]
];

function reasonPattern(p) {
  var labels = [];
  PAIRS.reasons[p].split("; ").forEach(function (part) {
    var similarity = /^text similarity (-?[0-9.]+)/.exec(part);
    if (similarity) {
      var value = Number(similarity[1]);
      labels.push("text similarity " + (value >= 0.9 ? "0.9 or more" : value >= 0.6 ? "0.6 to 0.9" : "below 0.6"));
      return;
    }
    for (var k = 0; k < REASON_LABELS.length; k++) {
      if (REASON_LABELS[k][0].test(part)) { labels.push(REASON_LABELS[k][1]); return; }
    }
  });
  return kindOf(p) + " · " + (labels.join(" · ") || "no reason given");
}

/* Each mode's group key of pair p (null: in no group) and a group's name. */
var GROUP_KEYS = {
  actors: function (p) {
    var x = ACT.actor[PAIRS.a[p]], y = ACT.actor[PAIRS.b[p]];
    return Math.min(x, y) + "," + Math.max(x, y);
  },
  /* by the cluster's id, not its place in the page, so a link to it survives a new run */
  cluster: function (p) { return PAIRS.cluster[p] >= 0 ? CLUSTERS.id[PAIRS.cluster[p]] : null; },
  reasons: reasonPattern
};

function groupName(by, key) {
  if (by === "actors") {
    var codes = key.split(",").map(Number);
    return codes[0] === codes[1] ? VOCAB.actor[codes[0]] + " (within)" :
      VOCAB.actor[codes[0]] + " — " + VOCAB.actor[codes[1]];
  }
  if (by === "cluster") return CLUSTERS.label[clusterIndex(key)] || key;
  if (by === "area") {
    var g = Number(key), groups = AREAS.groups, sector = AREAS.names[groups.sector[g]];
    var activity = AREAS.names[groups.activity[g]];
    /* a presence table's activity is its sector: named once */
    var named = sector && fold(sector) !== fold(activity) ? activity + " (" + sector + ")" : activity;
    return named + " in " + AREAS.names[groups.area[g]];
  }
  return key;
}

/* The groups of one mode, largest first: [{key, name, pairs, total, haystack}]. Groups of
   one pair are left to the pairs list; every area x activity group of the run is listed
   (in the run's order: most pairs first), with the pairs of it this page holds. */
function groupsOf(by) {
  if (groupView.cache[by]) return groupView.cache[by];
  var members = dict(), order = [];
  if (by === "area") {
    AREAS.groups.pairs.forEach(function (ps, g) { members[g] = ps; order.push(String(g)); });
  } else {
    for (var p = 0; p < N_PAIRS; p++) {
      var key = GROUP_KEYS[by](p);
      if (key === null) continue;
      if (!members[key]) { members[key] = []; order.push(key); }
      members[key].push(p);
    }
  }
  var groups = order.map(function (key) {
    var name = groupName(by, key);
    return {key: key, name: name, pairs: members[key],
            total: by === "area" ? AREAS.groups.pairs_total[Number(key)] : members[key].length,
            haystack: fold(name + "\n" + groupFacts(by, key))};
  });
  if (by !== "area") {
    groups = groups.filter(function (g) { return g.pairs.length > 1; });
    groups.sort(function (x, y) { return y.pairs.length - x.pairs.length || x.name.localeCompare(y.name); });
  }
  groupView.cache[by] = groups;
  return groups;
}

/* What a group row says besides its name: the organisations of an area x activity group
   (with their row counts), the actors of a cluster; past ``limit`` names, how many more. */
function groupFacts(by, key, limit) {
  var names = [];
  if (by === "area") {
    names = AREAS.groups.orgs[Number(key)].map(function (pair) { return AREAS.names[pair[0]] + " (" + pair[1] + ")"; });
  } else if (by === "cluster") names = clusterValues(clusterIndex(key), "actor");
  if (limit && names.length > limit) return names.slice(0, limit).join(" · ") + " · and " + (names.length - limit) + " more";
  return names.join(" · ");
}

/* A cluster's place in the page data, from its id. */
function clusterIndex(id) {
  if (!groupView.clusterAt) {
    groupView.clusterAt = dict();
    CLUSTERS.id.forEach(function (c, i) { groupView.clusterAt[c] = i; });
  }
  return groupView.clusterAt[id];
}

function undecidedIn(group) {
  return group.pairs.filter(function (p) { return !decisionOf(p); });
}

/* ------------------------------------------------------------ the view */

/* A 3W table's run opens on its area x activity groups, when they hold most of its pairs. */
function setupGroups() {
  if (!AREAS.groups.area.length) byId("g-by-area").hidden = true;
  var inAreas = AREAS.groups.pairs.reduce(function (n, ps) { return n + ps.length; }, 0);
  if (N_PAIRS && inAreas >= N_PAIRS / 2) groupView.by = "area";
  byId("group-filters").addEventListener("change", function (e) {
    if (e.target.name === "g-by") { location.hash = "#groups/" + e.target.value; return; }
    groupView.undecidedOnly = byId("g-undecided").checked;
    groupView.page = 0;
    renderGroups();
  });
  byId("g-search").addEventListener("input", function (e) {
    groupView.q = fold(e.target.value.trim());
    groupView.page = 0;
    renderGroups();
  });
  byId("group-filters").addEventListener("submit", function (e) { e.preventDefault(); });
  byId("group-list").addEventListener("keydown", groupKeys);
  onReviewChange(function () { if (app.view === "groups") renderGroups(); });
}

/* #groups/<mode>, or #groups/<mode>/<key> to open one group (the clusters view links so).
   Back at the same address (from a pair opened in a group), the group is as it was left. */
function drawGroups(arg) {
  if (groupView.arg === arg) {
    renderGroups();
    focusGroup(groupView.open ? groupView.open.key : null);
    return;
  }
  groupView.arg = arg;
  var parts = arg.split("/"), by = parts[0];
  if (GROUP_MODES.indexOf(by) >= 0 && (by !== "area" || AREAS.groups.area.length)) groupView.by = by;
  var radio = document.querySelector("input[name='g-by'][value='" + groupView.by + "']");
  if (radio) radio.checked = true;
  groupView.page = 0;
  groupView.open = null;
  groupView.message = "";
  if (parts.length > 1) {
    var key = decoded(parts.slice(1).join("/"));
    /* links of earlier pages named a cluster by its place in the page */
    if (by === "cluster" && clusterIndex(key) === undefined && /^[0-9]+$/.test(key) &&
        Number(key) < CLUSTERS.id.length) key = CLUSTERS.id[Number(key)];
    var index = groupsOf(groupView.by).map(function (g) { return g.key; }).indexOf(key);
    if (index >= 0) {
      byId("g-search").value = "";
      groupView.q = "";
      groupView.undecidedOnly = byId("g-undecided").checked = false;
      openGroup(groupsOf(groupView.by)[index]);
    }
  }
  renderGroups();
  focusGroup(groupView.open ? groupView.open.key : null);
}

function renderGroups() {
  var all = groupsOf(groupView.by), q = groupView.q;
  var rows = all.filter(function (g) {
    return (!q || g.haystack.indexOf(q) >= 0) && (!groupView.undecidedOnly || g === groupView.open ||
      undecidedIn(g).length);
  });
  groupView.rows = rows;
  var pages = Math.max(1, Math.ceil(rows.length / GROUP_PAGE));
  if (groupView.page >= pages) groupView.page = pages - 1;
  var openAt = groupView.open ? rows.indexOf(groupView.open) : -1;
  if (openAt >= 0) groupView.page = Math.floor(openAt / GROUP_PAGE);
  var start = groupView.page * GROUP_PAGE;
  var body = el("tbody");
  rows.slice(start, start + GROUP_PAGE).forEach(function (g) {
    body.appendChild(groupRow(g));
    if (g === groupView.open) body.appendChild(groupPanel(g));
  });
  var list = clear(byId("group-list"));
  if (rows.length) {
    list.appendChild(el("table", {cls: "groups", attrs: {"aria-describedby": "group-status"}}, [
      el("caption", {cls: "visually-hidden", text: "Groups of pairs; Enter opens a group, keys 1 to 5 decide its ticked pairs"}),
      el("thead", null, [el("tr", null, [
        el("th", {attrs: {scope: "col"}, text: GROUP_MODE_LABELS[groupView.by]}),
        el("th", {cls: "num", attrs: {scope: "col"}, text: "Pairs"}),
        el("th", {cls: "num", attrs: {scope: "col"}, text: "Not reviewed"}),
        el("th", {attrs: {scope: "col"}, text: "Kinds"}),
        el("th", {cls: "num", attrs: {scope: "col"}, text: "P(genuine)"}),
        el("th", {attrs: {scope: "col"}, text: "Decisions"})])]),
      body]));
  }
  var status = rows.length === all.length ? "All " + plural(all.length, "group") : plural(rows.length, "group") +
    " of " + fmtInt(all.length) + " shown";
  byId("group-status").textContent = status + (groupView.message ? ". " + groupView.message : "");
  if (!all.length) list.appendChild(el("p", {cls: "muted", text: "No two pairs on this page share a " +
    GROUP_MODE_LABELS[groupView.by].toLowerCase() + "."}));
  renderPager(byId("group-pager"), groupView.page, rows.length, GROUP_PAGE, function (page) {
    groupView.page = page;
    groupView.open = null;
    renderGroups();
    focusGroup(null);
  });
}

function groupRow(g) {
  var undecided = undecidedIn(g).length, kinds = dict(), low = 1, high = 0;
  g.pairs.forEach(function (p) {
    kinds[kindOf(p)] = (kinds[kindOf(p)] || 0) + 1;
    if (PAIRS.score[p] !== null) { low = Math.min(low, PAIRS.score[p]); high = Math.max(high, PAIRS.score[p]); }
  });
  var open = g === groupView.open, facts = groupFacts(groupView.by, g.key, open ? 0 : GROUP_FACTS_SHOWN);
  var total = g.total;
  return el("tr", {cls: "group-row" + (open ? " open" : ""), attrs: {"data-g": g.key, tabindex: "0",
    "aria-expanded": String(open)}, on: {click: function (e) {
      if (!e.target.closest("a")) toggleGroup(g);
    }}}, [
    el("th", {attrs: {scope: "row"}}, [el("span", {cls: "caret", attrs: {"aria-hidden": "true"}, text: open ? "▾" : "▸"}),
      " ", dataText("span", g.name, "group-name"), facts ? dataText("span", facts, "group-facts muted small") : null]),
    el("td", {cls: "num", text: total === g.pairs.length ? fmtInt(total) : fmtInt(g.pairs.length) + " of " + fmtInt(total),
      attrs: total === g.pairs.length ? null : {title: "pairs on this page, of this group's pairs in the run"}}),
    el("td", {cls: "num", text: fmtInt(undecided)}),
    el("td", null, Object.keys(kinds).map(function (k) { return el("span", {cls: "kind-count"}, [kindBadge(k), " " + kinds[k]]); })),
    el("td", {cls: "num", text: high ? fmtScore(low) + (high > low ? "–" + fmtScore(high) : "") : "–"}),
    el("td", null, [decisionBar(g.pairs)])
  ]);
}

/* A small bar of the group's decisions, as the header's progress bar. */
function decisionBar(pairs) {
  var counts = dict();
  pairs.forEach(function (p) { var d = decisionOf(p); if (d) counts[d] = (counts[d] || 0) + 1; });
  var bar = el("span", {cls: "progress-bar group-bar", attrs: {"aria-hidden": "true"}});
  var words = [];
  Object.keys(counts).forEach(function (d) {
    bar.appendChild(el("span", {cls: "seg " + decisionClass(d), style: {width: 100 * counts[d] / pairs.length + "%"}}));
    words.push(counts[d] + " " + DECISION_LABELS[d].toLowerCase());
  });
  return el("span", {cls: "group-decisions"}, [bar, el("span", {cls: "small muted", text: words.join(" · ") || "none yet"})]);
}

/* ------------------------------------------------------------ one open group */

/* Opening ticks every pair not yet reviewed: a decided pair is changed only when ticked. */
function openGroup(g) {
  groupView.open = g;
  groupView.ticked = dict();
  var undecided = undecidedIn(g);
  (undecided.length ? undecided : g.pairs).forEach(function (p) { groupView.ticked[p] = true; });
}

function toggleGroup(g) {
  if (groupView.open === g) groupView.open = null;
  else openGroup(g);
  groupView.message = "";
  renderGroups();
  focusGroup(g.key);
}

function tickedPairs(g) {
  return g.pairs.filter(function (p) { return groupView.ticked[p]; });
}

function groupPanel(g) {
  var ticked = tickedPairs(g).length;
  var buttons = DECISION_ORDER.map(function (d) {
    return el("button", {cls: "decide " + decisionClass(d), attrs: {type: "button", "data-group-decision": d,
      "aria-keyshortcuts": DECISION_KEYS[d], disabled: ticked ? null : ""},
      on: {click: function () { decideGroup(g, d); }}}, [DECISION_LABELS[d], " ", el("kbd", {text: DECISION_KEYS[d]})]);
  });
  var note = el("input", {attrs: {type: "text", id: "group-note", placeholder: "optional: the same note on each"},
    dir: "auto"});
  var rows = g.pairs.map(function (p) {
    var box = el("input", {attrs: {type: "checkbox", "data-p": p, "aria-label": "include pair " + PAIRS.id[p]},
      on: {change: function (e) {
        if (e.target.checked) groupView.ticked[p] = true;
        else delete groupView.ticked[p];
        updateGroupPanel(g);
      }}});
    box.checked = Boolean(groupView.ticked[p]);
    return el("tr", {attrs: {"data-p": p}}, [
      el("td", {cls: "tick"}, [box]),
      el("td", null, [kindBadge(kindOf(p))]),
      el("td", {cls: "num", text: fmtScore(PAIRS.score[p])}),
      el("td", null, [dataText("span", actorOf(PAIRS.a[p]), "actor"), " ", pairLink(p, truncate(titleOf(PAIRS.a[p]), 90))]),
      el("td", null, [dataText("span", actorOf(PAIRS.b[p]), "actor"), " ", dataText("span", truncate(titleOf(PAIRS.b[p]), 90))]),
      el("td", null, [decisionBadge(decisionOf(p))])
    ]);
  });
  var panel = el("div", {cls: "group-panel", attrs: {role: "group", "aria-label": "Pairs of " + g.name}}, [
    el("div", {cls: "group-actions"}, [
      el("span", {cls: "group-ticked", attrs: {"aria-live": "polite"}, text: tickedText(g)}),
      el("button", {text: "Tick all", attrs: {type: "button"}, on: {click: function () { tickAll(g, true); }}}),
      el("button", {text: "Untick all", attrs: {type: "button"}, on: {click: function () { tickAll(g, false); }}}),
      el("label", {cls: "group-note"}, ["Note ", note])
    ]),
    el("div", {cls: "decide-buttons"}, buttons),
    rows.length ? el("table", {cls: "group-members"}, [el("tbody", null, rows)]) :
      el("p", {cls: "muted", text: "None of its " + plural(g.total, "pair") + " is on this page; pairs.csv holds them."}),
    el("p", {cls: "muted small", text: "Untick the exceptions, then one key (1–5) decides the ticked pairs; " +
      "U undoes the whole group, Escape closes it."})
  ]);
  return el("tr", {cls: "group-open"}, [el("td", {attrs: {colspan: "6"}}, [panel])]);
}

function tickedText(g) {
  var n = tickedPairs(g).length;
  return plural(n, "pair") + " of " + fmtInt(g.pairs.length) + " ticked";
}

function updateGroupPanel(g) {
  var n = tickedPairs(g).length;
  document.querySelector("#group-list .group-ticked").textContent = tickedText(g);
  document.querySelectorAll("#group-list button[data-group-decision]").forEach(function (b) { b.disabled = !n; });
}

function tickAll(g, on) {
  groupView.ticked = dict();
  if (on) g.pairs.forEach(function (p) { groupView.ticked[p] = true; });
  document.querySelectorAll("#group-list .group-members input[type=checkbox]").forEach(function (box) { box.checked = on; });
  updateGroupPanel(g);
}

/* The ticked pairs get the decision; the group closes and the next group with pairs not
   yet reviewed takes the focus. */
function decideGroup(g, decision) {
  var pairs = tickedPairs(g);
  if (!pairs.length) return;
  var noteInput = byId("group-note"), note = noteInput ? noteInput.value.trim() : "";
  var left = g.pairs.length - pairs.length;
  var at = groupView.rows.indexOf(g);
  groupView.open = null;
  groupView.message = plural(pairs.length, "pair") + " of " + g.name + " marked " +
    DECISION_LABELS[decision].toLowerCase() + (left ? " (" + plural(left, "pair") + " left as they were)" : "") +
    "; U undoes";
  decideMany(pairs, decision, note);
  renderGroups();
  var next = null;
  for (var k = 0; k < groupView.rows.length && next === null; k++) {
    var candidate = groupView.rows[(Math.max(0, at) + k) % groupView.rows.length];
    if (candidate !== g && undecidedIn(candidate).length) next = candidate.key;
  }
  focusGroup(next === null ? g.key : next);
}

function focusGroup(key) {
  var rows = Array.prototype.slice.call(document.querySelectorAll("#group-list tr[data-g]"));
  var row = rows.filter(function (r) { return r.dataset.g === key; })[0] || rows[0];
  if (row) row.focus();
}

/* On a group row: Enter or Space opens it, arrows move, 1-5 decide its ticked pairs (all
   its unreviewed ones when closed), U undoes. Inside an open group the same keys work
   from any checkbox or button; Escape closes it. */
function groupKeys(e) {
  if (e.altKey || e.ctrlKey || e.metaKey || e.target.matches("input[type=text], input[type=search], textarea")) return;
  var row = e.target.closest("tr[data-g]"), inPanel = e.target.closest(".group-panel");
  var g = row ? groupView.rows.filter(function (x) { return x.key === row.dataset.g; })[0] :
    inPanel ? groupView.open : null;
  if (!g) return;
  var decision = decisionForKey(e.key);
  if (decision) {
    if (groupView.open !== g) openGroup(g);
    decideGroup(g, decision);
  } else if (e.key === "u") {
    var undone = undoDecision();
    groupView.message = undone === null ? "Nothing to undo" : "Undone";
    renderGroups();
    focusGroup(g.key);
  } else if (row && (e.key === "Enter" || e.key === " ")) toggleGroup(g);
  else if (e.key === "Escape" && groupView.open) {
    groupView.open = null;
    renderGroups();
    focusGroup(g.key);
  } else if (row && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("#group-list tr[data-g]"));
    var next = rows[rows.indexOf(row) + (e.key === "ArrowDown" ? 1 : -1)];
    if (next) next.focus();
  } else return;
  e.preventDefault();
}
