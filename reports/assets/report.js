/* Renders the screening report from the JSON embedded in #report-data.
 * All data text goes through textContent / createTextNode, never through HTML parsing. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var T = D.t, COLS = D.cols, FAM = D.families, FEAT = D.feature_names;
  var PAGE = 50;
  var SEVS = ["error", "warning", "info"];
  var OUTCOMES = ["pass", "fail", "not_applicable", "insufficient_data", "error"];
  var OUTCOME_COLORS = { pass: "#2e7d32", fail: "#c62828", not_applicable: "#9aa5b1", insufficient_data: "#e0a100", error: "#6a1b9a" };

  // ---- small helpers -------------------------------------------------------
  function t(key, vals) {
    var s = T[key] === undefined ? key : T[key];
    if (vals) Object.keys(vals).forEach(function (k) { s = s.split("{" + k + "}").join(String(vals[k])); });
    return s;
  }
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "cls") node.className = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) add(node, arguments[i]);
    return node;
  }
  function add(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { add(node, c); }); return; }
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  var SVGNS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  var LOCALE = D.lang === "en" ? "en-US" : "zh-CN";
  function fmt(v, digits) {
    if (v === null || v === undefined) return t("none");
    if (typeof v !== "number") return String(v);
    var a = Math.abs(v);
    var opts = a >= 1000 ? { maximumFractionDigits: 2 } : { maximumSignificantDigits: digits || 4 };
    return v.toLocaleString(LOCALE, opts);
  }
  function unitHref(id) { return "#unit=" + encodeURIComponent(id); }
  function badge(kind, label) { return el("span", { cls: "badge " + kind, text: label }); }
  function unitLabel(u) {
    // A failed file has no unit name: show its file name, which the analyst can find.
    if (u[UC.unit_name]) return u[UC.unit_name];
    var p = u[UC.source_path] || "";
    return p ? p.split(/[\\/]/).pop() : u[UC.unit_id];
  }
  function famLabel(f) { return FAM[f] ? f + " " + FAM[f] : f; }

  // ---- data indexes --------------------------------------------------------
  var UC = {}; D.units.cols.forEach(function (c, i) { UC[c] = i; });
  var FC = {}; D.findings.cols.forEach(function (c, i) { FC[c] = i; });
  var units = D.units.rows;
  var byId = {};
  units.forEach(function (u, i) { byId[u[UC.unit_id]] = i; });
  var unitFindings = units.map(function () { return []; });
  var famSets = units.map(function () { return {}; });
  var sevSets = units.map(function () { return {}; });
  var cropOf = new Map();  // finding row -> picture of its evidence (top leads only)
  D.findings.rows.forEach(function (f, k) {
    var ui = f[FC.uidx];
    if (D.crops[k]) cropOf.set(f, D.crops[k]);
    unitFindings[ui].push(f);
    famSets[ui][f[FC.family]] = 1;
    sevSets[ui][f[FC.severity]] = 1;
  });
  var unitFeatures = units.map(function () { return []; });
  D.features.rows.forEach(function (r) { unitFeatures[r[0]].push(r); });

  // ---- list state ----------------------------------------------------------
  var state = { sort: "rank", dir: 1, family: "", severity: "", peer: "", q: "", page: 0, scroll: 0 };
  var SORTABLE = [
    ["rank", "num"], ["unit_name", ""], ["score", "num"], ["outlier_score", "num"],
    ["errors", "num"], ["warnings", "num"], ["peer_group", ""], ["parse_status", ""], ["reasons", ""]
  ];

  function filtered() {
    var q = state.q.trim().toLowerCase();
    var out = [];
    for (var i = 0; i < units.length; i++) {
      var u = units[i];
      if (state.family && !famSets[i][state.family]) continue;
      if (state.severity && !sevSets[i][state.severity]) continue;
      if (state.peer && u[UC.peer_group] !== state.peer) continue;
      if (q) {
        var hay = ((u[UC.unit_name] || "") + " " + u[UC.unit_id] + " " + (u[UC.source_path] || "")).toLowerCase();
        if (hay.indexOf(q) < 0) continue;
      }
      out.push(i);
    }
    var c = UC[state.sort], dir = state.dir;
    out.sort(function (a, b) {
      var x = units[a][c], y = units[b][c];
      if (x === y) return units[a][UC.order] - units[b][UC.order];
      if (x === null || x === undefined) return 1;   // nulls last in both directions
      if (y === null || y === undefined) return -1;
      if (typeof x === "number") return (x - y) * dir;
      return String(x).localeCompare(String(y), LOCALE) * dir;
    });
    return out;
  }

  // ---- overview ------------------------------------------------------------
  function stackBar(counts, keys, colors, labels) {
    var total = keys.reduce(function (s, k) { return s + (counts[k] || 0); }, 0) || 1;
    return [
      el("div", { cls: "stack" }, keys.map(function (k) {
        return el("span", { style: "width:" + (100 * (counts[k] || 0) / total) + "%;background:" + colors[k], title: labels[k] + " " + (counts[k] || 0) });
      })),
      el("div", { cls: "legend" }, keys.map(function (k) {
        return el("span", null, el("i", { style: "background:" + colors[k] }), labels[k] + " " + fmt(counts[k] || 0));
      }))
    ];
  }

  function renderOverview() {
    var o = D.overview;
    var statusColors = { ok: "#2e7d32", partial: "#e0a100", failed: "#c62828" };
    var sevColors = { error: "#c62828", warning: "#b26a00", info: "#2e6db4" };
    var outcomeLabels = {};
    OUTCOMES.forEach(function (k) { outcomeLabels[k] = t(k === "error" ? "error_outcome" : k); });
    var covTotal = OUTCOMES.reduce(function (s, k) { return s + (o.coverage[k] || 0); }, 0);
    var sec = el("section", { id: "overview" },
      el("h2", { text: t("overview") }),
      el("div", { cls: "cards" },
        el("div", { cls: "card" }, el("div", { cls: "label", text: t("units_screened") }), el("div", { cls: "big", text: fmt(o.units) }),
          stackBar(o.status, ["ok", "partial", "failed"], statusColors, { ok: t("ok"), partial: t("partial"), failed: t("failed") })),
        el("div", { cls: "card" }, el("div", { cls: "label", text: t("findings_total") }), el("div", { cls: "big", text: fmt(o.findings) }),
          stackBar(o.severity, SEVS, sevColors, { error: t("error"), warning: t("warning"), info: t("info") })),
        el("div", { cls: "card" }, el("div", { cls: "label", text: t("coverage") }), el("div", { cls: "big", text: fmt(covTotal) }),
          el("div", { cls: "label", text: t("coverage_note", { total: fmt(covTotal) }) }),
          stackBar(o.coverage, OUTCOMES, OUTCOME_COLORS, outcomeLabels))
      )
    );
    var max = Math.max.apply(null, o.families.map(function (f) { return f[1]; }).concat([1]));
    var famBars = el("div", { cls: "bars" });
    o.families.forEach(function (f) {
      add(famBars, [
        el("a", { href: "#", text: famLabel(f[0]), onclick: function (e) { e.preventDefault(); setFilter("family", f[0]); } }),
        el("div", null, el("div", { cls: "bar", style: "width:" + (100 * f[1] / max) + "%" })),
        el("div", { cls: "n", text: fmt(f[1]) })
      ]);
    });
    var sevBars = el("div", { cls: "bars" });
    var smax = Math.max(1, o.severity.error || 0, o.severity.warning || 0, o.severity.info || 0);
    SEVS.forEach(function (s) {
      add(sevBars, [
        el("a", { href: "#", text: t(s), onclick: function (e) { e.preventDefault(); setFilter("severity", s); } }),
        el("div", null, el("div", { cls: "bar", style: "width:" + (100 * (o.severity[s] || 0) / smax) + "%;background:" + sevColors[s] })),
        el("div", { cls: "n", text: fmt(o.severity[s] || 0) })
      ]);
    });
    add(sec, el("div", { cls: "grid2" },
      el("div", null, el("h3", { text: t("by_family") }), famBars),
      el("div", null, el("h3", { text: t("by_severity") }), sevBars)));
    return sec;
  }

  function renderFailed() {
    var bad = [];
    units.forEach(function (u, i) { if (u[UC.parse_status] === "failed") bad.push(i); });
    units.forEach(function (u, i) { if (u[UC.parse_status] !== "ok" && u[UC.parse_status] !== "failed") bad.push(i); });
    if (!bad.length) return null;
    var sec = el("section", { id: "failed" }, el("h2", { text: t("failed_units") + " (" + bad.length + ")" }),
      el("p", { cls: "note", text: t("failed_units_note") }));
    var tbody = el("tbody");
    var table = el("table", null, el("thead", null, el("tr", null,
      el("th", { text: COLS.unit_name }), el("th", { text: COLS.source_path }), el("th", { text: COLS.parse_status }),
      el("th", { text: COLS.parse_error }))), tbody);
    function fill(n) {
      tbody.textContent = "";
      bad.slice(0, n).forEach(function (i) {
        var u = units[i], st = u[UC.parse_status];
        add(tbody, el("tr", { cls: "lead", onclick: function () { location.hash = unitHref(u[UC.unit_id]); } },
          el("td", null, el("a", { href: unitHref(u[UC.unit_id]), text: unitLabel(u) })),
          el("td", { cls: "mono", text: u[UC.source_path] || "" }),
          el("td", null, badge("st-" + st, t(st))),
          el("td", { text: u[UC.parse_error] || t("none") })));
      });
    }
    fill(20);
    add(sec, table);
    if (bad.length > 20) {
      var more = el("button", { text: t("show_all", { n: bad.length }), onclick: function () { fill(bad.length); more.remove(); } });
      add(sec, el("div", { cls: "pager" }, more));
    }
    return sec;
  }

  // ---- ranked list ---------------------------------------------------------
  var listBody, pagerInfo, prevBtn, nextBtn, headCells = {}, controls = {};

  function setFilter(key, value) {
    state[key] = value; state.page = 0;
    if (controls[key]) controls[key].value = value;
    refreshList();
    document.getElementById("ranking").scrollIntoView();
  }

  function renderRanking() {
    var peers = {};
    units.forEach(function (u) { if (u[UC.peer_group]) peers[u[UC.peer_group]] = 1; });
    function select(key, allLabel, options) {
      var s = el("select", { "aria-label": allLabel, onchange: function () { state[key] = s.value; state.page = 0; refreshList(); } },
        el("option", { value: "", text: allLabel }),
        options.map(function (o) { return el("option", { value: o[0], text: o[1] }); }));
      s.value = state[key];
      controls[key] = s;
      return s;
    }
    var search = el("input", { type: "search", placeholder: t("search"), "aria-label": t("search"),
      oninput: function () { state.q = search.value; state.page = 0; refreshList(); } });
    search.value = state.q;
    var famOptions = D.overview.families.map(function (f) { return [f[0], famLabel(f[0])]; });
    var head = el("tr");
    SORTABLE.forEach(function (s) {
      var th = el("th", { cls: "sortable " + s[1], text: COLS[s[0]] || s[0], tabindex: "0",
        onclick: function () { sortBy(s[0]); }, onkeydown: function (e) { if (e.key === "Enter") sortBy(s[0]); } });
      headCells[s[0]] = th;
      add(head, th);
    });
    listBody = el("tbody");
    pagerInfo = el("span");
    prevBtn = el("button", { text: t("prev"), onclick: function () { state.page--; refreshList(true); } });
    nextBtn = el("button", { text: t("next"), onclick: function () { state.page++; refreshList(true); } });
    var sec = el("section", { id: "ranking" },
      el("h2", { text: t("ranking") }),
      el("p", { cls: "note", text: t("ranking_note") }),
      el("div", { cls: "controls" },
        select("family", t("all_families"), famOptions),
        select("severity", t("all_severities"), SEVS.map(function (s) { return [s, t(s)]; })),
        select("peer", t("all_peer_groups"), Object.keys(peers).sort().map(function (p) { return [p, p]; })),
        search),
      el("table", null, el("thead", null, head), listBody),
      el("div", { cls: "pager" }, prevBtn, nextBtn, pagerInfo));
    refreshList();
    return sec;
  }

  function sortBy(key) {
    if (state.sort === key) state.dir = -state.dir;
    else { state.sort = key; state.dir = (key === "rank" || key === "unit_name" || key === "peer_group" || key === "parse_status" || key === "reasons") ? 1 : -1; }
    state.page = 0;
    refreshList();
  }

  function refreshList(scrollToTop) {
    var rows = filtered();
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    state.page = Math.min(Math.max(0, state.page), pages - 1);
    var start = state.page * PAGE, slice = rows.slice(start, start + PAGE);
    listBody.textContent = "";
    slice.forEach(function (i) {
      var u = units[i], id = u[UC.unit_id], st = u[UC.parse_status];
      var errs = u[UC.errors], warns = u[UC.warnings];
      add(listBody, el("tr", { cls: "lead", onclick: function (e) { if (e.target.tagName !== "A") location.hash = unitHref(id); } },
        el("td", { cls: "num", text: u[UC.rank] === null ? t("none") : u[UC.rank] }),
        el("td", null, el("a", { href: unitHref(id), text: unitLabel(u), title: u[UC.source_path] || id })),
        el("td", { cls: "num", text: fmt(u[UC.score], 3) }),
        el("td", { cls: "num", text: fmt(u[UC.outlier_score], 3) }),
        el("td", { cls: "num" + (errs ? " count-err" : ""), text: fmt(errs) }),
        el("td", { cls: "num" + (warns ? " count-warn" : ""), text: fmt(warns) }),
        el("td", { cls: "nowrap", text: u[UC.peer_group] || t("none") }),
        el("td", null, badge("st-" + st, t(st))),
        el("td", { cls: "reasons", text: u[UC.reasons] || "" })));
    });
    if (!slice.length) add(listBody, el("tr", null, el("td", { colspan: String(SORTABLE.length), cls: "empty", text: t("no_rows") })));
    pagerInfo.textContent = rows.length ? t("showing", { from: start + 1, to: start + slice.length, n: rows.length }) : "";
    prevBtn.disabled = state.page <= 0;
    nextBtn.disabled = state.page >= pages - 1;
    Object.keys(headCells).forEach(function (k) {
      if (k === state.sort) headCells[k].setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      else headCells[k].removeAttribute("aria-sort");
    });
    if (scrollToTop) document.getElementById("ranking").scrollIntoView();
  }

  // ---- one unit ------------------------------------------------------------
  function quantile(sorted, p) {
    if (!sorted.length) return null;
    var pos = (sorted.length - 1) * p, lo = Math.floor(pos), hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  function featureChart(r) {
    // r = [uidx, feature index, value, peer median, peer mad, robust z, dist index]
    var value = r[2], median = r[3], dist = r[6] === null ? null : D.dists[r[6]];
    var pts = dist ? dist[1] : [];
    var all = pts.concat([value, median]).filter(function (v) { return v !== null && isFinite(v); });
    var W = 360, H = 64, L = 10, R = 350, Y = 28;
    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all);
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    var pad = (hi - lo) * 0.04; lo -= pad; hi += pad;
    function x(v) { return L + (R - L) * (v - lo) / (hi - lo); }
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img" });
    s.appendChild(svg("title", {}, FEAT[r[1]] + ": " + t("this_unit") + " " + fmt(value) + ", " + t("peer_median") + " " + fmt(median)));
    s.appendChild(svg("line", { x1: L, x2: R, y1: Y, y2: Y, stroke: "#c5ced9" }));
    if (pts.length) {
      var q1 = quantile(pts, 0.25), q3 = quantile(pts, 0.75);
      s.appendChild(svg("rect", { x: x(q1), y: Y - 9, width: Math.max(1, x(q3) - x(q1)), height: 18, fill: "#dbe6f5", stroke: "#9db5d8" }));
      pts.forEach(function (v, i) {
        s.appendChild(svg("circle", { cx: x(v), cy: Y + ((i % 5) - 2) * 2.5, r: 2.2, fill: "#6b7f99", "fill-opacity": "0.55" }));
      });
    }
    if (median !== null) s.appendChild(svg("line", { x1: x(median), x2: x(median), y1: Y - 12, y2: Y + 12, stroke: "#1f5fbf", "stroke-width": 2 }));
    if (value !== null) {
      var vx = x(value);
      s.appendChild(svg("line", { x1: vx, x2: vx, y1: Y - 14, y2: Y + 14, stroke: "#c62828", "stroke-width": 2.5 }));
      s.appendChild(svg("path", { d: "M" + (vx - 5) + " " + (Y - 20) + " L" + (vx + 5) + " " + (Y - 20) + " L" + vx + " " + (Y - 13) + " Z", fill: "#c62828" }));
    }
    // Axis ends: the smallest and largest value drawn (peers and this unit).
    s.appendChild(svg("text", { x: L, y: H - 4, "font-size": 10, fill: "#5f6b7a" }, fmt(lo + pad, 3)));
    s.appendChild(svg("text", { x: R, y: H - 4, "font-size": 10, fill: "#5f6b7a", "text-anchor": "end" }, fmt(hi - pad, 3)));
    var z = r[5];
    return el("div", { cls: "feature" },
      el("div", { cls: "fname", text: FEAT[r[1]] }),
      el("div", { cls: "fmeta" },
        el("span", { style: "color:#c62828", text: "▼ " + t("this_unit") + " " + fmt(value) }), "   ",
        el("span", { style: "color:#1f5fbf", text: "| " + t("peer_median") + " " + fmt(median) }), "   ",
        "z = " + (z === null ? t("none") : fmt(z, 3)), dist ? "   · " + t("peers", { n: dist[0] }) : ""),
      s);
  }

  // The source file at a page. The href is built and escaped by the writer; only a
  // relative path or a file: URL is accepted, never another scheme.
  function pageHref(u, page) {
    var href = u[UC.source_href];
    if (page === null || !href || !/^(\.\/|file:\/\/\/)/.test(href)) return null;
    return href + "#page=" + encodeURIComponent(page);
  }

  // A workbook finding's place, "sheet!row": the sheet and row an analyst opens.
  function placeText(place) {
    if (!place) return null;
    var i = place.lastIndexOf("!"), sheet = place.slice(0, i), row = place.slice(i + 1);
    return row ? t("place", { sheet: sheet, row: row }) : t("place_sheet", { sheet: sheet });
  }

  function renderFinding(f) {
    var sev = f[FC.severity], line = f[FC.line], page = f[FC.page];
    var own = units[f[FC.uidx]][UC.source_path] || "", file = f[FC.file];
    var other = file && own.slice(-file.length) !== file ? file + " · " : null;  // the 报表 of a 说明 + 报表
    var href = pageHref(units[f[FC.uidx]], page), crop = cropOf.get(f);
    var where = null;
    if (page !== null) {
      where = href ? el("a", { href: href, target: "_blank", rel: "noopener", title: t("open_page", { page: page }), text: t("page", { page: page }) })
        : t("page", { page: page });
    }
    var compare = null;
    if (f[FC.stated] !== null || f[FC.expected] !== null) {
      compare = el("div", { cls: "compare" },
        el("span", { cls: "k", text: t("stated") }), el("span", { cls: "stated", text: f[FC.stated] === null ? t("none") : f[FC.stated] }),
        el("span", { cls: "arrow", text: "→" }),
        el("span", { cls: "k", text: t("expected") }), el("span", { cls: "expected", text: f[FC.expected] === null ? t("none") : f[FC.expected] }));
    }
    var triage = f[FC.triage], decided = null;
    if (triage) {
      decided = el("div", { cls: "decided", text: t("decided", { by: f[FC.triage_by] || "", at: f[FC.triage_at] || "", decision: t(triage) })
        + (f[FC.triage_note] ? "：" + f[FC.triage_note] : "") });
    }
    return el("div", { cls: "finding " + sev + (triage ? " " + triage : "") },
      el("div", { cls: "head" }, badge("sev-" + sev, t(sev)), el("span", { cls: "rule", text: f[FC.rule] }),
        f[FC.is_new] === true ? badge("new", t("new")) : null,
        triage ? badge("tr-" + triage, t(triage)) : null,
        el("span", { cls: "fam", text: famLabel(f[FC.family]) + (f[FC.title] ? " · " + f[FC.title] : "") }),
        el("span", { cls: "msg", text: f[FC.message] || "" }),
        el("span", { cls: "lineno" }, other, where, where ? " · " : null, placeText(f[FC.place]) || (line === null ? t("line_unknown") : t("line", { line: line })),
          f[FC.finding_id] ? "  · " + t("finding_id") + " " + f[FC.finding_id] : null)),
      f[FC.evidence] ? el("blockquote", { text: f[FC.evidence] }) : null,
      crop ? el(href ? "a" : "span", href ? { href: href, target: "_blank", rel: "noopener", cls: "crop" } : { cls: "crop" },
        el("img", { src: crop, alt: t("crop_alt", { page: page }), loading: "lazy" })) : null,
      compare, decided);
  }

  function renderUnit(id) {
    var i = byId[id];
    var root = el("div");
    add(root, el("div", { cls: "unitnav" }, el("a", { href: "#", text: t("back") })));
    if (i === undefined) { add(root, el("section", null, el("p", { text: t("unit_not_found", { id: id }) }))); return root; }
    var u = units[i], st = u[UC.parse_status];
    var prev = i > 0 ? units[i - 1][UC.unit_id] : null, next = i < units.length - 1 ? units[i + 1][UC.unit_id] : null;
    root.firstChild.appendChild(el("span", { cls: "spacer" }));
    if (prev !== null) root.firstChild.appendChild(el("a", { href: unitHref(prev), text: t("prev_unit") }));
    if (next !== null) root.firstChild.appendChild(el("a", { href: unitHref(next), text: t("next_unit") }));

    var cov = { pass: u[UC.cov_pass], fail: u[UC.cov_fail], na: u[UC.cov_not_applicable], insufficient: u[UC.cov_insufficient_data], error: u[UC.cov_error] };
    var covTotal = cov.pass + cov.fail + cov.na + cov.insufficient + cov.error;
    var head = el("section", { cls: "unithead", id: "unit-" + i },
      el("h2", null, u[UC.rank] === null ? "" : "#" + u[UC.rank] + "  ", unitLabel(u), "  ", badge("st-" + st, t(st))),
      el("div", { cls: "kv" },
        el("span", null, t("source") + t("colon"), el("span", { cls: "mono", text: u[UC.source_path] || t("none") })),
        el("span", null, COLS.unit_id + t("colon"), el("span", { cls: "mono", text: id })),
        el("span", { text: t("year") + t("colon") + (u[UC.year] === null ? t("none") : u[UC.year]) }),
        el("span", { text: t("peer_group") + t("colon") + (u[UC.peer_group] || t("none")) }),
        el("span", { text: COLS.score + t("colon") + fmt(u[UC.score], 3) }),
        el("span", { text: COLS.outlier_score + t("colon") + fmt(u[UC.outlier_score], 3) })),
      u[UC.parse_error] ? el("div", { cls: "error-box", text: t("parse_error") + t("colon") + u[UC.parse_error] }) : null,
      u[UC.reasons] ? el("p", { cls: "note", style: "margin-top:8px", text: COLS.reasons + t("colon") + u[UC.reasons] }) : null,
      covTotal ? el("p", { text: t("checked", { checked: covTotal - cov.na - cov.insufficient - cov.error, total: covTotal, fail: cov.fail, na: cov.na, insufficient: cov.insufficient }) }) : null,
      el("div", { cls: "jumps" },
        el("button", { text: t("unit_findings") + " (" + unitFindings[i].length + ")", onclick: function () { document.getElementById("unit-findings").scrollIntoView(); } }),
        el("button", { text: t("top_features"), onclick: function () { document.getElementById("unit-features").scrollIntoView(); } })),
      el("h3", { text: t("figures") }),
      el("div", { cls: "kv" }, D.figure_cols.map(function (c) {
        return el("span", null, (COLS[c] || c) + t("colon"), el("b", { text: fmt(u[UC[c]]) }));
      })));
    add(root, head);

    var fs = unitFindings[i];
    add(root, el("section", { id: "unit-findings" }, el("h2", { text: t("unit_findings") + " (" + fs.length + ")" }),
      fs.length ? fs.map(renderFinding) : el("p", { cls: st === "failed" ? "error-box" : "empty", text: t(st === "failed" ? "not_checked" : "no_findings") })));
    var feats = unitFeatures[i];
    add(root, el("section", { id: "unit-features" }, el("h2", { text: t("top_features") }),
      feats.length ? el("div", { cls: "features" }, feats.map(featureChart)) : el("p", { cls: "empty", text: t("no_features") })));
    return root;
  }

  // ---- routing -------------------------------------------------------------
  var app = document.getElementById("app");
  var listView = null;
  function route() {
    var m = /^#unit=(.*)$/.exec(location.hash);
    if (m) {
      if (listView && listView.parentNode) state.scroll = window.scrollY;
      var id; try { id = decodeURIComponent(m[1]); } catch (e) { id = m[1]; }
      app.textContent = "";
      app.appendChild(renderUnit(id));
      window.scrollTo(0, 0);
      return;
    }
    if (!listView) listView = el("div", null, renderOverview(), renderRanking(), renderFailed());
    if (!listView.parentNode) {
      app.textContent = "";
      app.appendChild(listView);
      window.scrollTo(0, state.scroll);
    }
    if (location.hash === "#ranking" || location.hash === "#overview" || location.hash === "#failed") {
      var target = document.getElementById(location.hash.slice(1));
      if (target) target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", route);
  route();
})();
