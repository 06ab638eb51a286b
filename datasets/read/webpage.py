"""Web pages (.html, .htm) into the Document shape: narrative lines and tables as rows.

Built on selectolax's Lexbor engine (MIT; a C HTML5 parser in a wheel): it parses a
page as a browser does (unclosed tags, stray markup, the tag soup of old county sites)
and is several times faster than lxml.html or BeautifulSoup, which matters for a
nightly run over thousands of pages.

- Bytes are decoded by their BOM, else by the page's ``<meta charset>`` (GB2312 and
  GBK are read as their superset GB18030), else as UTF-8, else as GB18030.
- Scripts, styles, forms' controls and the site's navigation (nav; header and footer
  outside the article) are dropped, and so is anything marked hidden.
- Narrative: the text of block elements (p, div, h1-h6, li, …) in document order, one
  line per block, ``<br>`` a line break; a blank line between blocks, as in the text
  conversions.
- A ``<table>`` is a table: rowspan and colspan are honoured, a spanning cell's text
  in its first row and column with empty cells after and below it (the text files'
  shape, see datasets.read.cells). A table holding another table is a layout table
  (old sites place the whole page in one): its cells are read as narrative, the
  tables inside them as tables.
"""

from __future__ import annotations

import codecs
import re

from selectolax.lexbor import LexborHTMLParser

from datasets.read.cells import clean, table_lines
from datasets.read.document import Document, UnreadableFile

MAX_COLS = 256  # a budget table has at most tens of columns; colspan is capped here
MAX_CELLS = 500_000  # per table
_DROP = "script, style, noscript, template, iframe, object, embed, svg, select, button, nav, head"
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "footer", "hgroup", "hr", "html", "legend", "li", "main", "menu", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "thead", "tfoot", "tr", "td", "th", "ul",
}  # fmt: skip
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CHINESE = {"utf-8", "gb18030", "big5", "big5-hkscs"}
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "936", "euc-cn", "hz-gb-2312", "gb_2312-80", "csgb2312"}


def decode_html(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, problems) for a page's bytes."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), codec, []
    m = _META_CHARSET.search(data[:8192])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in _GB:
        declared = "gb18030"
    elif declared in ("utf8", "unicode", "utf-16"):  # a page saved as UTF-8 still says "unicode" at times
        declared = "utf-8"
    # A declared Chinese or Unicode charset first; a page that declares a Western one
    # (a template's leftover) is tried as UTF-8 and GB18030 before taking it at its word.
    order = (declared, "utf-8", "gb18030") if declared in _CHINESE else ("utf-8", "gb18030", declared)
    tried = []
    for codec in order:
        if not codec or codec in tried:
            continue
        tried.append(codec)
        try:
            return data.decode(codec), codec, []
        except (UnicodeDecodeError, LookupError):
            continue
    codec = declared if declared and _known(declared) else "utf-8"
    problems = [f"网页编码有误，部分文字无法解码（按 {codec} 读取）/ page not valid {codec}: some characters replaced"]
    return data.decode(codec, errors="replace"), codec, problems


def _known(codec: str) -> bool:
    try:
        codecs.lookup(codec)
        return True
    except LookupError:
        return False


def read_html(data: bytes) -> Document:
    if not data.strip():
        raise UnreadableFile("空文件 / empty file")
    text, encoding, problems = decode_html(data)
    tree = LexborHTMLParser(text)
    for node in tree.css(_DROP):
        node.decompose()
    for node in tree.css("header, footer"):
        if not _inside(node, ("article", "main")):
            node.decompose()
    root = tree.body or tree.root
    flow = _Flow(problems)
    try:
        lines = flow.read(root) if root is not None else []
    except Exception as exc:  # keep what was read before the odd part
        flow._flush()
        lines = flow.lines
        reason = (str(exc) or type(exc).__name__).splitlines()[0][:200]
        problems.append(f"网页部分内容无法读取 / part of the page unreadable ({reason})")
    while lines and not lines[-1]:
        lines.pop()
    if not any(lines):
        raise UnreadableFile("网页没有文字内容 / web page without text")
    return Document(text="\n".join(lines), format="html", encoding=encoding, problems=problems)


def _inside(node, tags: tuple[str, ...]) -> bool:
    p = node.parent
    while p is not None:
        if p.tag in tags:
            return True
        p = p.parent
    return False


def _hidden(node) -> bool:
    attrs = node.attributes
    return "hidden" in attrs or bool(_HIDDEN_STYLE.search(attrs.get("style") or ""))


def _own_rows(table) -> list:
    """The rows of this table, not of the tables inside it."""
    rows = []
    for child in _children(table):
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in _children(child) if c.tag == "tr")
    return rows


def _children(node):
    child = node.first_child
    while child is not None:
        yield child
        child = child.next


def _holds_table(table) -> bool:
    """Whether a table has another table inside it (a layout table)."""
    return any(child.is_element_node and child.css_first("table") is not None for child in _children(table))


def _span(value: str | None, default: int, cap: int) -> int:
    try:
        n = int(re.match(r"\s*(\d+)", value or "").group(1))
    except (AttributeError, ValueError):
        return default
    return min(n, cap) if n > 0 else default


class _Flow:
    """A walk over the page in document order, collecting lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        self.lines: list[str] = []
        self.parts: list[str] = []

    def read(self, root) -> list[str]:
        self._walk(root, self.parts, self._table)
        self._flush()
        return self.lines

    def _flush(self, blank: bool = False) -> None:
        s = clean("".join(self.parts))
        self.parts.clear()
        if s:
            self.lines.append(s)
        if blank and self.lines and self.lines[-1]:
            self.lines.append("")

    def _walk(self, root, parts: list[str], on_table) -> None:
        """Text into `parts`; a line break is a "\n" part (for the page, a flush)."""
        stack = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            tag = node.tag
            if leaving:
                self._break(parts, blank=True)
                continue
            if node.is_text_node:
                parts.append(node.text_content or "")
                continue
            if not node.is_element_node or _hidden(node):
                continue
            if tag == "br":
                self._break(parts)
                continue
            if tag == "table" and on_table is not None and not _holds_table(node):
                self._break(parts, blank=True)
                on_table(node)
                continue
            if tag in _BLOCK:
                self._break(parts, blank=True)
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(list(_children(node))))

    def _break(self, parts: list[str], blank: bool = False) -> None:
        if parts is self.parts:
            self._flush(blank)
        elif parts and parts[-1] != "\n":
            parts.append("\n")

    def _table(self, table) -> None:
        rows = _own_rows(table)
        grid: list[list[str]] = []
        below: dict[tuple[int, int], bool] = {}  # cells covered by a rowspan from above
        cells = 0
        for r, tr in enumerate(rows):
            row: list[str] = []
            c = 0
            for cell in _children(tr):
                if cell.tag not in ("td", "th") or _hidden(cell):
                    continue
                while (r, c) in below:
                    c += 1
                colspan = _span(cell.attributes.get("colspan"), 1, MAX_COLS)
                rowspan = _span(cell.attributes.get("rowspan"), 1, len(rows) - r)
                if cell.attributes.get("rowspan", "").strip() == "0":
                    rowspan = len(rows) - r  # to the end of the table
                if c >= MAX_COLS or cells > MAX_CELLS:
                    continue
                parts: list[str] = []
                self._walk(cell, parts, None)
                row.extend([""] * (c - len(row)))
                row.extend([clean("".join(parts))] + [""] * (colspan - 1))
                for k in range(1, rowspan):
                    for j in range(c, c + colspan):
                        below[(r + k, j)] = True
                c += colspan
                cells += colspan * rowspan
            grid.append(row)
        if cells > MAX_CELLS:
            self.problems.append(
                f"网页表格过大，只读了前 {MAX_CELLS} 个单元格 / table too large: first {MAX_CELLS} cells read"
            )
        caption = next((c for c in _children(table) if c.tag == "caption"), None)
        if caption is not None:
            parts = []
            self._walk(caption, parts, None)
            s = clean("".join(parts))
            if s:
                self.lines.append(s)
        lines = table_lines(grid)
        if lines:
            self.lines.extend(lines)
            self.lines.append("")
