"""Word files (.docx) into the Document shape: paragraphs and tables in document order.

Built on python-docx (MIT): it opens the package (relationships, content types) and
parses document.xml with lxml. Its Document.paragraphs and Document.tables are two
separate lists, so the body's XML children are walked here instead, which keeps a table
between the paragraphs that introduce it (表1, its title, 单位：元) and the ones after
it. A paragraph's text is one compiled XPath query (python-docx's Paragraph.text, a
Python loop over runs, took three times as long on a seed-sized document).

- A paragraph is one line; a line break inside it (Shift+Enter) starts a new line.
  Tabs between a paragraph's words are kept: a paragraph of tab-separated cells is a
  table row laid out with tab stops (what a text saved as Word gives), read like the
  text files' rows; tabs that only indent are dropped. Deleted and
  moved-away text of tracked changes and hidden text are left out. Text in text boxes
  is not read and is noted in the Document's problems.
- A table's merged cells are kept as spans: a gridSpan cell's text then empty cells,
  a vMerge continuation empty (the text stays in the first row of the merge), the
  skipped grid columns of a row (gridBefore, gridAfter) empty. See
  datasets.read.cells for the shape. A table holding another table is a layout table:
  its cells are read as body text, the tables inside them as tables.
- A legacy binary .doc is read by datasets.read.legacy_word (its text and its tables'
  rows, from the OLE container).
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from datasets.read.cells import clean, table_lines
from datasets.read.document import Document, UnreadableFile
from datasets.read.workbook import OLE_MAGIC, encrypted_ooxml

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_UNPACKED = 512 * 2**20  # bytes of XML in a .docx, against zip bombs
_CONTAINERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag", W + "ins", W + "hyperlink"}
_P, _TBL, _TR, _TC, _TC_PR, _VAL = (W + t for t in ("p", "tbl", "tr", "tc", "tcPr", "val"))
_GRID_SPAN, _V_MERGE, _H_MERGE = (W + t for t in ("gridSpan", "vMerge", "hMerge"))
_NS = {"w": W[1:-1], "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
# A paragraph's text in document order: text, and the elements that print as a character.
_TEXT = ".//w:t/text() | .//w:tab | .//w:ptab | .//w:br | .//w:cr | .//w:noBreakHyphen"
_PIECES = etree.XPath(_TEXT, namespaces=_NS, smart_strings=False)
# The same, without deleted and moved-away text (tracked changes), hidden text, text
# boxes and the fallback copies of drawings.
_PIECES_CAREFUL = etree.XPath(
    f"({_TEXT})[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:txbxContent or ancestor::mc:Fallback"
    " or ancestor::w:r[w:rPr/w:vanish[not(@w:val='0' or @w:val='false' or @w:val='off')]])]",
    namespaces=_NS,
    smart_strings=False,
)
_CARE = [W + t for t in ("del", "moveFrom", "txbxContent", "vanish")] + ["{" + _NS["mc"] + "}Fallback"]
_TEXT_BOXES = etree.XPath("boolean(.//w:txbxContent//w:t[normalize-space()])", namespaces=_NS)
_SPECIAL = {W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-", W + "tab": "\t"}  # w:ptab: a space


def read_docx(data: bytes) -> Document:
    if not data.strip():
        raise UnreadableFile("空文件 / empty file")
    if data.startswith(OLE_MAGIC):
        if encrypted_ooxml(data):
            raise UnreadableFile("Word 文件已加密，需要密码 / password-protected Word file")
        from datasets.read.legacy_word import read_doc

        return read_doc(data)
    if data.lstrip().startswith(b"{\\rtf"):
        raise UnreadableFile("RTF 文件，请另存为 .docx 或 PDF / RTF file: save as .docx or PDF")
    if not data.startswith(b"PK"):
        raise UnreadableFile("不是 Word 文件（文件头不对）/ not a Word file (unknown file header)")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except Exception:  # BadZipFile, NotImplementedError, … (zipfile's many)
        raise UnreadableFile("Word 文件已损坏或不完整 / corrupt or truncated Word file (broken zip)") from None
    if not any(i.filename.startswith("word/") for i in infos):
        raise UnreadableFile("压缩包里没有 Word 文档 / a zip archive without a Word document in it")
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise UnreadableFile("Word 文件解压后过大 / Word file too large when unpacked")
    import docx  # python-docx loads only when a Word file comes

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # a broken part or XML: python-docx raises several kinds
        reason = (str(exc) or type(exc).__name__).splitlines()[0][:200]
        raise UnreadableFile(f"Word 文件已损坏，无法打开 / corrupt Word file, cannot be opened ({reason})") from None
    problems = []
    reader = _Reader(body)
    try:
        reader.blocks(body)
    except Exception as exc:  # keep what was read before the odd part
        reason = (str(exc) or type(exc).__name__).splitlines()[0][:200]
        problems.append(f"Word 文件部分内容无法读取 / part of the Word file unreadable ({reason})")
    lines = reader.lines
    while lines and not lines[-1]:
        lines.pop()
    if not any(lines):
        raise UnreadableFile("Word 文件没有文字 / empty Word document: no text")
    if reader.text_boxes:
        problems.append("文本框中的文字未读取 / text in text boxes not read")
    return Document(text="\n".join(lines), format="docx", problems=problems)


class _Reader:
    def __init__(self, body):
        self.lines: list[str] = []
        # Most documents have none of what must be left out of a paragraph's text; they
        # take the plain query, which is three times faster.
        # (iter with tags returns at once when the document never uses those names.)
        careful = next(body.iter(*_CARE), None) is not None
        self.pieces = _PIECES_CAREFUL if careful else _PIECES
        self.text_boxes = careful and bool(_TEXT_BOXES(body))

    def blocks(self, parent) -> None:
        """Paragraphs and tables under a body, a cell or a content control, in order."""
        lines = self.lines
        for el in parent:
            tag = el.tag
            if tag == _P:
                for line in self.paragraph(el).split("\n"):
                    s = _line(line, above=lines[-1] if lines and "\t" in lines[-1] else None)
                    if s:
                        lines.append(s)
                if lines and lines[-1] and "\t" not in lines[-1]:
                    lines.append("")  # paragraphs apart, as in the text conversions; a table's rows together
            elif tag == _TBL:
                self.table(el)
            elif tag in _CONTAINERS:
                self.blocks(el)

    def paragraph(self, p) -> str:
        """The paragraph's text; a tab stays a tab."""
        return "".join(x if isinstance(x, str) else _SPECIAL.get(x.tag, " ") for x in self.pieces(p))

    def table(self, tbl) -> None:
        rows = [(tr, list(_through(tr, _TC))) for tr in _through(tbl, _TR)]
        if next(tbl.iterdescendants(_TBL), None) is not None:
            # A layout table: its cells are body text, the tables inside them tables.
            for _, cells in rows:
                for cell in cells:
                    self.blocks(cell)
            return
        grid: list[list[str]] = []
        for tr, cells in rows:
            row = [""] * _grid_value(tr, "gridBefore")
            for tc in cells:
                span, continued = 1, False
                props = tc.find(_TC_PR)
                if props is not None:
                    for el in props.iterchildren(_GRID_SPAN, _V_MERGE, _H_MERGE):
                        if el.tag == _GRID_SPAN:
                            span = max(1, min(_val(el, 1), 256))
                        elif el.get(_VAL) in (None, "continue"):
                            continued = True
                text = "" if continued else clean("\n".join(self.paragraph(p) for p in _through(tc, _P)))
                row.append(text)
                if span > 1:
                    row.extend([""] * (span - 1))
            row.extend([""] * _grid_value(tr, "gridAfter"))
            grid.append(row)
        lines = table_lines(grid)
        if lines:
            self.lines.extend(lines)
            self.lines.append("")


def _through(parent, tag: str):
    """The children with this tag, also inside content controls around them."""
    for el in parent.iterchildren(tag, *_CONTAINERS):
        if el.tag == tag:
            yield el
        else:
            yield from _through(el, tag)


def _val(el, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(_VAL))
    except (TypeError, ValueError):
        return default


def _grid_value(tr, name: str) -> int:
    props = tr.find(W + "trPr")
    el = props.find(W + name) if props is not None else None
    return max(0, min(_val(el, 0), 256))


_FIGURE = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")


def _line(text: str, above: str | None = None) -> str:
    """A paragraph line: tab-separated cells (a row laid out with tab stops) keep their
    tabs, empty leading cells included (a row whose first columns are empty); a line
    whose tabs only indent it is text on one line. `above`: the row just before, if any."""
    parts = text.split("\t")
    filled = [x for x in parts if x.strip()]
    # A row: three cells or more; two with a figure or an empty cell between them; any
    # cells under a row (its first columns may be empty). Two words apart by a tab
    # elsewhere, or a line indented by a tab, are prose.
    two = len(filled) == 2 and (above is not None or _FIGURE.match(clean(filled[1])) or "\t\t" in text.strip("\t"))
    under = above is not None and len(parts) >= 2 and filled
    if len(filled) >= 3 or two or under:
        return "\t".join(clean(x) for x in parts).rstrip("\t")
    return clean(text)
