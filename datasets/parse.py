"""One disclosure's text into rows of the frames (see datasets.frames)."""

from __future__ import annotations

import hashlib
import re

from datasets import narrative, roles, tables
from datasets.copykeys import copy_marks
from datasets.placeholders import PLACEHOLDER_HINT, placeholders_of
from datasets.read import Document, UnreadableFile, read_document
from datasets.read.sources import Source, name_of, read_bytes
from datasets.text import HEADING, WIDTH_TABLE, is_table_row, normalize, paragraphs, split_lines
from datasets.vocabulary import SECTIONS, SOURCE_LABEL

_NAME_LINE = re.compile(r"^\s*(?:单位名称|部门名称|部门\(单位\)名称|预算单位)\s*[:：]\s*(\S.*?)\s*$")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?\s*(?:单位|部门)?\s*(?:综合)?\s*(预算|决算)")
_SUFFIX = re.compile(r"\s*[(（](?:本级|机关|汇总)[)）]\s*$")
_SPACES = re.compile(r"\s+")
_TABLE_LINE = re.compile(r"^\s*(?:附)?表\s*[\d一二三四五六七八九十]")
_PART_NO = re.compile(r"[(（]\s*(\d{1,2})\s*[)）]\s*$")
# A website's frame printed with the disclosure (a county portal's footer: 主办单位,
# 网站标识码, ICP 备案; kept by a reader of the page, or printed to PDF with it): the
# site's, not the unit's text. Its host's name is no other unit's name left in (CPY003).
# Plainly 网站标识码|ICP\s*备|公网安备|版权所有|(?:主办|承办)单位\s*:|技术支持\s*:, each
# alternative opened by one character class, which the regex engine scans for 4x faster.
_SITE_FRAME = re.compile(
    r"[网I公版主承技](?:(?<=网)站标识码|(?<=I)CP\s*备|(?<=公)网安备|(?<=版)权所有|(?<=[主承])办单位\s*:|(?<=技)术支持\s*:)"
)
SITE_FRAME_TAIL = 2000  # characters at a text's end where a page's footer is looked for
_NOTHING = {"claims": [], "cells": {}, "tables": {}, "toc": [], "marks": [], "pages": [], "places": []}


def parse_bytes(data: bytes, name: str = "") -> dict:
    """Parse a file's bytes (any format read by datasets.read). Returns {"unit": {...},
    "claims": [...], "cells": {column: [...]}, "tables": {column: [...]}, "toc": [...],
    "marks": [...], "pages": [...], "document": Document}: rows as dicts; the tables'
    cells as read and the tables (the bulk) as column lists, turned into long-form cells
    a batch of documents at a time (datasets.corpus.collect); the document as read, for
    a joined reading (datasets.bundles). Unreadable input gives parse_status failed."""
    try:
        doc = read_document(data, name)
    except UnreadableFile as exc:
        return {"unit": {"parse_status": "failed", "parse_error": str(exc), "encoding": None}, **_NOTHING}
    return parse_document(doc) | {"document": doc}


def parse_document(doc: Document) -> dict:
    out = parse_text(doc.text, partial=bool(doc.problems))
    unit = out["unit"]
    unit.update(encoding=doc.encoding, format=doc.format, pages=doc.pages, notes="; ".join(doc.notes) or None)
    if doc.line_pages is not None:
        pages = doc.line_pages
        n = len(pages)

        def page_of(line: int | None) -> int | None:
            return pages[min(line, n) - 1] if line else None

        for name in ("claims", "toc", "marks"):
            for row in out[name]:
                row["page"] = page_of(row["line"])
        out["cells"]["rows"]["page"] = [page_of(line) for line in out["cells"]["rows"]["line"]]
        # First line of each page, for locating findings (join on the nearest line before).
        out["pages"] = [{"page": pg, "first_line": i + 1} for i, pg in enumerate(pages) if i == 0 or pages[i - 1] != pg]
    if doc.line_places is not None:  # a workbook: the sheet and row of each line
        out["places"] = [{"line": i + 1, "place": pl} for i, pl in enumerate(doc.line_places) if pl]
    # A table the reader left unread (its layout had no reading that adds up) shows no
    # figures: a plain-list 目录 must not take it for declared empty.
    unread = [p for p in doc.problems if "not read" in p]
    for d in out["toc"] if unread else []:
        if d.get("declared_empty") and not d.get("reason"):
            names = [n for n in (d.get("title"), d.get("table_id")) if n]
            if any(n in p for n in names for p in unread):
                d["declared_empty"] = False
    if doc.notes and unit["parse_status"] == "failed":  # what the reader made of the file explains the failure
        unit["parse_error"] = "; ".join([*doc.notes, unit["parse_error"]])
    if doc.problems and unit["parse_status"] != "failed":
        unit["parse_status"] = "partial"
        unit["parse_error"] = "; ".join(filter(None, [unit.get("parse_error"), *doc.problems]))
    return out


_INDICATOR_HEADER = re.compile(r"一级指标|二级指标")
INDICATORS_GAP = 8  # lines at most between a 绩效目标表 and its indicators cut from it


def _indicators_below(table: dict, rows: list[list[str]], start: int) -> bool:
    """Whether a table of neither id nor title starting on line `start` is the rest of
    `table` (pending) right above it: a performance table's indicators, under their
    header (一级指标 二级指标 …)."""
    return (
        table["keep_text"]
        and start - table["end"] <= INDICATORS_GAP
        and bool(rows)
        and bool(_INDICATOR_HEADER.search("".join(rows[0])))
    )


def parse_text(text: str, partial: bool = False) -> dict:
    """`partial`: the reader left part of the text unread (Document.problems)."""
    original = split_lines(text)
    normalized = normalize(text)
    norm = split_lines(normalized)
    # (Substring tests first: most lines are prose, and few rows hold 单位 or 表.)
    is_row = [
        ("\t" in s or "|" in s)
        and is_table_row(s)
        and not ("单位" in s and tables.caption_row(s))
        and not ("表" in s and tables.heading_row(s))
        for s in norm
    ]

    # Tables first: they decide which lines are prose.
    read: dict[str, dict[str, list]] = {  # the tables' rows and filled cells (see tables.add_cells)
        "rows": {k: [] for k in ("t", "row", "line", "length", "head")},
        "filled": {k: [] for k in tables.FILLED},
    }
    toc: list[dict] = []
    pending: list[dict] = []  # tables without an id, matched to the 目录 by title
    prose = [not r for r in is_row]
    if _SITE_FRAME.search(normalized, len(normalized) - SITE_FRAME_TAIL):  # most texts end without one
        for k, s in enumerate(norm):
            if len(s) <= 100 and _SITE_FRAME.search(s):
                prose[k] = False
    prev_end = 0
    for start, end in tables.blocks(norm, is_row):
        line_idx = [
            k for k in range(start, end) if is_row[k] and not ("--" in norm[k] and tables._MD_RULE.match(norm[k]))
        ]
        rows = [tables.split_row(norm[k]) for k in line_idx]
        # The printed cells; most rows need no second split (nothing was normalised).
        raw_rows = [row if original[k] == norm[k] else tables.split_row(original[k]) for k, row in zip(line_idx, rows)]
        rows, raw_rows, line_idx = tables.current_first(rows, raw_rows, line_idx)
        if len(rows) == 1 and tables.toc_heading(rows[0]):
            continue  # a heading, not a table
        tid, title, unit = tables.context_of(norm, start, prev_end)
        if title is None and len(rows) > 1 and tables.title_row(rows[0]):
            # A title a PDF reader took for the table's first row (centred above a
            # table ruled only top and bottom): the table's title, not a row.
            title = next(c for c in rows[0] if c)
            rows, raw_rows, line_idx = rows[1:], raw_rows[1:], line_idx[1:]
        prev_end = end
        declared = tables.toc_rows(rows)
        if declared:
            for d in declared:
                d["line"] = line_idx[d.pop("row")] + 1
            toc.extend(declared)
            continue
        # Lines used as the table's id and title are not prose.
        for k in range(max(0, start - 6), start):
            if tables._TABLE_ID.match(norm[k].strip()) or tables._UNIT_LINE.search(norm[k]):
                prose[k] = False
        if tid is None and title is None and pending and _indicators_below(pending[-1], rows, start):
            # A 绩效目标表's indicators cut from it (by a page break and the spill of a
            # cell above them): the rest of that table, its rows numbered on.
            last = pending[-1]
            tables.add_cells(read, len(pending) - 1, rows, raw_rows, line_idx, first_row=len(last["rows"]))
            last["rows"] = last["rows"] + rows
            last["filled"] = last["filled"] or any(map(any, rows))
            last["end"] = end
            continue
        performance = (tid or "").startswith(("表13", "表14", "表15")) or "绩效" in (title or "")
        tables.add_cells(read, len(pending), rows, raw_rows, line_idx)
        pending.append(
            {
                "table_id": tid,
                "table_title": title,
                "unit": unit or tables.header_unit(rows, title),
                "keep_text": performance,
                "filled": any(map(any, rows)),  # a filled cell: the table has cells in the long form
                "rows": rows,
                "note": _note_after(norm, end),
                "end": end,
            }
        )

    if not toc:  # a 目录 printed as a plain list of the tables (the 财政部 template)
        toc = tables.toc_lines(norm, [not r for r in is_row])
        for d in toc:
            prose[d["line"] - 1] = False
        listed = {d["table_id"]: d for d in toc}
        by_key = {tables.title_key(d["title"]): d for d in toc}
        for entry in pending:  # the list does not say which tables are empty: the tables do
            d = listed.get(entry["table_id"] or "") or by_key.get(tables.title_key(entry["table_title"]))
            if d is not None and not tables.has_figures(entry["rows"]):
                d["declared_empty"], d["reason"] = True, entry["note"]
        found = {e["table_id"] for e in pending} | {tables.title_key(e["table_title"]) for e in pending}
        for d in toc:
            if d["table_id"] not in found and tables.title_key(d["title"]) not in found:
                d["declared_empty"], d["reason"] = _printed_empty(norm, d, toc[-1]["line"])

    by_title = {tables.title_key(t["title"]): t["table_id"] for t in toc}
    n_unnamed = 0
    table_rows: dict[str, list] = {
        k: [] for k in ("t", "table_id", "table_printed", "table_title", "table_unit", "keep_text")
    }
    for t, entry in enumerate(pending):
        tid = entry["table_id"]
        if tid is None:
            key = tables.title_key(entry["table_title"])
            tid = by_title.get(key) or next(
                (v for k, v in by_title.items() if key and k and (k.endswith(key) or key.endswith(k))), None
            )
            # 目录's 表13 绩效目标表 printed as …目标表（1）, …（2）: one per project, 表13-1, 表13-2.
            part = _PART_NO.search(entry["table_title"] or "")
            if tid is not None and part and "-" not in tid:
                tid = f"{tid}-{part.group(1)}"
        if tid is None:
            n_unnamed += 1
            tid = f"表?{n_unnamed}"
        # Checks read a table by its role (the seed template's id for it), whatever its number.
        table_rows["t"].append(t)
        table_rows["table_id"].append(roles.canonical(tid, entry["table_title"]))
        table_rows["table_printed"].append(tid)
        table_rows["table_title"].append(entry["table_title"])
        table_rows["table_unit"].append(entry["unit"])
        table_rows["keep_text"].append(entry["keep_text"])
    # The roles of the tables with cells (an empty markdown table has none).
    roles_read = [tid for tid, e in zip(table_rows["table_id"], pending) if e["filled"]]

    # Narrative.
    claims: list[dict] = []
    marks: list[dict] = []
    prose_text: list[tuple] = []  # (text, paragraph, line): copy keys once the unit's name is known
    section = None
    for par in paragraphs(norm, prose):
        head = par.text[:40]
        if HEADING.match(par.text) and len(par.text) <= 40:
            section = _SPACES.sub("", par.text)
            for key, pattern in SECTIONS:
                if pattern.search(par.text):
                    marks.append(
                        {
                            "kind": "section",
                            "key": key,
                            "text": par.quote(0, len(par.text), original),
                            "line": par.lines[0] + 1,
                        }
                    )
            continue
        if head.startswith("第") and "部分" in head[:6]:
            section = _SPACES.sub("", par.text)
        found = narrative.claims_of(par, section)
        if "编制" in par.text or "实有" in par.text or "离退休" in par.text or "车辆" in par.text:
            found += narrative.counts_of(par)
        for c in found:
            claims.append(narrative.claim_row(c, par, original))
        prose_text.append((par.text, par, par.lines[0] + 1))

    # Placeholders: substring tests find the few lines worth the regex. They are read
    # before the residue normaliser, which blanks ** as markdown.
    joined = "\n".join(original)
    hinted, at, line = [], 0, 0
    m = PLACEHOLDER_HINT.search(joined)
    while m:
        line += joined.count("\n", at, m.start())
        hinted.append(line)
        at = joined.find("\n", m.start())  # on to the next line
        m = PLACEHOLDER_HINT.search(joined, at) if at >= 0 else None
    for i in hinted:
        for lo, hi, token in placeholders_of(original[i].translate(WIDTH_TABLE)):
            quote = original[i][max(0, lo - 12) : hi + 12].strip()
            marks.append({"kind": "placeholder", "key": token, "text": quote, "line": i + 1})

    unit = _headline(original, norm, claims)
    marks += copy_marks(prose_text, unit["unit_name"], original)
    # n_cells and total_budget_yuan (表1's, else this) come with the long-form cells
    # (datasets.corpus.collect).
    unit.update(
        n_lines=len(original),
        n_claims=len(claims),
        n_tables=len(set(roles_read)),
        narrative_total=_confirmed_total(claims),
    )
    _status(unit, claims, roles_read, toc)
    if partial or unit["parse_status"] == "partial":  # only there does CMP001 read them
        marks += _headings(norm, toc, original)
    return {
        "unit": unit,
        "claims": claims,
        "cells": read,
        "tables": table_rows,
        "toc": toc,
        "marks": marks,
        "pages": [],
        "places": [],
        "lines": original,  # as numbered: the report's excerpts (datasets.excerpts) are taken from them
    }


_TITLE_START = re.compile(r"^\s*(?:(?:19|20)\d{2}\s*年|.*表)")


def _headings(norm: list[str], toc: list[dict], original: list[str]) -> list[dict]:
    """Marks (kind table_heading, key the 目录's id) of the tables printed in the body
    under their id and title, or under a title of the 目录 alone, read or not (in a
    document only partly read, a table a converter jumbled past reading is printed all
    the same: CMP001). The body starts at
    the first id printed a second time after the 目录's first entry: the 目录 prints
    each id once."""
    if not toc:
        return []
    titles = {tables.title_key(d["title"]): d["table_id"] for d in toc if d.get("title")}
    out, seen, body = [], set(), False
    for k in range(toc[0]["line"] - 1, len(norm)):
        if "表" not in norm[k]:
            continue
        if not (m := tables._TABLE_ID.match(norm[k])):
            if body and (tid := titles.get(tables.title_key(norm[k]))):
                out.append({"kind": "table_heading", "key": tid, "text": original[k].strip(), "line": k + 1})
            continue
        title = m.group(3)
        if title is None:  # the title on the next line that has text
            title = next((s for s in norm[k + 1 : k + 3] if s.strip()), "")
            if tables._TABLE_ID.match(title):
                continue
        if not _TITLE_START.match(title):
            continue
        tid = tables.printed_id(m)
        body = body or tid in seen
        seen.add(tid)
        if body:  # the heading's text with its title (CMP001 reads the table's role from it)
            text = original[k].strip() if m.group(3) else f"{original[k].strip()} {title.strip()}"
            out.append({"kind": "table_heading", "key": tid, "text": text, "line": k + 1})
    return out


_EMPTY_NOTE = re.compile(r"^\s*注\s*[:：].*(?:无数据|空表|没有|无此|不涉及|无相关)")


def _printed_empty(norm: list[str], entry: dict, after: int) -> tuple[bool, str | None]:
    """Whether a listed table is printed empty with no rows a reader could split into
    cells (a PDF runs an empty table's header cells together), and the 注 saying why:
    below the 目录, the table's heading, then before the next table a 注…本表无数据 or
    a 合计 with no figure."""
    key = tables.title_key(entry["title"])
    for k in range(after, len(norm)):
        m = tables._TABLE_ID.match(norm[k])
        if not m or tables.printed_id(m) != entry["table_id"]:
            continue
        if m.group(3) and tables.title_key(m.group(3)) != key:
            continue
        total = False
        for j in range(k + 1, min(k + 8, len(norm))):
            s = norm[j].strip()
            if _EMPTY_NOTE.match(s):
                return True, s
            if tables._TABLE_ID.match(s):
                break
            total = total or s in ("合计", "总计")
        return total, None
    return False, None


def _note_after(norm: list[str], end: int) -> str | None:
    """The 注 under a table saying why it is empty (本部门没有…，故本表无数据), if any: the
    first line of text below it (a page break's blank lines, footer and running header
    blanked, may come between)."""
    for k in range(end, min(end + 25, len(norm))):
        s = norm[k].strip()
        if s:
            return s if _EMPTY_NOTE.match(s) else None
    return None


def _headline(original: list[str], norm: list[str], claims: list[dict]) -> dict:
    # Names are matched on the normalised line but taken from the original (same columns):
    # an analyst sees the name as printed, markup included.
    name = year = None
    kind = "budget"
    for i, line in enumerate(norm[:400]):
        m = _NAME_LINE.match(line)
        if m:
            name = _SUFFIX.sub("", original[i][m.start(1) : m.end(1)].strip())
            break
    for i, line in enumerate(norm[:30]):
        m = _TITLE_YEAR.search(line)
        if m:
            year = int(m.group(1))
            kind = "final" if m.group(2) == "决算" else "budget"
            if name is None:
                k, before = i, original[i][: m.start()].strip()
                if not before:  # the name is on the line above the title
                    k = next((k for k in range(i - 1, -1, -1) if norm[k].strip()), -1)
                    before = original[k].strip() if k >= 0 else ""
                name = _SUFFIX.sub("", before.translate(WIDTH_TABLE)) or None
                if name and _TABLE_LINE.match(name):  # a workbook's 表1 above its title is no unit
                    name = None
            break

    def first(item: str, field: str = "current"):
        return next((c[field] for c in claims if c["item"] == item and c[field] is not None), None)

    return {
        "unit_name": name,
        "year": year,
        "doc_kind": kind,
        "staff_authorized": _int(first("staff_authorized")),
        "staff_actual": _int(first("staff_actual")),
        "retirees": _int(first("retirees")),
        "vehicles": _int(first("vehicles")),
        "sangong_total_yuan": _meant_yuan(claims, "sangong"),
        "sangong_prior_yuan": _prior_yuan(claims, "sangong"),
    }


def _confirmed_total(claims: list[dict]) -> float | None:
    """The narrative's budget total where no 表1 is read: the 预算收入 (or 预算支出) that
    the text confirms, by 预算支出 (预算收入) equal to it or by its 其中 sources adding up
    to it; else the first printed. A figure stated once may be the one mistyped."""
    totals = [
        (i, c)
        for i, c in enumerate(claims)
        if c["item"] in ("income_total", "expenditure_total") and c["current_yuan"] is not None
    ]
    if not totals:
        return None

    def slack(c: dict, n: int = 1) -> float:  # n printed figures' rounding, in 元
        return n * 0.5 * 10 ** -(c["current_dec"] or 0) * (c["current_yuan"] / c["current"] if c["current"] else 1)

    for i, c in totals:
        others = [d for _, d in totals if d["item"] != c["item"]]
        if any(abs(d["current_yuan"] - c["current_yuan"]) <= slack(c, 2) for d in others):
            return c["current_yuan"]
        parts = []
        for d in claims[i + 1 :]:
            label = d["label"] or ""
            if d["code"] or d["current_yuan"] is None or not SOURCE_LABEL.search(label) or label.startswith("本单位"):
                break
            parts.append(d["current_yuan"])
        if len(parts) >= 2 and abs(sum(parts) - c["current_yuan"]) <= slack(c, len(parts) + 1):
            return c["current_yuan"]
    return totals[0][1]["current_yuan"]


def _meant_yuan(claims: list[dict], item: str) -> float | None:
    """The item's current figure in 元, read at the scale its paragraph uses.

    A 三公 total printed as 4.45元 among 万元 figures means 4.45万元: the claim keeps the
    figure as printed (and a UNT check reports the slip); the headline keeps the reading
    an analyst would, so that the slip is not counted again as an outlier.
    """
    c = next((c for c in claims if c["item"] == item and c["current_yuan"] is not None), None)
    if c is None:
        return None
    if c["current_unit"] == "元":
        units = [
            u
            for k in claims
            if k["line"] == c["line"]
            for u in (k["current_unit"], k["prior_unit"], k["change_unit"])
            if u
        ]
        if units.count("万元") > units.count("元"):
            return c["current"] * 1e4
    return c["current_yuan"]


def _prior_yuan(claims: list[dict], item: str) -> float | None:
    """Last year's figure: as printed, else implied by the change (较上年减少X) or 持平."""
    c = next((c for c in claims if c["item"] == item and c["current_yuan"] is not None), None)
    if c is None:
        return None
    if c["prior_yuan"] is not None:
        return c["prior_yuan"]
    current = _meant_yuan(claims, item)
    if c["direction"] == "flat" and c["change"] in (None, 0):
        return current
    if c["change_yuan"] is not None and c["direction"] in ("increase", "decrease"):
        sign = -1 if c["direction"] == "increase" else 1
        return round(current + sign * c["change_yuan"], 2)
    return None


def _int(v: float | None) -> int | None:
    return None if v is None else int(v)


def _status(unit: dict, claims: list, roles_read: list[str], toc: list) -> None:
    """ok / partial / failed, with what could not be read ("中文 / English", each half
    whole: reports show one, datasets.read's reasons are written so)."""
    missing = []  # (Chinese, English)
    if unit["unit_name"] is None:
        missing.append(("单位名称", "unit name"))
    if unit["year"] is None:
        missing.append(("预算年度", "year"))
    if unit["staff_authorized"] is None and unit["staff_actual"] is None:
        missing.append(("人员情况", "staff"))
    if not any(c["item"] in ("income_total", "expenditure_total", "fiscal_income", "gpb_expenditure") for c in claims):
        missing.append(("收支总体情况", "budget totals"))
    if unit["sangong_total_yuan"] is None:
        missing.append(("三公经费", "sangong"))
    if "表1" not in roles_read and "决1" not in roles_read:  # 决1: a 决算's 收入支出决算总表
        missing.append(("表1 收支总表", "table 1"))
    if not toc:
        missing.append(("目录", "table of contents"))
    found = len(claims) + len(roles_read) + len(toc)
    if found == 0 or (len(missing) >= 6 and unit["year"] is None):
        unit["parse_status"] = "failed"
        unit["parse_error"] = (
            "不是预算公开文件：未找到预算数字或报表 / not a budget disclosure: no budget figures or tables found"
        )
    elif missing:
        unit["parse_status"] = "partial"
        zh, en = "、".join(z for z, _ in missing), ", ".join(e for _, e in missing)
        unit["parse_error"] = f"未能读取：{zh} / not found: {en}"
        if len(claims) < 5 and roles_read:  # a 报表 file whose 说明 was not found with it
            unit["parse_error"] = "只有报表，没有说明文字 / tables only, no narrative; " + unit["parse_error"]
    else:
        unit["parse_status"], unit["parse_error"] = "ok", None


def parse_path(path: Source) -> dict:
    """Parse one file; an unreadable path gives a failed row, never an exception."""
    try:
        data = read_bytes(path)
    except OSError as exc:
        return {
            "unit": {
                "parse_status": "failed",
                "parse_error": f"无法读取文件 / cannot read file: {exc.strerror or exc}",
                "encoding": None,
            },
            **_NOTHING,
            "sha1": None,
        }
    doc = parse_bytes(data, name_of(path))
    doc["sha1"] = hashlib.sha1(data).hexdigest()
    return doc
