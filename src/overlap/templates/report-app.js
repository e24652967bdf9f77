/* The page's views and its address: #overview, #pairs, #pair/<id>, #activity/<n>,
   #clusters, #cluster/<id>, #groups/<mode>[/<key>], #conflicts (#conflicts/axis, #conflicts/place), #matrix,
   #map. Links, the back button and bookmarks all go through the address, and each view
   is drawn the first time it is shown. */

var VIEW_OF_ROUTE = {overview: "overview", pairs: "pairs", pair: "pair", activity: "activity",
                     clusters: "clusters", cluster: "clusters", conflicts: "conflicts", groups: "groups",
                     matrix: "matrix", map: "map"};
var TAB_OF_VIEW = {pair: "pairs", activity: null};
var app = {view: null, drawn: {}, pairsScroll: 0, lastList: "#pairs"};

function route() {
  var match = /^#([a-z]+)(?:\/(.*))?$/.exec(location.hash) || [];
  var name = VIEW_OF_ROUTE[match[1]] ? match[1] : "overview", arg = match[2] || "";
  if (app.view === "pairs") app.pairsScroll = window.scrollY;
  if (name === "pair" && !(arg in PAIR_INDEX)) name = "pairs";
  if (name === "activity" && !(Number(arg) >= 0 && Number(arg) < N_ACTS && /^\d+$/.test(arg))) name = "overview";
  if (name === "pairs" && arg) {
    setPairFilterFromLink(arg);
    /* The filter now lives in the controls; "back" from a pair should not re-apply it. */
    history.replaceState(null, "", "#pairs");
  }
  if (name === "cluster") showOnlyCluster(decoded(arg));
  if (name === "clusters") clusterView.only = null;
  var previous = app.view;
  showView(VIEW_OF_ROUTE[name]);
  if (!(app.view in TAB_OF_VIEW)) app.lastList = "#" + app.view;
  drawView(name, arg, previous);
}

function showView(view) {
  document.querySelectorAll("main > .view").forEach(function (section) {
    section.hidden = section.id !== "view-" + view;
  });
  var tab = view in TAB_OF_VIEW ? TAB_OF_VIEW[view] : view;
  document.querySelectorAll(".tabs a").forEach(function (a) {
    if (a.dataset.view === tab) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  app.view = view;
}

function drawView(name, arg, previous) {
  if (name === "pairs") {
    if (pairView.stale) applyPairFilters();
    if (previous === "pair") restorePairsScroll();
    else window.scrollTo(0, 0);
    return;
  }
  window.scrollTo(0, 0);
  if (name === "pair") {
    if (pairView.stale) applyPairFilters();
    renderPairDetail(PAIR_INDEX[arg]);
  } else if (name === "activity") renderActivity(Number(arg));
  else if (name === "clusters" || name === "cluster") renderClusters();
  else if (name === "conflicts") drawConflicts(arg, previous);
  else if (name === "map") drawMap();
  else if (name === "groups") drawGroups(arg);
  else if (!app.drawn[name]) {
    if (name === "overview") renderOverview();
    if (name === "matrix") renderMatrix();
  }
  app.drawn[name] = true;
}

/* #conflicts/place groups by place; coming back from a pair, its row takes the focus. */
function drawConflicts(arg, previous) {
  if (arg === "axis" || arg === "place") conflictView.by = arg;
  renderConflicts();
  var row = previous === "pair" && detail.pair !== null ?
    document.querySelector("#conflict-list tr[data-p='" + detail.pair + "']") : null;
  if (row) row.focus();
}

/* Coming back from a pair, the list is where it was, with that pair's row in focus. */
function restorePairsScroll() {
  var row = detail.pair === null ? null : document.querySelector("#pair-rows tr[data-p='" + detail.pair + "']");
  if (row) {
    row.focus({preventScroll: true});
    window.scrollTo(0, app.pairsScroll);
  }
}

function setupReviewActions() {
  byId("export-decisions").addEventListener("click", exportDecisions);
  byId("import-decisions").addEventListener("click", function () { byId("import-file").click(); });
  byId("import-file").addEventListener("change", function (e) {
    var file = e.target.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      byId("review-message").textContent = importDecisions(String(reader.result));
      e.target.value = "";
    };
    reader.readAsText(file);
  });
  onReviewChange(function (p) {
    renderProgress();
    updateReviewPanel(p);
    pairView.stale = true;
    if (app.view === "pairs") applyPairFilters();
  });
}

function start() {
  setupPairFilters();
  setupClusters();
  setupGroups();
  setupConflicts();
  setupMatrix();
  setupMap();
  setupPrint();
  setupReviewActions();
  document.addEventListener("keydown", pairKeys);
  window.addEventListener("hashchange", route);
  renderProgress();
  route();
  document.documentElement.setAttribute("data-ready", "true");
  if (window.performance && performance.mark) performance.mark("overlap-ready");
  whenIdle(pairHaystack);
}

/* Work the first search would otherwise wait for, done while the reader reads. */
function whenIdle(fn) {
  if (window.requestIdleCallback) requestIdleCallback(fn, {timeout: 3000});
  else setTimeout(fn, 500);
}

start();
