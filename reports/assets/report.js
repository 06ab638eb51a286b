/* Renders the screening report from the JSON embedded in #report-data.
 * All data text goes through textContent / createTextNode, never through HTML parsing.
 * The list's filters live in the address (#fam=PCT&sev=error&…), so a reload or a
 * shared link opens the same list; #unit=ID (with the filters) opens one unit. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var T = D.t, COLS = D.cols, FAM = D.families, FEAT = D.feature_names, FKIND = D.feature_kinds || [];
  var PAGE = 50, MIN_CHART_PEERS = 5, TOP_LEADS = 5;
  var SEVS = ["error", "warning", "info"];
  var TRIAGE = ["undecided", "confirmed", "dismissed"];
  var OUTCOMES = ["pass", "fail", "not_applicable", "insufficient_data", "error"];
  var OUTCOME_COLORS = { pass: "#2e7d32", fail: "#c62828", not_applicable: "#9aa5b1", insufficient_data: "#e0a100", error: "#6a1b9a" };
  var MONEY_COLS = { total_budget_yuan: 1, sangong_total_yuan: 1, sangong_prior_yuan: 1 };

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
  // Money: 万元 with two decimals (the disclosures' own habit), thousands separated.
  function money(yuan, decimals) {
    if (yuan === null || yuan === undefined) return t("none");
    var d = decimals === undefined ? 2 : decimals;
    return t("money", { v: (yuan / 1e4).toLocaleString(LOCALE, { minimumFractionDigits: d, maximumFractionDigits: d }) });
  }
  // A feature's value as the reasons print it: money in 万元, shares and changes in %.
  function featValue(v, kind) {
    if (v === null || v === undefined) return t("none");
    if (kind === "yuan") return money(v);
    if (kind === "ratio") return (v * 100).toLocaleString(LOCALE, { maximumFractionDigits: 1 }) + "%";
    if (kind === "change") return (v >= 0 ? "+" : "") + (v * 100).toLocaleString(LOCALE, { maximumFractionDigits: 1 }) + "%";
    return fmt(v, 3);
  }
  // ISO times (UTC) in the reader's own time zone.
  function localTime(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    // 2026-12-03 17:35 in either language (en-US would print 12/3/2026, read as March by many).
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + two(d.getHours()) + ":" + two(d.getMinutes());
  }
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

  // ---- served by `anomaly serve`: the team's decisions and assignments, live ----
  // The server puts the current state in #serve-config; the page writes back to /api.
  var cfgNode = document.getElementById("serve-config");
  var SRV = cfgNode ? JSON.parse(cfgNode.textContent) : null;
  var versionOf = new Map();  // finding row -> version of its decision the page has seen
  var assigned = {};  // unit index -> [assignee, version]
  var findingById = {};
  function applyDecision(f, d) {
    f[FC.triage] = d.decision || null;
    f[FC.triage_note] = d.note || null;
    f[FC.triage_by] = d.decided_by || null;
    f[FC.triage_at] = d.decided_at || null;
    versionOf.set(f, d.version || 0);
  }
  function applyState(st) {
    D.findings.rows.forEach(function (f) { findingById[f[FC.finding_id]] = f; versionOf.set(f, 0); });
    // A decision the run applied but the store no longer holds is gone: start clean.
    D.findings.rows.forEach(function (f) { applyDecision(f, {}); });
    st.decisions.forEach(function (r) {
      var f = findingById[r[0]];
      if (f) applyDecision(f, { decision: r[1], note: r[2], decided_by: r[3], decided_at: r[4], version: r[5] });
    });
    assigned = {};
    Object.keys(st.assignments).forEach(function (uid) { if (byId[uid] !== undefined) assigned[byId[uid]] = st.assignments[uid]; });
  }
  if (SRV) applyState(SRV);
  // Colleagues' decisions and assignments, every half minute: shown when this analyst is
  // not typing (a note or an assignee half written is never replaced).
  var POLL_MS = 30000;
  function poll() {
    fetch("/api/state", { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (st) {
      if (!st) return;
      if (st.run !== SRV.run && !document.getElementById("newer-run")) {  // a new screen landed: this page is its older one
        var bar = el("div", { id: "newer-run", cls: "newer-run", role: "status" }, t("srv_newer_run"), " ",
          el("a", { href: location.href, text: t("srv_reload"), onclick: function (e) { e.preventDefault(); location.reload(); } }));
        document.body.insertBefore(bar, document.body.firstChild);
      }
      var before = JSON.stringify([SRV.decisions, SRV.assignments]), now = JSON.stringify([st.decisions, st.assignments]);
      var typing = document.activeElement && /^(TEXTAREA|INPUT)$/.test(document.activeElement.tagName)
        || Array.prototype.some.call(document.querySelectorAll("textarea.triage-note"), function (n) { return n.value !== n.defaultValue; });
      if (before === now || typing) return;
      SRV.decisions = st.decisions; SRV.assignments = st.assignments; SRV.users = st.users;
      applyState(st);
      listView = null;
      var y = window.scrollY;
      route();
      window.scrollTo(0, y);
    }, function () {});
  }
  if (SRV) setInterval(poll, POLL_MS);
  function post(path, body) {
    return fetch(path, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": SRV.csrf }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; }); });
  }
  function srvError(status) {
    return t(status === 403 ? "srv_forbidden" : status === 401 ? "srv_logged_out" : status === 422 ? "srv_unknown_analyst" : "srv_failed", { status: status });
  }
  var cropOf = new Map();  // finding row -> picture of its evidence (top leads only)
  var counts = { errUnits: 0, isNew: 0, undecided: 0, dismissed: 0, anyNew: false };
  var errSeen = {};
  D.findings.rows.forEach(function (f, k) {
    var ui = f[FC.uidx];
    if (D.crops[k]) cropOf.set(f, D.crops[k]);
    unitFindings[ui].push(f);
    // Counts after triage: a dismissed finding is shown, marked, and counted nowhere else.
    if (f[FC.triage] === "dismissed") { counts.dismissed++; return; }
    if (f[FC.is_new] !== null) counts.anyNew = true;
    if (f[FC.is_new] === true) counts.isNew++;
    if (!f[FC.triage]) counts.undecided++;
    if (f[FC.severity] === "error" && !errSeen[ui]) { errSeen[ui] = 1; counts.errUnits++; }
  });
  var unreadable = [];
  units.forEach(function (u, i) { if (u[UC.parse_status] === "failed") unreadable.push(i); });
  units.forEach(function (u, i) { if (u[UC.parse_status] !== "ok" && u[UC.parse_status] !== "failed") unreadable.push(i); });
  var unitFeatures = units.map(function () { return []; });
  D.features.rows.forEach(function (r) { unitFeatures[r[0]].push(r); });

  // ---- list state, kept in the address -------------------------------------
  // key in the address -> default
  var FILTERS = { fam: "", sev: "", tri: "", who: "", isnew: "", period: "", county: "", kind: "", peer: "", q: "" };
  var VIEW = { sort: "rank", dir: "1", page: "0", all: "" };
  var state = {};
  function resetState() {
    Object.keys(FILTERS).forEach(function (k) { state[k] = FILTERS[k]; });
    Object.keys(VIEW).forEach(function (k) { state[k] = VIEW[k]; });
  }
  resetState();
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    resetState();
    Object.keys(FILTERS).concat(Object.keys(VIEW)).forEach(function (k) { if (params.has(k)) state[k] = params.get(k); });
    return params;
  }
  function stateQuery(extra) {
    var p = new URLSearchParams();
    Object.keys(FILTERS).forEach(function (k) { if (state[k] !== FILTERS[k]) p.set(k, state[k]); });
    Object.keys(VIEW).forEach(function (k) { if (state[k] !== VIEW[k]) p.set(k, state[k]); });
    Object.keys(extra || {}).forEach(function (k) { p.set(k, extra[k]); });
    return p.toString();
  }
  function writeHash() { history.replaceState(null, "", "#" + stateQuery()); }
  function unitHref(id) { return "#" + stateQuery({ unit: id }); }
  function anyFilter() { return Object.keys(FILTERS).some(function (k) { return state[k] !== FILTERS[k]; }); }

  var SORTABLE = [
    ["rank", "num"], ["unit_name", ""], ["year", "nowrap"], ["county", "nowrap"], ["kind", "nowrap"], ["errors", "num"], ["warnings", "num"],
    ["reasons", ""], ["parse_status", ""], ["score", "num score"]
  ];
  var HEAD_LABEL = { year: "year", county: "county", kind: "kind" };
  // A unit's disclosures of several years, budgets and finals, are rows apart: "2024 预算".
  function periodOf(u) {
    if (u[UC.year] === null || u[UC.year] === undefined) return "";
    return u[UC.year] + (u[UC.doc_kind] ? " " + t(u[UC.doc_kind] === "final" ? "doc_final" : "doc_budget") : "");
  }

  // Lower-cased search text, built on the first search.
  var unitHay = null, findingHay = null;
  function hay() {
    if (unitHay) return;
    unitHay = units.map(function (u) {
      return [u[UC.unit_name], u[UC.unit_id], u[UC.source_path], u[UC.reasons], u[UC.county], u[UC.kind], u[UC.peer_group]]
        .join(" ").toLowerCase();
    });
    findingHay = new Map();
    D.findings.rows.forEach(function (f) {
      findingHay.set(f, [f[FC.rule], f[FC.family], FAM[f[FC.family]], f[FC.message], f[FC.title]].join(" ").toLowerCase());
    });
  }

  // A finding passes when family, severity, triage status and "new" all hold for it:
  // the filters combine per finding, not per unit.
  function findingPasses(f) {
    if (state.fam && f[FC.family] !== state.fam) return false;
    if (state.sev && f[FC.severity] !== state.sev) return false;
    if (state.tri && (f[FC.triage] || "undecided") !== state.tri) return false;
    if (state.isnew && f[FC.is_new] !== true) return false;
    if (state.who && SRV) {
      if (state.who === "mine" && !(assigned[f[FC.uidx]] && assigned[f[FC.uidx]][0] === SRV.user)) return false;
      if (state.who === "undecided" && f[FC.triage]) return false;
      if (state.who === "others" && !(f[FC.triage] && f[FC.triage_by] !== SRV.user)) return false;
    }
    return true;
  }
  var matchCount = new Int32Array(units.length);

  function filtered() {
    var q = state.q.trim().toLowerCase();
    if (q) hay();
    var perFinding = !!(state.fam || state.sev || state.tri || state.who || state.isnew);
    var out = [];
    for (var i = 0; i < units.length; i++) {
      var u = units[i];
      if (state.period && periodOf(u) !== state.period) continue;
      if (state.county && u[UC.county] !== state.county) continue;
      if (state.kind && u[UC.kind] !== state.kind) continue;
      if (state.peer && u[UC.peer_group] !== state.peer) continue;
      var unitHit = !q || unitHay[i].indexOf(q) >= 0;
      var n = 0;
      if (perFinding || !unitHit) {
        var fs = unitFindings[i];
        for (var k = 0; k < fs.length; k++) {
          if (findingPasses(fs[k]) && (unitHit || findingHay.get(fs[k]).indexOf(q) >= 0)) n++;
        }
        if (!n) continue;
      }
      matchCount[i] = n;
      out.push(i);
    }
    var c = UC[state.sort], dir = Number(state.dir) || 1;
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

  // ---- start here ----------------------------------------------------------
  function renderStart() {
    var o = D.overview;
    var sec = el("section", { id: "start" }, el("h2", { text: t("start_here") }));
    var leads = el("ol", { cls: "leads" });
    if (unreadable.length) {
      var failed = unreadable.filter(function (i) { return units[i][UC.parse_status] === "failed"; }).length;
      add(leads, el("li", { cls: "lead-files" },
        el("a", { href: "#", onclick: function (e) { e.preventDefault(); scrollToId("failed"); } },
          badge("st-failed", t("count_unreadable")), " ",
          t("start_unreadable", { n: unreadable.length, failed: failed, partial: unreadable.length - failed }))));
    }
    var ranked = units.map(function (u, i) { return i; }).filter(function (i) { return units[i][UC.rank] !== null && units[i][UC.parse_status] !== "failed"; });
    var severalPeriods = periods().length > 1;
    ranked.slice(0, TOP_LEADS).forEach(function (i) {
      var u = units[i];
      add(leads, el("li", null,
        el("a", { href: unitHref(u[UC.unit_id]) }, el("b", { cls: "rk", text: "#" + u[UC.rank] }), " ", unitLabel(u),
          severalPeriods && periodOf(u) ? el("span", { cls: "period", text: " " + periodOf(u) }) : null),
        el("span", { cls: "why1", text: u[UC.reasons] || "" })));
    });
    function stat(label, value, onclick, note) {
      return el("button", { cls: "stat", type: "button", onclick: onclick },
        el("span", { cls: "big", text: value }), el("span", { cls: "label", text: label }),
        note ? el("span", { cls: "label", text: note }) : null);
    }
    var stats = el("div", { cls: "stats" },
      stat(t("count_units_errors"), fmt(counts.errUnits), function () { setFilters({ sev: "error" }); }),
      stat(t("count_new"), counts.anyNew ? fmt(counts.isNew) : t("none"), function () { setFilters({ isnew: "1" }); },
        counts.anyNew ? null : t("count_new_none")),
      stat(t("count_undecided"), fmt(counts.undecided), function () { setFilters({ tri: "undecided" }); },
        counts.dismissed ? t("count_dismissed", { n: counts.dismissed }) : null),
      stat(t("count_unreadable"), fmt(unreadable.length), function () { scrollToId("failed"); },
        unreadable.length ? t("failed") + " " + (o.status.failed || 0) + " · " + t("partial") + " " + (o.status.partial || 0) : null));
    add(sec, el("div", { cls: "start-grid" }, el("div", null, el("h3", { text: t("start_top") }), leads), stats));
    return sec;
  }

  // ---- overview ------------------------------------------------------------
  function stackBar(cnt, keys, colors, labels) {
    var total = keys.reduce(function (s, k) { return s + (cnt[k] || 0); }, 0) || 1;
    return [
      el("div", { cls: "stack" }, keys.map(function (k) {
        return el("span", { style: "width:" + (100 * (cnt[k] || 0) / total) + "%;background:" + colors[k], title: labels[k] + " " + (cnt[k] || 0) });
      })),
      el("div", { cls: "legend" }, keys.map(function (k) {
        return el("span", null, el("i", { style: "background:" + colors[k] }), labels[k] + " " + fmt(cnt[k] || 0));
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
      el("p", { cls: "note", text: t("glossary") }),
      el("div", { cls: "cards" },
        el("div", { cls: "card" }, el("div", { cls: "label", text: t("units_screened") }), el("div", { cls: "big", text: fmt(o.units) }),
          stackBar(o.status, ["ok", "partial", "failed"], statusColors, { ok: t("ok"), partial: t("partial"), failed: t("failed") })),
        el("div", { cls: "card" }, el("div", { cls: "label", text: t("findings_total") }), el("div", { cls: "big", text: fmt(o.findings) }),
          o.dismissed ? el("div", { cls: "label", text: t("count_dismissed", { n: o.dismissed }) }) : null,
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
        el("a", { href: "#", text: famLabel(f[0]), onclick: function (e) { e.preventDefault(); setFilters({ fam: f[0] }); } }),
        el("div", null, el("div", { cls: "bar", style: "width:" + (100 * f[1] / max) + "%" })),
        el("div", { cls: "n", text: fmt(f[1]) })
      ]);
    });
    var sevBars = el("div", { cls: "bars" });
    var smax = Math.max(1, o.severity.error || 0, o.severity.warning || 0, o.severity.info || 0);
    SEVS.forEach(function (s) {
      add(sevBars, [
        el("a", { href: "#", text: t(s), onclick: function (e) { e.preventDefault(); setFilters({ sev: s }); } }),
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
    if (!unreadable.length) return null;
    var sec = el("section", { id: "failed" }, el("h2", { text: t("failed_units") + " (" + unreadable.length + ")" }),
      el("p", { cls: "note", text: t("failed_units_note") }));
    var tbody = el("tbody");
    var table = el("table", null, el("thead", null, el("tr", null,
      el("th", { text: COLS.unit_name }), el("th", { text: COLS.source_path }), el("th", { text: COLS.parse_status }),
      el("th", { text: COLS.parse_error }))), tbody);
    function fill(n) {
      tbody.textContent = "";
      unreadable.slice(0, n).forEach(function (i) {
        var u = units[i], st = u[UC.parse_status];
        add(tbody, el("tr", { cls: "lead", onclick: function (e) { if (e.target.tagName !== "A") location.hash = unitHref(u[UC.unit_id]); } },
          el("td", null, el("a", { href: unitHref(u[UC.unit_id]), text: unitLabel(u) })),
          el("td", { cls: "mono", text: u[UC.source_path] || "" }),
          el("td", null, badge("st-" + st, t(st))),
          el("td", { text: u[UC.parse_error] || t("none") })));
      });
    }
    fill(20);
    add(sec, table);
    if (unreadable.length > 20) {
      var more = el("button", { text: t("show_all", { n: unreadable.length }), onclick: function () { fill(unreadable.length); more.remove(); } });
      add(sec, el("div", { cls: "pager" }, more));
    }
    return sec;
  }

  // ---- ranked list ---------------------------------------------------------
  var listTable, listBody, pagerInfo, prevBtn, nextBtn, allBtn, headCells = {}, controls = {};
  var printing = false;

  function setFilters(values) {
    Object.keys(values).forEach(function (k) { state[k] = values[k]; });
    state.page = "0";
    syncControls();
    refreshList();
    scrollToId("ranking");
  }
  function syncControls() {
    Object.keys(controls).forEach(function (k) { controls[k].value = state[k]; });
  }
  function scrollToId(id) { var n = document.getElementById(id); if (n) n.scrollIntoView(); }

  function distinct(col) {
    var seen = {};
    units.forEach(function (u) { if (u[UC[col]]) seen[u[UC[col]]] = 1; });
    return Object.keys(seen).sort(function (a, b) { return a.localeCompare(b, LOCALE); }).map(function (p) { return [p, p]; });
  }

  function periods() {
    var seen = {};
    units.forEach(function (u) { var p = periodOf(u); if (p) seen[p] = 1; });
    return Object.keys(seen).sort().reverse().map(function (p) { return [p, p]; });
  }

  function renderRanking() {
    function select(key, allLabel, options) {
      var s = el("select", { "aria-label": allLabel, "data-filter": key,
        onchange: function () { state[key] = s.value; state.page = "0"; refreshList(); } },
        el("option", { value: "", text: allLabel }),
        options.map(function (o) { return el("option", { value: o[0], text: o[1] }); }));
      controls[key] = s;
      return s;
    }
    var search = el("input", { type: "search", placeholder: t("search_all"), "aria-label": t("search_all"), "data-filter": "q",
      oninput: function () { state.q = search.value; state.page = "0"; refreshList(); } });
    controls.q = search;
    var famOptions = Object.keys(FAM).map(function (f) { return [f, famLabel(f)]; });
    var head = el("tr");
    SORTABLE.forEach(function (s) {
      var label = HEAD_LABEL[s[0]] ? t(HEAD_LABEL[s[0]]) : (COLS[s[0]] || s[0]);
      var th = el("th", { cls: "sortable " + s[1], text: label, tabindex: "0", "data-col": s[0],
        onclick: function () { sortBy(s[0]); }, onkeydown: function (e) { if (e.key === "Enter") sortBy(s[0]); } });
      headCells[s[0]] = th;
      add(head, th);
    });
    listBody = el("tbody");
    pagerInfo = el("span", { cls: "showing" });
    prevBtn = el("button", { text: t("prev"), onclick: function () { state.page = String(Number(state.page) - 1); refreshList(true); } });
    nextBtn = el("button", { text: t("next"), onclick: function () { state.page = String(Number(state.page) + 1); refreshList(true); } });
    allBtn = el("button", { onclick: function () { state.all = state.all ? "" : "1"; state.page = "0"; refreshList(); } });
    listTable = el("table", { cls: "list" }, el("thead", null, head), listBody);
    var sec = el("section", { id: "ranking" },
      el("h2", { text: t("ranking") }),
      el("p", { cls: "note", text: t("ranking_note") }),
      el("div", { cls: "controls" },
        select("fam", t("all_families"), famOptions),
        select("sev", t("all_severities"), SEVS.map(function (s) { return [s, t(s)]; })),
        select("tri", t("all_triage"), TRIAGE.map(function (s) { return [s, t(s)]; })),
        SRV ? select("who", t("srv_all_who"), [["mine", t("srv_mine")], ["undecided", t("undecided")], ["others", t("srv_others")]]) : null,
        select("isnew", t("all_new"), [["1", t("only_new")]]),
        select("period", t("all_years"), periods()),
        select("county", t("all_counties"), distinct("county")),
        select("kind", t("all_kinds"), distinct("kind")),
        select("peer", t("all_peer_groups"), distinct("peer_group")),
        search,
        el("button", { text: t("clear_filters"), onclick: function () { Object.keys(FILTERS).forEach(function (k) { state[k] = FILTERS[k]; }); setFilters({}); } }),
        el("button", { text: t("export_csv"), cls: "export", onclick: exportCsv }),
        el("button", { text: t("print"), onclick: function () { window.print(); } })),
      listTable,
      el("div", { cls: "pager" }, prevBtn, nextBtn, allBtn, pagerInfo));
    syncControls();
    refreshList();
    return sec;
  }

  function sortBy(key) {
    if (state.sort === key) state.dir = String(-Number(state.dir));
    else { state.sort = key; state.dir = (key === "errors" || key === "warnings" || key === "score") ? "-1" : "1"; }
    state.page = "0";
    refreshList();
  }

  function refreshList(scrollToTop) {
    var rows = filtered();
    var all = state.all || printing;
    var pages = all ? 1 : Math.max(1, Math.ceil(rows.length / PAGE));
    var page = Math.min(Math.max(0, Number(state.page) || 0), pages - 1);
    state.page = String(page);
    var start = all ? 0 : page * PAGE, slice = all ? rows : rows.slice(start, start + PAGE);
    var perFinding = !!(state.fam || state.sev || state.tri || state.who || state.isnew || state.q);
    listBody.textContent = "";
    var frag = document.createDocumentFragment();
    slice.forEach(function (i) {
      var u = units[i], id = u[UC.unit_id], st = u[UC.parse_status];
      var errs = u[UC.errors], warns = u[UC.warnings];
      add(frag, el("tr", { cls: "lead", "data-unit": id, onclick: function (e) { if (e.target.tagName !== "A") location.hash = unitHref(id); } },
        el("td", { cls: "num", text: u[UC.rank] === null ? t("none") : u[UC.rank] }),
        el("td", { cls: "name" }, el("a", { href: unitHref(id), text: unitLabel(u), title: u[UC.source_path] || id }),
          assigned[i] && assigned[i][0] ? el("span", { cls: "assignee", text: " · " + t("srv_assigned_short", { who: assigned[i][0] }) }) : null,
          perFinding && matchCount[i] ? el("span", { cls: "matches", title: t("matching"), text: " " + t("matches_n", { n: matchCount[i] }) }) : null),
        el("td", { cls: "nowrap", text: periodOf(u) || t("none") }),
        el("td", { cls: "nowrap", text: u[UC.county] || t("none") }),
        el("td", { cls: "nowrap", text: u[UC.kind] || t("none") }),
        el("td", { cls: "num" + (errs ? " count-err" : ""), text: fmt(errs) }),
        el("td", { cls: "num" + (warns ? " count-warn" : ""), text: fmt(warns) }),
        el("td", { cls: "reasons", text: u[UC.reasons] || "" }),
        el("td", null, badge("st-" + st, t(st))),
        el("td", { cls: "num score", title: t("score_tip", { score: fmt(u[UC.score], 6) }), text: fmt(u[UC.score], 3) })));
    });
    listBody.appendChild(frag);
    if (!slice.length) add(listBody, el("tr", null, el("td", { colspan: String(SORTABLE.length), cls: "empty", text: t("no_rows") })));
    listTable.setAttribute("data-count", String(rows.length));
    pagerInfo.textContent = rows.length ? t("showing", { from: start + 1, to: start + slice.length, n: rows.length }) : "";
    prevBtn.disabled = all || page <= 0;
    nextBtn.disabled = all || page >= pages - 1;
    allBtn.textContent = state.all ? t("show_paged") : t("show_all_rows");
    Object.keys(headCells).forEach(function (k) {
      if (k === state.sort) headCells[k].setAttribute("aria-sort", Number(state.dir) > 0 ? "ascending" : "descending");
      else headCells[k].removeAttribute("aria-sort");
    });
    if (!printing) writeHash();
    if (scrollToTop) scrollToId("ranking");
  }

  // The filtered list as a spreadsheet: UTF-8 with a BOM (Excel reads the Chinese), every
  // cell quoted, and a cell that a spreadsheet would take for a formula (= + - @) led by '.
  function csvCell(v) {
    var s = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return '"' + s.replace(/"/g, '""') + '"';
  }
  function exportCsv() {
    var rows = filtered();
    var head = [COLS.rank, COLS.unit_name, t("year"), t("county"), t("kind"), COLS.peer_group, COLS.errors, COLS.warnings,
      t("matching"), t("csv_findings"), COLS.reasons, COLS.parse_status, COLS.source_path, COLS.unit_id, COLS.score];
    var lines = [head.map(csvCell).join(",")];
    rows.forEach(function (i) {
      var u = units[i], codes = {};
      unitFindings[i].forEach(function (f) { if (findingPasses(f)) codes[f[FC.rule]] = 1; });
      lines.push([u[UC.rank], unitLabel(u), periodOf(u), u[UC.county], u[UC.kind], u[UC.peer_group], u[UC.errors], u[UC.warnings],
        matchCount[i], Object.keys(codes).sort().join(" "), u[UC.reasons], t(u[UC.parse_status]), u[UC.source_path],
        u[UC.unit_id], u[UC.score]].map(csvCell).join(","));
    });
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var a = el("a", { href: URL.createObjectURL(blob), download: "leads.csv" });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  // ---- one unit ------------------------------------------------------------
  function quantile(sorted, p) {
    if (!sorted.length) return null;
    var pos = (sorted.length - 1) * p, lo = Math.floor(pos), hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  function featureChart(r, own) {
    // r = [uidx, feature index, value, peer median, peer mad, robust z, dist index, peer q90, peer n, peer group]
    var value = r[2], median = r[3], dist = r[6] === null ? null : D.dists[r[6]], q90 = r[7], group = r[9];
    var kind = FKIND[r[1]], fv = function (v) { return featValue(v, kind); };
    var n = dist ? dist[0] : (r[8] || 0);
    var z = r[5];
    var meta = el("div", { cls: "fmeta" },
      el("span", { cls: "v-unit", text: "▼ " + t("this_unit") + " " + fv(value) }), "   ",
      el("span", { cls: "v-med", text: "| " + t("peer_median") + " " + fv(median) }), "   ",
      q90 !== null && q90 !== undefined ? el("span", { cls: "v-q90", text: "┆ " + t("peer_q90") + " " + fv(q90) }) : null,
      "   z = " + (z === null ? t("none") : fmt(z, 3)));
    var groupNote = el("div", { cls: "fmeta" }, group ? t("peer_group_n", { group: group, n: n }) : null,
      group && own && group !== own ? el("div", { cls: "fallback", text: t("peers_fallback", { own: own, group: group }) }) : null);
    var box = el("div", { cls: "feature" }, el("div", { cls: "fname", text: FEAT[r[1]] }), meta, groupNote);
    if (!dist || n < MIN_CHART_PEERS) { add(box, el("p", { cls: "empty", text: t("too_few_peers", { n: n }) })); return box; }
    var pts = dist[1];
    var all = pts.concat([value, median, q90]).filter(function (v) { return v !== null && v !== undefined && isFinite(v); });
    var W = 380, H = 78, L = 12, R = 368, Y = 34;
    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all);
    var lo0 = lo, hi0 = hi;
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    var pad = (hi - lo) * 0.04; lo -= pad; hi += pad;
    function x(v) { return L + (R - L) * (v - lo) / (hi - lo); }
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img" });
    s.appendChild(svg("title", {}, FEAT[r[1]] + ": " + t("this_unit") + " " + fv(value) + ", " + t("peer_median") + " " + fv(median)));
    s.appendChild(svg("line", { x1: L, x2: R, y1: Y, y2: Y, stroke: "#c5ced9" }));
    var q1 = quantile(pts, 0.25), q3 = quantile(pts, 0.75);
    s.appendChild(svg("rect", { x: x(q1), y: Y - 9, width: Math.max(1, x(q3) - x(q1)), height: 18, fill: "#dbe6f5", stroke: "#9db5d8" }));
    pts.forEach(function (v, i) {
      s.appendChild(svg("circle", { cx: x(v), cy: Y + ((i % 5) - 2) * 2.5, r: 2.2, fill: "#6b7f99", "fill-opacity": "0.55" }));
    });
    if (q90 !== null && q90 !== undefined) {
      s.appendChild(svg("line", { x1: x(q90), x2: x(q90), y1: Y - 16, y2: Y + 14, stroke: "#b26a00", "stroke-width": 1.5, "stroke-dasharray": "3 2" }));
    }
    if (median !== null) s.appendChild(svg("line", { x1: x(median), x2: x(median), y1: Y - 12, y2: Y + 12, stroke: "#1f5fbf", "stroke-width": 2 }));
    if (value !== null) {
      var vx = x(value);
      s.appendChild(svg("line", { x1: vx, x2: vx, y1: Y - 14, y2: Y + 14, stroke: "#c62828", "stroke-width": 2.5 }));
      s.appendChild(svg("path", { d: "M" + (vx - 5) + " " + (Y - 20) + " L" + (vx + 5) + " " + (Y - 20) + " L" + vx + " " + (Y - 13) + " Z", fill: "#c62828" }));
    }
    // Both ends of the axis, in the feature's unit: the smallest and largest value drawn.
    s.appendChild(svg("line", { x1: x(lo0), x2: x(lo0), y1: Y + 16, y2: Y + 20, stroke: "#5f6b7a" }));
    s.appendChild(svg("line", { x1: x(hi0), x2: x(hi0), y1: Y + 16, y2: Y + 20, stroke: "#5f6b7a" }));
    s.appendChild(svg("text", { x: x(lo0), y: H - 6, "font-size": 11, fill: "#5f6b7a" }, fv(lo0)));
    s.appendChild(svg("text", { x: x(hi0), y: H - 6, "font-size": 11, fill: "#5f6b7a", "text-anchor": "end" }, fv(hi0)));
    add(box, s);
    return box;
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

  // What to highlight: the stated text, else its figures (2.19元 → 2.19), longest first.
  function needles(f) {
    var st = f[FC.stated], out = [];
    if (!st) return out;
    out.push(st);
    (st.match(/\d[\d,]*(?:\.\d+)?%?/g) || []).sort(function (a, b) { return b.length - a.length; })
      .forEach(function (n) { if (n.length >= 2 || out.length === 1) out.push(n); });
    return out;
  }
  // Text nodes with the first needle found marked: no markup is ever parsed.
  function highlighted(text, ns) {
    for (var k = 0; k < ns.length; k++) {
      var at = text.indexOf(ns[k]);
      if (at >= 0) return [text.slice(0, at), el("mark", { text: ns[k] }), text.slice(at + ns[k].length)];
    }
    return [text];
  }

  function renderWhy(f) {
    var code = f[FC.rule], line = f[FC.line], ex = f[FC.ex];
    var body = el("div", { cls: "why-body" });
    var file = f[FC.file] || "";
    if (ex !== null && ex !== undefined) {
      var first = D.excerpts[ex][0], lines = D.excerpts[ex][1], last = first + lines.length - 1;
      var ns = needles(f);
      // A workbook's rows were read as lines of text: its excerpt is numbered by the
      // sheet's row, on the row of the finding, not by lines the analyst cannot find.
      var place = f[FC.place], at = place ? place.lastIndexOf("!") : -1, sheetRow = at >= 0 ? place.slice(at + 1) : "";
      add(body, el("h4", { text: sheetRow ? t("source_rows", { file: file, sheet: place.slice(0, at), row: sheetRow })
        : f[FC.page] !== null ? t("source_lines_page", { file: file, page: f[FC.page], from: first, to: last })
        : t("source_lines", { file: file, from: first, to: last }) }));
      var tbl = el("table", { cls: "excerpt" });
      lines.forEach(function (text, k) {
        var no = first + k, hit = no === line;
        add(tbl, el("tr", { cls: hit ? "hit" : "" }, el("td", { cls: "ln", text: sheetRow ? (hit ? sheetRow : "") : String(no) }),
          el("td", { cls: "src" }, hit ? highlighted(text, ns) : text)));
      });
      add(body, tbl);
    } else if (line !== null) {
      add(body, el("p", { cls: "note", text: t(f[FC.uidx] >= D.excerpt_units ? "no_excerpt" : "no_excerpt_read",
        { n: D.excerpt_units, file: file, line: line }) }));
    }
    if (D.rules[code]) add(body, [el("h4", { text: t("rule_doc", { code: code }) }), el("pre", { cls: "doc", text: D.rules[code] })]);
    var other = f[FC.other];
    if (other !== null && other !== undefined && units[other]) {
      add(body, el("p", null, t(f[FC.family] === "XYR" ? "other_year" : f[FC.family] === "EXE" ? "other_budget" : "other_unit"),
        el("a", { href: unitHref(units[other][UC.unit_id]), text: unitLabel(units[other]) + (units[other][UC.year] ? " · " + units[other][UC.year] : "") })));
    }
    return el("details", { cls: "why" }, el("summary", { text: t("why") }), body);
  }

  function renderFinding(f, conflictNote) {
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
      decided = el("div", { cls: "decided", text: t("decided", { by: f[FC.triage_by] || "", at: localTime(f[FC.triage_at]), decision: t(triage) })
        + (f[FC.triage_note] ? t("colon") + f[FC.triage_note] : "") });
    }
    var match = anyFilter() && findingPasses(f) ? " match" : "";
    var box = el("div", { cls: "finding " + sev + (triage ? " " + triage : "") + match, "data-finding": f[FC.finding_id] || "" },
      el("div", { cls: "head" }, badge("sev-" + sev, t(sev)), el("span", { cls: "rule", text: f[FC.rule] }),
        f[FC.is_new] === true ? badge("new", t("new")) : null,
        triage ? badge("tr-" + triage, t(triage)) : null,
        el("span", { cls: "fam", text: famLabel(f[FC.family]) + (f[FC.title] ? " · " + f[FC.title] : "") }),
        el("span", { cls: "msg", text: f[FC.message] || "" }),
        el("span", { cls: "lineno" }, other, where, where ? " · " : null, placeText(f[FC.place]) || (line === null ? t("line_unknown") : t("line", { line: line })),
          f[FC.finding_id] ? "  · " + t("finding_id") + " " + f[FC.finding_id] : null)),
      f[FC.evidence] ? el("blockquote", null, highlighted(f[FC.evidence], needles(f))) : null,
      crop ? el(href ? "a" : "span", href ? { href: href, target: "_blank", rel: "noopener", cls: "crop" } : { cls: "crop" },
        el("img", { src: crop, alt: t("crop_alt", { page: page }), loading: "lazy" })) : null,
      compare, decided, renderWhy(f));
    if (SRV && f[FC.finding_id]) add(box, triageControls(f, box, conflictNote));
    return box;
  }

  // Confirm / dismiss / reopen with a note. The write names the version the page saw:
  // when someone decided in between, the server refuses (409) and sends theirs, which
  // the finding then shows, so the analyst sees it and chooses again.
  function triageControls(f, box, conflict) {
    if (SRV.role !== "analyst") return el("div", { cls: "triage-ro note", text: t("srv_read_only") });
    var note = el("textarea", { cls: "triage-note", rows: "2", maxlength: "2000", placeholder: t("srv_note"), "aria-label": t("srv_note") });
    note.defaultValue = note.value = f[FC.triage_note] || "";
    var msg = el("div", { cls: "triage-msg", role: "status" }, conflict || null);
    function act(decision) {
      post("/api/decide", { finding_id: f[FC.finding_id], decision: decision, note: note.value, version: versionOf.get(f) || 0 })
        .then(function (r) {
          if (r.status === 200 || r.status === 409) {
            applyDecision(f, r.status === 200 ? r.body : r.body.current);
            listView = null;  // counts and filters are rebuilt on the way back to the list
            var c = r.status === 409 ? t("srv_conflict", { by: f[FC.triage_by] || t("none"), at: localTime(f[FC.triage_at]),
              decision: f[FC.triage] ? t(f[FC.triage]) : t("undecided") }) : null;
            var typed = note.value;
            var fresh = renderFinding(f, c);
            box.replaceWith(fresh);
            // Theirs is shown above; the note this analyst typed stays in the box, to choose again.
            var again = fresh.querySelector("textarea.triage-note");
            if (r.status === 409 && again && typed) again.value = typed;
            return;
          }
          msg.textContent = srvError(r.status);
        }, function () { msg.textContent = srvError(0); });
    }
    var tri = f[FC.triage];
    function button(decision, label) {
      return el("button", { type: "button", "data-act": decision || "reopen", onclick: function () { act(decision); } , text: label });
    }
    return el("div", { cls: "triage-controls" }, note,
      el("div", { cls: "triage-buttons" },
        tri !== "confirmed" ? button("confirmed", t("srv_confirm")) : null,
        tri !== "dismissed" ? button("dismissed", t("srv_dismiss")) : null,
        tri ? button(null, t("srv_reopen")) : null),
      msg);
  }

  // Who a unit is assigned to; analysts set it, reviewers read it.
  function assignBox(i) {
    var cur = assigned[i] || [null, 0];
    var label = el("span", { cls: "assigned-to", text: t("srv_assigned", { who: cur[0] || t("srv_nobody") }) });
    if (SRV.role !== "analyst") return el("div", { cls: "assign" }, label);
    var listId = "srv-users";
    var input = el("input", { cls: "assign-input", list: listId, placeholder: t("srv_assignee"), "aria-label": t("srv_assignee") });
    input.value = cur[0] || "";
    var msg = el("span", { cls: "triage-msg", role: "status" });
    var box = el("div", { cls: "assign" }, label, " ", input,
      el("datalist", { id: listId }, (SRV.users || []).map(function (u) { return el("option", { value: u }); })),
      el("button", { type: "button", cls: "assign-me", text: t("srv_assign_me"), onclick: function () { input.value = SRV.user; save(); } }),
      el("button", { type: "button", cls: "assign-save", text: t("srv_save"), onclick: save }), msg);
    function save() {
      post("/api/assign", { unit_id: units[i][UC.unit_id], assignee: input.value, version: cur[1] }).then(function (r) {
        if (r.status === 200 || r.status === 409) {
          assigned[i] = r.status === 200 ? r.body : r.body.current;
          listView = null;
          var fresh = assignBox(i);
          if (r.status === 409) add(fresh, el("span", { cls: "triage-msg", text: t("srv_assign_conflict", { who: assigned[i][0] || t("srv_nobody") }) }));
          box.replaceWith(fresh);
          return;
        }
        msg.textContent = srvError(r.status);
      }, function () { msg.textContent = srvError(0); });
    }
    return box;
  }

  // A unit's disclosures side by side: a table linking each, and one small chart per
  // figure (total, 三公, staff) with the budgets (solid) and the finals (dashed).
  function renderYears(rows, self) {
    var table = el("table", { cls: "years" }, el("thead", null, el("tr", null,
      [t("year"), t("yr_doc"), t("yr_total"), t("yr_sangong"), t("yr_staff")].map(function (h) { return el("th", { text: h }); }))));
    var tbody = el("tbody");
    rows.forEach(function (r) {
      var kind = t(r[1] === "final" ? "doc_final" : "doc_budget");
      var link = r[5] === self ? el("span", { text: kind + " · " + t("yr_this") })
        : el("a", { href: unitHref(units[r[5]][UC.unit_id]), text: kind });
      add(tbody, el("tr", null, el("td", { text: String(r[0]) }), el("td", null, link),
        el("td", { text: money(r[2]) }), el("td", { text: money(r[3]) }), el("td", { text: fmt(r[4]) })));
    });
    add(table, tbody);
    var years = rows.map(function (r) { return r[0]; });
    var y0 = Math.min.apply(null, years), y1 = Math.max.apply(null, years);
    function chart(col, label) {
      var W = 200, H = 70, P = 16;
      var vals = rows.map(function (r) { return r[col]; }).filter(function (v) { return v !== null; });
      var box = svg("svg", { width: W, height: H + 14, viewBox: "0 0 " + W + " " + (H + 14), role: "img", "aria-label": label });
      if (!vals.length) return el("figure", { cls: "yr-chart" }, box, el("figcaption", { text: label }));
      var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
      function x(y) { return y1 === y0 ? W / 2 : P + (W - 2 * P) * (y - y0) / (y1 - y0); }
      function y(v) { return hi === lo ? H / 2 : H - 6 - (H - 12) * (v - lo) / (hi - lo); }
      ["budget", "final"].forEach(function (kind) {
        var pts = rows.filter(function (r) { return r[1] === kind && r[col] !== null; });
        if (!pts.length) return;
        var d = pts.map(function (r, k) { return (k ? "L" : "M") + x(r[0]).toFixed(1) + " " + y(r[col]).toFixed(1); }).join(" ");
        add(box, svg("path", { d: d, fill: "none", stroke: kind === "final" ? "#b85c00" : "#2b5797", "stroke-width": 1.5, "stroke-dasharray": kind === "final" ? "4 3" : "" }));
        pts.forEach(function (r) { add(box, svg("circle", { cx: x(r[0]).toFixed(1), cy: y(r[col]).toFixed(1), r: 2.5, fill: kind === "final" ? "#b85c00" : "#2b5797" })); });
      });
      years.filter(function (v, k) { return years.indexOf(v) === k; }).forEach(function (yr) {
        add(box, svg("text", { x: x(yr).toFixed(1), y: H + 11, "text-anchor": "middle", "font-size": 9 }, String(yr)));
      });
      return el("figure", { cls: "yr-chart" }, box, el("figcaption", { text: label }));
    }
    return el("section", { id: "unit-years" }, el("h2", { text: t("years") }), el("p", { cls: "note", text: t("years_note") }),
      el("div", { cls: "yr-charts" }, chart(2, t("yr_total")), chart(3, t("yr_sangong")), chart(4, t("yr_staff"))), table);
  }

  function renderUnit(id) {
    var i = byId[id];
    var nav = el("div", { cls: "unitnav" }, el("a", { href: "#" + stateQuery(), text: t("back") }));
    var root = el("div", null, nav);
    if (i === undefined) { add(root, el("section", null, el("p", { text: t("unit_not_found", { id: id }) }))); return root; }
    var u = units[i], st = u[UC.parse_status];
    // Previous and next lead follow the filtered, sorted list the analyst came from.
    var list = filtered(), pos = list.indexOf(i);
    add(nav, el("span", { cls: "spacer" }));
    add(nav, el("span", { cls: "note", text: pos >= 0 ? t("lead_of", { i: pos + 1, n: list.length }) : t("not_in_list") }));
    if (pos > 0) add(nav, el("a", { href: unitHref(units[list[pos - 1]][UC.unit_id]), cls: "prev-lead", text: t("prev_unit") }));
    if (pos >= 0 && pos < list.length - 1) add(nav, el("a", { href: unitHref(units[list[pos + 1]][UC.unit_id]), cls: "next-lead", text: t("next_unit") }));

    var cov = { pass: u[UC.cov_pass], fail: u[UC.cov_fail], na: u[UC.cov_not_applicable], insufficient: u[UC.cov_insufficient_data], error: u[UC.cov_error] };
    var covTotal = cov.pass + cov.fail + cov.na + cov.insufficient + cov.error;
    var head = el("section", { cls: "unithead", id: "unit-" + i },
      el("h2", null, u[UC.rank] === null ? "" : "#" + u[UC.rank] + "  ", unitLabel(u), "  ", badge("st-" + st, t(st))),
      el("div", { cls: "kv" },
        el("span", null, t("source") + t("colon"), el("span", { cls: "mono", text: u[UC.source_path] || t("none") })),
        el("span", null, COLS.unit_id + t("colon"), el("span", { cls: "mono", text: id })),
        el("span", { text: t("year") + t("colon") + (u[UC.year] === null ? t("none") : u[UC.year]) }),
        el("span", { text: t("county") + t("colon") + (u[UC.county] || t("none")) }),
        el("span", { text: t("kind") + t("colon") + (u[UC.kind] || t("none")) }),
        el("span", { text: t("peer_group") + t("colon") + (u[UC.peer_group] || t("none")) }),
        el("span", { cls: "muted", title: t("score_tip", { score: fmt(u[UC.score], 6) }), text: COLS.score + t("colon") + fmt(u[UC.score], 3) })),
      SRV ? assignBox(i) : null,
      u[UC.parse_error] ? el("div", { cls: "error-box", text: t("parse_error") + t("colon") + u[UC.parse_error] }) : null,
      u[UC.reasons] ? el("p", { cls: "note", style: "margin-top:8px", text: COLS.reasons + t("colon") + u[UC.reasons] }) : null,
      covTotal ? el("p", { text: t("checked", { checked: covTotal - cov.na - cov.insufficient - cov.error, total: covTotal, fail: cov.fail, na: cov.na, insufficient: cov.insufficient }) }) : null,
      el("div", { cls: "jumps" },
        el("button", { text: t("unit_findings") + " (" + unitFindings[i].length + ")", onclick: function () { scrollToId("unit-findings"); } }),
        el("button", { text: t("top_features"), onclick: function () { scrollToId("unit-features"); } })),
      el("h3", { text: t("figures") }),
      el("div", { cls: "kv" }, D.figure_cols.map(function (c) {
        var label = MONEY_COLS[c] ? t("fig_" + c) : (COLS[c] || c);
        return el("span", null, label + t("colon"), el("b", { text: MONEY_COLS[c] ? money(u[UC[c]]) : fmt(u[UC[c]]) }));
      })));
    add(root, head);

    var yrs = (D.years || {})[i];
    if (yrs && yrs.length > 1) add(root, renderYears(yrs, i));
    var fs = unitFindings[i];
    add(root, el("section", { id: "unit-findings" }, el("h2", { text: t("unit_findings") + " (" + fs.length + ")" }),
      fs.length ? fs.map(function (f) { return renderFinding(f); }) : el("p", { cls: st === "failed" ? "error-box" : "empty", text: t(st === "failed" ? "not_checked" : "no_findings") })));
    var feats = unitFeatures[i];
    add(root, el("section", { id: "unit-features" }, el("h2", { text: t("top_features") }),
      feats.length ? el("div", { cls: "features" }, feats.map(function (r) { return featureChart(r, u[UC.peer_group]); }))
        : el("p", { cls: "empty", text: t("no_features") })));
    return root;
  }

  // ---- routing -------------------------------------------------------------
  var app = document.getElementById("app");
  var listView = null;
  function route() {
    var params = readHash();
    document.body.className = params.has("unit") ? "view-unit" : "view-list";
    if (params.has("unit")) {
      if (listView && listView.parentNode) state.scroll = window.scrollY;
      app.textContent = "";
      app.appendChild(renderUnit(params.get("unit")));
      window.scrollTo(0, 0);
      return;
    }
    if (!listView) listView = el("div", null, renderStart(), renderRanking(), renderOverview(), renderFailed());
    else { syncControls(); refreshList(); }
    if (!listView.parentNode) {
      app.textContent = "";
      app.appendChild(listView);
      window.scrollTo(0, state.scroll || 0);
    }
    ["start", "ranking", "overview", "failed"].forEach(function (id) { if (params.has(id)) { scrollToId(id); writeHash(); } });
  }
  // The header's links scroll; they do not drop the filters from the address.
  Array.prototype.forEach.call(document.querySelectorAll("header.top nav a"), function (a) {
    a.addEventListener("click", function (e) {
      var id = a.getAttribute("href").slice(1);
      if (document.getElementById(id)) { e.preventDefault(); scrollToId(id); }
    });
  });
  // Who is signed in, and the way out (a form: the POST carries the CSRF token).
  if (SRV) {
    var who = el("span", { cls: "whoami", text: t("srv_signed_in", { user: SRV.user, role: t("srv_role_" + SRV.role) }) });
    var out = SRV.proxy ? null : el("form", { method: "post", action: "/logout", cls: "logout" },
      el("input", { type: "hidden", name: "csrf", value: SRV.csrf }), el("button", { type: "submit", text: t("srv_logout") }));
    add(document.querySelector("header.top"), el("span", { cls: "session" }, who, out));
  }
  var gen = document.getElementById("generated");
  if (gen && D.started_at) gen.textContent = gen.getAttribute("data-template").split("{started_at}").join(localTime(D.started_at));
  // On paper the whole filtered list, not one page of it.
  window.addEventListener("beforeprint", function () { if (listBody) { printing = true; refreshList(); } });
  window.addEventListener("afterprint", function () { if (listBody) { printing = false; refreshList(); } });
  window.addEventListener("hashchange", route);
  route();
})();
