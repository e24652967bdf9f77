/* Shared helpers: the embedded run data, DOM building that only ever sets text,
   formatting, and the colour maps. Every other part of the page builds on these. */

var DATA = JSON.parse(document.getElementById("overlap-data").textContent);
var META = DATA.meta;
var ACT = DATA.activities;
var PAIRS = DATA.pairs;
var CLUSTERS = DATA.clusters;
var VOCAB = DATA.vocab;
var N_ACTS = ACT.id.length;
var N_PAIRS = PAIRS.id.length;
var N_FEATURES = META.features.length;
var SVG_NS = "http://www.w3.org/2000/svg";

/* Which vocabulary each list field's codes index. */
var LIST_VOCAB = {countries: "country", locations: "location", sectors: "sector",
                  funders: "org", implementers: "org"};

/* el("td", {cls: "x", text: "y", attrs: {title: "z"}, on: {click: f}}, [children]).
   Data only ever reaches the page as text nodes or attribute values, never as markup. */
function el(tag, props, children) {
  var node = document.createElement(tag);
  applyProps(node, props);
  appendAll(node, children);
  return node;
}

function svgEl(tag, attrs, children) {
  var node = document.createElementNS(SVG_NS, tag);
  applyProps(node, {attrs: attrs});
  appendAll(node, children);
  return node;
}

function applyProps(node, props) {
  if (!props) return;
  if (props.cls) node.setAttribute("class", props.cls);
  if (props.text !== undefined && props.text !== null) node.textContent = String(props.text);
  if (props.dir) node.dir = props.dir;
  var name;
  for (name in props.attrs || {}) {
    if (props.attrs[name] !== null && props.attrs[name] !== undefined) {
      node.setAttribute(name, String(props.attrs[name]));
    }
  }
  for (name in props.style || {}) node.style.setProperty(name, props.style[name]);
  for (name in props.on || {}) node.addEventListener(name, props.on[name]);
}

function appendAll(node, children) {
  (children || []).forEach(function (child) {
    if (child === null || child === undefined || child === false) return;
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  });
}

function byId(id) { return document.getElementById(id); }

/* obj[key] only when obj itself has it: input text such as "constructor" or
   "__proto__" must not reach the prototype. */
function own(obj, key) {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/* The page address part as text; a malformed %-escape (typed or pasted) is kept as is. */
function decoded(text) {
  try { return decodeURIComponent(text); } catch (e) { return text; }
}

/* A map keyed by input text: no prototype, so no key is special. */
function dict() { return Object.create(null); }

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/* Text that may be in any script: dir=auto lets Arabic or Hebrew read right to left. */
function dataText(tag, text, cls) { return el(tag, {cls: cls, text: text, dir: "auto"}); }

/* ------------------------------------------------------------ formatting */

function fmtInt(n) { return Number(n).toLocaleString("en"); }
function fmtScore(s) { return s === null || s === undefined ? "–" : s.toFixed(2); }
/* A probability to two digits, or as many more (up to the four the page holds) as keep
   it on its side of ``threshold``: 0.9859 beside a duplicate threshold of 0.99 is
   "0.986", never "0.99". */
function fmtProb(s, threshold) {
  if (s === null || s === undefined) return "–";
  for (var digits = 2; digits < 4; digits++) {
    if ((Number(s.toFixed(digits)) >= threshold) === (s >= threshold)) break;
  }
  return s.toFixed(digits);
}
function fmtSigned(v) { return (v > 0 ? "+" : v < 0 ? "−" : "±") + Math.abs(v).toFixed(2); }
function plural(n, one, many) { return fmtInt(n) + " " + (n === 1 ? one : many || one + "s"); }

function fmtBudget(amount, currency) {
  if (amount === null || amount === undefined) return "";
  return Math.round(amount).toLocaleString("en") + (currency ? " " + currency : "");
}

function truncate(text, length) {
  return text.length > length ? text.slice(0, length - 1) + "…" : text;
}

/* Lower case without accents, so "Tillabéri" matches "tillaberi". */
function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/* ------------------------------------------------------------ data accessors */

function actorOf(i) { return VOCAB.actor[ACT.actor[i]]; }
function titleOf(i) { return ACT.title[i] || truncate(ACT.description[i], 120) || ACT.id[i]; }
function kindOf(p) { return META.kinds[PAIRS.kind[p]]; }

function listOf(field, i) {
  var names = VOCAB[LIST_VOCAB[field]];
  return ACT[field][i].map(function (code) { return names[code]; });
}

function countryName(code) {
  var name = own(DATA.country_names, code);
  return name ? name : code;
}

function countriesOf(i) { return listOf("countries", i).map(countryName); }

/* The contribution of feature f to pair p's linear score. */
function contribution(p, f) { return PAIRS.contributions[p * N_FEATURES + f]; }

/* Whether this run was compared with an earlier one: pairs then carry a status. */
var HAS_HISTORY = Boolean(META.changes && META.changes.previous_run && PAIRS.status);
function statusOf(p) { return HAS_HISTORY ? PAIRS.status[p] : ""; }

function statusTag(status, why) {
  if (status !== "new" && status !== "changed") return null;
  return el("span", {cls: "change-tag " + status, text: status, attrs: why ? {title: why} : null});
}

/* ------------------------------------------------------------ colours */

/* Kinds the tool knows get fixed colours; any other kind string still gets a stable one.
   All are dark enough for white text (contrast 4.5:1 or more). */
var KIND_COLOURS = {"duplicate": "#b42318", "overlap": "#8a5300", "funding-chain": "#1f5fae",
                    "conflict": "#6b2fa3"};
var PALETTE = ["#1f5fae", "#c2410c", "#0f766e", "#7e22ce", "#b91c1c", "#4d7c0f",
               "#a16207", "#be185d", "#0369a1", "#57534e", "#15803d", "#6d28d9"];

function hashIndex(text, n) {
  var h = 0;
  for (var i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return Math.abs(h) % n;
}

function kindColour(kind) { return own(KIND_COLOURS, kind) || PALETTE[hashIndex(kind, PALETTE.length)]; }

function kindBadge(kind) {
  return el("span", {cls: "kind", text: kind, style: {"background-color": kindColour(kind)}});
}

function decisionBadge(decision) {
  if (!decision) return el("span", {cls: "decision none", text: "not reviewed"});
  return el("span", {cls: "decision " + decisionClass(decision), text: DECISION_LABELS[decision]});
}

/* A link to one of the page's own views; never built from input text. */
function viewLink(hash, text, cls) {
  return el("a", {cls: cls, text: text, attrs: {href: "#" + hash}});
}

function pairLink(p, text) { return viewLink("pair/" + PAIRS.id[p], text); }
function activityLink(i, text) { return viewLink("activity/" + i, text); }
function clusterLink(c, text) { return viewLink("cluster/" + CLUSTERS.id[c], text); }

/* Run fn at most once per animation frame, for input events that fire in bursts. */
function throttled(fn) {
  var pending = false;
  return function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; fn(); });
  };
}
