/* The overview: what was read, what was found, how it was scored, and how to read it. */

function renderOverview() {
  var body = clear(byId("overview-body"));
  body.appendChild(overviewCards());
  body.appendChild(el("div", {cls: "two-col"}, [howToRead(), runSettings()]));
  if (HAS_HISTORY) body.appendChild(changesPanel(META.changes));
  body.appendChild(el("div", {cls: "two-col"}, [scoreHistogram(), filesTable()]));
  if (META.problems.length) body.appendChild(problemsList());
}

/* A number and what it counts; ``shown``, when the list it opens holds fewer (the page
   keeps the top pairs only), says how many of them are in this page. */
function card(value, label, colour, hash, shown) {
  var node = el(hash ? "a" : "div", {cls: "card", attrs: hash ? {href: "#" + hash} : null}, [
    el("b", {text: typeof value === "number" ? fmtInt(value) : value}),
    el("span", {text: label}),
    shown !== undefined && shown < value ?
      el("span", {cls: "card-shown", text: fmtInt(shown) + " of " + fmtInt(value) + " in this page"}) : null
  ]);
  if (colour) node.style.borderTopColor = colour;
  return node;
}

function overviewCards() {
  var cards = [
    card(META.files.length, META.files.length === 1 ? "file read" : "files read"),
    card(META.actors, "actors"),
    card(META.activities, "activities"),
    card(META.total_pairs, "pairs reported", null, "pairs", N_PAIRS)
  ];
  var inPage = META.kinds.map(function () { return 0; });
  PAIRS.kind.forEach(function (k) { inPage[k]++; });
  META.kinds.forEach(function (kind, k) {
    cards.push(card(META.counts[kind] || 0, kind, kindColour(kind), "pairs/kind=" + encodeURIComponent(kind), inPage[k]));
  });
  cards.push(card(META.clusters, "clusters", null, "clusters"));
  cards.push(card(META.skipped_rows, "rows skipped"));
  cards.push(card(META.warnings, META.skipped_rows ? "other warnings" : "warnings"));
  return el("div", {cls: "cards"}, cards);
}

function howToRead() {
  var t = META.thresholds;
  return el("div", {cls: "panel"}, [
    el("h3", {text: "How to read this"}),
    el("p", {text: "Each pair links two activities of different actors that look like the " +
      "same effort or the same kind of work in the same place and time. Two probabilities, " +
      "learned from pairs people read, weigh how alike the texts are with what the two " +
      "records share (country, place, sector, dates, funders and implementers) and what " +
      "speaks against (an umbrella record, only generic words or a name in common): " +
      "P(genuine), that a reviewer finds the pair a duplicate or related work, and " +
      "P(duplicate), that it is one effort or the same money reported twice."}),
    el("ul", null, META.kinds.map(function (kind) {
      return el("li", null, [kindBadge(kind), " ", kindExplanation(kind, t),
        kind === "conflict" ? " " : null, kind === "conflict" ? viewLink("conflicts", "See them by axis and place.") : null]);
    })),
    el("p", {text: "A pair is a lead for a person to check, not a verdict. Open a pair to read " +
      "both records side by side with their shared phrases marked, then record a decision. " +
      "Decisions stay in this browser; export them as decisions.csv to share them or to " +
      "feed them to the next run."}),
    el("p", {cls: "muted", text: "Keys on a pair or a row of the pairs list: 1 duplicate, 2 funding link, " +
      "3 related, 4 not related, 5 unsure (each then opens the next unreviewed pair), U undo, " +
      "N next unreviewed pair, J next pair, K previous pair, Esc back to the list. " +
      "\u201cMost informative first\u201d puts first the pairs the scorer is least sure about: " +
      "your decisions on them teach it most on the next run."})
  ]);
}

function kindExplanation(kind, t) {
  if (kind === "duplicate") return "P(duplicate) at least " + t.duplicate + ": likely one effort reported twice.";
  if (kind === "overlap") return "P(genuine) at least " + t.report + ", P(duplicate) below " + t.duplicate + ": related work, the same theme, place or time; worth coordinating.";
  if (kind === "conflict") return "opposite strategies (e.g. return vs local integration) for the same people, place and time; the score is how sure both sides' poles are.";
  return "pairs the run labelled " + kind + ".";
}

/* run.json's decision counts, in the words of the buttons. */
var READ_DECISION_LABELS = {confirmed: "genuine", dismissed: "not related"};

function runSettings() {
  var languages = Object.keys(META.languages).map(function (lang) {
    return lang + " (" + fmtInt(META.languages[lang]) + ")";
  }).join(", ");
  var rows = [
    ["Text model", META.embedder],
    ["Pair scorer", META.scorers[0].name],
    ["Candidates", fmtInt(META.candidates) + " (" + META.neighbours + " nearest per activity)"],
    ["Reported from", "P(genuine) " + META.thresholds.report],
    ["Duplicate from", "P(duplicate) " + META.thresholds.duplicate],
    ["Languages", languages || "not stated"],
    ["Pairs on this page", fmtInt(META.shown_pairs) + " of " + fmtInt(META.total_pairs)]
  ];
  Object.keys(META.links || {}).forEach(function (name) {
    if (META.links[name]) rows.push([name.replace(/_/g, " "), fmtInt(META.links[name])]);
  });
  var reused = META.reused || {};
  if (reused.activities_carried) {
    rows.push(["Compared afresh", fmtInt(reused.activities_compared) + " new or changed of " +
      fmtInt(reused.activities_compared + reused.activities_carried) +
      " activities; the rest reused from the last run"]);
  }
  if (META.decisions && META.decisions.read) {
    rows.push(["Decisions read", Object.keys(META.decisions).filter(function (k) { return k !== "read"; })
      .map(function (k) { return fmtInt(META.decisions[k]) + " " + (own(READ_DECISION_LABELS, k) || k); })
      .join(", ") + " (pairs decided not related are left out)"]);
  }
  var dl = el("dl", {cls: "facts"});
  rows.forEach(function (r) {
    dl.appendChild(el("dt", {text: r[0]}));
    dl.appendChild(dataText("dd", r[1]));
  });
  var parts = [el("h3", {text: "This run"}), dl];
  if (META.shown_pairs < META.total_pairs) {
    parts.push(el("p", {cls: "notice", text: "Only the top " + fmtInt(META.shown_pairs) +
      " pairs by score are on this page (report.max_pairs_in_html); pairs.csv holds all " +
      fmtInt(META.total_pairs) + "."}));
  }
  return el("div", {cls: "panel"}, parts);
}

/* Every reported pair per score band (counted by the run, not only those in this page),
   stacked by kind: shows where the thresholds cut. */
function scoreHistogram() {
  var bins = 0, counts = [], max = 1;
  META.kinds.forEach(function (kind) { bins = Math.max(bins, (META.histogram[kind] || []).length); });
  for (var b = 0; b < bins; b++) {
    counts.push({});
    META.kinds.forEach(function (kind) { counts[b][kind] = (META.histogram[kind] || [])[b] || 0; });
  }
  counts.forEach(function (c) {
    var total = 0;
    for (var k in c) total += c[k];
    max = Math.max(max, total);
  });
  var width = 600, height = 140, pad = 24, bw = (width - 2 * pad) / bins;
  var chart = svgEl("svg", {viewBox: "0 0 " + width + " " + (height + 30), class: "histogram",
    role: "img", "aria-label": "Number of pairs per P(genuine) band, by kind"});
  counts.forEach(function (c, i) {
    var y = height;
    META.kinds.forEach(function (kind) {
      if (!c[kind]) return;
      var h = (height - 10) * c[kind] / max;
      y -= h;
      chart.appendChild(svgEl("rect", {x: pad + i * bw + 1, y: y, width: bw - 2, height: h,
        fill: kindColour(kind)}, [svgEl("title", null, [fmtInt(c[kind]) + " " + kind + ", score " +
        (i / bins).toFixed(2) + "–" + ((i + 1) / bins).toFixed(2)])]));
    });
  });
  chart.appendChild(svgEl("line", {x1: pad, x2: width - pad, y1: height, y2: height, class: "axis"}));
  [0, 0.25, 0.5, 0.75, 1].forEach(function (v) {
    chart.appendChild(svgEl("text", {x: pad + v * (width - 2 * pad), y: height + 16,
      "text-anchor": "middle", class: "tick"}, [v.toFixed(2)]));
  });
  var x = pad + META.thresholds.report * (width - 2 * pad);
  chart.appendChild(svgEl("line", {x1: x, x2: x, y1: 0, y2: height, class: "threshold"}));
  return el("div", {cls: "panel"}, [el("h3", {text: "P(genuine) of all " + fmtInt(META.total_pairs) + " reported pairs"}), chart,
    el("p", {cls: "muted", text: "Dashed line: the reporting threshold. Conflicts show their confidence." +
      (META.shown_pairs < META.total_pairs ? " This page holds the top " + fmtInt(META.shown_pairs) +
        "; pairs.csv all of them." : "")})]);
}

/* What this run found that the last one did not, and what went away and why. */
function changesPanel(changes) {
  var pairs = changes.pairs || {}, clusters = changes.clusters || {};
  var cards = [
    card(changes.new_alerts || 0, "new alerts (duplicates, funding chains)"),
    card(pairs.new || 0, "new pairs", null, "pairs/status=new"),
    card(pairs.changed || 0, "changed pairs", null, "pairs/status=changed"),
    card(pairs.unchanged || 0, "unchanged pairs"),
    card(pairs.resolved || 0, "pairs gone"),
    card(clusters.new || 0, "new clusters")
  ];
  var why = Object.keys(changes.resolved_why || {}).map(function (reason) {
    return el("li", null, [dataText("span", reason), ": " + fmtInt(changes.resolved_why[reason])]);
  });
  return el("div", {cls: "panel"}, [
    el("h3", {text: "Since the last run (" + String(changes.previous_run).slice(0, 16).replace("T", " ") + ")"}),
    el("div", {cls: "cards"}, cards),
    why.length ? el("p", {cls: "muted", text: "Why pairs went away (changes.csv lists them):"}) : null,
    why.length ? el("ul", null, why) : null
  ]);
}

function filesTable() {
  var rows = META.files.map(function (f) {
    return el("tr", null, [dataText("td", f.name), el("td", {text: f.format}),
      el("td", {cls: "num", text: fmtInt(f.rows)}),
      el("td", {cls: "mono", text: (f.sha256 || "").slice(0, 12), attrs: {title: f.sha256}})]);
  });
  return el("div", {cls: "panel"}, [
    el("h3", {text: "Files read"}),
    el("div", {cls: "table-wrap"}, [el("table", {cls: "plain"}, [
      el("thead", null, [el("tr", null, ["File", "Format", "Rows", "SHA-256"].map(function (h, i) {
        return el("th", {text: h, cls: i === 2 ? "num" : null, attrs: {scope: "col"}});
      }))]),
      el("tbody", null, rows)
    ])])
  ]);
}

function problemsList() {
  var shown = META.problems.length, total = META.warnings + META.skipped_rows;
  var rows = META.problems.map(function (w) {
    return el("tr", null, [dataText("td", (w.file || "").split(/[\\/]/).pop()),
      el("td", {cls: "num", text: w.row === null ? "" : w.row}), dataText("td", w.column || ""),
      dataText("td", w.message)]);
  });
  return el("details", {cls: "panel"}, [
    el("summary", {text: "Warnings and skipped rows (" + fmtInt(total) + ")" +
      (shown < total ? ": the first " + shown + " here, all in run.json" : "")}),
    el("div", {cls: "table-wrap"}, [el("table", {cls: "plain"}, [
      el("thead", null, [el("tr", null, ["File", "Row", "Column", "Problem"].map(function (h) {
        return el("th", {text: h, attrs: {scope: "col"}});
      }))]),
      el("tbody", null, rows)
    ])])
  ]);
}
