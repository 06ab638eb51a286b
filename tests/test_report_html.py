"""report.html for daily work (issue #12): filters per finding and in the address, the
start panel, explanations and source lines in place, peer charts among the right peers."""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import chromium_dom

from reports.html import DIST_POINTS, build_payload, render_html
from reports.i18n import STRINGS
from reports.model import ReportInput, fake_report_input

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def embedded_json(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


def replaced(run: ReportInput, **frames) -> ReportInput:
    keys = ("units", "findings", "ranking", "coverage", "features", "manifest", "lang", "peers")
    parts = {k: getattr(run, k) for k in keys}
    parts.update(frames)
    return ReportInput(**parts)


def mixed_run() -> tuple[ReportInput, str, str]:
    """A fake run where unit A has a PCT warning and an ARI error (no PCT error), unit B a
    PCT error; some findings are new, confirmed or dismissed."""
    run = fake_report_input(120)
    ids = run.ranking["unit_id"].to_list()
    a, b = ids[0], ids[1]
    f = run.findings.filter(~pl.col("unit_id").is_in([a, b]))
    row = run.findings.row(0, named=True)

    def one(uid, family, rule, severity):
        return {**row, "unit_id": uid, "family": family, "rule": rule, "severity": severity}

    f = pl.concat(
        [
            pl.DataFrame(
                [
                    one(a, "PCT", "PCT001", "warning"),
                    one(a, "ARI", "ARI001", "error"),
                    one(b, "PCT", "PCT002", "error"),
                ],
                schema=f.schema,
            ),
            f,
        ]
    )
    n = f.height
    f = f.with_columns(
        triage=pl.Series(
            [None if i % 7 else ("dismissed" if i % 14 else "confirmed") for i in range(n)], dtype=pl.String
        ),
        triage_at=pl.lit("2025-03-01T02:00:00+00:00"),
        is_new=pl.Series([i % 5 == 1 for i in range(n)]),
    )
    return replaced(run, findings=f), a, b


def per_finding(findings: pl.DataFrame, **where) -> set[str]:
    cond = pl.lit(True)
    for col, value in where.items():
        cond = cond & (pl.col(col) == value)
    return set(findings.filter(cond)["unit_id"])


def test_payload_keeps_family_and_severity_on_the_same_finding():
    run, a, b = mixed_run()
    data = embedded_json(render_html(run))
    cols, units = data["findings"]["cols"], data["units"]
    uid = {r[0]: r[units["cols"].index("unit_id")] for r in units["rows"]}
    pct_errors = {
        uid[r[cols.index("uidx")]]
        for r in data["findings"]["rows"]
        if r[cols.index("family")] == "PCT" and r[cols.index("severity")] == "error"
    }
    assert pct_errors == per_finding(run.findings, family="PCT", severity="error")
    assert b in pct_errors and a not in pct_errors  # A has PCT and an error, not a PCT error


def test_counts_leave_out_dismissed_findings():
    run, _, _ = mixed_run()
    o = embedded_json(render_html(run))["overview"]
    dismissed = run.findings.filter(pl.col("triage") == "dismissed").height
    assert dismissed and o["dismissed"] == dismissed
    assert o["findings"] == run.findings.height - dismissed
    assert sum(o["severity"].values()) == o["findings"]


def test_units_carry_county_and_kind():
    data = embedded_json(render_html(fake_report_input(40)))
    cols = data["units"]["cols"]
    named = [r for r in data["units"]["rows"] if r[cols.index("unit_name")]]
    assert all(r[cols.index("unit_name")].startswith(r[cols.index("county")]) for r in named)
    kinds = {r[cols.index("kind")] for r in named}
    assert kinds <= {"学校", "医疗卫生", "街道", "乡镇", "局委办", "其他"} and len(kinds) >= 3


def test_rule_explanations_come_from_the_catalog():
    run = fake_report_input(30)
    data = embedded_json(render_html(run))
    assert set(data["rules"]) == set(run.findings["rule"].unique())
    doc = data["rules"].get("PCT002") or next(iter(data["rules"].values()))
    assert "会被标记的例子" in doc and "====" not in doc
    en = embedded_json(render_html(replaced(run, lang="en")))
    assert any("Flagged example" in d for d in en["rules"].values())


def test_a_readers_bilingual_reason_is_shown_in_the_reports_language():
    run = fake_report_input(30)
    reason = "旧版 Word (.doc)，请另存为 .docx 或 PDF / legacy Word .doc: save as .docx or PDF"
    units = run.units.with_columns(
        parse_error=pl.when(pl.col("parse_status") == "failed").then(pl.lit(reason)).otherwise(pl.col("parse_error"))
    )
    for lang, kept, gone in (("zh", "请另存为", "save as"), ("en", "save as", "请另存为")):
        data = embedded_json(render_html(replaced(run, units=units, lang=lang)))
        cols = data["units"]["cols"]
        shown = [
            r[cols.index("parse_error")] for r in data["units"]["rows"] if r[cols.index("parse_status")] == "failed"
        ]
        assert shown and all(kept in e and gone not in e for e in shown)


def test_source_lines_around_the_evidence(tmp_path):
    src = tmp_path / "单位.txt"
    lines = [f"第{i}行 文字" for i in range(1, 21)]
    lines[9] = "会议费2.68万元，较上年2.70万元减少0.19万元<script>alert(1)</script>"
    src.write_text("\n".join(lines) + "\n", encoding="gb18030")  # read as the parser reads it
    run = fake_report_input(10)
    uid = run.ranking["unit_id"][0]
    f = (
        run.findings.filter(pl.col("unit_id") == uid)
        .head(1)
        .with_columns(source_path=pl.lit(str(src)), line=pl.lit(10, pl.Int64), stated=pl.lit("减少0.19万元"))
    )
    page = render_html(replaced(run, findings=f))
    assert "<script>alert" not in page
    data = embedded_json(page)
    cols = data["findings"]["cols"]
    ex = data["findings"]["rows"][0][cols.index("ex")]
    first, shown = data["excerpts"][ex]
    assert first == 7 and len(shown) == 7  # three lines either side
    assert shown[3] == lines[9]


def test_cpy_finding_links_the_other_unit():
    run = fake_report_input(20)
    ids = run.ranking["unit_id"].to_list()
    other_path = run.units.filter(pl.col("unit_id") == ids[3])["source_path"][0]
    f = (
        run.findings.filter(pl.col("unit_id") == ids[0])
        .head(1)
        .with_columns(
            family=pl.lit("CPY"),
            rule=pl.lit("CPY003"),
            evidence=pl.lit(f"「某单位」另有公开说明：{other_path}"),
        )
    )
    data = embedded_json(render_html(replaced(run, findings=f)))
    cols = data["findings"]["cols"]
    other = data["findings"]["rows"][0][cols.index("other")]
    assert data["units"]["rows"][other][data["units"]["cols"].index("unit_id")] == ids[3]


def test_fallback_peer_group_drawn_among_its_members():
    """A unit compared within a coarser group is drawn among that group's units at any
    level, not among the few whose finest group happens to be that one."""
    uids = [f"u{i:02d}" for i in range(12)]
    # u00 alone in its finest group, so its figure falls back to 全部 (all 12 units);
    # the others are compared within their own group "A".
    features = pl.DataFrame(
        {
            "unit_id": uids,
            "feature": ["sangong_share"] * 12,
            "value": [0.05] + [0.01 + 0.001 * i for i in range(11)],
            "peer_group": ["全部"] + ["A"] * 11,
            "peer_median": [0.015] + [0.015] * 11,
            "peer_mad": [0.003] * 12,
            "robust_z": [8.0] + [0.1] * 11,
            "peer_n": [12] + [11] * 11,
            "peer_q90": [0.02] + [0.02] * 11,
        }
    )
    peers = pl.DataFrame(
        {
            "unit_id": uids,
            "peer_kind": ["bureau"] * 12,
            "peer_class": ["X"] * 12,
            "peer_l0": ["B"] + ["A"] * 11,
            "peer_l1": ["B"] + ["A"] * 11,
            "peer_l2": ["局委办"] * 12,
            "peer_l3": ["X"] * 12,
            "peer_l4": ["全部"] * 12,
        }
    )
    run = fake_report_input(12)
    units = run.units.with_columns(unit_id=pl.Series(uids), parse_status=pl.lit("ok"))
    ranking = run.ranking.with_columns(unit_id=pl.Series(uids))
    data = build_payload(replaced(run, units=units, ranking=ranking, features=features, peers=peers))
    row = next(r for r in data["features"]["rows"] if r[0] == 0)
    n, values = data["dists"][row[6]]
    assert row[9] == "全部" and n == 12 and len(values) == 12  # not 1
    assert row[7] == 0.02  # the group's 90th percentile, marked on the chart
    without = build_payload(replaced(run, units=units, ranking=ranking, features=features, peers=None))
    assert without["dists"][next(r for r in without["features"]["rows"] if r[0] == 0)[6]][0] == 1


def test_a_large_groups_distribution_keeps_evenly_spaced_values():
    """A group of more values than DIST_POINTS is drawn from DIST_POINTS of them, at the
    positions round(i * (n - 1) / (DIST_POINTS - 1)) of the sorted values (half to even,
    as Python rounds), each to 4 significant digits; a smaller group keeps every value."""
    n = 3 * DIST_POINTS + 2
    uids = [f"u{i:03d}" for i in range(n)]
    values = [1000.0 / (7 + (i * 37) % n) for i in range(n)]  # unsorted, not round
    features = pl.DataFrame(
        {
            "unit_id": uids * 2,
            "feature": ["sangong_share"] * n + ["vacancy_rate"] * n,
            "value": values + [None] * (n - 5) + [0.1, 0.2, 0.3, 0.4, 0.5],
            "peer_group": ["全部"] * (2 * n),
            "peer_median": [1.0] * (2 * n),
            "peer_mad": [0.5] * (2 * n),
            "robust_z": [float(i) for i in range(n)] + [None] * (n - 5) + [1.0] * 5,
            "peer_n": [n] * n + [5] * n,
            "peer_q90": [2.0] * (2 * n),
        }
    )
    run = fake_report_input(n)
    units = run.units.with_columns(unit_id=pl.Series(uids), parse_status=pl.lit("ok"))
    ranking = run.ranking.with_columns(unit_id=pl.Series(uids))
    data = build_payload(replaced(run, units=units, ranking=ranking, features=features, peers=None))
    ordered = sorted(values)
    expected = [float(f"{ordered[round(i * (n - 1) / (DIST_POINTS - 1))]:.4g}") for i in range(DIST_POINTS)]
    assert [n, expected] in data["dists"]
    assert [5, [0.1, 0.2, 0.3, 0.4, 0.5]] in data["dists"]
    rows = data["features"]["rows"]
    assert {data["dists"][r[6]][0] for r in rows} == {n, 5}


def test_a_units_charts_are_its_features_furthest_above_its_peers():
    """TOP_FEATURES per unit, by upper_z (else |robust_z|) as shown (6 significant
    digits), ties in the frame's order; a feature without a finite value or robust_z is
    not charted."""
    feats = ["f1", "f2", "f3", "f4", "f5", "f6"]
    features = pl.DataFrame(
        {
            "unit_id": ["u0"] * 6 + ["u1"],
            "feature": feats + ["f1"],
            "value": [1.0, 2.0, 3.0, float("inf"), 5.0, 6.0, 1.0],
            "peer_group": ["全部"] * 7,
            "peer_median": [1.0] * 7,
            "peer_mad": [0.5] * 7,
            "robust_z": [1.0, -9.0, 2.0, 8.0, 3.0, None, 0.5],
            "peer_n": [2] * 7,
            "peer_q90": [2.0] * 7,
            # f3 and f5 tie once shown (6 significant digits): f3 comes first, as given.
            "upper_z": [None, None, 4.0000001, 9.0, 4.0000002, 7.0, None],
        }
    )
    run = fake_report_input(2)
    units = run.units.with_columns(unit_id=pl.Series(["u0", "u1"]), parse_status=pl.lit("ok"))
    ranking = run.ranking.with_columns(unit_id=pl.Series(["u0", "u1"]))
    data = build_payload(replaced(run, units=units, ranking=ranking, features=features, peers=None))
    order = {u: data["units"]["rows"][u][data["units"]["cols"].index("unit_id")] for u in (0, 1)}
    charted = {order[u]: [r for r in data["features"]["rows"] if r[0] == u] for u in (0, 1)}
    names = {i: n for i, n in enumerate(sorted({"f1", "f2", "f3", "f5"}))}
    assert [names[r[1]] for r in charted["u0"]] == ["f2", "f3", "f5", "f1"]
    assert [names[r[1]] for r in charted["u1"]] == ["f1"]


def test_a_run_with_nothing_to_chart_still_has_its_page():
    """Every unit without a finite figure (every file failed, say): no charts, no error."""
    features = pl.DataFrame(
        {
            "unit_id": ["u0", "u1"],
            "feature": ["f1", "f1"],
            "value": [None, float("nan")],
            "peer_group": [None, "全部"],
            "peer_median": [None, None],
            "peer_mad": [None, None],
            "robust_z": [None, 1.0],
            "peer_n": [None, None],
            "peer_q90": [None, None],
            "upper_z": [None, None],
        },
        schema_overrides={"peer_group": pl.String, "peer_n": pl.Int64, "value": pl.Float64},
    )
    run = fake_report_input(2)
    units = run.units.with_columns(unit_id=pl.Series(["u0", "u1"]))
    ranking = run.ranking.with_columns(unit_id=pl.Series(["u0", "u1"]))
    data = build_payload(replaced(run, units=units, ranking=ranking, features=features, peers=None))
    assert data["features"]["rows"] == [] and data["dists"] == []
    assert "report-data" in render_html(replaced(run, units=units, ranking=ranking, features=features))


def test_new_strings_in_both_languages():
    assert set(STRINGS["zh"]) == set(STRINGS["en"])
    for key in ("start_here", "why", "export_csv", "peer_q90", "money"):
        assert STRINGS["zh"][key] and STRINGS["en"][key] and STRINGS["zh"][key] != STRINGS["en"][key]


# ---------------------------------------------------------------- in a real browser

PROBE = """<script>
(function () {
  var out = {errors: window.__errors};
  function ids() {
    return Array.prototype.map.call(document.querySelectorAll("#ranking tbody tr.lead"), function (r) { return r.getAttribute("data-unit"); });
  }
  function count() { return Number(document.querySelector("#ranking table.list").getAttribute("data-count")); }
  function set(key, value) {
    var s = document.querySelector('#ranking [data-filter="' + key + '"]');
    s.value = value; s.dispatchEvent(new Event(s.tagName === "INPUT" ? "input" : "change"));
  }
  function values() {
    var v = {};
    Array.prototype.forEach.call(document.querySelectorAll("#ranking [data-filter]"), function (s) { v[s.getAttribute("data-filter")] = s.value; });
    return v;
  }
  try {
    out.start = document.querySelector("#start") ? document.querySelector("#start").textContent : null;
    out.first_lead_files = !!document.querySelector("#start ol.leads li.lead-files:first-child");
    if (window.__phase === 1) {
      document.querySelectorAll("#ranking .pager button")[2].click();  // every row on one page
      set("fam", "PCT"); set("sev", "error");
      out.pct_error = ids(); out.pct_error_n = count(); out.hash = location.hash;
      set("fam", ""); set("sev", ""); set("tri", "dismissed"); out.dismissed = ids(); set("tri", "");
      set("isnew", "1"); out.is_new = ids(); set("isnew", "");
      set("q", "pct002"); out.q_rule = ids(); set("q", "");
      set("fam", "PCT"); set("sev", "error");
      var blobs = [];
      URL.createObjectURL = function (b) { blobs.push(b); return "blob:probe"; };
      HTMLAnchorElement.prototype.click = function () {};
      Array.prototype.filter.call(document.querySelectorAll("#ranking button"), function (b) { return b.classList.contains("export"); })[0].click();
      blobs[0].arrayBuffer().then(function (buf) {
        var bytes = new Uint8Array(buf);
        out.csv_bom = bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF;
        out.csv = new TextDecoder().decode(buf);
        location.hash = document.querySelector("#ranking tbody tr.lead a").getAttribute("href");
        setTimeout(function () {
          var next = document.querySelector(".unitnav a.next-lead");
          out.next = next ? new URLSearchParams(next.getAttribute("href").slice(1)).get("unit") : null;
          out.unit_hash = location.hash;
          out.why = document.querySelectorAll("details.why").length;
          document.body.setAttribute("data-probe", JSON.stringify(out));
        }, 50);
      });
      return;
    }
    out.values = values(); out.ids = ids(); out.n = count(); out.hash = location.hash;
  } catch (e) { out.errors.push(String(e)); }
  document.body.setAttribute("data-probe", JSON.stringify(out));
})();
</script>"""


def probe(page: str, tmp_path: Path, phase: int, hash_: str = "") -> dict:
    page = page.replace(
        '<script type="application/json"',
        f"<script>window.__phase = {phase}; window.__errors = [];"
        "window.onerror = function (m) { window.__errors.push(String(m)); };</script>\n"
        '<script type="application/json"',
        1,
    ).replace("</body>", PROBE + "</body>")
    path = tmp_path / f"probe{phase}.html"
    path.write_text(page, encoding="utf-8")
    dom = chromium_dom(path.as_uri() + hash_, tmp_path / f"profile{phase}", CHROMIUM)
    m = re.search(r'data-probe="([^"]*)"', dom)
    assert m, dom[-2000:]
    out = json.loads(html_lib.unescape(m.group(1)))
    assert out["errors"] == []
    return out


@pytest.mark.skipif(not CHROMIUM, reason="needs chromium (apt-get install chromium) for the browser test")
def test_filters_per_finding_and_in_the_address(tmp_path):
    run, a, b = mixed_run()
    page = render_html(run)
    one = probe(page, tmp_path, 1)
    f = run.findings
    # Family and severity hold for the same finding.
    expected = per_finding(f, family="PCT", severity="error")
    assert set(one["pct_error"]) == expected and one["pct_error_n"] == len(expected)
    assert b in one["pct_error"] and a not in one["pct_error"]
    assert set(one["dismissed"]) == per_finding(f, triage="dismissed")
    assert set(one["is_new"]) == per_finding(f, is_new=True)
    # Search finds rule codes, in the findings and in the reasons.
    in_reasons = set(run.ranking.filter(pl.col("reasons").str.contains("PCT002"))["unit_id"])
    assert set(one["q_rule"]) == per_finding(f, rule="PCT002") | in_reasons
    # The state is in the address: the same link opens the same list.
    assert "fam=PCT" in one["hash"] and "sev=error" in one["hash"]
    two = probe(page, tmp_path, 2, one["hash"])
    assert two["values"]["fam"] == "PCT" and two["values"]["sev"] == "error"
    assert two["ids"] == one["pct_error"] and two["n"] == one["pct_error_n"]
    # The export is the filtered list, UTF-8 with a BOM.
    assert one["csv_bom"]
    rows = one["csv"].lstrip("\ufeff").strip().split("\r\n")
    assert len(rows) == 1 + len(expected)
    # The next lead follows the filtered list; the unit page keeps the filters.
    assert one["next"] == one["pct_error"][1]
    assert "fam=PCT" in one["unit_hash"]
    assert one["why"] >= 1
    # Start here: the unreadable files first, then the top leads.
    assert one["first_lead_files"]
