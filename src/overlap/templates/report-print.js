/* What paper gets: the run in one line and every pair decided genuine (duplicate, funding
   link, related, or confirmed earlier) with both records, rebuilt just before printing so
   it always matches the current decisions. */

function renderPrintView() {
  var node = clear(byId("print-view"));
  var confirmed = [];
  for (var p = 0; p < N_PAIRS; p++) if (GENUINE_DECISIONS.indexOf(decisionOf(p)) >= 0) confirmed.push(p);
  node.appendChild(el("h1", {text: "Pairs confirmed by review"}));
  node.appendChild(el("p", {text: fmtInt(META.activities) + " activities of " + fmtInt(META.actors) +
    " actors from " + plural(META.files.length, "file") + "; " + fmtInt(META.total_pairs) +
    " pairs reported; " + plural(confirmed.length, "pair") + " confirmed by review. overlap " +
    META.version + ", inputs " + META.fingerprint + "."}));
  if (!confirmed.length) {
    node.appendChild(el("p", {text: "No pair is confirmed yet: open pairs in the report and " +
      "mark them duplicate, funding link or related to list them here."}));
  }
  confirmed.forEach(function (p) { node.appendChild(printedPair(p)); });
}

function printedPair(p) {
  var item = decisionItem(p);
  var side = function (i, label) {
    return el("div", {cls: "print-side"}, [
      el("p", null, [el("b", {text: label + ". "}), dataText("b", actorOf(i)), " · ", dataText("span", ACT.id[i])]),
      dataText("p", titleOf(i), "print-title"),
      el("p", {cls: "muted", text: [countriesOf(i).join(", "), (ACT.start[i] || "?") + " to " + (ACT.end[i] || "?"),
        fmtBudget(ACT.budget[i], ACT.currency[i]), VOCAB.file[ACT.file[i]] + " row " + ACT.row[i]]
        .filter(Boolean).join(" · ")})
    ]);
  };
  return el("article", {cls: "print-pair"}, [
    el("h2", null, [kindBadge(kindOf(p)), " ", decisionBadge(item.decision),
      " score " + fmtScore(PAIRS.score[p]) + " · " + PAIRS.id[p]]),
    el("div", {cls: "print-sides"}, [side(PAIRS.a[p], "A"), side(PAIRS.b[p], "B")]),
    dataText("p", PAIRS.reasons[p], "small"),
    item.note ? el("p", null, [el("b", {text: "Note: "}), dataText("span", item.note)]) : null,
    item.reviewer ? el("p", {cls: "muted", text: "Reviewed by " + item.reviewer +
      (item.decided_at ? " on " + item.decided_at.slice(0, 10) : "")}) : null
  ]);
}

function setupPrint() {
  window.addEventListener("beforeprint", renderPrintView);
  byId("print-confirmed").addEventListener("click", function () { renderPrintView(); window.print(); });
}
