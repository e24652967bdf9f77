/* Review decisions. They live in the browser's localStorage under the run's input
   fingerprint, so reopening this report (or a later report of the same inputs) keeps
   them, and leave as decisions.csv, which `overlap run --decisions` reads back. */

/* The decisions a reviewer gives, in button order (keys 1-5), as stored: what the pair
   is. "dismissed" is written "not related"; "confirmed" (genuine, kind as reported) comes
   from earlier reports and decisions files and has no button of its own. */
var DECISION_ORDER = ["duplicate", "funding link", "related", "dismissed", "unsure"];
var DECISION_LABELS = {"duplicate": "Duplicate", "funding link": "Funding link", "related": "Related",
                       "dismissed": "Not related", "unsure": "Unsure", "confirmed": "Confirmed"};
var DECISION_KEYS = {"duplicate": "1", "funding link": "2", "related": "3", "dismissed": "4", "unsure": "5"};
/* Decisions that say the pair is genuine: what printing lists. */
var GENUINE_DECISIONS = ["duplicate", "funding link", "related", "confirmed"];
/* Stored decision -> what decisions.csv says (decisions.py reads both). */
var EXPORT_WORDING = {"dismissed": "not related"};

function decisionForKey(key) {
  return DECISION_ORDER.filter(function (d) { return DECISION_KEYS[d] === key; })[0] || "";
}

/* A decision as a class name: "funding link" -> "funding-link". */
function decisionClass(decision) { return decision.replace(/ /g, "-"); }

/* What people write in a decisions file -> the stored decision, as decisions.py reads it. */
function decisionValue(text) {
  return own(META.decision_wording, text.trim().toLowerCase().replace(/_/g, " ").replace(/\s+/g, " ")) || "";
}

var CSV_COLUMNS = ["pair_id", "id_a", "id_b", "decision", "note", "reviewer", "decided_at"];
var STORE_KEY = "overlap:decisions:" + META.fingerprint;
var REVIEWER_KEY = "overlap:reviewer";
var PAIR_INDEX = dict();
PAIRS.id.forEach(function (id, p) { PAIR_INDEX[id] = p; });

var review = {store: openStore(), listeners: [], saveFailed: false, undo: []};

/* {pair_id: {decision, note, reviewer, decided_at, id_a, id_b}}; an entry with an empty
   decision records that the reviewer cleared one (it overrides a decision from the run). */
function openStore() {
  try {
    var parsed = JSON.parse(window.localStorage.getItem(STORE_KEY) || "{}");
    return {ok: true, items: Object.assign(dict(), parsed && typeof parsed === "object" ? parsed : {})};
  } catch (e) {
    return {ok: false, items: dict()};
  }
}

function saveStore() {
  if (!review.store.ok) return;
  try {
    window.localStorage.setItem(STORE_KEY, JSON.stringify(review.store.items));
    review.saveFailed = false;
  } catch (e) {
    review.saveFailed = true;
  }
}

function onReviewChange(listener) { review.listeners.push(listener); }
function reviewChanged(p) { review.listeners.forEach(function (f) { f(p); }); }

/* The pair's decision: the reviewer's own, else the one this run read from decisions.csv. */
function decisionItem(p) {
  var own = review.store.items[PAIRS.id[p]];
  if (own) return own;
  if (PAIRS.decision && PAIRS.decision[p]) {
    return {decision: PAIRS.decision[p], note: PAIRS.note ? PAIRS.note[p] : "", reviewer: "",
            decided_at: ""};
  }
  return null;
}

function decisionOf(p) {
  var item = decisionItem(p);
  return item ? item.decision : "";
}

function noteOf(p) {
  var item = decisionItem(p);
  return item ? item.note || "" : "";
}

function reviewerName() {
  try { return window.localStorage.getItem(REVIEWER_KEY) || ""; } catch (e) { return ""; }
}

function setReviewerName(name) {
  try { window.localStorage.setItem(REVIEWER_KEY, name); } catch (e) { /* kept for this visit */ }
}

/* Pair p's stored entry with some fields changed, stamped with the reviewer and time. */
function changedItem(p, changes, reviewer, stamp) {
  var current = decisionItem(p) || {decision: "", note: ""};
  var item = {decision: current.decision, note: current.note || "", reviewer: reviewer,
              decided_at: stamp, id_a: ACT.id[PAIRS.a[p]], id_b: ACT.id[PAIRS.b[p]]};
  Object.keys(changes).forEach(function (k) { item[k] = changes[k]; });
  return item;
}

function updateItem(p, changes) {
  review.store.items[PAIRS.id[p]] = changedItem(p, changes, reviewerName(), new Date().toISOString());
  saveStore();
  reviewChanged(p);
}

/* Pressing the button of the current decision again clears it. Each change can be undone. */
function toggleDecision(p, decision) {
  review.undo.push({p: p, before: review.store.items[PAIRS.id[p]]});
  updateItem(p, {decision: decisionOf(p) === decision ? "" : decision});
}

/* One decision for many pairs at once (a group), saved once and undone as one step.
   A note, when given, replaces each pair's note; otherwise their notes are kept. */
function decideMany(pairs, decision, note) {
  if (!pairs.length) return;
  review.undo.push({pairs: pairs, before: pairs.map(function (p) { return review.store.items[PAIRS.id[p]]; })});
  var reviewer = reviewerName(), stamp = new Date().toISOString();
  var changes = note ? {decision: decision, note: note} : {decision: decision};
  pairs.forEach(function (p) { review.store.items[PAIRS.id[p]] = changedItem(p, changes, reviewer, stamp); });
  saveStore();
  reviewChanged(null);
}

function restoreItem(p, before) {
  if (before) review.store.items[PAIRS.id[p]] = before;
  else delete review.store.items[PAIRS.id[p]];
}

/* Put back what the last decision replaced (a group's as a whole); returns that pair (a
   group's first), or null when nothing is left. */
function undoDecision() {
  var last = review.undo.pop();
  if (!last) return null;
  if (last.pairs) {
    last.pairs.forEach(function (p, k) { restoreItem(p, last.before[k]); });
    saveStore();
    reviewChanged(null);
    return last.pairs[0];
  }
  restoreItem(last.p, last.before);
  saveStore();
  reviewChanged(last.p);
  return last.p;
}

function setNote(p, note) { updateItem(p, {note: note}); }

/* How many pairs carry each decision, and how many any. */
function reviewCounts() {
  var counts = {reviewed: 0};
  Object.keys(DECISION_LABELS).forEach(function (d) { counts[d] = 0; });
  for (var p = 0; p < N_PAIRS; p++) {
    var d = decisionOf(p);
    if (d) { counts.reviewed++; counts[d] = (counts[d] || 0) + 1; }
  }
  return counts;
}

/* ------------------------------------------------------------ decisions.csv */

/* A cell a spreadsheet would run as a formula (OWASP, CSV injection) gets a leading quote,
   as outputs.guard_cell does for every CSV the tool writes; a plain number stays a number.
   Text already behind quotes is guarded too, so reading back (unguardCell) is exact. */
var FORMULA_START = /^[=+\-@\t\r]/;
var PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function needsGuard(text) {
  var bare = text.replace(/^'+/, "");
  return FORMULA_START.test(bare) && !PLAIN_NUMBER.test(bare);
}

function guardCell(text) { return needsGuard(text) ? "'" + text : text; }

function unguardCell(text) { return text.charAt(0) === "'" && needsGuard(text.slice(1)) ? text.slice(1) : text; }

function csvField(value) {
  var text = guardCell(value === null || value === undefined ? "" : String(value));
  return /[",\r\n]|^\s|\s$/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
}

/* Rows for every decided pair: this page's pairs in order, then decisions kept for
   pairs this page does not hold (e.g. imported from another run). */
function decisionRows() {
  var rows = [];
  for (var p = 0; p < N_PAIRS; p++) {
    var item = decisionItem(p);
    if (item && item.decision) {
      rows.push([PAIRS.id[p], ACT.id[PAIRS.a[p]], ACT.id[PAIRS.b[p]], exportWording(item.decision),
                 item.note || "", item.reviewer || "", item.decided_at || ""]);
    }
  }
  Object.keys(review.store.items).forEach(function (id) {
    var item = review.store.items[id];
    if (!(id in PAIR_INDEX) && item.decision) {
      rows.push([id, item.id_a || "", item.id_b || "", exportWording(item.decision), item.note || "",
                 item.reviewer || "", item.decided_at || ""]);
    }
  });
  return rows;
}

function exportWording(decision) { return own(EXPORT_WORDING, decision) || decision; }

function decisionsCsv() {
  return [CSV_COLUMNS].concat(decisionRows()).map(function (row) {
    return row.map(csvField).join(",");
  }).join("\r\n") + "\r\n";
}

function exportDecisions() {
  /* The byte-order mark makes spreadsheet programs read the file as UTF-8. */
  var blob = new Blob(["\ufeff" + decisionsCsv()], {type: "text/csv;charset=utf-8"});
  var url = URL.createObjectURL(blob);
  var a = el("a", {attrs: {href: url, download: "decisions.csv"}});
  document.body.appendChild(a);
  a.click();
  document.body.removeChild(a);
  setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
}

/* RFC 4180 CSV: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text) {
  var rows = [], row = [], field = "", quoted = false;
  for (var i = 0; i < text.length; i++) {
    var c = text[i];
    if (quoted) {
      if (c === "\"" && text[i + 1] === "\"") { field += "\""; i++; }
      else if (c === "\"") quoted = false;
      else field += c;
    } else if (c === "\"") quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/* Merge a decisions.csv into this browser's decisions; returns what happened, in words. */
function importDecisions(text) {
  var rows = parseCsv(text.replace(/^\ufeff/, ""));
  var header = (rows.shift() || []).map(function (h) { return h.trim().toLowerCase(); });
  var col = {};
  CSV_COLUMNS.forEach(function (name) { col[name] = header.indexOf(name); });
  if (col.pair_id < 0 || col.decision < 0) {
    return "Not a decisions file: it needs the columns pair_id and decision.";
  }
  var imported = 0, elsewhere = 0, bad = 0;
  rows.forEach(function (row) {
    var get = function (name) { return col[name] >= 0 ? unguardCell(row[col[name]] || "").trim() : ""; };
    var decision = decisionValue(get("decision"));
    if (!get("pair_id") || !decision) { if (row.join("").trim()) bad++; return; }
    review.store.items[get("pair_id")] = {decision: decision, note: get("note"),
      reviewer: get("reviewer"), decided_at: get("decided_at"), id_a: get("id_a"), id_b: get("id_b")};
    imported++;
    if (!(get("pair_id") in PAIR_INDEX)) elsewhere++;
  });
  saveStore();
  reviewChanged(null);
  return "Imported " + plural(imported, "decision") +
    (elsewhere ? " (" + fmtInt(elsewhere) + " for pairs not on this page)" : "") +
    (bad ? "; skipped " + plural(bad, "row") + " without a pair id or a known decision" : "") + ".";
}

/* The counter in the page header. */
function renderProgress() {
  var counts = reviewCounts();
  var node = clear(byId("progress"));
  node.appendChild(el("span", {cls: "progress-count",
    text: fmtInt(counts.reviewed) + " of " + fmtInt(N_PAIRS) + " pairs reviewed"}));
  var bar = el("span", {cls: "progress-bar", attrs: {"aria-hidden": "true"}});
  var shown = DECISION_ORDER.concat(counts.confirmed ? ["confirmed"] : []);
  shown.forEach(function (d) {
    var share = N_PAIRS ? 100 * counts[d] / N_PAIRS : 0;
    bar.appendChild(el("span", {cls: "seg " + decisionClass(d), style: {width: share + "%"}}));
  });
  node.appendChild(bar);
  node.appendChild(el("span", {cls: "progress-detail", text: shown.map(function (d) {
    return fmtInt(counts[d]) + " " + DECISION_LABELS[d].toLowerCase();
  }).join(" · ")}));
  if (!review.store.ok || review.saveFailed) {
    node.appendChild(el("span", {cls: "warn", text:
      "This browser does not keep decisions for files: export them before closing."}));
  }
}
