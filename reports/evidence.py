"""Evidence on the page: find a finding's figure in its source PDF and picture the region.

``anomaly show`` writes one picture for an analyst's memo (``show``); report.html embeds
small ones for the top leads (``report_crops``). The text layer of the finding's page is
searched for the stated figure inside the evidence, else for the evidence itself, with
whitespace ignored and full-width/half-width forms folded (NFKC), so the quoted text
matches however the PDF spaced or broke it. Only the source files are read here.
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import io
import re
import sys
import time
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import polars as pl
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw

from datasets.read.sources import Source, is_url, read_bytes, source_of
from reports.parallel import spread

RED = (255, 0, 0)
SHOW_SCALE = 2.0  # 144 dpi: an A4 page is 1190 px wide
MAX_SIDE = 5000  # px; a huge page is rendered smaller, not at any cost
MARGIN_PT = 30  # shown above and below the evidence's lines (about two lines of text)
REPORT_SCALE = 800 / 595  # crops in the report: 97 dpi, an A4 page 800 px wide (landscape 1130)
REPORT_BUDGET_S = 20.0  # seconds for all of a report's crops; the rest go without
REPORT_GRAYS = 4  # gray levels of an embedded crop: text stays crisp, and with red a 4-bit PNG

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"'})
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
_SPACES = re.compile(r" {2,}")
_FIGURES_ONLY = re.compile(r"[\d,.%\s+-]+")
_PIECES = re.compile(r"\s{2,}|\.{3,}|[\t\n,;:!?()。、]")  # table cells, clauses, quotes cut (…), on NFKC text


class ShowError(Exception):
    """Why a finding cannot be pictured: a reports.i18n key, its values and the exit code."""

    def __init__(self, key: str, code: int = 1, **values: object):
        super().__init__(key)
        self.key, self.code, self.values = key, code, values


@lru_cache(maxsize=8192)
def _fold(char: str) -> str:
    text = unicodedata.normalize("NFKC", char).translate(_QUOTES)
    return "".join(" " if c.isspace() else c for c in text)


def normalize(text: str) -> str:
    """Text as compared: NFKC (full-width to half-width), curly quotes straight, one space
    for any run of whitespace (spaces still part numbers: 2.50 1,234.00)."""
    return _SPACES.sub(" ", "".join(_fold(c) for c in text)).strip()


@lru_cache(maxsize=4096)
def _pattern(text: str) -> re.Pattern:
    """``text`` found however the page spaces it: an optional space between any two characters."""
    return re.compile(" ?".join(re.escape(c) for c in normalize(text) if c != " "))


def _numeric_at(hay: str, k: int, step: int) -> bool:
    """Does a number continue at hay[k] (reading in direction ``step``)?"""
    if not 0 <= k < len(hay):
        return False
    nxt = k + step
    return hay[k].isdigit() or (hay[k] in ".," and 0 <= nxt < len(hay) and hay[nxt].isdigit())


def occurrences(hay: str, figure: str) -> list[tuple[int, int]]:
    """Where ``figure`` stands in ``hay`` as a whole number (2.50 is not found in 12.50)."""
    out = []
    for m in _pattern(figure).finditer(hay):
        start, end = m.span()
        inside = (figure[0].isdigit() and _numeric_at(hay, start - 1, -1)) or (
            figure[-1].isdigit() and _numeric_at(hay, end, 1)
        )
        if not inside:
            out.append((start, end))
    return out


def figure_of(stated: str | None, evidence: str | None) -> str | None:
    """The stated figure as it stands in the evidence: for the longest number of ``stated``
    first, the same number there, or the same amount in the other unit (万元 stated for a
    cell in 元: 1,210.00 for 12100036, and the other way round); without numbers, the
    stated text itself (XX, 待填, 减少)."""
    ev = normalize(evidence or "")
    in_evidence = [m.group() for m in _NUMBER.finditer(ev)]
    for number in sorted({m.group() for m in _NUMBER.finditer(normalize(stated or ""))}, key=len, reverse=True):
        for candidate in (number, number.replace(",", "")):
            if occurrences(ev, candidate):
                return candidate
        same = [n for n in in_evidence if _same_amount(number, n)]
        if same:
            return same[0]
    words = normalize(stated or "")  # no number: a placeholder (XX, 待填) or a word (减少)
    return words if words and occurrences(ev, words) else None


def _same_amount(a: str, b: str) -> bool:
    """Are a and b the same amount, one in 万元 and the other in 元 (at the precision shown)?"""
    if a.endswith("%") or b.endswith("%"):
        return False
    x, y = float(a.replace(",", "")), float(b.replace(",", ""))
    decimals = [len(n.partition(".")[2]) for n in (a, b)]
    return (x != 0 and round(y / 10_000, decimals[0]) == x) or (y != 0 and round(x / 10_000, decimals[1]) == y)


def locate(hay: str, evidence: str | None, stated: str | None):
    """Find the evidence in a page's folded text ``hay``.

    Returns (what, box, context): what is "figure" or "evidence" (what ``box`` covers),
    box a (start, end) span of ``hay``, context the spans whose lines are shown; or None.
    """
    figure = figure_of(stated, evidence)
    places = occurrences(hay, figure) if figure else []
    whole = _pattern(evidence).search(hay) if normalize(evidence or "") else None
    if whole:  # the evidence as quoted
        span = whole.span()
        inside = [p for p in places if span[0] <= p[0] and p[1] <= span[1]]
        if inside:
            if figure.endswith("%"):  # a change's percentage, in brackets after it, not a rate before it
                inside.sort(
                    key=lambda p: not (p[0] > 0 and hay[p[0] - 1] in "(（")
                )  # (完成预算的41.90%，减少2.33(41.90%))
            return "figure", inside[0], [span]
        return "evidence", span, [span]
    # Not in one piece (a table row read in another order, a sentence cut by a footer):
    # its pieces (cells, clauses) and the figure nearest to them.
    parts = _PIECES.split(unicodedata.normalize("NFKC", evidence or ""))
    pieces = {
        p
        for p in [*parts, *(word for part in parts for word in part.split())]  # 表2 合计: also 表2, 合计
        if len(normalize(p)) >= 2 and not _FIGURES_ONLY.fullmatch(p)  # a number is no anchor: it repeats
    }
    found = [m.span() for p in pieces if (m := _pattern(p).search(hay))]
    if found and places:  # the figure closest after a piece (a label, then its value), else before one
        box = min(places, key=lambda o: min((o[0] - e, 0) if o[0] >= e else (s - o[1], 1) for s, e in found))
    elif len(places) == 1:  # nothing else of the evidence here: only an unambiguous figure
        box = places[0]
    else:
        box = None
    if box:
        reach = max(len(normalize(evidence or "")), 40)
        return "figure", box, [box, *(s for s in found if abs(s[0] - box[0]) <= reach)]
    longest = max(found, key=lambda s: s[1] - s[0], default=None)
    if longest and longest[1] - longest[0] >= 4:
        return "evidence", longest, [longest]
    return None


@dataclass
class Picture:
    image: Image.Image
    found: str | None  # "figure" or "evidence" (what the red box covers); None: not found, whole page
    pages: int  # the document's page count


class _Page:
    """One rendered page, its text layer folded for search, and PDF-to-pixel mapping."""

    def __init__(self, doc: pdfium.PdfDocument, number: int, scale: float = SHOW_SCALE):
        if not 1 <= number <= len(doc):
            raise ShowError("show_no_page", page=number, pages=len(doc))
        self.page = doc[number - 1]
        w, h = self.page.get_size()
        self.scale = min(scale, MAX_SIDE / max(w, h, 1))
        self.image = self.page.render(scale=self.scale, may_draw_forms=False).to_pil()
        self.text = self.page.get_textpage()
        chars, self.index = [], []  # the folded text, and the character each of its letters is
        for i in range(self.text.count_chars()):
            for c in _fold(chr(pdfium_c.FPDFText_GetUnicode(self.text, i))):
                if c != " " or (chars and chars[-1] != " "):
                    chars.append(c)
                    self.index.append(i)
        self.hay = "".join(chars)

    def to_px(self, x: float, y: float) -> tuple[int, int]:
        dx, dy = ctypes.c_int(), ctypes.c_int()
        w, h = self.image.size
        pdfium_c.FPDF_PageToDevice(self.page, 0, 0, w, h, 0, x, y, dx, dy)
        return dx.value, dy.value

    def boxes(self, span: tuple[int, int]) -> list[tuple[int, int, int, int]]:
        """The span's characters as one pixel box per line (left, top, right, bottom)."""
        lines: list[list[int]] = []
        for i in sorted({self.index[k] for k in range(*span)}):
            left, bottom, right, top = self.text.get_charbox(i, loose=True)
            if right <= left or top <= bottom:
                continue
            (x0, y0), (x1, y1) = self.to_px(left, bottom), self.to_px(right, top)
            box = [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
            last = lines[-1] if lines else None
            if last and min(last[3], box[3]) - max(last[1], box[1]) > 0.5 * min(last[3] - last[1], box[3] - box[1]):
                last[:] = [min(last[0], box[0]), min(last[1], box[1]), max(last[2], box[2]), max(last[3], box[3])]
            else:
                lines.append(box)
        return [(b[0], b[1], b[2], b[3]) for b in lines]

    @cached_property
    def lines(self) -> list[tuple[int, int, int, int]]:
        return self.boxes((0, len(self.hay)))

    def crop(self, evidence: str | None, stated: str | None, image: Image.Image, red) -> tuple[str, Image.Image] | None:
        """(what is boxed, the evidence's lines and a margin, full width, boxed in ``red``
        on a copy of ``image``), or None when the evidence is not on this page."""
        hit = locate(self.hay, evidence, stated)
        if hit and hit[0] == "figure":
            hit = (hit[0], self._in_its_column(hit[1], evidence, stated), hit[2])
        boxes = self.boxes(hit[1]) if hit else []
        if not boxes:
            return None
        lines = [b for span in hit[2] for b in self.boxes(span)] + boxes
        margin = round(MARGIN_PT * self.scale)
        top, bottom = min(b[1] for b in lines) - margin, max(b[3] for b in lines) + margin
        # A line the margin cuts through is shown whole.
        top = max(0, min([top, *(b[1] for b in self.lines if b[1] < top < b[3])]))
        bottom = min(image.height, max([bottom, *(b[3] for b in self.lines if b[1] < bottom < b[3])]))
        image = image.copy()
        draw = ImageDraw.Draw(image)
        width = max(2, round(1.5 * self.scale))  # drawn just outside the glyphs: no more room beside them
        dx, dy = width + 1, width + max(1, round(self.scale))
        for x0, y0, x1, y1 in boxes:
            draw.rectangle((x0 - dx, y0 - dy, x1 + dx, y1 + dy), outline=red, width=width)
        return hit[0], image.crop((0, top, image.width, bottom))

    def _in_its_column(self, span: tuple[int, int], evidence: str | None, stated: str | None) -> tuple[int, int]:
        """The figure of ``span``, or the same figure elsewhere on its row under the column
        group the evidence names: a 收支总表's totals repeat along a row (本年支出合计 545.25
        in every group), and the text alone cannot tell which is the finding's."""
        figure = figure_of(stated, evidence)
        row = self.boxes(span)[:1]
        if not figure or not row:
            return span

        def on_row(box: tuple[int, int, int, int]) -> bool:
            return min(box[3], row[0][3]) - max(box[1], row[0][1]) > 0.5 * (row[0][3] - row[0][1])

        same = [(o, b[0][0]) for o in occurrences(self.hay, figure) if (b := self.boxes(o)[:1]) and on_row(b[0])]
        if len(same) < 2:
            return span
        # The group's name (部门预算支出经济分类科目), by its first characters (a header wraps),
        # printed above the row: the group's figures stand from its left edge on.
        for name in (w for part in _PIECES.split(unicodedata.normalize("NFKC", evidence or "")) for w in part.split()):
            if len(name) < 6 or _FIGURES_ONLY.fullmatch(name):
                continue
            heads = [b[0] for m in _pattern(name[:6]).finditer(self.hay) if (b := self.boxes(m.span())[:1])]
            above = [b for b in heads if b[3] <= row[0][1]]
            if above:
                left = max(above, key=lambda b: b[3])[0]  # the nearest header above, if printed again
                right_of = [(x - left, o) for o, x in same if x >= left - 2 * self.scale]
                if right_of:
                    return min(right_of)[1]
        return span

    def close(self) -> None:
        self.text.close()
        self.page.close()


def open_pdf(path: Source) -> pdfium.PdfDocument:
    # The PDF reader, if it ran in this process, gave pdfium a last-resort font for speed;
    # pictures need the real glyphs (and their boxes) of the system's fonts.
    reader = sys.modules.get("datasets.read.pdf")
    if reader is not None:
        reader.system_fonts()
    try:
        return pdfium.PdfDocument(read_bytes(path) if is_url(path) else str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise ShowError("show_unreadable", path=path, error=str(exc) or type(exc).__name__) from None


def picture(path: Path, page_no: int, evidence: str | None, stated: str | None, scale: float = SHOW_SCALE) -> Picture:
    """The evidence region of page ``page_no`` (1-based) of the PDF at ``path``, boxed in red.

    When the evidence is not on the page: the whole page, found=None. Raises ShowError
    when the file cannot be opened or has no such page.
    """
    doc = open_pdf(path)
    try:
        page = _Page(doc, page_no, scale)
        try:
            rgb = page.image.convert("RGB")
            hit = page.crop(evidence, stated, rgb, RED)
            return Picture(hit[1], hit[0], len(doc)) if hit else Picture(rgb, None, len(doc))
        finally:
            page.close()
    except ShowError as exc:
        exc.values["path"] = path
        raise
    except pdfium.PdfiumError as exc:
        raise ShowError("show_unreadable", path=path, error=str(exc)) from None
    finally:
        doc.close()


def sha1_of(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _content_sha1(files: list[str] | None, path: Path) -> str | None:
    """The disclosure's content hash as the screen made it: the file's own, or for a
    说明 + 报表 read as one, the hash of its files' hashes in order (datasets.bundles)."""
    if not files or len(files) < 2:
        return sha1_of(path)
    h = hashlib.sha1()
    for f in files:
        if not Path(f).is_file():
            return None
        h.update(bytes.fromhex(sha1_of(Path(f))))
    return h.hexdigest()


def show(out_dir: Path, finding_id: str, png: Path, source: Path | None = None) -> tuple[dict, Picture]:
    """``anomaly show``: picture finding ``finding_id`` of the screen written to ``out_dir``
    and save it as ``png``. Returns (the finding, the picture). Raises ShowError with the
    reason (code 2: usage, 1: cannot render)."""
    out_dir = Path(out_dir)
    table = out_dir / "findings.parquet"
    if not table.is_file():
        raise ShowError("show_no_findings", code=2, dir=out_dir)
    found = pl.read_parquet(table)
    found = found.filter(pl.col("finding_id") == finding_id.strip()) if "finding_id" in found.columns else found.clear()
    if found.height == 0:
        raise ShowError("show_unknown", code=2, id=finding_id, dir=out_dir)
    # Copies of one disclosure (its text and its PDF) share a finding's id: picture the one on a page.
    row = (
        found.sort(pl.col("page").is_null()).row(0, named=True) if "page" in found.columns else found.row(0, named=True)
    )
    units = out_dir / "units.parquet"
    unit = pl.read_parquet(units).filter(pl.col("unit_id") == row["unit_id"]) if units.is_file() else pl.DataFrame()
    unit = unit.row(0, named=True) if unit.height else {}
    if row.get("page") is None:
        if row.get("place"):  # in a workbook: its sheet and row are the place to look
            sheet, _, at = row["place"].rpartition("!")
            raise ShowError("show_in_workbook", id=finding_id, path=row["source_path"], sheet=sheet, row=at or "?")
        pdf = Path(row["source_path"]).suffix.lower() == ".pdf"
        if row.get("line") is None or pdf:  # about the whole document, or a comparison across units
            raise ShowError("show_no_place", id=finding_id, rule=row.get("rule"))
        raise ShowError("show_text_input", id=finding_id, path=row["source_path"], line=row["line"])
    path = Path(source or row["source_path"])
    if not path.is_file():
        raise ShowError("show_missing", path=path)
    if unit.get("content_sha1") not in (None, _content_sha1(unit.get("source_files"), path)):
        raise ShowError("show_changed", path=path)
    result = picture(path, int(row["page"]), row.get("evidence"), row.get("stated"))
    png.parent.mkdir(parents=True, exist_ok=True)
    result.image.save(png, optimize=True)
    return row, result


def report_crops(rows: list[tuple], scale: float = REPORT_SCALE, budget_s: float = REPORT_BUDGET_S) -> list[str | None]:
    """Small crops for the report: for each (source_path, page, evidence, stated) a PNG
    data URI, or None (no page, file missing or unreadable, evidence not found, or the
    time budget spent). Files are rendered in worker processes when there are several
    (reports.parallel). Never raises."""
    out: list[str | None] = [None] * len(rows)
    todo: dict[str, list[int]] = {}
    for i, (path, page_no, _, _) in enumerate(rows):
        if path and page_no:
            todo.setdefault(str(path), []).append(i)
    deadline = time.time() + budget_s  # wall clock: the worker processes share it
    files = sorted(todo)
    jobs = [(path, [(int(rows[i][1]), rows[i][2], rows[i][3]) for i in todo[path]], scale, deadline) for path in files]
    for path, uris in zip(files, spread(_file_crops, jobs, failed=lambda job: [None] * len(job[1]))):
        for i, uri in zip(todo[path], uris):
            out[i] = uri
    return out


def _file_crops(job: tuple) -> list[str | None]:
    """The crops of one file's items (page, evidence, stated), each page rendered once,
    none once the deadline (time.time()) has passed. Never raises."""
    path, items, scale, deadline = job
    out: list[str | None] = [None] * len(items)
    if time.time() > deadline:
        return out
    pages: dict[int, list[int]] = {}
    for k, (page_no, _, _) in enumerate(items):
        pages.setdefault(page_no, []).append(k)
    try:
        doc = open_pdf(source_of(path))
    except Exception:  # a missing or broken PDF means no crop, never a failed run
        return out
    try:
        for page_no, ks in sorted(pages.items()):
            if time.time() > deadline:  # a slow page (a huge drawing) delays no run for long
                break
            try:
                page = _Page(doc, page_no, scale)
            except Exception:
                continue
            try:
                gray = _gray_palette(page.image)
                for k in ks:
                    try:
                        hit = page.crop(items[k][1], items[k][2], gray, REPORT_GRAYS)
                    except Exception:
                        continue
                    if hit is not None:
                        buf = io.BytesIO()
                        hit[1].save(buf, format="PNG", optimize=True, bits=4)
                        out[k] = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
            finally:
                page.close()
    finally:
        doc.close()
    return out


def _gray_palette(image: Image.Image) -> Image.Image:
    """A render as a 16-colour palette image: REPORT_GRAYS grays, then red at index REPORT_GRAYS."""
    levels = REPORT_GRAYS - 1
    img = image.convert("L").point(lambda v: round(v * levels / 255))
    palette = [round(k * 255 / levels) for k in range(REPORT_GRAYS) for _ in range(3)] + list(RED)
    img.putpalette(palette)
    return img
