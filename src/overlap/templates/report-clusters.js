/* Clusters: groups of activities tied together by reported pairs, a page at a time. */

var CLUSTER_PAGE = 20;
var CLUSTER_LIST_SHOWN = 6;
var clusterView = {q: "", only: null, page: 0, rows: [], haystack: null, pairsOf: null, codedSector: null};

function setupClusters() {
  byId("c-search").addEventListener("input", function (e) {
    clusterView.q = fold(e.target.value.trim());
    clusterView.only = null;
    clusterView.page = 0;
    renderClusters();
  });
  byId("cluster-filters").addEventListener("submit", function (e) { e.preventDefault(); });
  byId("c-sort").addEventListener("change", function () {
    clusterView.page = 0;
    renderClusters();
  });
}

/* Pairs whose two activities are both in the cluster, indexed once. */
function clusterPairs(c) {
  if (!clusterView.pairsOf) {
    clusterView.pairsOf = CLUSTERS.id.map(function () { return []; });
    for (var p = 0; p < N_PAIRS; p++) {
      var ca = ACT.cluster[PAIRS.a[p]];
      if (ca >= 0 && ca === ACT.cluster[PAIRS.b[p]]) clusterView.pairsOf[ca].push(p);
    }
  }
  return clusterView.pairsOf[c];
}

/* The distinct names a field takes across the cluster's members, most frequent first. */
function clusterValues(c, field) {
  var counts = dict();
  CLUSTERS.members[c].forEach(function (i) {
    var names = field === "actor" ? [actorOf(i)] : field === "countries" ? countriesOf(i) : listOf(field, i);
    names.forEach(function (n) { counts[n] = (counts[n] || 0) + 1; });
  });
  return Object.keys(counts).sort(function (x, y) { return counts[y] - counts[x] || x.localeCompare(y); });
}

function clusterHaystack() {
  if (!clusterView.haystack) {
    clusterView.haystack = CLUSTERS.id.map(function (id, c) {
      return fold([id, CLUSTERS.label[c]].concat(clusterValues(c, "actor"), clusterValues(c, "countries"),
        clusterValues(c, "sectors"), CLUSTERS.members[c].map(titleOf)).join("\n"));
    });
  }
  return clusterView.haystack;
}

function showOnlyCluster(id) {
  clusterView.only = CLUSTERS.id.indexOf(id);
  clusterView.page = 0;
  byId("c-search").value = "";
  clusterView.q = "";
}

function renderClusters() {
  var rows = [];
  if (clusterView.only !== null && clusterView.only >= 0) rows = [clusterView.only];
  else {
    var haystack = clusterView.q ? clusterHaystack() : null;
    for (var c = 0; c < CLUSTERS.id.length; c++) {
      if (!haystack || haystack[c].indexOf(clusterView.q) >= 0) rows.push(c);
    }
  }
  sortClusters(rows);
  clusterView.rows = rows;
  var list = clear(byId("cluster-list"));
  var start = clusterView.page * CLUSTER_PAGE;
  rows.slice(start, start + CLUSTER_PAGE).forEach(function (c) { list.appendChild(clusterCard(c)); });
  var status = byId("cluster-status");
  clear(status);
  status.appendChild(document.createTextNode(rows.length === CLUSTERS.id.length ? "All " + plural(rows.length, "cluster") :
    plural(rows.length, "cluster") + " of " + fmtInt(CLUSTERS.id.length) + " shown"));
  if (rows.length < CLUSTERS.id.length) {
    status.appendChild(document.createTextNode(" · "));
    status.appendChild(viewLink("clusters", "show all"));
  }
  if (!CLUSTERS.id.length) list.appendChild(el("p", {cls: "muted", text: "This run found no clusters."}));
  renderPager(byId("cluster-pager"), clusterView.page, rows.length, CLUSTER_PAGE, function (page) {
    clusterView.page = page;
    renderClusters();
    byId("cluster-list").scrollIntoView({block: "start"});
  });
}

/* The order the reviewer picked; ties keep the run's order (its largest clusters first). */
var CLUSTER_ORDERS = {
  run: function () { return 0; },
  pairs: function (x, y) { return clusterPairs(y).length - clusterPairs(x).length; },
  actors: function (x, y) { return clusterValues(y, "actor").length - clusterValues(x, "actor").length; },
  unreviewed: function (x, y) { return unreviewedIn(y) - unreviewedIn(x); }
};

function unreviewedIn(c) {
  return clusterPairs(c).filter(function (p) { return !decisionOf(p); }).length;
}

function sortClusters(rows) {
  var order = own(CLUSTER_ORDERS, byId("c-sort").value) || CLUSTER_ORDERS.run;
  rows.sort(function (x, y) { return order(x, y) || x - y; });
}

function clusterCard(c) {
  var members = CLUSTERS.members[c], pairs = clusterPairs(c);
  var actors = clusterValues(c, "actor");
  return el("article", {cls: "panel cluster", attrs: {"aria-labelledby": "cl-" + c}}, [
    el("header", {cls: "cluster-head"}, [
      el("h3", {attrs: {id: "cl-" + c}}, [dataText("span", CLUSTERS.label[c] || "(no label)"), " ",
        HAS_HISTORY && CLUSTERS.status ? statusTag(CLUSTERS.status[c]) : null]),
      el("span", {cls: "muted"}, [el("span", {cls: "mono", text: CLUSTERS.id[c]}), " · " +
        plural(members.length, "activity", "activities") + " · " + plural(actors.length, "actor") +
        " · " + plural(pairs.length, "pair")])
    ]),
    facts([["Actors", actors], ["Countries", clusterValues(c, "countries")], sectorFacts(c)]),
    el("div", {cls: "two-col"}, [
      el("div", null, [el("h4", {text: "Activities"}), foldedList("member-list", members.map(function (i) {
        return el("li", null, [dataText("span", actorOf(i), "actor"), " ", activityLink(i, titleOf(i))]);
      }), "activity", "activities")]),
      el("div", null, [el("h4", {text: "Pairs inside"}),
        pairs.length ? foldedList("pair-list", pairs.map(pairListItem), "pair", "pairs") :
          el("p", {cls: "muted", text: "Its pairs are not on this page."}),
        pairs.length ? el("p", {cls: "cluster-links"}, [
          viewLink("groups/cluster/" + encodeURIComponent(CLUSTERS.id[c]), "Decide these pairs as a group →"), " · ",
          viewLink("pairs/cluster=" + CLUSTERS.id[c], "Review them one by one in the table →")]) : null])
    ])
  ]);
}

/* The first CLUSTER_LIST_SHOWN items of a list, the others folded under "N more":
   a page of large clusters stays a page, not tens of thousands of pixels. */
function foldedList(cls, items, one, many) {
  var list = el("ul", {cls: cls}, items.slice(0, CLUSTER_LIST_SHOWN));
  if (items.length <= CLUSTER_LIST_SHOWN) return list;
  var rest = items.length - CLUSTER_LIST_SHOWN;
  return el("div", null, [list, el("details", {cls: "more-items"}, [
    el("summary", {text: plural(rest, "more " + one, "more " + many)}),
    el("ul", {cls: cls}, items.slice(CLUSTER_LIST_SHOWN))])]);
}

/* Sectors a reviewer can read: those known only by a code of a publisher's own (or an
   unnamed) vocabulary ("Publisher's own sector EP") name nothing, so they are counted
   after the named ones, not listed among them. */
var CODED_SECTOR_GROUPS = ["Publishers' own sectors", "Other vocabularies"];

function sectorFacts(c) {
  if (!clusterView.codedSector) {
    clusterView.codedSector = dict();
    VOCAB.sector.forEach(function (name, code) {
      var group = META.sector_groups[VOCAB.sector_group[code]];
      if (CODED_SECTOR_GROUPS.indexOf(group) >= 0) clusterView.codedSector[name] = true;
    });
  }
  var all = clusterValues(c, "sectors");
  var named = all.filter(function (name) { return !clusterView.codedSector[name]; });
  var coded = all.length - named.length;
  return ["Sectors", named, coded ? plural(coded, "sector") + " known only by a code" : ""];
}

/* A compact definition list of name lists ([term, names, a closing note]); long lists
   are cut with a count. */
function facts(rows) {
  var dl = el("dl", {cls: "facts"});
  rows.forEach(function (r) {
    if (!r[1].length && !r[2]) return;
    var shown = r[1].slice(0, 12).join("; ") + (r[1].length > 12 ? "; and " + (r[1].length - 12) + " more" : "");
    if (r[2]) shown += (shown ? "; " : "") + r[2];
    dl.appendChild(el("dt", {text: r[0]}));
    dl.appendChild(dataText("dd", shown));
  });
  return dl;
}
