/* One pair in full, records first: the decision buttons, why it was reported, both
   records side by side (names, organisations by role, budgets, dates) with the words
   and phrases they share marked, then when both ran and the score taken apart (folded).
   Also the single-activity page the map and clusters link to. */

var FEATURE_LABELS = {text: "Text similarity", title: "Title similarity", lexical: "Shared wording",
  country: "Country", location: "Place", sector: "Sector", dates: "Dates",
  shared_org: "Shared funder or implementer", role_link: "Names the other as partner",
  best_match: "Each other's closest match", start_near: "Start dates close",
  role_title: "Partner + similar title", role_text: "Partner + similar text",
  role_dates: "Partner + same period", role_best: "Partner + closest match",
  country_differs: "Different countries", dates_disjoint: "Periods apart",
  countries_max: "Many countries (umbrella record)", country_missing: "Country on one side only",
  title_same: "Identical titles", length_ratio: "Texts of like length",
  shared_specificity: "Specific shared words", shared_rare: "Rare shared words",
  org_only: "A shared name, little else"};
/* Word n-grams this long or longer, found in both records, are marked as phrases. */
var PHRASE_WORDS = 3;
var WORD_PATTERN = /[\p{L}\p{N}]+/gu;
/* Words the scorer's lexical index counts (lexical.py): 3+ characters, not starting with
   a digit, not a stop word. Only these are marked as shared single words. */
var CONTENT_WORD = /^[^\d_][^_]{2,}$/u;
var STOP_WORDS = new Set(META.stop_words || []);
/* Descriptions longer than this many characters start folded, with a button to unfold. */
var LONG_DESCRIPTION = 600;
var IATI_FILES = new Set(META.iati_files || []);
var PARTIAL = new Set(ACT.partial || []);
var detail = {pair: null, noteTimer: null, expanded: false};

function renderPairDetail(p) {
  if (detail.pair !== p) detail.expanded = false;
  detail.pair = p;
  var a = PAIRS.a[p], b = PAIRS.b[p];
  var body = clear(byId("pair-body"));
  body.appendChild(pairNav(p));
  body.appendChild(el("div", {cls: "pair-head"}, [
    el("h2", {attrs: {id: "h-pair", tabindex: "-1"}}, [kindBadge(kindOf(p)), " ",
      dataText("span", actorOf(a)), el("span", {cls: "muted", text: " ↔ "}), dataText("span", actorOf(b))]),
    el("p", {cls: "muted"}, probabilities(p).concat([" · pair ",
      el("span", {cls: "mono", text: PAIRS.id[p]}),
      PAIRS.cluster[p] >= 0 ? " · " : null,
      PAIRS.cluster[p] >= 0 ? clusterLink(PAIRS.cluster[p], "cluster " + (CLUSTERS.label[PAIRS.cluster[p]] || CLUSTERS.id[PAIRS.cluster[p]])) : null])),
    PAIRS.p_genuine[p] === null ? null : el("p", {cls: "muted small prob-help", text: PROBABILITY_HELP}),
    sinceLastRun(p)
  ]));
  body.appendChild(reviewPanel(p));
  if (conflictOfPair(p) >= 0) body.appendChild(conflictPanel(conflictOfPair(p)));
  var reasons = reasonList(PAIRS.reasons[p]);
  var marks = sharedMarks(a, b, reasonTerms(reasons));
  body.appendChild(el("div", {cls: "panel records", attrs: {id: "pair-records"}}, [
    el("h3", {text: "The two records"}),
    el("ul", {cls: "reasons", attrs: {"aria-label": "Why this pair was reported"}},
      reasons.map(function (r) { return dataText("li", r); })),
    markLegend(marks), comparison([a, b], marks)]));
  body.appendChild(el("div", {cls: "two-col"}, [timelinePanel([a, b]), breakdownPanel(p)]));
  byId("h-pair").focus({preventScroll: true});
}

/* What the two probabilities mean, in one line (the pairs table says it too). */
var PROBABILITY_HELP = "P(genuine): how likely a reviewer finds the two duplicate or related work worth " +
  "coordinating. P(duplicate): how likely they are one effort or the same money reported twice.";

/* "P(genuine) 0.83 · P(duplicate) 0.41"; a conflict has its own score instead. Each
   shows the digits that keep it on its side of the threshold that decided the kind. */
function probabilities(p) {
  if (PAIRS.p_genuine[p] === null) return ["Score ", el("b", {text: fmtScore(PAIRS.score[p])})];
  var t = META.thresholds, dup = PAIRS.p_duplicate[p];
  return ["P(genuine) ", el("b", {cls: "p-genuine", text: fmtProb(PAIRS.p_genuine[p], t.report)}),
          " · P(duplicate) ", el("b", {cls: "p-duplicate", text: fmtProb(dup, t.duplicate)}),
          el("span", {cls: "threshold-note", text: kindNote(p)})];
}

/* Why the badge says what it says, next to the probability that decided it. */
function kindNote(p) {
  var kind = kindOf(p), dup = PAIRS.p_duplicate[p], t = META.thresholds.duplicate;
  if (kind === "funding-chain") return " (a declared link between the two makes it a funding chain)";
  if (kind === "duplicate") return " (at or above the duplicate threshold " + t + ")";
  if (kind !== "overlap") return "";
  if (dup < t) return " (below the duplicate threshold " + t + ")";
  return PAIRS.scorer[p] ? " (both texts are short labels: never called duplicates)" :
    " (below the duplicate threshold " + t + " before rounding)";
}

/* "New since the last run: new activity", when the run was compared with one. */
function sinceLastRun(p) {
  var status = statusOf(p);
  if (status !== "new" && status !== "changed") return null;
  return el("p", {cls: "since"}, [statusTag(status), " ", (status === "new" ? "New" : "Changed") +
    " since the last run" + (PAIRS.why[p] ? ": " : "."), PAIRS.why[p] ? dataText("span", PAIRS.why[p]) : null]);
}

/* ------------------------------------------------------------ navigation */

/* Previous and next follow the pairs table's current filter and sort. */
function pairNeighbours(p) {
  var rows = pairView.rows, i = rows.indexOf(p);
  return {position: i, total: rows.length,
          previous: i > 0 ? rows[i - 1] : null, next: i >= 0 && i < rows.length - 1 ? rows[i + 1] : null};
}

function pairNav(p) {
  var n = pairNeighbours(p);
  var go = function (label, target, key) {
    return target === null ? el("button", {text: label, attrs: {type: "button", disabled: ""}})
      : el("a", {cls: "button", text: label, attrs: {href: "#pair/" + PAIRS.id[target], "aria-keyshortcuts": key}});
  };
  return el("nav", {cls: "pair-nav", attrs: {"aria-label": "Pair navigation"}}, [
    el("a", {cls: "button", text: "← All pairs", attrs: {href: "#pairs", "aria-keyshortcuts": "Escape"}}),
    app.lastList === "#conflicts" ? el("a", {cls: "button", text: "← Conflicts", attrs: {href: "#conflicts"}}) : null,
    go("‹ Previous", n.previous, "K"),
    go("Next ›", n.next, "J"),
    el("button", {text: "Next unreviewed ›", attrs: {type: "button", id: "pair-next-unreviewed",
      "aria-keyshortcuts": "N"}, on: {click: function () { openNextUnreviewed(p, byId("review-saved")); }}}),
    el("span", {cls: "muted", text: n.position >= 0 ? "pair " + fmtInt(n.position + 1) + " of " +
      fmtInt(n.total) + " in the list" : "not in the filtered list"})
  ]);
}

/* On the pair page: 1-5 decide and move on to the next unreviewed pair, U undoes the last
   decision, N skips to the next unreviewed pair, J/K next/previous, Esc the list.
   In the pairs list, N opens the next unreviewed pair (rows have their own keys too). */
function pairKeys(e) {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
  if (app.view === "pairs" && e.key === "n") {
    openNextUnreviewed(null, byId("review-message"));
    e.preventDefault();
    return;
  }
  if (detail.pair === null || byId("view-pair").hidden) return;
  var p = detail.pair, n = pairNeighbours(p), decision = decisionForKey(e.key);
  if (decision) decideAndAdvance(p, decision, openPair);
  else if (e.key === "u") undoAndShow();
  else if (e.key === "n") openNextUnreviewed(p, byId("review-saved"));
  else if (e.key === "j" && n.next !== null) openPair(n.next);
  else if ((e.key === "k" || e.key === "p") && n.previous !== null) openPair(n.previous);
  else if (e.key === "Escape") location.hash = "#pairs";
  else return;
  e.preventDefault();
}

/* The pair whose decision was undone, opened (or updated, when it is this one). */
function undoAndShow() {
  var undone = undoDecision();
  if (undone !== null) openPair(undone);
}

/* ------------------------------------------------------------ review */

function reviewPanel(p) {
  var buttons = DECISION_ORDER.map(function (d) {
    return el("button", {cls: "decide " + decisionClass(d), attrs: {type: "button", "data-decision": d,
      "aria-pressed": String(decisionOf(p) === d), "aria-keyshortcuts": DECISION_KEYS[d]},
      on: {click: function () { toggleDecision(p, d); }}},
      [DECISION_LABELS[d], " ", el("kbd", {text: DECISION_KEYS[d]})]);
  });
  var note = el("textarea", {attrs: {id: "review-note", rows: "1", placeholder: "Why? What to check?"},
    dir: "auto", on: {input: function () { saveNoteSoon(p, note.value); }}});
  note.value = noteOf(p);
  var reviewer = el("input", {attrs: {id: "review-reviewer", type: "text", autocomplete: "name",
    placeholder: "your name"}, on: {change: function () { setReviewerName(reviewer.value.trim()); }}});
  reviewer.value = reviewerName();
  var earlier = PAIRS.review_note && PAIRS.review_note[p];
  return el("div", {cls: "panel review", attrs: {role: "group", "aria-labelledby": "h-review"}}, [
    el("h3", {attrs: {id: "h-review"}, text: "Your decision"}),
    earlier ? el("p", {cls: "notice review-note"}, ["Decided before on other text: ", dataText("span", earlier),
      ". Please check it again."]) : null,
    el("div", {cls: "decide-buttons"}, buttons),
    el("p", {cls: "notice", attrs: {id: "review-confirmed", hidden: decisionOf(p) === "confirmed" ? null : ""},
      text: "Confirmed earlier (genuine, as reported): choose what it is to say more."}),
    el("div", {cls: "review-fields"}, [
      el("label", {cls: "note"}, ["Note", note]),
      el("label", null, ["Reviewer", reviewer])
    ]),
    el("p", {cls: "muted", attrs: {id: "review-saved", "aria-live": "polite"}, text: savedText(p)})
  ]);
}

function saveNoteSoon(p, text) {
  clearTimeout(detail.noteTimer);
  detail.noteTimer = setTimeout(function () { setNote(p, text); }, 300);
}

function savedText(p) {
  var item = decisionItem(p);
  if (!item || (!item.decision && !item.note)) return "Not reviewed yet.";
  if (!item.decided_at) return "Decision read from this run's decisions file.";
  return "Saved in this browser " + item.decided_at.slice(0, 16).replace("T", " ") + " UTC" +
    (item.reviewer ? " by " + item.reviewer : "") + (item.decision ? "." : "; choose a decision to export the note.");
}

/* Only the buttons and the saved line change, so typing in the note keeps its focus. */
function updateReviewPanel(p) {
  if (p === null || p !== detail.pair) return;
  document.querySelectorAll("#pair-body button[data-decision]").forEach(function (button) {
    button.setAttribute("aria-pressed", String(decisionOf(p) === button.dataset.decision));
  });
  byId("review-confirmed").hidden = decisionOf(p) !== "confirmed";
  byId("review-saved").textContent = savedText(p);
}

/* ------------------------------------------------------------ why: reasons and score parts */

/* The scorer joins reasons with "; ", which also separates values inside one reason
   ("same sector: a; b"): a part that does not start a reason continues the one before. */
var REASON_START = /^(same |different |dates |shared |text similarity|Axis |.+ names .+ as partner)/;

function reasonList(text) {
  var out = [];
  (text ? text.split("; ") : []).forEach(function (part) {
    if (out.length && !REASON_START.test(part)) out[out.length - 1] += "; " + part;
    else out.push(part);
  });
  return out;
}

/* The score taken apart, folded: the records come first. */
function breakdownPanel(p) {
  return el("details", {cls: "panel breakdown", attrs: {id: "score-breakdown"}}, [
    el("summary", {text: "How the score was reached: each signal's part"}),
    scoreBars(p)
  ]);
}

/* The words of "shared terms: a b, c" (folded as the lexical index folds them). */
function reasonTerms(reasons) {
  var words = new Set();
  reasons.forEach(function (r) {
    if (r.indexOf("shared terms: ") !== 0) return;
    r.slice("shared terms: ".length).split(/[ ,]+/).forEach(function (w) { if (w) words.add(fold(w)); });
  });
  return words;
}

/* Each signal's push on the score: bars right raise it, bars left lower it. The score is
   the logistic of the baseline plus all parts, so a part of +2 matters most near 0.5. */
function scoreBars(p) {
  var scorer = META.scorers[PAIRS.scorer[p]];
  var scale = Math.max.apply(null, scorer.weights.map(Math.abs).concat([1]));
  var total = scorer.bias;
  var rows = META.features.map(function (name, f) {
    var part = contribution(p, f) || 0, weight = scorer.weights[f];
    total += part;
    return barRow(own(FEATURE_LABELS, name) || name, part, scale,
      "signal " + (weight ? part / weight : 0).toFixed(2) + " × weight " + weight);
  });
  return el("div", {cls: "bars", attrs: {role: "table", "aria-label": "Score parts"}}, rows.concat([
    el("p", {cls: "muted bars-total", text: (PAIRS.scorer[p] ? "Both texts are short labels, so the " +
      "short-text weights apply. " : "") + "Baseline " + fmtSigned(scorer.bias) + ", sum " +
      fmtSigned(total) + " → score " + fmtScore(1 / (1 + Math.exp(-total)))})
  ]));
}

function barRow(label, part, scale, detailText) {
  var width = Math.min(100, 100 * Math.abs(part) / scale) + "%";
  return el("div", {cls: "bar-row", attrs: {role: "row", title: detailText}}, [
    el("span", {cls: "bar-label", text: label, attrs: {role: "rowheader"}}),
    el("span", {cls: "bar-track", attrs: {"aria-hidden": "true"}}, [
      el("span", {cls: "bar-half neg"}, [part < 0 ? el("span", {cls: "fill", style: {width: width}}) : null]),
      el("span", {cls: "bar-half pos"}, [part > 0 ? el("span", {cls: "fill", style: {width: width}}) : null])
    ]),
    el("span", {cls: "bar-value num", text: fmtSigned(part), attrs: {role: "cell"}})
  ]);
}

/* ------------------------------------------------------------ when: the timeline */

function parseDay(text) {
  if (!text) return null;
  var t = Date.parse(text.slice(0, 10) + "T00:00:00Z");
  return isNaN(t) ? null : t;
}

/* Start and end in ms; like the scorer, a missing end is start + 1 year and vice versa. */
function period(i) {
  var year = 365 * 864e5, start = parseDay(ACT.start[i]), end = parseDay(ACT.end[i]);
  if (start === null && end === null) return null;
  return {start: start === null ? end - year : start, end: end === null ? start + year : end,
          assumed: start === null || end === null};
}

function timelinePanel(items) {
  var panel = el("div", {cls: "panel"}, [el("h3", {text: "When"})]);
  var periods = items.map(period);
  var known = periods.filter(Boolean);
  if (!known.length) {
    panel.appendChild(el("p", {cls: "muted", text: "No dates on either record."}));
    return panel;
  }
  panel.appendChild(timelineSvg(items, periods, known));
  if (items.length === 2) panel.appendChild(el("p", {cls: "small", text: overlapText(periods)}));
  items.forEach(function (i, k) {
    panel.appendChild(el("p", {cls: "muted small", text: (items.length > 1 ? "ABCD"[k] + ": " : "") +
      (ACT.start[i] || "?") + " to " + (ACT.end[i] || "?") + (periods[k] && periods[k].assumed ? " (one year assumed)" : "")}));
  });
  return panel;
}

function timelineSvg(items, periods, known) {
  var lo = Math.min.apply(null, known.map(function (x) { return x.start; }));
  var hi = Math.max.apply(null, known.map(function (x) { return x.end; }));
  var pad = Math.max((hi - lo) * 0.06, 30 * 864e5);
  lo -= pad; hi += pad;
  var W = 560, left = 30, right = 10, rowH = 26, top = 8, H = top + items.length * rowH + 24;
  var x = function (t) { return left + (W - left - right) * (t - lo) / (hi - lo); };
  var svg = svgEl("svg", {viewBox: "0 0 " + W + " " + H, class: "timeline", role: "img",
    "aria-label": "Timeline of the records' dates"});
  var ticks = timeTicks(lo, hi);
  ticks.ticks.forEach(function (t) {
    svg.appendChild(svgEl("line", {x1: x(t), x2: x(t), y1: top - 4, y2: H - 18, class: "grid"}));
    svg.appendChild(svgEl("text", {x: x(t), y: H - 4, "text-anchor": "middle", class: "tick"}, [ticks.label(t)]));
  });
  if (periods.length === 2 && periods[0] && periods[1]) {
    var s = Math.max(periods[0].start, periods[1].start), e = Math.min(periods[0].end, periods[1].end);
    if (e > s) {
      svg.appendChild(svgEl("rect", {x: x(s), y: top - 4, width: x(e) - x(s), height: items.length * rowH + 2,
        class: "overlap"}, [svgEl("title", null, ["Both run " + isoMonth(s) + " to " + isoMonth(e)])]));
    }
  }
  periods.forEach(function (per, k) {
    var y = top + k * rowH;
    svg.appendChild(svgEl("text", {x: 4, y: y + 15, class: "row-label"}, ["ABCD"[k]]));
    if (!per) return;
    svg.appendChild(svgEl("rect", {x: x(per.start), y: y + 3, width: Math.max(2, x(per.end) - x(per.start)),
      height: rowH - 10, rx: 3, class: "period side-" + k + (per.assumed ? " assumed" : "")},
      [svgEl("title", null, [actorOf(items[k]) + ": " + isoMonth(per.start) + " to " + isoMonth(per.end)])]));
  });
  return svg;
}

function overlapText(periods) {
  if (!periods[0] || !periods[1]) return "Only one record has dates.";
  var s = Math.max(periods[0].start, periods[1].start), e = Math.min(periods[0].end, periods[1].end);
  var months = Math.round(Math.abs(e - s) / (30.44 * 864e5));
  if (e > s) return "Both run from " + isoMonth(s) + " to " + isoMonth(e) + " (" + plural(months, "month") + ").";
  return "They do not overlap: " + plural(months, "month") + " apart.";
}

/* Month starts every 1, 3 or 6 months for short spans, else years: 8 ticks at most. */
function timeTicks(lo, hi) {
  var months = (hi - lo) / (30.44 * 864e5), ticks = [], first = new Date(lo);
  var step = [1, 3, 6, 12, 24, 60, 120].filter(function (m) { return months / m <= 8; })[0] || 240;
  for (var i = Math.ceil((first.getUTCFullYear() * 12 + first.getUTCMonth() + 1) / step) * step; ; i += step) {
    var t = Date.UTC(Math.floor(i / 12), i % 12, 1);
    if (t > hi) break;
    ticks.push(t);
  }
  return {ticks: ticks, label: step < 12 ? isoMonth : function (t) { return String(new Date(t).getUTCFullYear()); }};
}

function isoMonth(t) { return new Date(t).toISOString().slice(0, 7); }

/* ------------------------------------------------------------ shared words and phrases */

function tokens(text) {
  var out = [], m;
  WORD_PATTERN.lastIndex = 0;
  while ((m = WORD_PATTERN.exec(text))) out.push({start: m.index, end: m.index + m[0].length, word: fold(m[0])});
  return out;
}

function gramKey(list, i) {
  return list.slice(i, i + PHRASE_WORDS).map(function (t) { return t.word; }).join(" ");
}

function isContentWord(word) { return CONTENT_WORD.test(word) && !STOP_WORDS.has(word); }

/* What each word of one record shares with the other, strongest first: a term the
   reasons name (3), a word inside a phrase of PHRASE_WORDS or more words both use (2),
   another content word both use (1), nothing (0). */
var MARK_CLASSES = ["", "word", "phrase", "term"];

function wordLevels(list, other, terms) {
  var level = new Uint8Array(list.length), i, j;
  for (i = 0; i + PHRASE_WORDS <= list.length; i++) {
    if (other.grams.has(gramKey(list, i))) for (j = i; j < i + PHRASE_WORDS; j++) level[j] = 2;
  }
  for (i = 0; i < list.length; i++) {
    var word = list[i].word;
    if (terms.has(word) && other.words.has(word)) level[i] = 3;
    else if (!level[i] && isContentWord(word) && other.words.has(word)) level[i] = 1;
  }
  return level;
}

/* Character ranges [start, end, class]: neighbouring words of one level join into one
   mark (a phrase reads as one), so the text between them is marked too. */
function markRanges(list, level) {
  var ranges = [];
  for (var i = 0; i < list.length; i++) {
    if (!level[i]) continue;
    var j = i;
    while (j + 1 < list.length && level[j + 1] === level[i] && level[i] > 1) j++;
    ranges.push([list[i].start, list[j].end, MARK_CLASSES[level[i]]]);
    i = j;
  }
  return ranges;
}

function recordWords(i) {
  var lists = [tokens(ACT.title[i]), tokens(ACT.description[i])], words = new Set(), grams = new Set();
  lists.forEach(function (list) {
    list.forEach(function (t) { words.add(t.word); });
    for (var k = 0; k + PHRASE_WORDS <= list.length; k++) grams.add(gramKey(list, k));
  });
  return {lists: lists, words: words, grams: grams};
}

/* For each side and text field, the ranges to mark, and how many marks of each level. */
function sharedMarks(a, b, terms) {
  var records = {}, marks = {counts: [0, 0, 0, 0]};
  records[a] = recordWords(a);
  records[b] = recordWords(b);
  [[a, b], [b, a]].forEach(function (pair) {
    var own = records[pair[0]], other = records[pair[1]];
    marks[pair[0]] = {};
    ["title", "description"].forEach(function (field, k) {
      var level = wordLevels(own.lists[k], other, terms);
      level.forEach(function (v) { marks.counts[v]++; });
      marks[pair[0]][field] = markRanges(own.lists[k], level);
    });
  });
  return marks;
}

function markLegend(marks) {
  var key = function (cls, text, n) {
    return n ? el("span", {cls: "legend-item"}, [el("mark", {cls: cls, text: text})]) : null;
  };
  var c = marks.counts;
  return el("p", {cls: "muted small mark-legend"}, ["Marked in both texts: ",
    key("term", "terms the reasons name", c[3]), " ", key("phrase", "phrases of " + PHRASE_WORDS + "+ words", c[2]),
    " ", key("word", "other words", c[1]), c[1] + c[2] + c[3] ? null : "no word in common."]);
}

/* The text as nodes, with the ranges wrapped in <mark class="term|phrase|word">. */
function highlighted(text, ranges) {
  var nodes = [], at = 0;
  (ranges || []).forEach(function (r) {
    if (r[0] > at) nodes.push(text.slice(at, r[0]));
    nodes.push(el("mark", {cls: r[2], text: text.slice(r[0], r[1])}));
    at = r[1];
  });
  if (at < text.length) nodes.push(text.slice(at));
  return nodes;
}

/* ------------------------------------------------------------ the records */

/* One column per record, one row per field; values both records hold are marked shared. */
function comparison(items, marks) {
  var listRow = function (label, field, names) {
    var sets = items.map(function (i) { return ACT[field][i]; });
    return [label, items.map(function (i, k) {
      var other = sets[1 - k];
      return listCell(ACT[field][i].map(function (code) {
        return {text: names(code), shared: items.length > 1 && other.indexOf(code) >= 0};
      }));
    })];
  };
  var vocabName = function (field) { return function (code) { return VOCAB[LIST_VOCAB[field]][code]; }; };
  var rows = [
    ["Actor", items.map(function (i) { return dataText("span", actorOf(i), "strong"); })],
    ["Title", items.map(function (i) { return el("span", {cls: "record-title", dir: "auto"}, highlighted(ACT.title[i], marks && marks[i].title)); })],
    ["Description", items.map(function (i) { return descriptionCell(i, marks); })],
    listRow("Countries", "countries", function (code) { return countryName(VOCAB.country[code]); }),
    listRow("Places", "locations", vocabName("locations")),
    listRow("Sectors", "sectors", vocabName("sectors")),
    ["Dates", items.map(function (i) { return el("span", {text: (ACT.start[i] || "?") + " to " + (ACT.end[i] || "?")}); })],
    ["Budget", items.map(function (i) { return ACT.budget[i] === null ? el("span", {cls: "muted", text: "not given"}) : el("span", {text: fmtBudget(ACT.budget[i], ACT.currency[i])}); })]
  ].concat(roleRows(items), [
    ["Id", items.map(idCell)],
    ["Source", items.map(function (i) { return dataText("span", VOCAB.file[ACT.file[i]] + ", row " + ACT.row[i]); })],
    ["Cluster", items.map(function (i) { return ACT.cluster[i] >= 0 ? clusterLink(ACT.cluster[i], CLUSTERS.label[ACT.cluster[i]] || CLUSTERS.id[ACT.cluster[i]]) : el("span", {cls: "muted", text: "none"}); })]
  ]);
  var head = items.length > 1 ? el("thead", null, [el("tr", null, [el("td")].concat(items.map(function (i, k) {
    return el("th", {attrs: {scope: "col"}, text: "ABCD"[k]});
  })))]) : null;
  var columns = el("colgroup", null, [el("col", {cls: "label-col"})].concat(items.map(function () { return el("col"); })));
  return el("div", {cls: "table-wrap"}, [el("table", {cls: "compare cols-" + items.length}, [columns, head,
    el("tbody", null, rows.map(function (r) {
      return el("tr", null, [el("th", {attrs: {scope: "row"}, text: r[0]})].concat(r[1].map(function (node) {
        return el("td", null, [node]);
      })));
    }))])]);
}

/* The organisations each record names, one row per role either record uses (funding,
   accountable, extending, implementing, other); names on both records are marked. */
function roleRows(items) {
  var byRole = items.map(function (i) {
    var roles = META.org_roles.map(function () { return []; }), orgs = ACT.orgs[i];
    for (var k = 0; k + 1 < orgs.length; k += 2) roles[orgs[k]].push(orgs[k + 1]);
    return roles;
  });
  var named = items.map(function (i) {
    var set = new Set();
    for (var k = 1; k < ACT.orgs[i].length; k += 2) set.add(ACT.orgs[i][k]);
    return set;
  });
  var rows = [];
  META.org_roles.forEach(function (role, r) {
    if (!byRole.some(function (roles) { return roles[r].length; })) return;
    rows.push([ROLE_LABELS[role] || role, byRole.map(function (roles, k) {
      return listCell(roles[r].map(function (code) {
        return {text: VOCAB.org[code], shared: items.length > 1 && named[1 - k].has(code)};
      }));
    })]);
  });
  if (!rows.length) rows.push(["Organisations", items.map(function () { return el("span", {cls: "muted", text: "none named"}); })]);
  return rows;
}

var ROLE_LABELS = {Funding: "Funders", Accountable: "Accountable", Extending: "Extending (passes the money on)",
                   Implementing: "Implementers", Other: "Other partners"};

/* The description, folded to a few lines when long, with a button that unfolds both
   sides (a reader compares them). A preview says where the rest is. */
function descriptionCell(i, marks) {
  var own = ACT.description[i].length > LONG_DESCRIPTION;
  var text = el("div", {cls: "description" + (own ? " foldable" : "") + (own && !detail.expanded ? " folded" : ""), dir: "auto"},
    highlighted(ACT.description[i], marks && marks[i].description));
  var words = (ACT.description[i].match(WORD_PATTERN) || []).length;
  var parts = [text];
  if (PARTIAL.has(i)) {
    parts.push(el("p", {cls: "muted small", text: "Only the start of this description is in the page: " +
      "no pair shown here uses it. activities.csv holds it in full."}));
  }
  if (own) {
    parts.push(el("button", {cls: "expand", text: detail.expanded ? "Show less" : "Show all " + fmtInt(words) + " words",
      attrs: {type: "button", "aria-expanded": String(detail.expanded), "data-words": fmtInt(words)},
      on: {click: toggleDescriptions}}));
  }
  return el("div", null, parts);
}

function toggleDescriptions() {
  detail.expanded = !detail.expanded;
  document.querySelectorAll(".compare .description.foldable").forEach(function (node) {
    node.classList.toggle("folded", !detail.expanded);
  });
  document.querySelectorAll(".compare button.expand").forEach(function (button) {
    button.setAttribute("aria-expanded", String(detail.expanded));
    button.textContent = detail.expanded ? "Show less" : "Show all " + button.dataset.words + " words";
  });
}

/* The id; an IATI identifier also links to its public record on d-portal.org. The link
   is only followed when the reader clicks it: the page itself fetches nothing. */
function idCell(i) {
  var id = ACT.id[i];
  if (!IATI_FILES.has(VOCAB.file[ACT.file[i]]) || !/^[^\s]+-[^\s]+$/.test(id)) return dataText("span", id, "mono");
  return el("span", null, [dataText("span", id, "mono"), " ",
    el("a", {cls: "external", text: "IATI record ↗", attrs: {href: "https://d-portal.org/ctrack.html#view=act&aid=" +
      encodeURIComponent(id), target: "_blank", rel: "noopener noreferrer external",
      title: "The activity's public IATI record on d-portal.org (opens in a new tab)"}})]);
}

/* Values as chips; one longer than LONG_VALUE characters (some publishers put a whole
   description in an organisation's name) is cut, in full on hover. */
var LONG_VALUE = 120;

function listCell(values) {
  if (!values.length) return el("span", {cls: "muted", text: "–"});
  return el("ul", {cls: "values"}, values.map(function (v) {
    var title = (v.shared ? "on both records" : "") + (v.text.length > LONG_VALUE ? (v.shared ? ": " : "") + v.text : "");
    return el("li", {cls: v.shared ? "shared" : null, dir: "auto", text: truncate(v.text, LONG_VALUE),
      attrs: title ? {title: title} : null});
  }));
}

/* ------------------------------------------------------------ one activity */

function renderActivity(i) {
  var body = clear(byId("activity-body"));
  var pairs = [];
  for (var p = 0; p < N_PAIRS; p++) if (PAIRS.a[p] === i || PAIRS.b[p] === i) pairs.push(p);
  body.appendChild(el("nav", {cls: "pair-nav"}, [el("a", {cls: "button", text: "← Back",
    attrs: {href: app.lastList}})]));
  body.appendChild(el("h2", {attrs: {id: "h-activity", tabindex: "-1"}}, [dataText("span", actorOf(i)), ": ", dataText("span", titleOf(i))]));
  body.appendChild(el("div", {cls: "panel"}, [el("h3", {text: plural(pairs.length, "pair") + " with this activity"}),
    pairs.length ? el("ul", {cls: "pair-list"}, pairs.map(pairListItem)) :
      el("p", {cls: "muted", text: "No reported pair on this page includes it."})]));
  body.appendChild(el("div", {cls: "panel"}, [el("h3", {text: "The record"}), comparison([i], null)]));
  byId("h-activity").focus({preventScroll: true});
}

/* "duplicate 0.97 UNICEF: title ↔ WFP: title", linking to the pair. */
function pairListItem(p) {
  var a = PAIRS.a[p], b = PAIRS.b[p];
  return el("li", null, [kindBadge(kindOf(p)), " ", el("b", {text: fmtScore(PAIRS.score[p])}), " ",
    pairLink(p, actorOf(a) + ": " + titleOf(a) + " ↔ " + actorOf(b) + ": " + titleOf(b)), " ",
    decisionOf(p) ? decisionBadge(decisionOf(p)) : null]);
}
